"""Loose matching and the closest intent (alexaskill/understanding/matcher.py, alignment.py,
retries.py): what a reading counts, and the reading tried when one is refused."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill.understanding import InteractionModel, Understander, load_model
from alexaskill.understanding.languages import _CACHE, _FACTORIES, language_for, register_language
from alexaskill.understanding.languages.english import English
from alexaskill.understanding.matcher import Match, SpanCache

NOW = datetime.datetime(2026, 11, 29, 12, 0)


def _model(
    intents: list[dict[str, Any]], *, sensitivity: str | None = None, fallback: bool = True
) -> InteractionModel:
    if fallback:
        intents = [*intents, {"name": "AMAZON.FallbackIntent", "samples": []}]
    language: dict[str, Any] = {"invocationName": "matcher tester", "intents": intents}
    if sensitivity is not None:
        language["modelConfiguration"] = {"fallbackIntentSensitivity": {"level": sensitivity}}
    return InteractionModel.from_json({"interactionModel": {"languageModel": language}})


def _weather(samples: list[str], **options: Any) -> Understander:
    slots = [{"name": "city", "type": "AMAZON.City"}]
    intent = {"name": "Weather", "slots": slots, "samples": samples}
    return Understander(_model([intent], **options))


def _aligned(understander: Understander, said: str, sample: str) -> Match:
    spans = SpanCache(understander.tokens(said), NOW)
    [found] = [item for item in understander.matcher.samples if item.text == sample]
    match = understander.matcher.align(found, spans)
    assert match is not None
    return match


# --- fillers prove nothing ----------------------------------------------------------------------


def _tracker() -> Understander:
    intents = [
        {"name": "Track", "samples": ["track my parcel"]},
        {"name": "Cancel", "samples": ["cancel my subscription"]},
    ]
    return Understander(_model(intents))


@pytest.mark.parametrize(
    "said",
    [
        "um where is my parcel",
        "where is my parcel um",
        "hmm where is uh my parcel",
        "like where is my parcel",
        "so um where is my parcel please",
    ],
)
def test_fillers_said_do_not_count_against_a_loose_reading(said: str) -> None:
    # A loose reading must score 0.1 a word said, and the fillers ("um", "like", "please": the
    # language's `fillers`) counted as words said: "where is my parcel" was Track, "um where
    # is my parcel" (its score shared among five words) AMAZON.FallbackIntent.
    understander = _tracker()
    plain = understander.understand("where is my parcel", now=NOW)
    assert (plain.intent, plain.exact) == ("Track", False)
    understood = understander.understand(said, now=NOW)
    assert (understood.intent, understood.sample) == ("Track", "track my parcel")
    assert not understood.fallback


@pytest.mark.parametrize(
    "said",
    ["please where is the parcel", "um where is the parcel please", "hey where is the parcel"],
)
def test_fillers_said_do_not_choose_the_samples_aligned(said: str) -> None:
    # Only the ten samples sharing the most words said are aligned: a filler said weighed in
    # that choice, so ten samples with "please" ("please post the red parcel", ...) pushed
    # "track the parcel" out of them, and "please where is the parcel" was the fallback where
    # "where is the parcel" is Track. A pure filler (English's `pure_fillers`: "please", "um")
    # weighs nothing; one that is a word of meaning elsewhere ("like", "well") as a function
    # word does.
    colours = ["red", "blue", "green", "black", "white", "pink", "gold", "grey", "brown", "teal"]
    intents = [
        {"name": "Track", "samples": ["track the parcel"]},
        {"name": "Post", "samples": [f"please post the {colour} parcel" for colour in colours]},
    ]
    understander = Understander(_model(intents))
    assert understander.understand("where is the parcel", now=NOW).intent == "Track"
    assert understander.understand(said, now=NOW).intent == "Track"


class _Unadorned:
    """English, as a `Language` that names no particles and no pure fillers (both optional; nor
    hesitations, which are pure fillers)."""

    def __init__(self, locale: str) -> None:
        self._english = English(locale)

    def __getattr__(self, name: str) -> Any:
        if name in (
            "particles",
            "pure_fillers",
            "hesitations",
            "courtesies",
            "thanks_stress",
            "afterwords",
        ):
            raise AttributeError(name)
        return getattr(self._english, name)


@pytest.fixture
def unadorned() -> Iterator[str]:
    locale = "zx-ZX"
    register_language(_Unadorned, [locale])
    yield locale
    _FACTORIES.pop(locale, None)
    _CACHE.pop(locale, None)


def test_a_language_without_particles_or_pure_fillers_has_the_interfaces_defaults(
    unadorned: str,
) -> None:
    # `Language` declares both, with a default (none); they were read with getattr, the
    # interface not naming them. A language without them has the defaults: no particle moves
    # ("take off milk my list" reads no item of "take {item} off"), no filler weighs nothing.
    language = language_for(unadorned)
    assert (language.particles, language.pure_fillers) == (frozenset(), frozenset())
    assert (language.courtesies, language.afterwords) == (frozenset(), frozenset())
    assert language.thanks_stress == frozenset()
    intents = [
        {
            "name": "Remove",
            "slots": [{"name": "item", "type": "AMAZON.Food"}],
            "samples": ["take {item} off my list"],
        },
    ]
    model = _model(intents)
    said = "take off milk my list"
    english = Understander(model).understand(said, now=NOW)
    assert {slot.name: slot.value for slot in english.slots} == {"item": "milk"}
    understood = Understander(model, locale=unadorned).understand(said, now=NOW)
    assert {slot.name: slot.value for slot in understood.slots} == {}


# --- the closest intent invents no custom value -------------------------------------------------

SHOPPING = (
    Path(__file__).parent.parent / "benchmarks" / "understanding" / "models" / "shopping.json"
)


@pytest.fixture(scope="module")
def shopping() -> Understander:
    """A shopping list's model (its GroceryItem type lists ten values), no FallbackIntent."""
    return Understander(load_model(SHOPPING))


