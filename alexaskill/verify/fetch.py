"""One download of a chain file over HTTP, within a size cap (`read_chain`), or what a
``fetch_chain`` of the caller's gave (`fetched_chain`); each with whatever goes wrong said as a
`CertificateError` (`download_chain`, `call_fetch_chain`): the sender's problem, a 400, never a
500. How far a download got, and what its timeout says, is `alexaskill.outgoing_progress`'s."""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from ..articles import type_with_article
from ..downloads import TIMED_OUT, unreachable
from ..exceptions import (
    CertificateError,
    CertificateUnavailableError,
    ConfigurationError,
    VerificationError,
)
from ..outgoing_connections import load_async_backend as load_async_backend  # (its old place)
from ..outgoing_progress import Progress
from ..own_cancellation import cancelled_here, is_cancellation
from ..shown_names import shown
from .progress import download_progress

if TYPE_CHECKING:
    import ssl

    import httpx

__all__ = [
    "call_fetch_chain",
    "download_chain",
    "fetched_chain",
    "is_async_client",
    "load_async_backend",
    "read_chain",
    "type_name",
]

_FAILED = "certificate chain: download failed"
_MALFORMED_LENGTH = "certificate chain: download's Content-Length is malformed"
_MALFORMED = "certificate chain: download's answer is malformed"
_CUT_SHORT = "certificate chain: download cut short"


async def call_fetch_chain(
    fetch_chain: Callable[[str], Awaitable[bytes]], url: str, limit: int
) -> bytes:
    """What ``Verifier(fetch_chain=...)`` returns for ``url`` (`fetched_chain`); its failure a
    `CertificateUnavailableError` (its own `VerificationError` as it raised it); a
    ``fetch_chain`` that is no async function a `ConfigurationError`."""
    pending: object = None
    try:
        pending = fetch_chain(url)
        pem: object = await pending if inspect.isawaitable(pending) else None
    except VerificationError:
        raise
    except BaseException as exc:
        if isinstance(exc, Exception):
            said = f"{type(exc).__name__}: {exc}"
        elif _stray_cancellation(exc):
            said = "a task it awaited was cancelled elsewhere (CancelledError)"
        else:
            raise
        detail = f"fetch_chain({shown(url)}): {said}"
        raise CertificateUnavailableError(_FAILED, detail=detail) from exc
    if not inspect.isawaitable(pending):  # the caller's function: said as such (a 500)
        raise ConfigurationError(
            "Verifier(fetch_chain=...) must be an async function (async def fetch_chain(url) "
            f"-> bytes): it returned {type_with_article(pending)}, not an awaitable"
        )
    return fetched_chain(pem, limit)


async def download_chain(
    client: httpx.AsyncClient,
    url: str,
    *,
    timeout: float,
    limit: int,
    progress: Progress | None = None,
    left: float | None = None,
) -> bytes:
    """`read_chain`, its transport failures (and a timeout) `CertificateUnavailableError`s;
    how far it got kept in ``progress`` (for `Downloads`' own time limit: `Progress.timed_out`).
    ``left``: the seconds left of ``timeout`` (`alexaskill.downloads.time_left`), which httpx
    is given, when some went before (waiting for a download slot); a timeout is said to have
    run out ``timeout``, all of it."""
    import httpx

    progress = download_progress() if progress is None else progress
    given = timeout if left is None else left
    try:
        return await read_chain(client, url, timeout=given, limit=limit, progress=progress)
    except VerificationError:
        raise
    except httpx.TimeoutException as exc:
        raise CertificateUnavailableError(
            TIMED_OUT, detail=progress.timed_out(url, timeout, exc)
        ) from exc
    except httpx.RemoteProtocolError as exc:
        said = _malformed(exc)
        if said is None:  # the server went away before answering: as unreachable
            raise CertificateUnavailableError(_FAILED, detail=unreachable(url, exc)) from exc
        # It answered, with a head httpx's parser refuses (two lengths, a length that is no
        # number; a body's failures are `read_chain`'s): no matter of this server's network
        # access, which the log would blame. h11's words pick the reason, as nothing else
        # can: it refuses the head inside its parser, before httpx makes a response, so there
        # are no headers to read as `read_chain` reads them, and its error carries only its
        # words and a status hint (400 for any refusal). They pick the reason only, not
        # whether it is remembered: reworded, a bad length would be said "malformed". Their
        # current wording ("conflicting Content-Length headers", "bad Content-Length") is
        # pinned by tests/test_verify_fetch.py, which fails when h11 rewords it.
        if "content-length" in said.lower():
            raise CertificateError(_MALFORMED_LENGTH) from exc
        raise CertificateError(_MALFORMED) from exc
    except BaseException as exc:
        if not isinstance(exc, Exception) and not _stray_cancellation(exc):
            raise
        detail = (
            _tls_failure(url, exc, progress) or progress.refused(url, exc) or unreachable(url, exc)
        )
        raise CertificateUnavailableError(_FAILED, detail=detail) from exc


