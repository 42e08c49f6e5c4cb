"""`FakeAlexaApi`'s device settings, device address and customer profile: each answered from
the field a test gives (Amazon's Alexa Settings, Device Address and Customer Profile APIs), 204
where none is set, 403 where the user has not granted its scope."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

import msgspec

from ..alexa_api import Address, CountryAndPostalCode, Scope
from .api_access import _address_forbidden
from .api_calls import _Answer, _Asked, _error

__all__ = ["SettingsAndProfile"]


class SettingsAndProfile:
    """The settings and profile part of `FakeAlexaApi` (a base class of it)."""

    address: Address | Mapping[str, str] | None
    granted: Callable[[str], bool]  # (`ListsAndProducts`')

    def _country_and_postal_code(self, asked: _Asked) -> _Answer:
        if not self.granted(Scope.COUNTRY_AND_POSTAL_CODE):
            return _address_forbidden()
        # (A mapping given was made an Address by `_given`, at creation and assignment alike.)
        address = cast("Address | None", self.address)
        if address is None:
            return 204, None
        short = CountryAndPostalCode(
            country_code=address.country_code, postal_code=address.postal_code
        )
        return 200, _every_key(short)


_Handler = Callable[[SettingsAndProfile, _Asked], _Answer]


def _every_key(value: msgspec.Struct) -> dict[str, Any]:
    """``value`` as the Device Address API answers it: every field, null where the user set
    none (a live answer in alexa/alexa-skills-kit-sdk-for-nodejs issue 313), where the
    struct's JSON (``omit_defaults``) leaves the unset ones out."""
    sent = msgspec.to_builtins(value)
    return {name: sent.get(name) for name in value.__struct_encode_fields__}


def _setting(name: str) -> _Handler:
    def answer(api: SettingsAndProfile, asked: _Asked) -> _Answer:
        value = getattr(api, name)
        return (204, None) if value is None else (200, value)

    return answer


def _profile(name: str, scope: str, into: type[msgspec.Struct] | None = None) -> _Handler:
    def answer(api: SettingsAndProfile, asked: _Asked) -> _Answer:
        if not api.granted(scope):
            if name == "address":  # the device address API's error body has a type, no code
                return _address_forbidden()
            # Amazon's answer, code and message, as Jovo's Alexa client reads it (jovotech/
            # jovo-framework, platforms/platform-alexa/src/api/CustomerProfileApi.ts: the user
            # has not granted the scope; ACCESS_DENIED is not in ask-sdk-model's ups ErrorCode).
            return _error(403, "ACCESS_DENIED", "Access denied with reason: ACCESS_NOT_REQUESTED")
        value = getattr(api, name)
        if value is None:
            return 204, None
        if into is not None:
            value = msgspec.convert(value, into, from_attributes=True)
            # Every field of Amazon's object, null where unset: the address as Amazon answers
            # one (`_every_key`), the mobile number as its Customer Profile API reference
            # writes one, {"countryCode", "phoneNumber"} (ask-sdk-model's ups PhoneNumber).
            value = _every_key(value)
        return 200, value

    return answer
