"""``alexaskill request`` and the commands taking an APP: defaults and messages found wanting (a
request type alexaskill does not model: test_cli_request_unmodelled.py)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from alexaskill.models import (
    AlexaSkillEventRequest,
    HouseholdListEventRequest,
    ReminderEventRequest,
    decode_envelope,
)
from alexaskill.testing import RequestFactory

from .cli_run import run
from .conftest import FOURTH_SKILL_ID, OTHER_SKILL_ID, SKILL_ID, THIRD_SKILL_ID

APP = f"""
from alexaskill import Skill

skill = Skill({SKILL_ID!r})


@skill.launch
def launch():
    return "hello"
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A current directory holding ``classapp.py``, its module forgotten afterwards."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "classapp.py").write_text(APP, encoding="utf-8")
    (tmp_path / "launch.json").write_text(
        '{"request": {"type": "LaunchRequest"}}', encoding="utf-8"
    )
    yield tmp_path
    sys.modules.pop("classapp", None)


@pytest.mark.parametrize(
    "argv",
    [
        ["model", "classapp:Skill"],
        ["replay", "classapp:Skill", "launch.json"],
        ["request", "LaunchRequest", "--model", "classapp:Skill"],
        ["understand", "--model", "classapp:Skill", "hello"],
        ["chat", "classapp:Skill"],
    ],
)
def test_an_app_naming_the_skill_class_is_told_as_serve_tells_it(
    workdir: Path, argv: list[str]
) -> None:
    # Was "classapp:Skill is not an alexaskill Skill (it is of type type)".
    code, out, err = run(*argv)
    assert (code, out) == (2, "")
    assert err.endswith(
        "error: classapp:Skill is the Skill class, not a skill: name the Skill object made with "
        "it, as in classapp:skill\n"
    ), err


def printed(*argv: str) -> dict[str, Any]:
    code, out, err = run("request", *argv)
    assert (code, err) == (0, ""), err
    return cast(dict[str, Any], json.loads(out))


@pytest.mark.parametrize(
    ("request_type", "check"),
    [
        (
            "System.ExceptionEncountered",
            lambda r: (
                r.error.type == "INVALID_RESPONSE"
                and r.error.message != ""
                and r.cause["requestId"].startswith("amzn1.echo-api.request.")
            ),
        ),
        (
            "Connections.Response",
            lambda r: (
                r.name == "Buy"
                and r.status == {"code": "200", "message": "OK"}
                and r.token == "correlationToken"
                and r.payload["purchaseResult"] == "ACCEPTED"
                and r.payload["productId"].startswith("amzn1.adg.product.")
            ),
        ),
        (
            "Alexa.Presentation.APL.UserEvent",
            lambda r: (
                r.token == "documentToken"
                and r.arguments == ["buttonPressed"]
                and r.source == {"type": "TouchWrapper", "handler": "Press", "id": "button"}
                and r.components == {}
            ),
        ),
        (
            "Alexa.Presentation.APL.RuntimeError",
            lambda r: r.token == "documentToken" and r.errors[0]["type"] == "LIST_ERROR",
        ),
        (
            "Alexa.Presentation.APL.LoadIndexListData",
            lambda r: (
                (r.list_id, r.start_index, r.count, r.correlation_token) == ("list", 20, 10, "101")
            ),
        ),
        (
            "Alexa.Presentation.APL.LoadTokenListData",
            lambda r: (r.list_id, r.page_token) == ("list", "nextPage"),
        ),
        ("Display.ElementSelected", lambda r: r.token == "item_1"),
        (
            "SessionResumedRequest",
            lambda r: (
                r.cause["type"] == "ConnectionCompleted"
                and r.cause["status"] == {"code": "200", "message": "OK"}
            ),
        ),
        (
            "CustomInterfaceController.EventsReceived",
            lambda r: r.token == "eventHandlerToken" and r.events[0]["header"]["name"] == "Event",
        ),
        (
            "CustomInterfaceController.Expired",
            lambda r: r.token == "eventHandlerToken" and r.expiration_payload == {},
        ),
        ("Messaging.MessageReceived", lambda r: r.message == {}),
        (
            "GameEngine.InputHandlerEvent",
            lambda r: (
                r.originating_request_id.startswith("amzn1.echo-api.request.")
                and r.events[0]["inputEvents"][0]["action"] == "down"
            ),
        ),
    ],
)
def test_a_request_carries_the_fields_alexa_always_sends_with_its_type(
    request_type: str, check: Callable[[Any], bool]
) -> None:
    # Was the bare envelope: type, requestId, timestamp and locale, and nothing else.
    request = decode_envelope(json.dumps(printed(request_type))).request
    assert request.type == request_type
    assert check(request), request


