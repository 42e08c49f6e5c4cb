"""Invocation names by locale: a Japanese wake word is refused as a word, not inside a longer
one; an English name is written in Latin letters."""

from __future__ import annotations

import pytest

from alexaskill.interaction.invocation import invocation_name_warnings, invocation_problems


def _warnings_only(name: str, locale: str) -> list[str]:
    """The warnings of the invocation name ``name`` in ``locale``, which builds (no problem)."""
    assert invocation_problems(name, locale) == []
    return invocation_name_warnings(name, locale)


def _launch_phrase_warning(name: str, phrase: str) -> str:
    """The warning of a launch phrase in ``name`` that only certification refuses."""
    return (
        f"invocation name {name!r}: must not contain the launch phrase {phrase!r} (Amazon's "
        "invocation name requirements: the model builds, but certification refuses it)"
    )


@pytest.mark.parametrize(
    ("name", "wake"),
    [
        ("アレクサ占い", "アレクサ"),  # kanji after it: another word
        ("今日のエコー", "エコー"),  # hiragana before it, the end of the name after
        ("エコー", "エコー"),
        ("コンピューター の 占い", "コンピューター"),  # spaces around it
        ("きょうのアマゾン", "アマゾン"),
        ("ｱﾚｸｻ占い", "アレクサ"),  # half-width katakana is the same word
    ],
)
def test_a_japanese_wake_word_standing_as_a_word_is_refused(name: str, wake: str) -> None:
    assert invocation_problems(name, "ja-JP") == [
        f"invocation name {name!r}: must not contain the wake word {wake!r}"
    ]


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("エコーロケーション図鑑", "エコーロケーション"),  # echolocation: another word
        ("テクノエコーの時間", "テクノエコー"),
        ("ｴｺｰﾛｹｰｼｮﾝ図鑑", "エコーロケーション"),  # half-width katakana, read as full-width
    ],
)
def test_a_wake_word_inside_a_longer_katakana_word_is_a_warning(name: str, word: str) -> None:
    # Japanese writes katakana words without spaces, and a longer word written in katakana
    # may merely begin with the wake word ("エコーロケーション", echolocation) or be it and
    # another word ("エコーショップ"): only a person can tell. The model builds; the author
    # is told what to check.
    [warning] = _warnings_only(name, "ja-JP")
    assert f"the wake word inside the longer word {word!r}" in warning
    assert "rename it" in warning


def test_a_name_with_the_wake_word_as_a_word_and_inside_another_is_refused() -> None:
    name = "エコーとエコーロケーション"
    assert invocation_problems(name, "ja-JP") == [
        f"invocation name {name!r}: must not contain the wake word 'エコー'"
    ]


def test_other_languages_keep_their_word_rule() -> None:
    assert invocation_problems("echo facts", "en-US") == [
        "invocation name 'echo facts': must not contain the wake word 'echo'"
    ]
    assert _warnings_only("echolocation facts", "en-US") == []
    # Japanese script in another locale is not looked through for Japanese wake words (its
    # letters are refused there, as not German ones).
    assert not any("wake word" in problem for problem in invocation_problems("エコー占い", "de-DE"))


@pytest.mark.parametrize(
    ("name", "word"), [("colour.helper", "colour.helper"), ("a.b.c. facts", "a.b.c.")]
)
def test_a_period_inside_a_word_of_the_invocation_name_is_a_warning(name: str, word: str) -> None:
    # Amazon's requirements take periods in abbreviations only ("a. b. c."); certification
    # refuses a name that joins words with one.
    assert any(f"not inside {word!r}" in warning for warning in _warnings_only(name, "en-US"))


@pytest.mark.parametrize("name", ["a. b. c. facts", "st. louis guide", "dr. who quiz"])
def test_a_period_ending_an_abbreviation_is_no_warning(name: str) -> None:
    assert _warnings_only(name, "en-US") == []


