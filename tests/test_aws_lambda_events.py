"""AWS Lambda: events that are no Alexa request (a console test, another trigger) are refused
with an error that says what came, its shape only, and what the handler takes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from alexaskill import Skill, log_lambda, speak
from alexaskill.aws_lambda import decode_event, handler
from alexaskill.exceptions import MalformedRequestError
from alexaskill.responses import Response

from .conftest import SKILL_ID
from .lambda_runtime import Runtime

SECRET = "s3cr3t-value"

API_GATEWAY_HTTP = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/",
    "headers": {"authorization": SECRET},
    "requestContext": {"http": {"method": "POST"}},
    "body": SECRET,
    "isBase64Encoded": False,
}
API_GATEWAY_REST = {
    "resource": "/",
    "path": "/",
    "httpMethod": "POST",
    "headers": {"authorization": SECRET},
    "requestContext": {"stage": "prod"},
    "body": SECRET,
}
S3 = {"Records": [{"eventSource": "aws:s3", "s3": {"object": {"key": SECRET}}}]}
EVENTBRIDGE = {"version": "0", "source": "aws.events", "detail-type": "Scheduled Event"}
CONSOLE = {"key1": "value1", "key2": "value2", "key3": SECRET}

#: Each event, and what the error says it is.
NOT_ALEXA = [
    (API_GATEWAY_HTTP, "API Gateway"),
    (API_GATEWAY_REST, "API Gateway"),
    (S3, "'Records'"),
    (EVENTBRIDGE, "EventBridge"),
    (CONSOLE, "the Lambda console's"),
    ({}, "an empty JSON object"),
    ([SECRET, 2], "a JSON array"),
    (SECRET, "a string"),
    (None, "null"),
    (42, "a number"),
]


def _skill() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.")

    return skill


@pytest.fixture
def runtime() -> Iterator[Runtime]:
    """The Lambda runtime's logging and invocations (its handler and clock put back after)."""
    converter = logging.Formatter.converter
    made = Runtime()
    made.install()
    yield made
    logging.getLogger().removeHandler(made.handler)
    logging.Formatter.converter = converter
    log_lambda._aws_request_id = ""  # (noted by the handler: the process's last invocation)


@pytest.mark.parametrize(("event", "said"), NOT_ALEXA)
def test_an_event_that_is_no_alexa_request_is_refused_saying_what_came(
    runtime: Runtime, caplog: pytest.LogCaptureFixture, event: Any, said: str
) -> None:
    lambda_handler = handler(_skill())
    caplog.set_level(logging.INFO, logger="alexaskill")
    assert runtime.invoke(lambda_handler, event) is None
    [error] = runtime.errors
    assert error["errorType"] == "MalformedRequestError"
    message = error["errorMessage"]
    assert "not an Alexa request" in message and said in message
    assert "alexaskill request LaunchRequest" in message  # how to test the function
    assert SECRET not in message  # the event's shape, never its values
    # The traceback is the handler's refusal, not a trace through the envelope's parsing.
    [frame] = [m for m in runtime.messages() if m.startswith("[ERROR] MalformedRequestError")]
    assert "decode_envelope" not in frame and "_encode_event" not in frame
    # One warning says it, for the function's log (whatever the runtime prints; another
    # warning of the process, a slow machine's, is no concern of this test's).
    [warning] = [
        r
        for r in caplog.records
        if r.levelno == logging.WARNING and "not an Alexa request" in r.getMessage()
    ]
    assert said in warning.getMessage()
    assert SECRET not in warning.getMessage()
    with pytest.raises(MalformedRequestError, match="not an Alexa request"):
        decode_event(event)


@pytest.mark.parametrize(("event", "said"), [(object(), "an object"), ({1}, "a set")])
def test_an_event_of_another_python_type_is_said_with_its_article(event: Any, said: str) -> None:
    # A test calling the handler with an object of its own: "a object, not a JSON object" was said.
    with pytest.raises(MalformedRequestError, match=f"Alexa request: {said}, not a JSON object"):
        decode_event(event)


def test_an_api_gateway_event_is_told_to_serve_the_asgi_app(runtime: Runtime) -> None:
    runtime.invoke(handler(_skill()), API_GATEWAY_HTTP)
    [error] = runtime.errors
    assert "signed" in error["errorMessage"] and "ASGI app" in error["errorMessage"]