def test_a_field_given_replaces_the_default_one() -> None:
    error = {"type": "DEVICE_COMMUNICATION_ERROR", "message": "lost"}
    request = printed("System.ExceptionEncountered", "--field", f"error={json.dumps(error)}")[
        "request"
    ]
    assert request["error"] == error
    assert list(request)[-2:] == ["error", "cause"]
    request = printed("Connections.Response", "--field", "token=mine", "--field", "name=Upsell")[
        "request"
    ]
    assert (request["token"], request["name"], request["status"]["code"]) == (
        "mine",
        "Upsell",
        "200",
    )
    # An APLT event (a character display: no touch, so no TouchWrapper) is as it was.
    assert "source" not in printed("Alexa.Presentation.APLT.UserEvent")["request"]
    # A request of a type with no more fields, or one alexaskill does not know, is as it was.
    assert sorted(printed("LaunchRequest")["request"]) == [
        "locale",
        "requestId",
        "timestamp",
        "type",
    ]


@pytest.mark.parametrize(
    ("request_type", "interfaces"),
    [
        ("Alexa.Presentation.APL.UserEvent", ["AudioPlayer", "Alexa.Presentation.APL"]),
        ("Alexa.Presentation.APL.LoadIndexListData", ["AudioPlayer", "Alexa.Presentation.APL"]),
        ("Display.ElementSelected", ["AudioPlayer", "Display"]),
        ("LaunchRequest", ["AudioPlayer"]),
    ],
)
def test_a_screen_event_comes_from_a_device_with_that_screen(
    request_type: str, interfaces: list[str]
) -> None:
    # Was a device declaring AudioPlayer alone, which never sends an APL or Display event.
    context = printed(request_type)["context"]
    assert list(context["System"]["device"]["supportedInterfaces"]) == interfaces
    assert ("Viewport" in context) == (len(interfaces) > 1)
    # --interface says otherwise (with the event's own interface: Alexa needs it to send one).
    own = [name for name in interfaces if name != "AudioPlayer"]
    argv = [arg for name in ["VideoApp", *own] for arg in ("--interface", name)]
    context = printed(request_type, *argv)["context"]
    assert list(context["System"]["device"]["supportedInterfaces"]) == ["VideoApp", *own]


EVENT_TYPES = [
    *AlexaSkillEventRequest.types,
    *HouseholdListEventRequest.types,
    *ReminderEventRequest.types,
]


@pytest.mark.parametrize("request_type", EVENT_TYPES)
def test_a_skill_list_or_reminder_event_says_when_it_was_made_and_carries_its_body(
    request_type: str,
) -> None:
    # Was the bare envelope: no eventCreationTime, eventPublishingTime or body.
    code, out, err = run("request", request_type)
    # (a list event said to be deprecated by Amazon: tests/test_lists_deprecated.py)
    listed = request_type.startswith("AlexaHouseholdListEvent.")
    assert code == 0 and ("deprecated" in err if listed else err == ""), err
    envelope = json.loads(out)
    request: Any = decode_envelope(json.dumps(envelope)).request
    if request_type.endswith("SubscriptionChanged"):
        # Its body alone, as ask-sdk-model's ProactiveSubscriptionChangedRequest (and
        # NotificationSubscriptionChangedRequest) has: ProactiveSubscriptionChanged carried the
        # event times of the other skill events, which these have not.
        assert sorted(envelope["request"]) == ["body", "locale", "requestId", "timestamp", "type"]
        assert request.body["subscriptions"], request.body
    else:
        assert request.event_creation_time == request.event_publishing_time == request.timestamp
    if request_type.endswith(("SkillEnabled", "SkillDisabled")):
        assert request.body is None
    else:
        assert isinstance(request.body, dict) and request.body, request.body
    assert "session" not in envelope


