"""A dialog answer with a filler word that is the sample's own word ("i'd *like* to go to
{city}", "*so* i can go to {city}"), a pause before a wake word that leaves the asked slot
empty, and contractions said for a sample's expanded words ("my name's mary"); a filler said
inside a value, in an answer as in an utterance, left out as a pause is ("new *um* york")."""

from __future__ import annotations

import pytest

from alexaskill.understanding import Understander

from .understanding_shared import NOW, heard_values, understander_of


def _trips(*city_samples: str) -> Understander:
    """A trip whose name is asked with "my name is {name}" or "i am {name}", and whose city
    with "i want to go to {city}" and ``city_samples``."""
    name = {"name": "name", "type": "AMAZON.FirstName", "samples": ["my name is {name}"]}
    city_samples = ("i want to go to {city}", *city_samples)
    city = {"name": "city", "type": "AMAZON.City", "samples": list(city_samples)}
    intent = {"name": "Trip", "slots": [name, city], "samples": ["{name} goes to {city}"]}
    return understander_of({"invocationName": "trips", "intents": [intent]})


def _values(trips: Understander, said: str, slot: str) -> list[tuple[str, str | None]] | None:
    answered = trips.answer(said, intent="Trip", slot=slot, now=NOW)
    return None if answered is None else [(each.name, each.value) for each in answered.slots]


CARRIERS = (
    "i'd like to go to {city}",
    "well i'd rather go to {city}",
    "so i can go to {city}",
    "just take me to {city}",
)


@pytest.mark.parametrize(
    "said",
    [
        "i'd like to go to paris please",
        "i'd like to go to paris, please",
        "um i'd like to go to paris please",
        "well i'd rather go to paris please",
        "so i can go to paris please",
        "um so i can go to paris",
        "just take me to paris please",
        "um just take me to like paris",
    ],
)
def test_a_filler_that_is_a_word_of_the_sample_is_read_as_that_word(said: str) -> None:
    # "like" of "i'd like to go to paris please" was left out as a filler: the city was "i'd to
    # go to paris", "so" of "so i can go to paris please" the city "i can go to paris".
    assert _values(_trips(*CARRIERS), said, "city") == [("city", "paris")]


@pytest.mark.parametrize(
    "said", ["i'd like to go to paris please", "i'd like to go to paris, please"]
)
def test_a_filler_inside_a_carrier_no_sample_has_is_no_part_of_the_value(said: str) -> None:
    # Read loosely as "i want to go to {city}", as "i'd like to go to paris" is; with "please"
    # after it, the city was "i'd to go to paris".
    assert _values(_trips(), said, "city") == [("city", "paris")]


@pytest.mark.parametrize("samples", [(), CARRIERS])
def test_a_wake_word_said_last_after_a_carrier_and_a_filler_is_the_value(
    samples: tuple[str, ...],
) -> None:
    trips = _trips(*samples)
    assert _values(trips, "i'd like to go to echo, please", "city") == [("city", "echo")]
    assert _values(trips, "i'd like to go to paris alexa", "city") == [("city", "paris")]


@pytest.mark.parametrize("said", ["i'd like to go to, echo", "i want to go to, alexa"])
def test_an_answer_that_leaves_the_asked_slot_empty_is_no_answer(said: str) -> None:
    # The wake word after a pause was left out, and the carrier read loosely as "i want to go
    # to {city}" with no city: an answer with no value.
    assert _values(_trips(), said, "city") is None


def test_an_answer_that_is_a_sample_of_the_intent_without_the_asked_slot_is_the_intent() -> None:
    # "What's the weather tomorrow?" "Which city?" "What's the weather?": a sample of the
    # intent with no city is the intent said again, as Alexa sends it (the dialog's other
    # slots kept), not no answer: the weather example forgot the day asked about.
    city = {"name": "city", "type": "AMAZON.City", "samples": ["{city}"]}
    date = {"name": "date", "type": "AMAZON.DATE"}
    samples = ["what's the weather", "what's the weather {date}", "weather in {city}"]
    intent = {"name": "Weather", "slots": [city, date], "samples": samples}
    weather = understander_of({"invocationName": "weather", "intents": [intent]})
    answered = weather.answer("what's the weather", intent="Weather", slot="city", now=NOW)
    assert answered is not None
    assert answered.request is not None
    assert answered.request["intent"]["name"] == "Weather"


