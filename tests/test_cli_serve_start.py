"""``alexaskill serve`` as its one server process starts: "Uvicorn running on ..." said once,
after the app's start-up, whichever path binds the sockets; and the sockets serve bound itself
closed when uvicorn fails to start, said in one line, exit status 3."""

from __future__ import annotations

import errno
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from alexaskill.cli import serve_port, serve_server, serve_uvicorn

from .cli_run import run
from .cli_serve_exit_shared import STARTED, serving, wait_in_log
from .cli_serve_shared import log_text
from .cli_shared import ROOT, WEATHER
from .missing import Unavailable
from .processes import free_port, ipv6_loopback, stop

pytestmark = pytest.mark.oldest_dependencies

RUNNING = "Uvicorn running on"

#: ``alexaskill serve`` with ``--host`` bound as ``--host ::`` binds it: one socket made by
#: uvicorn's ``Config.bind_socket`` in serve's process, handed to its ``Server``. Binding the
#: IPv6 wildcard itself in a test would listen on every interface of a shared machine, so a
#: loopback address is made to take that path instead (``::1``, or 127.0.0.1 where IPv6 is off).
_AS_THE_WILDCARD = """
import sys

from alexaskill.cli import main, serve_uvicorn

serve_uvicorn._ipv6_wildcard = lambda host: True
raise SystemExit(main(sys.argv[1:]))
"""

#: `_AS_THE_WILDCARD` under a uvicorn whose ``Server`` lacks ``_log_started_message`` (private:
#: a later uvicorn may rename it), which serve cannot call to say "Uvicorn running on".
_OLD_UVICORN_AS_THE_WILDCARD = _AS_THE_WILDCARD.replace(
    "from alexaskill.cli import main, serve_uvicorn\n",
    "import uvicorn\n\nfrom alexaskill.cli import main, serve_uvicorn\n\n"
    "del uvicorn.Server._log_started_message\n",
)

#: ``alexaskill serve`` under a uvicorn that says "Uvicorn running on" itself when given the
#: sockets, as it does when it binds them (as a later uvicorn may).
_UVICORN_SAYS_IT_OF_GIVEN_SOCKETS = """
import sys

import uvicorn

from alexaskill.cli import main

startup = uvicorn.Server.startup


async def saying(self, sockets=None):
    await startup(self, sockets=sockets)
    if self.started and sockets:
        self._log_started_message(sockets)


uvicorn.Server.startup = saying
raise SystemExit(main(sys.argv[1:]))
"""


def _host(family: str) -> str:
    """The loopback address of ``family``; where this machine has no IPv6 one, the test is
    skipped, under CI too."""
    if family == "ipv4":
        return "127.0.0.1"
    if not ipv6_loopback():
        # Not tests/missing.py's `unavailable` (a failure under CI): that is for a tool .ci/run
        # installs, and no install gives a kernel (or a container without IPv6) a ::1.
        pytest.skip(
            f"this machine ({socket.gethostname()}) has no IPv6 loopback (::1): "
            "the IPv4 case runs the same path alone"
        )
    return "::1"


#: ``alexaskill serve`` on a machine whose ``localhost`` is 127.0.0.1 alone (its /etc/hosts
#: names no ::1, as in some containers), though it has ::1: the name resolved as most /etc/hosts
#: have it, ::1 and 127.0.0.1, each a real address bound.
_LOCALHOST_OF_BOTH = """
import socket
import sys

from alexaskill.cli import main

resolve = socket.getaddrinfo


def both(host, port, *args, **kwargs):
    if host != "localhost":
        return resolve(host, port, *args, **kwargs)
    return [*resolve("::1", port, *args, **kwargs), *resolve("127.0.0.1", port, *args, **kwargs)]


socket.getaddrinfo = both
raise SystemExit(main(sys.argv[1:]))
"""


