"""What the response deadline's tests (tests/test_deadline*.py) share: how long they wait, the
deadline's movable clock, an event that ends blocked handlers, and the cancel scope's path
(trio's) taken on asyncio. (Their stand-in Lambda context is tests/lambda_runtime.py's
`LambdaContext`, their answers' speech tests/aws_lambda_shared.py's `speech`.)

Each module binds the fixtures it uses (``clock = deadline_shared.clock``; tests/test_lambda_web.py
and tests/test_progressive_late.py too): registered in tests/conftest.py they would be every
module's, and ``clock`` and ``release`` are names other modules give fixtures of their own
(tests/test_log_repeats.py). (``anyio_backend``, asyncio, is conftest's.)
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping, MutableMapping
from typing import Any

import pytest

from alexaskill import Skill
from alexaskill.answering import Answer
from alexaskill.app import DEADLINE_REPLY
from alexaskill.deadline import RESOLUTION, Watchdog
from alexaskill.models import decode_envelope
from alexaskill.store import MemoryStore
from alexaskill.testing import RequestFactory, TestPKI

from .app_shared import post_scope
from .conftest import SKILL_ID
from .deadline_clock import Clock, patch_clock

# Long enough that a handler cannot finish in it by accident, nor a quick request miss it on a
# busy machine (a verify took 0.7 s under a load of 6 on two cores); short enough for quick tests.
SHORT = 1.0
# How long a test waits for a thread to report, at most.
WAIT = 5.0
# Longer than any stall of a loaded machine: what waits this long must be ended by the code
# under test (or by the test), never by the wait running out.
LONG = 60.0


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return patch_clock(monkeypatch)


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at the end of the test, so that a handler blocked on it ends."""
    event = threading.Event()
    yield event
    event.set()


def request_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "alexaskill.request"]


def wait_for(condition: Any) -> None:
    deadline = time.monotonic() + LONG
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not met in time")
        time.sleep(0.01)


class Looks:
    """When each look of the watchdog began (on the test's clock), and the watchdogs that
    looked, whose ``ticking`` False says nothing is watched: nothing can fire until a new
    request is watched. What a test waits for before letting a save through past a deadline
    (moved on with ``clock.skip``): by then, a task still watched would have been cancelled."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, clock: Clock) -> None:
        self.began: list[float] = []
        self.watchdogs: set[Watchdog] = set()
        tick = Watchdog._tick

        def looking(watchdog: Watchdog) -> None:
            self.watchdogs.add(watchdog)
            began = clock.perf_counter()
            tick(watchdog)
            self.began.append(began)

        monkeypatch.setattr(Watchdog, "_tick", looking)

    def settled(self, past: float) -> bool:
        """Whether a watchdog looked after ``past`` (a deadline then passed was seen) or has
        stopped looking. Never before any watchdog looked at all: "none of no watchdogs ticks"
        would hold at once, before a request still watched was looked at."""
        return bool(self.watchdogs) and (
            not any(watchdog.ticking for watchdog in self.watchdogs)
            or any(began > past for began in self.began)
        )

    async def settle(self, past: float) -> None:
        """`settled`, waited for on the event loop (from a store's write, say)."""
        while not self.settled(past):
            await asyncio.sleep(RESOLUTION)


class SlowStore(MemoryStore):
    """A `MemoryStore` whose save awaits ``before()`` first (a store slow to write: the test's
    clock moved on, say, then `Looks.settle`; or down: a ``before`` that raises): how many saves
    began, and how many were done."""

    def __init__(self, before: Callable[[], Awaitable[None]]) -> None:
        super().__init__()
        self.before = before
        self.began = self.saved = 0

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Any,
        increments: Mapping[str, int] | None = None,
    ) -> None:
        self.began += 1
        await self.before()
        await super().update(key, changes, deleted, increments)
        self.saved += 1