@pytest.mark.parametrize(
    "http",
    [{"requestContext": {"http": {"method": "POST"}}}, {"httpMethod": "POST"}, {"rawPath": "/"}],
)
def test_an_alexa_request_in_an_http_event_is_refused_unanswered(
    runtime: Runtime, http: dict[str, Any]
) -> None:
    # An HTTP request mapped onto the event (an API Gateway mapping that merges the body with
    # the HTTP request's fields) was answered as Alexa's, unverified: anyone could send one.
    from alexaskill.testing import RequestFactory

    event = {**RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest"), **http}
    assert runtime.invoke(handler(_skill()), event) is None
    [error] = runtime.errors
    assert error["errorType"] == "MalformedRequestError"
    message = error["errorMessage"]
    assert "an HTTP request's" in message and "ASGI app" in message, message
    with pytest.raises(MalformedRequestError, match="an HTTP request's"):
        decode_event(event)


def test_the_shape_said_is_bounded_and_printable(runtime: Runtime) -> None:
    event = {f"key\n[ERROR] forged {i} " + "x" * 500: i for i in range(1000)}
    runtime.invoke(handler(_skill()), event)
    [error] = runtime.errors
    message = error["errorMessage"]
    assert len(message) < 1000 and "\n" not in message and "more keys" in message


def test_a_malformed_alexa_request_keeps_its_precise_reason(runtime: Runtime) -> None:
    # It has a "request": an envelope, malformed; what is wrong with it is what helps.
    runtime.invoke(handler(_skill()), {"version": "1.0", "request": {"requestId": "r"}})
    [error] = runtime.errors
    assert error["errorType"] == "MalformedRequestError"
    assert "`type`" in error["errorMessage"]
    assert "not an Alexa request" not in error["errorMessage"]


@pytest.mark.parametrize(
    ("event", "where"),
    [
        ({"version": "1.0", "request": None}, "$.request"),
        ({"version": "1.0", "request": []}, "$.request"),
        (
            {"request": {"type": "IntentRequest", "intent": {"name": "X", "slots": 5}}},
            "$.request.intent.slots",
        ),
    ],
)
def test_a_malformed_alexa_request_says_where_from_the_events_root(
    runtime: Runtime, event: dict[str, Any], where: str
) -> None:
    runtime.invoke(handler(_skill()), event)
    [error] = runtime.errors
    assert error["errorType"] == "MalformedRequestError"
    assert error["errorMessage"].endswith(f"- at `{where}`"), error["errorMessage"]


def test_a_burst_of_refused_events_is_counted_in_the_next_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """One warning a kind every 10 s; the next says how many went unsaid (each refused event
    has its request line and the runtime's error report anyway)."""
    from alexaskill import log_repeats

    now = [1000.0]
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: now[0])
    lambda_handler = handler(_skill())
    caplog.set_level(logging.INFO, logger="alexaskill")
    for _ in range(5):
        with pytest.raises(MalformedRequestError):
            lambda_handler(CONSOLE, None)
    now[0] += 11
    with pytest.raises(MalformedRequestError):
        lambda_handler(CONSOLE, None)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and "more" not in warnings[0]
    assert warnings[1].endswith("(4 more refused:malformed since the last such line)")
    refused = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert len(refused) == 6


@pytest.mark.parametrize(
    ("event", "said"),
    [
        ("x" * 5000, "a string (5,000 characters)"),
        (b"x" * 5000, "bytes (5,000), not a JSON object"),
        (list(range(1500)), "a JSON array (1,500 items)"),
        ({f"k{i}": i for i in range(2000)}, "and 1,992 more keys"),
    ],
    ids=["str", "bytes", "list", "keys"],
)
def test_the_sizes_said_of_an_event_have_thousands_separators(event: Any, said: str) -> None:
    # As the other messages write sizes: "a string (5000 characters)" was said.
    from alexaskill.aws_lambda import describe_event

    assert said in describe_event(event)


def test_a_long_key_of_an_event_is_cut_to_its_head_and_tail_with_its_length() -> None:
    # As a long name is shown elsewhere: its first 40 characters were kept, its end (where two
    # keys of one prefix differ) lost, and nothing said it was cut; a key's escapes were
    # escaped twice ('a\\nb').
    from alexaskill.aws_lambda import describe_event

    said = describe_event({"detail-" + "x" * 4_980 + "-type": 1, "a\nb": 2, "short": 3})
    assert said == (
        "a JSON object with the keys 'detail-xxxxxxxxxxxxxxxx…xxxxx-type' (4,992 characters), "
        "'a\\nb', 'short'"
    ), said


