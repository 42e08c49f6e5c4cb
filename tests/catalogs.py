"""Translation catalogs for tests: a ``.po`` file written and compiled as ``pybabel`` does."""

from __future__ import annotations

import textwrap
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# German (and English): one and other.
GERMAN_PLURAL = "nplurals=2; plural=(n != 1);"


def catalog(
    directory: Path,
    locale: str,
    entries: str,
    plural_forms: str = GERMAN_PLURAL,
    *,
    compile_it: bool = True,
) -> Path:
    """Write ``directory/<locale>/LC_MESSAGES/messages.po`` and compile it as pybabel does."""
    folder = directory / locale / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    header = textwrap.dedent(
        f"""\
        msgid ""
        msgstr ""
        "Content-Type: text/plain; charset=UTF-8\\n"
        "Language: {locale}\\n"
        "Plural-Forms: {plural_forms}\\n"

        """
    )
    po = folder / "messages.po"
    po.write_text(header + textwrap.dedent(entries), encoding="utf-8")
    if compile_it:
        with po.open("rb") as source:
            parsed = read_po(source, locale=locale)
        with (folder / "messages.mo").open("wb") as target:
            write_mo(target, parsed)
    return po
