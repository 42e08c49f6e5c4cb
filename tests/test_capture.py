"""Opt-in request capture: exact bytes, private files, bounded, never failing a request."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import stat
from pathlib import Path

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.capture import (
    CAPTURE_LIMIT,
    REFUSED_CAPTURE_LIMIT,
    CaptureFileError,
    RequestCapture,
    load_capture,
)
from alexaskill.exceptions import ConfigurationError, SkillError
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient

from .conftest import OTHER_SKILL_ID


def make_skill(directory: Path) -> Skill:
    skill = Skill(DEFAULT_SKILL_ID, capture_dir=directory)

    @skill.launch
    def launch() -> Response:
        return speak("hello")

    return skill


def test_a_skill_with_capture_dir_writes_each_request_as_received(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    directory = tmp_path / "captures"
    with (
        caplog.at_level(logging.WARNING, "alexaskill"),
        TestClient(make_skill(directory)) as client,
    ):
        assert client.launch().speech == "hello"
        refused = client.post(b'{"not": "signed"}')
    assert refused.status_code == 400
    assert "request capture is ON" in caplog.text and str(directory) in caplog.text
    files = sorted(directory.iterdir())
    assert len(files) == 2  # refused requests too, among the refused
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    bodies = {load_capture(f).body_bytes() for f in files}
    assert b'{"not": "signed"}' in bodies
    signed = next(
        load_capture(f) for f in files if load_capture(f).body_bytes() != b'{"not": "signed"}'
    )
    headers = dict(signed.headers)
    assert headers["signature-256"] and headers["signaturecertchainurl"]
    assert signed.received_at.endswith("Z")


def test_no_capture_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    skill = Skill(DEFAULT_SKILL_ID)
    assert skill.capture is None
    with TestClient(skill) as client:
        client.launch()
    assert list(tmp_path.iterdir()) == []


def test_bodies_are_kept_byte_for_byte(tmp_path: Path) -> None:
    capture = RequestCapture(tmp_path)
    for body in (b' {"a": "\xc3\xa9t\xc3\xa9"}\n', b"\xff\xfe not utf-8", b""):
        file = capture.write("/alexa", [(b"user-agent", b"caf\xe9")], body, refused=None)
        assert file is not None
        loaded = load_capture(file)
        assert loaded.body_bytes() == body
        assert loaded.headers == [("user-agent", "café")]
        assert loaded.path == "/alexa"


def test_secrets_in_headers_are_left_out_and_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A proxy's Authorization, a browser's Cookie, an API gateway's key were written as
    # received. A capture keeps only the headers replay sends and those that show what a proxy
    # did; the others are named, their values never written.
    secret = b"s3cret-token-value"
    headers = [
        (b"host", b"skill.example.com"),
        (b"Content-Type", b"application/json; charset=utf-8"),
        (b"authorization", b"Bearer " + secret),
        (b"signature-256", b"c2ln"),
        (b"signaturecertchainurl", b"https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"),
        (b"cookie", b"session=" + secret),
        (b"proxy-authorization", b"Basic " + secret),
        (b"x-api-key", secret),
        (b"x-amzn-oidc-accesstoken", secret),  # an ALB's, under a name like a harmless one's
        (b"x-forwarded-for", b"54.240.197.1"),
        (b"Cookie", b"other=" + secret),
        (b"user-agent", b"Apache-HttpClient/4.5.x (Java/1.8.0_352)"),
    ]
    with caplog.at_level(logging.INFO, "alexaskill"):
        file = RequestCapture(tmp_path).write("/alexa", headers, b"{}", refused=None)
        assert file is not None
        RequestCapture(tmp_path).write("/alexa", headers, b"{}", refused=None)
    assert secret not in file.read_bytes()
    capture = load_capture(file)
    assert capture.headers == [
        ("host", "skill.example.com"),
        ("Content-Type", "application/json; charset=utf-8"),
        ("signature-256", "c2ln"),
        ("signaturecertchainurl", "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"),
        ("x-forwarded-for", "54.240.197.1"),
        ("user-agent", "Apache-HttpClient/4.5.x (Java/1.8.0_352)"),
    ]
    assert capture.omitted_headers == [
        "authorization",
        "cookie",
        "proxy-authorization",
        "x-api-key",
        "x-amzn-oidc-accesstoken",
    ]
    # Said in the log too, once a RequestCapture (a process): which names, where to see them.
    said = [r.getMessage() for r in caplog.records if "left out" in r.getMessage()]
    assert len(said) == 2 and "'authorization', 'cookie'" in said[0], said
    assert "omitted_headers" in said[0]


def test_captures_without_omitted_headers_still_load(tmp_path: Path) -> None:
    file = tmp_path / "old.capture.json"
    file.write_text(
        '{"received_at": "2026-11-29T10:00:00.000000Z", "path": "/", "headers": [], "body": ""}',
        encoding="utf-8",
    )
    assert load_capture(file).omitted_headers == []


#: The headers of a request Alexa signed (whatever their values: the checks' verdict is given).
SIGNED = [(b"signature-256", b"c2ln"), (b"signaturecertchainurl", b"https://s3.amazonaws.com/x")]


def test_capture_stops_at_the_limit_and_says_so_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    capture = RequestCapture(tmp_path, limit=3)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        written = [capture.write("/", SIGNED, b"{}", refused=None) for _ in range(6)]
    assert [w is not None for w in written] == [True] * 3 + [False] * 3
    assert len(list(tmp_path.iterdir())) == 3
    assert caplog.text.count("no more are written") == 1
    # A new process (a restart) counts what the directory already holds.
    assert RequestCapture(tmp_path, limit=3).write("/", SIGNED, b"{}", refused=None) is None


def test_a_restart_counts_each_kind_apart(tmp_path: Path) -> None:
    capture = RequestCapture(tmp_path, limit=2, refused_limit=1)
    assert capture.write("/", SIGNED, b"{}", refused="signature: does not verify") is not None
    assert capture.write("/", SIGNED, b"{}", refused="signature: does not verify") is None
    assert capture.write("/", SIGNED, b"{}", refused=None) is not None
    # What an earlier alexaskill wrote for a request without signature headers is refused too.
    old = '{"received_at": "2026-11-29T10:00:00.000000Z", "path": "/", "headers": [], "body": ""}'
    (tmp_path / "20261129T100000.000000-1-1.unsigned.capture.json").write_text(
        old, encoding="utf-8"
    )
    again = RequestCapture(tmp_path, limit=3, refused_limit=2)
    assert again.write("/", [], b"{}", refused="certificate URL: header missing") is None
    assert again.write("/", SIGNED, b"{}", refused=None) is not None
    assert again.write("/", SIGNED, b"{}", refused=None) is not None
    assert again.write("/", SIGNED, b"{}", refused=None) is None
    assert CAPTURE_LIMIT == 100 and REFUSED_CAPTURE_LIMIT == 10


def test_requests_the_checks_refuse_cannot_crowd_out_alexas(tmp_path: Path) -> None:
    # Which quota a request used was decided by the mere presence of Alexa's two signature
    # headers: 100 requests with made-up ones (or a real request of Alexa's sent again: its
    # signature verifies, its timestamp or skill id does not) used up the quota, and the
    # request Alexa then sent was not captured. The checks now decide: only requests the skill
    # accepted count toward the 100; every refused one (unsigned, forged, replayed, another
    # skill's) shares the small quota of refused requests.
    directory = tmp_path / "captures"
    with TestClient(make_skill(directory)) as client:
        forged_body = json.dumps(client.factory.envelope("LaunchRequest")).encode()
        forged = {
            "Signature-256": base64.b64encode(bytes(256)).decode(),
            "SignatureCertChainUrl": client.pki.cert_url,
        }
        old = client.factory.envelope("LaunchRequest", now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        other = RequestFactory(skill_id=OTHER_SKILL_ID).envelope("LaunchRequest")
        refused = [(forged_body, forged)] * (CAPTURE_LIMIT + 1)
        for envelope in (old, other):
            body = json.dumps(envelope).encode()
            refused += [(body, client.pki.sign(body))] * 2
        refused += [(forged_body, {})] * 2
        for body, headers in refused:
            assert client.post(body, headers).status_code == 400
        launch = client.launch()
        assert launch.speech == "hello" and launch.request is not None
    files = sorted(directory.iterdir())
    captured = {f: load_capture(f).body_bytes() for f in files}
    accepted = [f for f, body in captured.items() if launch.request["requestId"].encode() in body]
    assert len(accepted) == 1, "Alexa's request was crowded out"
    assert load_capture(accepted[0]).refused is None
    assert not accepted[0].name.endswith(".refused.capture.json")
    assert len(files) == 1 + REFUSED_CAPTURE_LIMIT
    reasons = {load_capture(f).refused for f in files if f not in accepted}
    assert any("signature" in str(reason) for reason in reasons), reasons


def test_an_existing_capture_directory_others_can_open_is_said(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert RequestCapture(shared).write("/", SIGNED, b"{}", refused=None) is not None
        made = RequestCapture(tmp_path / "made")
        assert made.write("/", SIGNED, b"{}", refused=None) is not None
    [record] = caplog.records
    assert record.name == "alexaskill.security"
    assert f"{shared} is open to group or others (mode 0777)" in record.getMessage()
    assert stat.S_IMODE((tmp_path / "made").stat().st_mode) == 0o700


def test_a_capture_that_cannot_be_written_does_not_fail_the_request(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    skill = make_skill(blocker)
    # In the way once the skill is made (a capture_dir that is a file is refused then).
    blocker.write_text("in the way", encoding="utf-8")
    with caplog.at_level(logging.WARNING, "alexaskill"), TestClient(skill) as client:
        assert client.launch().speech == "hello"
    assert "cannot write" in caplog.text


def test_a_file_that_is_not_a_capture_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "x.json"
    file.write_text('{"request": {}}', encoding="utf-8")
    with pytest.raises(ValueError, match="not an alexaskill capture file"):
        load_capture(file)


_FIELDS = '"received_at": "2026-12-04T00:00:00.000000Z", "path": "/", "headers": []'


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            f'{{{_FIELDS}, "body": "{{}}", "body": "[]"}}',
            "'body' is given twice in the top-level object",
        ),
        (
            f'{{{_FIELDS}, "headers": [["via", "x"]], "refused": "timestamp"}}',
            "'headers' is given twice in the top-level object",
        ),
        # (in a field this alexaskill does not know too: a later one's, or a note added)
        (f'{{{_FIELDS}, "note": {{"by": "ann", "by": "bob"}}}}', "'by' is given twice in note"),
    ],
)
def test_a_capture_file_with_a_key_given_twice_is_refused(
    tmp_path: Path, content: str, said: str
) -> None:
    # msgspec kept the last of the two silently: a capture edited by hand, its "body" copied
    # and changed below the one received, was replayed with bytes it did not seem to hold.
    file = tmp_path / "dup.capture.json"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(CaptureFileError) as raised:
        load_capture(file)
    # A ValueError, below alexaskill's one base of errors: it was a bare ValueError.
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, SkillError)
    assert str(raised.value) == f"{file}: {said}: a JSON object keeps only the last; give it once"
    # The reason alone, without the path, for a message that names the file its own way.
    assert raised.value.reason == f"{said}: a JSON object keeps only the last; give it once"


def test_a_capture_file_with_several_keys_given_twice_names_them(tmp_path: Path) -> None:
    # Only the first was named: the next one was said only once it was given once.
    file = tmp_path / "dup.capture.json"
    file.write_text(
        f'{{{_FIELDS}, "note": {{"by": "ann", "by": "bob"}}, "body": "{{}}", "body": "[]", '
        '"refused": null, "refused": "timestamp"}',
        encoding="utf-8",
    )
    with pytest.raises(ValueError) as raised:
        load_capture(file)
    assert str(raised.value) == (
        f"{file}: 'body' and 'refused' are given twice in the top-level object, 'by' in note: "
        "a JSON object keeps only the last of each; give each once"
    )


def test_a_capture_nested_about_as_deep_as_the_decoders_take_is_a_value_error(
    tmp_path: Path,
) -> None:
    # A field capture does not know, nested about a thousand deep: msgspec (and the second
    # reading, for keys given twice) raised RecursionError, which certify --replay, saying a
    # ValueError in one line, ended in a traceback. (Depths around both decoders' limits.)
    file = tmp_path / "deep.capture.json"
    refused = []
    for depth in [500, *range(900, 1100, 5), 5000]:
        file.write_text(f'{{{_FIELDS}, "x": {"[" * depth}{"]" * depth}}}', encoding="utf-8")
        try:
            load_capture(file)
        except ValueError as exc:
            assert str(exc) == f"{file}: not an alexaskill capture file (nested too deeply)"
            refused.append(depth)
    assert 500 not in refused and 5000 in refused  # (the depths go past the limits)


def test_a_captured_body_giving_a_key_twice_is_kept_byte_for_byte(tmp_path: Path) -> None:
    # Only the capture file's own JSON is refused so: its body is what was received (signed by
    # Alexa, or sent by anyone), replayed as it came, a key twice and all.
    body = b' {"version": "1.0", "version": "0.9",\n"request": {"type": "LaunchRequest"}}'
    file = RequestCapture(tmp_path).write("/", SIGNED, body, refused=None)
    assert file is not None
    assert load_capture(file).body_bytes() == body


def test_an_empty_capture_dir_is_refused_not_the_working_directory() -> None:
    # Skill(capture_dir=os.environ.get("CAPTURE_DIR", "")) captured into the working directory.
    with pytest.raises(ConfigurationError, match="capture_dir is empty"):
        Skill(DEFAULT_SKILL_ID, capture_dir="")


def test_a_capture_that_fails_half_written_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A write that failed (a full disk) left the file made for it, empty or cut short: not a
    # capture (certify --replay refused it as corrupt), and it took a place in the next
    # process's quota.
    import os

    class FullDisk:
        def __init__(self, fd: int, mode: str) -> None:
            os.close(fd)

        def __enter__(self) -> FullDisk:
            return self

        def __exit__(self, *exc_info: object) -> None:
            pass

        def write(self, data: bytes) -> int:
            raise OSError(28, "No space left on device")

    capture = RequestCapture(tmp_path)
    monkeypatch.setattr(os, "fdopen", FullDisk)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert capture.write("/", [], b"{}", refused=None) is None
    assert "No space left on device" in caplog.text
    assert list(tmp_path.iterdir()) == []


def test_replay_of_a_capture_file_says_what_it_is_and_which_command_sends_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `alexaskill replay APP capture.json` said only "not an Alexa request envelope".
    import io

    from alexaskill.cli import main

    envelope = RequestFactory().envelope("LaunchRequest")
    file = RequestCapture(tmp_path).write("/", [], json.dumps(envelope).encode(), refused=None)
    assert file is not None
    (tmp_path / "app.py").write_text(
        f"from alexaskill import Skill\nskill = Skill({DEFAULT_SKILL_ID!r})\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    err = io.StringIO()
    assert main(["replay", "app.py:skill", str(file)], stdout=io.StringIO(), stderr=err) == 2
    assert (
        f"{file}: not an Alexa request envelope (no 'request' object): a capture of `serve "
        "--capture`, which `alexaskill certify URL --replay FILE` sends as received"
    ) in err.getvalue()
    monkeypatch.setattr("sys.stdin", io.StringIO(file.read_text(encoding="utf-8")))
    err = io.StringIO()
    assert main(["replay", "app.py:skill", "-"], stdout=io.StringIO(), stderr=err) == 2
    assert "standard input: not an Alexa request envelope (no 'request' object): a capture" in (
        err.getvalue()
    )


def test_a_capture_holding_a_number_too_long_is_a_value_error_naming_it(tmp_path: Path) -> None:
    # A field capture does not know with a number past Python's int digit limit: the second
    # reading's json.loads raised its own ValueError ("Exceeds the limit (4300 digits) …"),
    # which named no file where certify --replay said it.
    file = tmp_path / "long.capture.json"
    file.write_text(f'{{{_FIELDS}, "x": {"1" * 5000}}}', encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        load_capture(file)
    assert str(raised.value) == f"{file}: not JSON (a number of too many digits)"


def test_a_capture_file_error_is_copied_and_pickled_whole() -> None:
    # BaseException's copy and pickle remake an exception from its args, its message alone,
    # which CaptureFileError.__init__ does not take: "missing 1 required positional argument".
    import copy
    import pickle

    error = CaptureFileError("c/x.json", "not an alexaskill capture file (no body)")
    error.add_note("read by replay")
    for again in (copy.copy(error), pickle.loads(pickle.dumps(error))):
        assert type(again) is CaptureFileError and str(again) == str(error)
        assert (again.path, again.reason, again.__notes__) == (
            error.path,
            error.reason,
            ["read by replay"],
        )
