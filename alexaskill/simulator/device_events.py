"""What a simulated device sends on its own, outside any session: its audio player's events
and the media buttons pressed, built from what the simulator's page asks (each field checked)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["AUDIO_EVENTS", "BUTTONS", "DeviceEvent", "audio_event", "button_press", "player_state"]

#: The AudioPlayer events a device sends as it plays a stream (Amazon's "AudioPlayer Interface
#: Reference"), each with the ``context.AudioPlayer.playerActivity`` it carries.
_ACTIVITY: Final = {
    "PlaybackStarted": "PLAYING",
    "PlaybackNearlyFinished": "PLAYING",
    "PlaybackFinished": "FINISHED",
    "PlaybackStopped": "STOPPED",
    "PlaybackFailed": "STOPPED",
}
AUDIO_EVENTS: Final = tuple(_ACTIVITY)
#: The media buttons of a device or its remote (Amazon's "PlaybackController Interface
#: Reference"): each sends ``PlaybackController.<button>CommandIssued``.
BUTTONS: Final = ("Play", "Pause", "Next", "Previous")
_PLAYER_ACTIVITIES: Final = frozenset(
    ("IDLE", "PLAYING", "PAUSED", "STOPPED", "FINISHED", "BUFFER_UNDERRUN")
)
#: The longest stream token Amazon allows (AudioPlayer.Play's audioItem.stream.token).
_MAX_TOKEN: Final = 1024
_MAX_ERROR: Final = 2000


@dataclass(frozen=True)
class DeviceEvent:
    """A request the device sends on its own, outside any session: an event of its audio
    player, or a media button pressed; ``player`` is the context's ``AudioPlayer``."""

    request: dict[str, Any]
    player: dict[str, Any]

    @property
    def name(self) -> str:
        """The request type (``AudioPlayer.PlaybackStarted``, …)."""
        return str(self.request["type"])


def audio_event(asked: Mapping[str, Any], interfaces: Sequence[str]) -> DeviceEvent:
    """The audio player's event a turn of the page reports (``event``, ``token``, ``offset``,
    ``error``); `ValueError` with the reason for a field the page got wrong."""
    event = _choice(asked, "event", AUDIO_EVENTS, interfaces)
    player = {"token": _token(asked), "offsetInMilliseconds": _offset(asked)}
    request: dict[str, Any] = {"type": f"AudioPlayer.{event}", **player}
    if event == "PlaybackFailed":
        error = asked.get("error")
        if error is not None and (not isinstance(error, str) or len(error) > _MAX_ERROR):
            raise ValueError(f"error: expected a string of at most {_MAX_ERROR:,} characters")
        # Amazon's AudioPlayer reference: the error, and the state before it.
        request["error"] = {"type": "MEDIA_ERROR_UNKNOWN", "message": error or "unknown"}
        request["currentPlaybackState"] = {**player, "playerActivity": "PLAYING"}
    return DeviceEvent(request, {**player, "playerActivity": _ACTIVITY[event]})


def button_press(asked: Mapping[str, Any], interfaces: Sequence[str]) -> DeviceEvent:
    """A media button the page's user pressed (``command``), with the player's state
    (``activity``, and ``token`` and ``offset`` when it holds a stream); `ValueError` with the
    reason for a field the page got wrong."""
    command = _choice(asked, "command", BUTTONS, interfaces)
    player = player_state(asked)
    return DeviceEvent({"type": f"PlaybackController.{command}CommandIssued"}, player)


def player_state(asked: Mapping[str, Any]) -> dict[str, Any]:
    """The context's ``AudioPlayer`` from where the page's player is (``activity``, and
    ``token`` and ``offset`` when it holds a stream); `ValueError` for a field it got wrong."""
    activity = asked.get("activity", "IDLE")
    # A string first: a list or an object cannot be looked up in a set.
    if not isinstance(activity, str) or activity not in _PLAYER_ACTIVITIES:
        raise ValueError(f"activity: expected one of {', '.join(sorted(_PLAYER_ACTIVITIES))}")
    player: dict[str, Any] = {"playerActivity": activity}
    if asked.get("token") is not None or activity != "IDLE":
        # A player that is not idle holds a stream (its token), as every device reports it.
        player = {"token": _token(asked), "offsetInMilliseconds": _offset(asked), **player}
    return player


def _choice(
    asked: Mapping[str, Any], name: str, choices: Sequence[str], interfaces: Sequence[str]
) -> str:
    if "AudioPlayer" not in interfaces:
        raise ValueError(f"{name}: the device has no AudioPlayer interface")
    value = asked.get(name)
    if value not in choices:
        raise ValueError(f"{name}: expected one of {', '.join(choices)}")
    return str(value)


def _token(asked: Mapping[str, Any]) -> str:
    token = asked.get("token")
    if not isinstance(token, str) or not 0 < len(token) <= _MAX_TOKEN:
        raise ValueError(f"token: expected the stream's token (1 to {_MAX_TOKEN:,} characters)")
    return token


def _offset(asked: Mapping[str, Any]) -> int:
    offset = asked.get("offset", 0)
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset < 2**53:
        raise ValueError("offset: expected the milliseconds played, a whole number")
    return offset
