"""A value said in answer to a slot and then taken back ("paris, no"), denied ("not paris") or
corrected ("no, paris"): no value, or the one the user means, in a dialog and in a request."""

from __future__ import annotations

import pytest

from .dialog_shared import NOW, trip_confirming_city
from .understanding_shared import (
    YES_NO,
    answered_city,
    bare_trips,
    filled,
    intent_understander,
    left_out_notes,
)

#: Why a value a no or a "not" said last takes back is none, as a note says it.
_NO_LAST = "a no or a not said last takes it back"


@pytest.mark.parametrize(
    ("city_type", "said"),
    [
        ("AMAZON.City", "paris no"),
        ("AMAZON.City", "paris, no"),
        ("Cities", "paris no"),
        ("Cities", "paris, no"),
        ("AMAZON.City", "paris not"),
        ("Cities", "I do not want paris"),  # unchanged
    ],
)
def test_a_value_taken_back_asked_for_a_city_leaves_the_dialog(city_type: str, said: str) -> None:
    """In the dialog, "paris, no" (it was the city "paris no", asked "paris no, right?") is
    no value, so it is another request, understood as said: here no intent's sample comes
    near, and the model's AMAZON.FallbackIntent has it, as "I do not want paris" asked for a
    listed city. Not AMAZON.NoIntent, which the model has: that no answers no question."""
    skill, talk = trip_confirming_city(city_type, built_ins=YES_NO)
    assert talk.say("plan a trip").prompts == ["Where to?"]
    turn = talk.say(said)
    assert turn.understood is not None and turn.understood.intent == "AMAZON.FallbackIntent"
    assert skill.last["intent"]["name"] == "AMAZON.FallbackIntent"


@pytest.mark.parametrize(
    ("city_type", "said"),
    [
        ("AMAZON.City", "no, paris"),
        ("Cities", "no, paris"),
        ("Cities", "no, paris instead"),
        ("AMAZON.City", "no, paris instead"),
        ("AMAZON.City", "paris, thanks"),
    ],
)
def test_no_and_a_city_asked_for_is_the_city(city_type: str, said: str) -> None:
    # Asked "Where to?", "no, paris" was the city "no paris" (asked "no paris, right?"): the
    # no is no part of the city; the value after it answers the question.
    skill, talk = trip_confirming_city(city_type)
    assert talk.say("plan a trip").prompts == ["Where to?"]
    assert talk.say(said).prompts == ["paris, right?"]
    talk.say("yes")
    city = skill.last["intent"]["slots"]["city"]
    assert (city["value"], city["confirmationStatus"]) == ("paris", "CONFIRMED")


@pytest.mark.parametrize("city_type", ["AMAZON.City", "Cities"])
@pytest.mark.parametrize("said", ["plan a trip to paris no", "plan a trip to paris, no"])
def test_a_value_taken_back_does_not_come_back_as_the_request(city_type: str, said: str) -> None:
    """Asked for a city, "plan a trip to paris no" is no answer (the no takes "paris" back),
    and the request it is then read as gave it back: PlanTrip started again with the city
    "paris no", asked "paris no, right?". The request reads the no as the answer does for the
    slot asked for: the reading is dropped, as one whose value a "not" denies ("london not
    tomorrow"). Said first, a free-form city's (a name's) is dropped too; a custom type's words
    are what the user said, as "tell him no" of "remind me to {task}"."""
    skill, talk = trip_confirming_city(city_type)
    assert talk.say("plan a trip").prompts == ["Where to?"]
    turn = talk.say(said)
    assert turn.understood is not None and turn.understood.intent == "AMAZON.FallbackIntent"
    assert skill.last["intent"]["name"] == "AMAZON.FallbackIntent"
    assert (
        f"no sample is close enough (a reading was dropped: 'paris no' is no value: {_NO_LAST})"
    ) in turn.understood.notes
    again = talk.understander.understand(said, now=NOW, asked=("PlanTrip", "city"))
    assert again.intent == "AMAZON.FallbackIntent"
    fresh = talk.understander.understand(said, now=NOW)
    if city_type == "AMAZON.City":
        assert fresh.intent == "AMAZON.FallbackIntent"
    else:
        assert (fresh.intent, fresh.fills["city"].value) == ("PlanTrip", "paris no")


