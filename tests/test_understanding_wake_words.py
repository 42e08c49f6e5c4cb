"""A wake word said first or last ("alexa, paris", "paris, alexa, please"): no part of the request,
whatever sample reads it, unless a sample holds it as its own word or as a value its slot's type
knows ("stop echo", "shop at amazon", "echo park"), or, said last, as all of a value ("call alexa")
or in a search query where it is a word too ("play a new computer", not "... alexa")."""

from __future__ import annotations

import re
from typing import Any, Final

import pytest

from alexaskill.exceptions import ConfigurationError
from alexaskill.interaction.samples import sample_problems
from alexaskill.understanding import Understander, wake_words
from alexaskill.understanding.fillers import exact_past_fillers
from alexaskill.understanding.languages import _CACHE, _FACTORIES, register_language
from alexaskill.understanding.languages.english import English

from .dialog_shared import trip_confirming_city
from .understanding_shared import NOW, YES_NO, heard_values, understander_of


def _trips(*built_ins: str) -> Understander:
    """A trip planner whose free-form city is said alone ("{city}") or after "plan a trip to",
    with the ``built_ins`` intents and AMAZON.FallbackIntent; places it lists (echo park) said
    after "visit"; stores (amazon) after "shop at"."""
    intents: list[dict[str, Any]] = [
        {
            "name": "PlanTrip",
            "slots": [{"name": "city", "type": "AMAZON.City"}],
            "samples": ["{city}", "plan a trip to {city}"],
        },
        {
            "name": "Visit",
            "slots": [{"name": "place", "type": "Places"}],
            "samples": ["visit {place}", "{place}"],
        },
        {
            "name": "Shop",
            "slots": [{"name": "store", "type": "Stores"}],
            "samples": ["shop at {store}"],
        },
        *({"name": name, "samples": []} for name in (*built_ins, "AMAZON.FallbackIntent")),
    ]
    places = {"name": "Places", "values": [{"name": {"value": "echo park"}}]}
    stores = {"name": "Stores", "values": [{"name": {"value": "amazon"}}]}
    return understander_of(
        {"invocationName": "trip planner", "intents": intents, "types": [places, stores]}
    )


@pytest.mark.parametrize(
    ("said", "meant", "left_out"),
    [
        ("paris alexa", "paris", "alexa"),
        ("paris, alexa, please", "paris", "alexa please"),
        ("paris echo", "paris", "echo"),
        ("plan a trip to paris alexa", "plan a trip to paris", "alexa"),
        ("plan a trip to paris, computer, um", "plan a trip to paris", "computer um"),
        ("plan a trip alexa", "plan a trip", "alexa"),
        ("plan a trip to, alexa", "plan a trip to", "alexa"),
        ("yes please alexa", "yes please", "please alexa"),
        ("yes alexa please", "yes", "alexa please"),
        ("hey alexa, paris, alexa", "paris", "alexa"),
        ("exit alexa", "exit", "alexa"),
    ],
)
def test_a_wake_word_said_last_is_no_part_of_any_sample_s_words(
    said: str, meant: str, left_out: str
) -> None:
    # Left out only before a built-in intent's phrase ("stop alexa"): "paris alexa" was the city
    # "paris alexa", "plan a trip alexa" the city "alexa", "yes alexa please" the city "yes
    # alexa" (of a model without AMAZON.YesIntent, where "yes" alone is AMAZON.FallbackIntent).
    trips = _trips()
    heard, alone = trips.understand(said, now=NOW), trips.understand(meant, now=NOW)
    assert (heard.kind, heard_values(trips, said)) == (alone.kind, heard_values(trips, meant)), (
        heard.explain()
    )
    assert all("alexa" not in str(value) for value in heard_values(trips, said)[1].values())
    assert heard.notes[0] == f"a wake word said last: {left_out!r} left out", heard.notes


