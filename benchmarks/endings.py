"""How a benchmark script ends on its own failure or a Ctrl-C: one line on stderr, not a traceback.

`load.py`, `server_counters.py`, `bench_response_writes.py` and `count_stack.py` run their
measuring through `said_in_one_line`. Their children (servers, wrk, py-spy, strace, valgrind) are
stopped by the blocks that started them (`serving.running`, `profiling.sampling`,
`strace_counts.tracing`, ...) as the exception leaves them, before the line is printed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sized
from typing import Final

from benchmarks.wrk import BenchmarkError

#: The status of a script a `BenchmarkError` ended.
FAILED: Final = 1
#: The status of a script Ctrl-C ended: a shell's for a process SIGINT ended (128 + 2).
INTERRUPTED: Final = 130


def said_in_one_line(run: Callable[[], int], cut_short: Callable[[], str], indent: str = "") -> int:
    """``run()``'s status; or, if it raised a `BenchmarkError`, ``FAILED: <it>`` and 1, and on
    Ctrl-C, ``INTERRUPTED <cut_short()>`` (what the interrupt cut short, read then: what
    finished) with the interrupt's notes (py-spy stopped, say) and 130; each line on stderr,
    after ``indent``."""
    try:
        return run()
    except BenchmarkError as exc:
        print(f"{indent}FAILED: {exc}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt as interrupt:
        notes = "; ".join(getattr(interrupt, "__notes__", []))
        said = f"{indent}INTERRUPTED {cut_short()}" + (f" ({notes})" if notes else "")
        print(said, file=sys.stderr)
        return INTERRUPTED


def no_table(where: str, runs: Mapping[str, Sized], unit: str) -> str:
    """What Ctrl-C cut short of a script that prints a table of its ``runs`` (each row's list of
    finished ``unit``s) at the end: ``where``, the ones that finished, and no table (a table of
    part of the rounds would pair rows unevenly)."""
    done = sum(map(len, runs.values()))
    finished = f"{done} {unit}{'s' if done != 1 else ''} that finished"
    return f"{where}: the figures above are the {finished}; no table"
