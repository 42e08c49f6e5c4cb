"""The ASGI app end to end: the options a skill is made with, checked then (paths, numbers, the
verifier, verify=False), and registration after the first request."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Skill
from alexaskill.exceptions import ConfigurationError, SignatureError
from alexaskill.testing import RequestFactory, TestClient, TestPKI
from alexaskill.verify import Verifier
from tests.app_shared import make_skill

from .conftest import SKILL_ID

pytestmark = pytest.mark.oldest_dependencies


def test_registration_after_first_request_fails() -> None:
    skill = make_skill()
    with TestClient(skill) as client:
        client.launch()
    with pytest.raises(Exception, match="before the skill is mounted"):
        skill.add_intent_handler("Late", lambda: None)


def test_configuration_errors() -> None:
    with pytest.raises(TypeError, match="skill_id"):
        Skill([])
    with pytest.raises(TypeError, match="contradicts"):
        Skill(SKILL_ID, verify=False, verifier=TestPKI.default().verifier())
    with pytest.raises(TypeError, match="max_body_size"):
        Skill(SKILL_ID, max_body_size=0)


def test_verify_false_is_loud_and_answers_unsigned(caplog: pytest.LogCaptureFixture) -> None:
    skill = make_skill(verify=False)
    factory = RequestFactory(skill_id=SKILL_ID)
    with caplog.at_level(logging.WARNING, logger="alexaskill"), StarletteClient(skill) as http:
        body = json.dumps(factory.envelope("LaunchRequest")).encode()
        response = http.post("/", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 200
    assert "verification is OFF" in caplog.text


@pytest.mark.parametrize("value", [None, "false", "no", 0, 1, ""])
def test_verify_takes_only_a_bool(value: object) -> None:
    # Skill(verify=os.environ.get("VERIFY")) with the variable unset switched verification off.
    with pytest.raises(ConfigurationError, match=rf"verify must be True or False, not {value!r}"):
        Skill(SKILL_ID, verify=value)  # type: ignore[arg-type]


def test_verify_set_to_a_non_bool_later_still_verifies() -> None:
    skill = make_skill()
    with TestClient(skill) as client:
        skill.verify = None  # type: ignore[assignment]
        body = json.dumps(client.factory.envelope("LaunchRequest")).encode()
        assert client.post(body).status_code == 400  # unsigned


def test_verifier_reset_after_build_never_skips_verification() -> None:
    skill = make_skill()
    with TestClient(skill) as client:
        assert client.launch().status_code == 200
        skill.verifier = None  # e.g. someone "resets" it on a running app
        body = json.dumps(client.factory.envelope("LaunchRequest")).encode()
        assert client.post(body).status_code == 400


def test_a_verifier_subclass_that_overrides_verify_is_called_by_the_app() -> None:
    skill = make_skill()
    seen: list[int] = []

    class Audited(Verifier):
        async def verify(self, headers: Mapping[str, str], body: bytes) -> None:
            seen.append(len(body))
            await super().verify(headers, body)
            if b"GetWeather" in body:
                raise SignatureError("signature: intents refused by policy")

    with TestClient(skill) as client:
        skill.verifier = Audited(
            trusted_roots=[client.pki.root], fetch_chain=client.pki.fetch_chain
        )
        assert client.launch().status_code == 200
        refused = client.intent("GetWeather", city="Paris")
        assert refused.status_code == 400
        assert refused.error == "signature: intents refused by policy"
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"path": "/health"}, "path and health_path are both '/health'"),
        ({"path": "/alexa", "health_path": "/alexa"}, "both '/alexa'"),
        ({"path": "weather"}, "path must start with '/'"),
        ({"path": None}, "path must start with '/'"),
        ({"health_path": "health"}, "health_path must start with '/'"),
        ({"health_path": 1}, "health_path must start with '/'"),
    ],
)
def test_paths_are_checked_when_the_skill_is_made(options: dict[str, Any], message: str) -> None:
    # path="/health" hid the health check; "weather" and None failed at start-up, in Starlette.
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        Skill(SKILL_ID, **options)


@pytest.mark.parametrize(
    ("options", "name"),
    [
        ({"max_body_size": "1000"}, "max_body_size"),
        ({"max_body_size": 1.5}, "max_body_size"),
        ({"max_body_size": True}, "max_body_size"),
        ({"deadline": "7"}, "deadline"),
        ({"deadline": True}, "deadline"),
        ({"body_timeout": "5"}, "body_timeout"),
        ({"body_timeout": True}, "body_timeout"),
        ({"progressive_after": True}, "progressive_after"),
        ({"progressive_speech": ""}, "progressive_speech"),
        ({"progressive_speech": None}, "progressive_speech"),
    ],
)
def test_number_and_text_options_are_checked_by_type(options: dict[str, Any], name: str) -> None:
    # A str gave a TypeError from a comparison; a bool or a fraction of a byte was taken.
    with pytest.raises(ConfigurationError, match=f"^{name}"):
        Skill(SKILL_ID, **options)


def test_a_deadline_past_alexas_8_seconds_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, "alexaskill"):
        Skill(SKILL_ID, deadline=8.0)
        assert not caplog.records  # control: passes on the old code too
        Skill(SKILL_ID, deadline=10)
    [record] = caplog.records
    assert "deadline=10" in record.getMessage() and "8 s" in record.getMessage()


@pytest.mark.parametrize("path", ["/alexa?key=1", "/alexa#top", "/{name}", "/alexa ", "/alexa\t"])
def test_a_path_no_request_can_have_is_refused_when_the_skill_is_made(path: str) -> None:
    # Taken before: a query or fragment is no part of a request's path, whitespace (a value
    # read from a file) is not in the URL given to Alexa, and Starlette reads {name} as a
    # parameter: every POST was answered 404 or 405 at run time, or /health caught every GET.
    given: list[dict[str, Any]] = [{"path": path}, {"health_path": path}]
    for options in given:
        with pytest.raises(ConfigurationError, match="holds"):
            Skill(SKILL_ID, **options)


def test_a_capture_dir_that_is_a_file_is_refused_when_the_skill_is_made(tmp_path: Any) -> None:
    # Taken before: each request's capture then failed with a warning, none was ever written
    # (`alexaskill serve --capture FILE` refuses it at start).
    file = tmp_path / "captures"
    file.write_text("", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"capture_dir .* is not a directory"):
        Skill(SKILL_ID, capture_dir=file)
    Skill(SKILL_ID, capture_dir=tmp_path / "new")  # control: a directory to make is taken


@pytest.mark.parametrize(
    "verifier",
    [
        pytest.param(Verifier, id="the-class-not-an-instance"),
        pytest.param(SKILL_ID, id="a-skill-id"),
        pytest.param(True, id="true"),
    ],
)
def test_a_verifier_that_is_not_one_is_refused_when_the_skill_is_made(verifier: Any) -> None:
    # Taken before: the class itself (Verifier, not Verifier()) failed the lifespan with a
    # TypeError traceback; anything else failed every request.
    with pytest.raises(ConfigurationError, match=r"^verifier must be a Verifier"):
        Skill(SKILL_ID, verifier=verifier)


def test_a_capture_dir_under_a_file_is_refused_when_the_skill_is_made(tmp_path: Any) -> None:
    # Taken before (it does not exist): each request's capture then failed with a warning.
    file = tmp_path / "captures"
    file.write_text("", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"capture_dir .* is not a directory"):
        Skill(SKILL_ID, capture_dir=file / "today" / "x")
    Skill(SKILL_ID, capture_dir=tmp_path / "new" / "today")  # control: directories to make


@pytest.mark.parametrize(
    ("speech", "why"),
    [
        ("x" * 600, "the limit is 600"),
        ("<speak>One moment.</speak>", "plain text starting with <speak>"),
    ],
)
def test_a_progressive_speech_amazon_refuses_is_refused_at_start(speech: str, why: str) -> None:
    # Taken: each request slow enough to get it then logged "automatic progressive response
    # not sent", and the user heard nothing while waiting.
    with pytest.raises(ConfigurationError, match=f"^progressive_speech: .*{why}"):
        make_skill(progressive_speech=speech, progressive_after=1.0)
    make_skill(progressive_speech="x" * 500, progressive_after=1.0)  # within the limit


@pytest.mark.parametrize("option", ["translations", "capture_dir"])
@pytest.mark.parametrize("value", [5, b"locales", ["locales"]])
def test_a_directory_option_of_the_wrong_type_is_a_configuration_error(
    option: str, value: object
) -> None:
    # A TypeError out of pathlib ("expected str, bytes or os.PathLike object") was raised,
    # not the ConfigurationError every other refused Skill option raises.
    with pytest.raises(ConfigurationError, match=f"^{option} is .* or None, not"):
        make_skill(**{option: value})


@pytest.mark.parametrize("seconds", [1e308, 86400.5])
def test_a_body_timeout_longer_than_a_day_is_refused(seconds: float) -> None:
    # Taken: 1e308 s bounds no request body in practice, and the body's deadline is the app's
    # alone (alexaskill.server leaves it to Skill): a client holding its body back held on.
    with pytest.raises(ConfigurationError, match=r"body_timeout .*at most 86,400 \(a day\)"):
        make_skill(body_timeout=seconds)
    assert make_skill(body_timeout=86400).body_timeout == 86400
