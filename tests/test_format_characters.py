"""The format characters (Unicode's category Cf) the command line and the log lines write
escaped: those that hide or reorder text, not the two joiners Indic scripts and emoji sequences
are spelt with."""

from __future__ import annotations

import functools
import io
import json
import logging
import unicodedata

import pytest

from alexaskill.cli.chat_show import terminal_safe, terminal_safe_json
from alexaskill.logs import configure_logging

from .logger_state import alexaskill_logger_kept

#: Words spelt with the joiners: Hindi's क्‍ष (a half form, ZWJ) and क्‌ष (the virama shown,
#: ZWNJ), Marathi's eyelash ra (र्‍य), Persian's می‌خواهم (ZWNJ), a family emoji (ZWJ).
JOINED = {
    "hindi-zwj": "\u0915\u094d\u200d\u0937",
    "hindi-zwnj": "\u0915\u094d\u200c\u0937",
    "marathi": "\u0930\u094d\u200d\u092f",
    "persian": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    "family": "\U0001f468\u200d\U0001f469\u200d\U0001f467",
}


@pytest.mark.parametrize("text", JOINED.values(), ids=JOINED)
def test_the_joiners_are_written_as_they_are(text: str) -> None:
    # cli10 escaped every format character: `chat` showed ordinary Hindi as "क्\u200dष" and a
    # family emoji as three faces with "\u200d" between. The joiners hide nothing and reorder
    # nothing: raw, in a row and in JSON alike.
    assert terminal_safe(f"said {text}.") == f"said {text}."
    encoded = json.dumps({"text": text}, ensure_ascii=False)
    assert terminal_safe_json(encoded) == encoded


def test_the_format_characters_beside_the_joiners_are_still_escaped() -> None:
    # (the zero-width space before them, the bidi marks after: what hides or reorders text)
    assert terminal_safe("a\u200bb\u200ec\u200fd") == "a\\u200bb\\u200ec\\u200fd"
    assert terminal_safe_json('"a\u200bb\u200ec"') == '"a\\u200bb\\u200ec"'


@functools.cache
def _format() -> list[str]:
    """Every format character: Python's (its Unicode database, 14.0 on 3.11) and those Unicode
    gave the category since (Egyptian hieroglyphs' U+13439-U+1343F, Unicode 15). Found when a
    test first asks, not at import: a walk through all 1,114,112 code points cost every process
    collecting the suite a fifth of a second."""
    return [
        chr(code)
        for code in range(0x110000)
        if unicodedata.category(chr(code)) == "Cf" or 0x13439 <= code <= 0x1343F
    ]


def _logged(text: str, *, json_lines: bool) -> str:
    """The line the "alexaskill" logger writes of a warning quoting ``text`` in its message
    (written into it, not an argument, which is escaped before any formatter) and its extra."""
    stream = io.StringIO()
    with alexaskill_logger_kept():
        configure_logging("INFO", json=json_lines, stream=stream)
        logging.getLogger("alexaskill").warning(f"heard {text}", extra={"said": text})
    return stream.getvalue()


@pytest.mark.parametrize("json_lines", [False, True], ids=["plain", "json"])
def test_log_lines_escape_the_format_characters_the_command_line_does(json_lines: bool) -> None:
    # A log line is read in a terminal too (tail -f, docker logs): a JSON line wrote a
    # zero-width space, a word joiner, a soft hyphen or a tag character raw (it escaped the bidi
    # controls alone), which hid what stood around it; a plain line escaped the joiners, which
    # broke every Hindi word spelt with one. Both now follow the command line's rule.
    formats = _format()
    line = _logged("".join(formats), json_lines=json_lines)
    raw = {char for char in formats if char in line}
    assert raw == {char for char in formats if terminal_safe(char) == char}
    assert raw == {"\u200c", "\u200d"}
    if json_lines:
        assert json.loads(line)["message"] == "heard " + "".join(formats)


@pytest.mark.parametrize("json_lines", [False, True], ids=["plain", "json"])
def test_log_lines_write_the_joiners_as_they_are(json_lines: bool) -> None:
    text = " ".join(JOINED.values())
    assert f"heard {text}" in _logged(text, json_lines=json_lines)


def test_the_table_is_unicodes_format_characters_but_the_joiners() -> None:
    # `HIDING_FORMAT` is written out (Python 3.11's Unicode is 14.0): every format character
    # Python or Unicode 15 knows is in it, nothing else, the joiners aside.
    import re

    from alexaskill.log_values import HIDING_FORMAT

    formats = _format()
    hides = re.compile(f"[{HIDING_FORMAT}]").match
    hiding = [chr(code) for code in range(0x110000) if hides(chr(code))]
    assert hiding == [char for char in formats if char not in "\u200c\u200d"]