@pytest.mark.parametrize(
    ("said", "words", "why"),
    [
        ("plan a trip to paris no", "paris no", _NO_LAST),
        ("plan a trip to paris, no thanks", "paris no thanks", _NO_LAST),
        # The closest reading left out words before the value: it had the city "not" of "why
        # not", "no" of "why no", and "rome" of "rome please not" (the not after it left out).
        ("plan a trip to why not", "why not", _NO_LAST),
        ("plan a trip to why no", "why no", _NO_LAST),
        ("plan a trip to rome please not", "rome please not", _NO_LAST),
        # The note said "a no said last or a not takes 'no idea' back" of each.
        ("plan a trip to not paris", "not paris", "a not within it takes it back"),
        ("plan a trip to no idea", "no idea", "it says the user does not know"),
    ],
)
def test_a_value_taken_back_is_left_out_of_the_closest_intent(
    said: str, words: str, why: str
) -> None:
    # Without AMAZON.FallbackIntent, Alexa sends the closest intent: it had the city "paris"
    # (the no after it left out) or "paris no thanks", a value the user took back.
    understood = bare_trips("AMAZON.City").understand(said, now=NOW)
    assert understood.intent == "PlanTrip" and understood.fallback
    assert understood.fills == {}
    assert f"slot city left out: {words!r} is no value: {why}" in understood.notes


@pytest.mark.parametrize(
    ("said", "city"),
    [
        ("plan a trip to not paris", None),
        ("i do not want paris", None),
        ("plan a trip to notre dame", "notre dame"),  # unchanged
        # A "not" after a pause denies the value after it, as in an answer: it was the city
        # "paris not berlin" (test_a_request_leaves_out_a_denial_after_a_pause_as_an_answer_does)
        ("plan a trip to paris, not berlin", "paris"),
    ],
)
def test_a_not_within_a_names_words_takes_the_value_back(said: str, city: str | None) -> None:
    # A free-form city was "not paris" and "i do not want paris" (of "{city}"), though a "not"
    # takes the value back, as a no said last does: no reading (AMAZON.FallbackIntent).
    understander = intent_understander(
        "PlanTrip", {"city": "AMAZON.City"}, ["plan a trip to {city}", "{city}"]
    )
    understood = understander.understand(said, now=NOW)
    if city is None:
        assert (understood.intent, understood.fills) == ("AMAZON.FallbackIntent", {})
    else:
        assert (understood.intent, understood.fills["city"].value) == ("PlanTrip", city)


def test_a_custom_types_words_ending_with_a_no_stay_the_requests_value() -> None:
    # Not asked for, a custom type's words are what the user said (a task, a message).
    tasks = [{"name": "Tasks", "values": [{"name": {"value": "call mom"}}]}]
    understander = intent_understander(
        "Remind", {"task": "Tasks"}, ["remind me to {task}"], types=tasks
    )
    understood = understander.understand("remind me to tell him no", now=NOW)
    assert (understood.intent, understood.fills["task"].value) == ("Remind", "tell him no")


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("from paris to berlin", "berlin"),
        ("from paris to berlin, not rome", "berlin"),  # the denial left out
        # The no or "not" corrects or denies the first city alone, whose words it leaves out:
        # the trip is from rome to berlin, as a request reads it ("berlin"). They were the
        # city "rome to berlin" and "from paris" (the words after the no, or before the "not",
        # read alone).
        ("from paris, no, rome to berlin", "berlin"),
        ("from paris, not rome, to berlin", "berlin"),
    ],
)
def test_an_answer_to_a_sample_naming_the_slot_twice_is_read(said: str, expected: str) -> None:
    # Asked for the city, an answer read by "from {city} to {city}" raised ValueError:
    # the correction and the denial took the slot to be named once, as `_negated` does not.
    # Its values are read as a request reads them, the last one said the slot's.
    trips = intent_understander("PlanTrip", {"city": "AMAZON.City"}, ["from {city} to {city}"])
    answer = trips.answer(said, intent="PlanTrip", slot="city", now=NOW)
    assert answer is not None
    assert filled(answer) == {"city": expected}


@pytest.mark.parametrize("city_type", ["AMAZON.City", "AMAZON.FirstName", "Cities"])
@pytest.mark.parametrize("said", ["not", "never", "except"])
def test_a_lone_negation_is_the_value_in_an_answer_as_in_a_request(
    city_type: str, said: str
) -> None:
    # Decided, not changed: a negation said alone takes back no value before it and denies none
    # after it, and places are named so (see `denials._negated`'s count of GeoNames'
    # names), and a free-form type takes the words heard. Asked "Where to?", "never" is the
    # city "never", as "plan a trip to never" is: an answer and a request agree.
    assert answered_city(city_type, said) == said
    understood = bare_trips(city_type).understand(f"plan a trip to {said}", now=NOW)
    assert filled(understood) == {"city": said}


@pytest.mark.parametrize("city_type", ["AMAZON.City", "AMAZON.FirstName"])
def test_a_request_leaves_out_a_denial_after_a_pause_as_an_answer_does(city_type: str) -> None:
    # "plan a trip to paris, not rome" was the city "paris not rome", where the answer "paris,
    # not rome" is paris: a "not" after a pause denies the value after it in both.
    assert answered_city(city_type, "paris, not rome") == "paris"
    understood = bare_trips(city_type).understand("plan a trip to paris, not rome", now=NOW)
    assert (understood.intent, {n: f.value for n, f in understood.fills.items()}) == (
        "PlanTrip",
        {"city": "paris"},
    )
    assert "a denial: 'not rome' left out" in understood.notes


