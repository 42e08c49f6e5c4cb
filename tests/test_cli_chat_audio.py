"""``alexaskill chat`` with an audio skill: the device's player, its events and media buttons."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli import main

from .chat_transports import mock_http_transport
from .conftest import SKILL_ID
from .skill_modules import skill_module

PODCAST = f"""
from alexaskill import Context, Response, Skill, speak
from alexaskill.directives import APL, AudioPlayer

skill = Skill({SKILL_ID!r})
EPISODES = [f"https://cdn.example.com/episode-{{n}}.mp3" for n in range(3)]


@skill.launch
def launch():
    return speak("Playing episode zero.", directives=[AudioPlayer.Play(EPISODES[0], "0")])


@skill.intent("AMAZON.PauseIntent")
def pause(context: Context):
    player = context.audio_player
    if player is None or player.player_activity != "PLAYING":
        return speak("Nothing is playing.")
    return Response(directives=(AudioPlayer.Stop(),), should_end_session=True)


@skill.intent("AMAZON.ResumeIntent")
def resume(context: Context):
    player = context.audio_player
    if player is None or player.token is None:
        return speak("There is nothing to resume.")
    play = AudioPlayer.Play(
        EPISODES[int(player.token)], player.token,
        offset_in_milliseconds=player.offset_in_milliseconds or 0,
    )
    return Response(directives=(play,), should_end_session=True)


@skill.on("AudioPlayer.PlaybackNearlyFinished")
def nearly(context: Context):
    token = context.audio_player.token
    following = str(int(token) + 1)
    play = AudioPlayer.Play(
        EPISODES[int(following)], following, play_behavior="ENQUEUE",
        expected_previous_token=token,
    )
    return Response(directives=(play,))


@skill.on("PlaybackController.NextCommandIssued")
def next_(context: Context):
    following = str(int(context.audio_player.token) + 1)
    return Response(directives=(AudioPlayer.Play(EPISODES[int(following)], following),))


@skill.intent("ShowArt", utterances=["show the cover"])
def show_art():
    document = {{"type": "APL", "version": "2024.3", "mainTemplate": {{"items": []}}}}
    return Response(directives=(APL.RenderDocument(document),))


@skill.intent("PlayAndAsk", utterances=["play and ask"])
def play_and_ask():
    from alexaskill import ask

    return ask("Here it is. Another?", directives=[AudioPlayer.Play(EPISODES[0], "0")])


@skill.intent("AMAZON.StopIntent")
def stop():
    return speak("Goodbye.")
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from skill_module(tmp_path, monkeypatch, "podcast", PODCAST)


