"""What the understanding tests share (tests/test_understanding_*.py: numbers, dates, times,
day_parts, durations, lists, custom_types, cuts, punctuation, stems, replies, taken_back,
answers): a fixed now, one skill id, an understander of a model built from a few intents (and
the intent it hears with its slots' values, `heard_values`), an intent with one slot of a given
type, with what a phrase said to it fills (`filled`), a trip planner whose city is asked with
"{city}" alone, an alarm's time and date (`alarm_reads`) and two times of a window
(`window_understander`, `quiet_hours`), and English as a language written before one of the
interface's optional members was part of it (`english_without`). tests/conftest.py has pytest
rewrite its asserts."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from alexaskill.understanding import InteractionModel, Understander, Understanding, load_model
from alexaskill.understanding.languages import Language
from alexaskill.understanding.languages.english import English
from tests.conftest import SKILL_ID

# Sunday 29 November 2026, noon: ISO week 48.
NOW = datetime.datetime(2026, 11, 29, 12, 0)
#: The hand-written pizza model (OrderPizza with its dialog, TrackOrder, the built-ins).
MODEL_FILE = Path(__file__).parent / "fixtures" / "models" / "en-US.json"
#: The built-in intents of a yes and a no (tests/test_understanding_replies.py, _taken_back.py).
YES_NO = ("AMAZON.YesIntent", "AMAZON.NoIntent")


def pizza_understander() -> Understander:
    """An understander of the pizza model."""
    return Understander(load_model(MODEL_FILE))


def intent_of(understander: Understander, text: str) -> str | None:
    """The intent ``understander`` hears in ``text``."""
    return understander.understand(text, now=NOW).intent


def slots_of(understander: Understander, text: str) -> dict[str, str | None]:
    """The value of each slot of the intent ``understander`` hears in ``text``."""
    request = understander.understand(text, now=NOW).request
    assert request is not None
    return {name: entry.get("value") for name, entry in request["intent"].get("slots", {}).items()}


def heard_values(understander: Understander, said: str) -> tuple[str | None, dict[str, Any]]:
    """The intent ``understander`` hears in ``said``, and the values it gives its slots."""
    heard = understander.understand(said, now=NOW)
    slots = heard.request["intent"].get("slots", {}) if heard.intent and heard.request else {}
    return heard.intent, {name: slot.get("value") for name, slot in slots.items()}


def understander_of(language_model: dict[str, Any], *, locale: str = "en-US") -> Understander:
    """An understander of the interaction model whose language model is ``language_model``."""
    model = InteractionModel.from_json({"interactionModel": {"languageModel": language_model}})
    return Understander(model, locale=locale, skill_id=SKILL_ID)


def intent_understander(
    name: str,
    slots: dict[str, str],
    samples: Iterable[str],
    *,
    types: list[dict[str, Any]] | None = None,
    invocation_name: str = "x",
) -> Understander:
    """An understander of intent ``name``, said as ``samples``, with ``slots`` (each slot's name
    and type, in this order), beside AMAZON.FallbackIntent (no samples); ``types``: the model's
    custom slot types."""
    intent = {
        "name": name,
        "slots": [{"name": slot, "type": slot_type} for slot, slot_type in slots.items()],
        "samples": list(samples),
    }
    intents = [intent, {"name": "AMAZON.FallbackIntent", "samples": []}]
    language_model: dict[str, Any] = {"invocationName": invocation_name, "intents": intents}
    if types is not None:
        language_model["types"] = types
    return understander_of(language_model)


def understander(slot_type: str, *, multiple: bool = False, locale: str = "en-US") -> Understander:
    slot: dict[str, Any] = {"name": "value", "type": slot_type}
    if multiple:
        slot["multipleValues"] = {"enabled": True}
    language_model = {
        "invocationName": "slot tester",
        "intents": [
            {"name": "Say", "slots": [slot], "samples": ["say {value}"]},
            {"name": "AMAZON.FallbackIntent", "samples": []},
        ],
        "types": [
            {
                "name": "Size",
                "values": [
                    {"id": "L", "name": {"value": "large", "synonyms": ["big", "huge"]}},
                    {"id": "S", "name": {"value": "small", "synonyms": ["tiny"]}},
                    {"name": {"value": "extra large"}},
                ],
            },
            {
                "name": "Shared",
                "values": [
                    {"id": "ONE", "name": {"value": "one", "synonyms": ["same"]}},
                    {"id": "TWO", "name": {"value": "two", "synonyms": ["same"]}},
                ],
            },
        ],
    }
    return understander_of(language_model, locale=locale)


def slot(text: str, slot_type: str, **options: Any) -> dict[str, Any] | None:
    request = understander(slot_type, **options).understand(f"say {text}", now=NOW).request
    assert request is not None
    if request["intent"]["name"] != "Say":
        return None
    result: dict[str, Any] = request["intent"]["slots"]["value"]
    return result


def value(text: str, slot_type: str, **options: Any) -> str | None:
    found = slot(text, slot_type, **options)
    return None if found is None else found.get("value")


def values(text: str, slot_type: str) -> list[str] | None:
    """The values of a multiple-value slot of ``slot_type`` that ``text`` fills (a list of
    them), or None when it fills none."""
    found = slot(text, slot_type, multiple=True)
    return None if found is None else [item["value"] for item in found["slotValue"]["values"]]


def bare_trips(city_type: str) -> Understander:
    """A trip planner whose city (``city_type``) and party size are asked with "{slot}" alone."""
    slots = [
        {"name": "city", "type": city_type, "samples": ["{city}"]},
        {"name": "people", "type": "AMAZON.NUMBER", "samples": ["{people}"]},
        {"name": "date", "type": "AMAZON.DATE"},
    ]
    intent = {"name": "PlanTrip", "slots": slots, "samples": ["plan a trip to {city}"]}
    cities = [{"name": {"value": "paris"}}, {"name": {"value": "new york", "synonyms": ["nyc"]}}]
    unsure = [{"name": {"value": "not sure"}}, {"name": {"value": "maybe"}}]
    language_model = {
        "invocationName": "trip tester",
        "intents": [intent],
        # (a type listing a don't-know: "Unsure", `answered_city`'s city_type)
        "types": [{"name": "Cities", "values": cities}, {"name": "Unsure", "values": unsure}],
    }
    model = InteractionModel.from_json({"interactionModel": {"languageModel": language_model}})
    return Understander(model)


def answered_city(city_type: str, said: str) -> str | None:
    """The city `bare_trips` of ``city_type`` hears in ``said`` asked for it (None: no answer)."""
    answer = bare_trips(city_type).answer(said, intent="PlanTrip", slot="city", now=NOW)
    return None if answer is None else answer.fills["city"].value


def left_out_notes(understood: Understanding, slot: str) -> list[str]:
    """The notes of ``understood`` saying why ``slot``'s value was left out, wherever they are
    among its notes (found by what they say, not by their place)."""
    return [note for note in understood.notes if note.startswith(f"slot {slot} left out: ")]


def alarm_understander() -> Understander:
    """An intent with a ``time`` and a ``date`` slot, said either way round."""
    slots = {"time": "AMAZON.TIME", "date": "AMAZON.DATE"}
    samples = ["set an alarm for {time} {date}", "set an alarm for {date} at {time}"]
    return intent_understander("Alarm", slots, samples)


def filled(understood: Understanding) -> dict[str, str | None]:
    """The values ``understood`` fills its slots with, by slot name."""
    return {name: fill.value for name, fill in understood.fills.items()}


def alarm_reads(said: str, expected: dict[str, str] | None) -> Understanding:
    """What `alarm_understander` makes of ``said``, checked: no reading (the fallback intent)
    when ``expected`` is None, else these slot values."""
    understood = alarm_understander().understand(said, now=NOW)
    if expected is None:
        assert understood.intent == "AMAZON.FallbackIntent", understood.fills
    else:
        assert filled(understood) == expected
    return understood


def window_understander(*more: str) -> Understander:
    """An intent with two AMAZON.TIME slots, ``start`` and ``end`` (samples ``more`` too)."""
    slots = {"start": "AMAZON.TIME", "end": "AMAZON.TIME"}
    samples = ["between {start} and {end}", "from {start} to {end}", "{start} or {end}", *more]
    return intent_understander("Window", slots, samples)


def quiet_hours() -> Understander:
    """`window_understander` with samples that have a word of meaning besides "from" and "to"
    (a sample of function words alone is read exactly only)."""
    return window_understander("quiet hours {start} to {end}", "quiet hours from {start} to {end}")


def english_without(member: str) -> Callable[[str], Language]:
    """A factory of English as a `Language` written before ``member``, one of the interface's
    optional members, was part of it: reading ``member`` is an AttributeError."""

    class Without:
        def __init__(self, locale: str) -> None:
            self._english = English(locale)

        def __getattr__(self, name: str) -> Any:
            if name == member:
                raise AttributeError(name)
            return getattr(self._english, name)

    return Without
