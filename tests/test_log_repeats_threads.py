"""`Repeats` counted from several threads: a `def` handler's translations in worker threads (an
`i18n.Translator`'s misfits), a skill or verifier served on two event loops, beside the timer."""

from __future__ import annotations

import asyncio
import copy
import logging
import pickle
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill.log_repeats import Repeats

from .log_repeats_shared import clock as clock


def pickled(repeats: Repeats) -> Repeats:
    """``repeats`` through pickle and back."""
    copied: Repeats = pickle.loads(pickle.dumps(repeats))
    return copied


class _Lines:
    """Every line given to a `Repeats`, and how each was said: as a line (`unsaid` not None,
    with the count it carried) or within a count said by a ``say``. Each line is one or the
    other, once: ``given == said + counted``."""

    def __init__(self, repeats: Repeats) -> None:
        self.repeats = repeats
        self.given = self.said = self.counted = 0
        self._lock = threading.Lock()  # (the test's own tally, from several threads)
        #: Called at the first count a say says, on the thread that says it (None: nothing).
        self.at_first_say: Callable[[], None] | None = None

    def line(self, kind: str) -> None:
        unsaid = self.repeats.unsaid(kind, self.say)
        with self._lock:
            self.given += 1
            if unsaid is not None:
                self.said += 1
                self.counted += unsaid

    def say(self, kind: str, count: int) -> None:
        with self._lock:
            self.counted += count
            first, self.at_first_say = self.at_first_say, None
        if first is not None:
            first()

    def lost(self) -> int:
        """Lines neither said nor counted (negative: counted twice), once all is said."""
        self.repeats.say_unsaid()
        return self.given - self.said - self.counted


def _meanwhile(lines: _Lines, kinds: list[str]) -> Callable[[], None]:
    """What the first say does: another thread gives ``kinds``' lines, and the say waits for
    it to be done (as the timer's say would, on the loop, while worker threads count)."""

    def other_thread() -> None:
        for kind in kinds:
            lines.line(kind)

    def first_say() -> None:
        thread = threading.Thread(target=other_thread, daemon=True)
        thread.start()
        thread.join(timeout=30)  # (a bound for a say said under a lock the thread waits for)
        assert not thread.is_alive(), "the other thread waits for the say's caller"

    return first_say


def test_a_kind_counted_by_another_thread_while_kinds_are_forgotten_is_kept(
    clock: list[float],
) -> None:
    # More than half the 256 kinds held counting: a new kind has the least counted said and
    # forgotten. Another thread that gave a new kind two lines meanwhile (while those counts
    # were said) had its kind cleared with the others at the end: its count was lost.
    lines = _Lines(Repeats(10.0))
    for n in range(256):
        for _ in range(2 if n else 1):
            lines.line(f"k{n}")
    lines.at_first_say = _meanwhile(lines, ["x", "x"])
    lines.line("new")
    assert lines.at_first_say is None  # (the counts were said)
    assert lines.lost() == 0


def test_a_kind_given_a_line_by_another_thread_as_the_timer_says_it_is_said_once(
    clock: list[float],
) -> None:
    # The timer says each window that has ended, one after another: a line of a kind not said
    # yet, given by a worker thread meanwhile, started the kind's next window with the count
    # (said in that line), and the timer then said the same count again.
    lines = _Lines(Repeats(0.02))  # (the loop's timer's seconds; the windows' are on `clock`)

    async def flood() -> None:
        for kind in ("a", "a", "a", "b", "b", "b"):
            lines.line(kind)
        clock[0] += 1  # both windows ended
        lines.at_first_say = _meanwhile(lines, ["b"])
        deadline = time.monotonic() + 30  # only a bound for a broken test: nothing timed
        while lines.at_first_say is not None and time.monotonic() < deadline:
            await asyncio.sleep(0.01)

    asyncio.run(flood())
    assert lines.at_first_say is None  # (the timer said)
    assert lines.lost() == 0


