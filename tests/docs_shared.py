"""What the documentation's tests (tests/test_docs*.py) share: the documents, their fenced blocks,
and the `Reader` that follows one as a new user would (tests/test_docs_runs.py says how), with
its ``reader`` fixture, and the parts (`PARTS`) a long document runs in.

Each module binds the ``reader`` fixture if it uses it (``reader = docs_shared.reader``), as
tests/deadline_shared.py's do: in tests/conftest.py it would be every module's.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest

from alexaskill.testing import DEFAULT_SKILL_ID
from tests.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ["README.md", "benchmarks/README.md"]
#: The id the README's and the examples' skills answer to when none is given: the test tools'
#: placeholder.
EXAMPLE_SKILL_ID: Final = DEFAULT_SKILL_ID
CONTINUES = "# continues the example above"
FILE = re.compile(r"# ([\w./-]+\.py)")
#: A conftest.py the block is, beside the test file it serves (written by a block above):
#: ``# conftest.py beside test_app.py: what it does``.
CONFTEST = re.compile(r"# conftest\.py beside ([\w./-]*test_\w+\.py)(?:[:,] .*)?")
NOT_RUN = re.compile(r"<!-- not run: (.+?) -->")
FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass
class Block:
    """A fenced block of a document."""

    document: str
    line: int
    language: str
    text: str
    not_run: str | None = None
    #: Whether the prose right above it (since the block before) names ALEXASKILL_SKILL_ID: a
    #: reader who copies it has been told to set it, and it runs with it set (else unset).
    says_skill_id: bool = False

    @property
    def where(self) -> str:
        return f"{self.document}:{self.line}"


def read_blocks(document: str) -> list[Block]:
    """The ```python and ```console blocks of ``document``, in order."""
    lines = (ROOT / document).read_text(encoding="utf-8").splitlines()
    found = []
    index = 0
    prose = 0  # where the prose since the block before begins
    while index < len(lines):
        opened = FENCE.match(lines[index])
        if opened is None:
            index += 1
            continue
        says_skill_id = any("ALEXASKILL_SKILL_ID" in line for line in lines[prose:index])
        end = index + 1
        while not lines[end].startswith("```"):
            end += 1
        language = opened.group(1)
        if language in ("python", "console"):
            before = lines[index - 1] if index else ""
            reason = NOT_RUN.search(before)
            found.append(
                Block(
                    document,
                    index + 1,
                    language,
                    "\n".join(lines[index + 1 : end]) + "\n",
                    reason.group(1) if reason else None,
                    says_skill_id,
                )
            )
        index = prose = end + 1
    return found


# --- running a document -----------------------------------------------------------------------


@dataclass
class Reader:
    """A new user following one document in an empty directory."""

    workdir: Path
    monkeypatch: pytest.MonkeyPatch
    namespace: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    #: What each server a console block started has written, by process id.
    logs: dict[int, list[str]] = field(default_factory=dict)
    #: Whether the block running has ALEXASKILL_SKILL_ID set (`Block.says_skill_id`).
    skill_id_set: bool = False

    @property
    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
        # (the suite's per-user data directory: the reader's is in its HOME, as a user's)
        env.pop("XDG_DATA_HOME", None)
        # Bytecode written, as on a reader's machine (and in CI): where the suite runs with
        # PYTHONDONTWRITEBYTECODE (these machines), pytest could keep none of its rewrites of
        # alexaskill's modules (its plugin's package), and rewrote ~100 again for each test
        # file a block writes, about 0.5 s of CPU a run.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["HOME"] = str(self.workdir / "home")
        env.pop("ALEXASKILL_SKILL_ID", None)
        if self.skill_id_set:
            env["ALEXASKILL_SKILL_ID"] = EXAMPLE_SKILL_ID
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONPATH"] = str(self.workdir)
        env["COLUMNS"] = "100"
        return env

    def run(self, block: Block) -> None:
        # Set only where the document told its reader to set it: a block that needs it and
        # says nothing fails, as it would for a skill author who copied it.
        self.skill_id_set = block.says_skill_id
        if block.says_skill_id:
            self.monkeypatch.setenv("ALEXASKILL_SKILL_ID", EXAMPLE_SKILL_ID)
        else:
            self.monkeypatch.delenv("ALEXASKILL_SKILL_ID", raising=False)
        try:
            if block.language == "python":
                self.run_python(block)
            elif "$ alexaskill" in block.text or "alexaskill " in block.text:
                self.run_console(block)
        except AssertionError as exc:
            self.failures.append(f"{block.where}: {exc}")
        except Exception as exc:  # the block itself failed: report it, go on with the others
            self.failures.append(f"{block.where}: {type(exc).__name__}: {exc}")

    # --- python ---

    def run_python(self, block: Block) -> None:
        first = block.text.split("\n", 1)[0].strip()
        path = self.write(block)
        if path is not None and path.name == "conftest.py":
            # A conftest is not run as a block: its tests run again, with it.
            served = CONFTEST.fullmatch(first)
            assert served is not None
            tests = self.workdir / served.group(1)
            assert tests.exists(), f"no {served.group(1)} above for this conftest to serve"
            self.run_tests(tests)
            return
        if path is not None and path.name.startswith("test_"):
            self.run_tests(path)
            return
        if first != CONTINUES:
            self.namespace = {"__name__": "__readme__"}
        before = set(self.namespace)
        code = compile(block.text, block.where, "exec")
        loop_before = _loop_set()
        try:
            exec(code, self.namespace)
        finally:
            # A block may set an event loop of its own as the thread's (Mangum(app) does, when
            # made): closed here, or the loop and its self-pipe were left to a later test's
            # garbage collection, an unraisable ResourceWarning failing whichever test it was.
            loop = _loop_set()
            if loop is not None and loop is not loop_before:
                loop.close()
                asyncio.set_event_loop(loop_before)
        for name in sorted(set(self.namespace) - before):
            if name.startswith("test_") and callable(self.namespace[name]):
                self.run_test_function(self.namespace[name])

    def write(self, block: Block) -> Path | None:
        """The file ``block`` is (its first line names it: a file, or a conftest beside a test
        file), written into the working directory; None for a block that names none."""
        first = block.text.split("\n", 1)[0].strip()
        if (served := CONFTEST.fullmatch(first)) is not None:
            path = (self.workdir / served.group(1)).parent / "conftest.py"
        elif (named := FILE.fullmatch(first)) is not None:
            path = self.workdir / named.group(1)
        else:
            return None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block.text, encoding="utf-8")
        return path

    def run_test_function(self, test: Any) -> None:
        """Run a test the block defines, with the ``skill_client`` fixture it asks for."""
        from alexaskill.testing import TestClient

        clients: list[TestClient] = []

        def skill_client(skill: Any, **options: Any) -> TestClient:
            client = TestClient(skill, **options)
            client.__enter__()
            clients.append(client)
            return client

        fixtures = {"skill_client": skill_client, "tmp_path": self.workdir}
        try:
            test(**{name: fixtures[name] for name in inspect.signature(test).parameters})
        finally:
            while clients:
                clients.pop().__exit__(None, None, None)

    def run_tests(self, path: Path) -> None:
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path.name],
            cwd=path.parent,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        # (a conftest that fails to load says why on standard error)
        assert completed.returncode == 0, (
            f"pytest {path.name} failed:\n{completed.stdout}{completed.stderr}"
        )

    # --- console ---

    def run_console(self, block: Block) -> None:
        port = free_port()
        servers: list[subprocess.Popen[str]] = []
        try:
            for command, expected in commands(block.text):
                command = command.replace(":8000", f":{port}").replace(" 8000", f" {port}")
                if command.startswith("alexaskill serve"):
                    if "--port" not in command:
                        command += f" --port {port}"
                    self.start_server(command, expected, port, servers)
                    continue
                completed = subprocess.run(
                    ["bash", "-c", command],
                    cwd=self.workdir,
                    env=self.env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    encoding="utf-8",
                    timeout=120,
                    check=False,
                )
                output = self.shown(completed.stdout, port)
                assert completed.returncode == 0, (
                    f"`{command}` exited with {completed.returncode}:\n{output}"
                    + "".join(  # (what a server said meanwhile: a handler's traceback, say)
                        f"\n--- what the server (pid {server.pid}) wrote:\n"
                        + "".join(self.logs.get(server.pid, []))
                        for server in servers
                    )
                )
                assert_matches(expected, output, command)
        finally:
            for server in servers:
                server.send_signal(signal.SIGINT)
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
                if server.stdout is not None:
                    server.stdout.close()

    def start_server(
        self, command: str, expected: list[str], port: int, servers: list[subprocess.Popen[str]]
    ) -> None:
        server = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        servers.append(server)  # stopped when the block ends, whatever happens here
        lines: list[str] = []
        self.logs[server.pid] = lines
        # Read all along: a server whose log fills the pipe would stop answering.
        reader = threading.Thread(target=_drain, args=(server, lines), daemon=True)
        reader.start()
        deadline = time.monotonic() + 60
        started = False
        while time.monotonic() < deadline and server.poll() is None:
            started = any("Uvicorn running on" in line for line in lines)
            if started:
                break
            time.sleep(0.05)
        if server.poll() is not None:  # exited: all it wrote, for the failure to say why
            reader.join(timeout=30)
        shown = self.shown("".join(lines), port)
        # A server that exited (a bad option, a missing file), or never said it serves, fails
        # its block: the output the block shows may be none, which any output would match.
        assert started and server.poll() is None, (
            f"`{command}` did not start serving (exit status {server.poll()}):\n{shown}"
        )
        assert_matches(expected, shown, command)

    def shown(self, output: str, port: int) -> str:
        """``output`` as the document shows it: /home/you for HOME, port 8000, and the time of
        a log line (alexaskill's plain format) at 2026-11-27 10:00:00,123."""
        output = output.replace(str(self.workdir / "home"), "/home/you").replace(
            f":{port}", ":8000"
        )
        return _LOG_TIME.sub(_SHOWN_TIME, output)


_LOG_TIME: Final = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ", re.MULTILINE)
_SHOWN_TIME: Final = "2026-11-27 10:00:00,123 "


def _drain(server: subprocess.Popen[str], lines: list[str]) -> None:
    assert server.stdout is not None
    for line in server.stdout:
        lines.append(line)


def commands(text: str) -> Iterator[tuple[str, list[str]]]:
    """(command, the output lines shown after it) for each ``$`` line of a console block."""
    command: str | None = None
    expected: list[str] = []
    continued = False
    for line in text.splitlines():
        if continued and command is not None:
            command = command[:-1].rstrip() + " " + line.strip()
            continued = command.endswith("\\")
        elif line.startswith("$ "):
            if command is not None:
                yield command, _trimmed(expected)
            command, expected = line[2:].strip(), []
            continued = command.endswith("\\")
        elif command is not None:
            expected.append(line.rstrip())
    if command is not None:
        yield command, _trimmed(expected)


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1]:
        lines.pop()
    return lines


