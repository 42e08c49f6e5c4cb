"""AWS Lambda: sample events in, response dicts out, through the skill's own dispatch; events
refused (another skill's, malformed, nested too deeply); the light import path.

Where handlers run (the event loop, threads, invocations in turn): tests/test_aws_lambda_loop.py;
handlers' bugs and alexaskill's own: tests/test_aws_lambda_errors.py; the attribute store:
tests/test_aws_lambda_stores.py; what is closed at the process's exit:
tests/test_aws_lambda_exit.py; what the modules share: tests/aws_lambda_shared.py.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.aws_lambda import decode_event, handler
from alexaskill.exceptions import MalformedRequestError, SkillIdError
from alexaskill.responses import Response
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory

from .aws_lambda_shared import speech, weather_skill
from .conftest import OTHER_SKILL_ID, SKILL_ID
from .fresh_python import run_fresh

# The skills here answer DEFAULT_SKILL_ID, by its name: the id the sample envelopes carry.
from .lambda_events import FIXTURES, event, intent_event


def test_answers_sample_events_with_response_dicts() -> None:
    lambda_handler = handler(weather_skill())
    launched = lambda_handler(event("LaunchRequest"), None)
    assert launched["version"] == "1.0"
    assert speech(launched) == "Welcome to Weather."
    assert launched["sessionAttributes"] == {}

    answered = lambda_handler(event("IntentRequest.GetWeather"), object())
    assert speech(answered).startswith("Sunny in ")
    assert answered["sessionAttributes"]["asked"] == 1
    json.dumps(answered)  # plain JSON types, as Lambda's runtime serialises it


def test_every_sample_event_gets_a_well_formed_answer() -> None:
    skill = Skill(DEFAULT_SKILL_ID)

    @skill.fallback
    def anything() -> None:
        return None

    lambda_handler = handler(skill)
    for path in sorted(FIXTURES.glob("*.json")):
        sample = json.loads(path.read_text(encoding="utf-8"))
        if any(i != DEFAULT_SKILL_ID for i in decode_event(sample).application_ids):
            continue
        if "context" not in sample:  # (IntentRequest.Legacy2015: before Alexa sent a context)
            with pytest.raises(SkillIdError, match=r"context\.System\.application missing"):
                lambda_handler(sample, None)
            continue
        answered = lambda_handler(sample, None)
        assert answered["version"] == "1.0", path.name


@pytest.mark.parametrize("where", ["application null", "System null", "context missing"])
def test_an_event_without_context_application_raises_whatever_its_session_says(
    caplog: pytest.LogCaptureFixture, where: str
) -> None:
    # As the web service refuses it (tests/test_app.py): the id is read from
    # context.System.application, which Alexa always sends; the session's alone was taken.
    lambda_handler = handler(weather_skill())
    sample = intent_event("GetWeather")
    assert sample["session"]["application"]["applicationId"] == DEFAULT_SKILL_ID
    if where == "application null":
        sample["context"]["System"]["application"] = None
    elif where == "System null":
        sample["context"]["System"] = None
    else:
        del sample["context"]
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    with pytest.raises(SkillIdError) as info:
        lambda_handler(sample, None)
    assert str(info.value) == (
        "request names no application id (context.System.application missing or null)"
    )
    [record] = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert record.outcome == "refused:skill_id"  # type: ignore[attr-defined]


def test_event_for_another_skill_raises(caplog: pytest.LogCaptureFixture) -> None:
    lambda_handler = handler(Skill(SKILL_ID))  # (the sample is for DEFAULT_SKILL_ID)
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    with pytest.raises(SkillIdError):
        lambda_handler(event("LaunchRequest"), None)
    [record] = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert record.outcome == "refused:skill_id"  # type: ignore[attr-defined]
    assert record.request_type == "LaunchRequest"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "bad",
    [
        "a string",
        ["a", "list"],
        None,
        {},
        {"version": "1.0"},
        {"version": "1.0", "request": {"requestId": "no type"}},
        {"version": "1.0", "request": {"type": "LaunchRequest"}, "session": "not an object"},
    ],
)
def test_malformed_events_raise(bad: Any) -> None:
    lambda_handler = handler(weather_skill())
    with pytest.raises(MalformedRequestError):
        lambda_handler(bad, None)


def _nested(depth: int) -> dict[str, Any]:
    event = valid = _launch_event()
    for _ in range(depth):
        valid["extra"] = valid = {}
    return event


def _launch_event() -> dict[str, Any]:
    return {"version": "1.0", "request": {"type": "LaunchRequest", "requestId": "r"}}


def _self_referencing() -> dict[str, Any]:
    looped = _launch_event()
    looped["request"]["itself"] = looped
    return looped


def _list_in_itself() -> dict[str, Any]:
    looped: list[Any] = []
    looped.append(looped)
    return {"version": "1.0", "request": {"type": "LaunchRequest", "list": looped}}


@pytest.mark.parametrize("make", [lambda: _nested(1000), _self_referencing, _list_in_itself])
def test_deep_or_cyclic_events_are_malformed_not_a_recursion_error(
    make: Callable[[], dict[str, Any]], caplog: pytest.LogCaptureFixture
) -> None:
    lambda_handler = handler(weather_skill())
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    with pytest.raises(MalformedRequestError, match="nested too deeply"):
        lambda_handler(make(), None)
    [record] = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert record.outcome == "refused:malformed"  # type: ignore[attr-defined]


def test_skill_id_check_can_be_off_but_nothing_is_verified() -> None:
    # No signature headers exist on Lambda: a skill that does verify on the web answers here.
    skill = Skill("*")

    @skill.launch
    def launch() -> Response:
        return speak("hi")

    sample = event("LaunchRequest")
    sample["context"]["System"]["application"]["applicationId"] = OTHER_SKILL_ID
    assert speech(handler(skill)(sample, None)) == "hi"


_LIGHT = """
import json, sys
from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler

