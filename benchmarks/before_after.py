"""Before/after of a change on the request path, measured in one process, in one run.

``--compare-with DIR`` names another checkout (``git archive <commit> alexaskill | tar -x -C
DIR`` is enough): its ``alexaskill`` package is loaded beside this one under another name, so the
same work runs on both, in alternating rounds (`benchmarks.timing`), on the same machine state.
The package uses relative imports only, which is what makes loading it twice possible.

Measured, per call, on the load benchmark's bodies (`benchmarks.envelopes`: ~2.8 KB, 20%
LaunchRequest, 80% GetWeather):

- ``decode_envelope``: the typed decode;
- ``decode, no Extensions``: the same bodies without ``context.Extensions`` (an Echo Show sends
  it; a change that types a field costs its decode only where the field is sent);
- ``Skill.answer``: the weather example (its source, run against each package) answering the
  decoded envelopes: dispatch, slots, handler, response checks (`alexaskill.rules`), encode;
- ``request, verify off``: the app's whole request step (``Skill._handle``) without the
  signature: decode, skill id, answer, request log;
- ``request, verified``: the same with verification on (a warm chain cache: one RSA verify of
  the body per request, the clock, the timestamp), signed by each package's own `TestPKI`; the
  verifier's clock stands still at the bodies' timestamp, so a long run never goes stale.

Time is the CPU time of the benchmark's thread (``time.thread_time``; everything measured runs
on it: the handlers are ``async def``, nothing waits on I/O), so the time other processes of a
shared machine take from it is not counted; rounds are short, many and interleaved, and each
candidate keeps its fastest. The whole comparison is repeated (``--repeat``); each repetition
gives an after/before ratio per row, and the median and the range of those ratios are printed
(of an even number of repetitions the higher middle one: a repetition's own, the unfavourable).
1.00 means no change; the range shows the noise that remains (caches, the CPU's clock).

Run from the repository root: ``python benchmarks/before_after.py --compare-with /tmp/before``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import importlib
import importlib.util
import inspect
import itertools
import json
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Final

from benchmarks.envelopes import Workload, encode
from benchmarks.timing import per_call

ROUNDS: Final = 100
CALLS: Final = 256
REPEAT: Final = 5
ROOT: Final = Path(__file__).resolve().parent.parent
WEATHER: Final = ROOT / "examples" / "weather" / "app.py"
ROWS: Final = (
    "decode_envelope",
    "decode, no Extensions",
    "Skill.answer",
    "request, verify off",
    "request, verified",
)


def load_package(checkout: Path, name: str) -> ModuleType:
    """``checkout/alexaskill`` imported as the package ``name`` (beside the installed one)."""
    init = checkout / "alexaskill" / "__init__.py"
    if not init.is_file():
        raise SystemExit(f"{checkout}: no alexaskill/__init__.py there")
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(init.parent)]
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"{checkout}: cannot load alexaskill from there")
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return package


def weather_skill(package: str) -> Any:
    """The weather example's skill, its source run against the package named ``package``."""
    source = WEATHER.read_text(encoding="utf-8").replace("from alexaskill", f"from {package}")
    module = ModuleType(f"{package}_weather_example")
    module.__file__ = str(WEATHER)  # it finds its catalogs beside it
    exec(compile(source, str(WEATHER), "exec"), module.__dict__)  # the example, as shipped
    return module.skill


def _without_extensions(body: bytes) -> bytes:
    envelope = json.loads(body)
    envelope["context"].pop("Extensions", None)
    return encode(envelope)


