"""``alexaskill chat`` with an audio skill: the device's player, its events and media buttons
(the streams it stops, and the events it sends only of some: tests/test_cli_chat_audio_stops.py)."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli import main

from . import cli_chat_audio_shared
from .chat_transports import mock_http_transport
from .cli_chat_audio_shared import STARTED, _after, podcast_chat
from .conftest import SKILL_ID
from .skill_modules import skill_module

# The fixture of tests/cli_chat_audio_shared.py, this module's too.
workdir = cli_chat_audio_shared.workdir


def test_the_player_follows_the_skill_and_playback_intents_carry_it(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = podcast_chat(
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
    out = podcast_chat(monkeypatch, "/audio started\n/audio sideways\n/button eject\n/player\n")
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
    out = podcast_chat(monkeypatch, "/button next\n")
    assert _after(out, "/button next").rstrip("\n") == (
        "  (the player holds no stream: open the skill and have it play one)"
    )


def test_a_reply_the_speaker_cannot_show_is_reported(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = podcast_chat(monkeypatch, "ask the podcast to show the cover\n")
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


def test_the_device_reports_each_stream_it_starts_on_its_own(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A device sends AudioPlayer.PlaybackStarted as soon as a stream plays; chat sent it only
    # when the user typed /audio started.
    out = podcast_chat(
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
    out = podcast_chat(
        monkeypatch, "open the podcast\n/audio started\n", "--audio-events", "manual"
    )
    assert "PlaybackStarted" not in _after(out, "open the podcast")
    assert _after(out, "/audio started").rstrip("\n") == "  → AudioPlayer.PlaybackStarted 0 at 0 ms"


def test_a_play_with_the_session_open_waits_for_the_session_to_end(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The chat said the stream was paused at once (the violation), showed it PLAYING and sent
    # PlaybackStarted for it all the same.
    out = podcast_chat(monkeypatch, "ask the podcast to play and ask\n/player\nstop\n")
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
    out = podcast_chat(monkeypatch, "ask the podcast to play and ask\n/device screen\n/player\n")
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
    out = podcast_chat(monkeypatch, "ask the podcast to play and ask\nshow the cover\n/player\n")
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
    out = podcast_chat(
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


def test_a_stream_played_from_an_offset_says_it_with_thousands_separators(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The player's row and the device's request said "at 95000 ms".
    played = 'AudioPlayer.Play(EPISODES[0], "0")'
    source = cli_chat_audio_shared.PODCAST.replace(
        played, 'AudioPlayer.Play(EPISODES[0], "0", offset_in_milliseconds=95_000)', 1
    )
    (workdir / "podcast.py").write_text(source, encoding="utf-8")
    out = podcast_chat(
        monkeypatch, "open the podcast\n/audio started\n", "--audio-events", "manual"
    )
    assert "  player:     PLAYING 0 at 95,000 ms\n" in _after(out, "open the podcast"), out
    assert _after(out, "/audio started").rstrip("\n") == (
        "  → AudioPlayer.PlaybackStarted 0 at 95,000 ms"
    )


#: A skill playing a stream whose token is long and holds an escape sequence (a colour).
_LONG_TOKEN = f"""
from alexaskill import Skill, speak
from alexaskill.directives import AudioPlayer

skill = Skill({SKILL_ID!r})


@skill.launch
def launch():
    token = "\\x1b[31m" + "t" * 1000 + "END"  # (Amazon's most: 1,024 characters)
    return speak("Playing.", directives=[AudioPlayer.Play("https://cdn.example.com/a.mp3", token)])
"""


def test_a_stream_s_token_is_printed_cut_and_terminal_safe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The device's request line ("→ AudioPlayer.PlaybackStarted TOKEN at 0 ms") and the player's
    # row printed the skill's token whole: 1,000 characters, a line as long.
    for _ in skill_module(tmp_path, monkeypatch, "longtoken", _LONG_TOKEN):
        monkeypatch.setattr(sys, "stdin", io.StringIO("open long token\n"))
        out, err = io.StringIO(), io.StringIO()
        argv = ["chat", "longtoken:skill", "--invocation", "long token"]
        assert main(argv, stdout=out, stderr=err) == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    started = [line for line in lines if "PlaybackStarted" in line]
    player = [line for line in lines if line.startswith("  player:")]
    assert started and player, lines
    for line in started + player:
        assert "\x1b" not in line and len(line) < 300, line[:300]
        assert "\\x1b[31mttt" in line and "END" in line, line[:300]
