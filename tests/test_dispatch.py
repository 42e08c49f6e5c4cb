"""Registration, lookup and parameter injection, without HTTP."""

from __future__ import annotations

import datetime
import json
from typing import Any, Protocol

import pytest

from alexaskill import (
    AudioPlayerRequest,
    ConfigurationError,
    Context,
    Device,
    Envelope,
    Intent,
    IntentRequest,
    LaunchRequest,
    Request,
    Response,
    Session,
    Skill,
    Slot,
    SlotError,
    System,
    User,
    speak,
)
from alexaskill.dispatch import Call, Registry
from alexaskill.models import decode_envelope
from alexaskill.testing import RequestFactory
from tests.conftest import SKILL_ID

factory = RequestFactory(skill_id=SKILL_ID)


def call_for(envelope: dict[str, Any]) -> Call:
    return Call(decode_envelope(json.dumps(envelope).encode()))


def run(skill: Skill, envelope: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    call = call_for(envelope)
    handler = skill.registry.resolve(call.envelope)
    assert handler is not None
    return handler.func, handler.arguments(call)


def test_lookup_is_by_type_and_intent_name() -> None:
    skill = Skill(SKILL_ID)

    @skill.launch
    def launch() -> None: ...

    @skill.intent("A")
    def a() -> None: ...

    @skill.intent("B")
    def b() -> None: ...

    @skill.on("AudioPlayer.PlaybackStarted")
    def started() -> None: ...

    assert run(skill, factory.envelope("LaunchRequest"))[0] is launch
    assert run(skill, factory.intent("A"))[0] is a
    assert run(skill, factory.intent("B"))[0] is b
    assert run(skill, factory.envelope("AudioPlayer.PlaybackStarted"))[0] is started
    assert skill.registry.resolve(call_for(factory.intent("C")).envelope) is None
    assert set(skill.registry.handlers) == {
        ("LaunchRequest", None),
        ("IntentRequest", "A"),
        ("IntentRequest", "B"),
        ("AudioPlayer.PlaybackStarted", None),
    }


def test_fallback_takes_unknown_intents_and_types() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def a() -> None: ...

    @skill.fallback
    def fallback(request: Request, intent: Intent | None) -> None: ...

    func, kwargs = run(skill, factory.intent("Other"))
    assert func is fallback
    assert kwargs["intent"].name == "Other"
    func, kwargs = run(skill, factory.envelope("Some.Future.Type", extra=1))
    assert func is fallback
    assert kwargs["request"].type == "Some.Future.Type"
    assert kwargs["intent"] is None


def test_any_intent_handler_via_on() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def a() -> None: ...

    @skill.on("IntentRequest")
    def any_intent(intent: Intent) -> None: ...

    assert run(skill, factory.intent("A"))[0] is a
    assert run(skill, factory.intent("Z"))[0] is any_intent


def test_two_handlers_for_one_intent_fail_at_registration() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def first() -> None: ...

    with pytest.raises(ConfigurationError, match=r"second.*'A' already has a handler.*first"):

        @skill.intent("A")
        def second() -> None: ...


def test_two_fallbacks_and_two_launches_fail() -> None:
    skill = Skill(SKILL_ID)
    skill.fallback(lambda: None)
    with pytest.raises(ConfigurationError, match="fallback"):
        skill.fallback(lambda: None)
    skill.launch(lambda: None)
    with pytest.raises(ConfigurationError, match="LaunchRequest already has a handler"):
        skill.launch(lambda: None)


def test_uninjectable_parameter_fails_naming_the_function() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"test_dispatch.*launch.*'city'.*carry no slots"):

        @skill.launch
        def launch(city: str) -> None: ...


def test_varargs_and_positional_only_fail() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"\*\*kwargs"):
        skill.intent("A")(lambda **kwargs: None)
    with pytest.raises(ConfigurationError, match="positional-only"):

        @skill.intent("B")
        def b(city: str, /) -> None: ...