@pytest.mark.parametrize("locale", ["en-US", "en-GB", "en-IN"])
@pytest.mark.parametrize(("name", "bad"), [("お天気 ガイド", "お"), ("погода гид", "п")])
def test_an_english_invocation_name_is_written_in_latin_letters(
    locale: str, name: str, bad: str
) -> None:
    # Amazon's invocation name requirements for English: lower-case (Latin) letters, spaces,
    # apostrophes and periods. Any letter was taken ("お天気 ガイド" built an en-US model
    # Amazon refuses).
    assert invocation_problems(name, locale) == [
        f"invocation name {name!r}: character {bad!r} is not allowed in {locale}; only Latin "
        "letters, spaces, apostrophes and the periods of abbreviations ('a. b. c.'): write "
        "the name in Latin letters, as users say it in English (Amazon's invocation name "
        "requirements)"
    ]


@pytest.mark.parametrize(
    ("name", "locale"),
    [
        ("café guide", "en-US"),  # (a Latin letter with its accent)
        ("sam's kitchen", "en-GB"),
        ("お天気 ガイド", "ja-JP"),
        ("दैनिक राशिफल", "hi-IN"),  # (Amazon's own example names)
        ("توقعات الابراج اليومية", "ar-SA"),
        ("küchen helfer", "de-DE"),
        ("straßen quiz", "de-DE"),
        ("café de paris", "fr-FR"),
        ("señor chef", "es-ES"),
        ("città quiz", "it-IT"),
        ("ação diária", "pt-BR"),
        ("dagelijkse horoscoop", "nl-NL"),
        ("अंतरिक्ष facts", "hi-IN"),  # (Amazon's hi-IN fact sample: Latin for English words)
        ("दैनिक horoscope", "hi-IN"),
        ("radio عربي", "ar-SA"),  # (English words in a non-English marketplace)
        ("時々 ニュース", "ja-JP"),  # (an iteration mark, a prolonged sound mark)
        ("お茶 timer", "ja-JP"),
    ],
)
def test_other_letters_are_kept_where_the_locale_takes_them(name: str, locale: str) -> None:
    assert invocation_problems(name, locale) == []


@pytest.mark.parametrize(
    ("name", "locale", "bad", "takes"),
    [
        ("погода гид", "de-DE", "п", "Latin letters (ä, ö, ü and ß among them)"),
        ("お天気 ガイド", "fr-FR", "お", "Latin letters (é, è, ç and the like among them)"),
        ("météo أخبار", "fr-CA", "أ", "Latin letters (é, è, ç and the like among them)"),
        ("दैनिक राशिफल", "es-ES", "द", "Latin letters (á, é, ñ and the like among them)"),
        ("दैनिक राशिफल", "es-MX", "द", "Latin letters (á, é, ñ and the like among them)"),
        ("παιχνίδι quiz", "it-IT", "π", "Latin letters (à, è, ì and the like among them)"),
        ("погода гид", "pt-BR", "п", "Latin letters (ã, ç, é and the like among them)"),
        ("погода гид", "nl-NL", "п", "Latin letters"),
        ("погода राशिफल", "hi-IN", "п", "Devanagari letters, and Latin ones"),
        ("توقعات погода", "ar-SA", "п", "Arabic letters, and Latin ones"),
        ("お天気 погода", "ja-JP", "п", "hiragana, katakana, kanji, lower case Latin letters"),
    ],
)
def test_a_letter_of_another_script_than_the_locales_is_refused(
    name: str, locale: str, bad: str, takes: str
) -> None:
    # Amazon's invocation name requirements: "The invocation name must be written in each
    # language you choose to support" (English words, commonly used, in their English
    # spelling). Only English names were held to their script: any letter passed in fr-, es-,
    # it-, pt-, de-, nl-, hi-IN, ar-SA and ja-JP.
    [problem] = invocation_problems(name, locale)
    assert f"character {bad!r} is not allowed in {locale}; only {takes}" in problem, problem


@pytest.mark.parametrize("locale", ["en-US", "en-GB"])
@pytest.mark.parametrize(("name", "letter"), [("café guide", "é"), ("naïve trivia", "ï")])
def test_an_accented_latin_letter_in_an_english_name_is_taken_with_a_warning(
    locale: str, name: str, letter: str
) -> None:
    # Amazon's English requirements say "lower-case alphabetic characters" and say nothing of
    # accents: the build is not known to refuse "café guide", so it is no problem, but nothing
    # said why a name an English speaker writes "cafe" might not be heard.
    [warning] = _warnings_only(name, locale)
    assert f"{letter!r} is a letter with an accent" in warning, warning
    assert "not in the English alphabet" in warning, warning
    assert invocation_name_warnings("cafe guide", locale) == []


