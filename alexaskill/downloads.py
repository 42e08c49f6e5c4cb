"""Certificate-chain downloads under attack: shared, bounded, queued by demand, failures remembered.

Forged requests may name any URL under ``https://s3.amazonaws.com/echo.api/``, and until a chain
is cached every new URL would cost the server a download. `Downloads` bounds that cost and keeps
forged requests from crowding out genuine ones:

- one download per URL at a time, shared by every request that needs that URL meanwhile;
- at most ``max_downloads`` downloads at once; further URLs wait in a queue of at most
  ``max_queued``, and a request naming yet another URL is refused at once;
- a freed slot goes to the waiting URL the most requests are waiting for, the oldest among
  equals. Amazon signs all of a skill's requests with one URL at a time, so genuine requests pile
  up on one URL, while a forged URL is wanted by the few requests that name it;
- waiting for a slot plus downloading take at most ``timeout`` seconds; a download that ran out
  of time having waited more than half of it for its slot is not remembered as failing. The
  download is told what is left of them (`time_left`), for its transport's own timeout;
- a URL whose download or chain failed is refused without a new download for ``failure_ttl``
  seconds, or `TRANSIENT_FAILURE_TTL` seconds when the failure may pass (a timeout, a network
  error, HTTP 5xx, a chain out of its dates: `CertificateUnavailableError`), so repeating one
  made-up URL costs one download, not one per request. At most ``failure_cache_size`` URLs
  are remembered;
- with ``max_new_urls`` set (none by default), at most that many URLs never loaded before start
  a download in a window of ``new_url_interval`` seconds (counted from the first of them): past
  it a request naming another such URL is refused at once, without a download, and a WARNING
  says so (once in `CAP_WARNING_EVERY` seconds, with how many went unsaid). A fresh made-up URL
  in each forged request otherwise costs a download each. A URL that loaded once (its chain now
  out of the cache, or out of its dates) is not new; but a genuine URL not loaded yet (at
  start-up, or when Amazon changes it) is refused too while a flood has spent the window, and
  a few forged requests a window would keep it so: hence no cap unless asked for;
- the downloads in flight belong to one event loop. A request on another loop meanwhile (one
  skill served from two threads) downloads alone, within ``timeout``: one download per URL,
  shared by that loop's requests for it, at most ``max_downloads`` such at once (a request past
  them is refused at once: no queue across loops); once nothing is in flight, the next loop's
  requests share again.

The Verifier owns one `Downloads` and caches the chains it returns; this module knows nothing of
certificates beyond the errors it raises.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any, Final, Generic, TypeVar

from .exceptions import CertificateError, CertificateUnavailableError
from .log_repeats import Repeats
from .shown_names import shown, shown_value

__all__ = [
    "CAP_WARNING_EVERY",
    "NETWORK_ADVICE",
    "TIMED_OUT",
    "TRANSIENT_FAILURE_TTL",
    "Downloads",
    "time_left",
]

logger = logging.getLogger("alexaskill.verify")

T = TypeVar("T")

#: Seconds a URL whose download failed in a way that may pass is refused before a new try.
TRANSIENT_FAILURE_TTL: Final = 2.0

_TOO_MANY: Final = "certificate chain: too many downloads in progress"
#: The refusal of a download out of time: the limit's, or its transport's own timeout's.
TIMED_OUT: Final = "certificate chain: download timed out"
_CAPPED: Final = "certificate chain: too many new certificate URLs; not downloaded"
#: Seconds between two warnings that the cap on new URLs refused requests.
CAP_WARNING_EVERY: Final = 10.0

#: When the time limit of the download this task runs ends (``time.monotonic()``'s seconds).
_DEADLINE: ContextVar[float | None] = ContextVar("_DEADLINE", default=None)


def time_left() -> float | None:
    """The seconds left of the time limit of the download being made (called from the ``load``
    of `Downloads.get`: the wait for its slot spent), None outside one. Given to its transport,
    so that its own timeout (which names the stage that ran out) is due with the limit, not
    seconds after it."""
    deadline = _DEADLINE.get()
    return None if deadline is None else max(deadline - time.monotonic(), 0.0)


class _Download:
    """One URL's download: the task every request for the URL awaits, and who waits for it."""

    __slots__ = ("loop", "order", "slot", "task", "waiters")

    def __init__(self, order: int, loop: asyncio.AbstractEventLoop) -> None:
        self.order = order
        #: The event loop of its task and slot: only requests on that loop may await them.
        self.loop = loop
        #: Requests awaiting the task now: the URL's demand, which orders the queue.
        self.waiters = 0
        #: Set when the download waits in the queue; resolved when it is handed a slot.
        self.slot: asyncio.Future[None] | None = None
        self.task: asyncio.Future[Any] | None = None


