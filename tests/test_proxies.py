"""alexaskill.proxies: uvicorn's list of trusted proxies (``FORWARDED_ALLOW_IPS``), checked."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from alexaskill import ConfigurationError, settings_from_env

from .conftest import Servers


@pytest.mark.parametrize(
    ("value", "everyone"),
    [
        ("127.0.0.1,::1", False),  # uvicorn's own default
        (" 10.0.0.5 , 10.1.0.0/16 ", False),
        ("fd00::/8,192.168.0.0/16", False),
        ("10.0.0.5,", False),  # an empty entry matches no address: harmless
        ("", False),  # no proxy trusted at all
        ("/run/proxy.sock,unix:/run/other.sock", False),  # uvicorn's literals for Unix sockets
        ("*", True),
        (["*"], True),  # uvicorn.run(forwarded_allow_ips=["*"])
        (["10.0.0.5", "10.1.0.0/16"], False),
        # A network of prefix length 0 trusts every address (of its family), as '*' does.
        ("0.0.0.0/0", True),
        ("10.0.0.5,::/0", True),
    ],
)
def test_forwarded_allow_ips_uvicorn_reads_as_meant_pass(
    value: str | list[str], everyone: bool
) -> None:
    from alexaskill.proxies import check_forwarded_allow_ips

    assert check_forwarded_allow_ips(value) is everyone


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("10.0.0.0/33", "'10.0.0.0/33' is not an IP network"),
        (
            "10.0.0.1/8",
            "'10.0.0.1/8' is not an IP network (10.0.0.1/8 has host bits set): 10.0.0.0/8?",
        ),
        ("localhost,", "'localhost' is not an IP address"),
        ("proxy.internal", "'proxy.internal' is not an IP address"),
        ("[::1]", "'[::1]' is not an IP address"),
        ("10.0.0.1 10.0.0.2", "'10.0.0.1 10.0.0.2' is not an IP address"),
        ("*,10.0.0.5", "'*' trusts every address only on its own"),
        # uvicorn trusts every address only for the value "*" itself: these trusted none.
        (" * ", "'*' trusts every address only on its own"),
        (" *", "'*' trusts every address only on its own"),
        ("*,", "'*' trusts every address only on its own"),
        ("10.0.0.*", "'10.0.0.*': uvicorn knows no wildcards"),
        (["*", "10.0.0.5"], "'*' trusts every address only on its own"),
        ([" 10.0.0.5"], "' 10.0.0.5' is not an IP address"),  # a list's entries: as given
    ],
)
def test_forwarded_allow_ips_typos_are_refused(value: str | list[str], said: str) -> None:
    # uvicorn takes any entry it cannot read for a name to compare the client's address with,
    # silently: each of these trusted no proxy at all (the '*' one: only 10.0.0.5).
    from alexaskill.proxies import check_forwarded_allow_ips

    with pytest.raises(ConfigurationError) as raised:
        check_forwarded_allow_ips(value, source="--forwarded-allow-ips")
    message = str(raised.value)
    assert message.startswith(f"--forwarded-allow-ips {value!r}: "), message
    assert said in message, message


def test_settings_from_env_leaves_forwarded_allow_ips_to_the_server() -> None:
    # settings_from_env() runs where uvicorn may not read the variable at all (its
    # --forwarded-allow-ips given, --no-proxy-headers, AWS Lambda, another server): a stale
    # value there stopped the app. The server checks what it is actually given.
    assert settings_from_env({"FORWARDED_ALLOW_IPS": "localhost"}) == settings_from_env({})


@pytest.mark.parametrize(
    ("options", "env", "said"),
    [
        ({}, {"FORWARDED_ALLOW_IPS": "10.0.0.0/33"}, "ERROR FORWARDED_ALLOW_IPS='10.0.0.0/33': "),
        ({"forwarded_allow_ips": " * "}, {}, "ERROR --forwarded-allow-ips ' * ': "),
        (
            {"forwarded_allow_ips": ["10.0.0.5", "proxy"]},
            {},
            "ERROR forwarded_allow_ips=['10.0.0.5', 'proxy']: 'proxy' is not an IP address",
        ),
        ({"forwarded_allow_ips": "0.0.0.0/0"}, {}, "WARNING --forwarded-allow-ips '0.0.0.0/0': "),
        ({"forwarded_allow_ips": ["*"]}, {}, "WARNING forwarded_allow_ips=['*']: "),
        ({}, {"FORWARDED_ALLOW_IPS": "*"}, "WARNING FORWARDED_ALLOW_IPS='*': "),
        ({"proxy_headers": False}, {"FORWARDED_ALLOW_IPS": "localhost"}, None),
        ({"forwarded_allow_ips": "10.0.0.5"}, {"FORWARDED_ALLOW_IPS": "localhost"}, None),
    ],
)
def test_the_served_proxies_are_checked(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    options: dict[str, Any],
    env: dict[str, str],
    said: str | None,
) -> None:
    # What uvicorn's Config holds (its options, else $FORWARDED_ALLOW_IPS) is what it reads.
    import uvicorn

    from alexaskill import proxies

    monkeypatch.setattr(proxies, "_said_trusting_everyone", False)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    config = uvicorn.Config(lambda *args: None, **options)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        proxies.check_served_proxies(config)
    lines = [f"{r.levelname} {r.getMessage()}" for r in caplog.records]
    if said is None:
        assert lines == []
    else:
        [line] = lines
        assert line.startswith(said), line


def test_trusting_every_address_is_said_once_on_the_security_logger(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alexaskill import proxies

    monkeypatch.setattr(proxies, "_said_trusting_everyone", False)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        proxies.say_trusting_everyone("FORWARDED_ALLOW_IPS")
        proxies.say_trusting_everyone("--forwarded-allow-ips")
    [record] = caplog.records
    assert (record.name, record.levelno) == ("alexaskill.security", logging.WARNING)
    assert record.getMessage().startswith("FORWARDED_ALLOW_IPS='*': X-Forwarded-For")


@pytest.mark.parametrize(
    ("value", "who"),
    [
        ("*", "from every address"),
        ("0.0.0.0/0", "from every IPv4 address"),
        ("10.0.0.5,::/0", "from every IPv6 address"),
        ("0.0.0.0/0,::/0", "from every address"),
    ],
)
def test_trusting_every_address_says_which(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, value: str, who: str
) -> None:
    from alexaskill import proxies

    monkeypatch.setattr(proxies, "_said_trusting_everyone", False)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        proxies.say_trusting_everyone("FORWARDED_ALLOW_IPS", value)
    [record] = caplog.records
    message = record.getMessage()
    assert message.startswith(f"FORWARDED_ALLOW_IPS={value!r}: X-Forwarded-For"), message
    assert who in message, message


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    """The status of ``GET url`` (a server of the test's, on 127.0.0.1), on a connection of its
    own, no proxy between. ``verify=False``: the URL is http, and a client that loads the CA
    bundle (httpx.get's) cost more CPU than the request, 30 times in the module."""
    with httpx.Client(verify=False, trust_env=False) as client:
        return client.get(url, headers=headers).status_code


def bare_uvicorn(
    servers: Servers, tmp_path: Path, *argv: str, env: dict[str, str] | None = None
) -> str:
    """The log of ``uvicorn skillapp:skill ARGV`` (cli_shared's skill), started with ``env`` (no
    ``FORWARDED_ALLOW_IPS`` otherwise), asked ``/health`` with an ``X-Forwarded-For``, stopped."""
    from .cli_shared import APP

    (tmp_path / "skillapp.py").write_text(APP, encoding="utf-8")
    port = servers.free_port()
    environ = {k: v for k, v in os.environ.items() if k != "FORWARDED_ALLOW_IPS"}
    environ.update({"ALEXASKILL_STORE": "memory://", **(env or {})})
    command = [sys.executable, "-m", "uvicorn", "skillapp:skill", "--port", str(port), *argv]
    process = servers.start(command, port, cwd=tmp_path, env=environ)
    headers = {"X-Forwarded-For": "203.0.113.9"}
    for _ in range(2):  # two connections: the protocol's first-connection check, if it is ours
        assert _status(f"http://127.0.0.1:{port}/health", headers) == 200
    servers.stop(process)
    return str(servers.output[process].read_text(encoding="utf-8"))


_EVERYONE = "WARNING alexaskill.security: FORWARDED_ALLOW_IPS='*': X-Forwarded-For"
_MISREAD = "ERROR alexaskill.server: FORWARDED_ALLOW_IPS='localhost': 'localhost' is not an IP"


@pytest.mark.parametrize("http", [(), ("--http", "alexaskill.server:HttpProtocol")])
@pytest.mark.parametrize(
    ("argv", "env", "said"),
    [
        ((), {"FORWARDED_ALLOW_IPS": "*"}, _EVERYONE),
        ((), {"FORWARDED_ALLOW_IPS": "localhost"}, _MISREAD),
        (
            ("--forwarded-allow-ips", "10.0.0.0/33"),
            {},
            "ERROR alexaskill.server: --forwarded-allow-ips '10.0.0.0/33': '10.0.0.0/33' is not",
        ),
        # What uvicorn does not read is not said: the variable behind the option, or both
        # without --proxy-headers.
        (("--forwarded-allow-ips", "10.0.0.1"), {"FORWARDED_ALLOW_IPS": "localhost"}, None),
        (("--no-proxy-headers",), {"FORWARDED_ALLOW_IPS": "*"}, None),
    ],
)
def test_bare_uvicorn_says_what_is_wrong_with_the_proxies_it_trusts_once(
    servers: Servers,
    tmp_path: Path,
    http: tuple[str, ...],
    argv: tuple[str, ...],
    env: dict[str, str],
    said: str | None,
) -> None:
    # `uvicorn app:skill`, the README's first way to run a skill, with uvicorn's own protocol:
    # nothing was said, and X-Forwarded-For from any client became the address uvicorn logs.
    # With alexaskill's protocol the first connection said it; the lifespan now says it first,
    # and the protocol not again.
    output = bare_uvicorn(servers, tmp_path, *http, *argv, env=env)
    lines = [
        line
        for line in output.splitlines()
        if "forwarded-allow-ips" in line.lower().replace("_", "-")
    ]
    if said is None:
        assert lines == [], output
    else:
        assert len(lines) == 1 and said in lines[0], output
        # Said at start, before a request came.
        assert output.index(said) < output.index("Application startup complete."), output


#: A host app mounting cli_shared's skill (`bare_uvicorn`'s, under ``uvicorn portal:app``).
_PORTAL = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from skillapp import skill


async def health(request):
    return JSONResponse({"status": "ok"})


app = Starlette(routes=[Route("/health", health), skill.mount("/weather")])
"""


@pytest.mark.parametrize("http", [(), ("--http", "alexaskill.server:HttpProtocol")])
def test_a_mounted_skill_under_bare_uvicorn_says_the_proxies_it_trusts_at_its_first_request(
    servers: Servers, tmp_path: Path, http: tuple[str, ...]
) -> None:
    # The host app's router runs no lifespan of the skill's: FORWARDED_ALLOW_IPS=* went unsaid.
    # Said at the skill's first request (one line, not one a request); the host's own routes
    # before it say nothing. (alexaskill's protocol says it at the first connection, a line
    # of alexaskill's log: it was said bare, through Python's last resort.)
    from .cli_shared import APP

    (tmp_path / "skillapp.py").write_text(APP, encoding="utf-8")
    (tmp_path / "portal.py").write_text(_PORTAL, encoding="utf-8")
    port = servers.free_port()
    environ = {k: v for k, v in os.environ.items() if k != "FORWARDED_ALLOW_IPS"}
    environ.update({"ALEXASKILL_STORE": "memory://", "FORWARDED_ALLOW_IPS": "*"})
    command = [sys.executable, "-m", "uvicorn", "portal:app", "--port", str(port), *http]
    process = servers.start(command, port, cwd=tmp_path, env=environ)
    base = f"http://127.0.0.1:{port}"
    assert _status(f"{base}/health") == 200
    for _ in range(2):
        assert _status(f"{base}/weather") == 405  # (Alexa POSTs)
    servers.stop(process)
    output = str(servers.output[process].read_text(encoding="utf-8"))
    lines = [line for line in output.splitlines() if "FORWARDED_ALLOW_IPS" in line]
    assert len(lines) == 1 and _EVERYONE in lines[0], output
    if not http:
        assert output.index(_EVERYONE) > output.index('"GET /health HTTP/1.1" 200'), output


@pytest.mark.parametrize("http", [(), ("--http", "alexaskill.server:HttpProtocol")])
def test_a_skill_under_bare_uvicorn_without_lifespan_says_the_proxies_it_trusts(
    servers: Servers, tmp_path: Path, http: tuple[str, ...]
) -> None:
    # `uvicorn app:skill --lifespan off` (and a skill under Starlette's own Mount): the skill
    # starts at its first request, and with uvicorn's own protocol FORWARDED_ALLOW_IPS=* went
    # unsaid (X-Forwarded-For believed from anyone). Said once, at that request, as for
    # `skill.mount`'s. alexaskill's protocol says it at the first connection, before the
    # skill's start: it came out bare (Python's last resort, no level, no logger), which a log
    # collector filtering by level dropped; it is said as every alexaskill warning is.
    env = {"FORWARDED_ALLOW_IPS": "*"}
    output = bare_uvicorn(servers, tmp_path, *http, "--lifespan", "off", env=env)
    lines = [line for line in output.splitlines() if "FORWARDED_ALLOW_IPS" in line]
    assert len(lines) == 1 and _EVERYONE in lines[0], output
