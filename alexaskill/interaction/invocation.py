"""Amazon's rules for an invocation name: what its build refuses, what certification objects to.

From Amazon's "Choose the Invocation Name for a Custom Skill" and the developer console's
invocation name requirements (in English and in Japanese):
https://developer.amazon.com/en-US/docs/alexa/custom-skills/choose-the-invocation-name-for-a-custom-skill.html

- Lower case, letters, single spaces, apostrophes and the periods of abbreviations; numbers
  spelled out; 2 to 50 characters, the first a letter. English names are written in Latin
  letters ("lower-case alphabetic characters"; one with an accent, "é", of which they say
  nothing, is taken with a warning); Japanese names may hold hiragana, katakana, kanji, lower
  case Latin letters and spaces only. Every name is "written in each language you choose to
  support", English words commonly used in their English spelling: Latin letters in German,
  French, Spanish, Italian, Portuguese and Dutch; Devanagari in Hindi, Arabic in Arabic, and
  Latin letters beside them.
- No wake word ("alexa", "アレクサ"), no launch phrase the developer console names ("ask",
  "開いて"): the build refuses. A word is taken as said, without its possessive or periods:
  "alexa's" is the wake word.
- Two or more words unless the name is a brand the developer owns (German names, often one
  compound, excepted); a two-word English name without an article, preposition or pronoun; no
  connecting word; no launch phrase the requirements list and the console does not ("play",
  "スタート"); not the words "skill" or "app" (in Japanese, "スキル" or "アプリ"): certification
  objects.

Japanese writes its words without spaces, so a Japanese name's words cannot be counted (Amazon's
own example, "コーヒーショップ", is two): alexaskill does not warn about one word there, and
looks for the Japanese wake words and launch phrases anywhere in the name. Japanese is the only
language among Alexa's written without spaces; a name in another such script (Chinese, Thai) is
treated the same way.

A Japanese wake word is refused where it stands as a word, as an English one is: at either end
of the name, or beside a space, hiragana, kanji or Latin letters. Inside a longer run of
katakana it may be a word of a compound ("エコーショップ") or only the start of another word
("エコーロケーション", echolocation), which only a person can tell: that is a warning naming the
longer word. Half-width katakana is read as full-width.

Japanese particles other than "の" and the connecting word "で" are warned of where they stand
between spaces ("天気 を 番人"). Written against its words, a particle is looked for where it
is a whole run of hiragana between kanji or katakana ("天気を番人"), and only those no word
holds so ("を", "は", "へ", "と", "や", "から", "まで", "より"): "が", "に", "も", "か" and "で"
are letters of words there too ("我が家", "自由が丘", "共に", "最も", "茹で卵"), and in a run of
hiragana nothing tells a particle from a word's letters ("でんき").

An Arabic name beginning with a launch phrase of the Arabic table of Amazon's "Understand How
Users Invoke Custom Skills" ("اسألي", "اطلبي من", ...) is a warning. Not checked: launch phrases
or connecting words of German, French, Spanish, Italian, Portuguese, Dutch or Hindi. That page
gives each language its table, but the stored copies searched (docs and pages: "Alexa, öffne",
"Alexa, ouvre", "Alexa, abre", "Alexa, apri", "Startphrasen") hold it no further than its
opening, the Arabic tab; the requirements list launch phrases in English and Japanese alone: no
list of Amazon's was found for them, none is invented.
"""

from __future__ import annotations

import unicodedata
from typing import Final

from ..shown_names import shown_value
from . import invocation_japanese as ja

__all__ = [
    "first_non_latin",
    "first_non_letter",
    "invocation_name_warnings",
    "invocation_problems",
    "latin_word_in_japanese",
]