@pytest.mark.parametrize(
    ("said", "intents", "slots"),
    [
        # Not AddItem with an item made of the other words; and ClearList, its "wipe" said
        # where "clear my list" has its verb (see the test below)
        ("wipe the whole list", {"ClearList"}, []),
        ("tell me my shopping items", {"ReadList"}, []),  # was AddItem, the item "tell"
        ("put butter in the basket", {"AddItem"}, [("item", "butter")]),
    ],
)
def test_the_closest_intent_takes_no_unlisted_words_into_a_custom_slot(
    shopping: Understander, said: str, intents: set[str], slots: list[tuple[str, str]]
) -> None:
    # The closest intent is a guess made for want of AMAZON.FallbackIntent, and its custom slot
    # took any words: "wipe the whole list" was AddItem with the item "wipe the whole" (its
    # words a value of no GroceryItem), and "put butter in the basket" the item "butter in the
    # basket". Alexa's own model may hear an unlisted value, but no sample says one here.
    understood = shopping.understand(said, now=NOW)
    assert (understood.kind, understood.fallback) == ("intent", True)
    assert understood.intent in intents
    assert [(slot.name, slot.value) for slot in understood.slots] == slots


@pytest.mark.parametrize(
    ("said", "item"),
    [
        ("take off the apples", "apples"),
        ("take the apples off", "apples"),
        ("take off apples from my list", "apples"),
    ],
)
def test_a_phrasal_verbs_particle_said_before_its_object_is_read(
    shopping: Understander, said: str, item: str
) -> None:
    # "take off the apples" was RemoveItem with no item: the sample "take {item} off my list"
    # puts the object before the particle, and a reading keeps the sample's order, so the
    # item said after "off" was left out. English moves the particle of a phrasal verb either
    # side of its object ("take off the apples", "take the apples off").
    understood = shopping.understand(said, now=NOW)
    assert understood.intent == "RemoveItem"
    assert [(slot.name, slot.value) for slot in understood.slots] == [("item", item)]


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("erase my calendar", "Clear"),
        ("wipe the calendar", "Clear"),
    ],
)
def test_a_word_no_sample_knows_said_in_place_of_a_samples_own_is_weighed(
    said: str, intent: str
) -> None:
    # "wipe the whole list" tied "what is on my list" and "clear my list" (ReadList won, the
    # earlier): the unknown "wipe" cost every reading the same as an extra word, and "clear"
    # not said cost as much as the function words "what is on" not said, so the verb weighed
    # for no sample. A word said in place of a sample's word of meaning is likelier its
    # paraphrase than noise: it costs less than an extra word and a missing one apart.
    intents = [
        {"name": "Show", "samples": ["what is on my calendar"]},
        {"name": "Clear", "samples": ["clear my calendar"]},
    ]
    understood = Understander(_model(intents, fallback=False)).understand(said, now=NOW)
    assert understood.intent == intent


