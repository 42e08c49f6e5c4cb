"""Understanding utterances: phrasing rules, ranking, the request Alexa sends, model files."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from alexaskill import DialogSlot, Skill, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.interaction import InteractionModelError
from alexaskill.understanding import (
    Conversation,
    InteractionModel,
    Understander,
    load_model,
    locale_of_file,
    model_from_skill,
    supported_locales,
)
from alexaskill.understanding.matcher import SpanCache

from .conftest import SKILL_ID, THIRD_SKILL_ID

MODEL_FILE = Path(__file__).parent / "fixtures" / "models" / "en-US.json"
NOW = datetime.datetime(2026, 11, 29, 12, 0)


@pytest.fixture(scope="module")
def pizza() -> Understander:
    return Understander(load_model(MODEL_FILE))


def intent_of(understander: Understander, text: str) -> str | None:
    return understander.understand(text, now=NOW).intent


def slots_of(understander: Understander, text: str) -> dict[str, str | None]:
    request = understander.understand(text, now=NOW).request
    assert request is not None
    return {name: entry.get("value") for name, entry in request["intent"].get("slots", {}).items()}


class _Silent:
    """A transport the test expects no request on."""

    def send(self, request: Mapping[str, Any], *, new_session: bool) -> Any:
        raise AssertionError(f"nothing should be sent: {request}")


def test_an_utterance_longer_than_anyone_says_is_not_understood_and_says_why(
    pizza: Understander,
) -> None:
    # The alignment recursed a level a word: ~1,000 words raised RecursionError (a traceback
    # from `alexaskill understand`, a failed turn in chat).
    said = "where is my order " * 300
    understood = pizza.understand(said, now=NOW)
    assert (understood.request, understood.kind) == (None, "too long")
    assert understood.explain() == (
        "nothing to understand\n  note: 1200 words: more than the 100 understood in one utterance"
    )
    turn = Conversation(pizza, _Silent()).say(said)
    assert turn.exchanges == []
    assert turn.notes == ["1200 words: more than the 100 understood in one utterance"]
    within = pizza.understand("where is my order " * 25, now=NOW)  # 100 words
    assert within.kind == "intent"


# --- normalisation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "Where is my order?",
        "WHERE IS MY ORDER",
        "where's my order",
        "Where\u2019s my order!",
        "where  is, my order...",
        "Alexa, where is my order",
        "um where is my order please",
    ],
)
def test_case_punctuation_contractions_and_fillers_are_normalised(
    pizza: Understander, said: str
) -> None:
    assert intent_of(pizza, said) == "TrackOrder"


def test_a_contraction_in_a_sample_matches_the_words_in_full(pizza: Understander) -> None:
    # The sample is "i'd like a {size} pizza for {time}".
    understood = pizza.understand("I would like a big pizza for noon", now=NOW)
    assert understood.intent == "OrderPizza"
    assert understood.exact
    assert understood.sample == "i'd like a {size} pizza for {time}"


def test_slot_values_keep_the_users_words_and_case(pizza: Understander) -> None:
    assert slots_of(pizza, "find a store in San Francisco")["city"] == "San Francisco"


# --- launching and addressing the skill ---------------------------------------------------------


@pytest.mark.parametrize(
    "said",
    [
        "open pizza palace",
        "start pizza palace",
        "launch pizza palace",
        "talk to pizza palace",
        "Alexa, open Pizza Palace",
        "ask pizza palace",
    ],
)
def test_opening_the_skill_by_name_is_a_launch_request(pizza: Understander, said: str) -> None:
    understood = pizza.understand(said)
    assert understood.request == {"type": "LaunchRequest"}
    assert understood.new_session


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("ask pizza palace to track my order", "TrackOrder"),
        ("ask pizza palace where is my order", "TrackOrder"),
        ("tell pizza palace to track my order", "TrackOrder"),
        ("ask pizza palace how long until my pizza arrives", "TrackOrder"),
        ("tell pizza palace that i want a big pizza", "OrderPizza"),
        ("ask pizza palace about the menu", "AMAZON.HelpIntent"),
        ("open pizza palace and track my order", "TrackOrder"),
        ("track my order using pizza palace", "TrackOrder"),
        ("track my order with pizza palace", "TrackOrder"),
    ],
)
def test_one_shot_requests(pizza: Understander, said: str, intent: str) -> None:
    understood = pizza.understand(said, now=NOW)
    assert understood.intent == intent, understood.explain()
    assert understood.new_session


def test_one_shot_slots(pizza: Understander) -> None:
    understood = pizza.understand("ask pizza palace for a small pizza with ham", now=NOW)
    assert understood.intent == "OrderPizza"
    assert understood.slots[0].name == "size"
    assert understood.slots[0].value == "small"


@pytest.mark.parametrize("said", ["exit", "quit", "Alexa, exit"])
def test_exit_ends_the_session(pizza: Understander, said: str) -> None:
    understood = pizza.understand(said)
    assert understood.request == {"type": "SessionEndedRequest", "reason": "USER_INITIATED"}
    assert understood.kind == "end"


def test_without_an_invocation_name_any_name_opens_the_skill() -> None:
    model = load_model(MODEL_FILE)
    anonymous = Understander(
        InteractionModel(None, model.intents, model.types, model.dialog, model.prompts)
    )
    assert anonymous.understand("open the pizza place").request == {"type": "LaunchRequest"}
    assert anonymous.understand("ask my pizza shop to track my order").intent == "TrackOrder"
    # ... but a whole sample is a sample, not a name.
    assert anonymous.understand("open", now=NOW).intent == "AMAZON.FallbackIntent"


def test_without_an_invocation_name_a_bare_slot_sample_does_not_hide_the_skills_name() -> None:
    # A sample that is a slot alone ("{drink}") matches whatever is said: it is no evidence
    # that "open corner cafe" is an order, where the opening words are (the simulator and chat
    # suggest "open the skill" for a model built from code, which has no invocation name).
    skill = Skill(SKILL_ID)
    skill.add_slot_type("Drink", ["latte", "chai"])

    @skill.intent(
        "OrderDrink", utterances=["{drink}", "i would like {drink}"], slots={"drink": "Drink"}
    )
    def order(drink: str) -> None: ...

    anonymous = Understander(model_from_skill(skill))
    assert anonymous.model.invocation is None
    for said in ("open corner cafe", "open the skill", "launch the skill"):
        assert anonymous.understand(said, now=NOW).request == {"type": "LaunchRequest"}, said
    one_shot = anonymous.understand("ask corner cafe for a chai", now=NOW)
    assert one_shot.intent == "OrderDrink" and one_shot.new_session
    assert one_shot.slots[0].value == "a chai"  # the name is what comes before "for"
    # A slot alone whose words are one of its listed values is a sample too: a song named
    # "open arms" is the song, in a session or not, not the skill opened by a name.
    songs = Skill(SKILL_ID)
    songs.add_slot_type("Song", ["open arms", "start me up"])

    @songs.intent("PlaySong", utterances=["{song}", "play {song}"], slots={"song": "Song"})
    def play(song: str) -> None: ...

    music = Understander(model_from_skill(songs))
    for said in ("open arms", "start me up"):
        assert music.understand(said, now=NOW).intent == "PlaySong", said
    assert music.understand("open the jukebox", now=NOW).request == {"type": "LaunchRequest"}
    # A sample with words of its own is still a sample, not a name.
    assert anonymous.understand("i would like a latte", now=NOW).intent == "OrderDrink"
    assert not anonymous.understand("i would like a latte", now=NOW).new_session


def test_nothing_said(pizza: Understander) -> None:
    understood = pizza.understand("  ?! ")
    assert understood.request is None
    assert understood.kind == "empty"


# --- ranking ------------------------------------------------------------------------------------


def test_a_parsed_slot_beats_free_words() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "Weather",
        utterances=["weather in {city}", "weather in {city} {date}"],
        slots={"city": "AMAZON.City", "date": "AMAZON.DATE"},
    )
    def weather(city: str | None = None, date: datetime.date | None = None) -> None: ...

    understood = Understander(model_from_skill(skill)).understand(
        "weather in new york tomorrow", now=NOW
    )
    assert understood.sample == "weather in {city} {date}"
    assert [(slot.name, slot.words) for slot in understood.slots] == [
        ("city", "new york"),
        ("date", "tomorrow"),
    ]


def test_the_most_specific_sample_wins() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "PlayAnything", utterances=["play {query}"], slots={"query": "AMAZON.SearchQuery"}
    )
    def anything(query: str) -> None: ...

    @skill.intent("PlayNews", utterances=["play the news"])
    def news() -> None: ...

    understander = Understander(model_from_skill(skill))
    assert understander.understand("play the news").intent == "PlayNews"
    assert understander.understand("play the jazz station").intent == "PlayAnything"


def _phrase_book() -> Understander:
    """A translator: one free-form intent beside the built-in ones users ask for."""
    skill = Skill(SKILL_ID)

    @skill.intent(
        "Translate",
        utterances=["translate {phrase}", "how do i say {phrase}"],
        slots={"phrase": "AMAZON.SearchQuery"},
    )
    def translate(phrase: str) -> None: ...

    for name in ("AMAZON.HelpIntent", "AMAZON.StartOverIntent", "AMAZON.FallbackIntent"):
        skill.add_intent_handler(name, lambda: None)
    return Understander(model_from_skill(skill))


@pytest.mark.parametrize(
    ("said", "phrase"),
    [
        ("translate i need help", "i need help"),
        ("translate start from the beginning", "start from the beginning"),
        ("translate what can you do", "what can you do"),  # was right already
    ],
)
def test_an_exact_reading_is_not_beaten_by_a_loose_one_that_drops_its_words(
    said: str, phrase: str
) -> None:
    # "translate i need help" matches "translate {phrase}" exactly, yet was AMAZON.HelpIntent:
    # its phrase is mostly free-form words, so the loose reading "i need help" (scored 2.05,
    # "translate" left out) was weighed against it on score alone (2.0) and won.
    understood = _phrase_book().understand(said, now=NOW)
    assert (understood.intent, understood.exact) == ("Translate", True), understood.notes
    assert [(slot.name, slot.words) for slot in understood.slots] == [("phrase", phrase)]


def test_a_loose_reading_using_every_word_still_beats_free_words() -> None:
    # Why the scores are compared at all: "play the top hits playlist" is "play {query}" exactly,
    # its query all free-form words, and a loose reading of "play the top hits playlist on
    # shuffle" keeps every word said, "play" too, only sample words unsaid: it explains more.
    skill = Skill(SKILL_ID)

    @skill.intent(
        "PlayAnything", utterances=["play {query}"], slots={"query": "AMAZON.SearchQuery"}
    )
    def anything(query: str) -> None: ...

    @skill.intent("PlayMix", utterances=["play the top hits playlist on shuffle"])
    def mix() -> None: ...

    understood = Understander(model_from_skill(skill)).understand("play the top hits playlist")
    assert (understood.intent, understood.exact) == ("PlayMix", False)


@pytest.mark.parametrize(
    ("said", "city"),
    [
        ("the song of ice and fire", "the song of ice and fire"),
        ("tell me about the play hamlet", "the play hamlet"),
    ],
)
def test_an_utterance_of_a_slot_alone_sample_is_weighed_by_score(said: str, city: str) -> None:
    # A dialog answer's "{city}" gives way to the intent's own samples read loosely, whatever
    # the scores; an utterance's does not give way to any other intent's sample read loosely:
    # "the song of ice and fire" is no PlayMusic of "of ice and fire" ("play" unsaid).
    skill = Skill(SKILL_ID)

    @skill.intent("Visit", utterances=["{city}"], slots={"city": "AMAZON.City"})
    def visit(city: str) -> None: ...

    @skill.intent(
        "PlayMusic",
        utterances=["play {song}", "play the song {song}"],
        slots={"song": "AMAZON.MusicRecording"},
    )
    def play(song: str) -> None: ...

    understood = Understander(model_from_skill(skill)).understand(said, now=NOW)
    assert understood.intent == "Visit", understood.notes
    assert [(slot.name, slot.words) for slot in understood.slots] == [("city", city)]


@pytest.mark.parametrize(
    ("said", "intent", "city"),
    [
        ("can you stop", "AMAZON.StopIntent", None),
        ("could you please cancel", "AMAZON.CancelIntent", None),
        ("i need some help", "AMAZON.HelpIntent", None),
        # A word of meaning besides the built-in's: the catch-all's value, as before.
        ("the bus stop", "Visit", "the bus stop"),
    ],
)
def test_a_built_in_sample_said_whole_beats_a_slot_alone_sample(
    said: str, intent: str, city: str | None
) -> None:
    # Since a7e14de1 an utterance's "{city}" gives way to loose readings by score only, and
    # "can you stop" was Visit of "can you stop": a built-in intent's sample said whole, with
    # nothing else but function words and fillers, is what the user asked for.
    skill = Skill(SKILL_ID)

    @skill.intent("Visit", utterances=["{city}"], slots={"city": "AMAZON.City"})
    def visit(city: str) -> None: ...

    understood = Understander(model_from_skill(skill)).understand(said, now=NOW)
    assert understood.intent == intent, understood.notes
    assert [slot.words for slot in understood.slots if slot.words] == ([city] if city else [])


def test_a_listed_value_beats_unlisted_words(pizza: Understander) -> None:
    understood = pizza.understand("order a large pizza", now=NOW)
    assert understood.slots[0].kind == "listed"


def test_built_in_intents_have_their_common_phrasings(pizza: Understander) -> None:
    assert intent_of(pizza, "never mind") == "AMAZON.CancelIntent"
    assert intent_of(pizza, "shut up") == "AMAZON.StopIntent"
    assert intent_of(pizza, "help me") == "AMAZON.HelpIntent"
    assert intent_of(pizza, "yeah") == "AMAZON.YesIntent"
    assert intent_of(pizza, "no thanks") == "AMAZON.NoIntent"
    for said in ("go home", "home", "go to home", "go to the home screen"):
        assert intent_of(pizza, said) == "AMAZON.NavigateHomeIntent", said
    # and the samples the model gives them
    assert intent_of(pizza, "what is on the menu") == "AMAZON.HelpIntent"


def test_built_in_phrasings_only_for_intents_the_model_has(pizza: Understander) -> None:
    # The model has no AMAZON.PauseIntent: "pause" is not understood as one.
    assert intent_of(pizza, "pause") == "AMAZON.FallbackIntent"


def test_loose_matches_allow_missing_and_extra_words(pizza: Understander) -> None:
    understood = pizza.understand("could you track the order", now=NOW)
    assert understood.intent == "TrackOrder"
    assert not understood.exact
    assert any("not in the sample" in note for note in understood.notes)


def test_no_close_sample_is_the_fallback_intent(pizza: Understander) -> None:
    understood = pizza.understand("what is the capital of france", now=NOW)
    assert understood.request == {
        "type": "IntentRequest",
        "intent": {"name": "AMAZON.FallbackIntent", "confirmationStatus": "NONE"},
    }
    assert understood.fallback


def _tracker_model() -> InteractionModel:
    """Two intents and no AMAZON.FallbackIntent: what is not understood goes to the closest."""
    return InteractionModel.from_json(
        {
            "languageModel": {
                "invocationName": "tracker",
                "intents": [
                    {"name": "Track", "samples": ["track my parcel"]},
                    {"name": "Cancel", "samples": ["cancel my subscription"]},
                ],
            }
        }
    )


def test_without_a_fallback_intent_the_closest_intent_is_sent() -> None:
    model = _tracker_model()
    understood = Understander(model).understand("parcel status please")
    assert understood.intent == "Track"
    assert understood.fallback
    assert "no AMAZON.FallbackIntent" in understood.explain()


def test_the_closest_intent_carries_its_match_score() -> None:
    # Without AMAZON.FallbackIntent the closest intent was sent with score 0.0, the match's
    # score dropped when the understanding was rebuilt as a fallback: a reading no sample is
    # close to scored above a poor one (the closest's score is below 0 here).
    model = _tracker_model()
    understander = Understander(model)
    said = "parcel status please"
    closest = understander.matcher.closest(SpanCache(understander.tokens(said), NOW))
    assert closest is not None and closest.sample.text == "track my parcel"
    assert closest.score != 0.0
    understood = understander.understand(said, now=NOW)
    assert (understood.intent, understood.fallback) == ("Track", True)
    assert understood.sample == "track my parcel"
    assert understood.score == closest.score


def test_a_loose_or_closest_match_shows_its_score_in_the_explanation_and_json() -> None:
    # Neither explain() nor to_json() showed the score, so `alexaskill understand` and the
    # simulator could not show how poor the closest intent's match was (below 0 here).
    model = _tracker_model()
    understander = Understander(model)
    closest = understander.understand("parcel status please", now=NOW)
    assert closest.fallback and closest.score < 0
    shown = f"{closest.score:.2f}"
    assert f'  sample: "track my parcel" (closest intent, score {shown})' in closest.explain()
    as_json = closest.to_json()
    assert as_json["score"] == round(closest.score, 3)
    loose = understander.understand("please track my parcel", now=NOW)
    assert not loose.exact and not loose.fallback
    assert f"(loose match, score {loose.score:.2f})" in loose.explain()
    exact = understander.understand("track my parcel", now=NOW)
    assert '  sample: "track my parcel" (exact)' in exact.explain()  # (no score: nothing amiss)
    # Backward compatible: a field added, none renamed or dropped.
    assert set(exact.to_json()) == {
        *("utterance", "request", "kind", "intent", "sample", "exact", "fallback"),
        *("newSession", "slots", "notes", "explanation", "score"),
    }


def test_without_a_fallback_intent_words_no_sample_comes_near_send_no_request() -> None:
    # No sample shares a word with the utterance, so there is no closest intent either (the
    # one case that reaches this: a model's intents with no samples, or only built-in ones,
    # come to the same). The emulation sent AMAZON.FallbackIntent, which the model lacks: a
    # request Alexa never sends this skill. Without it Alexa maps what is said to one of the
    # model's intents (Amazon's FallbackIntent announcement, "out-of-domain requests"), and
    # which one cannot be told from the samples: no request, and a note that says so.
    understander = Understander(_tracker_model())
    said = "what is the capital of france"
    assert understander.matcher.closest(SpanCache(understander.tokens(said), NOW)) is None
    understood = understander.understand(said, now=NOW)
    assert (understood.request, understood.intent) == (None, None)
    assert (understood.kind, understood.exact, understood.fallback) == (
        "out of domain",
        False,
        True,
    )
    assert understood.notes == (
        "nothing matched and the model has no AMAZON.FallbackIntent: Alexa would send one of "
        "its intents, and no sample comes near enough to tell which, so nothing is sent; with "
        "AMAZON.FallbackIntent in the model, Alexa sends that",
    )
    assert understood.explain().splitlines() == [
        "no request: which of the model's intents Alexa would send cannot be told",
        f"  note: {understood.notes[0]}",
    ]
    assert understood.to_json()["request"] is None


def _tracker_with_stop_model(*, weather: bool = True) -> InteractionModel:
    """Track, AMAZON.StopIntent (its built-in phrasings) and, with ``weather``, an intent with
    a date slot and a free-form one; no AMAZON.FallbackIntent."""
    intents: list[dict[str, Any]] = [
        {"name": "Track", "samples": ["track my parcel"]},
        {"name": "AMAZON.StopIntent", "samples": []},
    ]
    if weather:
        samples = ["what is the weather {date}", "what is the weather in {city}"]
        slots = [{"name": "date", "type": "AMAZON.DATE"}, {"name": "city", "type": "AMAZON.City"}]
        intents.append({"name": "Weather", "samples": samples, "slots": slots})
    return InteractionModel.from_json(
        {"languageModel": {"invocationName": "tracker", "intents": intents}}
    )


@pytest.mark.parametrize(
    ("said", "weather"),
    [
        ("what is the capital of france", False),  # "is" of "that's enough": StopIntent
        # "what is the" of "what is the weather", and "capital of france" a city: AMAZON.City
        # takes any words, and grounds nothing
        ("what is the capital of france", True),
        ("what about paris", True),
        ("what is it", False),  # "it" of "stop it"
        ("my stuff", True),  # "my" of "track my parcel"
        ("is it 5", True),  # "it" again (5 is no value a slot of those samples reads)
    ],
)
def test_without_a_fallback_intent_function_words_alone_choose_no_closest_intent(
    said: str, weather: bool
) -> None:
    # The closest intent was chosen on words that carry grammar, not meaning: "what is the
    # capital of france" went to AMAZON.StopIntent ("that's enough" shares "is"), which ends
    # the session in chat, the simulator and client.say(). Sharing only function words (or
    # fillers) with a sample, the words are out of domain, as when they share none.
    understander = Understander(_tracker_with_stop_model(weather=weather))
    assert understander.matcher.closest(SpanCache(understander.tokens(said), NOW)) is None
    understood = understander.understand(said, now=NOW)
    assert (understood.request, understood.intent) == (None, None)
    assert (understood.kind, understood.fallback) == ("out of domain", True)


@pytest.mark.parametrize(
    ("said", "intent", "sample"),
    [
        ("parcels please", "Track", "track my parcel"),  # one word of the sample, by its stem
        ("tracking it", "Track", "track my parcel"),
        ("what is my parcel doing", "Track", "track my parcel"),
        ("stop the music", "AMAZON.StopIntent", "stop"),
        # No word of the sample's own but "what": the value its date slot reads counts
        ("what about tomorrow", "Weather", "what is the weather {date}"),
    ],
)
def test_without_a_fallback_intent_one_meaningful_word_still_reaches_the_closest_intent(
    said: str, intent: str, sample: str
) -> None:
    understood = Understander(_tracker_with_stop_model()).understand(said, now=NOW)
    assert (understood.kind, understood.intent, understood.sample) == ("intent", intent, sample)
    assert understood.fallback and not understood.exact
    assert "Alexa sends the closest intent" in understood.notes[-1]


def _crowded_tracker_model() -> InteractionModel:
    """Track ("track my parcel"), 11 places asked about in words sharing only function words and
    fillers with "where is the parcel that you have for me" and "what is the parcel like", and
    300 samples of other words (a large model); no AMAZON.FallbackIntent."""
    places: tuple[str, ...] = ("museum", "station", "beach", "castle", "market", "harbour")
    places += ("library", "cinema", "bakery", "garden", "tower")
    intents: list[dict[str, Any]] = [{"name": "Track", "samples": ["track my parcel"]}]
    for place in places:
        samples = [f"where is the {place} that you have for me", f"what is the {place} like inside"]
        intents.append({"name": f"Ask{place.title()}", "samples": samples})
    other = [f"{verb} {a} {b}" for verb in ("play", "book", "rate") for a in places for b in places]
    intents.append({"name": "Other", "samples": other[:300]})
    return InteractionModel.from_json(
        {"languageModel": {"invocationName": "tracker", "intents": intents}}
    )


@pytest.mark.parametrize(
    "said",
    [
        "where is the parcel that you have for me",  # 8 function words shared, 11 times
        "what is the parcel like",  # "like" a filler (it had full weight), and 3 function words
    ],
)
def test_without_a_fallback_intent_function_words_crowd_out_no_meaningful_word(said: str) -> None:
    # The closest intent aligned only the 10 samples sharing the rarest words (function words
    # weighted 0.3, fillers not at all less): in a large model, 11 samples sharing only those
    # outranked the one sharing "parcel", none of the 10 rested on a meaningful word, and the
    # words were "out of domain" where Track is the closest intent.
    understander = Understander(_crowded_tracker_model())
    samples = understander.matcher.samples
    crowd = [sample for sample in samples if len(set(said.split()) & set(sample.words)) >= 4]
    assert len(crowd) >= 11 and len(samples) > 300
    assert [sample.text for sample in samples if "parcel" in sample.words] == ["track my parcel"]
    closest = understander.matcher.closest(SpanCache(understander.tokens(said), NOW))
    assert closest is not None and closest.sample.text == "track my parcel"
    understood = understander.understand(said, now=NOW)
    assert (understood.kind, understood.intent, understood.fallback) == ("intent", "Track", True)


def test_fallback_sensitivity_asks_loose_matches_for_more() -> None:
    data = json.loads(MODEL_FILE.read_text())
    loose = Understander(InteractionModel.from_json(data))
    data["interactionModel"]["languageModel"]["modelConfiguration"] = {
        "fallbackIntentSensitivity": {"level": "HIGH"}
    }
    strict = Understander(InteractionModel.from_json(data))
    said = "how long for the pizza"
    assert loose.understand(said).intent == "TrackOrder"
    assert strict.understand(said).intent == "AMAZON.FallbackIntent"


@pytest.mark.parametrize("level", ["VERY_HIGH", "", "normal"])
def test_an_unknown_fallback_sensitivity_is_refused(level: str) -> None:
    # Amazon's schema allows LOW, MEDIUM and HIGH; another level was read as LOW in silence.
    data = json.loads(MODEL_FILE.read_text())
    data["interactionModel"]["languageModel"]["modelConfiguration"] = {
        "fallbackIntentSensitivity": {"level": level}
    }
    message = rf"fallbackIntentSensitivity.level {level!r} is not LOW, MEDIUM or HIGH"
    with pytest.raises(InteractionModelError, match=message):
        InteractionModel.from_json(data)


def test_a_known_fallback_sensitivity_is_read() -> None:
    data = json.loads(MODEL_FILE.read_text())
    data["interactionModel"]["languageModel"]["modelConfiguration"] = {
        "fallbackIntentSensitivity": {"level": "MEDIUM"}
    }
    assert InteractionModel.from_json(data).fallback_sensitivity == "MEDIUM"


def test_a_lowercase_sensitivity_or_strategy_is_refused_alike_with_the_value_meant() -> None:
    # Amazon's schema has both as enums of capitals (ask-smapi-model's
    # FallbackIntentSensitivityLevel: HIGH, MEDIUM, LOW; DelegationStrategyType: ALWAYS,
    # SKILL_RESPONSE), so Amazon refuses "low" as it refuses "always". "low" was read as LOW
    # while "always" was refused: a model that worked here failed to deploy.
    data = json.loads(MODEL_FILE.read_text())
    data["interactionModel"]["languageModel"]["modelConfiguration"] = {
        "fallbackIntentSensitivity": {"level": "medium"}
    }
    data["interactionModel"]["dialog"]["delegationStrategy"] = "always"
    with pytest.raises(InteractionModelError) as raised:
        InteractionModel.from_json(data)
    problems = raised.value.problems
    assert any(
        "fallbackIntentSensitivity.level 'medium' is not LOW, MEDIUM or HIGH" in problem
        and "did you mean 'MEDIUM'?" in problem
        for problem in problems
    ), problems
    assert any(
        "delegationStrategy 'always' is not ALWAYS or SKILL_RESPONSE" in problem
        and "did you mean 'ALWAYS'?" in problem
        for problem in problems
    ), problems


@pytest.mark.parametrize("where", ["dialog", "intent"])
@pytest.mark.parametrize("strategy", ["always", "AUTO", ""])
def test_an_unknown_delegation_strategy_is_refused(where: str, strategy: str) -> None:
    # Amazon's schema allows ALWAYS and SKILL_RESPONSE; another one made the dialog manual in
    # silence (only "ALWAYS" delegates), so an author who wrote "always" got no auto delegation.
    data = json.loads(MODEL_FILE.read_text())
    dialog = data["interactionModel"]["dialog"]
    target = dialog if where == "dialog" else dialog["intents"][0]
    target["delegationStrategy"] = strategy
    if where == "dialog":
        dialog["intents"][0].pop("delegationStrategy", None)
    with pytest.raises(InteractionModelError, match="is not ALWAYS or SKILL_RESPONSE"):
        InteractionModel.from_json(data)


# --- the request and the explanation ------------------------------------------------------------


def test_every_slot_is_present_and_unfilled_ones_have_no_value(pizza: Understander) -> None:
    request = pizza.understand("order two big pizzas", now=NOW).request
    assert request is not None
    slots = request["intent"]["slots"]
    assert list(slots) == ["size", "toppings", "count", "time"]
    assert slots["toppings"] == {"name": "toppings", "confirmationStatus": "NONE"}
    assert slots["count"]["value"] == "2"


def test_an_intent_of_the_dialog_model_starts_its_dialog(pizza: Understander) -> None:
    request = pizza.understand("order a pizza").request
    assert request is not None
    assert request["dialogState"] == "STARTED"
    tracked = pizza.understand("track my order").request
    assert tracked is not None
    assert "dialogState" not in tracked


def test_an_intent_without_slots_has_no_slots_object(pizza: Understander) -> None:
    assert pizza.understand("track my order").request == {
        "type": "IntentRequest",
        "intent": {"name": "TrackOrder", "confirmationStatus": "NONE"},
    }


def test_the_explanation_names_the_sample_and_each_slot(pizza: Understander) -> None:
    understood = pizza.understand("order a big pizza with ham and olives", now=NOW)
    text = understood.explain()
    assert 'sample: "order a {size} pizza with {toppings}" (exact)' in text
    assert 'size = "big" (PizzaSize: ER_SUCCESS_MATCH large (id LARGE))' in text
    assert "toppings" in text and "['ham', 'olives']" in text
    as_json = understood.to_json()
    assert as_json["slots"][0]["resolved"] == [{"name": "large", "id": "LARGE"}]
    json.dumps(as_json)  # plain JSON


def test_the_now_given_resolves_relative_dates(pizza: Understander) -> None:
    later = datetime.datetime(2027, 1, 10, 9, 0)
    request = pizza.understand("deliver it tomorrow", now=later).request
    assert request is not None
    assert request["intent"]["slots"]["date"]["value"] == "2027-01-11"


# --- models -------------------------------------------------------------------------------------


def test_a_model_from_code_and_its_dialog() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "Book",
        utterances=["book a table", "book a table for {people}"],
        slots={"people": DialogSlot("AMAZON.NUMBER", elicit="For how many?")},
    )
    def book(people: int) -> Any:
        return speak(f"{people}")

    model = model_from_skill(skill, invocation="table booker")
    assert model.invocation == "table booker"
    assert model.dialog["Book"].slots[0].elicitation_required
    understood = Understander(model).understand("book a table for four")
    assert understood.request is not None
    assert understood.request["intent"]["slots"]["people"]["value"] == "4"
    assert model_from_skill(skill).invocation is None
    # An empty name is a name given, and refused as every other bad one ("" became "the skill").
    for empty in ("", "  "):
        with pytest.raises(InteractionModelError, match="the invocation name is empty"):
            model_from_skill(skill, invocation=empty)


def test_only_the_language_model_is_enough() -> None:
    data = json.loads(MODEL_FILE.read_text())["interactionModel"]["languageModel"]
    assert Understander(InteractionModel.from_json(data)).understand("track my order").intent == (
        "TrackOrder"
    )


def test_a_model_directory_needs_a_locale(tmp_path: Path) -> None:
    (tmp_path / "en-GB.json").write_text(MODEL_FILE.read_text())
    assert load_model(tmp_path, locale="en-GB").invocation == "pizza palace"
    with pytest.raises(InteractionModelError, match="en-GB"):
        load_model(tmp_path)
    with pytest.raises(InteractionModelError, match="no such file"):
        load_model(tmp_path, locale="en-US")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ("[]", "not a JSON object"),
        ('{"interactionModel": {}}', "no interactionModel.languageModel"),
        ('{"interactionModel": {"languageModel": {"intents": 5}}}', "intents is not a list"),
        ('{"languageModel": {"intents": [{"samples": []}]}}', "has no name"),
        # Amazon's schema requires a slot's type: it was read as AMAZON.SearchQuery.
        (
            '{"languageModel": {"intents": [{"name": "Order", "slots": [{"name": "dish"}], '
            '"samples": ["order {dish} please"]}]}}',
            r"intent Order: slot dish has no type \(Amazon's schema requires one",
        ),
        (
            '{"languageModel": {"intents": [{"name": "Order", "slots": [{"name": "dish", '
            '"type": ""}], "samples": ["order {dish} please"]}]}}',
            "intent Order: slot dish has no type",
        ),
        # A prompt's variations: PlainText or SSML (Amazon's schema has these two), with words.
        (
            '{"interactionModel": {"languageModel": {"intents": []}, "prompts": [{"id": "Ask", '
            '"variations": [{"type": "Text", "value": "Which one?"}]}]}}',
            r"prompt Ask: variation type 'Text' is not PlainText or SSML",
        ),
        (
            '{"interactionModel": {"languageModel": {"intents": []}, "prompts": [{"id": "Ask", '
            '"variations": [{"type": "plaintext", "value": "Which one?"}]}]}}',
            r"is not PlainText or SSML; did you mean 'PlainText'\?",
        ),
        (
            '{"interactionModel": {"languageModel": {"intents": []}, "prompts": [{"id": "Ask", '
            '"variations": [{"value": "Which one?"}]}]}}',
            r"prompt Ask: a variation has no type \(PlainText or SSML\)",
        ),
        (
            '{"interactionModel": {"languageModel": {"intents": []}, "prompts": [{"id": "Ask", '
            '"variations": [{"type": "PlainText", "value": " "}]}]}}',
            "prompt Ask: a variation has no words",
        ),
        # Ids the dialog names things by, given twice: the reader kept the last in silence.
        (
            '{"interactionModel": {"languageModel": {"intents": []}, "prompts": [{"id": "Ask", '
            '"variations": [{"type": "PlainText", "value": "Which?"}]}, {"id": "Ask", '
            '"variations": [{"type": "PlainText", "value": "What?"}]}]}}',
            "prompt Ask is defined twice",
        ),
        (
            '{"interactionModel": {"languageModel": {"intents": [{"name": "Order", "samples": '
            '["order"]}]}, "dialog": {"intents": [{"name": "Order"}, {"name": "Order"}]}}}',
            "dialog intent Order is listed twice",
        ),
        (
            '{"interactionModel": {"languageModel": {"intents": [{"name": "Order", "slots": '
            '[{"name": "dish", "type": "AMAZON.Food"}], "samples": ["order {dish}"]}]}, '
            '"dialog": {"intents": [{"name": "Order", "slots": [{"name": "dish"}, '
            '{"name": "dish"}]}]}}}',
            "dialog intent Order: slot dish is listed twice",
        ),
    ],
)
def test_unusable_model_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content)
    with pytest.raises(InteractionModelError, match=message):
        load_model(path)


def test_a_model_file_over_the_cap_is_refused_unread(tmp_path: Path) -> None:
    # Valid JSON past 16 MiB (a log, a dump named by mistake): refused by its size, as the
    # commands refuse their files, before it is read into memory whole or parsed.
    path = tmp_path / "en-US.json"
    padding = " " * (16 * 1024 * 1024)
    path.write_text(padding + MODEL_FILE.read_text())
    with pytest.raises(InteractionModelError, match=r"larger than 16 MiB, too large for an "):
        load_model(path)
    # At the cap, it is read.
    path.write_text(MODEL_FILE.read_text().ljust(16 * 1024 * 1024))
    assert load_model(path).invocation == "pizza palace"


def test_a_model_file_nested_too_deeply_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text('{"interactionModel": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(InteractionModelError, match="nested too deeply"):
        load_model(path)


def test_locale_of_file() -> None:
    assert locale_of_file("skill-package/interactionModels/custom/en-GB.json") == "en-GB"
    assert locale_of_file("model.json") is None


def test_english_locales_and_a_clear_error_for_others() -> None:
    assert {"en-US", "en-GB", "en-CA", "en-AU", "en-IN"} <= set(supported_locales())
    model = load_model(MODEL_FILE)
    assert Understander(model, locale="en-AU").understand("track my order").intent == "TrackOrder"
    with pytest.raises(ConfigurationError, match=r"de-DE.*does not know this language"):
        Understander(model, locale="de-DE")


def test_a_language_registered_first_leaves_english_known() -> None:
    # The built-in languages were registered only while none was: a `register_language` call
    # before the first understanding made English unknown ("locale 'en-US': ... does not know
    # this language yet (it knows fr-FR)"). A registered locale stays the registered one's.
    code = (
        "from alexaskill.understanding.languages import language_for, register_language\n"
        "from alexaskill.understanding.languages.english import English\n"
        "class French(English): pass\n"
        "register_language(French, ['fr-FR', 'en-GB'])\n"
        "assert type(language_for('en-US')) is English, language_for('en-US')\n"
        "assert type(language_for('en-GB')) is French, language_for('en-GB')\n"
        "assert type(language_for('fr-FR')) is French, language_for('fr-FR')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def test_import_alexaskill_does_not_load_understanding() -> None:
    # A deployed skill never needs it: its cold start (AWS Lambda) does not pay for it.
    code = (
        "import sys, alexaskill, alexaskill.testing; "
        "assert not [m for m in sys.modules if m.startswith('alexaskill.understanding')], "
        "sorted(m for m in sys.modules if m.startswith('alexaskill.understanding'))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_literal_samples_of_older_models() -> None:
    model = InteractionModel.from_json(
        {
            "languageModel": {
                "invocationName": "echo box",
                "intents": [
                    {
                        "name": "Repeat",
                        "slots": [{"name": "phrase", "type": "AMAZON.LITERAL"}],
                        "samples": ["repeat { hello world | phrase }", "say {phrase} back"],
                    }
                ],
            }
        }
    )
    understander = Understander(model)
    for said in ("repeat good morning everyone", "say how are you back"):
        understood = understander.understand(said)
        assert understood.intent == "Repeat"
        assert understood.slots[0].name == "phrase"


def test_an_extended_built_in_list_type_resolves_its_own_values() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("AMAZON.City", [{"name": "gotham", "id": "GOTHAM"}])

    @skill.intent("GoTo", utterances=["go to {city}"], slots={"city": "AMAZON.City"})
    def go(city: str) -> None: ...

    understander = Understander(model_from_skill(skill))
    gotham = understander.understand("go to gotham", now=NOW).request
    assert gotham is not None
    authority = gotham["intent"]["slots"]["city"]["resolutions"]["resolutionsPerAuthority"][0]
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"] == [{"value": {"name": "gotham", "id": "GOTHAM"}}]
    paris = understander.understand("go to paris", now=NOW).request
    assert paris is not None
    assert paris["intent"]["slots"]["city"]["value"] == "paris"


class _Clock(datetime.datetime):
    """The clock at 23:30 UTC on 2026-11-29, on a machine whose local time is UTC+14 (already
    the 30th there): what "today" means must not depend on the machine it runs on."""

    @classmethod
    def now(cls, tz: datetime.tzinfo | None = None) -> Any:
        moment = datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC)
        if tz is None:  # this machine's naive local time
            return (moment + datetime.timedelta(hours=14)).replace(tzinfo=None)
        return moment.astimezone(tz)


def test_today_without_a_clock_is_the_date_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    # As the offline tools read "today" on a device with no time zone set: in UTC, not in
    # this machine's local time.
    from types import SimpleNamespace

    from alexaskill.understanding import compiled as module

    monkeypatch.setattr(module, "datetime", SimpleNamespace(datetime=_Clock, UTC=datetime.UTC))
    skill = Skill(THIRD_SKILL_ID)

    @skill.intent("Weather", utterances=["weather {day}"], slots={"day": "AMAZON.DATE"})
    def weather(day: str | None = None) -> Any:
        return speak("Sunny.")

    understander = Understander(model_from_skill(skill))
    understood = understander.understand("weather today")
    assert understood.request is not None
    assert understood.request["intent"]["slots"]["day"]["value"] == "2026-11-29"
    answer = understander.answer("today", intent="Weather", slot="day")
    assert answer is not None and answer.request is not None
    assert answer.request["intent"]["slots"]["day"]["value"] == "2026-11-29"


def test_a_conversation_without_a_clock_reads_today_in_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    # As the Understander alone (above): the device with no time zone set, not this machine.
    from types import SimpleNamespace

    from alexaskill.understanding import Conversation
    from alexaskill.understanding import dialog as module

    monkeypatch.setattr(module, "datetime", SimpleNamespace(datetime=_Clock, UTC=datetime.UTC))
    skill = Skill(THIRD_SKILL_ID)
    nothing_sent = SimpleNamespace(send=None)  # the clock is read before anything is sent
    conversation = Conversation(Understander(model_from_skill(skill)), nothing_sent)
    assert conversation.now() == datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "said",
    [
        "weather in san diego today",
        "um weather in san diego today",
        "weather in uh san diego today",
        "weather in san diego today please",
    ],
)
def test_a_filler_left_out_still_lets_a_free_value_give_its_end_to_another_slot(
    said: str,
) -> None:
    # Read without its fillers, the reading's word positions were those of the words kept, but
    # the end of the city was looked for among all the words said: with a filler before the
    # city, "today" stayed in it.
    model = InteractionModel.from_json(
        {
            "interactionModel": {
                "languageModel": {
                    "invocationName": "weather tester",
                    "intents": [
                        {
                            "name": "Weather",
                            "slots": [
                                {"name": "city", "type": "AMAZON.US_CITY"},
                                {"name": "date", "type": "AMAZON.DATE"},
                            ],
                            "samples": ["weather in {city}"],
                        },
                        {"name": "AMAZON.FallbackIntent", "samples": []},
                    ],
                }
            }
        }
    )
    assert slots_of(Understander(model), said) == {"city": "san diego", "date": "2026-11-29"}


def test_without_an_invocation_name_a_loose_sample_opening_with_play_is_no_skills_name() -> None:
    # "play episode 5 now" opened a skill named "episode 5 now": only a whole sample counted
    # against a name, and "now" is no word of "play episode {number}".
    skill = Skill(SKILL_ID)

    @skill.intent(
        "PlayEpisode", utterances=["play episode {number}"], slots={"number": "AMAZON.NUMBER"}
    )
    def episode(number: int) -> None: ...

    @skill.intent("PlayPodcast", utterances=["play the podcast"])
    def podcast() -> None: ...

    anonymous = Understander(model_from_skill(skill))
    assert anonymous.model.invocation is None
    for said in ("play episode 5 now", "play episode five now"):
        understood = anonymous.understand(said, now=NOW)
        assert understood.intent == "PlayEpisode", said
        assert understood.slots[0].value == "5"
    # A loose reading whose sample does not open with the verb said leaves the name alone.
    for said in ("open the podcast", "play corner cafe"):
        assert anonymous.understand(said, now=NOW).request == {"type": "LaunchRequest"}, said


@pytest.mark.parametrize("name", [5, ["pizza place"], {"value": "pizza place"}])
def test_an_invocation_name_that_is_no_string_is_refused(name: object) -> None:
    # It was read as no invocation name at all: `understand` then took any name ("open
    # anything" a LaunchRequest) where Amazon's schema refuses the file.
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["interactionModel"]["languageModel"]["invocationName"] = name
    message = r"languageModel\.invocationName is not a string"
    with pytest.raises(InteractionModelError, match=message):
        InteractionModel.from_json(data)


def _city_weather() -> Understander:
    intent = {
        "name": "Weather",
        "slots": [
            {"name": "city", "type": "AMAZON.City"},
            {"name": "date", "type": "AMAZON.DATE"},
        ],
        "samples": ["weather in {city}", "weather for {city} {date}"],
    }
    fallback = {"name": "AMAZON.FallbackIntent", "samples": []}
    language_model = {"invocationName": "weather tester", "intents": [intent, fallback]}
    return Understander(
        InteractionModel.from_json({"interactionModel": {"languageModel": language_model}})
    )


@pytest.mark.parametrize(
    ("said", "why"),
    [
        ("weather in london not tomorrow", "'not tomorrow' denies the value"),
        ("weather for paris not tomorrow", "'not tomorrow' denies the value"),
        ("weather in paris from friday to sunday", "'friday to sunday' is a range, not one value"),
        (
            "weather for the 31st of february in paris",
            "'for the 31st of february' read as 'for the 31st' would leave out 'of february'",
        ),
    ],
)
def test_a_free_form_value_does_not_swallow_the_words_that_void_a_date(said: str, why: str) -> None:
    # The city took the words that deny or join the date ("london not" + tomorrow, "paris from"
    # + friday, "the 31st of" + february): a wrong date, given quietly. No reading is better.
    understood = _city_weather().understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent"
    assert understood.notes[-1] == f"no sample is close enough (a reading was dropped: {why})"
    kept = _city_weather().understand("weather in new york tomorrow", now=NOW)
    assert [(slot.name, slot.value) for slot in kept.slots] == [
        ("city", "new york"),
        ("date", "2026-11-30"),
    ]


def test_a_reading_dropped_as_cutting_a_value_short_is_named_in_the_explanation() -> None:
    # The fallback intent said "no sample is close enough", though a sample was: its reading
    # was dropped because it gave one end of a range.
    skill = Skill(SKILL_ID)

    @skill.intent("Count", utterances=["count {number}"], slots={"number": "AMAZON.NUMBER"})
    def count(number: int) -> None: ...

    understood = Understander(model_from_skill(skill)).understand("count 5 to 6", now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent"
    assert understood.explain().splitlines()[-1] == (
        "  note: no sample is close enough (a reading was dropped: '5 to 6' is a range, "
        "not one value)"
    )


@pytest.mark.parametrize(
    ("said", "task"),
    [
        ("remind me to go to the week of fun friday", "go to the week of fun"),
        ("remind me to buy milk and eggs tomorrow", "buy milk and eggs"),
        ("remind me to not forget tomorrow", "not forget"),
    ],
)
def test_free_form_words_void_a_date_only_by_a_denial_or_a_value_joined_right_beside_it(
    said: str, task: str
) -> None:
    # "week of" one word away from "friday" made the whole reading the fallback intent: a
    # free-form value's own words count only when they deny the date or join it right next to it.
    intent = {
        "name": "Remind",
        "slots": [
            {"name": "task", "type": "AMAZON.SearchQuery"},
            {"name": "date", "type": "AMAZON.DATE"},
        ],
        "samples": ["remind me to {task}", "remind me to {task} {date}"],
    }
    fallback = {"name": "AMAZON.FallbackIntent", "samples": []}
    language_model = {"invocationName": "reminders", "intents": [intent, fallback]}
    model = InteractionModel.from_json({"interactionModel": {"languageModel": language_model}})
    understood = Understander(model).understand(said, now=NOW)
    assert understood.intent == "Remind"
    slots = {slot.name: slot.value for slot in understood.slots}
    assert (slots["task"], slots["date"] is not None) == (task, True)


def test_without_a_fallback_intent_the_closest_intents_note_names_the_reading_dropped() -> None:
    # Without AMAZON.FallbackIntent the closest intent is sent; its note did not say why the
    # reading with the date ("london not" + tomorrow) was dropped.
    intent = {
        "name": "Weather",
        "slots": [
            {"name": "city", "type": "AMAZON.City"},
            {"name": "date", "type": "AMAZON.DATE"},
        ],
        "samples": ["weather in {city}", "weather for {city} {date}"],
    }
    joke = {"name": "Joke", "samples": ["tell me a joke"]}
    language_model = {"invocationName": "weather tester", "intents": [intent, joke]}
    model = InteractionModel.from_json({"interactionModel": {"languageModel": language_model}})
    understood = Understander(model).understand("weather in london not tomorrow", now=NOW)
    assert understood.intent == "Weather"
    assert [slot.name for slot in understood.slots] == ["city"]  # no date the user denied
    assert understood.notes[-1] == (
        "no sample is close enough (a reading was dropped: 'not tomorrow' denies the value) and "
        "the model has no AMAZON.FallbackIntent: Alexa sends the closest intent"
    )


@pytest.mark.parametrize(
    ("said", "slots"),
    [
        ("weather for london not tomorrow", None),
        ("paris from friday to sunday", None),
        ("london tomorrow", [("city", "london"), ("date", "2026-11-30")]),
        ("new york", [("city", "new york")]),
    ],
)
def test_a_dialog_answer_splits_and_voids_free_form_words_as_an_utterance_does(
    said: str, slots: list[tuple[str, str]] | None
) -> None:
    # Answers skipped the check utterances get: "weather for london not tomorrow" filled the
    # city "london not" and the date the user denied, and "london tomorrow" was one city.
    answer = _city_weather().answer(said, intent="Weather", slot="city", now=NOW)
    if slots is None:
        assert answer is None
        assert _city_weather().understand(f"weather in {said}", now=NOW).fallback
    else:
        assert answer is not None
        assert [(slot.name, slot.value) for slot in answer.slots] == slots


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("ask pizza palace to track my order", "pizza palace"),
        ("track my order with pizza palace", "pizza palace"),
    ],
)
def test_a_one_shot_request_is_noted_first(pizza: Understander, said: str, name: str) -> None:
    # Understanding.in_new_session (it replaced a copy made field by field) puts the note first.
    understood = pizza.understand(said, now=NOW)
    assert understood.new_session
    assert understood.notes[0] == f'asked the skill "{name}" in one go'
