"""The test client's audio player: what requests say it plays, and an ENQUEUE after another."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from alexaskill import Skill, rules
from alexaskill.directives import AudioPlayer
from alexaskill.exceptions import RuleViolation
from alexaskill.models import AudioPlayerRequest, Context, IntentRequest, decode_envelope
from alexaskill.responses import Response, speak
from alexaskill.testing import DevicePlayer, RequestFactory, TestClient
from alexaskill.testing.player import QueuedStream

from .conftest import SKILL_ID

EPISODES = [f"https://cdn.example.com/podcast/episode-{n}.mp3" for n in range(3)]


def _podcast(seen: list[dict[str, object]]) -> Skill:
    """A skill playing EPISODES in turn, the token being the index, recording each context."""
    skill = Skill(SKILL_ID)

    def track(token: str) -> str:
        return EPISODES[int(token)]

    @skill.intent("PlayPodcast")
    def play(context: Context) -> Response:
        seen.append({"PlayPodcast": context.audio_player})
        return speak("Here it is.", directives=[AudioPlayer.Play(EPISODES[0], "0")])

    @skill.intent("AMAZON.PauseIntent")
    def pause(context: Context) -> Response:
        seen.append({"Pause": context.audio_player})
        return Response(directives=(AudioPlayer.Stop(),), should_end_session=True)

    @skill.intent("AMAZON.ResumeIntent")
    def resume(context: Context) -> Response:
        player = context.audio_player
        assert player is not None and player.token is not None
        seen.append({"Resume": player})
        return Response(
            directives=(
                AudioPlayer.Play(
                    track(player.token),
                    player.token,
                    offset_in_milliseconds=player.offset_in_milliseconds or 0,
                ),
            ),
            should_end_session=True,
        )

    @skill.on("AudioPlayer.PlaybackNearlyFinished")
    def nearly(request: AudioPlayerRequest) -> Response:
        assert request.token is not None
        following = str(int(request.token) + 1)
        return Response(
            directives=(
                AudioPlayer.Play(
                    track(following),
                    following,
                    play_behavior="ENQUEUE",
                    expected_previous_token=request.token,
                ),
            )
        )

    @skill.on("PlaybackController.NextCommandIssued")
    def next_(context: Context) -> Response:
        player = context.audio_player
        seen.append({"Next": player})
        assert player is not None and player.token is not None
        following = str(int(player.token) + 1)
        return Response(directives=(AudioPlayer.Play(track(following), following),))

    return skill


def _state(player: object) -> tuple[object, object, object]:
    return (
        getattr(player, "token", None),
        getattr(player, "offset_in_milliseconds", None),
        getattr(player, "player_activity", None),
    )


def test_requests_carry_what_the_player_plays_after_the_skill_answers() -> None:
    seen: list[dict[str, object]] = []
    with TestClient(_podcast(seen)) as client:
        client.intent("PlayPodcast")
        assert client.player.token == "0"
        assert client.player.activity == "PLAYING"
        assert client.player.url == EPISODES[0]
        client.player.offset_in_milliseconds = 95_000  # time passes as the test says
        client.intent("AMAZON.PauseIntent")
        assert client.player.activity == "STOPPED"
        client.intent("AMAZON.ResumeIntent")
    assert [(name, _state(p)) for entry in seen for name, p in entry.items()] == [
        ("PlayPodcast", (None, None, "IDLE")),
        ("Pause", ("0", 95_000, "PLAYING")),
        ("Resume", ("0", 95_000, "STOPPED")),
    ]
    assert client.player.describe() == "PLAYING 0 at 95000 ms"


def test_audio_events_come_from_the_player_and_the_queue_moves_on() -> None:
    seen: list[dict[str, object]] = []
    with TestClient(_podcast(seen)) as client:
        client.intent("PlayPodcast")
        started = client.audio_event("PlaybackStarted")
        assert started.request is not None and started.request["token"] == "0"
        client.audio_event("PlaybackNearlyFinished", offsetInMilliseconds=1_790_000)
        assert [stream.token for stream in client.player.queue] == ["1"]
        finished = client.audio_event("PlaybackFinished")
        assert finished.request is not None and finished.request["token"] == "0"
        # The device plays what was queued: the next event is about it.
        assert (client.player.token, client.player.activity) == ("1", "PLAYING")
        assert client.audio_event("PlaybackStarted").request["token"] == "1"  # type: ignore[index]
        client.send("PlaybackController.NextCommandIssued")
    assert _state(seen[-1]["Next"]) == ("1", 0, "PLAYING")
    assert client.player.token == "2"


def test_a_player_set_by_the_test_is_the_requests_context() -> None:
    seen: list[dict[str, object]] = []
    with TestClient(_podcast(seen)) as client:
        client.player = DevicePlayer("2", activity="PAUSED", offset_in_milliseconds=12_000)
        client.intent("AMAZON.ResumeIntent")
    assert _state(seen[0]["Resume"]) == ("2", 12_000, "PAUSED")
    assert (client.player.url, client.player.activity) == (EPISODES[2], "PLAYING")


def test_an_event_with_a_token_of_its_own_makes_the_context_agree() -> None:
    factory = RequestFactory()
    fields = factory.player.report("PlaybackStopped", {"token": "t", "offsetInMilliseconds": 5})
    assert fields == {"token": "t", "offsetInMilliseconds": 5}
    assert factory.context()["AudioPlayer"] == {
        "token": "t",
        "offsetInMilliseconds": 5,
        "playerActivity": "STOPPED",
    }


def test_an_audio_event_needs_a_stream() -> None:
    with TestClient(Skill(SKILL_ID)) as client, pytest.raises(ValueError, match="holds none"):
        client.audio_event("PlaybackStarted")
    with pytest.raises(ValueError, match="activity"):
        DevicePlayer(activity="SPINNING")


def test_an_audio_event_named_by_something_else_than_a_str_says_so() -> None:
    # audio_event({"type": "PlaybackStarted"}) said only "unhashable type: 'dict'".
    with TestClient(Skill(SKILL_ID)) as client:
        with pytest.raises(TypeError, match=r"event as a str \('PlaybackStarted'\), not \{"):
            client.audio_event({"type": "PlaybackStarted"})  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="no audio player event ''"):
            client.audio_event("")


def test_a_failed_stream_reports_its_error_and_the_state_before() -> None:
    with TestClient(Skill(SKILL_ID), raise_handler_errors=False) as client:
        client.player = DevicePlayer("t", activity="PLAYING", offset_in_milliseconds=7)
        failed = client.audio_event("PlaybackFailed")
    assert failed.request is not None
    assert failed.request["error"]["type"] == "MEDIA_ERROR_UNKNOWN"
    assert failed.request["currentPlaybackState"] == {
        "token": "t",
        "offsetInMilliseconds": 7,
        "playerActivity": "PLAYING",
    }
    assert client.player.activity == "STOPPED"


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
        assert client.player.describe() == "PLAYING 1 at 90000 ms, then 2"
        result = client.audio_event("PlaybackFailed", token="2")
        assert result.violations == ()
        assert result.request is not None
        state = result.request["currentPlaybackState"]
        assert (state["token"], state["playerActivity"]) == ("1", "PLAYING")
        assert client.player.describe() == "PLAYING 1 at 90000 ms, then 2b"
    assert seen == [("2", "1", "PLAYING")]


def _asking_podcast(seen: list[object]) -> Skill:
    """A skill whose Play keeps the session open (a rule violation Alexa takes: it pauses the
    stream at once to listen), recording the context each request carries."""
    from alexaskill.responses import ask

    skill = Skill(SKILL_ID)

    @skill.intent("PlayAndAsk")
    def play_and_ask(context: Context) -> Response:
        seen.append(_state(context.audio_player))
        return ask("Here it is. Another?", directives=[AudioPlayer.Play(EPISODES[0], "0")])

    @skill.intent("AMAZON.NoIntent")
    def no(context: Context) -> Response:
        seen.append(_state(context.audio_player))
        return speak("Enjoy.")

    @skill.intent("AMAZON.StopIntent")
    def stop(context: Context) -> Response:
        seen.append(_state(context.audio_player))
        return speak("Goodbye.", directives=[AudioPlayer.Stop()])

    return skill


def test_a_play_with_the_session_open_is_paused_until_the_session_ends() -> None:
    # Alexa sends the stream, then pauses it at once to listen for the user's answer: the
    # player held it PLAYING (and chat sent PlaybackStarted for it) while the user heard none.
    seen: list[object] = []
    with TestClient(_asking_podcast(seen), raise_handler_errors=False) as client:
        result = client.intent("PlayAndAsk")
        [violation] = result.violations
        assert violation.kept
        assert (client.player.token, client.player.activity) == ("0", "PAUSED")
        assert client.player.starts == 0
        client.intent("AMAZON.NoIntent")  # the answer ends the session: the stream plays
        assert client.player.activity == "PLAYING"
        assert client.player.starts == 1
    assert seen == [(None, None, "IDLE"), ("0", 0, "PAUSED")]


def test_a_paused_stream_stopped_before_the_session_ends_stays_stopped() -> None:
    seen: list[object] = []
    with TestClient(_asking_podcast(seen), raise_handler_errors=False) as client:
        client.intent("PlayAndAsk")
        client.intent("AMAZON.StopIntent")
        assert client.player.activity == "STOPPED"
        assert client.player.starts == 0


def test_a_paused_stream_plays_when_the_user_stays_silent_and_the_session_ends() -> None:
    with TestClient(_asking_podcast([]), raise_handler_errors=False) as client:
        client.intent("PlayAndAsk")
        client.session_ended(reason="EXCEEDED_MAX_REPROMPTS")
        assert (client.player.activity, client.player.starts) == ("PLAYING", 1)


def test_the_player_pauses_a_play_that_keeps_the_session_open() -> None:
    player = DevicePlayer()
    play = {
        "type": "AudioPlayer.Play",
        "audioItem": {"stream": {"url": EPISODES[1], "token": "1", "offsetInMilliseconds": 0}},
    }
    player.follow([play], session_open=True)
    assert player.describe() == "PAUSED 1 at 0 ms"
    player.session_ended()
    assert (player.activity, player.starts) == ("PLAYING", 1)
    player.session_ended()  # once
    assert player.starts == 1
    player.follow([play])  # the session closed: it plays at once
    assert (player.activity, player.starts) == ("PLAYING", 2)


def test_a_paused_stream_plays_once_the_client_forgets_its_session() -> None:
    # The stream outlived its session: the next session's requests said it was PAUSED, and a
    # NoIntent ending that later session started it.
    seen: list[object] = []
    with TestClient(_asking_podcast(seen), raise_handler_errors=False) as client:
        client.intent("PlayAndAsk")
        client.new_session()
        assert (client.player.activity, client.player.starts) == ("PLAYING", 1)
        client.intent("AMAZON.NoIntent")
        assert (client.player.activity, client.player.starts) == ("PLAYING", 1)
    assert seen == [(None, None, "IDLE"), ("0", 0, "PLAYING")]


def test_a_failed_request_ends_the_session_and_the_paused_stream_plays() -> None:
    from types import SimpleNamespace

    player = DevicePlayer()
    play = {"type": "AudioPlayer.Play", "audioItem": {"stream": {"url": EPISODES[0], "token": "0"}}}
    player.follow([play], session_open=True)
    envelope = {"session": {"sessionId": "s"}, "request": {"type": "IntentRequest"}}
    failed = SimpleNamespace(status_code=500, directives=(), should_end_session=None)
    player.answered(envelope, failed)  # type: ignore[arg-type]
    assert (player.activity, player.starts) == ("PLAYING", 1)


@pytest.mark.parametrize(
    ("interfaces", "activity"),
    [(["AudioPlayer"], "PLAYING"), (["AudioPlayer", "Alexa.Presentation.APL"], "PAUSED")],
)
def test_an_answer_leaving_should_end_session_out_ends_the_session_on_a_speaker(
    interfaces: list[str], activity: str
) -> None:
    # A device without a screen ends the session then (one with a screen keeps it open): the
    # stream paused while Alexa listened plays.
    from types import SimpleNamespace

    player = DevicePlayer()
    play = {"type": "AudioPlayer.Play", "audioItem": {"stream": {"url": EPISODES[0], "token": "0"}}}
    player.follow([play], session_open=True)
    device: dict[str, Any] = {"supportedInterfaces": {name: {} for name in interfaces}}
    envelope = {
        "session": {"sessionId": "s"},
        "context": {"System": {"device": device}},
        "request": {"type": "IntentRequest"},
    }
    answer = SimpleNamespace(status_code=200, directives=[], should_end_session=None)
    player.answered(envelope, answer)  # type: ignore[arg-type]
    assert player.activity == activity


@pytest.mark.parametrize(
    "delegate",
    [{"type": "Dialog.Delegate"}, {"type": "Dialog.ElicitSlot", "slotToElicit": "episode"}],
)
def test_a_dialog_directive_leaving_should_end_session_out_keeps_the_session_on_a_speaker(
    delegate: dict[str, Any],
) -> None:
    # A dialog directive waits for the user's answer: the session goes on, on a speaker too,
    # and the stream paused while Alexa listens stays paused.
    from types import SimpleNamespace

    player = DevicePlayer()
    play = {"type": "AudioPlayer.Play", "audioItem": {"stream": {"url": EPISODES[0], "token": "0"}}}
    player.follow([play], session_open=True)
    device: dict[str, Any] = {"supportedInterfaces": {"AudioPlayer": {}}}
    envelope = {
        "session": {"sessionId": "s"},
        "context": {"System": {"device": device}},
        "request": {"type": "IntentRequest"},
    }
    answer = SimpleNamespace(status_code=200, directives=[delegate], should_end_session=None)
    player.answered(envelope, answer)  # type: ignore[arg-type]
    assert (player.activity, player.starts) == ("PAUSED", 0)


@pytest.mark.parametrize(
    "request_type", ["AudioPlayer.PlaybackStarted", "PlaybackController.NextCommandIssued"]
)
def test_a_device_without_audio_player_sends_no_audio_player_request(request_type: str) -> None:
    # Alexa sends AudioPlayer events and PlaybackController presses from a device that plays the
    # skill's streams only: from any other, the skill never hears them.
    with TestClient(_podcast([]), interfaces=("Display",)) as client:
        with pytest.raises(ValueError, match=rf"{request_type}.*declares no AudioPlayer"):
            client.send(request_type, token="0", offsetInMilliseconds=0)
        assert client.api.call_count == 0 and client.last is None


def test_an_event_about_the_queued_stream_moves_the_player_on_to_it() -> None:
    # The device reached the queued stream (its PlaybackStarted sent before any
    # PlaybackFinished): it holds that stream, with its URL, and the queue no longer has it,
    # so that its PlaybackFinished leaves the player FINISHED, not playing it a second time.
    player = DevicePlayer("0", activity="PLAYING")
    play = {
        "type": "AudioPlayer.Play",
        "playBehavior": "ENQUEUE",
        "audioItem": {"stream": {"url": EPISODES[1], "token": "1", "expectedPreviousToken": "0"}},
    }
    player.follow([play])
    assert player.report("PlaybackStarted", {"token": "1"})["token"] == "1"
    assert (player.token, player.url, player.queue) == ("1", EPISODES[1], [])
    player.report("PlaybackFinished", {})
    player.finished()
    assert (player.token, player.activity) == ("1", "FINISHED")


def test_a_directive_that_stops_a_playing_stream_counts_a_playback_stopped() -> None:
    # Amazon's AudioPlayer reference: the device sends PlaybackStopped when a Stop, or a
    # ClearQueue with CLEAR_ALL, stops its stream; the player counted only the streams started.
    stop = {"type": "AudioPlayer.Stop"}
    player = DevicePlayer("0", activity="PLAYING")
    player.follow([stop])
    assert (player.activity, player.stops) == ("STOPPED", 1)
    player.follow([stop])  # nothing playing: nothing stopped
    assert player.stops == 1
    player = DevicePlayer("0", activity="PLAYING")
    player.follow([{"type": "AudioPlayer.ClearQueue", "clearBehavior": "CLEAR_ENQUEUED"}])
    assert (player.activity, player.stops) == ("PLAYING", 0)
    player.follow([{"type": "AudioPlayer.ClearQueue", "clearBehavior": "CLEAR_ALL"}])
    assert (player.activity, player.stops) == ("STOPPED", 1)
    # A stream paused at once for the session never started: its Stop reports nothing.
    play = AudioPlayer.Play(EPISODES[0], "0")._wire()
    player = DevicePlayer()
    player.follow([play], session_open=True)
    player.follow([stop])
    assert (player.activity, player.stops, player.starts) == ("STOPPED", 0, 0)


def test_a_play_replacing_the_stream_playing_reports_that_one_stopped() -> None:
    # Amazon's AudioPlayer reference: a REPLACE_ALL Play stops the stream playing, and the
    # device sends PlaybackStopped of it; the player counted no stop, and a PlaybackStopped
    # of the old token made the player hold that one again, STOPPED, the new one lost.
    player = DevicePlayer("0", activity="PLAYING", offset_in_milliseconds=7_000)
    player.follow([AudioPlayer.Play(EPISODES[1], "1")._wire()])
    assert (player.stops, player.stopped) == (1, QueuedStream("0", None, 7_000))
    assert player.report("PlaybackStopped", {"token": "0"}) == {
        "token": "0",
        "offsetInMilliseconds": 7_000,
    }
    assert (player.token, player.activity, player.url) == ("1", "PLAYING", EPISODES[1])
    # Played again from the start (the same token), or after a Stop: no second stop counted.
    player.follow([{"type": "AudioPlayer.Stop"}])
    player.follow([AudioPlayer.Play(EPISODES[1], "1")._wire()])
    assert (player.stops, player.stopped) == (2, QueuedStream("1", EPISODES[1], 0))


def _answer(request_type: str, response: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    from alexaskill.testing import SkillResponse

    request = {"type": request_type}
    return {"request": request}, SkillResponse(200, {"version": "1.0", "response": response})


def test_the_device_does_nothing_of_an_answer_alexa_refuses_to_an_audio_event() -> None:
    # Over HTTP (chat --url) the answer comes from any server: a Play in reply to
    # PlaybackStarted ("Can't respond with more than 0 play directives"), or speech in reply to
    # a media button, is refused whole by Alexa; the player played the stream all the same.
    play = AudioPlayer.Play(EPISODES[1], "1")._wire()
    speech = {"type": "PlainText", "text": "Next one."}
    refused: list[tuple[str, dict[str, Any]]] = [
        ("AudioPlayer.PlaybackStarted", {"directives": [play]}),
        ("AudioPlayer.PlaybackStopped", {"directives": [{"type": "AudioPlayer.Stop"}]}),
        ("PlaybackController.NextCommandIssued", {"outputSpeech": speech, "directives": [play]}),
        ("AudioPlayer.PlaybackNearlyFinished", {"directives": [{"type": "AudioPlayer.Pause"}]}),
    ]
    for request_type, response in refused:
        player = DevicePlayer("0", activity="PLAYING")
        player.answered(*_answer(request_type, response))
        assert (player.token, player.activity, player.starts) == ("0", "PLAYING", 0), request_type
    # What Alexa takes, the device does.
    player = DevicePlayer("0", activity="PLAYING")
    player.answered(*_answer("PlaybackController.NextCommandIssued", {"directives": [play]}))
    assert (player.token, player.activity, player.starts) == ("1", "PLAYING", 1)
    player.answered(
        *_answer("AudioPlayer.PlaybackStarted", {"directives": [{"type": "AudioPlayer.Stop"}]})
    )
    assert player.activity == "STOPPED"


def test_the_device_does_nothing_of_an_answer_with_a_directive_that_is_no_object() -> None:
    # Over HTTP (chat --url) the answer comes from any server: a directive that is no JSON
    # object (`"directives": [5]`) made `answered` fail with AttributeError ('int' object has
    # no attribute 'get'), and chat said "the turn failed". Alexa refuses such an answer whole.
    play = AudioPlayer.Play(EPISODES[1], "1")._wire()
    for request_type in ("IntentRequest", "AudioPlayer.PlaybackStarted"):
        player = DevicePlayer("0", activity="PLAYING")
        player.answered(*_answer(request_type, {"directives": [play, 5]}))
        assert (player.token, player.activity, player.starts) == ("0", "PLAYING", 0)


def test_a_directive_whose_type_is_no_string_is_refused_not_an_error() -> None:
    # `{"type": ["x"]}` from a server (chat --url): _alexa_takes and ends_session looked the
    # type up in a set, a TypeError (unhashable type: 'list'); Alexa refuses such an answer.
    play = AudioPlayer.Play(EPISODES[1], "1")._wire()
    for request_type in (
        "LaunchRequest",
        "AudioPlayer.PlaybackStarted",
        "PlaybackController.NextCommandIssued",
    ):
        player = DevicePlayer("0", activity="PLAYING")
        player.answered(*_answer(request_type, {"directives": [play, {"type": ["x"]}]}))
        assert (player.token, player.activity, player.starts) == ("0", "PLAYING", 0)


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


def test_a_request_in_a_session_of_its_own_leaves_the_paused_stream_paused() -> None:
    # A CanFulfillIntentRequest probe, or a replayed request, comes in a session that is not the
    # client's: its answer ending that session started the stream paused for the client's,
    # which was still open (the user had not answered yet).
    skill = _asking_podcast([])

    @skill.can_fulfill("AMAZON.NoIntent")
    def probe() -> None:
        return None

    with TestClient(skill, raise_handler_errors=False) as client:
        client.intent("PlayAndAsk")
        assert client.player.activity == "PAUSED"
        client.can_fulfill("AMAZON.NoIntent")
        help_request = RequestFactory(skill_id=SKILL_ID).envelope(
            "IntentRequest", intent={"name": "AMAZON.NoIntent", "confirmationStatus": "NONE"}
        )
        client.replay(help_request)
        assert (client.player.activity, client.player.starts) == ("PAUSED", 0)
        client.intent("AMAZON.NoIntent")  # the client's session ends: now it plays
        assert (client.player.activity, client.player.starts) == ("PLAYING", 1)


def test_a_play_of_the_same_token_held_for_the_session_outlives_the_old_one_s_stop() -> None:
    # A REPLACE_ALL Play of the token playing, in a reply keeping the session open: the stream
    # playing stops (its PlaybackStopped, as chat and the page send it) and the new one is held
    # paused while Alexa listens. That PlaybackStopped made the player STOPPED, the held stream
    # lost: it never played once the session ended.
    player = DevicePlayer("0", activity="PLAYING", offset_in_milliseconds=7_000)
    player.follow([AudioPlayer.Play(EPISODES[0], "0")._wire()], session_open=True)
    assert (player.activity, player.paused_for_session, player.stops) == ("PAUSED", True, 1)
    assert player.report("PlaybackStopped", {}) == {"token": "0", "offsetInMilliseconds": 7_000}
    assert (player.token, player.activity, player.paused_for_session) == ("0", "PAUSED", True)
    player.session_ended()
    assert (player.activity, player.starts) == ("PLAYING", 1)


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


def test_a_device_without_an_audio_player_holds_no_stream() -> None:
    # As the simulator's page drops its player when AudioPlayer is unticked: the client's
    # player went on holding the stream on a device that plays none (and started the one
    # paused for the session), so AudioPlayer declared again found it PLAYING.
    seen: list[object] = []
    with TestClient(_asking_podcast(seen), raise_handler_errors=False) as client:
        client.intent("PlayAndAsk")
        queued = QueuedStream("1", EPISODES[1])
        client.player.queue.append(queued)
        assert (client.player.token, client.player.activity) == ("0", "PAUSED")
        client.interfaces = ("Display",)
        player = client.player
        assert (player.token, player.url, player.activity, player.queue) == (None, None, "IDLE", [])
        assert (player.starts, player.paused_for_session) == (0, False)
        client.interfaces = ("AudioPlayer",)
        client.intent("AMAZON.NoIntent")
        # Interfaces that keep AudioPlayer keep the player (the page's too): the session over,
        # the stream paused for it plays.
        client.intent("PlayAndAsk")
        client.interfaces = ("AudioPlayer", "Display")
        assert (client.player.token, client.player.activity) == ("0", "PLAYING")
    assert seen == [(None, None, "IDLE"), (None, None, "IDLE"), (None, None, "IDLE")]


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


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        # Taken, and the player failed at its next use of the queue (describe(), a Play with
        # ENQUEUE: an AttributeError), far from the mistake; a url no str kept as it was.
        ("url", 5, r"^url is 5: the stream's URL \(a str\), or None$"),
        ("queue", "ep-2", r"^queue is 'ep-2': a list of QueuedStream"),
        ("queue", ["ep-2"], r"^queue is \['ep-2'\]: a list of QueuedStream"),
    ],
)
def test_a_player_field_of_the_wrong_kind_is_refused_where_it_is_given(
    field: str, value: Any, said: str
) -> None:
    with pytest.raises(ValueError, match=said):
        DevicePlayer(**{field: value})
    player = DevicePlayer("ep-1")
    with pytest.raises(ValueError, match=said):
        setattr(player, field, value)
    assert (player.url, player.queue) == (None, [])


@pytest.mark.parametrize("blank", ["", " ", "\t\n"])
def test_an_empty_or_blank_player_token_is_refused_as_other_blank_ids_are(blank: str) -> None:
    # DevicePlayer("") and client.player.token = " " were taken: the requests then named a
    # stream "" or " " in context.AudioPlayer, which no Play of Alexa's gives.
    said = rf"^token is {re.escape(repr(blank))}: the stream's token \(a str, not empty nor"
    with pytest.raises(ValueError, match=said):
        DevicePlayer(blank)
    player = DevicePlayer("ep-1")
    with pytest.raises(ValueError, match=said):
        player.token = blank
    assert player.token == "ep-1"
    # An event's own token is the test's request, sent as given (a bad one, to see the skill
    # refuse it), "" as " ": the player does not take it.
    with TestClient(Skill(SKILL_ID), raise_handler_errors=False) as client:
        client.player.token = "ep-1"
        sent = client.audio_event("PlaybackStarted", token=blank).request
        assert sent is not None and sent["token"] == blank
        assert client.player.token == "ep-1"
    # A skill's Play of a blank token (the directive takes any but an empty one) is followed:
    # the device holds what the skill gave, and the test sees it.
    skill = Skill(SKILL_ID)

    @skill.intent("Play")
    def play() -> Response:
        return speak("Here.", directives=[AudioPlayer.Play(EPISODES[0], " ")])

    with TestClient(skill) as client:
        client.intent("Play")
        assert client.player.token == " "


def test_an_event_of_a_blank_token_the_skill_played_names_that_stream() -> None:
    # A skill's Play of " " is followed (the device holds " "), but the device's own events of
    # it were then sent with no token, offset nor playback state, as if nothing were held.
    skill = Skill(SKILL_ID)

    @skill.intent("Play")
    def play() -> Response:
        return speak("Here.", directives=[AudioPlayer.Play(EPISODES[0], " ")])

    with TestClient(skill, raise_handler_errors=False) as client:
        client.intent("Play")
        sent = client.audio_event("PlaybackStarted").request
    assert sent is not None and sent["token"] == " "
    assert sent["offsetInMilliseconds"] == 0


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({"url": 5}, r"^QueuedStream url is 5: the stream's URL \(a str\), or None$"),
        ({"url": b"x"}, r"^QueuedStream url is b'x': the stream's URL \(a str\), or None$"),
        ({"offset_in_milliseconds": -1}, r"^QueuedStream offset_in_milliseconds is -1: a numb"),
        ({"offset_in_milliseconds": True}, r"^QueuedStream offset_in_milliseconds is True: a "),
        ({"offset_in_milliseconds": 1.5}, r"^QueuedStream offset_in_milliseconds is 1\.5: a "),
    ],
    ids=["url-int", "url-bytes", "offset-negative", "offset-bool", "offset-float"],
)
def test_a_queued_stream_of_a_url_or_offset_no_play_gives_is_refused(
    given: dict[str, Any], said: str
) -> None:
    # Taken where made; the player raised DevicePlayer's ValueError only once the stream came
    # up (finished() after a PlaybackFinished), its token already changed to the stream's.
    with pytest.raises(ValueError, match=said):
        QueuedStream("ep-2", **given)
    player = DevicePlayer("ep-1", activity="PLAYING", queue=[QueuedStream("ep-2", EPISODES[2], 7)])
    player.report("PlaybackFinished", {})
    player.finished()  # (a good one plays on)
    assert (player.token, player.url, player.offset_in_milliseconds) == ("ep-2", EPISODES[2], 7)
