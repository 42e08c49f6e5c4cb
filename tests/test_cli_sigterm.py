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

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def test_sigterm_while_certify_waits_for_an_answer_is_a_clean_exit() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:  # accepts, never answers
        server.settimeout(60)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/"
        command = [sys.executable, "-m", "alexaskill", "certify", url, "--allow-local"]
        process = subprocess.Popen(
            [*command, "--timeout", "300"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            connection, _ = server.accept()  # the command is under way, waiting
            with connection:
                process.send_signal(signal.SIGTERM)
                _, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 143, err
    assert err == "alexaskill certify: stopped (SIGTERM)\n"


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
    with socket.create_server(("127.0.0.1", 0)) as server:  # accepts, never answers
        server.settimeout(60)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/"
        command = [sys.executable, "-c", _FIRST_LOST, "certify", url, "--allow-local"]
        process = subprocess.Popen(
            [*command, "--timeout", "300"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            connection, _ = server.accept()  # the command is under way, waiting
            with connection:
                process.send_signal(signal.SIGTERM)
                _, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 143, err
    assert err == "alexaskill certify: stopped (SIGTERM)\n"


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
        "skill.launch(lambda: 'Hello')\n"
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
