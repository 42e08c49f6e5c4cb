"""Chain downloads under attack: the queue, the failure memory, the Verifier's clients."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Skill, speak
from alexaskill.downloads import TRANSIENT_FAILURE_TTL, Downloads
from alexaskill.exceptions import (
    CertificateError,
    CertificateUnavailableError,
    ConfigurationError,
)
from alexaskill.testing import DEFAULT_CERT_URL, RequestFactory, TestPKI
from alexaskill.verify import Verifier

NOW = datetime.now(UTC).replace(microsecond=0)
BODY = json.dumps(RequestFactory().envelope("LaunchRequest", now=NOW)).encode()


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI.default()


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(coro)


def forged(n: int | str) -> str:
    return f"https://s3.amazonaws.com/echo.api/made-up-{n}.pem"


# --- genuine traffic wins over a flood of forged URLs (issue 11, point 4) -----------------------


def test_a_flood_of_forged_urls_does_not_starve_genuine_requests(pki: TestPKI) -> None:
    # Before the real chain is cached, four connections send forged requests back to back, each
    # naming a new made-up URL; every download is slow. Meanwhile Alexa sends 20 requests.
    fetched: list[str] = []

    async def slow_fetch(url: str) -> bytes:
        fetched.append(url)
        await asyncio.sleep(0.1)
        if url == DEFAULT_CERT_URL:
            return pki.chain_pem
        raise CertificateError("certificate chain: download answered HTTP 403")

    verifier = pki.verifier(fetch_chain=slow_fetch, now=lambda: NOW)
    assert verifier.max_downloads == 4
    flooding = True

    async def connection(number: int) -> int:
        sent = 0
        while flooding:
            sent += 1
            headers = pki.sign(BODY, cert_url=forged(f"{number}-{sent}"))
            with pytest.raises(CertificateError):
                await verifier.verify(headers, BODY)
        return sent

    async def alexa() -> list[BaseException | None]:
        requests = []
        for _ in range(20):
            requests.append(asyncio.ensure_future(verifier.verify(pki.sign(BODY), BODY)))
            await asyncio.sleep(0.02)
        return await asyncio.gather(*requests, return_exceptions=True)

    async def scenario() -> tuple[list[BaseException | None], list[int]]:
        nonlocal flooding
        flood = [asyncio.ensure_future(connection(number)) for number in range(4)]
        await asyncio.sleep(0.05)  # every download slot taken by a forged URL
        assert len(fetched) == 4
        outcomes = await alexa()
        flooding = False
        return outcomes, await asyncio.gather(*flood)

    outcomes, sent = run(scenario())
    refused = [outcome for outcome in outcomes if outcome is not None]
    assert len(refused) <= 1, refused
    assert fetched.count(DEFAULT_CERT_URL) == 1
    assert sum(sent) >= 8  # the flood went on all along


def test_a_freed_slot_goes_to_the_url_most_requests_wait_for() -> None:
    downloads: Downloads[str] = Downloads(max_downloads=1)
    release = asyncio.Event()
    started: list[str] = []

    def load(url: str) -> Callable[[], Awaitable[str]]:
        async def fetch() -> str:
            started.append(url)
            await release.wait()
            return url

        return fetch

    async def scenario() -> list[str]:
        busy = asyncio.ensure_future(downloads.get("busy", load("busy")))
        await asyncio.sleep(0)
        one = asyncio.ensure_future(downloads.get("one", load("one")))  # first in the queue
        others = [asyncio.ensure_future(downloads.get("two", load("two"))) for _ in range(2)]
        three = asyncio.ensure_future(downloads.get("three", load("three")))
        await asyncio.sleep(0)
        assert started == ["busy"] and downloads.loading == 4
        release.set()
        return await asyncio.gather(busy, one, *others, three)

    assert run(scenario()) == ["busy", "one", "two", "two", "three"]
    # two (two requests) before one (the oldest, one request), then one before three (age)
    assert started == ["busy", "two", "one", "three"]


def test_a_full_queue_refuses_at_once_and_a_slotless_wait_ends_in_time() -> None:
    downloads: Downloads[str] = Downloads(max_downloads=1, max_queued=1, timeout=0.2)
    never = asyncio.Event()
    queued_ended = asyncio.Event()

    async def stuck() -> str:
        await never.wait()
        return "never"

    async def holds_its_slot() -> str:
        # Timed out, it keeps the slot until the queued request has given up: the two 0.2 s
        # deadlines end in either order on a busy machine, and the slot freed first would let
        # the queued request begin (and time out downloading, another error).
        try:
            await never.wait()
        except asyncio.CancelledError:
            await asyncio.wait_for(queued_ended.wait(), 30)  # (30 s: a broken queue fails)
            raise
        return "never"

    async def scenario() -> None:
        busy = asyncio.ensure_future(downloads.get("busy", holds_its_slot))
        queued = asyncio.ensure_future(downloads.get("queued", stuck))
        queued.add_done_callback(lambda _: queued_ended.set())
        await asyncio.sleep(0)
        with pytest.raises(CertificateError, match=r"too many downloads in progress$"):
            await downloads.get("third", stuck)  # refused without waiting
        with pytest.raises(CertificateError, match=r"no slot free within 0\.2 s"):
            await queued
        with pytest.raises(CertificateUnavailableError, match="download timed out"):
            await busy
        assert downloads.loading == 0 and downloads._active == 0 and not downloads._queue
        # A URL that only waited for a slot is not remembered as failing; one that timed out is.
        assert list(downloads._failures) == ["busy"]

    run(scenario())


def test_a_download_that_ran_out_of_time_waiting_for_its_slot_is_not_a_failure_of_its_url() -> None:
    # The slot came late (a slow forged download held it): what was left of the time did not
    # suffice, which says nothing about the URL. The next request for it downloads again.
    downloads: Downloads[str] = Downloads(max_downloads=1, timeout=0.5)

    async def slow_forged() -> str:
        await asyncio.sleep(0.45)
        raise CertificateError("certificate chain: download answered HTTP 403")

    async def genuine_late() -> str:
        await asyncio.sleep(0.15)  # more than the time left after the wait for the slot
        return "chain"

    async def genuine() -> str:  # at once: no stall of a loaded machine can time it out
        return "chain"

    async def scenario() -> None:
        forged = asyncio.ensure_future(downloads.get("forged", slow_forged))
        await asyncio.sleep(0)
        with pytest.raises(CertificateError):
            await downloads.get("genuine", genuine_late)
        assert "genuine" not in downloads._failures
        assert await downloads.get("genuine", genuine) == "chain"
        with pytest.raises(CertificateError):
            await forged

    run(scenario())


def test_a_stall_before_a_download_with_a_free_slot_is_no_wait_for_a_slot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A slot was free, so the download never queued; but the process stalled between its start
    # and its load (a loaded machine: descheduled, or a garbage collection). Counted by the clock,
    # the stall passed for a wait for a slot: the timeout was said "after waiting for a download
    # slot" and not remembered as the URL's failure (tests/test_newcomer_errors.py failed so).
    downloads: Downloads[str] = Downloads(max_downloads=1, timeout=0.2)
    acquire = downloads._acquire

    async def stalled(download: Any) -> Any:
        queued = await acquire(download)
        time.sleep(0.15)  # the stall: blocking, as the OS's would be (more than half of 0.2 s)
        return queued

    monkeypatch.setattr(downloads, "_acquire", stalled)

    async def never() -> str:
        await asyncio.Event().wait()
        return "never"

    async def scenario() -> None:
        with pytest.raises(CertificateUnavailableError) as info:
            await downloads.get("url", never)
        assert str(info.value) == "certificate chain: download timed out"
        assert list(downloads._failures) == ["url"]

    run(scenario())


def test_a_cancelled_queued_download_leaves_the_queue_and_its_slot_passes_on() -> None:
    downloads: Downloads[str] = Downloads(max_downloads=1)
    release = asyncio.Event()

    async def fetch() -> str:
        await release.wait()
        return "chain"

    async def scenario() -> None:
        busy = asyncio.ensure_future(downloads.get("busy", fetch))
        waiting = asyncio.ensure_future(downloads.get("gone", fetch))
        last = asyncio.ensure_future(downloads.get("last", fetch))
        never_began = asyncio.ensure_future(downloads.get("never began", fetch))
        await asyncio.sleep(0)
        downloads._loading["never began"].task.cancel()  # type: ignore[union-attr]
        await asyncio.sleep(0)
        assert len(downloads._queue) == 2  # gone and last wait for busy's slot
        downloads._loading["gone"].task.cancel()  # type: ignore[union-attr]
        for cancelled in (waiting, never_began):
            with pytest.raises(asyncio.CancelledError):
                await cancelled
        release.set()
        assert await busy == await last == "chain"
        assert downloads._active == 0 and not downloads._queue and downloads.loading == 0

    run(scenario())


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("max_downloads", 0),
        ("max_queued", -1),
        ("timeout", 0),
        ("timeout", float("inf")),
        ("failure_ttl", -1),
        ("failure_ttl", float("nan")),
        ("failure_cache_size", 0),
    ],
)
def test_limits_must_make_sense(option: str, value: float) -> None:
    with pytest.raises(ValueError, match=option.replace("max_queued", "max_queued_downloads")):
        Downloads(**{option: value})  # type: ignore[arg-type]


# --- failures are remembered, briefly and in bounded number (issue 11, point 5) -----------------


def refusing_client(calls: list[str], status: int = 403) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(status, content=b"<Error><Code>AccessDenied</Code></Error>")

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def test_one_made_up_url_200_times_is_one_download(pki: TestPKI) -> None:
    calls: list[str] = []
    headers = pki.sign(BODY, cert_url=forged("x"))

    async def scenario() -> list[BaseException | None]:
        async with refusing_client(calls) as client:
            verifier = Verifier([pki.root], now=lambda: NOW, http_client=client)
            at_once = await asyncio.gather(
                *(verifier.verify(headers, BODY) for _ in range(100)), return_exceptions=True
            )
            one_by_one: list[BaseException | None] = []
            for _ in range(100):
                try:
                    await verifier.verify(headers, BODY)
                except CertificateError as exc:
                    one_by_one.append(exc)
            return at_once + one_by_one

    outcomes = run(scenario())
    assert len(outcomes) == 200
    assert all(isinstance(outcome, CertificateError) for outcome in outcomes)
    assert all("HTTP 403" in str(outcome) for outcome in outcomes)
    assert calls == [forged("x")]


def test_a_failure_that_may_pass_is_retried_after_two_seconds(pki: TestPKI) -> None:
    calls: list[str] = []
    headers = pki.sign(BODY, cert_url=forged("x"))
    ticks = [0.0]

    async def scenario() -> None:
        async with refusing_client(calls, status=503) as client:
            verifier = Verifier([pki.root], now=lambda: NOW, http_client=client)
            verifier._downloads._clock = lambda: ticks[0]
            for step in (0.0, 1.0, TRANSIENT_FAILURE_TTL - 1.0, 0.5):
                ticks[0] += step
                with pytest.raises(CertificateUnavailableError, match="HTTP 503"):
                    await verifier.verify(headers, BODY)

    run(scenario())
    assert len(calls) == 2  # at 0 s, and at 2 s


def test_the_failure_memory_is_bounded(pki: TestPKI) -> None:
    calls: list[str] = []

    async def scenario() -> Verifier:
        async with refusing_client(calls) as client:
            verifier = Verifier(
                [pki.root],
                now=lambda: NOW,
                http_client=client,
                failure_cache_size=50,
            )
            for n in range(120):
                with pytest.raises(CertificateError):
                    await verifier.verify(pki.sign(BODY, cert_url=forged(n)), BODY)
            assert verifier._downloads.remembered_failures == 50
            with pytest.raises(CertificateError, match="a recent failure"):
                await verifier.verify(pki.sign(BODY, cert_url=forged(119)), BODY)
            with pytest.raises(CertificateError, match=r"HTTP 403$"):  # forgotten: fetched again
                await verifier.verify(pki.sign(BODY, cert_url=forged(0)), BODY)
            return verifier

    run(scenario())
    assert len(calls) == 121


# --- the client a user passes is the one used (issue 11, point 6) -------------------------------


def test_the_http_client_passed_to_the_verifier_is_used_under_the_lifespan(
    pki: TestPKI,
) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=pki.chain_pem)

    mine = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    skill = Skill(
        RequestFactory().skill_id,
        verifier=Verifier([pki.root], http_client=mine),
    )

    @skill.launch
    def launch() -> Any:
        return speak("Hello.")

    body = json.dumps(RequestFactory().envelope("LaunchRequest")).encode()
    headers = {**pki.sign(body), "content-type": "application/json"}
    with StarletteClient(skill) as http:  # runs the app's lifespan, which has its own client
        response = http.post("/", content=body, headers=headers)
        assert response.status_code == 200, response.text
    assert seen == [DEFAULT_CERT_URL]
    assert not mine.is_closed  # ours to lend, not to close
    run(mine.aclose())


def test_the_lifespan_client_is_lent_to_a_verifier_without_one(pki: TestPKI) -> None:
    verifier = Verifier([pki.root], now=lambda: NOW)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=pki.chain_pem)

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as lent:
            verifier.use_http_client(lent)
            await verifier.verify(pki.sign(BODY), BODY)
            verifier.use_http_client(None)
            await verifier.aclose()
            assert not lent.is_closed

    run(scenario())
    assert seen == [DEFAULT_CERT_URL]


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

    threads = [threading.Thread(target=serve, args=(n, d)) for n, d in (("a", 0), ("b", 0.1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
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

    other = threading.Thread(target=lambda: asyncio.run(downloads.get("url", slow)))
    other.start()
    try:
        assert started.wait(10)
        yield
    finally:
        release.set()
        other.join()


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


# --- fresh made-up URLs cost at most so many downloads an interval -----------------------------

_CAPPED = "certificate chain: too many new certificate URLs; not downloaded"


def test_a_flood_of_fresh_made_up_urls_costs_at_most_the_cap_of_downloads(
    pki: TestPKI, caplog: pytest.LogCaptureFixture
) -> None:
    # Each forged request named a URL never seen (the failure memory stops repeats only): one
    # download from S3 per request, however many came. A chain already cached keeps serving.
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if str(request.url) == DEFAULT_CERT_URL:
            return httpx.Response(200, content=pki.chain_pem)
        return httpx.Response(403, content=b"<Error><Code>AccessDenied</Code></Error>")

    async def scenario() -> list[str]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            verifier = Verifier([pki.root], now=lambda: NOW, http_client=client, max_new_urls=16)
            await verifier.verify(pki.sign(BODY), BODY)  # Alexa's chain, cached
            refusals = []
            for n in range(200):
                with pytest.raises(CertificateError) as info:
                    await verifier.verify(pki.sign(BODY, cert_url=forged(n)), BODY)
                refusals.append(str(info.value))
                await verifier.verify(pki.sign(BODY), BODY)  # Alexa's requests go on
            return refusals

    with caplog.at_level(logging.WARNING, logger="alexaskill.verify"):
        refusals = run(scenario())
    assert calls == [DEFAULT_CERT_URL] + [forged(n) for n in range(15)]  # 16 new URLs in all
    assert all("HTTP 403" in refusal for refusal in refusals[:15])
    assert set(refusals[15:]) == {_CAPPED}
    lines = [r.getMessage() for r in caplog.records if r.name == "alexaskill.verify"]
    assert lines and len(lines) < 185  # said once a while, not once a request
    assert lines[0].startswith("certificate chain: 16 new certificate URLs downloaded in 60 s")
    assert "Verifier(max_new_urls=16, new_url_interval=60)" in lines[0]
    defaults = Verifier()
    assert (defaults.max_new_urls, defaults.new_url_interval) == (None, 60.0)  # (no cap)


def test_by_default_no_flood_keeps_a_genuine_url_never_loaded_from_its_download(
    pki: TestPKI,
) -> None:
    # With a cap on by default, sixteen forged requests a minute (a fresh made-up URL each) were
    # enough to keep every genuine request of a server just started, or of a day Amazon changes
    # its URL, refused: a cheaper denial of service than the downloads the cap spared. The cap
    # is there to be turned on (`max_new_urls`), not on by default.
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if str(request.url) == DEFAULT_CERT_URL:
            return httpx.Response(200, content=pki.chain_pem)
        return httpx.Response(403)

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            verifier = Verifier([pki.root], now=lambda: NOW, http_client=client)
            for n in range(40):
                with pytest.raises(CertificateError, match="HTTP 403"):
                    await verifier.verify(pki.sign(BODY, cert_url=forged(n)), BODY)
            await verifier.verify(pki.sign(BODY), BODY)  # Alexa's first request: served

    run(scenario())
    assert calls == [forged(n) for n in range(40)] + [DEFAULT_CERT_URL]


def test_the_new_url_cap_renews_each_interval_and_spares_urls_that_loaded() -> None:
    ticks = [0.0]
    downloads: Downloads[str] = Downloads(
        max_new_urls=2, new_url_interval=60, failure_ttl=0, clock=lambda: ticks[0]
    )
    loaded: list[str] = []

    def load(url: str, good: bool = False) -> Callable[[], Awaitable[str]]:
        async def fetch() -> str:
            loaded.append(url)
            if not good:
                raise CertificateError("certificate chain: download answered HTTP 403")
            return url

        return fetch

    async def scenario() -> None:
        assert await downloads.get("genuine", load("genuine", good=True)) == "genuine"
        ticks[0] += 60  # a window of its own: none of it left for the next
        for url in ("a", "b"):
            with pytest.raises(CertificateError, match="HTTP 403"):
                await downloads.get(url, load(url))
        for url in ("c", "a"):  # new, and a new try of a URL that failed: both past the cap
            with pytest.raises(CertificateError, match=f"^{_CAPPED}$"):
                await downloads.get(url, load(url))
        # A URL that loaded before (its chain expired in the cache, say) is no new URL.
        assert await downloads.get("genuine", load("genuine", good=True)) == "genuine"
        ticks[0] += 59.5
        with pytest.raises(CertificateError, match=f"^{_CAPPED}$"):
            await downloads.get("c", load("c"))
        ticks[0] += 0.5  # the interval is over: two more
        for url in ("c", "d"):
            with pytest.raises(CertificateError, match="HTTP 403"):
                await downloads.get(url, load(url))
        with pytest.raises(CertificateError, match=f"^{_CAPPED}$"):
            await downloads.get("e", load("e"))

    run(scenario())
    assert loaded == ["genuine", "a", "b", "genuine", "c", "d"]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("max_new_urls", 0),
        ("max_new_urls", 2.5),
        ("max_new_urls", float("inf")),
        ("new_url_interval", -1),
        ("new_url_interval", 0),
        ("new_url_interval", float("nan")),
        ("new_url_interval", float("inf")),
        ("new_url_interval", True),
    ],
)
def test_the_new_url_cap_must_make_sense(option: str, value: float) -> None:
    with pytest.raises(ConfigurationError, match=f"^{option} must be"):
        Verifier(**{option: value})  # type: ignore[arg-type]


def test_a_request_past_the_new_url_cap_is_a_400_with_a_short_reason(pki: TestPKI) -> None:
    # Through the app: the refusal is an HTTP 400 with a JSON reason; Alexa's cached chain
    # still answers.
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        if str(request.url) == DEFAULT_CERT_URL:
            return httpx.Response(200, content=pki.chain_pem)
        return httpx.Response(403)

    mine = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    verifier = Verifier([pki.root], http_client=mine, max_new_urls=2)
    skill = Skill(RequestFactory().skill_id, verifier=verifier)

    @skill.launch
    def launch() -> Any:
        return speak("Hello.")

    body = json.dumps(RequestFactory().envelope("LaunchRequest")).encode()

    def post(http: StarletteClient, url: str = DEFAULT_CERT_URL) -> Any:
        headers = {**pki.sign(body, cert_url=url), "content-type": "application/json"}
        return http.post("/", content=body, headers=headers)

    with StarletteClient(skill) as http:
        assert post(http).status_code == 200
        assert post(http, forged(1)).json() == {
            "error": "certificate chain: download answered HTTP 403"
        }
        refused = post(http, forged(2))
        assert (refused.status_code, refused.json()) == (400, {"error": _CAPPED})
        assert post(http).status_code == 200
    assert seen == [DEFAULT_CERT_URL, forged(1)]
    run(mine.aclose())


def test_two_threads_naming_new_urls_at_once_do_not_pass_the_cap_together() -> None:
    # One verifier serving two event loops in two threads (two servers of one skill, asyncio.run
    # per call): both threads' requests count new URLs. Each read the window's count before
    # either wrote it back, so both passed a cap of one (two downloads where one was allowed).
    # Driven, not timed: the first thread to read the count waits there until the second has
    # read the clock, which both do on their way to the count.
    arrived: set[int] = set()
    both_arrived = threading.Event()
    readers: list[int] = []
    lock = threading.Lock()

    def clock() -> float:
        with lock:
            arrived.add(threading.get_ident())
            if len(arrived) == 2:
                both_arrived.set()
        return 0.0

    class Watched(Downloads[str]):
        @property
        def _window(self) -> tuple[float, int]:
            with lock:
                readers.append(threading.get_ident())
                first = len(readers) == 1
            window: tuple[float, int] = self.__dict__["window"]
            if first:  # (the count read: the other thread may read it too meanwhile)
                assert both_arrived.wait(timeout=60), "the other thread never read the clock"
            return window

        @_window.setter
        def _window(self, value: tuple[float, int]) -> None:
            self.__dict__["window"] = value

    downloads = Watched(max_new_urls=1, clock=clock)
    loaded: list[str] = []
    outcomes: dict[str, object] = {}

    def request(url: str) -> None:
        async def load() -> str:
            loaded.append(url)
            return url

        try:
            outcomes[url] = asyncio.run(downloads.get(url, load))
        except CertificateError as exc:
            outcomes[url] = str(exc)

    threads = [threading.Thread(target=request, args=(url,)) for url in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loaded) == 1, loaded  # one new URL in the window: the cap
    (refused,) = {"a", "b"} - set(loaded)
    assert outcomes == {loaded[0]: loaded[0], refused: _CAPPED}