def _said_until_running(
    tmp_path: Path,
    script: str | None,
    *argv: str,
    running: Callable[[list[str]], object] | None = None,
) -> list[str]:
    """What ``alexaskill serve WEATHER *argv`` (run by ``script``, else as a user runs it) says
    up to its "Application startup complete" and "Uvicorn running on" lines (then ``running``
    called with them, and serve stopped by its PID), and until it exits."""
    port = str(free_port())
    start = ["-c", script] if script is not None else ["-m", "alexaskill"]
    command = [sys.executable, *start, "serve", WEATHER, "--port", port, *argv]
    environ = {**os.environ, "ALEXASKILL_STORE": "memory://", "PYTHONPATH": str(ROOT)}
    log = tmp_path / "serve.log"
    with serving(command, tmp_path, log, env=environ) as process:
        wait_in_log(process, log, RUNNING)
        if running is not None:
            running(log_text(log).splitlines())
        stop(process, patience=30)
    return log_text(log).splitlines()  # (with its shutdown's lines)


def _index(said: list[str], text: str) -> int:
    found = [i for i, line in enumerate(said) if text in line]
    assert len(found) == 1, (text, said)
    return found[0]


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
@pytest.mark.parametrize("extra", [(), ("--workers", "1")], ids=["one", "workers-1"])
@pytest.mark.parametrize(
    "script",
    [None, _AS_THE_WILDCARD, _OLD_UVICORN_AS_THE_WILDCARD],
    ids=["asyncio", "as-wildcard", "old-uvicorn-as-wildcard"],
)
def test_serve_says_running_on_once_after_the_app_started(
    tmp_path: Path, family: str, extra: tuple[str, ...], script: str | None
) -> None:
    # `serve APP --host :: --workers 1` (and `--host ::`) said "Uvicorn running on" as it bound
    # its one socket, before "Started server process" and the app's start-up; `serve APP` on
    # another host said it after the start-up, as `uvicorn APP` does. Under a uvicorn whose
    # Server lacks _log_started_message, `--host ::` still said it as it bound the socket.
    host = _host(family)
    said = _said_until_running(tmp_path, script, "--host", host, *extra)
    shown = f"[{host}]" if ":" in host else host
    running = _index(said, RUNNING)
    assert f"{RUNNING} http://{shown}:" in said[running], said
    assert _index(said, "Started server process") < _index(said, STARTED) < running, said


@pytest.mark.parametrize("extra", [(), ("--workers", "2")], ids=["one", "workers-2"])
def test_serve_on_port_0_names_the_port_the_system_chose(
    tmp_path: Path, extra: tuple[str, ...]
) -> None:
    # The help says the system chooses it, and this line names it: not "127.0.0.1:0".
    helped = " ".join(run("serve", "--help")[1].split())
    assert '0: a free one the system chooses, which the "Uvicorn running on" line names' in helped
    said = _said_until_running(tmp_path, None, "--port", "0", *extra)
    [line] = [line for line in said if RUNNING in line]
    assert int(line.split("http://127.0.0.1:")[1].split()[0]) > 0, line


