"""What the tests of `alexaskill chat` with an audio skill (tests/test_cli_chat_audio*.py) share: a
podcast skill's module (`PODCAST`) written to a directory the test runs in (`workdir`, a
fixture each module binds), a chat with it (`podcast_chat`), what it printed for one input
(`_after`), and the rows of the events a device sends on its own (`STARTED`, `STOPPED`)."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alexaskill.cli import main

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


def podcast_chat(monkeypatch: pytest.MonkeyPatch, stdin: str, *options: str) -> str:
    """What `alexaskill chat` with the podcast skill printed for ``stdin``, asserted to exit 0
    (tests/cli_chat_shared.py's `chat` returns the code and both streams instead)."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    argv = ["chat", "podcast:skill", "--invocation", "the podcast", *options]
    code = main(argv, stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    return out.getvalue()


def _after(out: str, line: str) -> str:
    """What the chat printed for input ``line`` (up to the next input)."""
    return out.split(f"> {line}\n", 1)[1].split("\n> ", 1)[0]


STARTED = "  → AudioPlayer.PlaybackStarted {} at 0 ms (sent by the device on its own)"


STOPPED = "  → AudioPlayer.PlaybackStopped 0 at 0 ms (sent by the device on its own)"