@pytest.mark.parametrize(
    "said", ["from paris to berlin, not rome", "from paris, not rome, to berlin"]
)
def test_a_request_naming_the_slot_twice_leaves_out_a_denial_of_either(said: str) -> None:
    # The first was the city "berlin not rome": the denial is left out as of an answer,
    # whichever value it follows.
    trips = intent_understander(
        "PlanTrip", {"city": "AMAZON.City"}, ["plan a trip from {city} to {city}"]
    )
    understood = trips.understand(f"plan a trip {said}", now=NOW)
    assert {n: f.value for n, f in understood.fills.items()} == {"city": "berlin"}
    assert "a denial: 'not rome' left out" in understood.notes


@pytest.mark.parametrize("city_type", ["AMAZON.City", "AMAZON.FirstName"])
@pytest.mark.parametrize(
    ("said", "city"),
    [
        ("no, paris", "paris"),
        ("yes, paris", "paris"),
        ("thanks, paris", "paris"),
        ("no, paris, thanks, paris", "paris"),
        # The answer left out the first opening alone ("no paris"), where the request, read
        # again, leaves out each: the user means the value after them.
        ("yes, no, paris", "paris"),
        ("no, no, paris", "paris"),
        ("thanks, no, paris", "paris"),
        # Unchanged: no pause ends the no (a town called "no name"), or nothing follows it but
        # thanks, which takes nothing back here.
        ("no paris", "no paris"),
    ],
)
def test_a_request_leaves_out_a_yes_or_no_said_first_before_a_name_as_an_answer_does(
    city_type: str, said: str, city: str
) -> None:
    # "plan a trip to no, paris" was the city "no paris" ("... no, paris, thanks, paris" too,
    # the thanks left out), where the answer "no, paris" is paris: a yes, a no or thanks that
    # a pause ends, said first, answers what came before, no part of a name (`past_opening`).
    assert answered_city(city_type, said) == city
    understood = bare_trips(city_type).understand(f"plan a trip to {said}", now=NOW)
    assert (understood.intent, {n: f.value for n, f in understood.fills.items()}) == (
        "PlanTrip",
        {"city": city},
    )


@pytest.mark.parametrize("city_type", ["AMAZON.City", "AMAZON.FirstName"])
@pytest.mark.parametrize(
    ("said", "why"),
    [
        ("no, thanks", "it says no"),
        ("no thanks", "it says no"),
        ("no, thank you", "it says no"),
        # The opening no was left out of these, the city "cancel" (`SaidValues._leaving`).
        ("no, cancel", "it says stop or cancel"),
        ("no, stop", "it says stop or cancel"),
        ("yes, cancel", "it says stop or cancel"),
        ("no, never mind", "it says stop or cancel"),
        # And these were the city "stop" ("stop stop", "cancel that"; "never mind" was none,
        # noted as a "not" within it): stop or cancel said alone is a reply, as after a no.
        ("stop", "it says stop or cancel"),
        ("stop stop", "it says stop or cancel"),
        ("cancel", "it says stop or cancel"),
        ("cancel that", "it says stop or cancel"),
        ("never mind", "it says stop or cancel"),
    ],
)
def test_a_reply_for_a_name_is_no_value_in_a_request_as_in_an_answer(
    city_type: str, said: str, why: str
) -> None:
    # "plan a trip to no, thanks" was the city "no thanks", "... to no, cancel" the city
    # "cancel", where each answer is none (AMAZON.NoIntent's, CancelIntent's words): the words
    # are a reply, which takes the value back.
    assert answered_city(city_type, said) is None
    understood = bare_trips(city_type).understand(f"plan a trip to {said}", now=NOW)
    assert understood.fills == {}
    left_out = left_out_notes(understood, "city")
    assert left_out and all(note.endswith(f"is no value: {why}") for note in left_out)


@pytest.mark.parametrize("city_type", ["AMAZON.City", "AMAZON.FirstName"])
@pytest.mark.parametrize(
    "said", ["no, not paris", "yes, not paris", "thanks, not paris", "yes, no, not paris"]
)
def test_a_not_after_an_opening_takes_a_names_value_back_in_a_request_as_in_an_answer(
    city_type: str, said: str
) -> None:
    # "plan a trip to no, not paris" was the city "no" ("yes", "thanks" of theirs): "not
    # paris" read as a denial of the value before it, which left the opening no alone. After
    # an opening, "not paris" is said alone, and the value is none, as "plan a trip to not
    # paris" is and as each answer is. "yes, no, not paris" had no value already (unchanged):
    # the user takes paris back, and names no other city.
    assert answered_city(city_type, said) is None
    understood = bare_trips(city_type).understand(f"plan a trip to {said}", now=NOW)
    assert understood.fills == {}


