"""SSML the app sends and Alexa refuses, one text for the tests and the simulator's skill.

tests/conftest.py re-exports it (`from tests.conftest import BREAK_ALEXA_REFUSES`, as the tests
import it); tests/simulator_skill.py imports this module by its plain name, as its sibling:
`alexaskill serve` loads that file by its path, its directory first on ``sys.path``, where no
``tests`` package need be importable. Nothing but constants here: both load it.
"""

from __future__ import annotations

from typing import Final

#: A hand-written ``<break time>`` in a form Amazon's SSML reference never writes ("5S", not
#: "5s"), which the app sends as written by design (README, "SSML": only the builder,
#: ``ssml.break_("5S")``, writes "5s"), and the test tools refuse as Alexa: what a test or the
#: simulator's skill says when it means an answer Alexa refuses, the app's checks passed.
BREAK_ALEXA_REFUSES: Final = "<break time='5S'/>"
