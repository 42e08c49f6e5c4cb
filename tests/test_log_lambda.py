"""Logging on AWS Lambda: alexaskill's records under the Lambda runtime's logging.

The runtime is `tests/lambda_runtime.py`, a stand-in for the runtime interface client's
logging (awslambdaric). It was checked against the real awslambdaric 4.2.2 (not a test
dependency: it ships a C extension and needs a Runtime API server to talk to): the README's
function with a launch and a failing handler, run by ``python -m awslambdaric`` against a local
fake of the Runtime API with ``_LAMBDA_TELEMETRY_LOG_FD`` on a pipe, gave the same frames, byte
for byte but for times, ids and durations, as this stand-in, and the same lines on standard
error: log formats Text and JSON, ``AWS_LAMBDA_LOG_LEVEL=WARN``, ``ALEXASKILL_LOG_JSON=1``.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.log_lambda import on_lambda
from alexaskill.logs import configure_logging
from alexaskill.responses import Response
from alexaskill.settings import configure_logging_if_unset, settings_from_env
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory

from .lambda_runtime import LAMBDA_ENVIRON, Runtime, stream_events

# restore_logging: autouse, each test's logging and environment put back.
from .log_lambda_shared import (  # noqa: F401
    on_lambda_runtime,
    restore_logging,
    skill,
    standard_error,
)

# The skills here answer DEFAULT_SKILL_ID, by its name: the id the sample envelopes carry.
FIXTURES = Path(__file__).parent / "fixtures" / "requests"
USER_ID = (
    "amzn1.ask.account.AHQ6MJ7NQXDZUAJ3F2HOYKQZWGEV4XCN5QJSB7D2L7RHLVXO6PHMD3NAIKZS4WTEFBOQLJCDZ7"
    "YFUPG3RH5EIXQ2TMXVOKN6WBASZ4L3TDGMYQ7EKPXHRVBJNU2OCWFAZSI5DLY"
)


def event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return loaded


def invoke_both(runtime: Runtime) -> tuple[str, str]:
    """The README's function: settings from the environment, then a launch and a handler's bug.
    The two invocations' ids."""
    settings_from_env().configure_logging()
    lambda_handler = handler(skill())
    assert runtime.invoke(lambda_handler, event("LaunchRequest")) is not None
    launched = runtime.request_id
    assert runtime.invoke(lambda_handler, event("IntentRequest.GetWeather")) is not None
    return launched, runtime.request_id


