"""Localization: the catalogs read at start: where they may be, what they may be named, which
locales they serve, and the files or rules refused as configuration errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import pytest

from alexaskill import ConfigurationError, Response, Skill, speak
from alexaskill.i18n import Translations, _
from alexaskill.testing import TestClient

from .catalogs import catalog
from .conftest import SKILL_ID
from .i18n_shared import locales as locales


def test_catalog_problems_are_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is not a directory"):
        Translations(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigurationError, match="no catalog in"):
        Translations(tmp_path / "empty")
    catalog(tmp_path / "raw", "de", 'msgid "a"\nmsgstr "b"\n', compile_it=False)
    with pytest.raises(ConfigurationError, match="not compiled; run pybabel compile -d"):
        Translations(tmp_path / "raw")
    bad = tmp_path / "bad" / "de" / "LC_MESSAGES"
    bad.mkdir(parents=True)
    (bad / "messages.mo").write_bytes(b"not a catalog")
    with pytest.raises(ConfigurationError, match="not a compiled catalog"):
        Translations(tmp_path / "bad")
    with pytest.raises(ConfigurationError, match="default_locale"):
        Translations(tmp_path / "bad", default_locale="English")


@pytest.mark.parametrize(
    ("directory", "reason"),
    [
        # Each was read and never used (Alexa never sends en-UK), or skipped without a word, its
        # catalog with it (a name that is no locale as gettext writes one).
        ("en_UK", "did you mean en-GB?"),
        ("en-us", "did you mean en-US?"),
        ("en_us", "did you mean en-US?"),
        ("German", "did you mean 'de'"),
    ],
)
def test_a_catalog_no_request_can_reach_is_refused_at_start(
    tmp_path: Path, directory: str, reason: str
) -> None:
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    # Written as pybabel does, then named as a skill author might (Babel refuses "en-us").
    catalog(tmp_path / "made", "en", 'msgid "Hello."\nmsgstr "Hi."\n')
    (tmp_path / "made" / "en").rename(tmp_path / directory)
    (tmp_path / "made").rmdir()
    with pytest.raises(ConfigurationError) as raised:
        Translations(tmp_path)
    assert directory in str(raised.value) and reason in str(raised.value)
    assert "no request would ever be answered from it" in str(raised.value)


@pytest.mark.parametrize(
    ("directory", "reason"),
    [
        # gettext's and CLDR's names that are no locale of Alexa's, nor one mistyped: the old
        # code skipped them silently; a check at start stopped the skill on them.
        ("zh_Hans", "they are ar-SA"),
        ("sr_Latn", "they are ar-SA"),
        ("de_DE@formal", "its locales of that language: de-DE"),
        ("pt_BR.UTF-8", "its locales of that language: pt-BR"),
    ],
)
def test_a_catalog_named_as_gettext_may_but_alexa_never_does_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, directory: str, reason: str
) -> None:
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    catalog(tmp_path / "made", "en", 'msgid "Hello."\nmsgstr "Hi."\n')
    (tmp_path / "made" / "en").rename(tmp_path / directory)
    # Not compiled, a .po beside it is no reason to stop either: it is not read.
    catalog(tmp_path / "made", "en", 'msgid "Hello."\nmsgstr "Hi."\n', compile_it=False)
    (tmp_path / "made" / "en").rename(tmp_path / f"{directory}2")
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        translations = Translations(tmp_path)
    assert translations.locales == ("de",)
    said = [r.getMessage() for r in caplog.records if directory in r.getMessage()]
    assert len(said) == 2
    assert reason in said[0] and "not read" in said[0]


def test_a_request_in_a_language_without_a_catalog_is_logged_once(
    tmp_path: Path, skill_client: Callable[..., TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    # Written in English with German catalogs, asked in fr-CA: English, as documented, and the
    # log says why once (it said nothing: the author saw English and could not tell why).
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    skill = Skill(SKILL_ID, translations=Translations(tmp_path))

    @skill.launch
    def launch() -> Response:
        return speak(_("Hello."))

    with caplog.at_level(logging.INFO, logger="alexaskill"):
        french = skill_client(skill, locale="fr-CA")
        assert [french.launch().speech for _ in range(2)] == ["Hello.", "Hello."]
        assert skill_client(skill, locale="de-DE").launch().speech == "Hallo."
        assert skill_client(skill, locale="en-GB").launch().speech == "Hello."
    said = [r.getMessage() for r in caplog.records if "no catalog" in r.getMessage()]
    assert said == [
        "translations: no catalog of fr for fr-CA requests (catalogs: de): their sentences are "
        "the default locale's, en-US"
    ]


def test_the_no_catalog_warning_stays_once_per_alexa_locale_past_the_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The warning was once per cached translator: past 64 distinct locales (forged requests
    # can send any) nothing was cached, and every fr-FR request logged it again, and the
    # request's locale went into the log as sent.
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    translations = Translations(tmp_path)
    with caplog.at_level(logging.INFO, logger="alexaskill"):
        for number in range(100):
            translations.translator(f"x{number}-ZZ\nforged line")
        for _ in range(5):
            assert translations.translator("fr-FR").gettext("Hello.") == "Hello."
    said = [r.getMessage() for r in caplog.records if "no catalog" in r.getMessage()]
    assert said == [
        "translations: no catalog of fr for fr-FR requests (catalogs: de): their sentences are "
        "the default locale's, en-US"
    ]


def test_a_catalog_of_a_locale_alexa_does_not_serve_is_logged_as_unused(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Austria is served by de-DE: a de_AT catalog is never looked in. Kept (the catalogs may
    # serve another program too), with a warning at start rather than silence.
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    catalog(tmp_path, "de_AT", 'msgid "Hello."\nmsgstr "Servus."\n')
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        translations = Translations(tmp_path)
    assert translations.translator("de-DE").gettext("Hello.") == "Hallo."
    [record] = [r for r in caplog.records if "de_AT" in r.getMessage()]
    assert "its locales of that language: de-DE" in record.getMessage()
    assert "no request will ever be answered from it" in record.getMessage()


def test_a_directory_without_a_catalog_is_left_alone(tmp_path: Path) -> None:
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "templates" / "LC_MESSAGES").mkdir(parents=True)
    assert Translations(tmp_path).locales == ("de",)


@pytest.mark.parametrize(
    ("default", "reason"),
    [
        ("en-UK", "did you mean en-GB?"),
        ("en_US", "did you mean en-US?"),
        ("de", "its locales of that language: de-DE"),
        ("xx-XX", "not a locale Alexa supports"),
    ],
)
def test_the_default_locale_is_one_of_alexas(tmp_path: Path, default: str, reason: str) -> None:
    # Each was taken: the chain still found catalogs, but the model of that "locale" could
    # not be built, and a de default named no locale at all.
    catalog(tmp_path, "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    with pytest.raises(ConfigurationError, match="default_locale") as raised:
        Translations(tmp_path, default_locale=default)
    assert reason in str(raised.value)


def test_a_skill_takes_the_catalog_directory(
    locales: Path, skill_client: Callable[..., TestClient]
) -> None:
    skill = Skill(SKILL_ID, translations=locales)
    assert skill.translations is not None
    assert skill.translations.default_locale == "en-US"

    @skill.launch
    def launch() -> Response:
        return speak(_("It will be sunny in {city}.", city="Bonn"))

    assert skill_client(skill, locale="de-DE").launch().speech == "In Bonn wird es sonnig."


def test_two_directories_of_one_locale_are_refused_not_one_silently_dropped(
    tmp_path: Path,
) -> None:
    # de-DE and de_DE are the same catalog name: one of them would never be read.
    catalog(tmp_path / "made", "de_DE", 'msgid "Hi"\nmsgstr "Hallo A"\n')
    locales = tmp_path / "locales"
    catalog(locales, "de_DE", 'msgid "Hi"\nmsgstr "Hallo B"\n')
    (locales / "de-DE").mkdir()
    (tmp_path / "made" / "de_DE" / "LC_MESSAGES").rename(locales / "de-DE" / "LC_MESSAGES")
    with pytest.raises(ConfigurationError, match=r"de-DE and .*de_DE.* are one locale's"):
        Translations(locales)


def test_a_catalog_in_an_unknown_charset_is_a_configuration_error(tmp_path: Path) -> None:
    catalog(tmp_path, "de", 'msgid "Hi"\nmsgstr "Hallo"\n')
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    data = compiled.read_bytes()
    spelt = data[data.lower().index(b"charset=utf-8") :][: len(b"charset=utf-8")]
    compiled.write_bytes(data.replace(spelt, b"charset=klingon"))
    with pytest.raises(ConfigurationError, match=r"not a compiled catalog.*klingon"):
        Translations(tmp_path)


@pytest.mark.parametrize("rule", ["plural=(n % 0);", "plural=(n % (n - 7) != 0);"])
def test_a_plural_rule_that_fails_for_a_count_is_refused_at_start(
    tmp_path: Path, rule: str
) -> None:
    # Else the first request with that count in that language got the apology, not its answer.
    catalog(tmp_path, "de", 'msgid "Hi"\nmsgstr "Hallo"\n', plural_forms=f"nplurals=2; {rule}")
    with pytest.raises(ConfigurationError, match=r"Plural-Forms.*fails for n="):
        Translations(tmp_path)


def test_a_plural_rule_that_names_a_form_the_catalog_has_not_is_refused_at_start(
    tmp_path: Path,
) -> None:
    # Two forms, a rule that picks a third for n = 0 and n >= 3: every such count was spoken in
    # the source language, with no warning.
    catalog(
        tmp_path,
        "de",
        'msgid "{n} day"\nmsgid_plural "{n} days"\nmsgstr[0] "{n} Tag"\nmsgstr[1] "{n} Tage"\n',
        plural_forms="nplurals=2; plural=(n==1 ? 0 : n==2 ? 1 : 2);",
    )
    with pytest.raises(ConfigurationError, match=r"rule picks form 2 for n=0, outside nplurals=2"):
        Translations(tmp_path)


def test_a_translated_progressive_speech_amazon_refuses_is_refused_at_start(
    tmp_path: Path,
) -> None:
    # Only the source text was checked: a German translation over 600 characters was taken,
    # and each German request slow enough to get it logged that it was not sent. (Here, not in
    # test_app.py: .ci/run runs that file again at the dependency floors, without babel, which
    # the catalogs are compiled with.)
    catalog(tmp_path, "de_DE", f'msgid "Wait."\nmsgstr "{"x" * 600}"\n')
    catalog(tmp_path, "fr_FR", 'msgid "Wait."\nmsgstr "Attendez."\n')
    for translations in (Translations(tmp_path), str(tmp_path)):
        with pytest.raises(
            ConfigurationError, match=r"^progressive_speech in de-DE: .*limit is 600"
        ):
            Skill(SKILL_ID, progressive_speech="Wait.", translations=translations)
    # A translation within the limit, and a sentence no catalog translates, are taken.
    catalog(tmp_path, "de_DE", 'msgid "Wait."\nmsgstr "Warten Sie."\n')
    assert Skill(SKILL_ID, progressive_speech="Wait.", translations=Translations(tmp_path))
    assert Skill(SKILL_ID, progressive_speech="Hold on.", translations=Translations(tmp_path))


def test_catalogs_are_read_from_package_data_in_a_zip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A skill imported from a zip (a zipapp, a zipped package) finds its catalogs with
    # importlib.resources.files(), a Traversable that is no path: Translations and Skill refused
    # it (a bare TypeError), and importlib.resources.as_file cannot extract a directory (3.11).
    import importlib.resources
    import sys
    import zipfile

    package = tmp_path / "src" / "zipped_skill_i18n"
    catalog(package / "locales", "de", 'msgid "Hello."\nmsgstr "Hallo."\n')
    catalog(package / "locales", "fr", 'msgid "x"\nmsgstr "y"\n')
    (package / "__init__.py").write_text("", encoding="utf-8")
    archive = tmp_path / "skill.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in sorted((tmp_path / "src").rglob("*")):
            if file.is_file():
                zipped.write(file, file.relative_to(tmp_path / "src").as_posix())
    monkeypatch.syspath_prepend(str(archive))
    monkeypatch.delitem(sys.modules, "zipped_skill_i18n", raising=False)
    folder = importlib.resources.files("zipped_skill_i18n") / "locales"
    assert not isinstance(folder, Path)  # a zipfile.Path: really read from the zip
    translations = Translations(folder)
    assert translations.locales == ("de", "fr")
    assert translations.translator("de-DE").gettext("Hello.") == "Hallo."
    skill = Skill(SKILL_ID, translations=folder)
    assert skill.translations is not None
    assert skill.translations.translator("de-DE").gettext("Hello.") == "Hallo."
    with pytest.raises(ConfigurationError, match=r"skill\.zip/zipped_skill_i18n/nothing"):
        Translations(importlib.resources.files("zipped_skill_i18n") / "nothing")
    # An uncompiled .po in the zip is named as one on disk is.
    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.writestr("zipped_skill_i18n/other/it/LC_MESSAGES/messages.po", "")
    with pytest.raises(ConfigurationError, match=r"it/LC_MESSAGES/messages\.po not compiled"):
        Translations(zipfile.Path(archive, "zipped_skill_i18n/other/"))


def test_a_locale_whose_language_has_a_catalog_of_another_region_is_told_how_to_reach_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A fr_FR catalog serves fr-FR alone (fr-CA looks in fr_CA, then fr). The WARNING said "no
    # catalog of fr for fr-CA requests (catalogs: fr-FR)", a contradiction that left the author
    # to guess; it names the catalog that is not reached and the directory name that would be.
    catalog(tmp_path, "fr_FR", 'msgid "Hello."\nmsgstr "Bonjour."\n')
    catalog(tmp_path, "es", 'msgid "Hello."\nmsgstr "Hola."\n')
    translations = Translations(tmp_path)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert translations.translator("fr-CA").gettext("Hello.") == "Hello."
        assert translations.translator("pt-BR").gettext("Hello.") == "Hello."
    said = [r.getMessage() for r in caplog.records]
    assert said == [
        "translations: no catalog of fr for fr-CA requests (catalogs: es, fr-FR): their "
        "sentences are the default locale's, en-US; the fr-FR catalog serves fr-FR requests "
        "alone: name its directory fr to serve every locale of that language, or add fr_CA",
        "translations: no catalog of pt for pt-BR requests (catalogs: es, fr-FR): their "
        "sentences are the default locale's, en-US",
    ]


@pytest.mark.parametrize("cut", [12, 30, -3])
def test_a_truncated_or_corrupt_catalog_is_a_configuration_error_not_a_traceback(
    tmp_path: Path, cut: int
) -> None:
    # gettext reads a .mo whose header or tables end early (a copy cut short, a table offset
    # past the file) with struct.unpack, whose struct.error is no OSError or ValueError: the
    # start ended in a traceback instead of naming the catalog and how to make it again.
    catalog(tmp_path, "de", 'msgid "Hi"\nmsgstr "Hallo"\n')
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    data = compiled.read_bytes()
    if cut < 0:  # the translations' table said to start past the file's end
        data = data[:16] + (len(data) + 100).to_bytes(4, "little") + data[20:]
    else:
        data = data[:cut]
    compiled.write_bytes(data)
    with pytest.raises(ConfigurationError, match=r"messages\.mo is not a compiled catalog"):
        Translations(tmp_path)


def test_a_big_endian_catalogs_plural_forms_are_checked_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # GNU msgfmt on a big-endian machine writes the .mo's numbers big-endian; gettext reads
    # either. The plural forms' start-time check reads the file itself: the same catalog,
    # its numbers swapped, says the same (and is read, not a traceback).
    import struct

    catalog(
        tmp_path,
        "de",
        'msgid "{n} day in {city}"\nmsgid_plural "{n} days in {city}"\n'
        'msgstr[0] "ein Tag in {city}"\nmsgstr[1] "{n} Tage in {stadt}"\n',
    )
    compiled = tmp_path / "de" / "LC_MESSAGES" / "messages.mo"
    data = compiled.read_bytes()
    assert data[:4] == b"\xde\x12\x04\x95"  # little-endian, as babel writes it
    count, originals, translations, hashes, hashed = struct.unpack("<5I", data[8:28])
    head = (0x950412DE, 0, count, originals, translations, hashes, hashed)
    tables = struct.unpack_from(f"<{4 * count}I", data, originals)
    assert translations == originals + 8 * count and hashes == 0
    swapped = bytearray(data)
    swapped[:28] = struct.pack(">7I", *head)
    swapped[originals : originals + 16 * count] = struct.pack(f">{4 * count}I", *tables)
    compiled.write_bytes(bytes(swapped))
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        german = Translations(tmp_path).translator("de-DE")
    assert [record.getMessage() for record in caplog.records] == [
        f"translations: {compiled}: the translation of '{{n}} day in {{city}}' does not fit its "
        "placeholders (msgstr[1]: added: stadt; dropped: city); the source text is spoken "
        "instead; correct it in the .po and compile it again (pybabel compile)"
    ]
    assert german.ngettext("{n} day in {city}", "{n} days in {city}", 1, city="Rom") == (
        "ein Tag in Rom"
    )
