"""Tests for alexaskill.models: every documented field, and shapes Alexa has really sent (signed,
through the app)."""

from __future__ import annotations

import json
import math
from typing import Any, Final

import pytest

from alexaskill import models
from alexaskill.exceptions import MalformedRequestError
from alexaskill.models import (
    Envelope,
    IntentRequest,
    LaunchRequest,
    Session,
    SessionEndedRequest,
    User,
    decode_envelope,
)
from alexaskill.testing import DEFAULT_SKILL_ID

from .models_shared import load_json

# The skills here answer DEFAULT_SKILL_ID, by its name: the id the sample envelopes carry.
# --- every documented field, and shapes Alexa has really sent (signed, through the app) --------


def _echo_skill(answer: Any) -> Any:
    """A skill whose fallback speaks ``answer(envelope)`` (a str), for field round trips."""
    from alexaskill import Skill, speak

    skill = Skill(skill_id=DEFAULT_SKILL_ID)

    @skill.fallback
    def everything(envelope: Envelope) -> Any:
        return speak(str(answer(envelope)))

    return skill


def test_launch_request_task_is_typed() -> None:
    from alexaskill.testing import TestClient

    def task(envelope: Envelope) -> str:
        request = envelope.request
        assert isinstance(request, LaunchRequest)
        if request.task is None:
            return "no task"
        return f"{request.task.name} v{request.task.version} {request.task.input}"

    with TestClient(_echo_skill(task)) as client:
        assert client.launch().speech == "no task"
        result = client.send(
            "LaunchRequest",
            task={
                "name": "amzn1.ask.skill.x.CountDown",
                "version": "1",
                "input": {"seconds": 30},
            },
        )
    assert result.speech == "amzn1.ask.skill.x.CountDown v1 {'seconds': 30}"


def _with_documented_context(envelope: dict[str, Any]) -> dict[str, Any]:
    context = envelope["context"]
    system = context["System"]
    system["user"]["permissions"] = {
        "consentToken": "ct",
        "scopes": {
            "alexa::devices:all:geolocation:read": {"status": "GRANTED"},
            "alexa::profile:email:read": {"status": "DENIED"},
        },
    }
    system["device"]["persistentEndpointId"] = "amzn1.alexa.endpoint.did.abc"
    context["Extensions"] = {"available": {"aplext:backstack:10": {}}}
    context["Experimentation"] = {"activeExperiments": [{"id": "exp-1", "treatmentId": "T1"}]}
    context["Advertising"] = {"advertisingId": "3A233D2B-B22E-42D0", "limitAdTracking": True}
    context["Alexa.Presentation"] = {
        "contexts": [{"type": "Alexa.Presentation.APL", "presentationUri": "widget://x"}]
    }
    context["Automotive"] = {"driverState": "PARKED"}  # documented, not typed: in raw
    envelope["request"]["shouldLinkResultBeReturned"] = False
    return envelope


def test_every_documented_field_is_reachable() -> None:
    from alexaskill.testing import TestClient

    def fields(envelope: Envelope) -> str:
        context = envelope.context
        assert context is not None and context.system is not None
        user, device = context.system.user, context.system.device
        assert user is not None and user.permissions is not None and device is not None
        assert context.extensions is not None and context.experimentation is not None
        assert context.advertising is not None and context.alexa_presentation is not None
        experiment = (context.experimentation.active_experiments or [])[0]
        return " | ".join(
            str(part)
            for part in (
                user.permissions.granted("alexa::devices:all:geolocation:read"),
                user.permissions.granted("alexa::profile:email:read"),
                user.permissions.granted("alexa::profile:name:read"),
                device.persistent_endpoint_id,
                list(context.extensions.available or {}),
                f"{experiment.id}/{experiment.treatment_id}",
                context.advertising.limit_ad_tracking,
                context.advertising.advertising_id,
                (context.alexa_presentation.contexts or [{}])[0].get("presentationUri"),
                envelope.raw["context"]["Automotive"]["driverState"],
                envelope.raw["request"]["shouldLinkResultBeReturned"],
            )
        )

    with TestClient(_echo_skill(fields)) as client:
        result = client.send_envelope(
            _with_documented_context(client.factory.envelope("LaunchRequest"))
        )
    assert result.speech == (
        "True | False | False | amzn1.alexa.endpoint.did.abc | ['aplext:backstack:10'] | "
        "exp-1/T1 | True | 3A233D2B-B22E-42D0 | widget://x | PARKED | False"
    )