def is_async_client(client: object) -> bool:
    """Whether ``client`` is an ``httpx.AsyncClient``, which a download can go through."""
    import httpx

    return isinstance(client, httpx.AsyncClient)


def type_name(value: object) -> str:
    """``value``'s type as an error names it: ``httpx.Client``, ``str``."""
    kind = type(value)
    return f"httpx.{kind.__name__}" if kind.__module__.startswith("httpx") else kind.__name__


def _malformed(exc: BaseException) -> str | None:
    """What h11 (httpx's HTTP/1.1 parser, under httpcore) said of the answer's bytes, when it
    refused them or its body ended early (found among the causes of httpx's
    ``RemoteProtocolError``); None for a connection that ended before an answer, which
    httpcore says with no h11 error inside."""
    import h11

    seen: BaseException | None = exc
    for _ in range(8):  # (httpx's error, httpcore's, then h11's: a few links at most)
        if seen is None:
            break
        for part in (seen, *seen.args):
            if isinstance(part, h11.RemoteProtocolError):
                return str(part)
        seen = seen.__cause__ or seen.__context__
    return None


#: OpenSSL's reasons for a first answer that is no TLS record (plain HTTP's "HTTP/1.1 400"
#: read as one): 1.1 and 3.0 say the first, later versions the others.
_NOT_TLS: Final = frozenset(
    {"WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG"}
)


def ssl_error_of(exc: BaseException) -> ssl.SSLError | None:
    """The ``ssl`` error among the causes of ``exc`` (httpx's ConnectError or ReadError,
    httpcore's, anyio's, then ssl's: a few links), or ``exc`` itself (anyio lets a bad
    record's out as it is); None if none."""
    import ssl

    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None or isinstance(seen, ssl.SSLError):
            break
        seen = seen.__cause__ or seen.__context__
    return seen if isinstance(seen, ssl.SSLError) else None


def _tls_broken(seen: ssl.SSLError) -> str | None:
    """What the log says of TLS that failed after its handshake (a record that is no good);
    None for a close without TLS's goodbye, which is said as any close."""
    import ssl

    if isinstance(seen, ssl.SSLEOFError):
        return None
    return (
        f"TLS failed during the answer, after the handshake ({seen.reason}): the server was "
        "reached and TLS set up, then a record came that was no good (a proxy or other device "
        "on the way that alters the traffic, or a broken server)"
    )


