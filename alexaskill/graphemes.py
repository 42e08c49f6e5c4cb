"""Text cut into the characters a user sees: Unicode's extended grapheme clusters (UAX #29, "Unicode
Text Segmentation", Unicode 17), as the simulator's page cuts it (Chromium's ``Intl.Segmenter``),
for the letters `alexaskill.hearing` says one by one.

`unicodedata` gives general categories, not the properties UAX #29 reads: those it lacks are the
tables below, from Unicode 17's GraphemeBreakProperty.txt, emoji-data.txt
(``Extended_Pictographic``) and DerivedCoreProperties.txt (``Indic_Conjunct_Break``), written as
those files write code points. The characters newer than Python 3.11's Unicode database
(``unicodedata.unidata_version``: 14.0) that are marks or controls have their value in
`_NEWER`, made by tools/graphemes_newer.py from a newer Unicode's categories (unicodedata2, read
by that script alone).
"""

from __future__ import annotations

import bisect
import itertools
import unicodedata
from typing import Final

__all__ = ["graphemes"]


class _Ranges:
    """Code points written as Unicode's data files write them: ``"0600-0605 06DD"``."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, ranges: str) -> None:
        spans = [item.partition("-") for item in ranges.split()]
        self._starts = [int(first, 16) for first, _, _ in spans]
        self._ends = [int(last or first, 16) for first, _, last in spans]

    def __contains__(self, code: int) -> bool:
        index = bisect.bisect_right(self._starts, code) - 1
        return index >= 0 and code <= self._ends[index]

    def spans(self) -> list[tuple[int, int]]:
        """The first and last code point of each range, in the order written."""
        return list(zip(self._starts, self._ends, strict=True))


# Grapheme_Cluster_Break values (UAX #29, table 2).
_OTHER, _CR, _LF, _CONTROL, _EXTEND, _ZWJ, _SPACING_MARK, _PREPEND = range(8)
_L, _V, _T, _LV, _LVT, _REGIONAL, _PICTOGRAPHIC = range(8, 15)

#: What the categories do not tell (Mn, Me: Extend; Mc: SpacingMark; Cc, Cf, Zl, Zp: Control),
#: by value: read before the categories; no code point is in two of them.
_TABLES: Final = (
    # Prepended_Concatenation_Mark, and consonants written before the one they join.
    (_PREPEND, _Ranges("0600-0605 06DD 070F 0890-0891 08E2 0D4E 110BD 110CD 111C2-111C3 113D1")),
    (_PREPEND, _Ranges("1193F 11941 11A84-11A89 11D46 11F02")),
    # Other_Grapheme_Extend (vowel signs canonically equal to a sequence of marks, ZWNJ, the
    # halfwidth katakana sound marks, tags) and the emoji skin tones.
    (
        _EXTEND,
        _Ranges(
            "09BE 09D7 0B3E 0B57 0BBE 0BD7 0CC0 0CC2 0CC7-0CC8 0CCA-0CCB 0CD5-0CD6 0D3E 0D57 "
            "0DCF 0DDF 1715 1734 1B35 1B3B 1B3D 1B43-1B44 1BAA 1BF2-1BF3 200C 302E-302F A953 "
            "A9C0 FF9E-FF9F 111C0 11235 1133E 1134D 11357 113B8 113C2 113C5 113C7-113C9 113CF "
            "114B0 114BD 115AF 116B6 11930 1193D 11F41 16FF0-16FF1 1D165-1D166 1D16D-1D172 "
            "1F3FB-1F3FF E0020-E007F"
        ),
    ),
    # Letters that are spacing marks (Thai and Lao SARA AM; Ahom's medial ra, Mn before Unicode
    # 16), and spacing marks that are none (Myanmar's and others' vowel signs: ကာ is two).
    (_SPACING_MARK, _Ranges("0E33 0EB3 1171E")),
    (
        _OTHER,
        _Ranges(
            "102B-102C 1038 1062-1064 1067-106D 1083 1087-108C 108F 109A-109C 1A61 1A63-1A64 "
            "AA7B AA7D 11720-11721"
        ),
    ),
    # Unassigned default ignorable code points.
    (_CONTROL, _Ranges("2065 FFF0-FFF8 E0000 E0002-E001F E0080-E00FF E01F0-E0FFF")),
    # Hangul jamo, and Kirat Rai's vowel signs, which join as a Hangul vowel (Unicode 16).
    (_L, _Ranges("1100-115F A960-A97C")),
    (_V, _Ranges("1160-11A7 D7B0-D7C6 16D63 16D67-16D6A")),
    (_T, _Ranges("11A8-11FF D7CB-D7FB")),
    (_REGIONAL, _Ranges("1F1E6-1F1FF")),
    (
        _PICTOGRAPHIC,
        _Ranges(
            "00A9 00AE 203C 2049 2122 2139 2194-2199 21A9-21AA 231A-231B 2328 23CF 23E9-23F3 "
            "23F8-23FA 24C2 25AA-25AB 25B6 25C0 25FB-25FE 2600-2604 260E 2611 2614-2615 2618 "
            "261D 2620 2622-2623 2626 262A 262E-262F 2638-263A 2640 2642 2648-2653 265F-2660 "
            "2663 2665-2666 2668 267B 267E-267F 2692-2697 2699 269B-269C 26A0-26A1 26A7 "
            "26AA-26AB 26B0-26B1 26BD-26BE 26C4-26C5 26C8 26CE-26CF 26D1 26D3-26D4 26E9-26EA "
            "26F0-26F5 26F7-26FA 26FD 2702 2705 2708-270D 270F 2712 2714 2716 271D 2721 2728 "
            "2733-2734 2744 2747 274C 274E 2753-2755 2757 2763-2764 2795-2797 27A1 27B0 27BF "
            "2934-2935 2B05-2B07 2B1B-2B1C 2B50 2B55 3030 303D 3297 3299 1F004 1F02C-1F02F "
            "1F094-1F09F 1F0AF-1F0B0 1F0C0 1F0CF-1F0D0 1F0F6-1F0FF 1F170-1F171 1F17E-1F17F "
            "1F18E 1F191-1F19A 1F1AE-1F1E5 1F201-1F20F 1F21A 1F22F 1F232-1F23A 1F23C-1F23F "
            "1F249-1F25F 1F266-1F321 1F324-1F393 1F396-1F397 1F399-1F39B 1F39E-1F3F0 "
            "1F3F3-1F3F5 1F3F7-1F3FA 1F400-1F4FD 1F4FF-1F53D 1F549-1F54E 1F550-1F567 "
            "1F56F-1F570 1F573-1F57A 1F587 1F58A-1F58D 1F590 1F595-1F596 1F5A4-1F5A5 1F5A8 "
            "1F5B1-1F5B2 1F5BC 1F5C2-1F5C4 1F5D1-1F5D3 1F5DC-1F5DE 1F5E1 1F5E3 1F5E8 1F5EF "
            "1F5F3 1F5FA-1F64F 1F680-1F6C5 1F6CB-1F6D2 1F6D5-1F6E5 1F6E9 1F6EB-1F6F0 "
            "1F6F3-1F6FF 1F7DA-1F7FF 1F80C-1F80F 1F848-1F84F 1F85A-1F85F 1F888-1F88F "
            "1F8AE-1F8AF 1F8BC-1F8BF 1F8C2-1F8CF 1F8D9-1F8FF 1F90C-1F93A 1F93C-1F945 "
            "1F947-1F9FF 1FA58-1FA5F 1FA6E-1FAFF 1FC00-1FFFD"
        ),
    ),
)
#: What Python 3.11's Unicode database (14.0) has no category for, by the category Unicode 17
#: gives it: the marks of scripts encoded since (Kawi, Tulu-Tigalari, Gurung Khema, ...) and
#: Egyptian hieroglyphs' format controls, letters to `unicodedata` (each stood alone).
#: Made by tools/graphemes_newer.py from Unicode 17.0.0's categories (unicodedata2).
_NEWER: Final = (
    (_CONTROL, _Ranges("13439-1343F")),
    (
        _EXTEND,
        _Ranges(
            "0897 0ECE 1ACF-1ADD 1AE0-1AEB 10D69-10D6D 10EFA-10EFF 11241 113BB-113C0 113CE 113D2 "
            "113E1-113E2 11B60 11B62-11B64 11B66 11F00-11F01 11F36-11F3A 11F40 11F5A 13440 "
            "13447-13455 1611E-16129 1612D-1612F 1E08F 1E4EC-1E4EF 1E5EE-1E5EF 1E6E3 1E6E6 "
            "1E6EE-1E6EF 1E6F5"
        ),
    ),
    (
        _SPACING_MARK,
        _Ranges(
            "0CF3 113B9-113BA 113CA 113CC-113CD 11B61 11B65 11B67 11F03 11F34-11F35 11F3E-11F3F "
            "1612A-1612C"
        ),
    ),
)
#: Indic_Conjunct_Break=Linker: the viramas that join two consonants into one character (क्ष).
_LINKERS: Final = _Ranges(
    "094D 09CD 0ACD 0B4D 0C4D 0D4D 1039 17D2 1A60 1B44 1BAB A9C0 AAF6 10A3F 11133 113D0 1193E "
    "11A47 11A99 11F42"
)
#: Indic_Conjunct_Break=Consonant: the consonants of the scripts of `_LINKERS`.
_CONSONANTS: Final = _Ranges(
    "0915-0939 0958-095F 0978-097F 0995-09A8 09AA-09B0 09B2 09B6-09B9 09DC-09DD 09DF 09F0-09F1 "
    "0A95-0AA8 0AAA-0AB0 0AB2-0AB3 0AB5-0AB9 0AF9 0B15-0B28 0B2A-0B30 0B32-0B33 0B35-0B39 "
    "0B5C-0B5D 0B5F 0B71 0C15-0C28 0C2A-0C39 0C58-0C5A 0D15-0D3A 1000-102A 103F 1050-1055 "
    "105A-105D 1061 1065-1066 106E-1070 1075-1081 108E 1780-17B3 1A20-1A54 1B0B-1B0C "
    "1B13-1B33 1B45-1B4C 1B83-1BA0 1BAE-1BAF 1BBB-1BBD A989-A98B A98F-A9B2 A9E0-A9E4 "
    "A9E7-A9EF A9FA-A9FE AA60-AA6F AA71-AA73 AA7A AA7E-AA7F AAE0-AAEA ABC0-ABDA 10A00 "
    "10A10-10A13 10A15-10A17 10A19-10A35 11103-11126 11144 11147 11380-11389 1138B 1138E "
    "11390-113B5 11900-11906 11909 1190C-11913 11915-11916 11918-1192F 11A00 11A0B-11A32 "
    "11A50 11A5C-11A83 11F04-11F10 11F12-11F33"
)
_CATEGORIES: Final = {
    "Mn": _EXTEND,
    "Me": _EXTEND,
    "Mc": _SPACING_MARK,
    "Cc": _CONTROL,
    "Cf": _CONTROL,
    "Zl": _CONTROL,
    "Zp": _CONTROL,
}
#: A Hangul syllable (U+AC00 to U+D7A3) is LV at every 28th code point, else LVT.
_SYLLABLES, _LAST_SYLLABLE, _TRAILS = 0xAC00, 0xD7A3, 28
#: `_TABLES` and `_NEWER` as one list of ranges in order, each with its value: one look-up a
#: character.
_SPANS: Final = sorted(
    (first, last, kind) for kind, ranges in (*_TABLES, *_NEWER) for first, last in ranges.spans()
)
_FIRSTS: Final = [first for first, _, _ in _SPANS]


def _kind(char: str) -> int:
    """``char``'s Grapheme_Cluster_Break value (UAX #29)."""
    code = ord(char)
    if code < 0x7F:
        return _OTHER if code >= 0x20 else _CR if code == 13 else _LF if code == 10 else _CONTROL
    if code == 0x200D:
        return _ZWJ
    if _SYLLABLES <= code <= _LAST_SYLLABLE:
        return _LVT if (code - _SYLLABLES) % _TRAILS else _LV
    if code in _LINKERS:  # marks all (some newer than Python's Unicode)
        return _EXTEND
    index = bisect.bisect_right(_FIRSTS, code) - 1
    if index >= 0 and code <= _SPANS[index][1]:
        return _SPANS[index][2]
    return _CATEGORIES.get(unicodedata.category(char), _OTHER)


