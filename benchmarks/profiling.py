"""``load.py --profile``: py-spy sampling a server while its measured run goes, its command
line, and its end: waited for after the run (stopped if it hangs), stopped at once on Ctrl-C,
its failure said beside the run's."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from benchmarks.serving import stop
from benchmarks.wrk import BenchmarkError

#: Seconds py-spy has, beyond the run's length after the run, to write its stacks and end.
SPY_GRACE_SECONDS: Final = 30.0
#: Seconds py-spy has to end after SIGTERM at Ctrl-C before it is killed: a person waits.
SPY_STOP_SECONDS: Final = 2.0


@contextlib.contextmanager
def sampling(
    pid: int, seconds: float, output: Path | None, rate: int = 250, gil: bool = False
) -> Iterator[None]:
    """Run py-spy on ``pid`` for ``seconds`` while the block runs, into ``output`` (if given)."""
    if output is None:
        yield
        return
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        raise BenchmarkError("--profile needs py-spy: pip install py-spy")
    command = spy_command(spy, pid, seconds, output, rate, gil)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield
    except KeyboardInterrupt as interrupt:
        # Ctrl-C: py-spy is stopped now, not waited for to end its --duration (up to the run's
        # length and SPY_GRACE_SECONDS after the run): the run was cut short, so is its profile.
        if process.poll() is None:
            stop(process, SPY_STOP_SECONDS)
            interrupt.add_note(
                f"py-spy stopped at the interrupt: {output} holds part of the run or nothing"
            )
        elif (spied := spy_ended(process, seconds)) is not None:
            interrupt.add_note(spied)
        if process.stderr is not None:
            process.stderr.close()
        raise
    except BaseException as failure:
        # The run's failure first, py-spy's beside it: py-spy often fails because the run did
        # (the server it sampled gone), and raised alone it hid what went wrong first.
        spied = spy_ended(process, seconds)
        if spied is None:
            raise
        if isinstance(failure, BenchmarkError):  # main prints it in one line
            raise BenchmarkError(f"{failure}; and {spied}") from failure
        failure.add_note(spied)
        raise
    spied = spy_ended(process, seconds)
    if spied is not None:
        raise BenchmarkError(spied)


def spy_ended(process: subprocess.Popen[bytes], seconds: float) -> str | None:
    """Wait for py-spy, sampling a run of ``seconds``, to end; what went wrong, or None."""
    waited = seconds + SPY_GRACE_SECONDS
    try:
        _, errors = process.communicate(timeout=waited)
    except subprocess.TimeoutExpired:
        # A py-spy that hangs is stopped (serving.stop), not left running after the benchmark,
        # and said in one line (main prints it), not a TimeoutExpired traceback.
        stop(process)
        if process.stderr is not None:
            process.stderr.close()
        return f"py-spy had not ended {waited:g} s after the run: stopped"
    if process.returncode != 0:
        return f"py-spy failed: {errors.decode(errors='replace')[-500:].strip()}"
    return None


def spy_command(
    spy: str, pid: int, seconds: float, output: Path, rate: int, gil: bool
) -> list[str]:
    """py-spy's command line: ``pid`` sampled ``rate`` times a second for ``seconds`` (less one,
    so that it ends within the run), into ``output`` in its raw format; with ``gil``, only the
    thread holding the GIL (the default samples every thread, def handlers' workers too)."""
    # --gil: without it py-spy counts a thread asleep in time.sleep (alexaskill.stalls') or
    # waiting for a job (the worker pool's) as busy; benchmarks/README.md, "twentieth session".
    command = [spy, "record", "--rate", str(rate), "--duration", str(max(1, round(seconds) - 1))]
    command += ["--format", "raw", "--output", str(output), "--pid", str(pid)]
    return command + (["--gil"] if gil else [])