@pytest.mark.parametrize("kind", [bytes, bytearray, str], ids=["bytes", "bytearray", "str"])
def test_json_text_instead_of_the_decoded_event_is_said_to_be_json_text(
    runtime: Runtime, kind: type
) -> None:
    # A payload encoded twice (a string holding the JSON), or a test passing the raw body: the
    # error said "a bytes, not a JSON object", or "a string (…)", and nothing of the JSON in it.
    text = '{"version": "1.0", "request": {"type": "LaunchRequest"}, "x": "' + SECRET + '"}'
    event = text if kind is str else kind(text.encode())
    runtime.invoke(handler(_skill()), event)
    [error] = runtime.errors
    message = error["errorMessage"]
    assert "a bytes" not in message and SECRET not in message
    assert "JSON text" in message and "json.loads" in message, message


def test_a_smart_home_directive_is_said_to_be_one(runtime: Runtime) -> None:
    # A smart home skill's Lambda trigger (or an Alexa.Discovery test) sends a directive, no
    # request: the error listed its one key, which did not say the function answers custom
    # skills only.
    directive = {
        "directive": {
            "header": {"namespace": "Alexa.Discovery", "name": "Discover", "messageId": SECRET},
            "payload": {"scope": {"type": "BearerToken", "token": SECRET}},
        }
    }
    runtime.invoke(handler(_skill()), directive)
    [error] = runtime.errors
    message = error["errorMessage"]
    assert "smart home directive" in message and "custom skill" in message, message
    assert SECRET not in message


def test_the_command_the_error_gives_prints_an_event_the_function_answers(
    runtime: Runtime,
) -> None:
    # The command printed a request for the placeholder id, which the skill-id check refused
    # next (its warning even suggested that id might be the skill's).
    import io
    import json
    import shlex

    from alexaskill.cli import main

    ours = "amzn1.ask.skill.3f0c1a2b-4d5e-6f70-8192-a3b4c5d6e7f8"
    skill = Skill([ours, "amzn1.ask.skill.ffffffff-4d5e-6f70-8192-a3b4c5d6e7f8"])
    skill.launch(lambda: speak("Welcome."))
    lambda_handler = handler(skill)
    runtime.invoke(lambda_handler, CONSOLE)
    [error] = runtime.errors
    command = error["errorMessage"].split("(`")[1].split("`")[0]
    assert command == f"alexaskill request LaunchRequest --skill-id {ours}"  # the first id
    out = io.StringIO()
    assert main(shlex.split(command)[1:], stdout=out, stderr=io.StringIO()) == 0
    answer = lambda_handler(json.loads(out.getvalue()), None)
    assert answer["response"]["outputSpeech"]["text"] == "Welcome."
    # A skill that answers any id needs none.
    runtime.invoke(handler(Skill("*")), CONSOLE)
    assert "(`alexaskill request LaunchRequest` prints one)" in runtime.errors[-1]["errorMessage"]


