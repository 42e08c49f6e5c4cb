"""Alexa's service APIs on the wire: the typed values they answer with, the bodies they take, and
the permission scopes they need.

`alexaskill.services.AlexaApi` decodes Amazon's answers into these; `alexaskill.testing`'s fake
API encodes them back. Field names are Amazon's, in snake_case (``addressLine1`` is
``address_line1``); fields Amazon leaves out or sends as ``null`` are ``None``; fields it adds
later are ignored. Amazon's pages:

- Device Settings (address): https://developer.amazon.com/en-US/docs/alexa/custom-skills/device-settings-api-reference.html
- Customer Profile: https://developer.amazon.com/en-US/docs/alexa/custom-skills/customer-profile-api-reference.html
- Reminders: https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-reminders-api-reference.html
- List Management: https://developer.amazon.com/en-US/docs/alexa/list-skills/list-management-api-reference.html
- In-skill products: https://developer.amazon.com/en-US/docs/alexa/in-skill-purchase/in-skill-product-service.html
"""

from __future__ import annotations

import datetime as _dt
import functools
import ipaddress
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar
from urllib.parse import urlsplit

import msgspec

from .. import ssml
from ..exceptions import AlexaApiError, AlexaApiTimeout, PermissionRequired

if TYPE_CHECKING:
    import ssl

    import httpx

T = TypeVar("T")

__all__ = [
    "Address",
    "AlertInfo",
    "AlexaList",
    "ApiTransport",
    "CountryAndPostalCode",
    "InSkillProduct",
    "ListItem",
    "ListStatus",
    "PhoneNumber",
    "PushNotification",
    "Reminder",
    "ReminderTrigger",
    "Scope",
    "SpokenInfo",
    "SpokenText",
    "check_endpoint",
    "error_of",
    "is_loopback",
    "read_answer",
    "reminder_body",
    "send",
    "tls_context",
]


class Scope:
    """Amazon's permission scopes for the service APIs, as the skill manifest names them.

    A skill lists the scopes it uses under ``permissions`` in its manifest (the console's
    *Permissions* page); each user grants them in the Alexa app. `PermissionRequired` names the
    one a call lacked, and the framework's consent card asks for it.
    """

    #: `AlexaApi.full_address`.
    FULL_ADDRESS: Final = "read::alexa:device:all:address"
    #: `AlexaApi.country_and_postal_code`.
    COUNTRY_AND_POSTAL_CODE: Final = "read::alexa:device:all:address:country_and_postal_code"
    #: `AlexaApi.full_name`.
    NAME: Final = "alexa::profile:name:read"
    #: `AlexaApi.given_name`.
    GIVEN_NAME: Final = "alexa::profile:given_name:read"
    #: `AlexaApi.email`.
    EMAIL: Final = "alexa::profile:email:read"
    #: `AlexaApi.mobile_number`.
    MOBILE_NUMBER: Final = "alexa::profile:mobile_number:read"
    #: `AlexaApi.create_reminder`, `get_reminders`, `delete_reminder`.
    REMINDERS: Final = "alexa::alerts:reminders:skill:readwrite"
    #: `AlexaApi.lists`, `list_items`.
    LISTS_READ: Final = "read::alexa:household:list"
    #: `AlexaApi.add_list_item`.
    LISTS_WRITE: Final = "write::alexa:household:list"

    #: Every scope above, for ``permissions=`` in tests and for checks.
    ALL: Final = (
        FULL_ADDRESS,
        COUNTRY_AND_POSTAL_CODE,
        NAME,
        GIVEN_NAME,
        EMAIL,
        MOBILE_NUMBER,
        REMINDERS,
        LISTS_READ,
        LISTS_WRITE,
    )


class _Value(msgspec.Struct, frozen=True, rename="camel", kw_only=True, omit_defaults=True):
    """Base of the answers: camelCase on the wire, every field optional."""


# --- device address -------------------------------------------------------------------------


class Address(_Value, frozen=True, kw_only=True):
    """The device's full address, as the user set it in the Alexa app."""

    address_line1: str | None = None
    address_line2: str | None = None
    address_line3: str | None = None
    city: str | None = None
    district_or_county: str | None = None
    state_or_region: str | None = None
    postal_code: str | None = None
    country_code: str | None = None

    @property
    def is_empty(self) -> bool:
        """True when every field is empty: the user set no address."""
        return not any(getattr(self, name) for name in self.__struct_fields__)


