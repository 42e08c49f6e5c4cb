"""Slot parameters, without HTTP: converted from their annotations (one no slot fills refused at
registration), their defaults taken when missing or unconvertible (and checked against the
annotation), a required one missing or empty a SlotError, one the requests never carry warned of
once."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from alexaskill import ConfigurationError, Response, Skill, Slot, SlotError, speak
from tests.conftest import SKILL_ID
from tests.dispatch_shared import call_for, factory, run


def test_slots_are_converted_from_annotations() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def a(
        city: str,
        count: int,
        date: datetime.date | None = None,
        raw: Slot | None = None,
        names: list[str] | None = None,
    ) -> None: ...

    _, kwargs = run(
        skill,
        factory.intent("A", city="Paris", count="3", date="2026-11-27", raw="x", names=["a", "b"]),
    )
    assert kwargs == {
        "city": "Paris",
        "count": 3,
        "date": datetime.date(2026, 11, 27),
        "raw": kwargs["raw"],
        "names": ["a", "b"],
    }
    assert isinstance(kwargs["raw"], Slot)
    assert kwargs["raw"].value == "x"


def test_missing_and_unconvertible_slots_take_the_default() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def a(count: int = 7, date: datetime.date | None = None, city: str | None = None) -> None: ...

    _, kwargs = run(skill, factory.intent("A", count="?", date="2015-W48"))
    assert kwargs == {"count": 7, "date": None, "city": None}


def test_required_slot_missing_raises_slot_error() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def a(count: int) -> None: ...

    with pytest.raises(SlotError, match=r"'count'.*'\?'"):
        run(skill, factory.intent("A", count="?"))
    with pytest.raises(SlotError, match="'count' is missing"):
        run(skill, factory.intent("A"))


def test_unsupported_slot_annotation_fails_at_registration() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match="'flag'"):

        @skill.intent("A")
        def a(flag: bool) -> None: ...


def test_a_slot_parameter_the_requests_never_carry_is_warned_of_once(
    skill_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("FindRecipe")
    def find(dish: str, db) -> Response:  # type: ignore[no-untyped-def]
        return speak(dish)

    client = skill_client(skill)
    with caplog.at_level("INFO", logger="alexaskill"):
        for _ in range(3):
            assert client.intent("FindRecipe", dish="pancakes").reprompt is not None
        client.intent("FindRecipe")  # no slots at all: nothing to tell from
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert "find" in warnings[0] and "'db'" in warnings[0]
    assert "Alexa sends every slot" in warnings[0]


def test_a_can_fulfill_probe_without_one_of_its_slots_is_no_sign_of_a_missing_slot(
    skill_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # Alexa's name-free probe carries the slots it heard, not every slot of the model: that
    # one is missing says nothing of the model, unlike an IntentRequest's.
    from alexaskill import can_fulfill
    from alexaskill.testing.requests import intent_fields

    skill = Skill(SKILL_ID)

    @skill.intent("BookTrip", utterances=["book a trip from {origin} to {city}"])
    def book(city: str, origin: str) -> Response:
        return speak(f"{origin} to {city}")

    @skill.can_fulfill("BookTrip")
    def can_book(city: str, origin: str) -> Any:
        return can_fulfill("YES")

    client = skill_client(skill)
    with caplog.at_level("INFO", logger="alexaskill"):
        fields = intent_fields("BookTrip", None, "NONE", {"origin": "Paris"})
        assert client.send("CanFulfillIntentRequest", **fields).status_code == 200
    assert [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == []


@pytest.mark.parametrize(
    "slot",
    [
        {"name": "count", "value": ""},
        {
            "name": "count",
            "slotValue": {"type": "List", "values": [{"type": "Simple", "value": ""}]},
        },
    ],
)
def test_a_required_slot_with_an_empty_value_is_missing_not_unconvertible(
    slot: dict[str, Any],
) -> None:
    # The documented policy: an empty value counts as missing. It was told as a value that does
    # not convert (SlotError.value ""), so the user heard "I can't use that" of words never said,
    # and a dialog in progress was not delegated back to Alexa.
    skill = Skill(SKILL_ID)

    @skill.intent("Count")
    def count(count: int) -> Response:
        return speak(str(count))

    call = call_for(factory.intent("Count", count=slot))
    handler = skill.registry.resolve(call.envelope)
    assert handler is not None
    with pytest.raises(SlotError) as raised:
        handler.arguments(call)
    assert raised.value.value is None
    assert str(raised.value) == "slot 'count' is missing"


def test_a_standard_library_or_enum_annotation_is_not_taken_for_a_service() -> None:
    # Decimal, datetime.datetime or an Enum of ints were told "if Decimal is a service, call
    # skill.add_service(...)": the author meant a slot, and is told what slots take instead.
    import decimal
    import enum

    class Floor(enum.IntEnum):
        GROUND = 0

    skill = Skill(SKILL_ID)
    for annotation, said in [
        (decimal.Decimal, "cannot be filled from a slot; supported: str, int"),
        (datetime.datetime, "cannot be filled from a slot; supported: str, int"),
        (Floor, "has a member GROUND whose value is not a str"),
    ]:

        def handler(amount: Any) -> None: ...

        handler.__annotations__["amount"] = annotation
        with pytest.raises(ConfigurationError) as raised:
            skill.intent("Pay")(handler)
        assert said in str(raised.value)
        assert "add_service" not in str(raised.value)


def test_a_slot_default_of_another_type_is_refused_at_registration() -> None:
    # `size: Size = "large"` (the value, not the member) or `count: int = "two"` registered, and
    # the handler got the str whenever the slot was missing: its first such request failed
    # (`size.value`: AttributeError), and the user heard the apology.
    import enum

    class Size(enum.Enum):
        LARGE = "large"

    skill = Skill(SKILL_ID)
    for annotation, default, said in [
        (Size, "large", "give Size.LARGE"),
        (Size | None, "LARGE", "give Size.LARGE"),
        (int, "two", "give an int, or None"),
        (datetime.date, "2026-01-01", "give a date, or None"),
        (list[int], 3, "a list"),
    ]:

        def handler(amount: Any = default) -> None: ...

        handler.__annotations__["amount"] = annotation
        with pytest.raises(ConfigurationError) as raised:
            skill.intent("Pay")(handler)
        message = str(raised.value)
        assert "parameter 'amount'" in message and repr(default) in message, message
        assert said in message, message
    # What the slot gives, None, and an int for a float (as type checkers allow) are taken.
    taken: list[tuple[Any, Any]] = [
        (Size, Size.LARGE),
        (int, 2),
        (float, 2),
        (datetime.date, None),
        (list[str], []),
    ]
    for name, (annotation, default) in enumerate(taken):

        def fits(amount: Any = default) -> None: ...

        fits.__annotations__["amount"] = annotation
        skill.intent(f"Taken{'ABCDE'[name]}")(fits)


def test_a_refused_slot_default_is_said_with_public_names_in_a_sentence() -> None:
    # A Slot parameter's was "annotated alexaskill.models.intents.Slot" (a module the author
    # never imports: `alexaskill.Slot` is the name), and a list's fix read "; a default a list,
    # or None".
    skill = Skill(SKILL_ID)
    for annotation, default, said in [
        (Slot, "x", "is annotated alexaskill.Slot, but its default 'x'"),
        (Slot | None, 3, "is annotated alexaskill.Slot, but its default 3"),
        (list[int], (1,), "the slot is missing; give a list, or None"),
        (int, "two", "the slot is missing; give an int, or None"),
    ]:

        def handler(amount: Any = default) -> None: ...

        handler.__annotations__["amount"] = annotation
        with pytest.raises(ConfigurationError) as raised:
            skill.intent("Pay")(handler)
        message = str(raised.value)
        assert said in message, message
        assert "models.intents" not in message, message


def test_a_long_refused_slot_default_is_said_cut_between_its_escapes() -> None:
    # Its repr was cut at 37 characters, with "...", mid-escape: "its default b'\\x00…\\x0...".
    def pay(amount: int = b"\x00" * 200) -> None: ...  # type: ignore[assignment]

    with pytest.raises(ConfigurationError) as raised:
        Skill(SKILL_ID).intent("Pay")(pay)
    said = str(raised.value)
    assert re.search(r"but its default b'(\\x00)+…(\\x00)+' is bytes, which", said), said


def test_a_slot_default_without_annotation_or_of_any_is_taken() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Plain")
    def plain(amount=5) -> None: ...  # type: ignore[no-untyped-def]

    @skill.intent("Anything")
    def anything(amount: Any = 5) -> None: ...
