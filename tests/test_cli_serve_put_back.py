"""A Ctrl-C landing as one of the CLI's signal handlers is put back (or swapped in): the
handler meant is in place all the same (`serve_uvicorn._put_back`), in serve's block, its exit
bound, its refusal before the bound, and a one-shot command's stop (`alexaskill.cli._terminable`).
Made deterministic: ``signal.signal`` runs SIGINT's handler in its first call that sets the
handler named, before setting it, as CPython runs a pending signal's handler then."""

from __future__ import annotations

import io
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import alexaskill.cli
from alexaskill.cli import serve, serve_exit, serve_uvicorn, serve_worker_run
from alexaskill.cli.common import UsageError

from .terminable_shared import (
    assert_left_nothing,
    descriptors,
    insisting_threads,
    stopped_as_it_starts,
)

pytestmark = pytest.mark.oldest_dependencies


@pytest.fixture(autouse=True)
def _handlers_kept() -> Iterator[None]:
    """SIGTERM's and SIGINT's handlers as they were before the test, whatever it set; SIGINT's
    Python's own meanwhile, as in a program."""
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


def _ctrl_c() -> None:
    """A pending Ctrl-C handled here: SIGINT's handler run (Python's own: KeyboardInterrupt)."""
    pending = signal.getsignal(signal.SIGINT)
    assert callable(pending)
    pending(signal.SIGINT, None)


def _interrupted(monkeypatch: pytest.MonkeyPatch, when: Callable[[int, Any], bool]) -> list[Any]:
    """``signal.signal`` running SIGINT's handler (a Ctrl-C pending), once, as it is called to set
    a handler for which ``when(signum, handler)`` holds; the handlers so interrupted."""
    real, interrupted = signal.signal, list[Any]()

    def setting(signum: int, handler: Any) -> Any:
        if not interrupted and when(signum, handler):
            interrupted.append(handler)
            _ctrl_c()
        return real(signum, handler)

    monkeypatch.setattr(signal, "signal", setting)
    return interrupted


def test_stopped_by_sigterm_puts_its_handler_back_though_a_ctrl_c_lands_as_it_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `serve` run by main() from a program of the author's (no exit bound to replace it): the
    # block's handler stayed, and a SIGTERM later raised `_Terminated` in that program.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    put_back = _interrupted(monkeypatch, lambda signum, handler: handler is signal.SIG_DFL)
    with pytest.raises(KeyboardInterrupt), serve_uvicorn.stopped_by_sigterm():
        pass
    assert put_back == [signal.SIG_DFL]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_the_exit_bound_takes_a_ctrl_c_landing_as_its_handler_is_set_as_come_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Raised out of exit_bounded, the Ctrl-C left Python's handler and no watch: a process held
    # by the app's thread waited for it for ever, its SIGTERM ignored. Held by none (here), the
    # signal is let pass, as `came_again` lets it.
    monkeypatch.setattr(serve_exit, "_holding", list)
    set_then = _interrupted(monkeypatch, lambda signum, handler: signum == signal.SIGINT)
    try:
        serve_exit.exit_bounded(None, again=(signal.SIGINT,))
    except KeyboardInterrupt:
        pytest.fail("the Ctrl-C came out of exit_bounded, its handler not set")
    assert len(set_then) == 1
    assert signal.getsignal(signal.SIGINT) is set_then[0]


def test_a_workers_exit_is_bounded_though_a_ctrl_c_lands_as_sigterm_is_ignored_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Its run ended, SIGTERM ignored again (the block's end, then serve_till_stopped's own): the
    # Ctrl-C raised there left the exit unbounded, Ctrl-C Python's own, the app's thread
    # holding the worker (and serve, waiting for it) for ever. Held by none (here), let pass.
    monkeypatch.setattr(serve_exit, "_holding", list)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    ignoring: list[None] = []

    def second_ignore(signum: int, handler: Any) -> bool:
        ignoring.extend([None] if handler is signal.SIG_IGN else [])
        return len(ignoring) == 2

    put_back = _interrupted(monkeypatch, second_ignore)
    try:
        serve_worker_run.serve_till_stopped(lambda sockets=None: None)
    except KeyboardInterrupt:
        pytest.fail("the Ctrl-C came out of the worker's exit, its bound not armed")
    assert put_back == [signal.SIG_IGN]
    assert getattr(signal.getsignal(signal.SIGINT), "__name__", None) == "came_again"
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN


