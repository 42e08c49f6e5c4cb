"""``alexaskill certify --replay`` with a request the example skill captured: sent as it was
received, refused for its timestamp, said what it left out and why it was refused.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import stat
from pathlib import Path
from typing import Any

import httpx
import pytest

from alexaskill.capture import load_capture
from alexaskill.cli import main
from alexaskill.cli.probes import capture_age_problem
from alexaskill.testing import RequestFactory, TestPKI
from tests.processes import free_port

from .certify_shared import _dev_env as _dev_env
from .certify_shared import accept_all as accept_all
from .certify_shared import captures as captures
from .certify_shared import capturing as capturing
from .certify_shared import certify, detail, outcome
from .certify_shared import dev_dir as dev_dir
from .certify_shared import proxy as proxy
from .certify_shared import start as start
from .certify_shared import weather as weather

# --- --replay with a request the skill captured ---------------------------------------------------


@pytest.fixture(scope="module")
def capture_file(capturing: str, captures: Path, dev_dir: Path) -> Path:
    """A request signed with the development key, sent to the capturing skill, as captured.

    Its timestamp is five minutes old, as a capture is by the time anyone replays it: the skill
    refuses it for that, and captures it all the same, among the requests it refused.
    """
    return capture_request(capturing, captures, dev_dir)


def capture_request(
    capturing: str, captures: Path, dev_dir: Path, extra: dict[bytes, bytes] | None = None
) -> Path:
    """The file the skill captures of such a request, sent with the ``extra`` headers too."""
    from alexaskill.cli import DEV_CERT_URL

    pki = TestPKI.load_or_create(dev_dir, cert_url=DEV_CERT_URL)
    sent = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    envelope = RequestFactory(user={"accessToken": "secret-token"}).envelope(
        "LaunchRequest", now=sent
    )
    body = (" " + json.dumps(envelope, indent=1) + "\n").encode()  # as Alexa's: odd whitespace
    before = set(captures.glob("*")) if captures.exists() else set()
    # All bytes: the extra values may not be ASCII, and httpx types headers as str or bytes.
    headers = {b"Content-Type": b"application/json"}
    headers |= {name.encode(): value.encode() for name, value in pki.sign(body).items()}
    answer = httpx.post(capturing, content=body, headers={**headers, **(extra or {})})
    assert answer.status_code == 400 and "timestamp" in answer.json()["error"]
    (new,) = set(captures.glob("*")) - before
    assert new.name.endswith(".refused.capture.json")
    assert (load_capture(new).refused or "").startswith("timestamp")
    return new


def test_the_capture_is_the_request_as_received_and_private(capture_file: Path) -> None:
    assert stat.S_IMODE(capture_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(capture_file.parent.stat().st_mode) == 0o700
    capture = load_capture(capture_file)
    body = capture.body_bytes()
    assert body.startswith(b" {\n") and b"secret-token" in body
    names = [name for name, _ in capture.headers]
    assert {"signature-256", "signaturecertchainurl", "content-type"} <= set(names)
    assert capture.path == "/"


def test_replay_through_the_skill_is_refused_for_its_timestamp(
    weather: str, capture_file: Path
) -> None:
    code, report = certify(weather, "--allow-local", "--dev", "--replay", str(capture_file))
    assert code == 0, report
    assert outcome(report)["replay"] is True
    assert "timestamp: too old" in detail(report, "replay")
    assert outcome(report)["replay-body-changed"] is True


def test_replay_through_a_re_encoding_proxy_fails(proxy: str, capture_file: Path) -> None:
    # Without --dev: the replay alone shows what the proxy does.
    code, report = certify(proxy, "--allow-local", "--replay", str(capture_file))
    assert code == 1
    assert report["failed"] == ["replay"]
    assert "for its signature" in detail(report, "replay")


def test_replay_to_an_endpoint_that_accepts_everything_fails(
    accept_all: str, capture_file: Path
) -> None:
    code, report = certify(accept_all, "--allow-local", "--replay", str(capture_file))
    assert code == 1
    assert {"replay", "replay-body-changed"} <= set(report["failed"])


def test_replay_sends_captured_headers_that_are_not_ascii_as_received(
    weather: str, capturing: str, captures: Path, dev_dir: Path
) -> None:
    # A proxy may add such a header; the capture keeps its bytes as latin-1 text.
    file = capture_request(capturing, captures, dev_dir, {b"Via": b"1.1 caf\xe9 \xff"})
    assert ("via", "1.1 caf\xe9 \xff") in load_capture(file).headers
    code, report = certify(weather, "--allow-local", "--dev", "--replay", str(file))
    assert code == 0, report
    assert "timestamp: too old" in detail(report, "replay")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"body_base64": "abcde"}, "body_base64: "),
        ({"headers": [["x-note", "\u20ac"]]}, "header 'x-note': a character beyond latin-1"),
    ],
)
def test_a_corrupt_capture_is_a_usage_mistake(
    tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    from alexaskill.capture import RequestCapture

    envelope = RequestFactory().envelope(
        "LaunchRequest", now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    file = RequestCapture(tmp_path).write(
        "/", [], b"\xff" + json.dumps(envelope).encode(), refused=None
    )
    assert file is not None
    file.write_text(
        json.dumps({**json.loads(file.read_text(encoding="utf-8")), **change}), encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    url = f"http://127.0.0.1:{free_port()}/"
    argv = ["certify", url, "--allow-local", "--replay", str(file)]
    assert main(argv, stdout=out, stderr=err) == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith(f"alexaskill certify: error: --replay {file}: not an ")
    assert message in err.getvalue() and err.getvalue().count("\n") == 1


def test_a_corrupt_capture_with_a_long_name_is_said_with_the_name_cut(tmp_path: Path) -> None:
    # The message was "--replay " before load_capture's, which started with the path: the
    # path echoed whole, not cut as every other message of the command cuts it.
    deep = tmp_path.joinpath(*["d" * 50] * 4)
    deep.mkdir(parents=True)
    file = deep / "capture.json"
    file.write_text('{"body_base64": "abcde"}', encoding="utf-8")
    err = io.StringIO()
    argv = ["certify", f"http://127.0.0.1:{free_port()}/", "--allow-local", "--replay", str(file)]
    assert main(argv, stdout=io.StringIO(), stderr=err) == 2
    cut = f"{str(file)[:70]}…{str(file)[-30:]} ({len(str(file)):,} characters)"
    said = f"alexaskill certify: error: --replay {cut}: not an alexaskill capture file ("
    assert err.getvalue().startswith(said), err.getvalue()
    assert str(file) not in err.getvalue()


def test_any_value_error_of_reading_a_capture_is_a_usage_mistake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # certify says the reason of a CaptureFileError: a ValueError of the reading that was no
    # such error (json's own, should msgspec take what json does not) was a traceback.
    import alexaskill.capture

    def refusing(*args: object, **kwargs: object) -> None:
        raise ValueError("json's own words")

    file = _old_capture(tmp_path, None)
    monkeypatch.setattr(alexaskill.capture, "loads_once", refusing)
    err = io.StringIO()
    argv = ["certify", f"http://127.0.0.1:{free_port()}/", "--allow-local", "--replay", str(file)]
    assert main(argv, stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue() == (
        f"alexaskill certify: error: --replay {file}: not an alexaskill capture file (json's own "
        "words)\n"
    )


def test_a_fresh_capture_is_refused_until_it_is_old(tmp_path: Path) -> None:
    from alexaskill.capture import RequestCapture

    envelope = RequestFactory().envelope("LaunchRequest")
    file = RequestCapture(tmp_path).write("/", [], json.dumps(envelope).encode(), refused=None)
    assert file is not None
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["certify", "https://skill.example.com/", "--replay", str(file)], stdout=out, stderr=err
    )
    assert code == 2
    assert "may still accept it" in err.getvalue() and "Replay it in" in err.getvalue()
    assert (
        capture_age_problem(load_capture(file), dt.datetime.now(dt.UTC) + dt.timedelta(minutes=3))
        is None
    )
    event = RequestFactory().envelope(
        "AlexaSkillEvent.SkillEnabled", now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)
    )
    late = RequestCapture(tmp_path).write("/", [], json.dumps(event).encode(), refused=None)
    assert late is not None and capture_age_problem(load_capture(late)) is not None


def _old_capture(tmp_path: Path, refused: str | None) -> Path:
    from alexaskill.capture import RequestCapture

    envelope = RequestFactory().envelope(
        "LaunchRequest", now=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    headers = [
        (b"Content-Type", b"application/json"),
        (b"Authorization", b"Bearer gateway-secret"),
        (b"X-Api-Key", b"k-123"),
    ]
    file = RequestCapture(tmp_path).write(
        "/", headers, json.dumps(envelope).encode(), refused=refused
    )
    assert file is not None
    return file


def test_replay_says_which_headers_the_capture_left_out_and_why_it_was_refused(
    tmp_path: Path,
) -> None:
    # The report said nothing of omitted_headers (never replayed) nor of refused (the reason
    # of the original 400): a failing replay of such a capture went unexplained.
    file = _old_capture(tmp_path, "signature: does not match the body")
    url = f"http://127.0.0.1:{free_port()}/"
    code, report = certify(url, "--allow-local", "--replay", str(file))
    assert code == 1
    assert report["capture"] == {
        "file": str(file),
        "refused": "signature: does not match the body",
        "omitted_headers": ["authorization", "x-api-key"],
    }
    notes = "\n".join(report["notes"])
    assert "refused when it arrived: signature: does not match the body" in notes
    assert "authorization, x-api-key" in notes and "not sent" in notes
    out = io.StringIO()
    assert main(["certify", url, "--allow-local", "--replay", str(file)], stdout=out) == 1
    text = out.getvalue()
    assert "note: the capture is of a request the skill refused when it arrived: " in text
    assert "note: the capture left out authorization, x-api-key" in text


def test_replay_of_an_accepted_capture_says_no_refusal(tmp_path: Path) -> None:
    file = _old_capture(tmp_path, None)
    code, report = certify(
        f"http://127.0.0.1:{free_port()}/", "--allow-local", "--replay", str(file)
    )
    assert code == 1  # nobody listens there
    assert report["capture"]["refused"] is None
    assert not any("refused when it arrived" in note for note in report["notes"])
    # A capture refused only for its timestamp had a good signature: still worth replaying.
    late = _old_capture(tmp_path, "timestamp: too old (2020-01-01T00:00:00Z)")
    _, report = certify(f"http://127.0.0.1:{free_port()}/", "--allow-local", "--replay", str(late))
    (note,) = [note for note in report["notes"] if "refused when it arrived" in note]
    assert "its signature was good" in note