def test_the_runtime_posts_the_answer_encoded_as_awslambdaric_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The stand-in gave back the handler's answer as it was, never encoded: an answer the
    real runtime cannot send (not JSON, or nested too deep for the frames it encodes in)
    passed here, where awslambdaric fails the invocation (``Runtime.MarshalError``). Encoded
    now as its ``marshal_response`` does, in the frame that called the handler."""
    runtime = Runtime()
    monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.11")
    assert runtime.invoke(lambda event, context: {"price": "£1"}, {}) == {"price": "£1"}
    monkeypatch.setenv("AWS_EXECUTION_ENV", "AWS_Lambda_python3.12")  # (its own unescaped)
    runtime.invoke(lambda event, context: {"price": "£1"}, {})
    assert runtime.invoke(lambda event, context: b"\x00raw", {}) == b"\x00raw"
    assert runtime.posted == ['{"price": "\\u00a31"}', '{"price": "£1"}', b"\x00raw"]
    assert runtime.errors == [] and runtime.frames == []
    assert runtime.invoke(lambda event, context: {"seen": {"a"}}, {}) is None
    why = "Unable to marshal response: Object of type set is not JSON serializable"
    assert runtime.errors == [{"errorType": "Runtime.MarshalError", "errorMessage": why}]
    assert runtime.messages() == [
        f"[ERROR] Runtime.MarshalError: {why}\nTraceback (most recent call last):"
    ]
    assert len(runtime.posted) == 3  # (nothing posted for the failed invocation)


def test_records_go_to_the_runtimes_handler_one_frame_each_with_the_request_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = on_lambda_runtime(monkeypatch)
    stderr = standard_error(monkeypatch)
    launched, failed = invoke_both(runtime)
    requests = [m for m in runtime.messages() if " -> " in m]
    assert len(requests) == 2  # one line per request, once
    assert requests[0].startswith("[INFO]\t")
    assert f"\t{launched}\tLaunchRequest -> ok handler=" in requests[0]
    assert f"\t{failed}\tIntentRequest GetWeather -> handler_error handler=" in requests[1]
    # The handler's traceback: one record, one frame (one CloudWatch event), with the id.
    [traceback] = [m for m in runtime.messages() if "Traceback" in m]
    assert traceback.startswith("[ERROR]\t") and f"\t{failed}\t" in traceback
    assert "ValueError: the forecast" in traceback
    assert USER_ID not in "".join(runtime.messages())
    # Nothing of alexaskill's written a second time, to standard error or output.
    assert stderr.getvalue() == ""


@pytest.mark.parametrize("log_json", ["0", "1"])
def test_a_function_logging_json_gets_the_runtimes_json_with_the_request_fields(
    monkeypatch: pytest.MonkeyPatch, log_json: str
) -> None:
    runtime = on_lambda_runtime(monkeypatch, "JSON", LOG_JSON=log_json)
    stderr = standard_error(monkeypatch)
    launched, failed = invoke_both(runtime)
    entries = [json.loads(m) for m in runtime.messages()]
    requests = [e for e in entries if e["logger"] == "alexaskill.request"]
    assert [(e["requestId"], e["request_type"], e["outcome"]) for e in requests] == [
        (launched, "LaunchRequest", "ok"),
        (failed, "IntentRequest", "handler_error"),
    ]
    assert re.fullmatch("[0-9a-f]{12}", requests[0]["user"])
    [error] = [e for e in entries if e["level"] == "ERROR"]
    assert error["requestId"] == failed and error["errorType"] == "ValueError"
    assert USER_ID not in "".join(runtime.messages())
    assert stderr.getvalue() == ""


def test_alexaskills_json_on_a_text_function_one_line_a_record_with_the_request_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = on_lambda_runtime(monkeypatch, LOG_JSON="1")
    stderr = standard_error(monkeypatch)
    launched, failed = invoke_both(runtime)
    events = stream_events(stderr.getvalue())
    entries = [json.loads(e) for e in events]  # every event is a whole record
    requests = [e for e in entries if e["logger"] == "alexaskill.request"]
    assert [(e["aws_request_id"], e["outcome"]) for e in requests] == [
        (launched, "ok"),
        (failed, "handler_error"),
    ]
    [error] = [e for e in entries if e["level"] == "ERROR"]
    assert error["aws_request_id"] == failed and "ValueError" in error["exception"]
    # The runtime's handler prints none of them again.
    assert not [m for m in runtime.messages() if "alexaskill" in m or " -> " in m]


def test_without_the_runtimes_handler_each_record_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A function whose root logger has no handler (another runtime; a web server in Lambda).
    runtime = on_lambda_runtime(monkeypatch)
    stderr = standard_error(monkeypatch)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    launched, failed = invoke_both(runtime)
    events = stream_events(stderr.getvalue())
    requests = [e for e in events if " -> " in e]
    assert len(requests) == 2
    assert re.match(
        rf"\[INFO\]\t\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{3}}Z\t{launched}\t"
        r"alexaskill\.request: LaunchRequest -> ok handler=",
        requests[0],
    )
    [traceback] = [e for e in events if "Traceback" in e]
    assert traceback.startswith("[ERROR]\t") and f"\t{failed}\t" in traceback
    assert "\r  ValueError: the forecast\r  [INFO]\tforged line" in traceback
    assert not [e for e in events if e.startswith("[INFO]\tforged")]
    assert len(events) == 3


def test_log_level_on_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = on_lambda_runtime(monkeypatch, LOG_LEVEL="WARNING")
    stderr = standard_error(monkeypatch)
    invoke_both(runtime)
    # The traceback, no request line.
    assert [m.split("\t")[0] for m in runtime.messages()] == ["[ERROR]"]
    assert stderr.getvalue() == ""
    logging.getLogger("alexaskill.custom").debug("not at WARNING")
    configure_logging("DEBUG")
    logging.getLogger("alexaskill.custom").debug("at DEBUG")
    assert runtime.messages()[-1].startswith("[DEBUG]") and "at DEBUG" in runtime.messages()[-1]
    assert len(runtime.frames) == 2


def test_configuring_again_on_lambda_leaves_one_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = on_lambda_runtime(monkeypatch)
    stderr = standard_error(monkeypatch)
    stream = io.StringIO()
    configure_logging(stream=stream)  # a stream of its own: alexaskill's handler writes there
    configure_logging()  # then the runtime's
    configure_logging()
    logging.getLogger("alexaskill").info("once")
    assert [m for m in runtime.messages() if "once" in m] and stream.getvalue() == ""
    assert len([m for m in runtime.messages() if "once" in m]) == 1
    configure_logging(stream=stream)
    logging.getLogger("alexaskill").info("twice?")
    assert not [m for m in runtime.messages() if "twice?" in m]
    assert stream.getvalue().count("twice?") == 1 and "\t" in stream.getvalue()
    assert stderr.getvalue() == ""


def test_the_app_configures_alexaskills_logging_on_lambda_under_the_runtime(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An ASGI adapter runs the app in Lambda: the root logger's handler is the runtime's.
    runtime = on_lambda_runtime(monkeypatch)
    stderr = standard_error(monkeypatch)
    assert configure_logging_if_unset() is True
    logging.getLogger("alexaskill.request").info("a request")
    assert any("a request" in m for m in runtime.messages())
    assert configure_logging_if_unset() is False  # set up already (a level on "alexaskill")
    assert stderr.getvalue() == ""


@pytest.mark.parametrize("json_asked", ["0", "1"], ids=["runtime's handler", "alexaskill's"])
def test_a_provisional_set_up_on_lambda_is_replaced_once_the_settings_parse(
    monkeypatch: pytest.MonkeyPatch, json_asked: str
) -> None:
    # A setting that does not parse sets logging up from those that do, for now. Through the
    # runtime's handler (plain text asked) that set-up is a level on "alexaskill" alone, which
    # the next call took for one of the app's: it stayed for good, and the setting was never
    # read again (a later start went on with it unparsed). Through alexaskill's own handler
    # (JSON asked of a function whose log format is Text) the next call replaced it.
    from alexaskill import settings
    from alexaskill.exceptions import ConfigurationError

    monkeypatch.setattr(settings, "_provisional", None)
    runtime = on_lambda_runtime(monkeypatch, LOG_LEVEL="verbose", LOG_JSON=json_asked)
    stderr = standard_error(monkeypatch)
    alexaskill = logging.getLogger("alexaskill")
    for _ in range(2):  # (still not parsing: refused again)
        with pytest.raises(ConfigurationError, match="ALEXASKILL_LOG_LEVEL"):
            configure_logging_if_unset()
        assert alexaskill.level == logging.INFO
    monkeypatch.setenv("ALEXASKILL_LOG_LEVEL", "debug")
    assert configure_logging_if_unset() is True
    assert alexaskill.level == logging.DEBUG
    alexaskill.debug("mended")
    said = runtime.messages() if json_asked == "0" else stderr.getvalue().splitlines()
    assert len([line for line in said if "mended" in line]) == 1, said
    assert configure_logging_if_unset() is False  # (set up now)


def test_each_start_on_lambda_fails_of_a_setting_that_does_not_parse(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An ASGI adapter (Mangum) runs the app's lifespan at each invocation: the first start
    # failed, and the next ones started, the setting never read again (the provisional set-up
    # taken for the app's own).
    from alexaskill import settings

    from .lifespan_start import lifespan_start

    monkeypatch.setattr(settings, "_provisional", None)
    on_lambda_runtime(monkeypatch, LOG_LEVEL="verbose")
    served = skill()
    for _ in range(2):
        answer = lifespan_start(served)
        assert answer["type"] == "lifespan.startup.failed", answer
        assert answer["message"].startswith("ALEXASKILL_LOG_LEVEL: unknown log level"), answer
    assert not served.started


def test_the_apps_own_set_up_after_a_provisional_one_on_lambda_is_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The app's configure_logging at the same level leaves "alexaskill" as the provisional
    # set-up left it: it is the app's all the same, not replaced by the settings once mended.
    from alexaskill import settings
    from alexaskill.exceptions import ConfigurationError

    monkeypatch.setattr(settings, "_provisional", None)
    on_lambda_runtime(monkeypatch, LOG_LEVEL="verbose")
    with pytest.raises(ConfigurationError, match="ALEXASKILL_LOG_LEVEL"):
        configure_logging_if_unset()
    configure_logging("INFO")
    monkeypatch.setenv("ALEXASKILL_LOG_LEVEL", "debug")
    assert configure_logging_if_unset() is False
    assert logging.getLogger("alexaskill").level == logging.INFO


def test_on_lambda_reads_lambdas_variables() -> None:
    assert on_lambda(LAMBDA_ENVIRON)
    assert on_lambda({"AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_LAMBDA_RUNTIME_API": "h:1"})
    assert on_lambda({"AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_EXECUTION_ENV": "AWS_Lambda_x"})
    assert not on_lambda({"AWS_LAMBDA_FUNCTION_NAME": "f"})
    assert not on_lambda({"AWS_LAMBDA_RUNTIME_API": "h:1", "AWS_EXECUTION_ENV": "x"})
    # ECS sets AWS_EXECUTION_ENV too (AWS_ECS_FARGATE, AWS_ECS_EC2): a web service there, given
    # a Lambda function's variables with a reused image or configuration, is no Lambda function.
    for ecs in ("AWS_ECS_FARGATE", "AWS_ECS_EC2"):
        assert not on_lambda({"AWS_LAMBDA_FUNCTION_NAME": "f", "AWS_EXECUTION_ENV": ecs})
    assert not on_lambda({})


def test_off_lambda_nothing_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    Runtime().install()  # a root handler, but no Lambda variables: alexaskill's own handler
    stream = io.StringIO()
    configure_logging(stream=stream)
    configure_logging()
    logger = logging.getLogger("alexaskill")
    assert len(logger.handlers) == 1 and logger.propagate is False


def _readme_lambda_function() -> str:
    """The README's lambda_function.py, as written there (its AWS Lambda section)."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### AWS Lambda\n", 1)[1].split("\n### ", 1)[0]
    found = re.search(r"```python\n(# lambda_function\.py\n.*?)```", section, re.DOTALL)
    assert found is not None, "the README's AWS Lambda section has no lambda_function.py"
    return found.group(1)