def _localhost_resolves_to_both() -> bool:
    """Whether this machine's ``localhost`` is ::1 and 127.0.0.1 (its /etc/hosts)."""
    found = socket.getaddrinfo("localhost", 0, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    return {info[4][0] for info in found} >= {"::1", "127.0.0.1"}


def _health(host: str, port: int) -> str:
    """The status line of ``GET /health`` on ``host`` and ``port``, or why none came."""
    try:
        with socket.create_connection((host, port), timeout=10) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            return sock.recv(64).split(b"\r\n")[0].decode()
    except OSError as exc:  # (in the assertion, beside the other address's answer)
        return repr(exc)


def test_serve_on_localhost_port_0_answers_on_ipv6_and_ipv4_on_the_port_it_names(
    tmp_path: Path,
) -> None:
    # `serve --host localhost --port 0`, localhost being ::1 and 127.0.0.1: each bound on a port
    # of its own, the "Uvicorn running on" line naming the first's alone. Only patched sockets
    # tested the one port (test_cli_serve_port.py), never the two loopbacks of a real machine.
    _host("ipv6")  # (skipped, under CI too, on a machine without ::1)
    script = None if _localhost_resolves_to_both() else _LOCALHOST_OF_BOTH
    answers: dict[str, str] = {}

    def ask_both(said: list[str]) -> None:
        [line] = [line for line in said if RUNNING in line]
        port = int(line.split("http://localhost:")[1].split()[0])
        answers.update({host: _health(host, port) for host in ("::1", "127.0.0.1")})

    said = _said_until_running(
        tmp_path, script, "--host", "localhost", "--port", "0", running=ask_both
    )
    assert answers == dict.fromkeys(("::1", "127.0.0.1"), "HTTP/1.1 200 OK"), said


def _binding_fails(monkeypatch: pytest.MonkeyPatch, on: str, code: int) -> None:
    """Every socket of this test failing as it is made (``on`` "socket") or bound ("bind") with
    the error ``code``."""

    class Failing(socket.socket):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            if on == "socket":
                raise OSError(code, os.strerror(code))
            super().__init__(*args, **kwargs)

        def bind(self, address: Any) -> None:
            raise OSError(code, os.strerror(code))

    monkeypatch.setattr(socket, "socket", Failing)


# A kernel without IPv6 (built without it, or booted with ipv6.disable=1) has no AF_INET6 at
# all: socket() says EAFNOSUPPORT. One with IPv6 turned off (net.ipv6.conf.*.disable_ipv6=1, as
# in many containers) makes the socket, but ::1 is no address of it: bind() says EADDRNOTAVAIL.
@pytest.mark.parametrize(
    ("on", "code"), [("socket", errno.EAFNOSUPPORT), ("bind", errno.EADDRNOTAVAIL)]
)
def test_the_ipv6_case_is_skipped_on_a_machine_without_ipv6_loopback_even_under_ci(
    monkeypatch: pytest.MonkeyPatch, on: str, code: int
) -> None:
    # It failed under CI, as a missing tool does: no install gives a kernel an IPv6 loopback.
    monkeypatch.setenv("CI", "1")
    _binding_fails(monkeypatch, on, code)
    with pytest.raises(pytest.skip.Exception, match="no IPv6 loopback"):
        _host("ipv6")
    assert _host("ipv4") == "127.0.0.1"


@pytest.mark.parametrize(
    ("on", "code"), [("socket", errno.EMFILE), ("bind", errno.EACCES), ("bind", errno.EADDRINUSE)]
)
def test_the_ipv6_case_fails_under_ci_when_binding_ipv6_loopback_fails_otherwise(
    monkeypatch: pytest.MonkeyPatch, on: str, code: int
) -> None:
    # Any OSError was "no ::1": out of file descriptors, a sandbox's refusal, skipped the IPv6
    # case under CI too, where a machine with IPv6 then never ran it. Outside CI, a skip.
    monkeypatch.setenv("CI", "1")
    _binding_fails(monkeypatch, on, code)
    with pytest.raises(BaseException) as ended:  # (a skip is no Exception: caught, to be told)
        _host("ipv6")
    assert ended.type is Unavailable, ended.value
    assert f"[Errno {code}]" in str(ended.value) and "::1" in str(ended.value)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match=rf"\[Errno {code}\]"):
        _host("ipv6")


@pytest.mark.parametrize("extra", [(), ("--workers", "1")], ids=["one", "workers-1"])
@pytest.mark.parametrize("script", [None, _AS_THE_WILDCARD], ids=["asyncio", "as-wildcard"])
def test_serve_says_running_on_once_when_uvicorn_says_it_of_given_sockets(
    tmp_path: Path, extra: tuple[str, ...], script: str | None
) -> None:
    # serve says "Uvicorn running on" itself of the sockets it hands uvicorn, which says it only
    # of those it binds: a uvicorn that said it of given sockets too would have it said twice.
    said_itself = _UVICORN_SAYS_IT_OF_GIVEN_SOCKETS
    if script is not None:  # (both: the wildcard's path, under such a uvicorn)
        said_itself = said_itself.replace(
            "from alexaskill.cli import main",
            "from alexaskill.cli import main, serve_uvicorn\n\n"
            "serve_uvicorn._ipv6_wildcard = lambda host: True",
        )
    said = _said_until_running(tmp_path, said_itself, "--host", "127.0.0.1", *extra)
    assert _index(said, STARTED) < _index(said, RUNNING), said


