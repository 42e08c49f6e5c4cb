"""Where the ``alexaskill`` command writes: a reader that goes away early (``| head -1``), and
`main` called from two threads at once, each with its own streams."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

import alexaskill.cli as cli
from alexaskill.cli import main

from .cli_run import MODEL_FILE
from .skill_modules import QUICK_SKILL, skill_module

ROOT = Path(__file__).resolve().parent.parent

#: Python's output buffered, as in a shell (the test run may say PYTHONUNBUFFERED), or not.
BUFFERING = pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])


def _alexaskill(unbuffered: bool, *args: str, **popen: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PYTHONUNBUFFERED", None)
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    command = [sys.executable, "-m", "alexaskill", *args]
    stderr = popen.pop("stderr", subprocess.PIPE)
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env, **popen)


def _ended(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    """The status and stderr of ``process``, its stdout already closed by the reader."""
    assert process.stderr is not None
    error = process.stderr.read().decode()
    process.stderr.close()
    return process.wait(timeout=60), error


def _feed(stdin: Any, data: bytes) -> None:
    try:
        stdin.write(data)
        stdin.close()
    except OSError:  # (the command stopped reading: the reader of its output went away)
        pass


@BUFFERING
@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["--help"], 0),
        (["request", "--help"], 0),
        (["--version"], 0),
        (["request", "LaunchRequest"], 141),
    ],
    ids=["help", "command-help", "version", "request"],
)
def test_a_reader_gone_before_the_output_ends_the_command_quietly(
    unbuffered: bool, args: list[str], status: int
) -> None:
    # `alexaskill request --help | head -1`: --help and --version were "Exception ignored in:
    # <_io.TextIOWrapper name='<stdout>'> BrokenPipeError" (status 120), --version unbuffered a
    # traceback. (The pipe closed before the command writes: one write holds all their text.)
    process = _alexaskill(unbuffered, *args)
    assert process.stdout is not None
    process.stdout.close()
    code, error = _ended(process)
    assert (code, error) == (status, "")


@BUFFERING
def test_a_reader_that_closes_after_one_line_ends_the_command_quietly(unbuffered: bool) -> None:
    # `alexaskill understand --model M < utterances | head -1`: a line per utterance, flushed.
    process = _alexaskill(unbuffered, "understand", "--model", MODEL_FILE, stdin=subprocess.PIPE)
    assert process.stdout is not None
    # (fed from a thread: the command stops reading once its output is gone)
    stdin = b"what is the weather in paris\n" * 2000
    threading.Thread(target=_feed, args=(process.stdin, stdin), daemon=True).start()
    assert process.stdout.readline().startswith(b"{")
    process.stdout.close()
    assert _ended(process) == (141, "")


def test_main_in_two_threads_writes_to_each_ones_own_streams(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # main(stdout=, stderr=) swapped sys.stdout and sys.stderr while it parsed: the first
    # thread's --help went to the streams of the second, which had swapped them since, and the
    # second's usage error to the process's stderr, which the first had put back.
    parser, done = cli.parser, threading.Event()
    parsing = {name: threading.Event() for name in ("first", "second")}

    def held_parser(*args: Any, **kwargs: Any) -> Any:
        # The first parses once the second is parsing too; the second once the first is done.
        name = threading.current_thread().name
        parsing[name].set()
        assert (parsing["second"] if name == "first" else done).wait(timeout=60)
        return parser(*args, **kwargs)

    monkeypatch.setattr(cli, "parser", held_parser)
    streams = {name: (io.StringIO(), io.StringIO()) for name in parsing}
    codes: dict[str, int] = {}

    def call(name: str, *argv: str) -> threading.Thread:
        out, err = streams[name]
        thread = threading.Thread(
            target=lambda: codes.update({name: main(argv, stdout=out, stderr=err)}),
            name=name,
            daemon=True,
        )
        thread.start()
        return thread

    first = call("first", "request", "--help")
    try:
        assert parsing["first"].wait(timeout=60)
        second = call("second", "model")
        first.join(timeout=60)
    finally:
        done.set()
    second.join(timeout=60)
    assert codes == {"first": 0, "second": 2}
    first_out, first_err = (stream.getvalue() for stream in streams["first"])
    second_out, second_err = (stream.getvalue() for stream in streams["second"])
    assert (first_out.startswith("usage: alexaskill request"), first_err) == (True, ""), first_out
    assert second_out == ""
    assert "alexaskill model: error:" in second_err, second_err


@BUFFERING
@pytest.mark.parametrize(
    ("args", "status"), [(["request"], 2), (["request", "--help"], 0)], ids=["usage-error", "help"]
)
def test_a_reader_of_both_streams_gone_leaves_the_status_as_it_was(
    unbuffered: bool, args: list[str], status: int
) -> None:
    # `alexaskill request 2>&1 | head -0`: argparse's usage error to a closed stderr was
    # "Exception ignored ... BrokenPipeError" at exit, status 120, not 2.
    process = _alexaskill(unbuffered, *args, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    process.stdout.close()
    assert process.wait(timeout=60) == status


def test_a_broken_pipe_of_the_skills_own_is_reported_as_its_other_errors(tmp_path: Path) -> None:
    # `except BrokenPipeError` round the whole command took any broken pipe for the reader of
    # the output gone: the skill's own (a pipe or socket of its, here when its module makes
    # the skill on first use) ended the command silently with 141, where a RuntimeError there
    # is a mistake in one line and 2. Only the command's own stdout or stderr is a reader gone.
    app = tmp_path / "own_pipe.py"
    app.write_text(
        "def __getattr__(name):\n    raise BrokenPipeError(32, 'the settings service hung up')\n",
        encoding="utf-8",
    )
    process = _alexaskill(False, "model", f"{app}:skill")
    out, error = process.communicate(timeout=60)
    assert process.returncode == 2, (process.returncode, error)
    said = "failed: BrokenPipeError: [Errno 32] the settings service hung up"
    assert said in error.decode(), error
    assert out == b""


def _closed() -> io.StringIO:
    stream = io.StringIO()
    stream.close()
    return stream


@pytest.mark.parametrize(
    ("args", "closed", "status"),
    [
        (["request", "LaunchRequest"], "stdout", 141),
        (["request"], "stderr", 2),
        (["request", "--help"], "stdout", 0),
        (["--version"], "stdout", 0),
    ],
    ids=["output", "usage-error", "help", "version"],
)
def test_a_closed_stream_given_to_main_is_a_reader_gone(
    args: list[str], closed: str, status: int
) -> None:
    # main(stdout=a closed stream) raised "ValueError: I/O operation on closed file" with a
    # traceback, where a closed pipe is a quiet 141 (--help and --version: 0, a usage error 2).
    streams = {"stdout": io.StringIO(), "stderr": io.StringIO(), closed: _closed()}
    assert main(args, **streams) == status


def test_a_terminal_gone_is_a_reader_gone() -> None:
    # The terminal closed under the command (an ssh session dropped): its writes fail with EIO,
    # which raised out of main() with a traceback.
    import pty

    controller, terminal = pty.openpty()
    os.close(controller)
    gone = open(terminal, "w", encoding="utf-8")  # noqa: SIM115 - its close fails too
    try:
        assert main(["request", "LaunchRequest"], stdout=gone, stderr=io.StringIO()) == 141
        assert main(["request", "--help"], stdout=gone, stderr=io.StringIO()) == 0
    finally:
        with contextlib.suppress(OSError):  # (what is left in its buffer, written again)
            gone.close()


#: A skill (its module formatted with ``name``) whose handler fails once the other command's
#: handler is under way too.
_MEETING_SKILL = """
from alexaskill import Skill
from meeting import barrier