class CountryAndPostalCode(_Value, frozen=True, kw_only=True):
    """The device's country (ISO 3166 code, ``"US"``) and postal code."""

    country_code: str | None = None
    postal_code: str | None = None


# --- customer profile -----------------------------------------------------------------------


class PhoneNumber(_Value, frozen=True, kw_only=True):
    """The user's mobile number: ``country_code`` (``"+1"``) and the national ``phone_number``."""

    country_code: str | None = None
    phone_number: str | None = None

    def __str__(self) -> str:
        return " ".join(part for part in (self.country_code, self.phone_number) if part)


# --- reminders ------------------------------------------------------------------------------


class ReminderTrigger(_Value, frozen=True, kw_only=True):
    """When a reminder rings: ``SCHEDULED_ABSOLUTE`` at a local time or ``SCHEDULED_RELATIVE``."""

    type: str | None = None
    #: Local time, ISO 8601 without an offset (``2026-11-27T19:00:00.000``), in ``time_zone_id``.
    scheduled_time: str | None = None
    offset_in_seconds: int | None = None
    #: An IANA zone (``Europe/Paris``); absent: the device's time zone.
    time_zone_id: str | None = None
    #: ``{"startDateTime": …, "recurrenceRules": ["FREQ=DAILY;…"]}`` for a recurring reminder.
    recurrence: dict[str, object] | None = None


class SpokenText(_Value, frozen=True, kw_only=True):
    """What the reminder says in one locale: plain ``text`` and optional ``ssml``."""

    locale: str | None = None
    text: str | None = None
    ssml: str | None = None


class SpokenInfo(_Value, frozen=True, kw_only=True):
    """The reminder's words, one `SpokenText` per locale."""

    content: tuple[SpokenText, ...] = ()


class AlertInfo(_Value, frozen=True, kw_only=True):
    """``alertInfo``: what the reminder says."""

    spoken_info: SpokenInfo | None = None


class PushNotification(_Value, frozen=True, kw_only=True):
    """Whether the reminder also shows on the user's phone: ``ENABLED`` or ``DISABLED``."""

    status: str | None = None


class Reminder(_Value, frozen=True, kw_only=True):
    """A reminder the skill created; ``alert_token`` identifies it (for `delete_reminder`)."""

    alert_token: str = ""
    #: ``ON`` until it rang, then ``COMPLETED``.
    status: str | None = None
    created_time: str | None = None
    updated_time: str | None = None
    version: str | int | None = None
    href: str | None = None
    trigger: ReminderTrigger | None = None
    alert_info: AlertInfo | None = None
    push_notification: PushNotification | None = None

    @property
    def text(self) -> str | None:
        """The reminder's words (its first spoken text), when Alexa sent them."""
        info = self.alert_info.spoken_info if self.alert_info is not None else None
        if info is None or not info.content:
            return None
        return info.content[0].text


# --- lists ----------------------------------------------------------------------------------


class ListStatus(_Value, frozen=True, kw_only=True):
    """One entry of a list's ``statusMap``: where its ``active`` or ``completed`` items are."""

    status: str | None = None
    href: str | None = None


class AlexaList(_Value, frozen=True, kw_only=True):
    """A household list: the Alexa shopping list, the to-do list, or one the user made."""

    list_id: str = ""
    name: str | None = None
    #: ``active`` or ``archived``.
    state: str | None = None
    version: int | None = None
    status_map: tuple[ListStatus, ...] = ()


class ListItem(_Value, frozen=True, kw_only=True):
    """An item of a household list."""

    id: str = ""
    value: str | None = None
    #: ``active`` or ``completed``.
    status: str | None = None
    version: int | None = None
    created_time: str | None = None
    updated_time: str | None = None
    href: str | None = None


# --- in-skill products ----------------------------------------------------------------------


class InSkillProduct(_Value, frozen=True, kw_only=True):
    """A product the skill sells, as this user sees it: can they buy it, do they own it."""

    product_id: str = ""
    #: The developer's name for it (never spoken).
    reference_name: str | None = None
    #: The name and summary in the request's locale.
    name: str | None = None
    summary: str | None = None
    #: ``ENTITLEMENT``, ``SUBSCRIPTION`` or ``CONSUMABLE``.
    type: str | None = None
    #: ``PURCHASABLE`` or ``NOT_PURCHASABLE``.
    purchasable: str | None = None
    #: ``ENTITLED`` or ``NOT_ENTITLED``.
    entitled: str | None = None
    #: ``PURCHASED``, ``NOT_PURCHASED``, ``AUTO_ENTITLED``.
    entitlement_reason: str | None = None
    #: Purchases in force: 0 or 1, except for consumables.
    active_entitlement_count: int | None = None
    #: ``TEST`` (a developer account) or ``LIVE``.
    purchase_mode: str | None = None

    @property
    def is_entitled(self) -> bool:
        """True when the user owns the product (``entitled == "ENTITLED"``)."""
        return self.entitled == "ENTITLED"

    @property
    def is_purchasable(self) -> bool:
        """True when the user can buy it now (``purchasable == "PURCHASABLE"``)."""
        return self.purchasable == "PURCHASABLE"


