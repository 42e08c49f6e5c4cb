"""What a test gives `TestClient` (its options, `send`'s request type and session, the player)
as the client's refusals quote it: cut as alexaskill/shown_names.py cuts a long value (a
model file's bytes given for its name made a message of the whole file)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
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


def test_a_long_interface_named_where_one_is_missing_is_quoted_cut() -> None:
    # check_sent_by_device quoted the device's interfaces whole (interfaces=(…)).
    from alexaskill.testing.options import check_sent_by_device

    with pytest.raises(ValueError) as raised:
        check_sent_by_device("AudioPlayer.PlaybackStarted", (LONG,))
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert "x" * 40 in message and "add AudioPlayer" in message, message[:300]


@pytest.mark.parametrize("event", [LONG, [LONG]], ids=["unknown", "no-str"])
def test_a_long_audio_event_refused_is_quoted_cut(event: Any) -> None:
    with _client() as client, pytest.raises((TypeError, ValueError)) as raised:
        client.audio_event(event)
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert "x" * 40 in message, message[:300]


class _Listener:
    """A skill's on_handler_error whose repr is long."""

    def __call__(self, exc: Exception) -> None:
        pass

    def __repr__(self) -> str:
        return f"<listener {LONG}>"


def test_a_skill_attribute_not_given_back_is_quoted_cut_in_the_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # TestClient.close's warning of a swapped attribute replaced meanwhile quoted what it
    # would have given back whole (%r).
    skill = Skill(SKILL_ID)
    skill.on_handler_error = _Listener()
    with caplog.at_level("WARNING"), TestClient(skill):
        skill.on_handler_error = None
    [message] = [r.getMessage() for r in caplog.records if "was replaced" in r.getMessage()]
    assert len(message) < BOUND, message[:300]
    assert "x" * 40 in message, message[:300]


@pytest.mark.parametrize(
    "options",
    [{"pki": LONG}, {"api": LONG}, {"model": LONG.encode()}, {"model": {LONG: 1}}],
    ids=["pki", "api", "model-bytes", "model-json"],
)
def test_a_long_simulator_option_refused_is_quoted_cut(options: dict[str, Any]) -> None:
    from alexaskill.simulator import with_simulator

    with pytest.raises(TypeError) as raised:
        with_simulator(Skill(SKILL_ID), **options)
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert "x" * 10 in message, message[:300]  # (a model's JSON: each part, to 30 characters)


def test_a_capture_file_s_long_header_name_refused_is_quoted_cut(tmp_path: Path) -> None:
    # load_capture quoted a header name beyond latin-1 whole (name!r), from the user's file.
    from alexaskill.capture import CaptureFileError, RequestCapture, load_capture

    file = RequestCapture(tmp_path).write("/", [], b"{}", refused=None)
    assert file is not None
    data = json.loads(file.read_text(encoding="utf-8"))
    data["headers"] = [[LONG + "\u20ac", "v"]]
    file.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CaptureFileError) as raised:
        load_capture(file)
    message = str(raised.value)
    assert len(message) < BOUND + len(str(file)), message[:300]
    assert "x" * 40 in message and "beyond latin-1" in message, message[:300]
