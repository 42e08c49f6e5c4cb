"""``alexaskill certify`` against servers started here on 127.0.0.1: the example skill (served
plainly, with TLS, with request capture), an endpoint that accepts everything, a proxy that
re-encodes JSON, and an endpoint stuck on TLS 1.1. Each is its own process, stopped by PID.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import pytest

from alexaskill.capture import load_capture
from alexaskill.cli import DEV_PKI_ENV, main
from alexaskill.cli.probes import INVALID_CERT_URLS, capture_age_problem
from alexaskill.testing import RequestFactory, TestPKI
from benchmarks.serving import self_signed
from tests.processes import free_port, stop

from .blackhole import closing_port, unconnectable_port
from .conftest import OTHER_SKILL_ID, SKILL_ID, Servers

ROOT = Path(__file__).resolve().parent.parent
SERVERS = Path(__file__).resolve().parent / "certify_servers.py"
WEATHER = "examples.weather.app:skill"
# What each server of the example skill here is given besides: its log at WARNING and up.
QUIET: Final = ("--log-level", "warning")
# Every probe certify sends without --replay; --dev adds the valid request.
PROBES = [
    "no-signature-headers",
    "empty-cert-url",
    *(name for name, _ in INVALID_CERT_URLS),
    "invalid-signature",
    "signature-not-base64",
    "timestamp-old",
    "timestamp-future",
    "timestamp-just-old",
    "timestamp-just-future",
    "body-changed",
    "not-json",
    "another-skill",
]


def wait_for_port(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + 60  # (its setup took 13 s here under load)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited with {process.returncode}: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"no server on port {port} after 60 s")


@pytest.fixture(scope="module")
def dev_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dev-pki")


@pytest.fixture(autouse=True)
def _dev_env(dev_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))


@pytest.fixture(scope="module")
def start(dev_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """``start(argv) -> base URL``: a server process on a free port, stopped after the module.
    For tests/certify_servers.py's endpoints, which answer no ``GET /health`` (the skills' servers
    are conftest's `Servers`, which waits for it)."""
    processes: list[subprocess.Popen[bytes]] = []
    logs = tmp_path_factory.mktemp("logs")

    def start_server(*argv: str, scheme: str = "http") -> str:
        port = free_port()
        command = [a.replace("{port}", str(port)) for a in argv]
        log = logs / f"{port}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, *command],
                cwd=ROOT,
                env={**os.environ, DEV_PKI_ENV: str(dev_dir)},
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        processes.append(process)
        wait_for_port(process, port, log)
        return f"{scheme}://127.0.0.1:{port}/"

    yield start_server
    for process in processes:  # all told at once: each takes a while to shut down
        process.terminate()
    for process in processes:
        stop(process)


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("captures") / "requests"


@pytest.fixture(scope="module")
def weather(module_servers: Servers, dev_dir: Path) -> str:
    """The example skill under ``serve --dev``, for the probes."""
    return module_servers.serve_dev(WEATHER, *QUIET, cwd=ROOT, dev_dir=dev_dir)[1]


@pytest.fixture(scope="module")
def capturing(module_servers: Servers, dev_dir: Path, captures: Path) -> str:
    """The example skill under ``serve --dev``, capturing what it receives: a server of its own,
    as the probes, all refused, would soon use up the quota of refused captures."""
    options = ("--capture", str(captures), *QUIET)
    return module_servers.serve_dev(WEATHER, *options, cwd=ROOT, dev_dir=dev_dir)[1]


@pytest.fixture(scope="module")
def accept_all(start: Any) -> str:
    """An endpoint that answers every request 200, verifying nothing (it keeps no state)."""
    return str(start(str(SERVERS), "accept-all", "{port}"))


@pytest.fixture(scope="module")
def proxy(start: Any, weather: str) -> str:
    """A proxy re-encoding the JSON it passes on to the example skill (it keeps no state)."""
    return str(start(str(SERVERS), "reserialise", "{port}", weather))


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for the address 127.0.0.1 (only), and its key."""
    directory = tmp_path_factory.mktemp("tls")
    return self_signed(directory, common_name="certify test", ips=["127.0.0.1"], ca=True)


def certify(*argv: str) -> tuple[int, dict[str, Any]]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["certify", *argv, "--json", "--timeout", "5"], stdout=out, stderr=err)
    assert code != 2, err.getvalue()
    return code, json.loads(out.getvalue())


def outcome(report: dict[str, Any]) -> dict[str, bool | None]:
    return {check["name"]: check["passed"] for check in report["checks"]}


def detail(report: dict[str, Any], name: str) -> str:
    return str(next(c["detail"] for c in report["checks"] if c["name"] == name))


# --- the served example passes -------------------------------------------------------------------


def test_the_served_example_passes_every_probe(weather: str) -> None:
    code, report = certify(weather, "--allow-local", "--dev")
    assert code == 0, report
    assert report["passed"] is True and report["failed"] == []
    checks = outcome(report)
    assert [name for name in checks if name in PROBES] == PROBES
    assert all(checks[name] is True for name in [*PROBES, "valid-request", "response-time"])
    # http:// to a loopback address: the TLS checks are skipped (and said to be), not passed.
    assert checks["https-443"] is None and checks["tls-version"] is None
    assert any("--allow-local" in note for note in report["notes"])
    # Each signed probe has its one defect, and the skill names it.
    assert "timestamp: too old" in detail(report, "timestamp-old")
    assert "timestamp: too old" in detail(report, "timestamp-just-old")
    assert "timestamp" in detail(report, "timestamp-just-future")
    assert "not base64" in detail(report, "signature-not-base64")
    assert "does not match" in detail(report, "body-changed")
    assert "another skill" in detail(report, "another-skill")
    assert {c["status"] for c in report["checks"] if c["name"] in PROBES} == {400}


def test_text_output_is_one_line_per_check(weather: str) -> None:
    out = io.StringIO()
    assert main(["certify", weather, "--allow-local", "--dev"], stdout=out) == 0
    lines = out.getvalue().splitlines()
    assert lines[0] == f"certifying {weather}"
    assert any(line.startswith("PASS  cert-url-path-case ") for line in lines)
    assert any(line.startswith("SKIP  tls-version ") for line in lines)
    assert lines[-1] == "19 checks: all passed"


# --- broken endpoints fail, naming the probe ----------------------------------------------------


def test_an_endpoint_that_accepts_everything_fails(accept_all: str) -> None:
    code, report = certify(accept_all, "--allow-local")
    assert code == 1
    assert report["failed"] == PROBES
    assert "accepted a request with no signature headers (HTTP 200)" in detail(
        report, "no-signature-headers"
    )
    assert "notamazon.com" in detail(report, "cert-url-host")


_NO_VERIFY_APP = """
from alexaskill import Skill, speak

