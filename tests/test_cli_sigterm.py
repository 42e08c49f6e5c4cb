"""SIGTERM ends a one-shot command as Ctrl-C does: one line, status 143, no traceback (it was
killed by the signal, status -15, its ``finally`` blocks never run)."""

from __future__ import annotations

import io
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .processes import running
from .skill_modules import QUICK_SKILL

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _certify_stopped_by_sigterm(*program: str) -> None:
    """Runs ``certify`` (``program``, the command's ``python`` arguments) against a server that
    accepts and never answers, sends it a SIGTERM once it waits, and checks it stopped so."""
    with socket.create_server(("127.0.0.1", 0)) as server:  # accepts, never answers
        server.settimeout(60)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/"
        command = [sys.executable, *program, "certify", url, "--allow-local", "--timeout", "300"]
        with running(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
        ) as process:
            connection, _ = server.accept()  # the command is under way, waiting
            with connection:
                process.send_signal(signal.SIGTERM)
                _, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert err == "alexaskill certify: stopped (SIGTERM)\n"


def test_sigterm_while_certify_waits_for_an_answer_is_a_clean_exit() -> None:
    _certify_stopped_by_sigterm("-m", "alexaskill")


#: `main` with the first SIGTERM's exception lost, as when the signal's handler raised it in a
#: finaliser (Python says "Exception ignored in" and goes on) or when the signal came just
#: before a blocking call, which then waited its full timeout before Python ran the handler.
_FIRST_LOST = """
import sys
import alexaskill.cli as cli

handler, lost = cli._terminated, []

def first_lost(signum, frame):
    if not lost:
        lost.append(signum)
        return
    handler(signum, frame)

cli._terminated = first_lost
raise SystemExit(cli.main())
"""


def test_a_sigterm_whose_exception_was_lost_still_stops_certify() -> None:
    # In one CI run the command went on waiting (its --timeout 300) after the SIGTERM: the
    # signal is now raised again in the main thread, while the command runs, until it stops.
    _certify_stopped_by_sigterm("-c", _FIRST_LOST)


#: `main` running a command that gets a SIGTERM (its exception lost) and returns, and a second
#: SIGTERM (a user's, or the thread's own repeat) at a moment `where` names: `before_stop`,
#: raised before `_Insisting.stop` runs; `in_join`, raised as stop waits for the thread. Prints
#: the status, then whether the thread and the descriptors `main` opened outlived it.
_SECOND_SIGTERM = """
import os, signal, sys, threading
import alexaskill.cli as cli
import alexaskill.cli.request as request

where = sys.argv[1]
handler, lost = cli._terminated, []

def first_lost(signum, frame):  # (as in _FIRST_LOST: the command goes on, and returns)
    if not lost:
        lost.append(signum)
        return
    handler(signum, frame)

def run(args, out, err):
    os.kill(os.getpid(), signal.SIGTERM)  # the thread told, the exception lost
    return 0

cli._terminated = first_lost

def second():
    os.kill(os.getpid(), signal.SIGTERM)  # (raised as os.kill returns)

request.run = run
stop, join = cli._Insisting.stop, threading.Thread.join

def stop_after_another(self):
    global where
    if where == "before_stop":
        where = None
        second()
    stop(self)

def join_after_another(self, timeout=None):
    global where
    if where == "in_join" and self.name == "alexaskill-sigterm":
        where = None
        sys.setswitchinterval(5)  # (the thread not run before stop has looked at it)
        second()
    join(self, timeout)

cli._Insisting.stop = stop_after_another
threading.Thread.join = join_after_another
where_fds = "/proc/self/fd"
before = set(os.listdir(where_fds))
status = cli.main(["request", "LaunchRequest"], stdout=sys.stdout, stderr=sys.stdout)
where = None
sys.setswitchinterval(0.005)
for thread in threading.enumerate():
    if thread.name == "alexaskill-sigterm":
        thread.join(60)  # (bounds the test: on a bug, it sends SIGTERMs for ever)
left = [t.name for t in threading.enumerate() if t.name == "alexaskill-sigterm"]
print(status, left, sorted(set(os.listdir(where_fds)) - before))
"""


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts /proc/self/fd")
@pytest.mark.parametrize("where", ["before_stop", "in_join"])
def test_a_second_sigterm_as_the_command_stops_leaves_no_thread_nor_descriptor(
    where: str,
) -> None:
    # A SIGTERM raised before stop() told the thread to end left it sending SIGTERM to the
    # main thread every second for ever, once the default was back: the process was killed
    # (-15) after main() had returned 143, a program that runs main() too. One raised while
    # stop() waited for the thread left the thread's pipe open (it was closed only once the
    # thread had ended).
    command = [sys.executable, "-c", _SECOND_SIGTERM, where]
    process = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert process.returncode == 0, (process.returncode, process.stdout, process.stderr)
    *said, last = process.stdout.splitlines()
    assert said == ["alexaskill request: stopped (SIGTERM)"], process.stdout
    assert last == "143 [] []", process.stdout
    assert process.stderr == ""


