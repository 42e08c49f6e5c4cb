"""What Alexa knows about the user and the device: settings, device address, customer profile."""

from __future__ import annotations

import datetime as _dt
import re
from typing import TYPE_CHECKING, Final

from ..alexa_api import Address, CountryAndPostalCode, PhoneNumber, Scope
from ..exceptions import AlexaApiError, TimestampError
from ..shown_names import shown_json, shown_value
from ..timestamps import read_timestamp  # the verifier's reading: z, leap seconds
from .base import _NOT_ASKED, RequestApi, _utcnow

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from ..models import Envelope

__all__ = ["UserApi"]

#: The shape of an IANA time zone name ("Europe/Paris", "Etc/GMT+5", "EST5EDT"): no dots, no
#: spaces, no empty part.
_ZONE_NAME: Final = re.compile(r"[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+)*")


class UserApi(RequestApi):
    """`AlexaApi`'s reads of the user's settings, the device's address and the user's profile."""

    __slots__ = ()

    # --- settings: time zone and units ---------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-settings-api-reference.html
    # (no permission needed; 204 when the user set no value)

    async def time_zone(self) -> ZoneInfo | None:
        """The device's time zone (``ZoneInfo("Europe/Paris")``), or None if none is set.

        Asked once per request: calls made while it is asked (``asyncio.gather(api.now(),
        api.today())``) wait for that answer; if it fails, they raise `AlexaApiError` too, and
        the next call asks again. If its caller is cancelled instead, one of them asks.
        """
        while self._time_zone is _NOT_ASKED and self._time_zone_asked is not None:
            asked, outcome = self._time_zone_asked
            await asked.wait()
            if outcome:  # (its caller got the reason; a cancelled caller failed nothing)
                raise AlexaApiError(
                    "time_zone: the call for it made at the same time failed",
                    operation="time_zone",
                )
        if self._time_zone is not _NOT_ASKED:
            zone: ZoneInfo | None = self._time_zone
            return zone
        import anyio  # (imported by the call anyway: httpx needs it)

        failed: list[bool] = []
        asked = anyio.Event()
        self._time_zone_asked = (asked, failed)
        try:
            name = await self._get(
                "time_zone", f"/v2/devices/{self._device_id()}/settings/System.timeZone", str
            )
            self._time_zone = None if not name else _zone("time_zone", name)
        except Exception:
            failed.append(True)
            raise
        finally:
            self._time_zone_asked = None
            asked.set()
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


def _zone(operation: str, name: str) -> ZoneInfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if not isinstance(name, str) or _ZONE_NAME.fullmatch(name) is None:
        # A str is cut before its repr is made, and whole up to 120 characters (shown_json cuts
        # at 30, a real name like 'America/Argentina/ComodRivadavia'); any other value is said
        # by its parts, as shown_value would first build the repr of a million-item answer.
        said = shown_value(name) if isinstance(name, str) else shown_json(name)
        raise AlexaApiError(
            f"{operation}: Alexa answered the time zone {said}, which is no time "
            "zone name (an IANA name is written like 'Europe/Paris')",
            operation=operation,
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    try:
        ZoneInfo("Etc/UTC")  # in every time-zone database
        why = "which this system's time-zone database does not know (a newer zone? update tzdata)"
    except ZoneInfoNotFoundError:
        why = "and this system has no time-zone database (install tzdata)"
    raise AlexaApiError(
        f"{operation}: Alexa answered the time zone {shown_value(name)}, {why}", operation=operation
    )


def _request_time(envelope: Envelope) -> _dt.datetime:
    """When the user spoke: the request's timestamp, read as the verifier reads it, or the clock
    if it has none usable (UTC if it names no offset)."""
    try:
        moment = read_timestamp(envelope.request.timestamp)
    except (TimestampError, TypeError):
        return _utcnow()
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=_dt.UTC)