skill = Skill("{skill_id}", verify=False, store="memory://")


@skill.launch
def launch():
    return speak("hello")
"""
# Every probe with one defect that is not the skill id (not-json is refused for what it is).
_NOT_SKILL_ID = [name for name in PROBES if name not in ("another-skill", "not-json")]


def test_an_endpoint_that_checks_only_the_skill_id_fails(servers: Servers, tmp_path: Path) -> None:
    # The probes carried a test skill id: a skill that verifies nothing refused every one of
    # them "for another skill", and certify said "all passed" (with --dev too, but for the
    # valid request). Amazon's requests carry the skill's own id: there it accepts them all.
    app = tmp_path / "noverify.py"
    app.write_text(_NO_VERIFY_APP.format(skill_id=SKILL_ID))
    port = free_port()
    command = [sys.executable, "-m", "alexaskill", "serve", f"{app}:skill", "--port", str(port)]
    servers.start(command, port, cwd=ROOT)
    url = f"http://127.0.0.1:{port}/"
    code, report = certify(url, "--allow-local")
    assert code == 1
    assert report["failed"] == _NOT_SKILL_ID
    said = detail(report, "timestamp-old")
    assert said.startswith("refused a request ten minutes old only for its skill id"), said
    assert "--skill-id" in said
    assert outcome(report)["another-skill"] is True
    # With the skill's id the probes reach the checks they are named for: all accepted.
    code, report = certify(url, "--allow-local", "--skill-id", SKILL_ID)
    assert code == 1
    assert report["failed"] == _NOT_SKILL_ID
    assert "accepted a request ten minutes old (HTTP 200)" in detail(report, "timestamp-old")


def test_a_proxy_that_re_encodes_json_fails_the_valid_request(proxy: str) -> None:
    code, report = certify(proxy, "--allow-local", "--dev")
    assert code == 1
    # Every refusal still comes back as 400; only the request Alexa would really send fails.
    assert report["failed"] == ["valid-request"]
    assert "signature" in detail(report, "valid-request")
    assert "changing the body" in detail(report, "valid-request")


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
    file.write_text(json.dumps({**json.loads(file.read_text()), **change}))
    out, err = io.StringIO(), io.StringIO()
    url = f"http://127.0.0.1:{free_port()}/"
    argv = ["certify", url, "--allow-local", "--replay", str(file)]
    assert main(argv, stdout=out, stderr=err) == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith(f"alexaskill certify: error: --replay {file}: not an ")
    assert message in err.getvalue() and err.getvalue().count("\n") == 1


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


# --- TLS ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def weather_tls(module_servers: Servers, dev_dir: Path, tls_files: tuple[Path, Path]) -> str:
    cert, key = tls_files
    options = ("--ssl-certfile", str(cert), "--ssl-keyfile", str(key), *QUIET)
    return module_servers.serve_dev(WEATHER, *options, cwd=ROOT, dev_dir=dev_dir, tls=True)[1]


def test_tls_with_a_trusted_certificate_for_the_host_passes(
    weather_tls: str, tls_files: tuple[Path, Path]
) -> None:
    code, report = certify(weather_tls, "--allow-local", "--dev", "--cafile", str(tls_files[0]))
    assert code == 0, report
    checks = outcome(report)
    assert checks["tls-version"] is True and checks["tls-certificate"] is True
    assert detail(report, "tls-version").startswith("TLSv1.3 negotiated")
    assert "valid for 127.0.0.1, expires" in detail(report, "tls-certificate")


def test_a_self_signed_certificate_fails(weather_tls: str) -> None:
    code, report = certify(weather_tls, "--allow-local", "--dev")
    assert code == 1
    assert report["failed"] == ["tls-certificate"]
    assert "self-signed certificate" in detail(report, "tls-certificate")


def test_a_certificate_for_another_host_fails(
    weather_tls: str, tls_files: tuple[Path, Path]
) -> None:
    other_name = weather_tls.replace("127.0.0.1", "localhost")  # the certificate names the address
    code, report = certify(other_name, "--allow-local", "--dev", "--cafile", str(tls_files[0]))
    assert code == 1
    assert report["failed"] == ["tls-certificate"]
    assert "mismatch" in detail(report, "tls-certificate")


def test_an_endpoint_stuck_on_tls_1_1_fails(start: Any, tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    url = start(
        str(SERVERS),
        "accept-all",
        "{port}",
        "--tls",
        str(cert),
        str(key),
        "--max-tls",
        "1.1",
        scheme="https",
    )
    code, report = certify(url, "--allow-local", "--cafile", str(cert))
    assert code == 1
    assert outcome(report)["tls-version"] is False
    assert "no TLS 1.2 or later handshake" in detail(report, "tls-version")
    assert outcome(report)["tls-certificate"] is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.pem", None, "missing.pem: no such file"),
        ("folder", "", "folder: is a directory"),
        ("empty.pem", b"", "empty.pem: not a PEM file of CA certificates"),
        ("key.pem", b"\xff\xfe not PEM", "key.pem: not a PEM file of CA certificates"),
        (
            "cut.pem",
            b"-----BEGIN CERTIFICATE-----\nMIIB!!\n-----END CERTIFICATE-----\n",
            "cut.pem: not a PEM file of CA certificates",
        ),
    ],
)
def test_a_cafile_that_is_no_pem_file_is_a_usage_mistake(
    weather_tls: str, tmp_path: Path, name: str, content: bytes | str | None, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.mkdir()
    out, err = io.StringIO(), io.StringIO()
    argv = ["certify", weather_tls, "--allow-local", "--cafile", str(path)]
    code = main(argv, stdout=out, stderr=err)
    assert code == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith(f"alexaskill certify: error: --cafile {tmp_path}/")
    assert message in err.getvalue() and err.getvalue().count("\n") == 1


def test_a_deployed_endpoint_must_be_on_port_443(
    weather_tls: str, tls_files: tuple[Path, Path]
) -> None:
    # Without --allow-local the loopback address gets no exemption: port 443 is checked.
    https = weather_tls
    code, report = certify(https, "--dev", "--cafile", str(tls_files[0]))
    assert code == 1
    assert report["failed"] == ["https-443"]
    assert "Alexa only calls port 443" in detail(report, "https-443")


# --- usage ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["http://skill.example.com/"], "Alexa only calls https://"),
        (["http://127.0.0.1:8000/"], "pass --allow-local"),
        (["http://skill.example.com/", "--allow-local"], "only to a loopback address"),
        (["ftp://skill.example.com/"], "expected the skill's https:// endpoint URL"),
        (["https://skill.example.com:99999/"], "valid port"),
        (["https://skill.example.com/", "--replay", "/nonexistent.json"], "no such file"),
        (["https://skill.example.com/", "--timeout", "0"], "positive"),
        (["http://127.0.0.1:9/", "--allow-local", "--timeout", "nan"], "positive"),
        (["http://127.0.0.1:9/", "--allow-local", "--timeout", "inf"], "at most 86400 (a day)"),
        (["http://127.0.0.1:9/", "--allow-local", "--timeout", "1e300"], "--timeout 1e300: "),
        (["http://127.0.0.1:9/", "--allow-local", "--timeout", "86401"], "at most 86400"),
    ],
)
def test_usage_mistakes_exit_2(argv: list[str], message: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["certify", *argv], stdout=out, stderr=err) == 2
    assert message in err.getvalue()


def test_an_endpoint_nobody_listens_on_fails() -> None:
    code, report = certify(f"http://127.0.0.1:{free_port()}/", "--allow-local")
    assert code == 1
    assert report["failed"] == ["connect"]


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


def test_an_endpoint_nobody_listens_on_says_so_once() -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    out, err = io.StringIO(), io.StringIO()
    assert main(["certify", url, "--allow-local"], stdout=out, stderr=err) == 1
    lines = out.getvalue().splitlines()
    assert (
        f"FAIL  connect               cannot reach {url}: connection refused (nothing listens "
        "on that port); no probe was sent"
    ) in lines
    assert lines[-1] == "1 check: 1 failed: connect"  # (not "1 checks")


def test_an_endpoint_no_connection_reaches_in_time_is_not_reached() -> None:
    # A connection that timed out was "no answer within 8 s" to each of the 13 probes, as if
    # the skill had taken them and not answered: nothing was ever sent.
    with unconnectable_port() as port:
        url = f"http://127.0.0.1:{port}/"
        out, err = io.StringIO(), io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "0.5"]
        assert main(argv, stdout=out, stderr=err) == 1
    report = json.loads(out.getvalue())
    assert report["failed"] == ["connect"]
    assert detail(report, "connect") == (
        f"cannot reach {url}: no connection within 0.5 s (is the host up, and is its port open "
        "to this machine?); no probe was sent"
    )


def test_an_endpoint_that_closes_the_connection_unanswered_fails_each_probe() -> None:
    # It was reached: "cannot reach" after the first probe said otherwise.
    with closing_port() as port:
        code, report = certify(f"http://127.0.0.1:{port}/", "--allow-local")
    assert code == 1
    assert report["failed"] == PROBES
    assert detail(report, "not-json") == (
        "no HTTP answer to a body that is not JSON: the server closed the connection"
    )
    assert detail(report, "response-time").startswith("no probe was answered")


def _reached_then_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    # The connect check passed, then the host went away: the probes find no connection.
    import alexaskill.cli.probes as probes

    monkeypatch.setattr(probes, "connect_check", lambda target: None)


def test_a_connection_that_times_out_after_the_connect_check_is_a_connect_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # httpx's cause (httpcore's ConnectTimeout) was judged, not httpx's ConnectTimeout: "cannot
    # reach URL: timed out". And a ConnectTimeout sent as a probe's "no answer" ran every probe.
    _reached_then_lost(monkeypatch)
    with unconnectable_port() as port:
        url = f"http://127.0.0.1:{port}/"
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "0.5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
    report = json.loads(out.getvalue())
    assert report["failed"] == ["connect"]
    assert detail(report, "connect") == (
        f"cannot reach {url}: no connection within 0.5 s (is the host up, and is its port open "
        "to this machine?); 0 probes answered before"
    )


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("proxy_kind", ["silent socks", "refusing socks"])
def test_a_proxy_that_let_no_probe_through_is_said_the_proxys(
    proxy_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The probes go through the proxy the environment sets (ALL_PROXY). A SOCKS proxy that said
    # nothing was "no connection within 0.5 s (is the host up, ...)", one that refused the
    # tunnel "connection refused (nothing listens on that port)": the endpoint's, not the proxy's.
    from .blackhole import RefusingSocks, SilentSocks

    _reached_then_lost(monkeypatch)
    url = f"http://127.0.0.1:{free_port()}/"
    with SilentSocks() if proxy_kind == "silent socks" else RefusingSocks() as proxy:
        monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{proxy.port}")
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "0.5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
    report = json.loads(out.getvalue())
    assert report["failed"] == ["connect"]
    said = f"cannot reach {url}: the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY) " + (
        "did not complete its SOCKS5 handshake within 0.5 s"
        if proxy_kind == "silent socks"
        else "refused its tunnel to 127.0.0.1:"
    )
    assert detail(report, "connect").startswith(said), detail(report, "connect")


def test_a_connection_refused_after_the_connect_check_is_a_connect_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _reached_then_lost(monkeypatch)
    url = f"http://127.0.0.1:{free_port()}/"
    code, report = certify(url, "--allow-local")
    assert code == 1 and report["failed"] == ["connect"]
    assert detail(report, "connect") == (
        f"cannot reach {url}: connection refused (nothing listens on that port); "
        "0 probes answered before"
    )


def test_a_name_that_does_not_resolve_is_said_so_through_httpx_chain() -> None:
    # httpx's ConnectError, caused by httpcore's, caused by the resolver's gaierror.
    import httpcore

    from alexaskill.cli.endpoint import Target, connect_failure

    resolver = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    middle = httpcore.ConnectError(str(resolver))
    middle.__cause__ = resolver
    error = httpx.ConnectError(str(resolver))
    error.__cause__ = middle
    target = Target("https://skill.example.test/")
    assert connect_failure(target, error) == (
        "cannot reach https://skill.example.test/: no address found for skill.example.test "
        "(Name or service not known)"
    )


def test_the_json_report_masks_a_password_in_the_url_as_the_text_does() -> None:
    # The text said "certifying http://ann:***@host/"; the JSON report's "url" kept the password.
    url = f"http://ann:s3cret@127.0.0.1:{free_port()}/"
    code, report = certify(url, "--allow-local")
    assert code == 1
    assert report["url"] == url.replace("s3cret", "***")
    assert "s3cret" not in json.dumps(report)


def test_an_answer_whose_body_does_not_decode_fails_the_probe_without_a_traceback() -> None:
    # A body that its Content-Encoding does not decode (gzip that is none): httpx's
    # DecodingError, neither a timeout nor a transport error, ended certify with a traceback.
    from .canned_answer import canned_answer_port

    answer = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n"
        b"Connection: close\r\n\r\nhello"
    )
    with canned_answer_port(answer) as port:
        code, report = certify(f"http://127.0.0.1:{port}/", "--allow-local")
    assert code == 1
    assert report["failed"] == PROBES
    assert detail(report, "not-json") == (
        "answered a body that is not JSON with HTTP 400 and a body that does not decode "
        "(Content-Encoding: gzip)"
    )


def test_the_text_report_writes_out_control_characters_the_endpoint_answered() -> None:
    # The endpoint's reason went to the terminal as it was: an escape sequence in it cleared
    # the screen (or recoloured, or rewrote, the lines of the report above it).
    from .canned_answer import canned_answer_port

    answer = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n"
        b"Connection: close\r\n\r\n\x1b[2Jcleared\x07"
    )
    out = io.StringIO()
    with canned_answer_port(answer) as port:
        url = f"http://127.0.0.1:{port}/"
        assert main(["certify", url, "--allow-local"], stdout=out, stderr=io.StringIO()) == 0
    text = out.getvalue()
    assert "\x1b" not in text and "\x07" not in text
    assert "refused a body that is not JSON: \\x1b[2Jcleared\\x07 [400 in" in text
    # A line end in the answer does not make a line of the report (a forged "PASS ...").
    answer = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n"
        b"Connection: close\r\n\r\nno\nPASS  fake"
    )
    out = io.StringIO()
    with canned_answer_port(answer) as port:
        url = f"http://127.0.0.1:{port}/"
        assert main(["certify", url, "--allow-local"], stdout=out, stderr=io.StringIO()) == 0
    assert not any(line.startswith("PASS  fake") for line in out.getvalue().splitlines())
    assert "refused a body that is not JSON: no\\nPASS  fake [400 in" in out.getvalue()


def test_the_reason_an_endpoint_gives_is_shown_whole_or_cut_between_words() -> None:
    # alexaskill's own refusal of a request without signature headers is 136 characters: the
    # report cut it at 120, mid-word ("... or dropped by a proxy in fr [400 in 8 ms]").
    from .canned_answer import canned_answer_port

    def reported(reason: str) -> str:
        body = json.dumps({"error": reason}).encode()
        answer = (
            b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
        )
        with canned_answer_port(answer) as port:
            code, report = certify(f"http://127.0.0.1:{port}/", "--allow-local")
        assert code == 0, report
        return detail(report, "no-signature-headers")

    ours = (
        "certificate URL: SignatureCertChainUrl header missing, Signature-256 too (not sent by "
        "Alexa, or dropped by a proxy in front)"
    )
    assert reported(ours) == f"refused a request with no signature headers: {ours}"
    # A reason too long for a line of the report ends at a word, and says it was cut.
    long = " ".join(["certificate URL: missing"] + [f"word{n}" for n in range(100)])
    shown = reported(long).removeprefix("refused a request with no signature headers: ")
    assert shown.endswith("…") and len(shown) <= 201
    assert long.startswith(shown.removesuffix("…")) and long[len(shown) - 1] == " "


def test_a_valid_request_answered_with_a_server_error_is_not_said_refused() -> None:
    # "a valid LaunchRequest was refused with HTTP 500": a 500 is the skill failing, not
    # refusing; the hint to look for a proxy changing the body or a wrong --skill-id misled.
    from .canned_answer import canned_answer_port

    answer = (
        b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
        b"Content-Length: 8\r\nConnection: close\r\n\r\ncrashed!"
    )
    with canned_answer_port(answer) as port:
        code, report = certify(f"http://127.0.0.1:{port}/", "--allow-local", "--dev")
    assert code == 1
    assert detail(report, "valid-request") == (
        "answered a valid LaunchRequest with HTTP 500 (crashed!): a server error, where Alexa "
        "needs HTTP 200 with a response"
    )


def test_with_dev_a_valid_sha1_signature_beside_a_wrong_signature_256_is_probed() -> None:
    # Amazon's rule: SHA-1 never as a fallback when Signature-256 is there and fails. No probe
    # sent that request: an endpoint falling back to the legacy header passed every check.
    import base64

    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from alexaskill.cli.probes import Target, probes

    pki = TestPKI()
    target = Target("http://127.0.0.1:1/", allow_local=True, signer=pki, skill_id="x")
    (probe,) = [p for p in probes(target) if p.name == "sha1-fallback"]
    assert probe.expect == 400
    key = pki.leaf_key.public_key()
    sha1 = base64.b64decode(probe.headers["Signature"])
    key.verify(sha1, probe.body, padding.PKCS1v15(), hashes.SHA1())
    sha256 = base64.b64decode(probe.headers["Signature-256"])
    with pytest.raises(InvalidSignature):
        key.verify(sha256, probe.body, padding.PKCS1v15(), hashes.SHA256())
    assert probe.headers["SignatureCertChainUrl"] == pki.cert_url
    # Without a key the endpoint trusts it would be one more invalid signature: not sent.
    unsigned = Target("http://127.0.0.1:1/", allow_local=True, skill_id="x")
    assert "sha1-fallback" not in [p.name for p in probes(unsigned)]


def test_an_endpoint_that_accepts_everything_fails_the_sha1_fallback_probe() -> None:
    from .canned_answer import canned_answer_port

    body = b'{"version": "1.0", "response": {}}'
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )
    with canned_answer_port(answer) as port:
        code, report = certify(f"http://127.0.0.1:{port}/", "--allow-local", "--dev")
    assert code == 1
    assert report["failed"] == [*PROBES, "sha1-fallback"]
    assert detail(report, "sha1-fallback") == (
        "accepted a valid SHA-1 Signature beside a Signature-256 that does not match (HTTP "
        "200): Amazon expects 400 Bad Request"
    )


def test_an_answer_nested_too_deeply_to_decode_fails_its_probe_without_a_traceback() -> None:
    # json.loads of 100000 "[" raises RecursionError, no ValueError: certify ended with a
    # traceback reading the refusal's reason (or the valid request's answer).
    from .canned_answer import canned_answer_port

    body = b"[" * 100_000
    for status in (b"400 Bad Request", b"200 OK"):
        answer = b"HTTP/1.1 %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (
            status,
            len(body),
        )
        with canned_answer_port(answer + body) as port:
            code, report = certify(f"http://127.0.0.1:{port}/", "--allow-local", "--dev")
        assert code == 1
        if status.startswith(b"200"):
            assert detail(report, "valid-request") == "answered 200 without a response envelope"
        else:
            assert detail(report, "not-json").startswith("refused a body that is not JSON: [[[")


@pytest.mark.parametrize("url", ["http://[::1", "https://[::1/"])
def test_a_bracket_left_open_is_not_called_a_bad_port(url: str) -> None:
    # "http://[::1" was "not a URL with a valid port": it has no port to be wrong.
    out, err = io.StringIO(), io.StringIO()
    assert main(["certify", url, "--allow-local"], stdout=out, stderr=err) == 2
    assert "not a valid URL" in err.getvalue() and "port" not in err.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    ("given", "shown"),
    [("0", "--timeout 0: must"), ("-5", "--timeout -5: must"), ("abc", "'abc' is not a number")],
)
def test_a_bad_timeout_is_shown_as_given(
    given: str, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # (it was shown as Python's float: 0.0, -5.0); argparse's own errors go to the stderr given
    err = io.StringIO()
    code = main(["certify", "http://127.0.0.1:9/", "--allow-local", "--timeout", given], stderr=err)
    said = err.getvalue()
    assert capsys.readouterr().err == ""
    assert code == 2
    assert shown in said
    assert f"{given}.0" not in said


def test_the_probes_just_past_the_tolerance_and_of_a_signature_not_base64() -> None:
    # Amazon's rules: a signature that is not base64 is refused, and a timestamp more than
    # 150 s away. The probes sent one only ten minutes away: an endpoint allowing five minutes
    # passed; and no signature that is not base64 (a verifier that decodes leniently passed).
    import base64
    import binascii

    from alexaskill.cli.probes import Target, probes

    pki = TestPKI()
    target = Target("http://127.0.0.1:1/", allow_local=True, signer=pki, skill_id="x")
    before = dt.datetime.now(dt.UTC)
    made = {p.name: p for p in probes(target)}
    after = dt.datetime.now(dt.UTC)
    for name, sign in (("timestamp-just-old", -1), ("timestamp-just-future", 1)):
        probe = made[name]
        stamp = dt.datetime.fromisoformat(json.loads(probe.body)["request"]["timestamp"])
        # past 150 s by enough for the time the probes before it take, within ten minutes
        assert 160 <= sign * (stamp - (before if sign < 0 else after)).total_seconds() <= 200
        assert probe.expect == 400
        signature = base64.b64decode(probe.headers["Signature-256"])
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        pki.leaf_key.public_key().verify(  # its one defect: the time
            signature, probe.body, padding.PKCS1v15(), hashes.SHA256()
        )
    probe = made["signature-not-base64"]
    with pytest.raises(binascii.Error):
        binascii.a2b_base64(probe.headers["Signature-256"], strict_mode=True)
    assert probe.headers["SignatureCertChainUrl"] == pki.cert_url
    unsigned = Target("http://127.0.0.1:1/", allow_local=True, skill_id="x")
    assert {"signature-not-base64", "timestamp-just-old"} <= {p.name for p in probes(unsigned)}


@pytest.mark.usefixtures("no_proxies")
def test_the_connect_check_goes_through_the_proxy_the_probes_go_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The connect check opened a socket to the endpoint itself, past the proxy the environment
    # sets (ALL_PROXY) that each probe goes through: with a proxy that let nothing through, it
    # passed, and the first probe failed ("0 probes answered before").
    from .blackhole import SilentSocks

    with closing_port() as port, SilentSocks() as proxy:
        url = f"http://127.0.0.1:{port}/"
        monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{proxy.port}")
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "0.5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
        assert proxy.connects, "the connect check did not go through the proxy"
    report = json.loads(out.getvalue())
    assert report["failed"] == ["connect"]
    assert detail(report, "connect").startswith(
        f"cannot reach {url}: the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY) did not "
        "complete its SOCKS5 handshake within 0.5 s"
    ), detail(report, "connect")
    assert detail(report, "connect").endswith(
        "; the URL names this machine: set NO_PROXY=127.0.0.1,localhost; no probe was sent"
    )


@pytest.mark.usefixtures("no_proxies")
def test_the_connect_check_passes_through_a_proxy_that_opens_the_tunnel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Through the proxy, the check ends once the tunnel is open: nothing is sent through it.
    from alexaskill.cli.endpoint import Result, Target, connect_check

    from .blackhole import StalledSocks

    with StalledSocks(answer=True) as proxy:
        monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{proxy.port}")
        target = Target(f"http://127.0.0.1:{free_port()}/", allow_local=True, timeout=5)
        assert connect_check(target) == Result(
            "connect",
            True,
            f"reached through the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY), as every "
            "probe is",
        )
        # (the proxy notes its CONNECT after answering it: read once it saw the close)
        assert proxy.wait_for_closed(1) and len(proxy.connects) == 1


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize(("variable", "scheme"), [("ALL_PROXY", "http"), ("HTTPS_PROXY", "https")])
def test_the_connect_check_through_a_proxy_that_refuses_the_tunnel_says_the_proxys(
    variable: str, scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The connect check's own path (test_a_proxy_that_let_no_probe_through_is_said_the_proxys
    # passes it by): a SOCKS proxy (ALL_PROXY) or an http:// one (HTTPS_PROXY) that refuses the
    # tunnel fails the check, naming the proxy, and no probe is sent through it after.
    from .blackhole import RefusingSocks, RefusingTunnels

    url = f"{scheme}://127.0.0.1:{free_port()}/"
    with RefusingSocks() if variable == "ALL_PROXY" else RefusingTunnels() as proxy:
        kind = "socks5" if variable == "ALL_PROXY" else "http"
        monkeypatch.setenv(variable, f"{kind}://127.0.0.1:{proxy.port}")
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
        # (the proxy notes a CONNECT after refusing it: counted once it saw the close; one, the
        # check's)
        assert proxy.wait_for_closed(1) and len(proxy.connects) == 1, proxy.connects
    report = json.loads(out.getvalue())
    assert report["failed"] == ["connect"]
    named = "SOCKS proxy" if variable == "ALL_PROXY" else "proxy"
    said = detail(report, "connect")
    assert said.startswith(
        f"cannot reach {url}: the {named} at 127.0.0.1:{proxy.port} ({variable}) refused its "
        f"tunnel to {url.split('//')[1].rstrip('/')} ("
    ), said
    assert said.endswith("; no probe was sent"), said


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("where", ["connect check", "probe"])
def test_a_proxy_that_leaves_the_connect_unanswered_is_said_the_proxys(
    where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An http:// proxy (HTTPS_PROXY) that took the CONNECT and never answered it: httpx's
    # ReadTimeout, which each probe said the endpoint's "no answer within 0.5 s to ...", though
    # none reached it.
    from .blackhole import SilentTunnels

    if where == "probe":  # (the connect check passed, then the proxy stalled)
        _reached_then_lost(monkeypatch)
    url = f"https://127.0.0.1:{free_port()}/"
    with SilentTunnels() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "0.5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
    report = json.loads(out.getvalue())
    assert report["failed"][-1] == "connect", report["failed"]
    assert not set(report["failed"]) & set(PROBES), report["failed"]
    assert detail(report, "connect").startswith(
        f"cannot reach {url}: the proxy at 127.0.0.1:{proxy.port} (HTTPS_PROXY) did not answer "
        f"its CONNECT (the tunnel to 127.0.0.1:{url.split(':')[2].rstrip('/')}) within 0.5 s"
    ), detail(report, "connect")


def _tls_endpoint(cert: Path, key: Path) -> contextlib.AbstractContextManager[int]:
    """A port whose server makes a TLS handshake with ``cert`` and ``key``, then closes."""
    import ssl

    from .port_server import serving_port

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def handshake(connection: socket.socket) -> None:
        connection.settimeout(10)
        with context.wrap_socket(connection, server_side=True) as tls:
            tls.recv(1)  # (till the client closes it)

    return serving_port(handshake)


class _Tunnels:
    """An http:// proxy on 127.0.0.1 that opens each CONNECT's tunnel to the address asked and
    passes the bytes both ways; ``connects`` holds each CONNECT's head."""

    def __init__(self) -> None:
        self.connects: list[bytes] = []

    def handle(self, connection: socket.socket) -> None:
        import threading

        from .blackhole import _connect_head

        connection.settimeout(10)
        head = _connect_head(connection)
        if head is None:
            return
        self.connects.append(head)
        host, _, port = head.split(b" ")[1].decode().rpartition(":")
        with socket.create_connection((host, int(port)), timeout=10) as server:
            connection.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

            def relay(source: socket.socket, sink: socket.socket) -> None:
                with contextlib.suppress(OSError):
                    while data := source.recv(65536):
                        sink.sendall(data)
                with contextlib.suppress(OSError):
                    sink.shutdown(socket.SHUT_WR)

            back = threading.Thread(target=relay, args=(server, connection), daemon=True)
            back.start()
            relay(connection, server)
            back.join(10)


