"""alexaskill: the ``async`` row's weather skill (`benchmarks.servers.weather`) answering in SSML.

The same ``async def`` handlers, words and verifier, but each answer's speech is an `Ssml`
document built with `alexaskill.ssml` (``ssml.speak``, ``ssml.emphasis``, ``ssml.break_``), as
the README writes one: the ``ssml`` row, which counts what the SSML answer path (`SsmlSpeech`,
its checks) costs a request beside the ``async`` row's plain text.
"""

from __future__ import annotations

import os

from alexaskill import Skill
from benchmarks.servers import weather


def create_app(directory: str | os.PathLike[str] | None = None) -> Skill:
    """The skill (``uvicorn --factory benchmarks.servers.weather_ssml:create_app``)."""
    from benchmarks.servers.weather_def import build

    return weather.trust_test_pki(build(asynchronous=True, ssml_speech=True), directory)