@pytest.mark.parametrize("said", ["hey alexa", "please alexa", "um, echo"])
def test_a_wake_word_said_after_fillers_alone_is_read_as_said_alone(said: str) -> None:
    # The last word stays, as "alexa" said alone is the city "alexa": with only a "hey" or
    # "please" before it, it was left out as said last, and nothing but the filler was read
    # (AMAZON.FallbackIntent, noted "a wake word said last").
    trips = _trips()
    alone = said.split()[-1]
    assert heard_values(trips, said) == heard_values(trips, alone) == ("PlanTrip", {"city": alone})
    notes = trips.understand(said, now=NOW).notes
    assert all("wake word" not in note for note in notes), notes


@pytest.mark.parametrize(
    ("said", "alone"),
    [
        ("echo please", "echo"),
        ("echo, um", "echo"),
        ("alexa please", "alexa"),
        ("hey alexa please", "alexa"),
        ("alexa echo please", "echo"),
        ("please echo please", "echo"),
    ],
)
def test_a_wake_word_said_before_fillers_alone_is_read_as_said_alone(said: str, alone: str) -> None:
    # "echo please" was AMAZON.FallbackIntent, where "echo" and "please echo" are the city echo:
    # the wake word was left out as said first, and nothing but the filler was read.
    trips = _trips()
    assert heard_values(trips, said) == heard_values(trips, alone) == ("PlanTrip", {"city": alone})
    answered = trips.answer(said, intent="PlanTrip", slot="city", now=NOW)
    assert answered is not None
    assert [(slot.name, slot.value) for slot in answered.slots] == [("city", alone)]


def test_a_yes_said_before_a_wake_word_is_the_model_s_yes_intent() -> None:
    trips = _trips(*YES_NO)
    assert heard_values(trips, "yes please alexa") == ("AMAZON.YesIntent", {})
    assert heard_values(trips, "no, alexa, please") == ("AMAZON.NoIntent", {})


@pytest.mark.parametrize(
    ("said", "heard"),
    [
        ("shop at amazon", ("Shop", {"store": "amazon"})),
        ("visit echo park", ("Visit", {"place": "echo park"})),
        ("echo park", ("Visit", {"place": "echo park"})),
        ("alexa, visit echo park", ("Visit", {"place": "echo park"})),
        # After another wake word too: "alexa echo park" was the city "park".
        ("alexa echo park", ("Visit", {"place": "echo park"})),
        ("hey alexa, echo park", ("Visit", {"place": "echo park"})),
        ("alexa shop at amazon", ("Shop", {"store": "amazon"})),
        # With a filler said last: "echo park please" was the city "park".
        ("echo park please", ("Visit", {"place": "echo park"})),
        ("hey alexa, echo park, um", ("Visit", {"place": "echo park"})),
    ],
)
def test_a_wake_word_a_slot_s_type_lists_stays_in_its_value(
    said: str, heard: tuple[str, dict[str, Any]]
) -> None:
    # "echo park" said alone was the place "park" (the city "park", had "{city}" read it): the
    # type lists it, the value the skill expects, as "stop echo" a skill's own sample is.
    assert heard_values(_trips(), said) == heard


@pytest.mark.parametrize(
    ("said", "heard"),
    [
        ("call alexa", ("Call", {"name": "alexa"})),
        ("call alexa please", ("Call", {"name": "alexa"})),
        ("call echo", ("Call", {"name": "echo"})),
        ("call, alexa", ("Call", {"name": None})),
        ("call mary alexa", ("Call", {"name": "mary"})),
        ("plan a trip to echo", ("PlanTrip", {"city": "echo"})),
        ("plan a trip to alexa", ("PlanTrip", {"city": "alexa"})),
        ("plan a trip to echo, please", ("PlanTrip", {"city": "echo"})),
    ],
)
def test_a_wake_word_said_last_that_is_all_of_a_slot_s_value_is_that_value(
    said: str, heard: tuple[str, dict[str, Any]]
) -> None:
    # "call alexa" to a first name, "plan a trip to echo" to a city: the name or place said,
    # left out as a wake word, filled no value. Words before it in the value ("mary alexa") or a
    # pause before it ("call, alexa") set it apart, as in "paris alexa".
    call = {
        "name": "Call",
        "slots": [{"name": "name", "type": "AMAZON.FirstName"}],
        "samples": ["call {name}"],
    }
    trips, calls = _trips(), understander_of({"invocationName": "calls", "intents": [call]})
    understander = trips if heard[0] == "PlanTrip" else calls
    assert heard_values(understander, said) == heard
    kept = heard[1].get("name", heard[1].get("city")) not in (None, "mary")
    notes = understander.understand(said, now=NOW).notes
    assert kept == all("wake word" not in note for note in notes), notes
    answered = trips.answer("to echo", intent="PlanTrip", slot="city", now=NOW)
    assert answered is not None and [slot.value for slot in answered.slots] == ["echo"]