def test_serve_refused_before_its_bound_puts_the_default_back_though_a_ctrl_c_lands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The program's SIGTERM, ignored from serve's start, stayed ignored: a process held at exit
    # was deaf to it for ever. (Stopped before the APP's import begins, which gives the bound.)
    def refused(args: object, state: object) -> None:
        raise UsageError("refused before the import")

    monkeypatch.setattr(serve, "_serve", refused)
    args = alexaskill.cli.parser().parse_args(["serve", "no_such_module_here:app"])
    put_back = _interrupted(monkeypatch, lambda signum, handler: handler is signal.SIG_DFL)
    with pytest.raises(KeyboardInterrupt):
        serve.run(args, io.StringIO(), io.StringIO(), program=True)
    assert put_back == [signal.SIG_DFL]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def _lands_as_its_default_is_put_back(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    # `_terminable`'s handler stayed: a SIGTERM later raised its `_Terminated` in the program
    # that called main (or in Python's exit, a traceback).
    return _interrupted(monkeypatch, lambda signum, handler: handler is signal.SIG_DFL)


def _lands_as_it_starts(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    # `_terminable` set its handler and started `_Insisting` before its `try`: a Ctrl-C raised
    # in the start left `_terminated` in place, a SIGTERM later a `_Terminated` in the program.
    monkeypatch.setattr(alexaskill.cli._Insisting, "start", lambda self: _ctrl_c())
    return []  # (no call to signal.signal interrupted)


@pytest.mark.parametrize(
    ("lands", "interrupted", "runs"),
    [
        (_lands_as_its_default_is_put_back, [signal.SIG_DFL], True),
        (_lands_as_it_starts, [], False),
    ],
    ids=["as its default is put back", "as it starts"],
)
def test_a_one_shot_command_puts_sigterms_default_back_though_a_ctrl_c_lands(
    monkeypatch: pytest.MonkeyPatch,
    lands: Callable[[pytest.MonkeyPatch], list[Any]],
    interrupted: list[Any],
    runs: bool,
) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    put_back = lands(monkeypatch)
    ran: list[None] = []
    with pytest.raises(KeyboardInterrupt), alexaskill.cli._terminable("request"):
        ran.append(None)
    assert put_back == interrupted
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert ran == ([None] if runs else []), "the command ran, though Ctrl-C came as it started"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
@pytest.mark.parametrize("where", ["as its thread starts", "as its start returns"])
def test_a_ctrl_c_as_the_sigterm_repeats_start_leaves_no_thread_nor_descriptor(
    monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    # Raised once `_Insisting`'s thread had started, before its start returned, the Ctrl-C
    # either closed the pipe the thread was reading (an error in the thread, or its read of a
    # descriptor numbered again), or, past the start's own clean-up, left the thread and the
    # wakeup file descriptor to nobody: `_terminable` had not been given them to stop.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    failed: list[Any] = []
    monkeypatch.setattr(threading, "excepthook", failed.append)
    if where == "as its thread starts":
        start_thread = threading.Thread.start

        def started_then_interrupted(self: threading.Thread) -> None:
            start_thread(self)
            if self.name == "alexaskill-sigterm":
                raise KeyboardInterrupt

        monkeypatch.setattr(threading.Thread, "start", started_then_interrupted)
    else:
        start = alexaskill.cli._Insisting.start

        def returned_then_interrupted(*args: Any) -> None:
            start(*args)
            raise KeyboardInterrupt

        monkeypatch.setattr(alexaskill.cli._Insisting, "start", returned_then_interrupted)
    before = descriptors()
    stopped_as_it_starts()
    assert signal.set_wakeup_fd(-1) == -1
    assert_left_nothing(before)
    assert failed == []


def test_the_sigterm_repeats_thread_run_after_its_stop_leaves_the_descriptors_alone() -> None:
    # The thread started as the Ctrl-C came, run only once `stop` had closed its pipe: the
    # descriptors given those numbers since (the system gives the lowest free) are another's.
    again = alexaskill.cli._Insisting()
    again._read, again._write = os.pipe()
    again.stop()
    read, write = os.pipe()  # (most likely the pipe's numbers again)
    try:
        os.write(write, b"x")
        again._watch()  # (in this thread: it would have waited on `read` for ever)
        assert os.read(read, 1) == b"x"
    finally:
        os.close(read)
        os.close(write)


def test_a_one_shot_command_stops_its_repeats_though_a_ctrl_c_lands_as_they_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `_Insisting.start` blocks every signal as it starts its thread: a Ctrl-C come meanwhile is
    # handled as they are unblocked, in `start`, the thread started. `_terminable` had no
    # `again` to stop: the thread, its pipe and Python's wakeup fd were left for the program.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    real = signal.pthread_sigmask

    def unblocking(how: int, mask: Any) -> Any:
        before = real(how, mask)
        if how == signal.SIG_SETMASK:
            _ctrl_c()  # (the one held while they were blocked)
        return before

    monkeypatch.setattr(signal, "pthread_sigmask", unblocking)
    stopped_as_it_starts()
    assert signal.set_wakeup_fd(-1) == -1
    assert insisting_threads() == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
@pytest.mark.parametrize("after", ["os.pipe", "signal.set_wakeup_fd"])
def test_a_ctrl_c_just_as_the_sigterm_repeats_get_a_descriptor_loses_none(
    monkeypatch: pytest.MonkeyPatch, after: str
) -> None:
    # Landing just as `_Insisting.start`'s os.pipe() returned, before the pair was kept, the
    # Ctrl-C lost both descriptors (`stop` had nothing to close); just as its set_wakeup_fd()
    # returned, the program's own wakeup file descriptor it replaced, which `stop` then left
    # unset. A real SIGINT, sent to this thread as the call returns: held while signals are.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    before = descriptors()
    own = os.pipe() if after == "signal.set_wakeup_fd" else None
    if own is not None:
        os.set_blocking(own[1], False)
        signal.set_wakeup_fd(own[1])
    module, name = after.split(".")
    target = {"os": os, "signal": signal}[module]
    real = getattr(target, name)
    sent: list[bool] = []

    def then_ctrl_c(*args: Any, **kwargs: Any) -> Any:
        got = real(*args, **kwargs)
        if not sent:
            sent.append(True)
            signal.pthread_kill(threading.get_ident(), signal.SIGINT)
        return got

    monkeypatch.setattr(target, name, then_ctrl_c)
    try:
        stopped_as_it_starts()
    finally:
        monkeypatch.undo()
        wakeup = signal.set_wakeup_fd(-1)
        for each in own or ():
            os.close(each)
    assert sent == [True]
    assert wakeup == (-1 if own is None else own[1])
    assert_left_nothing(before)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
@pytest.mark.parametrize("after", ["os.pipe", "signal.set_wakeup_fd"])
def test_a_ctrl_c_another_thread_takes_as_the_sigterm_repeats_start_loses_nothing(
    monkeypatch: pytest.MonkeyPatch, after: str
) -> None:
    # The process's SIGINT taken by a thread of the program that calls main (every signal is
    # blocked in the main thread only): Python runs its handler in the main thread all the same,
    # and the KeyboardInterrupt raised just as os.pipe() returned lost both descriptors, just as
    # set_wakeup_fd() returned, the program's own wakeup file descriptor it replaced.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    before = descriptors()
    own = os.pipe() if after == "signal.set_wakeup_fd" else None
    if own is not None:
        os.set_blocking(own[1], False)
        signal.set_wakeup_fd(own[1])
    go, taken = threading.Event(), threading.Event()

    def takes_the_ctrl_c() -> None:  # (started before the main thread blocks the signals)
        go.wait()
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # (its C handler run here)
        taken.set()

    other = threading.Thread(target=takes_the_ctrl_c, daemon=True)
    other.start()
    module, name = after.split(".")
    target = {"os": os, "signal": signal}[module]
    real = getattr(target, name)

    def then_ctrl_c(*args: Any, **kwargs: Any) -> Any:
        got = real(*args, **kwargs)
        if not go.is_set():
            go.set()
            taken.wait(30)  # (the handler Python runs in this thread, once it has returned)
        return got

    monkeypatch.setattr(target, name, then_ctrl_c)
    try:
        stopped_as_it_starts()
    finally:
        monkeypatch.undo()
        go.set()
        wakeup = signal.set_wakeup_fd(-1)
        for each in own or ():
            os.close(each)
    other.join(30)
    assert taken.is_set()
    assert wakeup == (-1 if own is None else own[1])
    assert_left_nothing(before)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


class _Hangup(Exception):
    """A program's own handler's exception (one that calls `main`, serve embedded)."""


def _raises_hangup(signum: int, frame: object) -> None:
    raise _Hangup(signum)


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="no SIGUSR1 here")
def test_a_programs_own_raising_handler_is_held_off_too() -> None:
    # Only SIGINT's and SIGTERM's were held: a program's handler that raises (SIGUSR1 here,
    # SIGHUP as well), run in the main thread whichever thread took the signal, raised just as
    # `_Insisting.start` had its pipe, which was lost as a Ctrl-C's raise lost it.
    from alexaskill.cli.signals_held import held

    kept = signal.signal(signal.SIGUSR1, _raises_hangup)
    ran: list[str] = []
    try:
        with pytest.raises(_Hangup) as raised, held():
            signal.raise_signal(signal.SIGUSR1)
            ran.append("the block, whole")
        assert signal.getsignal(signal.SIGUSR1) is _raises_hangup
    finally:
        signal.signal(signal.SIGUSR1, kept)
    assert ran == ["the block, whole"]
    assert raised.value.args == (signal.SIGUSR1,)


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="no SIGUSR1 here")
def test_each_signal_held_off_is_sent_again_though_the_first_raises() -> None:
    # Sent again one after another, the first's handler raising (a Ctrl-C's KeyboardInterrupt)
    # left the others unsent: a program's SIGUSR1 (a reload, say) come in the same moment lost.
    from alexaskill.cli.signals_held import held

    ran: list[int] = []
    kept = signal.signal(signal.SIGUSR1, lambda signum, frame: ran.append(signum))
    try:
        with pytest.raises(KeyboardInterrupt), held():
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGUSR1)
    finally:
        signal.signal(signal.SIGUSR1, kept)
    assert ran == [signal.SIGUSR1]
