"""The wait for moto's server (tests/moto_server.py, for its ``moto_endpoint``) keeps to
its deadline: no readiness probe waits past what is left of it, and a server that exited is said
at once."""

from __future__ import annotations

import socket
import subprocess
from typing import Any, cast

import pytest

from tests import moto_server


class _Silent:
    """A connection to a server that takes it and never answers: each wait it is given noted."""

    def __init__(self, waits: list[float]) -> None:
        self.waits = waits

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def settimeout(self, seconds: float) -> None:
        self.waits.append(seconds)

    def sendall(self, data: bytes) -> None:
        pass

    def recv(self, size: int) -> bytes:
        raise TimeoutError("timed out")


def test_the_probe_waits_no_longer_than_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    # It waited up to 30 s for moto's answer whatever was left of the start's 60 s: a server
    # that took the connection and did not answer held the fixture up to 90 s.
    waits: list[float] = []

    def connect(address: tuple[str, int], timeout: float) -> _Silent:
        waits.append(timeout)
        return _Silent(waits)

    monkeypatch.setattr(socket, "create_connection", connect)
    assert not moto_server.answers_dynamodb(9, 0.25)
    assert waits and all(0 < wait <= 0.25 for wait in waits), waits


class _Running:
    """A server process still running (``exited``: one that has exited, with status 1)."""

    def __init__(self, exited: bool = False) -> None:
        self.returncode = 1 if exited else None

    def poll(self) -> int | None:
        return self.returncode


def test_each_probe_is_given_what_is_left_of_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    given: list[float] = []

    def never_answered(port: int, timeout: float) -> bool:
        given.append(timeout)
        return False

    monkeypatch.setattr(moto_server, "answers_dynamodb", never_answered)
    process = cast(subprocess.Popen[bytes], _Running())
    with pytest.raises(pytest.fail.Exception, match=r"did not answer a ListTables within 0\.3 s"):
        moto_server.await_dynamodb(process, 9, 0.3)
    assert given and all(0 < timeout <= 0.3 for timeout in given), given
    assert given == sorted(given, reverse=True), given  # what is left, less each time


def test_a_server_that_exited_is_said_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    probes: list[Any] = []
    monkeypatch.setattr(moto_server, "answers_dynamodb", lambda *args: probes.append(args))
    process = cast(subprocess.Popen[bytes], _Running(exited=True))
    with pytest.raises(pytest.fail.Exception, match="moto's server exited with status 1"):
        moto_server.await_dynamodb(process, 9, moto_server.START_SECONDS)
    assert len(probes) == 1
