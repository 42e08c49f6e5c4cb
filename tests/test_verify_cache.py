"""The chains a `Verifier` keeps (alexaskill/verify/verifier.py): one download for many
requests, failures remembered for a while, validity checked again at each request, a bounded
cache and bounded downloads; and `Verifier.chain()`, overridden or not."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from datetime import timedelta
from typing import Any

import pytest

from alexaskill import verify as verify_module
from alexaskill.downloads import TRANSIENT_FAILURE_TTL
from alexaskill.exceptions import CertificateError, CertificateUnavailableError, SignatureError
from alexaskill.testing import DEFAULT_CERT_URL, TestPKI
from alexaskill.verify import Verifier

from .verify_shared import (
    BODY,
    NOW,
    Fetcher,
    _PinnedChain,
    clock,
    expired_intermediate,
    make_body,
    run,
    stamp,
)

pytestmark = pytest.mark.oldest_dependencies


def test_concurrent_first_requests_cause_one_download(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    headers = pki.sign(BODY)

    async def many() -> None:
        await asyncio.gather(*(verifier.verify(headers, BODY) for _ in range(50)))
        await verifier.verify(headers, BODY)

    run(many())
    assert fetch.calls == [DEFAULT_CERT_URL]


def settable_monotonic(verifier: Verifier) -> list[float]:
    """Drive the clock that times ``verifier``'s failure memory: ``ticks[0] += seconds``."""
    ticks = [1000.0]
    verifier._downloads._clock = lambda: ticks[0]
    return ticks


def test_a_failed_download_is_remembered_briefly_then_retried(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem, failures=1)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    ticks = settable_monotonic(verifier)
    headers = pki.sign(BODY)

    async def scenario() -> list[BaseException | None]:
        return await asyncio.gather(
            *(verifier.verify(headers, BODY) for _ in range(10)), return_exceptions=True
        )

    outcomes = run(scenario())
    assert all(isinstance(outcome, CertificateUnavailableError) for outcome in outcomes)
    assert not verifier._downloads.loading  # nothing left behind, however many URLs fail
    first = outcomes[0]
    assert isinstance(first, CertificateUnavailableError)
    assert str(first) == "certificate chain: download failed"
    assert isinstance(first.__cause__, OSError)
    with pytest.raises(CertificateUnavailableError, match="a recent failure"):
        run(verifier.verify(headers, BODY))
    assert len(fetch.calls) == 1
    ticks[0] += TRANSIENT_FAILURE_TTL  # a failure that may pass is retried soon
    run(verifier.verify(headers, BODY))  # retries, succeeds
    run(verifier.verify(headers, BODY))  # cached
    assert len(fetch.calls) == 2


def test_a_chain_that_fails_validation_is_remembered_for_failure_ttl(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem, pem_first=b"garbage")
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, failure_ttl=30)
    ticks = settable_monotonic(verifier)
    headers = pki.sign(BODY)
    with pytest.raises(CertificateError, match="not a PEM") as first:
        run(verifier.verify(headers, BODY))
    assert not isinstance(first.value, CertificateUnavailableError)
    ticks[0] += 29.9
    with pytest.raises(CertificateError, match=r"not a PEM.*a recent failure"):
        run(verifier.verify(headers, BODY))
    assert len(fetch.calls) == 1
    ticks[0] += 0.1
    run(verifier.verify(headers, BODY))
    assert len(fetch.calls) == 2


@pytest.mark.parametrize(
    ("when", "said"),
    [
        ("expired", "expired"),
        ("not yet valid", "not yet valid"),
        ("intermediate expired", "not valid at validation time"),
    ],
)
def test_a_chain_out_of_its_dates_is_retried_soon(pki: TestPKI, when: str, said: str) -> None:
    # Amazon renews its certificate under the same URL, and a clock that was wrong is set
    # right: remembered for failure_ttl (60 s), one such failure refused every genuine request
    # for a minute, though the URL already serves a good chain.
    leaf, intermediate = pki.leaf, pki.intermediate
    if when == "expired":
        leaf = pki.issue_leaf(not_before=NOW - timedelta(days=30), not_after=NOW - timedelta(1))
    elif when == "not yet valid":
        leaf = pki.issue_leaf(not_before=NOW + timedelta(1), not_after=NOW + timedelta(days=30))
    else:
        intermediate = expired_intermediate(pki)
    fetch = Fetcher(pki.chain_pem, pem_first=pki.pem(leaf, intermediate))
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    ticks = settable_monotonic(verifier)
    headers = pki.sign(BODY)
    with pytest.raises(CertificateUnavailableError, match=said):
        run(verifier.verify(headers, BODY))
    with pytest.raises(CertificateError, match="a recent failure"):
        run(verifier.verify(headers, BODY))
    ticks[0] += TRANSIENT_FAILURE_TTL
    run(verifier.verify(headers, BODY))  # downloaded again: the renewed chain
    assert len(fetch.calls) == 2


