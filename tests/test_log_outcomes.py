"""One request line for each request, whatever became of it, in the log as written: plain or
JSON, valid, with the fields README's Logging names, and nothing of the user's but a hash.

tests/test_logs.py checks each part of the line; here a skill is run through its app, each way
a request can end taken in turn, and the whole log read back as a collector would.
"""

from __future__ import annotations

import asyncio
import io
import json
import threading
from collections.abc import Callable
from typing import Any, Final

import pytest

from alexaskill import Skill, configure_logging, speak
from alexaskill.endpoint import _Endpoint
from alexaskill.log_format import REQUEST_FIELDS
from alexaskill.logs import user_hash
from alexaskill.models import Envelope
from alexaskill.services import AlexaApi
from alexaskill.testing import FakeAlexaApi, TestClient, TestPKI
from alexaskill.testing.options import envelope_body

from . import deadline_shared
from .conftest import SKILL_ID
from .deadline_clock import Clock
from .deadline_shared import SHORT, WAIT
from .logger_state import alexaskill_logger_kept

clock = deadline_shared.clock
release = deadline_shared.release

USER_ID = "amzn1.ask.account.FULL-USER-ID-" + "U" * 40
DEVICE_ID = "amzn1.ask.device.FULL-DEVICE-ID-" + "D" * 40
PERSON_ID = "amzn1.ask.person.FULL-PERSON-ID-" + "P" * 40
SECRETS = ("USER-TOKEN", "PERSON-TOKEN", "CONSENT-TOKEN", "FULL-USER-ID", "FULL-DEVICE-ID",
           "FULL-PERSON-ID", "Bearer")  # fmt: skip


def _skill(clock: Clock, release: threading.Event) -> Skill:
    skill = Skill(SKILL_ID, store="memory://", deadline=SHORT, body_timeout=0.2)

    @skill.intent("Fine")
    def fine() -> Any:
        return speak("fine")

    @skill.intent("Fails")
    def fails(envelope: Envelope) -> Any:
        # A handler's bug whose message quotes the request, as a careless one would.
        raise RuntimeError(f"cannot answer {envelope!r}")

    @skill.intent("Asks")
    async def asks(api: AlexaApi) -> Any:  # a service API call that fails, not caught
        return speak(f"{await api.today()}")

    @skill.intent("Stuck")
    def stuck() -> Any:  # a worker thread that does not come back in time
        clock.skip(SHORT)
        release.wait(WAIT)
        return speak("too late")

    return skill


def _signed(client: TestClient, name: str, **changes: Any) -> tuple[bytes, dict[str, str]]:
    """An IntentRequest's body as the client would sign it, with ``changes`` to its request."""
    envelope = client.factory.intent(name)
    system = envelope["context"]["System"]
    system["device"]["deviceId"] = DEVICE_ID
    system["person"] = {"personId": PERSON_ID, "accessToken": "PERSON-TOKEN"}
    system["user"]["accessToken"] = "USER-TOKEN"
    system["user"]["permissions"] = {"consentToken": "CONSENT-TOKEN"}
    if "applicationId" in changes:
        system["application"]["applicationId"] = changes.pop("applicationId")
    envelope["request"].update(changes)
    body = envelope_body(envelope)
    return body, client.pki.sign(body)


