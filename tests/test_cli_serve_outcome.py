"""SIGTERMs landing as ``serve --workers`` reads its workers' outcome, once they have stopped
(`alexaskill.cli.serve_uvicorn._run_uvicorn`): each worker that did not stop cleanly said once,
and the status 1 kept, one SIGTERM or two. Made deterministic: the SIGTERM raised by a log
handler as the first worker is said, the second by a profile function, at serve_uvicorn's next
call."""

from __future__ import annotations

import contextlib
import io
import logging
import signal
import sys
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill.cli import serve_uvicorn
from alexaskill.cli.serve_server import _Decided
from alexaskill.cli.serve_workers import worker_logger

# restore_logging: autouse, each test's logging put back (serve sets it up as uvicorn's).
from .log_lambda_shared import restore_logging  # noqa: F401

# handlers_kept_in_the_main_thread: autouse, each test skipped outside the main thread, and
# SIGTERM's and SIGINT's handlers put back after it.
from .serve_not_started import handlers_kept_in_the_main_thread  # noqa: F401

pytestmark = [
    pytest.mark.oldest_dependencies,
    pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM sent to itself ends it there"),
]


class _Worker:
    """A worker process that ended with status 1, as multiprocessing tells it."""

    exitcode = 1

    def __init__(self, pid: int) -> None:
        self.pid = pid


class _Process:
    def __init__(self, pid: int) -> None:
        self.process = _Worker(pid)


class _Supervisor:
    """uvicorn's supervisor of two workers, each of which ended with status 1."""

    failed_to_start = False

    def __init__(self) -> None:
        self.processes = [_Process(101), _Process(102)]

    def run(self) -> None:
        pass


class _Socket:
    def close(self) -> None:
        pass


