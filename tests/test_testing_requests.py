"""The requests the test client builds: every slot the model defines, and one clock in UTC."""

from __future__ import annotations

import copy
import datetime
import decimal
import fractions
import re
from typing import Any

import pytest

from alexaskill import AlexaApi, DialogSlot, IntentRequest, Skill, ask, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.testing import (
    RequestFactory,
    SkillResponse,
    TestClient,
    load_request,
    refresh,
    timestamp,
)

from .conftest import SKILL_ID

UTC = datetime.UTC


def diary() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "When",
        utterances=["what happens {day}", "what happens {day} in {place}"],
        slots={"day": "AMAZON.DATE", "place": "AMAZON.City"},
    )
    async def when(api: AlexaApi, day: str | None = None, place: str | None = None) -> Any:
        return speak(f"{day} {await api.today()}")

    @skill.intent("Help", utterances=["help me"])
    def help_() -> Any:
        return speak("Ask what happens today.")

    return skill


def test_client_intent_sends_every_slot_of_the_model() -> None:
    with TestClient(diary()) as client:
        request = client.intent("When", place="Paris").request
        bare = client.intent("Help").request
    assert request is not None and bare is not None
    slots = request["intent"]["slots"]
    assert list(slots) == ["day", "place"]
    assert slots["day"] == {"name": "day", "confirmationStatus": "NONE"}
    assert slots["place"]["value"] == "Paris"
    assert "slots" not in bare["intent"]  # as Alexa sends an intent that has none


def test_a_slot_the_model_lacks_is_still_sent_as_given() -> None:
    with TestClient(diary()) as client:
        request = client.intent("When", mood="good").request
    assert request is not None
    assert list(request["intent"]["slots"]) == ["day", "place", "mood"]


@pytest.mark.parametrize("call", ["intent", "can_fulfill"])
def test_a_slot_name_misspelt_is_refused_naming_the_slot_meant(call: str) -> None:
    # client.intent("When", plce="Paris") was sent: the skill, missing place, asked again,
    # and the test failed on "Sorry, I didn't catch that." far from the typing mistake.
    with TestClient(diary()) as client, pytest.raises(ValueError) as info:
        getattr(client, call)("When", plce="Paris")
    assert str(info.value) == (
        "slot 'plce': intent 'When' has no such slot in the model (its slots: day, place); "
        "did you mean place?"
    )


def test_the_factory_without_a_model_sends_what_it_is_given() -> None:
    factory = RequestFactory()
    intent = factory.intent("When", day="2026-11-27")["request"]["intent"]
    assert list(intent["slots"]) == ["day"]
    assert "slots" not in factory.intent("Help")["request"]["intent"]
    several = factory.intent("Plan", activity=["hiking", "fishing"])["request"]["intent"]
    assert several["slots"]["activity"]["source"] == "USER"


def test_the_factory_takes_a_slot_called_name() -> None:
    # The README's Lambda skill has a slot "name": the factory's own first parameter took it,
    # "got multiple values for argument 'name'" (the client's intent() has it positional-only).
    intent = RequestFactory().intent("HelloIntent", name="Ann")["request"]["intent"]
    assert intent["name"] == "HelloIntent"
    assert intent["slots"]["name"]["value"] == "Ann"


def test_slots_named_as_a_keyword_of_intent_go_in_the_slots_mapping() -> None:
    # A slot called "session" (or "dialog_state", "confirmation_status") was taken as the
    # keyword of that name: no way to send it. slots={...} carries any name.
    factory = RequestFactory()
    given = {"session": "morning", "dialog_state": "open", "slots": "three"}
    intent = factory.intent("Book", slots=given, place="Paris")["request"]["intent"]
    assert list(intent["slots"]) == ["session", "dialog_state", "slots", "place"]
    assert intent["slots"]["session"]["value"] == "morning"
    assert intent["slots"]["slots"]["value"] == "three"
    with TestClient(diary()) as client:
        sent = client.intent("When", slots={"confirmation_status": "yes"}).request
        probe = client.can_fulfill("When", slots={"session": "late"}).request
    assert sent is not None and probe is not None
    assert sent["intent"]["slots"]["confirmation_status"]["value"] == "yes"
    assert sent["intent"]["confirmationStatus"] == "NONE"
    assert probe["intent"]["slots"]["session"]["value"] == "late"