skill = Skill("amzn1.ask.skill.meeting")


@skill.intent("Meet")
def meet():
    barrier.wait()  # (both commands under way)
    raise RuntimeError("the {name} one's failure")
"""


def test_main_in_two_threads_writes_each_ones_skill_log_to_its_own_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # replay and chat showed the skill's log by a handler added to the process's "alexaskill"
    # logger for the command's time: two main() calls at once each wrote the other's
    # tracebacks to their stderr too.
    from alexaskill.testing import RequestFactory

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    names = ("first", "second")
    for module in ("meeting", *names):  # (imported by the commands: forgotten after)
        monkeypatch.delitem(sys.modules, module, raising=False)
    (tmp_path / "meeting.py").write_text(
        "import threading\nbarrier = threading.Barrier(2, timeout=60)\n", encoding="utf-8"
    )
    for name in names:  # (a skill each: one Skill object is not for two clients at once)
        (tmp_path / f"{name}.py").write_text(_MEETING_SKILL.format(name=name), encoding="utf-8")
    request = RequestFactory(skill_id="amzn1.ask.skill.meeting").intent("Meet")
    (tmp_path / "meet.json").write_text(json.dumps(request), encoding="utf-8")
    errs = {name: io.StringIO() for name in names}
    codes: dict[str, int] = {}

    def replay(name: str) -> None:
        argv = ["replay", f"{name}:skill", "meet.json"]
        codes[name] = main(argv, stdout=io.StringIO(), stderr=errs[name])

    threads = [threading.Thread(target=replay, args=(name,), daemon=True) for name in errs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert codes == {"first": 1, "second": 1}
    first, second = (errs[name].getvalue() for name in names)
    assert "the first one's failure" in first and "the second one's failure" not in first, first
    assert "the second one's failure" in second and "the first one's failure" not in second


def test_without_poll_a_broken_pipe_of_a_stream_with_no_descriptor_is_the_skills(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Windows (no select.poll) took any broken pipe for the reader gone, a StringIO's given to
    # main() too, which has no descriptor to break: the skill's own was a quiet 141 there.
    import select

    from alexaskill.cli.streams import reader_gone

    monkeypatch.delattr(select, "poll")
    assert not reader_gone(BrokenPipeError(32, "the skill's"), io.StringIO(), io.StringIO())


class _ReaderGoneOnce(io.StringIO):
    """A stream on a pipe whose reader has closed it: its ``n``th write fails, a broken pipe
    (a turn's, here), and the others are kept, as a buffer would take them."""

    def __init__(self, descriptor: int, n: int) -> None:
        super().__init__()
        self._descriptor, self._n = descriptor, n

    def fileno(self) -> int:
        return self._descriptor

    def write(self, text: str) -> int:
        self._n -= 1
        if self._n == 0:
            raise BrokenPipeError(32, "Broken pipe")
        return super().write(text)


def test_a_reader_gone_during_a_chat_turn_ends_the_chat_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chat's turn took the broken pipe of its own output for a failed turn: it wrote "the turn
    # failed: BrokenPipeError" to that output, for nobody, and went on with the next line.
    (tmp_path / "quick_skill.py").write_text(QUICK_SKILL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    monkeypatch.delitem(sys.modules, "quick_skill", raising=False)
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"open quick\nopen quick\n"), encoding="utf-8")
    )
    read, write = os.pipe()
    os.close(read)
    try:
        out = _ReaderGoneOnce(write, 3)  # (the banner, the line echoed, then the turn's first)
        err = io.StringIO()
        status = main(
            ["chat", "quick_skill:skill", "--invocation", "quick"], stdout=out, stderr=err
        )
    finally:
        os.close(write)
    assert (status, err.getvalue()) == (141, "")
    assert out.getvalue().endswith("> open quick\n"), out.getvalue()


