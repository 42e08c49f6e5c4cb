"""SIGTERMs landing as serve's error (a server that did not start, a usage error, uvicorn's
``sys.exit(1)``, a Ctrl-C) is raised up through serve's blocks (`serve_uvicorn.stopped_by_sigterm`,
`serve_uvicorn._run_uvicorn`): the error keeps its status and message, each SIGTERM a stop come
after it (`serve._came`); a worker's own block (`serve_worker_run`) takes the one landing as it
says its app's import failed as its stop. Made deterministic: the SIGTERM raised in a
``finally`` the error runs, or run by ``signal.signal`` as a handler is put back, as CPython
runs a pending signal's handler."""

from __future__ import annotations

import io
import signal
import sys
from typing import Any

import pytest

from alexaskill.cli import serve, serve_uvicorn
from alexaskill.cli.common import UsageError
from alexaskill.cli.serve_server import ServerNotStarted

# handlers_kept_in_the_main_thread: autouse, each test skipped outside the main thread, and
# SIGTERM's and SIGINT's handlers put back after it.
from .serve_not_started import handlers_kept_in_the_main_thread  # noqa: F401

pytestmark = [
    pytest.mark.oldest_dependencies,
    pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM sent to itself ends it there"),
]


def _serve(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> tuple[Any, str, list[Any]]:
    """serve's run as the program runs it, its `_serve` raising ``error`` (its exit's bound
    known), a SIGTERM landing in serve's block as ``error`` goes up: what run returned (or the
    exception it raised), what it wrote, and each bound's words."""
    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: bounds.append(kw))

    def refused(args: object, state: Any) -> None:
        state.bound.append(None)
        try:
            raise error
        finally:
            signal.raise_signal(signal.SIGTERM)  # (serve's handler: `_Terminated` raised here)

    monkeypatch.setattr(serve, "_serve", refused)
    from alexaskill.cli import parser

    args = parser().parse_args(["serve", "app:app", "--port", "0"])
    err = io.StringIO()
    try:
        got: Any = serve.run(args, io.StringIO(), err, program=True)
    except BaseException as exc:  # (what serve raised, to compare)
        got = exc
    return got, err.getvalue(), bounds


@pytest.mark.parametrize("error", ["not started", "usage"])
def test_a_sigterm_in_serves_block_as_its_error_goes_up_leaves_it_its_status(
    monkeypatch: pytest.MonkeyPatch, error: str
) -> None:
    # Taken by serve's block as its stop, the SIGTERM replaced the error: serve exited 0, the
    # error's message (and its status, 3 or 2) lost.
    raised = ServerNotStarted("OSError: boom") if error == "not started" else UsageError("taken")
    got, said, bounds = _serve(monkeypatch, raised)
    status = 3 if error == "not started" else 2
    if error == "not started":
        assert got == 3
        assert "uvicorn could not start (OSError: boom)" in said
    else:
        assert got is raised
    assert bounds == [
        {
            "who": "serve process",
            "after": "its error",
            "status": status,
            "stopped": "stopped",
            "came": signal.SIGTERM,
        }
    ]


async def _app(scope: object, receive: object, send: object) -> None:
    pass


def _raises(exc: BaseException) -> Any:
    raise exc


def _landing_at_the_blocks_put_back(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """A SIGTERM landing as `_run_uvicorn`'s block puts serve's handler back (run by the call,
    before it sets it); the handler it found."""
    real, landed = signal.signal, list[Any]()

    def setting(signum: int, handler: Any) -> Any:
        putting_back = sys._getframe(1).f_code.co_name == "_put_back"  # (the block's, first)
        by = sys._getframe(2).f_code.co_name if putting_back else ""
        if signum == signal.SIGTERM and by == "stopped_by_sigterm" and not landed:
            landed.append(signal.getsignal(signal.SIGTERM))
            landed[0](signal.SIGTERM, None)  # (the SIGTERM pending: its handler run first)
        return real(signum, handler)

    monkeypatch.setattr(signal, "signal", setting)
    return landed


@pytest.mark.parametrize("ended", ["sys.exit(1) as uvicorn binds", "a Ctrl-C before the run"])
def test_a_sigterm_at_the_blocks_put_back_is_noted_on_any_error(
    monkeypatch: pytest.MonkeyPatch, ended: str
) -> None:
    # Noted as `_run_uvicorn`'s block put serve's handler back, the SIGTERM was carried by an
    # `Exception` alone: uvicorn's sys.exit(1) (a socket it could not bind) or a Ctrl-C before
    # the run dropped it, and a process held at exit waited out its whole bound.
    import uvicorn

    monkeypatch.setattr(serve_uvicorn, "check_port", lambda *args, **kwargs: None)
    if ended.startswith("sys.exit"):
        monkeypatch.setattr(serve_uvicorn, "bind_as_asyncio", lambda host, port: [])
        monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: sys.exit(1))
    else:
        monkeypatch.setattr(
            serve_uvicorn, "bind_as_asyncio", lambda host, port: _raises(KeyboardInterrupt())
        )
    landed = _landing_at_the_blocks_put_back(monkeypatch)
    try:
        with pytest.raises((SystemExit, KeyboardInterrupt)) as raised:
            serve_uvicorn._run_uvicorn(_app, host="127.0.0.1", port=0)
    finally:
        monkeypatch.undo()
    assert len(landed) == 1
    assert type(raised.value) is (SystemExit if ended.startswith("sys.exit") else KeyboardInterrupt)
    assert len(serve_uvicorn.noted_sigterms(raised.value)) == 1


def test_serve_stopped_by_a_ctrl_c_before_its_run_then_a_sigterm_ends_its_bound_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The SIGTERM that landed as `_run_uvicorn`'s block put serve's handler back was dropped
    # with the Ctrl-C: a process held at exit by a thread of the app's waited out its bound.
    from alexaskill.cli import parser

    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: bounds.append(kw))
    monkeypatch.setattr(serve, "load_app", lambda spec: _app)
    monkeypatch.setattr(serve_uvicorn, "check_port", lambda *args, **kwargs: None)
    monkeypatch.setattr(
        serve_uvicorn, "bind_as_asyncio", lambda host, port: _raises(KeyboardInterrupt())
    )
    landed = _landing_at_the_blocks_put_back(monkeypatch)
    args = parser().parse_args(["serve", "app:app", "--port", "0"])
    try:
        with pytest.raises(KeyboardInterrupt):
            serve.run(args, io.StringIO(), io.StringIO(), program=True)
    finally:
        monkeypatch.undo()
    assert len(landed) == 1
    assert bounds == [
        {"who": "serve process", "after": "its stop (SIGINT)", "status": 130, "came": 15}
    ]


def test_a_sigterm_as_a_worker_says_its_apps_import_failed_is_its_stop_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A worker's UsageError (its app's import failed) is taken by the worker itself, said in
    # one line: the supervisor's SIGTERM landing as that line is written is the stop it asks
    # for (status 0), as before the UsageError was raised again by the worker's block
    # (`stopped_by_sigterm`'s errors, serve's alone): multiprocessing's traceback, status 1.
    from alexaskill.cli import serve_worker_run

    def run(sockets: object = None) -> None:
        raise UsageError("importing app:app failed: boom")

    class Landing(io.StringIO):
        def write(self, text: str) -> int:
            if "boom" in text:
                signal.raise_signal(signal.SIGTERM)  # (the block's handler: `_Terminated`)
            return super().write(text)

    said = Landing()
    monkeypatch.setattr(sys, "stderr", said)
    serve_worker_run._serve_till_stopped(run, None)  # (the stop taken: nothing raised)
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