def test_a_user_without_permissions_has_granted_none() -> None:
    # The requests of a test client granting nothing carry no permissions (user.permissions is
    # None), as do those of a user who never saw the consent card: user.granted() is False, no
    # AttributeError.
    from alexaskill import Skill, speak
    from alexaskill.testing import TestClient

    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    def launch(user: User) -> Any:
        return speak(f"{user.granted('alexa::profile:email:read')}")

    with TestClient(skill, permissions=[]) as client:
        assert client.launch().speech == "False"
    granted = models.Scope(status="GRANTED")
    permissions = models.Permissions(scopes={"alexa::profile:email:read": granted})
    assert User(permissions=permissions).granted("alexa::profile:email:read")
    assert not User(permissions=permissions).granted("alexa::profile:name:read")
    assert not User(permissions=models.Permissions()).granted("alexa::profile:email:read")


def test_raw_is_decoded_from_the_body_only_when_read() -> None:
    data = _with_documented_context(load_json("IntentRequest.GetWeather"))
    body = json.dumps(data).encode()
    envelope = decode_envelope(body)
    assert envelope.body == body
    assert envelope._raw is None  # nothing decoded yet
    assert envelope.raw == data
    assert envelope.raw is envelope.raw  # decoded once
    # An envelope made in code has no body: its own fields, as JSON.
    built = Envelope(request=LaunchRequest(type="LaunchRequest", request_id="r"))
    assert built.raw["request"]["requestId"] == "r"
    assert set(built.raw) == {"version", "request"}


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (b"1e999", math.inf),
        (b"-1e400", -math.inf),
        (b"9" * 5000, math.inf),  # past Python's 4,300 digits of an int read from text
        (b"-" + b"9" * 5000, -math.inf),
        (b"18446744073709551616", 2**64),  # an int past 64 bits stays an int
    ],
    ids=["float-over", "float-under", "int-digits", "negative-int-digits", "big-int"],
)
def test_raw_reads_numbers_past_any_range_in_untyped_fields(number: bytes, expected: float) -> None:
    # msgspec skips an untyped field unread, so such a request is accepted: reading its raw
    # JSON must not raise in the handler (an apology for the skill's "bug"). As json.loads: an
    # out-of-range number is an infinity.
    data = {"version": "1.0", "request": {"type": "LaunchRequest", "requestId": "r"}}
    body = json.dumps(data).encode()[:-1] + b', "extra": {"n": ' + number + b"}}"
    envelope = decode_envelope(body)
    assert envelope.raw["extra"] == {"n": expected}
    assert envelope.raw["request"] == data["request"]


#: Fields Alexa may send as null where the model types them without one (path, then key).
NULLED_FIELDS: Final = [
    (("request", "error"), "type"),
    (("request", "error"), "message"),
    (("request",), "requestId"),
    (("request",), "reason"),
    (("session",), "new"),
    (("session",), "sessionId"),
    (("session", "user"), "userId"),
    (("context", "System", "user"), "userId"),
    (("context", "System", "device"), "deviceId"),
]


@pytest.mark.parametrize(("path", "key"), NULLED_FIELDS)
def test_explicit_null_in_any_typed_field_is_accepted(path: tuple[str, ...], key: str) -> None:
    from alexaskill import Skill
    from alexaskill.testing import TestClient

    skill = Skill(skill_id=DEFAULT_SKILL_ID)
    seen: list[Any] = []
    attributes: list[dict[str, Any]] = []

    @skill.session_ended
    def ended(request: SessionEndedRequest, session: Session) -> None:
        # Alexa takes no reply here: the handler reports through these lists.
        assert request.error is not None
        seen.extend([request.reason, request.error.type, request.error.message])
        attributes.append(dict(session.attributes))

    with TestClient(skill, skill_id=DEFAULT_SKILL_ID) as client:
        envelope = client.factory.envelope(
            "SessionEndedRequest",
            reason="ERROR",
            error={"type": "INVALID_RESPONSE", "message": "bad"},
        )
        envelope["session"]["attributes"] = {"kept": None}  # the skill's own null stays
        target = envelope
        for part in path:
            target = target[part]
        target[key] = None
        result = client.send_envelope(envelope)
    assert result.status_code == 200, result.json
    assert result.json == {"version": "1.0", "response": {}}
    assert attributes == [{"kept": None}]
    expected: list[str | None] = ["ERROR", "INVALID_RESPONSE", "bad"]
    if path == ("request", "error"):
        expected[1 if key == "type" else 2] = ""
    elif key == "reason":
        expected[0] = None
    assert seen == expected


def test_null_error_type_and_message_read_as_empty() -> None:
    body = json.dumps(
        {
            "request": {
                "type": "SessionEndedRequest",
                "reason": "ERROR",
                "error": {"type": None, "message": None},
            }
        }
    ).encode()
    request = decode_envelope(body).request
    assert isinstance(request, SessionEndedRequest)
    assert request.error is not None
    assert (request.error.type, request.error.message) == ("", "")
    # A null where the request cannot do without a value is still refused.
    with pytest.raises(MalformedRequestError):
        decode_envelope(b'{"request": {"type": null}}')