def assert_matches(expected: list[str], output: str, command: str) -> None:
    """Every line shown is in ``output`` in order; ``...`` stands for any number of lines."""
    if not expected:
        return
    actual = [line.rstrip() for line in output.splitlines()]
    assert _match(expected, actual), (
        f"`{command}` printed:\n{output}\nwhere the document shows:\n" + "\n".join(expected)
    )


def _match(expected: list[str], actual: list[str]) -> bool:
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(_match(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and _match(expected[1:], actual[1:])


@pytest.fixture
def reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Reader]:
    (tmp_path / "home").mkdir()
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delenv("ALEXASKILL_SKILL_ID", raising=False)  # (each block's: `Reader.run`)
    # The repository's examples a block imports are its own, from the working directory: a
    # block that starts one (README's portal.py mounts examples.weather.app's skill) left the
    # worker's copy started, and a later test's TestClient on it warned so. Put back after.
    examples = {n: m for n, m in sys.modules.items() if n.partition(".")[0] == "examples"}
    for name in examples:
        del sys.modules[name]
    before = set(sys.modules)
    # Blocks set up logging as a deployed skill does (configure_logging): undone afterwards.
    logger = logging.getLogger("alexaskill")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield Reader(tmp_path, monkeypatch)
    for handler in [h for h in logger.handlers if h not in saved[0]]:
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(saved[1])
    logger.propagate = saved[2]
    for name in set(sys.modules) - before:
        module_file = getattr(sys.modules[name], "__file__", None) or ""
        if module_file.startswith(str(tmp_path)):
            del sys.modules[name]
    sys.modules.update(examples)
    shutil.rmtree(tmp_path / "home", ignore_errors=True)


#: The headings where a document's next part begins. The parts run as tests of their own
#: (README.md whole took 21 s, 89 s under load, the longest test; the suite's `--dist loadscope`
#: gives a module's tests to one worker, so they run in turn there, in parallel under `--dist
#: load`),
#: each in a new directory holding the files the parts before it write (python blocks that name
#: a file: written, not run); a part's first python block does not continue one before it.
#: Nor does a part's console block use what a console block of a part before it made. (Three
#: parts left the second, "Testing your skill", at 12-20 s alone, 93 s under load: five now,
#: none above ~11 s alone. Of those five, "A running server" and "Talking to your skill" took
#: 40 s and 20 s alone under a load of 20, and 109 s in a whole run, the suite's longest test:
#: split at the simulator and at Deployment, seven parts, the longest 22 s in the same
#: conditions. "Sample requests" cannot start one: it writes into a directory made before.)
PARTS: Final = {
    "README.md": [
        "## Request verification",
        "## Testing your skill",
        "### A running server: `alexaskill serve --dev` and `replay --url`",
        "### In the browser: the simulator at `/_simulator/`",
        "## Talking to your skill",
        "## Deployment",
    ]
}


def read_parts(document: str) -> list[tuple[list[Block], list[Block]]]:
    """(the blocks before it, its blocks) for each part of ``document`` (`PARTS`)."""
    lines = (ROOT / document).read_text(encoding="utf-8").splitlines()
    starts = [0]
    for heading in PARTS.get(document, []):
        assert heading in lines, f"{document}: no line {heading!r} (tests/docs_shared.py PARTS)"
        starts.append(lines.index(heading) + 1)
    blocks = read_blocks(document)
    parts = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines) + 1
        parts.append(
            (
                [block for block in blocks if block.line < start],
                [block for block in blocks if start <= block.line < end],
            )
        )
    return parts


def _loop_set() -> asyncio.AbstractEventLoop | None:
    """The event loop set as this thread's (`asyncio.set_event_loop`), None if none: read
    without making one, as `asyncio.get_event_loop` would."""
    # The policy's private `_local._loop`: no public call reads it without side effects on
    # 3.11-3.13. `policy.get_event_loop()` on asyncio's default policy, in the main thread with
    # no loop ever set, makes one and sets it (a loop left to close, and from 3.12 a
    # DeprecationWarning, an error here); `asyncio.get_running_loop()` sees only a running one.
    # uvloop's policy (0.21 and later: its own `_Local`) holds the attribute too. Python 3.14
    # deprecates `get_event_loop_policy` itself: this goes when the suite runs on it.
    local = getattr(asyncio.get_event_loop_policy(), "_local", None)
    loop = getattr(local, "_loop", None)
    return loop if isinstance(loop, asyncio.AbstractEventLoop) else None