@pytest.mark.usefixtures("no_proxies")
def test_the_tls_checks_go_through_the_proxy_the_probes_go_through(
    tls_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # tls-version and tls-certificate opened a socket straight to the endpoint, past the proxy
    # the environment sets (HTTPS_PROXY) that the connect check and every probe go through:
    # they tested another path than the probes'. They go through its tunnel now, and say so.
    from alexaskill.cli.endpoint import Target, endpoint_checks

    from .port_server import serving_port

    cert, key = tls_files
    tunnels = _Tunnels()
    with _tls_endpoint(cert, key) as port, serving_port(tunnels.handle) as proxy_port:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy_port}")
        target = Target(
            f"https://127.0.0.1:{port}/", allow_local=True, cafile=str(cert), timeout=10
        )
        results, verify = endpoint_checks(target)
    checks = {r.name: r for r in results}
    assert len(tunnels.connects) == 2, tunnels.connects  # (one handshake for each check)
    assert all(c.startswith(f"CONNECT 127.0.0.1:{port} ".encode()) for c in tunnels.connects)
    through = f"through the proxy at 127.0.0.1:{proxy_port} (HTTPS_PROXY), as every probe is"
    assert checks["tls-version"].passed is True, checks["tls-version"]
    assert checks["tls-version"].detail.startswith("TLSv1.3 negotiated")
    assert through in checks["tls-version"].detail, checks["tls-version"]
    assert checks["tls-certificate"].passed is True, checks["tls-certificate"]
    assert "valid for 127.0.0.1, expires" in checks["tls-certificate"].detail
    assert through in checks["tls-certificate"].detail, checks["tls-certificate"]
    assert verify is not False