_INVOCATION_PUNCTUATION: Final = frozenset(" .'\u2019")
_SPACE: Final = frozenset(" ")
# "... or the words 'skill' or 'app' are not allowed" (the English requirements).
_APP_WORDS: Final = frozenset({"skill", "app"})
_WAKE_WORDS: Final = frozenset({"alexa", "amazon", "echo", "computer"})
# Amazon's invocation name requirements (English), rule 5: "Launch phrases include 'run,'
# 'start,' 'play,' 'resume,' 'use,' 'launch,' 'ask,' 'open,' 'tell,' 'load,' 'begin,' and
# 'enable.'" Those requirements are what a name "must satisfy in order to publish the skill"
# (Amazon's "Design the Invocation Name for Your Skill"): certification's. The developer
# console, where a model is built, says "Invocation names cannot contain any of the Alexa skill
# launch phrases such as 'launch', 'ask', 'tell', 'open', 'load', 'begin', and 'enable'" (its
# invocation page, as copied on tztechno.site): those are refused as build problems. No page of
# Amazon's says the build refuses "run", "start", "play", "resume" or "use", and a skill named
# with "start" is reported refused at certification, after its build (codinginadtech.com):
# those are warnings.
_LAUNCH_WORDS: Final = frozenset({"ask", "begin", "enable", "launch", "load", "open", "tell"})
_CERTIFICATION_LAUNCH_WORDS: Final = frozenset({"play", "resume", "run", "start", "use"})
# Amazon's "Understand How Users Invoke Custom Skills", its Arabic table: "اسألي <invocation
# name> ...", "اطلبي من <invocation name> ...", "ابحثي في <invocation name> عن ...", "استخدمي
# <invocation name> ..." (and "أسألي", with its hamza). The only other language whose table the
# stored copies of that page showed; a name beginning with one is warned of, as the
# requirements allow no launch phrase and do not say the build refuses one.
_ARABIC_LAUNCH_PHRASES: Final = ("اسألي", "اطلبي من", "ابحثي في", "استخدمي")
_ALEFS: Final = str.maketrans({"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627"})
# Rule 4: a two-word name may not hold an article ("the", "a", "an") or a preposition ("for",
# "to", "of," "about," "up," "by," "at," "off," "with"); "my", a pronoun, from the console's
# wording ("article, preposition or pronoun").
_SMALL_WORDS: Final = frozenset(
    {"a", "an", "the", "for", "to", "of", "about", "up", "by", "at", "off", "with", "my"}
)
# Rule 5: "Connecting words include 'to,' 'from,' 'in,' 'using,' 'with,' 'about,' 'for,'
# 'that,' 'by,' 'if,' 'and,' 'whether.'" Forbidden as launch phrases are, but only the launch
# phrases are known to fail the build: these are left to certification, as warnings.
_CONNECTING_WORDS: Final = frozenset(
    {"about", "and", "by", "for", "from", "if", "in", "that", "to", "using", "whether", "with"}
)
# The letters each language's invocation names are written in, by the start of their Unicode
# names, and how an error says them. "The invocation name must be written in each language you
# choose to support", the requirements say, and "in a non-English marketplace, the invocation
# name may contain English words if these words are commonly used ... use the English
# spelling": Latin letters in every locale (Amazon's own hi-IN fact sample is "अंतरिक्ष facts").
# English is checked on its own (first_non_latin). Marks (Devanagari vowel signs, Arabic
# harakat) go with their letter.
_SCRIPTS: Final = {
    "de": (("LATIN",), "Latin letters (ä, ö, ü and ß among them)"),
    "fr": (("LATIN",), "Latin letters (é, è, ç and the like among them)"),
    "es": (("LATIN",), "Latin letters (á, é, ñ and the like among them)"),
    "it": (("LATIN",), "Latin letters (à, è, ì and the like among them)"),
    "pt": (("LATIN",), "Latin letters (ã, ç, é and the like among them)"),
    "nl": (("LATIN",), "Latin letters"),
    "hi": (("DEVANAGARI", "LATIN"), "Devanagari letters, and Latin ones for English words"),
    "ar": (("ARABIC", "LATIN"), "Arabic letters, and Latin ones for English words"),
    # (kanji: "CJK ..." and "IDEOGRAPHIC ITERATION MARK"; "ー" is a KATAKANA-HIRAGANA mark)
    "ja": (
        ("HIRAGANA", "KATAKANA", "HALFWIDTH KATAKANA", "CJK", "IDEOGRAPHIC", "LATIN"),
        "hiragana, katakana, kanji, lower case Latin letters and spaces",
    ),
}
# Unicode names of the scripts whose words are written without spaces between them.
_UNSPACED_SCRIPTS: Final = (
    "CJK",
    "HIRAGANA",
    "KATAKANA",
    "HALFWIDTH KATAKANA",
    "THAI",
    "LAO",
    "KHMER",
    "MYANMAR",
)


