"""Dialog prompts checked where their text is known: a literal when its intent is declared, a
catalog's translation at start; with the checks of the reply that asks again with it."""

from __future__ import annotations

import datetime
import json
import logging
from pathlib import Path
from typing import Any, Final

import pytest

from alexaskill import DialogSlot, Response, Skill, Validate, speak
from alexaskill.dialog_prompts import prompt_named
from alexaskill.exceptions import ConfigurationError
from alexaskill.i18n import Translations

from .catalogs import catalog
from .conftest import SKILL_ID

#: Past the 10 s Amazon's SSML reference allows a pause, by half a second.
_LONG_BREAK: Final = '<break time="10.5s"/>'
_REFUSED_BREAK: Final = "<break time='10.5s'> is 10,500 ms; the limit is 10 s"


def _declare(skill: Skill, name: str = "Book", **declared: Any) -> None:
    """Declare the intent ``name`` with a ``day`` slot: ``slot=`` its `DialogSlot`, the other
    keywords the intent's (``confirm=``)."""
    day = declared.pop("slot", DialogSlot("AMAZON.DATE", elicit="Which day?"))

    @skill.intent(name, utterances=["book {day}"], slots={"day": day}, **declared)
    def book(day: datetime.date) -> Response:
        return speak(f"Booked for {day:%A}.")


@pytest.mark.parametrize(
    ("declared", "where", "fault"),
    [
        (
            {"slot": DialogSlot("AMAZON.DATE", elicit=f"<speak>Which day? {_LONG_BREAK}</speak>")},
            "intent Book, slot day: elicitation prompt '<speak>Which day? <break",
            _REFUSED_BREAK,
        ),
        (  # the second variation only: Alexa picks one at random, so it is asked now and then
            {
                "slot": DialogSlot(
                    "AMAZON.DATE", elicit=["Which day?", f"<speak>{_LONG_BREAK}Which day?</speak>"]
                )
            },
            "intent Book, slot day: elicitation prompt '<speak><break",
            _REFUSED_BREAK,
        ),
        (
            {
                "slot": DialogSlot(
                    "AMAZON.DATE",
                    elicit="Which day?",
                    confirm=f"<speak>{{day}}, right? {_LONG_BREAK}</speak>",
                )
            },
            "intent Book, slot day: confirmation prompt '<speak>{day}, right?",
            _REFUSED_BREAK,
        ),
        (
            {
                "slot": DialogSlot(
                    "AMAZON.DATE",
                    elicit="Which day?",
                    validations=[
                        Validate.in_duration(
                            "P0D", "P1Y", f"<speak>This year, please. {_LONG_BREAK}</speak>"
                        )
                    ],
                )
            },
            "intent Book, slot day: validation 1 (isInDuration) prompt '<speak>This year",
            _REFUSED_BREAK,
        ),
        (
            {"confirm": f"<speak>Book {{day}}? {_LONG_BREAK}</speak>"},
            "intent Book: confirmation prompt '<speak>Book {day}?",
            _REFUSED_BREAK,
        ),
        (  # plain text past the 8,000 characters Alexa speaks
            {"slot": DialogSlot("AMAZON.DATE", elicit="Which day? " + "very " * 1598)},
            "intent Book, slot day: elicitation prompt 'Which day? very very",
            "is 8,001 characters; the limit is 8,000",
        ),
    ],
)
def test_a_prompt_alexa_would_refuse_fails_where_its_intent_is_declared(
    declared: dict[str, Any], where: str, fault: str
) -> None:
    # It was found only when a user was asked: the apology, an ERROR line, in production.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:
        _declare(skill, **declared)
    message = str(caught.value)
    assert message.startswith(where), message
    assert fault in message, message
    assert len(message) < 400, message  # an 8,000-character prompt is not said whole
    # Nothing of the intent was registered: declared again, right, it is taken.
    _declare(skill)
    assert "Book" in skill.intent_declarations


@pytest.mark.parametrize(
    "intents",
    [
        {"confirm": ""},  # (no prompt: a mistake of the intent's confirmation)
        {"confirm": ["Book {day}?", 7]},
        {"auto_delegate": "yes"},
        {"confirm": f"<speak>Book {{day}}? {_LONG_BREAK}</speak>", "auto_delegate": "yes"},
    ],
)
def test_a_declarations_first_fault_is_named_in_the_order_declared(
    intents: dict[str, Any],
) -> None:
    # slots= comes before confirm= and auto_delegate= (the signature's order, the model's):
    # a refused slot prompt was named before a refused confirmation prompt, but after an
    # intent confirm= that is no prompt, or an auto_delegate= that is no bool.
    refused = DialogSlot("AMAZON.DATE", elicit=f"<speak>Which day? {_LONG_BREAK}</speak>")
    with pytest.raises(ConfigurationError) as caught:
        _declare(Skill(SKILL_ID), slot=refused, **intents)
    message = str(caught.value)
    assert message.startswith("intent Book, slot day: elicitation prompt"), message
    # The slot right, the intent's first fault in the same order: confirm=, then auto_delegate=.
    with pytest.raises(ConfigurationError) as caught:
        _declare(Skill(SKILL_ID), **intents)
    message = str(caught.value)
    first = "confirm" if "confirm" in intents else "auto_delegate"
    assert message.startswith(f"intent Book: {first}") or (
        first == "confirm" and message.startswith("intent Book: confirmation prompt")
    ), message