def test_request_annotation_must_match_the_handled_type() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match="AudioPlayerRequest"):

        @skill.launch
        def launch(request: AudioPlayerRequest) -> None: ...

    @skill.intent("A")
    def a(request: IntentRequest, base: Request, launch: LaunchRequest | None) -> None: ...

    _, kwargs = run(skill, factory.intent("A"))
    assert isinstance(kwargs["request"], IntentRequest)
    assert kwargs["base"] is kwargs["request"]
    assert kwargs["launch"] is None


def test_intent_only_for_intent_requests() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"Intent \| None"):

        @skill.launch
        def launch(intent: Intent) -> None: ...

    with pytest.raises(ConfigurationError, match="carry no intent"):
        skill.add_handler("LaunchRequest", lambda: None, intent="X")


def test_framework_types_are_injected_by_annotation() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def a(
        envelope: Envelope,
        session: Session,
        context: Context,
        system: System,
        user: User,
        device: Device,
        intent: Intent,
        call: Call,
    ) -> None: ...

    _, kwargs = run(skill, factory.intent("A"))
    assert kwargs["envelope"].request.type == "IntentRequest"
    assert kwargs["session"] is kwargs["envelope"].session
    assert kwargs["context"] is kwargs["envelope"].context
    assert kwargs["system"].application.application_id == SKILL_ID
    assert kwargs["user"].user_id == factory.user_id
    assert kwargs["device"].device_id == factory.device_id
    assert kwargs["intent"].name == "A"
    assert isinstance(kwargs["call"], Call)


def test_session_outside_a_session_is_detached() -> None:
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackStarted")
    def started(session: Session) -> None: ...

    call = call_for(factory.envelope("AudioPlayer.PlaybackStarted", token="t"))
    kwargs = skill.registry.resolve(call.envelope).arguments(call)  # type: ignore[union-attr]
    kwargs["session"].attributes["x"] = 1
    assert call.session_attributes is None  # not sent back: there was no session


def test_pre_2016_request_without_context_still_injects() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("A")
    def a(context: Context, device: Device, user: User) -> None: ...

    envelope = factory.intent("A")
    del envelope["context"]
    _, kwargs = run(skill, envelope)
    assert kwargs["context"].system is None
    assert kwargs["device"].device_id == ""
    assert kwargs["user"].user_id == factory.user_id  # taken from the session


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


def test_registering_after_first_request_fails() -> None:
    registry = Registry()
    registry.add(("LaunchRequest", None), lambda: None, LaunchRequest)
    registry.freeze()
    with pytest.raises(ConfigurationError, match="before the skill is mounted"):
        registry.add(("IntentRequest", "A"), lambda: None, IntentRequest)


def test_async_and_sync_handlers_are_told_apart() -> None:
    skill = Skill(SKILL_ID)

    async def a() -> None: ...

    def b() -> None: ...

    assert skill.add_intent_handler("A", a).is_async
    assert not skill.add_intent_handler("B", b).is_async


def test_decorators_return_the_function_unchanged() -> None:
    skill = Skill(SKILL_ID)

    def f() -> None: ...

    assert skill.intent("A")(f) is f
    assert skill.launch(f) is f
    assert skill.session_ended(f) is f
    assert skill.on("Connections.Response")(f) is f
    assert skill.fallback(f) is f
    assert skill.exception(ValueError)(lambda exc: None) is not None


def test_exception_handlers_are_found_by_class_hierarchy() -> None:
    skill = Skill(SKILL_ID)

    @skill.exception(LookupError)
    def lookup(exc: LookupError) -> None: ...

    handler = skill.registry.exception_handler(KeyError("x"))
    assert handler is not None and handler.func is lookup
    assert skill.registry.exception_handler(ValueError()) is None
    with pytest.raises(ConfigurationError, match="already has a handler"):
        skill.exception(LookupError)(lambda exc: None)
    with pytest.raises(ConfigurationError, match="not an exception type"):
        skill.exception(int)(lambda exc: None)  # type: ignore[type-var]