@pytest.mark.parametrize(
    ("said", "slot", "value"),
    [
        ("my name's mary", "name", "mary"),
        ("well my name's mary", "name", "mary"),
        ("i'm going to paris", "city", "paris"),
        ("it's paris", "city", "paris"),
        ("i'd like to go to paris", "city", "paris"),
    ],
)
def test_a_contraction_matches_the_sample_s_expanded_words(
    said: str, slot: str, value: str
) -> None:
    # "my name's mary" was the name "my name's mary": "name's" was no "name is".
    trips = _trips("i am going to {city}", "it is {city}", "i would like to go to {city}")
    assert _values(trips, said, slot) == [(slot, value)]


@pytest.mark.parametrize("samples", [["{city}"], ["{city}", "i'd like to go to {city}"]])
def test_a_filler_of_a_sample_said_inside_a_value_is_read_in_an_utterance_as_with_none(
    samples: list[str],
) -> None:
    # "like", a word of "i'd like to go to {city}" said inside the value, was taken out and the
    # value then refused as split: the intent without the reading of all words was no intent.
    city = {"name": "city", "type": "AMAZON.City"}
    intent = {"name": "Trip", "slots": [city], "samples": samples}
    trips = understander_of({"invocationName": "trips", "intents": [intent]})
    understood = trips.understand("just take me to like paris", now=NOW)
    assert understood.intent == "Trip"
    assert [(each.name, each.value) for each in understood.slots] == [
        ("city", "take me to like paris")
    ]


def test_a_possessive_name_s_is_no_name_is() -> None:
    # "name's" was always rewritten "name is": a sample's possessive "my name's meaning" was
    # "my name is meaning", so "my name is meaning" (a name said) read as it, and "what's my
    # name is meaning" as "what is my name's meaning".
    name = {"name": "name", "type": "AMAZON.FirstName"}
    query = {"name": "query", "type": "AMAZON.SearchQuery"}
    intents = [
        {"name": "Name", "slots": [name], "samples": ["my name is {name}"]},
        {"name": "Meaning", "slots": [], "samples": ["what is my name's meaning"]},
        {"name": "Ask", "slots": [query], "samples": ["what is {query}"]},
    ]
    names = understander_of({"invocationName": "names", "intents": intents})
    assert names.understand("what's my name's meaning", now=NOW).intent == "Meaning"
    assert names.understand("what's my name is meaning", now=NOW).intent == "Ask"
    said = names.understand("my name is meaning", now=NOW)
    assert (said.intent, [(each.name, each.value) for each in said.slots]) == (
        "Name",
        [("name", "meaning")],
    )
    said = names.understand("my name's mary", now=NOW)
    assert [(each.name, each.value) for each in said.slots] == [("name", "mary")]


@pytest.mark.parametrize(
    "said", ["so so i can go to paris", "i like like paris", "like i like paris", "i like paris"]
)
def test_a_filler_said_with_a_carrier_is_left_out_alike_in_an_utterance_and_an_answer(
    said: str,
) -> None:
    # The carrier is no part of the city. "i like like paris" was the city "i like like paris" as
    # an utterance ("{city}" took every word, all of them said or a sample's), "like i like paris"
    # the city "i like paris" as an answer ("like {city}", the carrier's end, took the rest).
    city = {"name": "city", "type": "AMAZON.City"}
    samples = ["i like {city}", "i can go to {city}", "{city}"]
    intent = {"name": "Trip", "slots": [city], "samples": samples}
    trips = understander_of({"invocationName": "trips", "intents": [intent]})
    understood = trips.understand(said, now=NOW)
    assert (understood.intent, [(each.name, each.value) for each in understood.slots]) == (
        "Trip",
        [("city", "paris")],
    )
    assert _values(trips, said, "city") == [("city", "paris")]


