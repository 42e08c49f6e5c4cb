"""Localization: plural forms as a .po holds them (empty, missing, past nplurals, fuzzy or
untranslated entries) and what the start says of each."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from alexaskill.i18n import Translations

from .catalogs import catalog

FRENCH_PLURAL = "nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;"


def _said_of_a_french_day_plural_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, form: str
) -> None:
    """Assert what the start of the French catalog in ``tmp_path`` logged, and nothing else:
    its '{n} day' with msgstr[2] ``form`` ("empty" or "missing"); and that, compiled, it
    speaks English for n=2."""
    po = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        french = Translations(tmp_path).translator("fr-FR")
    assert french.ngettext("{n} day", "{n} days", 2) == "2 days"  # what compile made of it
    assert [record.getMessage() for record in caplog.records] == [
        f"translations: {po}: msgstr[2] of '{{n}} day' is {form}, beside forms filled: pybabel "
        "compile puts the source text's plural there, and users of this catalog hear it (n=2, "
        "say); fill it and compile again"
    ]


def test_a_plural_form_left_empty_beside_filled_ones_is_logged_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # pybabel compile writes the English plural in an empty msgstr[…] of an entry whose other
    # forms are filled, without an error: French users heard "2 days", and no log said so.
    catalog(
        tmp_path,
        "fr",
        """\
        #, fuzzy
        msgid "{n} week"
        msgid_plural "{n} weeks"
        msgstr[0] "{n} semaine"
        msgstr[1] ""
        msgstr[2] ""

        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} jour"
        msgstr[1] "{n} de jours"
        msgstr[2] ""

        msgid "{n} minute"
        msgid_plural "{n} minutes"
        msgstr[0] "{n} minute"
        msgstr[1] "{n} de minutes"
        msgstr[2] "{n} minutes"

        msgid "{n} hour"
        msgid_plural "{n} hours"
        msgstr[0] ""
        msgstr[1] ""
        msgstr[2] ""

        #~ msgid "{n} year"
        #~ msgid_plural "{n} years"
        #~ msgstr[0] "{n} an"
        #~ msgstr[1] ""
        #~ msgstr[2] ""
        """,
        FRENCH_PLURAL,
    )
    _said_of_a_french_day_plural_at_start(tmp_path, caplog, "empty")


def test_empty_plural_forms_are_read_from_the_po_as_written() -> None:
    from alexaskill.i18n_forms import empty_forms

    po = (
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n'
        'msgctxt "ahead"\nmsgid "{n} day"\nmsgid_plural "{n} days"\n'
        'msgstr[0] "{n} jour"\nmsgstr[1] ""\n"{n} de jours"\nmsgstr[2] ""\n'
        'msgid ""\n"{n} week"\nmsgid_plural "{n} weeks"\nmsgstr[0] "{n} semaine"\n'
        'msgstr[1] "{n} de semaines"\nmsgstr[2] ""'  # no blank lines, no final line break
    )
    assert list(empty_forms(po)) == [("{n} day", [2]), ("{n} week", [2])]


def test_a_plural_form_past_the_catalogs_nplurals_is_not_said_to_be_heard(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A msgstr[2] left in a German entry (nplurals=2): no count picks it, pybabel compile drops
    # it, no user hears it; the start said "users of this catalog hear it; fill it".
    catalog(
        tmp_path,
        "de",
        """\
        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} Tag"
        msgstr[1] "{n} Tage"
        msgstr[2] ""

        msgid "{n} week"
        msgid_plural "{n} weeks"
        msgstr[0] "{n} Woche"
        msgstr[1] ""
        """,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
    assert german.ngettext("{n} day", "{n} days", 2) == "2 Tage"
    said = [record.getMessage() for record in caplog.records if "is empty" in record.getMessage()]
    assert len(said) == 1 and "msgstr[1] of '{n} week'" in said[0] and "(n=0, say)" in said[0]


def test_a_fuzzy_flag_of_an_obsolete_entry_is_not_the_next_entrys(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The "#, fuzzy" before an obsolete "#~" entry was kept for the entry after it, whose empty
    # form then went unreported (a fuzzy entry is not compiled): French users heard "2 days".
    catalog(
        tmp_path,
        "fr",
        """\
        #, fuzzy
        #~ msgid "{n} year"
        #~ msgid_plural "{n} years"
        #~ msgstr[0] "{n} an"
        #~ msgstr[1] ""
        #~ msgstr[2] ""

        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} jour"
        msgstr[1] "{n} de jours"
        msgstr[2] ""
        """,
        FRENCH_PLURAL,
    )
    _said_of_a_french_day_plural_at_start(tmp_path, caplog, "empty")


def test_a_plural_form_missing_from_an_entry_is_logged_as_an_empty_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # No msgstr[2] line at all in a French entry: pybabel compile writes the English plural
    # for it as for an empty one, and nothing said so.
    catalog(
        tmp_path,
        "fr",
        """\
        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} jour"
        msgstr[1] "{n} de jours"
        """,
        FRENCH_PLURAL,
    )
    _said_of_a_french_day_plural_at_start(tmp_path, caplog, "missing")


def test_an_untranslated_plural_entry_that_hides_a_translation_further_on_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Every msgstr of a plural entry left empty in fr_CA: pybabel compile writes the English
    # forms, found before fr's translation, and fr-CA users heard "3 hours" with no warning.
    hours = 'msgid "{n} hour"\nmsgid_plural "{n} hours"\n'
    catalog(
        tmp_path,
        "fr",
        hours + 'msgstr[0] "{n} heure"\nmsgstr[1] "{n} d\'heures"\nmsgstr[2] "{n} heures"\n\n'
        'msgctxt "ahead"\n' + hours + 'msgstr[0] "x"\nmsgstr[1] "y"\nmsgstr[2] "z"\n',
        FRENCH_PLURAL,
    )
    catalog(
        tmp_path,
        "fr_CA",
        # The untranslated ones fr has no translation of, or translates in another context,
        # hide nothing: not logged (a .po fresh from pybabel update is full of them).
        hours + 'msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n\n'
        'msgid "{n} week"\nmsgid_plural "{n} weeks"\nmsgstr[0] ""\nmsgstr[1] ""\n\n'
        'msgctxt "behind"\n' + hours + 'msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n',
        FRENCH_PLURAL,
    )
    po = tmp_path / "fr_CA" / "LC_MESSAGES" / "messages.po"
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        translations = Translations(tmp_path)
    assert translations.translator("fr-CA").ngettext("{n} hour", "{n} hours", 3) == "3 hours"
    assert [record.getMessage() for record in caplog.records] == [
        f"translations: {po}: every msgstr of '{{n}} hour' is empty: pybabel compile puts the "
        "source text there, and users of this catalog hear it instead of the fr catalog's "
        "translation; fill them, or delete the entry, and compile again"
    ]


def test_an_untranslated_plural_entry_its_mo_leaves_out_hides_nothing_and_is_not_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # GNU msgfmt leaves an untranslated entry out of the .mo (pybabel compile alone writes it
    # as English), and so does a .mo compiled before `pybabel update` added the entry to the
    # .po: fr-CA users hear fr's translation, and the log said they heard the English.
    hours = 'msgid "{n} hour"\nmsgid_plural "{n} hours"\n'
    minutes = 'msgctxt "ahead"\nmsgid "{n} minute"\nmsgid_plural "{n} minutes"\n'
    catalog(
        tmp_path,
        "fr",
        hours
        + 'msgstr[0] "{n} heure"\nmsgstr[1] "{n} d\'heures"\nmsgstr[2] "{n} heures"\n\n'
        + minutes
        + 'msgstr[0] "{n} minute"\nmsgstr[1] "{n} de minutes"\nmsgstr[2] "{n} minutes"\n',
        FRENCH_PLURAL,
    )
    untranslated = 'msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n'
    # Its .mo holds the entry in a context (pybabel compile wrote it), not the other.
    catalog(tmp_path, "fr_CA", minutes + untranslated, FRENCH_PLURAL)
    catalog(
        tmp_path,
        "fr_CA",
        hours + untranslated + "\n" + minutes + untranslated,
        FRENCH_PLURAL,
        compile_it=False,
    )
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        translations = Translations(tmp_path)
    canadian = translations.translator("fr-CA")
    assert canadian.ngettext("{n} hour", "{n} hours", 3) == "3 heures"
    assert canadian.npgettext("ahead", "{n} minute", "{n} minutes", 3) == "3 minutes"
    said = [record.getMessage() for record in caplog.records]
    assert len(said) == 1 and "every msgstr of '{n} minute' is empty" in said[0], said