@pytest.mark.parametrize(
    ("slots", "keywords", "said"),
    [
        ("three", {}, r"^slots= is a mapping of slot name to value \(slots=\{'session': 'am'\}: "),
        ({"place": "Paris"}, {"place": "Rome"}, r"^slot 'place' is given twice: in slots= and as"),
        ({5: "Paris"}, {}, r"^slots=: the slot name 5 is no str"),
    ],
)
def test_a_slots_mapping_given_wrong_is_refused(
    slots: Any, keywords: dict[str, Any], said: str
) -> None:
    with pytest.raises(TypeError, match=said):
        RequestFactory().intent("When", slots=slots, **keywords)
    with TestClient(diary()) as client:
        for call in (client.intent, client.can_fulfill):
            with pytest.raises(TypeError, match=said):
                call("When", slots=slots, **keywords)
    assert client.api.call_count == 0 and client.last is None


def test_a_time_without_a_zone_is_refused_where_a_request_is_dated() -> None:
    naive = datetime.datetime(2026, 11, 27, 9, 30)
    assert timestamp(naive.replace(tzinfo=UTC)) == "2026-11-27T09:30:00Z"
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    assert timestamp(naive.replace(tzinfo=plus_two)) == "2026-11-27T07:30:00Z"
    with pytest.raises(ValueError, match="no time zone"):
        timestamp(naive)
    with pytest.raises(ValueError, match="no time zone"):
        RequestFactory().envelope("LaunchRequest", now=naive)
    with pytest.raises(ValueError, match="no time zone"):
        refresh(RequestFactory().envelope("LaunchRequest"), now=naive)


def test_refresh_takes_a_parsed_envelope() -> None:
    # refresh('{"request": {}}') said "string indices must be integers, not 'str'", and an
    # envelope without its request object "KeyError: 'request'".
    with pytest.raises(TypeError, match=r"refresh\(\) takes a parsed envelope \(a dict.*, not str"):
        refresh('{"request": {}}')  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no 'request' object"):
        refresh({"version": "1.0"})


def test_a_client_clock_without_a_zone_is_refused_when_the_client_is_made() -> None:
    with pytest.raises(TypeError, match=r"TestClient\(now=\.\.\.\).*datetime.UTC"):
        TestClient(diary(), now=lambda: datetime.datetime(2026, 11, 27, 9, 30))


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_today_said_is_the_skills_today_in_the_devices_zone(zone: str) -> None:
    # The two zones are 25 hours apart: whatever the machine's own zone, at most one of them
    # shares its date. Alexa hears "today" in the device's time zone, as api.today() reads it.
    with TestClient(diary(), invocation="the diary", time_zone=zone) as client:
        said = client.say("ask the diary what happens today").speech
    assert said is not None
    heard, today = said.split()
    assert heard == today


def test_today_at_the_clients_clock_is_the_date_in_the_devices_zone() -> None:
    moment = datetime.datetime.now(UTC).replace(hour=20, minute=0, second=0, microsecond=0)
    with TestClient(
        diary(), invocation="the diary", now=lambda: moment, time_zone="Pacific/Kiritimati"
    ) as client:
        said = client.say("ask the diary what happens today").speech
    tomorrow = (moment + datetime.timedelta(days=1)).date()  # 20:00 UTC is 10:00 next day there
    assert said == f"{tomorrow} {tomorrow}"


def test_a_session_ended_by_an_error_says_which() -> None:
    # Alexa sends an `error` with every SessionEndedRequest whose reason is ERROR.
    skill = diary()
    skill.launch(lambda: ask("Which day?"))  # (Alexa ends an open session only)
    with TestClient(skill) as client:
        client.launch()
        request = client.session_ended("ERROR").request
        given = {"type": "DEVICE_COMMUNICATION_ERROR", "message": "lost"}
        client.launch()
        kept = client.session_ended("ERROR", error=given).request
        client.launch()
        plain = client.session_ended().request
    assert request is not None and kept is not None and plain is not None
    assert request["error"]["type"] == "INVALID_RESPONSE"
    assert request["error"]["message"]
    assert kept["error"] == given
    assert "error" not in plain


@pytest.mark.parametrize("reason", ["USER_INITIATED", "EXCEEDED_MAX_REPROMPTS"])
def test_an_error_with_a_reason_but_error_is_refused(reason: str) -> None:
    # Alexa sends `error` only with reason ERROR: one given with USER_INITIATED was sent.
    from alexaskill.testing.requests import session_ended_fields

    given = {"type": "INVALID_RESPONSE", "message": "bad"}
    with pytest.raises(ValueError, match=f"only with reason ERROR, not {reason}"):
        session_ended_fields(reason, {"error": given})
    with TestClient(diary()) as client, pytest.raises(ValueError, match="only with reason ERROR"):
        client.session_ended(reason, error=given)