@pytest.mark.parametrize("said", ["my names mary", "my name's mary", "my name is mary"])
def test_name_s_typed_without_its_apostrophe_is_a_sample_s_name_is(said: str) -> None:
    # "my names mary" was read loosely, "is" a sample word not said (noted): the apostrophe is
    # often left out in typing, and "names" said where a sample says "name is" is no plural.
    name = {"name": "name", "type": "AMAZON.FirstName"}
    intents = [
        {"name": "Name", "slots": [name], "samples": ["my name is {name}"]},
        {"name": "Names", "slots": [], "samples": ["list the names"]},
    ]
    names = understander_of({"invocationName": "names", "intents": intents})
    said_to = names.understand(said, now=NOW)
    assert (said_to.intent, said_to.exact, said_to.notes) == ("Name", True, ())
    assert [(each.name, each.value) for each in said_to.slots] == [("name", "mary")]
    assert names.understand("list the names", now=NOW).intent == "Names"


@pytest.mark.parametrize(
    ("said", "paused", "heard"),
    [
        # A pure filler inside a value is a pause said aloud: left out, as a pause is.
        ("visit echo um park", "visit echo, park", ("Visit", {"place": "echo park"})),
        ("plan a trip to new um york", "plan a trip to new, york", ("Trip", {"city": "new york"})),
        ("new uh york", "new, york", ("Trip", {"city": "new york"})),
        (
            "search for cheap um flights",
            "search for cheap, flights",
            ("Search", {"query": "cheap flights"}),
        ),
        # A filler that may be a word of meaning ("like") stays in words of any kind, and goes
        # where the value without it is one the slot's type lists ("echo park").
        ("visit echo like park", "visit echo, park", ("Visit", {"place": "echo park"})),
        ("new like york", "new like york", ("Trip", {"city": "new like york"})),
        # A courtesy or a call inside words of any kind is no pause but a word of a title: it
        # stays ("the beatles jude", "pretty by sabrina carpenter" were the queries).
        (
            "search for the beatles hey jude",
            "search for the beatles hey jude",
            ("Search", {"query": "the beatles hey jude"}),
        ),
        (
            "search for pretty please by sabrina carpenter",
            "search for pretty please by sabrina carpenter",
            ("Search", {"query": "pretty please by sabrina carpenter"}),
        ),
        ("visit echo please park", "visit echo, park", ("Visit", {"place": "echo park"})),
    ],
)
def test_a_filler_inside_a_value_goes_as_a_pause_does(
    said: str, paused: str, heard: tuple[str, dict[str, str]]
) -> None:
    # The filler was kept in the value: "echo um park" (no listed "echo park"), "new um york",
    # where "echo, park" and "new, york" were "echo park" and "new york". The reading of all the
    # words gave way only to one whose sample says more words (a carrier the value took).
    city = {"name": "city", "type": "AMAZON.City"}
    place = {"name": "place", "type": "Places"}
    query = {"name": "query", "type": "AMAZON.SearchQuery"}
    intents = [
        {"name": "Trip", "slots": [city], "samples": ["{city}", "plan a trip to {city}"]},
        {"name": "Visit", "slots": [place], "samples": ["visit {place}"]},
        {"name": "Search", "slots": [query], "samples": ["search for {query}"]},
    ]
    places = {"name": "Places", "values": [{"name": {"value": "echo park"}}]}
    trips = understander_of({"invocationName": "trips", "intents": intents, "types": [places]})
    assert heard_values(trips, said) == heard_values(trips, paused) == heard
    name, value = next(iter(heard[1].items()))
    answered = trips.answer(said, intent=heard[0], slot=name, now=NOW)
    assert answered is not None
    assert [(each.name, each.value) for each in answered.slots] == [(name, value)]


