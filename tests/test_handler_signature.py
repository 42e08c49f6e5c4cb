"""Handlers of every shape a skill author writes: each valid one works, each mistake is a
`ConfigurationError` at registration that names the handler and the fix. (Annotations that
cannot be evaluated, app files named otherwise than a module: tests/test_handler_annotations.py.)"""

from __future__ import annotations

import asyncio
import functools
import logging
from typing import Annotated, Any, Optional

import pytest

from alexaskill import ConfigurationError, Response, Session, Skill, speak
from alexaskill.aws_lambda import handler as lambda_handler
from alexaskill.messages import APOLOGY
from alexaskill.pace import PROBATION
from alexaskill.testing import RequestFactory, TestClient

from .conftest import SKILL_ID


class Greeter:
    def greet(self, name: str) -> Response:
        return speak(f"Hello {name}.")

    @classmethod
    def greet_cls(cls, name: str) -> Response:
        return speak(f"Hi {name}.")

    @staticmethod
    def greet_static(name: str) -> Response:
        return speak(f"Hey {name}.")

    async def greet_async(self, name: str) -> Response:
        return speak(f"Howdy {name}.")

    def __call__(self, name: str) -> Response:
        return speak(f"Yo {name}.")


def _greet(greeting: str, name: str) -> Response:
    return speak(f"{greeting} {name}.")


@pytest.mark.parametrize(
    ("func", "said"),
    [
        (Greeter().greet, "Hello Ann."),
        (Greeter.greet_cls, "Hi Ann."),
        (Greeter.greet_static, "Hey Ann."),
        (Greeter().greet_async, "Howdy Ann."),
        (Greeter(), "Yo Ann."),
        (functools.partial(_greet, "Good day"), "Good day Ann."),
        (functools.partial(_greet, greeting="Evening"), "Evening Ann."),
        (lambda name: speak(f"Lambda {name}."), "Lambda Ann."),
    ],
)
def test_methods_partials_callables_and_lambdas_are_handlers(func: Any, said: str) -> None:
    # Control: passes on the old code too.
    skill = Skill(SKILL_ID)
    skill.intent("Greet")(func)
    with TestClient(skill) as client:
        assert client.intent("Greet", name="Ann").speech == said


def test_a_method_registered_from_the_class_is_refused() -> None:
    # Accepted before: `self` became a slot, never filled, so every request asked the user
    # again (with a WARNING at the first), for ever.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:
        skill.intent("Greet")(Greeter.greet)
    message = str(caught.value)
    assert "Greeter.greet" in message
    assert "'self'" in message
    assert "Greeter().greet" in message
    assert not skill.registry.handlers


def test_a_method_decorated_in_its_class_body_is_refused_at_the_decorator() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"Weather\.launch.*'self'.*an instance"):

        class Weather:
            @skill.launch
            def launch(self) -> Response:
                return speak("Hi.")

    assert not skill.registry.handlers


def test_star_parameters_are_refused_naming_which_and_the_wraps_fix() -> None:
    # The message said "*kwargs / **kwargs" whichever it was, and nothing of functools.wraps,
    # the usual cause (a decorator's wrapper).
    def logged(func: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)

        return wrapper

    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:
        skill.intent("Greet")(logged(_greet))
    assert "wrapper: *args cannot be injected" in str(caught.value)
    assert "@functools.wraps" in str(caught.value)
    with pytest.raises(ConfigurationError, match=r": \*\*slots cannot be injected"):
        skill.intent("Greet")(lambda **slots: None)


def test_annotated_parameters_are_their_type_the_metadata_left_alone() -> None:
    # PEP 593: a tool ignores the metadata it does not know. They were refused before, as a
    # slot annotation alexaskill cannot convert (Annotated[Session, ...] too).
    skill = Skill(SKILL_ID)

    @skill.intent("Order")
    def order(
        dish: Annotated[str, "what to cook"],
        count: Annotated[int | None, "how many"] = None,
        size: Optional[Annotated[int, "cm"]] = None,  # noqa: UP045
        extras: list[Annotated[str, "toppings"]] | None = None,
        session: Annotated[Session, "the session"] = None,  # type: ignore[assignment]
    ) -> Response:
        assert isinstance(session, Session)
        return speak(f"{count} {dish} {size} {extras}.")

    (handler,) = skill.registry.handlers.values()
    assert dict(handler.slots) == {
        "dish": str,
        "count": int | None,
        "size": Optional[int],  # noqa: UP045
        "extras": list[str] | None,
    }
    with TestClient(skill) as client:
        said = client.intent("Order", dish="pizza", count="2", size="30", extras=["ham"]).speech
    assert said == "2 pizza 30 ['ham']."