@pytest.mark.usefixtures("no_proxies")
def test_a_tls_check_a_proxy_let_no_handshake_through_is_said_the_proxys(
    tls_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy whose tunnels pass no TLS handshake on: the endpoint's TLS, reached directly,
    # passed; the probes' path fails, and says where.
    from alexaskill.cli.endpoint import Target, endpoint_checks

    from .blackhole import StalledTunnels

    cert, key = tls_files
    with _tls_endpoint(cert, key) as port, StalledTunnels() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
        target = Target(
            f"https://127.0.0.1:{port}/", allow_local=True, cafile=str(cert), timeout=0.5
        )
        results, _ = endpoint_checks(target)
    checks = {r.name: r for r in results}
    assert checks["tls-version"].passed is False, checks["tls-version"]
    assert f"the proxy at 127.0.0.1:{proxy.port} (HTTPS_PROXY)" in checks["tls-version"].detail
    assert checks["tls-certificate"].passed is None


@pytest.mark.usefixtures("no_proxies")
def test_an_https_proxys_own_tls_failure_is_said_the_proxys_not_the_endpoints(
    tls_files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An https:// proxy (HTTPS_PROXY=https://...) whose own certificate this machine does not
    # trust: its handshake, before any CONNECT, failed; tls-version said the endpoint's "no
    # TLS 1.2 or later handshake: certificate verify failed", an endpoint never reached.
    import ssl

    from alexaskill.cli.endpoint import Target, endpoint_checks

    from .blackhole import StalledTunnels

    cert, key = tls_files
    proxy_cert, proxy_key = self_signed(tmp_path, common_name="proxy", ips=["127.0.0.1"])
    proxy_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    proxy_tls.load_cert_chain(proxy_cert, proxy_key)
    with _tls_endpoint(cert, key) as port, StalledTunnels(proxy_tls) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"https://127.0.0.1:{proxy.port}")
        target = Target(f"https://127.0.0.1:{port}/", allow_local=True, cafile=str(cert), timeout=5)
        results, _ = endpoint_checks(target)
    assert proxy.connects == [], "a CONNECT got past the proxy's own handshake"
    checks = {r.name: r for r in results}
    said = checks["tls-version"].detail
    assert checks["tls-version"].passed is False, checks["tls-version"]
    proxy_named = f"the proxy at 127.0.0.1:{proxy.port} (HTTPS_PROXY)"
    assert f"the TLS handshake with {proxy_named} failed" in said, said
    assert "its certificate is not trusted" in said and "no TLS 1.2" not in said, said
    assert checks["tls-certificate"].passed is None


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("answer", ["407", "403 page"])
def test_a_proxys_own_answer_to_the_probes_is_said_the_proxys(
    answer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An http:// endpoint through HTTP_PROXY (--allow-local): each probe goes to the proxy,
    # which may answer it itself. Its 407 (credentials wanted) or its 403 page was judged the
    # endpoint's answer ("answered ... with HTTP 403: Amazon expects 400"). A 407 is the
    # proxy's: no probe reached the endpoint (a failed connect, no more probes sent); a 403
    # with no JSON body is said to come from the proxy, named.
    from .canned_answer import canned_answer_port

    if answer == "407":
        head = b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic"
    else:
        head = b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/html"
    canned = head + b"\r\nContent-Length: 13\r\nConnection: close\r\n\r\n<html></html>"
    url = f"http://127.0.0.1:{free_port()}/"
    with canned_answer_port(canned) as port:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
    report = json.loads(out.getvalue())
    proxy = f"the proxy at 127.0.0.1:{port} (HTTP_PROXY)"
    if answer == "407":
        assert report["failed"] == ["connect"], report["failed"]
        connects = [c for c in report["checks"] if c["name"] == "connect"]
        assert connects[0]["passed"] is True  # (the route to the proxy: open)
        assert connects[-1]["detail"].startswith(
            f"cannot reach {url}: {proxy} asked for credentials (HTTP 407"
        ), connects[-1]
        assert connects[-1]["detail"].endswith("; 0 probes answered before"), connects[-1]
    else:
        said = detail(report, "no-signature-headers")
        assert f"with HTTP 403: from {proxy}, not from the skill" in said, said


def _own_id_app(directory: Path) -> Path:
    """A skill of its own id (not the test id), in ``directory``: ``ownid.py``, its ``skill``."""
    app = directory / "ownid.py"
    app.write_text(
        f"from alexaskill import Skill, speak\n\nskill = Skill({OTHER_SKILL_ID!r})\n\n"
        "@skill.launch\ndef hello():\n    return speak('hello')\n"
    )
    return app


def test_dev_probes_carry_the_id_of_the_skill_served(
    servers: Servers, dev_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Against `serve --dev`, the probes carried a test id: a skill of its own id refused the
    # valid request ("request is for another skill"), and every other probe only for its id.
    # They now carry the id its simulator names, as `chat --url` and `replay --url` send.
    monkeypatch.delenv("ALEXASKILL_SKILL_ID", raising=False)
    app = _own_id_app(tmp_path)
    url = servers.serve_dev(f"{app}:skill", *QUIET, cwd=tmp_path, dev_dir=dev_dir)[1]
    code, report = certify(url, "--allow-local", "--dev")
    assert code == 0, report
    assert outcome(report)["valid-request"] is True


def test_dev_probes_over_tls_carry_the_id_of_the_skill_served(
    servers: Servers,
    dev_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    tls_files: tuple[Path, Path],
) -> None:
    # The id is asked of the server with the trust --cafile gives the probes: with the
    # process's alone, the question failed on the certificate and the probes carried a test id.
    monkeypatch.delenv("ALEXASKILL_SKILL_ID", raising=False)
    app = _own_id_app(tmp_path)
    cert, key = tls_files
    options = ("--ssl-certfile", str(cert), "--ssl-keyfile", str(key), *QUIET)
    url = servers.serve_dev(f"{app}:skill", *options, cwd=tmp_path, dev_dir=dev_dir, tls=True)[1]
    code, report = certify(url, "--allow-local", "--dev", "--cafile", str(cert))
    assert code == 0, report
    assert outcome(report)["valid-request"] is True


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9b"])
def test_json_escapes_del_and_c1_characters_an_endpoint_answered(
    monkeypatch: pytest.MonkeyPatch, char: str
) -> None:
    # A check's detail quotes what the endpoint answered. JSON escapes C0 only:
    # json.dumps(ensure_ascii=False) wrote DEL and C1 (U+009B: a CSI to some terminals) raw.
    from alexaskill.cli import probes
    from alexaskill.cli.endpoint import Result

    said = f"HTTP 400: bad{char}[2J request"

    def answered(target: object, capture: object, *, on_result: Any) -> list[Result]:
        result = Result("timestamp-old", False, said, 400, 1.0)
        on_result(result)
        return [result]

    monkeypatch.setattr(probes, "run_probes", answered)
    out, err = io.StringIO(), io.StringIO()
    argv = ["certify", "http://127.0.0.1:9/", "--allow-local", "--json"]
    assert main(argv, stdout=out, stderr=err) == 1, err.getvalue()
    assert char not in out.getvalue()
    assert f"\\u{ord(char):04x}" in out.getvalue()
    assert detail(json.loads(out.getvalue()), "timestamp-old") == said  # (read back the same)
