"""One call to `FakeAlexaApi`: what the skill asked, what the fake answered (`ApiCall`), and the
error bodies and reminder rules the fake answers with, as Amazon documents them."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import msgspec

from ..hearing import spoken_text

__all__ = ["ApiCall"]


@dataclass(frozen=True)
class ApiCall:
    """One call the skill made: what it asked and what the fake answered."""

    #: The `AlexaApi` method it serves (``"given_name"``); None for a path Alexa does not have.
    operation: str | None
    method: str
    path: str
    #: The query parameters, by name.
    query: dict[str, str]
    #: The JSON body sent, or None.
    body: Any
    status: int
    #: The JSON answered, or None (204, say).
    answer: Any

    @property
    def speech(self) -> str | None:
        """For a progressive response: what the user hears of it (`SkillResponse.speech`); else
        None."""
        if self.operation != "progressive" or not isinstance(self.body, dict):
            return None
        directive = self.body.get("directive")
        speech = directive.get("speech") if isinstance(directive, dict) else None
        return spoken_text(speech, clips=False) if isinstance(speech, str) else None

    @property
    def heard(self) -> bool:
        """For a progressive response: whether Alexa took it and played it (a 2xx answer)."""
        return self.speech is not None and 200 <= self.status < 300

    @property
    def request_id(self) -> str | None:
        """For a progressive response: the id of the request it names (``header.requestId``)."""
        header = self.body.get("header") if isinstance(self.body, dict) else None
        found = header.get("requestId") if isinstance(header, dict) else None
        return found if isinstance(found, str) else None

    def late_note(self) -> str:
        """What to tell the skill's author of a progressive response refused as late (one of
        `FakeAlexaApi.late_progressive`): the chat and the simulator show it."""
        return (
            f"a progressive response sent after the skill had answered request "
            f"{self.request_id}: {self.speech!r} was refused (HTTP {self.status}, Unrecognized "
            "requestId), as Alexa refuses it, and the user heard nothing of it: await "
            "api.progressive(...) in the handler, before it returns"
        )


_Answer = tuple[int, Any]


@dataclass(frozen=True)
class _Asked:
    match: re.Match[str]
    query: dict[str, str]
    headers: Mapping[str, str]
    body: Any


def _keep(kept: list[ApiCall], call: ApiCall, most: int) -> None:
    """Add ``call`` to ``kept``, forgetting the oldest beyond ``most``."""
    kept.append(call)
    if len(kept) > most:
        del kept[: len(kept) - most]


def _newest(kept: list[ApiCall], new: int) -> list[ApiCall]:
    """The ``new`` most recent of ``kept`` (fewer when some were forgotten)."""
    return kept[-new:] if new > 0 else []


def _error(status: int, code: str, message: str) -> _Answer:
    return status, {"code": code, "message": message}


def _stamp(moment: _dt.datetime | None = None) -> str:
    """``moment`` (None: this machine's clock) as Amazon stamps what it keeps, in UTC."""
    moment = _dt.datetime.now(_dt.UTC) if moment is None else moment.astimezone(_dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _reminder_problem(
    body: Any, zone_name: str | None, now: _dt.datetime
) -> tuple[str, str] | None:
    """Amazon's 400 code and a message for a reminder body it would refuse, else None: a
    one-time ``scheduledTime`` (in its ``timeZoneId``, else the device's ``zone_name``; not
    judged without either, as `AlexaApi.create_reminder` does not) gone by at ``now``, the
    fake's now for the call (`AccessCheck._moment`), too (the code is the fake's: Amazon's for
    it is not documented)."""
    if not isinstance(body, dict) or not isinstance(body.get("requestTime"), str):
        return "INVALID_REQUEST_TIME", "requestTime is required"
    trigger = body.get("trigger")
    if not isinstance(trigger, dict):
        return "INVALID_TRIGGER", "trigger is required"
    kind = trigger.get("type")
    if kind == "SCHEDULED_RELATIVE":
        offset = trigger.get("offsetInSeconds")
        if not isinstance(offset, int) or offset <= 0:
            return "INVALID_TRIGGER", "offsetInSeconds must be a positive integer"
    elif kind == "SCHEDULED_ABSOLUTE":
        if not isinstance(trigger.get("scheduledTime"), str):
            return "INVALID_TRIGGER", "scheduledTime is required"
        gone = _gone(trigger, zone_name, now)
        if gone is not None:
            return "INVALID_TRIGGER", gone
    else:
        return "INVALID_TRIGGER", f"unknown trigger type {kind!r}"
    info = body.get("alertInfo")
    spoken = info.get("spokenInfo") if isinstance(info, dict) else None
    content = spoken.get("content") if isinstance(spoken, dict) else None
    if not isinstance(content, list) or not content:
        return "INVALID_ALERT_INFO", "alertInfo.spokenInfo.content is required"
    for entry in content:
        if not isinstance(entry, dict) or not entry.get("locale") or not entry.get("text"):
            return "INVALID_ALERT_INFO", "each content entry needs a locale and text"
    return None


def _gone(trigger: dict[str, Any], zone_name: str | None, now: _dt.datetime) -> str | None:
    """Why a one-time ``SCHEDULED_ABSOLUTE`` trigger is in the past at ``now``, else None (a
    time or zone that does not read is left to the other checks: not judged)."""
    from zoneinfo import ZoneInfo

    if trigger.get("recurrence") is not None:
        return None  # (what Amazon does with a first time gone by is not documented)
    named = trigger.get("timeZoneId")
    zone = named if isinstance(named, str) and named else zone_name
    try:
        when = _dt.datetime.fromisoformat(trigger["scheduledTime"])
        if when.tzinfo is None:
            if zone is None:
                return None  # a local time on a device that set no zone: read in none
            when = when.replace(tzinfo=ZoneInfo(zone))
    except (ValueError, LookupError, OSError, TypeError):
        return None
    if when > now:
        return None
    return (
        f"scheduledTime {trigger['scheduledTime']} ({zone}) is in the past: the request was "
        f"made at {now.astimezone(when.tzinfo).isoformat(timespec='seconds')} there"
    )


def _scopes(value: object) -> tuple[str, ...]:
    """``permissions`` as a tuple of scope names, read once (a generator, too). `ValueError`
    for one string, whose characters would be the scopes (nothing granted, silently), and
    for an entry that is no scope name."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(
            f"permissions {value!r}: a list of scopes, e.g. [Scope.GIVEN_NAME] (None: every one)"
        )
    scopes = tuple(value)
    for index, scope in enumerate(scopes):
        if not isinstance(scope, str) or not scope:
            raise ValueError(f"permissions[{index}] is {scope!r}: a scope name (Scope.GIVEN_NAME)")
    return scopes


def _given(name: str, value: Any) -> Any:
    """A field of `FakeAlexaApi` as it is kept: ``permissions`` as `_scopes` reads them, ``now``
    as `_clock` checks it, ``lists`` as `_lists` does, ``keep_calls`` a whole number, ``calls``
    and ``late_progressive`` lists of `ApiCall` (the fake adds to them in place); an
    ``address``, ``mobile_number``, in-skill product or reminder given as a mapping as the
    value it stands for, its keys Amazon's (``postalCode``) or the Python field names
    (``postal_code``): `ValueError` for a key of neither (a typo, its data dropped unnoticed)
    or a wrong value, `TypeError` for an address or number that is neither a mapping nor the
    value (a str; a product or reminder: `ValueError`, naming its index); the settings and
    names Alexa answers as a str as `_text` checks them. Checked at creation and at each
    assignment alike."""
    from ..alexa_api import Address, PhoneNumber

    if name == "permissions":
        return value if value is None else _scopes(value)
    if name == "now":
        return value if value is None else _clock(value)
    if name in ("in_skill_products", "reminders"):
        return _listed(name, value)
    if name == "lists":
        return value if value is None else _lists(value)
    if name == "keep_calls":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"keep_calls is {value!r}: a whole number, 1 or more")
        return value
    if name in ("calls", "late_progressive"):  # (a test clears them: a fresh list is taken)
        if not isinstance(value, list) or not all(isinstance(c, ApiCall) for c in value):
            raise ValueError(f"{name} is {value!r}: a list of ApiCall (clear it: [])")
        return value
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
            f"{name} is {value!r}: {kind}, or a mapping of its fields ({example}; None: not set)"
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
            f"{name} is {value!r}: a str, as Alexa answers it ({example}; None: not set)"
        )
    if not value.strip():
        raise ValueError(f"{name} is {value!r}: Alexa answers no empty one (None: not set)")
    if words is not None and value not in words:
        raise ValueError(
            f"{name} is {value!r}: Alexa answers one of {', '.join(words)} (None: not set)"
        )
    return value


def _lists(value: object) -> Any:
    """``lists``, checked: `ValueError` for anything but a mapping of list names to lists of
    values (a string's letters would be the items), all strings as Amazon's are, none blank
    (Alexa's Lists API refuses an empty name or value). Values given
    as an iterator are read once, here (kept as a tuple: a new mapping)."""
    if not isinstance(value, Mapping):
        raise ValueError(
            f"lists is {value!r}: a mapping of list name to its values (None: Amazon's two "
            "empty default lists)"
        )
    read: dict[str, Sequence[str]] = {}
    for name, values in value.items():
        if not isinstance(name, str):
            raise ValueError(f"lists has the name {name!r}: a list's name is a string")
        if not name.strip():  # (Alexa's lists are named: its Lists API refuses a blank name)
            raise ValueError(f"lists has the name {name!r}: a list's name is never empty")
        if isinstance(values, str | bytes) or not isinstance(values, Iterable):
            example = repr([values]) if isinstance(values, str | bytes) else "['milk']"
            raise ValueError(f"lists[{name!r}] is {values!r}: a list of values, e.g. {example}")
        read[name] = values if isinstance(values, Sequence) else tuple(values)
        for index, item in enumerate(read[name]):
            if not isinstance(item, str):
                raise ValueError(f"lists[{name!r}][{index}] is {item!r}: a value is a string")
            if not item.strip():  # (as an item the skill adds: `_add_list_item`)
                raise ValueError(f"lists[{name!r}][{index}] is {item!r}: a value is never empty")
    return value if all(read[name] is values for name, values in value.items()) else read


def _clock(value: object) -> Any:
    """``now``, a clock as `TestClient`'s ``now=`` is: `TypeError` unless it can be called and
    gives an aware datetime (called once here, so that a wrong one fails the test where it is
    given, not deep in a skill's call)."""
    moment = value() if callable(value) else None
    if not isinstance(moment, _dt.datetime) or moment.utcoffset() is None:
        raise TypeError(
            f"FakeAlexaApi(now=...) is a clock, a function giving an aware datetime "
            f"(lambda: datetime(2026, 11, 27, 9, 30, tzinfo=datetime.UTC)), not {value!r}"
            + ("" if moment is None else f" giving {moment!r}")
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
        raise ValueError(f"{name} is {value!r}: a list of {what} (None: none)")
    if name == "reminders":
        return _reminders(value)
    products = [
        _struct(f"{name}[{index}]", product, InSkillProduct) for index, product in enumerate(value)
    ]
    for index, product in enumerate(products):
        if not isinstance(product, InSkillProduct):
            raise ValueError(f"{name}[{index}] is {product!r}: an InSkillProduct, or a mapping")
        _check_product(f"{name}[{index}]", product)
    return products


def _reminders(value: Iterable[Any]) -> list[Any]:
    """``reminders``, each a `Reminder` or a mapping of its fields read as one (`_struct`):
    `ValueError` naming the entry for anything else, which failed the skill's call deep in the
    fake. A list of `Reminder` given is kept, not copied: the fake adds the skill's to it, and
    a test holding it reads them there (as before these checks); one with a mapping is read
    into a new list, the test's own left as it was."""
    from ..alexa_api import Reminder

    given = value if isinstance(value, list) else list(value)
    read = []
    for index, entry in enumerate(given):
        name = f"reminders[{index}]"
        if isinstance(entry, Reminder):
            # Not checked when made (Reminder(alert_token=5)): read back as Amazon's JSON would
            # be, as an address is (`_given`); the entry itself is kept.
            _struct(name, msgspec.to_builtins(entry), Reminder)
        elif not isinstance(entry, Mapping):
            raise ValueError(
                f"{name} is {entry!r}: a Reminder, or a mapping of its fields "
                "(Reminder(alert_token='r1', status='ON'), {'alertToken': 'r1', 'status': 'ON'})"
            )
        read.append(_struct(name, entry, Reminder))
    return given if all(kept is entry for kept, entry in zip(read, given, strict=True)) else read


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
    """``value`` as an ``into``, if it is a mapping (see `_given`); else as it is."""
    if not isinstance(value, Mapping):
        return value
    amazons = dict(zip(into.__struct_fields__, into.__struct_encode_fields__, strict=True))
    for key in value:
        if key not in amazons and key not in amazons.values():
            raise ValueError(
                f"{name}: {key!r} is no field of {into.__name__} (its fields: "
                f"{', '.join(into.__struct_fields__)}; or Amazon's names for them, "
                f"{', '.join(amazons.values())})"
            )
    try:
        return msgspec.convert({amazons.get(k, k): v for k, v in value.items()}, into)
    except msgspec.ValidationError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _progressive_refused(speech: str, taken: int | None, kind: str | None = None) -> _Answer | None:
    """Amazon's refusal (400) of a progressive response of ``speech`` after ``taken`` (None:
    none) for its request (of the type ``kind``, if it is one Alexa plays none for), past the
    limits of its "Send the User a Progressive Response" page; else None."""
    # The limits `AlexaApi.progressive` checks before sending (a skill of alexaskill's never
    # meets these): for a skill that sends them itself, in another process.
    from ..services.progressive import MAX_PROGRESSIVE_RESPONSES, MAX_PROGRESSIVE_SPEECH

    if kind is not None:
        why = (
            f"a progressive response is only for a LaunchRequest or an IntentRequest, not a {kind}"
        )
    elif len(speech) > MAX_PROGRESSIVE_SPEECH:
        why = f"speech is {len(speech)} characters; at most {MAX_PROGRESSIVE_SPEECH}"
    elif (taken or 0) >= MAX_PROGRESSIVE_RESPONSES:
        why = f"at most {MAX_PROGRESSIVE_RESPONSES} progressive responses per request"
    else:
        return None
    return _error(400, "INVALID_DIRECTIVE", why)


#: The faults `FakeAlexaApi` makes besides an HTTP error status (400 to 599): no answer in time,
#: a 200 whose body is not JSON (a proxy's HTML page), a 200 past `MAX_ANSWER_BYTES`.
FAULT_KINDS: Final = ("timeout", "not-json", "oversized")


def _is_status(fault: object, low: int = 400) -> bool:
    return isinstance(fault, int) and not isinstance(fault, bool) and low <= fault < 600


def _with_retry_after(fault: object) -> tuple[int, str] | None:
    """A ``(status, retry_after)`` fault (a list, from JSON) as the status and the header's
    text: a 429 or a 5xx, and whole seconds (an int, 0 or more) or a header value as sent (an
    HTTP date, or anything else of printable ASCII, to test a header that does not parse).
    None for anything else."""
    if not isinstance(fault, tuple | list) or len(fault) != 2:
        return None
    status, wait = fault
    if not (_is_status(status, 500) or status == 429):
        return None
    if isinstance(wait, int) and not isinstance(wait, bool) and wait >= 0:
        return status, str(wait)
    if isinstance(wait, str) and wait.strip() and wait.isascii() and wait.isprintable():
        return status, wait
    return None


def _check_faults(faults: object, operations: Collection[str]) -> None:
    """`ValueError` unless ``faults`` maps operations the fake serves to faults it can make."""
    if not isinstance(faults, Mapping):
        raise ValueError(f"faults is {faults!r}: a mapping of operation to fault")
    for operation, fault in faults.items():
        if operation not in operations:
            raise ValueError(
                f"faults names {operation!r}, which is no operation of the fake (an AlexaApi "
                f"method: {', '.join(sorted(operations))})"
            )
        if _is_status(fault) or _with_retry_after(fault) is not None:
            continue
        if not isinstance(fault, tuple | list) and fault in FAULT_KINDS:
            continue
        raise ValueError(
            f"faults gives {operation!r} the fault {fault!r}: an HTTP error status (400 to "
            f"599), a 429 or 5xx with its Retry-After ((429, 2): 2 seconds; or a header "
            f"value as sent) or one of {', '.join(map(repr, FAULT_KINDS))}"
        )


JSON_TYPE: Final = "application/json"


@dataclass(frozen=True)
class _Raw:
    """An answer that is not the JSON of a value: the bytes sent as they are."""

    content: bytes
    content_type: str

    @property
    def shown(self) -> str:
        """What `ApiCall.answer` records of it: the start of a short one, else its size."""
        if len(self.content) <= 200:
            return self.content.decode("utf-8", "replace")
        return f"({len(self.content)} bytes of {self.content_type})"


@dataclass(frozen=True)
class _Throttled:
    """An error answer sent with a ``Retry-After`` header."""

    body: Any
    retry_after: str


def _shown(answer: Any) -> Any:
    """What `ApiCall.answer` records of an answer."""
    if isinstance(answer, _Throttled):
        return answer.body
    return answer.shown if isinstance(answer, _Raw) else answer


def _retry_after(answer: Any) -> str | None:
    """The ``Retry-After`` header sent with an answer, or None."""
    return answer.retry_after if isinstance(answer, _Throttled) else None


def _encoded(answer: Any) -> tuple[bytes, str | None]:
    """The body and content type of an answer: JSON, raw bytes, or nothing (None)."""
    if isinstance(answer, _Throttled):
        answer = answer.body
    if isinstance(answer, _Raw):
        return answer.content, answer.content_type
    if answer is None:
        return b"", None
    return msgspec.json.encode(answer), JSON_TYPE