def test_the_closest_intent_still_takes_any_words_into_a_free_form_slot() -> None:
    # AMAZON.City, extended with values or not, takes any city: only a custom type's unlisted
    # words are refused.
    for values in ([], [{"name": {"value": "paris"}}]):
        weather = {
            "name": "Weather",
            "slots": [{"name": "city", "type": "AMAZON.City"}],
            "samples": ["what is the weather in {city}"],
        }
        language: dict[str, Any] = {
            "invocationName": "matcher tester",
            "intents": [weather, {"name": "Track", "samples": ["track my parcel"]}],
            "types": [{"name": "AMAZON.City", "values": values}] if values else [],
        }
        model = InteractionModel.from_json({"interactionModel": {"languageModel": language}})
        understood = Understander(model).understand("weather report in toronto", now=NOW)
        assert (understood.intent, understood.fallback) == ("Weather", True)
        assert [(slot.name, slot.value) for slot in understood.slots] == [("city", "toronto")]


@pytest.mark.parametrize(
    ("said", "city"),
    [
        ("what's the weather for paris tomorrow", "paris"),
        ("what's the weather at new york tomorrow", "new york"),
        ("what's the weather in paris tomorrow", "paris"),  # exact: as before
    ],
)
def test_a_loose_free_form_value_does_not_start_with_the_word_carrying_it(
    said: str, city: str
) -> None:
    # "what's the weather for paris tomorrow" (the sample says "in {city} {date}") filled the
    # city "for paris": taking "for" into the free-form value cost less than "for" said and
    # "in" unsaid. A value carrier ("for", "at") said where the sample has its own carrier is
    # the value's carrier, no word of it, as a function word ending one is none ("berlin for me").
    weather = {
        "name": "Weather",
        "slots": [{"name": "city", "type": "AMAZON.City"}, {"name": "date", "type": "AMAZON.DATE"}],
        "samples": ["what's the weather in {city} {date}"],
    }
    understood = Understander(_model([weather])).understand(said, now=NOW)
    assert understood.intent == "Weather", understood.notes
    assert {slot.name: slot.words for slot in understood.slots} == {
        "city": city,
        "date": "tomorrow",
    }


@pytest.mark.parametrize(
    ("said", "song"),
    [
        ("could you play the song on the road again", "on the road again"),
        ("play song in the air tonight", "in the air tonight"),
    ],
)
def test_a_loose_free_form_value_keeps_a_first_word_no_carrier_of_the_sample_stands_for(
    said: str, song: str
) -> None:
    # Titles start with "on", "in", "at": only a carrier said where the sample has its own
    # ("for" of "weather for paris", the sample's "in" unsaid) is no word of the value.
    play = {
        "name": "Play",
        "slots": [{"name": "song", "type": "AMAZON.SearchQuery"}],
        "samples": ["play the song {song}"],
    }
    understood = Understander(_model([play])).understand(said, now=NOW)
    assert understood.intent == "Play", understood.notes
    assert [(slot.name, slot.words) for slot in understood.slots] == [("song", song)]