#: A command during which the skill sets a SIGTERM handler of its own (one that does not stop
#: it), then gets a SIGTERM, and goes on for 200 of the thread's repeat periods.
_OWN_HANDLER = """
import os, signal, sys, time
import alexaskill.cli as cli
import alexaskill.cli.request as request

calls = []

def run(args, out, err):
    signal.signal(signal.SIGTERM, lambda signum, frame: calls.append(signum))
    os.kill(os.getpid(), signal.SIGTERM)
    for _ in range(200):
        time.sleep(cli._AGAIN)
    return 0

cli._AGAIN = 0.01
request.run = run
print(cli.main(["request", "LaunchRequest"]), len(calls))
"""


def test_a_sigterm_the_skill_handles_itself_is_not_sent_again() -> None:
    # The thread sent it again every second to whatever handler was in place: a skill's own
    # handler, which had chosen to let the command go on, was called again and again.
    command = [sys.executable, "-c", _OWN_HANDLER]
    process = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert (process.stdout, process.stderr) == ("0 1\n", "")


#: A command whose ``finally`` (its clean-up after the SIGTERM's exception) lasts 100 of the
#: thread's repeat periods.
_LONG_CLEAN_UP = """
import os, signal, sys, time
import alexaskill.cli as cli
import alexaskill.cli.request as request

cleaned = []

def run(args, out, err):
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("not stopped")
    finally:
        for _ in range(100):
            time.sleep(cli._AGAIN)
        cleaned.append(True)

cli._AGAIN = 0.01
request.run = run
print(cli.main(["request", "LaunchRequest"], stderr=sys.stdout), cleaned)
"""


def test_the_clean_up_after_a_sigterm_is_not_cut_short_by_its_repeats() -> None:
    # The thread sent the SIGTERM again every second until the command had returned, its
    # exception raised already: one that took longer to clean up (its finally blocks, an event
    # loop's shutdown) was stopped part-way, by its own SIGTERM's repeat.
    command = [sys.executable, "-c", _LONG_CLEAN_UP]
    process = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert process.stdout == "alexaskill request: stopped (SIGTERM)\n143 [True]\n"
    assert process.stderr == ""


