"""Amazon's Japanese words for an invocation name: wake words, launch phrases, particles.

Japanese writes its words without spaces, so its wake words and launch phrases are looked for
anywhere in a name (interaction/invocation.py says what each finding is, a build problem or a
certification warning).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = [
    "CERTIFICATION_LAUNCH_PHRASES",
    "CONNECTING_WORDS",
    "FORBIDDEN_WORDS",
    "LAUNCH_PHRASES",
    "OLDER_LAUNCH_PHRASES",
    "PARTICLES",
    "UNSPACED_PARTICLES",
    "WAKE_WORDS",
    "certification_launch_phrase",
    "launch_phrases",
    "older_launch_phrase",
    "unspaced_particles",
    "wake_words",
]

# The Japanese wake words, launch phrases and forbidden words, found anywhere in a name (no
# spaces mark them off). The developer console's Japanese requirements refuse
# "「起動して」、「開いて」、「聞いて」、「教えて」、「読み込んで」、「開始して」、
# 「有効にして」などの起動フレーズ" (as copied on tztechno.site): build problems, as the
# console's English ones are. Rule 5 of the ja-JP page of Amazon's invocation name requirements
# adds the others ("起動フレーズには「起動して」、「使って」、「開いて」、「スタート」、
# 「スタートして」、「始めて」、「開始」、「開始して」、「実行して」、「実行」などがあります";
# its connecting word "を使って" holds "使って"): certification's, as its English rule 5 is, so
# warnings.
WAKE_WORDS: Final = ("アレクサ", "アマゾン", "エコー", "コンピューター")
LAUNCH_PHRASES: Final = (
    "起動して",
    "開いて",
    "聞いて",
    "教えて",
    "読み込んで",
    "開始して",
    "有効にして",
)
CERTIFICATION_LAUNCH_PHRASES: Final = (
    "開始",
    "使って",
    "スタート",
    "スタートして",
    "始めて",
    "実行",
    "実行して",
)
# Amazon's Japanese quiz game tutorial (its sample's instructions/1-voice-user-interface.md,
# in Japanese), older than both:
# "起動フレーズの例: 「起動」「実行」「検索」「スタート」「サーチ」", "辞書サーチ" a wrong name. The
# current requirements list none of "起動" alone, "検索" or "サーチ", and rule 4 gives "太郎の駅
# 検索" as a good name: "検索" is not looked for, the other two said as Amazon's older words,
# each with where the tutorial shows it (no name of the tutorial's holds "起動").
OLDER_LAUNCH_PHRASES: Final = {
    "起動": "its quiz tutorial gives '起動' first among its launch phrases",
    "サーチ": "its quiz tutorial has '辞書サーチ' for a wrong name",
}
FORBIDDEN_WORDS: Final = ("スキル", "アプリ")
# Rule 4 of the ja-JP requirements: "原則として、呼び出し名に助詞を含めてはいけません。ただし、
# 「の」は例外として含めることができます"; rule 5's connecting word "で". Looked for only between
# spaces, where they stand alone: written against a word they are letters of it ("でんき").
PARTICLES: Final = frozenset(
    {"が", "を", "に", "へ", "と", "や", "は", "も", "から", "まで", "より", "か", "ね", "よ"}
)
CONNECTING_WORDS: Final = frozenset({"で"})
# The particles also looked for written against their words: those no word holds as a run of
# hiragana of its own between kanji or katakana. Not "が", "に", "も", "か" or "で", which words
# and place names do hold there ("我が家", "自由が丘", "共に", "最も", "静か", "茹で卵"); nor
# "ね" or "よ", which end a sentence, not stand inside a name.
UNSPACED_PARTICLES: Final = frozenset({"を", "は", "へ", "と", "や", "から", "まで", "より"})
# Unicode names of the katakana characters a katakana word is written with (not the middle
# dot, which separates words).
_KATAKANA: Final = ("KATAKANA LETTER", "KATAKANA-HIRAGANA PROLONGED SOUND MARK")


def _katakana(char: str) -> bool:
    return unicodedata.name(char, "").startswith(_KATAKANA)


def wake_words(name: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The Japanese wake words in ``name`` standing as words, and the (wake word, longer
    katakana word) pairs where one is only part of a longer katakana word."""
    text = unicodedata.normalize("NFKC", name)  # half-width katakana as full-width
    alone: list[str] = []
    inside: list[tuple[str, str]] = []
    for wake in WAKE_WORDS:
        start = text.find(wake)
        while start >= 0:
            end = start + len(wake)
            first, last = start, end
            while first > 0 and _katakana(text[first - 1]):
                first -= 1
            while last < len(text) and _katakana(text[last]):
                last += 1
            if (first, last) == (start, end):
                alone.append(wake)
            else:
                inside.append((wake, text[first:last]))
            start = text.find(wake, end)
    return alone, inside


def _word_letter(char: str) -> bool:
    """Whether ``char`` is kanji or katakana: a letter of the words a particle stands between."""
    return (
        unicodedata.name(char, "").startswith(("CJK UNIFIED IDEOGRAPH", *_KATAKANA))
        or char == "々"  # (the iteration mark: "時々")
    )


def unspaced_particles(name: str) -> list[str]:
    """The `UNSPACED_PARTICLES` in ``name`` written against the words beside them: each a whole
    run of hiragana with kanji or katakana on both sides (a space on one side at most), so not
    the letters ending a word ("楽しい") or beginning one ("ひとりごと")."""
    text = unicodedata.normalize("NFKC", name)  # half-width katakana as full-width
    found: list[str] = []
    for run in re.finditer(r"[\u3041-\u309f]+", text):
        before = text[run.start() - 1] if run.start() > 0 else ""
        after = text[run.end()] if run.end() < len(text) else ""
        sides = [before, after]
        if (
            run.group() in UNSPACED_PARTICLES
            and all(side == " " or (side and _word_letter(side)) for side in sides)
            and sides != [" ", " "]  # (standing between spaces: a word of its own, said so)
            and run.group() not in found
        ):
            found.append(run.group())
    return found


def _found(name: str, phrases: tuple[str, ...]) -> list[str]:
    """The ``phrases`` found in ``name``, the longest first: "開始して", then the "開始" inside
    it."""
    return sorted((phrase for phrase in phrases if phrase in name), key=len, reverse=True)


def _without(name: str, phrases: tuple[str, ...]) -> str:
    """``name`` with the ``phrases`` it holds blotted out (so that "開始" of "開始して" is not
    found again)."""
    for phrase in _found(name, phrases):
        name = name.replace(phrase, "\0")
    return name


def launch_phrases(name: str) -> list[str]:
    """The launch phrases of the console's list in ``name``, the longest first."""
    return _found(name, LAUNCH_PHRASES)


def certification_launch_phrase(name: str) -> str | None:
    """The launch phrase in ``name`` that the ja-JP requirements list and the console does not,
    if any (none inside one of the console's)."""
    found = _found(_without(name, LAUNCH_PHRASES), CERTIFICATION_LAUNCH_PHRASES)
    return found[0] if found else None


def older_launch_phrase(name: str) -> str | None:
    """The launch phrase of Amazon's older Japanese list in ``name``, if no phrase of the
    current lists holds it ("起動" of "起動して" is not said)."""
    rest = _without(name, LAUNCH_PHRASES + CERTIFICATION_LAUNCH_PHRASES)
    return next((phrase for phrase in OLDER_LAUNCH_PHRASES if phrase in rest), None)
