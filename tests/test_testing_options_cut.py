"""What a test gives `TestClient` (its options, `send`'s request type and session, the player)
as the client's refusals quote it: cut as alexaskill/shown_names.py cuts a long value (a
model file's bytes given for its name made a message of the whole file)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import Skill
from alexaskill.testing import TestClient

from .conftest import SKILL_ID

#: A value far past any message's length, its head unlike its end.
LONG = "x" * 5_000 + "END"
#: The most characters a message quoting one such value may have.
BOUND = 1_000


def _client(**options: Any) -> TestClient:
    return TestClient(Skill(SKILL_ID), **options)


def _sent(request_type: Any, **given: Any) -> None:
    with _client() as client:
        client.send(request_type, **given)


@pytest.mark.parametrize(
    "given",
    [
        lambda: _client(model=LONG.encode()),  # a model file's bytes, read for its name
        lambda: _client(api={"reminders": [LONG]}),  # its data as a dict, said as keywords
        lambda: _client(pki=LONG),
        lambda: _client(path=LONG),
        lambda: _client(invocation=[LONG]),
        lambda: _client(raise_handler_errors=LONG),
        lambda: _client(now=LONG),
        lambda: _client(now=lambda: LONG),
        lambda: _client(**{LONG: 1}),
        lambda: _sent([LONG]),
        lambda: _sent("LaunchRequest", session=[LONG]),
        lambda: _sent(LONG, type="LaunchRequest"),
    ],
    ids=[
        "model",
        "api",
        "pki",
        "path",
        "invocation",
        "flag",
        "clock",
        "now",
        "option",
        "request-type",
        "session",
        "type-field",
    ],
)
def test_a_long_value_the_client_refuses_is_quoted_cut(given: Callable[[], None]) -> None:
    with pytest.raises((TypeError, ValueError)) as raised:
        given()
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert "x" * 40 in message, message[:300]


def test_a_long_player_refused_is_quoted_cut() -> None:
    with _client() as client, pytest.raises(TypeError) as raised:
        client.player = LONG  # type: ignore[assignment]
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert "x" * 40 in message, message[:300]
