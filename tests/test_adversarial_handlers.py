"""Hostile handlers: whatever a skill's handler (or hook, exception handler, service) raises,
returns or does, the user hears an apology (or the documented answer), the log has one ERROR
with the cause, and the next request is answered.

Each case runs as a plain ``def`` and as an ``async def`` through the test client (signed
requests, verification on); the ones a web server could trip over run through a real
``alexaskill serve`` on 127.0.0.1 too (tests/test_adversarial_handlers_served.py, with a thread
a handler started). The deadline's cases are in tests/test_adversarial_handlers_deadline.py.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from alexaskill import Response, ResponseError, Session, SimpleCard, Skill, ask, speak
from alexaskill.app import APOLOGY
from alexaskill.responses import PlainTextSpeech
from alexaskill.ssml import Ssml
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

from . import adversarial_handlers_shared
from .adversarial_handlers_shared import _answers, _skill, _traceback
from .conftest import BREAK_APP_SENDS, alexa_refuses

# The fixture of tests/adversarial_handlers_shared.py, this module's too (why not conftest's:
# see there).
errors = adversarial_handlers_shared.errors

HERE = str(Path(__file__).resolve())


class StrRaises(Exception):
    def __str__(self) -> str:
        raise ValueError("no str")


class ReprRaises(Exception):
    def __repr__(self) -> str:
        raise ValueError("no repr")


class NeitherShows(Exception):
    def __str__(self) -> str:
        raise ValueError("no str")

    def __repr__(self) -> str:
        raise ValueError("no repr")


class OwnBase(BaseException):
    pass


class Unshowable:
    def __str__(self) -> str:
        raise ValueError("no str")

    def __repr__(self) -> str:
        raise ValueError("no repr")


class Db:
    """A service of the skill's (made by `Skill.add_service`)."""


def recurse(depth: int = 0) -> int:
    return recurse(depth + 1) + 1


def raise_recursion() -> None:
    recurse()


#: What a handler raises, by name: each is called in the handler, and must fail as its bug.
RAISED: dict[str, Callable[[], BaseException]] = {
    "ValueError": lambda: ValueError("boom"),
    "str raises": StrRaises,
    "repr raises": ReprRaises,
    "neither shows": NeitherShows,
    "1 MB message": lambda: ValueError("x" * 1_000_000),
    "MemoryError": MemoryError,
    "KeyboardInterrupt": KeyboardInterrupt,
    "SystemExit": lambda: SystemExit(3),
    "GeneratorExit": GeneratorExit,
    "CancelledError": asyncio.CancelledError,
    "BaseException of its own": OwnBase,
    "ExceptionGroup": lambda: ExceptionGroup("two", [ValueError("a"), KeyError("b")]),
    "BaseExceptionGroup": lambda: BaseExceptionGroup("two", [KeyboardInterrupt(), ValueError()]),
    "StopIteration": StopIteration,
    "StopAsyncIteration": StopAsyncIteration,
}


def _generator() -> Iterator[int]:
    yield 1


#: What a handler returns that is no reply: each gets the apology.
RETURNED: dict[str, Callable[[], object]] = {
    "str": lambda: "hello",
    "bytes": lambda: b"hello",
    "dict that is no response": lambda: {"response": 1},
    "dict shaped like an envelope": lambda: {"version": "1.0", "response": {}},
    "generator": _generator,
    "object whose str and repr raise": Unshowable,
    "int": lambda: 42,
    "NaN": lambda: float("nan"),
    "list": lambda: [speak("hi")],
}


def _set(session: Session, value: object) -> Response:
    session.attributes["key"] = value
    return ask("And then?")


def _bypassing(**fields: Any) -> Response:
    """A reply changed by ``msgspec.structs.replace``, past ``speak``'s own checks. Not past
    ``Response.__post_init__``, which ``replace`` runs (msgspec 0.23): the "unchecked" cases
    raise where the reply is built, in the handler, as the others do. A value forced in place
    (``force_setattr``) would reach the encoder, which does not check it again: 20,000
    characters of speech went out when tried, a path no builder opens."""
    return msgspec.structs.replace(speak("x"), **fields)


#: A reply built from bad values (raising where it is built, or where it is encoded).
BAD_REPLIES: dict[str, Callable[[Session], Response]] = {
    "speech of 1 MB": lambda s: speak("x" * 1_000_000),
    "NaN as a card's content": lambda s: speak(
        "x",
        card=SimpleCard("t", float("nan")),  # type: ignore[arg-type]
    ),
    "NaN in a directive": lambda s: speak("x", directives=[{"type": "X.Y", "v": float("nan")}]),
    "set in a directive": lambda s: speak("x", directives=[{"type": "X.Y", "v": {1, 2}}]),
    "object in a directive": lambda s: speak("x", directives=[{"type": "X.Y", "v": object()}]),
    "directive that is no mapping": lambda s: speak(
        "x",
        directives=[42],  # type: ignore[list-item]
    ),
    "speech that is no text": lambda s: speak(42),  # type: ignore[arg-type]
    "session attribute set": lambda s: _set(s, {1, 2}),
    "session attribute datetime": lambda s: _set(s, datetime.datetime(2026, 12, 4)),
    "session attribute object": lambda s: _set(s, object()),
    "session attribute NaN": lambda s: _set(s, float("nan")),
    "session attributes holding themselves": lambda s: _set(s, s.attributes),
    "speech of 20000 characters, unchecked": lambda s: _bypassing(
        output_speech=msgspec.structs.replace(PlainTextSpeech(text="x"), text="y" * 20_000)
    ),
    # (None is no speech, as Response(output_speech=None) and replace() take it: no bad value.)
    "speech that is a str, unchecked": lambda s: _bypassing(output_speech="Hi"),
    "directive of no kind, unchecked": lambda s: _bypassing(directives=[object()]),
}


