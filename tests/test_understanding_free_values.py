"""Understanding utterances with a free-form value beside a date: the words that void the date (a
denial, a range, a date cut short) are never swallowed by the value, in an utterance as in a
dialog answer, and the reading dropped for them is named in the explanation; a filler that
opens or ends a title ("play *hey* jude") stays a word of it. Other utterances:
test_understanding.py."""

from __future__ import annotations

import pytest

from alexaskill import Skill
from alexaskill.understanding import Understander, model_from_skill

from .conftest import SKILL_ID
from .understanding_shared import NOW, intent_understander, slots_of, understander_of


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
    slots = {"city": "AMAZON.US_CITY", "date": "AMAZON.DATE"}
    weather = intent_understander(
        "Weather", slots, ["weather in {city}"], invocation_name="weather tester"
    )
    assert slots_of(weather, said) == {"city": "san diego", "date": "2026-11-29"}


#: A city's weather, on a date or not (`_city_weather` has AMAZON.FallbackIntent beside it).
_CITY_WEATHER = {"city": "AMAZON.City", "date": "AMAZON.DATE"}
_CITY_SAMPLES = ["weather in {city}", "weather for {city} {date}"]


def _city_weather() -> Understander:
    return intent_understander(
        "Weather", _CITY_WEATHER, _CITY_SAMPLES, invocation_name="weather tester"
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
    assert f"no sample is close enough (a reading was dropped: {why})" in understood.notes
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
    assert (
        "  note: no sample is close enough (a reading was dropped: '5 to 6' is a range, "
        "not one value)"
    ) in understood.explain().splitlines()


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
    slot_types = {"task": "AMAZON.SearchQuery", "date": "AMAZON.DATE"}
    samples = ["remind me to {task}", "remind me to {task} {date}"]
    reminders = intent_understander("Remind", slot_types, samples, invocation_name="reminders")
    understood = reminders.understand(said, now=NOW)
    assert understood.intent == "Remind"
    slots = {slot.name: slot.value for slot in understood.slots}
    assert (slots["task"], slots["date"] is not None) == (task, True)


def test_without_a_fallback_intent_the_closest_intents_note_names_the_reading_dropped() -> None:
    # Without AMAZON.FallbackIntent the closest intent is sent; its note did not say why the
    # reading with the date ("london not" + tomorrow) was dropped.
    # (`understander_of`: `intent_understander`'s model would have the fallback intent.)
    slots = [{"name": name, "type": type_} for name, type_ in _CITY_WEATHER.items()]
    weather = {"name": "Weather", "slots": slots, "samples": _CITY_SAMPLES}
    joke = {"name": "Joke", "samples": ["tell me a joke"]}
    understander = understander_of({"invocationName": "weather tester", "intents": [weather, joke]})
    understood = understander.understand("weather in london not tomorrow", now=NOW)
    assert understood.intent == "Weather"
    # No date the user denied, nor the city "london not tomorrow" the closest reading gave (a
    # "not" within a name's words takes it back), which it was.
    assert [slot.name for slot in understood.slots] == []
    assert (
        "no sample is close enough (a reading was dropped: 'not tomorrow' denies the value) and "
        "the model has no AMAZON.FallbackIntent: Alexa sends the closest intent"
    ) in understood.notes


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


def _music() -> Understander:
    """Songs said as search queries, by an artist or in a room, and books of a custom type
    listing "dune" alone."""
    slots = [
        {"name": "song", "type": "AMAZON.SearchQuery"},
        {"name": "artist", "type": "AMAZON.Musician"},
        {"name": "room", "type": "Rooms"},
    ]
    samples = ["play {song}", "play {song} by {artist}", "play {song} in the {room}"]
    book = {"name": "book", "type": "Books"}
    books = {"name": "Read", "slots": [book], "samples": ["read {book}"]}
    types = [
        {"name": "Rooms", "values": [{"name": {"value": "kitchen"}}]},
        {"name": "Books", "values": [{"name": {"value": "dune"}}]},
    ]
    intents = [{"name": "Play", "slots": slots, "samples": samples}, books]
    return understander_of({"invocationName": "music", "intents": intents, "types": types})


@pytest.mark.parametrize(
    ("said", "values"),
    [
        ("play hey jude", {"song": "hey jude"}),
        ("play oh well", {"song": "oh well"}),
        ("play oh well in the kitchen", {"song": "oh well", "room": "kitchen"}),
        ("play just the way you are", {"song": "just the way you are"}),
        ("play sleep well", {"song": "sleep well"}),
        ("play please please me", {"song": "please please me"}),
        ("play hey jude by the beatles", {"song": "hey jude", "artist": "the beatles"}),
        ("read just kids", {"book": "just kids"}),
        # A hesitation is a pause, and a courtesy or call said last no word of a title.
        ("play um hey jude", {"song": "hey jude"}),
        ("play hey jude please", {"song": "hey jude"}),
        ("play hey jude by the beatles please", {"song": "hey jude", "artist": "the beatles"}),
        ("play um despacito please", {"song": "despacito"}),
        ("read um just kids please", {"book": "just kids"}),
        # (the sample's split of song and artist, with no filler)
        ("play let it be by the beatles", {"song": "let it be", "artist": "the beatles"}),
    ],
)
def test_a_filler_that_opens_or_ends_a_title_stays_a_word_of_it(
    said: str, values: dict[str, str]
) -> None:
    # A free-form value took no filler at either end: "play hey jude" was the song "jude", "play
    # oh well in the kitchen" the song "in" (and "play oh well" no song), in a request and in an
    # answer, where "the beatles hey jude" kept its "hey".
    music = _music()
    heard = music.understand(said, now=NOW)
    assert {each.name: each.value for each in heard.slots} == values
    slot = next(iter(values))
    answered = music.answer(said, intent=heard.intent or "", slot=slot, now=NOW)
    assert answered is not None
    assert {each.name: each.value for each in answered.slots} == values


@pytest.mark.parametrize(
    ("said", "query"),
    [
        # Said last, a courtesy or a call goes, though the word before it is left alone.
        ("search for pretty please", "pretty"),
        ("search for ho hey", "ho"),
        # Any filler but a hesitation opens a query after the sample's words...
        ("search for please cats", "please cats"),
        ("search for like cats", "like cats"),
        ("search for so cats", "so cats"),
        ("search for um cats", "cats"),
        # ... but one said first opens the request.
        ("so search for cats", "cats"),
    ],
)
def test_a_search_query_s_edge_fillers_are_kept_or_left_as_the_readme_says(
    said: str, query: str
) -> None:
    # (guard of the trade-offs README's "Matching" names, cae999e9: none had a test)
    search = intent_understander("Search", {"query": "AMAZON.SearchQuery"}, ["search for {query}"])
    assert slots_of(search, said) == {"query": query}


@pytest.mark.parametrize(
    ("said", "city"),
    [("plan a trip to like paris", "paris"), ("plan a trip to paris please", "paris")],
)
def test_a_name_takes_no_filler_at_either_end(said: str, city: str) -> None:
    # (guard: no city is named "like paris"; a name's value keeps the rule the titles' had)
    trips = intent_understander("Trip", {"city": "AMAZON.City"}, ["plan a trip to {city}"])
    assert slots_of(trips, said) == {"city": city}


def _drinks() -> Understander:
    """Drinks of a custom type listing tea and coffee, and songs said as search queries."""
    drink = {"name": "drink", "type": "Drinks"}
    song = {"name": "song", "type": "AMAZON.SearchQuery"}
    intents = [
        {"name": "Order", "slots": [drink], "samples": ["order {drink}"]},
        {"name": "Play", "slots": [song], "samples": ["play {song}"]},
    ]
    values = [{"name": {"value": "tea"}}, {"name": {"value": "coffee"}}]
    types = [{"name": "Drinks", "values": values}]
    return understander_of({"invocationName": "cafe", "intents": intents, "types": types})


@pytest.mark.parametrize(
    ("said", "intent", "slot", "value"),
    [
        ("hey jude", "Play", "song", "hey jude"),
        ("hey jude please", "Play", "song", "hey jude"),
        ("oh well", "Play", "song", "oh well"),
        ("um hey jude", "Play", "song", "hey jude"),
        ("so play hey jude", "Play", "song", "hey jude"),
        # An unlisted value keeps it as it does after "order" ("order well lemonade")...
        ("well lemonade", "Order", "drink", "well lemonade"),
        # ... but a listed one is what the type knows, and a pause ends a discourse marker.
        ("well tea", "Order", "drink", "tea"),
        ("well, lemonade", "Order", "drink", "lemonade"),
        ("like tea please", "Order", "drink", "tea"),
    ],
)
def test_a_filler_opening_a_lone_answer_is_a_word_of_a_title_as_after_a_sample_s_word(
    said: str, intent: str, slot: str, value: str
) -> None:
    # Asked for the song, "hey jude" was the song "jude" (and "hey jude please" too), where
    # "play hey jude" is "hey jude": a filler the turn opened with was never a word of a value.
    answered = _drinks().answer(said, intent=intent, slot=slot, now=NOW)
    assert answered is not None
    assert {each.name: each.value for each in answered.slots} == {slot: value}


def test_a_lone_answer_of_a_book_keeps_the_filler_opening_its_unlisted_title() -> None:
    # "just kids" (a book the type does not list) was "kids".
    answered = _music().answer("just kids", intent="Read", slot="book", now=NOW)
    assert answered is not None
    assert [(each.name, each.value) for each in answered.slots] == [("book", "just kids")]