def booking() -> Skill:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("Dish", [{"name": "soup", "id": "SOUP", "synonyms": ["broth"]}])

    @skill.intent(
        "Book",
        utterances=["book a table for {people}"],
        slots={"people": DialogSlot("AMAZON.NUMBER", elicit="For how many?")},
        auto_delegate=False,
    )
    def book(request: IntentRequest, people: int | None = None) -> Any:
        return speak(f"{request.dialog_state} {people}")

    @skill.intent(
        "Order",
        utterances=["order {dish}"],
        slots={"dish": DialogSlot("Dish", elicit="Which dish?")},
    )
    def order(request: IntentRequest, dish: str) -> Any:
        return speak(f"{request.dialog_state} {dish}")

    @skill.intent("Help", utterances=["help me"])
    def help_(request: IntentRequest) -> Any:
        return ask(f"{request.dialog_state}")

    return skill


def sent(result: SkillResponse) -> dict[str, Any]:
    """The request object ``result`` answered."""
    assert result.request is not None
    return result.request


def test_client_intent_sends_the_dialog_state_alexa_sends() -> None:
    # An intent of the dialog model always comes with a dialogState: the first turn of a dialog
    # the skill delegates itself STARTED; one Alexa runs alone reaches the skill COMPLETED.
    with TestClient(booking()) as client:
        assert sent(client.intent("Book", people=2))["dialogState"] == "STARTED"
        assert sent(client.intent("Order", dish="soup"))["dialogState"] == "COMPLETED"
        helped = client.intent("Help")
        assert "dialogState" not in sent(helped)
        assert helped.speech == "None"
        later = client.intent("Book", dialog_state="IN_PROGRESS", people=2)
        assert sent(later)["dialogState"] == "IN_PROGRESS"
        assert later.speech == "IN_PROGRESS 2"


def test_a_dialog_state_the_intent_cannot_have_is_refused() -> None:
    with TestClient(booking()) as client:
        with pytest.raises(ValueError, match="Help is not in the dialog model") as caught:
            client.intent("Help", dialog_state="STARTED")
        assert "client.send" in str(caught.value)
        with pytest.raises(ValueError, match=r"'IN_PROGRES'.*STARTED, IN_PROGRESS, COMPLETED"):
            client.intent("Book", dialog_state="IN_PROGRES")
        assert client.last is None  # nothing was sent


def test_a_can_fulfill_request_carries_the_slots_heard_as_alexa_sends_them() -> None:
    # Amazon's CanFulfillIntentRequest: the intent's name and the slots heard, each with its
    # name, value and entity resolution; asked outside any dialog, nothing is confirmed.
    skill = booking()

    @skill.can_fulfill("Order")
    def can_order(dish: str | None = None) -> Any:
        from alexaskill import can_fulfill

        return can_fulfill("YES" if dish == "broth" else "NO")

    with TestClient(skill) as client:
        client.intent("Help")
        session = client._session
        assert session is not None
        result = client.can_fulfill("Order", dish="broth")
        assert client._session == session  # the probe is no turn of the user's conversation
        request = result.request
        assert request is not None and "dialogState" not in request
        assert result.json["response"] == {"canFulfillIntent": {"canFulfill": "YES"}}
        intent = request["intent"]
        assert list(intent) == ["name", "slots"]
        slot = intent["slots"]["dish"]
        assert list(slot) == ["name", "value", "resolutions"]
        resolved = slot["resolutions"]["resolutionsPerAuthority"][0]
        assert resolved["values"] == [{"value": {"name": "soup", "id": "SOUP"}}]
        assert "slots" not in sent(client.can_fulfill("Help"))["intent"]


# --- requests Alexa never sends are refused, naming the field ------------------------------------


@pytest.mark.parametrize(
    ("build", "named"),
    [
        (lambda c: c.intent("Help", confirmation_status="YES"), "confirmation_status 'YES'"),
        (lambda c: c.session_ended(reason="BORED"), "reason 'BORED'"),
        (lambda c: RequestFactory().intent("Help", dialog_state="DONE"), "dialog_state 'DONE'"),
    ],
)
def test_an_enumerated_field_alexa_never_sends_is_refused(build: Any, named: str) -> None:
    with TestClient(diary()) as client, pytest.raises(ValueError, match=named):
        build(client)
    assert client.api.call_count == 0


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (True, "bool"),
        (object(), "object"),
        (datetime.time(14, 30), "time"),
        (datetime.datetime(2026, 11, 27, 9, 30, tzinfo=UTC), "datetime"),
        (datetime.timedelta(minutes=10), "timedelta"),
        (["hiking", 3.5j], "complex"),
        (fractions.Fraction(1, 3), "Fraction"),  # no digits to say
        (float("inf"), "inf"),
        (decimal.Decimal("NaN"), "Decimal.'NaN'"),
        (decimal.Decimal("sNaN"), "Decimal.'sNaN'"),
    ],
)
def test_a_slot_value_alexa_cannot_send_is_refused_naming_the_slot(value: Any, why: str) -> None:
    # str() would have sent "True", "14:30:00" or an object's repr: words Alexa never sends.
    with TestClient(diary()) as client:
        with pytest.raises(ValueError, match=f"slot 'place'.*{why}"):
            client.intent("When", place=value)
        with pytest.raises(ValueError, match=f"slot 'place'.*{why}"):
            client.can_fulfill("When", place=value)


