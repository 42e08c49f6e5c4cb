"""Understanding utterances: normalisation, launching and addressing the skill, the request Alexa
sends and its explanation, the clock (ranking: _ranking.py; model files: _models.py; a free-form
value beside a date: _free_values.py)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.interaction import InteractionModelError
from alexaskill.understanding import (
    Conversation,
    InteractionModel,
    Understander,
    load_model,
    model_from_skill,
)

from .conftest import SKILL_ID, THIRD_SKILL_ID
from .understanding_shared import MODEL_FILE, NOW, intent_of, pizza_understander, slots_of


@pytest.fixture(scope="module")
def pizza() -> Understander:
    return pizza_understander()


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
        "nothing to understand\n  note: 1,200 words: more than the 100 understood in one utterance"
    )
    turn = Conversation(pizza, _Silent()).say(said)
    assert turn.exchanges == []
    assert turn.notes == ["1,200 words: more than the 100 understood in one utterance"]
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
        ("ask pizza palace what is on the menu", "AMAZON.HelpIntent"),
        # A built-in intent's sample is read only as said ("Tips for Using Built-in Intents for
        # Your Skill"): no AMAZON.HelpIntent of "what is on the menu" read loosely.
        ("ask pizza palace about the menu", "AMAZON.FallbackIntent"),
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
    assert [slot.value for slot in understood.slots if slot.name == "size"] == ["small"]


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
    # The name is what comes before "for".
    assert [(slot.name, slot.value) for slot in one_shot.slots] == [("drink", "a chai")]
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
    size = [slot for slot in as_json["slots"] if slot["name"] == "size"]
    assert [slot["resolved"] for slot in size] == [[{"name": "large", "id": "LARGE"}]]
    json.dumps(as_json)  # plain JSON


def test_the_now_given_resolves_relative_dates(pizza: Understander) -> None:
    later = datetime.datetime(2027, 1, 10, 9, 0)
    request = pizza.understand("deliver it tomorrow", now=later).request
    assert request is not None
    assert request["intent"]["slots"]["date"]["value"] == "2027-01-11"


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
    # As the Understander alone (above), on its clock: the device with no time zone set, not
    # this machine.
    from types import SimpleNamespace

    from alexaskill.understanding import Conversation
    from alexaskill.understanding import compiled as module

    monkeypatch.setattr(module, "datetime", SimpleNamespace(datetime=_Clock, UTC=datetime.UTC))
    skill = Skill(THIRD_SKILL_ID)
    nothing_sent = SimpleNamespace(send=None)  # the clock is read before anything is sent
    conversation = Conversation(Understander(model_from_skill(skill)), nothing_sent)
    assert conversation.now() == datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC)


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
        assert [(slot.name, slot.value) for slot in understood.slots] == [("number", "5")]
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


def test_without_an_invocation_name_the_name_ends_at_a_connective() -> None:
    # The first name length whose rest read won: "ask corner cafe for the weather in paris"
    # named the skill "corner cafe for the", as "weather in paris" is a sample and "the weather
    # in paris" is not quite. Amazon's one-shot phrasings put a connective ("for", "to",
    # "about", "if", "whether") between the name and the request.
    skill = Skill(SKILL_ID)

    @skill.intent(
        "GetWeather",
        utterances=["weather in {city}", "what's the weather in {city}"],
        slots={"city": "AMAZON.City"},
    )
    def weather(city: str) -> None: ...

    @skill.intent(
        "FindRecipe",
        utterances=["find a recipe", "find a recipe with {food}"],
        slots={"food": "AMAZON.Food"},
    )
    def recipe(food: str = "") -> None: ...

    anonymous = Understander(model_from_skill(skill))
    for said in (
        "ask corner cafe for the weather in paris",
        "ask corner cafe about the weather in paris",
        "ask corner cafe for weather in paris",
    ):
        understood = anonymous.understand(said, now=NOW)
        assert understood.intent == "GetWeather", said
        assert 'asked the skill "corner cafe" in one go' in understood.notes, said
        assert [(slot.name, slot.value) for slot in understood.slots] == [("city", "paris")]
    # The other side: a name that holds a connective is whole where the rest after its own
    # connective is the request ("cooks to find a recipe" reads as no request).
    understood = anonymous.understand("ask tips for cooks to find a recipe", now=NOW)
    assert understood.intent == "FindRecipe"
    assert 'asked the skill "tips for cooks" in one go' in understood.notes
    # Read loosely at each connective, the closest request wins (the longest name on a tie):
    # "ask tips for cooks for a recipe" asked the skill "tips", the first connective's, the
    # request "cooks for a recipe" ("cooks for" no word of it); so did "food" of "food for
    # thought".
    for said in ("ask tips for cooks for a recipe", "ask tips for cooks for a recipe with eggs"):
        understood = anonymous.understand(said, now=NOW)
        assert understood.intent == "FindRecipe", said
        assert 'asked the skill "tips for cooks" in one go' in understood.notes, understood.notes
    understood = anonymous.understand("ask food for thought for the weather in paris", now=NOW)
    assert understood.intent == "GetWeather"
    assert 'asked the skill "food for thought" in one go' in understood.notes, understood.notes
    assert [(slot.name, slot.value) for slot in understood.slots] == [("city", "paris")]


@pytest.mark.parametrize(
    "said", ["tell me the weather in paris", "tell me a joke", "ask us for the weather in paris"]
)
def test_a_model_without_a_name_takes_no_pronoun_for_one(said: str) -> None:
    # Any name was taken, "me" too: "tell me the weather in paris" said in a session left it,
    # a one-shot request to the skill "me the", and "tell me a joke" opened the skill "me a
    # joke". No skill is named by a pronoun (one word is a brand's name, never "me").
    skill = Skill(SKILL_ID)

    @skill.intent(
        "GetWeather",
        utterances=["what's the weather in {city}", "weather in {city}"],
        slots={"city": "AMAZON.City"},
    )
    def weather(city: str) -> None: ...

    anonymous = Understander(model_from_skill(skill))
    assert anonymous.model.invocation is None
    understood = anonymous.understand(said, now=NOW)
    assert understood.request is not None
    assert understood.request["type"] == "IntentRequest", understood.notes
    assert not understood.new_session, understood.notes
    # A name that is no pronoun is still any skill's.
    other = anonymous.understand("ask corner cafe what's the weather in paris", now=NOW)
    assert other.new_session
    assert other.notes[0] == 'asked the skill "corner cafe" in one go'


def test_without_an_invocation_name_the_longest_name_whose_request_reads_strictly_wins() -> None:
    # Read strictly, the first connective whose rest read named the skill: "ask tips for cooks
    # for chai" asked "tips" for the drink "cooks for chai", no listed value, where "tips for
    # cooks" is asked for the listed chai. As Alexa takes the longest name that matches, the
    # longest wins of the names whose request reads, unless the only reading of its rest is a
    # sample of slots alone that takes words its types do not know ("two" of "{drink}").
    skill = Skill(SKILL_ID)
    skill.add_slot_type("Drink", ["latte", "chai"])

    @skill.intent(
        "OrderDrink",
        utterances=["{drink}", "order {drink} for {count}"],
        slots={"drink": "Drink", "count": "AMAZON.NUMBER"},
    )
    def order(drink: str, count: int = 1) -> None: ...

    anonymous = Understander(model_from_skill(skill))
    for said, name, slots in [
        ("ask tips for cooks for chai", "tips for cooks", [("drink", "chai")]),
        # A tie, both read by "{drink}" of words it does not list: the longest name wins, the
        # rule no test held before (a loose round's scores, sums over different words, tie
        # only by chance; the tests of it pass with the length left out of the ranking).
        ("ask tips for cooks for mocha", "tips for cooks", [("drink", "mocha")]),
        ("ask cafe to order chai for two", "cafe", [("drink", "chai"), ("count", "2")]),
    ]:
        understood = anonymous.understand(said, now=NOW)
        assert understood.notes[0] == f'asked the skill "{name}" in one go', understood.notes
        assert [(slot.name, slot.value) for slot in understood.slots] == slots


def test_without_an_invocation_name_a_number_alone_asked_of_a_longer_name_is_no_closer() -> None:
    # A request read strictly as a number by a sample of slots alone ("{people}") tied with
    # one read by a sample with words of its own, and the longest name won: "ask cafe for a
    # table for two" asked "cafe for a table" for two, "ask cafe to order chai for two" asked
    # "cafe to order chai" for a table for two, where "cafe" is asked what the words say.
    skill = Skill(SKILL_ID)
    skill.add_slot_type("Drink", ["latte", "chai"])

    @skill.intent(
        "OrderDrink",
        utterances=["{drink}", "order {drink} for {count}"],
        slots={"drink": "Drink", "count": "AMAZON.NUMBER"},
    )
    def order(drink: str, count: int = 1) -> None: ...

    @skill.intent("Table", utterances=["a table for {people}", "{people}"])
    def table(people: int) -> None: ...

    anonymous = Understander(model_from_skill(skill))
    for said, name, intent, slots in [
        ("ask cafe for a table for two", "cafe", "Table", [("people", "2")]),
        (
            "ask cafe to order chai for two",
            "cafe",
            "OrderDrink",
            [("drink", "chai"), ("count", "2")],
        ),
        # A listed drink alone still beats an unlisted one (guard).
        ("ask tips for cooks for chai", "tips for cooks", "OrderDrink", [("drink", "chai")]),
    ]:
        understood = anonymous.understand(said, now=NOW)
        assert understood.notes[0] == f'asked the skill "{name}" in one go', understood.notes
        assert understood.intent == intent
        assert [(slot.name, slot.value) for slot in understood.slots if slot.value] == slots
