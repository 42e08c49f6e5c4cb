"""The part of `AlexaApi` every call goes through: the request's endpoint, token and device."""

from __future__ import annotations

import datetime as _dt
import logging
import re
import sys
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Final, ParamSpec, TypeVar

from ..alexa_api import Masked, check_endpoint, read_answer, send
from ..articles import type_with_article
from ..exceptions import AlexaApiError, PermissionRequired
from ..shown_names import shown_json, shown_value

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import httpx

    from ..alexa_api import ApiTransport
    from ..models import Envelope, System

__all__ = ["API_TIMEOUT", "RequestApi", "check_timeout"]

T = TypeVar("T")
P = ParamSpec("P")
C = TypeVar("C")

logger = logging.getLogger("alexaskill")

#: Seconds one call to Alexa's service APIs may take in all before it is given up.
API_TIMEOUT: Final = 2.0
_NOT_ASKED: Final[Any] = object()
# RFC 6750's b64token, which Amazon's apiAccessToken (a JWT) is.
_BEARER_TOKEN: Final = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


class RequestApi:
    """An `AlexaApi` without its calls: the request it is bound to and the one way out to Amazon."""

    __slots__ = (
        "_answering",
        "_client",
        "_envelope",
        "_progressive_sent",
        "_time_zone",
        "_time_zone_asked",
        "timeout",
    )

    def __init__(
        self,
        envelope: Envelope,
        *,
        client: httpx.AsyncClient | ApiTransport | None = None,
        timeout: float = API_TIMEOUT,
    ) -> None:
        self._envelope = envelope
        self._client = _checked_client(client)
        self._time_zone: ZoneInfo | None = _NOT_ASKED
        #: The time zone call under way (None: none is): an event set when it ends, and a list
        #: that holds True if it failed. Calls made meanwhile wait for its answer, not ask again.
        self._time_zone_asked: Any = None
        self._progressive_sent = 0
        #: The request's `Call` in the app (`alexa_api_factory`): whether it was answered, and
        #: its deadline. None for an `AlexaApi` made by hand.
        self._answering: Any = None
        #: Seconds one call may take in all.
        self.timeout = check_timeout(timeout)

    @property
    def endpoint(self) -> str | None:
        """``context.System.apiEndpoint``, e.g. ``https://api.amazonalexa.com``."""
        system = self._system()
        return None if system is None else system.api_endpoint

    @property
    def client(self) -> httpx.AsyncClient | ApiTransport | None:
        """The shared HTTP client calls go through; None: each call makes its own."""
        return self._client

    @property
    def locale(self) -> str:
        """The request's locale (``en-US`` when it has none): the language answers come in."""
        return self._envelope.request.locale or "en-US"

    def _system(self) -> System | None:
        context = self._envelope.context
        return None if context is None else context.system

    def call_sync(
        self, method: Callable[P, Coroutine[Any, Any, T]], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """From a ``def`` handler: run one of these coroutine methods and return its result.

        ``name = api.call_sync(api.given_name)``,
        ``api.call_sync(api.in_skill_products, entitled=True)``. A ``def`` handler runs in a
        worker thread; the call runs on the app's event loop meanwhile. `RuntimeError` in any
        other thread, or once that loop stops running (on AWS Lambda, after the invocation
        answered: a handler the deadline gave up on).
        """
        from functools import partial

        from ..threads import NotAWorkerThread, run_in_loop

        call = partial(method, *args, **kwargs)
        try:
            return run_in_loop(call)
        except NotAWorkerThread:  # an anyio worker thread, maybe (a RuntimeError of the
            pass  # method's own goes to the caller: it must not be tried again anyio's way)
        name = getattr(method, "__name__", "method")
        _refuse_on_the_loops_thread(name)
        import anyio.from_thread

        started = False

        async def run() -> T:
            nonlocal started
            started = True
            return await call()

        try:
            return anyio.from_thread.run(run)
        except RuntimeError:
            if started:  # the method's own
                raise
        # Raised here, not in the except block: anyio's error (an "AnyIO worker thread", an
        # "event loop token") speaks of nothing the skill set up.
        raise RuntimeError(
            f"call_sync is for def handlers, in the worker thread the app runs them in; this "
            f"thread is not one (a thread the handler started, or no app running): call "
            f"api.call_sync(api.{name}, …) from the handler itself, or await api.{name}(…) "
            "in an async def"
        )

    # --- the one way out -----------------------------------------------------------------------

    def _device_id(self) -> str:
        system = self._system()
        device = None if system is None else system.device
        if device is None or not device.device_id:
            raise AlexaApiError("the request names no device (context.System.device.deviceId)")
        # Here: urllib.parse (and the ipaddress it loads) is milliseconds of a cold start.
        from urllib.parse import quote

        return quote(device.device_id, safe="")

    def _base(self, operation: str) -> tuple[str, Masked]:
        system = self._system()
        endpoint = None if system is None else system.api_endpoint
        # Masked: this frame, and _call's, are in the traceback of any failure of the call.
        token = None if system is None else system.api_access_token
        token = None if token is None else Masked(token)
        if not endpoint or not token:
            raise AlexaApiError(
                f"{operation}: the request has no apiEndpoint or apiAccessToken "
                "(Alexa sends both in context.System)",
                operation=operation,
            )
        if not _BEARER_TOKEN.fullmatch(token):
            # Not Amazon's (a JWT): sending it would fail in httpx or h11 (a line break, a
            # non-ASCII letter) with an exception whose message carries it. Its content stays
            # out of this message.
            raise AlexaApiError(
                f"{operation}: the request's apiAccessToken is not a bearer token (RFC 6750 "
                f"characters: letters, digits, -._~+/ and = at the end; {len(token):,} characters "
                "given): nothing was sent",
                operation=operation,
            )
        return check_endpoint(operation, endpoint), token

    async def _get(
        self, operation: str, path: str, into: type[T], *, scope: str | None = None
    ) -> T | None:
        found: T | None = await self._call(operation, "GET", path, into, scope=scope)
        return found

    async def _call(
        self,
        operation: str,
        method: str,
        path: str,
        into: type[T] | None,
        *,
        scope: str | None = None,
        json: object = None,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        base: str | None = None,
        unauthorized_means_consent: bool = False,
        changes: bool = False,
        refused_note: str = "",
        timeout: float | None = None,
    ) -> Any:
        """One request: the decoded answer, or None for "not set" (204); failures raise.

        A call that ``changes`` what Alexa keeps (a reminder, a list item) is refused, unsent,
        once the request's deadline has answered for it: the user heard "please try again", and
        their retry makes the change again.

        A refusal for ``scope`` is `PermissionRequired` (the consent card) only if the request
        does not say the user granted it; if it does, an `AlexaApiError` and a WARNING (with
        ``refused_note``, the likely reason), whichever API refused. ``timeout``: the seconds
        left to a call of several requests (`timeout`, by default).
        """
        if changes and self._answering is not None and self._answering.expired:
            raise AlexaApiError(
                f"{operation}: the request's deadline passed and its answer went out "
                "(Skill(deadline=...)): not sent, as the user's retry would make it again",
                operation=operation,
            )
        endpoint, token = self._base(operation)
        sent = {
            "Authorization": Masked("Bearer " + token),  # in the locals of send and _http too
            "Accept": "application/json",
            **(headers or {}),
        }
        try:
            status, content, retry_after = await send(
                self._client,
                operation,
                method,
                (base or endpoint) + path,
                sent,
                json,
                params,
                timeout=self.timeout if timeout is None else timeout,
            )
        except RuntimeError as exc:
            # asyncio's "… is bound to a different event loop": an httpx client's pooled
            # connections belong to the loop they were opened on (the app's, for its client).
            if "different" not in str(exc) or "loop" not in str(exc):
                raise
            wrong_loop = True
        else:
            wrong_loop = False
        if wrong_loop:  # raised here: the RuntimeError's frames, which hold the token, no context
            raise AlexaApiError(
                f"{operation}: called on another event loop than its HTTP client's "
                "(asyncio.run in a def handler?): from a def handler, call "
                "api.call_sync(api.method, …), which runs it on the app's loop",
                operation=operation,
            )
        try:
            return read_answer(
                operation,
                status,
                content,
                into,
                scope=scope,
                unauthorized_means_consent=unauthorized_means_consent,
                retry_after=retry_after,
            )
        except PermissionRequired as exc:
            if not self._granted(exc.scope):
                raise
            refused = exc
        raise self._refused_though_granted(refused, refused_note)

    def _granted(self, scope: str) -> bool:
        """Whether the request says the user granted ``scope`` (``context.System.user
        .permissions.scopes``; the deprecated ``consentToken`` names no scope: not enough)."""
        system = self._system()
        return system is not None and system.user is not None and system.user.granted(scope)

    @staticmethod
    def _refused_though_granted(exc: PermissionRequired, note: str) -> AlexaApiError:
        """A 403 (or reminders' 401) for a scope the request says is granted: an `AlexaApiError`
        and a WARNING, not `PermissionRequired`. Its consent card would ask the user for what
        they gave, and the next request be refused again: asked again and again."""
        operation, status, scope = exc.operation, exc.status, exc.scope
        logger.warning(
            "%s: Alexa refused the call (HTTP %s) though the request says the user granted %s: "
            "no consent card sent%s",
            operation,
            status,
            scope,
            note and f" ({note})",
        )
        said = f" ({exc.detail})" if exc.detail else ""  # (Amazon's reason, if it gave one)
        return AlexaApiError(
            f"{operation}: HTTP {status}, refused though the user granted {scope}{said}"
            + (note and f" ({note})"),
            operation=operation,
            status=status,
            code=exc.code,
        )


def _refuse_on_the_loops_thread(name: str) -> None:
    """`RuntimeError` that says what to do, if an asyncio event loop runs in this thread (an
    ``async def`` handler's): anyio's would speak of worker threads and event loop tokens."""
    asyncio = sys.modules.get("asyncio")  # not imported: no asyncio loop runs
    if asyncio is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(
        f"call_sync is for def handlers, which run in a worker thread; this thread runs the "
        f"event loop (an async def handler): await the method instead (await api.{name}(…))"
    )


def _checked_client(client: C) -> C:
    """``client`` if calls can go through it (None, an ``httpx.AsyncClient``, an `ApiTransport`);
    else `TypeError` here, rather than at each call of each request."""
    if client is None or hasattr(client, "alexa_api_call"):
        return client
    httpx = sys.modules.get("httpx")  # (an httpx client was made: httpx is imported)
    if httpx is not None and isinstance(client, httpx.AsyncClient):
        return client
    hint = " (httpx.Client is synchronous)" if type(client).__name__ == "Client" else ""
    raise TypeError(
        "an AlexaApi client (Skill.api_client, alexa_api_factory's) is an httpx.AsyncClient or "
        f"an ApiTransport (with alexa_api_call), not {type_with_article(client)}{hint}"
    )


def check_timeout(timeout: float) -> float:
    """``timeout`` if it is a positive, finite number of seconds; else `ValueError`."""
    if (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not 0 < timeout <= sys.float_info.max  # (an int past it: float() would overflow)
    ):
        raise ValueError(
            "an AlexaApi timeout must be a positive, finite number of seconds: "
            f"{shown_value(timeout)} would let a call that never answers hold the handler"
        )
    return float(timeout)


def _said(value: object) -> str:
    """A handler's value as a refusal quotes it: a str cut (`shown_value`), another kind each
    part bounded (`shown_json`: a list's repr is never made whole)."""
    return shown_value(value) if isinstance(value, str) else shown_json(value)


def _segment(value: str, name: str) -> str:
    """``value``, an id of a call's path, quoted; `ValueError`, unsent, for none, an empty one
    or a blank one: ``"  "`` went out as ``%20%20``, which names nothing Amazon keeps (404)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f"{name} is {_said(value)}: a non-empty string, not blank (Alexa has no such id): "
            "nothing was sent"
        )
    from urllib.parse import quote

    return quote(value, safe="")


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)
