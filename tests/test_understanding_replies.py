"""A yes, a no, stop or cancel said where Alexa asks for a slot's value: no value (unless the
slot's type lists the words), and the request it is (`Understander.answer`, `Conversation`)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .dialog_shared import NOW, trip_confirming_city
from .understanding_shared import (
    YES_NO,
    answered_city,
    bare_trips,
    intent_understander,
    understander_of,
)


@pytest.mark.parametrize("city_type", ["AMAZON.City", "AMAZON.FirstName", "Cities"])
@pytest.mark.parametrize(
    "said",
    [
        "no, cancel",
        "no, stop",
        "yes, cancel",
        "no, never mind",
        "cancel please",
        "yes, please",
        # Without the pause the no still opens no value: "no cancel" was the city "no cancel".
        "no cancel",
        "no stop",
        "yes cancel",
        "no never mind",
        # A value taken back: "paris, no" was the city "paris no".
        "paris no",
        "paris, no",
        "new york no",
        # A no of more than one word said last takes it back too: this was a custom type's
        # "paris no thanks", only a one-word no was read.
        "paris, no thanks",
        "paris no thank you",
        # So does a "not" said last: "paris not" was the city "paris not".
        "paris not",
        "paris, not",
        # A yes with thanks or a word that only ends it: "okay thanks" was the city "okay thanks".
        "okay thanks",
        "ok then",
        "yes thank you",
        "sure thanks",
    ],
)
def test_an_answer_of_a_yes_no_stop_or_cancel_or_taking_a_value_back_is_no_value(
    city_type: str, said: str
) -> None:
    """Words of a yes, a no, stop or cancel, or a value a no said last takes back, are none.

    Asked for a city, "no, cancel" was the city "cancel" and "yes, please" the city "yes": the
    opening no (or the filler) left out, the rest was words of any kind. Alexa reads "cancel"
    and "stop" as AMAZON.CancelIntent / StopIntent, and a yes alone as a yes: no value (as a
    bare "yes" is none for the dialog). "no cancel" is "no, cancel" with the pause unwritten.

    "paris no" and "paris, no" were the city "paris no" to a free-form type (and to a custom
    one, which takes any words): no city ends with a no. A no said last takes back what came
    before it, as "not" does ("I do not want paris" is no value): what the user most likely
    means is "not paris", and which city then is unsaid. So the answer is no value, as a no
    said alone is (and as a listed "paris" with a no after it already was); a no said first
    is the other order, an answer to what came before: "no, paris" is "paris". "paris not" is
    "not paris" said in the other order, as "london not" of "weather in london not tomorrow"
    denies what follows it: no value either.

    A yes said with thanks or a word that only ends it ("okay thanks", "ok then", "sure thing")
    answers no question of a value, as "yes, please" does: no city is called "okay thanks".
    """
    assert answered_city(city_type, said) is None


@pytest.mark.parametrize(
    ("city_type", "said", "city"),
    [
        # Unchanged: a value its type lists is the value, whatever else the words mean.
        ("Cities", "no, paris", "paris"),
        ("AMAZON.City", "no, paris", "paris"),
        # A stop or cancel word within a longer value is no request.
        ("AMAZON.City", "bus stop", "bus stop"),
        ("AMAZON.City", "cancel city", "cancel city"),
        # A search query's words are what the user looks for, a no said last too.
        ("AMAZON.SearchQuery", "songs that say no", "songs that say no"),
        ("AMAZON.City", "no paris", "no paris"),  # the no first, without a pause
    ],
)
def test_an_answer_holding_such_a_word_is_still_its_value(
    city_type: str, said: str, city: str
) -> None:
    assert answered_city(city_type, said) == city


def test_a_listed_stop_is_the_value() -> None:
    # A type that lists the word takes it, as a listed "no" fills a yes/no type: the answer's
    # reading; whether the dialog takes it is `test_a_listed_stop_or_cancel_still_leaves`'s.
    _, talk = trip_confirming_city("Cities", more_cities=("stop",))
    answer = talk.understander.answer("no, stop", intent="PlanTrip", slot="city", now=NOW)
    assert answer is not None
    assert answer.fills["city"].value == "stop"


_LEAVING = ("AMAZON.CancelIntent", "AMAZON.StopIntent")


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("stop please", "AMAZON.StopIntent"),
        ("no, stop", "AMAZON.StopIntent"),
        ("cancel please", "AMAZON.CancelIntent"),
        ("no cancel", "AMAZON.CancelIntent"),
        ("stop", "AMAZON.StopIntent"),  # unchanged
        ("cancel", "AMAZON.CancelIntent"),  # unchanged
    ],
)
def test_a_listed_stop_or_cancel_still_leaves(said: str, intent: str) -> None:
    """Asked for a slot whose type lists "stop" or "cancel", those words are still the request.

    "stop" alone left the dialog for AMAZON.StopIntent, but "stop please" and "no, stop" were
    the listed city "stop" (asked "stop, right?"). Amazon's "Use a Dialog Model to Manage
    Ambiguous Responses" lets a custom slot type take a yes or no Alexa asks it for, and says
    nothing of stop or cancel, which Amazon's certification tests expect to end the skill
    wherever it is: a user who says "stop please" means stop. Only a yes or no its type lists
    fills the slot (`test_a_bare_yes_or_no_asked_for_a_slot_is_its_value_where_its_type_lists_it`).
    """
    skill, talk = trip_confirming_city(
        "Cities", more_cities=("stop", "cancel"), built_ins=YES_NO + _LEAVING
    )
    assert talk.say("plan a trip").prompts == ["Where to?"]
    turn = talk.say(said)
    assert turn.understood is not None and turn.understood.intent == intent
    assert skill.last["intent"]["name"] == intent
    assert turn.prompts == []


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("yes, cancel", "AMAZON.CancelIntent"),
        ("yes stop", "AMAZON.StopIntent"),
        # Unchanged: a yes or no alone, or before words that are no stop or cancel.
        ("yes", "AMAZON.YesIntent"),
        ("no thanks", "AMAZON.NoIntent"),
    ],
)
def test_a_yes_then_stop_or_cancel_said_as_an_utterance_is_the_stop_or_cancel(
    said: str, intent: str
) -> None:
    # With AMAZON.YesIntent listed before CancelIntent, "yes, cancel" was AMAZON.YesIntent: read
    # whole, "yes" and "cancel" each explain one word, and the model's order chose.
    _, talk = trip_confirming_city("Cities", built_ins=YES_NO + _LEAVING)
    assert talk.understander.understand(said, now=NOW).intent == intent


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("okay then", "Agree"),
        ("yes cancel", "Agree"),
        ("ok thanks", "AMAZON.YesIntent"),
        ("yes, cancel please", "AMAZON.CancelIntent"),
    ],
)
def test_a_sample_of_the_models_own_opening_with_a_yes_is_its_intent(
    said: str, intent: str
) -> None:
    # A yes or no that opens the utterance is read alone, or left out before stop or cancel,
    # unless the words are a sample of the model's own, said whole: that is its intent.
    intents: list[dict[str, Any]] = [
        {"name": name, "samples": []}
        for name in ("AMAZON.YesIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent")
    ]
    intents.append({"name": "Agree", "samples": ["okay then", "yes cancel"]})
    understander = understander_of({"invocationName": "agreeing", "intents": intents})
    assert understander.understand(said, now=NOW).intent == intent


@pytest.mark.parametrize("city_type", ["AMAZON.City", "Cities"])
@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("no, cancel", "AMAZON.CancelIntent"),
        ("no, stop", "AMAZON.StopIntent"),
        ("yes, cancel", "AMAZON.CancelIntent"),
        ("no, never mind", "AMAZON.CancelIntent"),
        ("cancel please", "AMAZON.CancelIntent"),
        ("no cancel", "AMAZON.CancelIntent"),
        ("no stop", "AMAZON.StopIntent"),
        ("yes cancel", "AMAZON.CancelIntent"),
        # Unchanged: said alone, the built-in's own phrasing left the dialog already.
        ("cancel", "AMAZON.CancelIntent"),
        ("stop", "AMAZON.StopIntent"),
    ],
)
@pytest.mark.parametrize("built_ins", [_LEAVING, YES_NO + _LEAVING])
def test_a_no_and_stop_or_cancel_asked_for_a_city_leaves_the_dialog(
    city_type: str, said: str, intent: str, built_ins: tuple[str, ...]
) -> None:
    """A no (or yes) and then stop or cancel, with a pause between or none, is that request.

    Asked "Where to?", "no, cancel" was the city "cancel" (asked "cancel, right?"): the no
    left out, the rest was words of any kind; "no cancel", said without the pause, stayed the
    city "no cancel". Alexa sends AMAZON.CancelIntent / StopIntent for "cancel" and "stop"
    (every skill has them), here in the no's company too: a user who says "no cancel" means
    "no, cancel" (a pause is a comma a speech recogniser may not write), not a town. Where the
    model has AMAZON.YesIntent too, "yes, cancel" left for it (the utterance's reading kept the
    yes and left out "cancel"): the cancel is the request, the yes only opens it.
    """
    skill, talk = trip_confirming_city(city_type, built_ins=built_ins)
    assert talk.say("plan a trip").prompts == ["Where to?"]
    turn = talk.say(said)
    assert turn.understood is not None and turn.understood.intent == intent
    assert skill.last["intent"]["name"] == intent
    assert turn.prompts == []


@pytest.mark.parametrize("city_type", ["AMAZON.City", "Cities"])
@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("yes", "AMAZON.YesIntent"),
        ("yes please", "AMAZON.YesIntent"),
        ("yes, please", "AMAZON.YesIntent"),
        ("no", "AMAZON.NoIntent"),
        ("no thanks", "AMAZON.NoIntent"),
        # An acknowledgement Amazon lists is a yes too, and no city.
        ("okay", "AMAZON.YesIntent"),
        ("sure", "AMAZON.YesIntent"),
        # So is a yes with thanks or a word that only ends it: "okay thanks" was the city
        # "okay thanks", and "yes thank you" read as an utterance AMAZON.NoIntent's "no thank you".
        ("okay thanks", "AMAZON.YesIntent"),
        ("ok then", "AMAZON.YesIntent"),
        ("yes thank you", "AMAZON.YesIntent"),
        # And phrases of a yes said together: "yes sure" was the city "yes sure".
        ("yes sure", "AMAZON.YesIntent"),
    ],
)
@pytest.mark.parametrize("built_ins", [(), YES_NO])
def test_a_bare_yes_or_no_asked_for_a_city_is_no_city(
    city_type: str, said: str, intent: str, built_ins: tuple[str, ...]
) -> None:
    # Asked "Where to?", "no" was the city "no" (asked "no, right?"): a yes or no said alone
    # answers no question of a value. It leaves the dialog as any other request, for
    # AMAZON.NoIntent or YesIntent where the model has them, else AMAZON.FallbackIntent.
    skill, talk = trip_confirming_city(city_type, built_ins=built_ins)
    intent = intent if built_ins else "AMAZON.FallbackIntent"
    assert talk.say("plan a trip").prompts == ["Where to?"]
    turn = talk.say(said)
    assert turn.understood is not None and turn.understood.intent == intent
    assert skill.last["intent"]["name"] == intent
    assert "dialogState" not in skill.last  # no intent of the dialog model
    assert not turn.session_open or turn.expecting is None


@pytest.mark.parametrize(
    ("said", "intent"), [("yes", "AMAZON.YesIntent"), ("no", "AMAZON.NoIntent")]
)
def test_a_bare_yes_or_no_with_no_dialog_goes_to_the_models_yes_or_no_intent(
    said: str, intent: str
) -> None:
    # No dialog in progress: a yes or no is the model's yes or no intent, in a new session.
    skill, talk = trip_confirming_city("AMAZON.City", built_ins=YES_NO)
    turn = talk.say(said)
    assert turn.understood is not None and turn.understood.intent == intent
    assert [request["intent"]["name"] for request, _ in skill.sent] == [intent]
    assert skill.sent[-1][1] is True  # a new session


@pytest.mark.parametrize("built_ins", [(), YES_NO])
@pytest.mark.parametrize("said", ["no", "yes", "okay", "sure", "right", "alright"])
def test_a_bare_yes_or_no_asked_for_a_slot_is_its_value_where_its_type_lists_it(
    built_ins: tuple[str, ...], said: str
) -> None:
    # A type that lists the word (a custom yes/no type) takes it as its value, as Amazon's
    # "Use a Custom Yes/No Slot to Collect Boolean Values" describes: Alexa, asking for that
    # slot, fills it. With AMAZON.YesIntent and NoIntent in the model, "right" (listed) left
    # the dialog for AMAZON.YesIntent, its reading as an utterance scoring higher.
    listed = ("no", "yes", "ok", "sure", "right", "all right")
    _, talk = trip_confirming_city("Cities", more_cities=listed, built_ins=built_ins)
    talk.say("plan a trip")
    assert talk.say(said).prompts == [f"{said}, right?"]


#: Samples a model adds to the built-in intents it holds.
_OWN_SAMPLES = {
    "AMAZON.StopIntent": ("quit the game",),
    "AMAZON.CancelIntent": ("scrap that",),
    "AMAZON.YesIntent": ("sounds good",),
    "AMAZON.NoIntent": ("not at all",),
}


@pytest.mark.parametrize("city_type", ["AMAZON.City", "Cities"])
@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("no, quit the game", "AMAZON.StopIntent"),
        ("no, scrap that", "AMAZON.CancelIntent"),
        ("yes, sounds good", "AMAZON.YesIntent"),
        ("quit the game please", "AMAZON.StopIntent"),
        # Said alone, it left the dialog already (`Understander.answer` gave the city).
        ("quit the game", "AMAZON.StopIntent"),
        ("not at all", "AMAZON.NoIntent"),
    ],
)
def test_the_models_own_stop_cancel_yes_or_no_sample_asked_for_a_city_is_no_city(
    city_type: str, said: str, intent: str
) -> None:
    # Asked "Where to?", "no, quit the game" was the city "quit the game" (asked "quit the game,
    # right?"), where the model gives AMAZON.StopIntent the sample "quit the game": only the
    # built-in intents' common phrasings ("stop", "cancel") were read as no value. The model's
    # own samples of those intents are read so too, as Alexa reads them.
    skill, talk = trip_confirming_city(city_type, built_ins=_OWN_SAMPLES)
    assert talk.understander.answer(said, intent="PlanTrip", slot="city", now=NOW) is None
    assert talk.say("plan a trip").prompts == ["Where to?"]
    turn = talk.say(said)
    assert turn.understood is not None and turn.understood.intent == intent
    assert skill.last["intent"]["name"] == intent


def test_the_models_own_yes_or_no_sample_answers_a_confirmation() -> None:
    # Asked "paris, right?", the model's own AMAZON.YesIntent sample "sounds good" left the
    # dialog for AMAZON.YesIntent (and "not at all" for NoIntent): only the common phrasings
    # ("yes", "sure") answered it.
    skill, talk = trip_confirming_city("Cities", built_ins=_OWN_SAMPLES)
    assert talk.say("plan a trip to paris").prompts == ["paris, right?"]
    turn = talk.say("not at all")
    assert turn.understood is not None and turn.understood.kind == "answer"
    assert turn.prompts == ["Where to?"]  # denied: asked again, nothing sent (auto delegation)
    assert not skill.sent
    assert talk.say("paris").prompts == ["paris, right?"]
    turn = talk.say("sounds good")
    assert turn.understood is not None and turn.understood.kind == "answer"
    city = skill.last["intent"]["slots"]["city"]
    assert (skill.last["dialogState"], city["confirmationStatus"]) == ("COMPLETED", "CONFIRMED")


def test_a_tie_between_replies_goes_to_the_earlier_whatever_their_sample_counts() -> None:
    """The samples of `REPLIES` were ordered 1000 apart an intent: past 1,000 samples of
    AMAZON.YesIntent, its own took NoIntent's orders (one order, two samples) and then came
    after them, so "not really", a sample of both, went to NoIntent. Orders now follow one
    another, and the tie goes to the intent first in `REPLIES`, as with fewer samples."""
    for count in (5, 1100):
        own = [f"yes number {n}" for n in range(count)]
        yes = {"name": "AMAZON.YesIntent", "samples": [*own, "not really"]}
        intents = [yes, {"name": "AMAZON.NoIntent", "samples": []}]
        understander = understander_of({"invocationName": "tester", "intents": intents})
        orders = [sample.order for sample in understander._replies.samples]
        assert orders == sorted(set(orders))  # strictly increasing
        assert understander.reply("not really") == "AMAZON.YesIntent"


@pytest.mark.parametrize(
    ("asked", "error", "why"),
    [
        ("city", TypeError, "a tuple (intent, slot) of two names, not 'city'"),
        (("PlanTrip",), TypeError, "a tuple (intent, slot) of two names, not ('PlanTrip',)"),
        (["PlanTrip", "city"], TypeError, "of two names, not ['PlanTrip', 'city']"),
        (("PlanTrip", 1), TypeError, "of two names, not ('PlanTrip', 1)"),
        (("Nope", "city"), ValueError, "asked=('Nope', 'city'): the model has no intent Nope"),
        (("PlanTrip", "nope"), ValueError, "intent PlanTrip has no slot nope"),
    ],
)
def test_a_slot_asked_for_that_is_no_slot_of_the_model_is_refused(
    asked: Any, error: type[Exception], why: str
) -> None:
    # A mistyped asked= was ignored without a word: "paris no" stayed the city asked for.
    with pytest.raises(error, match=re.escape(why)):
        bare_trips("Cities").understand("plan a trip to paris no", now=NOW, asked=asked)


def test_a_conversation_asks_for_no_slot_the_edited_model_lost() -> None:
    # The simulator reads a model file edited during a dialog: a slot asked for that the new
    # model has no more ("city", now "town") is no slot asked for, not a ValueError mid-chat.
    _, talk = trip_confirming_city("Cities")
    assert talk.say("plan a trip").prompts == ["Where to?"]
    cities = [{"name": "Cities", "values": [{"name": {"value": "paris"}}]}]
    talk.understander = intent_understander(
        "PlanTrip", {"town": "Cities"}, ["plan a trip to {town}"], types=cities
    )
    turn = talk.say("plan a trip to paris no")
    assert turn.understood is not None and turn.understood.intent == "PlanTrip"
    assert turn.understood.fills["town"].value == "paris no"


@pytest.mark.parametrize("city_type", ["AMAZON.City", "AMAZON.FirstName", "Cities"])
@pytest.mark.parametrize(
    "said", ["yes sure", "okay sure", "sure okay", "yes yes", "sure yes please"]
)
def test_agreeing_phrases_said_together_are_a_yes_as_one_is(city_type: str, said: str) -> None:
    # Asked for a city, "yes please" (a phrasing of AMAZON.YesIntent) was no city while "yes
    # sure" was the city "yes sure", and "yes sure, paris" the free-form city "yes sure paris"
    # where "yes please, paris" is "paris": phrases of a yes said one after another are a yes,
    # as one alone is, and a no of them ("plan a trip to yes sure") no name.
    assert answered_city(city_type, "yes please") is None
    assert answered_city(city_type, said) is None
    assert answered_city(city_type, f"{said}, paris") == "paris"
    understander = bare_trips(city_type)
    assert understander.yes_no(said) == "yes"
    if city_type != "Cities":  # (a custom type's words are what the user said)
        understood = understander.understand(f"plan a trip to {said}", now=NOW)
        assert understood.fills == {}


@pytest.mark.parametrize("said", ["no yes", "no cancel", "sure paris"])
def test_phrases_of_different_replies_said_together_are_none_of_them(said: str) -> None:
    # Unchanged: only phrases of one reply said together are that reply ("no cancel" is no
    # and then cancel: `leaving_after`).
    assert bare_trips("AMAZON.City").reply(said) is None


@pytest.mark.parametrize("said", ["yes no", "yes, no", "okay no", "sure no thanks"])
def test_a_no_said_after_a_yes_leaves_no_yes(said: str) -> None:
    # "yes no" was a plain yes: "no" is a grammar word too ("no more"), and grammar words said
    # last were left out of a reply as "then" of "ok then" is. A word that alone says yes or no
    # ends no reply: a yes and then a no is neither, as "no yes" is.
    assert bare_trips("AMAZON.City").reply(said) is None


@pytest.mark.parametrize("city_type", ["AMAZON.City", "Cities"])
@pytest.mark.parametrize(
    "said", ["yes", "no", "no, yes", "thanks, yes", "stop, yes", "cancel, yes", "yes, please"]
)
def test_a_yes_or_no_after_an_opening_is_no_value_of_the_slot_asked_for(
    city_type: str, said: str
) -> None:
    """Read as a request while Alexa asks for the city, with a sample of the city alone
    ("{city}") and no AMAZON.YesIntent, "no, yes", "thanks, yes" and "stop, yes" were the city
    "yes" (a custom type's; AMAZON.City's "stop, yes" was none), as were "yes" and "no" alone:
    the opening left out, the yes that is left answered no question of a value, as the answer
    of the same words is none (`said_as_reply`). They are the fallback now, as without that
    sample."""
    samples = ("plan a trip to {city}", "{city}")
    _, talk = trip_confirming_city(city_type, samples=samples)
    understander = talk.understander
    assert understander.answer(said, intent="PlanTrip", slot="city", now=NOW) is None
    understood = understander.understand(said, now=NOW, asked=("PlanTrip", "city"))
    assert (understood.intent, understood.fills) == ("AMAZON.FallbackIntent", {})
    assert talk.say("plan a trip").prompts == ["Where to?"]
    turn = talk.say(said)
    assert turn.understood is not None and turn.understood.intent == "AMAZON.FallbackIntent"
    # Unchanged: a city after the opening is the city.
    corrected = understander.understand("no, paris", now=NOW, asked=("PlanTrip", "city"))
    assert corrected.fills["city"].value == "paris"