def test_failure_ttl_0_retries_at_once_and_clear_cache_forgets_failures(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem, failures=1)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, failure_ttl=0)
    with pytest.raises(CertificateError):
        run(verifier.verify(pki.sign(BODY), BODY))
    run(verifier.verify(pki.sign(BODY), BODY))
    assert len(fetch.calls) == 2
    fetch = Fetcher(pki.chain_pem, pem_first=b"garbage")
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    with pytest.raises(CertificateError):
        run(verifier.verify(pki.sign(BODY), BODY))
    verifier.clear_cache()
    run(verifier.verify(pki.sign(BODY), BODY))
    assert len(fetch.calls) == 2


def test_cancelled_first_request_does_not_wedge(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW)
    headers = pki.sign(BODY)

    async def scenario() -> None:
        first = asyncio.ensure_future(verifier.verify(headers, BODY))
        while not fetch.calls:  # until the download is under way
            await asyncio.sleep(0)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        await verifier.verify(headers, BODY)

    run(scenario())
    assert len(fetch.calls) == 1  # the download went on for the next request


def test_warm_cache_rechecks_validity_against_now(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem)
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)
    late = pki.leaf.not_valid_after_utc + timedelta(seconds=1)
    run(verifier.verify(pki.sign(BODY), BODY))
    now.at = late  # type: ignore[attr-defined]
    body = make_body(stamp(late))
    # Out of date in the cache: fetched afresh for this very request (Amazon may have put a
    # new file at the URL), and refused because the file is still the expired one.
    with pytest.raises(CertificateError, match="expired"):
        run(verifier.verify(pki.sign(body), body))
    assert len(fetch.calls) == 2
    with pytest.raises(CertificateError, match="expired"):  # remembered: no third download
        run(verifier.verify(pki.sign(body), body))
    assert len(fetch.calls) == 2


def test_a_cached_chain_serves_both_ends_of_its_window_without_a_download(pki: TestPKI) -> None:
    # The cached window is inclusive, as a certificate's dates are: at its first and last second
    # the cached chain is used as it is, not taken for expired and downloaded again.
    fetch = Fetcher(pki.chain_pem)
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)
    chain = run(verifier.chain(DEFAULT_CERT_URL))
    for at in (chain.not_before, chain.not_after):
        now.at = at  # type: ignore[attr-defined]
        body = make_body(stamp(at))
        run(verifier.verify(pki.sign(body), body))
    assert len(fetch.calls) == 1


def test_a_file_replaced_at_its_url_is_taken_when_the_cached_one_expires(pki: TestPKI) -> None:
    # Amazon renews its signing certificate under the same URL: the first request after the
    # cached chain's end is answered with the new one, not refused.
    ending = pki.issue_leaf(not_before=NOW - timedelta(days=30), not_after=NOW + timedelta(hours=1))
    fetch = Fetcher(pki.chain_pem, pem_first=pki.pem(ending, pki.intermediate))
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)
    run(verifier.verify(pki.sign(BODY), BODY))
    now.at = NOW + timedelta(hours=2)  # type: ignore[attr-defined]
    body = make_body(stamp(now.at))  # type: ignore[attr-defined]
    run(verifier.verify(pki.sign(body), body))
    assert len(fetch.calls) == 2


def test_cached_window_is_that_of_the_whole_chain(pki: TestPKI) -> None:
    # An intermediate expiring long before the leaf bounds how long the cached chain is good.
    intermediate = pki.issue(
        pki.intermediate.subject,
        pki.intermediate_key,
        issuer=(pki.root, pki.root_key),
        not_before=NOW - timedelta(days=1),
        not_after=NOW + timedelta(hours=1),
        ca=True,
    )
    fetch = Fetcher(pki.pem(pki.leaf, intermediate))
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)
    run(verifier.verify(pki.sign(BODY), BODY))
    now.at = NOW + timedelta(hours=2)  # type: ignore[attr-defined]
    body = make_body(stamp(now.at))  # type: ignore[attr-defined]
    with pytest.raises(CertificateError, match="not valid at validation time"):
        run(verifier.verify(pki.sign(body), body))
    assert len(fetch.calls) == 2  # fetched afresh, still the same file