def test_a_grant_carries_its_authorization_code() -> None:
    request: Any = decode_envelope(json.dumps(printed("Alexa.Authorization.Grant"))).request
    assert request.body == {
        "grant": {"type": "OAuth2.AuthorizationCode", "code": "authorization-code"}
    }


def test_a_field_named_as_a_parameter_of_the_factory_is_the_request_objects() -> None:
    # --field session=5 was a traceback (TypeError: 'int' object is not iterable), and
    # --field 'session={}' put a session in the envelope; now, request_type and self were
    # tracebacks too (a timestamp of 5, "got multiple values for argument").
    code, out, err = run("request", "LaunchRequest", "--field", "session={}")
    assert (code, out) == (2, "")
    assert err.endswith(
        "error: --field session: the session is the envelope's, not the request object's: "
        "TYPE says if there is one\n"
    ), err
    # Then written into the request object; now no field a LaunchRequest carries, refused.
    for name in ("now", "request_type", "self"):
        code, out, err = run("request", "LaunchRequest", "--field", f"{name}=5")
        assert (code, out) == (2, "")
        assert f"error: --field {name}: LaunchRequest requests carry no {name}" in err, err


def test_an_event_given_a_timestamp_was_made_and_sent_then() -> None:
    # Its eventCreationTime and eventPublishingTime were now, after the request's time.
    stamp = "2026-11-29T12:00:00Z"
    request = printed("AlexaSkillEvent.SkillEnabled", "--field", f"timestamp={stamp}")["request"]
    assert request["eventCreationTime"] == request["eventPublishingTime"] == stamp
    assert request["timestamp"] == stamp


