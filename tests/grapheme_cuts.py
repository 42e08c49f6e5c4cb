"""The characters the simulator's page cuts text into, for tests/test_hearing.py (which cuts it
so) and tests/test_simulator_browser_ssml.py (which holds the page to the same)."""

from __future__ import annotations

from typing import Final

#: Text, and the characters the simulator's page (Chromium's ``Intl.Segmenter``: Unicode 17's
#: grapheme clusters, UAX #29) cuts it into; tests/test_simulator_browser_ssml.py holds the page
#: to the same.
CUT_AS_THE_PAGE_CUTS: Final = [
    # Indic conjuncts: consonant, virama, consonant (UAX #29's GB9c, Unicode 15.1 on), also in
    # the scripts Unicode 16 added (Myanmar's invisible virama, Khmer's coeng).
    ("\u0915\u094d\u0937\u093f", ["\u0915\u094d\u0937\u093f"]),  # Devanagari क्षि
    ("\u0995\u09cd\u09b7", ["\u0995\u09cd\u09b7"]),  # Bengali ক্ষ
    ("\u0915\u094d\u0937\u094d\u0930a", ["\u0915\u094d\u0937\u094d\u0930", "a"]),
    ("\u0915\u094d\u200d\u0937", ["\u0915\u094d\u200d\u0937"]),  # a ZWJ within: one
    ("\u0915\u094d\u200c\u0937", ["\u0915\u094d\u200c", "\u0937"]),  # a ZWNJ parts them
    ("\u1000\u1039\u1000", ["\u1000\u1039\u1000"]),  # Myanmar
    ("\u1780\u17d2\u179f", ["\u1780\u17d2\u179f"]),  # Khmer
    # Hangul jamo: L V T, L LV, LV T, LVT T are one syllable each.
    ("\u1100\u1161\u11a8", ["\u1100\u1161\u11a8"]),
    ("\u1100\uac00\uac01\u11a8\u11a8", ["\u1100\uac00", "\uac01\u11a8\u11a8"]),
    ("\uac00\u1161\u11a8\u1100", ["\uac00\u1161\u11a8", "\u1100"]),
    # Spacing marks that are letters to Unicode's categories (Thai and Lao SARA AM), and Myanmar
    # vowel signs that are no spacing marks to UAX #29 (ကာ is two).
    ("\u0e01\u0e33", ["\u0e01\u0e33"]),
    ("\u0e81\u0eb3", ["\u0e81\u0eb3"]),
    ("\u1000\u102c", ["\u1000", "\u102c"]),
    # A prepended concatenation mark joins what follows it (the Arabic number sign).
    ("\u0600\u0661\u0662", ["\u0600\u0661", "\u0662"]),
    # Emoji: a keycap (a digit or "#" first, no emoji), and ZWJ sequences, which join
    # pictographs (Extended_Pictographic, whatever their category: "↔" is a math symbol, "‼"
    # punctuation), not other symbols ("°").
    ("1\ufe0f\u20e3#\ufe0f\u20e3", ["1\ufe0f\u20e3", "#\ufe0f\u20e3"]),
    ("\u2764\ufe0f\u200d\U0001f525", ["\u2764\ufe0f\u200d\U0001f525"]),
    ("\U0001f642\u200d\u2194\ufe0f", ["\U0001f642\u200d\u2194\ufe0f"]),  # head shaking
    ("\u203c\u200d\u2764", ["\u203c\u200d\u2764"]),
    ("\u2764\u200d\u00b0", ["\u2764\u200d", "\u00b0"]),
    ("\u00b0\u200d\u2764", ["\u00b0\u200d", "\u2764"]),
    ("\u2764\U0001f3fd\u200d\u2764", ["\u2764\U0001f3fd\u200d\u2764"]),  # a skin tone between
]