def test_an_accented_letter_is_no_warning_outside_english() -> None:
    assert invocation_name_warnings("café de paris", "fr-FR") == []
    assert invocation_name_warnings("küchen helfer", "de-DE") == []


# Amazon's "Choose the Invocation Name for a Custom Skill", invocation name requirements 4 and
# 5 (English): "Launch phrases include 'run,' 'start,' 'play,' 'resume,' 'use,' 'launch,'
# 'ask,' 'open,' 'tell,' 'load,' 'begin,' and 'enable.' Connecting words include 'to,' 'from,'
# 'in,' 'using,' 'with,' 'about,' 'for,' 'that,' 'by,' 'if,' 'and,' 'whether.'"; a two-word
# name may not hold a preposition ("for", "to", "of," "about," "up," "by," "at," "off," "with").
# Those requirements are what a name "must satisfy in order to publish the skill" (Amazon's
# "Design the Invocation Name for Your Skill"); the developer console, where the model is
# built, names "launch", "ask", "tell", "open", "load", "begin" and "enable" alone.


@pytest.mark.parametrize("word", ["ask", "begin", "enable", "launch", "load", "open", "tell"])
def test_a_launch_phrase_the_console_names_is_refused(word: str) -> None:
    name = f"{word} trivia night"
    assert invocation_problems(name, "en-US") == [
        f"invocation name {name!r}: must not contain the launch phrase {word!r}"
    ]


@pytest.mark.parametrize("word", ["run", "start", "play", "resume", "use"])
def test_a_launch_phrase_of_the_requirements_alone_is_a_warning(word: str) -> None:
    # The model builds with "play trivia night": only certification refuses it. It was refused
    # as a build problem, so `alexaskill model` wrote no model Amazon would have built.
    name = f"{word} trivia night"
    assert _launch_phrase_warning(name, word) in _warnings_only(name, "en-US")


@pytest.mark.parametrize("word", ["in", "using", "with", "about", "for", "that"])
def test_every_english_connecting_word_is_a_warning(word: str) -> None:
    # Only to, from, by, if, and, whether were said: "better with bacon" (Amazon's own wrong
    # example) passed without a word.
    name = f"facts {word} cats"
    assert (
        f"invocation name {name!r}: must not contain the connecting word {word!r} (Amazon's "
        "invocation name requirements)"
    ) in _warnings_only(name, "en-US")


@pytest.mark.parametrize("word", ["about", "up", "by", "at", "off", "with"])
def test_every_preposition_of_the_two_word_rule_is_a_warning(word: str) -> None:
    # Only the, a, an, for, to, of and my were looked for: "cheer up" passed without a word.
    name = f"{word} cats"
    assert (
        f"invocation name {name!r}: a two-word name may not use the article, preposition or "
        f"pronoun {word!r} (Amazon's invocation name requirements: not 'a bicycle', 'for fun')"
    ) in _warnings_only(name, "en-US")