def _tls_failure(url: str, exc: BaseException, progress: Progress) -> str | None:
    """What the log says of a download whose TLS failed (an ``ssl`` error among the causes of
    ``exc``): in its handshake (httpx's ConnectError), an https:// proxy's own (``progress``
    says so), or in the answer after it; None for other failures. The network's advice would
    mislead: the server (or the proxy) was reached, DNS and all."""
    import ssl

    import httpx

    seen = ssl_error_of(exc)
    if seen is None:
        return None
    proxys = progress.proxy_tls_failed(url, exc)  # (before any CONNECT: no server reached)
    if proxys is not None:
        return proxys
    said = f"GET {shown(url)}: {type(exc).__name__}: {str(exc) or seen}"
    if isinstance(seen, ssl.SSLCertVerificationError):
        why = (
            "the server answered with a TLS certificate this server does not trust: a proxy "
            "that inspects TLS on the way (its CA belongs in SSL_CERT_FILE), or this server's "
            "clock or trusted roots"
        )
    elif not isinstance(exc, httpx.ConnectError):  # after the handshake: the answer's records
        broken = _tls_broken(seen)
        if broken is None:  # (closed before the answer: as any close, the network's advice)
            return None
        why = f"{broken}; it may pass"
    elif seen.reason in _NOT_TLS:
        why = (
            "TLS handshake failed: the server did not speak TLS, it answered in plain HTTP or "
            "some other protocol (an https:// URL to a plain-HTTP port, such as 80, or a "
            "proxy that does not speak TLS there)"
        )
    elif isinstance(seen, ssl.SSLEOFError):
        why = (
            "TLS handshake failed: the server closed the connection during it (one that does "
            "not speak TLS on that port, or refused this server's TLS versions or ciphers)"
        )
    else:
        why = (
            f"TLS handshake failed ({seen.reason}): the server refused this server's TLS, or "
            "this server the server's (its versions, ciphers or keys)"
        )
    return f"{said}; {why}"


def _stray_cancellation(exc: BaseException) -> bool:
    """Whether ``exc`` is a CancelledError a download let out while its own task was not being
    cancelled (a task it awaited was, elsewhere): a failed download, not a cancellation to pass
    on (the server's shutdown, or `Downloads`' time limit, which cancel the task itself)."""
    return is_cancellation(exc) and not cancelled_here(exc)


async def read_chain(
    client: httpx.AsyncClient,
    url: str,
    *,
    timeout: float,
    limit: int,
    progress: Progress | None = None,
) -> bytes:
    """The body of a GET of ``url``: HTTP 200, not content-encoded, at most ``limit`` bytes,
    else a `CertificateError` (`CertificateUnavailableError` for what may pass: 5xx, 429, a
    body cut short); how far it got kept in ``progress``."""
    import ssl

    import httpx

    progress = download_progress() if progress is None else progress
    progress.sent_through(client, url)

    # Identity encoding only (checked before reading), so the size cap bounds the memory held.
    # (Built first, as `client.stream` does, for `Progress.trace` to compare its URL with.)
    request = progress.request = progress.opened.request = client.build_request(
        "GET",
        url,
        headers={"Accept-Encoding": "identity"},
        timeout=timeout,
        extensions={"trace": progress.trace},
    )
    try:
        response = await client.send(request, stream=True, follow_redirects=False)
    except BaseException as exc:
        if not isinstance(exc, Exception):  # (a cancellation: `Downloads`' time limit)
            await progress.opened.close_cancelled_handshake()
        await progress.opened.free_unstarted()  # (a place handed over as it went away)
        raise
    async with contextlib.aclosing(response):
        if response.status_code != 200:
            # 5xx and 429 may pass; 403 or 404 (S3's answers for a made-up URL) will not.
            status = response.status_code
            kind = (
                CertificateUnavailableError if status >= 500 or status == 429 else CertificateError
            )
            raise kind(f"certificate chain: download answered HTTP {status}")
        if response.headers.get("Content-Encoding", "identity").lower() != "identity":
            raise CertificateError("certificate chain: download is content-encoded")
        length = response.headers.get("Content-Length")
        declared = None if length is None else _declared_length(length)
        if declared is not None and declared > limit:
            raise CertificateError(f"certificate chain: download exceeds {limit:,} bytes")
        data = bytearray()
        progress.stage, progress.declared = "body", declared
        try:
            async for chunk in response.aiter_bytes():
                data += chunk
                progress.received = len(data)
                if len(data) > limit:
                    raise CertificateError(f"certificate chain: download exceeds {limit:,} bytes")
        except (httpx.RemoteProtocolError, httpx.ReadError, ssl.SSLError) as exc:
            chunked = "chunked" in response.headers.get("Transfer-Encoding", "").lower()
            raise _broken_off(url, exc, len(data), declared, chunked=chunked) from exc
    return bytes(data)


