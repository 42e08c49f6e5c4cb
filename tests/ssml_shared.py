"""What the tests of SSML the app refuses (tests/test_xml_references.py, tests/test_xml_markup.py)
share: the check that every place speech is built says the same words of a fault."""

from __future__ import annotations

import re

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech, ask, speak
from alexaskill.services.progressive import _speech_fault, progressive_document
from alexaskill.ssml import Ssml


def refused_where_the_speech_is_built(markup: str, said: str) -> None:
    """``markup`` refused as an answer's speech, by `speak` and as a reprompt, each said as
    ``said`` after the field's name, and the test tools' `ssml_error` says the same words."""
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