def test_a_date_slot_value_is_sent_as_alexa_sends_it() -> None:
    factory = RequestFactory()
    slot = factory.intent("When", day=datetime.date(2026, 11, 27))["request"]["intent"]["slots"]
    assert slot["day"]["value"] == "2026-11-27"
    assert factory.intent("When", day=7)["request"]["intent"]["slots"]["day"]["value"] == "7"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (decimal.Decimal("12.5"), "12.5"),
        (decimal.Decimal("1E+3"), "1000"),
        (decimal.Decimal("-0.50"), "-0.50"),
        (12.5, "12.5"),
        (7, "7"),
    ],
)
def test_a_number_slot_value_is_sent_as_its_digits(value: Any, words: str) -> None:
    # A Decimal is a number, as slot_text's docstring has it: its digits, not a ValueError.
    slots = RequestFactory().intent("When", day=value)["request"]["intent"]["slots"]
    assert slots["day"]["value"] == words


def test_a_known_interface_in_the_wrong_case_is_refused() -> None:
    # supportedInterfaces names are case-sensitive: "audioplayer" is a device without AudioPlayer.
    with pytest.raises(ValueError, match=r"'audioplayer'.*AudioPlayer"):
        TestClient(diary(), interfaces=["audioplayer"])
    with TestClient(diary()) as client:
        with pytest.raises(ValueError, match=r"Alexa\.Presentation\.APL"):
            client.interfaces = ["alexa.presentation.apl"]
        client.interfaces = ["AudioPlayer", "Alexa.Camera.PhotoCaptureController"]  # unknown: kept
        assert client.interfaces == ("AudioPlayer", "Alexa.Camera.PhotoCaptureController")


@pytest.mark.parametrize("value", ["Display", b"Display"])
def test_one_string_as_the_interfaces_is_refused(value: Any) -> None:
    # Its characters would be the interfaces ("D", "i", ...): a device declaring none of Alexa's,
    # so supports("Display") is false without a word.
    why = r"interfaces .*Display.*: a list of interface names, e\.g\. \[\"Display\"\]"
    with pytest.raises(ValueError, match=why):
        RequestFactory(interfaces=value)
    with pytest.raises(ValueError, match=why):
        TestClient(diary(), interfaces=value)
    with TestClient(diary()) as client:
        with pytest.raises(ValueError, match=why):
            client.interfaces = value
        assert client.interfaces == ("AudioPlayer",)


def test_user_and_device_ids_have_the_shape_and_length_of_alexas() -> None:
    # Alexa's are 207 characters of base32 after the prefix (a uuid is 36): a skill keeping them
    # in a column sized from a test's ids would fail on the first real user.
    factory = RequestFactory()
    system = factory.envelope("LaunchRequest")["context"]["System"]
    assert re.fullmatch(r"amzn1\.ask\.account\.A[A-Z2-7]{206}", system["user"]["userId"])
    assert re.fullmatch(r"amzn1\.ask\.device\.A[A-Z2-7]{206}", system["device"]["deviceId"])
    assert RequestFactory().user_id != factory.user_id


def test_a_screen_device_describes_its_viewport_as_an_echo_show_does() -> None:
    # What responsive skills read (the ASK SDKs' viewport profiles need mode): a hub, landscape,
    # 1280 x 800 at 160 dpi, touch, the size it shows now, and what it plays.
    from alexaskill.testing import SCREEN

    viewport = RequestFactory(interfaces=SCREEN).context()["Viewport"]
    assert viewport["mode"] == "HUB"
    assert viewport["shape"] == "RECTANGLE"
    assert (viewport["pixelWidth"], viewport["pixelHeight"], viewport["dpi"]) == (1280, 800, 160)
    assert (viewport["currentPixelWidth"], viewport["currentPixelHeight"]) == (1280, 800)
    assert viewport["touch"] == ["SINGLE"]
    assert viewport["experiences"][0]["canRotate"] is False
    assert viewport["video"]["codecs"]