def test_cached_window_starts_with_the_latest_not_before(pki: TestPKI) -> None:
    intermediate = pki.issue(
        pki.intermediate.subject,
        pki.intermediate_key,
        issuer=(pki.root, pki.root_key),
        not_before=NOW - timedelta(hours=1),
        not_after=NOW + timedelta(days=30),
        ca=True,
    )
    fetch = Fetcher(pki.pem(pki.leaf, intermediate))
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)
    run(verifier.verify(pki.sign(BODY), BODY))
    now.at = NOW - timedelta(hours=2)  # type: ignore[attr-defined]
    body = make_body(stamp(now.at))  # type: ignore[attr-defined]
    with pytest.raises(CertificateError, match="not valid at validation time"):
        run(verifier.verify(pki.sign(body), body))
    assert len(fetch.calls) == 2  # fetched afresh, still the same file


def test_cache_is_lru_and_bounded(pki: TestPKI) -> None:
    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, cache_size=2)
    urls = {name: f"https://s3.amazonaws.com/echo.api/{name}.pem" for name in "abc"}

    def hit(name: str) -> None:
        run(verifier.verify(pki.sign(BODY, cert_url=urls[name]), BODY))

    for name in "abac":  # c evicts b, the least recently used
        hit(name)
    assert [url[-5] for url in fetch.calls] == ["a", "b", "c"]
    hit("a")
    hit("c")
    assert len(fetch.calls) == 3
    hit("b")
    assert [url[-5] for url in fetch.calls] == ["a", "b", "c", "b"]
    verifier.clear_cache()
    hit("b")
    assert len(fetch.calls) == 5


def test_a_chain_evicted_by_another_thread_meanwhile_is_no_500(pki: TestPKI) -> None:
    # One verifier serving two event loops (two threads): the other thread may evict a URL's
    # chain between this one's read (or write) of the cache and its next step.
    class EvictedAfterRead(OrderedDict[str, Any]):
        def get(self, key: Any, default: Any = None) -> Any:
            value = super().get(key, default)
            self.pop(key, None)
            return value

    class EvictedAfterWrite(OrderedDict[str, Any]):
        def __setitem__(self, key: str, value: Any) -> None:
            super().__setitem__(key, value)
            self.clear()

    fetch = Fetcher(pki.chain_pem)
    verifier = pki.verifier(fetch_chain=fetch, now=lambda: NOW, cache_size=1)
    run(verifier.verify(pki.sign(BODY), BODY))  # cached
    verifier._cache = EvictedAfterRead(verifier._cache)
    run(verifier.verify(pki.sign(BODY), BODY))  # a hit, gone before its LRU bump
    assert len(fetch.calls) == 1
    verifier._cache = EvictedAfterWrite()
    run(verifier.verify(pki.sign(BODY), BODY))  # a download, gone before its LRU bump
    assert len(fetch.calls) == 2


def test_downloads_at_once_are_bounded(pki: TestPKI) -> None:
    # Forged requests may name any URL under /echo.api/: each new one would be a download.
    # (Without a queue, as here, a request for one URL more is refused at once; test_downloads.py
    # has the queue.)
    release = asyncio.Event()
    calls: list[str] = []

    async def slow_fetch(url: str) -> bytes:
        calls.append(url)
        await release.wait()
        return pki.chain_pem

    verifier = pki.verifier(
        fetch_chain=slow_fetch, now=lambda: NOW, max_downloads=2, max_queued_downloads=0
    )
    urls = [f"https://s3.amazonaws.com/echo.api/forged-{n}.pem" for n in range(3)]

    async def scenario() -> None:
        first = [asyncio.ensure_future(verifier.chain(url)) for url in urls[:2]]
        shared = asyncio.ensure_future(verifier.chain(urls[0]))  # joins the running download
        while len(calls) < 2:
            await asyncio.sleep(0)
        with pytest.raises(CertificateError, match="too many downloads in progress"):
            await verifier.chain(urls[2])
        assert calls == urls[:2]  # the third URL was never fetched
        release.set()
        await asyncio.gather(*first, shared)
        await verifier.chain(urls[2])  # room again

    run(scenario())
    assert calls == urls