def slow_save(clock: Clock, looks: Looks, takes: float) -> Callable[[], Awaitable[None]]:
    """A `SlowStore`'s ``before``: a save that takes ``takes`` seconds of ``clock``, then waits
    for the watchdog's look past them (a task still watched is cancelled by then)."""

    async def before() -> None:
        clock.skip(takes)
        await looks.settle(clock.perf_counter())

    return before


def slow_saving(monkeypatch: pytest.MonkeyPatch, clock: Clock, takes: float) -> SlowStore:
    """A `SlowStore` whose every save takes ``takes`` seconds of ``clock`` (`slow_save`)."""
    return SlowStore(slow_save(clock, Looks(monkeypatch, clock), takes))


def saves_to_the_end(done: tuple[float, str], end: str = "function") -> pytest.MarkDecorator:
    """Parametrize ``takes`` and ``said`` of a save on AWS Lambda: ``done``, how long one over
    before the function's end (its remaining time less LAMBDA_MARGIN; the ``end`` named in the
    ids) takes and the speech then; and LONG, one not over by then, answered `DEADLINE_REPLY`."""
    return pytest.mark.parametrize(
        ("takes", "said"),
        [done, (LONG, DEADLINE_REPLY)],
        ids=[f"done before the {end}'s end", f"not done by the {end}'s end"],
    )


def noted_graces(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The graces the exception handler for `DeadlineExceeded` is given from now on, as the code
    reckons them (`DeadlineAnswering._recover_within`'s, not the clock's elapsed time, which a
    loaded machine stretches)."""
    from alexaskill.deadline_answering import DeadlineAnswering

    graces: list[float] = []
    recover_within = DeadlineAnswering._recover_within

    async def noting(self: Any, exc: Any, call: Any, grace: float, *args: Any) -> Any:
        graces.append(grace)
        return await recover_within(self, exc, call, grace, *args)

    monkeypatch.setattr(DeadlineAnswering, "_recover_within", noting)
    return graces


def lambda_event(name: str) -> dict[str, Any]:
    return RequestFactory().intent(name)


def signed_hello(
    skill: Skill, send: Callable[[MutableMapping[str, Any]], Awaitable[None]] | None = None
) -> tuple[Callable[[], Coroutine[Any, Any, None]], list[MutableMapping[str, Any]]]:
    """Set ``skill``'s verifier to the test PKI's and make a signed Hello for it: the call that
    POSTs it to the skill as an ASGI app, and the list of the messages the skill sends (to
    ``send``, if given, instead: a client that reads nothing, say)."""
    pki = TestPKI.default()
    skill.verifier = pki.verifier()
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    headers = [(b"content-type", b"application/json")]
    headers += [(name.lower().encode(), value.encode()) for name, value in pki.sign(body).items()]
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def keep(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    return (lambda: skill(post_scope(headers), receive, send or keep)), sent


def as_under_trio(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cancel scope's path (trio's), on asyncio: the watchdog out of reach, and asyncio
    said not to be running."""
    import alexaskill.deadline_answering

    monkeypatch.setattr(alexaskill.deadline_answering, "watch", lambda *args: None)
    monkeypatch.setattr(alexaskill.deadline_answering, "on_asyncio", lambda: False)


async def respond_by(
    skill: Skill, intent: str, seconds: float = SHORT, now: Callable[[], float] | None = None
) -> Answer:
    """``skill``'s answer to an ``intent`` request, through `_respond_by`, due ``seconds``
    after ``now()`` (`time.perf_counter`'s, read at the call, by default)."""
    envelope = decode_envelope(json.dumps(RequestFactory().intent(intent)).encode())
    return await skill._respond_by(envelope, None, (now or time.perf_counter)() + seconds, seconds)


def cancel_both(task: asyncio.Task[Any], watchdog: Watchdog | None, outside_first: bool) -> None:
    """Cancel ``task`` from outside and make ``watchdog``'s look (which cancels a request whose
    deadline has passed) in the order given, with no await between: the task cannot run
    between the two cancellations."""
    assert watchdog is not None
    if outside_first:
        task.cancel()
        watchdog._tick()
    else:
        watchdog._tick()
        task.cancel()
