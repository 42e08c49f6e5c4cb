"""A skill whose start fails under bare uvicorn without a lifespan (``--lifespan off``): what its
log says, from the server's first connection to its shutdown."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final, TypeVarTuple

import httpx
import pytest
import uvicorn

from .conftest import SKILL_ID
from .in_threads import timer
from .processes import free_port, stop

pytestmark = pytest.mark.oldest_dependencies

#: A skill that starts, unless a setting of the environment does not parse.
_APP: Final = f'from alexaskill import Skill\n\nskill = Skill("{SKILL_ID}")\n'

#: The protocols uvicorn serves it with: its own (``--http auto``), and alexaskill's, which
#: checks the server at the process's first connection, before the skill's start.
_PROTOCOLS: Final = [(), ("--http", "alexaskill.server:HttpProtocol")]


def _served_unstarted(
    tmp_path: Path,
    env: dict[str, str],
    requests: int,
    *argv: str,
    stop_signal: signal.Signals = signal.SIGINT,
) -> str:
    """The log of ``uvicorn app:skill --lifespan off ARGV`` started with ``env`` (and
    ``FORWARDED_ALLOW_IPS=*``), asked ``GET /health`` ``requests`` times (each answered 500:
    the skill could not start), then stopped with ``stop_signal`` (SIGINT: as Ctrl-C, and the
    Docker image's ``STOPSIGNAL``), and exited (of the signal, for a SIGTERM: uvicorn raises
    it again once shut down)."""
    (tmp_path / "app.py").write_text(_APP, encoding="utf-8")
    port = free_port()
    environ = {**os.environ, "ALEXASKILL_STORE": "memory://", "FORWARDED_ALLOW_IPS": "*", **env}
    command = [sys.executable, "-m", "uvicorn", "app:skill", "--port", str(port)]
    output = tmp_path / "uvicorn.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            [*command, "--lifespan", "off", *argv],
            cwd=tmp_path,
            env=environ,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    # One client for the run: each `httpx.get` made one, and its SSL context (loading the CA
    # bundle, for a plain http URL), ~70 in the module, two thirds of its CPU.
    try:
        with httpx.Client(timeout=10) as client:
            url = f"http://127.0.0.1:{port}/health"
            statuses = [_first_answer(client, url, process, output)]
            statuses += [client.get(url).status_code for _ in range(requests - 1)]
        assert statuses == [500] * requests, output.read_text(encoding="utf-8")
        process.send_signal(stop_signal)
        status = process.wait(timeout=30)
        assert status == (-signal.SIGTERM if stop_signal == signal.SIGTERM else 0), status
    finally:
        stop(process)
    return output.read_text(encoding="utf-8")


def _first_answer(
    client: httpx.Client, url: str, process: subprocess.Popen[bytes], output: Path
) -> int:
    """The status of the first answer to ``GET url`` once the server listens (generous: a
    loaded machine starts it slowly)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return client.get(url).status_code
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"uvicorn did not answer: {output.read_text(encoding='utf-8')}")
        time.sleep(0.05)


#: `_served_unstarted` as the module's tests ask it: the arguments, less the directory.
_Served = Callable[..., str]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> _Served:
    """`_served_unstarted` (its directory a new one), each run asked with the same arguments
    made once for the module's tests, which only read its log: a server started, asked and
    stopped is most of a test's CPU here."""
    logs: dict[tuple[Any, ...], str] = {}

    def serve(
        env: dict[str, str],
        requests: int,
        *argv: str,
        stop_signal: signal.Signals = signal.SIGINT,
    ) -> str:
        key = (tuple(sorted(env.items())), requests, argv, stop_signal)
        if key not in logs:
            directory = tmp_path_factory.mktemp("served")
            logs[key] = _served_unstarted(directory, env, requests, *argv, stop_signal=stop_signal)
        return logs[key]

    return serve