def test_threads_counting_while_the_timer_says_lose_no_count_and_do_not_fail(
    clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    # Worker threads hammer a few kinds and many distinct ones (kinds forgotten past the
    # bound) while the loop's timer says each window as it ends: every line is said once,
    # as itself or in a count, and no thread fails ("dictionary changed size during
    # iteration", a kind forgotten by one thread as another counts it).
    import sys

    lines = _Lines(Repeats(0.001))
    failed: list[BaseException] = []

    def hammer(n: int) -> None:
        try:
            for i in range(3000):
                lines.line(f"hot {i % 3}" if i % 2 else f"distinct {n} {i}")
                lines.line(f"distinct {n} {i}")
                if not i % 100:
                    clock[0] += 0.001  # some windows end
        except BaseException as exc:
            failed.append(exc)

    async def serve() -> None:
        lines.line("hot 0")
        lines.line("hot 0")  # (the timer set: it says, then is set for the next window)
        threads = [threading.Thread(target=hammer, args=(n,), daemon=True) for n in range(4)]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            lines.line("hot 1")  # (counted on the loop: the timer kept going)
            await asyncio.sleep(0)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switched often: where a lock is missing, it shows
    try:
        asyncio.run(serve())
    finally:
        sys.setswitchinterval(interval)
    assert failed == []
    assert lines.lost() == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy, pickled])
def test_a_copy_keeps_the_counts_under_a_lock_of_its_own(
    clock: list[float], copier: Callable[[Repeats], Repeats]
) -> None:
    # Its lock could not be copied: copy.deepcopy(skill) (test_app_skill_ids) raised "cannot
    # pickle '_thread.lock' object".
    repeats = Repeats(10.0)
    assert repeats.unsaid("forged") == 0
    assert repeats.unsaid("forged") is None
    copied = copier(repeats)
    assert copied._lock is not repeats._lock
    clock[0] += 10.0
    assert (copied.unsaid("forged"), repeats.unsaid("forged")) == (1, 1)


@pytest.mark.parametrize("copier", [copy.deepcopy, pickled])
def test_a_copy_keeps_a_warnings_count_with_what_says_it(
    clock: list[float], caplog: pytest.LogCaptureFixture, copier: Callable[[Repeats], Repeats]
) -> None:
    # `warn`'s say was a lambda: a Repeats with its count pending raised "Can't pickle local
    # object 'Repeats.warn.<locals>.<lambda>'" (a skill pickled after a flood of refusals).
    repeats = Repeats(10.0)
    for _ in range(2):
        repeats.warn(logging.getLogger("alexaskill"), "forged")
    copied = copier(repeats)
    caplog.clear()
    with caplog.at_level(logging.WARNING, "alexaskill"):
        copied.say_unsaid()
    assert caplog.messages == ["forged (1 more since the last such line)"]


