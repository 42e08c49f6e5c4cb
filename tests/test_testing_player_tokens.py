"""The tokens of the test client's audio player: the streams a test gives it (`DevicePlayer`,
`QueuedStream`) take the tokens an AudioPlayer.Play of Alexa's gives; those a skill sends are
followed whatever they are."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill import Skill
from alexaskill.directives import MAX_AUDIO_TOKEN, AudioPlayer
from alexaskill.responses import Response, speak
from alexaskill.testing import DevicePlayer, TestClient
from alexaskill.testing.player import QueuedStream

from .conftest import SKILL_ID

EPISODES = [f"https://cdn.example.com/podcast/episode-{n}.mp3" for n in range(3)]


@pytest.mark.parametrize(
    ("token", "said"),
    [
        ("", r"^QueuedStream token is '': the stream's token \(a str, not empty nor blank\)"),
        (" ", r"^QueuedStream token is ' ': the stream's token \(a str, not empty nor blank\)"),
        ("\t\n", r"^QueuedStream token is '\\t\\n': the stream's token \(a str, not empty nor"),
        (None, r"^QueuedStream token is None: the stream's token \(a str, not empty nor blank\)"),
        (42, r"^QueuedStream token is 42: the stream's token \(a str, not empty nor blank\)"),
        ("e" * 1025, r"^QueuedStream token is 1,025 characters: Amazon's limit for a stream's"),
    ],
    ids=["empty", "blank", "white-space", "None", "int", "1025-characters"],
)
def test_a_queued_stream_of_a_token_no_play_gives_is_refused(token: Any, said: str) -> None:
    # QueuedStream(" "), QueuedStream(None) or a token past Amazon's 1024 characters was
    # taken, and the test's queue then named a stream no AudioPlayer.Play of Alexa's gives.
    with pytest.raises(ValueError, match=said):
        QueuedStream(token, EPISODES[1])
    assert QueuedStream("e" * 1024).token == "e" * 1024  # (the limit itself is a token)


def test_a_player_holding_a_token_no_play_gives_is_refused() -> None:
    # DevicePlayer("e" * 1025) and client.player.token = "e" * 1025 were taken, though
    # QueuedStream refuses that token: the requests then named a stream past Amazon's 1024
    # characters, which no AudioPlayer.Play of Alexa's gives.
    long = "e" * (MAX_AUDIO_TOKEN + 1)
    said = r"^token is 1,025 characters: Amazon's limit for a stream's token \(AudioPlayer\.Play"
    with pytest.raises(ValueError, match=said):
        DevicePlayer(long, activity="PLAYING")
    player = DevicePlayer("ep-1")
    with pytest.raises(ValueError, match=said):
        player.token = long
    assert player.token == "ep-1"  # (refused, not half taken)
    player.token = "e" * MAX_AUDIO_TOKEN  # (the limit itself is a token)
    assert player.token == "e" * MAX_AUDIO_TOKEN


def test_an_event_of_a_token_past_the_limit_is_sent_as_given_not_held() -> None:
    # A test's event naming such a token is its bad request, sent as a blank token given is,
    # the stream held kept: the player does not take it as the stream it plays.
    skill = Skill(SKILL_ID)

    @skill.intent("Play")
    def play() -> Response:
        return speak("Here.", directives=[AudioPlayer.Play(EPISODES[0], "ep-0")])

    long = "e" * (MAX_AUDIO_TOKEN + 1)
    with TestClient(skill, raise_handler_errors=False) as client:
        client.intent("Play")
        sent = client.audio_event("PlaybackStarted", token=long).request
    assert sent is not None and sent["token"] == long
    assert client.player.token == "ep-0"


def test_a_stream_the_skill_sent_is_queued_and_stopped_whatever_its_token() -> None:
    # What the device is sent it plays, queues and stops, the tokens QueuedStream refuses from
    # a test too (a server's answer in ``chat --url`` may hold one): never an error of the
    # player's while it follows an answer.
    long = "e" * 1025

    def play(token: str, behavior: str = "REPLACE_ALL") -> dict[str, Any]:
        stream = {"url": EPISODES[0], "token": token, "offsetInMilliseconds": 0}
        item = {"stream": stream}
        return {"type": "AudioPlayer.Play", "playBehavior": behavior, "audioItem": item}

    player = DevicePlayer()
    player.follow([play(" ")])
    player.follow([play(long, "REPLACE_ENQUEUED")])
    assert (player.token, [stream.token for stream in player.queue]) == (" ", [long])
    player.follow([{"type": "AudioPlayer.Stop"}])
    assert player.stopped is not None and player.stopped.token == " "
    player.follow([play(long)])
    assert player.token == long


@pytest.mark.parametrize(
    "token", ["e" * (MAX_AUDIO_TOKEN + 1), " "], ids=["1025-characters", "blank"]
)
def test_an_event_naming_the_stream_the_skill_sent_is_that_streams(token: str) -> None:
    # A test naming the token the skill's Play gave (held, or queued) was taken for a test of a
    # bad request: sent as given, the player not moved (still PLAYING after a PlaybackStopped,
    # the queued stream not reached), where the same event without the token moved it.
    def play(token: str, behavior: str = "REPLACE_ALL") -> dict[str, Any]:
        stream = {"url": EPISODES[0], "token": token, "offsetInMilliseconds": 0}
        if behavior == "ENQUEUE":
            stream["expectedPreviousToken"] = "ep-0"
        return {
            "type": "AudioPlayer.Play",
            "playBehavior": behavior,
            "audioItem": {"stream": stream},
        }

    player = DevicePlayer()
    player.follow([play(token)])
    sent = player.report("PlaybackStopped", {"token": token, "offsetInMilliseconds": 500})
    assert (sent["token"], player.activity, player.offset_in_milliseconds) == (
        token,
        "STOPPED",
        500,
    )
    queued = DevicePlayer()
    queued.follow([play("ep-0"), play(token, "ENQUEUE")])
    queued.report("PlaybackStarted", {"token": token})
    assert (queued.token, queued.activity, queued.queue) == (token, "PLAYING", [])