def first_non_letter(text: str, punctuation: frozenset[str]) -> str | None:
    """The first character of ``text`` that is neither a letter (nor one of the combining marks
    some scripts need) nor in ``punctuation``."""
    for char in text:
        if char not in punctuation and unicodedata.category(char)[0] not in "LM":
            return char
    return None


def first_non_latin(text: str) -> str | None:
    """The first letter of ``text`` that is not a Latin one (a kana, a Cyrillic letter...)."""
    return _first_outside(text, ("LATIN",))


def _first_outside(text: str, scripts: tuple[str, ...]) -> str | None:
    """The first letter of ``text`` whose Unicode name starts with none of ``scripts``."""
    for char in unicodedata.normalize("NFC", text):
        if unicodedata.category(char)[0] == "L" and not unicodedata.name(char, "").startswith(
            scripts
        ):
            return char
    return None


def _first_beyond_english(text: str) -> str | None:
    """The first Latin letter of ``text`` outside the English alphabet (a to z): one with an
    accent ("é"), or another ("ß")."""
    for char in text:
        if char.isalpha() and not ("a" <= char.lower() <= "z") and first_non_latin(char) is None:
            return char
    return None


def in_unspaced_script(text: str) -> bool:
    """Whether ``text`` has a character of a script written without spaces between words."""
    return any(unicodedata.name(char, "").startswith(_UNSPACED_SCRIPTS) for char in text)


def _full_width(char: str) -> bool:
    """Whether ``char`` is a full-width Latin letter (U+FF21 to U+FF5A) or the ideographic
    space (U+3000), as a Japanese keyboard writes them."""
    return char == "\u3000" or unicodedata.name(char, "").startswith("FULLWIDTH LATIN")


def _bare(word: str) -> str:
    """``word`` without its possessive ending or its periods and apostrophes: the word said
    ("alexa's": alexa, "amazon.": amazon)."""
    for ending in ("'s", "\u2019s"):
        word = word.removesuffix(ending)
    return word.strip(".'\u2019")


