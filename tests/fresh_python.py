"""A script run in a Python of its own, where nothing has imported alexaskill, httpx or anyio
yet: for what a process's first download or API call imports (tests/test_verify_first_download.py,
tests/test_alexa_api_first_call.py), a Lambda skill's cold start (tests/test_aws_lambda.py,
tests/test_aws_lambda_cold.py) and what it closes at exit (`run_python`:
tests/test_aws_lambda_exit.py), or what a command or a package imports (tests/test_cli.py,
tests/test_lazy.py); several scripts in turn in one such Python (`run_in_turn`:
tests/test_apologising.py). The script's parts below have no braces: a test's template around
them may be filled with `str.format`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

from tests.run_guards import environment_with_trio

ROOT: Final = Path(__file__).resolve().parent.parent

#: ``doubled()``: a list held in several places, 41 in memory and 2**41 lists as JSON writes them
#: out (the scripts of tests/test_apologising.py and tests/test_store_shared_values.py).
DOUBLED: Final = """
def doubled():
    x = []
    for _ in range(40):
        x = [x, x]
    return x
"""

#: ``lines``: [level name, message, whether without a traceback] of each WARNING or ERROR the
#: "alexaskill" logger says from here on (the script imports ``logging`` first).
WARNING_LINES: Final = """
lines = []
class Lines(logging.Handler):
    def emit(self, record):
        if record.levelno >= logging.WARNING:
            lines.append([record.levelname, record.getMessage(), record.exc_info is None])

logging.getLogger("alexaskill").addHandler(Lines())
"""

#: A server on 127.0.0.1 (``listener``) that reads each request's head and answers the bytes
#: ``ANSWER`` (which the script defines first), in a thread of its own.
SERVE: Final = """
import asyncio, importlib.abc, json, os, socket, sys, threading

listener = socket.create_server(("127.0.0.1", 0))

def serve():
    while True:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            head = b""
            while b"\\r\\n\\r\\n" not in head:
                chunk = connection.recv(4096)
                if not chunk:
                    break
                head += chunk
            connection.sendall(ANSWER)

threading.Thread(target=serve, daemon=True).start()
"""

#: ``in_clock``: the modules imported while the code object ``CLOCK`` (which the script defines
#: first) was on the stack.
WATCH: Final = """
in_clock = []

class Watch(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code is CLOCK:
                in_clock.append(name)
                break
            frame = frame.f_back
        return None

sys.meta_path.insert(0, Watch())
"""


def run_python(
    source: str,
    *args: str,
    options: tuple[str, ...] = (),
    input: str | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``source`` run to its end in a fresh Python from the repository's root (``options`` the
    interpreter's, ``args`` its ``sys.argv[1:]``, ``input`` its stdin): its status and both its
    streams. `subprocess.TimeoutExpired` (the Python killed) past ``timeout`` seconds: a bound
    for a script that would hang, never a measure of speed."""
    return subprocess.run(
        [sys.executable, *options, "-c", source, *args],
        input=input,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=environment_with_trio(),  # (trio importable, as in a skill's process that has it)
        check=False,
        timeout=timeout,
    )


def run_fresh(
    source: str, *args: str, input: str | None = None, timeout: float = 300
) -> dict[str, Any]:
    """What ``source``, run by `run_python`, printed last: a JSON object."""
    result = run_python(source, *args, input=input, timeout=timeout)
    assert result.returncode == 0, result.stderr
    said: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return said


#: Runs the scripts it reads from standard input (a JSON object, by name) named on its command
#: line, in that order, each as ``python -c`` would (its own ``__main__``). Each prints its
#: name and its last line as it ends; one that raised, its traceback on standard error.
_IN_TURN: Final = """
import contextlib, io, json, sys, traceback, types

scripts = json.loads(sys.stdin.read())
for name in sys.argv[1:]:
    main = types.ModuleType("__main__")
    sys.modules["__main__"] = main
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            exec(compile(scripts[name], "<string>", "exec"), main.__dict__)
    except BaseException:
        traceback.print_exc()
    else:
        print(name, printed.getvalue().splitlines()[-1], flush=True)
"""


def run_in_turn(
    scripts: dict[str, str], *, timeout: float = 300
) -> tuple[dict[str, dict[str, Any]], str]:
    """``scripts`` (by name) run one after the other in one fresh Python, by `run_python`: what
    each printed last (a JSON object), by name, and what the Python wrote on standard error. A
    script that raised has no entry; nor has one that did not end (the Python killed after
    ``timeout`` seconds a script), nor any after it."""
    try:
        done = run_python(
            _IN_TURN, *scripts, input=json.dumps(scripts), timeout=timeout * len(scripts)
        )
        printed, errors = done.stdout, done.stderr
    except subprocess.TimeoutExpired as expired:  # (what it printed before, bytes: if any)
        out = expired.stdout or b""
        printed = out.decode("utf-8", "replace") if isinstance(out, bytes) else out
        errors = "killed: it did not end"
    said = {}
    for line in printed.splitlines():
        name, _, last = line.partition(" ")
        said[name] = json.loads(last)
    return said, errors