@pytest.mark.parametrize("request_type", ["IntentRequest", "CanFulfillIntentRequest"])
@pytest.mark.parametrize("intent", ["absent", None, {}, {"name": ""}, {"name": 3}])
def test_send_of_an_intent_request_without_an_intent_name_is_a_value_error(
    request_type: str, intent: Any
) -> None:
    # Alexa names the intent of each: sent without one, the skill answered a 400, which the
    # test then read as the skill's own failure.
    skill = Skill(SKILL_ID)

    @skill.intent("Hello", utterances=["say hello"])
    def hello() -> Any:
        return speak("Hello.")

    fields = {} if intent == "absent" else {"intent": intent}
    with TestClient(skill) as client:
        with pytest.raises(ValueError, match=f"{request_type}: pass the intent"):
            client.send(request_type, **fields)
        named = client.send(request_type, intent={"name": "Hello", "confirmationStatus": "NONE"})
        assert named.status_code == 200, named.json


@pytest.mark.parametrize("name", [123, None, b"Help", "", "  "])
def test_an_intent_named_by_no_text_is_refused_naming_the_argument(name: Any) -> None:
    # client.intent(123) said "IntentRequest: pass the intent, send('IntentRequest',
    # intent=...)": advice for send(), to a call that had been given an intent, not a name.
    # client.intent("  ") was sent, for the skill's fallback to answer.
    with TestClient(diary()) as client:
        for call in (client.intent, client.can_fulfill):
            with pytest.raises((TypeError, ValueError), match=r"the intent's name as a str"):
                call(name)
    assert client.api.call_count == 0


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda c: c.send(None), "send\\(\\) takes the request type as a str"),
        (lambda c: c.send(""), "send\\(\\) takes the request type as a str"),
        (lambda c: c.send("LaunchRequest", session="abc"), "session= is the session object"),
        (lambda c: c.send("LaunchRequest", session=[1]), "session= is the session object"),
    ],
)
def test_send_of_what_is_no_request_says_what_it_takes(call: Any, named: str) -> None:
    # send(None) ended in AttributeError ('NoneType' object has no attribute 'startswith'),
    # session="abc" in "dictionary update sequence element #0 has length 1".
    with TestClient(diary()) as client, pytest.raises((TypeError, ValueError), match=named):
        call(client)
    assert client.api.call_count == 0 and client.last is None


