"""The simulator's audio player: the player's state each request carries, the AudioPlayer events
and media buttons a device sends (outside the user's session), the directives the skill answers
them with, and a rule broken in such an answer. (The turns themselves: tests/test_simulator.py.)"""

from __future__ import annotations

from starlette.testclient import TestClient as StarletteClient

from . import simulator_shared
from .simulator_shared import ID, turn

# The fixtures of tests/simulator_shared.py, this module's too (why not conftest's: see there).
dev_dir = simulator_shared.dev_dir
pki = simulator_shared.pki
http = simulator_shared.http


def test_requests_carry_the_players_state_and_stop_while_it_plays_is_a_pause(
    http: StarletteClient,
) -> None:
    playing = {"activity": "PLAYING", "token": "harbour-1", "offset": 1200}
    said = turn(http, text="stop", player=playing)["turn"]
    (exchange,) = said["exchanges"]
    assert exchange["envelope"]["request"]["intent"]["name"] == "AMAZON.PauseIntent"
    assert exchange["envelope"]["context"]["AudioPlayer"] == {
        "token": "harbour-1",
        "offsetInMilliseconds": 1200,
        "playerActivity": "PLAYING",
    }
    (stop,) = exchange["response"]["response"]["directives"]
    assert stop["type"] == "AudioPlayer.Stop"
    assert said["notes"] == [
        "AMAZON.StopIntent while the skill's audio plays: Alexa sends AMAZON.PauseIntent"
    ]
    # Paused, the player's stream can be resumed without the skill's name; nothing else can.
    stopped = {**playing, "activity": "STOPPED"}
    assert turn(http, text="stop", player=stopped)["turn"]["exchanges"] == []
    idle = turn(http, text="how is the sea", player={"activity": "IDLE"})["turn"]
    assert idle["exchanges"] == []
    opened = turn(http, "launch", player={"activity": "IDLE"})["turn"]
    assert opened["exchanges"][0]["envelope"]["context"]["AudioPlayer"] == {
        "playerActivity": "IDLE"
    }
    response = http.post(
        "/_simulator/api/turn",
        json={"simulation": ID, "action": "say", "text": "stop", "player": {"activity": "LOUD"}},
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("activity: expected one of")


def test_audio_player_directives_and_service_api_calls_are_reported(
    http: StarletteClient,
) -> None:
    played = turn(http, text="ask the lighthouse to play the harbour")["turn"]
    (directive,) = played["exchanges"][0]["response"]["response"]["directives"]
    assert directive["type"] == "AudioPlayer.Play"
    assert directive["audioItem"]["stream"]["url"].endswith("harbour-sounds.mp3")
    assert played["apiCalls"] == []


def test_the_audio_players_events_reach_the_skill_as_a_device_sends_them(
    http: StarletteClient,
) -> None:
    opened = turn(http, "launch")
    session_id = opened["state"]["session"]["sessionId"]
    played = turn(http, text="play the harbour")["turn"]
    assert played["sessionOpen"] is False
    # The page's player starts the stream: PlaybackStarted, outside any session.
    started = turn(http, "audio", event="PlaybackStarted", token="harbour-1", offset=0)
    (exchange,) = started["turn"]["exchanges"]
    envelope = exchange["envelope"]
    assert "session" not in envelope
    assert envelope["request"]["type"] == "AudioPlayer.PlaybackStarted"
    assert envelope["request"]["token"] == "harbour-1"
    assert envelope["request"]["offsetInMilliseconds"] == 0
    assert envelope["context"]["AudioPlayer"] == {
        "token": "harbour-1",
        "offsetInMilliseconds": 0,
        "playerActivity": "PLAYING",
    }
    assert exchange["status"] == 200 and exchange["response"]["response"] == {}
    assert started["turn"]["heard"] == [] and started["turn"]["understood"] is None
    # Near its end the skill queues the next stream, as Amazon's rules allow there.
    nearly = turn(http, "audio", event="PlaybackNearlyFinished", token="harbour-1", offset=2500)
    (directive,) = nearly["turn"]["exchanges"][0]["response"]["response"]["directives"]
    assert directive["playBehavior"] == "ENQUEUE"
    assert directive["audioItem"]["stream"]["token"] == "foghorn-1"
    assert directive["audioItem"]["stream"]["expectedPreviousToken"] == "harbour-1"
    finished = turn(http, "audio", event="PlaybackFinished", token="harbour-1", offset=3000)
    player = finished["turn"]["exchanges"][0]["envelope"]["context"]["AudioPlayer"]
    assert player["playerActivity"] == "FINISHED"
    # The user pauses the next one: PlaybackStopped, with where (no handler: no answer).
    stopped = turn(http, "audio", event="PlaybackStopped", token="foghorn-1", offset=1234)
    (exchange,) = stopped["turn"]["exchanges"]
    assert exchange["envelope"]["request"]["offsetInMilliseconds"] == 1234
    assert exchange["envelope"]["context"]["AudioPlayer"]["playerActivity"] == "STOPPED"
    assert exchange["status"] == 200 and exchange["response"]["response"] == {}
    failed = turn(http, "audio", event="PlaybackFailed", token="foghorn-1", error="404")
    request = failed["turn"]["exchanges"][0]["envelope"]["request"]
    assert request["error"] == {"type": "MEDIA_ERROR_UNKNOWN", "message": "404"}
    assert request["currentPlaybackState"]["token"] == "foghorn-1"
    # The user's session was not touched by the events: the next utterance starts a new one.
    after = turn(http, text="ask the lighthouse how is the sea")
    assert after["turn"]["exchanges"][0]["envelope"]["session"]["new"] is True
    assert after["state"]["session"]["sessionId"] != session_id


def test_a_rule_the_skill_broke_is_in_the_turns_notes(http: StarletteClient) -> None:
    started = turn(http, "audio", event="PlaybackStarted", token="bell-1", offset=0)["turn"]
    assert started["exchanges"][0]["response"]["response"] == {}
    (note,) = started["notes"]
    # Then the handler, by its module; or by its file where the command line imported the file
    # under a name of its own, as it does when this worker imported ``simulator_skill`` already.
    said = note.removeprefix("rule violation: ")
    assert said != note
    assert said.removeprefix("simulator_skill.py:").removeprefix("simulator_skill.") == (
        "started answered AudioPlayer.PlaybackStarted with outputSpeech: dropped "
        "(Alexa takes only AudioPlayer.ClearQueue or AudioPlayer.Stop in reply to "
        "AudioPlayer.PlaybackStarted, and no speech, card or reprompt)"
    )


def test_a_media_button_sends_its_playback_controller_request(http: StarletteClient) -> None:
    # Nothing played yet: the player is idle, and the skill answers Next with a stream.
    pressed = turn(http, "button", command="Next")["turn"]
    (exchange,) = pressed["exchanges"]
    envelope = exchange["envelope"]
    assert envelope["request"]["type"] == "PlaybackController.NextCommandIssued"
    assert "session" not in envelope
    assert envelope["context"]["AudioPlayer"] == {"playerActivity": "IDLE"}
    (directive,) = exchange["response"]["response"]["directives"]
    assert directive["type"] == "AudioPlayer.Play"
    assert directive["audioItem"]["stream"]["token"] == "foghorn-1"
    # Pause while it plays: the player's state goes with the request, the skill answers Stop.
    paused = turn(
        http, "button", command="Pause", token="foghorn-1", offset=800, activity="PLAYING"
    )["turn"]
    envelope = paused["exchanges"][0]["envelope"]
    assert envelope["request"]["type"] == "PlaybackController.PauseCommandIssued"
    assert envelope["context"]["AudioPlayer"] == {
        "token": "foghorn-1",
        "offsetInMilliseconds": 800,
        "playerActivity": "PLAYING",
    }
    (stop,) = paused["exchanges"][0]["response"]["response"]["directives"]
    assert stop["type"] == "AudioPlayer.Stop"


def test_an_audio_event_of_a_device_since_changed_is_not_sent(http: StarletteClient) -> None:
    turn(http, text="ask the lighthouse to play the harbour")
    screen = ["AudioPlayer", "Display"]
    late = turn(http, "audio", event="PlaybackFinished", token="harbour-1", interfaces=screen)
    assert late["turn"] is None
    assert late["notes"] == ["AudioPlayer.PlaybackFinished of a device since changed: not sent"]