def test_the_readme_function_under_the_runtime(tmp_path: Path) -> None:
    """The README's lambda_function.py, as written there, imported after the runtime's set-up
    in a process of its own and invoked with Alexa's requests: its answers, records framed with
    ids, and no asyncio imported for a synchronous skill."""
    # (A copy of it was run: the README's own could change, or stop working, unseen.)
    (tmp_path / "lambda_function.py").write_text(_readme_lambda_function(), encoding="utf-8")
    requests = RequestFactory(skill_id=DEFAULT_SKILL_ID)
    # The LaunchRequest too: what the function's refusal of the console's test event says to
    # give it (`alexaskill request LaunchRequest`). It was answered with no speech.
    events = [
        requests.intent("HelloIntent", name="Ann"),
        requests.intent("HelloIntent"),
        requests.envelope("LaunchRequest"),
    ]
    script = (
        "import json, sys\n"
        "from lambda_runtime import Runtime\n"
        "runtime = Runtime()\n"
        "runtime.install()\n"
        "import lambda_function\n"
        "answers = [runtime.invoke(lambda_function.handler, event)"
        " for event in json.load(sys.stdin)]\n"
        "print(json.dumps([runtime.request_id, runtime.messages(), answers, runtime.errors,"
        " 'asyncio' in sys.modules]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALEXASKILL_", "AWS_"))}
    env |= LAMBDA_ENVIRON | {
        "ALEXASKILL_SKILL_ID": DEFAULT_SKILL_ID,
        "ALEXASKILL_STORE": "memory://",
    }
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(Path(__file__).parent)])
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(events),
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    request_id, messages, answers, errors, asyncio_loaded = json.loads(done.stdout)
    assert done.stderr == "" and errors == []
    said = [answer["response"].get("outputSpeech", {}).get("text") for answer in answers]
    assert said == ["Hello, Ann!", "Hello, world!", "Hello! Whom shall I greet?"]
    assert f"\t{request_id}\tLaunchRequest -> ok handler=" in messages[-1]
    assert asyncio_loaded is False