def test_replay_of_json_text_or_a_file_not_json_names_what_is_wrong(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # replay('{…}') was a bare FileNotFoundError; a file not JSON a JSONDecodeError without its
    # name ("Expecting value: line 1 column 1 (char 0)"), one not UTF-8 a UnicodeDecodeError.
    text = '{"version": "1.0", "request": {"type": "LaunchRequest"}}'
    (tmp_path / "bad.json").write_text("nope {")
    (tmp_path / "latin.json").write_bytes(b'{"request": {"type": "caf\xe9"}}')
    with TestClient(diary()) as client:
        with pytest.raises(ValueError, match=r"is JSON text, .* pass json\.loads\(text\)$"):
            client.replay(text)
        bad = str(tmp_path / "bad.json")
        with pytest.raises(ValueError, match=rf"^{re.escape(bad)}: not JSON \(line 1, column 1"):
            client.replay(bad)
        with pytest.raises(ValueError, match=r"latin\.json: not JSON \(not UTF-8 text\)$"):
            client.replay(tmp_path / "latin.json")
        with pytest.raises(FileNotFoundError, match=r"missing\.json"):
            client.replay(tmp_path / "missing.json")
        # A relative path starting with "{" is a path all the same ("{x}.json": no such file).
        monkeypatch.chdir(tmp_path)
        with pytest.raises(FileNotFoundError, match=r"\{x\}\.json"):
            client.replay("{x}.json")
        assert client.last is None


def test_load_request_refuses_what_is_neither_a_path_nor_json_data() -> None:
    # load_request(n) opened file descriptor n, read it and closed it (open() takes an int); a
    # dict holding a date was "Object of type date is not JSON serializable", naming nothing.
    with pytest.raises(TypeError, match=r"^a request is a file's path or a parsed envelope .*int$"):
        load_request(10**6)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^the envelope given: not JSON data, .*date"):
        load_request({"request": {"type": "LaunchRequest", "on": datetime.date(2026, 12, 3)}})


def test_load_request_reads_a_file_named_like_json_text_that_exists(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Text in braces is taken for JSON text only when no such file exists: a file named "{x}"
    # is read, as any path.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "{x}").write_text('{"request": {"type": "LaunchRequest"}}')
    assert load_request("{x}") == {"request": {"type": "LaunchRequest"}}
    with pytest.raises(ValueError, match=r"^'\{y\}' is JSON text"):
        load_request("{y}")


# (Any: the arguments below are of the wrong types on purpose)
_FACTORY: Any = RequestFactory(skill_id=SKILL_ID)
_MADE: Any = RequestFactory
_TIMESTAMP: Any = timestamp


@pytest.mark.parametrize(
    ("call", "says"),
    [
        # The session object, where a session id (or anything else) was given.
        (lambda: _FACTORY.envelope("LaunchRequest", session="x"), r"session= is the session"),
        (lambda: _FACTORY.envelope("LaunchRequest", session=[1]), r"session= is the session"),
        (lambda: _FACTORY.envelope("LaunchRequest", session=5), r"session= is the session"),
        (lambda: _FACTORY.intent("Help", session="amzn1.echo-api.session.1"), r"session= is"),
        (lambda: _FACTORY.turn({"type": "LaunchRequest"}, "x"), r"session= is the session"),
        (lambda: _FACTORY.session(attributes="abc"), r"attributes= are the session's"),
        (lambda: _FACTORY.session(attributes=[("a", 1)]), r"attributes= are the session's"),
        (lambda: _FACTORY.session(5), r"session_id= is"),
        (lambda: _FACTORY.session(new="no"), r"new= is True or False"),
        # A time that is no datetime (an ISO 8601 text, a date).
        (lambda: _FACTORY.envelope("LaunchRequest", now="2026-11-27T09:30:00Z"), r"fromisoformat"),
        (lambda: _FACTORY.envelope("LaunchRequest", now=datetime.date(2026, 11, 27)), r"now= is"),
        (lambda: _TIMESTAMP(1764236000), r"now= is a datetime"),
        # The request type, the intent's name, the request of a turn.
        (lambda: _FACTORY.envelope(5), r"request type as a str"),
        (lambda: _FACTORY.envelope(""), r"request type as a str"),
        (lambda: _FACTORY.envelope("LaunchRequest", type="IntentRequest"), r"first argument"),
        (lambda: _FACTORY.intent(5), r"the intent's name as a str"),
        (lambda: _FACTORY.intent(""), r"the intent's name as a str"),
        (lambda: _FACTORY.turn("LaunchRequest", None), r"turn\(\) takes the request object"),
        (lambda: _FACTORY.turn({"intent": {}}, None), r"turn\(\) takes the request object"),
        # The factory's fields.
        (lambda: _MADE(skill_id=5), r"skill_id is an id: a str"),
        (lambda: _MADE(user_id=None), r"user_id is an id: a str"),
        (lambda: _MADE(device_id=""), r"device_id is an id: a str"),
        (lambda: _MADE(api_endpoint=None), r"api_endpoint is a URL"),
        # An endpoint the skill's calls cannot go to: no http(s) URL (it was taken, and sent).
        (lambda: _MADE(api_endpoint="ftp://x"), r"^api_endpoint 'ftp://x': an http\(s\) URL"),
        (lambda: _MADE(api_endpoint="api.amazonalexa.com"), r"an http\(s\) URL"),
        (lambda: _MADE(api_endpoint="https://"), r"an http\(s\) URL"),
        (lambda: _MADE(api_endpoint=""), r"an http\(s\) URL"),
        (lambda: _MADE(interfaces=["AudioPlayer", ""]), r"interfaces: '' is no interface name"),
        (lambda: _MADE(user="abc"), r"user is a mapping"),
        (lambda: _MADE(player=None), r"player is the device's audio player"),
    ],
)
def test_the_factory_says_what_to_pass_for_an_argument_of_the_wrong_type(
    call: Any, says: str
) -> None:
    # envelope(session="x") said "dictionary update sequence element #0 has length 1; 2 is
    # required", now="2026-…" "'str' object has no attribute 'utcoffset'", and a skill_id of 5
    # or a user_id of None went into the request, for the skill to refuse (or crash on).
    with pytest.raises((TypeError, ValueError), match=says) as raised:
        call()
    assert type(raised.value) in (TypeError, ValueError)
    # Right values of these types are still taken.
    session = _FACTORY.session("amzn1.echo-api.session.1", new=False, attributes={"a": 1})
    envelope = _FACTORY.envelope("LaunchRequest", session=session)
    assert envelope["session"]["sessionId"] == "amzn1.echo-api.session.1"
    assert _FACTORY.turn({"type": "IntentRequest", "intent": {"name": "Help"}}, session)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            '{"version": "1.0", "request": {"type": "LaunchRequest"}, "version": "0.9"}',
            "'version' is given twice in the top-level object",
        ),
        (
            '{"request": {"type": "IntentRequest", "intent": {"name": "Hello", "name": "Bye"}}}',
            "'name' is given twice in request.intent",
        ),
        (  # an object in a list is named by its index
            '{"request": {"type": "LaunchRequest"}, "x": [{}, {"k": 1, "k": 2}]}',
            "'k' is given twice in x[1]",
        ),
        (  # the object of the first "a" is dropped by the second: the outer key is named
            '{"request": {"type": "LaunchRequest"}, "a": {"k": 1, "k": 2}, "a": 3}',
            "'a' is given twice in the top-level object",
        ),
    ],
)
def test_load_request_refuses_a_file_with_a_key_given_twice(
    tmp_path: Any, content: str, said: str
) -> None:
    # json.load kept the last of the two silently: client.replay sent the intent "Bye" of a
    # sample that seemed to name "Hello" (as `alexaskill replay` did, until it refused them).
    path = tmp_path / "dup.json"
    path.write_text(content)
    with pytest.raises(ValueError) as raised:
        load_request(path)
    assert str(raised.value) == f"{path}: {said}: a JSON object keeps only the last; give it once"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            '{"version": "1.0", "request": {"type": "IntentRequest", "intent": {"name": "Hello", '
            '"name": "Bye", "slots": {}, "slots": {}}}, "version": "0.9"}',
            "'version' is given twice in the top-level object, 'name' and 'slots' in "
            "request.intent",
        ),
        # A few are named, the rest counted; a key given three times is one of them.
        (
            '{"request": {"type": "LaunchRequest"}, "a": 1, "a": 2, "a": 3, "b": 1, "b": 2, '
            '"c": 1, "c": 2, "d": 1, "d": 2, "session": {"new": true, "new": false}}',
            "'a', 'b' and 'c' are given twice in the top-level object, and 2 more",
        ),
    ],
)
def test_load_request_names_every_key_given_twice_up_to_a_few(
    tmp_path: Any, content: str, said: str
) -> None:
    # Only the first was named: a file with several was refused once for each, one at a time.
    path = tmp_path / "dup.json"
    path.write_text(content)
    with pytest.raises(ValueError) as raised:
        load_request(path)
    assert str(raised.value) == (
        f"{path}: {said}: a JSON object keeps only the last of each; give each once"
    )


