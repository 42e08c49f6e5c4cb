"""``alexaskill serve``'s exit bound (`alexaskill.cli.serve_exit`) judged in its parts: the status
of a run that raised SystemExit. (Whole processes: tests/test_cli_serve_exit.py.)"""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from alexaskill.cli import serve


@pytest.mark.parametrize("code", [0, None])
def test_a_run_ended_by_systemexit_0_is_bounded_as_a_clean_stop(
    monkeypatch: pytest.MonkeyPatch, code: int | None
) -> None:
    # SystemExit(0) (or None) was taken for "its error", with status 1 for None: a clean stop.
    armed: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: armed.append(kw))
    args = argparse.Namespace(reload=False, workers=None)
    serve._bound_exit(args, 1.0, SystemExit(code))
    assert armed == [{}]
    assert serve._status(SystemExit(code)) == 0


@pytest.mark.parametrize(("code", "status"), [(2, 2), ("no database", 1)])
def test_a_run_ended_by_systemexit_of_an_error_is_bounded_after_its_error(
    monkeypatch: pytest.MonkeyPatch, code: int | str, status: int
) -> None:
    armed: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "exit_bounded", lambda seconds, **kw: armed.append(kw))
    args = argparse.Namespace(reload=False, workers=None)
    serve._bound_exit(args, 1.0, SystemExit(code))
    assert [(kw["after"], kw["status"]) for kw in armed] == [("its error", status)]