#: The names of `Downloads`' limits, as `Verifier` takes them.
_LIMITS: Final = (
    "max_downloads",
    "max_queued_downloads",
    "download_timeout",
    "failure_ttl",
    "failure_cache_size",
    "max_new_urls",
    "new_url_interval",
)


class Downloads(Generic[T]):
    """Runs ``load()`` for a URL under the limits in the module docstring; see `get`."""

    def __init__(
        self,
        *,
        max_downloads: int = 4,
        max_queued: int = 64,
        timeout: float = 5.0,
        failure_ttl: float = 60.0,
        failure_cache_size: int = 1024,
        max_new_urls: int | None = None,
        new_url_interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        numbers = (
            max_downloads,
            max_queued,
            timeout,
            failure_ttl,
            failure_cache_size,
            1 if max_new_urls is None else max_new_urls,  # (None: no cap)
            new_url_interval,
        )
        for name, value in zip(_LIMITS, numbers, strict=True):
            if isinstance(value, bool) or not isinstance(value, int | float):  # (said by name)
                raise TypeError(f"{name} must be a number, not {shown_value(value)}")
        for name, count in (
            ("max_downloads", max_downloads),
            ("max_queued_downloads", max_queued),
            ("failure_cache_size", failure_cache_size),
            ("max_new_urls", 1 if max_new_urls is None else max_new_urls),
        ):
            # NaN passed every comparison below and bounded nothing: max_downloads=nan refused
            # every download, failure_cache_size=nan (or inf) remembered failures without end.
            if not whole_count(count):
                raise ValueError(f"{name} must be a whole number, not {shown_value(count)}")
        if max_downloads < 1:
            raise ValueError(f"max_downloads must be at least 1, not {shown_value(max_downloads)}")
        if max_queued < 0:
            raise ValueError(
                f"max_queued_downloads must be 0 or more, not {shown_value(max_queued)}"
            )
        if not timeout > 0 or math.isinf(timeout):
            raise ValueError(
                f"download_timeout must be positive seconds, not {shown_value(timeout)}"
            )
        if not failure_ttl >= 0 or math.isinf(failure_ttl):
            raise ValueError(
                f"failure_ttl must be 0 or more seconds, not {shown_value(failure_ttl)}"
            )
        if failure_cache_size < 1:
            raise ValueError(
                f"failure_cache_size must be at least 1, not {shown_value(failure_cache_size)}"
            )
        if max_new_urls is not None and max_new_urls < 1:  # (0: Alexa's first chain refused)
            raise ValueError(
                "max_new_urls must be at least 1 (or None: no cap), not "
                f"{shown_value(max_new_urls)}"
            )
        if not new_url_interval > 0 or math.isinf(new_url_interval):
            raise ValueError(
                f"new_url_interval must be positive seconds, not {shown_value(new_url_interval)}"
            )
        self.max_downloads = max_downloads
        self.max_queued = max_queued
        self.timeout = timeout
        self.failure_ttl = failure_ttl
        self.failure_cache_size = failure_cache_size
        self.max_new_urls = max_new_urls
        self.new_url_interval = new_url_interval
        self._clock = clock
        #: URLs whose ``load`` succeeded, not new to the cap (as many as failures, at most).
        self._loaded: OrderedDict[str, None] = OrderedDict()
        #: When the cap's window began, and the new URLs it let start a download since; read
        #: and written under its lock: requests on two event loops (two threads) count at once.
        self._window: tuple[float, int] = (-math.inf, 0)
        self._window_lock = threading.Lock()
        self._capped_said = Repeats(CAP_WARNING_EVERY)
        self._loading: dict[str, _Download] = {}
        self._queue: list[_Download] = []
        self._active = 0
        #: URL -> (until, the error's class, its message, its detail for the log).
        self._failures: OrderedDict[str, tuple[float, type[CertificateError], str, str | None]] = (
            OrderedDict()
        )
        self._order = itertools.count()
        #: The event loop the downloads in flight (tasks, slots) belong to.
        self._loop: asyncio.AbstractEventLoop | None = None
        #: Downloads of requests on other loops than ``_loop``'s (`_alone`), one task per loop
        #: and URL, and their lock: those loops' threads list them.
        self._alone_tasks: dict[tuple[asyncio.AbstractEventLoop, str], asyncio.Future[Any]] = {}
        self._alone_lock = threading.Lock()

    @property
    def loading(self) -> int:
        """URLs downloading or waiting for a slot now."""
        return len(self._loading)

    @property
    def remembered_failures(self) -> int:
        """URLs refused without a download for now, because they failed recently."""
        return len(self._failures)

    async def get(
        self,
        url: str,
        load: Callable[[], Awaitable[T]],
        *,
        timed_out: Callable[[float], str] | None = None,
    ) -> T:
        """``await load()`` for ``url``, sharing the download with the other requests for it;
        ``timed_out(seconds)`` says for the log how a ``load`` that ran out of time got there
        (else the network's advice: `unreachable`).

        `CertificateError` without calling ``load`` when ``url`` failed recently, when too many
        URLs are downloading and waiting already, or when it is new past ``max_new_urls``;
        `CertificateError` too when no slot was free within ``timeout`` seconds, or when
        ``load`` did not finish in the time left.
        """
        failure = self._failures.get(url)
        if failure is not None:
            until, kind, reason, detail = failure
            if self._clock() < until:
                again = kind(f"{reason} (a recent failure: not tried again yet)")
                if isinstance(again, CertificateUnavailableError):
                    again.detail = detail
                raise again
            self._failures.pop(url, None)  # (a request on another thread may have done so)
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            if self._loading or self._active:
                # Downloads of another event loop (another thread) are in flight: their tasks
                # and slots cannot be awaited here, so this request downloads alone, in time.
                return await self._alone(url, load, timed_out)
            self._loop = loop  # the loops take turns (asyncio.run per call, a second server)
        download = self._loading.get(url)
        if download is not None and download.loop is not loop:
            # Two threads took the turn at once (each found nothing in flight), and this URL's
            # download is the other loop's: not awaitable here, so this request downloads alone.
            return await self._alone(url, load, timed_out)
        if download is None or download.task is None or download.task.done():
            if len(self._loading) >= self.max_downloads + self.max_queued:
                # Refused, not queued: the queue is full of other URLs' requests already.
                raise CertificateError(_TOO_MANY)
            self._count_new(url)
            download = self._loading[url] = _Download(next(self._order), loop)
            # The task outlives a caller that goes away (shield): others may be waiting for it,
            # and its chain will serve the next request.
            download.task = task = asyncio.ensure_future(self._run(url, download, load, timed_out))
            task.add_done_callback(_consume_exception)
            # (Also unlisted by _run as it ends; this covers a task cancelled before it began.)
            task.add_done_callback(lambda _: self._unlist(url, download))
        download.waiters += 1
        try:
            result: T = await asyncio.shield(download.task)
        finally:
            download.waiters -= 1
        return result

    async def _alone(
        self,
        url: str,
        load: Callable[[], Awaitable[T]],
        timed_out: Callable[[float], str] | None,
    ) -> T:
        """`_run` without a slot, for a request on another loop than the downloads in flight,
        shared by that loop's requests for the URL meanwhile, as a loop's own are (genuine
        requests all name one URL: each downloading alone, those past ``max_downloads`` were
        refused); refused past ``max_downloads`` such downloads at once: unbounded, a flood of
        made-up URLs on that loop made as many downloads at once as it sent requests."""
        key = (asyncio.get_running_loop(), url)
        with self._alone_lock:
            task = self._alone_tasks.get(key)
            if task is None:
                for gone in [listed for listed in self._alone_tasks if listed[0].is_closed()]:
                    del self._alone_tasks[gone]  # its loop closed with it pending: never done
                if len(self._alone_tasks) >= self.max_downloads:
                    raise CertificateError(_TOO_MANY)
                self._count_new(url)
                task = self._alone_tasks[key] = asyncio.ensure_future(
                    self._run(url, None, load, timed_out)
                )
                task.add_done_callback(_consume_exception)
                task.add_done_callback(lambda done: self._unlist_alone(key, done))
        result: T = await asyncio.shield(task)  # (outlives a caller gone: as in `get`)
        return result

    def _unlist_alone(self, key: tuple[asyncio.AbstractEventLoop, str], task: Any) -> None:
        with self._alone_lock:
            if self._alone_tasks.get(key) is task:
                del self._alone_tasks[key]

    def _count_new(self, url: str) -> None:
        """Count a download of ``url`` against the cap on new URLs, if it never loaded; refuse
        it (a `CertificateError`, said at WARNING once a while) past the cap."""
        cap, interval = self.max_new_urls, self.new_url_interval
        if cap is None or url in self._loaded:
            return
        now = self._clock()
        # One skill served on two event loops counts their new URLs here from two threads (a
        # loop's own requests come one at a time): each read the count before the other wrote
        # it back, and both passed the cap. Taken for new URLs only, so no cached chain's
        # request waits on it.
        with self._window_lock:
            began, count = self._window
            if now - began >= interval:
                began, count = now, 0
            capped = count >= cap
            if not capped:
                self._window = (began, count + 1)
        if capped:
            self._capped_said.warn(
                logger,
                f"certificate chain: {cap} new certificate URLs downloaded in "
                f"{interval:g} s (Verifier(max_new_urls={cap}, "
                f"new_url_interval={interval:g})): requests naming another URL not loaded "
                "before are refused without a download until the interval ends (forged "
                "requests naming made-up URLs?); cached chains still serve",
            )
            raise CertificateError(_CAPPED)

    def _loaded_now(self, url: str) -> None:
        loaded = self._loaded
        loaded.pop(url, None)  # (taken out and put back: as `_remember`, for other threads)
        loaded[url] = None
        try:
            while len(loaded) > self.failure_cache_size:
                loaded.popitem(last=False)
        except KeyError:
            pass

    def say_unsaid(self) -> None:
        """Say the count of refusals past the cap still unsaid (at shutdown: its timer ends
        with the event loop). `Verifier.say_unsaid` calls it (the skill's shutdown, and
        `Verifier.aclose`)."""
        self._capped_said.say_unsaid()

    def forget_failures(self) -> None:
        """Forget every remembered failure: the next request for any URL downloads again."""
        self._failures.clear()

    async def _run(
        self,
        url: str,
        download: _Download | None,
        load: Callable[[], Awaitable[T]],
        timed_out: Callable[[float], str] | None,
    ) -> T:
        """``load()`` within the timeout, in a slot (none for a download of no loop's turn)."""
        acquired = False
        started = time.monotonic()
        # Seconds spent queued for a slot: none when one was free. (Not the clock between start
        # and load alone: a loaded machine's stall there, no wait for a slot, passed for one.)
        queued = 0.0
        _DEADLINE.set(started + self.timeout)  # (this task's own context: `load`'s alone)
        try:
            async with asyncio.timeout(self.timeout):
                if download is not None and await self._acquire(download):
                    queued = time.monotonic() - started
                acquired = True
                result = await load()
            self._loaded_now(url)
            return result
        except TimeoutError as exc:
            if not acquired:
                # Says nothing about the URL: not remembered as its failure.
                raise CertificateError(
                    f"{_TOO_MANY} (no slot free within {self.timeout:g} s)"
                ) from exc
            reason = TIMED_OUT
            if timed_out is not None:
                detail = timed_out(self.timeout)
            else:
                detail = unreachable(url, TimeoutError(f"no answer within {self.timeout:g} s"))
            if queued <= self.timeout / 2:
                self._remember(url, CertificateUnavailableError, reason, detail)
            else:
                # Most of the time went waiting for the slot (other downloads held them, a
                # flood of forged URLs maybe): no failure of this URL's, which is tried again.
                reason += " (after waiting for a download slot)"
            raise CertificateUnavailableError(reason, detail=detail) from exc
        except CertificateError as exc:
            said: str | None = getattr(exc, "detail", None)
            if str(exc) == TIMED_OUT and queued > self.timeout / 2:
                # Its transport's own timeout, given the time left (`time_left`), after most of
                # it went waiting for the slot: not remembered either, as the limit's above.
                reason = f"{TIMED_OUT} (after waiting for a download slot)"
                raise CertificateUnavailableError(reason, detail=said) from exc
            self._remember(url, type(exc), str(exc), said)
            raise
        finally:
            if download is not None:
                if acquired:
                    self._release()
                self._unlist(url, download)

    def _unlist(self, url: str, download: _Download) -> None:
        if self._loading.get(url) is download:
            del self._loading[url]

    async def _acquire(self, download: _Download) -> bool:
        """Take a slot, queued for one if none is free; whether it was."""
        if self._active < self.max_downloads:
            self._active += 1
            return False
        slot = download.slot = asyncio.get_running_loop().create_future()
        self._queue.append(download)
        try:
            await slot
            return True
        except BaseException:
            if slot.done() and not slot.cancelled():
                self._release()  # handed a slot just as the wait ended: pass it on
            elif download in self._queue:
                self._queue.remove(download)
            raise

    def _release(self) -> None:
        """Hand the slot just freed to the waiting URL most requests wait for, else free it."""
        queue = self._queue
        while queue:
            best = max(queue, key=_priority)
            queue.remove(best)
            if best.slot is not None and not best.slot.done():  # (done: cancelled meanwhile)
                best.slot.set_result(None)
                return
        self._active -= 1

    def _remember(
        self, url: str, kind: type[CertificateError], reason: str, detail: str | None = None
    ) -> None:
        ttl = self.failure_ttl
        if issubclass(kind, CertificateUnavailableError):
            ttl = min(ttl, TRANSIENT_FAILURE_TTL)
        if ttl <= 0:
            return
        failures = self._failures
        # Taken out and put back at the end, never moved there: another thread's request may
        # evict it in between (a KeyError out of move_to_end, a 500 for this request).
        failures.pop(url, None)
        failures[url] = (self._clock() + ttl, kind, reason, detail)
        try:  # (emptied meanwhile by those threads' trimming: nothing left to evict)
            while len(failures) > self.failure_cache_size:
                failures.popitem(last=False)
        except KeyError:
            pass


def whole_count(count: float) -> bool:
    """Whether ``count`` (a number) is a whole one: an int, or a float such as 4.0. (Also
    the verifier's check of its own counts.)"""
    return isinstance(count, int) or count.is_integer()  # (False for NaN and infinities)


def _priority(download: _Download) -> tuple[int, int]:
    return download.waiters, -download.order


def _consume_exception(task: asyncio.Future[Any]) -> None:
    # The callers see the error; this only keeps asyncio from logging "never retrieved" when
    # every caller has gone away meanwhile.
    if not task.cancelled():
        task.exception()


#: What to check when a chain download found no server: this server's way out.
NETWORK_ADVICE: Final = (
    "this server must reach Amazon's certificate URLs over HTTPS to verify Alexa's requests: "
    "allow outbound HTTPS to them, check DNS, or set HTTPS_PROXY to the proxy it must use"
)


def unreachable(url: str, exc: BaseException) -> str:
    """What the log says of a chain download that failed: the error, and what to check."""
    said = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return f"GET {shown(url)}: {said}; {NETWORK_ADVICE}"