def test_load_request_says_a_file_nested_too_deeply_as_not_json(tmp_path: Any) -> None:
    # A RecursionError came out of client.replay, where a file that is no request is a
    # ValueError naming it (a dict nested so was one already: "not JSON data").
    path = tmp_path / "deep.json"
    path.write_text('{"request": {"type": "LaunchRequest"}, "x": ' + "[" * 5000 + "]" * 5000 + "}")
    with pytest.raises(ValueError) as raised:
        load_request(path)
    assert str(raised.value) == f"{path}: not JSON (nested too deeply)"


def test_the_user_id_is_given_as_user_id_not_in_the_user_fields() -> None:
    # RequestFactory(user={"userId": "x"}) sent the user id "x" in context.System.user and
    # session.user, silently in place of the factory's user_id (which its tokens, a
    # FakeAlexaApi's per-user data and `client.user_id` still named).
    said = r"user_id=.*RequestFactory\(user_id=.*client\.user_id"
    with pytest.raises(ValueError, match=said):
        RequestFactory(user={"userId": "amzn1.ask.account.X"})
    factory = RequestFactory(user={"accessToken": "token"}, user_id="amzn1.ask.account.A")
    with pytest.raises(ValueError, match=said):
        factory.user = {"userId": "amzn1.ask.account.X"}
    envelope = factory.envelope("LaunchRequest")
    for user in (envelope["context"]["System"]["user"], envelope["session"]["user"]):
        assert user == {"userId": "amzn1.ask.account.A", "accessToken": "token"}
    factory.user["userId"] = "amzn1.ask.account.X"  # (changed in place: told when used)
    with pytest.raises(ValueError, match=said):
        factory.envelope("LaunchRequest")


@pytest.mark.parametrize("blank", [" ", "\t\n"])
@pytest.mark.parametrize("field", ["skill_id", "user_id", "device_id", "api_access_token"])
def test_a_blank_id_or_token_is_refused_as_an_empty_one(field: str, blank: str) -> None:
    # An empty one was refused; a blank one went into every request (a skill_id of " " was
    # then refused by the skill as another skill's request, an HTTP 400 the test took for its
    # own failure).
    with pytest.raises(TypeError, match=f"^{field} is "):
        _MADE(**{field: blank})
    factory = RequestFactory()
    with pytest.raises(TypeError, match=f"^{field} is "):
        setattr(factory, field, blank)


@pytest.mark.parametrize("blank", [" ", "\n"])
def test_a_blank_request_type_or_intent_name_is_refused_as_an_empty_one(blank: str) -> None:
    # intent(" ") sent an IntentRequest for the intent " " (the skill's fallback answered it),
    # envelope(" ") a request of type " ": Alexa names both.
    with pytest.raises(ValueError, match=r"the intent's name as a str"):
        _FACTORY.intent(blank)
    with pytest.raises(ValueError, match=r"the request type as a str"):
        _FACTORY.envelope(blank)


