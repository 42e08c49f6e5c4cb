"""``alexaskill serve`` stopped by a signal: SIGTERM ends it as SIGINT does, with status 0, from
its start to its end (cli/serve_uvicorn.py's handler), on real servers stopped by PID."""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from alexaskill.app import DEADLINE_REPLY
from alexaskill.testing import RequestFactory, TestPKI

from .cli_serve_exit_shared import serving
from .cli_serve_shared import log_text, pids, running, serve, signed_skill
from .cli_shared import ROOT, WEATHER
from .conftest import SKILL_ID, Servers

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_serve_stopped_gracefully_exits_0(
    servers: Servers, tmp_path: Path, signal_name: str
) -> None:
    # uvicorn (0.29+) raises the signal again once it has stopped gracefully: with SIGTERM's
    # default handler back, `alexaskill serve` died of it (status 143 in a shell, -15 here),
    # which docker, compose, Kubernetes and supervisors report as a failed stop.
    import signal

    env = {"ALEXASKILL_STORE": "memory://"}
    process, _ = serve(servers, tmp_path, ROOT, WEATHER, **env)
    process.send_signal(getattr(signal, signal_name))
    assert process.wait(timeout=20) == 0
    output = servers.output[process].read_text(encoding="utf-8")
    assert "Application shutdown complete." in output, output  # stopped gracefully
    assert "Traceback" not in output, output


def _no_uvicorn(monkeypatch: pytest.MonkeyPatch, run: Any) -> None:
    """uvicorn's server, where serve runs one in this process binding nothing itself (as
    uvicorn.run runs it), replaced by ``run``: given the app, its host and port and the
    sockets handed to the server (None: its own to bind), and then taken as started."""

    def server_run(self: uvicorn.Server, sockets: Any = None) -> None:
        config = self.config
        run(config.app, host=config.host, port=config.port, sockets=sockets)
        self.started = True

    monkeypatch.setattr(uvicorn.Server, "run", server_run)


