"""Tests for what `ssml_error` (alexaskill.ssml_check) says of a document's root: one of
another name than ``<speak>``, text before a root, an XML declaration past the start."""

from __future__ import annotations

import pytest

from alexaskill import ssml
from alexaskill.responses import SsmlSpeech
from alexaskill.ssml import Ssml


@pytest.mark.parametrize(
    "markup",
    [
        "<p><?xml version='1.0'?></p>",
        "<speak>a <?xml version='1.0'?></speak>",
        "<speak>a</speak><?xml version='1.0'?>",
        " <?xml version='1.0'?><speak>a</speak>",
    ],
)
def test_a_declaration_past_the_start_is_said_to_stand_before_the_root(markup: str) -> None:
    # Its advice said a declaration "stands only first, before <speak>", of a <p> root too,
    # which is no <speak>: it stands before the root, whatever its name.
    said = ssml.ssml_error(markup)
    assert said is not None and said.startswith("an XML declaration past the start at "), said
    assert said.endswith(
        "where a declaration (<?xml …?>) stands only first, before the root; move it there or "
        "leave it out"
    ), said
