"""One call to Alexa's service APIs: the endpoint, the deadline, the answer read. (The reminder
body sent is built in `alexaskill.alexa_api.reminders`; what the answer means is
in `alexaskill.alexa_api.answers`.)"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Final, Protocol, cast

from ..exceptions import AlexaApiError, AlexaApiTimeout
from ..outgoing_connections import load_async_backend
from ..shown_names import shown
from ..tls import tls_context
from .answers import error_of as error_of  # (their old place)
from .answers import read_answer as read_answer
from .answers import retry_seconds as retry_seconds
from .reading import MAX_ANSWER_BYTES, call_progress, read, too_large
from .reminders import reminder_body as reminder_body  # (its old place)

if TYPE_CHECKING:
    import httpx

    from ..outgoing_progress import Progress

__all__ = [
    "MAX_ANSWER_BYTES",
    "ApiTransport",
    "Masked",
    "check_endpoint",
    "error_of",
    "is_amazon_host",
    "is_loopback",
    "loopback_without_proxy",
    "read_answer",
    "reminder_body",
    "retry_seconds",
    "send",
    "tls_context",
]


# --- one request: the endpoint rule, the timeout (what each status means: `answers.py`) ------


def is_loopback(host: str | None) -> bool:
    """True for an IP literal on this machine (``127.0.0.1``, ``::1``); names never count."""
    import ipaddress  # here: milliseconds of a cold start, for a check made when an API is called

    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_without_proxy() -> dict[str, None]:
    """``mounts`` for a long-lived httpx client: no proxy of the environment's for the loopback
    addresses `is_loopback` allows most often (a proxy cannot reach this machine's 127.0.0.1,
    and would be sent the token in clear text); every other host as the environment says.

    A pattern names one host: a call to another loopback address (``127.0.0.2``) is sent by a
    client of its own, without proxy (`_http`), as every call made without a long-lived client.
    """
    return {f"all://{host}": None for host in ("127.0.0.1", "[::1]", "localhost")}


#: The loopback hosts `loopback_without_proxy` names (as `httpx.URL.host` says them).
_UNPROXIED: Final = frozenset(("127.0.0.1", "::1", "localhost"))


def is_amazon_host(host: str | None) -> bool:
    """True for ``amazonalexa.com`` and its subdomains (``api.eu.amazonalexa.com``), any case,
    with or without the final dot: the hosts Alexa's ``apiEndpoint`` names."""
    if not host or not host.isascii():
        return False
    host = host.lower().removesuffix(".")
    return (host == "amazonalexa.com" or host.endswith(".amazonalexa.com")) and all(
        map(_is_host_label, host.split("."))
    )


def _is_host_label(label: str) -> bool:
    """An ASCII letter-digit-hyphen label (RFC 1123), not an IDNA one (``xn--``: Amazon's hosts
    have none, and one that does not decode fails in httpx)."""
    return (
        0 < len(label) <= 63
        and label.replace("-", "").isalnum()  # (the caller made sure it is ASCII)
        and not label.startswith("-")
        and not label.endswith("-")
        and label[2:4] != "--"
    )


def check_endpoint(operation: str, endpoint: str) -> str:
    """``endpoint`` without its trailing slash if the token may go there; else `AlexaApiError`.

    Alexa's own hosts over https (``https://api.amazonalexa.com``, ``…eu…``, ``…fe…``), or a
    loopback address over http or https (the testing fake, the development tools). Anything else
    (another host, a host name of other than ASCII letters, digits and hyphens, user info in the
    URL, a query or a fragment, a character that is not printable ASCII, a URL that does not
    parse) is refused before a byte is sent: the request carrying it was not Alexa's, and the
    user's token must not leave for it.
    """
    # Here: urllib.parse (and the ipaddress it loads) is milliseconds of a cold start.
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(endpoint)
        scheme, host = parts.scheme, parts.hostname
        _ = parts.port  # a port that is not a number raises here
        has_user = parts.username is not None or parts.password is not None
    except ValueError:  # an unclosed "[" of an IPv6 address, a port out of range
        scheme, host, has_user = "", None, False
    loopback = is_loopback(host)
    allowed = (scheme == "https" and (is_amazon_host(host) or loopback)) or (
        scheme == "http" and loopback
    )
    # Printable ASCII without spaces, as Alexa's is: what is not fails in httpx, or is no URL.
    printable = endpoint.isascii() and endpoint.isprintable() and " " not in endpoint
    # No query or fragment, as Alexa's has none: the call's path would be put after it.
    bare = "?" not in endpoint and "#" not in endpoint
    if not allowed or has_user or not printable or not bare:
        raise AlexaApiError(
            f"{operation}: apiEndpoint {_shown(endpoint, quoted=True)} is not Alexa's (https to "
            "amazonalexa.com or one of its subdomains; http or https to 127.0.0.1 or [::1] "
            "for tests): nothing was sent",
            operation=operation,
        )
    return endpoint.rstrip("/")


