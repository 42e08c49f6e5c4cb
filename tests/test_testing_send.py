"""What `TestClient.send` and `RequestFactory` send: the fields Alexa sends with each request
type, from the device that sends it, dated by one clock; clear errors for what Alexa never sends."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from alexaskill import Skill
from alexaskill.testing import TestClient

SKILL_ID = "amzn1.ask.skill.77777777-7777-7777-7777-777777777777"
UTC = datetime.UTC


def echo(*types: str) -> Skill:
    """A skill that answers requests of ``types`` with nothing (as an event takes no speech)."""
    skill = Skill(SKILL_ID)
    for request_type in types:
        skill.on(request_type)(lambda: None)
    return skill


def test_send_with_now_says_the_clock_is_the_clients() -> None:
    with TestClient(echo("LaunchRequest")) as client:
        with pytest.raises(TypeError) as raised:
            client.send("LaunchRequest", now=datetime.datetime.now(UTC))
    message = str(raised.value)
    assert "TestClient(now=" in message and "timestamp=" in message


@pytest.mark.parametrize(
    ("request_type", "interface"),
    [
        ("Alexa.Presentation.APL.UserEvent", "Alexa.Presentation.APL"),
        ("Alexa.Presentation.APL.RuntimeError", "Alexa.Presentation.APL"),
        ("Alexa.Presentation.APLT.UserEvent", "Alexa.Presentation.APLT"),
        ("Display.ElementSelected", "Display"),
    ],
)
def test_a_screen_event_comes_only_from_a_device_declaring_its_interface(
    request_type: str, interface: str
) -> None:
    with TestClient(echo(request_type)) as client:  # a speaker: AudioPlayer only
        with pytest.raises(ValueError, match=f"declares no {interface} interface"):
            client.send(request_type)
        client.interfaces = ("AudioPlayer", interface)
        assert client.send(request_type).status_code == 200