def test_a_value_error_of_the_skills_with_a_closed_stream_given_is_its_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Any ValueError was the quiet 141 when a stream given to main() was closed: the skill's
    # own (a value it refused) ended the command without a word. Only the closed stream's
    # "I/O operation on closed file" is a reader gone.
    import alexaskill.cli.request as request

    def run(args: Any, out: Any, err: Any) -> int:
        raise ValueError("the skill's own")

    monkeypatch.setattr(request, "run", run)
    with pytest.raises(ValueError, match="the skill's own"):
        main(["request", "LaunchRequest"], stdout=_closed(), stderr=io.StringIO())


def test_a_closed_buffered_file_under_a_stream_writer_is_a_reader_gone() -> None:
    # A codecs StreamWriter over a buffered file (here _pyio's) that was closed says "write to
    # closed file", not "I/O operation on closed file": main() raised it with a traceback.
    import codecs
    import importlib

    pyio: Any = importlib.import_module("_pyio")  # (no stubs: Python's io written in Python)
    buffered = pyio.BufferedWriter(pyio.BytesIO())
    out: Any = codecs.getwriter("utf-8")(buffered)
    buffered.close()
    assert main(["request", "LaunchRequest"], stdout=out, stderr=io.StringIO()) == 141


#: A skill whose start (its ASGI lifespan) fails with the words of a closed stream of its own.
_OWN_CLOSED_SKILL = """
from alexaskill import Skill


class _Own(Skill):
    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            raise ValueError("I/O operation on closed file.")
        await super().__call__(scope, receive, send)


skill = _Own("amzn1.ask.skill.own")


@skill.intent("Hi")
def hi():
    return "hi"
"""


def test_the_skills_own_closed_file_with_a_closed_stream_given_is_its_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The skill's own "I/O operation on closed file." (a file of its, closed) was the quiet 141
    # whenever a stream given to main() was closed too: only the command's write to that
    # stream is a reader gone.
    from alexaskill.testing import RequestFactory

    written = contextlib.contextmanager(skill_module)
    with written(tmp_path, monkeypatch, "own_closed", _OWN_CLOSED_SKILL):
        request = RequestFactory(skill_id="amzn1.ask.skill.own").intent("Hi")
        (tmp_path / "hi.json").write_text(json.dumps(request), encoding="utf-8")
        with pytest.raises(ValueError, match="I/O operation on closed file"):
            main(["replay", "own_closed:skill", "hi.json"], stdout=_closed(), stderr=io.StringIO())
