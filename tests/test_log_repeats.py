"""`Repeats`: how many lines of a kind went unsaid reaches the log when the flood stops."""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
from typing import Any

import pytest

from alexaskill import log_repeats
from alexaskill.log_repeats import Repeats

from .conftest import SKILL_ID
from .log_repeats_shared import clock as clock
from .log_repeats_shared import pending as _pending
from .log_repeats_shared import recorded as _recorded
from .log_repeats_shared import until as _until


def test_the_count_is_said_when_the_window_ends_without_another_line(clock: list[float]) -> None:
    # A flood of forged requests that stops: the first refusal said why, the next were counted,
    # and their count waited for a next line of the kind that never came. On an event loop,
    # one timer a window with a count (not one a line) says it when the window ends.
    said: list[tuple[str, int]] = []

    async def flood() -> int:
        repeats = Repeats(0.02)  # (seconds of the loop's timer; the window's, on `clock`)
        assert repeats.unsaid("refused:signature", say) == 0
        for _ in range(5):
            assert repeats.unsaid("refused:signature", say) is None
        assert repeats.unsaid("refused:timestamp", say) == 0  # another kind: said, no count
        timers = len(asyncio.get_running_loop()._scheduled)  # type: ignore[attr-defined]
        await _until(said, 1)
        clock[0] += 1
        assert repeats.unsaid("refused:signature", say) == 0  # said as a new line's count
        return timers

    def say(kind: str, count: int) -> None:
        said.append((kind, count))

    timers = asyncio.run(flood())
    assert timers == 1
    assert said == [("refused:signature", 5)]


def test_a_window_said_by_its_timer_starts_the_next(clock: list[float]) -> None:
    # A flood that goes on: its timer's line starts a window, so the flood writes one line a
    # kind a window, the count of the requests since.
    said: list[tuple[str, int]] = []

    async def flood() -> None:
        repeats = Repeats(0.02)
        repeats.unsaid("k", lambda kind, count: said.append((kind, count)))
        repeats.unsaid("k", lambda kind, count: said.append((kind, count)))
        await _until(said, 1)
        assert repeats.unsaid("k", None) is None  # within the window the timer's line started
        assert repeats.unsaid("k", lambda kind, count: said.append((kind, count))) is None
        await _until(said, 2)

    asyncio.run(flood())
    assert said == [("k", 1), ("k", 2)]


def test_without_an_event_loop_the_count_waits_for_the_next_line(clock: list[float]) -> None:
    # AWS Lambda's synchronous handler, a script: no timer, the next line of the kind says it.
    repeats = Repeats(10.0)
    said: list[tuple[str, int]] = []
    assert repeats.unsaid("k", lambda *call: said.append(call)) == 0
    assert repeats.unsaid("k", lambda *call: said.append(call)) is None
    clock[0] += 10
    assert repeats.unsaid("k", lambda *call: said.append(call)) == 1
    repeats.say_unsaid()
    assert said == []


def test_within_ended_windows_only_the_windows_going_on_are_left(clock: list[float]) -> None:
    # Each AWS Lambda invocation's end behind Mangum: a window that goes on is left for later
    # (its timer, a later end, the shutdown), an ended one said, its line starting the next.
    repeats = Repeats(10.0)
    said, say = _recorded()
    for kind in ("a", "a"):
        repeats.unsaid(kind, say)
    clock[0] += 5
    for kind in ("b", "b"):
        repeats.unsaid(kind, say)
    clock[0] += 5  # (a's window ended, b's goes on)
    with log_repeats.ended_windows_only():
        repeats.say_unsaid()
    assert said == [("a", 1)]
    assert repeats.unsaid("a", say) is None  # (a window started by the count's line)
    repeats.say_unsaid()
    assert said == [("a", 1), ("a", 1), ("b", 1)]


def test_the_counts_unsaid_are_said_at_shutdown(
    clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    # The server stops inside a window: the loop's timers go with it, the lifespan's end says
    # what they had yet to say.
    from alexaskill import Skill
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store="memory://")
    caplog.set_level(logging.INFO, logger="alexaskill")
    with TestClient(skill) as client:
        for _ in range(4):
            client.post(b"{}")  # unsigned: refused:certificate_url
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert warnings[0].startswith("refused request: ") and "more" not in warnings[0]
    assert warnings[1] == (
        "refused request: 3 more refused:certificate_url since the last such line"
    )


