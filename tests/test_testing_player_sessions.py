"""The test client's audio player and the session: a play with the session open is paused until
the session ends, on a speaker, or a stop before it.
"""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill.directives import AudioPlayer
from alexaskill.testing import DevicePlayer, RequestFactory, TestClient

from .conftest import SKILL_ID
from .testing_player_shared import EPISODES, _asking_podcast


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