def test_run_uvicorn_sigterm_is_not_swallowed_by_except_exception(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A SIGTERM while _run_uvicorn's handler is in place, in code that catches Exception (an
    # app's start, a lifespan): the handler's exception was swallowed there, and serving went on.
    import signal

    from alexaskill.cli.serve_uvicorn import _run_uvicorn

    went_on: list[str] = []

    def run(app: object, **options: object) -> None:
        try:
            signal.raise_signal(signal.SIGTERM)
        except Exception:
            went_on.append("swallowed")
        went_on.append("served")

    before = signal.getsignal(signal.SIGTERM)
    _no_uvicorn(monkeypatch, run)
    _run_uvicorn("app:skill")  # returns: stopped as SIGINT stops it
    assert went_on == []
    assert signal.getsignal(signal.SIGTERM) == before


def test_run_uvicorn_sigterm_as_it_puts_the_handler_back(monkeypatch: pytest.MonkeyPatch) -> None:
    # A SIGTERM after uvicorn's server returned, before the handler found is put back: it escaped
    # (a traceback, status 1) where one during the run ends it with status 0. It is a stop come
    # once the server stopped, as one landing just after: raised to serve's block, which takes
    # it (its exit's bound told of it), not dropped.
    import signal
    import sys

    from alexaskill.cli.serve_uvicorn import _run_uvicorn, _terminated, stopped_by_sigterm

    before = signal.getsignal(signal.SIGTERM)
    real_signal = signal.signal
    raised: list[bool] = []

    def putting_back(signum: int, handler: Any) -> Any:
        by = sys._getframe(2).f_code.co_name  # (`_put_back`'s caller)
        ours = signum == signal.SIGTERM and handler is _terminated and by == "_run_uvicorn"
        if ours and not raised:
            raised.append(True)
            signal.raise_signal(signal.SIGTERM)  # the handler in place: _run_uvicorn's
        return real_signal(signum, handler)

    _no_uvicorn(monkeypatch, lambda app, **options: None)
    monkeypatch.setattr(signal, "signal", putting_back)
    with stopped_by_sigterm() as stops:  # (serve's, as serve.run runs it)
        _run_uvicorn("app:skill")
    assert raised == [True]
    assert [type(stop).__name__ for stop in stops] == ["_Terminated"]
    assert signal.getsignal(signal.SIGTERM) == before


def test_serve_stopped_while_it_loads_the_app_exits_0(tmp_path: Path) -> None:
    # A SIGTERM before uvicorn runs (the app still importing: a model loaded, a database
    # reached) killed the process: 143, a failed stop to docker, Kubernetes and supervisors.
    signed_skill(tmp_path, "skillapp_signed")
    (tmp_path / "slow.py").write_text(
        "import pathlib, time\n"
        "pathlib.Path('loading').write_text('', encoding='utf-8')\n"
        "time.sleep(60)\n"
        "from skillapp import skill\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "alexaskill", "serve", "slow:skill", "--port", "0"]
    # Not conftest's Servers: that waits for /health, which this server, stopped while it loads,
    # never answers.
    log = tmp_path / "serve.log"
    with serving(command, tmp_path, log, servers=0) as process:
        deadline = time.monotonic() + 30
        while not (tmp_path / "loading").exists():
            assert process.poll() is None and time.monotonic() < deadline, log_text(log)
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    output = log_text(log)
    assert process.returncode == 0, output
    assert "Traceback" not in output, output


_BLOCKING_APP = """
import pathlib, threading
from alexaskill import Skill, speak
from alexaskill.testing import TestPKI

skill = Skill("{skill_id}", deadline=1.0, verifier=TestPKI.load({pki!r}).verifier())
never = threading.Event()


@skill.intent("Hello")
def hello():
    pathlib.Path({started!r}).write_text("")
    never.wait()  # a def handler that never returns, in its worker thread
    return speak("hello")
"""


def test_serve_stopped_while_a_def_handler_blocks_answers_it_and_exits_0(
    servers: Servers, tmp_path: Path
) -> None:
    # SIGTERM with a def handler's call stuck in a worker thread: the request still gets the
    # deadline's spoken answer, the server stops gracefully (the stuck thread holds up neither
    # the shutdown nor the process's exit), with no traceback.
    pki = TestPKI()
    pki.save(tmp_path)
    started = tmp_path / "started"
    (tmp_path / "blocking.py").write_text(
        _BLOCKING_APP.format(skill_id=SKILL_ID, pki=str(tmp_path), started=str(started)),
        encoding="utf-8",
    )
    process, answers, postings = _posted_under_way(
        servers, tmp_path, pki, {"Hello": started}, "blocking:skill"
    )
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    for posting in postings:
        posting.join(60)
    output = servers.output[process].read_text(encoding="utf-8")
    assert [a.status_code for a in answers] == [200], output
    assert answers[0].json()["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
    assert "Application shutdown complete." in output, output
    assert "Traceback" not in output and "ERROR" not in output, output


_SLEEPING_APP = """
import asyncio, pathlib, time
from alexaskill import Skill, speak
from alexaskill.testing import TestPKI

skill = Skill("{skill_id}", deadline=None, verifier=TestPKI.load({pki!r}).verifier())


@skill.intent("Hello")
async def hello():
    pathlib.Path({started!r}, "Hello").write_text("")
    await asyncio.sleep(600)  # longer than the server's graceful shutdown waits
    return speak("hello")


@skill.intent("Goodbye")
def goodbye():
    pathlib.Path({started!r}, "Goodbye").write_text("")
    time.sleep(600)
    return speak("bye")


# The same skill mounted in a host app, which runs no lifespan of the skill's.
from starlette.applications import Starlette
from starlette.routing import Mount

portal = Starlette(routes=[Mount("", app=skill)])
"""


@pytest.mark.parametrize(
    ("app", "http", "intents"),
    [
        # An async handler and a def one (in its worker thread), both under way as one
        # server is stopped: each request is answered (one server start, not one each).
        ("sleeping:skill", "alexaskill.server:HttpProtocol", ("Hello", "Goodbye")),
        ("sleeping:skill", "h11", ("Hello",)),
        # Mounted in a host app, which runs no lifespan of the skill's (the one that puts the
        # handler in front of uvicorn's SIGTERM): its request cancelled by the shutdown was
        # said to be cancelled from outside, the shutdown unnamed. serve puts it for the skills
        # an app mounts.
        ("sleeping:portal", "alexaskill.server:HttpProtocol", ("Hello",)),
    ],
    ids=["HttpProtocol-Hello-Goodbye", "h11-Hello", "mounted-Hello"],
)
def test_serve_stopped_past_its_graceful_timeout_still_answers(
    servers: Servers, tmp_path: Path, app: str, http: str, intents: tuple[str, ...]
) -> None:
    # SIGTERM with a handler that outlasts --timeout-graceful-shutdown (no deadline here):
    # uvicorn cancels the request's task, and the cancellation reached the server, which logged
    # "Exception in ASGI application" with its traceback and answered HTTP 500. The request now
    # gets the deadline's spoken apology, said in one WARNING line.
    pki = TestPKI()
    pki.save(tmp_path)
    started = tmp_path / "started"
    started.mkdir()
    (tmp_path / "sleeping.py").write_text(
        _SLEEPING_APP.format(skill_id=SKILL_ID, pki=str(tmp_path), started=str(started)),
        encoding="utf-8",
    )
    argv = [app, "--timeout-graceful-shutdown", "1", "--http", http]
    under_way = {intent: started / intent for intent in intents}
    process, answers, postings = _posted_under_way(servers, tmp_path, pki, under_way, *argv)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 0
    for posting in postings:
        posting.join(60)
    output = servers.output[process].read_text(encoding="utf-8")
    # Stopped within 60 s, not the handler's 600: serve handed uvicorn its graceful timeout.
    assert "timeout graceful shutdown exceeded" in output, output
    assert [a.status_code for a in answers] == [200] * len(intents), output
    for answer in answers:
        assert answer.json()["response"]["outputSpeech"]["text"] == DEADLINE_REPLY
    # (uvicorn's own ERROR, "Cancel 1 running task(s)", stays: the server's to say.) Its h11
    # protocol logged the cancellation raised again after the answer as "Exception in ASGI
    # application", with a traceback: the request ends as answered once the server got its
    # stop signal, which nobody else waits on.
    assert "Traceback" not in output and "Exception in ASGI" not in output, output
    warnings = [line for line in output.splitlines() if "WARNING alexaskill:" in line]
    assert len(warnings) == len(intents), output
    for intent in intents:  # one line for each, naming its handler
        [warning] = [line for line in warnings if f"sleeping.{intent.lower()} " in line]
        assert "was cancelled before it answered" in warning, output
        # (a server's words, its signal seen: chat says the user's Ctrl-C instead)
        assert "(the server shutting down (SIGTERM), past its --timeout-graceful-shutdown)" in (
            warning
        )


def _posted_under_way(
    servers: Servers, tmp_path: Path, pki: TestPKI, under_way: dict[str, Path], *argv: str
) -> tuple[Any, list[httpx.Response], list[threading.Thread]]:
    """Serve ``argv``, POST each signed intent of ``under_way`` from a thread of its own, and
    wait (60 s at most) until each one's handler is under way (it made the file ``under_way``
    names): the server, the answers, the posting threads."""
    process, url = serve(servers, tmp_path, tmp_path, *argv)
    answers: list[httpx.Response] = []
    postings = []
    for intent in under_way:
        body = RequestFactory(skill_id=SKILL_ID).intent(intent)
        content = httpx.Request("POST", url, json=body).content
        headers = {"Content-Type": "application/json", **pki.sign(content)}
        posting = threading.Thread(
            target=lambda content=content, headers=headers: answers.append(
                httpx.post(url, content=content, headers=headers, timeout=60)
            ),
            daemon=True,
        )
        posting.start()
        postings.append(posting)
    deadline = time.monotonic() + 60
    while not all(started.exists() for started in under_way.values()):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    return process, answers, postings


def test_run_uvicorn_binds_nothing_itself_where_uvicorn_says_no_started_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One server in this process: serve binds its sockets and hands them to uvicorn's Server,
    # whose private _log_started_message then says "Uvicorn running on". A uvicorn without it
    # (renamed) failed with an AttributeError after the app had started, its port bound; it is
    # uvicorn.run's to bind and say then, as before serve bound them.
    from alexaskill.cli.serve_uvicorn import _run_uvicorn

    from .processes import free_port

    monkeypatch.delattr(uvicorn.Server, "_log_started_message")
    ran: list[dict[str, object]] = []
    _no_uvicorn(monkeypatch, lambda app, **options: ran.append(options))  # (none served)
    port = free_port()
    _run_uvicorn("app:skill", host="127.0.0.1", port=port)
    assert ran == [{"host": "127.0.0.1", "port": port, "sockets": None}]


_HELD_APP = """
import asyncio, os, pathlib
from alexaskill import Skill, speak
from alexaskill.testing import TestPKI

skill = Skill("{skill_id}", deadline=None, verifier=TestPKI.load({pki!r}).verifier())


@skill.intent("Hello")
async def hello():
    pathlib.Path({started!r}, "Hello").write_text(str(os.getpid()))
    while not pathlib.Path({release!r}).exists():  # held until the test lets it answer
        await asyncio.sleep(0.02)
    return speak("hello, in full")
"""


@pytest.mark.parametrize("workers", [(), ("--workers", "2")], ids=["one-process", "workers-2"])
def test_serve_stopped_drains_refuses_new_connections_and_exits_0(
    servers: Servers, tmp_path: Path, workers: tuple[str, ...]
) -> None:
    # SIGTERM with a request under way: it gets its handler's own answer, a connection made
    # while it drains is refused at once, and every server process ends cleanly with status 0.
    # Under --workers the supervisor kept its copy of the listening socket open until its last
    # worker stopped: a new connection was taken into the kernel's queue, waited out the drain
    # (up to --timeout-graceful-shutdown) and was then reset, where a load balancer or Alexa
    # should see it refused and try elsewhere.
    pki = TestPKI()
    pki.save(tmp_path)
    started, release = tmp_path / "started", tmp_path / "release"
    started.mkdir()
    (tmp_path / "held.py").write_text(
        _HELD_APP.format(
            skill_id=SKILL_ID, pki=str(tmp_path), started=str(started), release=str(release)
        ),
        encoding="utf-8",
    )
    # (a graceful shutdown long enough that the request is never cancelled on a slow machine)
    argv = ["held:skill", "--timeout-graceful-shutdown", "120", *workers]
    process, answers, postings = _posted_under_way(
        servers, tmp_path, pki, {"Hello": started / "Hello"}, *argv
    )
    url = f"http://127.0.0.1:{process.args[process.args.index('--port') + 1]}/"
    log = servers.output[process]
    process.send_signal(signal.SIGTERM)
    # Every server process has closed its listening socket: the one draining says it is waiting
    # (after closing it), the others (--workers) have finished.
    others = 1 if workers else 0
    deadline = time.monotonic() + 60
    while not (
        "Waiting for connections to close." in log.read_text(encoding="utf-8")
        and log.read_text(encoding="utf-8").count("Finished server process") >= others
    ):
        assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
        time.sleep(0.05)
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}health", timeout=10)
    release.write_text("", encoding="utf-8")
    assert process.wait(timeout=60) == 0
    for posting in postings:
        posting.join(60)
    output = log.read_text(encoding="utf-8")
    assert [a.status_code for a in answers] == [200], output
    assert answers[0].json()["response"]["outputSpeech"]["text"] == "hello, in full"
    served_by = pids(output)
    assert len(served_by) == (2 if workers else 1), output
    assert output.count("Finished server process") == len(served_by), output
    assert not any(running(pid) for pid in served_by)
    assert "Traceback" not in output and "ERROR" not in output, output
