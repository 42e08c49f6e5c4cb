"""A directive written as a mapping gets the checks of its typed form."""

from __future__ import annotations

import json
from typing import Any

import pytest

from alexaskill import speak
from alexaskill.exceptions import ResponseError
from alexaskill.responses import encode_response


def _launch(video_item: Any) -> dict[str, Any]:
    return {"type": "VideoApp.Launch", "videoItem": video_item}


@pytest.mark.parametrize(
    ("directive", "said"),
    [
        (
            _launch({"source": "http://cdn.example.com/v.mp4"}),
            r"videoItem\.source must be an HTTPS",
        ),
        (_launch({"source": None}), r"videoItem\.source must be a non-empty str"),
        ({"type": "VideoApp.Launch"}, r"has no videoItem object"),
        (_launch("https://cdn.example.com/v.mp4"), r"has no videoItem object"),
        (
            _launch({"source": "https://cdn.example.com/v.mp4", "metadata": ["t"]}),
            r"videoItem\.metadata must be an object, not list",
        ),
        (
            _launch({"source": "https://cdn.example.com/v.mp4", "metadata": {"title": 3}}),
            r"videoItem\.metadata\.title must be a non-empty str, not 3",
        ),
    ],
)
def test_a_video_launch_written_as_a_dict_is_checked_as_the_typed_one(
    directive: dict[str, Any], said: str
) -> None:
    # VideoApp.Launch(source="http://…") is refused; the same directive written as a dict went
    # out, and the device played nothing.
    with pytest.raises(ResponseError, match=rf"^directives\[0\]: VideoApp\.Launch {said}"):
        speak("Here it is", directives=[directive])


def test_a_valid_video_launch_written_as_a_dict_goes_as_written() -> None:
    written = _launch(
        {"source": "https://cdn.example.com/v.mp4", "metadata": {"title": "T", "subtitle": "S"}}
    )
    sent = json.loads(encode_response(speak("Here it is", directives=[written])))
    assert sent["response"]["directives"] == [written]