def test_a_return_annotation_imported_for_type_checkers_only_is_left_alone() -> None:
    # `-> Response` with Response imported under TYPE_CHECKING: injection reads the parameters'
    # annotations, not the return's, which was evaluated too and failed registration.
    module: dict[str, Any] = {}
    exec(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "from alexaskill import Session, speak\n"
        "if TYPE_CHECKING:\n"
        "    from alexaskill import Response\n"
        "def weather(session: Session, city: str | None = None) -> Response:\n"
        "    return speak(city or 'Where?')\n",
        module,
    )
    skill = Skill(SKILL_ID)
    skill.intent("GetWeather")(module["weather"])
    _, arguments = run(skill, factory.intent("GetWeather", city="Paris"))
    assert arguments["city"] == "Paris"
    assert isinstance(arguments["session"], Session)


def _returning(annotation: str, *, is_async: bool = False) -> Any:
    module: dict[str, Any] = {"__name__": "skill"}
    exec(
        "from __future__ import annotations\n"
        "from typing import Any, NoReturn, Optional, TypeVar\n"
        "from alexaskill import Response, empty\n"
        "T = TypeVar('T')\n"
        f"{'async ' if is_async else ''}def handler() -> {annotation}:\n"
        "    return empty()\n",
        module,
    )
    return module["handler"]


@pytest.mark.parametrize(
    "annotation", ["str", "int", "dict[str, Any]", "Response | str", "Optional[list[Response]]"]
)
def test_a_handler_annotated_to_return_something_else_is_refused(annotation: str) -> None:
    skill = Skill(SKILL_ID)
    refused = r"skill\.handler: annotated to return .+; a handler returns a Response"
    with pytest.raises(ConfigurationError, match=refused):
        skill.add_intent_handler("A", _returning(annotation))
    with pytest.raises(ConfigurationError, match=refused):
        skill.add_intent_handler("A", _returning(annotation, is_async=True))
    with pytest.raises(ConfigurationError, match=refused):
        skill.add_before_request(_returning(annotation))
    assert not skill.registry.handlers


@pytest.mark.parametrize(
    "annotation",
    [
        *("Response", "Response | None", "Optional[Response]", "None", "Any", "object"),
        *("NoReturn", "T", "'Response'", "Undefined"),
    ],
)
def test_a_handler_annotated_to_return_a_response_or_none_is_taken(annotation: str) -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("A", _returning(annotation))
    skill.add_intent_handler("B", _returning(annotation, is_async=True))
    skill.add_after_request(_returning(annotation))


def test_an_exception_parameter_that_does_not_fit_the_exception_is_refused() -> None:
    # The exception goes to the first parameter whatever its annotation: a KeyError handler
    # registered for LookupError would get IndexErrors, a Session one every error.
    skill = Skill(SKILL_ID)

    def narrower(exc: KeyError) -> None: ...

    def other(exc: ValueError | TypeError) -> None: ...

    def session_first(session: Session, exc: LookupError) -> None: ...

    with pytest.raises(ConfigurationError, match=r"narrower: its first parameter 'exc' \(KeyError"):
        skill.add_exception_handler(LookupError, narrower)
    with pytest.raises(ConfigurationError, match="other: its first parameter 'exc'"):
        skill.add_exception_handler(LookupError, other)
    with pytest.raises(ConfigurationError, match=r"session_first: .*'session' \(Session\)"):
        skill.add_exception_handler(LookupError, session_first)
    assert skill.registry.exception_handler(KeyError()) is None


class Described(Protocol):  # not runtime_checkable: issubclass() raises TypeError on it
    args: tuple[Any, ...]


