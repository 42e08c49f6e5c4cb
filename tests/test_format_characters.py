"""The format characters (Unicode's category Cf) the command line writes escaped: those that
hide or reorder text, not the two joiners Indic scripts and emoji sequences are spelt with."""

from __future__ import annotations

import json

import pytest

from alexaskill.cli.chat_show import terminal_safe, terminal_safe_json

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
