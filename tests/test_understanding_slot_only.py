"""A slot value said alone ("tea") where the only sample has words around the slot ("a {drink}
please"): Alexa resolves such a slot-only utterance to the one intent with a slot of that type."""

from __future__ import annotations

import datetime
from typing import Any

from alexaskill.understanding import Understander

from .understanding_shared import understander_of

NOW = datetime.datetime(2026, 12, 5, 12, 0)


def _drinks(*intents: dict[str, Any], fallback: bool = True) -> Understander:
    model: dict[str, Any] = {
        "invocationName": "the bar",
        "intents": [
            {
                "name": "Order",
                "slots": [{"name": "drink", "type": "Drink"}],
                "samples": ["a {drink} please"],
            },
            *intents,
            *([{"name": "AMAZON.FallbackIntent", "samples": []}] if fallback else []),
        ],
        "types": [
            {
                "name": "Drink",
                "values": [
                    {"name": {"value": "tea"}},
                    {"name": {"value": "coffee", "synonyms": ["espresso"]}},
                ],
            },
        ],
    }
    return understander_of(model)


def test_a_listed_value_said_alone_is_its_intent_not_the_fallback() -> None:
    # "tea" went to AMAZON.FallbackIntent: no sample of slots alone ("{drink}").
    heard = _drinks().understand("tea", now=NOW)
    assert heard.intent == "Order", heard.explain()
    assert heard.request is not None
    assert heard.request["intent"]["slots"]["drink"]["value"] == "tea"
    assert not heard.fallback and not heard.exact
    assert any("alone" in note for note in heard.notes), heard.notes
    # A synonym too, resolved to its value as in a sample.
    heard = _drinks().understand("espresso", now=NOW)
    assert heard.intent == "Order"
    slot = heard.request["intent"]["slots"]["drink"] if heard.request else {}
    resolved = slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["name"]
    assert resolved == "coffee"


def test_a_model_without_the_fallback_intent_sends_the_intent_too() -> None:
    heard = _drinks(fallback=False).understand("tea", now=NOW)
    assert heard.intent == "Order"
    assert not heard.fallback


def test_a_value_two_intents_take_stays_the_fallback() -> None:
    # Which intent the user meant, the words cannot tell: no guess.
    other = {
        "name": "Refill",
        "slots": [{"name": "drink", "type": "Drink"}],
        "samples": ["more {drink} now"],
    }
    heard = _drinks(other).understand("tea", now=NOW)
    assert heard.intent == "AMAZON.FallbackIntent"


def test_words_no_slot_type_lists_stay_the_fallback() -> None:
    assert _drinks().understand("lemonade", now=NOW).intent == "AMAZON.FallbackIntent"
    assert _drinks().understand("tea and a song", now=NOW).intent == "AMAZON.FallbackIntent"
