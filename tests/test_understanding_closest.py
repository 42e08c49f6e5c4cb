"""Which reading wins in a model without AMAZON.FallbackIntent: the closest intent, with its match
score in the explanation and the JSON; no request where no sample comes near, nor where only
function words are shared; never a built-in intent as the closest. The rest of which reading
wins: test_understanding_ranking.py."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill.understanding import (
    InteractionModel,
    Understander,
)
from alexaskill.understanding.matcher import SpanCache

from .understanding_shared import NOW


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
    notes = understood.notes
    assert any("Alexa sends the closest intent" in note for note in notes), notes


def test_without_a_fallback_intent_a_built_in_intent_is_no_closest_intent() -> None:
    # "stop the music" went to AMAZON.StopIntent, its "stop" read loosely: a built-in intent
    # is triggered by a sample said exactly ("Tips for Using Built-in Intents for Your Skill"),
    # and no other sample comes near.
    understood = Understander(_tracker_with_stop_model()).understand("stop the music", now=NOW)
    assert (understood.kind, understood.intent) == ("out of domain", None), understood.notes


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