def _broken_off(
    url: str, exc: Exception, received: int, declared: float | None, *, chunked: bool
) -> CertificateError:
    """What a body whose reading broke off after a good head is: cut short (a
    `CertificateUnavailableError`, which may pass: the server, a proxy or the network ended
    it) unless all the bytes its Content-Length announced came, then a malformed answer.

    Told by the bytes counted here, not by h11's message, whose start was matched once
    (reworded, a cut answer became "malformed", refused for a minute); so any transport's
    error will do (a reset, an HTTP/2 stream ended early). A body without a length (chunked,
    or ended by its connection's close) has no count to hold it to: its break is a cut (h11's
    refusal of a chunk's framing too, told from a close by its wording only, unread)."""
    if declared is not None and received >= declared:  # it all came: what broke cut nothing
        return CertificateError(_MALFORMED)
    if declared is not None:
        where = f"{received:,} of the {int(declared):,} bytes its Content-Length announced"
    else:
        where = f"{received:,} bytes, before its {'last chunk' if chunked else 'end'}"
    said = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    seen = ssl_error_of(exc)
    broken = None if seen is None else _tls_broken(seen)
    if broken is not None:  # (no close: "the connection closed" would send one looking for it)
        why = f"{broken}, its body cut short ({where}); it may pass"
    else:
        why = (
            f"its connection closed before the end of the answer ({where}): the server, a "
            "proxy or the network ended it"
        )
    return CertificateUnavailableError(_CUT_SHORT, detail=f"GET {shown(url)}: {said}; {why}")


def _declared_length(value: str) -> float:
    """A ``Content-Length`` as HTTP writes it (RFC 9110, 8.6: ASCII digits; the same length
    listed twice is one, as h11 takes it), else a `CertificateError` saying it is malformed.
    (``str.isdigit`` passes ``"²"``, which ``int`` refuses: a "download failed" whose log
    sent the operator to check the network, though the server had answered.)"""
    lengths = {part.strip(" \t") for part in value.split(",")}
    digits = lengths.pop() if len(lengths) == 1 else ""
    if not (digits.isascii() and digits.isdigit()):
        raise CertificateError(_MALFORMED_LENGTH)
    digits = digits.lstrip("0") or "0"
    # (int() refuses over 4300 digits; 400 are past any limit a float holds)
    return float("inf") if len(digits) > 400 else int(digits)


def fetched_chain(pem: object, limit: int) -> bytes:
    """What ``Verifier(fetch_chain=...)`` returned, as bytes held to a download's ``limit``."""
    if type(pem) is not bytes:  # the caller's function: said as such, not as a PEM error
        if not isinstance(pem, bytearray | memoryview):
            raise _not_a_chain(type_with_article(pem))
        # A view read as it shows its bytes (with a step, of wider items): the chain is parsed,
        # not hashed over its buffer as a body is, so a body's rule (`unfit_body`) is not its.
        try:
            pem = bytes(pem)
        except ValueError:  # (a released view: any use of it raises this)
            raise _not_a_chain("a released memoryview") from None
    if len(pem) > limit:  # held to the limit of a download
        raise CertificateError(f"certificate chain: exceeds {limit:,} bytes")
    return pem


def _not_a_chain(what: str) -> ConfigurationError:
    return ConfigurationError(
        f"Verifier(fetch_chain=...) must return the chain file's bytes (PEM), not {what}"
    )
