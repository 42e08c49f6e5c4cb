"""The requests the test client builds: every slot the model defines, and one clock in UTC.

The dialog state, the probe and the device Alexa sends are here too; what the factory,
`refresh` and `TestClient.send` refuse is in tests/test_testing_requests_arguments.py, and the
requests read from files (`load_request`, `TestClient.replay`) in
tests/test_testing_requests_files.py."""

from __future__ import annotations

import datetime
import decimal
import enum
import fractions
import re
from typing import Any

import pytest

from alexaskill import DialogSlot, IntentRequest, Skill, ask, speak
from alexaskill.testing import RequestFactory, SkillResponse, TestClient, refresh, timestamp

from .conftest import SKILL_ID
from .testing_requests_shared import UTC, diary


class _Unsaid(enum.Enum):
    """Members whose values Alexa sends no words of."""

    NOTHING = None
    YES = True
    ENDLESS = float("inf")


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
        (object(), "an object has none"),  # with its article: "a object" was said
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


@pytest.mark.parametrize(
    ("value", "named"),
    [
        # "None has none: give … None (unfilled)" was said, as if None, which it offers, were
        # refused: the value stood for its member.
        (_Unsaid.NOTHING, "_Unsaid.NOTHING, whose value is None, has none: give a str"),
        (_Unsaid.YES, "_Unsaid.YES, whose value is a bool, has none: give a str"),
        (_Unsaid.ENDLESS, "_Unsaid.ENDLESS, whose value is inf, has none: give a str"),
    ],
)
def test_an_enum_member_whose_value_has_no_words_is_named(value: Any, named: str) -> None:
    with pytest.raises(ValueError) as raised:
        RequestFactory().intent("When", place=value)
    assert f"slot 'place': Alexa sends a slot's value as words, and {named}" in str(raised.value)


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