# --- the wire: envelopes of answers, error bodies, reminder bodies (used by AlexaApi) -------


class _Reminders(msgspec.Struct, rename="camel", kw_only=True):
    alerts: list[Reminder] = msgspec.field(default_factory=list)


class _Lists(msgspec.Struct, rename="camel", kw_only=True):
    lists: list[AlexaList] = msgspec.field(default_factory=list)


class _ListItems(msgspec.Struct, rename="camel", kw_only=True):
    items: list[ListItem] = msgspec.field(default_factory=list)


class _Products(msgspec.Struct, rename="camel", kw_only=True):
    in_skill_products: list[InSkillProduct] = msgspec.field(default_factory=list)
    is_truncated: bool | None = None
    next_token: str | None = None


class _Error(msgspec.Struct, kw_only=True):
    # Most APIs answer {"code", "message"}; the device address API {"type", "message"}.
    code: Any = None
    type: Any = None
    message: Any = None


def error_of(content: bytes) -> tuple[str | None, str | None]:
    """Amazon's error code and message from an error body, read defensively (any body may come)."""
    try:
        error = msgspec.json.decode(content, type=_Error)
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None, None
    code = error.code if isinstance(error.code, str) else error.type
    code = code[:80] if isinstance(code, str) else None
    message = error.message[:200] if isinstance(error.message, str) else None
    return code, message


def _local_iso(moment: _dt.datetime) -> str:
    """A local time as Amazon's reminders take it: ISO 8601, milliseconds, no offset."""
    return moment.replace(tzinfo=None).isoformat(timespec="milliseconds")


def _relative_trigger(after: _dt.timedelta, recurrence: Sequence[str]) -> dict[str, Any]:
    seconds = int(after.total_seconds())
    if seconds <= 0:
        raise ValueError("a reminder's after= must be a positive delay")
    if recurrence:
        raise ValueError("a recurring reminder needs at=, not after=")
    return {"type": "SCHEDULED_RELATIVE", "offsetInSeconds": seconds}


