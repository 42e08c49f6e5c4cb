"""`alexaskill replay --url` against a server that answers what no skill should: said, never a
traceback."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from alexaskill.cli import main
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory

from .canned_answer import canned_answer_port


def replay_against(tmp_path: Path, payload: Any) -> tuple[int, str]:
    """Replay a LaunchRequest to a server answering HTTP 200 with ``payload``: the exit
    status and the output."""
    request = tmp_path / "launch.json"
    request.write_text(json.dumps(RequestFactory().envelope("LaunchRequest")))
    app = tmp_path / "app.py"
    app.write_text(f"from alexaskill import Skill\nskill = Skill({DEFAULT_SKILL_ID!r})\n")
    body = json.dumps(payload).encode()
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )
    out = io.StringIO()
    with canned_answer_port(answer) as port:
        argv = ["replay", f"{app}:skill", str(request), "--url", f"http://127.0.0.1:{port}/"]
        code = main(argv, stdout=out, stderr=io.StringIO())
    return code, out.getvalue()


def test_directives_that_are_not_objects_are_shown_not_a_traceback(tmp_path: Path) -> None:
    # _show read each directive's "type" with .get: a string among them was an AttributeError.
    payload = {"version": "1.0", "response": {"directives": ["x", {"type": "AudioPlayer.Stop"}]}}
    code, out = replay_against(tmp_path, payload)
    assert code == 0
    assert '  directives: "x" (not an object), AudioPlayer.Stop\n' in out


def test_ssml_alexa_would_refuse_fails_the_replay_with_url_too(tmp_path: Path) -> None:
    # In process, an answer whose SSML is not well-formed failed the replay (Alexa refuses it
    # whole); sent to a server with --url, the same answer was "all answered".
    payload = {
        "version": "1.0",
        "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>unclosed <p>x</speak>"}},
    }
    code, out = replay_against(tmp_path, payload)
    assert code == 1
    assert "  FAILED: Alexa would refuse the answer (outputSpeech.ssml: not well-formed" in out
    assert out.endswith("1 request: 1 failed\n")


def test_an_answer_nested_too_deeply_to_decode_is_no_json_not_a_traceback(
    tmp_path: Path,
) -> None:
    # json.loads of 100000 "[" raises RecursionError, which is no ValueError: replay --url
    # ended with a traceback; it is an answer that is not JSON, as any other.
    request = tmp_path / "launch.json"
    request.write_text(json.dumps(RequestFactory().envelope("LaunchRequest")))
    app = tmp_path / "app.py"
    app.write_text(f"from alexaskill import Skill\nskill = Skill({DEFAULT_SKILL_ID!r})\n")
    body = b"[" * 100_000
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    out = io.StringIO()
    with canned_answer_port(answer + body) as port:
        argv = ["replay", f"{app}:skill", str(request), "--url", f"http://127.0.0.1:{port}/"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
    assert out.getvalue().endswith("1 request: 1 failed\n"), out.getvalue()


def test_an_answer_of_the_wrong_shape_fails_the_replay_with_url(tmp_path: Path) -> None:
    # chat --url refuses these answers as Alexa does (no response object, directives that are
    # no list, no version); replay --url reported each as "all answered".
    for payload, why in [
        ({"version": "1.0", "response": []}, "the answer has no response object"),
        ({"response": {}}, "the answer has no version"),
        ({"version": "1.0", "response": {"directives": "x"}}, "the answer's directives are not a"),
    ]:
        code, out = replay_against(tmp_path, payload)
        assert code == 1, (payload, out)
        assert f"  FAILED: Alexa would refuse the answer ({why}" in out, out
        assert out.endswith("1 request: 1 failed\n")


def test_an_answer_whose_parts_are_of_the_wrong_shape_is_not_said_empty(tmp_path: Path) -> None:
    # A reprompt or card that is no object is not shown; replay then said "an empty
    # response", which the answer is not.
    payload = {"version": "1.0", "response": {"reprompt": "x", "card": "y"}}
    code, out = replay_against(tmp_path, payload)
    assert code == 0
    assert "an empty response" not in out
    assert "  answer:     none of its parts is of a shape shown here (card, reprompt)\n" in out
