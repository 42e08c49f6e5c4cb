"""A built-in intent's phrase said alone ("yes", "help", "never mind") to a skill with a sample of
a slot alone ("{city}", "{name}"): that built-in intent where the model has it, else
AMAZON.FallbackIntent, else the closest sample; never the slot's value."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill.understanding import Understander

from .dialog_shared import Skill, answer, conversation, trip_confirming_city
from .understanding_shared import NOW, YES_NO, heard_values, understander_of

#: What stop, cancel and help are said as (AMAZON.StopIntent, CancelIntent, HelpIntent).
LEAVING_AND_HELP = {
    "stop": "AMAZON.StopIntent",
    "off": "AMAZON.StopIntent",
    "cancel": "AMAZON.CancelIntent",
    "never mind": "AMAZON.CancelIntent",
    "help": "AMAZON.HelpIntent",
}
#: A city and a first name, each asked with a sample of it alone.
NAMES = (("city", "AMAZON.City"), ("name", "AMAZON.FirstName"))


def _trips(slot: str, slot_type: str, *built_ins: str, **more: Any) -> Understander:
    """A trip planner whose ``slot`` (of ``slot_type``; "Cities" lists paris and berlin) is said
    alone ("{city}"), with the ``built_ins`` intents (no samples of their own) and ``more``
    intents (name: samples)."""
    intents: list[dict[str, Any]] = [
        {
            "name": "PlanTrip",
            "slots": [{"name": slot, "type": slot_type}],
            "samples": [f"{{{slot}}}", f"plan a trip to {{{slot}}}"],
        },
        *({"name": name, "samples": samples} for name, samples in more.items()),
        *({"name": name, "samples": []} for name in built_ins),
    ]
    cities = {"name": "Cities", "values": [{"name": {"value": v}} for v in ("paris", "berlin")]}
    return understander_of(
        {"invocationName": "trip planner", "intents": intents, "types": [cities]}
    )


@pytest.mark.parametrize(("slot", "slot_type"), NAMES)
@pytest.mark.parametrize("said", ["yes", "no", "yes please", "no thanks", "sure", "okay", "um yes"])
def test_a_yes_or_no_alone_is_the_fallback_intent_where_the_model_has_no_yes_or_no(
    slot: str, slot_type: str, said: str
) -> None:
    # It filled the slot: the city "yes", where Alexa sends AMAZON.FallbackIntent.
    trips = _trips(slot, slot_type, "AMAZON.FallbackIntent")
    heard = trips.understand(said, now=NOW)
    assert heard.intent == "AMAZON.FallbackIntent", heard.explain()
    assert heard.fallback and not heard.fills
    assert any("phrase said alone" in note for note in heard.notes), heard.notes


@pytest.mark.parametrize(("slot", "slot_type"), NAMES)
@pytest.mark.parametrize(("said", "intent"), [("yes", YES_NO[0]), ("no", YES_NO[1])])
def test_a_yes_or_no_alone_is_the_model_s_own_yes_or_no_intent(
    slot: str, slot_type: str, said: str, intent: str
) -> None:
    trips = _trips(slot, slot_type, *YES_NO, "AMAZON.FallbackIntent")
    assert heard_values(trips, said) == (intent, {})


@pytest.mark.parametrize(("slot", "slot_type"), NAMES)
@pytest.mark.parametrize("said", ["yes thank you", "yes sure", "no thanks", "okay then"])
def test_a_yes_or_no_with_thanks_or_twice_is_the_model_s_yes_or_no_intent(
    slot: str, slot_type: str, said: str
) -> None:
    # The slot alone took "yes thank you" and "yes sure" whole, and its reading, dropped as a
    # yes, left AMAZON.FallbackIntent, where the model has AMAZON.YesIntent ("no thanks" and
    # "okay then" were their intents already: kept so).
    trips = _trips(slot, slot_type, *YES_NO, "AMAZON.FallbackIntent")
    intent, slots = heard_values(trips, said)
    assert (intent, slots) == (YES_NO[said.startswith("no")], {})


@pytest.mark.parametrize(("slot", "slot_type"), NAMES)
def test_without_a_fallback_intent_a_yes_alone_is_no_value(slot: str, slot_type: str) -> None:
    # No sample comes near "yes" (no word shared): no request, as for "stop" without
    # AMAZON.StopIntent; never the city "yes".
    heard = _trips(slot, slot_type).understand("yes", now=NOW)
    assert heard.request is None and heard.kind == "out of domain", heard.explain()
    # The closest sample sharing a word gets it.
    closer = _trips(slot, slot_type, Agree=["yes i want to go"])
    assert heard_values(closer, "yes") == ("Agree", {})


@pytest.mark.parametrize(("slot", "slot_type"), NAMES)
@pytest.mark.parametrize(("said", "intent"), LEAVING_AND_HELP.items())
def test_stop_cancel_and_help_alone_are_their_built_in_intents(
    slot: str, slot_type: str, said: str, intent: str
) -> None:
    required = ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.HelpIntent")
    trips = _trips(slot, slot_type, *required, "AMAZON.FallbackIntent")
    assert heard_values(trips, said) == (intent, {})
    # Without it, AMAZON.FallbackIntent: "help" was the city "help".
    trips = _trips(slot, slot_type, "AMAZON.FallbackIntent")
    assert heard_values(trips, said) == ("AMAZON.FallbackIntent", {})


@pytest.mark.parametrize("slot_type", ["AMAZON.City", "AMAZON.FirstName", "Cities"])
@pytest.mark.parametrize("yes_no", [(), YES_NO])
@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("no, stop", "AMAZON.StopIntent"),
        ("no cancel", "AMAZON.CancelIntent"),
        ("yes, cancel", "AMAZON.CancelIntent"),
        ("no, help", "AMAZON.HelpIntent"),
    ],
)
def test_a_yes_or_no_said_before_stop_cancel_or_help_is_left_out_beside_a_slot_alone(
    slot_type: str, yes_no: tuple[str, ...], said: str, intent: str
) -> None:
    # Since built-in samples are read only as said, "no, stop" was AMAZON.FallbackIntent (the
    # city "no stop" dropped) and a custom type's value "no stop": "{city}" matched the words
    # whole, so the opening "no" was never left out (`Understander._opening_reply`).
    required = ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.HelpIntent")
    trips = _trips("city", slot_type, *required, *yes_no, "AMAZON.FallbackIntent")
    assert heard_values(trips, said) == (intent, {})
    assert heard_values(trips, "no, paris")[0] == "PlanTrip"  # a value's intent stays its own


def test_a_value_said_with_the_intent_s_own_words_stays_a_value() -> None:
    # A request's sample asks no yes or no question: "plan a trip to yes" keeps its city.
    trips = _trips("city", "AMAZON.City", "AMAZON.FallbackIntent")
    assert heard_values(trips, "plan a trip to yes") == ("PlanTrip", {"city": "yes"})
    assert heard_values(trips, "paris") == ("PlanTrip", {"city": "paris"})


def _quiz(*values: str, built_ins: tuple[str, ...] = ()) -> Understander:
    """A quiz whose samples are of a slot alone, "{answer}", and "my answer is {answer}", its
    custom type listing ``values``, beside AMAZON.FallbackIntent and the ``built_ins``."""
    answer = {"name": "Answer", "slots": [{"name": "answer", "type": "Answer"}]}
    intents = [
        {**answer, "samples": ["{answer}", "my answer is {answer}"]},
        {"name": "AMAZON.FallbackIntent", "samples": []},
        *({"name": name, "samples": []} for name in built_ins),
    ]
    types = [{"name": "Answer", "values": [{"name": {"value": value}} for value in values]}]
    return understander_of({"invocationName": "quiz", "intents": intents, "types": types})


def test_a_custom_type_listing_yes_takes_it() -> None:
    # Amazon's "Use a Custom Yes/No Slot to Collect Boolean Values": a type that lists the
    # words takes them.
    assert heard_values(_quiz("yes"), "yes") == ("Answer", {"answer": "yes"})


def test_a_yes_a_custom_type_lists_is_the_yes_intent_where_the_model_has_it() -> None:
    # As the README says: said alone, the built-in's phrase; with the sample's own words, the
    # type's value.
    quiz = _quiz("yes", "no", built_ins=("AMAZON.YesIntent",))
    assert heard_values(quiz, "yes") == ("AMAZON.YesIntent", {})
    assert heard_values(quiz, "yes thank you very much") == ("AMAZON.YesIntent", {})
    assert heard_values(quiz, "my answer is yes") == ("Answer", {"answer": "yes"})


@pytest.mark.parametrize(
    ("said", "value"),
    [
        ("yes thank you", "yes"),
        ("no thanks", "no"),
        ("yes thank you very much", "yes"),
        ("yes thank you so much", "yes"),
    ],
)
def test_a_yes_with_thanks_is_the_value_a_custom_type_lists_where_the_model_has_no_yes(
    said: str, value: str
) -> None:
    # "yes thank you" went to AMAZON.FallbackIntent, read as AMAZON.YesIntent's phrase the model
    # lacks: the intent whose slot's type lists "yes" is the better match, as it is of "yes"
    # alone, the thanks left out (as of "paris, thanks"). Stressed thanks ("thank you very
    # much") were no reply of `reply`'s, so no built-in's phrase: AMAZON.FallbackIntent still.
    heard = _quiz("yes", "no").understand(said, now=NOW)
    assert (heard.intent, [(slot.name, slot.words) for slot in heard.slots]) == (
        "Answer",
        [("answer", value)],
    ), heard.explain()


def test_a_listed_value_with_thanks_stressed_is_that_value() -> None:
    # "paris thank you very much" is more words than the type's longest value and its thanks:
    # no sample matched them, and the thanks were never left out (AMAZON.FallbackIntent).
    trips = _trips("city", "Cities", "AMAZON.FallbackIntent")
    assert heard_values(trips, "paris thank you very much") == ("PlanTrip", {"city": "paris"})


@pytest.mark.parametrize(
    ("said", "value"),
    [("yes please, thanks", "yes please"), ("yes please thank you", "yes please")],
)
def test_a_listed_yes_of_several_words_with_thanks_is_that_value(said: str, value: str) -> None:
    # Only "yes" was tried without the thanks (all of "please thank you" left out, "please"
    # a thanks word too): a type listing "yes please" got AMAZON.FallbackIntent for it.
    heard = _quiz("yes please", "no").understand(said, now=NOW)
    assert [(slot.name, slot.words) for slot in heard.slots] == [("answer", value)], heard.explain()


@pytest.mark.parametrize("city_type", ["AMAZON.City", "AMAZON.FirstName", "Cities"])
@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("help", "AMAZON.HelpIntent"),
        ("help me", "AMAZON.HelpIntent"),
        ("start over", "AMAZON.StartOverIntent"),
        ("next", "AMAZON.NextIntent"),
    ],
)
@pytest.mark.parametrize("has_it", [True, False])
def test_a_built_in_intent_s_phrase_asked_for_a_city_is_no_city(
    city_type: str, said: str, intent: str, has_it: bool
) -> None:
    # Asked "Where to?", "help" without AMAZON.HelpIntent was the city "help" ("help, right?"),
    # as "start over" and "next" were cities whatever the model: an answer is no value where a
    # request is none. It leaves the dialog, for the intent where the model has it, else
    # AMAZON.FallbackIntent, as a yes or no alone does (tests/test_understanding_replies.py).
    skill, talk = trip_confirming_city(city_type, built_ins=(intent,) if has_it else ())
    assert talk.say("plan a trip").prompts == ["Where to?"]
    turn = talk.say(said)
    expected = intent if has_it else "AMAZON.FallbackIntent"
    assert turn.understood is not None and turn.understood.intent == expected
    assert skill.last["intent"]["name"] == expected
    assert "dialogState" not in skill.last and turn.prompts == []


@pytest.mark.parametrize("said", ["start over", "next"])
def test_a_built_in_intent_s_phrase_asked_for_by_the_skill_s_elicit_slot_is_no_value(
    said: str,
) -> None:
    # The skill's own Dialog.ElicitSlot, as Alexa's: the size "start over" was sent
    # IN_PROGRESS to a model without AMAZON.StartOverIntent (the pizza model's sizes are a
    # custom type, which takes unlisted words).
    elicit = {
        "type": "Dialog.ElicitSlot",
        "slotToElicit": "size",
        "updatedIntent": {"name": "OrderPizza", "confirmationStatus": "NONE", "slots": {}},
    }
    skill = Skill(answer("Which size?", end=False, directives=[elicit]), answer("Ok."))
    talk = conversation(skill)
    talk.say("order a pizza")
    talk.say(said)
    assert skill.last["intent"]["name"] == "AMAZON.FallbackIntent"
    assert "dialogState" not in skill.last


def test_a_built_in_intent_s_phrase_its_type_lists_is_the_city_asked_for() -> None:
    # A value the type lists stays one, as a yes a custom yes/no type lists does.
    skill, talk = trip_confirming_city("Cities", more_cities=("help",))
    talk.say("plan a trip")
    assert talk.say("help").prompts == ["help, right?"]
    talk.say("yes")
    assert skill.slot("city")["value"] == "help"


#: Amazon's "Standard Built-in Intents" lists these as common utterances (as do Amazon Lex's
#: pages of the intents both have): each is its intent said exactly.
LISTED = {
    "start over": "AMAZON.StartOverIntent",
    "restart": "AMAZON.StartOverIntent",
    "skip forward": "AMAZON.NextIntent",
    "back up": "AMAZON.PreviousIntent",
    "pause that": "AMAZON.PauseIntent",
    "keep going": "AMAZON.ResumeIntent",
    "say that again": "AMAZON.RepeatIntent",
    "keep repeating this song": "AMAZON.LoopOnIntent",
    "shuffle the music": "AMAZON.ShuffleOnIntent",
    "can you help me": "AMAZON.HelpIntent",
}


def _all_built_ins() -> Understander:
    """A trip planner whose model has every built-in intent the language knows, and no sample
    of a slot alone."""
    names = understander_of({"intents": []}).language.builtin_intents
    intents: list[dict[str, Any]] = [
        {
            "name": "PlanTrip",
            "slots": [{"name": "city", "type": "AMAZON.City"}],
            "samples": ["plan a trip to {city}"],
        },
        *({"name": name, "samples": []} for name in names),
    ]
    return understander_of({"invocationName": "trip planner", "intents": intents})


@pytest.mark.parametrize(
    "said",
    [
        *("sorry", "pardon", "come again", "what did you say"),
        *("i need help", "what can i say", "how does this work"),
        *("hold on", "carry on", "play again", "unpause"),
        *("begin again", "from the beginning", "turn on loop"),
        # A yes, a no, stop and cancel too ("Standard Built-in Intents" lists "yes", "yes
        # please", "sure"; "no", "no thanks"; "stop", "off", "shut up"; "cancel", "never mind",
        # "forget it"): "yeah", "nope", "bye" were theirs.
        *("yeah", "yep", "right", "sure thing", "that's right", "of course", "go ahead"),
        *("nope", "nah", "no way", "not really", "wrong"),
        *("bye", "goodbye", "enough", "stop it", "be quiet", "i'm done"),
        *("cancel that", "forget about it"),
        *(
            "previous",
            "previous page",
            "next page",
            "tell me more",
            "go to settings",
            "go to the home screen",
        ),
    ],
)
def test_a_phrase_amazon_does_not_list_is_no_built_in_intent(said: str) -> None:
    # "sorry" was AMAZON.RepeatIntent, "hold on" PauseIntent, "what can i say" HelpIntent: the
    # built-ins are triggered by an exactly matching sample ("Tips for Using Built-in Intents"),
    # and Amazon's are known only as far as it lists them; a skill adds its users' phrasings
    # as samples of its own.
    heard = _all_built_ins().understand(said, now=NOW)
    assert heard.intent == "AMAZON.FallbackIntent", heard.explain()


@pytest.mark.parametrize(("said", "intent"), LISTED.items())
def test_a_phrase_amazon_lists_is_its_built_in_intent(said: str, intent: str) -> None:
    assert heard_values(_all_built_ins(), said) == (intent, {})


@pytest.mark.parametrize(
    ("said", "listed"),
    [
        ("say it again", "say that again"),
        ("repeat it", "repeat that"),
        ("page", "page up"),
        ("scroll", "scroll up"),
        ("back", "back up"),
        ("again", "start again"),
        ("next one", "next"),
        ("stop now", "stop"),
    ],
)
def test_a_listed_phrase_said_loosely_is_no_built_in_intent(said: str, listed: str) -> None:
    # "say it again" was AMAZON.RepeatIntent (read loosely as "say that again"), "previous"
    # PageUpIntent ("previous page"): "In order for a built-in intent to be triggered, it must
    # include an exactly matching sample utterance", unlike a custom intent ("Tips for Using
    # Built-in Intents for Your Skill").
    built_ins = _all_built_ins()
    assert built_ins.understand(listed, now=NOW).exact
    heard = built_ins.understand(said, now=NOW)
    assert heard.intent == "AMAZON.FallbackIntent", heard.explain()


def test_a_built_in_intent_s_own_sample_is_read_exactly_a_custom_intent_s_loosely() -> None:
    # The same page: the samples a model adds to a built-in intent extend it, read as said; a
    # custom intent's are read loosely too.
    def model(intent: str) -> Understander:
        intents = [
            {"name": intent, "samples": ["quit the game"]},
            {"name": "AMAZON.FallbackIntent", "samples": []},
        ]
        return understander_of({"invocationName": "quiz", "intents": intents})

    assert heard_values(model("AMAZON.StopIntent"), "quit the game") == ("AMAZON.StopIntent", {})
    assert heard_values(model("AMAZON.StopIntent"), "quit game now")[0] == "AMAZON.FallbackIntent"
    assert heard_values(model("Quit"), "quit game now") == ("Quit", {})


_LEAVING = ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.HelpIntent")


def _leaving(alone: bool) -> Understander:
    """A trip planner with stop, cancel, help and AMAZON.FallbackIntent, whose city is said
    alone ("{city}", ``alone``), else one whose only sample is "plan a trip"."""
    if alone:
        return _trips("city", "AMAZON.City", *_LEAVING, "AMAZON.FallbackIntent")
    plan = {"name": "PlanTrip", "samples": ["plan a trip"]}
    built_ins = [{"name": name, "samples": []} for name in (*_LEAVING, "AMAZON.FallbackIntent")]
    return understander_of({"invocationName": "trips", "intents": [plan, *built_ins]})


@pytest.mark.parametrize("alone", [True, False])
@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("stop stop", "AMAZON.StopIntent"),
        ("help help", "AMAZON.HelpIntent"),
        ("help me help me", "AMAZON.HelpIntent"),
        ("stop, alexa", "AMAZON.StopIntent"),
        ("help alexa", "AMAZON.HelpIntent"),
        ("never mind, alexa", "AMAZON.CancelIntent"),
        ("stop stop alexa", "AMAZON.StopIntent"),
        ("help help help", "AMAZON.HelpIntent"),
        ("stop stop stop stop", "AMAZON.StopIntent"),
        ("help me help me help me, alexa", "AMAZON.HelpIntent"),
    ],
)
def test_a_built_in_phrase_said_twice_or_before_a_wake_word_is_the_phrase(
    alone: bool, said: str, intent: str
) -> None:
    # Since built-ins are read only as said, these were AMAZON.FallbackIntent, or the city "help
    # help" and "alexa" of "{city}" (``alone``), where a wake word said first ("alexa, stop")
    # and a yes or no said twice ("yes yes") were left out. Said three or four times, the
    # phrase was halved once at most ("help help help" the city, "stop stop stop stop" no
    # reading of "stop stop").
    understander = _leaving(alone)
    assert heard_values(understander, said) == (intent, {})
    assert heard_values(understander, "paris paris")[0] != intent  # a value said twice stays one


def test_a_help_phrase_amazon_shows_elsewhere_is_the_help_intent() -> None:
    # Amazon's "Tips for Using Built-in Intents for Your Skill" names "how do I use this skill"
    # among AMAZON.HelpIntent's utterances: it was AMAZON.FallbackIntent, as the table held
    # only "Standard Built-in Intents"' list. ("yeah", "nope": no Amazon source shows them.)
    trips = _leaving(alone=False)
    assert heard_values(trips, "how do I use this skill") == ("AMAZON.HelpIntent", {})
    assert heard_values(trips, "how do I use this app")[0] == "AMAZON.FallbackIntent"


@pytest.mark.parametrize(
    ("said", "intent"),
    [("stop echo", "StopEcho"), ("help help", "Chant"), ("cancel cancel cancel", "Chant")],
)
def test_a_sample_said_whole_is_its_intent_though_it_repeats_a_built_in_phrase(
    said: str, intent: str
) -> None:
    # A repeat or a trailing wake word was left out before the samples were tried: "stop echo",
    # "help help", the skill's own samples, were AMAZON.StopIntent and HelpIntent.
    intents = [
        {"name": "StopEcho", "samples": ["stop echo"]},
        {"name": "Chant", "samples": ["help help", "cancel cancel cancel"]},
        *({"name": name, "samples": []} for name in (*_LEAVING, "AMAZON.FallbackIntent")),
    ]
    echoes = understander_of({"invocationName": "echoes", "intents": intents})
    assert heard_values(echoes, said) == (intent, {})
    assert heard_values(echoes, "stop stop") == ("AMAZON.StopIntent", {})


@pytest.mark.parametrize("alone", [True, False])
@pytest.mark.parametrize(
    "said",
    [
        "stop alexa please",
        "stop, alexa, please",
        "stop alexa um",
        "stop alexa please alexa",
        "alexa stop please",
        "please stop alexa",
        "stop, alexa",
        "hey alexa, stop",
        "please, alexa, stop",
        "stop stop please",
    ],
)
def test_a_wake_word_and_politeness_words_around_a_built_in_phrase_are_left_out(
    alone: bool, said: str
) -> None:
    # "stop alexa please" was the city "stop alexa" of "{city}" (``alone``), else
    # AMAZON.FallbackIntent: a wake word was left out said first or last, not before a "please"
    # or "um" said last; "hey alexa, stop" and "please, alexa, stop" (a wake word after such a
    # word, said first) and "stop stop please" (a repeat before one) were AMAZON.FallbackIntent.
    understander = _leaving(alone)
    assert heard_values(understander, said) == ("AMAZON.StopIntent", {})
    # A value with "please" after it stays one: nothing left out but the "please", and no
    # wake word noted (a run of fillers alone is read with the words).
    heard = understander.understand("paris please", now=NOW)
    assert heard_values(understander, "paris please") == (
        ("PlanTrip", {"city": "paris"}) if alone else ("AMAZON.FallbackIntent", {})
    )
    assert not any("wake word" in note for note in heard.notes), heard.notes
