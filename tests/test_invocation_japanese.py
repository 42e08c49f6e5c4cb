"""Japanese invocation names beyond the wake word: the launch phrases Amazon's ja-JP page and
console name (refused, or a warning), Latin letters written against Japanese ones, full-width
letters and spaces, particles and connecting words, and the older requirements' launch phrases.
The wake word and other locales: test_invocation.py."""

from __future__ import annotations

import pytest

from alexaskill.interaction.invocation import invocation_name_warnings, invocation_problems

from .invocation_shared import _launch_phrase_warning, _warnings_only

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
