"""The interaction model's invocation name: Amazon's rules, in English and Japanese, refused or
warned about."""

from __future__ import annotations

import pytest

from alexaskill import Skill
from alexaskill.interaction import invocation_name_warnings

from .conftest import SKILL_ID
from .interaction_shared import language, problems


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "the invocation name is empty"),
        ("x", "must be 2 to 50 characters long"),
        ("weather " * 7, "must be 2 to 50 characters long"),
        ("weather  helper", "single spaces"),
        ("weather helper 2", "spell numbers out"),
        ("weather-helper", "character '-' is not allowed"),
        ("alexa weather", "the wake word 'alexa'"),
        ("ask weather", "the launch phrase 'ask'"),
    ],
)
def test_invocation_name_rules(name: str, fragment: str) -> None:
    assert any(fragment in problem for problem in problems(Skill(SKILL_ID), invocation=name))


@pytest.mark.parametrize(
    "name", ["weather helper", "sam's science trivia", "a. b. c. news", "daily horoscopes"]
)
def test_good_invocation_names(name: str) -> None:
    assert language(Skill(SKILL_ID), invocation=name)["invocationName"] == name


def test_invocation_name_warnings() -> None:
    assert invocation_name_warnings("weather helper") == []
    (one_word,) = invocation_name_warnings("weatherly")
    assert "one word" in one_word
    assert invocation_name_warnings("kaffeeroboter", "de-DE") == []
    (article,) = invocation_name_warnings("the weather")
    assert "two-word name" in article


def test_a_connecting_word_in_the_invocation_name_is_a_warning() -> None:
    assert invocation_name_warnings("talk to pizza", "en-US") == [
        "invocation name 'talk to pizza': must not contain the connecting word 'to' (Amazon's "
        "invocation name requirements)"
    ]
    assert invocation_name_warnings("pizza palace", "en-US") == []
    assert invocation_name_warnings("pizza to go", "de-DE") == []


@pytest.mark.parametrize(
    "name", ["コーヒーショップ", "十二星座占い", "きょうの天気", "コーヒー ショップ"]
)
def test_japanese_invocation_names_are_not_counted_by_spaces(name: str) -> None:
    # Japanese writes its words without spaces: Amazon's own example, "コーヒーショップ", is two
    # words (コーヒー, ショップ). alexaskill cannot count them, so it does not warn.
    assert invocation_name_warnings(name, "ja-JP") == []
    assert language(Skill(SKILL_ID), invocation=name, locale="ja-JP")["invocationName"] == name


def test_a_japanese_invocation_name_in_latin_letters_is_still_counted() -> None:
    (one_word,) = invocation_name_warnings("weatherly", "ja-JP")
    assert "one word" in one_word
    assert invocation_name_warnings("weather helper", "ja-JP") == []


def test_what_japanese_invocation_names_must_not_contain() -> None:
    # Amazon's rules for ja-JP name the wake words and launch phrases in Japanese; there are
    # no spaces to find them by, so they are looked for anywhere in the name.
    assert problems(Skill(SKILL_ID), invocation="アレクサ占い", locale="ja-JP") == (
        "invocation name 'アレクサ占い': must not contain the wake word 'アレクサ'",
    )
    assert problems(Skill(SKILL_ID), invocation="ラジオを聞いて", locale="ja-JP") == (
        "invocation name 'ラジオを聞いて': must not contain the launch phrase '聞いて'",
    )
    assert invocation_name_warnings("天気スキル", "ja-JP") == [
        "invocation name '天気スキル': must not contain 'スキル' (Amazon's invocation name "
        "requirements for Japanese)"
    ]
    # English words of the name are still words.
    assert problems(Skill(SKILL_ID), invocation="alexa 占い", locale="ja-JP") == (
        "invocation name 'alexa 占い': must not contain the wake word 'alexa'",
    )


def test_japanese_names_hold_no_periods_or_apostrophes() -> None:
    # The Japanese console's rule: hiragana, katakana, kanji, lower-case Latin letters and
    # spaces only (the English rule's apostrophes and periods are not among them).
    for name in ("ママ.ショップ", "さむ's きっちん"):
        found = problems(Skill(SKILL_ID), invocation=name, locale="ja-JP")
        assert len(found) == 1 and "is not allowed" in found[0], (name, found)
        assert "hiragana, katakana, kanji" in found[0]
    from alexaskill.interaction.invocation import invocation_problems

    assert invocation_problems("コーヒーショップ", "ja-JP") == []
    assert invocation_problems("sam's kitchen", "en-US") == []


def test_the_words_skill_and_app_are_warned_about_in_english() -> None:
    # Amazon's invocation name requirements: "… or the words 'skill' or 'app' are not allowed".
    for name in ("cooking skill", "my recipe app"):
        [warning] = invocation_name_warnings(name, "en-US")
        assert "must not contain the word" in warning, warning
    assert invocation_name_warnings("skillet recipes", "en-US") == []


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        # Said as "alexa's helper": the wake word is there, its possessive hid it.
        (
            "alexa's helper",
            "invocation name \"alexa's helper\": must not contain the wake word 'alexa'",
        ),
        (
            "echo\u2019s trivia",
            "invocation name 'echo\u2019s trivia': must not contain the wake word 'echo'",
        ),
        (
            "amazon. deals",
            "invocation name 'amazon. deals': must not contain the wake word 'amazon'",
        ),
        # No letter at all, or none first: nothing to say.
        ("''", "invocation name \"''\": must begin with a letter"),
        ("..", "invocation name '..': must begin with a letter"),
        ("'colour helper", 'invocation name "\'colour helper": must begin with a letter'),
    ],
)
def test_what_an_invocation_name_hides_behind_punctuation_is_refused(
    name: str, problem: str
) -> None:
    assert problems(Skill(SKILL_ID), invocation=name) == (problem,)