def _body_never_comes(skill: Skill) -> list[Any]:
    """POST with a body that does not come within ``body_timeout``: what the skill sends."""
    path = skill.path
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
        "headers": [(b"content-type", b"application/json")],
    }  # fmt: skip
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(WAIT)  # (longer than body_timeout: the skill stops waiting first)
        return {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        sent.append(message)

    asyncio.run(skill(scope, receive, send))
    return sent


@pytest.mark.parametrize("as_json", [False, True], ids=["plain", "json"])
def test_each_request_has_one_line_whatever_becomes_of_it(
    as_json: bool, clock: Clock, release: threading.Event
) -> None:
    skill = _skill(clock, release)
    expected: list[tuple[str, int]] = []
    log = io.StringIO()
    failing = FakeAlexaApi(faults={"time_zone": 500})  # (its call sends the API token)
    with (
        alexaskill_logger_kept(),
        TestClient(skill, user_id=USER_ID, raise_handler_errors=False, api=failing) as client,
    ):
        configure_logging("INFO", json=as_json, stream=log)
        token = client.factory.intent("Fine")["context"]["System"]["apiAccessToken"]

        def post(body: bytes, headers: dict[str, str], outcome: str, status: int) -> None:
            answer = client.post(body, headers)
            assert answer.status_code == status, (outcome, answer.json)
            if status == 400:  # a short reason, as JSON; no traceback
                assert set(answer.json) == {"error"} and "Traceback" not in answer.json["error"]
            expected.append((outcome, status))

        post(*_signed(client, "Fine"), "ok", 200)
        post(*_signed(client, "Fails"), "handler_error", 200)
        post(*_signed(client, "Asks"), "handler_error", 200)
        post(*_signed(client, "Stuck"), "deadline", 200)
        release.set()
        post(b"{}", client.pki.sign(b"{}"), "refused:malformed", 400)
        post(b"{}", {}, "refused:certificate_url", 400)
        body, headers = _signed(client, "Fine")
        post(body + b" ", headers, "refused:signature", 400)
        post(*_signed(client, "Fine", timestamp="2020-01-01T00:00:00Z"), "refused:timestamp", 400)
        post(*_signed(client, "Fine", applicationId="amzn1.ask.skill.other"), "refused:skill_id",
             400)  # fmt: skip
        # A chain the verifier does not trust (another root's): refused:certificate.
        trusting = skill.verifier
        skill.verifier = client.pki.verifier(chain=TestPKI(key_set=1).chain_pem)
        post(*_signed(client, "Fine"), "refused:certificate", 400)
        skill.verifier = trusting  # (the client's, for it to give back)
        assert _body_never_comes(skill)[0]["status"] == 408
        expected.append(("refused:body_timeout", 408))
    text = log.getvalue()
    assert "cannot answer Envelope(" in text and f"<device {user_hash(DEVICE_ID)}>" in text
    assert "AlexaApiError" in text and [call.status for call in failing.calls] == [500]
    for secret in (*SECRETS, token, token[:24]):
        assert secret not in text, secret
    assert "given back" not in text  # (the verifier swapped for one request, put back)
    if as_json:
        records = [json.loads(line) for line in text.splitlines()]  # every line is JSON
        lines = [record for record in records if record["logger"] == "alexaskill.request"]
        assert all(list(line)[4:] == list(REQUEST_FIELDS) for line in lines)
        said = [(line["outcome"], line["status"]) for line in lines]
        assert lines[0]["user"] == user_hash(USER_ID)
    else:
        lines = [line for line in text.splitlines() if " alexaskill.request: " in line]
        said = [(line.split(" -> ", 1)[1].split(" ", 1)[0], int(line.split("(", 1)[1][:3]))
                for line in lines]  # fmt: skip
        assert all(line[:1].isdigit() for line in text.splitlines() if not line[:1].isspace())
    assert said == expected


_WHERE: Final = ["headers", "body", "verify", "respond"]


def _one_line_each_around_a_failure(
    where: str,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
    post: Callable[[TestClient, Skill, bytes, dict[str, str]], object],
) -> None:
    """Check the request lines of a signed Fine that ``error`` stopped ``where`` (the
    endpoint's reading of its headers or its body, the verifier, the answering), POSTed by
    ``post`` (which must raise it), and of one more once that is undone: one line each, the
    first ``internal_error``."""
    skill = Skill(SKILL_ID, store="memory://")

    @skill.intent("Fine")
    def fine() -> Any:
        return speak("fine")

    def fails(*args: Any, **kwargs: Any) -> Any:
        raise error

    async def fails_later(*args: Any, **kwargs: Any) -> Any:
        raise error

    log = io.StringIO()
    with alexaskill_logger_kept(), TestClient(skill) as client:
        configure_logging("INFO", stream=log)
        body, headers = _signed(client, "Fine")
        if where == "headers":  # read by the endpoint, before `_handle`
            monkeypatch.setattr(_Endpoint, "_refusal", fails)
        elif where == "body":
            monkeypatch.setattr(_Endpoint, "_read_body_in_time", fails_later)
        elif where == "verify":
            assert skill.verifier is not None
            monkeypatch.setattr(skill.verifier, "verify_envelope", fails_later)
        else:
            monkeypatch.setattr(skill, "_respond_by", fails_later)
        with pytest.raises(type(error)):
            post(client, skill, body, headers)
        monkeypatch.undo()
        assert client.post(*_signed(client, "Fine")).status_code == 200
    lines = [line for line in log.getvalue().splitlines() if " alexaskill.request: " in line]
    assert len(lines) == 2, log.getvalue()
    assert " -> internal_error (500) " in lines[0]
    assert (" id=-" in lines[0]) is (where != "respond")
    assert "IntentRequest Fine -> ok (200) " in lines[1]


@pytest.mark.parametrize("where", _WHERE)
def test_alexaskills_own_bug_still_leaves_one_request_line(
    where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A handler's bug is answered with the apology and logged as handler_error; a bug of
    # alexaskill's own (in its verifier, in its answering, outside any handler) went out of
    # the app as the server's 500 with no request line at all.
    def post(client: TestClient, skill: Skill, body: bytes, headers: dict[str, str]) -> None:
        client.post(body, headers)  # (the test client raises what the server would log)

    _one_line_each_around_a_failure(where, monkeypatch, RuntimeError("alexaskill's own bug"), post)


def test_a_failure_line_quotes_the_request_values_it_names() -> None:
    # "handler failed for IntentRequest <name>" wrote the intent name as it came: a forged one
    # made a line that read as a request line ("IntentRequest X -> ok (200) ..."). Quoted as
    # the request line quotes it (`log_values.bounded`).
    skill = Skill(SKILL_ID, store="memory://")

    @skill.fallback
    def fails() -> Any:
        raise RuntimeError("a handler's bug")

    forged = "X -> ok (200) handler=1.0ms verify=1.0ms id=forged"
    log = io.StringIO()
    with alexaskill_logger_kept(), TestClient(skill, raise_handler_errors=False) as client:
        configure_logging("INFO", stream=log)
        body, headers = _signed(client, "Fine", intent={"name": forged, "slots": {}})
        assert client.post(body, headers).status_code == 200
    text = log.getvalue()
    assert 'handler failed for IntentRequest "X -> ok (200) handler=1.0ms' in text, text
    # Its " -> ok (200)" only inside quotes, as in the request line's own quoted intent.
    assert "IntentRequest X -> " not in text and text.count('"X -> ok (200) ') == 2


async def _post_to_app(skill: Skill, body: bytes, headers: dict[str, str]) -> None:
    """POST ``body`` to ``skill``'s app (built already) on this thread's own event loop."""
    path = skill.path
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
        "headers": [(b"content-type", b"application/json"),
                    *((k.lower().encode(), v.encode()) for k, v in headers.items())],
    }  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Any) -> None:
        pass

    await skill(scope, receive, send)


class _Escaped(BaseException):
    """A BaseException that is no Exception nor a cancellation (a skill's own, say)."""


@pytest.mark.parametrize("where", _WHERE)
def test_a_base_exception_out_of_the_app_still_leaves_one_request_line(
    where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only Exception was caught for alexaskill's own bug: a BaseException that got out of
    # reading the request, verifying it or `respond` (a KeyboardInterrupt, a skill's own class,
    # the deadline's Expired) went on up with no request line. It goes on up still, after one.
    def post(client: TestClient, skill: Skill, body: bytes, headers: dict[str, str]) -> None:
        # On an event loop of its own: the test client's portal would stop for it.
        asyncio.run(_post_to_app(skill, body, headers))

    _one_line_each_around_a_failure(where, monkeypatch, _Escaped(), post)
