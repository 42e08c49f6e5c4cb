"""What a handler's annotations may say, checked at registration, without HTTP: its return (a
Response, None, or something else refused), its exception parameter (refused where it does not
fit the exception), a union of framework types; and one imported for type checkers only is left
alone."""

from __future__ import annotations

from typing import Any, Protocol

import pytest

from alexaskill import ConfigurationError, IntentRequest, LaunchRequest, Session, Skill, User
from tests.conftest import SKILL_ID
from tests.dispatch_shared import factory, run


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
