"""The test client's audio player: what requests say it plays, its events, what the device does
of answers Alexa refuses, and player fields refused where they are given. (ENQUEUE is in
tests/test_testing_player_enqueue.py, a play held for the session in
tests/test_testing_player_sessions.py.)
"""

from __future__ import annotations

import re
from typing import Any, Final

import pytest

from alexaskill import Skill
from alexaskill.directives import AudioPlayer
from alexaskill.models import AudioPlayerRequest, Context
from alexaskill.responses import Response, speak
from alexaskill.testing import DevicePlayer, RequestFactory, TestClient
from alexaskill.testing.player import QueuedStream

from .conftest import SKILL_ID
from .testing_player_shared import EPISODES, _asking_podcast, _state


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
    assert client.player.describe() == "PLAYING 0 at 95,000 ms"


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


#: Values past any message's room, each quoted whole (a list of 5,000 tokens made a message of
#: 40,000 characters; an int past 4,300 digits, whose repr raises, a ValueError of its own).
_LARGE: Final = {
    "activity": "PLAYING" * 5_000,
    "offset_in_milliseconds": -(10**5_000),
    "token": ["ep-1"] * 5_000,
    "url": [b"x"] * 5_000,
    "queue": ["ep-2"] * 5_000,
}


@pytest.mark.parametrize("name", list(_LARGE))
def test_a_large_value_the_player_refuses_is_quoted_cut(name: str) -> None:
    player = DevicePlayer("ep-1")
    with pytest.raises(ValueError, match=rf"^{name} is ") as raised:
        setattr(player, name, _LARGE[name])
    assert len(str(raised.value)) < 400, str(raised.value)[:400]
    if name in ("token", "url", "offset_in_milliseconds"):
        with pytest.raises(ValueError, match=rf"^QueuedStream {name} is ") as raised:
            given: dict[str, Any] = {"token": "ep-2", name: _LARGE[name]}
            QueuedStream(**given)
        assert len(str(raised.value)) < 400, str(raised.value)[:400]


def test_an_audio_player_event_of_no_such_name_is_quoted_cut() -> None:
    with pytest.raises(ValueError, match=r"^no audio player event ") as raised:
        DevicePlayer("ep-1").report("Playback" * 5_000, {})
    assert len(str(raised.value)) < 400, str(raised.value)[:400]