def test_a_handler_of_the_caller_is_left_in_place() -> None:
    # A program that runs main() with its own SIGTERM handler keeps it, during and after.
    from alexaskill.cli import main

    def own(signum: int, frame: object) -> None:
        raise AssertionError("not called")

    previous = signal.signal(signal.SIGTERM, own)
    try:
        assert main(["request", "LaunchRequest"], stdout=io.StringIO()) == 0
        assert signal.getsignal(signal.SIGTERM) is own
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_the_default_is_put_back_after_a_command() -> None:
    from alexaskill.cli import main

    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        pytest.skip("the test runner handles SIGTERM itself")
    assert main(["request", "LaunchRequest"], stdout=io.StringIO()) == 0
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_handler_the_skill_sets_as_it_is_imported_is_not_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command put back SIG_DFL whatever the handler then was: a skill module's own SIGTERM
    # handler (its stores flushed, say), set while the command ran, was silently removed.
    from alexaskill.cli import main
    from alexaskill.testing import DEFAULT_SKILL_ID

    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        pytest.skip("the test runner handles SIGTERM itself")
    (tmp_path / "sigterm_probe_app.py").write_text(
        "import signal\n"
        "from alexaskill import Skill\n"
        "def flush(signum, frame):\n"
        "    raise SystemExit(0)\n"
        "signal.signal(signal.SIGTERM, flush)\n"
        f"skill = Skill('{DEFAULT_SKILL_ID}')\n"
        "skill.launch(lambda: 'Hello')\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setitem(sys.modules, "sigterm_probe_app", None)
    monkeypatch.delitem(sys.modules, "sigterm_probe_app")
    try:
        argv = ["model", "sigterm_probe_app:skill", "--invocation", "weather helper"]
        assert main(argv, stdout=io.StringIO(), stderr=io.StringIO()) == 0
        handler = signal.getsignal(signal.SIGTERM)
        assert getattr(handler, "__name__", None) == "flush", handler
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.mark.parametrize("failing", ["pipe", "thread"])
def test_no_pipe_or_thread_for_the_repeats_leaves_the_command_as_it_was(
    failing: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Out of descriptors (EMFILE) or of threads: the OSError or RuntimeError came out of main()
    # (a traceback at the command line), the SIGTERM handler left in place, and for a thread
    # that did not start, the wakeup fd left set to the pipe.
    import os
    import threading

    from alexaskill.cli import main

    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        pytest.skip("the test runner handles SIGTERM itself")
    if failing == "pipe":

        def pipe() -> tuple[int, int]:
            raise OSError(24, "Too many open files")

        monkeypatch.setattr(os, "pipe", pipe)
    else:
        start = threading.Thread.start

        def no_thread(self: threading.Thread) -> None:
            if self.name == "alexaskill-sigterm":
                raise RuntimeError("can't start new thread")
            start(self)

        monkeypatch.setattr(threading.Thread, "start", no_thread)
    assert main(["request", "LaunchRequest"], stdout=io.StringIO()) == 0
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    assert signal.set_wakeup_fd(-1) == -1


#: A skill module that says it is being imported, then takes its time (a slow import: a large
#: package, a model loaded at import).
_SLOW_SKILL = """
import sys, time
from alexaskill import Skill, speak

print("importing", file=sys.stderr, flush=True)
time.sleep(60)
skill = Skill("amzn1.ask.skill.slow")
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["replay", "slow_skill:skill", "hello.json"],
        ["model", "slow_skill:skill", "--invocation", "slow skill"],
        ["request", "LaunchRequest", "--model", "slow_skill:skill"],
        ["understand", "--model", "slow_skill:skill", "hello"],
        ["chat", "slow_skill:skill", "--invocation", "slow skill"],
    ],
    ids=["replay", "model", "request", "understand", "chat"],
)
def test_a_sigterm_while_the_skill_is_imported_is_the_one_line_stop(
    tmp_path: Path, argv: list[str]
) -> None:
    # Stopped as the command imports the skill: the same status and line as at any other
    # moment of the command, no traceback of the import cut short.
    (tmp_path / "slow_skill.py").write_text(_SLOW_SKILL, encoding="utf-8")
    (tmp_path / "hello.json").write_text("{}", encoding="utf-8")
    with running(
        [sys.executable, "-m", "alexaskill", *argv],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    ) as process:
        assert process.stderr is not None
        assert process.stderr.readline() == "importing\n"  # (the import under way)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (143, "", f"alexaskill {argv[0]}: stopped (SIGTERM)\n")


def test_a_sigterm_while_chat_waits_for_the_next_line_is_the_one_line_stop(
    tmp_path: Path,
) -> None:
    # chat was left out of the SIGTERM handling: stopped as it waited for what the user says
    # next (or while it imported the skill), it died of the signal, status -15 and no word.
    (tmp_path / "quick_skill.py").write_text(QUICK_SKILL, encoding="utf-8")
    with running(
        [sys.executable, "-m", "alexaskill", "chat", "quick_skill:skill", "--invocation", "quick"],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("open quick\n")
        process.stdin.flush()  # (kept open: chat waits for the next line)
        said = [process.stdout.readline()]
        while "Hello there." not in said[-1] and said[-1]:
            said.append(process.stdout.readline())
        assert "Hello there." in said[-1], said
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    assert (process.returncode, err) == (143, "alexaskill chat: stopped (SIGTERM)\n")


def test_a_second_sigterm_as_the_command_exits_leaves_its_status_143(tmp_path: Path) -> None:
    # The default was put back before the stop line was written: a second SIGTERM (a
    # supervisor's, sent again) as the process exited killed it, -15 after its "stopped" line.
    # (The skill's exit handler holds the process as an interpreter's shutdown takes its time.)
    slow_exit = "import atexit, sys, time\n" + (
        "atexit.register(lambda: (print('exiting', file=sys.stderr, flush=True), time.sleep(2)))"
    )
    (tmp_path / "slow_skill.py").write_text(slow_exit + _SLOW_SKILL, encoding="utf-8")
    (tmp_path / "hello.json").write_text("{}", encoding="utf-8")
    with running(
        [sys.executable, "-m", "alexaskill", "replay", "slow_skill:skill", "hello.json"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    ) as process:
        assert process.stderr is not None
        assert process.stderr.readline() == "importing\n"
        process.send_signal(signal.SIGTERM)
        assert process.stderr.readline() == "alexaskill replay: stopped (SIGTERM)\n"
        assert process.stderr.readline() == "exiting\n"
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    assert process.returncode == 143


#: A program that runs main() without argv (sys.argv's, as embedded), its command stopped by
#: a SIGTERM, then says what SIGTERM does once main() has returned.
_EMBEDDED = """
import os, signal, sys
import alexaskill.cli as cli
import alexaskill.cli.request as request

def run(args, out, err):
    os.kill(os.getpid(), signal.SIGTERM)
    raise AssertionError("not stopped")

request.run = run
sys.argv = ["alexaskill", "request", "LaunchRequest"]
print(cli.main(stderr=sys.stdout), signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
"""


def test_main_without_argv_puts_the_default_back_after_a_sigterm() -> None:
    # Called without argv, main() took itself for the program about to exit: it left SIGTERM
    # ignored, and the program that called it could no longer be stopped by one.
    command = [sys.executable, "-c", _EMBEDDED]
    process = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert process.stdout == "alexaskill request: stopped (SIGTERM)\n143 True\n"
    assert process.stderr == ""


def test_the_installed_command_is_the_program_python_m_runs() -> None:
    # The console script is the program's, as `python -m alexaskill` is (the second SIGTERM
    # test above): made of `main`, it would put SIGTERM's default back after a stop, and a
    # second one as the installed command exits would kill it (-15) after its "stopped" line.
    import importlib
    import tomllib

    import alexaskill.cli as cli

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    scripts = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["scripts"]
    module, _, name = scripts["alexaskill"].partition(":")
    assert getattr(importlib.import_module(module), name) is cli._program
