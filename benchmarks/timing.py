"""The timing rule the micro-benchmarks share: alternate rounds, keep each candidate's fastest.

Rounds alternate so that every candidate sees the same machine; the fastest round counts, since
noise only ever adds time. A candidate is a callable that makes ``calls`` calls of the thing
measured (so the loop itself is written where the thing is, sync or async).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping


def per_call(
    candidates: Mapping[str, Callable[[], None]],
    calls: int,
    rounds: int,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, float]:
    """Seconds per call of each candidate: the fastest of ``rounds`` rounds, after one warm-up.

    ``clock`` is wall time by default; ``time.thread_time`` counts only the CPU time of the
    calling thread, which leaves out the time other processes of a shared machine take from it
    (right for work that stays on one thread: no I/O, no thread pool).
    """
    for run in candidates.values():
        run()
    best = dict.fromkeys(candidates, float("inf"))
    for _ in range(rounds):
        for name, run in candidates.items():
            started = clock()
            run()
            best[name] = min(best[name], (clock() - started) / calls)
    return best
