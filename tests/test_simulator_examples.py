"""What the simulator's page offers to say first (`alexaskill.simulator.examples`)."""

from __future__ import annotations

from alexaskill import Skill
from alexaskill.simulator.examples import examples
from alexaskill.understanding import Understander, model_from_skill

from .conftest import SKILL_ID


def test_help_and_stop_are_offered_however_many_intents_the_skill_has() -> None:
    # Eight suggestions at most, cut from the end: a skill of ten intents lost its later ones,
    # and "help" and "stop" with them.
    skill = Skill(SKILL_ID)
    for letter in "abcdefghij":
        skill.add_intent_handler(
            f"Intent{letter.upper()}", lambda: None, utterances=[f"do {letter}"]
        )
    offered = examples(lambda: Understander(model_from_skill(skill)))
    assert offered == [
        "open the skill",
        "do a",
        "do b",
        "do c",
        "do d",
        "do e",
        "help",
        "stop",
    ]
    # A skill of few intents: all of them, then help and stop.
    few = Skill(SKILL_ID)
    few.add_intent_handler("IntentA", lambda: None, utterances=["do thing"])
    assert examples(lambda: Understander(model_from_skill(few))) == [
        "open the skill",
        "do thing",
        "help",
        "stop",
    ]
