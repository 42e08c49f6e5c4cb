"""Chain downloads under attack: the queue, the failure memory, the Verifier's clients. (One
Verifier on several event loops and threads is in tests/test_downloads_loops.py, the cap on fresh
made-up URLs in tests/test_downloads_new_urls.py.)
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Skill, speak
from alexaskill.downloads import TRANSIENT_FAILURE_TTL, Downloads
from alexaskill.exceptions import (
    CertificateError,
    CertificateUnavailableError,
)
from alexaskill.testing import DEFAULT_CERT_URL, RequestFactory, TestPKI
from alexaskill.verify import Verifier

from .downloads_shared import BODY, NOW, forged, run
from .downloads_shared import pki as pki

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