@pytest.mark.parametrize("http", _PROTOCOLS, ids=["uvicorn's protocol", "alexaskill's"])
@pytest.mark.parametrize(
    ("env", "why"),
    [
        ({"ALEXASKILL_LOG_LEVEL": "bogus"}, "ALEXASKILL_LOG_LEVEL: unknown log level 'BOGUS'"),
        ({"ALEXASKILL_LOG_JSON": "maybe"}, "ALEXASKILL_LOG_JSON='maybe'"),
        ({"ALEXASKILL_SKILL_ID": "*"}, "ALEXASKILL_SKILL_ID='*' is refused"),
    ],
)
def test_a_setting_that_does_not_parse_leaves_no_line_bare(
    served: _Served, http: tuple[str, ...], env: dict[str, str], why: str
) -> None:
    # alexaskill's logging was set up from the settings, which did not parse: not set up at
    # all, every line of the first connection (the warning of FORWARDED_ALLOW_IPS=*, with
    # alexaskill's protocol) and of the failed start went through Python's last resort,
    # bare (no time, no level, no logger), which a log collector filtering by level dropped.
    # The settings that parse set it up (the defaults for the others); the start still fails.
    # (Three requests, the lines of the two after the first said at shutdown: the server of
    # test_every_request_refused_for_a_failed_start_is_said_by_shutdown's SIGINT for the
    # unknown log level, started once for both.)
    output = served(env, 3, *http)
    lines = output.splitlines()
    start = f"the skill at / ({SKILL_ID}) could not start (ConfigurationError: {why}"
    assert f"ERROR alexaskill: {start}" in output, output
    assert "): every request is answered HTTP 500" in output, output
    if http:
        warning = "WARNING alexaskill.security: FORWARDED_ALLOW_IPS='*': X-Forwarded-For"
        assert any(warning in line for line in lines), output
    bare = [line for line in lines if line.startswith(("FORWARDED_ALLOW_IPS", "the skill at"))]
    assert bare == [], output


def test_the_log_settings_that_parse_are_kept_beside_one_that_does_not(tmp_path: Path) -> None:
    # ALEXASKILL_LOG_JSON=1 parses: the lines are JSON, a log collector's fields, whatever
    # else does not parse.
    env = {"ALEXASKILL_LOG_JSON": "1", "ALEXASKILL_SKILL_ID": "*"}
    output = _served_unstarted(tmp_path, env, 1, *_PROTOCOLS[1])
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    said = {(r["level"], r["logger"], r["message"].split(":", 1)[0]) for r in records}
    assert ("WARNING", "alexaskill.security", "FORWARDED_ALLOW_IPS='*'") in said, output
    start = f"the skill at / ({SKILL_ID}) could not start (ConfigurationError"
    assert ("ERROR", "alexaskill", start) in said, output
    assert not [line for line in output.splitlines() if line.startswith("the skill at")], output


def test_a_setting_that_does_not_parse_is_said_alike_with_or_without_a_lifespan(
    tmp_path: Path,
) -> None:
    # The user's to mend, not a bug: the lifespan's failure is its message in one ERROR line
    # (uvicorn's); without a lifespan the start at the first request said it with the whole
    # traceback, a dozen lines of alexaskill's own frames.
    why = "ALEXASKILL_SKILL_ID='*' is refused"
    env = {"ALEXASKILL_SKILL_ID": "*"}
    start = f"ERROR alexaskill: the skill at / ({SKILL_ID}) could not start (ConfigurationError: "
    lines = {
        "ERROR:    ": _failed_lifespan(tmp_path, env),  # (uvicorn's logger, its format)
        start: _served_unstarted(tmp_path, env, 1),
    }
    for before, output in lines.items():
        said = [line for line in output.splitlines() if why in line]
        assert len(said) == 1 and before + why in said[0], output
        assert "Traceback" not in output, output


