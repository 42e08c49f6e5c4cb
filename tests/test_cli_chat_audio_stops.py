"""``alexaskill chat`` with an audio skill: the streams a device stops (reported, on its own or by
/audio stopped), the events it sends only of the stream that just started, is nearly done or is
playing, and the Plays it ignores (the player, its events and media buttons:
tests/test_cli_chat_audio.py)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from alexaskill.cli import main

from . import cli_chat_audio_shared
from .chat_transports import mock_http_transport
from .cli_chat_audio_shared import STARTED, STOPPED, _after, podcast_chat
from .conftest import SKILL_ID
from .skill_modules import skill_module

# The fixture of tests/cli_chat_audio_shared.py, this module's too.
workdir = cli_chat_audio_shared.workdir


def test_the_device_reports_a_stream_a_directive_stops_on_its_own(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A device sends AudioPlayer.PlaybackStopped when a Stop stops its stream (Amazon's
    # AudioPlayer reference); chat sent none, and refused /audio stopped once the player was
    # STOPPED: the skill's PlaybackStopped handler never ran after "pause".
    out = podcast_chat(monkeypatch, "open the podcast\npause\n/player\nresume\n")
    paused = _after(out, "pause")
    assert "directives: AudioPlayer.Stop" in paused
    assert paused.rstrip("\n").endswith(STOPPED)
    assert out.count("PlaybackStopped") == 1
    assert _after(out, "/player").rstrip() == "  player:     STOPPED 0 at 0 ms"
    assert _after(out, "resume").rstrip("\n").endswith(STARTED.format(0))
    manual = podcast_chat(monkeypatch, "open the podcast\npause\n", "--audio-events", "manual")
    assert "PlaybackStopped" not in manual


def test_the_device_reports_the_stream_a_play_replaced_stopped_on_its_own(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "next" plays another stream over the one playing: the device says the first stopped
    # (where it was), then the second started; chat sent only the start.
    out = podcast_chat(monkeypatch, "open the podcast\n/button next\n")
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
    out = podcast_chat(monkeypatch, said, "--audio-events", "manual")
    assert "directives: AudioPlayer.Stop" in _after(out, "pause")
    assert "PlaybackStopped" not in _after(out, "pause")
    assert _after(out, "/audio stopped") == "  → AudioPlayer.PlaybackStopped 0 at 0 ms"
    # Told once: a device does not report that stop again, nor does chat send it by itself.
    refused = "  (the player is STOPPED: a device sends PlaybackStopped only of a stream playing"
    assert out.endswith(f"> /audio stopped\n{refused} or paused)\n"), out
    auto = podcast_chat(monkeypatch, "open the podcast\npause\n/audio stopped\n")
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
    out = podcast_chat(monkeypatch, "open the podcast\n/audio started\n/audio started\n", *manual)
    first, again = replies(out, "/audio started")
    assert first.rstrip("\n") == "  → AudioPlayer.PlaybackStarted 0 at 0 ms"
    assert again.rstrip("\n") == (
        "  (the device sent PlaybackStarted of 0 already: it sends it once, when a stream starts)"
    )
    out = podcast_chat(
        monkeypatch, "open the podcast\n/audio started\npause\n/audio started\n", *manual
    )
    assert replies(out, "/audio started")[1].rstrip("\n") == (
        "  (the player is STOPPED: a device sends PlaybackStarted only when a stream starts "
        "(a Play of the skill's, or the next one queued))"
    )
    out = podcast_chat(monkeypatch, "ask the podcast to play and ask\n/audio started\n", *manual)
    assert _after(out, "/audio started").rstrip("\n") == (
        "  (the player is PAUSED: its stream starts, and the device sends PlaybackStarted, "
        "once the session ends)"
    )
    # Sent by the device on its own (the default), it is not sent again.
    out = podcast_chat(monkeypatch, "open the podcast\n/audio started\n")
    assert out.count("AudioPlayer.PlaybackStarted") == 1
    assert "the device sent PlaybackStarted of 0 already" in _after(out, "/audio started")


def test_a_play_of_the_stream_playing_reports_it_stopped_then_started(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A REPLACE_ALL Play stops the stream playing, whatever its token (the AVS Device SDK's
    # AudioPlayer stops it before it plays the new one), and the device says so, as the
    # simulator's page does: chat sent no PlaybackStopped when the token was the same.
    out = podcast_chat(monkeypatch, "open the podcast\nask the podcast to resume\n/player\n")
    resumed = _after(out, "ask the podcast to resume")
    assert resumed.endswith(STOPPED + "\n" + STARTED.format(0))
    assert _after(out, "/player").rstrip() == "  player:     PLAYING 0 at 0 ms"


def test_audio_nearly_is_sent_once_per_stream(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A device sends PlaybackNearlyFinished once per stream (as the simulator's page does): a
    # second /audio nearly went out, and the skill queued the next episode twice.
    out = podcast_chat(monkeypatch, "open the podcast\n/audio nearly\n/audio nearly\n/player\n")
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
    out = podcast_chat(
        monkeypatch, "open the podcast\npause\n/audio failed\nresume\n/audio failed\n"
    )
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
    out = podcast_chat(
        monkeypatch, "open the podcast\nask the podcast to play and ask\n/player\nstop\n"
    )
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
