"""Logging: the line the web service writes for each request, refusals warned about once a kind,
very long values cut, and an application's failing filter or handler."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest

from alexaskill.logs import configure_logging, log_request
from alexaskill.models import Envelope, decode_envelope

from .conftest import SKILL_ID
from .logs_shared import FIXTURES, json_lines
from .logs_shared import restore_logger as restore_logger

# --- after the lead's wiring: the web service writes the line ----------------------------------


def test_web_service_writes_one_line_per_request(caplog: pytest.LogCaptureFixture) -> None:
    from alexaskill import Skill, speak
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store="memory://")

    @skill.launch
    def launch() -> Any:
        return speak("hi")

    caplog.set_level(logging.INFO, logger="alexaskill.request")
    with TestClient(skill) as client:
        client.launch()
        client.post(b"{}", headers={"content-type": "application/json"})
    answered, refused = [r.__dict__ for r in caplog.records if r.name == "alexaskill.request"]
    assert answered["outcome"] == "ok" and answered["status"] == 200
    assert answered["request_type"] == "LaunchRequest"
    assert answered["verify_ms"] > 0 and answered["handler_ms"] >= 0
    assert refused["outcome"].startswith("refused:") and refused["status"] == 400


def test_refusals_are_warned_about_once_a_kind_every_ten_seconds(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every refused request has its request line; the warning that says why comes once a kind
    # every 10 s, with how many it left out: a flood of forged requests must not double the log.
    from alexaskill import Skill, log_repeats
    from alexaskill.testing import TestClient

    clock = [1000.0]
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: clock[0])
    skill = Skill(SKILL_ID, store="memory://")
    caplog.set_level(logging.INFO, logger="alexaskill")
    with TestClient(skill) as client:
        for _ in range(3):
            client.post(b"{}")  # unsigned: refused:certificate_url
        client.post(b"{}", headers=client.pki.sign(b"{}"))  # signed, no request: another kind
        clock[0] += 10
        client.post(b"{}")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    lines = [r for r in caplog.records if r.name == "alexaskill.request"]
    assert len(lines) == 5
    assert len(warnings) == 3
    assert warnings[0].startswith("refused request: ")
    assert warnings[1].startswith("refused request: malformed")
    assert warnings[2].endswith("(2 more refused:certificate_url since the last such line)")


def test_repeats_remember_a_bounded_number_of_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    # Kinds made of messages (a store's failures) could be many: past the bound they are
    # forgotten, each then said again once, never kept without end (but for a count waiting:
    # test_log_repeats.py).
    from alexaskill import log_repeats

    monkeypatch.setattr(log_repeats, "_monotonic", lambda: 50.0)
    repeats = log_repeats.Repeats(10.0)
    assert [repeats.unsaid("a"), repeats.unsaid("a"), repeats.unsaid("a")] == [0, None, None]
    for kind in range(log_repeats._KINDS - 1):
        assert repeats.unsaid(str(kind)) == 0
    assert len(repeats._said) == log_repeats._KINDS
    assert repeats.unsaid("new") == 0  # the bound reached: the others forgotten
    assert list(repeats._said) == ["a", "new"]  # "a" kept: its two unsaid wait to be said
    assert repeats.unsaid("0") == 0  # said again


def _long_values(type_: bool) -> Envelope:
    """The GetWeather request, its id, intent name (or type) and locale 100,000 characters."""
    raw = json.loads((FIXTURES / "IntentRequest.GetWeather.json").read_bytes())
    long = "A" * 99_999 + "\x1b"
    raw["request"].update(requestId=f"id{long}", locale=f"en{long}")
    if type_:  # (not an IntentRequest then: no intent)
        raw["request"]["type"] = f"Type{long}"
    else:
        raw["request"]["intent"]["name"] = f"Intent{long}"
    return decode_envelope(json.dumps(raw).encode())


@pytest.mark.parametrize("type_", [False, True], ids=["intent", "type"])
@pytest.mark.parametrize("as_json", [False, True], ids=["plain", "json"])
def test_a_very_long_value_of_a_request_is_cut_in_its_line(as_json: bool, type_: bool) -> None:
    # A request id, type, intent name or locale of 100,000 characters (a forged request on a
    # skill that does not verify, a broken client) made its line that long, twice over in
    # JSON (the message and the field). Each is cut at 256 characters, saying how many more.
    request = _long_values(type_)
    stream = io.StringIO()
    configure_logging("INFO", json=as_json, stream=stream)
    log_request(request, outcome="ok", status=200, handler_ms=1.0, verify_ms=1.0)
    text = stream.getvalue()
    assert len(text) < 3_000 and text.count("\n") == 1 and "\x1b" not in text
    message = json.loads(text)["message"] if as_json else text
    cut_id = "id" + "A" * 254 + "…(+99,746)"  # (how many more, with its separator)
    # (The message's in double quotes: each value holds an escape, past the cut.)
    shown_id = '"id' + "A" * 254 + '"…(+99,746)'
    if type_:
        assert '"Type' + "A" * 252 + '"…(+99,748) -> ok' in message
    else:
        assert 'IntentRequest "Intent' + "A" * 250 + '"…(+99,750) -> ok' in message
    assert message.endswith(f" id={shown_id}\n" if not as_json else f" id={shown_id}")
    if as_json:
        line = json.loads(text)
        assert line["request_id"] == cut_id
        assert line["locale"] == "en" + "A" * 254 + "…(+99,746)"
        assert len(line["request_type" if type_ else "intent"]) == 256 + len("…(+99,748)")
    # The standard record (for a handler of the application) has the same, cut.
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign, assignment]
    logging.getLogger("alexaskill.request").addHandler(handler)
    try:
        log_request(request, outcome="ok", status=200)
    finally:
        logging.getLogger("alexaskill.request").removeHandler(handler)
    [record] = records
    assert len(record.getMessage()) < 1_000 and record.__dict__["request_id"] == cut_id


@pytest.mark.parametrize("broken", ["filter", "handler"])
def test_an_applications_failing_filter_or_handler_does_not_fail_the_request(
    broken: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # logging lets a filter's exception (and a handler's outside emit) out of the log call:
    # the request line's raised into the request, which a web server then answered with an
    # error, the skill's answer lost. Now reported as logging reports a line it cannot write.
    from alexaskill import Skill, speak
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store="memory://")

    @skill.launch
    def launch() -> Any:
        return speak("hi")

    def fails(record: logging.LogRecord) -> bool:
        raise ValueError("the application's bug")

    class Failing(logging.Handler):
        def handle(self, record: logging.LogRecord) -> bool:
            return fails(record)

    configure_logging("INFO", stream=io.StringIO())
    request_logger = logging.getLogger("alexaskill.request")
    added: Any = fails if broken == "filter" else Failing()
    (request_logger.addFilter if broken == "filter" else request_logger.addHandler)(added)
    try:
        with TestClient(skill) as client:
            assert client.launch().speech == "hi"
            refused = client.post(b"{}", headers={"content-type": "application/json"})
            assert refused.status_code == 400
    finally:
        request_logger.removeFilter(added)
        request_logger.removeHandler(added)
    reported = capsys.readouterr().err
    assert reported.count("--- Logging error ---") == 2
    assert "ValueError: the application's bug" in reported


def test_every_post_refused_before_the_skills_checks_has_its_request_line() -> None:
    # The endpoint's own refusals (method, media type, size, conflicting headers) and a client
    # that went away before its body came whole wrote no request line: a scan or a flood of
    # them left no trace at INFO, where every request is said to have one line.
    from starlette.testclient import TestClient as HttpClient

    from alexaskill import Skill

    skill = Skill(SKILL_ID, store="memory://", max_body_size=1000)
    stream = io.StringIO()
    configure_logging("INFO", json=True, stream=stream)
    path = skill.path
    json_type = {"content-type": "application/json"}
    with HttpClient(skill) as http:
        assert http.get(path).status_code == 405
        text = {"content-type": "text/plain"}
        assert http.post(path, content=b"{}", headers=text).status_code == 415
        assert http.post(path, content=b" " * 2000, headers=json_type).status_code == 413
        twice = [("content-type", "application/json"), ("signature", "a"), ("signature", "b")]
        assert http.post(path, content=b"{}", headers=twice).status_code == 400
        assert http.post(path, content=b"{}", headers=json_type).status_code == 400  # unsigned

        async def went_away() -> None:
            scope = {
                "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
                "root_path": "", "query_string": b"", "client": ("127.0.0.1", 1),
                "server": ("127.0.0.1", 80), "headers": [(b"content-type", b"application/json")],
            }  # fmt: skip

            async def receive() -> dict[str, Any]:
                return {"type": "http.disconnect"}

            async def send(message: Any) -> None:
                raise AssertionError(f"nobody to answer: {message}")

            await skill(scope, receive, send)

        http.portal.call(went_away)  # type: ignore[union-attr]
    lines = [line for line in json_lines(stream) if line["logger"] == "alexaskill.request"]
    assert [(line["outcome"], line["status"]) for line in lines] == [
        ("refused:method", 405),
        ("refused:media_type", 415),
        ("refused:too_large", 413),
        ("refused:headers", 400),
        ("refused:certificate_url", 400),
        ("disconnected", None),
    ]
    assert all(line["request_id"] is None and line["user"] is None for line in lines)
