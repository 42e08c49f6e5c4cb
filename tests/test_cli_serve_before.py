"""A Ctrl-C as ``alexaskill serve`` checks its port or binds it, before uvicorn serves: a stop
before its server ran (`alexaskill.cli.serve._bound_exit`), said so, status 130, not a second
stop "after its server stopped"."""

from __future__ import annotations

import io
import signal
import threading
from collections.abc import Iterator
from typing import Any

import pytest

import alexaskill.cli
from alexaskill.cli import serve, serve_uvicorn

# restore_logging: autouse, each test's logging put back (serve sets it up as uvicorn's).
from .log_lambda_shared import restore_logging  # noqa: F401

pytestmark = pytest.mark.oldest_dependencies


@pytest.fixture(autouse=True)
def _handlers_kept() -> Iterator[None]:
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


async def _app(scope: object, receive: object, send: object) -> None:
    pass


@pytest.mark.parametrize(
    ("where", "options"),
    [("check_port", []), ("bind_as_asyncio", []), ("_bound", ["--workers", "2"])],
    ids=["checking its port", "binding it", "binding it for its workers"],
)
def test_a_ctrl_c_before_uvicorn_serves_is_a_stop_before_its_server_ran(
    monkeypatch: pytest.MonkeyPatch, where: str, options: list[str]
) -> None:
    # Told that uvicorn's run had begun as serve called it, before its port was checked and
    # bound: the Ctrl-C was said "stopped again (SIGINT) while held at exit after its server
    # stopped" of a server that never ran, and ended a process held at exit at once, status 1.
    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: bounds.append(kw))
    monkeypatch.setattr(serve, "load_app", lambda spec: _app)
    monkeypatch.setattr(serve_uvicorn, "check_port", lambda *args, **kwargs: None)
    interrupted: list[str] = []

    def ctrl_c(*args: object, **kwargs: object) -> None:
        interrupted.append(where)
        raise KeyboardInterrupt

    monkeypatch.setattr(serve_uvicorn, where, ctrl_c)
    args = alexaskill.cli.parser().parse_args(["serve", "app:app", "--port", "0", *options])
    with pytest.raises(KeyboardInterrupt):
        serve.run(args, io.StringIO(), io.StringIO(), program=True)
    assert interrupted == [where]
    assert bounds == [{"who": "serve process", "after": "its stop (SIGINT)", "status": 130}]


def test_serve_told_as_uvicorn_runs_is_a_stop_after_its_server_ran(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Its server run (here, as uvicorn's Server.run is called), a Ctrl-C is a stop after it.
    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: bounds.append(kw))
    monkeypatch.setattr(serve, "load_app", lambda spec: _app)
    monkeypatch.setattr(serve_uvicorn, "check_port", lambda *args, **kwargs: None)
    monkeypatch.setattr(serve_uvicorn, "bind_as_asyncio", lambda host, port: [])

    def served(make: object, sockets: object) -> None:
        raise KeyboardInterrupt  # (uvicorn's second Ctrl-C, once its server ran)

    monkeypatch.setattr(serve_uvicorn, "_serve_here", served)
    args = alexaskill.cli.parser().parse_args(["serve", "app:app", "--port", "0"])
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("serve's run in the main thread, as the program runs it")
    with pytest.raises(KeyboardInterrupt):
        serve.run(args, io.StringIO(), io.StringIO(), program=True)
    assert bounds == [{"after": "its server stopped", "came": signal.SIGINT}]
