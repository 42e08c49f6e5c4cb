"""The skill the hostile-request tests (tests/test_fuzz.py, tests/test_adversarial_requests.py)
post to: handlers with slots of every type a handler can take, which check what they get and read
all a handler may read of the request, so that a request past the decoder that breaks a
handler's promise fails the test. And `value_paths`, every place in an envelope, for the tests
that change one at a time."""

from __future__ import annotations

import datetime
import enum
import math
from collections.abc import Iterator
from typing import Any

import msgspec

from alexaskill import Response, Skill, speak
from alexaskill.models import (
    Context,
    Device,
    Envelope,
    Intent,
    Request,
    Session,
    Slot,
    System,
    User,
)
from alexaskill.slots import AlexaDate, AlexaDuration, AlexaTime
from tests.conftest import SKILL_ID


class Color(enum.Enum):
    RED = "red"
    GREEN = "green"


# --- the skill: handlers with typed slots that check what they get ---------------------------


def _check_types(values: dict[str, Any]) -> None:
    expected: dict[str, Any] = {
        "text": str,
        "number": int,
        "amount": float,
        "day": datetime.date,
        "when": AlexaDate,
        "clock": datetime.time,
        "moment": AlexaTime,
        "span": datetime.timedelta,
        "length": AlexaDuration,
        "color": Color,
        "raw": Slot,
    }
    for name, value in values.items():
        if value is None:
            continue
        if name in expected:
            assert isinstance(value, expected[name]), (name, value)
            # (bool is an int, datetime a date: neither is what a slot converts to)
            assert not isinstance(value, bool | datetime.datetime), (name, value)
        elif name == "numbers":
            assert value and all(type(item) is int for item in value), value
        elif name == "colors":
            assert value and all(isinstance(item, Color) for item in value), value
        elif name == "dates":
            assert value and all(isinstance(item, AlexaDate) for item in value), value
        elif name == "words":
            assert value and all(type(item) is str for item in value), value
    if values.get("amount") is not None:
        assert math.isfinite(values["amount"])
    # An int slot is 64 bits: what a store or an API downstream has a chance to hold.
    for number in [values.get("number"), *(values.get("numbers") or ())]:
        assert number is None or -(2**63) <= number < 2**63, number


def _walk(value: Any, depth: int = 0) -> None:
    """Read every field and property of the typed values in ``value``, and their repr."""
    if depth > 40:
        return
    if isinstance(value, msgspec.Struct):
        repr(value)
        cls = type(value)
        for name in dir(cls):
            if isinstance(getattr(cls, name, None), property) and not name.startswith("_"):
                getattr(value, name)
        for name in value.__struct_fields__:
            field = getattr(value, name)
            if type(field) is int:  # a typed integer is bounded by Amazon's type (64 bits at most)
                assert -(2**63) <= field < 2**63, (cls.__name__, name, field)
            _walk(field, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            _walk(item, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            _walk(item, depth + 1)


def _touch(envelope: Envelope) -> None:
    """Read what a handler may read of any request: none of it may raise."""
    raw = envelope.raw
    assert isinstance(raw, dict)
    _walk(envelope)
    system = envelope.context.system if envelope.context is not None else None
    if system is not None and system.device is not None:
        system.device.supports("AudioPlayer")
    request = envelope.request
    intent: Intent | None = getattr(request, "intent", None)
    if intent is not None:
        for slot in (intent.slots or {}).values():
            slot.values, slot.slot_values, slot.is_filled  # noqa: B018
            slot.resolved_name, slot.resolved_id, slot.match_status  # noqa: B018
    envelope.application_ids  # noqa: B018


def make_skill() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent("Typed")
    def typed(
        envelope: Envelope,
        text: str | None = None,
        number: int | None = None,
        amount: float | None = None,
        day: datetime.date | None = None,
        when: AlexaDate | None = None,
        clock: datetime.time | None = None,
        moment: AlexaTime | None = None,
        span: datetime.timedelta | None = None,
        length: AlexaDuration | None = None,
        color: Color | None = None,
        numbers: list[int] | None = None,
        colors: list[Color] | None = None,
        dates: list[AlexaDate] | None = None,
        words: list[str] | None = None,
        raw: Slot | None = None,
    ) -> Response:
        _check_types(
            {
                "text": text,
                "number": number,
                "amount": amount,
                "day": day,
                "when": when,
                "clock": clock,
                "moment": moment,
                "span": span,
                "length": length,
                "color": color,
                "numbers": numbers,
                "colors": colors,
                "dates": dates,
                "words": words,
                "raw": raw,
            }
        )
        _touch(envelope)
        return speak("typed")

    @skill.intent("Required")
    async def required(number: int, day: datetime.date, color: Color) -> Response:
        _check_types({"number": number, "day": day, "color": color})
        return speak(f"{number} {day} {color.value}")

    @skill.intent("PlanTrip")
    def plan_trip(
        envelope: Envelope,
        destination: str | None = None,
        activity: list[str] | None = None,
        travel_date: AlexaDate | None = None,
        duration: AlexaDuration | None = None,
    ) -> Response:
        _check_types({"when": travel_date, "length": duration})
        _touch(envelope)
        return speak("trip")

    @skill.intent("Book")
    def book(day: datetime.date, note: str | None = None) -> Response:
        return speak(f"Booked for {day:%A}.")

    @skill.intent("Raw")
    async def raw(envelope: Envelope) -> Response:
        envelope.raw  # noqa: B018  (on the event loop's thread, frames deeper than decoding)
        return speak("raw")

    @skill.intent("Forget")
    def forget(session: Session) -> Response:
        session.attributes.clear()
        return speak("forgotten")

    @skill.launch
    def launch(envelope: Envelope) -> Response:
        _touch(envelope)
        return speak("hello")

    @skill.fallback
    def fallback(
        envelope: Envelope,
        request: Request,
        session: Session,
        context: Context,
        system: System,
        user: User,
        device: Device,
    ) -> None:
        _touch(envelope)
        _walk((session, context, system, user, device))

    return skill


def typed_slots(lists: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """The slots of a valid IntentRequest for ``Typed``: one of each single-value kind the
    handler takes, filled (the colour resolved), and the multiple-value slots ``lists``."""
    values = {
        "text": "hello",
        "number": "42",
        "amount": "2.5",
        "day": "2026-11-27",
        "when": "2026-W48-WE",
        "clock": "14:30",
        "moment": "EV",
        "span": "PT10M",
        "length": "P2YT3H",
        "color": "red",
        "raw": "anything",
    }
    sent: dict[str, dict[str, Any]] = {
        name: {"name": name, "value": value, "confirmationStatus": "NONE", "source": "USER"}
        for name, value in values.items()
    }
    for name, items in lists.items():
        sent[name] = {
            "name": name,
            "confirmationStatus": "NONE",
            "slotValue": {
                "type": "List",
                "values": [{"type": "Simple", "value": item} for item in items],
            },
        }
    sent["color"]["resolutions"] = {
        "resolutionsPerAuthority": [
            {
                "authority": "amzn1.er-authority.echo-sdk.x.Color",
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": "Red", "id": "RED"}}],
            }
        ]
    }
    return sent


# --- the places in an envelope ----------------------------------------------------------------


def value_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value in ``node`` (objects and arrays too), the root's first."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from value_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from value_paths(value, (*path, index))