#: How long a start that must fail may take to exit: a hang guard only, generous for a loaded
#: machine (uvicorn's start, failed, takes a second or two).
_START_GUARD: Final = 30.0


def _failed_lifespan(tmp_path: Path, env: dict[str, str], app: str = _APP) -> str:
    """The log (standard output and error) of ``uvicorn app:skill`` (its lifespan on) of
    ``app`` started with ``env``, once it exited of its start's failure (uvicorn's exit 3).

    A start that did not fail fails the test as soon as uvicorn says it served (its
    "Application startup complete"), with the log so far; a process that neither exited nor
    said so within `_START_GUARD` is killed, and fails the test with its log too."""
    (tmp_path / "app.py").write_text(app, encoding="utf-8")
    environ = {**os.environ, "ALEXASKILL_STORE": "memory://", **env}
    command = [sys.executable, "-m", "uvicorn", "app:skill", "--port", str(free_port())]
    lines: list[str] = []
    with subprocess.Popen(
        command,
        cwd=tmp_path,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    ) as process:
        assert process.stdout is not None
        with timer(_START_GUARD, process.kill):
            try:
                for line in process.stdout:
                    lines.append(line)
                    if "Application startup complete" in line:
                        pytest.fail(f"uvicorn started, and served:\n{''.join(lines)}")
            except BaseException:
                process.kill()
                raise
    output = "".join(lines)
    if process.returncode == -signal.SIGKILL:
        pytest.fail(f"uvicorn neither exited nor served within {_START_GUARD:g} s:\n{output}")
    assert process.returncode == 3, output  # (uvicorn's, a failed start)
    return output


#: The lines that say requests to a skill that could not start, and how many each says
#: (`alexaskill.asgi_start.say_not_started`): the start's own line (its request), a request's
#: line (it, and those unsaid before it), a count said apart (a window's end, or shutdown).
_REFUSED: Final[list[tuple[re.Pattern[str], Callable[[re.Match[str]], int]]]] = [
    (re.compile(r"could not start \(.*\): every request is answered HTTP 500"), lambda m: 1),
    (re.compile(r": a request answered HTTP 500"), lambda m: 1),
    (re.compile(r": a request \((\d+) more before it\) answered"), lambda m: 1 + int(m[1])),
    (re.compile(r": (\d+) more requests? answered HTTP 500"), lambda m: int(m[1])),
]


def _refused_said(output: str) -> int:
    """How many requests refused for a failed start the lines of ``output`` say."""
    return sum(
        count(found)
        for line in output.splitlines()
        for pattern, count in _REFUSED
        if (found := pattern.search(line)) is not None
    )


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
@pytest.mark.parametrize("http", _PROTOCOLS, ids=["uvicorn's protocol", "alexaskill's"])
def test_every_request_refused_for_a_failed_start_is_said_by_shutdown(
    served: _Served, http: tuple[str, ...], stop_signal: signal.Signals
) -> None:
    # The requests after the first are counted, and said once every few seconds; the count of
    # the last few seconds went with the server's end, never said: the lifespan's shutdown
    # says it, and without one nothing did. Said as uvicorn shuts down, and when the server's
    # event loop ends. After a SIGTERM uvicorn dies of the signal it raises again inside its
    # loop, which ends no task: its count was still unsaid.
    env = {"ALEXASKILL_LOG_LEVEL": "bogus"}
    output = served(env, 3, *http, stop_signal=stop_signal)
    assert _refused_said(output) == 3, output


def test_a_setting_that_does_not_parse_fails_the_start_beside_the_apps_own_logging(
    tmp_path: Path,
) -> None:
    # The app's logging.basicConfig() before `uvicorn app:skill`: the settings were never read,
    # and uvicorn started, serving every request, ALEXASKILL_LOG_LEVEL=bogus and all.
    app = f"import logging\nlogging.basicConfig()\n\n{_APP}"
    output = _failed_lifespan(tmp_path, {"ALEXASKILL_LOG_LEVEL": "bogus"}, app)
    said = [line for line in output.splitlines() if "ALEXASKILL_LOG_LEVEL" in line]
    assert len(said) == 1, output
    assert said[0].startswith("ERROR:    ALEXASKILL_LOG_LEVEL: unknown log level 'BOGUS'"), output
    assert "Traceback" not in output, output


