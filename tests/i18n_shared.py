"""What the localization tests share (tests/test_i18n.py, _catalogs and _placeholders): the
locales fixture, a directory of German, English (en, en_GB, en_US) and Polish catalogs; each
module imports it by name, as a fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from .catalogs import catalog

# Polish: one, few (2-4, not 12-14), many: a rule with three forms.
POLISH_PLURAL = (
    "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    directory = tmp_path / "locales"
    catalog(
        directory,
        "de",
        """\
        msgid "It will be sunny in {city}."
        msgstr "In {city} wird es sonnig."

        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} Tag"
        msgstr[1] "{n} Tage"

        msgctxt "month"
        msgid "May"
        msgstr "Mai"

        msgctxt "permission"
        msgid "May"
        msgstr "Darf"

        msgctxt "days ahead"
        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} Tag voraus"
        msgstr[1] "{n} Tage voraus"

        msgid "Tom & Jerry in {city}."
        msgstr "Tom & Jerry in {city}, <audio src='x'/>."

        msgid "Broken {city}."
        msgstr "Kaputt {stadt}."
        """,
    )
    catalog(
        directory,
        "en_GB",
        """\
        msgid "What colour?"
        msgstr "What colour, mate?"
        """,
    )
    catalog(
        directory,
        "en",
        """\
        msgid "What colour?"
        msgstr "What colour?"

        msgid "The lift is out of order."
        msgstr "The lift is out of order (en)."
        """,
    )
    catalog(
        directory,
        "en_US",
        """\
        msgid "The lift is out of order."
        msgstr "The elevator is out of order."

        msgid "Only the default has this."
        msgstr "Only the default has this (en-US)."
        """,
    )
    catalog(
        directory,
        "pl",
        """\
        msgid "{n} day"
        msgid_plural "{n} days"
        msgstr[0] "{n} dzień"
        msgstr[1] "{n} dni (few)"
        msgstr[2] "{n} dni (many)"
        """,
        POLISH_PLURAL,
    )
    return directory
