"""One Verifier's chain downloads on several event loops and threads: each loop's downloads
finish and are bounded as its own, a URL's download shared, and the failure memory changed by
another thread meanwhile is no KeyError.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from alexaskill.downloads import Downloads
from alexaskill.exceptions import (
    CertificateError,
    CertificateUnavailableError,
)

from .downloads_shared import forged, run
from .in_threads import ended

# --- one Verifier, several event loops -----------------------------------------------------------


def test_downloads_of_two_event_loops_at_once_each_finish() -> None:
    # One skill served from two loops in two threads: a download in flight belongs to the first
    # loop, and awaiting it from the second raised RuntimeError (a 500 for a forged request).
    downloads: Downloads[str] = Downloads()
    results: dict[str, object] = {}

    async def load() -> str:
        await asyncio.sleep(0.3)
        return "chain"

    def serve(name: str, delay: float) -> None:
        async def go() -> None:
            await asyncio.sleep(delay)
            try:
                results[name] = await downloads.get("url", load)
            except Exception as exc:  # the test reports whatever it was
                results[name] = exc

        asyncio.run(go())

    threads = [
        threading.Thread(target=serve, args=(n, d), daemon=True) for n, d in (("a", 0), ("b", 0.1))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        ended(thread)
    assert results == {"a": "chain", "b": "chain"}
    assert downloads.loading == 0 and downloads._active == 0
    # The loops then take turns: a later loop shares its downloads again.
    assert run(downloads.get("url", load)) == "chain"
    assert downloads._loop is not None


@contextmanager
def another_loop_downloading(downloads: Downloads[str]) -> Iterator[None]:
    """A download of "url" in flight on another thread's event loop throughout the block."""
    started = threading.Event()
    release = threading.Event()

    async def slow() -> str:
        started.set()
        while not release.is_set():
            await asyncio.sleep(0.01)
        return "theirs"

    other = threading.Thread(target=lambda: asyncio.run(downloads.get("url", slow)), daemon=True)
    other.start()
    try:
        assert started.wait(10)
        yield
    finally:
        release.set()
        ended(other)


def test_a_download_of_another_loop_listed_under_this_loops_turn_is_not_awaited_here() -> None:
    # Two threads' first requests at once: each may find nothing in flight and take the turn
    # (between one's check and its listing of a download), so that the other then finds a
    # download of the first's loop listed while the turn says its own. Awaited from here, it
    # raised RuntimeError ("attached to a different loop"): a 500.
    downloads: Downloads[str] = Downloads()
    with another_loop_downloading(downloads):

        async def here() -> str:
            downloads._loop = asyncio.get_running_loop()  # the turn taken at the same moment

            async def quick() -> str:
                return "ours"

            return await downloads.get("url", quick)

        assert run(here()) == "ours"
    assert downloads.loading == 0


def test_downloads_alone_on_another_loop_are_bounded_as_the_loops_own_are() -> None:
    # One skill served from two loops: while the first has a download in flight, the second's
    # requests download alone (the first's tasks cannot be awaited there). Each of them
    # downloaded, without bound: a flood of made-up URLs on that loop opened as many downloads
    # at once as it sent requests. At most max_downloads run at once there too.
    downloads: Downloads[str] = Downloads(max_downloads=2, max_queued=0)
    with another_loop_downloading(downloads):

        async def flood() -> tuple[int, list[object]]:
            gate = asyncio.Event()
            running = most = 0

            async def load() -> str:
                nonlocal running, most
                running += 1
                most = max(most, running)
                await gate.wait()
                running -= 1
                return "chain"

            tasks = [asyncio.ensure_future(downloads.get(forged(n), load)) for n in range(10)]
            for _ in range(5):  # every request under way: downloading, or refused
                await asyncio.sleep(0)
            gate.set()
            return most, await asyncio.gather(*tasks, return_exceptions=True)

        most, results = run(flood())
    assert most == 2
    assert results.count("chain") == 2
    refused = [r for r in results if isinstance(r, CertificateError)]
    assert len(refused) == 8
    assert all("too many downloads in progress" in str(r) for r in refused)
    assert downloads.remembered_failures == 0  # a refusal says nothing about its URL

    async def again() -> str:  # the count is given back: this loop's next requests download
        return "chain"

    assert run(downloads.get(forged("after"), again)) == "chain"


