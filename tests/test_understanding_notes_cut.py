"""Understanding's notes quote the words said cut, as alexaskill/shown_names.py cuts them: a
direct `Understander.understand` of a line of 50,000 characters (chat and the simulator cap a
line at 2,000) made notes as long ("words not in the sample: wwww…", "slot city left out:
'wwww…' is no value"). Each case reaches one kind of note with a long word in what it quotes."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from alexaskill.exceptions import ConfigurationError
from alexaskill.shown_names import MAX_SHOWN, shown
from alexaskill.understanding import InteractionModel, Understander
from alexaskill.understanding.dialog import Conversation
from alexaskill.understanding.languages import language_for
from tests.dialog_shared import MODEL_FILE, delegate
from tests.dialog_shared import Skill as DialogSkill
from tests.understanding_shared import (
    NOW,
    bare_trips,
    understander,
    understander_of,
)

#: A word of 5,000 characters (a direct call's line may hold 50,000): past any note's bound.
LONG = "w" * 5_000
#: The most characters a note quoting a few cut values may take.
BOUND = 1_000


def _nameless() -> Understander:
    """A model with no invocation name: any name is taken in "open ..." and "... using ..."."""
    intent = {"name": "PlanTrip", "slots": [], "samples": ["plan a trip"]}
    return understander_of({"intents": [intent, {"name": "AMAZON.FallbackIntent"}]})


_WORDS = " ".join(["w" * 500] * 90)

#: (the understander, what is said, the start of the note it makes)
CASES: list[tuple[Callable[[], Understander], str, str]] = [
    (lambda: bare_trips("AMAZON.City"), f"plan a trip to {LONG} no", "slot city left out: "),
    (lambda: bare_trips("AMAZON.City"), f"plan a trip to {LONG} no", "no sample is close"),
    (lambda: bare_trips("AMAZON.City"), f"plan a {LONG} trip to paris", "words not in the"),
    (lambda: bare_trips("AMAZON.City"), f"um {LONG} plan a trip to paris", "words not in the"),
    # (90 words of 500 characters: within the 100 words understood)
    (lambda: understander("AMAZON.SearchQuery"), f"say {_WORDS} not friday", "no sample is"),
    (_nameless, f"open {LONG}", "opened the skill by its name"),
    (_nameless, f"plan a trip using {LONG}", "asked the skill"),
]


@pytest.mark.parametrize(("make", "said", "start"), CASES)
def test_a_long_word_said_is_quoted_cut_in_every_note(
    make: Callable[[], Understander], said: str, start: str
) -> None:
    notes = make().understand(said, now=NOW).notes
    assert any(note.startswith(start) for note in notes), [note[:200] for note in notes]
    assert all(len(note) <= BOUND for note in notes), [note[:200] for note in notes]


def test_a_note_quoting_a_long_word_says_its_length() -> None:
    # Cut as shown cuts it: its head and tail, then its length.
    notes = bare_trips("AMAZON.City").understand(f"plan a {LONG} trip to paris", now=NOW).notes
    assert f"words not in the sample: {shown(LONG)}" in notes, [note[:200] for note in notes]
    assert len(shown(LONG)) < 2 * MAX_SHOWN


@pytest.mark.parametrize(
    ("sample", "said"),
    [("plan a trip to {city}", f"plan a trip to {LONG}"), (f"{LONG} to {{city}}", f"{LONG} to x")],
    ids=["words", "sample"],
)
def test_an_explanation_quotes_the_sample_and_a_slot_s_words_cut(sample: str, said: str) -> None:
    # `explain()` (and a slot's `describe()`), which chat and `alexaskill understand` print,
    # showed the sample and the words said whole: 5,000 characters a line.
    intent = {"name": "PlanTrip", "slots": [{"name": "city", "type": "AMAZON.City"}]}
    trips = understander_of(
        {"invocationName": "trips", "intents": [{**intent, "samples": [sample]}]}
    )
    understood = trips.understand(said, now=NOW)
    assert understood.slots, understood.notes
    lines = understood.explain().splitlines()
    assert all(len(line) <= BOUND for line in lines), [line[:200] for line in lines]
    assert all(len(slot.describe()) <= BOUND for slot in understood.slots)


def test_a_locale_understanding_does_not_know_is_quoted_cut() -> None:
    # "locale 'xxx…' (5,000 characters): utterance understanding does not know ..." was whole.
    with pytest.raises(ConfigurationError) as info:
        language_for("x" * 5_000)
    assert len(str(info.value)) <= BOUND and shown("x" * 5_000, quoted=True) in str(info.value)


def _long_pizza_talk(skill: DialogSkill, *, delegation: str) -> Conversation:
    """The pizza model's dialog, its OrderPizza named with 5,000 characters and the prompt
    asking for its size not in the model (an id of 5,000 characters), with ``delegation``."""
    text = MODEL_FILE.read_text(encoding="utf-8").replace('"OrderPizza"', f'"{"O" * 5_000}"')
    text = text.replace('"Elicit.Slot.Order.size"', f'"{"P" * 5_000}"', 1)
    data = json.loads(text)
    data["interactionModel"]["dialog"]["delegationStrategy"] = delegation
    understander = Understander(InteractionModel.from_json(data))
    return Conversation(understander, skill, now=lambda: NOW)


@pytest.mark.parametrize(
    ("delegation", "said", "reply", "start"),
    [
        ("ALWAYS", "order a pizza", None, "O" * 70),
        ("ALWAYS", "order a pizza", None, "prompt "),
        ("SKILL_RESPONSE", "track my order", delegate({"name": "O" * 5_000}), "the skill chains"),
    ],
    ids=["auto-delegated", "prompt", "chained"],
)
def test_a_dialog_s_notes_quote_intent_names_and_prompt_ids_cut(
    delegation: str, said: str, reply: dict[str, object] | None, start: str
) -> None:
    # "OOO… is auto-delegated: Alexa runs its dialog", "prompt PPP… is not in the model" and
    # "the skill chains to OOO…" quoted the model's (or the skill's) names whole.
    talk = _long_pizza_talk(DialogSkill(*([reply] if reply else [])), delegation=delegation)
    notes = talk.say(said).notes
    assert any(note.startswith(start) for note in notes), [note[:200] for note in notes]
    assert all(len(note) <= BOUND for note in notes), [note[:200] for note in notes]
