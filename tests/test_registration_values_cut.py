"""Values a skill's author registers (a parameter's annotation, a hook's scope, an exception
type, a dialog slot's sample and validation) as registration's refusals quote them: cut as
alexaskill/shown_names.py cuts a long value, where each was quoted whole."""

from __future__ import annotations

from typing import Any, Literal

import pytest

from alexaskill import DialogSlot, Response, Skill, Validate, speak
from alexaskill.dialog_model import IntentDialog, dialog_problems
from alexaskill.exceptions import ConfigurationError

from .conftest import SKILL_ID

#: A value far past any message's length, its head unlike its end.
LONG = "x" * 5_000 + "END"
#: The most characters a message quoting one such value may have.
BOUND = 1_000


def _bounded(message: str) -> None:
    assert len(message) < BOUND, message[:300]
    assert "x" * 60 in message, message[:300]


def _launch(mode: Any = None) -> Response:
    return speak("ok")


def test_a_launch_parameter_s_long_annotation_is_quoted_cut() -> None:
    # A union of types (`int | list[...]`) has no __name__: its repr was said, whole.
    _launch.__annotations__["mode"] = int | list[Literal[LONG]]  # type: ignore[valid-type]
    with pytest.raises(ConfigurationError) as raised:
        Skill(SKILL_ID).launch(_launch)
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert "int | list[typing.Literal['xxx" in message
    assert "…" in message and "xxxEND']]" in message


def test_a_slot_parameter_s_long_annotation_no_slot_fills_is_quoted_cut() -> None:
    # (alexaskill.slots' own refusal: `Literal[...]` was said by its repr, whole)
    def book(size: Any = None) -> Response:
        return speak("ok")

    book.__annotations__["size"] = Literal[LONG]
    with pytest.raises(ConfigurationError, match="cannot be filled from a slot") as raised:
        Skill(SKILL_ID).add_intent_handler("Book", book)
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert "typing.Literal['xxx" in message and "xxxEND']" in message


class _Unsaid:
    """An annotation whose repr fails: a skill's object, not a type."""

    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def test_a_launch_parameter_s_annotation_whose_repr_fails_is_refused_as_configuration() -> None:
    def launch(mode: Any) -> Response:
        return speak("ok")

    launch.__annotations__["mode"] = _Unsaid()
    with pytest.raises(ConfigurationError, match="cannot be injected"):
        Skill(SKILL_ID).launch(launch)


@pytest.mark.parametrize("scope", ["request_types", "intents"])
def test_a_hook_s_scope_given_as_one_long_str_is_quoted_cut(scope: str) -> None:
    def hook() -> None:
        return None

    with pytest.raises(ConfigurationError) as raised:
        Skill(SKILL_ID).add_before_request(hook, **{scope: LONG})
    _bounded(str(raised.value))


def test_an_exception_handler_s_long_type_that_is_no_type_is_quoted_cut() -> None:
    def answer() -> Response:
        return speak("sorry")

    with pytest.raises(ConfigurationError) as raised:
        Skill(SKILL_ID).add_exception_handler(LONG, answer)  # type: ignore[arg-type]
    _bounded(str(raised.value))


@pytest.mark.parametrize(
    "given",
    [{"samples": [[LONG]]}, {"validations": [LONG]}],
    ids=["sample-no-str", "validation"],
)
def test_a_dialog_slot_s_long_sample_or_validation_refused_is_quoted_cut(
    given: dict[str, Any],
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        DialogSlot("AMAZON.City", elicit="Which city?", **given)
    _bounded(str(raised.value))


def test_a_slot_sample_naming_a_long_unknown_slot_is_said_cut() -> None:
    dialog = IntentDialog(
        slots={
            "city": DialogSlot(
                "AMAZON.City", elicit="Which city?", samples=[f"{{city}} {{{LONG}}}"]
            )
        }
    )
    problems = dialog_problems("Book", {"city": "AMAZON.City"}, dialog)
    assert problems
    for problem in problems:
        _bounded(problem)


@pytest.mark.parametrize(
    "rule",
    [
        lambda: Validate.in_set(LONG, "Which one?"),
        lambda: Validate.in_set(["a", ""] + [LONG] * 100, "Which one?"),
        lambda: Validate.less_than(LONG, "Less."),  # type: ignore[arg-type]
        lambda: Validate.less_than(10**5_000, "Less."),
        lambda: Validate.at_least(-(10**5_000), "More."),
        lambda: Validate.in_duration(LONG, None, "When?"),  # no duration
        lambda: Validate.in_duration("P1W" + LONG, None, "When?"),  # (read as no duration)
        lambda: Validate.in_duration(None, [LONG], "When?"),  # type: ignore[arg-type]
    ],
    ids=[
        "set-string",
        "set-blank",
        "limit-text",
        "limit-huge",
        "limit-huge-negative",
        "window-text",
        "window-weeks",
        "window-list",
    ],
)
def test_a_validation_rule_s_value_refused_is_quoted_cut(rule: Any) -> None:
    # The set's values were quoted whole; a limit past Python's 4,300 digits raised float()'s
    # OverflowError, no ConfigurationError.
    with pytest.raises(ConfigurationError) as raised:
        rule()
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]


@pytest.mark.parametrize("path", ["/" + LONG + "?", "/" + LONG + " "], ids=["query", "space"])
def test_a_mount_path_refused_is_quoted_cut(path: str) -> None:
    # Skill.mount's refusal of a path no request reaches quoted it whole.
    with pytest.raises(ValueError) as raised:
        Skill(SKILL_ID).mount(path)
    _bounded(str(raised.value))