_Ts = TypeVarTuple("_Ts")


class _TimerLoop(asyncio.SelectorEventLoop):
    """An event loop that notes what each timer asked of it calls (``asyncio.sleep``'s wakes
    its task: ``_set_result_unless_cancelled``)."""

    def __init__(self) -> None:
        super().__init__()
        self.timers: list[str] = []

    def call_at(
        self,
        when: float,
        callback: Callable[[*_Ts], object],
        *args: *_Ts,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        self.timers.append(getattr(callback, "__qualname__", repr(callback)))
        return super().call_at(when, callback, *args, context=context)


@pytest.fixture
def uvicorn_sigterm() -> Iterator[uvicorn.Server]:
    """A uvicorn server (``--lifespan off``) whose handler takes SIGTERM, as ``uvicorn
    app:skill`` has it while it serves (its ``capture_signals``), and what its startup sets for
    its shutdown (its listening servers: none, and its lifespan); SIGTERM's handler before it
    put back after the test. Nothing listens: its shutdown is called by the test."""
    config = uvicorn.Config(_health, lifespan="off")
    config.load()
    server = uvicorn.Server(config)
    server.servers = []
    server.lifespan = config.lifespan_class(config)
    previous = signal.signal(signal.SIGTERM, server.handle_exit)
    try:
        yield server
    finally:
        signal.signal(signal.SIGTERM, previous)


async def _health(scope: Any, receive: Any, send: Any) -> None:
    """An app for `uvicorn_sigterm`'s config, which is never served."""


def test_a_failed_start_under_uvicorn_sets_no_timer_and_says_its_count_at_shutdown(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    uvicorn_sigterm: uvicorn.Server,
) -> None:
    # The count of the requests refused for a failed start is said as uvicorn shuts down. The
    # skill looked every 0.05 s at the flag uvicorn's SIGTERM handler sets, from its failed
    # start to the process's end: 20 wake-ups a second of a server that serves nothing. Said
    # now by uvicorn's shutdown, as it starts and once it has ended: no timer on the loop.
    from alexaskill import Skill, log_repeats

    monkeypatch.setattr(log_repeats, "_monotonic", lambda: 1000.0)  # (all in one window)
    monkeypatch.setenv("ALEXASKILL_LOG_LEVEL", "bogus")
    skill, server = Skill(SKILL_ID), uvicorn_sigterm

    async def serve() -> tuple[list[int], list[str], list[str]]:
        transport = httpx.ASGITransport(app=skill)  # (no lifespan: started at a request)
        async with httpx.AsyncClient(transport=transport, base_url="http://skill") as client:
            statuses = [(await client.get("/health")).status_code for _ in range(3)]
        for _ in range(5):
            await asyncio.sleep(0)  # (the skill's tasks run)
        loop = asyncio.get_running_loop()
        assert isinstance(loop, _TimerLoop)
        timers = list(loop.timers)
        server.should_exit = True  # (as its SIGTERM handler does)
        await server.shutdown()
        said = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        return statuses, timers, said

    with (
        caplog.at_level(logging.ERROR, "alexaskill"),
        asyncio.Runner(loop_factory=_TimerLoop) as runner,
    ):
        statuses, timers, said = runner.run(serve())
    assert statuses == [500] * 3
    assert timers == ["Repeats._windows_ended"], timers  # (the count's window: said at its end)
    assert _refused_said("\n".join(said)) == 3, said
    assert said[-1].endswith(": 2 more requests answered HTTP 500, no handler run"), said