skill = Skill(sys.argv[1])

@skill.intent("GetWeather")
def weather(city: str = "Paris"):
    return speak(f"Sunny in {city}")

lambda_handler = handler(skill)
imported = set(sys.modules)
answer = lambda_handler(json.loads(sys.stdin.read()), None)
assert answer["response"]["outputSpeech"]["text"].startswith("Sunny in"), answer
heavy = lambda names: sorted(
    m for m in names
    if m.split(".")[0] in ("uvicorn", "httpx", "cryptography", "h11", "certifi", "asyncio")
    or m in ("alexaskill.verify", "alexaskill.testing", "difflib", "ipaddress")
    # what only `alexaskill model`, a mistake or another store needs
    or m in ("alexaskill.interaction.builder", "alexaskill.store.redis", "alexaskill.store.memory")
)
print(json.dumps({"import": heavy(imported), "first_call": heavy(sys.modules)}))
"""


def _heavy_modules(program: str) -> Any:
    """What ``program`` (`_LIGHT`, or a variant) prints, run in a fresh Python: the heavy modules
    that importing the skill and its first call loaded."""
    return run_fresh(program, DEFAULT_SKILL_ID, input=json.dumps(event("IntentRequest.GetWeather")))


def test_lambda_import_path_is_light() -> None:
    assert _heavy_modules(_LIGHT) == {"import": [], "first_call": []}


def test_skill_lambda_handler_property() -> None:
    skill = weather_skill()
    assert speech(skill.lambda_handler(event("LaunchRequest"), None)) == "Welcome to Weather."


def test_one_log_line_per_invocation(caplog: pytest.LogCaptureFixture) -> None:
    lambda_handler = handler(weather_skill())
    caplog.set_level(logging.INFO, logger="alexaskill.request")
    lambda_handler(event("IntentRequest.GetWeather"), None)
    lambda_handler(intent_event("Broken"), None)
    ok, failed = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert (ok.outcome, ok.intent, ok.status, ok.verify_ms) == (  # type: ignore[attr-defined]
        "ok",
        "GetWeather",
        None,
        None,
    )
    assert ok.handler_ms >= 0  # type: ignore[attr-defined]
    assert failed.outcome == "handler_error"  # type: ignore[attr-defined]


def test_a_refused_skill_id_names_the_id_that_came_and_ours(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # As the web service's warning does: without both ids, a mistyped ALEXASKILL_SKILL_ID looks
    # like every other failure ("request is for another skill", on every invocation).
    lambda_handler = handler(Skill(SKILL_ID))
    caplog.set_level(logging.INFO, logger="alexaskill")
    with pytest.raises(SkillIdError):
        lambda_handler(event("LaunchRequest"), None)
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert f"{DEFAULT_SKILL_ID!r}, not {SKILL_ID}" in warning.getMessage()


def test_the_context_may_be_left_out() -> None:
    # A test or a script calling the handler with the event alone got Python's TypeError (a
    # missing positional argument); None was needed, which the Lambda runtime never passes.
    lambda_handler = handler(weather_skill())
    assert speech(lambda_handler(event("LaunchRequest"))) == "Welcome to Weather."


def test_a_skill_without_translations_imports_no_gettext_on_lambda() -> None:
    # The first call's slot checks import alexaskill.i18n_placeholders, which came to import
    # gettext (and locale) for a type annotation alone: a cold start paid for it without
    # any translations.
    listed = 'or m in ("alexaskill.verify",'
    program = _LIGHT.replace(listed, listed.replace("(", '("gettext", "alexaskill.i18n", '))
    assert program != _LIGHT
    assert _heavy_modules(program) == {"import": [], "first_call": []}


def test_the_skill_id_check_off_is_said_naming_the_skill_without_a_path(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The web service's warning names the skill (`Skill.log_name`); the Lambda handler's said
    # "this skill". A path means nothing on Lambda: the skill is named by its ids alone.
    skill = Skill("*")
    skill.launch(lambda: speak("Hi."))
    event = RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")
    with caplog.at_level(logging.WARNING, "alexaskill"):
        handler(skill)(event, None)
    said = [r.getMessage() for r in caplog.records if "skill-id check" in r.getMessage()]
    assert said == [
        "the skill-id check is OFF (Skill(skill_id='*')) for the skill (any skill id): requests"
        " for any skill are answered"
    ]