def invocation_problems(name: str, locale: str) -> list[str]:
    """What Amazon's build refuses in the invocation name ``name`` of ``locale``."""
    where = f"invocation name {shown_value(name)}"
    if not name.strip():
        return ["the invocation name is empty"]
    problems = []
    wide = next((char for char in name if _full_width(char)), None)
    if wide is not None:
        # Said as what they are, with the name as it should be written, and the other rules
        # checked on that ("character ... is not allowed; only ... lower case Latin letters" was
        # said of a full-width lower case Latin letter).
        written = "".join(unicodedata.normalize("NFKC", c) if _full_width(c) else c for c in name)
        name = written.lower()
        kind = "space" if wide == "\u3000" else "Latin letter"
        problems.append(
            f"{where}: {shown_value(wide)} is a full-width {kind}; write Latin letters in lower "
            f"case and spaces half-width, as Amazon's requirements do: {shown_value(name)}"
        )
    if not 2 <= len(name) <= 50:
        problems.append(f"{where}: must be 2 to 50 characters long")
    if name != name.lower():
        # The name in lower case is suggested only if the build takes it: 'hi!' for "Hi!" was
        # refused on the next line (its "!"), and a user who took it was refused again.
        lowered = name.lower()
        fits = lowered == lowered.lower() and not invocation_problems(lowered, locale)
        problems.append(
            f"{where}: must be lower case" + (f" ({shown_value(lowered)})" if fits else "")
        )
    if name != " ".join(name.split()):
        problems.append(f"{where}: words are separated by single spaces, none at either end")
    japanese = locale.startswith("ja-")
    if any(char.isdigit() for char in name):
        problems.append(f"{where}: spell numbers out in words ('twenty one')")
    elif japanese:
        bad = first_non_letter(name, _SPACE)
        if bad is not None:
            problems.append(
                f"{where}: character {shown_value(bad)} is not allowed; only hiragana, katakana, "
                "kanji, lower case Latin letters and spaces (Amazon's requirements for Japanese)"
            )
        else:
            problems += _script_problems(where, name, locale)
    else:
        bad = first_non_letter(name, _INVOCATION_PUNCTUATION)
        if bad is not None:
            problems.append(
                f"{where}: character {shown_value(bad)} is not allowed; only letters, spaces, "
                "apostrophes and the periods of abbreviations ('a. b. c.')"
            )
        elif locale.startswith("en-"):
            bad = first_non_latin(name)
            if bad is not None:
                problems.append(
                    f"{where}: character {shown_value(bad)} is not allowed in {locale}; only Latin "
                    "letters, spaces, apostrophes and the periods of abbreviations ('a. b. c.'): "
                    "write the name in Latin letters, as users say it in English (Amazon's "
                    "invocation name requirements)"
                )
        else:
            problems += _script_problems(where, name, locale)
    first = name.strip()[0]
    if not first.isdigit() and unicodedata.category(first)[0] != "L":
        problems.append(f"{where}: must begin with a letter")
    words = {_bare(word) for word in name.lower().split()}
    wake = sorted(words & _WAKE_WORDS)
    if japanese and not wake:
        wake = ja.wake_words(name)[0]
    if wake:
        problems.append(f"{where}: must not contain the wake word {shown_value(wake[0])}")
    launch = sorted(words & _LAUNCH_WORDS) if locale.startswith("en-") else []
    if japanese:
        launch = ja.launch_phrases(name)
    if launch:
        problems.append(f"{where}: must not contain the launch phrase {shown_value(launch[0])}")
    return problems


def _certification_launch_phrase(name: str, locale: str) -> str | None:
    """The launch phrase of ``name`` that Amazon's requirements list and its build takes, if
    any (one inside a phrase the build refuses is not said: "開始" of "開始して")."""
    if locale.startswith("en-"):
        found = sorted({_bare(word) for word in name.lower().split()} & _CERTIFICATION_LAUNCH_WORDS)
        return found[0] if found else None
    return ja.certification_launch_phrase(name) if locale.startswith("ja-") else None


def latin_word_in_japanese(name: str) -> str | None:
    """Why the Japanese invocation name ``name`` may not do, if a word of it of two or more
    letters is written in Latin letters ("ask お茶", "tea timer"); else None.

    Amazon's requirements for Japanese take Latin letters for an acronym said as a word
    ("nasa") and for an initialism, one letter between spaces ("今日の a b c クイズ"), and have
    an English word written as Japanese writes it ("radio" as "ラジオ"). Which a word is, only
    its author can tell: the build takes both, so this is no problem of the name, but nothing
    to suggest either."""
    run = ""
    for char in unicodedata.normalize("NFC", name) + " ":
        if unicodedata.category(char)[0] == "L" and first_non_latin(char) is None:
            run += char
        elif len(run) > 1:
            return (
                f"invocation name {shown_value(name)}: {shown_value(run)} is written in Latin "
                "letters, which Amazon's requirements for Japanese take for an acronym ('nasa') or "
                "an initialism's letters ('今日の a b c クイズ'); an English word is written as "
                "Japanese writes it ('radio': 'ラジオ')"
            )
        else:
            run = ""
    return None


