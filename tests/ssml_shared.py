"""What the tests of SSML the app refuses (tests/test_xml_references.py, tests/test_xml_markup.py,
tests/test_ssml_agreement*.py) share: the check that every place speech is built says the same
words of a fault, what the app says of a document, what is said of a fault and its advice, and
what a handler that answers it gets."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest

from alexaskill import Skill, ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import Response, SsmlSpeech, ask, speak
from alexaskill.services.progressive import _speech_fault, progressive_document
from alexaskill.ssml import Ssml
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient


def refused_where_the_speech_is_built(markup: str, said: str) -> None:
    """``markup`` refused as an answer's speech, by `speak`, as a reprompt and as a progressive
    response's speech (`refused_as_a_progressive_response`), each said as ``said`` after the
    field's name, and the test tools' `ssml_error` says the same words."""
    refused_as_a_progressive_response(markup, said)
    said = re.escape(said)
    with pytest.raises(ResponseError, match=rf"^outputSpeech\.ssml: {said}"):
        SsmlSpeech(Ssml(markup))
    with pytest.raises(ResponseError, match=rf"^outputSpeech\.ssml: {said}"):
        speak(Ssml(markup))
    with pytest.raises(ResponseError, match=rf"^reprompt\.outputSpeech\.ssml: {said}"):
        ask("Which one?", reprompt=Ssml(markup))
    error = ssml.ssml_error(markup)
    assert error is not None and re.match(said, error), error


def refused_as_a_progressive_response(markup: str, said: str) -> None:
    """``markup`` refused as a progressive response's speech, where it is built and in
    FakeAlexaApi's reading of one a skill sends itself, in the same words."""
    said = re.escape(said)
    with pytest.raises(ResponseError, match=rf"^progressive response speech: {said}"):
        progressive_document(Ssml(markup))
    fault = _speech_fault(markup)
    assert fault is not None and re.match(rf"progressive response speech: {said}", fault), fault


def said_by_the_app(document: str, build: Callable[[Ssml], object] = SsmlSpeech) -> str | None:
    """What the app says of ``document`` (its field's name first) as ``build`` (an answer's
    speech, or `progressive_document`) takes it, or None if it takes it."""
    try:
        build(Ssml(document))
    except ResponseError as error:
        return str(error)
    return None


def refusal_of(markup: str) -> str:
    """The fault said of ``markup`` as an answer's speech (the app's check), refused."""
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(markup))
    return str(refused.value)


def refusal_advises(markup: str, advice: str) -> None:
    """``markup`` refused with ``advice`` on what to write, and the reason: XML's reading."""
    said = refusal_of(markup)
    assert advice in said, said
    assert "Alexa parses SSML as XML" in said, said


def logged_when_a_handler_answers(markup: str, caplog: pytest.LogCaptureFixture) -> str:
    """The ERROR lines logged when a launch handler answers ``markup`` as its speech: the
    user hears the apology, not Amazon's "problem with the requested skill's response"."""
    skill = Skill(skill_id=DEFAULT_SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak(Ssml(markup))

    with caplog.at_level(logging.ERROR), TestClient(skill, raise_handler_errors=False) as client:
        result = client.launch()
    assert result.speech == "Sorry, something went wrong. Please try again later."
    assert result.refusal is None
    return caplog.text