def test_a_misspelt_annotation_names_the_parameter_and_the_type_meant() -> None:
    # It said "cannot read its signature: name 'Strr' is not defined": which parameter, and
    # what to do, were left to the reader.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:

        @skill.intent("Greet")
        def greet(name: Strr) -> Response:  # type: ignore[name-defined]  # noqa: F821
            return speak(name)

    message = str(caught.value)
    assert message.startswith("tests.test_handler_signature.")
    assert "greet: parameter 'name' is annotated Strr" in message
    assert "did you mean str?" in message
    assert not skill.registry.handlers


def test_a_class_of_a_function_named_in_an_annotation_says_where_to_define_it() -> None:
    # Under `from __future__ import annotations` (this module's), annotations are evaluated in
    # the module's names: a class defined in a function is not one of them.
    class Colour(str):
        pass

    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:

        @skill.intent("Paint")
        def paint(colour: Colour) -> Response:
            return speak(colour)

    message = str(caught.value)
    assert "parameter 'colour' is annotated Colour, a name not defined" in message
    assert "define or import it above the handler, at module level" in message
    assert "TYPE_CHECKING" in message
    assert "nor in a function" in message


class AsyncGreeter:
    async def __call__(self, name: str) -> Response:
        return speak(f"Async {name}.")


class YieldingGreeter:
    def __call__(self, name: str) -> Any:
        yield speak(f"Hello {name}.")


async def _greet_async(name: str) -> Response:
    return speak(f"Awaited {name}.")


def test_a_partial_of_an_async_callable_object_is_awaited() -> None:
    # It was taken for a def function: called in a thread, its coroutine never awaited, and
    # every request got the apology ("returned coroutine").
    skill = Skill(SKILL_ID)
    skill.intent("Greet")(functools.partial(AsyncGreeter()))
    (handler,) = skill.registry.handlers.values()
    assert handler.is_async
    with TestClient(skill) as client:
        assert client.intent("Greet", name="Ann").speech == "Async Ann."


def test_a_callable_object_that_yields_is_refused_at_registration() -> None:
    # Refused for a generator function, not for an object whose __call__ is one: every
    # request got the apology ("returned generator").
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError, match=r"YieldingGreeter.*generator"):
        skill.intent("Greet")(YieldingGreeter())
    with pytest.raises(ConfigurationError, match=r"generator"):
        skill.intent("Greet")(functools.partial(YieldingGreeter()))
    assert not skill.registry.handlers


async def _weather_async(city: str) -> Response:
    await asyncio.sleep(0)
    return speak(f"Sunny in {city}.")


def _running_its_coroutine(func: Any) -> Any:
    """A decorator of one's own: a def wrapper that runs the async def it wraps to its end."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(func(*args, **kwargs))

    return wrapper


def _returning_its_coroutine(func: Any) -> Any:
    """A decorator's usual mistake: a def wrapper returning the coroutine, never awaited."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return wrapper


