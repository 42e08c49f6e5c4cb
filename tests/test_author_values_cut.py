"""Values a skill's author gives (a dialog's slot sample and prompt, a translated text's
source, an Enum slot's members, what a test says to `TestClient.say`, a reminder's rule, a
product's choice) as their messages quote them: cut as alexaskill/shown_names.py cuts a long
value, where each was quoted whole."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alexaskill import DialogSlot, Response, Skill, speak
from alexaskill.alexa_api.recurrence import rule_fault
from alexaskill.alexa_api.reminders import request_time_fault
from alexaskill.alexa_api.values import product_choice_error
from alexaskill.exceptions import ConfigurationError
from alexaskill.i18n import Translations
from alexaskill.interaction import InteractionModelError
from alexaskill.testing import TestClient

from .catalogs import catalog
from .conftest import SKILL_ID
from .dialog_model_shared import built

#: A value far past any message's length, its head unlike its end.
LONG = "x" * 5_000 + "END"
#: The most characters a message quoting one such value may have.
BOUND = 1_000


def _bounded(message: str) -> None:
    assert len(message) < BOUND, message[:300]
    assert "x" * 60 in message, message[:300]


#: An Enum whose two members' values are equal ignoring case, its names long.
Twins = enum.Enum("Twins", {LONG: "large", "y" * 5_000: "LARGE"})  # type: ignore[misc]
#: An Enum whose member's value is no str, its name long.
NotText = enum.Enum("NotText", {LONG: 1})  # type: ignore[misc]


@pytest.mark.parametrize("cls", [Twins, NotText], ids=["equal-values", "value-not-str"])
def test_an_enum_slot_s_long_member_names_are_quoted_cut(cls: type[enum.Enum]) -> None:
    skill = Skill(SKILL_ID)

    def order(size: Any) -> Response:
        return speak("ok")

    order.__annotations__["size"] = cls
    with pytest.raises(ConfigurationError) as raised:
        skill.add_intent_handler("Order", order)
    _bounded(str(raised.value))


@pytest.mark.parametrize(
    "slot",
    [
        DialogSlot("AMAZON.Food", elicit="What item?", samples=[LONG]),
        DialogSlot("AMAZON.Food", elicit="What item?", samples=[LONG + " {other}"]),
        DialogSlot("AMAZON.Food", elicit=f"What {{other}} {LONG}?"),
    ],
    ids=["sample-without-slot", "sample-unknown-slot", "prompt-unknown-slot"],
)
def test_a_long_slot_sample_and_prompt_are_quoted_cut(slot: DialogSlot) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Order", utterances=["order {item}"], slots={"item": slot})
    def order(item: str | None = None) -> Any:
        return speak("ok")

    with pytest.raises(InteractionModelError) as raised:
        built(skill)
    quoting = [problem for problem in raised.value.problems if "x" * 40 in problem]
    assert quoting, raised.value.problems
    for problem in quoting:
        assert len(problem) < BOUND, problem[:300]


def test_a_long_blank_utterance_said_is_quoted_cut() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Hello", utterances=["say hello"])
    def hello() -> Response:
        return speak("Hello.")

    with TestClient(skill) as client, pytest.raises(ValueError) as raised:
        client.say(" " * 100_000)
    message = str(raised.value)
    assert len(message) < BOUND and "nothing to say" in message, message[:300]


def test_a_long_source_whose_translation_does_not_fit_is_quoted_cut(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    catalog(tmp_path, "de", f'msgid "{LONG} {{city}}"\nmsgstr "{LONG} {{stadt}}"\n')
    german = Translations(tmp_path).translator("de-DE")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert german.gettext(f"{LONG} {{city}}", city="Rom") == f"{LONG} Rom"
    [message] = [record.getMessage() for record in caplog.records]
    _bounded(message)
    assert f"({len(LONG) + 7:,} characters)" in message, message[:300]


@pytest.mark.parametrize(
    "entry",
    [
        f'msgid "{LONG} {{city}}"\nmsgstr "{LONG} {{stadt}}"\n',
        f'msgid "{LONG}"\nmsgid_plural "{LONG}s"\nmsgstr[0] "Ein"\nmsgstr[1] ""\n',
    ],
    ids=["misfit", "plural-form-empty"],
)
def test_a_long_source_a_catalog_s_check_names_is_quoted_cut(
    entry: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The warnings of a catalog's check, as the catalogs load, quoted the source text whole.
    catalog(tmp_path, "de", entry)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        Translations(tmp_path).translator("de-DE")
    [message] = [record.getMessage() for record in caplog.records]
    assert len(message) < BOUND, message[:300]
    assert "x" * 60 in message and "characters)" in message, message[:300]


@pytest.mark.parametrize(
    "translated",
    [
        f"Hallo {{city:{LONG}}}",
        f"Hallo {{{LONG}}}",
        "Hallo " + "".join(f"{{{LONG}{index}}}" for index in range(20)),
    ],
    ids=["format-spec", "placeholder-added", "many-added"],
)
def test_a_translation_s_long_placeholder_or_spec_is_quoted_cut(
    translated: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # What the translation's fill raised (ValueError: "Invalid format specifier '<it>'") and
    # the placeholders it adds were said whole.
    catalog(tmp_path, "de", f'msgid "Hi {{city}}"\nmsgstr "{translated}"\n')
    german = Translations(tmp_path).translator("de-DE")
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert german.gettext("Hi {city}", city="Rom") == "Hi Rom"
    [message] = [record.getMessage() for record in caplog.records]
    assert len(message) < BOUND, message[:300]
    # (the names cut to 40 characters, the error's text to 120: their heads, and the line's end)
    assert "x" * 20 in message and "spoken instead" in message, message[:300]


@pytest.mark.parametrize(
    "fault",
    [
        lambda: rule_fault("RRULE:" + LONG),
        lambda: rule_fault("FREQ=DAILY;" + LONG),
        lambda: rule_fault("FREQ=" + LONG),
        lambda: rule_fault("FREQ=DAILY;=" + LONG),
        lambda: rule_fault(f"FREQ=DAILY;{LONG}=1;{LONG}=2"),
        lambda: rule_fault(f"FREQ=DAILY;{LONG}"),
        lambda: request_time_fault(LONG),
        lambda: product_choice_error("type", "type", LONG),
    ],
    ids=[
        "rrule-prefix",
        "rule-unknown-part",
        "rule-value",
        "rule-no-name",
        "rule-part-twice",
        "rule-no-value",
        "request-time",
        "product-choice",
    ],
)
def test_a_long_alexa_api_value_is_quoted_cut(fault: Callable[[], str | None]) -> None:
    message = fault()
    assert message is not None
    assert len(message) < BOUND, message[:300]
    assert "x" * 60 in message.lower(), message[:300]