# Amazon's "カスタムスキルの呼び出し名を決定する" (the ja-JP page of "Choose the Invocation Name
# for a Custom Skill"), requirement 5: "起動フレーズには「起動して」、「使って」、「開いて」、
# 「スタート」、「スタートして」、「始めて」、「開始」、「開始して」、「実行して」、「実行」などが
# あります。" The developer console's Japanese requirements name "起動して", "開いて", "聞いて",
# "教えて", "読み込んで", "開始して" and "有効にして": those the build refuses, the page's others
# only certification, as in English.


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("星占いを開始して", "開始して"),  # the longest phrase found is said, not "開始"
        ("星占いを起動して", "起動して"),
        ("ラジオを聞いて", "聞いて"),
        ("天気を教えて", "教えて"),
    ],
)
def test_a_japanese_launch_phrase_the_console_names_is_refused(name: str, phrase: str) -> None:
    assert invocation_problems(name, "ja-JP") == [
        f"invocation name {name!r}: must not contain the launch phrase {phrase!r}"
    ]
    assert not any(
        "launch phrase" in warning for warning in invocation_name_warnings(name, "ja-JP")
    )


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("十二星座占いを使って", "使って"),
        ("スタートアップ英会話", "スタート"),  # (Amazon's Japanese quiz tutorial's wrong example)
        ("星占いを始めて", "始めて"),
        ("開始クイズ", "開始"),
        ("実行委員会だより", "実行"),
        ("星占いを実行して", "実行して"),
        ("星占いをスタートして", "スタートして"),
        ("天気を使って占い", "使って"),  # connecting word "を使って" holds the phrase too
    ],
)
def test_a_japanese_launch_phrase_of_the_page_alone_is_a_warning(name: str, phrase: str) -> None:
    assert _launch_phrase_warning(name, phrase) in _warnings_only(name, "ja-JP")


@pytest.mark.parametrize(
    ("name", "letters"),
    [("今日のabcクイズ", "abc"), ("今日のaクイズ", "a"), ("あなたの傍のatm", "atm")],
)
def test_latin_letters_touching_japanese_ones_are_a_warning(name: str, letters: str) -> None:
    # Requirement 8 of the ja-JP page: an initialism's letters each have a half-width space
    # before and after ("今日の a b c クイズ"; none needed after the last letter of the name,
    # "あなたの傍の a t m"). An acronym said as a word is written as one ("nasa"): only the
    # author can tell which, so this is a warning.
    [warning] = _warnings_only(name, "ja-JP")
    assert f"{letters!r} touches the Japanese letters beside it" in warning, warning
    assert "'今日の a b c クイズ'" in warning, warning


@pytest.mark.parametrize("name", ["今日の a b c クイズ", "あなたの傍の a t m", "お茶 timer"])
def test_spaced_latin_letters_in_a_japanese_name_are_no_warning(name: str) -> None:
    assert _warnings_only(name, "ja-JP") == []