def _script_problems(where: str, name: str, locale: str) -> list[str]:
    """The letter of ``name`` that ``locale``'s language does not write its names in, said."""
    scripts, takes = _SCRIPTS.get(locale.partition("-")[0], ((), ""))
    bad = _first_outside(name, scripts) if scripts else None
    if bad is None:
        return []
    if locale.startswith("ja-"):
        return [
            f"{where}: character {shown_value(bad)} is not allowed in {locale}; only {takes} "
            "(Amazon's requirements for Japanese)"
        ]
    return [
        f"{where}: character {shown_value(bad)} is not allowed in {locale}; only {takes}, spaces, "
        "apostrophes and the periods of abbreviations ('a. b. c.'): write the name in the "
        "locale's language, as its users say it (Amazon's invocation name requirements: "
        "'written in each language you choose to support')"
    ]


def _latin_touching_japanese(name: str) -> str | None:
    """The first run of Latin letters in ``name`` written against a letter of another script,
    with no space between ("今日のabcクイズ": "abc"); else None."""
    text = unicodedata.normalize("NFC", name)
    runs: list[tuple[int, int]] = []
    for index, char in enumerate(text):
        if unicodedata.category(char)[0] == "L" and first_non_latin(char) is None:
            if runs and runs[-1][1] == index:
                runs[-1] = (runs[-1][0], index + 1)
            else:
                runs.append((index, index + 1))
    for start, end in runs:
        beside = text[start - 1 : start] + text[end : end + 1]
        if any(unicodedata.category(char)[0] == "L" for char in beside):
            return text[start:end]
    return None


