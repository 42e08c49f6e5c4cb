"""Loose matching and the closest intent (alexaskill/understanding/matcher.py, alignment.py):
what a reading counts, and the reading tried when one is refused."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from alexaskill.understanding import InteractionModel, Understander
from alexaskill.understanding.matcher import Match, SpanCache

NOW = datetime.datetime(2026, 11, 29, 12, 0)


def _model(
    intents: list[dict[str, Any]], *, sensitivity: str | None = None, fallback: bool = True
) -> InteractionModel:
    if fallback:
        intents = [*intents, {"name": "AMAZON.FallbackIntent", "samples": []}]
    language: dict[str, Any] = {"invocationName": "matcher tester", "intents": intents}
    if sensitivity is not None:
        language["modelConfiguration"] = {"fallbackIntentSensitivity": {"level": sensitivity}}
    return InteractionModel.from_json({"interactionModel": {"languageModel": language}})


def _weather(samples: list[str], **options: Any) -> Understander:
    slots = [{"name": "city", "type": "AMAZON.City"}]
    intent = {"name": "Weather", "slots": slots, "samples": samples}
    return Understander(_model([intent], **options))


def _aligned(understander: Understander, said: str, sample: str) -> Match:
    spans = SpanCache(understander.tokens(said), NOW)
    [found] = [item for item in understander.matcher.samples if item.text == sample]
    match = understander.matcher.align(found, spans)
    assert match is not None
    return match


# --- fillers prove nothing ----------------------------------------------------------------------


def _tracker() -> Understander:
    intents = [
        {"name": "Track", "samples": ["track my parcel"]},
        {"name": "Cancel", "samples": ["cancel my subscription"]},
    ]
    return Understander(_model(intents))


@pytest.mark.parametrize(
    "said",
    [
        "um where is my parcel",
        "where is my parcel um",
        "hmm where is uh my parcel",
        "like where is my parcel",
        "so um where is my parcel please",
    ],
)
def test_fillers_said_do_not_count_against_a_loose_reading(said: str) -> None:
    # A loose reading must score 0.1 a word said, and the fillers ("um", "like", "please": the
    # language's `fillers`) counted as words said: "where is my parcel" was Track, "um where
    # is my parcel" (its score shared among five words) AMAZON.FallbackIntent.
    understander = _tracker()
    plain = understander.understand("where is my parcel", now=NOW)
    assert (plain.intent, plain.exact) == ("Track", False)
    understood = understander.understand(said, now=NOW)
    assert (understood.intent, understood.sample) == ("Track", "track my parcel")
    assert not understood.fallback
