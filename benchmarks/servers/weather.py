"""alexaskill: the example weather skill (`examples.weather.app`), verification on.

The skill is served exactly as ``uvicorn examples.weather.app:skill`` serves it, except that its
verifier trusts the benchmark's test root instead of the certifi roots, and gets the chain file
from disk instead of downloading it: the same `Verifier` that `TestPKI.verifier()` makes (URL
rules, chain validation, then per request the cached key, the clock, one RSA verify and the
timestamp).
"""

from __future__ import annotations

import os

from alexaskill import Skill, Verifier
from benchmarks.servers import load_chain, load_root, pki_directory


def create_app(directory: str | os.PathLike[str] | None = None) -> Skill:
    """The skill (``uvicorn --factory benchmarks.servers.weather:create_app``)."""
    from examples.weather.app import skill

    return trust_test_pki(skill, directory)


def trust_test_pki(skill: Skill, directory: str | os.PathLike[str] | None = None) -> Skill:
    """``skill``, its verifier trusting the PKI in ``directory`` (or ``$ALEXASKILL_BENCH_PKI``)."""
    path = pki_directory(directory)
    chain = load_chain(path)

    async def fetch_chain(url: str) -> bytes:
        return chain

    skill.verifier = Verifier(trusted_roots=[load_root(path)], fetch_chain=fetch_chain)
    return skill