def _shown(endpoint: str, *, quoted: bool = False) -> str:
    """The endpoint for a message, any user info left out, as `shown` echoes a name (a long
    one by its head, tail and length; its ``repr`` with ``quoted``)."""
    scheme, sep, rest = endpoint.partition("://")
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "…@" + authority.rpartition("@")[2]
    return shown(scheme + sep + authority + slash + path if sep else endpoint, quoted=quoted)


class Masked(str):
    """A string that its ``repr`` hides: ``'***'``. It is the token and the ``Authorization``
    header value of a call, so that the locals of a failed call's frames (``token``, the
    ``headers`` dict), which an error reporter such as Sentry records by their ``repr``, do not
    show it. It is sent as any string is (httpx encodes it); what is made of it (a slice, an
    f-string) is a plain string again."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'***'"


class ApiTransport(Protocol):
    """Something that answers `AlexaApi`'s calls without HTTP (`testing.FakeAlexaApi` does).

    `Skill.api_client` may be one instead of an ``httpx.AsyncClient``: each call is then one
    method call, at a cost of microseconds rather than the milliseconds of building an HTTP
    request.
    """

    async def alexa_api_call(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        json: object,
        params: Mapping[str, str] | None,
    ) -> tuple[int, bytes] | tuple[int, bytes, str | None]:
        """The HTTP status and body Alexa's service APIs answer, and optionally the
        ``Retry-After`` header (None: none sent); `TimeoutError` for no answer."""
        ...


async def send(
    client: httpx.AsyncClient | ApiTransport | None,
    operation: str,
    method: str,
    url: str,
    headers: Mapping[str, str],
    json: object,
    params: Mapping[str, str] | None,
    *,
    timeout: float,
) -> tuple[int, bytes, str | None]:
    """Send one request within ``timeout`` seconds in all: its status, body and ``Retry-After``
    header (None without one, or from an `ApiTransport` that answers two values). Failures
    raise."""
    import asyncio  # here: an AWS Lambda cold start that makes no call does not load it

    sender: httpx.AsyncClient | None = None  # (over HTTP: the client it goes through)
    if not hasattr(client, "alexa_api_call"):  # (None has none)
        # Before the time limit starts, whose seconds are the network's: what httpx's transport
        # imports at its first request on this event loop (0.3 s of the first call's 2 on a busy
        # machine), and the client made for a call without one (AWS Lambda; every call), which
        # imports httpx's transport modules and takes the TLS context.
        load_async_backend()
        sender = _sender(client, operation, url, timeout)
        progress = call_progress()  # (how far it got: said if its time runs out)

    async def call() -> tuple[int, bytes, str | None]:
        if sender is not None:
            return await _http(
                sender, operation, method, url, headers, json, params, timeout, progress
            )
        transport = cast(ApiTransport, client)
        status, content, *retry_after = await transport.alexa_api_call(
            method, url, headers, json, params
        )
        if len(content) > MAX_ANSWER_BYTES:  # as over HTTP
            raise too_large(operation, status)
        return status, content, retry_after[0] if retry_after else None

    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # another event loop (trio): anyio's deadline
            import anyio

            with anyio.fail_after(timeout):
                return await call()
        # asyncio's own deadline costs a few µs; anyio's cancel scope ten times that.
        async with asyncio.timeout(timeout):
            return await call()
    except TimeoutError:
        pass
    finally:
        if sender is not None and sender is not client:  # (its own: closed after the limit)
            await sender.aclose()
    # Raised out of the except block, so that the TimeoutError (and the cancellation or httpx
    # error in its context, which holds the request and its token) is no context of it.
    failure = AlexaApiTimeout(
        f"{operation}: no answer from Alexa's API within {timeout:g} s", operation=operation
    )
    if sender is not None:  # (over HTTP: where it stalled, as a chain download's log says it)
        failure.detail = progress.timed_out(url, timeout)
        failure.reached_no_server = progress.reached_no_server()
        failure.add_note(failure.detail)  # (in its traceback: the log line of a handler's bug)
    raise failure


def _sender(
    client: httpx.AsyncClient | None, operation: str, url: str, timeout: float
) -> httpx.AsyncClient:
    """The client a call over HTTP goes through: ``client``, or one of its own made now, before
    the call's time limit (for a call without a client, AWS Lambda's; for one to a loopback
    address ``client``'s mounts do not name), which `send` closes after it. `AlexaApiError`
    for a ``client`` closed, or a URL httpx cannot build."""
    import httpx

    failure: AlexaApiError
    try:
        host = httpx.URL(url).host
    except (httpx.InvalidURL, UnicodeError):  # (idna's errors are UnicodeErrors)
        failure = _unbuildable(operation)
    else:
        # No proxy for a loopback stand-in (the environment's would be asked for its own
        # 127.0.0.1, the token in clear text); Alexa's hosts through one, if set, as ever. A
        # long-lived client's mounts name 3 hosts (`loopback_without_proxy`): another loopback
        # address (127.0.0.2) gets a client of its own, as without one.
        direct = is_loopback(host)
        if client is not None and client.is_closed:
            raise _closed(operation)  # (whatever the host: a closed client sends nothing)
        if client is not None and not (direct and host not in _UNPROXIED):
            return client
        return httpx.AsyncClient(timeout=timeout, verify=tls_context(), trust_env=not direct)
    raise failure  # (out of the except block: httpx's error is no context of it)


async def _http(
    client: httpx.AsyncClient,
    operation: str,
    method: str,
    url: str,
    headers: Mapping[str, str],
    json: object,
    params: Mapping[str, str] | None,
    timeout: float,
    progress: Progress,
) -> tuple[int, bytes, str | None]:
    """Send the call through ``client`` (`_sender`'s) and read its answer, how far it got kept
    in ``progress``."""
    import httpx

    timed_out = False
    failure: AlexaApiError
    try:
        # Never followed, whatever the client's own setting: the token goes nowhere else.
        request = client.build_request(
            method, url, json=json, params=params, headers=headers, timeout=timeout
        )
        return await read(client, request, operation, progress)
    except httpx.TimeoutException as exc:
        timed_out = True
        progress.raised = _without_request(exc)  # (its name and words, for the log)
    except httpx.HTTPError as exc:
        failure = AlexaApiError(
            f"{operation}: {type(exc).__name__} reaching Alexa's API", operation=operation
        )
        failure.__cause__ = _without_request(exc)
        # A proxy that refused its tunnel, or an https:// proxy whose own TLS handshake failed:
        # which (in its traceback: the log line of a handler's bug).
        note = progress.refused(url, exc) or progress.proxy_tls_failed(url, exc)
        if note is not None:
            failure.add_note(note)
    except UnicodeEncodeError:
        # httpx encodes header values as ASCII; the error would carry the whole value. Only a
        # request that is not Alexa's has such a locale (the token is checked before).
        failure = AlexaApiError(
            f"{operation}: a header of the call (the request's locale?) is not ASCII: not sent",
            operation=operation,
        )
    except RuntimeError:
        # httpx's "Cannot send a request, as the client has been closed.": closed meanwhile.
        if not client.is_closed:
            raise
        failure = _closed(operation)
    except (httpx.InvalidURL, UnicodeError):
        failure = _unbuildable(operation)
    # Raised out of the except blocks: httpx's error (its request, its traceback's frames hold
    # the token) is then no __context__ of what the skill sees.
    if timed_out:
        raise TimeoutError
    raise failure


def _unbuildable(operation: str) -> AlexaApiError:
    # A URL httpx cannot build (check_endpoint refuses such an endpoint first). Its message
    # would show the URL, the device id in it.
    return AlexaApiError(
        f"{operation}: the call cannot be sent to that URL (httpx cannot build it): not sent",
        operation=operation,
    )


def _closed(operation: str) -> AlexaApiError:
    return AlexaApiError(
        f"{operation}: the HTTP client for Alexa's API is closed (a Skill.api_client the skill "
        "closed, or the app's own after its shutdown): nothing was sent",
        operation=operation,
    )


def _without_request(exc: httpx.HTTPError) -> BaseException | None:
    """``exc`` as a cause to chain: the same type and message, without the request it carries
    (its Authorization header holds the token) nor the traceback (whose frames hold it too)."""
    try:
        bare = type(exc)(str(exc))
    except TypeError:  # a type that takes more (none of httpx's request errors): no cause
        return None
    bare.__suppress_context__ = True
    return bare