@pytest.mark.parametrize("wrong", [5, "", "  "])
def test_refresh_refuses_a_skill_id_that_is_no_id(wrong: Any) -> None:
    # refresh(envelope, skill_id=5) (client.replay(path, skill_id=...) too) wrote the 5 into
    # the application ids, for the skill to refuse: an HTTP 400 read as the skill's failure.
    envelope = _FACTORY.envelope("LaunchRequest")
    with pytest.raises(TypeError, match=r"^skill_id is an id: a str"):
        refresh(envelope, skill_id=wrong)
    assert envelope["context"]["System"]["application"]["applicationId"] == SKILL_ID


@pytest.mark.parametrize(
    ("given", "error"),
    [
        ({"locale": "xx-nowhere"}, ConfigurationError),
        ({"api_endpoint": "ftp://api.example"}, ValueError),
        ({"locale": "fr-FR", "api_endpoint": "api.example"}, ValueError),
        ({"locale": "fr-FR", "skill_id": " "}, TypeError),
    ],
)
def test_refresh_changes_nothing_when_it_refuses_an_argument(
    given: dict[str, Any], error: type[Exception]
) -> None:
    # refresh(envelope, locale="xx-nowhere") wrote the new timestamp before it refused the
    # locale, and a wrong api_endpoint was refused after the timestamp and the locale were
    # written: the envelope the test kept was half refreshed. Each is checked first now.
    envelope = _FACTORY.envelope("LaunchRequest", now=datetime.datetime(2026, 1, 2, tzinfo=UTC))
    kept = copy.deepcopy(envelope)
    with pytest.raises(error):
        refresh(envelope, now=datetime.datetime(2026, 6, 1, tzinfo=UTC), **given)
    assert envelope == kept


@pytest.mark.parametrize(
    ("moment", "said"),
    [
        (datetime.datetime(1, 1, 1, tzinfo=datetime.UTC), "0001-01-01T00:00:00Z"),
        (datetime.datetime(999, 12, 31, 23, 59, tzinfo=datetime.UTC), "0999-12-31T23:59:00Z"),
    ],
)
def test_a_timestamp_before_the_year_1000_has_four_digits_of_year(
    moment: datetime.datetime, said: str
) -> None:
    # strftime("%Y") wrote the year 1 as "1" ("1-01-01T00:00:00Z"), no ISO 8601 a skill reads.
    assert timestamp(moment) == said


def test_a_moment_with_no_utc_time_is_refused_naming_it() -> None:
    # datetime(9999, 12, 31, 23, tzinfo=UTC-5) is past the last datetime in UTC: an
    # OverflowError, "date value out of range", from deep in the building of the request.
    late = datetime.datetime(
        9999, 12, 31, 23, tzinfo=datetime.timezone(-datetime.timedelta(hours=5))
    )
    with pytest.raises(ValueError, match=r"^now= .*9999.*: no time in UTC"):
        timestamp(late)
    with pytest.raises(ValueError, match=r"no time in UTC"):
        _FACTORY.envelope("LaunchRequest", now=late)


@pytest.mark.parametrize(("locale", "said"), [("en_US", "did you mean en-US?"), ("xx-YY", "")])
def test_envelope_refuses_a_locale_field_alexa_never_sends(locale: str, said: str) -> None:
    # Only client.send refused it: factory.envelope("LaunchRequest", locale="en_US") (and
    # turn() of a request holding one) sent it, for the skill to answer in no language it has.
    from alexaskill.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"^envelope\(locale=\.\.\.\): ") as raised:
        _FACTORY.envelope("LaunchRequest", locale=locale)
    assert str(raised.value).endswith(said)
    with pytest.raises(ConfigurationError, match=r"^envelope\(locale=\.\.\.\): "):
        _FACTORY.turn({"type": "LaunchRequest", "locale": locale}, None)
    # A locale Alexa sends, and an old request's null, are still taken.
    assert _FACTORY.envelope("LaunchRequest", locale="de-DE")["request"]["locale"] == "de-DE"
    assert _FACTORY.envelope("LaunchRequest", locale=None)["request"]["locale"] is None


@pytest.mark.parametrize("blank", ["", " ", "\t\n"])
def test_a_blank_or_empty_session_id_is_refused_as_other_ids_are(blank: str) -> None:
    # session(" ") sent the session id " ", and session("") quietly made up a new one: an id
    # given is the test's, refused when empty or blank as skill_id, user_id and device_id are.
    with pytest.raises(TypeError, match=r"^session_id= is the session's id, a str"):
        _FACTORY.session(blank)
    assert _FACTORY.session()["sessionId"].startswith("amzn1.echo-api.session.")
    assert _FACTORY.session("amzn1.echo-api.session.1")["sessionId"] == "amzn1.echo-api.session.1"