@pytest.mark.parametrize(
    ("said", "heard"),
    [
        ("play alexa play now", ("Play", {"song": "alexa play now"})),
        ("play the alexa song", ("Play", {"song": "the alexa song"})),
        # Said last, a search query's word as any ("computer", "amazon"), but after a pause.
        ("play a new computer", ("Play", {"song": "a new computer"})),
        ("play amazon please", ("Play", {"song": "amazon"})),
        ("play a new song, computer", ("Play", {"song": "a new song"})),
        ("play a new song please, alexa", ("Play", {"song": "a new song"})),
        # "alexa", no word a query holds (`query_wake_words`), is the wake word said last but
        # where it is all of the value: "a new song alexa" was the song.
        ("play a new song alexa", ("Play", {"song": "a new song"})),
        ("play a new song alexa please", ("Play", {"song": "a new song"})),
        ("play alexa", ("Play", {"song": "alexa"})),
    ],
)
def test_a_wake_word_within_a_value_stays_in_it(said: str, heard: tuple[str, Any]) -> None:
    play = {
        "name": "Play",
        "slots": [{"name": "song", "type": "AMAZON.SearchQuery"}],
        "samples": ["play {song}"],
    }
    fallback = {"name": "AMAZON.FallbackIntent", "samples": []}
    songs = understander_of({"invocationName": "songs", "intents": [play, fallback]})
    assert heard_values(songs, said) == heard


@pytest.mark.parametrize("said", ["paris alexa", "paris, alexa, please", "alexa, paris"])
def test_a_wake_word_said_first_or_last_is_no_part_of_a_dialog_answer(said: str) -> None:
    # "paris alexa" answered for the city was the city "paris alexa".
    answered = _trips().answer(said, intent="PlanTrip", slot="city", now=NOW)
    assert answered is not None
    assert [(slot.name, slot.value) for slot in answered.slots] == [("city", "paris")]


@pytest.mark.parametrize(
    ("said", "slot", "value"),
    [
        ("so my name is alexa", "name", "alexa"),
        ("well my name is alexa", "name", "alexa"),
        ("i'd like to go to echo", "city", "echo"),
        ("um i want to go to echo", "city", "echo"),
        ("um i want to go to echo, please", "city", "echo"),
        # As before: the slot's sample said as written; other words in the value.
        ("my name is alexa", "name", "alexa"),
        ("i want to go to echo please", "city", "echo"),
        ("i'd like to go to paris alexa", "city", "paris"),
        ("well my name is mary alexa", "name", "mary"),
    ],
)
def test_a_wake_word_said_last_that_is_all_of_a_dialog_answer_s_value_is_that_value(
    said: str, slot: str, value: str
) -> None:
    # Read loosely or past a filler by the slot's sample ("my name is {name}"), the wake word
    # was left out as the exact reading of every word ("{name}") did not hold it: the value was
    # the carrier, "my name is", "i want to go to", or none ("i'd like to go to").
    name = {"name": "name", "type": "AMAZON.FirstName", "samples": ["my name is {name}"]}
    city = {"name": "city", "type": "AMAZON.City", "samples": ["i want to go to {city}"]}
    intent = {"name": "Trip", "slots": [name, city], "samples": ["{name} goes to {city}"]}
    trips = understander_of({"invocationName": "trips", "intents": [intent]})
    answered = trips.answer(said, intent="Trip", slot=slot, now=NOW)
    assert answered is not None
    assert [(each.name, each.value) for each in answered.slots] == [(slot, value)], (
        answered.explain()
    )
    kept = value in ("alexa", "echo")
    assert kept == all("wake word" not in note for note in answered.notes), answered.notes