def test_a_flood_of_refusals_that_stops_has_its_count_said_while_serving(
    clock: list[float], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the request log silenced, one "refused request" warning stood for thousands.
    from alexaskill import Skill
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store="memory://")
    skill._refusals_said.every = 0.02  # (the loop's timer; the window's on `clock`)
    # The timer waits for the test's three posts: a CI machine that stalls 20 ms between two
    # of them had the window end after the second ("1 more"; the third then said at once).
    posted = threading.Event()
    call_later = log_repeats._call_later

    def after_the_posts(delay: float, callback: Any, *args: Any) -> None:
        def when_posted(*args: Any) -> None:
            if posted.is_set():
                callback(*args)
            else:
                asyncio.get_running_loop().call_later(0.01, when_posted, *args)

        call_later(delay, when_posted, *args)

    monkeypatch.setattr(log_repeats, "_call_later", after_the_posts)
    caplog.set_level(logging.INFO, logger="alexaskill")
    logging.getLogger("alexaskill.request").setLevel(logging.WARNING)
    try:
        with TestClient(skill) as client:
            for _ in range(3):
                client.post(b"{}")
            posted.set()

            def counted() -> list[str]:
                return [r.getMessage() for r in caplog.records if "more" in r.getMessage()]

            deadline = time.monotonic() + 30  # a bound for a broken test, nothing timed
            while not counted() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert counted() == [
                "refused request: 2 more refused:certificate_url since the last such line"
            ]
    finally:
        logging.getLogger("alexaskill.request").setLevel(logging.NOTSET)
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


