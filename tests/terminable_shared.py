"""What the tests of a Ctrl-C landing as a one-shot command starts share
(tests/test_cli_serve_put_back.py, of `alexaskill.cli._terminable` and its SIGTERM repeats,
`_Insisting`): the command stopped as it starts (`stopped_as_it_starts`), the repeats' threads
(`insisting_threads`), and nothing of theirs left behind (`assert_left_nothing`)."""

from __future__ import annotations

import os
import signal
import threading

import pytest

import alexaskill.cli


def stopped_as_it_starts() -> None:
    """``_terminable("request")`` entered with a Ctrl-C coming as it starts: KeyboardInterrupt,
    the command never run."""
    with pytest.raises(KeyboardInterrupt), alexaskill.cli._terminable("request"):
        pytest.fail("the command ran, though Ctrl-C came as it started")


def insisting_threads() -> list[threading.Thread]:
    """The threads of the SIGTERM repeats (`_Insisting`) still there."""
    return [each for each in threading.enumerate() if each.name == "alexaskill-sigterm"]


def descriptors() -> set[str]:
    """The file descriptors this process has open (Linux's /proc/self/fd)."""
    return set(os.listdir("/proc/self/fd"))


def assert_left_nothing(before: set[str]) -> None:
    """No thread of the SIGTERM repeats left, the descriptors open ``before`` and no other,
    SIGTERM's default back in place."""
    for thread in insisting_threads():
        thread.join(30)  # (bounds the test: it ends at once, its pipe's end closed)
    assert not insisting_threads()
    assert descriptors() == before
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