def test_a_def_wrapper_running_its_async_handler_works_in_a_worker_thread(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A def wrapper that runs the coroutine itself (asyncio.run) worked, and was then refused
    # at registration. It runs in a worker thread on every call: moved onto the event loop's
    # thread once its calls proved quick (alexaskill.pace), asyncio.run would raise there.
    skill = Skill(SKILL_ID)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        skill.intent("Greet")(_running_its_coroutine(_greet_async))
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert len(warnings) == 1
    assert f"the wrapper of {__name__}._greet_async is a def function" in warnings[0]
    assert "async def wrapper(*args, **kwargs): return await func(" in warnings[0]
    (handler,) = skill.registry.handlers.values()
    assert not handler.is_async
    assert handler.pace.pinned
    with TestClient(skill) as client:
        for _ in range(PROBATION * 2):
            assert client.intent("Greet", name="Ann").speech == "Awaited Ann."
    assert not handler.pace.inline


def test_a_def_wrapper_running_its_async_handler_works_on_lambda() -> None:
    skill = Skill(SKILL_ID)
    skill.intent("Weather")(_running_its_coroutine(_weather_async))
    event = RequestFactory(skill_id=SKILL_ID).intent("Weather", city="Oslo")
    answer = lambda_handler(skill)(event, None)
    assert answer["response"]["outputSpeech"]["text"] == "Sunny in Oslo."


def test_a_def_wrapper_returning_the_coroutine_is_told_to_make_the_wrapper_async(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # `def wrapper(*args, **kwargs): return func(*args, **kwargs)` over an async def handler
    # returns the coroutine unawaited: warned at registration, and each request's log line
    # says what to do.
    skill = Skill(SKILL_ID)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        skill.intent("Greet")(_returning_its_coroutine(_greet_async))
        with TestClient(skill, raise_handler_errors=False) as client:
            assert client.intent("Greet", name="Ann").speech == APOLOGY
    message = caplog.text
    assert f"the wrapper of {__name__}._greet_async is a def function" in message
    assert "returned a coroutine (_greet_async() called without await)" in message
    assert "make the wrapper of it async def and await the call" in message


def test_a_type_defined_below_its_handler_says_to_define_it_above() -> None:
    # The commonest case: the decorator runs, and reads the annotations, before the class
    # below it exists.
    source = (
        "from __future__ import annotations\n"
        "import enum\n"
        "@skill.intent('Paint')\n"
        "def paint(colour: Colour) -> None: ...\n"
        "class Colour(enum.Enum):\n"
        "    RED = 'red'\n"
    )
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:
        exec(compile(source, "paint.py", "exec"), {"skill": skill, "__name__": "paint"})
    message = str(caught.value)
    assert "paint.paint: parameter 'colour' is annotated Colour" in message
    assert "define or import it above the handler" in message


@pytest.mark.parametrize("name", ["city2", "_city", "ville\u00e9"])
def test_a_slot_parameter_amazon_would_refuse_as_a_slot_name_is_refused(name: str) -> None:
    # Accepted before: no slot can have that name (Amazon takes letters and underscores), so
    # the parameter was never filled; `alexaskill model` said so, long after.
    skill = Skill(SKILL_ID)
    namespace: dict[str, Any] = {"Response": Response}
    exec(f"def trip({name}: str) -> Response: ...", namespace)
    with pytest.raises(ConfigurationError) as caught:
        skill.intent("Trip")(namespace["trip"])
    message = str(caught.value)
    assert f"parameter {name!r} would be the slot named {name!r}" in message
    assert "ASCII letters and underscores" in message
    assert not skill.registry.handlers


def test_slot_parameters_with_underscores_and_framework_parameters_with_digits_register() -> None:
    # Control: passes on the old code too.
    skill = Skill(SKILL_ID)

    @skill.intent("Trip")
    def trip(from_city: str, to_City: str, session2: Session) -> Response:
        return speak(f"{from_city} {to_City}")


class _Handlers:
    # The registering decorator below @staticmethod, in the class body: it gets the
    # staticmethod object, not the function.
    @staticmethod
    async def greet_async(name: str) -> Response:
        return speak(f"Static {name}.")

    @staticmethod
    def greet(name: str) -> Response:
        return speak(f"Plain {name}.")


@pytest.mark.parametrize(
    ("attribute", "is_async", "said"),
    [("greet_async", True, "Static Ann."), ("greet", False, "Plain Ann.")],
)
def test_a_staticmethod_object_registered_directly_is_called_as_its_function(
    caplog: pytest.LogCaptureFixture, attribute: str, is_async: bool, said: str
) -> None:
    # An async def one was taken for a def wrapper of itself: a warning at registration, then
    # its coroutine returned unawaited and the apology at every request.
    skill = Skill(SKILL_ID)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        skill.intent("Greet")(_Handlers.__dict__[attribute])
    (handler,) = skill.registry.handlers.values()
    assert handler.is_async is is_async
    assert not handler.pace.pinned
    with TestClient(skill) as client:
        assert client.intent("Greet", name="Ann").speech == said
    assert "wrapper" not in caplog.text


class _Database:
    """A resource of the skill's own, bound to a handler with functools.partial."""


def _lookup(name: str, db: _Database, greeting: str) -> Response:
    return speak(f"{greeting} {name} ({type(db).__name__}).")


def test_the_keywords_a_partial_binds_are_not_injected() -> None:
    # As documented, but keywords bound by name stayed parameters with the bound value as
    # default: a slot of that name replaced it ("evil Ann."), and a bound object no slot takes
    # was refused as "no service added so far".
    skill = Skill(SKILL_ID)
    skill.intent("Greet")(functools.partial(_lookup, db=_Database(), greeting="Evening"))
    handler = skill.registry.handlers["IntentRequest", "Greet"]
    assert [name for name, _ in handler.slots] == ["name"]
    # Named in messages by the function it calls, not by a repr with addresses and values.
    assert handler.name == "functools.partial(tests.test_handler_signature._lookup)"
    with TestClient(skill) as client:
        said = client.intent("Greet", name="Ann", greeting="evil").speech
    assert said == "Evening Ann (_Database)."


class _Client:
    """A callable object whose repr holds what must not reach a log line."""

    def __call__(self, name: str) -> Response:
        return speak(f"Hi {name}.")

    def __repr__(self) -> str:
        return "_Client(token='s3cret')"


def test_a_callable_object_is_named_by_its_class_not_its_repr() -> None:
    # Handler names go into messages and log lines: an object's repr put its fields there (a
    # token, say), or an address that changes at every start.
    skill = Skill(SKILL_ID)
    skill.intent("Greet")(_Client())
    handler = skill.registry.handlers["IntentRequest", "Greet"]
    assert handler.name == "tests.test_handler_signature._Client()"
