"""Fresh made-up certificate URLs cost at most so many downloads an interval: the cap, how it
renews and spares URLs that loaded, its settings, the 400 past it, and two threads at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Skill, speak
from alexaskill.downloads import Downloads
from alexaskill.exceptions import (
    CertificateError,
    ConfigurationError,
)
from alexaskill.testing import DEFAULT_CERT_URL, RequestFactory, TestPKI
from alexaskill.verify import Verifier

from .conftest import SKILL_ID
from .downloads_shared import BODY, NOW, forged, run
from .downloads_shared import pki as pki
from .in_threads import ended

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


class _OwnClose(Verifier):
    """A verifier whose `aclose` closes its own things, and calls no ``super().aclose()``."""

    async def aclose(self) -> None:
        pass


@pytest.mark.parametrize("closed_by", ["verifier", "skill", "dev"])
def test_the_count_of_refusals_past_the_cap_still_unsaid_is_said_at_shutdown(
    pki: TestPKI, caplog: pytest.LogCaptureFixture, closed_by: str
) -> None:
    # Past the cap the WARNING is said once a while, the refusals since counted; at shutdown
    # (the count's timer ends with the loop) nothing said the verifier's count: it was lost.
    # Said by `Verifier.aclose` (a verifier used alone), and by the skill's shutdown itself:
    # a subclass whose `aclose` calls no `super().aclose()` lost it there. `serve --dev`'s
    # verifier says the one of the skill's own verifier it wraps.
    from alexaskill.cli.dev_verifier import DevVerifier

    async def scenario() -> None:
        transport = httpx.MockTransport(lambda request: httpx.Response(403))
        async with httpx.AsyncClient(transport=transport) as client:
            made = _OwnClose if closed_by == "skill" else Verifier
            verifier = made([pki.root], now=lambda: NOW, http_client=client, max_new_urls=1)
            if closed_by == "dev":
                verifier = DevVerifier(TestPKI(), verifier)
            skill = Skill(SKILL_ID, verifier=verifier)
            for n in range(5):  # (the first downloaded, the four next refused)
                with pytest.raises(CertificateError):
                    await verifier.verify(pki.sign(BODY, cert_url=forged(n)), BODY)
            if closed_by == "dev":
                verifier.say_unsaid()  # (as the skill's shutdown calls it)
            else:
                await (verifier.aclose() if closed_by == "verifier" else skill.aclose())

    with caplog.at_level(logging.WARNING, logger="alexaskill.verify"):
        run(scenario())
    lines = [r.getMessage() for r in caplog.records if "new certificate URLs" in r.getMessage()]
    assert len(lines) == 2
    assert lines[1].endswith("(3 more since the last such line)")


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

    threads = [threading.Thread(target=request, args=(url,), daemon=True) for url in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        ended(thread)
    assert len(loaded) == 1, loaded  # one new URL in the window: the cap
    (refused,) = {"a", "b"} - set(loaded)
    assert outcomes == {loaded[0]: loaded[0], refused: _CAPPED}
