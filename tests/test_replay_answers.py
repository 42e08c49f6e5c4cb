"""`alexaskill replay --url` against a server that answers what no skill should: said, never a
traceback (its answers judged by the app's rules: tests/test_replay_answers_rules.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli import main
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory

from .canned_answer import bare_skill, canned_answer_port, json_answer, replayed

# The fixtures of tests/dev_pki_shared.py, for pytest to see: replay --url signs with the
# module's development PKI (dev_dir), which _dev_env (autouse) points it at.
from .dev_pki_shared import _dev_env as _dev_env
from .dev_pki_shared import dev_dir as dev_dir


def launch_file(tmp_path: Path) -> Path:
    """A LaunchRequest written to ``tmp_path``/launch.json, for replay to send."""
    request = tmp_path / "launch.json"
    request.write_text(json.dumps(RequestFactory().envelope("LaunchRequest")), encoding="utf-8")
    return request


def replay_against(tmp_path: Path, payload: Any, *options: str) -> tuple[int, str]:
    """Replay a LaunchRequest to a server answering HTTP 200 with ``payload`` (with replay's
    ``options``): the exit status and the output."""
    answer = json_answer(payload)
    code, out, _ = replayed(bare_skill(tmp_path), launch_file(tmp_path), answer, *options)
    return code, out


def test_directives_that_are_not_objects_are_shown_not_a_traceback(tmp_path: Path) -> None:
    # _show read each directive's "type" with .get: a string among them was an AttributeError.
    # (Since the answer is judged by the app's rules, such an answer is refused, as in process.)
    payload = {"version": "1.0", "response": {"directives": ["x", {"type": "AudioPlayer.Stop"}]}}
    code, out = replay_against(tmp_path, payload)
    assert code == 1
    assert "  FAILED: Alexa would refuse the answer (directives[0] is no JSON object)" in out


def test_ssml_alexa_would_refuse_fails_the_replay_with_url_too(tmp_path: Path) -> None:
    # In process, an answer whose SSML is not well-formed failed the replay (Alexa refuses it
    # whole); sent to a server with --url, the same answer was "all answered".
    payload = {
        "version": "1.0",
        "response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>unclosed <p>x</speak>"}},
    }
    code, out = replay_against(tmp_path, payload)
    assert code == 1
    assert "  FAILED: Alexa would refuse the answer (outputSpeech.ssml: </speak> while <p>" in out
    assert out.endswith("1 request: 1 failed\n")


def test_an_audio_clip_alexa_cannot_fetch_fails_the_replay_with_url(tmp_path: Path) -> None:
    # A server answering <audio src="clip.mp3"/> failed only by the app's rules, in the words of
    # its builders ("ssml.audio refuses it too"): the test tools' SSML check (ssml_error, also
    # the fakes' and the simulator's) took any src. It says why itself now, as the app does.
    ssml = '<speak>Listen: <audio src="clip.mp3"/></speak>'
    payload = {"version": "1.0", "response": {"outputSpeech": {"type": "SSML", "ssml": ssml}}}
    code, out = replay_against(tmp_path, payload)
    assert code == 1, out
    assert (
        "  FAILED: Alexa would refuse the answer (outputSpeech.ssml: <audio src='clip.mp3'> is "
        "no URL Alexa can fetch: Alexa fetches files over HTTPS only"
    ) in out, out
    assert out.endswith("1 request: 1 failed\n"), out


def test_an_answer_nested_too_deeply_to_decode_is_no_json_not_a_traceback(
    tmp_path: Path,
) -> None:
    # json.loads of 100000 "[" raises RecursionError, which is no ValueError: replay --url
    # ended with a traceback; it is an answer that is not JSON, as any other.
    request = launch_file(tmp_path)
    app = tmp_path / "app.py"
    app.write_text(
        f"from alexaskill import Skill\nskill = Skill({DEFAULT_SKILL_ID!r})\n", encoding="utf-8"
    )
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
    # (Since the answer is judged by the app's rules, such an answer is refused, as in process.)
    payload = {"version": "1.0", "response": {"reprompt": "x", "card": "y"}}
    code, out = replay_against(tmp_path, payload)
    assert code == 1
    assert "an empty response" not in out
    assert "  FAILED: Alexa would refuse the answer (card: Expected `object`, got `str`)" in out


def test_replay_url_says_a_directive_the_device_lacks_the_interface_of(tmp_path: Path) -> None:
    # chat --url shows a server's APL document sent to a speaker in a device: row; replay --url
    # showed it among the directives as if the device took it.
    apl = {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "document": {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}},
    }
    speech = {"type": "PlainText", "text": "Here it is."}
    answer = {"outputSpeech": speech, "directives": [apl], "shouldEndSession": False}
    code, out = replay_against(tmp_path, {"version": "1.0", "response": answer})
    assert code == 0, out
    assert (
        "  device:     lacks Alexa.Presentation.APL: the server sent "
        "Alexa.Presentation.APL.RenderDocument all the same (in process the app drops it)\n"
    ) in out


def test_replay_in_process_says_a_directive_the_device_lacks_is_dropped(tmp_path: Path) -> None:
    # As chat shows it: the app dropped the document (only its WARNING, on stderr, said so).
    request = launch_file(tmp_path)
    app = tmp_path / "app.py"
    app.write_text(
        "from alexaskill import Skill, speak\n"
        "from alexaskill.directives import APL\n"
        f"skill = Skill({DEFAULT_SKILL_ID!r})\n"
        "document = {'type': 'APL', 'version': '2024.3', 'mainTemplate': {}}\n"
        "skill.launch(lambda: speak('Here.', directives=[APL.RenderDocument(document)]))\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    code = main(["replay", f"{app}:skill", str(request)], stdout=out, stderr=io.StringIO())
    assert code == 0, out.getvalue()
    assert (
        "  dropped:    Alexa.Presentation.APL.RenderDocument (the device lacks it)\n"
        in out.getvalue()
    )


def test_replay_url_counts_session_attributes_that_are_no_object(tmp_path: Path) -> None:
    # Shown as the answer's attributes and passed: no session could carry them on.
    speech = {"type": "PlainText", "text": "Hi."}
    payload = {"version": "1.0", "sessionAttributes": "x", "response": {"outputSpeech": speech}}
    code, out = replay_against(tmp_path, payload)
    assert code == 1, out
    assert 'sessionAttributes must be a JSON object, not "x")\n' in out
    assert out.endswith("1 request: all answered, 1 rule violation\n")


@pytest.mark.usefixtures("python_sigint")  # (KeyboardInterrupt as a Ctrl-C)
def test_ctrl_c_while_the_skill_answers_a_replay_says_the_user_interrupted(
    tmp_path: Path,
) -> None:
    # The cancelled handler's WARNING said "the server shutting down, past its
    # --timeout-graceful-shutdown?": replay runs no server.
    request = launch_file(tmp_path)
    app = tmp_path / "interrupted_replay.py"
    app.write_text(
        "import asyncio, os, signal\n"
        "from alexaskill import Skill, speak\n"
        f"skill = Skill({DEFAULT_SKILL_ID!r})\n"
        "@skill.launch\n"
        "async def launch():\n"
        "    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the handler runs\n"
        "    await asyncio.sleep(120)  # (cancelled as replay closes its client)\n"
        "    return speak('Hi.')\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    code = main(["replay", f"{app}:skill", str(request)], stdout=io.StringIO(), stderr=err)
    assert code == 130, err.getvalue()
    assert (
        "interrupted_replay.launch was cancelled before it answered (Ctrl-C: the user interrupted "
        "replay, which shows no answer): answered "
    ) in err.getvalue()
    assert "server" not in err.getvalue()


def test_replay_json_names_the_directives_the_device_lacks(tmp_path: Path) -> None:
    # The text output's dropped:/device: rows had no counterpart in the JSON records.
    apl = {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "document": {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}},
    }
    answer = {"outputSpeech": {"type": "PlainText", "text": "Here."}, "directives": [apl]}
    code, out = replay_against(tmp_path, {"version": "1.0", "response": answer}, "--json")
    assert code == 0, out
    [record] = [json.loads(line) for line in out.splitlines()]
    assert record["unsupported"] == ["Alexa.Presentation.APL.RenderDocument"]


def test_session_attributes_no_object_outside_a_session_are_not_said_lost_to_its_next() -> None:
    # An AudioPlayer event is outside any session: its answer's attributes go nowhere whatever
    # their shape, and there is no "next request in the session" to lose them.
    from alexaskill.testing.answer_rules import answer_verdict

    payload = {"version": "1.0", "sessionAttributes": "x", "response": {}}
    event = RequestFactory().envelope("AudioPlayer.PlaybackStarted")
    assert "session" not in event
    refusal, [violation] = answer_verdict(event, 200, payload)
    assert refusal is None
    assert "next request" not in violation.fate, violation.fate
    assert "outside a session" in violation.fate, violation.fate
    # In a session, the wording stays.
    launch = RequestFactory().envelope("LaunchRequest")
    _, [in_session] = answer_verdict(launch, 200, payload)
    assert in_session.fate == "lost: the next request in the session carries no attributes"


def test_a_servers_unheard_reprompt_is_advised_in_the_answers_json() -> None:
    # A server's answer with a reprompt and shouldEndSession left out: the advice named ask() and
    # end_session=False, a handler's Python, where the user of --url sees only JSON.
    from alexaskill.testing.answer_rules import answer_verdict

    answer = {
        "outputSpeech": {"type": "PlainText", "text": "Which city?"},
        "reprompt": {"outputSpeech": {"type": "PlainText", "text": "Which city, please?"}},
    }
    launch = RequestFactory().envelope("LaunchRequest")
    refusal, [violation] = answer_verdict(launch, 200, {"version": "1.0", "response": answer})
    assert refusal is None
    assert "ask()" not in violation.rule and "end_session" not in violation.rule, violation.rule
    assert "shouldEndSession false" in violation.rule, violation.rule


def test_an_answer_that_is_no_json_object_says_what_came(tmp_path: Path) -> None:
    # A web page answered with 200 (--url naming another server, a proxy's page) or a JSON
    # list failed as "the answer is not a response envelope", without a word of what came,
    # where chat --url says Alexa refuses it.
    request = launch_file(tmp_path)
    app = tmp_path / "app.py"
    app.write_text(
        f"from alexaskill import Skill\nskill = Skill({DEFAULT_SKILL_ID!r})\n", encoding="utf-8"
    )
    for body, why in [
        (b"<html>Welcome to nginx!</html>", "the answer is not JSON: '<html>Welcome to nginx!"),
        (b"[1, 2]", "the answer is not a JSON object"),
        (b"", "the answer is empty)"),  # (it said "not JSON: ''")
    ]:
        head = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
        out = io.StringIO()
        with canned_answer_port(head + body) as port:
            argv = ["replay", f"{app}:skill", str(request), "--url", f"http://127.0.0.1:{port}/"]
            assert main(argv, stdout=out, stderr=io.StringIO()) == 1
        assert f"  FAILED: Alexa would refuse the answer ({why}" in out.getvalue(), out.getvalue()


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("https://example.com/alexa", "https://example.com/alexa"),
        ("/skill/", "http://127.0.0.1:{port}/skill/"),  # (relative: resolved, as a client would)
        ("https://ann:secret@example.com/", "https://ann:***@example.com/"),  # (as --url's)
    ],
)
def test_a_redirect_says_where_it_points_and_is_not_followed(
    tmp_path: Path, location: str, shown: str
) -> None:
    # A server answering 301 (a proxy that wants https, a path without its slash) failed as
    # "HTTP 301" alone: neither where it pointed nor that replay does not follow it.
    request = launch_file(tmp_path)
    app = tmp_path / "app.py"
    app.write_text(
        f"from alexaskill import Skill\nskill = Skill({DEFAULT_SKILL_ID!r})\n", encoding="utf-8"
    )
    head = (
        b"HTTP/1.1 301 Moved Permanently\r\nLocation: %s\r\nContent-Length: 0\r\n"
        b"Connection: close\r\n\r\n" % location.encode()
    )
    out = io.StringIO()
    with canned_answer_port(head) as port:
        argv = ["replay", f"{app}:skill", str(request), "--url", f"http://127.0.0.1:{port}/"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
        target = shown.format(port=port)
    assert (
        f"  FAILED: HTTP 301: a redirect to {target}, which replay --url does not follow: give "
        "that URL to --url if the skill is served there\n"
    ) in out.getvalue(), out.getvalue()


@pytest.mark.parametrize("json_lines", [False, True])
def test_a_servers_reason_is_shown_not_acted_on_by_the_terminal(
    tmp_path: Path, json_lines: bool
) -> None:
    # The FAILED line wrote a refusal's reason as the server sent it: an escape sequence in it
    # cleared the terminal and a bell rang, where the answer's rows are written out (\x1b).
    request = launch_file(tmp_path)
    app = tmp_path / "app.py"
    app.write_text(
        f"from alexaskill import Skill\nskill = Skill({DEFAULT_SKILL_ID!r})\n", encoding="utf-8"
    )
    body = b"bad \x1b[2J\x07 request"
    head = b"HTTP/1.1 400 Bad Request\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(
        body
    )
    out, err = io.StringIO(), io.StringIO()
    with canned_answer_port(head + body) as port:
        argv = ["replay", f"{app}:skill", str(request), "--url", f"http://127.0.0.1:{port}/"]
        assert main([*argv, *(["--json"] if json_lines else [])], stdout=out, stderr=err) == 1
    shown = err.getvalue() if json_lines else out.getvalue()
    assert "FAILED: HTTP 400: bad \\x1b[2J\\x07 request\n" in shown, shown
    assert "\x1b" not in shown and "\x07" not in shown