def _joins(before: int, after: int) -> bool:
    """Whether two characters of these kinds are one, by UAX #29's rules GB3 to GB9b (those
    that look at these two alone)."""
    if before == _CR:
        return after == _LF  # GB3, GB4
    if before in (_LF, _CONTROL) or after in (_CR, _LF, _CONTROL):
        return False  # GB4, GB5
    if before == _L:
        return after in (_L, _V, _LV, _LVT, _EXTEND, _ZWJ, _SPACING_MARK)  # GB6, GB9, GB9a
    if before in (_LV, _V) and after in (_V, _T):
        return True  # GB7
    if before in (_LVT, _T) and after == _T:
        return True  # GB8
    return after in (_EXTEND, _ZWJ, _SPACING_MARK) or before == _PREPEND  # GB9, GB9a, GB9b


def graphemes(text: str) -> list[str]:
    """``text``'s characters as a user sees them (UAX #29's extended grapheme clusters): 👍🏽,
    🇫🇷, "é" written as an "e" and its accent, क्षि, 각 written as three jamo, are one each."""
    if text.isascii() and "\r" not in text:  # a character each (but CR LF): most text
        return list(text)
    starts: list[int] = []  # where each character starts
    before = _CONTROL  # (nothing joins the start)
    pictographic = 0  # GB11: 1 after a pictograph and its Extends, 2 after a ZWJ then
    conjunct = 0  # GB9c: 1 after a consonant (and Extends), 2 once a Linker came after it
    regional = False  # GB12, GB13: after a regional indicator that starts a flag
    for at, char in enumerate(text):
        kind = _kind(char)
        code = ord(char)
        consonant = code in _CONSONANTS
        if not (
            _joins(before, kind)
            or (conjunct == 2 and consonant)  # GB9c
            or (pictographic == 2 and kind == _PICTOGRAPHIC)  # GB11
            or (regional and kind == _REGIONAL)  # GB12, GB13
        ):
            starts.append(at)
        regional = kind == _REGIONAL and not regional
        if kind == _PICTOGRAPHIC:
            pictographic = 1
        elif pictographic == 1 and kind == _ZWJ:
            pictographic = 2
        elif not (pictographic == 1 and kind == _EXTEND):
            pictographic = 0
        if consonant:
            conjunct = 1
        elif conjunct and code in _LINKERS:
            conjunct = 2
        elif kind not in (_EXTEND, _ZWJ) or code == 0x200C:  # (ZWNJ: Extend, not InCB's)
            conjunct = 0
        before = kind
    return [text[start:end] for start, end in itertools.pairwise([*starts, len(text)])]
