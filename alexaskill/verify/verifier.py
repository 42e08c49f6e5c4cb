"""Proof that a request comes from Alexa: certificate URL, chain, signature and timestamp.

`Verifier.verify(headers, body)` runs these checks in order and raises at the first failure
(each a `VerificationError` subclass, which the app answers with HTTP 400):

1. ``SignatureCertChainUrl`` obeys Amazon's URL rules (`check_cert_url`). A rejected URL is
   never downloaded.
2. The signature header is present and valid base64 (read now so that a request that cannot
   verify costs no download): ``Signature-256``, or the legacy SHA-1 ``Signature`` when
   ``allow_sha1`` is on and ``Signature-256`` is absent.
3. The chain at that URL is downloaded once, validated with ``cryptography.x509.verification``
   (path to a trusted root, validity at ``now``, ``echo-api.amazon.com`` among the leaf's DNS
   SANs) and cached by URL. Every request re-checks the cached validity window against ``now``.
4. The signature over the raw body bytes (`check_signature`).
5. ``request.timestamp`` is within the tolerance of ``now`` (`check_timestamp`).

The app calls `Verifier.verify_envelope`: the same checks, in the same order, except that
step 5 reads the timestamp from the envelope it decodes for the handler instead of from a second
pass over the body (`verify_signature` is steps 1 to 4; `check_request_timestamp` step 5). The
skill-id check comes last and belongs to the app.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import re
import warnings
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

import msgspec
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509 import verification

from ..downloads import Downloads
from ..exceptions import (
    CertificateError,
    CertificateUnavailableError,
    CertificateUrlError,
    ConfigurationError,
    SignatureError,
    TimestampError,
    VerificationError,
)
from ..models import Envelope, decode_envelope, epoch_ms_timestamp

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ECHO_API_HOST",
    "MAX_TIMESTAMP_TOLERANCE",
    "VerifiedChain",
    "Verifier",
    "check_cert_url",
    "check_signature",
    "check_timestamp",
    "load_chain",
    "validate_chain",
]

logger = logging.getLogger("alexaskill.verify")

#: The DNS name Amazon's signing certificate must carry in its Subject Alternative Names.
ECHO_API_HOST: Final = "echo-api.amazon.com"
#: Amazon's limit on the distance between ``request.timestamp`` and now, in seconds.
MAX_TIMESTAMP_TOLERANCE: Final = 150.0

_SKILL_EVENT_MAX_AGE: Final = timedelta(hours=1)
_SKILL_EVENTS: Final = frozenset(
    {
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillAccountLinked",
    }
)

_CERT_ORIGIN: Final = "https://s3.amazonaws.com"
_CERT_NETLOCS: Final = frozenset({"s3.amazonaws.com", "s3.amazonaws.com:443"})
_CERT_PATH_PREFIX: Final = "/echo.api/"
# Amazon's URLs as they really look; anything else takes the slow, thorough path. The file name
# may not start with a dot, so it is never a dot segment.
_PLAIN_CERT_URL: Final = re.compile(r"https://s3\.amazonaws\.com/echo\.api/[\w~-][\w.~-]*", re.A)

_PKCS1V15: Final = padding.PKCS1v15()
_SHA256: Final = hashes.SHA256()
_SHA1: Final = hashes.SHA1()  # noqa: S303 - Amazon's legacy header; off unless allow_sha1

_PEM_CERT_MARKER: Final = b"-----BEGIN CERTIFICATE-----"
_PEM_CERT_BLOCK: Final = re.compile(
    rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.S
)


# --- certificate URL ----------------------------------------------------------------------------


def check_cert_url(url: str) -> str:
    """Return ``url`` normalised if it obeys Amazon's rules, else raise `CertificateUrlError`.

    Stricter than the rules in three ways, all absent from Amazon's real URLs: percent-escapes
    are refused rather than decoded (``%2e%2e`` and ``%2f`` would mean something else to S3 than
    to this check), as are backslashes (some URL parsers read them as slashes), and so are
    whitespace, control characters, non-ASCII, queries, fragments and ports other than 443.
    """
    if _PLAIN_CERT_URL.fullmatch(url):
        return url
    if not url:
        raise CertificateUrlError("certificate URL: empty")
    if not url.isascii() or any(char <= " " or char == "\x7f" for char in url):
        raise CertificateUrlError("certificate URL: whitespace, control or non-ASCII character")
    if "\\" in url:
        raise CertificateUrlError("certificate URL: backslash")
    if "%" in url:
        raise CertificateUrlError("certificate URL: percent-encoding")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise CertificateUrlError("certificate URL: unparseable") from exc
    if parts.scheme != "https":  # urlsplit lower-cases the scheme
        raise CertificateUrlError("certificate URL: scheme is not https")
    if "?" in url or "#" in url:
        raise CertificateUrlError("certificate URL: query or fragment")
    netloc = parts.netloc.lower()
    if netloc not in _CERT_NETLOCS:
        if "@" in netloc:
            raise CertificateUrlError("certificate URL: userinfo")
        if netloc.partition(":")[0] == "s3.amazonaws.com":
            raise CertificateUrlError("certificate URL: port is not 443")
        raise CertificateUrlError("certificate URL: host is not s3.amazonaws.com")
    path = _remove_dot_segments(parts.path)
    if not path.startswith(_CERT_PATH_PREFIX) or len(path) == len(_CERT_PATH_PREFIX):
        raise CertificateUrlError("certificate URL: path is not under /echo.api/")
    return _CERT_ORIGIN + path


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 section 5.2.4 on a path that is empty or starts with "/": what posixpath.normpath
    # does to "." and "..", minus its merging of "//" (a different S3 key) and its special case
    # for a leading "//". The URL returned is the one downloaded, so check and fetch agree.
    segments = path.split("/")
    kept: list[str] = []
    for segment in segments[1:]:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments[-1] in (".", ".."):
        kept.append("")
    return "/" + "/".join(kept)


# --- certificate chain --------------------------------------------------------------------------


class VerifiedChain:
    """A validated signing chain as cached: the leaf's RSA key and when the whole chain is valid.

    ``not_before``/``not_after`` bound the intersection of the validity periods of every
    certificate on the path that was built, so a request at a time inside the window would have
    validated too; ``validated_at`` is the ``now`` the path was built at.
    """

    __slots__ = ("not_after", "not_before", "public_key", "validated_at")

    def __init__(
        self,
        public_key: rsa.RSAPublicKey,
        not_before: datetime,
        not_after: datetime,
        validated_at: datetime,
    ) -> None:
        self.public_key = public_key
        self.not_before = not_before
        self.not_after = not_after
        self.validated_at = validated_at

    def __repr__(self) -> str:
        return (
            f"VerifiedChain(not_before={self.not_before.isoformat()}, "
            f"not_after={self.not_after.isoformat()}, "
            f"validated_at={self.validated_at.isoformat()})"
        )


def load_chain(pem: bytes) -> list[x509.Certificate]:
    """Parse every certificate of a PEM chain file, signing certificate first."""
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError as exc:
        raise CertificateError("certificate chain: not a PEM certificate file") from exc
    # cryptography silently drops a certificate cut off before its END line: a truncated file
    # must not pass for a shorter chain.
    if len(certificates) != pem.count(_PEM_CERT_MARKER):
        raise CertificateError("certificate chain: truncated or malformed PEM")
    return certificates


def validate_chain(
    certificates: Sequence[x509.Certificate], store: verification.Store, now: datetime
) -> VerifiedChain:
    """Validate a chain (signing certificate first) for ``echo-api.amazon.com`` at ``now``."""
    if not certificates:
        raise CertificateError("certificate chain: empty")
    leaf = certificates[0]
    # cryptography decides; these pre-checks only give the commonest failures a clear message.
    if now < leaf.not_valid_before_utc:
        raise CertificateError("certificate chain: signing certificate not yet valid")
    if now > leaf.not_valid_after_utc:
        raise CertificateError("certificate chain: signing certificate expired")
    # The default (CA/B Forum web-PKI) extension policies are kept as they are: Amazon's signing
    # certificate is an ordinary TLS server certificate (AKI, DNS SAN, serverAuth EKU, CA:FALSE)
    # under ordinary CAs, so nothing needs relaxing, and relaxing would only admit odder chains.
    verifier = (
        verification.PolicyBuilder()
        .store(store)
        .time(now)
        .build_server_verifier(x509.DNSName(ECHO_API_HOST))
    )
    try:
        path = verifier.verify(leaf, list(certificates[1:]))
    except verification.VerificationError as exc:
        raise CertificateError(f"certificate chain: not trusted ({_short(exc)})") from exc
    try:
        public_key = leaf.public_key()
    except Exception as exc:  # an unsupported or malformed key type, whatever cryptography says
        raise CertificateError("certificate chain: unusable signing key") from exc
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise CertificateError("certificate chain: signing key is not RSA")
    return VerifiedChain(
        public_key,
        max(certificate.not_valid_before_utc for certificate in path),
        min(certificate.not_valid_after_utc for certificate in path),
        now,
    )


def _short(exc: Exception) -> str:
    # cryptography's messages can quote whole certificates; keep the reason, drop the dump.
    text = str(exc).removeprefix("validation failed: ").split(" (encountered", 1)[0]
    if "all candidates exhausted" in text:
        return "no path to a trusted root"
    return text.removeprefix("candidates exhausted: ")[:80]


@functools.cache
def _certifi_roots() -> tuple[x509.Certificate, ...]:
    import certifi

    with open(certifi.where(), "rb") as file:
        bundle = file.read()
    roots: list[x509.Certificate] = []
    # Six roots in certifi have serial number 0, which cryptography loads with a deprecation
    # warning today (and its verifier accepts) but may refuse in a later release. They include
    # Starfield Services Root CA G2, which Amazon's chains cross-sign into, so keep them quietly
    # while they load and skip whatever fails to.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in _PEM_CERT_BLOCK.findall(bundle):
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                continue
    return tuple(roots)


# --- signature ----------------------------------------------------------------------------------


def _decode_signature(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError("signature: header is not base64") from exc


def check_signature(
    public_key: rsa.RSAPublicKey, body: bytes, signature: str, *, sha1: bool = False
) -> None:
    """Check one base64 signature header value: RSA PKCS#1 v1.5 over the raw ``body``.

    SHA-256 (the ``Signature-256`` header) unless ``sha1`` (the legacy ``Signature`` header).
    """
    _verify_signature(public_key, body, _decode_signature(signature), _SHA1 if sha1 else _SHA256)


def _verify_signature(
    public_key: rsa.RSAPublicKey, body: bytes, signature: bytes, algorithm: hashes.HashAlgorithm
) -> None:
    try:
        public_key.verify(signature, body, _PKCS1V15, algorithm)
    except InvalidSignature:
        name = "Signature-256" if algorithm is _SHA256 else "Signature (SHA-1)"
        raise SignatureError(f"signature: {name} does not match the body") from None


# --- timestamp ----------------------------------------------------------------------------------


class _RequestHead(msgspec.Struct):
    type: str = ""
    # A number is epoch milliseconds, as the developer console sent in 2017.
    timestamp: str | int | float | None = None


class _EnvelopeHead(msgspec.Struct):
    request: _RequestHead | None = None


# Decodes only request.type and request.timestamp; msgspec skips everything else unparsed.
_decode_head = msgspec.json.Decoder(_EnvelopeHead).decode


def check_timestamp(
    request_type: str, timestamp: str, now: datetime, tolerance: float = MAX_TIMESTAMP_TOLERANCE
) -> None:
    """Raise `TimestampError` unless ``timestamp`` (ISO 8601) is close enough to ``now``.

    Within ``tolerance`` seconds (capped at 150) either way; the five ``AlexaSkillEvent.*``
    requests may be up to an hour old. Both bounds are inclusive.
    """
    limit = timedelta(seconds=min(_tolerance(tolerance), MAX_TIMESTAMP_TOLERANCE))
    _check_timestamp(request_type, timestamp, now, limit)


def _check_timestamp(request_type: str, timestamp: str, now: datetime, limit: timedelta) -> None:
    try:
        sent = datetime.fromisoformat(timestamp)
    except (TypeError, ValueError):
        raise TimestampError("timestamp: not ISO 8601") from None
    if sent.tzinfo is None:
        raise TimestampError("timestamp: no UTC offset")
    try:
        age = now - sent
    except OverflowError:
        raise TimestampError("timestamp: out of range") from None
    if age > (_SKILL_EVENT_MAX_AGE if request_type in _SKILL_EVENTS else limit):
        raise TimestampError("timestamp: too old")
    if -age > limit:
        raise TimestampError("timestamp: in the future")


def _check_body_timestamp(body: bytes, now: datetime, limit: timedelta) -> None:
    try:
        head = _decode_head(body)
    except (msgspec.DecodeError, msgspec.ValidationError):
        raise TimestampError("timestamp: body is not a JSON request") from None
    request = head.request
    timestamp = None if request is None else request.timestamp
    if request is None or timestamp is None or timestamp == "":
        raise TimestampError("timestamp: missing")
    if not isinstance(timestamp, str):
        timestamp = epoch_ms_timestamp(timestamp)
        if timestamp is None:
            raise TimestampError("timestamp: out of range")
    _check_timestamp(request.type, timestamp, now, limit)


def _tolerance(value: float) -> float:
    if not value >= 0:  # also refuses NaN
        raise ValueError(f"timestamp_tolerance must be a number of seconds >= 0, not {value!r}")
    return float(value)


# --- the verifier -------------------------------------------------------------------------------


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _header(headers: Mapping[str, str], name: str, lower: str) -> str | None:
    # Starlette's and httpx's Headers and the app's own mapping are case-insensitive, so `get`
    # answers at once; only a plain dict with oddly capitalised keys needs the scan, and only
    # when the header seems absent.
    value = headers.get(lower)
    if value is None:
        value = headers.get(name)
        if value is None:
            for key, item in headers.items():
                if key.lower() == lower:
                    return item
    return value


class Verifier:
    """Checks that requests come from Alexa (ALEXA.md section 2) and caches signing chains.

    ``trusted_roots``: the roots a chain must lead to (default: the certifi bundle). Give the
    roots of old chains (e.g. VeriSign Class 3 G5) together with ``now`` to replay captures.
    ``fetch_chain``: ``async (url) -> bytes`` replacing the download. ``now``: the clock, returning
    an aware datetime. ``allow_sha1``: accept the legacy ``Signature`` header when
    ``Signature-256`` is absent. ``timestamp_tolerance``: seconds, capped at 150.
    ``http_client``: the client downloads go through, always (never closed here; without one,
    the app's lifespan lends its client, or one is created and closed by `aclose`).
    ``cache_size``: how many chains (by URL) to keep.
    ``download_timeout``/``max_chain_size``: limits on one download, in seconds (waiting for a
    download slot included) and bytes.

    Forged requests may name any made-up URL under ``/echo.api/`` (`alexaskill.downloads` tells
    how they are kept in check): ``max_downloads`` chains (distinct URLs) download at once, and
    ``max_queued_downloads`` more wait for a slot, the URL most requests wait for first; a request
    for yet another URL is refused without a download. A URL that failed is refused without a
    new download for ``failure_ttl`` seconds (2 s when the failure may pass: a timeout, a network
    error, HTTP 5xx; 0 turns this off), remembering at most ``failure_cache_size`` URLs.
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
    ) -> None:
        tolerance = _tolerance(timestamp_tolerance)
        if tolerance > MAX_TIMESTAMP_TOLERANCE:
            logger.warning(
                "timestamp_tolerance=%s exceeds Amazon's limit: capped at %s seconds",
                timestamp_tolerance,
                MAX_TIMESTAMP_TOLERANCE,
            )
            tolerance = MAX_TIMESTAMP_TOLERANCE
        if cache_size < 1:
            raise ValueError(f"cache_size must be at least 1, not {cache_size!r}")
        if trusted_roots is not None and not trusted_roots:
            raise ValueError("trusted_roots is empty: no chain could ever be trusted")
        self.allow_sha1 = allow_sha1
        self.timestamp_tolerance = tolerance
        self.cache_size = cache_size
        self.download_timeout = download_timeout
        self.max_chain_size = max_chain_size
        self.max_downloads = max_downloads
        self._downloads: Downloads[VerifiedChain] = Downloads(
            max_downloads=max_downloads,
            max_queued=max_queued_downloads,
            timeout=download_timeout,
            failure_ttl=failure_ttl,
            failure_cache_size=failure_cache_size,
        )
        self._roots = tuple(trusted_roots) if trusted_roots is not None else None
        self._store: verification.Store | None = None
        self._fetch_chain = fetch_chain
        self._now = now or _utcnow
        self._limit = timedelta(seconds=tolerance)
        self._client = http_client  # the user's: used always, closed never
        self._lent_client: httpx.AsyncClient | None = None  # the app lifespan's
        self._own_client: httpx.AsyncClient | None = None  # made here, closed by aclose()
        self._cache: OrderedDict[str, VerifiedChain] = OrderedDict()

    async def verify(self, headers: Mapping[str, str], body: bytes) -> None:
        """Return if the request is provably from Alexa now, else raise a `VerificationError`."""
        now = await self.verify_signature(headers, body)
        _check_body_timestamp(body, now, self._limit)

    async def verify_envelope(self, headers: Mapping[str, str], body: bytes) -> Envelope:
        """`verify`, then `decode_envelope`, with the body decoded once.

        The timestamp is read from the decoded envelope rather than from a second pass over the
        body. A subclass that overrides `verify` has its own `verify` called, whole.
        """
        if type(self).verify is not Verifier.verify:
            await self.verify(headers, body)
            return decode_envelope(body)
        now = await self.verify_signature(headers, body)
        envelope = decode_envelope(body)
        request = envelope.request
        self.check_request_timestamp(request.type, request.timestamp, now)
        return envelope

    async def verify_signature(self, headers: Mapping[str, str], body: bytes) -> datetime:
        """`verify` without the timestamp: the URL, the chain and the signature of ``body``.

        Returns the time the chain was checked at; pass it to `check_request_timestamp` with the
        request's own type and timestamp once the body is decoded (the app does so: it decodes
        the body once, where `verify` reads it a second time for the timestamp).
        """
        url = _header(headers, "SignatureCertChainUrl", "signaturecertchainurl")
        if url is None:
            raise CertificateUrlError("certificate URL: SignatureCertChainUrl header missing")
        url = check_cert_url(url)
        value = _header(headers, "Signature-256", "signature-256")
        algorithm: hashes.HashAlgorithm = _SHA256
        if value is None:
            if self.allow_sha1:
                value = _header(headers, "Signature", "signature")
                algorithm = _SHA1
            if value is None:
                raise SignatureError(
                    "signature: Signature-256 and Signature headers missing"
                    if self.allow_sha1
                    else "signature: Signature-256 header missing"
                )
        signature = _decode_signature(value)
        now = self._now()
        if now.tzinfo is None:
            raise ConfigurationError("Verifier(now=...) must return an aware datetime")
        chain = self._cache.get(url)
        if chain is None:
            chain = await self._load(url, now)
        else:
            self._cache.move_to_end(url)
        if not chain.not_before <= now <= chain.not_after:
            # Dropped so that the next request fetches the file afresh: Amazon may replace it.
            self._cache.pop(url, None)
            raise CertificateError("certificate chain: not valid now")
        _verify_signature(chain.public_key, body, signature, algorithm)
        return now

    def check_request_timestamp(self, request_type: str, timestamp: str, now: datetime) -> None:
        """Raise `TimestampError` unless the request's ``timestamp`` is within this verifier's
        tolerance of ``now`` (from `verify_signature`); skill events may be up to an hour old."""
        if not timestamp:
            raise TimestampError("timestamp: missing")
        _check_timestamp(request_type, timestamp, now, self._limit)

    async def chain(self, url: str) -> VerifiedChain:
        """The validated chain for a certificate URL, from the cache or downloaded now."""
        url = check_cert_url(url)
        chain = self._cache.get(url)
        now = self._now()
        if chain is None or not chain.not_before <= now <= chain.not_after:
            chain = await self._load(url, now)
        return chain

    def use_http_client(self, client: httpx.AsyncClient | None) -> None:
        """Download through ``client`` from now on, unless this verifier was made with its own
        ``http_client`` (the app lends the one its lifespan owns; None takes it back)."""
        self._lent_client = client

    def clear_cache(self) -> None:
        """Forget every cached chain, and every URL remembered as failing."""
        self._cache.clear()
        self._downloads.forget_failures()

    async def aclose(self) -> None:
        """Close the HTTP client this verifier created, if it created one."""
        client, self._own_client = self._own_client, None
        if client is not None:
            await client.aclose()

    # -- chain loading --

    async def _load(self, url: str, now: datetime) -> VerifiedChain:
        return await self._downloads.get(url, lambda: self._fetch_and_validate(url, now))

    async def _fetch_and_validate(self, url: str, now: datetime) -> VerifiedChain:
        pem = await self._download(url)
        chain = validate_chain(load_chain(pem), self._trust_store(), now)
        self._cache[url] = chain
        self._cache.move_to_end(url)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return chain

    def _trust_store(self) -> verification.Store:
        store = self._store
        if store is None:
            roots = self._roots if self._roots is not None else _certifi_roots()
            try:
                store = self._store = verification.Store(list(roots))
            except (TypeError, ValueError) as exc:
                raise CertificateError("certificate chain: no usable trusted roots") from exc
        return store

    async def _download(self, url: str) -> bytes:
        # Whatever goes wrong while fetching is the sender's problem (a 400), never a 500. The
        # time limit is `Downloads`', around this call and the wait for a slot before it.
        if self._fetch_chain is not None:
            try:
                return await self._fetch_chain(url)
            except VerificationError:
                raise
            except Exception as exc:
                raise CertificateUnavailableError("certificate chain: download failed") from exc
        import httpx

        client = self._client
        if client is None:
            client = self._lent_client
        if client is None:
            client = self._own_client
            if client is None:
                client = self._own_client = httpx.AsyncClient(follow_redirects=False)
        try:
            return await self._read(client, url)
        except VerificationError:
            raise
        except httpx.TimeoutException as exc:
            raise CertificateUnavailableError("certificate chain: download timed out") from exc
        except Exception as exc:
            raise CertificateUnavailableError("certificate chain: download failed") from exc

    async def _read(self, client: httpx.AsyncClient, url: str) -> bytes:
        limit = self.max_chain_size
        # Identity encoding only (checked before reading), so the size cap bounds the memory held.
        async with client.stream(
            "GET",
            url,
            headers={"Accept-Encoding": "identity"},
            timeout=self.download_timeout,
            follow_redirects=False,
        ) as response:
            if response.status_code != 200:
                # 5xx and 429 may pass; 403 or 404 (S3's answers for a made-up URL) will not.
                status = response.status_code
                kind = (
                    CertificateUnavailableError
                    if status >= 500 or status == 429
                    else CertificateError
                )
                raise kind(f"certificate chain: download answered HTTP {status}")
            if response.headers.get("Content-Encoding", "identity").lower() != "identity":
                raise CertificateError("certificate chain: download is content-encoded")
            length = response.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) > limit:
                raise CertificateError(f"certificate chain: download exceeds {limit} bytes")
            data = bytearray()
            async for chunk in response.aiter_bytes():
                data += chunk
                if len(data) > limit:
                    raise CertificateError(f"certificate chain: download exceeds {limit} bytes")
        return bytes(data)
