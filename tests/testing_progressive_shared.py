"""What the tests of the fake's progressive responses share (tests/test_testing_progressive.py,
test_testing_progressive_limits.py): a VoicePlayer.Speak directive posted to a FakeAlexaApi for a
request id (``_speak``)."""

from __future__ import annotations

import httpx

from alexaskill.testing import FakeAlexaApi


def _speak(api: FakeAlexaApi, request_id: str) -> httpx.Response:
    body = {
        "header": {"requestId": request_id},
        "directive": {"type": "VoicePlayer.Speak", "speech": "<speak>Hi</speak>"},
    }
    request = httpx.Request(
        "POST",
        "https://api.amazonalexa.com/v1/directives",
        json=body,
        headers={"Authorization": "Bearer t"},
    )
    return api.handle(request)