class _NoConfig(uvicorn.Config):
    """uvicorn's ``Config``, failing as it is made (an option a later uvicorn refuses, say)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise ValueError("this uvicorn takes no such option")


class _NoStart(uvicorn.Server):
    """uvicorn's ``Server``, failing as it starts, before it serves (a bug of uvicorn's, say)."""

    def run(self, sockets: Any = None) -> None:
        raise RuntimeError("uvicorn failed to start")


@pytest.mark.parametrize(
    ("extra", "wildcard", "failing"),
    [
        ((), False, "Config"),
        (("--workers", "1"), False, "Config"),
        ((), False, "Server"),
        ((), True, "Server"),
        (("--workers", "1"), True, "Server"),
    ],
    ids=["config", "workers-1-config", "start", "as-wildcard-start", "as-wildcard-workers-1"],
)
def test_serve_closes_the_sockets_it_bound_when_uvicorn_fails_to_start(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    extra: tuple[str, ...],
    wildcard: bool,
    failing: str,
) -> None:
    # serve binds uvicorn's sockets itself (asyncio's, or one as uvicorn's Config binds it for
    # `--host ::`), then makes uvicorn's Config and Server: one that raised left the sockets
    # open (listening, in a process that goes on: a test, an app embedding the CLI), and the
    # command ended in a traceback.
    bound: list[socket.socket] = []
    as_asyncio, as_uvicorn = serve_port.bind_as_asyncio, serve_server._bound

    def binding_as_asyncio(host: str, port: int) -> Any:
        sockets = as_asyncio(host, port)
        bound.extend(sockets or ())
        return sockets

    def binding_one(config: Any, **options: Any) -> Any:
        sock = as_uvicorn(config, **options)
        bound.append(sock)
        return sock

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "environ", dict(os.environ, ALEXASKILL_STORE="memory://"))
    monkeypatch.setattr(serve_uvicorn, "bind_as_asyncio", binding_as_asyncio)
    monkeypatch.setattr(serve_uvicorn, "_bound", binding_one)
    if wildcard:
        monkeypatch.setattr(serve_uvicorn, "_ipv6_wildcard", lambda host: True)
    if failing == "Config":
        monkeypatch.setattr(uvicorn, "Config", _NoConfig)
        why = "ValueError: this uvicorn takes no such option"
    else:
        monkeypatch.setattr(uvicorn, "Server", _NoStart)
        why = "RuntimeError: uvicorn failed to start"
    code, out, err = run("serve", WEATHER, "--port", str(free_port()), *extra)
    assert (code, out) == (3, ""), err
    assert err.endswith(f"alexaskill serve: error: uvicorn could not start ({why})\n"), err
    assert "Traceback" not in err
    assert bound, "serve bound no socket itself: the test tests nothing"
    assert [sock.fileno() for sock in bound] == [-1] * len(bound)  # closed


@pytest.mark.parametrize("left_to_uvicorn", ["old-uvicorn", "bind-failure"])
def test_serve_says_in_one_line_that_uvicorn_refused_its_config_when_uvicorn_binds(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, left_to_uvicorn: str
) -> None:
    # Where uvicorn binds the sockets itself (a uvicorn whose Server lacks _log_started_message,
    # or a bind serve leaves to uvicorn to say), serve ran uvicorn.run: a Config it refused
    # ended the command in a traceback, not in the one line of every other path.
    if left_to_uvicorn == "old-uvicorn":
        monkeypatch.delattr(uvicorn.Server, "_log_started_message")
    else:
        monkeypatch.setattr(serve_uvicorn, "bind_as_asyncio", lambda host, port: None)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "environ", dict(os.environ, ALEXASKILL_STORE="memory://"))
    monkeypatch.setattr(uvicorn, "Config", _NoConfig)
    monkeypatch.setattr(sys.modules["uvicorn.main"], "Config", _NoConfig)  # (uvicorn.run's)
    code, out, err = run("serve", WEATHER, "--port", str(free_port()))
    why = "ValueError: this uvicorn takes no such option"
    assert (code, out) == (3, ""), err
    assert err.endswith(f"alexaskill serve: error: uvicorn could not start ({why})\n"), err
    assert "Traceback" not in err