def test_a_chain_that_expires_during_its_download_is_refused(pki: TestPKI) -> None:
    # Valid when the request came, expired once the download ended: not valid at the time the
    # request is judged, so refused (it was accepted).
    leaf = pki.issue_leaf(not_after=NOW + timedelta(seconds=30))
    moment = [NOW]

    async def slow_fetch(url: str) -> bytes:
        moment[0] += timedelta(seconds=60)
        return pki.pem(leaf, pki.intermediate)

    verifier = pki.verifier(fetch_chain=slow_fetch, now=lambda: moment[0])
    with pytest.raises(CertificateError, match="not valid now"):
        run(verifier.verify(pki.sign(BODY), BODY))


# --- Verifier.chain() ---------------------------------------------------------------------------


def test_chain_refuses_an_expired_leaf_fresh_or_expiring_in_the_cache(pki: TestPKI) -> None:
    # Verifier.chain(), public, answers "valid now" as verify does: a chain whose leaf has
    # expired is refused when downloaded, and one cached while valid is refused (after a
    # fresh download of the still expired file) once it has expired.
    expired = pki.issue_leaf(not_before=NOW - timedelta(days=30), not_after=NOW - timedelta(days=1))
    verifier = pki.verifier(chain=pki.pem(expired, pki.intermediate), now=lambda: NOW)
    with pytest.raises(CertificateError, match="expired"):
        run(verifier.chain(DEFAULT_CERT_URL))
    ending = pki.issue_leaf(not_before=NOW - timedelta(days=30), not_after=NOW + timedelta(hours=1))
    fetch = Fetcher(pki.pem(ending, pki.intermediate))
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)
    assert run(verifier.chain(DEFAULT_CERT_URL)).not_after == ending.not_valid_after_utc
    now.at = NOW + timedelta(hours=2)  # type: ignore[attr-defined]
    with pytest.raises(CertificateError, match="expired"):
        run(verifier.chain(DEFAULT_CERT_URL))
    assert len(fetch.calls) == 2


def test_chain_refuses_a_joined_download_that_is_not_valid_at_its_own_now(pki: TestPKI) -> None:
    # A call joining a download already in flight gets the chain validated at that download's
    # start: chain() returned it even when it had expired by the joining call's clock (verify
    # refused it; chain() did not check).
    ending = pki.issue_leaf(not_before=NOW - timedelta(days=30), not_after=NOW + timedelta(hours=1))
    fetch = Fetcher(pki.pem(ending, pki.intermediate))
    now = clock()
    verifier = pki.verifier(fetch_chain=fetch, now=now)

    async def both() -> tuple[object, object]:
        first = asyncio.ensure_future(verifier.chain(DEFAULT_CERT_URL))
        for _ in range(50):  # until its download runs (the Fetcher then yields three times)
            if fetch.calls:
                break
            await asyncio.sleep(0)
        assert fetch.calls == [DEFAULT_CERT_URL]
        now.at = NOW + timedelta(hours=2)  # type: ignore[attr-defined]
        late = asyncio.ensure_future(verifier.chain(DEFAULT_CERT_URL))
        results = await asyncio.gather(first, late, return_exceptions=True)
        return results[0], results[1]

    first, late = run(both())
    assert fetch.calls == [DEFAULT_CERT_URL]  # one download, shared
    assert getattr(first, "not_after", None) == ending.not_valid_after_utc
    assert isinstance(late, CertificateError)
    assert str(late) == "certificate chain: not valid now"


def test_an_overridden_chain_is_asked_on_every_path(pki: TestPKI, stranger: TestPKI) -> None:
    # verify_signature read the cache and downloaded itself, so a subclass's chain() (the
    # documented way to get the chain for a URL) was never asked: not by the app's
    # verify_envelope, nor by verify.
    stranger_chain = run(stranger.verifier(now=lambda: NOW).chain(DEFAULT_CERT_URL))
    verifier = _PinnedChain(
        stranger_chain, trusted_roots=[pki.root], fetch_chain=pki.fetch_chain, now=lambda: NOW
    )
    checks = (verifier.verify, verifier.verify_envelope, verifier.verify_signature)
    for check in checks:  # the pinned key is the stranger's: pki's signature does not match it
        with pytest.raises(SignatureError, match="does not match"):
            run(check(pki.sign(BODY), BODY))
        run(check(stranger.sign(BODY), BODY))
    assert verifier.asked == [DEFAULT_CERT_URL] * 6
    # What an override returns must be valid now all the same.
    verifier.pinned = verify_module.VerifiedChain(
        stranger_chain.public_key, NOW - timedelta(days=2), NOW - timedelta(days=1), NOW
    )
    for check in checks:
        with pytest.raises(CertificateError, match=r"^certificate chain: not valid now$"):
            run(check(stranger.sign(BODY), BODY))
