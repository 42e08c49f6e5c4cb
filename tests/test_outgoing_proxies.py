"""The proxies the environment sets for outgoing HTTP (alexaskill/outgoing_proxies.py): one
httpx cannot use (a SOCKS proxy without the socksio package, an unknown scheme) stops the
skill's start with one line naming the variable and what to install, never a traceback at
start or a failure per request."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

from alexaskill import Skill
from alexaskill.exceptions import ConfigurationError
from alexaskill.testing import TestPKI
from alexaskill.verify import Verifier

from .conftest import SKILL_ID
from .lifespan_start import lifespan_start
from .verify_shared import BODY, NOW, refused_requests, retry_clock, run, said_once

#: The reason given to a request whose chain the verifier's own client cannot download, for want
#: of a proxy httpx can use.
NO_PROXY: Final = "certificate chain: no usable proxy to download it (the server's log says why)"

#: A SOCKS proxy with a password, which no message may show.
SOCKS: Final = "socks5://user:secret@127.0.0.1:1080"


@pytest.fixture
def no_socksio(monkeypatch: pytest.MonkeyPatch) -> None:
    """socksio not importable (as without ``httpx[socks]``), whether installed or not."""
    monkeypatch.setitem(sys.modules, "socksio", None)


def _said_of_socks(message: str, name: str) -> None:
    assert f"{name}=socks5://127.0.0.1:1080" in message, message
    assert "socksio" in message and "pip install 'httpx[socks]'" in message, message
    assert "secret" not in message and "Traceback" not in message, message


@pytest.mark.usefixtures("no_proxies", "no_socksio")
@pytest.mark.parametrize("name", ["ALL_PROXY", "HTTPS_PROXY", "all_proxy", "HTTP_PROXY"])
def test_a_socks_proxy_without_socksio_fails_the_start_in_one_line(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    # httpx refuses to make a client for a SOCKS proxy without socksio: the lifespan's client
    # failed in Starlette's lifespan, and the start was said with httpx's whole traceback, the
    # variable unnamed.
    monkeypatch.setenv(name, SOCKS)
    answer = lifespan_start(Skill(SKILL_ID))
    assert answer["type"] == "lifespan.startup.failed"
    _said_of_socks(answer["message"], name)
    assert not [record for record in caplog.records if record.exc_info], caplog.text


@pytest.mark.usefixtures("no_proxies", "no_socksio")
def test_a_mounted_skill_fails_at_the_host_apps_import(monkeypatch: pytest.MonkeyPatch) -> None:
    # A host app runs no lifespan of its skills': the verifier made its own client at the
    # first request, and each request failed with httpx's ImportError.
    monkeypatch.setenv("ALL_PROXY", SOCKS)
    with pytest.raises(ConfigurationError) as info:
        Skill(SKILL_ID).mount("/weather")
    _said_of_socks(str(info.value), "ALL_PROXY")


@pytest.mark.usefixtures("no_proxies", "no_socksio")
def test_a_verifier_of_its_own_refuses_with_400_and_says_why_once(
    monkeypatch: pytest.MonkeyPatch,
    pki: TestPKI,
    own_clients: list[object],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Used on its own (no lifespan lends it a client), the verifier makes its client at the
    # first download: the proxy's ConfigurationError came out of `verify`, HTTP 500 and a
    # traceback for every request (the CA bundle's fault there is a 400 already).
    monkeypatch.setenv("HTTPS_PROXY", SOCKS)
    verifier = Verifier([pki.root], now=lambda: NOW)
    with caplog.at_level(logging.DEBUG, logger="alexaskill"):
        assert refused_requests(verifier, pki, 3) == [NO_PROXY] * 3
    said = said_once(caplog)
    assert "no usable proxy for downloading certificate chains" in said, said
    _said_of_socks(said, "HTTPS_PROXY")
    assert own_clients == []  # no client made: nothing downloaded


@pytest.mark.usefixtures("no_proxies", "no_socksio")
def test_a_verifier_of_its_own_checks_its_proxy_again_a_minute_on(
    monkeypatch: pytest.MonkeyPatch,
    pki: TestPKI,
    own_clients: list[object],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from alexaskill import outgoing_proxies
    from alexaskill.verify import trust

    monkeypatch.setenv("ALL_PROXY", SOCKS)
    checks: list[int] = []
    check = outgoing_proxies.check_outgoing_proxies

    def counted() -> None:
        checks.append(1)
        check()

    monkeypatch.setattr(outgoing_proxies, "check_outgoing_proxies", counted)
    clock = retry_clock(monkeypatch)
    verifier = Verifier([pki.root], now=lambda: NOW)
    with caplog.at_level(logging.DEBUG, logger="alexaskill"):
        assert refused_requests(verifier, pki, 5, clock[0]) == [NO_PROXY] * 5
    _said_of_socks(said_once(caplog), "ALL_PROXY")
    clock[0] += trust.RETRY_AFTER - 1
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="alexaskill"):
        refused_requests(verifier, pki, 2, clock[0])
    assert "(4 more since the last such line)" in said_once(caplog)  # (ten seconds on)
    assert len(checks) == 1
    monkeypatch.delenv("ALL_PROXY")  # put right: checked at the next try, a minute on
    clock[0] += 1
    run(verifier.verify(pki.sign(BODY), BODY))  # (through `own_clients`: served from memory)
    assert len(checks) == 2 and len(own_clients) == 1


@pytest.mark.usefixtures("no_proxies")
def test_a_proxy_of_a_scheme_httpx_does_not_know_is_said_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # (httpx's ValueError, "Unknown scheme for proxy URL", with its traceback at start)
    monkeypatch.setenv("ALL_PROXY", "socks4://127.0.0.1:1080")
    answer = lifespan_start(Skill(SKILL_ID))
    assert answer["type"] == "lifespan.startup.failed"
    message = answer["message"]
    assert "ALL_PROXY=socks4://127.0.0.1:1080" in message and "Traceback" not in message
    assert "http://, https://, socks5:// or socks5h://" in message


@pytest.mark.parametrize(
    "value", ["http://127.0.0.1:3128", "127.0.0.1:3128", "https://user:pw@127.0.0.1:3128"]
)
@pytest.mark.usefixtures("no_proxies")
def test_a_proxy_httpx_takes_lets_the_skilllifespan_start(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", value)
    assert lifespan_start(Skill(SKILL_ID))["type"] == "lifespan.startup.complete"


@pytest.mark.usefixtures("no_proxies")
def test_uvicorn_stops_at_a_socks_proxy_without_socksio_in_one_line(tmp_path: Path) -> None:
    # As served: uvicorn printed httpx's traceback and "Application startup failed".
    (tmp_path / "plain_app.py").write_text(
        f'from alexaskill import Skill\n\nskill = Skill("{SKILL_ID}")\n', encoding="utf-8"
    )
    # (socksio kept out, whether this environment has it or not)
    start = (
        "import sys; sys.modules['socksio'] = None; import uvicorn.main; "
        "sys.argv = ['uvicorn', 'plain_app:skill', '--port', '0']; uvicorn.main.main()"
    )
    refused = subprocess.run(
        [sys.executable, "-c", start],
        cwd=tmp_path,
        env={**os.environ, "ALL_PROXY": SOCKS},  # (no other proxy: no_proxies)
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        check=False,
    )
    assert refused.returncode != 0, refused.stderr
    _said_of_socks(refused.stderr, "ALL_PROXY")
    assert "Application startup failed" in refused.stderr


@pytest.mark.usefixtures("no_proxies", "no_socksio")
def test_the_lambda_handler_says_so_when_made_not_at_each_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # On Lambda no lifespan runs: each call to Alexa's APIs made a client of its own and failed
    # with httpx's ImportError (a handler bug's apology, every time). Said once, at the cold
    # start, where the handler is made.
    monkeypatch.setenv("ALL_PROXY", SOCKS)
    with pytest.raises(ConfigurationError) as info:
        Skill(SKILL_ID).lambda_handler  # noqa: B018  (made here: the property's the point)
    _said_of_socks(str(info.value), "ALL_PROXY")


@pytest.mark.usefixtures("no_proxies", "no_socksio", "dev_dir")
@pytest.mark.parametrize(
    "argv",
    [
        ["replay", "proxyskill:skill", "hello.json", "--url", "http://127.0.0.1:9/"],
        ["chat", "proxyskill:skill", "--url", "http://127.0.0.1:9/"],
        ["certify", "https://127.0.0.1:9/", "--allow-local"],
    ],
    ids=["replay --url", "chat --url", "certify"],
)
def test_a_cli_command_that_sends_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    # Their httpx clients failed with httpx's ImportError and a traceback.
    from alexaskill.cli import main
    from alexaskill.testing import RequestFactory

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    (tmp_path / "proxyskill.py").write_text(
        f"from alexaskill import Skill\nskill = Skill({SKILL_ID!r})\n", encoding="utf-8"
    )
    envelope = RequestFactory(skill_id=SKILL_ID).intent("Hello")
    (tmp_path / "hello.json").write_text(json.dumps(envelope), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    monkeypatch.setenv("ALL_PROXY", SOCKS)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"alexaskill {argv[0]}: error: "), err
    _said_of_socks(err, "ALL_PROXY")
