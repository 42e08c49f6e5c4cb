"""Text cut into the characters a user sees (`alexaskill.graphemes`); the simulator's page cuts
the same (tests/test_simulator_browser_ssml.py holds both to Chromium's ``Intl.Segmenter``)."""

from __future__ import annotations

import itertools

import pytest

from alexaskill import graphemes as graphemes_module
from alexaskill.graphemes import graphemes


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        ("", []),
        ("ab c", ["a", "b", " ", "c"]),
        ("a\r\nb\n\r", ["a", "\r\n", "b", "\n", "\r"]),  # CR LF is one (GB3)
        # Nothing joins a control, nor a control anything (GB4, GB5): not even a mark.
        ("\n\u0301\u200b\u0301a\u200b", ["\n", "\u0301", "\u200b", "\u0301", "a", "\u200b"]),
        ("\r\u0301", ["\r", "\u0301"]),
        ("\u0600\n", ["\u0600", "\n"]),  # a prepended mark joins no control
        # Regional indicators two by two: two flags and a lone letter.
        (
            "\U0001f1eb\U0001f1f7\U0001f1e9\U0001f1ea\U0001f1eb",
            ["\U0001f1eb\U0001f1f7", "\U0001f1e9\U0001f1ea", "\U0001f1eb"],
        ),
        ("\U0001f469\u200d\U0001f467", ["\U0001f469\u200d\U0001f467"]),  # a ZWJ sequence
        ("\u2764\u200d\u200d\u2764", ["\u2764\u200d\u200d", "\u2764"]),  # one ZWJ between
        ("\u2764\u0e33\u200d\u2764", ["\u2764\u0e33\u200d", "\u2764"]),  # a spacing mark parts
        ("a\u200d\u2764", ["a\u200d", "\u2764"]),  # no pictograph before the ZWJ
        # A conjunct's chain: a spacing mark or a ZWNJ between ends it, a nukta does not.
        ("\u0915\u093c\u094d\u0937", ["\u0915\u093c\u094d\u0937"]),
        ("\u0915\u093e\u094d\u0937", ["\u0915\u093e\u094d", "\u0937"]),
        ("\u094d\u0915", ["\u094d", "\u0915"]),  # no consonant before the virama
        ("\uac00\uac00\u1100\u1100\u1161", ["\uac00", "\uac00", "\u1100\u1100\u1161"]),
        ("\ud7a3\u11a8\u1161", ["\ud7a3\u11a8", "\u1161"]),  # LVT T, then a vowel alone
    ],
)
def test_text_is_cut_into_the_characters_a_user_sees(text: str, characters: list[str]) -> None:
    assert graphemes(text) == characters


@pytest.mark.parametrize(
    ("text", "characters"),
    [
        # Marks of Unicode 15 to 17 after their letter: Kannada's combining anusvara above right,
        # Kawi's vowel sign AA, Tulu-Tigalari's vowel sign I (spacing marks), Arabic's pepet and
        # a combining double caron (Extend).
        ("\u0c95\u0cf3", ["\u0c95\u0cf3"]),
        ("\U00011f12\U00011f34", ["\U00011f12\U00011f34"]),
        ("\U000113a5\U000113b9", ["\U000113a5\U000113b9"]),
        ("\u0628\u0897", ["\u0628\u0897"]),
        ("a\u1acfb", ["a\u1acf", "b"]),
        # A mark within a conjunct's chain (GB9c's Extend) keeps it one.
        ("\u0915\u094d\u1acf\u0937", ["\u0915\u094d\u1acf\u0937"]),
        # An Egyptian hieroglyph format control (Unicode 15) is a control: nothing joins it.
        ("\U00013000\U0001343a\u0301", ["\U00013000", "\U0001343a", "\u0301"]),
    ],
)
def test_characters_newer_than_pythons_unicode_are_cut_as_unicode_17_cuts_them(
    text: str, characters: list[str]
) -> None:
    # Python 3.11's Unicode database (14.0) has no category for them: read as letters, each
    # stood alone (and a mark after the control joined it), where the page joins them.
    assert graphemes(text) == characters


def test_ascii_text_is_cut_without_looking_up_a_character(monkeypatch: pytest.MonkeyPatch) -> None:
    # Most text said is ASCII: a character each, but CR LF, with no table read.
    def looked_up(char: str) -> int:
        raise AssertionError(f"{char!r} looked up")

    monkeypatch.setattr(graphemes_module, "_kind", looked_up)
    assert graphemes("Hello, world!\n\t~") == list("Hello, world!\n\t~")
    with pytest.raises(AssertionError, match="looked up"):
        graphemes("a\r\nb")
    with pytest.raises(AssertionError, match="looked up"):
        graphemes("caf\u00e9")


def test_the_tables_are_ranges_in_order_and_none_overlaps_another() -> None:
    # Read by bisection, a table finds a code point only in ranges written in order; the tables
    # are read as one, where a code point in two would have either value.
    tables = [ranges for _, ranges in (*graphemes_module._TABLES, *graphemes_module._NEWER)]
    tables += [graphemes_module._LINKERS, graphemes_module._CONSONANTS]
    for ranges in tables:
        spans = ranges.spans()
        assert spans and all(first <= last for first, last in spans), spans
        assert all(last < first for (_, last), (first, _) in itertools.pairwise(spans)), spans
    every = graphemes_module._SPANS
    assert len(every) > 200
    assert all(last < first for (_, last, _), (first, _, _) in itertools.pairwise(every))