@pytest.mark.parametrize(
    ("said", "unfilled"),
    [
        ("book a trip to berlin please for three", "book a trip to berlin for three"),
        ("book a trip to berlin um for three", "book a trip to berlin for three"),
        ("book a trip to berlin please for three people", "book a trip to berlin for three people"),
        # Thanks said after the value: the request left them out, the answer kept them in the
        # city ("berlin please thanks", "berlin thanks"), its party three.
        ("book a trip to berlin please thanks for three", "book a trip to berlin for three"),
        ("book a trip to berlin thanks for three", "book a trip to berlin for three"),
    ],
)
def test_a_filler_said_after_a_value_before_another_slot_s_words_ends_the_value(
    said: str, unfilled: str
) -> None:
    # Judged before the words left over went to the intent's other slots, the filler was inside
    # the city, "berlin please for three" (a free-form value ends with no filler, so nothing
    # split it): "for three" is the party, as without the filler.
    city = {"name": "city", "type": "AMAZON.City"}
    people = {"name": "people", "type": "AMAZON.NUMBER"}
    samples = ["book a trip to {city}", "book a trip for {people} people"]
    intent = {"name": "Trip", "slots": [city, people], "samples": samples}
    trips = understander_of({"invocationName": "trips", "intents": [intent]})
    heard = ("Trip", {"city": "berlin", "people": "3"})
    assert heard_values(trips, said) == heard_values(trips, unfilled) == heard
    answered = trips.answer(said, intent="Trip", slot="city", now=NOW)
    assert answered is not None
    assert [(each.name, each.value) for each in answered.slots] == [
        ("city", "berlin"),
        ("people", "3"),
    ]


@pytest.mark.parametrize(
    ("said", "inside"),
    [
        ("plan a trip to um new york", "plan a trip to new um york"),
        ("visit uh echo park", "visit echo uh park"),
        ("search for um cheap flights", "search for cheap um flights"),
    ],
)
def test_a_hesitation_at_a_value_s_start_goes_as_one_inside_it_does(said: str, inside: str) -> None:
    # Read loosely, "um" a word not in the sample (noted so, and scored lower), where "new um
    # york" was the sample's reading with the hesitation ignored; so was the answer.
    city = {"name": "city", "type": "AMAZON.City"}
    place = {"name": "place", "type": "Places"}
    query = {"name": "query", "type": "AMAZON.SearchQuery"}
    intents = [
        {"name": "Trip", "slots": [city], "samples": ["{city}", "plan a trip to {city}"]},
        {"name": "Visit", "slots": [place], "samples": ["visit {place}"]},
        {"name": "Search", "slots": [query], "samples": ["search for {query}"]},
    ]
    places = {"name": "Places", "values": [{"name": {"value": "echo park"}}]}
    trips = understander_of({"invocationName": "trips", "intents": intents, "types": [places]})
    hesitation = said.split()[-3]
    heard, expected = (trips.understand(each, now=NOW) for each in (said, inside))
    assert heard.notes == expected.notes == (f"ignored: {hesitation}",)
    assert (heard.sample, heard.slots, heard.score) == (
        expected.sample,
        expected.slots,
        expected.score,
    )
    assert heard.intent is not None
    name = heard.slots[0].name
    answered, answered_inside = (
        trips.answer(each, intent=heard.intent, slot=name, now=NOW) for each in (said, inside)
    )
    assert answered is not None and answered_inside is not None
    assert (answered.sample, answered.slots, answered.notes, answered.exact) == (
        answered_inside.sample,
        answered_inside.slots,
        answered_inside.notes,
        answered_inside.exact,
    )