class _SigtermAtTheFirst(logging.Handler):
    """Keeps what the worker logger says, and sends SIGTERM as it says its first line."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.said: list[str] = []
        self.sent: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append(record.getMessage())
        if not self.sent:
            try:
                signal.raise_signal(signal.SIGTERM)  # (serve's handler: raised here, or held)
            finally:
                self.sent.append("first")


def _served(monkeypatch: pytest.MonkeyPatch) -> _SigtermAtTheFirst:
    monkeypatch.setattr(serve_uvicorn, "check_port", lambda *args, **kwargs: None)
    monkeypatch.setattr(serve_uvicorn, "_bound", lambda config, held=None: _Socket())
    handler = _SigtermAtTheFirst()

    def supervisor(config: object, sock: object) -> _Supervisor:
        worker_logger.addHandler(handler)  # (once uvicorn's Config has set its logging up)
        return _Supervisor()

    monkeypatch.setattr(serve_uvicorn, "_supervisor", supervisor)
    return handler


def _run_workers() -> _Decided:
    """serve's run of two workers (`_run_uvicorn`, within serve's own block): what it raised."""
    with pytest.raises(_Decided) as raised, serve_uvicorn.stopped_by_sigterm():
        serve_uvicorn._run_uvicorn("app:app", host="127.0.0.1", port=0, workers=2)
    return raised.value


def test_a_sigterm_as_the_workers_outcome_is_read_says_each_unclean_worker_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Raised as the first worker's ERROR was said, the SIGTERM was taken and the outcome read
    # again: that worker's line said twice.
    handler = _served(monkeypatch)
    try:
        decided = _run_workers()
    finally:
        worker_logger.removeHandler(handler)
    assert handler.sent == ["first"]
    assert decided.code == 1
    assert len(decided.sigterms) == 1
    assert handler.said == [
        "worker process [101] exited with status 1 as serve stopped",
        "worker process [102] exited with status 1 as serve stopped",
    ]


def _sigterm_at_the_next_call(after: Callable[[], bool]) -> tuple[Any, list[str]]:
    """A profile function (``sys.setprofile``'s) that sends one SIGTERM at the first call
    serve_uvicorn makes once ``after()`` is true; and the list of where it did ("call in
    _raise_outcome"), empty till then."""
    sent: list[str] = []

    def profile(frame: Any, event: str, arg: object) -> None:
        if sent or not after():
            return
        caller = frame if event == "c_call" else frame.f_back
        ours = caller is not None and caller.f_globals.get("__name__") == serve_uvicorn.__name__
        if event in ("call", "c_call") and ours:
            sent.append(f"{event} in {caller.f_code.co_name}")
            signal.raise_signal(signal.SIGTERM)

    return profile, sent


def test_two_sigterms_as_the_workers_outcome_is_read_keep_its_status_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The second SIGTERM, come at the next call serve_uvicorn made once the first was raised
    # (as the first was noted), was raised out of the outcome's loop: serve's block took it for
    # a stop, and serve exited 0, the unclean stop's status 1 lost.
    handler = _served(monkeypatch)
    profile, second = _sigterm_at_the_next_call(lambda: bool(handler.sent))
    sys.setprofile(profile)
    try:
        decided = _run_workers()
    finally:
        sys.setprofile(None)
        worker_logger.removeHandler(handler)
    assert handler.sent == ["first"]
    assert len(second) == 1, "no second SIGTERM was sent"
    assert decided.code == 1
    assert len(decided.sigterms) == 2


class _CtrlCAtTheFirst(_SigtermAtTheFirst):
    """Keeps what the worker logger says, and sends SIGINT (a Ctrl-C) as it says its first line."""

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append(record.getMessage())
        if not self.sent:
            try:
                signal.raise_signal(signal.SIGINT)  # (the hold's handler: recorded)
            finally:
                self.sent.append("first")


def test_a_ctrl_c_as_the_workers_outcome_is_read_is_sent_again_once_it_is_raised(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Recorded by the hold, the Ctrl-C was sent again only if the read raised nothing: the read
    # raised the status 1 (`_Decided`), and the Ctrl-C was dropped (serve's exit bound then
    # waited, as if none had come).
    _served(monkeypatch)
    handler = _CtrlCAtTheFirst()

    def supervisor(config: object, sock: object) -> _Supervisor:
        worker_logger.addHandler(handler)  # (once uvicorn's Config has set its logging up)
        return _Supervisor()

    monkeypatch.setattr(serve_uvicorn, "_supervisor", supervisor)
    kept = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt) as raised, serve_uvicorn.stopped_by_sigterm():
            serve_uvicorn._run_uvicorn("app:app", host="127.0.0.1", port=0, workers=2)
    finally:
        signal.signal(signal.SIGINT, kept)
        worker_logger.removeHandler(handler)
    assert handler.sent == ["first"]
    decided = raised.value.__context__
    assert isinstance(decided, _Decided) and decided.code == 1  # (the stop it interrupted)
    assert handler.said == [
        "worker process [101] exited with status 1 as serve stopped",
        "worker process [102] exited with status 1 as serve stopped",
    ]


class _Outcome(_Supervisor):
    """uvicorn's supervisor of two workers: each stopped cleanly, or one could not start."""

    def __init__(self, failed_to_start: bool) -> None:
        super().__init__()
        self.failed_to_start = failed_to_start
        for each in self.processes:
            each.process.exitcode = 0


@pytest.mark.parametrize(
    ("outcome", "status"), [("clean", None), ("unclean", 1), ("not started", 3)]
)
def test_a_sigterm_as_uvicorns_block_puts_its_handler_back_is_a_stop_that_came(
    monkeypatch: pytest.MonkeyPatch, outcome: str, status: int | None
) -> None:
    # Landing as `_run_uvicorn`'s own block put serve's handler back (the SIGTERM handled by the
    # call, before it set it), the SIGTERM was noted in that block's stops, which `_run_uvicorn`
    # ignored: serve's exit bound then waited as if none had come.
    monkeypatch.setattr(serve_uvicorn, "check_port", lambda *args, **kwargs: None)
    monkeypatch.setattr(serve_uvicorn, "_bound", lambda config, held=None: _Socket())
    made = _Supervisor() if outcome == "unclean" else _Outcome(outcome == "not started")
    monkeypatch.setattr(serve_uvicorn, "_supervisor", lambda config, sock: made)
    real, landed = signal.signal, list[Any]()

    def setting(signum: int, handler: Any) -> Any:
        putting_back = sys._getframe(1).f_code.co_name == "_put_back"  # (the first: uvicorn's)
        if signum == signal.SIGTERM and putting_back and not landed:
            landed.append(signal.getsignal(signal.SIGTERM))
            landed[0](signal.SIGTERM, None)  # (the SIGTERM pending: its handler run first)
        return real(signum, handler)

    monkeypatch.setattr(signal, "signal", setting)
    stops: list[BaseException] = []
    try:
        with (
            pytest.raises(_Decided) if status else contextlib.nullcontext() as raised,
            serve_uvicorn.stopped_by_sigterm() as stops,
        ):
            serve_uvicorn._run_uvicorn("app:app", host="127.0.0.1", port=0, workers=2)
    finally:
        monkeypatch.undo()
    assert len(landed) == 1
    if raised is None:
        assert len(stops) == 1  # (a stop come once its server stopped: serve's bound ends)
    else:
        assert raised.value.code == status
        assert len(raised.value.sigterms) == 1


def test_a_second_sigterm_as_the_outcomes_hold_begins_keeps_its_status_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A SIGTERM pending as the hold of the outcome's read began was raised there (serve's
    # handler, run by the call that set the hold's), noted in the loop's `except`: a second one
    # landing there (at the next call serve_uvicorn made) went out of the loop, and serve's block
    # took it for a clean stop, the status 1 lost.
    monkeypatch.setattr(serve_uvicorn, "check_port", lambda *args, **kwargs: None)
    monkeypatch.setattr(serve_uvicorn, "_bound", lambda config, held=None: _Socket())
    monkeypatch.setattr(serve_uvicorn, "_supervisor", lambda config, sock: _Supervisor())
    real, first = signal.signal, list[Any]()

    def setting(signum: int, handler: Any) -> Any:
        holding = sys._getframe(1).f_code.co_name == "held"  # (`signals_held.held`'s)
        if signum == signal.SIGTERM and holding and not first:
            first.append(signal.getsignal(signal.SIGTERM))
            first[0](signal.SIGTERM, None)  # (the SIGTERM pending: its handler run first)
        return real(signum, handler)

    profile, second = _sigterm_at_the_next_call(lambda: bool(first))
    monkeypatch.setattr(signal, "signal", setting)
    sys.setprofile(profile)
    try:
        decided = _run_workers()
    finally:
        sys.setprofile(None)
        monkeypatch.undo()
    assert len(first) == 1 and len(second) == 1, second
    assert decided.code == 1
    assert len(decided.sigterms) == 2


async def _app(scope: object, receive: object, send: object) -> None:
    pass


def _serving_here(monkeypatch: pytest.MonkeyPatch, run: Any, lands: str) -> list[Any]:
    """serve's run (`serve.run` as the program runs it: its exit's bound recorded, not armed) of
    a server in its process, uvicorn's ``Server.run`` replaced by ``run``; a SIGTERM landing as
    `_run_uvicorn` puts a handler back: its block's (``lands`` names "block") or serve's ("serve's
    handler"). What it took (a handler the SIGTERM found), then each bound's words."""
    import uvicorn

    from alexaskill.cli import serve

    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: bounds.append(kw))
    monkeypatch.setattr(serve, "load_app", lambda spec: _app)
    monkeypatch.setattr(serve_uvicorn, "check_port", lambda *args, **kwargs: None)
    monkeypatch.setattr(serve_uvicorn, "bind_as_asyncio", lambda host, port: [])
    monkeypatch.setattr(uvicorn.Server, "run", run)
    real, landed = signal.signal, list[Any]()

    def setting(signum: int, handler: Any) -> Any:
        # (`_put_back`'s call, and who called it: `_run_uvicorn`'s block, then `_run_uvicorn`)
        putting_back = sys._getframe(1).f_code.co_name == "_put_back"
        by = sys._getframe(2).f_code.co_name if putting_back else ""
        at = "block" if by == "stopped_by_sigterm" else "serve's handler" if by else ""
        if signum == signal.SIGTERM and not landed and at and at in lands:
            landed.append(signal.getsignal(signal.SIGTERM))
            landed[0](signal.SIGTERM, None)  # (the SIGTERM pending: its handler run first)
        return real(signum, handler)

    monkeypatch.setattr(signal, "signal", setting)
    return [landed, bounds]


def _serve(*options: str) -> int:
    from alexaskill.cli import parser, serve

    args = parser().parse_args(["serve", "app:app", "--port", "0", *options])
    return serve.run(args, io.StringIO(), io.StringIO(), program=True)


@pytest.mark.parametrize(
    ("lands", "came"),
    [
        ("as uvicorn stops", None),
        ("as _run_uvicorn's block puts its handler back", signal.SIGTERM),
        ("as _run_uvicorn puts serve's handler back", signal.SIGTERM),
    ],
)
def test_serve_in_one_process_stopped_by_one_sigterm_exits_0(
    monkeypatch: pytest.MonkeyPatch, lands: str, came: int | None
) -> None:
    # The server in serve's process (one worker, no supervisor), one SIGTERM: raised again by
    # uvicorn once it stopped gracefully, it ended `_run_uvicorn`'s block, which left the
    # supervisor unread, an UnboundLocalError: serve exited 1, a traceback. Landing at a
    # put-back (the server stopped otherwise), it is a stop come once the server stopped: serve
    # exits 0, its bound told of it (a thread that holds the exit: ended at once, not waited).
    def run(self: Any, sockets: Any = None) -> None:
        self.started = True
        if lands == "as uvicorn stops":  # (its handler back: `_run_uvicorn`'s block's)
            landed.append(signal.getsignal(signal.SIGTERM))
            signal.raise_signal(signal.SIGTERM)

    landed, bounds = _serving_here(monkeypatch, run, lands)
    try:
        assert _serve() == 0
    finally:
        monkeypatch.undo()
    assert len(landed) == 1, lands
    stopped = {} if came is None else {"after": "its server stopped"}
    assert bounds == [{**stopped, "came": came}]


@pytest.mark.parametrize("lands", ["block", "serve's handler"])
@pytest.mark.parametrize("error", ["not started", "port taken"])
def test_a_sigterm_at_a_put_back_after_an_error_is_a_stop_that_came(
    monkeypatch: pytest.MonkeyPatch, lands: str, error: str
) -> None:
    # Noted as `_run_uvicorn` put a handler back, the SIGTERM was kept by a `_Decided` alone: a
    # server that could not start (`ServerNotStarted`, status 3) or a port taken since its check
    # (`UsageError`, status 2) dropped it, and a process held at exit by a thread of the app's
    # waited out its whole bound, where one come a moment later ended it at once.
    from alexaskill.cli.common import UsageError

    def run(self: Any, sockets: Any = None) -> None:
        raise OSError("the app's start-up failed")  # (before it started: ServerNotStarted)

    landed, bounds = _serving_here(monkeypatch, run, lands)
    if error == "port taken":
        monkeypatch.setattr(
            serve_uvicorn, "bind_as_asyncio", lambda host, port: _raises(UsageError("taken"))
        )
    status = 3 if error == "not started" else 2
    try:
        if status == 3:
            assert _serve() == 3
        else:
            with pytest.raises(UsageError):
                _serve()
    finally:
        monkeypatch.undo()
    assert len(landed) == 1
    assert bounds == [
        {
            "who": "serve process",
            "after": "its error",
            "status": status,
            "stopped": "stopped",
            "came": signal.SIGTERM,
        }
    ]


def _raises(exc: BaseException) -> Any:
    raise exc
