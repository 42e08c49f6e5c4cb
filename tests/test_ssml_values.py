"""Tests for the values SSML's attributes hold, as XML reads them: a blank ``<sub alias>`` or
``<phoneme ph>`` refused by the builders, `ssml_error` and the app alike, in one message."""

from __future__ import annotations

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import SsmlSpeech
from alexaskill.ssml import Ssml
from alexaskill.ssml_faults import _attributes

# --- a blank <sub alias> or <phoneme ph>: one rule, one message ------------------------------


@pytest.mark.parametrize(
    ("tag", "value", "said"),
    [
        ("sub", "", "<sub alias> is empty; give what to say"),
        ("sub", " ", "<sub alias> is blank (' '); give what to say"),
        ("sub", "&#32;&#10;", "<sub alias> is blank (' \\n'); give what to say"),
        ("phoneme", "", "<phoneme ph> is empty; give what to say"),
        ("phoneme", "\t", "<phoneme ph> is blank (' '); give what to say"),
        ("phoneme", "\u3000", "<phoneme ph> is blank ('\\u3000'); give what to say"),
    ],
)
def test_a_blank_alias_or_ph_written_by_hand_is_refused_as_the_builders_refuse_it(
    tag: str, value: str, said: str
) -> None:
    # ssml_error (the test tools' strict check) and the app took <sub alias=" "> written by
    # hand, which ssml.sub refuses: Alexa refuses an empty <phoneme ph>, and a blank alias
    # leaves the text unsaid.
    if tag == "sub":
        markup = f'<speak>Al <sub alias="{value}">Al</sub></speak>'
        builder = "sub"
    else:
        markup = f'<speak>x <phoneme alphabet="ipa" ph="{value}">x</phoneme></speak>'
        builder = "phoneme"
    assert ssml.ssml_error(markup) == said
    with pytest.raises(ResponseError) as refused:
        SsmlSpeech(Ssml(markup))
    assert str(refused.value).startswith(f"outputSpeech.ssml: {said} "), refused.value
    assert f"ssml.{builder} refuses it too" in str(refused.value)
    # The builder says it in the same words, of the text XML reads of the value as given.
    read = _attributes(f' a="{value}"')["a"]
    with pytest.raises(ResponseError) as built:
        getattr(ssml, builder)("x", read)
    assert str(built.value) == f"SSML {said}"


def test_an_alias_or_ph_with_something_to_say_written_by_hand_is_taken() -> None:
    markup = '<speak><sub alias=" Al ">Al</sub><phoneme alphabet="ipa" ph="p">x</phoneme></speak>'
    assert ssml.ssml_error(markup) is None
    assert SsmlSpeech(Ssml(markup)).ssml == markup
