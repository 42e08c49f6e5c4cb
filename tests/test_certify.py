"""``alexaskill certify`` against servers started here on 127.0.0.1: the served example skill passes
every probe, broken endpoints fail naming the probe, the probes of a signature and of time, the
skill id the probes carry, and usage mistakes. The servers are in tests/certify_shared.py.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

from alexaskill.cli import main
from alexaskill.testing import TestPKI
from tests.processes import free_port

from .certify_shared import PROBES, QUIET, ROOT, certify, detail, outcome
from .certify_shared import _dev_env as _dev_env
from .certify_shared import accept_all as accept_all
from .certify_shared import dev_dir as dev_dir
from .certify_shared import proxy as proxy
from .certify_shared import start as start
from .certify_shared import tls_files as tls_files
from .certify_shared import weather as weather
from .conftest import OTHER_SKILL_ID, SKILL_ID, Servers

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
    app.write_text(_NO_VERIFY_APP.format(skill_id=SKILL_ID), encoding="utf-8")
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
        (["http://127.0.0.1:9/", "--allow-local", "--timeout", "inf"], "at most 86,400 (a day)"),
        (["http://127.0.0.1:9/", "--allow-local", "--timeout", "1e300"], "--timeout 1e300: "),
        (["http://127.0.0.1:9/", "--allow-local", "--timeout", "86401"], "at most 86,400"),
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


def _own_id_app(directory: Path) -> Path:
    """A skill of its own id (not the test id), in ``directory``: ``ownid.py``, its ``skill``."""
    app = directory / "ownid.py"
    app.write_text(
        f"from alexaskill import Skill, speak\n\nskill = Skill({OTHER_SKILL_ID!r})\n\n"
        "@skill.launch\ndef hello():\n    return speak('hello')\n",
        encoding="utf-8",
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
