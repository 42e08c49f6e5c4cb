"""What an after-request hook given `Attributes` costs a request: the check, before it runs, of
whether the code before it left them refused (`alexaskill.finishing.settable`, so that a value
JSON cannot hold names the hook that set it).

Five skills on a `MemoryStore`, each answering a LaunchRequest with ``async def`` code: no hooks
(the handler sets one string, the same each time); an after-request hook taking `Attributes`
that reads them, the handler setting one string; the same, the handler incrementing a count
too; the same, the handler setting another string each time (saved each request); the same,
the user holding a list of 20 cities too (stored, unchanged: a value that can change in place,
so the check before the hook is not the save's, and the save checks again). Each is
timed as it is (``checked``) and with the check taken out (``unchecked``: `finishing._savable`
answering True), in one process, interleaved rounds, the fastest kept (`benchmarks.timing`).
Printed figures only: run it on two checkouts to compare them (``PYTHONPATH=<other>:.``).

    PYTHONPATH=. python benchmarks/bench_hook_attributes.py
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Callable

from alexaskill import Response, Skill, finishing, speak
from alexaskill.models import Envelope, decode_envelope
from alexaskill.store import Attributes, MemoryStore
from alexaskill.testing import DEFAULT_SKILL_ID
from benchmarks.envelopes import encode, envelope
from benchmarks.timing import per_call

ROUNDS = 7
CALLS = 2_000


def _skill(*, hook: bool, increment: bool, new: bool = False, listed: bool = False) -> Skill:
    """A skill whose launch handler sets one string, the same each time (another, with ``new``:
    a save each request), and increments a count with ``increment``; with an after-request hook
    reading the attributes if ``hook``; the user holding a list of 20 cities with ``listed``."""
    store = MemoryStore()
    if listed:
        user = envelope(random.Random(7), "launch")["context"]["System"]["user"]["userId"]
        asyncio.run(store.update(user, {"visited": [f"City {n}" for n in range(20)]}, []))
    skill = Skill(skill_id=DEFAULT_SKILL_ID, store=store)
    cities = itertools.cycle(["Paris", "Rome"] if new else ["Paris"])

    async def launch(attributes: Attributes) -> Response:
        attributes["city"] = next(cities)
        if increment:
            attributes.increment("visits")
        return speak("Welcome.")

    async def after(attributes: Attributes) -> None:
        attributes.get("city")

    skill.launch(launch)
    if hook:
        skill.after_request(after)
    return skill


def main() -> None:
    launch: Envelope = decode_envelope(encode(envelope(random.Random(7), "launch")))
    skills = {
        "no hooks": _skill(hook=False, increment=False),
        "after hook, one string": _skill(hook=True, increment=False),
        "after hook, string + increment": _skill(hook=True, increment=True),
        "after hook, a new string": _skill(hook=True, increment=False, new=True),
        "after hook, string + a list held": _skill(hook=True, increment=False, listed=True),
    }
    loop = asyncio.new_event_loop()
    checked = finishing._savable

    def answering(skill: Skill, check: Callable[..., bool]) -> Callable[[], None]:
        async def batch() -> None:
            answer = skill.answer
            for _ in range(CALLS):
                await answer(launch)

        def run() -> None:
            finishing._savable = check
            loop.run_until_complete(batch())

        return run

    try:
        costs = per_call(
            {
                f"{name}|{kind}": answering(skill, check)
                for name, skill in skills.items()
                for kind, check in (("checked", checked), ("unchecked", lambda _: True))
            },
            CALLS,
            ROUNDS,
        )
    finally:
        finishing._savable = checked
        loop.close()
    base = costs["no hooks|checked"]
    print(f"{'skill':<32} {'check':>9} {'µs/request':>10} {'vs no hooks':>11}")
    for key, took in costs.items():
        name, kind = key.split("|")
        print(f"{name:<32} {kind:>9} {took * 1e6:10.2f} {took / base:11.2f}")


if __name__ == "__main__":
    main()
