"""A handler's parameter name as registration's errors quote it: cut as
alexaskill/shown_names.py cuts a long value (a 5,000-character name made a message of 5,000
characters, 10,000 where the message said it twice), its head said and its length; so is a
slot parameter's in the SlotError and the warning of a request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import Intent, LaunchRequest, Response, Skill, SlotError
from alexaskill.exceptions import ConfigurationError
from alexaskill.shown_names import shown
from tests.conftest import SKILL_ID
from tests.dispatch_shared import factory, run

#: A parameter's name of 5,000 characters (a Python identifier: no limit), its end unlike its head.
LONG = "p" * 5000 + "END"


class Clock:
    """A class of the skill's own, added as no service: taken for one asked for too early."""


def _handler(parameter: str) -> Callable[..., Any]:
    """``def handler(<parameter>): ...``, its names read from this module's."""
    names: dict[str, Any] = {"Clock": Clock, "Intent": Intent, "LaunchRequest": LaunchRequest}
    names["Response"] = Response
    exec(f"def handler({parameter}): pass", names)  # (a name no source file would write)
    handler: Callable[..., Any] = names["handler"]
    return handler


def _register(kind: str, handler: Callable[..., Any]) -> None:
    skill = Skill(SKILL_ID)
    if kind == "intent":
        skill.add_intent_handler("Book", handler)
    elif kind == "launch":
        skill.launch(handler)
    else:
        skill.add_before_request(handler)


@pytest.mark.parametrize(
    ("kind", "parameter"),
    [
        ("intent", f"{LONG}: Clock"),  # a service not added
        ("intent", f"{LONG}: Intent | int"),  # two types, one of the framework's
        ("launch", f"{LONG}: int"),  # a slot where no request carries one
        ("hook", f"{LONG}: int"),  # a required slot of a hook of every request
        ("intent", f"{LONG}9: int"),  # no slot's name (said twice)
        ("intent", f"{LONG}: LaunchRequest"),  # a request the handler does not answer
        ("launch", f"{LONG}: Intent"),  # an intent where a request has none
        ("intent", f"{LONG}: bytes"),  # a type no slot fills (alexaskill.slots')
        ("intent", f"{LONG}: int = 'two'"),  # a default of another type (alexaskill.slots')
    ],
    ids=[
        "service",
        "union",
        "slotless",
        "required",
        "not-a-slot-name",
        "request-class",
        "intent",
        "unfilled-type",
        "default",
    ],
)
def test_a_long_parameter_name_is_quoted_cut(kind: str, parameter: str) -> None:
    with pytest.raises(ConfigurationError) as raised:
        _register(kind, _handler(parameter))
    message = str(raised.value)
    name = parameter.partition(":")[0]
    assert shown(name, quoted=True) in message, message
    assert name[:60] in message and name not in message, message
    assert len(message) < 1000, message


#: A slot parameter's name of 5,000 ASCII letters (a slot's name may be that long here).
LONG_SLOT = "s" * 5000 + "END"


def test_a_long_slot_name_missing_is_quoted_cut() -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Book", _handler(f"{LONG_SLOT}: int"))
    with pytest.raises(SlotError) as raised:
        run(skill, factory.intent("Book"))
    message = str(raised.value)
    assert shown(LONG_SLOT, quoted=True) in message and LONG_SLOT not in message, message
    assert raised.value.slot_name == LONG_SLOT  # (kept whole: the message alone is cut)
    with pytest.raises(SlotError) as raised:
        run(skill, factory.intent("Book", slots={LONG_SLOT: "?"}))
    message = str(raised.value)
    assert shown(LONG_SLOT, quoted=True) in message and len(message) < 1000, message


def test_a_long_slot_name_the_requests_never_carry_is_warned_of_cut(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler("Book", _handler(f"city: str, {LONG_SLOT}: int"))
    with caplog.at_level("WARNING", logger="alexaskill"), pytest.raises(SlotError):
        run(skill, factory.intent("Book", slots={"city": "Paris", "o" * 5000: "1"}))
    (warning,) = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert "Alexa sends every slot" in warning, warning
    assert shown(LONG_SLOT, quoted=True) in warning and len(warning) < 1000, warning
    assert "(city, ooooo" in warning, warning  # (the slots the request came with: their head)


def _add_exception_handler(handler: Callable[..., Any]) -> None:
    Skill(SKILL_ID).add_exception_handler(ValueError, handler)


def _add_after_request(handler: Callable[..., Any]) -> None:
    Skill(SKILL_ID).add_after_request(handler, intents=["Book"])


def _launch_of_intent(handler: Callable[..., Any]) -> None:
    Skill(SKILL_ID).add_handler("LaunchRequest", handler, intent=LONG_SLOT)


def _twice(handler: Callable[..., Any]) -> None:
    skill = Skill(SKILL_ID)
    skill.add_intent_handler(LONG_SLOT, handler)
    skill.add_intent_handler(LONG_SLOT, _handler("x: int | None = None"))


@pytest.mark.parametrize(
    ("register", "parameter", "name"),
    [
        (None, f"{LONG}: 'Undefined{LONG}'", LONG),  # a name not defined
        (None, f"{LONG}: 'int.{LONG}'", LONG),  # an annotation that cannot be evaluated
        (None, f"{LONG}: int, /", LONG),  # positional-only
        (None, f"*{LONG}", LONG),  # *args
        (_add_exception_handler, f"{LONG}: KeyError", LONG),  # not the exception's type
        (_add_after_request, f"response: Response, {LONG_SLOT}: int", LONG_SLOT),  # a required slot
        (_launch_of_intent, "", LONG_SLOT),  # an intent for a request that carries none
        (_twice, "x: int | None = None", LONG_SLOT),  # an intent's second handler
    ],
    ids=[
        "undefined",
        "not-evaluated",
        "positional-only",
        "star-args",
        "exception",
        "after-hook-slot",
        "launch-intent",
        "twice",
    ],
)
def test_a_long_name_is_quoted_cut_in_registration_s_other_errors(
    register: Callable[[Callable[..., Any]], None] | None, parameter: str, name: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        (register or (lambda handler: _register("intent", handler)))(_handler(parameter))
    message = str(raised.value)
    assert name[:60] in message and name not in message, message
    assert len(message) < 1000, message
