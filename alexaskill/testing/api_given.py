"""The data a test gives `FakeAlexaApi`, checked and read where it is given (at creation and at
each assignment), and again where the fake serves what a test may change in place: a setting
of a kind Alexa never answers, or a key of no field, fails the test there, not the skill's call."""

from __future__ import annotations

import datetime as _dt
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Generic, TypeVar, overload

import msgspec

from ..alexa_api.values import Scope
from ..shown_names import shown_json, shown_value
from ..ssml_check import _markup_error
from .api_calls import ApiCall
from .api_recurrence import _recurrence_problem, _time_fault
from .api_reminder_rules import _offset_fault, _push_fault, _ruled, _zone_fault
from .api_zones import _zone

__all__: list[str] = []

_Kept = TypeVar("_Kept", bound=msgspec.Struct)

#: A value given, as a refusal quotes it: bounded by its parts (as the commands quote an
#: ``--alexa-api`` file's ``now``), since a value of 100,000 characters (a list as long) read from
#: such a file made a message as long.
_quoted: Final = shown_json


class _KeptList(Generic[_Kept]):
    """A list `FakeAlexaApi` keeps (``in_skill_products``, ``reminders``), typed as it is given
    and as it is read: given as ``_Kept`` values or mappings of their fields (None: none), read
    as the list of ``_Kept`` the fake keeps (`_listed`), which it adds the skill's reminders
    to. A plain field types one of the two only: ``list[Reminder]`` refused
    ``reminders=[{...}]``, and ``Sequence[InSkillProduct | Mapping]`` refused None and made a
    product's fields unread without a cast. What is set is read first by
    ``FakeAlexaApi.__setattr__`` (`_given`)."""

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, api: None, owner: type[Any]) -> tuple[()]: ...

    @overload
    def __get__(self, api: object, owner: type[Any]) -> list[_Kept]: ...

    def __get__(self, api: object, owner: type[Any]) -> Any:
        # Asked of the class, by dataclasses, for the field's default: none (a new list each).
        return () if api is None else api.__dict__[self._name]

    def __set__(self, api: object, value: Sequence[_Kept | Mapping[str, Any]] | None) -> None:
        api.__dict__[self._name] = value