@pytest.mark.parametrize("said", ["no, not paris", "yes, not lyon", "thanks, not lyon"])
def test_a_not_after_an_opening_leaves_a_custom_value_asked_for_as_the_answer_does(
    said: str,
) -> None:
    # Asked for a custom type's city, "plan a trip to no, not paris" gave no city (a "not"
    # after an opening took a name's value back, and this one's too), where the answer "no,
    # not paris" is "not paris": the opening is left out, and the words after it read alone.
    asked = ("PlanTrip", "city")
    understood = bare_trips("Cities").understand(f"plan a trip to {said}", now=NOW, asked=asked)
    city = said.partition(", ")[2]
    assert answered_city("Cities", said) == city
    assert filled(understood) == {"city": city}


@pytest.mark.parametrize("said", ["stop", "stop stop", "cancel", "no, stop"])
def test_stop_or_cancel_said_for_a_custom_value_asked_for_is_none_as_the_answer(said: str) -> None:
    # Asked for a custom type's city, "plan a trip to stop" was the city "stop" ("stop stop"
    # too), where "... to no, stop" and the answer "stop" are none: AMAZON.StopIntent's and
    # CancelIntent's words are no value of the slot Alexa asked for, alone or after a no.
    asked = ("PlanTrip", "city")
    understood = bare_trips("Cities").understand(f"plan a trip to {said}", now=NOW, asked=asked)
    assert answered_city("Cities", said) is None
    assert filled(understood) == {}


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        # Unchanged: a custom type's words not asked for are what the user said, and stop
        # within a longer name or before one, no pause between, is no reply.
        ("Cities", "stop", "stop"),
        ("Cities", "no, stop", "no stop"),
        ("Cities", "stop, paris", "stop paris"),
        ("AMAZON.City", "bus stop", "bus stop"),
        ("AMAZON.City", "stop paris", "stop paris"),
    ],
)
def test_stop_within_a_value_or_of_a_custom_type_not_asked_for_stays(
    city_type: str, said: str, city: str
) -> None:
    understood = bare_trips(city_type).understand(f"plan a trip to {said}", now=NOW)
    assert filled(understood) == {"city": city}


@pytest.mark.parametrize("city_type", ["AMAZON.City", "AMAZON.FirstName"])
@pytest.mark.parametrize("said", ["shut up", "forget it", "no, shut up"])
def test_stop_or_cancel_said_whole_is_no_value_of_the_closest_reading(
    city_type: str, said: str
) -> None:
    # The model has no AMAZON.FallbackIntent: Alexa sends the closest intent. Its reading left
    # out the grammar words of AMAZON.StopIntent's and CancelIntent's phrasings, the city
    # "shut" of "plan a trip to shut up" ("forget", "no shut"), though the note said the
    # reading was dropped as stop or cancel and the answer is none.
    assert answered_city(city_type, said) is None
    understood = bare_trips(city_type).understand(f"plan a trip to {said}", now=NOW)
    assert understood.intent == "PlanTrip" and understood.fills == {}
    left_out = left_out_notes(understood, "city")
    why = "is no value: it says stop or cancel"
    assert left_out and all(note.endswith(why) for note in left_out)


@pytest.mark.parametrize("city_type", ["AMAZON.City", "AMAZON.FirstName", "Cities"])
@pytest.mark.parametrize(
    "said", ["stop, paris", "cancel, paris", "never mind, paris", "stop, new york"]
)
def test_stop_or_cancel_said_first_opens_the_value_as_a_no_does(city_type: str, said: str) -> None:
    # "stop, paris" was the free-form city "stop paris", in an answer and a request, where the
    # answer of a custom type listing paris is "paris" and "no, paris" is paris to each:
    # AMAZON.StopIntent's or CancelIntent's words that a pause ends open the value, as a yes
    # or no does. ("never mind, paris" was none: its "never" read as a "not" within a name.)
    city = said.partition(", ")[2]
    asked = ("PlanTrip", "city")
    understood = bare_trips(city_type).understand(f"plan a trip to {said}", now=NOW, asked=asked)
    assert answered_city(city_type, said) == city
    assert filled(understood) == {"city": city}
    if city_type != "Cities":  # a name's words, asked for or not
        understood = bare_trips(city_type).understand(f"plan a trip to {said}", now=NOW)
        assert filled(understood) == {"city": city}
        assert f"words before the value: {said.partition(',')[0]!r} left out" in understood.notes
