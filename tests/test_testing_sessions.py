"""The session the offline loop's transports carry from one answer to the next request."""

from __future__ import annotations

from alexaskill.testing.sessions import carried_session

SESSION = {"sessionId": "s", "new": True, "attributes": {"kept": 1}}


def test_an_answer_in_the_session_gives_its_attributes() -> None:
    answer = {"version": "1.0", "sessionAttributes": {"next": 2}, "response": {}}
    carried = carried_session(SESSION, "IntentRequest", answer)
    assert carried == {"sessionId": "s", "new": False, "attributes": {"next": 2}}
    bare = carried_session(SESSION, "LaunchRequest", {"version": "1.0", "response": {}})
    assert bare is not None and bare["attributes"] == {}


def test_an_answer_to_an_event_sent_outside_the_session_leaves_it_alone() -> None:
    answer = {"version": "1.0", "sessionAttributes": {"stray": 2}, "response": {}}
    for event in ("AudioPlayer.PlaybackStarted", "PlaybackController.PauseCommandIssued"):
        assert carried_session(SESSION, event, answer) == SESSION
    assert carried_session(None, "IntentRequest", answer) is None