def _both(body: Callable[..., Any]) -> list[Callable[..., Any]]:
    """``body`` as a def handler and as an async def one."""

    def plain(session: Session) -> Any:
        return body(session)

    async def coroutine(session: Session) -> Any:
        return body(session)

    return [plain, coroutine]


def _raiser(make: Callable[[], BaseException]) -> Callable[[Session], Any]:
    def body(session: Session) -> Any:
        raise make()

    return body


@pytest.mark.parametrize("kind", [0, 1], ids=["def", "async"])
@pytest.mark.parametrize("name", [*RAISED, "RecursionError"])
def test_a_handler_that_raises_gets_the_apology(
    name: str, kind: int, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    body = (lambda s: raise_recursion()) if name == "RecursionError" else _raiser(RAISED[name])
    bad, good = _answers(_skill(_both(body)[kind]))
    assert (bad.status_code, bad.speech) == (200, APOLOGY)
    assert good.speech == "fine"  # the worker goes on
    (record,) = errors()
    assert record.getMessage().startswith("handler failed for IntentRequest Bad")
    assert HERE in _traceback(record)  # the handler's own code, where it failed


@pytest.mark.parametrize("kind", [0, 1], ids=["def", "async"])
@pytest.mark.parametrize("name", RETURNED)
def test_a_handler_that_returns_no_reply_gets_the_apology(
    name: str, kind: int, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    make = RETURNED[name]
    bad, good = _answers(_skill(_both(lambda s: make())[kind]))
    assert (bad.status_code, bad.speech) == (200, APOLOGY)
    assert good.speech == "fine"
    (record,) = errors()
    assert isinstance(bad.handler_error, ResponseError)
    assert "a handler returns a Response" in str(bad.handler_error)
    # One line: a traceback would show alexaskill's frames alone, never the handler's.
    assert record.exc_info is None and str(bad.handler_error) in record.getMessage()


def test_a_def_handler_that_forgot_await_gets_the_apology(
    errors: Callable[[], list[logging.LogRecord]],
) -> None:
    async def later() -> Response:
        return speak("late")

    def forgot() -> Any:
        return later()

    bad, good = _answers(_skill(forgot))
    assert (bad.speech, good.speech) == (APOLOGY, "fine")
    (record,) = errors()
    assert record.exc_info is None and str(bad.handler_error) in record.getMessage()
    assert "called without await" in str(bad.handler_error)


@pytest.mark.parametrize("kind", [0, 1], ids=["def", "async"])
@pytest.mark.parametrize("name", BAD_REPLIES)
def test_a_reply_of_bad_values_gets_the_apology(
    name: str, kind: int, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    bad, good = _answers(_skill(_both(BAD_REPLIES[name])[kind]))
    assert (bad.status_code, bad.speech) == (200, APOLOGY)
    assert good.speech == "fine"
    assert bad.session_attributes in (None, {})  # nothing the bad reply wrote goes out
    (record,) = errors()
    assert isinstance(bad.handler_error, ResponseError)
    if name.startswith("session attribute"):
        # The data the handler stored is at fault: one line naming it, no encoder's traceback.
        assert record.exc_info is None, record.exc_info
        assert "handler failed for IntentRequest Bad: sessionAttributes" in record.getMessage()
    else:
        assert record.exc_info is not None and record.exc_info[1] is bad.handler_error


def test_what_goes_out_as_written_is_caught_by_the_test_client() -> None:
    # Documented: speech forced past the app's checks (msgspec's force_setattr) is not checked
    # again when encoded (the test tools parse it: a <break time> in a form Amazon's SSML
    # reference never writes goes out so), and a directive of a type alexaskill does not know
    # goes out (Amazon adds them).
    written = Ssml(f"<speak><p>Tom {BREAK_APP_SENDS} Jerry</p></speak>")
    skill = _skill(lambda: alexa_refuses(speak(written)))

    @skill.intent("Unknown")
    def unknown() -> Response:
        return speak("x", directives=[{"type": "Vendor.Unknown", "v": 1}])

    with TestClient(skill, raise_handler_errors=False) as client:
        assert "<break time='5S'>: write '5s'" in (client.intent("Bad").refusal or "")
        assert client.intent("Unknown").json["response"]["directives"] == [
            {"type": "Vendor.Unknown", "v": 1}
        ]
    with TestClient(skill) as client, pytest.raises(ResponseError, match="write '5s'"):
        client.intent("Bad")


def test_hooks_services_and_exception_handlers_that_fail_get_the_apology(
    errors: Callable[[], list[logging.LogRecord]],
) -> None:
    async def make_db(call: object) -> Db:
        raise SystemExit(4)

    async def make_ok(call: object) -> Db:
        return Db()

    async def finish(db: Db) -> None:
        raise ValueError("not saved")

    def uses_db(db: Db) -> Response:
        return speak("db")

    def fails() -> Response:
        raise ValueError("first")

    def setups() -> Iterator[tuple[str, Skill]]:
        skill = Skill(DEFAULT_SKILL_ID)
        skill.add_service(Db, make_db)
        skill.add_intent_handler("Bad", uses_db)
        maker = f"{make_db.__module__}.{make_db.__qualname__}"  # (never the handler)
        yield f"the making of the service Db by {maker} raised SystemExit(4)", skill

        skill = Skill(DEFAULT_SKILL_ID)
        skill.add_service(Db, make_ok, finish)
        skill.add_intent_handler("Bad", uses_db)
        yield "not saved", skill

        skill = _skill(fails)

        @skill.exception(ValueError)
        def again(exc: ValueError) -> Response:
            raise KeyError("in the exception handler")

        yield "in the exception handler", skill

        skill = _skill(fails)

        @skill.exception(ValueError)
        async def leaves(exc: ValueError) -> Response:
            raise SystemExit(2)

        yield "raised SystemExit(2)", skill

        for when in ("before", "after"):
            skill = Skill(DEFAULT_SKILL_ID)
            skill.add_intent_handler("Bad", lambda: speak("fine"))

            async def hook() -> None:
                raise KeyboardInterrupt

            add = skill.add_before_request if when == "before" else skill.add_after_request
            add(hook, intents=["Bad"])
            yield f"-request hook {__name__}", skill

        skill = _skill(fails)

        def listener(exc: Exception) -> None:
            raise SystemExit(1)

        skill.on_handler_error = listener
        yield "first", skill

    for cause, skill in setups():
        before = len(errors())
        bad, _ = _answers(skill)
        assert (bad.status_code, bad.speech) == (200, APOLOGY), cause
        told = [_traceback(r) + r.getMessage() for r in errors()[before:]]
        assert told and cause in told[0], (cause, told)


def test_a_hook_or_exception_handler_that_forgot_await_is_told_to_be_async(
    errors: Callable[[], list[logging.LogRecord]],
) -> None:
    # The fix named "the handler" whatever forgot it: a hook's author was told to change the
    # handler, which was fine.
    async def later() -> None:
        return None

    def forgot() -> Any:
        return later()

    def forgot_too(exc: ValueError) -> Any:
        return later()

    def fails() -> Response:
        raise ValueError("first")

    hooked = _skill(lambda: speak("fine"))
    hooked.add_before_request(forgot, intents=["Bad"])
    caught = _skill(fails)
    caught.add_exception_handler(ValueError, forgot_too)
    for skill, kind in ((hooked, "the before-request hook"), (caught, "the exception handler")):
        bad, _ = _answers(skill)
        assert bad.speech == APOLOGY
        record = errors()[-1]
        assert record.exc_info is None
        assert f"called without await): make {kind} async def and await it" in (record.getMessage())


@pytest.mark.parametrize("kind", [0, 1], ids=["def", "async"])
def test_a_handler_that_returns_none_gets_the_empty_answer(
    kind: int, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    # Documented (README, Responses): None is an empty answer, no error.
    bad, good = _answers(_skill(_both(lambda s: None)[kind]))
    assert (bad.status_code, bad.speech, bad.handler_error) == (200, None, None)
    assert bad.json["response"] == {}
    assert good.speech == "fine" and errors() == []


@pytest.mark.parametrize(
    "name", ["ValueError", "SystemExit", "KeyboardInterrupt", "CancelledError"]
)
def test_where_alexa_takes_no_speech_a_failing_handler_gets_the_silent_answer(
    name: str, errors: Callable[[], list[logging.LogRecord]]
) -> None:
    # Documented (README, The rules): an empty response, or canFulfill NO, and the traceback.
    make = RAISED[name]

    def fails() -> Response:
        raise make()

    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_handler("AudioPlayer.PlaybackStarted", fails)
    skill.add_handler("SessionEndedRequest", fails)
    skill.add_can_fulfill_handler("Bad", fails)
    skill.add_handler("LaunchRequest", lambda: ask("Yes?"))
    skill.add_intent_handler("Bad", lambda: speak("fine"))
    with TestClient(skill, raise_handler_errors=False, interfaces=["AudioPlayer"]) as client:
        assert client.audio_event("PlaybackStarted", token="t").json["response"] == {}
        assert client.can_fulfill("Bad").json["response"] == {
            "canFulfillIntent": {"canFulfill": "NO"}
        }
        client.launch()
        assert client.session_ended().json["response"] == {}
        assert client.intent("Bad").speech == "fine"
    assert len(errors()) == 3
    assert all(HERE in _traceback(record) for record in errors())