def test_numeric_timestamp_is_read_as_epoch_milliseconds() -> None:
    import time

    from alexaskill.testing import TestClient

    def stamp(envelope: Envelope) -> str:
        return envelope.request.timestamp

    with TestClient(_echo_skill(stamp)) as client:
        now_ms = int(time.time() * 1000)
        fresh = client.send("LaunchRequest", timestamp=now_ms)
        stale = client.send("LaunchRequest", timestamp=now_ms - 151_000)
        future = client.send("LaunchRequest", timestamp=now_ms + 151_000)
    assert fresh.status_code == 200, fresh.json
    assert fresh.speech == models.epoch_ms_timestamp(now_ms)
    assert fresh.speech is not None and fresh.speech.endswith("Z")
    assert (stale.status_code, str(stale.error)[:20]) == (400, "timestamp: too old (")
    assert (future.status_code, str(future.error)[:26]) == (400, "timestamp: in the future (")


def test_epoch_ms_timestamp() -> None:
    assert models.epoch_ms_timestamp(1490000000123) == "2017-03-20T08:53:20.123Z"
    assert models.epoch_ms_timestamp(1490000000123.0) == "2017-03-20T08:53:20.123Z"
    # 10**309: an int past what a float holds (math.isfinite raised OverflowError: HTTP 500)
    for unusable in (True, float("nan"), float("inf"), 10**20, 10**309, "1490000000123", None):
        assert models.epoch_ms_timestamp(unusable) is None


def test_the_printed_form_shows_no_token_and_no_whole_user_id() -> None:
    # A handler's exception that quotes the request, or a debug print of it, ends up in logs:
    # the tokens and the user's id are shown masked (the user as the request line's hash).
    from alexaskill.logs import user_hash
    from alexaskill.testing import RequestFactory

    user_id = "amzn1.ask.account.FULL-USER-ID"
    person = {"personId": "amzn1.ask.person.FULL-PERSON-ID", "accessToken": "PERSON-TOKEN"}
    user = {"accessToken": "USER-TOKEN", "permissions": {"consentToken": "CONSENT-TOKEN"}}
    factory = RequestFactory(user_id=user_id, user=user)
    envelope = factory.intent("GetWeather")
    envelope["context"]["System"]["person"] = person
    device = envelope["context"]["System"]["device"]
    device["deviceId"] = "amzn1.ask.device.FULL-DEVICE-ID"
    device["persistentEndpointId"] = "amzn1.alexa.endpoint.did.FULL-ENDPOINT-ID"
    token = envelope["context"]["System"]["apiAccessToken"]
    decoded = decode_envelope(json.dumps(envelope))
    shown = repr(decoded) + str(decoded) + repr(decoded.context) + repr(decoded.session)
    for secret in (
        token,
        "USER-TOKEN",
        "CONSENT-TOKEN",
        "PERSON-TOKEN",
        "FULL-USER-ID",
        "FULL-PERSON-ID",
        "FULL-DEVICE-ID",  # a device's ids follow a household as a user's id follows a user
        "FULL-ENDPOINT-ID",
    ):
        assert secret not in shown, secret
    assert f"user_id=<user {user_hash(user_id)}>" in shown
    assert f"device_id=<device {user_hash(device['deviceId'])}>" in shown
    assert "access_token='***'" in shown and "api_access_token='***'" in shown
    # Only the printed form: the values are there for the handler.
    assert decoded.context is not None and decoded.context.system is not None
    assert decoded.context.system.api_access_token == token
    system_user = decoded.context.system.user
    assert system_user is not None and system_user.user_id == user_id
    assert repr(models.User()) == "User(user_id='', access_token=None, permissions=None)"


def test_a_state_amazon_adds_still_decodes() -> None:
    # dialog_state and confirmation_status are Literals for type checkers only.
    data = load_json("IntentRequest.GetWeather")
    data["request"]["dialogState"] = "SUSPENDED"
    data["request"]["intent"]["confirmationStatus"] = "MAYBE"
    for slot in data["request"]["intent"].get("slots", {}).values():
        slot["confirmationStatus"] = "MAYBE"
    request = decode_envelope(json.dumps(data).encode()).request
    assert isinstance(request, IntentRequest)
    assert request.dialog_state == "SUSPENDED"  # type: ignore[comparison-overlap]
    assert request.intent.confirmation_status == "MAYBE"
    assert request.intent.slots
    assert {slot.confirmation_status for slot in request.intent.slots.values()} == {"MAYBE"}
