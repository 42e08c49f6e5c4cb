"""SIGTERMs landing as serve's error (a server that did not start, a usage error, uvicorn's
``sys.exit(1)``, a Ctrl-C) is raised up through serve's blocks (`serve_uvicorn.stopped_by_sigterm`,
`serve_uvicorn._run_uvicorn`): the error keeps its status and message, each SIGTERM a stop come
after it (`serve._came`). Made deterministic: the SIGTERM raised in a ``finally`` the error runs,
or run by ``signal.signal`` as a handler is put back, as CPython runs a pending signal's handler."""

from __future__ import annotations

import io
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from alexaskill.cli import serve
from alexaskill.cli.common import UsageError
from alexaskill.cli.serve_server import ServerNotStarted

pytestmark = [
    pytest.mark.oldest_dependencies,
    pytest.mark.skipif(sys.platform == "win32", reason="a SIGTERM sent to itself ends it there"),
]


@pytest.fixture(autouse=True)
def _in_the_main_thread() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers are set in the main thread alone")
    kept = {signum: signal.getsignal(signum) for signum in (signal.SIGTERM, signal.SIGINT)}
    yield
    for signum, handler in kept.items():
        signal.signal(signum, handler)


def _serve(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> tuple[Any, str, list[Any]]:
    """serve's run as the program runs it, its `_serve` raising ``error`` (its exit's bound
    known), a SIGTERM landing in serve's block as ``error`` goes up: what run returned (or the
    exception it raised), what it wrote, and each bound's words."""
    bounds: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: bounds.append(kw))

    def refused(args: object, state: Any) -> None:
        state.bound.append(None)
        try:
            raise error
        finally:
            signal.raise_signal(signal.SIGTERM)  # (serve's handler: `_Terminated` raised here)

    monkeypatch.setattr(serve, "_serve", refused)
    from alexaskill.cli import parser

    args = parser().parse_args(["serve", "app:app", "--port", "0"])
    err = io.StringIO()
    try:
        got: Any = serve.run(args, io.StringIO(), err, program=True)
    except BaseException as exc:  # (what serve raised, to compare)
        got = exc
    return got, err.getvalue(), bounds


@pytest.mark.parametrize("error", ["not started", "usage"])
def test_a_sigterm_in_serves_block_as_its_error_goes_up_leaves_it_its_status(
    monkeypatch: pytest.MonkeyPatch, error: str
) -> None:
    # Taken by serve's block as its stop, the SIGTERM replaced the error: serve exited 0, the
    # error's message (and its status, 3 or 2) lost.
    raised = ServerNotStarted("OSError: boom") if error == "not started" else UsageError("taken")
    got, said, bounds = _serve(monkeypatch, raised)
    status = 3 if error == "not started" else 2
    if error == "not started":
        assert got == 3
        assert "uvicorn could not start (OSError: boom)" in said
    else:
        assert got is raised
    assert bounds == [
        {
            "who": "serve process",
            "after": "its error",
            "status": status,
            "stopped": "stopped",
            "came": signal.SIGTERM,
        }
    ]
