"""The test client's audio player and an ENQUEUE: after another stream, after the one playing or
the last queued, after a stop, and what the player says of one it ignored.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from alexaskill import Skill, rules
from alexaskill.directives import AudioPlayer
from alexaskill.exceptions import RuleViolation
from alexaskill.models import AudioPlayerRequest, Context, IntentRequest, decode_envelope
from alexaskill.responses import Response
from alexaskill.testing import DevicePlayer, RequestFactory, TestClient
from alexaskill.testing.player import QueuedStream

from .conftest import SKILL_ID
from .testing_player_shared import EPISODES

# --- ENQUEUE after the stream the player holds ------------------------------------------------


def _enqueuing(expected: str) -> Skill:
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackNearlyFinished")
    def nearly() -> Response:
        return Response(
            directives=(
                AudioPlayer.Play(
                    EPISODES[1], "1", play_behavior="ENQUEUE", expected_previous_token=expected
                ),
            )
        )

    return skill


def test_an_enqueue_after_another_stream_is_ignored_by_the_device_alone() -> None:
    # The request names the stream held, not the queue: an ENQUEUE after another token may
    # follow a stream queued earlier, so the app cannot call it a violation; the device, which
    # knows its queue is empty, ignores it.
    with TestClient(_enqueuing("episode-0")) as client:
        client.player = DevicePlayer("0", activity="PLAYING")
        result = client.audio_event("PlaybackNearlyFinished")
    [directive] = result.directives
    assert directive["audioItem"]["stream"]["expectedPreviousToken"] == "episode-0"
    assert result.violations == ()
    assert client.player.queue == []  # the device ignored it


def test_an_enqueue_after_the_reply_s_clear_queue_goes_out_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The reply's ClearQueue empties the queue: whatever it held, the ENQUEUE must follow the
    # stream held ("0"), and one after "1" is ignored.
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackNearlyFinished")
    def nearly() -> Response:
        play = AudioPlayer.Play(
            EPISODES[2], "2", play_behavior="ENQUEUE", expected_previous_token="1"
        )
        return Response(directives=(AudioPlayer.ClearQueue("CLEAR_ENQUEUED"), play))

    with TestClient(skill) as client:
        client.player = DevicePlayer("0", activity="PLAYING")
        client.player.queue.append(QueuedStream("1", EPISODES[1]))
        with pytest.raises(RuleViolation) as raised:
            client.audio_event("PlaybackNearlyFinished")
    assert raised.value.kept
    assert "expects '1' while it holds '0'" in raised.value.rule
    with (
        caplog.at_level(logging.WARNING, logger="alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        caplog.clear()  # the start-up warnings aside (no AMAZON.PauseIntent handler)
        client.player = DevicePlayer("0", activity="PLAYING")
        client.player.queue.append(QueuedStream("1", EPISODES[1]))
        result = client.audio_event("PlaybackNearlyFinished")
    assert len(result.directives) == 2  # sent as they were
    [violation] = result.violations
    assert violation.dropped == ("AudioPlayer.Play",)
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert client.player.queue == []  # cleared, and "2" ignored


def test_an_enqueue_after_the_stream_playing_is_queued() -> None:
    with TestClient(_enqueuing("0")) as client:
        client.player = DevicePlayer("0", activity="PLAYING")
        result = client.audio_event("PlaybackNearlyFinished")
    assert result.violations == ()
    assert [stream.token for stream in client.player.queue] == ["1"]


def test_an_enqueue_with_nothing_playing_is_reported() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("QueueNext")
    def queue_next(intent: IntentRequest) -> Response:
        play = AudioPlayer.Play(
            EPISODES[1], "1", play_behavior="ENQUEUE", expected_previous_token="0"
        )
        return Response(directives=(play,), should_end_session=True)

    with TestClient(skill, raise_handler_errors=False) as client:
        [violation] = client.intent("QueueNext").violations
    assert "holds no stream" in violation.rule


def test_check_reply_leaves_an_enqueue_alone_when_the_player_is_unknown() -> None:
    envelope = RequestFactory().envelope("AudioPlayer.PlaybackNearlyFinished", token="0")
    del envelope["context"]["AudioPlayer"]
    play = {
        "type": "AudioPlayer.Play",
        "playBehavior": "ENQUEUE",
        "audioItem": {"stream": {"url": EPISODES[1], "token": "1", "expectedPreviousToken": "9"}},
    }
    found: list[RuleViolation] = []
    reply = Response(directives=(play,))
    checked = rules.check_reply(reply, decode_envelope(json.dumps(envelope)), violations=found)
    assert checked is reply
    assert found == []
    # Holding "0", the device may have "9" queued last: only the device knows.
    envelope["context"]["AudioPlayer"] = {"token": "0", "playerActivity": "PLAYING"}
    rules.check_reply(reply, decode_envelope(json.dumps(envelope)), violations=found)
    assert found == []
    # Holding no stream, it has nothing to follow.
    envelope["context"]["AudioPlayer"] = {"playerActivity": "IDLE"}
    rules.check_reply(reply, decode_envelope(json.dumps(envelope)), violations=found)
    [violation] = found
    assert violation.kept


def test_an_event_built_by_the_factory_has_a_context_that_agrees() -> None:
    # A test that builds an AudioPlayer event by hand names its stream in the request; Alexa's
    # requests carry the same stream in context.AudioPlayer, and a skill enqueuing after the
    # request's token is right: not a violation.
    skill = _enqueuing("1")
    with TestClient(skill) as client:
        envelope = client.factory.envelope(
            "AudioPlayer.PlaybackNearlyFinished", token="1", offsetInMilliseconds=500
        )
        assert envelope["context"]["AudioPlayer"] == {
            "token": "1",
            "offsetInMilliseconds": 500,
            "playerActivity": "PLAYING",
        }
        assert client.send_envelope(envelope).violations == ()
    assert client.player.token is None  # a builder: the client's player is left as it was


def test_a_queued_stream_that_fails_leaves_the_one_playing() -> None:
    # Stream "2" is queued after "1" and fails to load while "1" plays: the player plays on,
    # "2" leaves the queue, and the request's currentPlaybackState and context name "1".
    seen: list[tuple[object, object, object]] = []
    skill = Skill(SKILL_ID, store="memory://")

    @skill.launch
    def launch() -> Response:
        return Response(directives=(AudioPlayer.Play("https://x.example/1.mp3", "1"),))

    @skill.on("AudioPlayer.PlaybackNearlyFinished")
    def nearly(request: AudioPlayerRequest) -> Response:
        return Response(
            directives=(
                AudioPlayer.Play(
                    "https://x.example/2.mp3",
                    "2",
                    play_behavior="ENQUEUE",
                    expected_previous_token=request.token,
                ),
            )
        )

    @skill.on("AudioPlayer.PlaybackFailed")
    def failed(request: AudioPlayerRequest, context: Context) -> Response:
        assert context.audio_player is not None
        playing = context.audio_player.token
        seen.append((request.token, playing, context.audio_player.player_activity))
        return Response(
            directives=(
                AudioPlayer.Play(
                    "https://x.example/2b.mp3",
                    "2b",
                    play_behavior="ENQUEUE",
                    expected_previous_token=playing,
                ),
            )
        )

    with TestClient(skill) as client:
        client.launch()
        client.audio_event("PlaybackStarted")
        client.audio_event("PlaybackNearlyFinished", offsetInMilliseconds=90_000)
        assert client.player.describe() == "PLAYING 1 at 90,000 ms, then 2"
        result = client.audio_event("PlaybackFailed", token="2")
        assert result.violations == ()
        assert result.request is not None
        state = result.request["currentPlaybackState"]
        assert (state["token"], state["playerActivity"]) == ("1", "PLAYING")
        assert client.player.describe() == "PLAYING 1 at 90,000 ms, then 2b"
    assert seen == [("2", "1", "PLAYING")]


def test_an_enqueue_after_a_stream_stopped_or_over_plays_at_once() -> None:
    # The AVS Device SDK's AudioPlayer starts its queue when an ENQUEUE (or a REPLACE_ENQUEUED)
    # comes while nothing plays (IDLE, STOPPED, FINISHED), as the simulator's page does; the
    # player queued the stream and left it there, STOPPED or FINISHED, never to play.
    def enqueue(token: str, after: str) -> dict[str, Any]:
        url = EPISODES[int(token)]
        stream = {"url": url, "token": token, "expectedPreviousToken": after}
        item = {"stream": stream}
        return {"type": "AudioPlayer.Play", "playBehavior": "ENQUEUE", "audioItem": item}

    for activity in ("STOPPED", "FINISHED"):
        player = DevicePlayer("0", activity=activity, offset_in_milliseconds=4_000)
        player.follow([enqueue("1", "0")])
        assert (player.token, player.url, player.activity) == ("1", EPISODES[1], "PLAYING")
        assert (player.offset_in_milliseconds, player.queue, player.starts) == (0, [], 1)
        # Kept paused in a reply that keeps the session open, as a REPLACE_ALL is.
        player = DevicePlayer("0", activity=activity)
        player.follow([enqueue("1", "0")], session_open=True)
        assert (player.token, player.activity, player.starts) == ("1", "PAUSED", 0)
        player.session_ended()
        assert (player.activity, player.starts) == ("PLAYING", 1)
    # Playing or paused, it waits its turn; after another stream, it is ignored.
    for activity in ("PLAYING", "PAUSED"):
        player = DevicePlayer("0", activity=activity)
        player.follow([enqueue("1", "0")])
        assert (player.token, player.activity, player.starts) == ("0", activity, 0)
        assert [stream.token for stream in player.queue] == ["1"]
    player = DevicePlayer("0", activity="STOPPED")
    player.follow([enqueue("2", "1")])
    assert (player.token, player.activity, player.queue, player.starts) == ("0", "STOPPED", [], 0)
    # REPLACE_ENQUEUED too: the queue it replaces plays at once when nothing plays.
    replace = {**enqueue("1", "0"), "playBehavior": "REPLACE_ENQUEUED"}
    del replace["audioItem"]["stream"]["expectedPreviousToken"]
    for held in (DevicePlayer(), DevicePlayer("0", activity="STOPPED")):
        held.follow([replace])
        assert (held.token, held.activity, held.queue, held.starts) == ("1", "PLAYING", [], 1)
    player = DevicePlayer("0", activity="PLAYING")
    player.follow([replace])
    assert (player.token, [stream.token for stream in player.queue]) == ("0", ["1"])


def test_a_play_of_the_same_token_plays_on_after_the_old_one_s_stop() -> None:
    # A REPLACE_ALL Play of the token playing stops that stream and starts it anew: its
    # PlaybackStopped (chat sends it now, as the page does) made the player STOPPED, the stream
    # that replaced it lost.
    player = DevicePlayer("0", activity="PLAYING", offset_in_milliseconds=7_000)
    player.follow([AudioPlayer.Play(EPISODES[0], "0")._wire()])
    assert (player.stops, player.stopped) == (1, QueuedStream("0", None, 7_000))
    assert player.report("PlaybackStopped", {}) == {"token": "0", "offsetInMilliseconds": 7_000}
    assert (player.token, player.activity, player.offset_in_milliseconds) == ("0", "PLAYING", 0)
    # Told, a PlaybackStopped is the stream playing stopping.
    player.report("PlaybackStopped", {})
    assert player.activity == "STOPPED"


def test_after_a_playback_finished_that_raised_the_next_stream_queued_plays() -> None:
    # The skill's PlaybackFinished handler failed: Alexa heard its answer (HTTP 200, nothing
    # to do) and the device went on to the next stream queued, as with
    # raise_handler_errors=False. The test that goes on after the raise found the player
    # FINISHED, the queue waiting.
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackFinished")
    def finished() -> None:
        raise RuntimeError("kaboom")

    def held() -> DevicePlayer:
        return DevicePlayer("0", activity="PLAYING", queue=[QueuedStream("1", EPISODES[1])])

    with TestClient(skill, raise_handler_errors=False) as client:
        client.player = held()
        assert client.audio_event("PlaybackFinished").status_code == 200
        heard = (client.player.token, client.player.activity, client.player.queue)
    assert heard == ("1", "PLAYING", [])
    with TestClient(skill) as client:
        client.player = held()
        with pytest.raises(RuntimeError, match="kaboom"):
            client.audio_event("PlaybackFinished")
        assert (client.player.token, client.player.activity, client.player.queue) == heard


def test_an_enqueue_after_the_last_stream_queued_is_queued() -> None:
    # The AVS Device SDK's AudioPlayer checks expectedPreviousToken against the last stream
    # queued, or the stream held when none is: a second ENQUEUE follows the first.
    def enqueue(token: str, after: str) -> dict[str, Any]:
        stream = {"url": EPISODES[int(token) % 3], "token": token, "expectedPreviousToken": after}
        item = {"stream": stream}
        return {"type": "AudioPlayer.Play", "playBehavior": "ENQUEUE", "audioItem": item}

    player = DevicePlayer("0", activity="PLAYING")
    player.follow([enqueue("1", "0")])
    player.follow([enqueue("2", "1")])
    assert [stream.token for stream in player.queue] == ["1", "2"]
    player.follow([enqueue("3", "0")])  # no longer the last: ignored
    assert [stream.token for stream in player.queue] == ["1", "2"]
    player.activity = "FINISHED"  # ("0" is over)
    player.finished()
    assert (player.token, [stream.token for stream in player.queue]) == ("1", ["2"])


def test_a_second_enqueue_through_the_test_client_is_no_violation() -> None:
    # The request names the stream held ("0"), not the queue ("x"): the app cannot tell the
    # ENQUEUE after "x" is wrong, and it is not.
    with TestClient(_enqueuing("x")) as client:
        queue = [QueuedStream("x", EPISODES[2])]
        client.player = DevicePlayer("0", activity="PLAYING", queue=queue)
        result = client.audio_event("PlaybackNearlyFinished")
    assert result.violations == ()
    assert [stream.token for stream in client.player.queue] == ["x", "1"]


def test_the_player_says_which_enqueue_it_ignored() -> None:
    # The device ignored an ENQUEUE in silence: a test (and chat, which shows each) had only
    # the queue left unchanged to see it by.
    with TestClient(_enqueuing("episode-0")) as client:
        client.player = DevicePlayer("0", activity="PLAYING")
        client.audio_event("PlaybackNearlyFinished")
        assert client.player.ignored == [
            "the device ignores the ENQUEUE of 1: it expects episode-0, but the device follows 0"
        ]
    played = DevicePlayer()
    played.follow(
        [
            {
                "type": "AudioPlayer.Play",
                "playBehavior": "ENQUEUE",
                "audioItem": {"stream": {"url": "https://a/1.mp3", "token": "1"}},
            }
        ]
    )
    assert played.ignored == [
        "the device ignores the ENQUEUE of 1: it names no expectedPreviousToken, but the device "
        "follows no stream"
    ]