def invocation_name_warnings(name: str, locale: str = "en-US") -> list[str]:
    """What certification would object to in ``name``, though the model builds with it."""
    words = name.split()
    warnings = []
    # Words written without spaces cannot be counted: "コーヒーショップ" is two.
    if len(words) == 1 and not locale.startswith("de-") and not in_unspaced_script(name):
        warnings.append(
            f"invocation name {shown_value(name)} is one word: Amazon accepts that only for a "
            "brand you own; use two or more words"
        )
    small = [word for word in words if word in _SMALL_WORDS] if len(words) == 2 else []
    if small and locale.startswith("en-"):
        warnings.append(
            f"invocation name {shown_value(name)}: a two-word name may not use the article, "
            f"preposition or pronoun {shown_value(small[0])} (Amazon's invocation name "
            "requirements: not 'a bicycle', 'for fun')"
        )
    dotted = next((word for word in words if "." in word.rstrip(".")), None)
    if dotted is not None:
        warnings.append(
            f"invocation name {shown_value(name)}: a period ends the abbreviation of a word, with "
            f"a space after it ('a. b. c.'), not inside {shown_value(dotted)} (Amazon's invocation "
            "name requirements)"
        )
    connecting = sorted(set(words) & _CONNECTING_WORDS) if locale.startswith("en-") else []
    if connecting:
        warnings.append(
            f"invocation name {shown_value(name)}: must not contain the connecting word "
            f"{shown_value(connecting[0])} (Amazon's invocation name requirements)"
        )
    launch = _certification_launch_phrase(name, locale)
    if launch is not None:
        warnings.append(
            f"invocation name {shown_value(name)}: must not contain the launch phrase "
            f"{shown_value(launch)} (Amazon's invocation name requirements: the model builds, but "
            "certification refuses it)"
        )
    arabic = " ".join(words).translate(_ALEFS) + " " if locale.startswith("ar-") else ""
    for phrase in (
        p for p in _ARABIC_LAUNCH_PHRASES if arabic.startswith(f"{p.translate(_ALEFS)} ")
    ):
        warnings.append(
            f"invocation name {shown_value(name)}: must not begin with the launch phrase "
            f"{shown_value(phrase)} (Amazon's 'Understand How Users Invoke Custom Skills' gives it "
            "for Arabic; its invocation name requirements allow no launch phrase)"
        )
    older = ja.older_launch_phrase(name) if locale.startswith("ja-") else None
    if older is not None:
        warnings.append(
            f"invocation name {shown_value(name)}: {shown_value(older)} was a launch phrase in "
            f"Amazon's older requirements for Japanese ({ja.OLDER_LAUNCH_PHRASES[older]}), which "
            "the current ones do not list: make sure certification takes the name, or rename it"
        )
    beyond = _first_beyond_english(name) if locale.startswith("en-") else None
    if beyond is not None:
        # "lower-case alphabetic characters", the English requirements say, of accents nothing:
        # taken, but said, since a name is heard as users say it in English.
        kind = "a letter with an accent" if unicodedata.decomposition(beyond) else "a letter"
        warnings.append(
            f"invocation name {shown_value(name)}: {shown_value(beyond)} is {kind}, not in the "
            "English alphabet (a to z); Amazon's invocation name requirements for English ask for "
            "lower-case alphabetic characters and do not say whether they take it: if its build or "
            "certification refuses the name, write the word as English speakers spell it ('cafe')"
        )
    if locale.startswith("en-") and set(words) & _APP_WORDS:
        warnings.append(
            f"invocation name {shown_value(name)}: must not contain the word "
            f"{shown_value(sorted(set(words) & _APP_WORDS)[0])} (Amazon's invocation name "
            "requirements)"
        )
    if locale.startswith("ja-"):
        alone, inside = ja.wake_words(name)
        for wake, word in inside if not alone else ():
            warnings.append(
                f"invocation name {shown_value(name)} has the wake word inside the longer word "
                f"{shown_value(word)}: Amazon refuses a name containing {shown_value(wake)}; if it "
                f"is a word of its own there (as in '{wake}ショップ'), rename it, and if "
                f"{shown_value(word)} is another word that only begins or ends with it, make sure "
                "Amazon's build and certification take it"
            )
    letters = _latin_touching_japanese(name) if locale.startswith("ja-") else None
    if letters is not None:
        # Rule 8 of the ja-JP page of Amazon's invocation name requirements: "アルファベット1文字
        # の前後に半角スペースを挿入する必要があります"; rule 7: an acronym is "nasa".
        warnings.append(
            f"invocation name {shown_value(name)}: {shown_value(letters)} touches the Japanese "
            "letters beside it: Amazon's requirements for Japanese write each letter of an "
            "initialism with a half-width space before and after it ('今日の a b c クイズ'; none "
            "after the last letter of the name, 'あなたの傍の a t m'); if it is an acronym said as "
            "a word ('nasa'), make sure Amazon's build and certification take it"
        )
    spaced = set(words) if locale.startswith("ja-") else set()
    unspaced = ja.unspaced_particles(name) if locale.startswith("ja-") else []
    for particle in sorted((spaced & ja.PARTICLES) | set(unspaced)):
        warnings.append(
            f"invocation name {shown_value(name)}: must not contain the particle "
            f"{shown_value(particle)} (Amazon's invocation name requirements for Japanese take "
            "none but 'の')"
        )
    for word in sorted(spaced & ja.CONNECTING_WORDS):
        warnings.append(
            f"invocation name {shown_value(name)}: must not contain the connecting word "
            f"{shown_value(word)} (Amazon's invocation name requirements for Japanese)"
        )
    forbidden = (
        [word for word in ja.FORBIDDEN_WORDS if word in name] if locale.startswith("ja-") else []
    )
    if forbidden:
        warnings.append(
            f"invocation name {shown_value(name)}: must not contain {shown_value(forbidden[0])} "
            "(Amazon's invocation name requirements for Japanese)"
        )
    return warnings