@pytest.mark.parametrize(
    ("unset", "setting", "said"),
    [
        ("ALEXASKILL_SKILL_ID", {}, "set ALEXASKILL_SKILL_ID"),
        ("", {"ALEXASKILL_LOG_LEVEL": "BOGUS"}, "ALEXASKILL_LOG_LEVEL: unknown log level 'BOGUS'"),
    ],
    ids=["no-skill-id", "bad-log-level"],
)
def test_the_readme_function_ends_a_bad_start_in_one_line(
    tmp_path: Path, unset: str, setting: dict[str, str], said: str
) -> None:
    """The README says a setting that does not parse, or no skill id, ends the function's
    import in one line of its log, without a traceback. Without ALEXASKILL_SKILL_ID it was the
    traceback of `Skill(settings.skill_ids)`, raised outside the README's `try`."""
    (tmp_path / "lambda_function.py").write_text(_readme_lambda_function(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALEXASKILL_", "AWS_"))}
    env |= LAMBDA_ENVIRON | {"ALEXASKILL_SKILL_ID": DEFAULT_SKILL_ID} | setting
    env.pop(unset, None)
    env["PYTHONPATH"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", "import lambda_function"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("alexaskill: ") and said in line, done.stderr


@pytest.mark.parametrize("log_json", ["0", "1"])
def test_a_function_logging_at_warn_is_told_that_lambda_drops_the_request_lines(
    monkeypatch: pytest.MonkeyPatch, log_json: str
) -> None:
    """The function's application log level (JSON format) is Lambda's filter, applied after the
    function wrote its records: at WARN the request lines never reach CloudWatch. The function
    is told so, once, at a level that does, and alexaskill no longer makes lines dropped."""
    runtime = on_lambda_runtime(monkeypatch, "JSON", "WARN", LOG_JSON=log_json)
    stderr = standard_error(monkeypatch)
    invoke_both(runtime)
    settings_from_env().configure_logging()  # (a second set-up says it again: no)
    delivered = [json.loads(m) for m in runtime.delivered()]
    [told] = [e for e in delivered if "AWS_LAMBDA_LOG_LEVEL" in e["message"]]
    assert told["level"] == "WARNING" and told["logger"] == "alexaskill"
    assert "alexaskill.request" in told["message"] and "INFO" in told["message"]
    assert [e["errorType"] for e in delivered if e["level"] == "ERROR"] == ["ValueError"]
    # Not made, rather than made and dropped.
    assert not [m for m in runtime.messages() if json.loads(m)["logger"] == "alexaskill.request"]
    assert not logging.getLogger("alexaskill.request").isEnabledFor(logging.INFO)
    assert stderr.getvalue() == ""


def test_a_function_logging_at_warn_asked_for_no_more_is_told_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runtime = on_lambda_runtime(monkeypatch, "JSON", "WARN", LOG_LEVEL="WARNING")
    invoke_both(runtime)
    assert not [m for m in runtime.messages() if "AWS_LAMBDA_LOG_LEVEL" in m]
    # At INFO, the function's level and alexaskill's agree: every request line delivered.
    monkeypatch.delenv("ALEXASKILL_LOG_LEVEL")
    logging.getLogger().removeHandler(runtime.handler)
    runtime = on_lambda_runtime(monkeypatch, "JSON", "INFO")
    invoke_both(runtime)
    delivered = [json.loads(m) for m in runtime.delivered()]
    assert len([e for e in delivered if e["logger"] == "alexaskill.request"]) == 2
    assert not [m for m in runtime.messages() if "AWS_LAMBDA_LOG_LEVEL" in m]


@pytest.mark.parametrize("loop", [False, True], ids=["own-thread", "event-loop"])
def test_a_late_handlers_lines_carry_its_own_invocations_id(
    monkeypatch: pytest.MonkeyPatch, loop: bool
) -> None:
    # A def handler past its deadline runs on in its thread while the next invocation is
    # answered: its lines, and alexaskill's that it ended late, are its invocation's. They
    # carried the id of the invocation noted last, the next one's. No timing: the handler
    # waits on an event set once the next invocation has returned (the deadline, 50 ms, gives
    # up on it however loaded the machine; the next one's handler may be given up on too). A
    # call given up on before a worker thread began it is never run (alexaskill.threads): on a
    # loaded machine the first invocation is sent again until its handler began.
    runtime = on_lambda_runtime(monkeypatch, LOG_JSON="1")
    stderr = standard_error(monkeypatch)
    settings_from_env().configure_logging()
    release, began, finished = threading.Event(), threading.Event(), threading.Event()
    made = Skill(DEFAULT_SKILL_ID, deadline=0.05)

    @made.launch
    def launch() -> Response:
        began.set()
        try:
            assert release.wait(60)
            logging.getLogger("alexaskill.tests").warning("the late handler's line")
        finally:
            finished.set()
        return speak("Welcome.")

    if loop:  # an async handler: invocations are answered on an event loop

        @made.intent("GetWeather")
        async def weather() -> Response:
            return speak("Sunny.")

    else:

        @made.intent("GetWeather")
        def weather_now() -> Response:
            return speak("Sunny.")

    lambda_handler = handler(made)
    for _ in range(5):
        assert runtime.invoke(lambda_handler, event("LaunchRequest")) is not None
        if began.wait(5):
            break
    first = runtime.request_id
    assert runtime.invoke(lambda_handler, event("IntentRequest.GetWeather")) is not None
    second = runtime.request_id
    release.set()
    assert finished.wait(60)
    # alexaskill's line that the handler ended late comes after it returns, in its thread.
    entries: list[dict[str, Any]] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        entries = [json.loads(e) for e in stream_events(stderr.getvalue())]
        if any(".launch returned" in e["message"] for e in entries):
            break
        time.sleep(0.01)
    [late] = [e for e in entries if e["message"] == "the late handler's line"]
    [ended] = [e for e in entries if ".launch returned" in e["message"]]
    assert (late["aws_request_id"], ended["aws_request_id"]) == (first, first), entries
    requests = [e for e in entries if e["logger"] == "alexaskill.request"]
    assert [e["aws_request_id"] for e in requests][-2:] == [first, second]
