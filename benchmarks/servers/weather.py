"""alexaskill: the example weather skill (`examples.weather.app`), verification on.

The skill answers as ``uvicorn examples.weather.app:skill`` does, with its ``async def``
handlers, except for two things. Its verifier trusts the benchmark's test root instead of the
certifi roots, and gets the chain file from disk instead of downloading it: the same `Verifier`
that `TestPKI.verifier()` makes (URL rules, chain validation, then per request the cached key,
the clock, one RSA verify and the timestamp). And it leaves out the example's two calls to
Alexa's service APIs (the user's name at launch, the device's time zone for an undated
forecast), which would go to Amazon: the handlers are `weather_def`'s, as coroutines.
"""

from __future__ import annotations

import os

from alexaskill import Skill, Verifier
from benchmarks.servers import load_chain, load_root, pki_directory


def create_app(directory: str | os.PathLike[str] | None = None) -> Skill:
    """The skill (``uvicorn --factory benchmarks.servers.weather:create_app``)."""
    from benchmarks.servers.weather_def import build

    return trust_test_pki(build(asynchronous=True), directory)


def trust_test_pki(skill: Skill, directory: str | os.PathLike[str] | None = None) -> Skill:
    """``skill``, its verifier trusting the PKI in ``directory`` (or ``$ALEXASKILL_BENCH_PKI``)."""
    path = pki_directory(directory)
    chain = load_chain(path)

    async def fetch_chain(url: str) -> bytes:
        return chain

    skill.verifier = Verifier(trusted_roots=[load_root(path)], fetch_chain=fetch_chain)
    if os.environ.get("ALEXASKILL_BENCH_DEADLINE") == "none":  # the load benchmark's *-no-deadline
        skill.deadline = None
    return skill
