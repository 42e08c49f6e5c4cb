"""Tests for alexaskill.ssml_limits: the limits of a speech as a whole (its length, its clips,
that it says something), one check of the app and the test tools, said in the same words."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import Response, SsmlSpeech, ask, speak
from alexaskill.ssml import Ssml

_CLIP = '<audio src="soundbank://soundlibrary/animals/amzn_sfx_bear_groan_roar_01"/>'


@pytest.mark.parametrize(
    ("document", "fault"),
    [
        (f"<speak>{_CLIP * 6}</speak>", "has 6 <audio> clips; the limit is 5"),
        (f"<speak>{'a' * 7985}</speak>", "is 8,000 characters"),  # (8000 taken: below)
        (f"<speak>{'a' * 7986}</speak>", "is 8,001 characters; the limit is 8,000"),
        ("<speak> </speak>", "says nothing"),
        ("<speak><p/><!-- to do --></speak>", "says nothing"),
        ("<speak/>", "says nothing"),
        ("<speak>&#8203;</speak>", "says nothing"),
    ],
)
def test_ssml_error_says_the_limits_of_speech_in_the_words_of_the_app(
    document: str, fault: str
) -> None:
    # The app refused six clips, 8001 characters and speech that says nothing where the speech
    # was built; ssml_error, the test tools' check of every answer (a replayed one too), took
    # them, and Alexa refuses them. One check of both, said alike.
    said = ssml.ssml_error(document)
    if fault == "is 8,000 characters":
        assert said is None
        return
    assert said is not None and fault in said, said
    with pytest.raises(ResponseError, match=re.escape(fault)):
        SsmlSpeech(Ssml(document))


def test_ssml_error_counts_the_speech_sent_from_its_root() -> None:
    # A prolog is not sent (SsmlSpeech drops it): it counts toward no limit.
    document = f"<!-- {'c' * 100} --><speak>{'a' * 7985}</speak>"
    assert ssml.ssml_error(document) is None
    assert SsmlSpeech(Ssml(document))


@pytest.mark.parametrize(
    "document",
    [
        "<speak> </speak>",
        "<speak><p/><!-- to do --></speak>",
        f"<speak>{_CLIP * 6}</speak>",
        f"<speak>{'a' * 7986}</speak>",
    ],
)
@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda markup: speak(markup), "outputSpeech"),
        (lambda markup: ask("Which one?", reprompt=markup), "reprompt.outputSpeech"),
    ],
)
def test_the_test_tools_say_a_limit_of_an_answers_speech_as_the_app(
    build: Callable[[Ssml], Response], field: str, document: str
) -> None:
    # The app said "outputSpeech.ssml says nothing (…)", the test tools' check of the answer
    # (response_ssml_error: the test client, replay, chat, the simulator) "outputSpeech.ssml:
    # the speech says nothing (…)", and so for a speech too long or with six clips: one wording.
    with pytest.raises(ResponseError) as refused:
        build(Ssml(document))
    said = str(refused.value)
    assert said.startswith(f"{field}.ssml "), said
    refused_speech = {"type": "SSML", "ssml": document}
    answer: dict[str, Any] = {"outputSpeech": refused_speech}
    if field != "outputSpeech":
        answer = {
            "outputSpeech": {"type": "PlainText", "text": "Which one?"},
            "reprompt": {"outputSpeech": refused_speech},
        }
    assert ssml.response_ssml_error(answer) == said


@pytest.mark.parametrize("document", ["<speak> </speak>", "<speak><p/><!-- to do --></speak>"])
def test_a_progressive_response_says_silent_speech_in_the_voice_of_an_answer(document: str) -> None:
    # An answer's speech said "… says nothing (…): Alexa refuses such speech", a progressive
    # response's "… says nothing (…): Amazon refuses it": one voice, the advice the answer's
    # alone (a progressive response is not the answer whose session it could end).
    from alexaskill.services.progressive import progressive_document

    with pytest.raises(ResponseError) as answer:
        SsmlSpeech(Ssml(document))
    with pytest.raises(ResponseError) as progressive:
        progressive_document(Ssml(document))
    reason = f"says nothing ({document!r}): Alexa refuses such speech"
    assert str(answer.value).startswith(f"outputSpeech.ssml {reason}, "), answer.value
    assert str(progressive.value) == f"progressive response speech {reason}"