def test_an_event_for_the_tools_placeholder_id_is_not_said_to_maybe_be_the_skills(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `alexaskill request` without --skill-id names the placeholder: the warning suggested it
    # might be the skill's own id, to set as ALEXASKILL_SKILL_ID (then every Alexa request fails).
    import io
    import json

    from alexaskill.cli import main
    from alexaskill.exceptions import SkillIdError
    from alexaskill.skill_ids_given import PLACEHOLDER_SKILL_ID
    from alexaskill.testing import DEFAULT_SKILL_ID

    assert PLACEHOLDER_SKILL_ID == DEFAULT_SKILL_ID  # (the tools' id, written once)
    ours = "amzn1.ask.skill.3f0c1a2b-4d5e-6f70-8192-a3b4c5d6e7f8"
    out = io.StringIO()
    assert main(["request", "LaunchRequest"], stdout=out, stderr=io.StringIO()) == 0
    caplog.set_level(logging.WARNING, logger="alexaskill")
    with pytest.raises(SkillIdError):
        handler(Skill(ours))(json.loads(out.getvalue()), None)
    [warning] = [r.getMessage() for r in caplog.records if "another skill" in r.getMessage()]
    assert "ALEXASKILL_SKILL_ID" not in warning and "if it is this skill's id" not in warning
    assert "placeholder id of alexaskill's tools" in warning
    assert f"`alexaskill request TYPE --skill-id {ours}`" in warning


def test_an_api_gateway_event_is_told_to_serve_the_app_behind_mangum_as_the_readme_does(
    runtime: Runtime,
) -> None:
    # The error named `Mangum(skill, lifespan="off")` after the README's example had become
    # `Mangum(skill)`, its default lifespan kept (its shutdown no longer closes the stores).
    from pathlib import Path

    runtime.invoke(handler(_skill()), API_GATEWAY_HTTP)
    [error] = runtime.errors
    assert "`Mangum(skill)` (README: AWS Lambda)" in error["errorMessage"]
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    lambda_section = readme.split("### AWS Lambda\n", 1)[1].split("\n### ", 1)[0]
    assert "handler = Mangum(skill)  #" in lambda_section


def _launch_with_padding(size: int) -> dict[str, Any]:
    """An Alexa request of about ``size`` bytes as JSON, the extra in one field of its own."""
    from alexaskill.testing import RequestFactory

    event = RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")
    event["request"]["padding"] = SECRET + "x" * size
    return event


def test_an_event_larger_than_the_skills_body_limit_is_refused_saying_so(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    # The web service refuses a body past `Skill(max_body_size=…)` (128 KiB) with a 413; the
    # Lambda handler took an event of any size (up to Lambda's 6 MB), decoded it, and answered:
    # its values reached the handlers and the log lines (an intent name of megabytes).
    launched: list[str] = []
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> Response:
        launched.append("launch")
        return speak("Welcome.")

    lambda_handler = handler(skill)
    caplog.set_level(logging.INFO, logger="alexaskill")
    assert runtime.invoke(lambda_handler, _launch_with_padding(200 * 1024)) is None
    assert launched == []
    [error] = runtime.errors
    assert error["errorType"] == "MalformedRequestError"
    message = error["errorMessage"]
    assert "131,072 bytes" in message and "max_body_size" in message, message
    assert SECRET not in message and len(message) < 400
    [frame] = [m for m in runtime.messages() if m.startswith("[ERROR] MalformedRequestError")]
    assert "decode_body" not in frame  # the handler's frame alone
    [line] = [r for r in caplog.records if r.name == "alexaskill.request"]
    # The web service's outcome for a body past the limit (its 413), not a malformed one's.
    assert line.outcome == "refused:too_large"  # type: ignore[attr-defined]
    # Up to the limit, answered; and the limit is the skill's own.
    assert runtime.invoke(lambda_handler, _launch_with_padding(100 * 1024)) is not None
    roomy = Skill(SKILL_ID, max_body_size=1024 * 1024)
    roomy.launch(lambda: speak("Welcome."))
    assert runtime.invoke(handler(roomy), _launch_with_padding(200 * 1024)) is not None


def test_a_large_event_that_is_no_alexa_request_is_said_to_be_none(runtime: Runtime) -> None:
    # What it is helps more than its size: another trigger's event, the console's.
    runtime.invoke(handler(_skill()), {"body": SECRET * 100_000})
    [error] = runtime.errors
    assert "not an Alexa request" in error["errorMessage"]
    assert SECRET not in error["errorMessage"]


def test_an_intent_name_of_any_length_is_said_cut_short_in_the_no_handler_warning(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    # Its warning quoted the name whole, twice: an event under the size limit made a line of
    # 240,000 characters (of 10 MB before the limit), where the request line cuts each value
    # at 256 (`alexaskill.log_values.cut`).
    from alexaskill.log_values import MAX_VALUE
    from alexaskill.testing import RequestFactory

    name = "Hello" + "x" * 100_000
    event = RequestFactory(skill_id=SKILL_ID).intent(name)
    caplog.set_level(logging.WARNING, logger="alexaskill")
    answer = runtime.invoke(handler(_skill()), event)
    assert answer is not None and answer["response"]["shouldEndSession"] is False
    said = [r.getMessage() for r in caplog.records]
    [warning] = [message for message in said if "no handler for intent" in message]
    assert len(warning) < 3 * MAX_VALUE + 200, len(warning)
    assert "…(+" in warning  # says how much more there was
