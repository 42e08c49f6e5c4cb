"""Alexa's service APIs for one request: `AlexaApi`, injected into handlers that ask for it.

    @skill.intent("GetForecast")
    async def forecast(api: AlexaApi, city: str) -> Response:
        name = await api.given_name()          # None when the user set none
        day = await api.today()                # the user's today, in the device's time zone
        await api.progressive(f"Looking up {city}…")
        return speak(f"{name or 'Hello'}, {await slow_lookup(city, day)}")

Decisions:

- **Per request, by type.** `Skill` registers `AlexaApi` as a service: a handler with a parameter
  annotated `AlexaApi` gets one bound to the request's ``apiEndpoint``, ``apiAccessToken``,
  device and request id. Handlers that do not ask pay nothing.
- **One call per method, Amazon's documented endpoint.** Each method is one request to the path
  Amazon's API reference gives (cited at each method), with the request's token as Bearer. The
  answer is decoded into a typed value (`alexaskill.alexa_api`); ``None`` where Amazon answers
  "not set" (204). The time zone is asked once per request, however many `now`/`today` calls.
- **Failures raise, one tree.** A missing permission (403; 401 for reminders, as Amazon documents
  there) raises `PermissionRequired` naming the scope: the app answers it with Amazon's consent
  card unless the skill handles it. Any other failure (429, 5xx, a network error, an answer that
  does not decode) raises `AlexaApiError`; a call slower than ``timeout`` (2 s by default, the
  whole call) raises `AlexaApiTimeout`. Nothing hangs and nothing logs the token.
- **Progressive responses never break the answer**: `progressive` logs its failures at WARNING
  and returns False, because the interim speech matters less than the reply. Breaking one of
  Amazon's rules for them (Amazon's "Send the User a Progressive Response" page) is a bug in
  the skill, though, and raises `ResponseError` before anything is sent: only while answering
  a LaunchRequest or an IntentRequest, at most `MAX_PROGRESSIVE_RESPONSES` per request, speech
  of at most `MAX_PROGRESSIVE_SPEECH` characters (the SSML document sent) with at most
  `MAX_PROGRESSIVE_AUDIO` seconds of pauses (``<break time>``; the length of an ``<audio>``
  clip cannot be known without fetching it, so it is the author's to keep short).
- **HTTPS only**, except a loopback ``http://127.0.0.1`` (or ``[::1]``) endpoint, which tests
  and the development tools use. Any other endpoint is refused before anything is sent.
- **The app's HTTP client.** Calls go through ``Skill.api_client`` when set (the test client sets
  it to answer in-process), else the ``httpx.AsyncClient`` the app's lifespan opens (shared with
  certificate downloads). Without either (a skill mounted in an app that runs no lifespan for it,
  or on AWS Lambda) each call opens and closes its own client: slower, but nothing is left open.
- **Import-light**: httpx and anyio are imported when a call is made, not with the module.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar
from urllib.parse import quote, urlsplit

from . import ssml
from .alexa_api import (
    Address,
    AlexaList,
    CountryAndPostalCode,
    InSkillProduct,
    ListItem,
    PhoneNumber,
    Reminder,
    Scope,
    _ListItems,
    _Lists,
    _Products,
    _Reminders,
    check_endpoint,
    is_loopback,
    read_answer,
    reminder_body,
    send,
)
from .exceptions import AlexaApiError, AlexaApiTimeout, ResponseError

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    import httpx

    from .alexa_api import ApiTransport
    from .dispatch import Call
    from .models import Envelope, System

__all__ = [
    "API_TIMEOUT",
    "MAX_PROGRESSIVE_AUDIO",
    "MAX_PROGRESSIVE_RESPONSES",
    "MAX_PROGRESSIVE_SPEECH",
    "PROGRESSIVE_TIMEOUT",
    "AlexaApi",
    "alexa_api_factory",
]

logger = logging.getLogger("alexaskill")

T = TypeVar("T")

#: Seconds one call to Alexa's service APIs may take in all before it is given up.
API_TIMEOUT: Final = 2.0
#: The same, for progressive responses (kept as its own name for skills that import it).
PROGRESSIVE_TIMEOUT: Final = API_TIMEOUT
#: Progressive responses one request may have.
MAX_PROGRESSIVE_RESPONSES: Final = 5
#: Characters in a progressive response's speech (the SSML document sent).
MAX_PROGRESSIVE_SPEECH: Final = 600
#: Seconds of audio in a progressive response (its ``<break time>`` pauses, here).
MAX_PROGRESSIVE_AUDIO: Final = 30.0
# Amazon plays progressive responses only while it waits for the answer to these requests.
_PROGRESSIVE_REQUESTS: Final = ("LaunchRequest", "IntentRequest")
_BREAK_TIME: Final = re.compile(
    r"""<break\b[^>]*?\btime\s*=\s*(["'])\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*\1"""
)
# The List Management API has a single host, whatever the request's apiEndpoint ("The endpoint of
# the List Management API is https://api.amazonalexa.com", Amazon's List Management reference).
_LISTS_ENDPOINT: Final = "https://api.amazonalexa.com"
# Pages of in-skill products followed at most (Amazon answers up to 100 products a page).
_MAX_PAGES: Final = 10
_NOT_ASKED: Final[Any] = object()


class AlexaApi:
    """Alexa's service APIs, bound to one request: its endpoint, token, device and request id.

    Every method is a coroutine: call them from ``async def`` handlers. See the module docstring
    for how failures are reported.
    """

    __slots__ = ("_client", "_envelope", "_progressive_sent", "_time_zone", "timeout")

    def __init__(
        self,
        envelope: Envelope,
        *,
        client: httpx.AsyncClient | ApiTransport | None = None,
        timeout: float = API_TIMEOUT,
    ) -> None:
        self._envelope = envelope
        self._client = client
        self._time_zone: ZoneInfo | None = _NOT_ASKED
        self._progressive_sent = 0
        #: Seconds one call may take in all.
        self.timeout = timeout

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

    # --- settings: time zone and units ---------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-settings-api-reference.html
    # (no permission needed; 204 when the user set no value)

    async def time_zone(self) -> ZoneInfo | None:
        """The device's time zone (``ZoneInfo("Europe/Paris")``), or None if none is set."""
        if self._time_zone is _NOT_ASKED:
            name = await self._get(
                "time_zone", f"/v2/devices/{self._device_id()}/settings/System.timeZone", str
            )
            self._time_zone = None if not name else _zone("time_zone", name)
        return self._time_zone

    async def distance_units(self) -> str | None:
        """``METRIC`` or ``IMPERIAL``, as the user set for the device; None if not set."""
        path = f"/v2/devices/{self._device_id()}/settings/System.distanceUnits"
        return await self._get("distance_units", path, str)

    async def temperature_unit(self) -> str | None:
        """``CELSIUS`` or ``FAHRENHEIT``, as the user set for the device; None if not set."""
        path = f"/v2/devices/{self._device_id()}/settings/System.temperatureUnit"
        return await self._get("temperature_unit", path, str)

    async def now(self, default: _dt.tzinfo = _dt.UTC) -> _dt.datetime:
        """The moment of the request in the device's time zone (``default`` when none is set).

        The moment is the request's timestamp (when the user spoke), so a test that sets the
        client's clock sets it too.
        """
        zone = await self.time_zone()
        return _request_time(self._envelope).astimezone(zone or default)

    async def today(self, default: _dt.tzinfo = _dt.UTC) -> _dt.date:
        """The user's date: `now` in the device's time zone, as a date."""
        return (await self.now(default)).date()

    # --- device address ------------------------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/custom-skills/device-settings-api-reference.html

    async def full_address(self) -> Address | None:
        """The device's address; None if the user set none. Needs `Scope.FULL_ADDRESS`."""
        path = f"/v1/devices/{self._device_id()}/settings/address"
        address = await self._get("full_address", path, Address, scope=Scope.FULL_ADDRESS)
        return None if address is None or address.is_empty else address

    async def country_and_postal_code(self) -> CountryAndPostalCode | None:
        """The device's country and postal code. Needs `Scope.COUNTRY_AND_POSTAL_CODE`."""
        path = f"/v1/devices/{self._device_id()}/settings/address/countryAndPostalCode"
        found = await self._get(
            "country_and_postal_code",
            path,
            CountryAndPostalCode,
            scope=Scope.COUNTRY_AND_POSTAL_CODE,
        )
        if found is None or not (found.country_code or found.postal_code):
            return None
        return found

    # --- customer profile ----------------------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/custom-skills/customer-profile-api-reference.html

    async def full_name(self) -> str | None:
        """The account holder's full name; None if not set. Needs `Scope.NAME`."""
        path = "/v2/accounts/~current/settings/Profile.name"
        return await self._get("full_name", path, str, scope=Scope.NAME) or None

    async def given_name(self) -> str | None:
        """The account holder's given (first) name. Needs `Scope.GIVEN_NAME`."""
        path = "/v2/accounts/~current/settings/Profile.givenName"
        return await self._get("given_name", path, str, scope=Scope.GIVEN_NAME) or None

    async def email(self) -> str | None:
        """The account holder's email address. Needs `Scope.EMAIL`."""
        path = "/v2/accounts/~current/settings/Profile.email"
        return await self._get("email", path, str, scope=Scope.EMAIL) or None

    async def mobile_number(self) -> PhoneNumber | None:
        """The account holder's mobile number. Needs `Scope.MOBILE_NUMBER`."""
        path = "/v2/accounts/~current/settings/Profile.mobileNumber"
        number = await self._get("mobile_number", path, PhoneNumber, scope=Scope.MOBILE_NUMBER)
        return number if number is not None and number.phone_number else None

    # --- reminders -----------------------------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-reminders-api-reference.html
    # Amazon documents 401 for a user who has not granted the reminders permission, 403 on create.

    async def create_reminder(
        self,
        text: str,
        *,
        at: _dt.datetime | None = None,
        after: _dt.timedelta | None = None,
        recurrence: Sequence[str] = (),
        speech: str | ssml.Ssml | None = None,
        push_notification: bool = True,
    ) -> Reminder:
        """Have Alexa say ``text`` ``at`` a moment or ``after`` a delay; the created `Reminder`.

        ``at`` without a time zone is the device's local time; with a ``ZoneInfo`` it rings at
        that time there. ``recurrence`` takes RFC 5545 rules (``"FREQ=WEEKLY;BYDAY=MO"``) for an
        ``at`` reminder. ``speech`` is SSML to say instead of ``text``. Amazon lets a skill create
        reminders only while the user talks to it. Needs `Scope.REMINDERS`.
        """
        body = reminder_body(
            text, at, after, recurrence, speech, push_notification, self.locale, _utcnow()
        )
        return (
            await self._call(
                "create_reminder",
                "POST",
                "/v1/alerts/reminders",
                Reminder,
                scope=Scope.REMINDERS,
                json=body,
                unauthorized_means_consent=True,
            )
            or Reminder()
        )

    async def get_reminders(self) -> list[Reminder]:
        """The reminders this skill created for the user. Needs `Scope.REMINDERS`."""
        answer = await self._call(
            "get_reminders",
            "GET",
            "/v1/alerts/reminders",
            _Reminders,
            scope=Scope.REMINDERS,
            unauthorized_means_consent=True,
        )
        return [] if answer is None else list(answer.alerts)

    async def delete_reminder(self, alert_token: str) -> bool:
        """Delete a reminder; False when Amazon knows no such reminder (404)."""
        if not alert_token:
            raise ValueError("delete_reminder needs the reminder's alert_token")
        path = f"/v1/alerts/reminders/{quote(alert_token, safe='')}"
        try:
            await self._call(
                "delete_reminder",
                "DELETE",
                path,
                None,
                scope=Scope.REMINDERS,
                unauthorized_means_consent=True,
            )
        except AlexaApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    # --- lists ---------------------------------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/list-skills/list-management-api-reference.html
    # Amazon moved this reference to its Deprecated Features page in June 2024: the calls may be
    # refused (403) for skills that were not using them before.

    async def lists(self) -> list[AlexaList]:
        """The household's lists (shopping, to-do, the user's own). Needs `Scope.LISTS_READ`."""
        answer = await self._call(
            "lists",
            "GET",
            "/v2/householdlists/",
            _Lists,
            scope=Scope.LISTS_READ,
            base=self._lists_base(),
        )
        return [] if answer is None else list(answer.lists)

    async def list_items(self, list_id: str, status: str = "active") -> list[ListItem]:
        """The items of a list with ``status`` (``active`` or ``completed``)."""
        path = f"/v2/householdlists/{_segment(list_id, 'list_id')}/{_segment(status, 'status')}"
        answer = await self._call(
            "list_items",
            "GET",
            path,
            _ListItems,
            scope=Scope.LISTS_READ,
            base=self._lists_base(),
        )
        return [] if answer is None else list(answer.items)

    async def add_list_item(self, list_id: str, value: str, status: str = "active") -> ListItem:
        """Add ``value`` to a list; the created item. Needs `Scope.LISTS_WRITE`."""
        if not value:
            raise ValueError("add_list_item needs a non-empty value")
        path = f"/v2/householdlists/{_segment(list_id, 'list_id')}/items"
        item = await self._call(
            "add_list_item",
            "POST",
            path,
            ListItem,
            scope=Scope.LISTS_WRITE,
            json={"value": value, "status": status},
            base=self._lists_base(),
        )
        return item or ListItem(value=value, status=status)

    def _lists_base(self) -> str | None:
        # Loopback endpoints (tests, development tools) stand in for every Alexa host.
        endpoint = self.endpoint or ""
        return None if is_loopback(urlsplit(endpoint).hostname) else _LISTS_ENDPOINT

    # --- in-skill products ---------------------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/in-skill-purchase/in-skill-product-service.html

    async def in_skill_products(
        self,
        *,
        entitled: bool | None = None,
        purchasable: bool | None = None,
        product_type: str | None = None,
    ) -> list[InSkillProduct]:
        """The skill's products as this user sees them, filtered if asked; every page."""
        params: dict[str, str] = {}
        if entitled is not None:
            params["entitled"] = "ENTITLED" if entitled else "NOT_ENTITLED"
        if purchasable is not None:
            params["purchasable"] = "PURCHASABLE" if purchasable else "NOT_PURCHASABLE"
        if product_type is not None:
            params["productType"] = product_type
        products: list[InSkillProduct] = []
        for _ in range(_MAX_PAGES):
            page = await self._call(
                "in_skill_products",
                "GET",
                "/v1/users/~current/skills/~current/inSkillProducts",
                _Products,
                params=params,
                headers={"Accept-Language": self.locale},
            )
            if page is None:
                break
            products.extend(page.in_skill_products)
            if not (page.is_truncated and page.next_token):
                break
            params = {**params, "nextToken": page.next_token}
        return products

    async def in_skill_product(self, product_id: str) -> InSkillProduct | None:
        """One product as this user sees it; None when the skill has no such product (404)."""
        path = "/v1/users/~current/skills/~current/inSkillProducts/" + _segment(
            product_id, "product_id"
        )
        try:
            product: InSkillProduct | None = await self._call(
                "in_skill_product",
                "GET",
                path,
                InSkillProduct,
                headers={"Accept-Language": self.locale},
            )
        except AlexaApiError as exc:
            if exc.status == 404:
                return None
            raise
        return product

    # --- progressive responses -----------------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/custom-skills/send-the-user-a-progressive-response.html

    async def progressive(self, speech: str | ssml.Ssml) -> bool:
        """Have Alexa say ``speech`` while the skill works on its answer; True if accepted.

        ``speech`` is plain text or `Ssml`, as for `speak`. Only a LaunchRequest or an
        IntentRequest can have progressive responses, at most five, sent before the handler
        returns; the speech is at most 600 characters with at most 30 s of pauses. Breaking one
        of these rules raises `ResponseError` before anything is sent. Failures on the way are
        logged and return False: the skill's real answer is never affected. A sync handler runs
        in a worker thread and cannot await this: use `progressive_sync`.
        """
        request = self._envelope.request
        if request.type not in _PROGRESSIVE_REQUESTS:
            raise ResponseError(
                "a progressive response is only for a LaunchRequest or an IntentRequest, "
                f"not a {request.type} (Alexa plays none)"
            )
        if not isinstance(speech, str) or not speech:
            raise ResponseError("progressive response speech must be a non-empty str or Ssml")
        document = str(ssml.speak(speech))
        _check_progressive(document, self._progressive_sent)
        system = self._system()
        if system is None or not system.api_endpoint or not system.api_access_token:
            logger.warning("no progressive response: the request has no apiEndpoint or token")
            return False
        self._progressive_sent += 1
        body = {
            "header": {"requestId": request.request_id},
            "directive": {"type": "VoicePlayer.Speak", "speech": document},
        }
        url = system.api_endpoint.rstrip("/") + "/v1/directives"
        try:
            await self._call("progressive", "POST", "/v1/directives", None, json=body)
        except AlexaApiTimeout:
            logger.warning("progressive response timed out after %g s (%s)", self.timeout, url)
            return False
        except AlexaApiError as exc:  # the answer matters more than the interim speech
            if exc.status is not None:
                logger.warning("progressive response refused (%s): HTTP %d", url, exc.status)
            else:
                cause = type(exc.__cause__).__name__ if exc.__cause__ else str(exc)
                logger.warning("progressive response failed (%s): %s", url, cause)
            return False
        return True

    def progressive_sync(self, speech: str | ssml.Ssml) -> bool:
        """`progressive` for a sync handler (which runs in a worker thread of the app)."""
        try:
            return self.call_sync(self.progressive, speech)
        except RuntimeError as exc:  # not in a worker thread of a running event loop
            logger.warning("no progressive response from this thread: %s", exc)
            return False

    def call_sync(self, method: Callable[..., Coroutine[Any, Any, T]], /, *args: Any) -> T:
        """From a ``def`` handler: run one of these coroutine methods and return its result.

        ``name = api.call_sync(api.given_name)``. A ``def`` handler runs in a worker thread;
        the call runs on the app's event loop meanwhile. `RuntimeError` in any other thread.
        """
        from .threads import run_in_loop

        try:
            return run_in_loop(method, *args)
        except RuntimeError:  # not one of alexaskill's threads: an anyio worker thread, maybe
            pass
        import anyio.from_thread

        return anyio.from_thread.run(method, *args)

    # --- the one way out -----------------------------------------------------------------------

    def _device_id(self) -> str:
        system = self._system()
        device = None if system is None else system.device
        if device is None or not device.device_id:
            raise AlexaApiError("the request names no device (context.System.device.deviceId)")
        return quote(device.device_id, safe="")

    def _base(self, operation: str) -> tuple[str, str]:
        system = self._system()
        endpoint = None if system is None else system.api_endpoint
        token = None if system is None else system.api_access_token
        if not endpoint or not token:
            raise AlexaApiError(
                f"{operation}: the request has no apiEndpoint or apiAccessToken "
                "(Alexa sends both in context.System)",
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
    ) -> Any:
        """One request: the decoded answer, or None for "not set" (204); failures raise."""
        endpoint, token = self._base(operation)
        sent = {"Authorization": f"Bearer {token}", "Accept": "application/json", **(headers or {})}
        status, content = await send(
            self._client,
            operation,
            method,
            (base or endpoint) + path,
            sent,
            json,
            params,
            timeout=self.timeout,
        )
        return read_answer(
            operation,
            status,
            content,
            into,
            scope=scope,
            unauthorized_means_consent=unauthorized_means_consent,
        )


def _segment(value: str, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string")
    return quote(value, safe="")


def _zone(operation: str, name: str) -> ZoneInfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise AlexaApiError(
            f"{operation}: Alexa answered the time zone {name[:60]!r}, which this system's "
            "time-zone database does not know (install tzdata)",
            operation=operation,
        ) from None


def _utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def _request_time(envelope: Envelope) -> _dt.datetime:
    """When the user spoke: the request's timestamp, or the clock if it has none usable."""
    stamp = envelope.request.timestamp
    try:
        moment = _dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return _utcnow()
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=_dt.UTC)


def _check_progressive(document: str, sent: int) -> None:
    """Raise `ResponseError` if Amazon would refuse ``document`` as a progressive response."""
    if len(document) > MAX_PROGRESSIVE_SPEECH:
        raise ResponseError(
            f"progressive response speech is {len(document)} characters as SSML; the limit is "
            f"{MAX_PROGRESSIVE_SPEECH}"
        )
    pauses = sum(
        float(number) / (1000 if unit == "ms" else 1)
        for _, number, unit in _BREAK_TIME.findall(document)
    )
    if pauses > MAX_PROGRESSIVE_AUDIO:
        raise ResponseError(
            f"progressive response speech holds {pauses:g} s of pauses; the limit is "
            f"{MAX_PROGRESSIVE_AUDIO:g} s of audio"
        )
    if sent >= MAX_PROGRESSIVE_RESPONSES:
        raise ResponseError(
            f"at most {MAX_PROGRESSIVE_RESPONSES} progressive responses per request; this would "
            f"be number {sent + 1}"
        )


def alexa_api_factory(
    get_client: Callable[[], httpx.AsyncClient | ApiTransport | None],
    *,
    timeout: float = API_TIMEOUT,
) -> Callable[[Call], Awaitable[AlexaApi]]:
    """A ``create`` for `Skill.add_service`: an `AlexaApi` per request, using ``get_client()``.

    ``skill.add_service(AlexaApi, alexa_api_factory(lambda: my_client))`` routes the calls
    through another client (a test's ``httpx.MockTransport``, a proxy).
    """

    async def create(call: Call) -> AlexaApi:
        # One per request: an exception handler gets the handler's, and its count of calls.
        made = call.services.get(AlexaApi)
        if isinstance(made, AlexaApi):
            return made
        return AlexaApi(call.envelope, client=get_client(), timeout=timeout)

    return create