def _absolute_trigger(at: _dt.datetime, recurrence: Sequence[str]) -> dict[str, Any]:
    zone_name = getattr(at.tzinfo, "key", None)
    if at.tzinfo is not None and zone_name is None:
        # A fixed offset names no zone Amazon knows: say the same moment in UTC.
        at, zone_name = at.astimezone(_dt.UTC), "UTC"
    # Without timeZoneId Alexa reads scheduledTime in the device's time zone.
    trigger: dict[str, Any] = {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": _local_iso(at)}
    if zone_name is not None:
        trigger["timeZoneId"] = zone_name
    if recurrence:
        trigger["recurrence"] = {
            "startDateTime": trigger["scheduledTime"],
            "recurrenceRules": list(recurrence),
        }
    return trigger


def reminder_body(
    text: str,
    at: _dt.datetime | None,
    after: _dt.timedelta | None,
    recurrence: Sequence[str],
    speech: str | ssml.Ssml | None,
    push_notification: bool,
    locale: str,
    now: _dt.datetime,
) -> dict[str, Any]:
    """The body of Amazon's "create a reminder" call (`AlexaApi.create_reminder` documents it).

    `ValueError` for a reminder Amazon would refuse: no text, both or neither of ``at`` and
    ``after``, a delay that is not positive, a recurrence without ``at``.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a reminder needs non-empty text")
    if isinstance(recurrence, str):
        raise ValueError("recurrence is a list of rules, e.g. ['FREQ=DAILY;BYHOUR=7']")
    if at is not None and after is None:
        trigger = _absolute_trigger(at, recurrence)
    elif after is not None and at is None:
        trigger = _relative_trigger(after, recurrence)
    else:
        raise ValueError("give a reminder either at= (a datetime) or after= (a timedelta)")
    spoken: dict[str, str] = {"locale": locale, "text": text}
    if speech is not None:
        spoken["ssml"] = str(ssml.speak(speech))
    return {
        "requestTime": _local_iso(now.astimezone(_dt.UTC)),
        "trigger": trigger,
        "alertInfo": {"spokenInfo": {"content": [spoken]}},
        "pushNotification": {"status": "ENABLED" if push_notification else "DISABLED"},
    }


# --- one request: the endpoint rule, the timeout, what each status means ---------------------


def is_loopback(host: str | None) -> bool:
    """True for an IP literal on this machine (``127.0.0.1``, ``::1``); names never count."""
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_endpoint(operation: str, endpoint: str) -> str:
    """``endpoint`` without its trailing slash if it is https (or http to a loopback address)."""
    parts = urlsplit(endpoint)
    if not parts.hostname or not (
        parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname))
    ):
        raise AlexaApiError(
            f"{operation}: apiEndpoint {endpoint[:80]!r} is not an https URL "
            "(plain http is allowed only to 127.0.0.1 or [::1])",
            operation=operation,
        )
    return endpoint.rstrip("/")


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
    ) -> tuple[int, bytes]:
        """The HTTP status and body Alexa's service APIs answer; `TimeoutError` for none."""
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
) -> tuple[int, bytes]:
    """Send one request within ``timeout`` seconds in all: its status and body. Failures raise."""
    import asyncio  # here: an AWS Lambda cold start that makes no call does not load it

    async def call() -> tuple[int, bytes]:
        if client is not None and hasattr(client, "alexa_api_call"):
            return await client.alexa_api_call(method, url, headers, json, params)
        return await _http(client, operation, method, url, headers, json, params, timeout)

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
        raise AlexaApiTimeout(
            f"{operation}: no answer from Alexa's API within {timeout:g} s", operation=operation
        ) from None


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default TLS settings (certifi's roots, or ``SSL_CERT_FILE``), made once per process.

    The app's client and the clients made per call (no lifespan, AWS Lambda) share it: making
    it costs a few hundred ms of CPU, which each new client would otherwise spend again.
    """
    import httpx

    return httpx.create_ssl_context()


async def _http(
    client: httpx.AsyncClient | None,
    operation: str,
    method: str,
    url: str,
    headers: Mapping[str, str],
    json: object,
    params: Mapping[str, str] | None,
    timeout: float,
) -> tuple[int, bytes]:
    import httpx

    try:
        if client is not None:
            reply = await client.request(
                method, url, json=json, params=params, headers=headers, timeout=timeout
            )
        else:
            async with httpx.AsyncClient(timeout=timeout, verify=tls_context()) as own:
                reply = await own.request(method, url, json=json, params=params, headers=headers)
    except httpx.TimeoutException:
        raise TimeoutError from None
    except httpx.HTTPError as exc:
        raise AlexaApiError(
            f"{operation}: {type(exc).__name__} reaching Alexa's API", operation=operation
        ) from exc
    return reply.status_code, reply.content


def read_answer(
    operation: str,
    status: int,
    content: bytes,
    into: type[T] | None,
    *,
    scope: str | None = None,
    unauthorized_means_consent: bool = False,
) -> Any:
    """What an answer means: the decoded value (True when ``into`` is None), None for 204.

    A 403 (and a 401 if ``unauthorized_means_consent``) raises `PermissionRequired` for
    ``scope``; anything else raises `AlexaApiError` (with the ``status``).
    """
    if status == 204:
        return None
    if 200 <= status < 300:
        if into is None:
            return True
        try:
            return msgspec.json.decode(content, type=into)
        except msgspec.DecodeError as exc:
            raise AlexaApiError(
                f"{operation}: Alexa's answer does not decode: {exc}",
                operation=operation,
                status=status,
            ) from None
    code, message = error_of(content)
    if scope is not None and (status == 403 or (status == 401 and unauthorized_means_consent)):
        raise PermissionRequired(scope, operation=operation, status=status, code=code)
    reason = {
        401: "the access token is invalid or expired",
        403: "the access token does not allow this call",
        404: "not found",
        429: "throttled by Amazon (too many requests)",
    }.get(status, "server error" if status >= 500 else "refused")
    detail = ", ".join(part for part in (code, message) if part)
    raise AlexaApiError(
        f"{operation}: HTTP {status}, {reason}" + (f" ({detail})" if detail else ""),
        operation=operation,
        status=status,
        code=code,
    )