@pytest.mark.parametrize(
    ("said", "left_out"),
    [
        ("yes alexa", "alexa"),
        ("yes, alexa, please", "alexa please"),
        ("paris alexa", "alexa"),  # the value asked about said again: a yes
        ("no alexa", "alexa"),
        ("no, computer", "computer"),
    ],
)
def test_a_yes_or_no_said_before_a_wake_word_answers_a_confirmation(
    said: str, left_out: str
) -> None:
    # "yes alexa" asked "paris, right?" was no yes: AMAZON.FallbackIntent, the dialog left. Read
    # as a yes, it was noted with no wake word left out ("paris alexa" asked for the city is).
    skill, talk = trip_confirming_city("Cities")
    talk.say("plan a trip")
    assert talk.say("paris").prompts == ["paris, right?"]
    turn = talk.say(said)
    if not said.startswith("no"):
        assert turn.prompts == [] and skill.slot("city")["confirmationStatus"] == "CONFIRMED"
    else:  # denied: the city asked for again, nothing sent to the skill
        assert (turn.prompts, skill.sent) == (["Where to?"], [])
    assert turn.understood is not None
    assert turn.understood.notes[0] == f"a wake word said last: {left_out!r} left out"


@pytest.mark.parametrize(
    ("said", "heard"),
    [
        # Said first, with no pause after it, "echo" begins a place's name: the city said.
        ("echo park", ("Trip", {"city": "echo park", "name": None})),
        ("alexa echo park", ("Trip", {"city": "echo park", "name": None})),
        ("hey echo lake", ("Trip", {"city": "echo lake", "name": None})),
        ("plan a trip to echo park", ("Trip", {"city": "echo park", "name": None})),
        # A filler said last is left out: "echo park please" was the city "park".
        ("echo park please", ("Trip", {"city": "echo park", "name": None})),
        ("alexa echo park um", ("Trip", {"city": "echo park", "name": None})),
        ("echo paris please", ("Trip", {"city": "paris", "name": None})),
        # A pause sets it apart; a wake word that begins no place's name ("alexa", "computer")
        # is left out, and so is one whose words read as another sample without it.
        ("echo, park", ("Trip", {"city": "park", "name": None})),
        # So does a filler after it, a pause said aloud (people hesitate after calling the
        # device, hardly within a place's two-word name): as "echo, park", not "echo park".
        ("echo um park", ("Trip", {"city": "park", "name": None})),
        ("echo uh, park please", ("Trip", {"city": "park", "name": None})),
        ("alexa echo uh park", ("Trip", {"city": "park", "name": None})),
        ("alexa paris", ("Trip", {"city": "paris", "name": None})),
        ("computer park", ("Trip", {"city": "park", "name": None})),
        ("echo plan a trip to paris", ("Trip", {"city": "paris", "name": None})),
        ("echo call mary", ("Trip", {"city": None, "name": "mary"})),
        # A place's name only where the city is one the language knows begins with it.
        ("echo paris", ("Trip", {"city": "paris", "name": None})),
        ("alexa echo paris", ("Trip", {"city": "paris", "name": None})),
        ("echo parks", ("Trip", {"city": "parks", "name": None})),
        ("echo lake tahoe", ("Trip", {"city": "lake tahoe", "name": None})),
    ],
)
def test_a_wake_word_said_first_that_begins_a_place_s_name_stays_in_a_free_form_city(
    said: str, heard: tuple[str, dict[str, Any]]
) -> None:
    # "echo park" to AMAZON.City was the city "park": only a listed "echo park" kept "echo".
    # Of the 672,436 city names of GeoNames' cities500, two begin with a wake word, "echo park"
    # and "echo lake" (Language.wake_word_places); "echo paris" was the city "echo paris".
    city = {"name": "city", "type": "AMAZON.City"}
    name = {"name": "name", "type": "AMAZON.FirstName"}
    samples = ["{city}", "plan a trip to {city}", "call {name}"]
    intent = {"name": "Trip", "slots": [city, name], "samples": samples}
    trips = understander_of({"invocationName": "trips", "intents": [intent]})
    assert heard_values(trips, said) == heard
    if heard[1]["city"] is not None and said != "echo plan a trip to paris":
        answered = trips.answer(said, intent="Trip", slot="city", now=NOW)
        assert answered is not None
        assert [(slot.name, slot.value) for slot in answered.slots] == [("city", heard[1]["city"])]