def test_prompts_at_alexas_limits_are_declared() -> None:
    # A 10 s pause, 8,000 characters, and {slot} references (filled when asked) pass.
    skill = Skill(SKILL_ID)
    _declare(
        skill,
        slot=DialogSlot(
            "AMAZON.DATE",
            elicit=['<speak>Which day? <break time="10s"/></speak>', "x" * 8000],
            confirm="<speak>{day}, right?</speak>",
            validations=[Validate.in_duration("P0D", "P1Y", "<speak>{day}? No.</speak>")],
        ),
        confirm=['<speak>Book {day}? <break time="10000ms"/></speak>'],
    )
    assert "Book" in skill.intent_declarations


def test_a_long_prompt_is_quoted_by_its_head_and_tail_with_its_length() -> None:
    # As any long name a message echoes (`shown`): it was its first 80 characters alone, its
    # length said without a thousands separator.
    assert prompt_named("Book", None, "confirmation", "x" * 120).endswith(repr("x" * 120))
    prompt = "Shall I " + "x" * 7990 + " or not?"
    assert prompt_named("Book", None, "confirmation", prompt) == (
        f"intent Book: confirmation prompt '{prompt[:70]}…{prompt[-30:]}' (8,006 characters)"
    )


def _german_skill(tmp_path: Path, german: str, prompt: str = "Which day?") -> Skill:
    catalog(tmp_path, "de", f"msgid {json.dumps(prompt)}\nmsgstr {json.dumps(german)}\n")
    skill = Skill(SKILL_ID, translations=Translations(tmp_path))
    _declare(skill, slot=DialogSlot("AMAZON.DATE", elicit=prompt, samples=["{day}"]))
    return skill


def _warnings(caplog: pytest.LogCaptureFixture, skill: Skill) -> list[str]:
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        caplog.clear()
        skill.start("the test skill")
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_a_translation_alexa_would_refuse_is_a_warning_at_start(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # The English prompt passes where declared; its German translation failed only when a
    # German user was asked (the apology, an ERROR line), with nothing said at start.
    german = f"<speak>Welcher Tag? {_LONG_BREAK}</speak>"
    skill = _german_skill(tmp_path, german, prompt="<speak>Which day?</speak>")
    said = [line for line in _warnings(caplog, skill) if "Welcher Tag" in line]
    assert len(said) == 1, said
    assert said[0].startswith(
        "intent Book, slot day: the de translation of elicitation prompt "
        f"'<speak>Which day?</speak>' ({german!r}) "
    ), said
    assert _REFUSED_BREAK in said[0], said


def test_a_skill_without_catalogs_starts_without_a_translation_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # No catalogs, no translation to check: the prompts were checked where declared.
    skill = Skill(SKILL_ID)
    _declare(skill, slot=DialogSlot("AMAZON.DATE", elicit="Which day?", samples=["{day}"]))
    assert _warnings(caplog, skill) == []


def test_a_translation_alexa_takes_is_no_warning(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    skill = _german_skill(tmp_path, '<speak>Welcher Tag? <break time="10s"/></speak>')
    assert [line for line in _warnings(caplog, skill) if "translation" in line] == []


def test_a_translation_that_drops_a_slot_named_n_is_not_checked(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # {n} is left out freely only by a plural form: a prompt's translation that drops slot n's
    # {n} does not fit, so requests hear the source text, and its pause is never spoken.
    prompt = "{n} tickets, right?"
    german = f"<speak>Richtig? {_LONG_BREAK}</speak>"
    catalog(tmp_path, "de", f"msgid {json.dumps(prompt)}\nmsgstr {json.dumps(german)}\n")
    skill = Skill(SKILL_ID, translations=Translations(tmp_path))
    slot = DialogSlot("AMAZON.NUMBER", elicit="How many?", confirm=prompt, samples=["{n}"])

    @skill.intent("Buy", utterances=["buy {n} tickets"], slots={"n": slot})
    def buy(n: int) -> Response:
        return speak(f"{n} bought.")

    assert [line for line in _warnings(caplog, skill) if "would be refused" in line] == []


def test_a_translation_two_catalogs_give_is_one_warning_naming_both(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    # The intent's confirmation, in a de and a de-DE catalog alike: one line for the two. A
    # translation whose placeholders do not fit its source is never spoken (the source text
    # is), so its pause is not said to be refused.
    confirm, misfit = "Book {day}?", "Book it?"
    entries = (
        f"msgid {json.dumps(confirm)}\n"
        f"msgstr {json.dumps(f'<speak>{{day}} buchen? {_LONG_BREAK}</speak>')}\n\n"
        f"msgid {json.dumps(misfit)}\n"
        f"msgstr {json.dumps(f'<speak>{{day}} buchen? {_LONG_BREAK}</speak>')}\n"
    )
    catalog(tmp_path, "de", entries)
    catalog(tmp_path, "de_DE", entries)
    skill = Skill(SKILL_ID, translations=Translations(tmp_path))
    _declare(skill, confirm=[confirm, misfit])
    said = [line for line in _warnings(caplog, skill) if "would be refused" in line]
    assert len(said) == 1, said
    assert said[0].startswith(
        "intent Book: the de, de-DE translation of confirmation prompt 'Book {day}?' "
    ), said
    assert _REFUSED_BREAK in said[0], said