def test_requests_alone_on_another_loop_for_one_url_share_its_download() -> None:
    # While one loop has a download in flight, another loop's requests download alone, at most
    # max_downloads at once. Genuine requests all name Amazon's one URL: past max_downloads of
    # them at once they were refused (400, "too many downloads in progress"), where the loop's
    # own share one download. They share one there too, and the count is given back as the
    # downloads end (cancelled or not), the first loop's download still in flight.
    downloads: Downloads[str] = Downloads(max_downloads=2, max_queued=0)
    with another_loop_downloading(downloads):

        async def genuine() -> tuple[int, list[str | BaseException], list[str]]:
            gate = asyncio.Event()
            loads = 0

            async def load() -> str:
                nonlocal loads
                loads += 1
                await gate.wait()
                return "chain"

            tasks = [asyncio.ensure_future(downloads.get("url", load)) for _ in range(5)]
            await asyncio.sleep(0)  # every request under way
            tasks[0].cancel()  # a request gone (its deadline): the others' download goes on
            await asyncio.sleep(0)
            gate.set()
            results = await asyncio.gather(*tasks[1:], return_exceptions=True)
            cancelled = asyncio.ensure_future(downloads.get(forged("cancelled"), load))
            gate.clear()
            await asyncio.sleep(0)
            cancelled.cancel()  # its only request gone: the download is given up, or ends
            gate.set()
            await asyncio.gather(cancelled, return_exceptions=True)
            for _ in range(10):  # its download ends, and is unlisted
                await asyncio.sleep(0)
            after = await asyncio.gather(*(downloads.get(forged(n), load) for n in range(2)))
            return loads, results, after

        loads, results, after = run(genuine())
    assert results == ["chain"] * 4
    assert after == ["chain", "chain"]  # two at once: the counts were given back
    assert loads == 1 + 1 + 2


def test_a_download_alone_of_a_loop_closed_meanwhile_is_no_longer_counted() -> None:
    # A loop closed with a download alone pending (stopped, not run to its end): the download
    # never ends, and it held one of the max_downloads such downloads for the process's life.
    downloads: Downloads[str] = Downloads(max_downloads=1, max_queued=0)

    async def never() -> str:
        await asyncio.Event().wait()
        return "never"

    async def quick() -> str:
        return "chain"

    with another_loop_downloading(downloads):
        closed = asyncio.new_event_loop()
        pending = closed.create_task(downloads.get(forged("pending"), never))
        closed.run_until_complete(asyncio.sleep(0.01))
        assert not pending.done()
        closed.set_exception_handler(lambda loop, context: None)  # ("destroyed but pending")
        closed.close()
        assert run(downloads.get(forged("next"), quick)) == "chain"


def test_an_expired_failure_another_thread_forgot_meanwhile_is_no_keyerror() -> None:
    # Two threads' requests for a URL whose failure just expired: each finds it, and the one
    # that forgets it second found it gone (a KeyError, a 500, had it assumed it there).
    ticks = [0.0]
    downloads: Downloads[str] = Downloads(failure_ttl=10, clock=lambda: ticks[0])

    async def failing() -> str:
        raise CertificateUnavailableError("no answer")

    with pytest.raises(CertificateUnavailableError):
        run(downloads.get("url", failing))
    assert downloads.remembered_failures == 1

    def the_other_thread_forgets_it() -> float:
        downloads._failures.pop("url", None)  # between this one's look and its forgetting
        return 11.0

    downloads._clock = the_other_thread_forgets_it

    async def load() -> str:
        return "chain"

    assert run(downloads.get("url", load)) == "chain"
    assert downloads.remembered_failures == 0


def test_a_failure_another_thread_evicts_as_it_is_remembered_is_no_keyerror() -> None:
    # Two threads' requests on a full failure memory: the other's eviction came between this
    # one's remembering a URL and moving it to the end (a KeyError, a 500, instead of a 400).
    downloads: Downloads[str] = Downloads(failure_cache_size=1)

    class EvictedMeanwhile(OrderedDict[str, Any]):  # the memory, as the other thread leaves it
        def __setitem__(self, key: str, value: Any) -> None:
            super().__setitem__(key, value)
            self.pop(key)  # the other thread's eviction, just after

    downloads._failures = EvictedMeanwhile()

    async def failing() -> str:
        raise CertificateError("certificate chain: download answered HTTP 403")

    with pytest.raises(CertificateError, match="HTTP 403"):
        run(downloads.get(forged("evicted"), failing))


def test_a_failure_memory_emptied_by_another_thread_as_it_is_trimmed_is_no_keyerror() -> None:
    # Two threads' requests trimming a full failure memory at once: the other's eviction came
    # between this one's count of the memory and its eviction of the oldest entry, leaving it
    # empty (a KeyError out of popitem, a 500, instead of the failure's 400).
    downloads: Downloads[str] = Downloads(failure_cache_size=1)

    class EmptiedMeanwhile(OrderedDict[str, Any]):  # the memory, as the other thread leaves it
        def popitem(self, last: bool = True) -> tuple[str, Any]:
            self.clear()  # the other thread's evictions, just before
            return super().popitem(last)

    downloads._failures = EmptiedMeanwhile()
    downloads._failures["other"] = (float("inf"), CertificateError, "another URL's", None)

    async def failing() -> str:
        raise CertificateError("certificate chain: download answered HTTP 403")

    with pytest.raises(CertificateError, match="HTTP 403"):
        run(downloads.get(forged("emptied"), failing))
