"""The `Verifier`'s documented defaults, and the HTTP client it makes for itself when given none:
one per event loop, closed by `aclose` (alexaskill/verify/verifier.py). Survivors of a mutation
test of that module, each pinned here."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import httpx
import pytest

from alexaskill.testing import TestPKI
from alexaskill.verify import Verifier

from .verify_shared import BODY, NOW, run

pytestmark = pytest.mark.oldest_dependencies

README = Path(__file__).resolve().parent.parent / "README.md"

#: The defaults README.md gives ("Downloads are bounded", "At most `cache_size=64` chains").
DOCUMENTED = {
    "cache_size": 64,
    "download_timeout": 5.0,
    "max_chain_size": 64 * 1024,
    "max_downloads": 4,
    "max_queued_downloads": 64,
    "failure_ttl": 60.0,
    "failure_cache_size": 1024,
    "max_new_urls": None,
    "new_url_interval": 60.0,
}


def test_the_verifiers_defaults_are_the_documented_ones(pki: TestPKI) -> None:
    # A default changed in the signature alone (say max_queued_downloads=64 -> 63) went unseen:
    # no test built a Verifier without the argument and looked at what it got.
    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(Verifier).parameters.items()
        if name in DOCUMENTED
    }
    assert defaults == DOCUMENTED
    readme = README.read_text(encoding="utf-8")
    for name, value in DOCUMENTED.items():
        if value is not None and name != "max_chain_size":  # (said "64 KiB" there)
            assert re.search(rf"`(Verifier\()?{name}={re.escape(repr(value))}[`)]", readme), name
    verifier = Verifier([pki.root])
    assert (verifier.cache_size, verifier.download_timeout, verifier.max_chain_size) == (
        64,
        5.0,
        65536,
    )
    assert (verifier.max_downloads, verifier.max_new_urls, verifier.new_url_interval) == (
        4,
        None,
        60.0,
    )
    downloads = verifier._downloads  # what the defaults above are handed to
    assert (downloads.max_downloads, downloads.max_queued, downloads.timeout) == (4, 64, 5.0)
    assert (downloads.failure_ttl, downloads.failure_cache_size) == (60.0, 1024)
    assert (downloads.max_new_urls, downloads.new_url_interval) == (None, 60.0)


async def _verify_afresh(verifier: Verifier, pki: TestPKI) -> None:
    verifier.clear_cache()  # (a download each time, through the client)
    await verifier.verify(pki.sign(BODY), BODY)


def test_aclose_closes_the_client_the_verifier_made(
    pki: TestPKI, own_clients: list[httpx.AsyncClient]
) -> None:
    verifier = Verifier([pki.root], now=lambda: NOW)

    async def scenario() -> None:
        await _verify_afresh(verifier, pki)
        await _verify_afresh(verifier, pki)  # the same loop: the same client
        assert len(own_clients) == 1 and not own_clients[0].is_closed
        await verifier.aclose()
        assert own_clients[0].is_closed
        await verifier.aclose()  # (twice: nothing more to close)

    run(scenario())


def test_aclose_leaves_the_client_the_user_passed_open(
    pki: TestPKI, own_clients: list[httpx.AsyncClient]
) -> None:
    async def scenario() -> None:
        mine = httpx.AsyncClient()  # (`own_clients`' subclass: a mock transport)
        verifier = Verifier([pki.root], now=lambda: NOW, http_client=mine)
        await _verify_afresh(verifier, pki)
        await verifier.aclose()
        assert own_clients == [mine] and not mine.is_closed
        await mine.aclose()

    run(scenario())


def test_a_verifier_used_from_two_event_loops_gets_a_client_per_loop(
    pki: TestPKI, own_clients: list[httpx.AsyncClient]
) -> None:
    # A client's pooled connections belong to the loop they were made on: the second loop's
    # download makes its own client, and the first one's is let go, not closed from the wrong loop.
    verifier = Verifier([pki.root], now=lambda: NOW)
    run(_verify_afresh(verifier, pki))
    run(_verify_afresh(verifier, pki))
    assert len(own_clients) == 2 and own_clients[0] is not own_clients[1]
    run(verifier.aclose())  # a third loop: the second loop's client is let go too
    assert not own_clients[0].is_closed and not own_clients[1].is_closed


def test_aclose_closes_its_client_when_a_subclass_say_unsaid_raises(
    pki: TestPKI, own_clients: list[httpx.AsyncClient]
) -> None:
    # say_unsaid ran first, unguarded: an override that raised left the client open.
    class Loud(Verifier):
        def say_unsaid(self) -> None:
            raise RuntimeError("said badly")

    verifier = Loud([pki.root], now=lambda: NOW)

    async def scenario() -> None:
        await _verify_afresh(verifier, pki)
        with pytest.raises(RuntimeError, match="said badly"):  # (the error still raised)
            await verifier.aclose()
        assert len(own_clients) == 1 and own_clients[0].is_closed

    run(scenario())