def test_an_event_is_made_and_sent_at_the_requests_own_time_when_the_clock_ticks_between(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The event's times and the request's timestamp were two readings of the clock: a second
    # passing between them (a loaded machine) made them differ, and the event sent after the
    # request was made. A clock that ticks a second at each reading shows it every time.
    from alexaskill.testing import request_defaults, requests

    real = requests.timestamp
    ticks = iter(range(60))

    def ticking(now: Any = None) -> str:
        return real(now) if now is not None else f"2026-11-29T12:00:{next(ticks):02d}Z"

    monkeypatch.setattr(requests, "timestamp", ticking)
    monkeypatch.setattr(request_defaults, "timestamp", ticking)
    request = printed("AlexaSkillEvent.SkillEnabled")["request"]
    assert request["eventCreationTime"] == request["eventPublishingTime"] == request["timestamp"]


def test_a_character_display_event_comes_from_a_device_declaring_aplt() -> None:
    # An Alexa.Presentation.APLT.UserEvent (a character display's, an Echo Dot with clock)
    # came from a device declaring AudioPlayer alone, which never sends one; its device has no
    # screen, so no Viewport either.
    context = printed("Alexa.Presentation.APLT.UserEvent")["context"]
    assert list(context["System"]["device"]["supportedInterfaces"]) == [
        "AudioPlayer",
        "Alexa.Presentation.APLT",
    ]
    assert "Viewport" not in context


def _ids(envelope: dict[str, Any]) -> set[str]:
    """The application ids ``envelope`` carries: its context's, and its session's."""
    ids = {envelope["context"]["System"]["application"]["applicationId"]}
    if "session" in envelope:
        ids.add(envelope["session"]["application"]["applicationId"])
    return ids


def test_the_skill_id_of_the_environment_is_the_default_as_the_server_reads_it(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alexaskill.testing import DEFAULT_SKILL_ID

    # The request carried the test tools' placeholder id whatever ALEXASKILL_SKILL_ID said, so
    # the skill it set up (settings_from_env()) refused the request printed for it.
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", f" {OTHER_SKILL_ID}, {FOURTH_SKILL_ID}")
    assert _ids(printed("LaunchRequest")) == {OTHER_SKILL_ID}
    assert _ids(printed("LaunchRequest", "--skill-id", THIRD_SKILL_ID)) == {THIRD_SKILL_ID}
    # The APP is the skill: its own id, which is what it accepts.
    assert _ids(printed("LaunchRequest", "--model", "classapp:skill")) == {SKILL_ID}
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", "")  # (empty is unset, as for the server)
    assert _ids(printed("LaunchRequest")) == {DEFAULT_SKILL_ID}


@pytest.mark.parametrize(("value", "says"), [("*", "is refused"), (" , ", "names no skill id")])
def test_a_skill_id_of_the_environment_the_server_refuses_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, value: str, says: str
) -> None:
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", value)
    code, out, err = run("request", "LaunchRequest")
    assert (code, out) == (2, "") and says in err and "--skill-id" in err, err
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", "amzn1.ask.skill.a b")
    code, out, err = run("request", "LaunchRequest")
    assert (code, out) == (2, "") and "ALEXASKILL_SKILL_ID: 'amzn1.ask.skill.a b' holds" in err


def test_an_event_given_a_timestamp_in_epoch_milliseconds_is_made_at_that_time() -> None:
    # A numeric timestamp (epoch milliseconds, which the model and the verifier take) was
    # ignored: the event was made and sent now, the request dated another day.
    stamp = "1764417600000"  # 2025-11-29T12:00:00Z
    request = printed("AlexaSkillEvent.SkillEnabled", "--field", f"timestamp={stamp}")["request"]
    assert request["timestamp"] == 1764417600000
    made = "2025-11-29T12:00:00.000Z"
    assert request["eventCreationTime"] == request["eventPublishingTime"] == made
    pressed = printed("GameEngine.InputHandlerEvent", "--field", f"timestamp={stamp}")
    assert pressed["request"]["events"][0]["inputEvents"][0]["timestamp"] == made

    sent = RequestFactory().envelope("Reminders.ReminderCreated", timestamp=1764417600000)
    assert sent["request"]["eventCreationTime"] == made


@pytest.mark.parametrize(
    ("value", "says"),
    [
        # It printed a request with "timestamp": null, which the skill refuses ("timestamp:
        # missing"): Alexa always dates its requests.
        ("null", "--field timestamp: Alexa dates every request"),
        # It said "the request: request.timestamp: …", naming no --field.
        ("1e30", "--field timestamp: a number, but no date in epoch milliseconds"),
    ],
)
def test_a_timestamp_the_skill_would_refuse_is_a_usage_error_naming_the_field(
    value: str, says: str
) -> None:
    code, out, err = run("request", "LaunchRequest", "--field", f"timestamp={value}")
    assert (code, out) == (2, "") and says in err, err


def test_a_web_app_message_comes_from_a_device_declaring_html_with_its_message() -> None:
    # An Alexa.Presentation.HTML.Message came from a device declaring AudioPlayer alone, which
    # never sends one (the test client refuses to), and without the web app's message.
    from alexaskill.testing.options import check_sent_by_device

    code, out, _ = run("request", "Alexa.Presentation.HTML.Message")  # (a note: not modelled)
    assert code == 0
    envelope = json.loads(out)
    interfaces = tuple(envelope["context"]["System"]["device"]["supportedInterfaces"])
    assert "Alexa.Presentation.HTML" in interfaces
    check_sent_by_device("Alexa.Presentation.HTML.Message", interfaces)
    assert isinstance(envelope["request"]["message"], dict)


@pytest.mark.parametrize(
    ("request_type", "interface"),
    [
        ("Alexa.Presentation.APL.UserEvent", "Alexa.Presentation.APL"),
        ("Alexa.Presentation.APLT.UserEvent", "Alexa.Presentation.APLT"),
        ("Alexa.Presentation.HTML.Message", "Alexa.Presentation.HTML"),
        ("Display.ElementSelected", "Display"),
    ],
)
def test_a_screen_event_from_a_device_without_its_interface_is_a_usage_error(
    request_type: str, interface: str
) -> None:
    # --interface Display made an APL UserEvent from a device declaring no APL, which Alexa
    # never sends and the test client refuses to; only AudioPlayer events were checked.
    code, out, err = run("request", request_type, "--interface", "AudioPlayer")
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill request: error: {request_type}: Alexa sends it only from a device declaring "
        f"{interface}: add --interface {interface}\n"
    )
    code, out, err = run("request", request_type, "--interface", interface)
    assert code == 0 and json.loads(out)["request"]["type"] == request_type, err