@pytest.mark.parametrize(
    ("places", "city"),
    [(frozenset({("echo", "bay")}), "echo bay"), (frozenset(), "bay")],
)
def test_a_language_s_wake_word_places_say_which_names_keep_their_wake_word(
    places: frozenset[tuple[str, ...]], city: str
) -> None:
    # "echo bay" (a place of fewer than 500 people) keeps its "echo" in a language listing it.
    locale = "zw-ZW"
    register_language(type("Placing", (English,), {"wake_word_places": places}), [locale])
    try:
        city_slot = {"name": "city", "type": "AMAZON.City"}
        intent = {"name": "Trip", "slots": [city_slot], "samples": ["{city}"]}
        trips = understander_of({"invocationName": "trips", "intents": [intent]}, locale=locale)
        assert heard_values(trips, "echo bay") == ("Trip", {"city": city})
    finally:
        _FACTORIES.pop(locale, None)
        _CACHE.pop(locale, None)


@pytest.mark.parametrize(
    "place",
    [
        *[(), "echo bay", ("echo",), ("bay", "echo"), ("echo", None), ["echo", "bay"]],
        # A word not as words said are read (one, in lower case) never matched a word said.
        *[("echo", "Park"), ("echo", ""), ("echo", "lake tahoe"), ("Echo", "park")],
    ],
)
def test_a_language_whose_wake_word_places_hold_no_name_read_so_is_refused(place: Any) -> None:
    # An empty name broke every turn said after a wake word (IndexError); a string, one word, a
    # name not opening with a wake word or holding no string was never read, with no error.
    locale = "zw-ZW"
    placing = type("Placing", (English,), {"wake_word_places": [place]})
    said = rf"'zw-ZW'.*Placing\.wake_word_places holds {re.escape(repr(place))}: .*two at least"
    try:
        with pytest.raises(ConfigurationError, match=said):
            register_language(placing, [locale])
    finally:
        _FACTORIES.pop(locale, None)
        _CACHE.pop(locale, None)


@pytest.mark.parametrize(
    ("words", "word"), [({"Amazon"}, "'Amazon'"), ({"echo", "siri"}, "'siri'"), ({None}, "None")]
)
def test_a_language_whose_query_wake_words_hold_no_wake_word_said_is_refused(
    words: set[Any], word: str
) -> None:
    # A word in upper case, or one no wake word of the language, was never read: only a wake
    # word said first, in lower case as words said are read, is asked about.
    locale = "zw-ZW"
    querying = type("Querying", (English,), {"query_wake_words": frozenset(words)})
    said = rf"'zw-ZW'.*Querying\.query_wake_words holds {re.escape(word)}: .*wake_words"
    try:
        with pytest.raises(ConfigurationError, match=said):
            register_language(querying, [locale])
    finally:
        _FACTORIES.pop(locale, None)
        _CACHE.pop(locale, None)