def test_a_copy_keeps_a_not_started_count_with_what_says_it(
    clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    # The same of a start that failed at a request: its count's say was a local function.
    from alexaskill.asgi_start import say_not_started

    repeats = Repeats(10.0)
    for _ in range(2):
        say_not_started(repeats, "the skill at /", RuntimeError("no store"))
    copied = pickled(repeats)
    caplog.clear()
    with caplog.at_level(logging.ERROR, "alexaskill"):
        copied.say_unsaid()
    assert len(caplog.messages) == 1 and "1 more request" in caplog.messages[0]


def test_a_copy_pickled_with_a_count_its_say_cannot_pickle_says_it_at_warning(
    clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    # A caller's say that pickle cannot take (a lambda, a local function) made the Repeats
    # holding its count unpicklable ("Can't pickle local object"), where the class's own says
    # were made picklable. The copy says that count at WARNING, as `warn` says one; the
    # original keeps its say.
    said: list[tuple[str, int]] = []
    repeats = Repeats(10.0)
    for _ in range(3):
        repeats.unsaid("forged", lambda kind, count: said.append((kind, count)))
    copied = pickled(repeats)
    caplog.clear()
    with caplog.at_level(logging.WARNING, "alexaskill"):
        copied.say_unsaid()
    assert caplog.messages == ["forged (2 more since the last such line)"]
    repeats.say_unsaid()
    assert said == [("forged", 2)]


def test_a_warnings_count_goes_to_the_logger_its_line_went_to(clock: list[float]) -> None:
    # `warn`'s count looked its logger up by name: a logger that is not the one its name gives
    # (made directly, as a library may) had its line, and the count went to another.
    lines: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())  # type: ignore[method-assign]
    own = logging.Logger("alexaskill.own")  # (not `logging.getLogger`'s)
    own.addHandler(handler)
    repeats = Repeats(10.0)
    for _ in range(2):
        repeats.warn(own, "forged")
    repeats.say_unsaid()
    assert lines == ["forged", "forged (1 more since the last such line)"]


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy], ids=["copy", "deepcopy"])
def test_a_copy_keeps_a_say_that_pickle_cannot_take(
    copier: Callable[[Repeats], Repeats], clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    # copy and deepcopy take a lambda as it is (a function is copied as itself), but the check
    # made for pickle replaced it in their copies too: the count went to alexaskill's WARNING
    # line instead of the caller's say.
    said: list[tuple[str, int]] = []
    repeats = Repeats(10.0)
    for _ in range(3):
        repeats.unsaid("forged", lambda kind, count: said.append((kind, count)))
    copied = copier(repeats)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        copied.say_unsaid()
    assert said == [("forged", 2)]
    assert not caplog.messages


class _CountedSay:
    """A say that pickle takes, counting how often it is reduced (pickled)."""

    reduced = 0

    def __call__(self, kind: str, count: int) -> None:
        """Nothing said."""

    def __reduce__(self) -> tuple[type[_CountedSay], tuple[()]]:
        _CountedSay.reduced += 1
        return _CountedSay, ()


def test_a_say_that_several_kinds_share_is_tried_by_pickle_once(clock: list[float]) -> None:
    # Whether pickle takes a count's say is tried once a say, not once a kind: a say that is
    # costly to pickle was pickled again for every kind it says.
    say = _CountedSay()
    repeats = Repeats(10.0)
    for kind in ("a", "b", "c"):
        for _ in range(2):
            repeats.unsaid(kind, say)
    _CountedSay.reduced = 0
    pickled(repeats)
    assert _CountedSay.reduced == 2  # (tried once, then pickled once: pickle's memo)


def test_a_timer_thread_started_as_the_exit_says_the_counts_is_stopped_and_said(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `_say_at_exit` set `_exiting` without a lock: a thread that had found it unset started its
    # timer thread just after the exit looked for them, which then said its count once logging
    # had shut down (or never). It is either stopped and said by the exit, or never started.
    from alexaskill import log_repeats

    monkeypatch.setattr(log_repeats, "_exiting", [])
    monkeypatch.setattr(log_repeats, "_at_exit_put", [True])  # (no atexit of the test's)
    building = threading.Event()
    go = threading.Event()

    class Held(log_repeats._TimerThread):
        def __init__(self, *args: Any) -> None:
            building.set()  # (past the check of `_exiting`, not started yet)
            go.wait(30)
            super().__init__(*args)

    monkeypatch.setattr(log_repeats, "_TimerThread", Held)
    said: list[tuple[str, int]] = []
    repeats = Repeats(60.0)

    def count() -> None:
        for _ in range(2):
            repeats.unsaid("a line", lambda kind, unsaid: said.append((kind, unsaid)))

    counting = threading.Thread(target=count, daemon=True)
    counting.start()
    assert building.wait(30)
    exiting = threading.Thread(target=log_repeats._say_at_exit, daemon=True)
    exiting.start()
    exiting.join(1.0)  # (a bounded look: the old exit was done by then, the new one waits)
    go.set()
    counting.join(30)
    exiting.join(30)
    assert not exiting.is_alive() and not counting.is_alive()
    assert said == [("a line", 1)]
    timers = [t for t in threading.enumerate() if isinstance(t, Held)]
    for timer in timers:
        timer.join(30)  # (cancelled: ends at once)
    assert [t for t in timers if t.is_alive()] == []
