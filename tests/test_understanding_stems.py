"""The English stem loose matching compares words by: forms of one word meet, other words don't."""

from __future__ import annotations

import pytest

from alexaskill.understanding import InteractionModel, Understander, language_for
from tests.understanding_shared import NOW, SKILL_ID


def stem(word: str) -> str:
    return language_for("en-US").stem(word)


@pytest.mark.parametrize(
    "forms",
    [
        # The rules there were: -ing, -ed, -es, -s.
        ("forecast", "forecasts", "forecasting", "forecasted"),
        ("play", "plays", "playing", "played"),
        ("box", "boxes"),
        ("watch", "watches", "watching", "watched"),
        ("tomato", "tomatoes"),
        ("add", "adding", "added"),
        ("call", "calling", "called", "calls"),
        # -ies and -ied are -y: the plural and past of "story", "try", "city", "carry".
        ("story", "stories"),
        ("city", "cities"),
        ("battery", "batteries"),
        ("try", "tries", "tried", "trying"),
        ("carry", "carries", "carried", "carrying"),
        ("sky", "skies"),
        # With one letter before them, they are -ie and its -s.
        ("tie", "ties"),
        ("lie", "lies"),
        # A consonant doubled before -ing or -ed, after one vowel, is one.
        ("stop", "stops", "stopping", "stopped"),
        ("shop", "shops", "shopping", "shopped"),
        ("run", "runs", "running"),
        ("plan", "plans", "planning", "planned"),
        ("set", "sets", "setting"),
        ("refer", "referring", "referred"),
        # -es after no s, x, z, ch, sh or o is an -e word's -s.
        ("game", "games"),
        ("name", "names"),
        ("phone", "phones"),
        ("time", "times"),
        # Nor is the s of -ss an -s: "class" is no plural.
        ("class", "classes"),
        ("address", "addresses"),
        ("miss", "missing", "missed", "misses"),
    ],
)
def test_the_forms_of_a_word_have_one_stem(forms: tuple[str, ...]) -> None:
    # "stories" was "stori" and "story" "story"; "stopping" "stopp" and "stop" "stop"; "games"
    # "gam" and "game" "game"; "class" "clas" and "classes" "class": loose matching, which
    # compares words said with a sample's by their stems, did not see them as one word.
    assert {form: stem(form) for form in forms} == dict.fromkeys(forms, stem(forms[0]))


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("sky", "ski"),
        ("skies", "ski"),
        ("ties", "ty"),
        ("adding", "ad"),
        ("falling", "fal"),
        ("buzzing", "buz"),
        ("stuffed", "stuf"),
        # -ly is left on: these adverbs are other words than their stems'.
        ("likely", "like"),
        ("really", "real"),
        ("early", "ear"),
        ("only", "on"),
        ("lately", "late"),
        ("hardly", "hard"),
    ],
)
def test_other_words_keep_other_stems(word: str, other: str) -> None:
    assert stem(word) != stem(other)


def test_a_plural_said_finds_the_sample_of_its_singular() -> None:
    # "read me the stories" was no reading of "read me a story" (the fallback intent): the
    # sample's one meaningful word, "story", and the said "stories" had other stems.
    intents = [
        {"name": "ReadStory", "samples": ["read me a story"]},
        {"name": "PlayGame", "samples": ["let's play a game"]},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    model = {"interactionModel": {"languageModel": {"invocationName": "x", "intents": intents}}}
    understander = Understander(
        InteractionModel.from_json(model), locale="en-US", skill_id=SKILL_ID
    )
    assert understander.understand("read me the stories", now=NOW).intent == "ReadStory"
    assert understander.understand("let's play some games", now=NOW).intent == "PlayGame"


@pytest.mark.parametrize("word", ["string", "strings", "bring", "thing", "sing", "spring", "shred"])
def test_an_ending_is_left_on_a_stem_that_would_have_no_vowel(word: str) -> None:
    # "string" was "str": -ing (or -ed) taken off what is no word without it. A stem keeps a
    # vowel (y after a consonant is one: "trying" is "try").
    assert stem(word) == word.removesuffix("s")


def test_evening_is_no_form_of_even() -> None:
    # "evening" was "even": a time of the day matched the sample word "even" ("an even number").
    assert stem("evening") != stem("even")
    assert stem("evenings") == stem("evening")


@pytest.mark.parametrize(
    "forms",
    [
        ("movie", "movies"),
        ("cookie", "cookies"),
        ("zombie", "zombies"),
        ("calorie", "calories"),
        ("tie", "ties", "tied"),
        ("lie", "lies", "lied"),
    ],
)
def test_an_ie_word_meets_its_plural(forms: tuple[str, ...]) -> None:
    # "movies" was "movy" (-ies made -y, as of "stories") and "movie" "movie": "play my movies"
    # was no reading of "play a movie". An -ie after a syllable is a -y too; "tie" and "lie"
    # stay, and meet "tied" and "lied" (which stayed as said).
    assert {form: stem(form) for form in forms} == dict.fromkeys(forms, stem(forms[0]))


def test_an_ie_plural_said_finds_the_sample_of_its_singular() -> None:
    # "movies" and "cookies" are the one meaningful word said: had they another stem than the
    # samples' "movie" and "cookie", nothing would match (the fallback intent).
    intents = [
        {"name": "PlayMovie", "samples": ["show me a movie"]},
        {"name": "BakeCookie", "samples": ["bake a cookie"]},
        {"name": "AMAZON.FallbackIntent", "samples": []},
    ]
    model = {"interactionModel": {"languageModel": {"invocationName": "x", "intents": intents}}}
    understander = Understander(
        InteractionModel.from_json(model), locale="en-US", skill_id=SKILL_ID
    )
    assert understander.understand("show me the movies", now=NOW).intent == "PlayMovie"
    assert understander.understand("bake some cookies", now=NOW).intent == "BakeCookie"