@pytest.mark.parametrize("said", ["echo um park", "amazon um prime video"])
def test_a_filler_after_a_wake_word_said_first_sets_it_apart_unread(
    said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "echo um park" is park either way (the filler stands in the name's words, and shifts the
    # query's): what woken_kept's filler rule changes is that the words after the wake word are
    # not read again to ask whether it begins their value. Without it, "um park" was read too.
    read: list[tuple[str, ...]] = []

    def reading(matcher: Any, spans: Any, language: Any) -> Any:
        read.append(tuple(spans.words))
        return exact_past_fillers(matcher, spans, language)

    city = {"name": "city", "type": "AMAZON.City"}
    query = {"name": "query", "type": "AMAZON.SearchQuery"}
    samples = ["{city}", "{query} please search"]
    intent = {"name": "Find", "slots": [city, query], "samples": samples}
    finder = understander_of({"invocationName": "finder", "intents": [intent]})
    monkeypatch.setattr(wake_words, "exact_past_fillers", reading)
    finder.understand(said, now=NOW)
    assert read == [tuple(said.split())]


def test_a_wake_word_said_first_is_no_part_of_a_first_name() -> None:
    # A place's name begins with "echo", no person's that a first name's type holds.
    name = {"name": "name", "type": "AMAZON.FirstName"}
    intent = {"name": "Meet", "slots": [name], "samples": ["{name}"]}
    people = understander_of({"invocationName": "people", "intents": [intent]})
    assert heard_values(people, "echo mary") == ("Meet", {"name": "mary"})


#: A search: a request "{query} on my tv", or the query said alone as a dialog's answer, as
#: Amazon's build takes (an AMAZON.SearchQuery slot needs a carrier phrase: no bare "{query}").
_SEARCH_SAMPLES: Final = ("{query} on my tv", "search for {query}")
_QUERY_SAMPLES: Final = ("i want {query}",)


def _finder() -> Understander:
    """A finder of `_SEARCH_SAMPLES`, whose query slot a dialog asks for (`_QUERY_SAMPLES`)."""
    slot = {"name": "query", "type": "AMAZON.SearchQuery", "samples": list(_QUERY_SAMPLES)}
    search = {"name": "Search", "slots": [slot], "samples": list(_SEARCH_SAMPLES)}
    fallback = {"name": "AMAZON.FallbackIntent", "samples": []}
    for sample in (*_SEARCH_SAMPLES, *_QUERY_SAMPLES):
        assert sample_problems("Search", sample, {"query": "AMAZON.SearchQuery"}) == []
    return understander_of({"invocationName": "finder", "intents": [search, fallback]})


@pytest.mark.parametrize(
    ("said", "query"),
    [
        # Said first, no pause after it, a wake word that is a word too begins the query.
        ("amazon prime video", "amazon prime video"),
        ("echo dot", "echo dot"),
        ("computer desk", "computer desk"),
        # A filler said last is left out: "amazon prime video please" was "prime video".
        ("amazon prime video please", "amazon prime video"),
        ("echo dot, um", "echo dot"),
        # After "hey" or another wake word too, as a place's name keeps its wake word ("alexa
        # echo park"): "alexa amazon prime video" was "prime video".
        ("hey amazon prime video", "amazon prime video"),
        ("alexa amazon prime video", "amazon prime video"),
        ("hey alexa, echo dot please", "echo dot"),
        # "alexa", the wake word nearly every device answers to, is the wake word said first;
        # so is one said after a pause, or a filler, a pause said aloud.
        ("alexa what's the weather", "what's the weather"),
        ("amazon, prime video", "prime video"),
        ("alexa amazon, prime video", "prime video"),
        ("amazon um prime video", "prime video"),
        # The words after it read as another sample: "search for {query}", no query of all words.
        ("amazon search for prime video", "prime video"),
    ],
)
def test_a_wake_word_said_first_that_is_a_word_too_begins_a_search_query_answered(
    said: str, query: str
) -> None:
    # "amazon prime video" answered for a search query was the query "prime video", "echo dot"
    # "dot": only a wake word said last stayed in a search query.
    answered = _finder().answer(said, intent="Search", slot="query", now=NOW)
    assert answered is not None
    assert [(slot.name, slot.value) for slot in answered.slots] == [("query", query)]


@pytest.mark.parametrize(
    ("said", "query"),
    [
        ("amazon prime video on my tv", "amazon prime video"),
        ("echo dot on my tv please", "echo dot"),
        ("alexa what's the weather on my tv", "what's the weather"),
        ("amazon, prime video on my tv", "prime video"),
        ("hey amazon prime video on my tv", "amazon prime video"),
        ("alexa amazon prime video on my tv", "amazon prime video"),
        ("alexa amazon, prime video on my tv", "prime video"),
    ],
)
def test_a_wake_word_said_first_that_is_a_word_too_begins_a_search_query_requested(
    said: str, query: str
) -> None:
    assert heard_values(_finder(), said) == ("Search", {"query": query})
