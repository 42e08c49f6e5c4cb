"""The trust store (alexaskill/verify/trust.py): the certifi bundle the default `Verifier` trusts,
read when the skill starts. A bundle that cannot be read stops the start in one line naming the
file and the fix; a request that reaches a verifier without a store is refused with HTTP 400,
and the log says why at ERROR once a while, never one line (or a 500) a request. The TLS context
of outgoing HTTPS (alexaskill/tls.py) reads the same bundle: one it cannot load is named too, by
the start, the commands that send (exit 2, one line), and the client a verifier makes for itself
(alexaskill/verify/own_client.py: a 400, as the trust store's)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Skill
from alexaskill.cli.common import UsageError
from alexaskill.exceptions import ConfigurationError
from alexaskill.testing import RequestFactory, TestPKI
from alexaskill.verify import Verifier
from alexaskill.verify.chain import _certifi_roots

from .conftest import SKILL_ID
from .lifespan_start import lifespan_start
from .verify_shared import BODY, NOW, Fetcher, refused_requests, retry_clock, run, said_once

pytestmark = pytest.mark.oldest_dependencies

#: What every start error and log line says to do.
FIX: Final = "pip install --force-reinstall certifi"
#: The short reason a request refused for want of trusted roots is given.
NO_ROOTS: Final = "certificate chain: no usable trusted roots (the server's log says why)"
#: The reason given to a request whose chain the verifier's own client cannot download, for want
#: of a CA bundle to load for its TLS.
NO_TLS: Final = "certificate chain: no usable CA bundle to download it (the server's log says why)"


@pytest.fixture
def bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The path certifi names as its bundle (nothing there yet), read afresh by the verifier."""
    import certifi

    path = tmp_path / "certifi" / "cacert.pem"
    path.parent.mkdir()
    monkeypatch.setattr(certifi, "where", lambda: str(path))
    _certifi_roots.cache_clear()  # (read once a process: read again here, and after)
    yield path
    _certifi_roots.cache_clear()


#: The ways a bundle cannot serve: unreadable (no file; a directory, as a permission error cannot
#: be had as root), or holding no root (empty; a certificate block cryptography cannot load).
SPOILT: Final = ["missing", "directory", "empty", "no certificate that loads"]


def _spoil(bundle: Path, how: str) -> str:
    """Spoil ``bundle`` ``how`` (`SPOILT`); what the error says of it."""
    if how == "missing":
        return "cannot be read (No such file or directory)"
    if how == "directory":
        bundle.mkdir()
        return "cannot be read (Is a directory)"
    if how == "empty":
        bundle.write_bytes(b"")
    else:
        bundle.write_text(
            "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", encoding="utf-8"
        )
    return "holds no certificate that loads"


def _signed_launch(pki: TestPKI) -> tuple[bytes, dict[str, str]]:
    """A LaunchRequest's body for `SKILL_ID`, and its headers signed by ``pki``."""
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")).encode()
    return body, {"content-type": "application/json", **pki.sign(body)}


