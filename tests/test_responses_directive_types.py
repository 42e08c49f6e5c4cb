"""A directive of the skill's own `Directive` class gets the checks of its type, as a dict does."""

from __future__ import annotations

import json
from typing import Any

import pytest

from alexaskill import speak
from alexaskill.exceptions import ResponseError
from alexaskill.responses import Directive, Reprompt, encode_response

from .responses_shared import APL_DOCUMENT, APLA

pytestmark = pytest.mark.oldest_dependencies


class _Audio(Directive, tag="Alexa.Presentation.APLA.RenderDocument", frozen=True):
    """An APL for audio RenderDocument of the skill's own class (alexaskill has no typed one)."""

    document: Any = None
    token: Any = None


class _Screen(Directive, tag="Alexa.Presentation.APL.RenderDocument", frozen=True):
    """An APL RenderDocument of the skill's own class, beside alexaskill's typed one."""

    document: Any = None
    token: Any = None


class _Elicit(Directive, tag="Dialog.ElicitSlot", frozen=True):
    """A dialog directive of the skill's own class."""

    slot_to_elicit: Any = None


@pytest.mark.parametrize(
    ("directive", "said"),
    [
        (_Audio(), r"Alexa\.Presentation\.APLA\.RenderDocument has no document object"),
        (
            _Audio(document={"type": "APL", "version": "1", "mainTemplate": {}}),
            r'document "type" must be "APLA", not \'APL\'',
        ),
        (_Audio(document={"type": "APLA", "mainTemplate": {}}), r'document has no "version"'),
        (_Audio(document={"type": "APLA", "version": "0.91"}), r'has no "mainTemplate"'),
        (_Screen(), r"Alexa\.Presentation\.APL\.RenderDocument has no document object"),
        (_Screen(document={"type": "APLA", "version": "0.91"}), r"APL for audio document"),
        (_Screen(document={"type": "APL", "mainTemplate": {}}), r'document has no "version"'),
        (_Screen(document=APL_DOCUMENT, token=""), r"token must be a non-empty str"),
        (_Elicit(), r"Dialog\.ElicitSlot slotToElicit is None; name the slot"),
    ],
)
def test_a_directive_of_the_skills_own_class_is_checked_by_its_type(
    directive: Directive, said: str
) -> None:
    # The same directive written as a dict was refused, naming what Alexa would refuse; of a
    # class the skill made of the public Directive, it was checked only for what JSON changes,
    # and Alexa refused the response (INVALID_RESPONSE: the session ended without a word).
    with pytest.raises(ResponseError, match=rf"^directives\[0\]: .*{said}"):
        speak("Here", directives=[directive])


def test_a_reprompts_apla_directive_of_the_skills_own_class_is_checked_by_its_type() -> None:
    with pytest.raises(ResponseError, match=r"^reprompt\.directives\[0\]: .*no document object"):
        Reprompt(directives=[_Audio()])


@pytest.mark.parametrize(
    "directive",
    [_Audio(document=APLA, token="t"), _Screen(document=APL_DOCUMENT, token="t")],
)
def test_a_valid_directive_of_the_skills_own_class_goes_as_written(directive: Directive) -> None:
    sent = json.loads(encode_response(speak("Here", directives=[directive])))
    (written,) = sent["response"]["directives"]
    assert written["document"] == directive.document  # type: ignore[attr-defined]
    assert written["token"] == "t"


#: A type of 10,000 characters, no one Amazon has: only its head and tail are echoed.
_LONG_TAG = "Custom." + "x" * 9_993


class _Long(Directive, tag=_LONG_TAG, frozen=True):
    """A directive of the skill's own class with a type as long as a user's typo can make."""

    value: Any = None


def test_a_long_type_of_the_skills_own_class_is_echoed_cut() -> None:
    # The refusal of a value JSON would change named the directive by its type whole: a line
    # of 10,000 characters (a mapping's type was cut already, by _type_shown).
    with pytest.raises(ResponseError) as info:
        speak("Here", directives=[_Long(value=float("nan"))])
    message = str(info.value)
    cut = f"{_LONG_TAG[:70]}…{_LONG_TAG[-30:]} (10,000 characters)"
    assert message.startswith(f"directives[0] ({cut}).value is nan"), message
    assert len(message) < 500, message