def test_a_loose_reading_of_a_model_with_a_fallback_intent_still_takes_unlisted_words() -> None:
    # Only the closest intent is held to the listed values: a loose match (close enough to a
    # sample, so no guess) keeps the custom type's unlisted value, as Alexa sends one.
    order = {
        "name": "Order",
        "slots": [{"name": "dish", "type": "Dish"}],
        "samples": ["i want to order {dish} please"],
    }
    language = {
        "invocationName": "matcher tester",
        "intents": [order, {"name": "AMAZON.FallbackIntent", "samples": []}],
        "types": [{"name": "Dish", "values": [{"name": {"value": "pizza"}}]}],
    }
    model = InteractionModel.from_json({"interactionModel": {"languageModel": language}})
    understood = Understander(model).understand("i want to order sushi", now=NOW)
    assert (understood.intent, understood.exact, understood.fallback) == ("Order", False, False)
    assert [(slot.name, slot.value) for slot in understood.slots] == [("dish", "sushi")]


# --- a reading refused, the next is tried -------------------------------------------------------


def _alarm() -> Understander:
    """An alarm at a time, on a date or not; its time asked for ("at {time}" answers)."""
    slots = [
        {"name": "time", "type": "AMAZON.TIME", "samples": ["{time}", "at {time}"]},
        {"name": "date", "type": "AMAZON.DATE"},
    ]
    samples = ["set an alarm for {date} at {time}", "set an alarm for {time}"]
    return Understander(_model([{"name": "SetAlarm", "slots": slots, "samples": samples}]))


def test_an_exact_reading_refused_gives_way_to_the_next_exact_reading() -> None:
    # "ten thirty" as the year 1030 and "night" as the time NI scores highest (more sample
    # words), and is refused (the words are the time 22:30): exact() gave up, though "set an
    # alarm for {time}" reads them all, as 22:30. An utterance reached it loosely; an answer to
    # Alexa asking for the time, read exactly only, was no answer.
    understander = _alarm()
    said = "set an alarm for ten thirty at night"
    match = understander.matcher.exact(SpanCache(understander.tokens(said), NOW))
    assert match is not None and match.sample.text == "set an alarm for {time}"
    assert [(name, fill.value) for name, fill, _, _ in match.fills] == [("time", "22:30")]
    answer = understander.answer(said, intent="SetAlarm", slot="time", now=NOW)
    assert answer is not None
    assert [(slot.name, slot.value) for slot in answer.slots] == [("time", "22:30")]


def _reminder(sample: str) -> Understander:
    slots = [{"name": "time", "type": "AMAZON.TIME"}, {"name": "date", "type": "AMAZON.DATE"}]
    return Understander(_model([{"name": "Remind", "slots": slots, "samples": [sample]}]))


@pytest.mark.parametrize("sample", ["remind me at {time} {date}", "remind me {time} {date}"])
@pytest.mark.parametrize(
    ("said", "time"),
    [
        ("please remind me at 7 tonight", "19:00"),
        ("remind me at seven this evening please", "19:00"),
        ("please remind me ten thirty tonight", "22:30"),
    ],
)
def test_a_loose_reading_refused_gives_way_to_the_next_alignment(
    sample: str, said: str, time: str
) -> None:
    # The best alignment reads "7" as the time 07:00 and "tonight" as the date, and is refused
    # (the date took the part of the day the time is in); align() gave up, and the words were
    # AMAZON.FallbackIntent, though the time slot reads "7 tonight" as 19:00, the date left
    # empty, as "12 tonight" is read.
    understood = _reminder(sample).understand(said, now=NOW)
    assert (understood.intent, understood.exact, understood.fallback) == ("Remind", False, False)
    assert [(slot.name, slot.value) for slot in understood.slots] == [("time", time)]


@pytest.mark.parametrize(
    "said",
    [
        "please remind me at 7 tomorrow evening",  # no time reads "7 tomorrow evening"
        "please remind me at 7 pm tomorrow morning",
        "please remind me at 5 or 6 tomorrow",  # two values
    ],
)
def test_the_next_alignment_reads_no_refused_value_again_nor_leaves_it_out(said: str) -> None:
    # The next reading may not read the words refused as the same value in another way, leave
    # them out, or give them to a slot that takes any words: no reading is better than 07:00
    # with the date dropped, or the 6 without the 5.
    understood = _reminder("remind me at {time} {date}").understand(said, now=NOW)
    assert understood.intent == "AMAZON.FallbackIntent"
    assert any("a reading was dropped" in note for note in understood.notes), understood.notes