@pytest.mark.parametrize("how", SPOILT)
def test_a_bundle_of_no_use_refuses_requests_with_400_and_says_why_once(
    bundle: Path, pki: TestPKI, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    # Unreadable, it was the OSError itself, out of `verify`: HTTP 500 and a traceback for every
    # request. Holding no root, "certificate chain: no usable trusted roots" (cryptography's
    # "can't create an empty store" before that: a 500), said by nothing but the refusal.
    why = _spoil(bundle, how)
    fetcher = Fetcher(pki.chain_pem)
    verifier = pki.verifier(trusted_roots=None, now=lambda: NOW, fetch_chain=fetcher)
    with caplog.at_level(logging.DEBUG, logger="alexaskill"):
        assert refused_requests(verifier, pki, 3) == [NO_ROOTS] * 3
    said = said_once(caplog)
    assert str(bundle) in said and why in said and FIX in said, said
    assert "Verifier(trusted_roots=" in said, said
    assert fetcher.calls == []  # nothing downloaded that could not be checked


def test_a_bundle_of_no_use_is_read_again_a_minute_on_not_at_each_request(
    bundle: Path, pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read before each download's time limit, it was read (and its certificates parsed) again
    # for every request while it stayed of no use: a flood of requests, a flood of reads.
    from alexaskill.verify import chain, trust

    _spoil(bundle, "empty")
    reads: list[int] = []
    read = chain._certifi_roots

    def counted() -> object:
        reads.append(1)
        return read()

    monkeypatch.setattr(trust, "_certifi_roots", counted)
    clock = retry_clock(monkeypatch)
    verifier = pki.verifier(trusted_roots=None, now=lambda: NOW, fetch_chain=Fetcher(pki.chain_pem))
    refused_requests(verifier, pki, 5, clock[0])
    assert len(reads) == 1
    clock[0] += trust.RETRY_AFTER - 1
    refused_requests(verifier, pki, 2, clock[0])
    assert len(reads) == 1
    bundle.write_bytes(TestPKI.pem(pki.root))  # put right: read at the next try, a minute on
    clock[0] += 1
    url = "https://s3.amazonaws.com/echo.api/cert-right.pem"
    run(verifier.verify(pki.sign(BODY, cert_url=url), BODY))  # (the test PKI's root: trusted)
    assert len(reads) == 2


@pytest.mark.parametrize("how", SPOILT)
def test_a_bundle_of_no_use_stops_the_start_in_one_line(
    bundle: Path, caplog: pytest.LogCaptureFixture, how: str
) -> None:
    # The skill started, and refused every request it could not check (above).
    why = _spoil(bundle, how)
    answer = lifespan_start(Skill(SKILL_ID))
    assert answer["type"] == "lifespan.startup.failed"
    message = answer["message"]
    assert str(bundle) in message and why in message and FIX in message, message
    assert "Traceback" not in message
    assert not [record for record in caplog.records if record.exc_info], caplog.text


@pytest.mark.parametrize("how", SPOILT)
def test_a_mounted_skill_with_a_bundle_of_no_use_fails_at_the_host_apps_import(
    bundle: Path, how: str
) -> None:
    # A host app runs no lifespan of its skills': it starts them as it mounts them.
    why = _spoil(bundle, how)
    with pytest.raises(ConfigurationError) as info:
        Skill(SKILL_ID).mount("/weather")
    assert str(bundle) in str(info.value) and why in str(info.value)
    assert FIX in str(info.value)


def test_a_bundle_put_right_is_read_again(bundle: Path, pki: TestPKI) -> None:
    # An empty bundle's want of roots was kept for the process (functools.cache): a bundle
    # reinstalled meanwhile was never read, and every verifier made after refused as before.
    _spoil(bundle, "empty")
    with pytest.raises(ConfigurationError):
        Skill(SKILL_ID).mount("/weather")
    bundle.write_bytes(TestPKI.pem(pki.root))
    Skill(SKILL_ID).mount("/weather")  # started: the bundle read again, its root loaded


def test_a_skill_started_with_trusted_roots_of_its_own_does_not_read_the_bundle(
    bundle: Path, pki: TestPKI
) -> None:
    skill = Skill(SKILL_ID, verifier=pki.verifier(now=lambda: NOW))
    assert lifespan_start(skill)["type"] == "lifespan.startup.complete"


def test_a_verifier_set_after_the_start_refuses_with_a_400_in_json(
    bundle: Path, pki: TestPKI
) -> None:
    # The start checked the verifier it had; one set afterwards reads the bundle at its first
    # download, and what it cannot check is refused as any request is, never a 500.
    skill = Skill(SKILL_ID, verifier=pki.verifier(now=lambda: NOW))
    _spoil(bundle, "missing")
    body, headers = _signed_launch(pki)
    with StarletteClient(skill) as http:
        skill.verifier = pki.verifier(trusted_roots=None)
        answer = http.post("/", content=body, headers=headers)
    assert (answer.status_code, answer.json()) == (400, {"error": NO_ROOTS})


def test_uvicorn_stops_at_an_unreadable_bundle_in_one_line(tmp_path: Path) -> None:
    # As served: the skill started, and each request was a 500 with the OSError's traceback.
    (tmp_path / "plain_app.py").write_text(
        f'from alexaskill import Skill\n\nskill = Skill("{SKILL_ID}")\n', encoding="utf-8"
    )
    missing = tmp_path / "gone" / "cacert.pem"
    start = (
        f"import certifi; certifi.where = lambda: {str(missing)!r}; import uvicorn.main; "
        "import sys; sys.argv = ['uvicorn', 'plain_app:skill', '--port', '0']; uvicorn.main.main()"
    )
    refused = subprocess.run(
        [sys.executable, "-c", start],
        cwd=tmp_path,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        check=False,
    )
    assert refused.returncode != 0, refused.stderr
    assert str(missing) in refused.stderr and FIX in refused.stderr, refused.stderr
    assert "Application startup failed" in refused.stderr
    assert "Traceback" not in refused.stderr, refused.stderr


def test_serve_dev_reads_the_bundle_for_amazons_requests_only_if_it_verifies_them(
    bundle: Path, pki: TestPKI
) -> None:
    # `serve --dev` verifies Amazon's requests with the skill's own verifier, if it has one:
    # that one's roots are read at the start, and the bundle only when it is the one trusted.
    from alexaskill.cli.dev_verifier import DevVerifier

    DevVerifier(pki, pki.verifier()).load_trusted_roots()  # (the skill's roots: not the bundle)
    with pytest.raises(ConfigurationError) as info:
        DevVerifier(pki, None).load_trusted_roots()
    assert str(bundle) in str(info.value) and FIX in str(info.value)


def test_roots_that_make_no_store_are_said_at_the_start_too(
    pki: TestPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (cryptography refusing the roots given: a CertificateError at the first download before)
    from cryptography.x509 import verification

    def refuse(certificates: list[object]) -> None:
        raise ValueError("can't create an empty store")

    monkeypatch.setattr(verification, "Store", refuse)
    with pytest.raises(ConfigurationError, match=r"^the trusted roots make no trust store \(can"):
        pki.verifier().load_trusted_roots()


# --- the TLS context of outgoing HTTPS (alexaskill/tls.py), which reads the same bundle --------


@pytest.fixture
def tls_bundle(bundle: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """`bundle`, read by the process's TLS context too (made afresh here, and after)."""
    from alexaskill.tls import tls_context

    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):  # (else httpx reads those, not certifi's)
        monkeypatch.delenv(name, raising=False)
    tls_context.cache_clear()
    yield bundle
    tls_context.cache_clear()


@pytest.mark.parametrize("how", ["missing", "empty"])
def test_the_tls_context_names_the_bundle_it_cannot_read(tls_bundle: Path, how: str) -> None:
    # It was ssl's FileNotFoundError, "[Errno 2] No such file or directory", naming no file (an
    # empty one: ssl.SSLError, "[X509: NO_CERTIFICATE_OR_CRL_FOUND]").
    from alexaskill.tls import tls_context

    _spoil(tls_bundle, how)
    with pytest.raises(ConfigurationError) as info:
        tls_context()
    assert str(tls_bundle) in str(info.value) and FIX in str(info.value)
    assert "SSL_CERT_FILE" in str(info.value)


def test_the_tls_context_names_ssl_cert_file_when_it_is_the_file_read(
    tls_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alexaskill.tls import tls_context

    missing = tmp_path / "mine.pem"
    monkeypatch.setenv("SSL_CERT_FILE", str(missing))
    with pytest.raises(ConfigurationError, match=f"^the CA bundle SSL_CERT_FILE={missing} "):
        tls_context()


def test_a_skill_with_roots_of_its_own_stops_its_start_at_an_unreadable_bundle(
    tls_bundle: Path, pki: TestPKI, caplog: pytest.LogCaptureFixture
) -> None:
    # Its verifier reads no bundle, but the lifespan's HTTP client does: Starlette's traceback of
    # the FileNotFoundError was the start's message.
    _spoil(tls_bundle, "missing")
    answer = lifespan_start(Skill(SKILL_ID, verifier=pki.verifier(now=lambda: NOW)))
    assert answer["type"] == "lifespan.startup.failed"
    assert str(tls_bundle) in answer["message"] and FIX in answer["message"], answer
    assert "Traceback" not in answer["message"]
    assert not [record for record in caplog.records if record.exc_info], caplog.text


def _spoil_outgoing(tls_bundle: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Spoil the CA bundle outgoing HTTPS loads, ``how``: certifi's (`_spoil`), or
    ``SSL_CERT_FILE`` naming a file of garbage; how the error names it."""
    if how != "SSL_CERT_FILE":
        _spoil(tls_bundle, how)
        return str(tls_bundle)
    garbage = tls_bundle.parent / "garbage.pem"
    garbage.write_text("garbage\n", encoding="utf-8")
    monkeypatch.setenv("SSL_CERT_FILE", str(garbage))
    return f"SSL_CERT_FILE={garbage}"


@pytest.mark.parametrize("how", ["missing", "empty", "SSL_CERT_FILE"])
def test_a_verifier_making_its_own_client_refuses_with_400_and_says_why_once(
    tls_bundle: Path,
    pki: TestPKI,
    own_clients: list[object],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    # With no lifespan to lend it one (used on its own, or its app served without one), the
    # verifier makes its client at the first download: the TLS context's ConfigurationError
    # came out of `verify`, HTTP 500 and a traceback for every request.
    named = _spoil_outgoing(tls_bundle, how, monkeypatch)
    verifier = Verifier([pki.root], now=lambda: NOW)
    with caplog.at_level(logging.DEBUG, logger="alexaskill"):
        assert refused_requests(verifier, pki, 3) == [NO_TLS] * 3
    said = said_once(caplog)
    assert named in said and FIX in said and "outgoing HTTPS" in said, said
    assert own_clients == []  # no client made: nothing downloaded


def test_a_verifier_making_its_own_client_tries_its_tls_again_a_minute_on(
    tls_bundle: Path,
    pki: TestPKI,
    own_clients: list[object],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Not made (not cached), the TLS context was made again at each request: a few hundred ms
    # of CPU loading the bundle, each. Said at most once in ten seconds, as the trust store is.
    import httpx

    from alexaskill.verify import trust

    _spoil(tls_bundle, "empty")
    made: list[int] = []
    make = httpx.create_ssl_context

    def counted() -> object:
        made.append(1)
        return make()

    monkeypatch.setattr(httpx, "create_ssl_context", counted)
    clock = retry_clock(monkeypatch)
    verifier = Verifier([pki.root], now=lambda: NOW)
    with caplog.at_level(logging.DEBUG, logger="alexaskill"):
        assert refused_requests(verifier, pki, 5, clock[0]) == [NO_TLS] * 5
    assert str(tls_bundle) in said_once(caplog)
    clock[0] += trust.RETRY_AFTER - 1
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="alexaskill"):
        refused_requests(verifier, pki, 2, clock[0])
    assert "(4 more since the last such line)" in said_once(caplog)  # (ten seconds on)
    assert len(made) == 1
    tls_bundle.write_bytes(TestPKI.pem(pki.root))  # put right: made at the next try, a minute on
    clock[0] += 1
    run(verifier.verify(pki.sign(BODY), BODY))  # (through `own_clients`: served from memory)
    assert len(made) == 2 and len(own_clients) == 1


def test_a_skill_served_without_a_lifespan_cannot_start_on_a_bundle_of_no_use(
    tls_bundle: Path, pki: TestPKI, own_clients: list[object]
) -> None:
    # (Starlette's test client without `with`: no lifespan, as uvicorn --lifespan off, or a
    # Starlette Mount.) It was the ConfigurationError out of the endpoint: HTTP 500 with a
    # traceback; then the verifier's refusal, a 400 for every request of a skill that started.
    # Its start at the first request checks the bundle as the lifespan's does: it cannot start.
    _spoil(tls_bundle, "missing")
    skill = Skill(SKILL_ID, verifier=Verifier([pki.root], now=lambda: NOW))
    body, headers = _signed_launch(pki)
    answer = StarletteClient(skill).post("/", content=body, headers=headers)
    refused = "the skill could not start (ConfigurationError); the server's log says why"
    assert (answer.status_code, answer.json()) == (500, {"error": refused})
    assert own_clients == [] and not skill.started


ROOT: Final = Path(__file__).resolve().parent.parent
#: The URL the commands below are given: never reached (the CA bundle stops them first).
URL: Final = "https://127.0.0.1:9/"


@pytest.mark.usefixtures("dev_dir")
@pytest.mark.parametrize(
    "argv",
    [
        ["replay", "examples.weather.app:skill", "examples/weather/requests/help.json"],
        ["chat", "examples.weather.app:skill"],
        # (no APP: the id of the skill served is asked of the server first, `served_skill_id`)
        ["chat", "--model", "tests/fixtures/models/en-US.json"],
    ],
    ids=["replay", "chat", "chat-model"],
)
def test_a_command_sending_to_a_url_names_the_bundle_it_cannot_read_in_one_line(
    tls_bundle: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    # `replay --url` (and `chat --url`) stopped with httpx's traceback of the FileNotFoundError.
    from .cli_run import run as run_cli

    _spoil(tls_bundle, "missing")
    monkeypatch.chdir(ROOT)
    code, out, err = run_cli(*argv, "--url", URL, stdin="")
    assert code == 2, err
    assert err.startswith(f"alexaskill {argv[0]}: error: the CA bundle ") and str(tls_bundle) in err
    assert err.count("\n") == 1 and FIX in err, err
    assert out == ""


@pytest.mark.parametrize("client", ["certify", "served_skill_id"])
def test_a_commands_client_names_the_bundle_it_cannot_read_as_a_usage_error(
    tls_bundle: Path, client: str
) -> None:
    # (Said in one line, exit 2, as any UsageError: `certify`'s context of its own, and the
    # question `chat --url` asks a server without --skill-id.)
    from alexaskill.cli.chat_http import served_skill_id
    from alexaskill.cli.endpoint import tls_context

    _spoil(tls_bundle, "missing")
    with pytest.raises(UsageError) as info:
        if client == "certify":
            tls_context(None)
        else:
            served_skill_id(URL)
    assert str(tls_bundle) in str(info.value) and FIX in str(info.value)