@pytest.mark.parametrize(
    ("said", "place"),
    [
        ("visit um please touch museum", "please touch museum"),
        ("visit um please touch museum on friday", "please touch museum"),
        ("visit please touch museum please", "please touch museum"),
        ("visit please touch museum um", "please touch museum"),
        ("visit um um el fahm", "um el fahm"),
        ("visit um el fahm please", "um el fahm"),
        ("visit uh echo park", "echo park"),
    ],
)
def test_a_filler_that_opens_a_listed_value_stays_a_word_of_it(said: str, place: str) -> None:
    # Each filler beside the value was left out, the listed "please touch museum" read as the
    # unlisted "touch museum" (and "um el fahm" as "el fahm"), in a request and an answer.
    # "uh" before "echo park" is a hesitation, no word of it (guard).
    places = {
        "name": "Places",
        "values": [
            {"name": {"value": value}}
            for value in ("please touch museum", "um el fahm", "echo park")
        ],
    }
    slots = [{"name": "place", "type": "Places"}, {"name": "when", "type": "AMAZON.DATE"}]
    visit = {
        "name": "Visit",
        "slots": slots,
        "samples": ["visit {place}", "visit {place} on {when}"],
    }
    city = {"name": "city", "type": "AMAZON.City"}
    trip = {"name": "Trip", "slots": [city], "samples": ["{city}", "plan a trip to {city}"]}
    model = {"invocationName": "trips", "intents": [visit, trip], "types": [places]}
    visits = understander_of(model)
    assert heard_values(visits, said)[1]["place"] == place
    answered = visits.answer(said, intent="Visit", slot="place", now=NOW)
    assert answered is not None
    assert answered.fills["place"].value == place


@pytest.mark.parametrize(
    ("said", "unpaused"),
    [
        ("plan a trip to new, um, york", "plan a trip to new um york"),
        ("plan a trip to new, um york", "plan a trip to new um york"),
        ("plan a trip to new um, york", "plan a trip to new um york"),
        ("visit echo, uh, park", "visit echo uh park"),
        ("search for cheap, um, flights", "search for cheap um flights"),
        # (unchanged: one said first, after a word of the sample)
        ("plan a trip to, um, new york", "plan a trip to um new york"),
    ],
)
def test_a_hesitation_with_a_pause_beside_it_goes_as_one_without(said: str, unpaused: str) -> None:
    # "new, um, york" was the city "new um york", where "new um york" is new york: a pause
    # beside a hesitation made it no pause said aloud, the filler kept in the value. A
    # hesitation is a pause, said with others or not.
    city = {"name": "city", "type": "AMAZON.City"}
    place = {"name": "place", "type": "Places"}
    query = {"name": "query", "type": "AMAZON.SearchQuery"}
    intents = [
        {"name": "Trip", "slots": [city], "samples": ["{city}", "plan a trip to {city}"]},
        {"name": "Visit", "slots": [place], "samples": ["visit {place}"]},
        {"name": "Search", "slots": [query], "samples": ["search for {query}"]},
    ]
    places = {"name": "Places", "values": [{"name": {"value": "echo park"}}]}
    trips = understander_of({"invocationName": "trips", "intents": intents, "types": [places]})
    heard = heard_values(trips, said)
    assert heard == heard_values(trips, unpaused)
    intent, values = heard
    assert intent is not None and "um" not in str(values) and "uh" not in str(values)
    [(name, value)] = values.items()
    answered = trips.answer(said, intent=intent, slot=name, now=NOW)
    assert answered is not None
    assert [(each.name, each.value) for each in answered.slots] == [(name, value)]


@pytest.mark.parametrize(
    ("said", "city"),
    [
        ("plan a trip to um, new york", "new york"),
        ("to um, new york", "to new york"),
        ("plan a trip to new um, york", "new york"),
    ],
)
def test_a_word_before_a_paused_filler_left_out_is_not_noted_as_ignored(
    said: str, city: str
) -> None:
    # "to", the word before "um,", carries the pause of the filler left out: a copy of its
    # token, which the note took for a word left out ("ignored: to um"), the city holding it.
    city_slot = {"name": "city", "type": "AMAZON.City"}
    intent = {"name": "Trip", "slots": [city_slot], "samples": ["{city}", "plan a trip to {city}"]}
    trips = understander_of({"invocationName": "trips", "intents": [intent]})
    heard = trips.understand(said, now=NOW)
    assert [(each.name, each.value) for each in heard.slots] == [("city", city)]
    assert heard.notes == ("ignored: um",)
