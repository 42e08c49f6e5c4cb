"""Cost of `Skill.answer` (dispatch, handler call, response build, encode) against a bare encode.

``Skill.answer`` takes a decoded envelope and returns the response body: handler lookup,
parameter injection (slots converted), the handler, the `Response` value with its limit checks,
and ``msgspec`` encoding. The reference is ``msgspec.json.encode`` of a dict equal to the body it
returns, i.e. the least any framework must do to send that answer. Measured in the same run:

- the weather example on the load benchmark's envelopes (20% launch, 80% GetWeather);
- a minimal skill whose one handler returns ``ask(...)``, as ``async def`` and as ``def``: the
  difference is the worker-thread hop every ``def`` handler pays (`alexaskill.threads`); and
  the ``async def`` one with a before-request and an after-request hook that do nothing (what
  hooks cost a skill that has them; one without any takes the path it took before hooks);
- the hop alone, for a function that returns at once: alexaskill's `run_sync` against Starlette's
  ``run_in_threadpool`` (anyio, what alexaskill used before) and ``loop.run_in_executor``, one
  call at a time (wall time) and 32 at once (CPU time of the process per call, what a busy
  server pays);
- the response deadline when it is not reached (every request has one: ``Skill(deadline=7.0)``
  by default): the app's answer with and without it, for both kinds of handler, and the
  watchdog's per-request work against the timers it replaces (``asyncio.timeout``, one
  ``loop.call_at`` per request).

Run from the repository root with alexaskill installed (``pip install -e .``) or with
``PYTHONPATH=.``: ``python benchmarks/bench_dispatch.py``.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import msgspec

from alexaskill import Response, Skill, ask
from alexaskill.deadline import Watchdog
from alexaskill.models import Envelope, decode_envelope
from alexaskill.testing import DEFAULT_SKILL_ID
from alexaskill.threads import run_sync
from benchmarks.envelopes import Workload, encode
from benchmarks.timing import per_call

ROUNDS = 7
CALLS = 5_000


def minimal_skill(*, sync: bool, hooks: bool = False) -> Skill:
    """A skill answering LaunchRequest with ``ask(...)``, from a ``def`` or an ``async def``;
    with ``hooks``, also a before- and an after-request hook (``async def``) that do nothing."""
    skill = Skill(skill_id=DEFAULT_SKILL_ID)
    if hooks:

        async def before() -> None:
            return None

        async def after(response: Response) -> None:
            return None

        skill.before_request(before)
        skill.after_request(after)
    if sync:

        def launch() -> Response:
            return ask("Welcome to Weather. Which city?", reprompt="Which city would you like?")

        skill.launch(launch)
    else:

        async def launch_async() -> Response:
            return ask("Welcome to Weather. Which city?", reprompt="Which city would you like?")

        skill.launch(launch_async)
    return skill


def main() -> None:
    from benchmarks.servers.weather_def import build

    # The example's handlers without its calls to Alexa's service APIs (benchmarks/servers).
    weather = build(asynchronous=True)

    workload = Workload(64)
    pool = [encode(envelope) for envelope in workload.envelopes]
    envelopes = list(itertools.islice(itertools.cycle(map(decode_envelope, pool)), CALLS))
    launch = next(e for e in envelopes if e.request.type == "LaunchRequest")
    sync_skill, async_skill = minimal_skill(sync=True), minimal_skill(sync=False)
    hooked_skill = minimal_skill(sync=False, hooks=True)
    loop = asyncio.new_event_loop()

    def answering(skill: Skill, items: list[Envelope]) -> Callable[[], None]:
        async def batch() -> None:
            answer = skill.answer
            for envelope in items:
                await answer(envelope)

        return lambda: loop.run_until_complete(batch())

    def encoding(items: list[Envelope], skill: Skill) -> Callable[[], None]:
        # The dicts equal to what the skill answers, made once: only the encode is timed.
        async def bodies() -> list[Any]:
            return [json.loads(await skill.answer(e)) for e in items]

        dicts = loop.run_until_complete(bodies())

        def run() -> None:
            encode_dict = msgspec.json.encode
            for item in dicts:
                encode_dict(item)

        return run

    launches = [launch] * CALLS
    try:
        costs = per_call(
            {
                "weather": answering(weather, envelopes),
                "weather encode": encoding(envelopes, weather),
                "async": answering(async_skill, launches),
                "sync": answering(sync_skill, launches),
                "hooked": answering(hooked_skill, launches),
                "minimal encode": encoding(launches, async_skill),
            },
            CALLS,
            ROUNDS,
        )
    finally:
        loop.close()
    weather_ratio = costs["weather"] / costs["weather encode"]
    minimal_ratio = costs["async"] / costs["minimal encode"]
    print("weather example, load mix (20% launch, 80% GetWeather; async def handlers)")
    print(f"  Skill.answer():                       {costs['weather'] * 1e6:7.2f} µs/call")
    print(f"  msgspec.json.encode(equivalent dict): {costs['weather encode'] * 1e6:7.2f} µs/call")
    print(f"  ratio: {weather_ratio:.1f}x")
    print("minimal skill, LaunchRequest answered with ask(...)")
    print(f"  Skill.answer(), async def handler:    {costs['async'] * 1e6:7.2f} µs/call")
    print(f"  Skill.answer(), def handler:          {costs['sync'] * 1e6:7.2f} µs/call")
    print(f"  Skill.answer(), async def + 2 hooks:  {costs['hooked'] * 1e6:7.2f} µs/call")
    print(f"  msgspec.json.encode(equivalent dict): {costs['minimal encode'] * 1e6:7.2f} µs/call")
    print(f"  ratio (async def): {minimal_ratio:.1f}x")
    hop = costs["sync"] - costs["async"]
    print(f"  worker-thread hop of a def handler: {hop * 1e6:.1f} µs/call")
    hooked = costs["hooked"] - costs["async"]
    print(f"  a before- and an after-request hook that do nothing: {hooked * 1e6:.1f} µs/call")
    hops()
    deadlines(launch)


#: The deadline rows: fewer calls a round and more rounds, timed in process CPU time, since a
#: difference of a microsecond or two drowns in a busy machine's wall-clock noise otherwise.
DEADLINE_CALLS = 2_000
DEADLINE_ROUNDS = 41


def deadlines(launch: Envelope) -> None:
    """What a deadline that is not reached costs a request, and what the alternatives would."""
    sync_skill, async_skill = minimal_skill(sync=True), minimal_skill(sync=False)
    loop = asyncio.new_event_loop()
    calls = DEADLINE_CALLS

    def responding(skill: Skill, deadline: bool) -> Callable[[], None]:
        async def batch() -> None:
            if deadline:
                # What the app's endpoint does: the deadline is counted from the request's
                # arrival (a time it reads anyway).
                respond_by, arrived = skill._respond_by, time.perf_counter()
                for _ in range(calls):
                    await respond_by(launch, None, arrived + 7.0, 7.0)
            else:
                respond = skill.respond
                for _ in range(calls):
                    await respond(launch)

        return lambda: loop.run_until_complete(batch())

    async def nothing() -> None:
        await asyncio.sleep(0)

    def guarded(kind: str) -> Callable[[], None]:
        # A task that yields once, as a request does, under each kind of guard.
        async def batch() -> None:
            running = asyncio.get_running_loop()
            task = asyncio.current_task()
            assert task is not None
            watchdog = Watchdog(running)
            for _ in range(calls):
                if kind == "none":
                    await nothing()
                elif kind == "watchdog":
                    watchdog.watch(task, time.perf_counter() + 7.0)
                    await nothing()
                    watchdog.unwatch(task)
                elif kind == "call_at":
                    handle = running.call_at(running.time() + 7.0, task.cancel)
                    await nothing()
                    handle.cancel()
                else:
                    async with asyncio.timeout(7.0):
                        await nothing()

        return lambda: loop.run_until_complete(batch())

    try:
        costs = _cpu_per_calls(
            {
                "async": responding(async_skill, False),
                "async deadline": responding(async_skill, True),
                "sync": responding(sync_skill, False),
                "sync deadline": responding(sync_skill, True),
            },
            calls,
        )
        guards = _cpu_per_calls(
            {kind: guarded(kind) for kind in ("none", "watchdog", "call_at", "asyncio.timeout")},
            calls,
        )
    finally:
        loop.close()
    print("the response deadline, not reached (minimal skill, LaunchRequest; process CPU time)")
    for kind, name in (("async", "async def"), ("sync", "def")):
        plain, timed = costs[kind], costs[f"{kind} deadline"]
        print(
            f"  {name + ' handler:':19s}without {plain * 1e6:6.2f} µs/call, with a deadline "
            f"{timed * 1e6:6.2f} µs/call: +{(timed - plain) * 1e6:.2f} µs"
        )
    print("  a guard around one task step, per request:")
    for kind in ("watchdog", "call_at", "asyncio.timeout"):
        extra = guards[kind] - guards["none"]
        print(f"    {kind:16s} +{extra * 1e6:5.2f} µs")


def _cpu_per_calls(candidates: dict[str, Callable[[], None]], calls: int) -> dict[str, float]:
    """Process CPU seconds per call of each candidate: the least of interleaved rounds."""
    for run in candidates.values():
        run()
    best = dict.fromkeys(candidates, float("inf"))
    for _ in range(DEADLINE_ROUNDS):
        for name, run in candidates.items():
            started = time.process_time()
            run()
            best[name] = min(best[name], (time.process_time() - started) / calls)
    return best


def hops() -> None:
    """The hop alone: one call at a time (wall µs) and 32 at once (process CPU µs per call)."""
    from starlette.concurrency import run_in_threadpool

    def handler(city: str) -> str:
        return city

    kwargs = {"city": "Paris"}
    executor = ThreadPoolExecutor(max_workers=40)

    async def ours() -> str:
        return await run_sync(handler, kwargs)

    async def anyio() -> str:
        return await run_in_threadpool(handler, **kwargs)

    async def executor_hop() -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(executor, functools.partial(handler, **kwargs))

    candidates: dict[str, Callable[[], Awaitable[str]]] = {
        "alexaskill.threads.run_sync": ours,
        "starlette run_in_threadpool (anyio)": anyio,
        "loop.run_in_executor": executor_hop,
    }
    loop = asyncio.new_event_loop()
    try:
        sequential = per_call(
            {name: _calls(loop, hop, 1) for name, hop in candidates.items()}, CALLS, ROUNDS
        )
        busy = {name: _cpu_per_call(loop, hop, 32) for name, hop in candidates.items()}
    finally:
        loop.close()
        executor.shutdown()
    print("the hop alone (a def function that returns at once)")
    for name in candidates:
        print(
            f"  {name:36s} one at a time {sequential[name] * 1e6:6.1f} µs wall/call; "
            f"32 at once {busy[name] * 1e6:6.1f} µs CPU/call"
        )


def _calls(
    loop: asyncio.AbstractEventLoop, hop: Callable[[], Awaitable[str]], concurrency: int
) -> Callable[[], None]:
    async def worker(calls: int) -> None:
        for _ in range(calls):
            await hop()

    async def batch() -> None:
        await asyncio.gather(*(worker(CALLS // concurrency) for _ in range(concurrency)))

    return lambda: loop.run_until_complete(batch())


def _cpu_per_call(
    loop: asyncio.AbstractEventLoop, hop: Callable[[], Awaitable[str]], concurrency: int
) -> float:
    """The least process CPU time per call over ``ROUNDS`` rounds (all threads count)."""
    run = _calls(loop, hop, concurrency)
    run()
    best = float("inf")
    for _ in range(ROUNDS):
        started = time.process_time()
        run()
        best = min(best, (time.process_time() - started) / CALLS)
    return best


if __name__ == "__main__":
    main()
