"""`Verifier`: the checks in order, for one request, and the download and cache of chains."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509 import verification

from ..articles import type_with_article, with_article
from ..downloads import Downloads, time_left, whole_count
from ..exceptions import (
    CertificateError,
    CertificateUrlError,
    ConfigurationError,
    TimestampError,
)
from ..logs import security_logger
from ..models import Envelope, decode_envelope
from ..models.faults import copied_body, unfit_body
from ..outgoing_connections import load_async_backend
from ..outgoing_progress import Progress
from ..shown_names import shown_value
from .arguments import (
    _TRUST_ANNOUNCED,
    _ArgumentError,
    _number,
    _say_trust,
    _trusted_roots,
)
from .arguments import _trust_announced as _trust_announced  # (its users import it from here)
from .arguments import _utcnow as _utcnow  # (the tests name the default clock here)
from .chain import VerifiedChain, load_chain, validate_chain
from .fetch import call_fetch_chain, download_chain, is_async_client, type_name
from .headers import signing_headers
from .own_client import OwnClient
from .progress import download_progress
from .signature import _check_length, _verify_signature
from .timestamp import (
    MAX_TIMESTAMP_TOLERANCE,
    _body_timestamp,
    _check_timestamp,
    _tolerance,
)
from .trust import Trust
from .urls import DEV_CERT_URL, DEV_KEY_UNTRUSTED, check_cert_url

if TYPE_CHECKING:
    import httpx

__all__ = ["Verifier"]

#: The signature (and its hash) of the request whose chain `verify_signature` asks a subclass's
#: `chain` for: `Verifier.chain`, called by that override, checks its length before a download.
_SIGNATURE: ContextVar[tuple[bytes, hashes.HashAlgorithm] | None] = ContextVar(
    "_SIGNATURE", default=None
)


def _fixed(body: bytes) -> bytes:
    """A body that is not bytes, as bytes: a ``TypeError`` for one whose signature cannot be
    checked (`unfit_body`), told before a download, as cryptography's own comes after it and
    names no parameter; a bytearray or memoryview copied.

    Copied as given, before any wait: the caller's buffer, changed (by another thread) while the
    chain downloads, was what the signature was checked over after it, and what was decoded
    later still. Bytes are what `decode_envelope` checks the UTF-8 of and the `Envelope` keeps.
    """
    if (unfit := unfit_body(body)) is not None:
        raise TypeError(
            "Verifier: the body must be the request's raw bytes as received (the signature "
            f"is over them), not {unfit}; pass the bytes the server read"
        )
    return copied_body(body)


class Verifier:
    """Checks that requests come from Alexa (Amazon's "Host a Custom Skill as a Web Service")
    and caches signing chains.

    ``trusted_roots``: the roots a chain must lead to, ``x509.Certificate`` objects (default: the
    certifi bundle, read by `load_trusted_roots`, which the app calls as it starts). Give the
    roots of old chains (e.g. VeriSign Class 3 G5) together with ``now`` to replay captures.
    ``fetch_chain``: ``async (url) -> bytes`` replacing the download.
    ``now``: the clock, returning an aware datetime (called once here, to check that it does).
    Roots or a clock of one's own are said at WARNING (``"alexaskill.security"``), as
    ``allow_sha1`` is.
    ``allow_sha1``: accept the legacy ``Signature`` header when ``Signature-256`` is absent.
    ``timestamp_tolerance``: seconds, capped at 150.
    ``http_client``: the client downloads go through, always (never closed here; without one,
    the app's lifespan lends its client, or one is created and closed by `aclose`).
    ``cache_size``: how many chains (by URL) to keep.
    ``download_timeout``/``max_chain_size``: limits on one download, in seconds (waiting for a
    download slot included) and bytes (what a ``fetch_chain`` returns held to both).

    Forged requests may name any made-up URL under ``/echo.api/`` (`alexaskill.downloads` tells
    how they are kept in check): ``max_downloads`` chains (distinct URLs) download at once, and
    ``max_queued_downloads`` more wait for a slot, the URL most requests wait for first; a request
    for yet another URL is refused without a download. A URL that failed is refused without a
    new download for ``failure_ttl`` seconds (2 s when the failure may pass: a timeout, a network
    error, HTTP 5xx; 0 turns this off), remembering at most ``failure_cache_size`` URLs. With
    ``max_new_urls`` set (None, no cap, by default), at most that many URLs that never gave a
    chain start a download in ``new_url_interval`` seconds; past them such a request is refused
    without a download, a genuine URL not loaded yet too (why no cap is the default).
    """

    def __init__(
        self,
        trusted_roots: Sequence[x509.Certificate] | None = None,
        fetch_chain: Callable[[str], Awaitable[bytes]] | None = None,
        now: Callable[[], datetime] | None = None,
        allow_sha1: bool = False,
        timestamp_tolerance: float = MAX_TIMESTAMP_TOLERANCE,
        *,
        http_client: httpx.AsyncClient | None = None,
        cache_size: int = 64,
        download_timeout: float = 5.0,
        max_chain_size: int = 64 * 1024,
        max_downloads: int = 4,
        max_queued_downloads: int = 64,
        failure_ttl: float = 60.0,
        failure_cache_size: int = 1024,
        max_new_urls: int | None = None,
        new_url_interval: float = 60.0,
    ) -> None:
        if not _number(timestamp_tolerance) or not timestamp_tolerance > 0:
            raise _ArgumentError(
                f"timestamp_tolerance must be a positive number of seconds (capped at 150; 0 "
                f"would refuse every request), not {shown_value(timestamp_tolerance)}"
            )
        tolerance = _tolerance(timestamp_tolerance)
        if tolerance > MAX_TIMESTAMP_TOLERANCE:
            security_logger.warning(
                "timestamp_tolerance=%s exceeds Amazon's limit: capped at %g seconds",
                shown_value(timestamp_tolerance),
                MAX_TIMESTAMP_TOLERANCE,
            )
            tolerance = MAX_TIMESTAMP_TOLERANCE
        if not _number(cache_size) or not whole_count(cache_size) or cache_size < 1:  # (NaN, inf)
            raise _ArgumentError(
                f"cache_size must be a whole number >= 1, not {shown_value(cache_size)}"
            )
        if not _number(max_chain_size) or not 1 <= max_chain_size < float("inf"):
            raise _ArgumentError(
                "max_chain_size must be a positive number of bytes, not "
                f"{shown_value(max_chain_size)}"
            )
        for name, given in (("fetch_chain", fetch_chain), ("now", now)):
            if given is not None and not callable(given):  # else every request failed
                raise _ArgumentError(f"{name} must be a function, not {type_with_article(given)}")
        if http_client is not None and not is_async_client(http_client):
            # (Found here, not as every request refused, the log blaming outbound HTTPS.)
            raise _ArgumentError(
                "http_client must be an httpx.AsyncClient, not "
                f"{with_article(type_name(http_client))}"
            )
        roots = None if trusted_roots is None else _trusted_roots(trusted_roots)
        clock = now or _utcnow
        if not isinstance(checked := clock(), datetime) or checked.tzinfo is None:
            # Found here, not as a 500 on every signed request.
            raise _ArgumentError(
                f"Verifier(now=...) must return an aware datetime (datetime.now(UTC)), not "
                f"{shown_value(checked)}"
            )
        if not isinstance(allow_sha1, bool):
            raise _ArgumentError(f"allow_sha1 must be True or False, not {shown_value(allow_sha1)}")
        if allow_sha1:
            security_logger.warning(
                "allow_sha1=True: requests signed with SHA-1 alone (no Signature-256) are "
                "accepted; Amazon signs with SHA-256. Keep it for replaying old captures only."
            )
        if not _TRUST_ANNOUNCED.get():  # (else its maker says it: `_trust_announced`)
            _say_trust(roots, now)
        self.allow_sha1 = allow_sha1
        self.timestamp_tolerance = tolerance
        self.cache_size = cache_size
        self.download_timeout = download_timeout
        self.max_chain_size = max_chain_size
        self.max_downloads = max_downloads
        self.max_new_urls = max_new_urls
        self.new_url_interval = new_url_interval
        try:
            self._downloads: Downloads[VerifiedChain] = Downloads(
                max_downloads=max_downloads,
                max_queued=max_queued_downloads,
                timeout=download_timeout,
                failure_ttl=failure_ttl,
                failure_cache_size=failure_cache_size,
                max_new_urls=max_new_urls,
                new_url_interval=new_url_interval,
            )
        except (TypeError, ValueError) as exc:
            raise _ArgumentError(str(exc)) from None
        self._trust = Trust(roots)
        self._fetch_chain = fetch_chain
        self._now = clock
        self._limit = timedelta(seconds=tolerance)
        self._client = http_client  # the user's: used always, closed never
        self._lent_client: httpx.AsyncClient | None = None  # the app lifespan's
        self._own_client = OwnClient()  # made here (if ever), closed by aclose()
        self._cache: OrderedDict[str, VerifiedChain] = OrderedDict()

    async def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Return if the request is provably from Alexa now, else raise a `VerificationError`
        (a body that is not JSON: `TimestampError`; ``body`` not bytes: ``TypeError``)."""
        if type(body) is not bytes:  # (bytes, every request: no call)
            body = _fixed(body)
        now = await self.verify_signature(headers, body)
        # Through the method, as `verify_envelope` does: a subclass's override applies to both.
        request_type, timestamp = _body_timestamp(body)
        self.check_request_timestamp(request_type, timestamp, now)

    async def verify_envelope(self, headers: Mapping[str, str], body: bytes) -> Envelope:
        """`verify`, then `decode_envelope`, with the body decoded once.

        The timestamp is read from the decoded envelope rather than from a second pass over the
        body. A subclass that overrides `verify` has its own `verify` called, whole, the body's
        type checked first as `verify_signature` checks it (a ``TypeError``), a bytearray or
        memoryview copied to bytes: the bytes it verifies are those decoded.
        """
        if type(body) is not bytes:  # (bytes, every request: no call)
            body = _fixed(body)  # (checked here: a verify of one's own may skip the check)
        if type(self).verify is not Verifier.verify:
            await self.verify(headers, body)
            return decode_envelope(body)
        now = await self.verify_signature(headers, body)
        envelope = decode_envelope(body)
        request = envelope.request
        self.check_request_timestamp(request.type, request.timestamp, now)
        return envelope

    async def verify_signature(self, headers: Mapping[str, str], body: bytes) -> datetime:
        """`verify` without the timestamp: the URL, the chain and the signature of ``body``,
        the raw bytes as received: bytes, a bytearray, or a C-contiguous memoryview of 1-byte
        items (anything else, a released view too, is a ``TypeError``, before any download). A
        bytearray or memoryview is checked as it is when given: it is copied before the chain's
        download, which another thread may change it during.

        Returns the time the chain was checked at (read again after a download, which may take
        seconds: the timestamp is not judged early); pass it to `check_request_timestamp` with
        the request's own type and timestamp once the body is decoded (the app does so: it
        decodes the body once, where `verify` reads it a second time for the timestamp).
        """
        if type(body) is not bytes:  # (bytes, every request: no call)
            body = _fixed(body)  # before the download: the body as given is the one checked
        # Steps 1 and 2 (headers.py, split from here by meaning): one call and a tuple a request.
        url, signature, algorithm = signing_headers(headers, self.allow_sha1)
        now = self._clock()
        if type(self).chain is Verifier.chain:  # (a subclass's chain: a key of its choosing)
            _check_length(signature, algorithm)  # before any download
            chain = self._cache.get(url)
            if chain is not None and chain.not_before <= now <= chain.not_after:
                try:  # noqa: SIM105 - every request: a try costs nothing, suppress() a call
                    self._cache.move_to_end(url)
                except KeyError:  # evicted meanwhile by a request on another thread's event loop
                    pass
            else:
                chain = await self._fetch(url, chain, now)
                now = self._after_download(chain)
        else:
            # A subclass's `chain` is the one asked, on every request (the app's path too); what
            # it returns must be valid now all the same. Its call of `Verifier.chain` checks the
            # signature's length first, as above (its own key, pinned, may be any size).
            pending = _SIGNATURE.set((signature, algorithm))
            try:
                chain = await self.chain(url)
            finally:
                _SIGNATURE.reset(pending)
            now = self._after_download(chain)
        _verify_signature(chain.public_key, body, signature, algorithm)
        return now

    def check_request_timestamp(self, request_type: str, timestamp: str, now: datetime) -> None:
        """Raise `TimestampError` unless the request's ``timestamp`` is within this verifier's
        tolerance of ``now`` (from `verify_signature`); skill events may be up to an hour old."""
        if not timestamp:
            raise TimestampError("timestamp: missing")
        _check_timestamp(request_type, timestamp, now, self._limit)

    async def chain(self, url: str) -> VerifiedChain:
        """The validated chain for a certificate URL, from the cache or downloaded now, valid now
        (else `CertificateError`, a cached chain out of its dates fetched afresh first).

        `verify_signature` (so `verify` and `verify_envelope`) asks a subclass's override for
        every request's chain, and refuses what it returns unless it is valid now.
        """
        url = check_cert_url(url)
        pending = _SIGNATURE.get()
        if pending is not None:  # asked by `verify_signature`: no key of ours makes a short one
            _check_length(*pending)
        now = self._clock()
        chain = self._cache.get(url)
        if chain is None or not chain.not_before <= now <= chain.not_after:
            chain = await self._fetch(url, chain, now)
        return chain

    def _after_download(self, chain: VerifiedChain) -> datetime:
        """The clock read again once a download (or a subclass's `chain`) ended, which may take
        seconds: the timestamp is judged, and ``chain`` must be valid, at the time it ended."""
        now = self._clock()
        if not chain.not_before <= now <= chain.not_after:
            raise CertificateError("certificate chain: not valid now")
        return now

    def _clock(self) -> datetime:
        now = self._now()
        # Checked at construction; a clock may still change its mind (said alike everywhere).
        if not isinstance(now, datetime) or now.tzinfo is None:
            raise ConfigurationError("Verifier(now=...) must return an aware datetime")
        return now

    def load_trusted_roots(self) -> None:
        """Build the trust store now, not at the first download: the certifi bundle is read
        (unless ``trusted_roots`` were given), and one that cannot be is a `ConfigurationError`
        naming the file and the fix. The app calls it as it starts."""
        self._trust.load()

    def use_http_client(self, client: httpx.AsyncClient | None) -> None:
        """Download through ``client`` from now on, unless this verifier was made with its own
        ``http_client`` (the app lends the one its lifespan owns; None takes it back)."""
        self._lent_client = client

    def clear_cache(self) -> None:
        """Forget every cached chain, and every URL remembered as failing."""
        self._cache.clear()
        self._downloads.forget_failures()

    def say_unsaid(self) -> None:
        """Say the count of refusals past ``max_new_urls`` its WARNING had yet to say (at
        shutdown: its timer ends with the event loop). The skill's shutdown calls it, whatever
        a subclass's `aclose` does; `aclose` calls it too, for a verifier used alone."""
        self._downloads.say_unsaid()

    async def aclose(self) -> None:
        """Close the HTTP client this verifier created, if it created one (made on another event
        loop, one ended maybe, it is let go: its connections cannot be closed from this one);
        and `say_unsaid`, its client closed whatever an override of it raises."""
        try:
            self.say_unsaid()
        finally:  # (a subclass's say_unsaid that raised left the client open)
            await self._own_client.aclose()

    # -- chain loading --

    async def _fetch(self, url: str, cached: VerifiedChain | None, now: datetime) -> VerifiedChain:
        """The chain for ``url`` downloaded (or the download in flight joined), valid at ``now``;
        ``cached``, out of its dates, is dropped first."""
        if cached is not None:
            # Out of its dates in the cache: Amazon renews its certificate under the same URL,
            # so the file is fetched afresh for this very request.
            self._cache.pop(url, None)
        chain = await self._load(url, now)
        # (A download in flight, joined, was validated at its own start's time.)
        if not chain.not_before <= now <= chain.not_after:
            raise CertificateError("certificate chain: not valid now")
        return chain

    async def _load(self, url: str, now: datetime) -> VerifiedChain:
        if url == DEV_CERT_URL and self._fetch_chain is None:
            # No such file is on S3: a request of `replay --url` (or `chat`, `certify --dev`) to
            # a server started without --dev. Said as such, and no download is spent on it.
            raise CertificateUrlError(DEV_KEY_UNTRUSTED)
        # How far the download got, for the log when `Downloads`' time limit ends it.
        progress = download_progress()
        # Ready before that limit starts, its seconds the network's: the trust store and the
        # client (`_http_client`). A bundle either cannot load is refused here, nothing downloaded.
        store = self._trust.store()
        client = None if self._fetch_chain is not None else self._http_client()
        return await self._downloads.get(
            url,
            lambda: self._fetch_and_validate(url, now, progress, client, store),
            timed_out=lambda seconds: progress.timed_out(url, seconds),
        )

    async def _fetch_and_validate(
        self,
        url: str,
        now: datetime,
        progress: Progress,
        client: httpx.AsyncClient | None,
        store: verification.Store,
    ) -> VerifiedChain:
        pem = await self._download(url, progress, client)
        chain = validate_chain(load_chain(pem), store, now)
        cache = self._cache
        # Another thread's event loop may evict entries between any two of these steps (one
        # verifier serving two loops): an entry gone meanwhile is no error, only not cached.
        cache[url] = chain
        try:
            cache.move_to_end(url)
            while len(cache) > self.cache_size:
                cache.popitem(last=False)
        except KeyError:
            pass
        return chain

    def _http_client(self) -> httpx.AsyncClient:
        """The client a download goes through, ready: made now if it is this verifier's own
        (`OwnClient`: a `CertificateError` if its proxy or TLS cannot be set up), and the
        modules httpx's transport imports at its first request imported (`load_async_backend`).
        Called before `Downloads`' time limit starts, which the first download spent on them
        (seconds on a loaded machine, the log blaming the pool)."""
        client = self._client
        if client is None:
            client = self._lent_client
        if client is None:
            client = self._own_client.get()
        load_async_backend()
        return client

    async def _download(
        self, url: str, progress: Progress, client: httpx.AsyncClient | None
    ) -> bytes:
        # A ``fetch_chain`` of the caller's changes where the chain comes from, not whom it must
        # lead to: what it returns is validated against the trusted roots as a download is
        # (`_fetch_and_validate`), so it needs no warning of its own.
        # Whatever goes wrong while fetching is the sender's problem (a 400), never a 500. The
        # time limit is `Downloads`', around this call and the wait for a slot before it.
        if self._fetch_chain is not None:
            return await call_fetch_chain(self._fetch_chain, url, self.max_chain_size)
        if client is None:  # (`_load` readies one unless fetch_chain is set)
            client = self._http_client()
        return await download_chain(
            client,
            url,
            timeout=self.download_timeout,
            limit=self.max_chain_size,
            progress=progress,
            left=time_left(),  # (httpx's own timeout: within `Downloads`' time limit, not after)
        )