class Side:
    """One package (before or after) and the candidates that time it."""

    def __init__(self, package: str, bodies: list[bytes], loop: asyncio.AbstractEventLoop):
        self.package = package
        models = importlib.import_module(f"{package}.models")
        testing = importlib.import_module(f"{package}.testing")
        self.decode: Callable[[bytes], Any] = models.decode_envelope
        self.bodies = bodies
        self.plain_bodies = [_without_extensions(body) for body in bodies]
        self.envelopes = [self.decode(body) for body in bodies]
        self.loop = loop
        self.skill = weather_skill(package)
        self.unverified = weather_skill(package)
        self.unverified.verify = False
        # The example asks Alexa's service APIs for the user's name and time zone: answered
        # in-process by the package's fake, as in its tests (never a connection attempt).
        self.skill.api_client = testing.FakeAlexaApi()
        self.unverified.api_client = testing.FakeAlexaApi()
        pki = testing.TestPKI()
        now = datetime.datetime.now(datetime.UTC)
        self.skill.verifier = pki.verifier(now=lambda: now)
        # Headers as the app reads them (lower-case names).
        self.signed = [({k.lower(): v for k, v in pki.sign(b).items()}, b) for b in bodies]

    def candidates(self) -> dict[str, Callable[[], None]]:
        decode, bodies, envelopes, loop = self.decode, self.bodies, self.envelopes, self.loop
        plain = self.plain_bodies
        answer = self.skill.answer
        handle_unverified = _by_headers(self.unverified._handle)
        handle = _by_headers(self.skill._handle)
        headers = {"content-type": "application/json"}

        def decoding() -> None:
            for body in bodies:
                decode(body)

        def decoding_plain() -> None:
            for body in plain:
                decode(body)

        async def answering() -> None:
            for envelope in envelopes:
                await answer(envelope)

        async def unverified() -> None:
            for body in bodies:
                await handle_unverified(headers, body)

        async def verified() -> None:
            for signed_headers, body in self.signed:
                status, _ = await handle(signed_headers, body)
                if status != 200:
                    raise SystemExit(f"{self.package}: a signed request was refused ({status})")

        return {
            "decode_envelope": decoding,
            "decode, no Extensions": decoding_plain,
            "Skill.answer": lambda: loop.run_until_complete(answering()),
            "request, verify off": lambda: loop.run_until_complete(unverified()),
            "request, verified": lambda: loop.run_until_complete(verified()),
        }


def _by_headers(handle: Callable[..., Any]) -> Callable[[Any, bytes], Any]:
    """``Skill._handle`` called with the headers and the body: since the endpoint's answer
    without ASGI (`alexaskill.exchange`) it also takes the scope, before them."""
    if "scope" not in inspect.signature(handle).parameters:
        return handle
    scope = {"path": "/", "headers": []}
    return lambda headers, body: handle(scope, headers, body)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--compare-with", type=Path, required=True, metavar="DIR")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--calls", type=int, default=CALLS)
    args = parser.parse_args(argv)
    load_package(args.compare_with, "alexaskill_before")
    workload = Workload(64)
    pool = [encode(envelope) for envelope in workload.envelopes]
    bodies = list(itertools.islice(itertools.cycle(pool), args.calls))
    loop = asyncio.new_event_loop()
    try:
        sides = {
            "after": Side("alexaskill", bodies, loop),
            "before": Side("alexaskill_before", bodies, loop),
        }
        ratios: dict[str, list[float]] = {row: [] for row in ROWS}
        costs: dict[str, dict[str, list[float]]] = {
            name: {row: [] for row in ROWS} for name in sides
        }
        for _ in range(args.repeat):
            # Alternate which side goes first, so that neither gains from the order.
            order = list(sides.items()) if _ % 2 == 0 else list(reversed(sides.items()))
            candidates: dict[str, Callable[[], None]] = {}
            for name, side in order:
                candidates.update({f"{name}|{row}": run for row, run in side.candidates().items()})
            measured = per_call(candidates, args.calls, args.rounds, clock=time.thread_time)
            for row in ROWS:
                for name in sides:
                    costs[name][row].append(measured[f"{name}|{row}"])
                ratios[row].append(measured[f"after|{row}"] / measured[f"before|{row}"])
    finally:
        loop.close()
    print(f"before: {args.compare_with} · after: {ROOT}")
    print(
        f"{len(pool)} bodies ({len(bodies)} calls per round), {args.rounds} rounds, "
        f"{args.repeat} repetitions; µs of thread CPU time per call (median of the "
        "repetitions' best rounds)"
    )
    print("\n".join(summary(costs, ratios)))


def summary(
    costs: Mapping[str, Mapping[str, Sequence[float]]], ratios: Mapping[str, Sequence[float]]
) -> list[str]:
    """The table of each row's time a call before and after (µs) and after / before, from the
    repetitions' ``costs`` (s, by side and row) and ``ratios`` (by row)."""
    lines = [f"{'':22} {'before':>9} {'after':>9}   after/before (median, range)"]
    for row, paired in ratios.items():
        # A time and after / before are costs: of an even number of repetitions the higher
        # middle one, a repetition's own figure and the unfavourable one (README, "Method").
        before = statistics.median_high(costs["before"][row]) * 1e6
        after = statistics.median_high(costs["after"][row]) * 1e6
        lines.append(
            f"{row:22} {before:9.2f} {after:9.2f}   "
            f"{statistics.median_high(paired):.3f} ({min(paired):.3f} to {max(paired):.3f})"
        )
    return lines


if __name__ == "__main__":
    main()
