"""``client.say()``: utterances understood from the skill's own model, signed, sent, answered.

An answer Alexa would refuse, and the session it ends: test_say_refused.py."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from alexaskill import (
    DialogSlot,
    IntentRequest,
    Session,
    Skill,
    Validate,
    ask,
    delegate,
    speak,
)
from alexaskill.testing import SkillClientFactory, TestClient

from .conftest import SKILL_ID

MODEL_FILE = Path(__file__).parent / "fixtures" / "models" / "en-US.json"


def sunday() -> datetime.datetime:
    # The user's time: Sunday 29 November 2026, noon (requests are dated and signed now).
    return datetime.datetime(2026, 11, 29, 12, 0)


def make_skill() -> Skill:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("Drink", [{"name": "coffee", "id": "COFFEE", "synonyms": ["espresso"]}])

    @skill.launch
    def launch() -> Any:
        return ask("Welcome to the café. What would you like?")

    @skill.intent(
        "Order",
        utterances=["i'd like a {drink}", "a {drink} please", "order {count} {drink}"],
        slots={"drink": "Drink"},
    )
    def order(session: Session, drink: str, count: int = 1) -> Any:
        session.attributes["drink"] = drink
        return ask(f"{count} {drink}, coming up. Anything else?")

    @skill.intent(
        "Book",
        utterances=["book a table", "book a table for {people}", "book a table {date}"],
        slots={
            "people": DialogSlot(
                "AMAZON.NUMBER",
                elicit="For how many people?",
                validations=[Validate.at_most(8, "We seat eight at most. How many?")],
            ),
            "date": DialogSlot(
                "AMAZON.DATE", elicit="Which day?", confirm="On {date}, is that right?"
            ),
        },
        confirm="A table for {people} on {date}. Shall I book it?",
    )
    def book(request: IntentRequest, people: int, date: datetime.date) -> Any:
        if request.intent.confirmation_status == "DENIED":
            return speak("Okay, no booking.")
        return speak(f"Booked for {people} on {date:%A}.")

    @skill.intent(
        "Reserve",
        utterances=["reserve a room", "reserve a room for {nights}"],
        slots={"nights": DialogSlot("AMAZON.NUMBER", elicit="How many nights?")},
        auto_delegate=False,
    )
    def reserve(request: IntentRequest, nights: int | None = None) -> Any:
        if request.dialog_state != "COMPLETED":
            return delegate()
        return speak(f"{nights} nights reserved.")

    @skill.intent("AMAZON.StopIntent")
    def stop() -> Any:
        return speak("Goodbye.")

    @skill.intent("AMAZON.FallbackIntent")
    def fallback() -> Any:
        return ask("Sorry, I didn't get that.")

    return skill


@pytest.fixture
def client(skill_client: SkillClientFactory) -> TestClient:
    return skill_client(make_skill(), invocation="the cafe", local_now=sunday)


def test_say_understands_signs_and_sends(client: TestClient) -> None:
    result = client.say("I'd like an espresso please")
    assert result.status_code == 200
    assert result.speech == "1 espresso, coming up. Anything else?"
    assert result.request is not None
    assert result.request["type"] == "IntentRequest"
    assert result.request["locale"] == "en-US"
    drink = result.request["intent"]["slots"]["drink"]
    assert drink["value"] == "espresso"
    assert drink["resolutions"]["resolutionsPerAuthority"][0] == {
        "authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.Drink",
        "status": {"code": "ER_SUCCESS_MATCH"},
        "values": [{"value": {"name": "coffee", "id": "COFFEE"}}],
    }
    assert result.understood is not None
    assert result.understood.sample == "i'd like a {drink}"
    assert "ignored: please" in result.understood.explain() or not result.understood.exact


def test_the_session_carries_over_and_ends(client: TestClient) -> None:
    assert client.say("open the cafe").speech == "Welcome to the café. What would you like?"
    second = client.say("order two coffee")
    assert second.speech == "2 coffee, coming up. Anything else?"
    assert second.session_attributes == {"drink": "coffee"}
    assert client.say("stop").speech == "Goodbye."
    third = client.say("exit")  # no session left: nothing is sent
    assert third.status_code == 0
    assert third.request is None


def test_an_auto_delegated_dialog(client: TestClient) -> None:
    first = client.say("book a table")
    # Alexa asks by itself: no request reaches the skill yet.
    assert (first.status_code, first.json, first.request) == (0, None, None)
    assert first.prompt == "For how many people?"
    assert first.heard == "For how many people?"
    assert client.say("twelve").prompt == "We seat eight at most. How many?"
    assert client.say("four").prompt == "Which day?"
    assert client.say("next friday").prompt == "On next friday, is that right?"
    assert client.say("yes").prompt == "A table for four on next friday. Shall I book it?"
    done = client.say("yes")
    assert done.request is not None
    assert done.request["dialogState"] == "COMPLETED"
    assert done.request["intent"]["confirmationStatus"] == "CONFIRMED"
    assert done.speech == "Booked for 4 on Friday."
    assert done.prompt is None


def test_a_denied_booking(client: TestClient) -> None:
    # No sample has both slots: Alexa fills the date from the words left over.
    first = client.say("book a table for two tomorrow")
    assert first.understood is not None
    assert [(slot.name, slot.value) for slot in first.understood.slots] == [
        ("people", "2"),
        ("date", "2026-11-30"),
    ]
    assert first.prompt == "On tomorrow, is that right?"
    confirmed = client.say("yes")
    assert confirmed.understood is not None
    assert "the confirmation of slot date is CONFIRMED" in confirmed.understood.explain()
    assert client.say("no").speech == "Okay, no booking."


def test_manual_delegation_reaches_the_handler_each_turn(client: TestClient) -> None:
    first = client.say("reserve a room")
    assert first.request is not None
    assert first.request["dialogState"] == "STARTED"
    assert first.directives == [{"type": "Dialog.Delegate"}]
    assert first.prompt == "How many nights?"
    second = client.say("three")
    exchanges = second.turn.exchanges if second.turn else []
    assert [e.request["dialogState"] for e in exchanges] == ["IN_PROGRESS", "COMPLETED"]
    assert second.speech == "3 nights reserved."


def test_the_model_of_a_file(tmp_path: Path) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("TrackOrder")
    def track() -> Any:
        return speak("On its way.")

    with TestClient(skill, model=MODEL_FILE) as client:
        result = client.say("ask pizza palace where my order is")
        assert result.speech == "On its way."
        assert result.request is not None
        assert result.request["intent"]["name"] == "TrackOrder"


def test_words_no_sample_comes_near_send_nothing_without_a_fallback_intent() -> None:
    # With a model that lacks AMAZON.FallbackIntent, words near no sample were sent as
    # AMAZON.FallbackIntent and answered by the skill's fallback: a request Alexa never sends
    # such a skill (it sends one of the model's intents, which one cannot be told here).
    intents = [
        {"name": "Track", "samples": ["track my parcel"]},
        {"name": "Cancel", "samples": ["cancel my subscription"]},
    ]
    model = {
        "interactionModel": {"languageModel": {"invocationName": "tracker", "intents": intents}}
    }
    skill = Skill(SKILL_ID)
    answered: list[str] = []

    @skill.launch
    def launch() -> Any:
        return ask("Track or cancel?")

    @skill.intent("Track")
    def track() -> Any:
        return ask("On its way. Anything else?")

    @skill.fallback
    def fallback() -> Any:
        answered.append("fallback")
        return ask("Sorry?")

    with TestClient(skill, model=model) as client:
        assert client.say("open tracker").status_code == 200
        result = client.say("what is the capital of france")
        assert (result.status_code, result.json, result.request) == (0, None, None)
        assert result.understood is not None and result.understood.kind == "out of domain"
        assert result.turn is not None
        assert any("no sample comes near enough" in note for note in result.turn.notes)
        assert client.say("track my parcel").speech == "On its way. Anything else?"
    assert answered == []


def test_words_sharing_only_function_words_with_stop_do_not_end_the_session() -> None:
    # Without AMAZON.FallbackIntent, "what is the capital of france" went to the closest
    # intent, AMAZON.StopIntent, on the "is" of its phrasing "that's enough": the skill said
    # goodbye and the session ended. Words sharing no meaningful word with a sample send nothing.
    intents = [
        {"name": "Track", "samples": ["track my parcel"]},
        {"name": "AMAZON.StopIntent", "samples": []},
    ]
    model = {
        "interactionModel": {"languageModel": {"invocationName": "tracker", "intents": intents}}
    }
    skill = Skill(SKILL_ID)
    answered: list[str] = []

    @skill.launch
    def launch() -> Any:
        return ask("What shall I track?")

    @skill.intent("Track")
    def track(session: Session) -> Any:
        answered.append("track in a new session" if session.new else "track")
        return ask("On its way. Anything else?")

    @skill.intent("AMAZON.StopIntent")
    def stop() -> Any:
        answered.append("stop")
        return speak("Goodbye.")

    with TestClient(skill, model=model) as client:
        assert client.say("open tracker").status_code == 200
        result = client.say("what is the capital of france")
        assert (result.status_code, result.request) == (0, None)
        assert result.understood is not None and result.understood.kind == "out of domain"
        assert client.say("track my parcel").speech == "On its way. Anything else?"
        # "stop the music" went to the closest intent, AMAZON.StopIntent: a built-in intent is
        # read only as said (tests/test_understanding_ranking.py), as Amazon lists it.
        assert client.say("stop").speech == "Goodbye."
    assert answered == ["track", "stop"]  # the session the launch opened went on


def test_requests_sent_without_say_keep_the_session(client: TestClient) -> None:
    launched = client.launch()
    assert launched.should_end_session is False
    result = client.say("a coffee please")
    assert result.request is not None
    assert result.json is not None
    assert client.last is result


def test_a_model_mistake_is_an_error_at_the_first_say() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Greet", utterances=["greet {name}"])
    def greet(name: str) -> Any:
        return speak(name)

    with TestClient(skill) as client, pytest.raises(Exception, match="no slot type"):
        client.say("greet ada")


def test_heard_is_what_the_user_hears_of_ssml() -> None:
    from alexaskill import ssml

    skill = Skill(SKILL_ID)
    chime = "https://sounds.example.com/chime.mp3"

    @skill.intent("Hello", utterances=["say hello"])
    def hello() -> Any:
        said = ssml.speak(
            "Hello", ssml.break_("1s"), ssml.audio(chime), ssml.sub("WWW", "World Wide Web")
        )
        return ask(said, reprompt=ssml.speak(ssml.sub("Al", "aluminium"), "?"))

    with TestClient(skill, invocation="the test") as client:
        said = client.say("ask the test to say hello")
        # <sub> is said as its alias, a clip is named, a pause is no words.
        assert said.heard == f"Hello [audio: {chime}] World Wide Web"
        assert said.speech == "Hello World Wide Web"  # the words alone, for assertions
        assert said.reprompt == "aluminium?"  # the alias in place of its words


def test_silence_plays_the_reprompt_then_ends_the_session(client: TestClient) -> None:
    client.say("I'd like an espresso please")  # ask(): the speech is the reprompt too
    quiet = client.silence()
    assert quiet.request is None and quiet.status_code == 0  # Alexa alone: nothing sent
    assert quiet.heard == "1 espresso, coming up. Anything else?"
    ended = client.silence()
    assert ended.request is not None
    assert ended.request["type"] == "SessionEndedRequest"
    assert ended.request["reason"] == "EXCEEDED_MAX_REPROMPTS"
    assert ended.turn is not None and not ended.turn.session_open
    assert client.silence().turn.notes == [  # type: ignore[union-attr]
        "no session is open: Alexa is not listening"
    ]
    again = client.say("I'd like an espresso please").request
    assert again is not None and again["intent"]["name"] == "Order"


def test_silence_after_a_dialog_prompt_asks_again(client: TestClient) -> None:
    client.say("book a table")
    assert client.silence().heard == "For how many people?"
    assert client.say("four").request is None  # still the dialog: Alexa asks for the date
    assert client.last is not None and client.last.prompt == "Which day?"


def test_silence_without_a_reprompt_ends_the_session_at_once() -> None:
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Any:
        return speak("Hello.", end_session=False)

    with TestClient(skill) as client:
        client.launch()  # sent without say(): the client's session is taken over
        ended = client.silence()
        assert ended.request is not None
        assert ended.request["reason"] == "EXCEEDED_MAX_REPROMPTS"


def test_a_slot_called_name_is_a_slot() -> None:
    # TestClient.intent's own first parameter was called name: the README's HelloIntent with a
    # slot "name" raised TypeError ("got multiple values for argument 'name'").
    skill = Skill(SKILL_ID)

    @skill.intent("HelloIntent")
    def hello(name: str = "world") -> Any:
        return speak(f"Hello, {name}!")

    with TestClient(skill) as client:
        assert client.intent("HelloIntent", name="Ada").speech == "Hello, Ada!"


def test_a_new_session_forgets_the_dialog_of_the_last(client: TestClient) -> None:
    # client.new_session() (or a new user) forgot the client's session but not say()'s dialog:
    # the next utterance went on with it, an IntentRequest IN_PROGRESS in a brand-new session.
    assert client.say("reserve a room").prompt == "How many nights?"
    client.new_session()
    after = client.say("three")
    assert after.turn is not None
    sent = [(e.request["type"], e.request.get("dialogState")) for e in after.turn.exchanges]
    assert ("IntentRequest", "IN_PROGRESS") not in sent
    assert after.speech != "3 nights reserved."
    assert client.say("reserve a room").prompt == "How many nights?"
    client.user_id = "amzn1.ask.account.SOMEONE_ELSE"
    assert client.say("three").speech != "3 nights reserved."


def test_a_call_that_raised_ends_the_dialog_as_its_apology_ended_the_session() -> None:
    # Alexa heard the apology, which ended the session: say() went on with its dialog, in a
    # brand-new session.
    skill = make_skill()

    def boom() -> Any:
        raise RuntimeError("kaboom")

    skill.add_intent_handler("Boom", boom, utterances=["break it"])
    with TestClient(skill, invocation="the cafe", local_now=sunday) as client:
        assert client.say("reserve a room").prompt == "How many nights?"
        with pytest.raises(RuntimeError, match="kaboom"):
            client.intent("Boom")
        after = client.say("three")
    assert after.turn is not None
    sent = [(e.request["type"], e.request.get("dialogState")) for e in after.turn.exchanges]
    assert ("IntentRequest", "IN_PROGRESS") not in sent
    assert after.speech != "3 nights reserved."


def test_a_device_zone_unknown_here_hears_dates_in_utc() -> None:
    # The fake answers a zone this machine's tz data lacks (an `UnknownZone`): `say` heard
    # "today" in no zone and raised "not a time zone name"; it hears it in UTC, as the
    # simulator does. 20:00 UTC: a date that differs from the next day of any zone east of it.
    from alexaskill.testing import UnknownZone

    skill = Skill(SKILL_ID)

    @skill.intent("When", utterances=["what happens {day}"], slots={"day": "AMAZON.DATE"})
    def when(day: str | None = None) -> Any:
        return speak(f"On {day}.")

    moment = datetime.datetime(2026, 11, 27, 20, 0, tzinfo=datetime.UTC)
    zone = UnknownZone("Mars/Olympus_Mons")
    with TestClient(skill, invocation="the diary", now=lambda: moment, time_zone=zone) as client:
        assert client.say("ask the diary what happens today").speech == "On 2026-11-27."
        assert client.say("ask the diary what happens tomorrow").speech == "On 2026-11-28."