def test_an_exception_parameter_that_fits_the_exception_is_taken() -> None:
    skill = Skill(SKILL_ID)

    def same(exc: KeyError) -> None: ...

    def base(exc: Exception, session: Session) -> None: ...

    def either(exc: ValueError | LookupError) -> None: ...

    def optional(exc: ArithmeticError | None) -> None: ...

    def anything(exc: Any) -> None: ...

    def unannotated(exc) -> None: ...  # type: ignore[no-untyped-def]

    skill.add_exception_handler(KeyError, same)
    skill.add_exception_handler(RuntimeError, base)
    skill.add_exception_handler(IndexError, either)
    skill.add_exception_handler(ZeroDivisionError, optional)
    skill.add_exception_handler(TypeError, anything)
    skill.add_exception_handler(OSError, unannotated)

    def described(exc: Described) -> None: ...

    skill.add_exception_handler(ValueError, described)


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


def test_a_union_of_framework_types_is_refused_as_such_not_as_a_slot() -> None:
    # `IntentRequest | LaunchRequest` was taken for a slot: the message spoke of a required
    # slot, or of slot types, and proposed `... | None = None`, which made it a slot never filled.
    skill = Skill(SKILL_ID)

    def either(req: Any) -> None: ...

    for annotation in [IntentRequest | LaunchRequest, Session | User, Session | str]:
        either.__annotations__["req"] = annotation
        with pytest.raises(ConfigurationError) as raised:
            skill.add_before_request(either)
        message = str(raised.value).partition("parameter 'req'")[2]
        assert "one framework type" in message, message
        assert "slot" not in message, message


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
        (int, "two", "of type int"),
        (datetime.date, "2026-01-01", "of type date"),
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
        (int, "two", "the slot is missing; give a value of type int, or None"),
    ]:

        def handler(amount: Any = default) -> None: ...

        handler.__annotations__["amount"] = annotation
        with pytest.raises(ConfigurationError) as raised:
            skill.intent("Pay")(handler)
        message = str(raised.value)
        assert said in message, message
        assert "models.intents" not in message, message


def test_a_slot_default_without_annotation_or_of_any_is_taken() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Plain")
    def plain(amount=5) -> None: ...  # type: ignore[no-untyped-def]

    @skill.intent("Anything")
    def anything(amount: Any = 5) -> None: ...


def _typos_said(skill: Skill, names: list[str], caplog: pytest.LogCaptureFixture) -> list[str]:
    """The typo warnings said while ``skill`` resolves an intent request of each of ``names``."""
    caplog.clear()
    with caplog.at_level("WARNING", logger="alexaskill"):
        for name in names:
            skill.registry.resolve(call_for(factory.intent(name)).envelope)
    return [r.getMessage() for r in caplog.records if "no handler of its own" in r.getMessage()]


def test_the_typo_guess_looks_at_a_hundred_intent_names_then_no_more(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The names come from requests: the set of those looked at is bounded, to the name.
    skill = Skill(SKILL_ID)

    @skill.intent("GetWeathr")
    def weather() -> None: ...

    @skill.fallback
    def fallback() -> None: ...

    assert _typos_said(skill, [f"Order{number}" for number in range(99)], caplog) == []
    said = _typos_said(skill, ["GetWeather", "GetWeathe"], caplog)  # the 100th, the 101st
    assert [message.split(" has ")[0] for message in said] == ["intent 'GetWeather'"]


def test_a_built_in_intent_is_never_taken_for_a_typo_of_a_custom_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # However close the custom name: a request names a built-in intent on purpose.
    skill = Skill(SKILL_ID)

    @skill.intent("AMAZONStopIntent")
    def stop() -> None: ...

    @skill.fallback
    def fallback() -> None: ...

    assert _typos_said(skill, ["AMAZON.StopIntent"], caplog) == []
    assert len(_typos_said(skill, ["AMAZONStopIntnt"], caplog)) == 1


def test_the_typo_guess_names_the_closest_of_the_handlers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("GetWeatr")
    def far() -> None: ...

    @skill.intent("GetWeatherz")
    def near() -> None: ...

    @skill.fallback
    def fallback() -> None: ...

    [said] = _typos_said(skill, ["GetWeather"], caplog)
    assert "is the handler of 'GetWeatherz' meant for it?" in said
