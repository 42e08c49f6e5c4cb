"""``alexaskill chat``: the device's audio player, as the skill's answers leave it (`DevicePlayer`),
the events it reports (``/audio``) and its media buttons (``/button``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import argparse

    from ..testing import DevicePlayer, SkillResponse

__all__ = [
    "AUTOMATIC",
    "BUTTONS",
    "EVENTS",
    "HELP",
    "audio_option",
    "device_reports",
    "device_request",
    "ignored_notes",
    "player_event",
    "player_of",
]

#: ``/audio WORD``: the audio player's events (``AudioPlayer.<event>``).
EVENTS: Final = {
    "started": "PlaybackStarted",
    "nearly": "PlaybackNearlyFinished",
    "finished": "PlaybackFinished",
    "stopped": "PlaybackStopped",
    "failed": "PlaybackFailed",
}
#: ``/button WORD``: the media buttons (``PlaybackController.<button>CommandIssued``).
BUTTONS: Final = {"play": "Play", "pause": "Pause", "next": "Next", "previous": "Previous"}

HELP: Final = """\
  /audio started     the device's player reports an event about its stream (also: nearly,
                     finished, stopped, failed): AudioPlayer.Playback...
  /button next       a media button pressed (also: play, pause, previous):
                     PlaybackController.NextCommandIssued
  /player            what the device's audio player holds
                     (PlaybackStarted is sent by itself when a stream starts, and
                     PlaybackStopped when a directive stops one, as a device does;
                     chat --audio-events manual leaves them to /audio)"""

#: The activities a device reports an event from (a stream that finished does not finish, nor
#: stop, again; one stopped or over does not fail); Started once per start (`_not_started`).
_REPORTED_FROM: Final = {
    "PlaybackNearlyFinished": ("PLAYING", "BUFFER_UNDERRUN"),
    "PlaybackFinished": ("PLAYING", "BUFFER_UNDERRUN"),
    "PlaybackFailed": ("PLAYING", "BUFFER_UNDERRUN"),
    "PlaybackStopped": ("PLAYING", "BUFFER_UNDERRUN", "PAUSED"),
}

NO_STREAM: Final = "the player holds no stream: open the skill and have it play one"
#: How the line of a request the device sends on its own ends.
AUTOMATIC: Final = " (sent by the device on its own)"


def player_of(transport: Any) -> DevicePlayer:
    """The audio player of the chat's device: the test client's, or the HTTP transport's."""
    player: DevicePlayer = transport.factory.player
    return player


def device_request(client: Any, transport: Any, words: list[str]) -> SkillResponse | str | None:
    """Send what ``/audio WORD`` or ``/button WORD`` asks for: the reply, a note (str) when it
    cannot be sent, or None for words neither knows. ``client`` is the in-process
    `TestClient`, else None and ``transport`` the HTTP one."""
    command, word = [*words, "", ""][:2]
    word = word.lower()
    player = player_of(client if client is not None else transport)
    if command == "audio" and word in EVENTS:
        event = EVENTS[word]
        if player.token is None:
            return NO_STREAM
        if event == "PlaybackStarted":
            return _not_started(player) or player_event(client, transport, event)
        if event == "PlaybackNearlyFinished" and player.nearly_told == player.starts:
            return (
                f"the device sent PlaybackNearlyFinished of {player.token} already: it sends it "
                "once per stream"
            )
        # (a stream a directive stopped is STOPPED, its PlaybackStopped still to send: manual)
        untold = player.activity == "STOPPED" and player.stops > player.stops_told
        if player.activity not in _REPORTED_FROM.get(event, (player.activity,)) and not (
            event == "PlaybackStopped" and untold
        ):
            return (
                f"the player is {player.activity}: a device sends {event} only of a stream "
                f"{'playing or paused' if event == 'PlaybackStopped' else 'playing'}"
            )
        return player_event(client, transport, event)
    if command == "button" and word in BUTTONS:
        if player.token is None:
            # Alexa sends a button press to the skill playing, or the one that played last.
            return NO_STREAM
        request = {"type": f"PlaybackController.{BUTTONS[word]}CommandIssued"}
        if client is not None:
            reply: SkillResponse = client.send(request["type"])
            return reply
        reply = transport.send(request, new_session=False)
        return reply
    return None


def ignored_notes(player: DevicePlayer) -> list[str]:
    """What the device ignored of the skill's directives since last asked (an ENQUEUE that
    follows another stream), taken from the player: each is said once, as the simulator's page
    notes it."""
    notes = list(player.ignored)
    player.ignored.clear()
    return notes


def _not_started(player: DevicePlayer) -> str | None:
    """Why the device would not send PlaybackStarted now, or None: it sends it once, when a
    stream starts (a Play, the next one queued, one paused for the session once it ends)."""
    if player.activity == "PAUSED" and player.paused_for_session:
        return (
            "the player is PAUSED: its stream starts, and the device sends PlaybackStarted, "
            "once the session ends"
        )
    if player.activity != "PLAYING":
        return (
            f"the player is {player.activity}: a device sends PlaybackStarted only when a "
            "stream starts (a Play of the skill's, or the next one queued)"
        )
    if player.starts <= player.starts_told:
        return (
            f"the device sent PlaybackStarted of {player.token} already: it sends it once, "
            "when a stream starts"
        )
    return None


def player_event(client: Any, transport: Any, event: str, **given: Any) -> SkillResponse:
    """Send ``AudioPlayer.<event>`` about the stream the player holds, or the one ``given``
    names (as `device_request`, without asking whether the player's state allows it: what the
    device sends on its own)."""
    if client is not None:
        reply: SkillResponse = client.audio_event(event, **given)
        return reply
    player = player_of(transport)
    fields = player.report(event, given)
    reply = transport.send({"type": f"AudioPlayer.{event}", **fields}, new_session=False)
    if event == "PlaybackFinished" and reply.status_code == 200:
        player.finished()
    return reply


def device_reports(client: Any, transport: Any, starts: int, stops: int) -> list[SkillResponse]:
    """Send what the device reports on its own since its player counted ``starts`` streams
    started and ``stops`` stopped: PlaybackStopped of the stream a directive stopped (the one
    held, or one a Play replaced, whatever its token), then PlaybackStarted of the one that
    started. The replies, in order."""
    player = player_of(client if client is not None else transport)
    sent = []
    stopped = player.stopped
    if player.stops != stops and stopped is not None:
        sent.append(player_event(client, transport, "PlaybackStopped", token=stopped.token))
    if player.starts != starts:
        sent.append(player_event(client, transport, "PlaybackStarted"))
    return sent


def audio_option(command: argparse.ArgumentParser) -> None:
    """chat's ``--audio-events``: whether the player's own events go out as on a device."""
    command.add_argument(
        "--audio-events",
        choices=("auto", "manual"),
        default="auto",
        help="auto (default): a stream that starts sends AudioPlayer.PlaybackStarted, and one a "
        "directive stops PlaybackStopped, as on a device; manual: only /audio does",
    )
