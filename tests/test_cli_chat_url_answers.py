"""``alexaskill chat --url`` given answers Alexa would refuse or could not play: each said in its
turn, the chat going on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

# The fixtures of tests/cli_chat_shared.py these tests take, imported for pytest to see.
from .cli_chat_shared import _dev_env as _dev_env
from .cli_chat_shared import _replying, chat_with_server
from .cli_chat_shared import dev_dir as dev_dir
from .cli_chat_shared import workdir as workdir


def test_chat_url_plays_nothing_of_an_answer_alexa_refuses_for_its_ssml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # SSML that is not well-formed: Alexa refuses the whole answer ("There was a problem with
    # the requested skill's response"), its Play with it. The chat said so, yet its player
    # played the stream and sent the device's PlaybackStarted.
    import json

    sent: list[str] = []
    play = {
        "type": "AudioPlayer.Play",
        "playBehavior": "REPLACE_ALL",
        "audioItem": {"stream": {"url": "https://cdn.example.com/a.mp3", "token": "a"}},
    }

    def a_broken_answer(self: object, request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["request"]["type"])
        speech = {"type": "SSML", "ssml": "<speak>Playing<p></speak>"}
        response = {"outputSpeech": speech, "directives": [play], "shouldEndSession": True}
        return httpx.Response(200, json={"version": "1.0", "response": response}, request=request)

    code, out, err = chat_with_server(monkeypatch, a_broken_answer, "open pizza palace\n/player\n")
    assert (code, err) == (0, "")
    assert "  Alexa:      There was a problem with the requested skill's response.\n" in out
    assert out.endswith("> /player\n  player:     IDLE\n"), out
    assert "AudioPlayer.PlaybackStarted" not in sent


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        # A directive type that is no string reached `ends_session`'s set lookup: "the turn
        # failed: TypeError: unhashable type".
        ({"directives": [{"type": ["x"]}]}, "  session:    ended\n"),
        ({"directives": [{"type": {"a": 1}}]}, "  session:    ended\n"),
        # A reprompt that is no object: "the turn failed: AttributeError".
        ({"reprompt": "x", "shouldEndSession": True}, "  session:    ended\n"),
        # Directives that are a number: "the turn failed: TypeError: ... not iterable".
        ({"directives": 5}, "  session:    ended\n"),
    ],
)
def test_chat_url_to_a_server_answering_ill_shaped_parts_does_not_fail_the_turn(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: dict[str, object],
    shown: str,
) -> None:
    ill_shaped = _replying(status_code=200, json={"version": "1.0", "response": answer})
    code, out, err = chat_with_server(monkeypatch, ill_shaped, "open pizza palace\n")
    assert (code, err) == (0, "")
    assert "the turn failed" not in out
    assert out.endswith(shown), out


def test_chat_url_sends_the_error_ending_in_the_session_of_the_failed_answer(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alexa's SessionEndedRequest (ERROR) after an answer that failed goes in the session of
    # that answer (same sessionId, not new): chat --url sent it in a brand-new session.
    bodies: list[dict[str, Any]] = []

    def fails(self: object, request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(500, text="boom", request=request)

    code, out, err = chat_with_server(monkeypatch, fails, "open pizza palace\n")
    assert (code, err) == (0, "")
    assert "  → SessionEndedRequest ERROR INVALID_RESPONSE\n" in out
    failed, ended = bodies
    assert ended["request"]["reason"] == "ERROR"
    assert ended["session"]["sessionId"] == failed["session"]["sessionId"]
    assert ended["session"]["new"] is False
    assert ended["session"]["attributes"] == failed["session"]["attributes"]


def test_chat_url_refuses_an_answer_the_app_refuses_and_shows_violations(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server's Play with an unknown playBehavior was played as REPLACE_ALL (only its shape
    # and SSML were judged); Alexa refuses it, as the app does in process. Speech answering an
    # AudioPlayer event was shown as heard, where in process it is a violation.
    stream = {"url": "https://a.example/0.mp3", "token": "0", "offsetInMilliseconds": 0}
    play = {"type": "AudioPlayer.Play", "playBehavior": "LOUDLY", "audioItem": {"stream": stream}}
    launches: list[object] = []

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)["request"]["type"]
        answer: dict[str, object] = {}  # (to the SessionEndedRequest after the refusal)
        if sent == "LaunchRequest":  # the first Play Alexa refuses; the second it takes
            good = {**play, "playBehavior": "REPLACE_ALL"} if launches else play
            answer = {"directives": [good], "shouldEndSession": True}
            launches.append(good)
        elif sent.startswith("PlaybackController."):
            answer = {"outputSpeech": {"type": "PlainText", "text": "Next one."}}
        return httpx.Response(200, json={"version": "1.0", "response": answer}, request=request)

    code, out, err = chat_with_server(
        monkeypatch, skill, "open pizza palace\n/launch\n/button next\n"
    )
    assert (code, err) == (0, ""), out
    refused, _, taken = out.partition("> /launch")
    assert "  Alexa:      There was a problem with the requested skill's response.\n" in refused
    assert "AudioPlayer.Play playBehavior is 'LOUDLY'" in refused
    assert "  player:" not in refused, out  # nothing played
    assert "  player:     PLAYING 0 at 0 ms\n" in taken, out
    assert (
        "  violation:  the reply answered PlaybackController.NextCommandIssued with outputSpeech: "
        "sent all the same (in process the app drops it) (Alexa takes only AudioPlayer "
        "directives in reply to PlaybackController.NextCommandIssued, and no speech, card or "
        "reprompt)\n"
    ) in out


def test_chat_url_says_a_directive_the_device_lacks_the_interface_of(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In process the app drops an APL document sent to a speaker, and chat says so; a server's
    # answer with one was shown as if the device took it.
    apl = {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "document": {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}},
    }
    speech = {"type": "PlainText", "text": "Here it is."}
    answer = {"outputSpeech": speech, "directives": [apl], "shouldEndSession": False}
    skill = _replying(status_code=200, json={"version": "1.0", "response": answer})

    code, out, err = chat_with_server(
        monkeypatch, skill, "open pizza palace\n/device screen\n/launch\n"
    )
    assert (code, err) == (0, ""), out
    speaker, _, screen = out.partition("> /device screen")
    assert (
        "  device:     lacks Alexa.Presentation.APL: the server sent "
        "Alexa.Presentation.APL.RenderDocument all the same (in process the app drops it)\n"
    ) in speaker
    assert "  device:" not in screen
    assert "  directives: Alexa.Presentation.APL.RenderDocument\n" in screen


def test_chat_url_does_not_show_an_answer_to_session_ended_request_as_heard(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alexa takes no response to a SessionEndedRequest (the app drops it in process); a
    # server's speech there was shown as the skill's, with its session attributes, as if heard
    # and carried on.

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)["request"]["type"]
        answer: dict[str, Any] = {"outputSpeech": {"type": "PlainText", "text": f"{sent}."}}
        answer["shouldEndSession"] = sent != "LaunchRequest"
        body = {"version": "1.0", "sessionAttributes": {"turns": 1}, "response": answer}
        return httpx.Response(200, json=body, request=request)

    code, out, err = chat_with_server(monkeypatch, skill, "/launch\n/end\n")
    assert (code, err) == (0, ""), out
    assert out.split("> /end\n", 1)[1] == (
        "  → SessionEndedRequest USER_INITIATED\n"
        '  ignored:    skill: SessionEndedRequest.; attributes: {"turns": 1} (Alexa takes no '
        "response to a SessionEndedRequest)\n"
        "  session:    ended\n"
    )


def test_chat_says_a_reprompt_is_never_played_when_should_end_session_is_left_out(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alexa plays the reprompt only if the user is silent while it listens: an answer leaving
    # shouldEndSession out (null) ends the session on a speaker, or leaves it open on a screen
    # without listening (/silence: nothing happens), yet chat showed its reprompt as any other.
    ends = iter([None, False])

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        reprompt = {"outputSpeech": {"type": "PlainText", "text": "Still there?"}}
        answer = {"outputSpeech": {"type": "PlainText", "text": "Hi."}, "reprompt": reprompt}
        if json.loads(request.content)["request"]["type"] == "LaunchRequest":
            answer["shouldEndSession"] = next(ends)
        return httpx.Response(200, json={"version": "1.0", "response": answer}, request=request)

    code, out, err = chat_with_server(monkeypatch, skill, "/device screen\n/launch\n/launch\n")
    assert (code, err) == (0, ""), out
    left_out, kept_open = out.split("> /launch\n")[1:]
    assert (
        "  reprompt:   Still there? (never played: shouldEndSession is left out, so Alexa does "
        "not listen)\n"
    ) in left_out
    assert "  reprompt:   Still there?\n" in kept_open


def test_chat_url_shows_no_speech_for_ssml_that_is_null(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An SSML outputSpeech whose ssml is null (Alexa refuses it) was shown as the words
    # "None", not heard: as if the skill had said "None".
    answer = {"outputSpeech": {"type": "SSML", "ssml": None}, "shouldEndSession": False}
    skill = _replying(status_code=200, json={"version": "1.0", "response": answer})

    code, out, err = chat_with_server(monkeypatch, skill, "/launch\n")
    assert (code, err) == (0, ""), out
    assert "  Alexa:      There was a problem with the requested skill's response.\n" in out
    assert "None" not in out, out


def test_chat_url_goes_on_when_a_server_that_answered_stops_answering(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server restarting (a code change, say) between two turns: the chat stopped with
    # "cannot connect", its conversation lost. Alexa meets an endpoint that does not answer
    # as a failed request: the turn fails, the session ends, and the chat goes on.
    up = iter([True, False, True])

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        if not next(up, True):
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        speech = {"type": "PlainText", "text": "Hi."}
        answer = {"outputSpeech": speech, "shouldEndSession": False}
        return httpx.Response(200, json={"version": "1.0", "response": answer}, request=request)

    code, out, err = chat_with_server(monkeypatch, skill, "/launch\n/launch\n/launch\n")
    assert (code, err) == (0, ""), out
    _, down, again = out.split("> /launch\n")[1:]
    assert "  cannot connect to http://192.0.2.1:8000/: is the server running?" in down
    assert down.endswith("  session:    ended\n"), down
    assert again == "  → LaunchRequest\n  skill:      Hi.\n  session:    open\n"


def test_chat_url_an_answer_to_session_ended_request_of_no_object_fails_no_chat(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The ignored: row read the answer's response as an object: a server answering a
    # SessionEndedRequest with "response": [...] (or a string) ended the chat with a traceback
    # (AttributeError), where a part of the wrong shape is passed over.

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)["request"]["type"]
        answer: Any = {"outputSpeech": {"type": "PlainText", "text": "Hi."}}
        answer["shouldEndSession"] = False
        body = {"version": "1.0", "response": answer if sent == "LaunchRequest" else ["Bye."]}
        return httpx.Response(200, json=body, request=request)

    code, out, err = chat_with_server(monkeypatch, skill, "/launch\n/end\n")
    assert (code, err) == (0, ""), out
    assert out.split("> /end\n", 1)[1] == (
        "  → SessionEndedRequest USER_INITIATED\n  session:    ended\n"
    ), out


def test_chat_url_says_session_attributes_that_are_no_object_are_lost(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server's sessionAttributes of [1, 2] were shown, then the next request in the session
    # carried none ({}), unsaid.
    carried: list[object] = []

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        carried.append(json.loads(request.content)["session"]["attributes"])
        answer = {"outputSpeech": {"type": "PlainText", "text": "Hi."}, "shouldEndSession": False}
        body = {"version": "1.0", "sessionAttributes": [1, 2], "response": answer}
        return httpx.Response(200, json=body, request=request)

    code, out, err = chat_with_server(monkeypatch, skill, "open pizza palace\nwhere is my order\n")
    assert (code, err) == (0, ""), out
    assert carried == [{}, {}]
    assert (
        "  violation:  the reply answered LaunchRequest with sessionAttributes: lost: the next "
        "request in the session carries no attributes (sessionAttributes must be a JSON object, "
        "not [1,2])\n"
    ) in out
