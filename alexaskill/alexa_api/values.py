"""The typed values Alexa's service APIs answer with, and the permission scopes they need.

Field names are Amazon's, in snake_case (``addressLine1`` is ``address_line1``); fields Amazon
leaves out or sends as ``null`` take their default (``None``; ``""`` for an id, ``()`` for a
list); fields it adds later are ignored.
"""

from __future__ import annotations

import re
from typing import Any, Final, TypeVar

import msgspec

from ..shown_names import shown_value

T = TypeVar("T")

__all__ = [
    "PRODUCT_CHOICES",
    "Address",
    "AlertInfo",
    "AlexaList",
    "CountryAndPostalCode",
    "InSkillProduct",
    "ListItem",
    "ListStatus",
    "PhoneNumber",
    "PushNotification",
    "Reminder",
    "ReminderRecurrence",
    "ReminderTrigger",
    "Scope",
    "SpokenInfo",
    "SpokenText",
    "decode_answer",
    "product_choice_error",
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
    #: `AlexaApi.create_reminder`, `get_reminders`, `get_reminder`, `update_reminder`,
    #: `delete_reminder`.
    REMINDERS: Final = "alexa::alerts:reminders:skill:readwrite"
    #: `AlexaApi.lists`, `list_items` (deprecated by Amazon: `alexaskill.lists_deprecated`).
    LISTS_READ: Final = "read::alexa:household:list"
    #: `AlexaApi.add_list_item` (deprecated by Amazon: `alexaskill.lists_deprecated`).
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


class ReminderRecurrence(_Value, frozen=True, kw_only=True):
    """``trigger.recurrence``: when a ``SCHEDULED_ABSOLUTE`` reminder rings again.

    Amazon's Reminders API reference: ``recurrence_rules`` (RFC 5545 rules, each with its
    ``FREQ``), between the local times ``start_date_time`` and ``end_date_time``; or the older
    ``freq``, ``by_day`` and ``interval`` (deprecated, still taken), which name no time of day:
    the trigger's ``scheduled_time`` gives it. Amazon ignores those older fields, and
    ``scheduled_time``, when any of the newer three is given.
    """

    #: Local time, ISO 8601 without an offset (``2031-03-15T07:30:00.000``): the first time.
    start_date_time: str | None = None
    #: Local time of the last.
    end_date_time: str | None = None
    #: ``("FREQ=WEEKLY;BYDAY=MO;BYHOUR=7;BYMINUTE=30",)``.
    recurrence_rules: tuple[str, ...] | None = None
    #: ``WEEKLY`` or ``DAILY`` (deprecated: ``recurrence_rules``).
    freq: str | None = None
    #: Days of a ``WEEKLY`` one: ``("MO",)`` (deprecated).
    by_day: tuple[str, ...] | None = None
    #: Every ``interval``-th day or week, 1 or more (deprecated).
    interval: int | None = None


class ReminderTrigger(_Value, frozen=True, kw_only=True):
    """When a reminder rings: ``SCHEDULED_ABSOLUTE`` at a local time or ``SCHEDULED_RELATIVE``.

    Read back, it is what was sent, as Amazon keeps it: a one-time reminder that
    `AlexaApi.create_reminder` sent in UTC (an ``at`` at a fixed offset, or the second of a
    repeated local time, ``fold=1``, which a local time cannot name) reads
    ``scheduled_time="2031-10-26T01:30:00.000"``, ``time_zone_id="UTC"``. The moment given
    comes back, ``fold`` and all, read in its zone and said in the skill's:
    ``datetime.fromisoformat(t.scheduled_time).replace(tzinfo=ZoneInfo(t.time_zone_id))
    .astimezone(ZoneInfo("Europe/Paris"))`` is ``02:30+01:00``, ``fold=1``.
    """

    type: str | None = None
    #: Local time, ISO 8601 without an offset (``2026-11-27T19:00:00.000``), in ``time_zone_id``.
    scheduled_time: str | None = None
    offset_in_seconds: int | None = None
    #: An IANA zone (``Europe/Paris``); absent: the device's time zone.
    time_zone_id: str | None = None
    #: For a recurring reminder: ``{"startDateTime": …, "recurrenceRules": ["FREQ=DAILY;…"]}``.
    recurrence: ReminderRecurrence | None = None


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
    """A reminder the skill created; ``alert_token`` identifies it (for `get_reminder`,
    `update_reminder` and `delete_reminder`)."""

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


#: The values Amazon gives an in-skill product's fields (its In-Skill Product schema and
#: In-Skill Purchase service): ``productType`` (the ``type`` field, and the filter of
#: `AlexaApi.in_skill_products`), ``purchasable`` and ``entitled``.
PRODUCT_CHOICES: Final = {
    "type": ("ENTITLEMENT", "SUBSCRIPTION", "CONSUMABLE"),
    "purchasable": ("PURCHASABLE", "NOT_PURCHASABLE"),
    "entitled": ("ENTITLED", "NOT_ENTITLED"),
}


def product_choice_error(name: str, field: str, value: object) -> str | None:
    """Why ``value`` (called ``name``) is no value Amazon gives a product's ``field`` (a key of
    `PRODUCT_CHOICES`), naming those it gives (and the one meant, in capitals); else None."""
    choices = PRODUCT_CHOICES[field]
    if value in choices:
        return None
    *first, last = choices
    said = f"{name} is {shown_value(value)}: Amazon's are {', '.join(first)} or {last}"
    if isinstance(value, str) and value.strip().upper() in choices:
        said += f" (did you mean {shown_value(value.strip().upper())}?)"
    return said


# --- envelopes of answers (used by AlexaApi) ------------------------------------------------


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


# --- decoding an answer ---------------------------------------------------------------------


def decode_answer(content: bytes, into: type[T]) -> T:
    """``content`` (JSON) as an ``into``, each ``null`` member of an object taken as left out, so
    that it takes its field's default (a null list is ``()``, not a failed call). Raises
    `msgspec.DecodeError` (a `msgspec.ValidationError` for a value of the wrong type), also for
    JSON nested deeper than Python's recursion goes (no answer of Amazon's is)."""
    try:
        return msgspec.convert(_answer_value(content, into), type=into)
    except RecursionError:
        raise msgspec.DecodeError("JSON nested too deeply") from None


def _answer_value(content: bytes, into: type[Any]) -> Any:
    """``content`` (JSON) as Python reads it, made ready to be read as ``into``: each ``null``
    member left out (`_without_nulls`), and for a list of reminders (`_Reminders`) a trigger's
    ``offsetInSeconds`` written as a string of digits read as its number (`_offsets_read`).
    What `decode_answer` reads, and what a fault in it is said of (`alexaskill.alexa_api.kinds`)."""
    value = _without_nulls(msgspec.json.decode(content))
    return _offsets_read(value) if into is _Reminders else value


def _offsets_read(answer: Any) -> Any:
    """``answer`` (Amazon's list of reminders, as Python reads JSON) with each trigger's
    ``offsetInSeconds`` that is a string of 1 to 20 ASCII digits (``"7200"``) made the number it
    writes, in place; any other value is left for msgspec and `kind_fault` to judge.

    Reading is lenient, writing strict. Amazon's Reminders overview writes a reminder it answers
    with as ``"offsetInSeconds": "7200"``, a string
    (https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-reminders-overview.html, "How
    trigger times are calculated"), which failed the whole `get_reminders` call. Amazon's SDK
    models type the field as a number: ``'offset_in_seconds': 'int'`` in ask-sdk-model for
    Python (github.com/alexa/alexa-apis-for-python,
    ask-sdk-model/ask_sdk_model/services/reminder_management/trigger.py), ``Integer
    offsetInSeconds`` in Java's (github.com/alexa/alexa-apis-for-java,
    ask-sdk-model/src/com/amazon/ask/model/services/reminderManagement/Trigger.java),
    ``'offsetInSeconds'?: number`` in Node's (github.com/alexa/alexa-apis-for-nodejs,
    ask-sdk-model/index.ts, ``services.reminderManagement.Trigger``); and the Python SDK reads
    an answer's number with ``int(payload)`` (github.com/alexa/alexa-skills-kit-sdk-for-python,
    ask-sdk-core/ask_sdk_core/serialize.py, ``__deserialize_primitive``), which takes
    ``"7200"`` too. So a number is what Amazon means, and either form is read as one here;
    `FakeAlexaApi` keeps refusing the string in a reminder a skill creates, and
    `AlexaApi.create_reminder` sends an int (read through the code and docs search, 5 December
    2026). At most 20 digits: past any offset, and Python's ``int`` refuses a str past 4300."""
    alerts = answer.get("alerts") if isinstance(answer, dict) else None
    for alert in alerts if isinstance(alerts, list) else ():
        trigger = alert.get("trigger") if isinstance(alert, dict) else None
        if not isinstance(trigger, dict):
            continue
        if "offsetInSeconds" in trigger:
            trigger["offsetInSeconds"] = offset_read(trigger["offsetInSeconds"])
    return answer


def offset_read(offset: object) -> object:
    """A trigger's ``offsetInSeconds`` as Alexa's answer is read (`_offsets_read`): a string of
    1 to 20 ASCII digits (``"7200"``) as the number it writes, anything else as it is; for
    `FakeAlexaApi`'s reminders given, which stand for such answers, to be read alike."""
    # (ASCII digits only: str.isdigit takes "²" and "٦" too)
    if isinstance(offset, str) and re.fullmatch(r"[0-9]{1,20}", offset):
        return int(offset)
    return offset


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value
