"""Tests for alexaskill.responses: the one reading of hand-written SSML as sent
(`ssml_elements._sent_document`), an answer's speech (`SsmlSpeech`) and the checks of a
progressive response's and a reminder's speech (`ssml_elements._checked_document`) alike: the
document sent, and the text a fault is placed in."""

from __future__ import annotations

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech
from alexaskill.responses.ssml_elements import _checked_document, _sent_document
from alexaskill.services.progressive import progressive_document
from alexaskill.ssml import Ssml

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize(
    ("markup", "sent"),
    [
        ("<speak>Hi</speak>", "<speak>Hi</speak>"),
        ('<speak xml:lang="en-US">Hi</speak>', '<speak xml:lang="en-US">Hi</speak>'),
        ("<?xml version='1.0'?>\n<!-- c --><speak>Hi</speak>", "<speak>Hi</speak>"),
        ("\ufeff <speak>Hi</speak>\n", "<speak>Hi</speak>"),
        ("<!-- c --><speak>Hi</speak>\n", "<speak>Hi</speak>"),  # (the white space after too)
        ("Hi <p>there</p>", "<speak>Hi <p>there</p></speak>"),
        ("\u3000Hi", "<speak>\u3000Hi</speak>"),
    ],
)
def test_an_answer_sends_the_document_its_reading_says(markup: str, sent: str) -> None:
    # SsmlSpeech reads what it sends by _sent_document, as a progressive response and a
    # reminder do: a copy of its own could drift from theirs. (A comment after the root is
    # dropped after the checks, by all three: tests/test_ssml_root.py.)
    assert _sent_document(markup)[0] == sent
    assert SsmlSpeech(Ssml(markup)).ssml == sent
    assert progressive_document(Ssml(markup)) == sent


@pytest.mark.parametrize(
    ("markup", "said"),
    [
        ("<!-- c --><speak>1 < 2</speak>", "a bare '<' at index 19"),  # (its prolog counted)
        ("1 < 2", "a bare '<' at index 2"),  # (a fragment: placed in it as written)
        ("a<speak>b</speak>", "'a' before its <speak> root"),
        ("<speak>a</speak> b", "'b' after its <speak> root"),
        ("Tom & Jerry", "a bare '&' at index 4"),
    ],
)
def test_an_answer_places_a_fault_where_its_reading_says(markup: str, said: str) -> None:
    field = "outputSpeech.ssml"
    with pytest.raises(ResponseError) as answer:
        SsmlSpeech(Ssml(markup))
    with pytest.raises(ResponseError) as checked:
        _checked_document(field, markup)
    assert str(answer.value).startswith(f"{field}: {said}"), answer.value
    assert str(answer.value) == str(checked.value)


@pytest.mark.parametrize("space", [" ", "\n", " \t\r\n"])
def test_an_answer_drops_the_white_space_after_its_root_as_before_it(space: str) -> None:
    # The white space before the root was dropped and the white space after it sent, where
    # ssml.speak of the same document drops both: the speech differed by how it was built.
    document = Ssml(f"{space}<speak>Hi</speak>{space}")
    assert SsmlSpeech(document).ssml == SsmlSpeech(ssml.speak(document)).ssml
    assert SsmlSpeech(document).ssml == progressive_document(document) == "<speak>Hi</speak>"
    # Unsent, it counts toward no limit, in the app and in ssml_error alike.
    longest = Ssml(f"<speak>{'a' * (8000 - 15)}</speak>{space * 20}")
    assert len(SsmlSpeech(longest).ssml) == 8000
    assert ssml.ssml_error(longest) is None
