"""An answer the test tools refuse, one way for the tests and the simulator's skill.

The app and the test tools refuse SSML alike (one check of both: tests/test_ssml_agreement.py):
no handler can build speech they refuse. What the test tools, ``replay``, ``chat`` and the
simulator say of a refused answer (a server other than alexaskill's sends one, or a handler
that forced its speech past the app's checks) is tested on a response made so here: built
right, with `BREAK_APP_SENDS` in its speech, then that tag turned into `BREAK_ALEXA_REFUSES` by
`alexa_refuses`, past the freeze (`msgspec.structs.force_setattr`, which `encode_response`
does not check again: `alexaskill.responses.Response`).

tests/conftest.py re-exports these names (``from tests.conftest import alexa_refuses``, as the
tests import them); tests/simulator_skill.py imports this module by its plain name, as its
sibling: `alexaskill serve` loads that file by its path, its directory first on ``sys.path``,
where no ``tests`` package need be importable. Nothing of ``tests`` is imported here.
"""

from __future__ import annotations

from typing import Final

from msgspec.structs import force_setattr

from alexaskill import Response
from alexaskill.responses import SsmlSpeech

#: A ``<break time>`` Amazon's SSML reference writes: what a handler puts in its speech.
BREAK_APP_SENDS: Final = "<break time='5s'/>"
#: The same pause in a form the reference never writes ("5S", not "5s"): the test tools refuse
#: it (whether Alexa reads it is not documented), the app too, so it only goes out through
#: `alexa_refuses`.
BREAK_ALEXA_REFUSES: Final = "<break time='5S'/>"


def alexa_refuses(response: Response) -> Response:
    """``response`` with each `BREAK_APP_SENDS` of its SSML speech (not its reprompt's) made
    `BREAK_ALEXA_REFUSES`, past the app's checks; `ValueError` if its speech holds none (the
    test would test nothing)."""
    speech = response.output_speech
    if not isinstance(speech, SsmlSpeech) or BREAK_APP_SENDS not in speech.ssml:
        raise ValueError(f"no {BREAK_APP_SENDS} in the speech of {response!r}")
    force_setattr(speech, "ssml", speech.ssml.replace(BREAK_APP_SENDS, BREAK_ALEXA_REFUSES))
    return response