def _scopes(value: object) -> tuple[str, ...]:
    """``permissions`` as a tuple of scope names, read once (a generator, too). `ValueError`
    for one string, whose characters would be the scopes (nothing granted, silently), and
    for an entry that is no scope name."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(
            f"permissions {_quoted(value)}: a list of scopes, e.g. [Scope.GIVEN_NAME] (None: "
            "every one)"
        )
    scopes = tuple(value)
    for index, scope in enumerate(scopes):
        if not isinstance(scope, str) or not scope:
            raise ValueError(
                f"permissions[{index}] is {_quoted(scope)}: a scope name (Scope.GIVEN_NAME)"
            )
        if ":" not in scope:  # every scope Amazon names has one: "alexa::profile:name:read"
            raise ValueError(f"permissions[{index}] is {_quoted(scope)}: {_scope_meant(scope)}")
    return scopes


def _scope_meant(said: str) -> str:
    """What to write for ``said``, a word given as a scope: the `Scope` it names, if any."""
    name = said.upper().replace("-", "_").replace(" ", "_")
    if name != "ALL" and isinstance(getattr(Scope, name, None), str):
        return f"the scope is Scope.{name}, {getattr(Scope, name)!r}"
    return (
        "a scope name as Amazon writes it, such as Scope.GIVEN_NAME "
        "('alexa::profile:given_name:read')"
    )


def _given(name: str, value: Any) -> Any:
    """A field of `FakeAlexaApi` as it is kept: ``permissions`` as `_scopes` reads them, ``now``
    as `_clock` checks it, ``lists`` as `_lists` does, ``keep_calls`` a whole number,
    ``reminders_supported`` a bool, ``calls``
    and ``late_progressive`` lists of `ApiCall` (the fake adds to them in place); an
    ``address``, ``mobile_number``, in-skill product or reminder given as a mapping as the
    value it stands for, its keys Amazon's (``postalCode``) or the Python field names
    (``postal_code``), in its nested parts too (`_struct`): `ValueError` for a key of neither
    (a typo, its data dropped unnoticed), naming where, or a wrong value (in a struct given,
    too: read back as Amazon's JSON), `TypeError` for an address or number that is neither a
    mapping nor the value (a str; a product or reminder: `ValueError`, naming its index); the
    settings and names Alexa answers as a str as `_text` checks them, a ``time_zone`` one
    `zoneinfo` reads (`_zone`). Checked at creation and
    at each assignment alike."""
    from ..alexa_api import Address, PhoneNumber

    if name == "permissions":
        return value if value is None else _scopes(value)
    if name == "now":
        return value if value is None else _clock(value)
    if name in ("in_skill_products", "reminders"):
        return _listed(name, value)
    if name == "lists":
        return value if value is None else _lists(value)
    if name == "reminders_supported":  # ("no" is true: a typo would pass unseen)
        if not isinstance(value, bool):
            raise TypeError(f"reminders_supported is {_quoted(value)}: True or False")
        return value
    if name == "keep_calls":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"keep_calls is {_quoted(value)}: a whole number, 1 or more")
        return value
    if name in ("calls", "late_progressive"):  # (a test clears them: a fresh list is taken)
        if not isinstance(value, list) or not all(isinstance(c, ApiCall) for c in value):
            raise ValueError(f"{name} is {_quoted(value)}: a list of ApiCall (clear it: [])")
        return value
    if name == "time_zone":
        return value if value is None else _zone(_text(name, value))
    if name in _WORDS or name in _TEXTS:
        return value if value is None else _text(name, value)
    kinds: dict[str, type[msgspec.Struct]] = {"address": Address, "mobile_number": PhoneNumber}
    into = kinds.get(name)
    if into is None or value is None:
        return value
    if not isinstance(value, Mapping | into):  # (a str kept, then read as an Address: at the call)
        kind, example = "an Address", "Address(city='Paris', postal_code='75004')"
        if into is PhoneNumber:
            kind, example = (
                "a PhoneNumber",
                "PhoneNumber(country_code='+1', phone_number='5550100')",
            )
        raise TypeError(
            f"{name} is {_quoted(value)}: {kind}, or a mapping of its fields ({example}; None: "
            "not set)"
        )
    # A struct is not checked when made (Address(city=5)): read back as Amazon's JSON would be.
    return _struct(name, msgspec.to_builtins(value) if isinstance(value, into) else value, into)


#: The settings Alexa answers with one of a few words, and those words.
_WORDS: Final = {
    "distance_units": ("METRIC", "IMPERIAL"),
    "temperature_unit": ("CELSIUS", "FAHRENHEIT"),
}
#: The settings and profile fields Alexa answers as a str (an IANA zone for the time zone).
_TEXTS: Final = {
    "time_zone": "'Europe/Paris'",
    "full_name": "'Ada Lovelace'",
    "given_name": "'Ada'",
    "email": "'ada@example.com'",
}


def _text(name: str, value: object) -> str:
    """A setting or profile field Alexa answers as a str, checked: `TypeError` for no str (a
    number was served as JSON 5), `ValueError` for a blank one (a field not set is Amazon's
    204, None here, never ``""``) or a word Amazon does not answer (``"metric"``)."""
    words = _WORDS.get(name)
    example = " or ".join(map(repr, words)) if words else _TEXTS[name]
    if not isinstance(value, str):
        raise TypeError(
            f"{name} is {_quoted(value)}: a str, as Alexa answers it ({example}; None: not set)"
        )
    if not value.strip():
        raise ValueError(f"{name} is {_quoted(value)}: Alexa answers no empty one (None: not set)")
    if words is not None and value not in words:
        raise ValueError(
            f"{name} is {_quoted(value)}: Alexa answers one of {', '.join(words)} (None: not set)"
        )
    return value


def _lists(value: object) -> Any:
    """``lists``, checked: `ValueError` for anything but a mapping of list names to lists of
    values (a string's letters would be the items), all strings as Amazon's are, none blank
    (Alexa's Lists API refuses an empty name or value). Values given
    as an iterator are read once, here (kept as a tuple: a new mapping)."""
    if not isinstance(value, Mapping):
        raise ValueError(
            f"lists is {_quoted(value)}: a mapping of list name to its values (None: Amazon's two "
            "empty default lists)"
        )
    read: dict[str, Sequence[str]] = {}
    for name, values in value.items():
        if not isinstance(name, str):
            raise ValueError(f"lists has the name {_quoted(name)}: a list's name is a string")
        if not name.strip():  # (Alexa's lists are named: its Lists API refuses a blank name)
            raise ValueError(f"lists has the name {_quoted(name)}: a list's name is never empty")
        if isinstance(values, str | bytes) or not isinstance(values, Iterable):
            example = _quoted([values]) if isinstance(values, str | bytes) else "['milk']"
            raise ValueError(
                f"lists[{_quoted(name)}] is {_quoted(values)}: a list of values, e.g. {example}"
            )
        read[name] = values if isinstance(values, Sequence) else tuple(values)
        for index, item in enumerate(read[name]):
            if not isinstance(item, str):
                raise ValueError(
                    f"lists[{_quoted(name)}][{index}] is {_quoted(item)}: a value is a string"
                )
            if not item.strip():  # (as an item the skill adds: `_add_list_item`)
                raise ValueError(
                    f"lists[{_quoted(name)}][{index}] is {_quoted(item)}: a value is never empty"
                )
    return value if all(read[name] is values for name, values in value.items()) else read


def _clock(value: object) -> Any:
    """``now``, a clock as `TestClient`'s ``now=`` is: `TypeError` unless it can be called and
    gives an aware datetime (called once here, so that a wrong one fails the test where it is
    given, not deep in a skill's call)."""
    moment = value() if callable(value) else None
    if not isinstance(moment, _dt.datetime) or moment.utcoffset() is None:
        raise TypeError(
            f"FakeAlexaApi(now=...) is a clock, a function giving an aware datetime "
            "(lambda: datetime(2026, 11, 27, 9, 30, tzinfo=datetime.UTC)), not "
            f"{shown_value(value)}" + ("" if moment is None else f" giving {shown_value(moment)}")
        )
    return value


def _listed(name: str, value: Any) -> list[Any]:
    """``in_skill_products`` or ``reminders`` as the list the fake keeps: None (as for the
    fake's other data) is none; their mappings read as `_given` says. `ValueError` for
    a string, one product or reminder, or anything else that is no list of them (it failed
    the skill's call deep in the fake: "'NoneType' object is not iterable")."""
    from ..alexa_api import InSkillProduct

    what = "products (InSkillProduct, or mappings)" if name != "reminders" else "Reminder"
    if value is None:
        return []
    if isinstance(value, str | bytes | Mapping | msgspec.Struct) or not isinstance(value, Iterable):
        raise ValueError(f"{name} is {_quoted(value)}: a list of {what} (None: none)")
    if name == "reminders":
        return _reminders(value)
    products = []
    for index, product in enumerate(value):
        where = f"{name}[{index}]"
        products.append(_entry(where, product, InSkillProduct, "an InSkillProduct, or a mapping"))
        _check_product(where, products[-1])
    return products


def _entry(where: str, entry: object, kind: type[msgspec.Struct], expected: str) -> Any:
    """An entry of a list the fake keeps, a ``kind`` or a mapping of its fields read as one
    (`_struct`); `ValueError` naming ``where``, and what is ``expected``, for anything else. A
    struct is not checked when made (``Reminder(alert_token=5)``): it is read back as Amazon's
    JSON would be, and the entry itself kept."""
    if isinstance(entry, kind):
        _struct(where, msgspec.to_builtins(entry), kind)
    elif not isinstance(entry, Mapping):
        raise ValueError(f"{where} is {_quoted(entry)}: {expected}")
    return _struct(where, entry, kind)


def _reminders(value: Iterable[Any]) -> list[Any]:
    """``reminders``, each a `Reminder` or a mapping of its fields read as one (`_struct`):
    `ValueError` naming the entry for anything else, which failed the skill's call deep in the
    fake. A list of `Reminder` given is kept, not copied: the fake adds the skill's to it, and
    a test holding it reads them there (as before these checks); one with a mapping is read
    into a new list, the test's own left as it was."""
    from ..alexa_api import Reminder

    given = value if isinstance(value, list) else list(value)
    expected = (
        "a Reminder, or a mapping of its fields "
        "(Reminder(alert_token='r1', status='ON'), {'alertToken': 'r1', 'status': 'ON'})"
    )
    read = [
        _entry(f"reminders[{index}]", _offset_read(entry), Reminder, expected)
        for index, entry in enumerate(given)
    ]
    return given if all(kept is entry for kept, entry in zip(read, given, strict=True)) else read


def _offset_read(entry: object) -> object:
    """A reminder given as a mapping, with its trigger's ``offsetInSeconds`` (by either name)
    read as `AlexaApi.get_reminders` reads Alexa's answer (`offset_read`: ``"7200"`` as 7200),
    in a copy: a given reminder stands for what Alexa answers, and Amazon's Reminders overview
    writes that answer so. Only a mapping's: a `Reminder` or `ReminderTrigger` made in code is
    typed (an int), and one holding a str is refused. The skill's create is still held to the
    number Amazon's SDK models type (`_offset_fault`)."""
    from ..alexa_api.values import offset_read

    trigger = entry.get("trigger") if isinstance(entry, Mapping) else None
    if not isinstance(entry, Mapping) or not isinstance(trigger, Mapping):
        return entry
    names = [key for key in ("offsetInSeconds", "offset_in_seconds") if key in trigger]
    read = {**trigger, **{key: offset_read(trigger[key]) for key in names}}
    return {**entry, "trigger": read} if read != trigger else entry


def _check_product(name: str, product: object) -> None:
    """`ValueError` for a product whose type, purchasable or entitled value is none Amazon
    answers with (``"consumable"``): no filter of Amazon's would ever list it."""
    from ..alexa_api import InSkillProduct, product_choice_error

    if not isinstance(product, InSkillProduct):
        return
    for field in ("type", "purchasable", "entitled"):
        value = getattr(product, field)
        problem = None if value is None else product_choice_error(f"{name}.{field}", field, value)
        if problem is not None:
            raise ValueError(problem)


def _struct(name: str, value: Any, into: type[msgspec.Struct]) -> Any:
    """``value`` as an ``into``, if it is a mapping (see `_given`); else as it is. Its nested
    parts are read as strictly as its top level (`_fields`): `ValueError` for a key of no
    field at any depth, naming where (``reminders[0].trigger``)."""
    if not isinstance(value, Mapping):
        return value
    try:
        return msgspec.convert(_fields(name, value, into), into)
    except msgspec.ValidationError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _fields(name: str, value: Mapping[Any, Any], into: type[msgspec.Struct]) -> dict[str, Any]:
    """``value``, a mapping of ``into``'s fields, with Amazon's names for its keys (the Python
    ones taken too), and its nested parts so read (`_nested`): msgspec drops a key it does not
    know, so a typo, or a nested part's Python name (``offset_in_seconds``), was read as a
    field left out, and a test passed on data it did not give. `ValueError` for such a key, and
    for a field given under both its names (the later was kept, the other dropped as silently),
    for a field of the wrong kind (`kind_fault`, in the words the skill's reminder is refused
    in), for SSML Alexa cannot parse in a content entry (`_markup_error`), as `_reminder_problem`
    reads the skill's, for a push notification's status Amazon does not take (`_push_fault`), and
    for a trigger Amazon does not take: a ``timeZoneId`` no tz database here has
    (`_zone_fault`), its recurrence (`_recurrence_problem`), a
    ``SCHEDULED_ABSOLUTE`` one without the ``scheduledTime`` it needs (`_ruled`), or with a
    ``Z`` or an offset in it, or one that is no ISO 8601 date and time (`_time_fault`; not
    beside the recurrence fields that make Amazon ignore it), or an
    ``offsetInSeconds`` missing from a ``SCHEDULED_RELATIVE`` one, or not positive (as
    `_reminder_problem` answers the skill's)."""
    fields = msgspec.structs.fields(into)
    named = {field.name: field for field in fields} | {f.encode_name: f for f in fields}
    read = {}
    keys: dict[str, Any] = {}  # (the key each field was given under, to name both)
    for key, item in value.items():
        field = named.get(key)
        if field is None:
            raise ValueError(
                f"{name}: {_quoted(key)} is no field of {into.__name__} (its fields: "
                f"{', '.join(f.name for f in fields)}; or Amazon's names for them, "
                f"{', '.join(f.encode_name for f in fields)})"
            )
        if field.encode_name in keys:
            raise ValueError(
                f"{name}: {_quoted(keys[field.encode_name])} and {_quoted(key)} both give the "
                f"field {field.name} of {into.__name__}: give it once"
            )
        keys[field.encode_name] = key
        where = f"{name}.{field.encode_name}"
        read[field.encode_name] = _nested(where, item, field.type)
    from ..alexa_api import PushNotification, ReminderTrigger, SpokenText
    from ..alexa_api.kinds import kind_fault

    # A field of the wrong kind, said as the skill's is (`_reminder_problem`), before its value
    # is judged: ``"offsetInSeconds": "60"``, a ``freq`` of 5 (msgspec's words said neither).
    if (fault := kind_fault(read, into, name)) is not None:
        raise ValueError(fault)

    if into is PushNotification and (fault := _push_fault(read.get("status"))):
        raise ValueError(f"{name}.{fault}")  # (as the skill's is: `_reminder_problem`)

    ssml = read.get("ssml")
    if into is SpokenText and isinstance(ssml, str) and (error := _markup_error(ssml)):
        # (as the skill's are, `_reminder_problem`: Alexa parses it as an answer's SSML)
        raise ValueError(f"{name}.ssml is SSML Alexa cannot take: {error}")
    if into is ReminderTrigger:  # (checked as the skill's are: `_reminder_problem`)
        problem = _zone_fault(read.get("timeZoneId")) or _recurrence_problem(
            read.get("type"), read.get("recurrence"), read
        )
        if problem is not None:
            raise ValueError(f"{name}.{problem}")
        absolute = read.get("type") == "SCHEDULED_ABSOLUTE"
        # (not judged beside the fields that make Amazon ignore it, as the skill's: `_ruled`)
        fault = None if _ruled(read) else _time_fault(read.get("scheduledTime"))
        if fault is not None:
            raise ValueError(f"{name}.{fault}")
        if absolute and read.get("scheduledTime") is None and not _ruled(read):
            raise ValueError(
                f"{name}.scheduledTime is required: a SCHEDULED_ABSOLUTE trigger rings at it "
                "(Amazon times one without it only by its recurrence's recurrenceRules, "
                "startDateTime or endDateTime)"
            )
        offset = _offset_fault(read.get("offsetInSeconds"))
        if read.get("type") == "SCHEDULED_RELATIVE" and offset is not None:
            raise ValueError(f"{name}.{offset}")  # (as the skill's is: `_reminder_problem`)
    return read


def _nested(name: str, value: Any, kind: Any) -> Any:
    """A field's ``value``, of the type ``kind``, read as `_fields` reads a mapping where
    ``kind`` is a struct (``ReminderTrigger | None``) or a list of them
    (``tuple[SpokenText, ...]``); else as it is, for msgspec to judge. A struct given in it
    is read back as Amazon's JSON of it: it was not checked when made."""
    if isinstance(value, msgspec.Struct):
        value = msgspec.to_builtins(value)
    union = typing.get_origin(kind) in (typing.Union, types.UnionType)
    for member in typing.get_args(kind) if union else (kind,):
        if isinstance(member, type) and issubclass(member, msgspec.Struct):
            if isinstance(value, Mapping):
                return _fields(name, value, member)
        elif typing.get_origin(member) in (list, tuple) and isinstance(value, list | tuple):
            args = typing.get_args(member)
            if len(args) == 1 or (len(args) == 2 and args[1] is Ellipsis):  # (one kind each)
                return [_nested(f"{name}[{i}]", item, args[0]) for i, item in enumerate(value)]
    return value