def _wide(text: str) -> str:
    """``text`` with its ASCII letters full-width, as a Japanese keyboard writes them."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalpha() else c for c in text)


_HALF_WIDTH = "write Latin letters in lower case and spaces half-width, as Amazon's requirements do"


@pytest.mark.parametrize(
    ("name", "locale", "char", "kind", "written"),
    [
        (_wide("今日のabcクイズ"), "ja-JP", _wide("a"), "Latin letter", "今日のabcクイズ"),
        (_wide("今日の a b c クイズ"), "ja-JP", _wide("a"), "Latin letter", "今日の a b c クイズ"),
        (_wide("ABCクイズ"), "ja-JP", _wide("A"), "Latin letter", "abcクイズ"),  # not "upper case"
        (_wide("お茶 timer"), "ja-JP", _wide("t"), "Latin letter", "お茶 timer"),
        ("天気\u3000の番人", "ja-JP", "\u3000", "space", "天気 の番人"),
        (_wide("trivia") + " night", "en-US", _wide("t"), "Latin letter", "trivia night"),
    ],
)
def test_a_full_width_letter_or_space_is_refused_saying_what_to_write(
    name: str, locale: str, char: str, kind: str, written: str
) -> None:
    # A Japanese keyboard writes Latin letters and spaces full-width. "character 'a' is not
    # allowed in ja-JP; only hiragana, katakana, kanji, lower case Latin letters and spaces"
    # was said of a full-width lower case Latin letter, and the full-width "ABC" was told to be
    # written in full-width lower case.
    assert invocation_problems(name, locale) == [
        f"invocation name {name!r}: {char!r} is a full-width {kind}; {_HALF_WIDTH}: {written!r}"
    ]


def test_a_full_width_name_is_checked_as_it_should_be_written() -> None:
    name = _wide("alexa 占い")
    assert invocation_problems(name, "ja-JP") == [
        f"invocation name {name!r}: {_wide('a')!r} is a full-width Latin letter; {_HALF_WIDTH}: "
        "'alexa 占い'",
        f"invocation name {name!r}: must not contain the wake word 'alexa'",
    ]


# Requirement 4 of the ja-JP page of Amazon's invocation name requirements: "原則として、呼び出し
# 名に助詞を含めてはいけません。ただし、「の」は例外として含めることができます"; requirement 5
# names "で" a connecting word. Written without spaces a particle cannot be told from the letters
# of a word ("でんき"); between spaces it stands alone, a word of its own.


@pytest.mark.parametrize("particle", ["を", "は", "が", "に", "へ", "と", "も", "から"])
def test_a_spaced_japanese_particle_is_a_warning(particle: str) -> None:
    name = f"天気 {particle} 番人"
    assert _warnings_only(name, "ja-JP") == [
        f"invocation name {name!r}: must not contain the particle {particle!r} (Amazon's "
        "invocation name requirements for Japanese take none but 'の')"
    ]


def test_a_spaced_japanese_connecting_word_is_a_warning() -> None:
    name = "天気 で 番人"
    assert _warnings_only(name, "ja-JP") == [
        f"invocation name {name!r}: must not contain the connecting word 'で' (Amazon's "
        "invocation name requirements for Japanese)"
    ]


@pytest.mark.parametrize(
    "name", ["天気 の 番人", "天気の番人", "でんき 番人", "今日の a b c クイズ"]
)
def test_the_particle_no_and_unspaced_letters_are_no_particle_warning(name: str) -> None:
    assert _warnings_only(name, "ja-JP") == []


# Written against its words, a particle is looked for where it stands alone between kanji or
# katakana (a whole run of hiragana, not the end of one) and is no letter of a word there: "を",
# "は", "へ", "と", "や", "から", "まで" and "より". "天気を番人" was taken without a warning.
@pytest.mark.parametrize(
    ("name", "particle"),
    [
        ("天気を番人", "を"),
        ("天気 を番人", "を"),  # (a space on one side only)
        ("今日は晴れ", "は"),
        ("世界へ旅", "へ"),
        ("音楽と天気", "と"),
        ("カレーやパン", "や"),
        ("東京から大阪", "から"),
        ("駅まで案内", "まで"),
        ("花より団子", "より"),
        ("ｶﾚｰとﾊﾟﾝ", "と"),  # (half-width katakana, read as full-width)
    ],
)
def test_a_japanese_particle_written_against_its_words_is_a_warning(
    name: str, particle: str
) -> None:
    assert _warnings_only(name, "ja-JP") == [
        f"invocation name {name!r}: must not contain the particle {particle!r} (Amazon's "
        "invocation name requirements for Japanese take none but 'の')"
    ]


# Names that hold those letters, or other particles' letters, as letters of their words: the
# ends of a run of hiragana ("楽しい", "ひとりごと"), a name's first or last letters, and "が",
# "に", "も", "か", "で", which words and place names hold between kanji ("我が家", "自由が丘",
# "共に", "最も", "静か", "茹で卵"): not looked for unspaced.
@pytest.mark.parametrize(
    "name",
    [
        "天気の番人",
        "太郎の駅検索",  # (Amazon's own good name, rule 4)
        "我が家の料理",
        "自由が丘ガイド",
        "共に歩む日記",
        "最も新しいニュース",
        "茹で卵タイマー",
        "静か時間",
        "楽しい英会話",
        "ひとりごと日記",
        "とっておき料理",
        "おやすみ音楽",
        "はじめての料理",
        "ポケモンはかせ",
        "パン屋さがし",
        "やさしい天気",
        "天気とか",  # (at the end of the name: no word after it)
        "もしもし電話",
    ],
)
def test_ordinary_japanese_names_have_no_unspaced_particle_warning(name: str) -> None:
    assert not any("particle" in w for w in _warnings_only(name, "ja-JP")), name


# Amazon's Japanese quiz game tutorial (its sample's instructions, in Japanese), older than the
# requirements above: "呼び出し名には Alexaの起動フレーズが含まれてはいけない。起動フレーズの
# 例: 「起動」「実行」「検索」「スタート」「サーチ」", wrong names "辞書サーチ、スタートアップ
# 英会話". The current requirements list neither "起動" alone nor "サーチ" nor "検索", and give
# "太郎の駅検索" as a good name (rule 4).


# Each word is said with its own example: the tutorial's wrong name holds "サーチ"; none of its
# names holds "起動", which it gives first among its launch phrases.
@pytest.mark.parametrize(
    ("name", "phrase", "example"),
    [
        ("辞書サーチ", "サーチ", "its quiz tutorial has '辞書サーチ' for a wrong name"),
        ("ロケット起動", "起動", "its quiz tutorial gives '起動' first among its launch phrases"),
    ],
)
def test_an_older_japanese_launch_phrase_is_a_warning_saying_so(
    name: str, phrase: str, example: str
) -> None:
    assert _warnings_only(name, "ja-JP") == [
        f"invocation name {name!r}: {phrase!r} was a launch phrase in Amazon's older "
        f"requirements for Japanese ({example}), which the current ones do not list: make sure "
        "certification takes the name, or rename it"
    ]


@pytest.mark.parametrize("name", ["太郎の駅検索", "星占いを起動して"])
def test_no_older_launch_phrase_warning_where_amazon_takes_the_name_or_refuses_it(
    name: str,
) -> None:
    # "太郎の駅検索" is Amazon's own good name; "起動して" is refused, its "起動" not said again.
    assert not any("older" in warning for warning in invocation_name_warnings(name, "ja-JP"))


# Amazon's "Understand How Users Invoke Custom Skills", Arabic: users say "اسألي <invocation
# name> ...", "اطلبي من <invocation name> ...", "ابحثي في <invocation name> عن ...",
# "استخدمي <invocation name> ..." (the page writes "أسألي" too). The requirements allow no
# launch phrase in the name; a name that begins with one is said as the English ones are,
# a warning (certification's requirement). No such table was found for the other languages.


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("اسألي الابراج اليومية", "اسألي"),
        ("أسألي الابراج اليومية", "اسألي"),  # (the hamza form, as the page writes it too)
        ("اطلبي من الابراج", "اطلبي من"),
        ("ابحثي في الابراج", "ابحثي في"),
        ("استخدمي الابراج", "استخدمي"),
    ],
)
def test_an_arabic_name_beginning_with_a_launch_phrase_is_a_warning(name: str, phrase: str) -> None:
    assert _warnings_only(name, "ar-SA") == [
        f"invocation name {name!r}: must not begin with the launch phrase {phrase!r} (Amazon's "
        "'Understand How Users Invoke Custom Skills' gives it for Arabic; its invocation name "
        "requirements allow no launch phrase)"
    ]


@pytest.mark.parametrize("name", ["توقعات الابراج اليومية", "نتائج كورة", "الابراج اسألي"])
def test_an_arabic_name_not_beginning_with_a_launch_phrase_is_no_warning(name: str) -> None:
    assert invocation_name_warnings(name, "ar-SA") == []


@pytest.mark.parametrize(
    ("name", "locale"),
    [
        ("Hi!", "en-US"),  # 'hi!': the "!" is refused
        ("Alexa Pizza", "en-US"),  # 'alexa pizza': the wake word
        ("Tea Timer 2", "en-US"),  # numbers are spelled out
        ("Wetter Hilfe!", "de-DE"),
        ("T", "en-US"),  # one character
    ],
)
def test_lower_case_is_suggested_only_where_the_build_takes_it(name: str, locale: str) -> None:
    # "must be lower case ('hi!')" suggested a name the next line refused ("character '!' is
    # not allowed"): a user taking it was refused again.
    lowered = name.lower()
    assert invocation_problems(lowered, locale) != []
    found = invocation_problems(name, locale)
    assert f"invocation name {name!r}: must be lower case" in found
    assert not any(repr(lowered) in problem for problem in found), found


@pytest.mark.parametrize("locale", ["en-US", "de-DE", "ja-JP"])
def test_lower_case_names_the_name_the_build_takes(locale: str) -> None:
    assert invocation_problems("Tea Timer", locale) == [
        "invocation name 'Tea Timer': must be lower case ('tea timer')"
    ]
