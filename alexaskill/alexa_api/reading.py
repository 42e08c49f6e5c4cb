"""An answer of Alexa's service APIs read over HTTP: at most `MAX_ANSWER_BYTES`, decompressed
as it comes, with the ids kept out of httpx's log line."""

from __future__ import annotations

import contextvars
import logging
import zlib
from typing import TYPE_CHECKING, Final

from ..exceptions import AlexaApiError
from ..shown_names import shown_value

if TYPE_CHECKING:
    import httpx

    from ..outgoing_progress import Progress

#: Bytes of an answer read at most (decompressed): past that, the answer is refused unread.
#: Amazon's largest (a page of 100 in-skill products, a long household list) are far smaller.
MAX_ANSWER_BYTES: Final = 4 * 1024 * 1024

__all__ = ["MAX_ANSWER_BYTES", "call_progress", "read", "too_large"]


def call_progress() -> Progress:
    """How far a call got (`alexaskill.outgoing_progress.Progress`, as a chain download's, in
    the call's words), for what the log says of one whose time ran out (`read` fills it in)."""
    from ..outgoing_progress import Progress

    return Progress(
        limit="the call's timeout",
        network_advice=(
            "this server must reach Alexa's API (the request's apiEndpoint) over HTTPS: allow "
            "outbound HTTPS to it, check DNS, or set HTTPS_PROXY to the proxy it must use"
        ),
        pool_advice="give the skill's calls a client of their own (skill.api_client)",
    )


async def read(
    client: httpx.AsyncClient,
    request: httpx.Request,
    operation: str,
    progress: Progress | None = None,
) -> tuple[int, bytes, str | None]:
    """Send ``request``; the status, at most `MAX_ANSWER_BYTES` of the body (else raise) and
    the ``Retry-After`` header; how far it got kept in ``progress`` (`call_progress`).

    Only gzip is asked for and read: its bytes are inflated a bounded piece at a time, so that
    a small compressed answer that expands to gigabytes (a decompression bomb) is refused once
    past the cap, never held whole in memory (httpx's own decoders inflate each chunk read in
    full). An answer in another encoding is refused.
    """
    _hide_ids_from_httpx_log()
    request.headers["Accept-Encoding"] = "gzip"
    # httpx logs "HTTP Request: GET <url>" at INFO: the URL holds the device id, a list id (the
    # account id, in base64); the line shows where and which operation instead.
    where = f"{request.url.scheme}://{request.url.netloc.decode()}/… ({operation})"
    shown = _SHOWN_URL.set(where)
    # httpx's trace of the connection, for the TLS handshake the call's time limit cancels (and
    # the pool's place of a tunnel whose handshake failed, of a SOCKS connect failed), and for
    # the stage a call out of time stalled in (`progress`).
    progress = call_progress() if progress is None else progress
    progress.shown = f"{request.method} {where}"
    progress.sent_through(client, str(request.url))
    opened = progress.opened
    progress.request = opened.request = request
    request.extensions["trace"] = progress.trace
    try:
        reply = await client.send(request, stream=True, follow_redirects=False)
    except BaseException as exc:
        if not isinstance(exc, Exception):  # (a cancellation: the call's time limit)
            await opened.close_cancelled_handshake()
        await opened.free_unstarted()  # (a place handed over as it went away: given back)
        raise
    finally:
        _SHOWN_URL.reset(shown)
    try:
        status = reply.status_code
        declared = reply.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
            raise too_large(operation, status)
        encoding = reply.headers.get("content-encoding", "").strip().lower()
        body = bytearray()
        progress.stage = "body"  # (the head came: a stall now is the body's)
        progress.declared = int(declared) if declared.isdigit() else None
        if reply.is_stream_consumed:
            # A response made with its body whole (an httpx.MockTransport's): decoded already.
            body += reply.content
            if len(body) > MAX_ANSWER_BYTES:
                raise too_large(operation, status)
        elif encoding in ("", "identity"):
            async for chunk in reply.aiter_raw():
                body += chunk
                progress.received = len(body)
                if len(body) > MAX_ANSWER_BYTES:
                    raise too_large(operation, status)
        elif encoding in ("gzip", "x-gzip"):
            await _inflate(reply, body, operation, status, progress)
        else:
            raise AlexaApiError(
                f"{operation}: Alexa's answer (HTTP {status}) is in content-encoding "
                f"{shown_value(encoding)}, not gzip (the only one asked for): not read",
                operation=operation,
                status=status,
            )
        return status, bytes(body), reply.headers.get("retry-after")
    finally:
        await reply.aclose()


async def _inflate(
    reply: httpx.Response, body: bytearray, operation: str, status: int, progress: Progress
) -> None:
    """Add the gzip answer's inflated bytes to ``body``, never more than one past the cap (the
    bytes received counted in ``progress``)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        async for chunk in reply.aiter_raw():
            progress.received += len(chunk)
            data = chunk
            while data and not inflater.eof:
                # max_length 0 would mean "no limit": the room left is at least 1 here.
                body += inflater.decompress(data, MAX_ANSWER_BYTES - len(body) + 1)
                if len(body) > MAX_ANSWER_BYTES:
                    raise too_large(operation, status)
                data = inflater.unconsumed_tail
        body += inflater.flush(MAX_ANSWER_BYTES - len(body) + 1)
    except zlib.error:
        raise AlexaApiError(
            f"{operation}: Alexa's answer (HTTP {status}) says gzip but does not inflate",
            operation=operation,
            status=status,
        ) from None
    if len(body) > MAX_ANSWER_BYTES:
        raise too_large(operation, status)


def too_large(operation: str, status: int) -> AlexaApiError:
    return AlexaApiError(
        f"{operation}: Alexa's answer (HTTP {status}) is larger than {MAX_ANSWER_BYTES:,} bytes: "
        "not read",
        operation=operation,
        status=status,
    )


# The URL httpx's log line shows for the call being sent in this context, if one is.
_SHOWN_URL: Final[contextvars.ContextVar[str | None]] = contextvars.ContextVar(
    "alexaskill_api_url_shown", default=None
)


class _HideIds(logging.Filter):
    """On the ``httpx`` logger: the URL of an `AlexaApi` call's line without its ids."""

    def filter(self, record: logging.LogRecord) -> bool:
        shown = _SHOWN_URL.get()
        args = record.args
        if (
            shown is not None
            and isinstance(args, tuple)
            and len(args) >= 2
            and isinstance(record.msg, str)
            and record.msg.startswith("HTTP Request:")
        ):
            record.args = (args[0], shown, *args[2:])
        return True


def _hide_ids_from_httpx_log() -> None:
    httpx_logger = logging.getLogger("httpx")
    if not any(isinstance(f, _HideIds) for f in httpx_logger.filters):
        # (addFilter, not `alexaskill.log_lists.edit_filters`: an append skips no record's
        # walk, and two first calls at once putting two cost nothing: each hides the same.)
        httpx_logger.addFilter(_HideIds())
