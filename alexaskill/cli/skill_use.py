"""The Skill objects the commands of this process (replay, chat: `alexaskill.cli.main` in
several threads) are running: one command at a time each, started by their test clients."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

from .common import UsageError

if TYPE_CHECKING:
    from ..app import Skill
    from ..testing import TestClient

__all__ = ["running", "started"]

_LOCK: Final = threading.Lock()
#: The ids of the skills a command is running (each kept alive by that command meanwhile).
_RUNNING: Final[set[int]] = set()


@contextlib.contextmanager
def running(skill: Skill, app: str) -> Iterator[None]:
    """Run ``skill`` (named ``app``) meanwhile, or refuse it in one line if another command of
    this process is running it: each command's test client puts its own verifier, services and
    deadline wording on the skill, which the other's requests then fail against."""
    with _LOCK:
        if id(skill) in _RUNNING:
            raise UsageError(
                f"{app}: another command of this process is running this Skill object (main() "
                "in another thread): run them one after the other, or give each its own Skill"
            )
        _RUNNING.add(id(skill))
    try:
        yield
    finally:
        with _LOCK:
            _RUNNING.discard(id(skill))


def started(client: TestClient) -> None:
    """Start ``client`` (enter it: the skill's start in this process), which the caller holds
    for its close beforehand: a Ctrl-C landing as this returns is its to close. A
    `ConfigurationError` of that start, a setting of the environment the skill cannot take
    (``ALEXASKILL_LOG_LEVEL`` that names no level), is a `UsageError`, said in one line, as
    `serve` says it and as the app answers its server's start, not with a traceback."""
    from ..exceptions import ConfigurationError

    try:
        client.__enter__()  # (one whose start fails closes itself)
    except ConfigurationError as exc:
        raise UsageError(str(exc)) from None