def test_a_store_failure_count_is_said_when_its_window_ends(
    clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    from alexaskill.finishing import _say_unsaid_store_failures

    caplog.set_level(logging.INFO, logger="alexaskill")
    repeats = Repeats(10.0)
    repeats.unsaid("redis: connection refused", _say_unsaid_store_failures)
    repeats.unsaid("redis: connection refused", _say_unsaid_store_failures)
    repeats.say_unsaid()
    assert [r.getMessage() for r in caplog.records] == [
        "attributes not loaded or saved: redis: connection refused (1 more since the last such "
        "line)"
    ]


def test_due_lets_a_line_through_once_every_10_s_with_the_count_and_time_since() -> None:
    # The one check behind the server's rare lines, the worker threads' and the deadline's:
    # at the times SAID_RARELY says, and each key apart.
    from alexaskill.log_repeats import SAY_EVERY, due

    from .said_rarely import SAID_RARELY

    assert SAY_EVERY == 10.0
    said: dict[str, list[float]] = {}
    got = [due(said, "a", when) for when, _ in SAID_RARELY]
    assert [g is not None for g in got] == [d for _, d in SAID_RARELY]
    # (0 unsaid and never said, then those counted since the last and how long ago)
    assert [g for g in got if g is not None] == [
        (0, math.inf),
        (2, pytest.approx(10.1)),
        (1, pytest.approx(10.1)),
        (0, pytest.approx(379.8)),
    ]
    assert due(said, "b", 500.0) == (0, math.inf)  # another key: its own times
    assert due(said, "a", 505.0, every=5.0) == (0, 5.0)  # a caller's own rate


def test_remember_forgets_all_at_once_when_full_and_not_for_a_kind_it_holds() -> None:
    # The bound of the kinds said once (256), or the caller's (``kept``: the DynamoDB store's
    # keys loaded without a map, the Host values found valid, a list slot's parts).
    kinds: dict[int, str] = {}
    for kind in range(256):
        log_repeats.remember(kinds, kind, "said")
    assert len(kinds) == 256
    log_repeats.remember(kinds, 5, "again")  # (held already: nothing forgotten)
    assert len(kinds) == 256 and kinds[5] == "again"
    log_repeats.remember(kinds, 256, "new")
    assert kinds == {256: "new"}
    kept: dict[str, None] = {}
    for name in "abc":
        log_repeats.remember(kept, name, None, kept=2)
    assert kept == {"c": None}


def test_a_count_unsaid_is_not_forgotten_when_more_kinds_come_than_are_held(
    clock: list[float],
) -> None:
    # A flood of distinct lines (forged requests, each refused for its own reason) filled the
    # 256 kinds held and they were forgotten at once, the counts still waiting with them: the
    # 5 lines of "k" counted went unsaid for ever, though its window's timer or the shutdown
    # was to say them. The kinds with a count are kept (their timer, their next line or
    # say_unsaid says it).
    said, say = _recorded()
    repeats = Repeats(10.0)
    for _ in range(6):
        repeats.unsaid("k", say)
    for n in range(300):
        assert repeats.unsaid(f"distinct {n}", say) == 0
    assert said == []
    repeats.say_unsaid()
    assert said == [("k", 5)]
    assert len(repeats._said) <= 256


def test_kinds_with_a_count_unsaid_past_half_those_held_are_said_before_forgotten(
    clock: list[float],
) -> None:
    # Kept while they are few: past half the bound (all but one of them counting, no loop to
    # say them), the next new kind has those past it said now, each with its count, and
    # forgotten; half the bound kept.
    said, say = _recorded()
    repeats = Repeats(10.0)
    for n in range(256):
        for _ in range(2 if n else 1):
            repeats.unsaid(f"k{n}", say)
    assert said == []
    assert repeats.unsaid("new", say) == 0
    assert said == [(f"k{n}", 1) for n in range(129, 256)]  # those counted least (all alike)
    assert list(repeats._said) == [f"k{n}" for n in range(1, 129)] + ["new"]
    assert repeats.unsaid("k200", say) == 0  # forgotten: said again as new, its count said


def test_a_count_kept_without_a_say_is_said_at_warning_when_its_kind_is_forgotten(
    clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    # Lines counted without a say (`unsaid(kind)`) leave their count to the next line of the
    # kind: forgotten past half the bound, no next line found it, and it was lost without a
    # word. It is said as `warn` says a count, the kind as its line; one with a say, by it.
    said, say = _recorded()
    repeats = Repeats(10.0)
    caplog.set_level(logging.WARNING, logger="alexaskill")
    for n in range(256):
        for _ in range(3 if n < 128 else 2):  # (the first 128 counted most: kept)
            repeats.unsaid(f"k{n}", say if n != 255 else None)
    assert repeats.unsaid("new", say) == 0
    assert [r.getMessage() for r in caplog.records] == ["k255 (1 more since the last such line)"]
    assert said == [(f"k{n}", 1) for n in range(128, 255)]
    assert repeats.unsaid("k255") == 0  # (forgotten: its count said once, above)


def test_the_kinds_counted_most_are_kept_through_a_flood_of_distinct_lines(
    clock: list[float],
) -> None:
    # 128 kinds said again and again, then a flood of distinct lines each twice: past half the
    # bound counting, every count was said and every kind forgotten, each pass (one every 127
    # new kinds), so the busy kinds were said twice a pass (their count, then as new), not
    # once a window. The kinds counted most are kept; the others' counts are said at once.
    said, say = _recorded()
    repeats = Repeats(10.0)
    lines_in = lines_out = 0
    for n in range(1000):
        for kind in [f"hot {n % 128}"] * 6 if n < 128 else [f"distinct {n}"] * 2:
            lines_in += 1
            lines_out += repeats.unsaid(kind, say) is not None
    assert not [kind for kind, _ in said if kind.startswith("hot")]
    assert all(repeats.unsaid(f"hot {n}", say) is None for n in range(128))  # still held
    lines_in += 128
    repeats.say_unsaid()
    assert sum(count for _, count in said) == lines_in - lines_out  # no count lost
    assert lines_out + len(said) <= lines_in
    assert len(repeats._said) <= 256


def test_a_flood_of_distinct_kinds_keeps_one_timer_pending(clock: list[float]) -> None:
    # One loop timer a window with a count, those of kinds forgotten since included: a flood of
    # distinct lines, each twice, left a timer pending for each, as many as 10 s of requests
    # brought (768 here). One timer says every window as it ends, and is then set for the next.
    _, say = _recorded()

    async def flood() -> int:
        repeats = Repeats(10.0)
        for n in range(3 * 256):
            assert repeats.unsaid(f"distinct {n}", say) == 0
            assert repeats.unsaid(f"distinct {n}", say) is None
        return _pending(asyncio.get_running_loop())

    assert asyncio.run(flood()) == 1


@pytest.mark.parametrize("first", ["a", "b"])
def test_one_timer_says_each_window_as_it_ends_the_earliest_first(
    first: str, clock: list[float]
) -> None:
    # "a" is said at 1000, "b" at 1000.01: their windows end 0.01 s apart, whichever is counted
    # first (the timer set for the later end is brought forward for the earlier).
    said, say = _recorded()

    async def flood() -> int:
        repeats = Repeats(0.02)  # (seconds of the loop's timer; the windows', on `clock`)
        repeats.unsaid("a", say)
        clock[0] += 0.01
        repeats.unsaid("b", say)
        for kind in (first, "b" if first == "a" else "a", "a"):
            assert repeats.unsaid(kind, say) is None
        pending = _pending(asyncio.get_running_loop())
        await _until(said, 2)
        return pending

    assert asyncio.run(flood()) == 1
    assert said == [("a", 2), ("b", 1)]


def test_say_unsaid_says_the_counts_kept_without_a_say_with_the_one_it_is_given(
    clock: list[float],
) -> None:
    # A count of lines passed no say (`unsaid(kind)`) waited for the next line of its kind,
    # and went unsaid at shutdown, say_unsaid having nothing to say it with: it takes one, for
    # them. Without one, such a count is left as it is, for the next line.
    said, say = _recorded()
    repeats = Repeats(10.0)
    for _ in range(3):
        repeats.unsaid("k")
    repeats.unsaid("j", say)
    repeats.unsaid("j", say)
    repeats.say_unsaid()
    assert said == [("j", 1)]
    repeats.say_unsaid(say)
    assert said == [("j", 1), ("k", 2)]
    repeats.say_unsaid(say)  # (said once)
    assert said == [("j", 1), ("k", 2)]


def test_due_holds_a_bounded_number_of_keys() -> None:
    # Its callers' keys are a few words each (busy, failed, stuck), but the dict was unbounded:
    # a caller keying it by what requests bring kept a key for each. Bounded as `remember` is.
    from alexaskill.log_repeats import due

    said: dict[str, list[float]] = {}
    for n in range(300):
        assert due(said, f"key {n}", 0.0) == (0, math.inf)
    assert len(said) <= 256
    assert due(said, "key 299", 1.0) is None  # the keys since the last forgetting are held


def test_the_counts_of_lines_unsaid_are_said_with_thousands_separators(
    clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    # A flood under load counts thousands a window: "(1234 more since the last such line)".
    # Each count is said once a window (its line, or the window's end), never once a request.
    from types import SimpleNamespace

    from alexaskill import finishing
    from alexaskill.exceptions import StoreError, TimestampError
    from alexaskill.refusal_warnings import warn_refused

    caplog.set_level(logging.WARNING, logger="alexaskill")
    repeats, refusals, failures = Repeats(10.0), Repeats(10.0), Repeats(10.0)
    finished: Any = SimpleNamespace(_store_failures_said=failures)
    down = StoreError("the store is down")
    for _ in range(1 + 1_234):
        repeats.warn(log_repeats.logger, "forged")
        warn_refused(refusals, None, TimestampError("too old"))
        finishing.Finishing._said_store_failure(finished, down, "attributes not loaded for %s", "x")
    clock[0] += 10
    repeats.warn(log_repeats.logger, "forged")
    warn_refused(refusals, None, TimestampError("too old"))
    finishing.Finishing._said_store_failure(finished, down, "attributes not loaded for %s", "x")
    for _ in range(1_500):  # (counted, then said by each one's say, at shutdown)
        warn_refused(refusals, None, TimestampError("too old"))
        finishing.Finishing._said_store_failure(finished, down, "attributes not loaded for %s", "x")
    refusals.say_unsaid()
    failures.say_unsaid()
    said = [r.getMessage() for r in caplog.records][3:]
    assert said == [
        "forged (1,234 more since the last such line)",
        "refused request: too old (1,234 more refused:timestamp since the last such line)",
        "attributes not loaded for x: the store is down (1,234 more since the last such line)",
        "refused request: 1,500 more refused:timestamp since the last such line",
        "attributes not loaded or saved: the store is down (1,500 more since the last such line)",
    ], said