def chat(monkeypatch: pytest.MonkeyPatch, stdin: str, *options: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    argv = ["chat", "podcast:skill", "--invocation", "the podcast", *options]
    code = main(argv, stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    return out.getvalue()


def _after(out: str, line: str) -> str:
    """What the chat printed for input ``line`` (up to the next input)."""
    return out.split(f"> {line}\n", 1)[1].split("\n> ", 1)[0]


def test_the_player_follows_the_skill_and_playback_intents_carry_it(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = chat(
        monkeypatch,
        "open the podcast\n/audio started\npause\nresume\n/audio nearly\n/audio finished\n"
        "/button next\n/player\n",
        "--audio-events",
        "manual",
    )
    assert _after(out, "open the podcast") == (
        "  → LaunchRequest\n"
        "  skill:      Playing episode zero.\n"
        "  directives: AudioPlayer.Play\n"
        "  player:     PLAYING 0 at 0 ms\n"
        "  session:    ended"
    )
    # The player already plays the stream: no row for a state that did not change.
    assert _after(out, "/audio started").rstrip("\n") == "  → AudioPlayer.PlaybackStarted 0 at 0 ms"
    # "pause" outside the session reaches the skill whose audio plays, with the player's state.
    paused = _after(out, "pause")
    assert "→ IntentRequest AMAZON.PauseIntent" in paused
    assert "directives: AudioPlayer.Stop" in paused
    assert "player:     STOPPED 0 at 0 ms" in paused
    resumed = _after(out, "resume")
    assert "→ IntentRequest AMAZON.ResumeIntent" in resumed
    assert "player:     PLAYING 0 at 0 ms" in resumed
    assert "player:     PLAYING 0 at 0 ms, then 1" in _after(out, "/audio nearly")
    assert _after(out, "/audio finished") == (
        "  → AudioPlayer.PlaybackFinished 0 at 0 ms\n  player:     PLAYING 1 at 0 ms"
    )
    assert "→ PlaybackController.NextCommandIssued" in _after(out, "/button next")
    assert _after(out, "/player").rstrip() == "  player:     PLAYING 2 at 0 ms"


def test_audio_commands_need_a_stream_and_know_their_words(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = chat(monkeypatch, "/audio started\n/audio sideways\n/button eject\n/player\n")
    assert "  (the player holds no stream: open the skill and have it play one)\n" in out
    words = "one of started, nearly, finished, stopped, failed"
    assert f"  (/audio sideways: /audio takes {words})\n" in out
    assert "  (/button eject: /button takes one of play, pause, next, previous)\n" in out
    assert _after(out, "/player").rstrip() == "  player:     IDLE"


def test_a_media_button_of_a_device_that_never_played_the_skill_reaches_nothing(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alexa sends PlaybackController requests to the skill playing, or the one that played
    # last: a device that never held a stream of the skill's sends it none.
    out = chat(monkeypatch, "/button next\n")
    assert _after(out, "/button next").rstrip("\n") == (
        "  (the player holds no stream: open the skill and have it play one)"
    )


def test_a_reply_the_speaker_cannot_show_is_reported(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = chat(monkeypatch, "ask the podcast to show the cover\n")
    shown = _after(out, "ask the podcast to show the cover")
    assert "  dropped:    Alexa.Presentation.APL.RenderDocument (the device lacks it)\n" in shown
    assert "  violation:  " in shown
    assert "nothing is left for the user to hear" in shown


def test_over_http_the_transport_s_player_reports_and_moves_on() -> None:
    from alexaskill.cli.chat_audio import device_request
    from alexaskill.testing import DevicePlayer, RequestFactory, SkillResponse

    class Transport:
        """As chat_http.HttpTransport: a factory, and send()."""

        def __init__(self) -> None:
            self.factory = RequestFactory()
            self.sent: list[dict[str, object]] = []

        def send(self, request: dict[str, object], *, new_session: bool) -> SkillResponse:
            self.sent.append({**request, "new_session": new_session})
            return SkillResponse(200, {"version": "1.0", "response": {}}, request=request)

    transport = Transport()
    assert isinstance(device_request(None, transport, ["audio", "started"]), str)
    transport.factory.player = DevicePlayer("0", activity="PLAYING", offset_in_milliseconds=5)
    transport.factory.player.follow(
        [
            {
                "type": "AudioPlayer.Play",
                "playBehavior": "ENQUEUE",
                "audioItem": {"stream": {"token": "1", "expectedPreviousToken": "0"}},
            }
        ]
    )
    device_request(None, transport, ["audio", "finished"])
    device_request(None, transport, ["button", "Pause"])
    assert device_request(None, transport, ["button", "eject"]) is None
    assert transport.sent == [
        {
            "type": "AudioPlayer.PlaybackFinished",
            "token": "0",
            "offsetInMilliseconds": 5,
            "new_session": False,
        },
        {"type": "PlaybackController.PauseCommandIssued", "new_session": False},
    ]
    assert transport.factory.player.describe() == "PLAYING 1 at 0 ms"


STARTED = "  → AudioPlayer.PlaybackStarted {} at 0 ms (sent by the device on its own)"


def test_the_device_reports_each_stream_it_starts_on_its_own(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A device sends AudioPlayer.PlaybackStarted as soon as a stream plays; chat sent it only
    # when the user typed /audio started.
    out = chat(
        monkeypatch,
        "open the podcast\npause\nresume\n/audio nearly\n/audio finished\n/button next\n",
    )
    assert _after(out, "open the podcast") == (
        "  → LaunchRequest\n"
        "  skill:      Playing episode zero.\n"
        "  directives: AudioPlayer.Play\n"
        "  player:     PLAYING 0 at 0 ms\n"
        "  session:    ended\n" + STARTED.format(0)
    )
    assert "PlaybackStarted" not in _after(out, "pause")  # a Stop starts nothing
    assert _after(out, "resume").endswith(STARTED.format(0))  # a Play again: a new start
    assert "PlaybackStarted" not in _after(out, "/audio nearly")  # ENQUEUE: queued, not started
    # The queued stream plays once the first finishes, and the device says so.
    assert _after(out, "/audio finished") == (
        "  → AudioPlayer.PlaybackFinished 0 at 0 ms\n  player:     PLAYING 1 at 0 ms\n"
        + STARTED.format(1)
    )
    assert _after(out, "/button next").rstrip("\n").endswith(STARTED.format(2))
    assert out.count("PlaybackStarted") == 4


def test_manual_audio_events_leave_playback_started_to_the_user(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = chat(monkeypatch, "open the podcast\n/audio started\n", "--audio-events", "manual")
    assert "PlaybackStarted" not in _after(out, "open the podcast")
    assert _after(out, "/audio started").rstrip("\n") == "  → AudioPlayer.PlaybackStarted 0 at 0 ms"


def test_a_play_with_the_session_open_waits_for_the_session_to_end(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The chat said the stream was paused at once (the violation), showed it PLAYING and sent
    # PlaybackStarted for it all the same.
    out = chat(monkeypatch, "ask the podcast to play and ask\n/player\nstop\n")
    asked = _after(out, "ask the podcast to play and ask")
    assert "  violation:  " in asked and "the stream is paused at once" in asked
    assert "  player:     PAUSED 0 at 0 ms\n" in asked
    assert "PlaybackStarted" not in asked
    assert _after(out, "/player") == "  player:     PAUSED 0 at 0 ms"
    stopped = _after(out, "stop")
    assert "  skill:      Goodbye.\n" in stopped
    # The session over, Alexa resumes what it paused, and the device says so.
    assert "  player:     PLAYING 0 at 0 ms\n  session:    ended\n" in stopped
    assert stopped.rstrip("\n").endswith(STARTED.format(0))


def test_a_paused_stream_plays_once_chat_forgets_the_session(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /device (a new session) left the stream PAUSED, as if the old session went on.
    out = chat(monkeypatch, "ask the podcast to play and ask\n/device screen\n/player\n")
    assert _after(out, "/player").startswith("  player:     PLAYING 0 at 0 ms")


def test_a_paused_stream_plays_once_a_failed_turn_ends_the_session(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alexaskill.testing import talking

    send = talking.ClientTransport.send

    def broken(self: object, request: dict[str, object], *, new_session: bool) -> object:
        if request.get("type") == "IntentRequest" and "Show" in str(request.get("intent")):
            raise ConnectionError("the line dropped")
        return send(self, request, new_session=new_session)  # type: ignore[arg-type]

    monkeypatch.setattr(talking.ClientTransport, "send", broken)
    out = chat(monkeypatch, "ask the podcast to play and ask\nshow the cover\n/player\n")
    assert "  the turn failed: ConnectionError: the line dropped\n" in out
    assert _after(out, "/player").startswith("  player:     PLAYING 0 at 0 ms")


def test_over_http_a_play_keeping_the_session_open_is_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import httpx

    play = {  # (playBehavior: without it, Alexa refuses the answer, as the app does)
        "type": "AudioPlayer.Play",
        "playBehavior": "REPLACE_ALL",
        "audioItem": {"stream": {"url": "https://a/0.mp3", "token": "0"}},
    }
    answers = [
        {"version": "1.0", "response": {"directives": [play], "shouldEndSession": False}},
        {"version": "1.0", "response": {"shouldEndSession": True}},
    ]

    def skill(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps(answers.pop(0)).encode())

    transport = mock_http_transport(tmp_path, monkeypatch, skill)
    try:
        transport.send({"type": "LaunchRequest"}, new_session=True)
        player = transport.factory.player
        assert (player.activity, player.starts) == ("PAUSED", 0)
        transport.send(
            {"type": "IntentRequest", "intent": {"name": "AMAZON.NoIntent"}}, new_session=False
        )
        assert (player.activity, player.starts) == ("PLAYING", 1)
    finally:
        transport.close()


def test_over_http_an_event_s_answer_leaves_the_session_s_attributes_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alexa ignores the session in the answer to a request sent outside one (a media button,
    # an audio event): its sessionAttributes were taken into the user's session all the same.
    import json

    import httpx

    answers = [
        {
            "version": "1.0",
            "sessionAttributes": {"kept": 1},
            "response": {"shouldEndSession": False},
        },
        {"version": "1.0", "sessionAttributes": {"stray": 2}, "response": {}},
        {"version": "1.0", "response": {"shouldEndSession": True}},
    ]
    bodies: list[dict[str, Any]] = []

    def skill(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200, content=json.dumps(answers.pop(0)).encode())

    transport = mock_http_transport(tmp_path, monkeypatch, skill)
    try:
        transport.send({"type": "LaunchRequest"}, new_session=True)
        transport.send({"type": "PlaybackController.NextCommandIssued"}, new_session=False)
        transport.send(
            {"type": "IntentRequest", "intent": {"name": "AMAZON.HelpIntent"}}, new_session=False
        )
    finally:
        transport.close()
    assert "session" not in bodies[1]
    assert bodies[2]["session"]["attributes"] == {"kept": 1}
    assert bodies[2]["session"]["new"] is False


def test_an_event_no_device_sends_from_the_players_state_is_refused(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stream that finished or stopped was reported finished, nearly finished or stopped
    # again, and the skill answered events no device sends.
    out = chat(
        monkeypatch,
        "open the podcast\n/audio stopped\n/audio stopped\n/audio finished\n/audio nearly\n",
    )
    assert _after(out, "/audio stopped").startswith("  → AudioPlayer.PlaybackStopped 0 at 0 ms")
    assert out.count("→ AudioPlayer.PlaybackStopped") == 1
    assert "→ AudioPlayer.PlaybackFinished" not in out
    assert "→ AudioPlayer.PlaybackNearlyFinished" not in out
    assert (
        "> /audio stopped\n  (the player is STOPPED: a device sends PlaybackStopped only of a "
        "stream playing or paused)\n"
    ) in out
    assert (
        "> /audio finished\n  (the player is STOPPED: a device sends PlaybackFinished only of a "
        "stream playing)\n"
    ) in out


STOPPED = "  → AudioPlayer.PlaybackStopped 0 at 0 ms (sent by the device on its own)"


def test_the_device_reports_a_stream_a_directive_stops_on_its_own(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A device sends AudioPlayer.PlaybackStopped when a Stop stops its stream (Amazon's
    # AudioPlayer reference); chat sent none, and refused /audio stopped once the player was
    # STOPPED: the skill's PlaybackStopped handler never ran after "pause".
    out = chat(monkeypatch, "open the podcast\npause\n/player\nresume\n")
    paused = _after(out, "pause")
    assert "directives: AudioPlayer.Stop" in paused
    assert paused.rstrip("\n").endswith(STOPPED)
    assert out.count("PlaybackStopped") == 1
    assert _after(out, "/player").rstrip() == "  player:     STOPPED 0 at 0 ms"
    assert _after(out, "resume").rstrip("\n").endswith(STARTED.format(0))
    manual = chat(monkeypatch, "open the podcast\npause\n", "--audio-events", "manual")
    assert "PlaybackStopped" not in manual


def test_the_device_reports_the_stream_a_play_replaced_stopped_on_its_own(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "next" plays another stream over the one playing: the device says the first stopped
    # (where it was), then the second started; chat sent only the start.
    out = chat(monkeypatch, "open the podcast\n/button next\n")
    assert _after(out, "/button next") == (
        "  → PlaybackController.NextCommandIssued\n"
        "  directives: AudioPlayer.Play\n"
        "  player:     PLAYING 1 at 0 ms\n" + STOPPED + "\n" + STARTED.format(1) + "\n"
    )


JINGLE = f"""
from alexaskill import Response, Skill, speak
from alexaskill.directives import AudioPlayer

skill = Skill({SKILL_ID!r})


@skill.launch
def launch():
    return speak("A jingle.", directives=[AudioPlayer.Play("https://cdn.example.com/j.mp3", "j")])


@skill.on("AudioPlayer.PlaybackStarted")
def started():
    return Response(directives=(AudioPlayer.Stop(),))


@skill.intent("AMAZON.PauseIntent")
def pause():
    return Response(directives=(AudioPlayer.Stop(),), should_end_session=True)


@skill.intent("AMAZON.ResumeIntent")
def resume():
    return Response(should_end_session=True)
"""


def test_a_stream_stopped_in_answer_to_its_playback_started_is_reported_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The Stop answering the device's own PlaybackStarted stopped the stream, and the
    # PlaybackStopped the device then sends was never sent (counted as already told).
    for _ in skill_module(tmp_path, monkeypatch, "jingle", JINGLE):
        monkeypatch.setattr(sys, "stdin", io.StringIO("open the jingle\n/player\n"))
        out, err = io.StringIO(), io.StringIO()
        argv = ["chat", "jingle:skill", "--invocation", "the jingle"]
        assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    opened = _after(out.getvalue(), "open the jingle")
    assert opened.endswith(
        "  → AudioPlayer.PlaybackStarted j at 0 ms (sent by the device on its own)\n"
        "  directives: AudioPlayer.Stop\n"
        "  player:     STOPPED j at 0 ms\n"
        "  → AudioPlayer.PlaybackStopped j at 0 ms (sent by the device on its own)"
    )
    assert _after(out.getvalue(), "/player").rstrip() == "  player:     STOPPED j at 0 ms"


def test_with_manual_audio_events_the_stopped_stream_is_reported_with_audio_stopped(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # --audio-events manual "leaves them to /audio": yet once a Stop had stopped the stream,
    # `/audio stopped` was refused ("the player is STOPPED"), so the PlaybackStopped a device
    # sends then could not be sent at all.
    said = "open the podcast\npause\n/audio stopped\n/player\n/audio stopped\n"
    out = chat(monkeypatch, said, "--audio-events", "manual")
    assert "directives: AudioPlayer.Stop" in _after(out, "pause")
    assert "PlaybackStopped" not in _after(out, "pause")
    assert _after(out, "/audio stopped") == "  → AudioPlayer.PlaybackStopped 0 at 0 ms"
    # Told once: a device does not report that stop again, nor does chat send it by itself.
    refused = "  (the player is STOPPED: a device sends PlaybackStopped only of a stream playing"
    assert out.endswith(f"> /audio stopped\n{refused} or paused)\n"), out
    auto = chat(monkeypatch, "open the podcast\npause\n/audio stopped\n")
    assert auto.count("PlaybackStopped") == 2  # the device's own, then the refusal's words
    assert auto.endswith(f"> /audio stopped\n{refused} or paused)\n"), auto


def test_audio_started_is_refused_when_no_stream_has_just_started(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A device sends PlaybackStarted once, when a stream starts: /audio started was sent in any
    # state (a second time, of a stream stopped, of one paused while Alexa listens), and the
    # skill heard of a start that never happened.
    def replies(out: str, line: str) -> list[str]:
        return [part.split("\n> ", 1)[0] for part in out.split(f"> {line}\n")[1:]]

    manual = ("--audio-events", "manual")
    out = chat(monkeypatch, "open the podcast\n/audio started\n/audio started\n", *manual)
    first, again = replies(out, "/audio started")
    assert first.rstrip("\n") == "  → AudioPlayer.PlaybackStarted 0 at 0 ms"
    assert again.rstrip("\n") == (
        "  (the device sent PlaybackStarted of 0 already: it sends it once, when a stream starts)"
    )
    out = chat(monkeypatch, "open the podcast\n/audio started\npause\n/audio started\n", *manual)
    assert replies(out, "/audio started")[1].rstrip("\n") == (
        "  (the player is STOPPED: a device sends PlaybackStarted only when a stream starts "
        "(a Play of the skill's, or the next one queued))"
    )
    out = chat(monkeypatch, "ask the podcast to play and ask\n/audio started\n", *manual)
    assert _after(out, "/audio started").rstrip("\n") == (
        "  (the player is PAUSED: its stream starts, and the device sends PlaybackStarted, "
        "once the session ends)"
    )
    # Sent by the device on its own (the default), it is not sent again.
    out = chat(monkeypatch, "open the podcast\n/audio started\n")
    assert out.count("AudioPlayer.PlaybackStarted") == 1
    assert "the device sent PlaybackStarted of 0 already" in _after(out, "/audio started")


def test_a_play_of_the_stream_playing_reports_it_stopped_then_started(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A REPLACE_ALL Play stops the stream playing, whatever its token (the AVS Device SDK's
    # AudioPlayer stops it before it plays the new one), and the device says so, as the
    # simulator's page does: chat sent no PlaybackStopped when the token was the same.
    out = chat(monkeypatch, "open the podcast\nask the podcast to resume\n/player\n")
    resumed = _after(out, "ask the podcast to resume")
    assert resumed.endswith(STOPPED + "\n" + STARTED.format(0))
    assert _after(out, "/player").rstrip() == "  player:     PLAYING 0 at 0 ms"


def test_audio_nearly_is_sent_once_per_stream(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A device sends PlaybackNearlyFinished once per stream (as the simulator's page does): a
    # second /audio nearly went out, and the skill queued the next episode twice.
    out = chat(monkeypatch, "open the podcast\n/audio nearly\n/audio nearly\n/player\n")
    assert out.count("→ AudioPlayer.PlaybackNearlyFinished") == 1
    assert (
        "> /audio nearly\n  (the device sent PlaybackNearlyFinished of 0 already: it sends it "
        "once per stream)\n"
    ) in out
    assert _after(out, "/player").rstrip() == "  player:     PLAYING 0 at 0 ms, then 1"


def test_audio_failed_only_of_a_stream_the_device_is_playing(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A device reports PlaybackFailed of a stream it tries to play: /audio failed of a stream
    # the skill had stopped went out, and the skill heard of a failure that never happened.
    out = chat(monkeypatch, "open the podcast\npause\n/audio failed\nresume\n/audio failed\n")
    assert out.count("→ AudioPlayer.PlaybackFailed") == 1
    assert (
        "> /audio failed\n  (the player is STOPPED: a device sends PlaybackFailed only of a "
        "stream playing)\n"
    ) in out
    assert out.rsplit("> /audio failed\n", 1)[1].startswith("  → AudioPlayer.PlaybackFailed 0")


def test_a_play_of_the_stream_playing_with_the_session_open_plays_once_it_ends(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stream playing replaced by a Play of its own token in a reply that keeps the session
    # open: chat reported it stopped, as it should, and that report made the player STOPPED,
    # so the stream held for the session was lost and never played when the session ended.
    out = chat(monkeypatch, "open the podcast\nask the podcast to play and ask\n/player\nstop\n")
    asked = _after(out, "ask the podcast to play and ask")
    assert asked.rstrip("\n").endswith(STOPPED)
    assert _after(out, "/player") == "  player:     PAUSED 0 at 0 ms"
    stopped = _after(out, "stop")
    assert "  player:     PLAYING 0 at 0 ms\n  session:    ended\n" in stopped
    assert stopped.rstrip("\n").endswith(STARTED.format(0))


def test_over_http_an_answer_to_session_ended_request_plays_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alexa takes no response to a SessionEndedRequest (the app drops it in process); a
    # server's Play there was followed by the device's player, which started the stream.
    import json

    import httpx

    play = {
        "type": "AudioPlayer.Play",
        "playBehavior": "REPLACE_ALL",
        "audioItem": {"stream": {"url": "https://a/0.mp3", "token": "0"}},
    }
    answer = {"version": "1.0", "response": {"directives": [play]}}

    def skill(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps(answer).encode())

    transport = mock_http_transport(tmp_path, monkeypatch, skill)
    try:
        transport.send(
            {"type": "SessionEndedRequest", "reason": "USER_INITIATED"}, new_session=True
        )
        player = transport.factory.player
        assert (player.activity, player.starts, player.token) == ("IDLE", 0, None)
    finally:
        transport.close()


ASTRAY = f"""
from alexaskill import Response, Skill, speak
from alexaskill.directives import AudioPlayer

skill = Skill({SKILL_ID!r})


@skill.launch
def launch():
    return speak("Playing.", directives=[AudioPlayer.Play("https://cdn.example.com/0.mp3", "0")])


@skill.on("AudioPlayer.PlaybackNearlyFinished")
def nearly():
    play = AudioPlayer.Play(
        "https://cdn.example.com/1.mp3", "1", play_behavior="ENQUEUE",
        expected_previous_token="7",
    )
    return Response(directives=(play,))
"""


def test_chat_says_when_the_device_ignores_an_enqueue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An ENQUEUE after another stream than the one the player holds: the device ignores it
    # (the request shows no queue, so the app reports no violation), and chat said nothing:
    # the user saw the Play directive, and the stream never came.
    for _ in skill_module(tmp_path, monkeypatch, "astray", ASTRAY):
        monkeypatch.setattr(sys, "stdin", io.StringIO("open astray\n/audio nearly\n"))
        out, err = io.StringIO(), io.StringIO()
        argv = ["chat", "astray:skill", "--invocation", "astray"]
        assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    assert _after(out.getvalue(), "/audio nearly") == (
        "  → AudioPlayer.PlaybackNearlyFinished 0 at 0 ms\n"
        "  directives: AudioPlayer.Play\n"
        "  (the device ignores the ENQUEUE of 1: it expects 7, but the device follows 0)\n"
    )
