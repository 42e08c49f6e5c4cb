"""A reply that does not encode, as a served skill says it: one log line naming where (the path
to the value, or the reply's size), on a server and on AWS Lambda, where a handler's own exception
keeps its traceback. (Split from tests/test_responses_unencodable.py, with its header.)"""

from __future__ import annotations

import gc
import json
import logging
import re
from typing import Any

import pytest

from alexaskill import Response, ResponseError, Session, Skill, ask, speak
from alexaskill.app import APOLOGY
from alexaskill.aws_lambda import handler
from alexaskill.responses import SimpleCard
from alexaskill.testing import RequestFactory, TestClient

from .conftest import SKILL_ID
from .responses_shared import Note, NotJson, Show

pytestmark = pytest.mark.oldest_dependencies


def _skill() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent("Show")
    def show(session: Session) -> Response:
        session.attributes["seen"] = True
        return speak("shown", directives=[Show(payload={"cart": [NotJson()]})])

    return skill


_SAID = "response is not JSON-encodable: response.directives[0].payload['cart'][0] is a NotJson"


def _error_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "alexaskill" and r.levelno >= logging.WARNING]


def test_the_handlers_failure_names_the_path_in_one_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The value is the skill's data, as a session attribute JSON cannot hold is: it was logged
    # with the traceback of alexaskill's encoder (answering, encode_response, _diagnose), which
    # never shows the handler's line. One ERROR line now, naming the path; the apology as ever.
    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(_skill(), raise_handler_errors=False) as client,
    ):
        result = client.intent("Show")
    assert result.speech == APOLOGY
    assert str(result.handler_error) == _SAID
    (line,) = _error_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info is None
    assert line.getMessage() == f"handler failed for IntentRequest Show: {_SAID}"
    assert "\n" not in logging.Formatter().format(line)  # one line: no traceback


def test_on_aws_lambda_the_failure_names_the_path(caplog: pytest.LogCaptureFixture) -> None:
    event = RequestFactory(skill_id=SKILL_ID)
    with caplog.at_level(logging.INFO, logger="alexaskill"):
        answer = handler(_skill())(event.intent("Show"), None)
    assert answer["response"]["outputSpeech"]["text"] == APOLOGY
    (line,) = _error_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info is None
    assert line.getMessage() == f"handler failed for IntentRequest Show: {_SAID}"


def test_an_exception_handlers_reply_refused_for_a_value_is_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    skill = _skill()

    @skill.intent("Fails")
    def fails() -> Response:
        raise LookupError("no such thing")

    @skill.exception(LookupError)
    def recover(exc: LookupError) -> Response:
        return speak("recovered", card=Note(text=NotJson()))

    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        assert client.intent("Fails").speech == APOLOGY
    (line,) = _error_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info is None
    said = line.getMessage()
    assert said.startswith("exception handler ") and said.endswith(
        "recover failed: response is not JSON-encodable: response.card.text is a NotJson"
    ), said


def _big_skill() -> Skill:
    """A skill whose replies are the skill's data at fault, beyond a value's path: too large a
    reply, and a value too deep for the search to name (the encoder's own words kept)."""
    skill = Skill(SKILL_ID)

    @skill.intent("Big")
    def big(session: Session) -> Response:
        session.attributes["board"] = "b" * 100_000
        return speak("big", directives=[Show(payload=["x" * 1000] * 30)])

    @skill.intent("Deep")
    def deep() -> Response:
        value: Any = (1,)
        for _ in range(3_000):
            value = (value,)
        return speak("deep", directives=[Show(payload=["a", frozenset({value})])])

    return skill


#: The start of the one ERROR line of the reply too large: its size, the limit, then the
#: largest part first (what to shrink).
_TOO_LARGE = re.compile(
    r"handler failed for IntentRequest Big: response body is 13\d,\d{3} bytes; the limit is "
    r"122,880 bytes \(120 KB\); the largest parts: sessionAttributes 100,\d{3} bytes \(its "
    r"largest key 'board' 100,002 bytes\), directives\[0\] \(Custom.Show\) 30,\d{3} bytes"
)
#: The one ERROR line of a value the search could not name: the encoder's words.
_UNNAMED = re.compile(
    r"handler failed for IntentRequest Deep: response is not JSON-encodable: "
    r"(?!response\.)\S"
)


def _no_garbage_left() -> None:
    """Collect what earlier tests of the process left, before a reply is encoded at the
    recursion limit: a collection set off there ran their finalizers at that depth (CI, oldest
    dependencies: an unclosed urllib3 pool of a DynamoDB test's, its finalizer's RecursionError
    an unraisable exception that failed the Deep case)."""
    gc.collect()


@pytest.mark.parametrize(
    ("intent", "said"), [("Big", _TOO_LARGE), ("Deep", _UNNAMED)], ids=["big", "deep"]
)
def test_a_reply_too_large_or_unnamed_is_one_line(
    intent: str, said: re.Pattern[str], caplog: pytest.LogCaptureFixture
) -> None:
    # The skill's data as much as a value named by its path: a reply past Alexa's 120 KB, and a
    # value past what the search looks through, were logged with the traceback of alexaskill's
    # encoder (answering, encode_response), which never shows the handler's line. One ERROR
    # line now (the size, the limit and the largest parts; the encoder's words); the apology.
    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(_big_skill(), raise_handler_errors=False) as client,
    ):
        _no_garbage_left()
        result = client.intent(intent)
    assert result.speech == APOLOGY and isinstance(result.handler_error, ResponseError)
    (line,) = _error_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info is None, line.getMessage()
    assert said.match(line.getMessage()), line.getMessage()
    assert line.getMessage() == f"handler failed for IntentRequest {intent}: {result.handler_error}"
    assert "\n" not in logging.Formatter().format(line)  # one line: no traceback


@pytest.mark.parametrize(
    ("intent", "said"), [("Big", _TOO_LARGE), ("Deep", _UNNAMED)], ids=["big", "deep"]
)
def test_on_aws_lambda_a_reply_too_large_or_unnamed_is_one_line(
    intent: str, said: re.Pattern[str], caplog: pytest.LogCaptureFixture
) -> None:
    event = RequestFactory(skill_id=SKILL_ID)
    with caplog.at_level(logging.INFO, logger="alexaskill"):
        _no_garbage_left()
        answer = handler(_big_skill())(event.intent(intent), None)
    assert answer["response"]["outputSpeech"]["text"] == APOLOGY
    (line,) = _error_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info is None, line.getMessage()
    assert said.match(line.getMessage()), line.getMessage()


def test_a_handlers_own_exception_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    # A ResponseError the handler raised itself (not the reply's encoding) is its bug: the
    # traceback shows its line, even where the message reads like the size refusal.
    skill = Skill(SKILL_ID)

    @skill.intent("Raises")
    def raises() -> Response:
        raise ResponseError("response body is 130,000 bytes; the limit is 122,880 bytes")

    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        assert client.intent("Raises").speech == APOLOGY
    (line,) = _error_lines(caplog)
    assert line.exc_info is not None and isinstance(line.exc_info[1], ResponseError)


def _holding(field: str, text: str) -> Any:
    """A handler whose reply (or session, or a directive) holds ``text`` in ``field``."""
    from alexaskill.directives import (
        APL,
        AudioMetadata,
        AudioPlayer,
        Connections,
        VideoApp,
        elicit_slot,
    )

    from .responses_shared import APL_DOCUMENT

    stream = "https://example.com/a.mp3"
    replies: dict[str, Any] = {
        "attribute value": lambda s: (s.attributes.update(k={"a": [text]}), speak("hi"))[1],
        "attribute key": lambda s: (s.attributes.update({text: 1}), speak("hi"))[1],
        "directive payload": lambda s: speak("hi", directives=[Show(payload={"x": text})]),
        "dict directive": lambda s: speak("hi", directives=[{"type": "Custom.X", "p": text}]),
        "card of its own": lambda s: speak("hi", card=Note(text=text)),
        "audio token": lambda s: speak("hi", directives=[AudioPlayer.Play(stream, token=text)]),
        "audio metadata": lambda s: speak(
            "hi",
            directives=[AudioPlayer.Play(stream, token="t", metadata=AudioMetadata(title=text))],
        ),
        "APL datasources": lambda s: speak(
            "hi", directives=[APL.RenderDocument(APL_DOCUMENT, datasources={"d": text})]
        ),
        "connection input": lambda s: speak(
            "hi",
            directives=[Connections.StartConnection("connection://AMAZON.X/1", input={"a": text})],
        ),
        "updated intent": lambda s: elicit_slot(
            "city",
            "Which city?",
            updated_intent={"name": "Show", "slots": {"city": {"name": "city", "value": text}}},
        ),
        "apiResponse": lambda s: Response(api_response={"a": text}),
        "APL token": lambda s: speak(
            "hi", directives=[APL.RenderDocument(APL_DOCUMENT, token=text)]
        ),
        "video title": lambda s: speak(
            "hi", directives=[VideoApp.Launch("https://example.com/v.mp4", title=text)]
        ),
    }
    return replies[field]


@pytest.mark.parametrize(
    "field",
    [
        "attribute value",
        "attribute key",
        "directive payload",
        "dict directive",
        "card of its own",
        "audio token",
        "audio metadata",
        "APL datasources",
        "connection input",
        "updated intent",
        "apiResponse",
        "APL token",
        "video title",
    ],
)
def test_a_lone_surrogate_anywhere_a_handler_puts_it_is_the_apology_and_one_line(
    field: str, caplog: pytest.LogCaptureFixture
) -> None:
    # (Held as it was: each passed before this test.) A lone surrogate (text decoded with
    # errors="surrogateescape") no UTF-8 body holds, in each part of a reply a handler fills
    # whose text is not cleaned as speech and cards' are: the apology, HTTP 200, one ERROR line
    # saying the str does not encode; never a 500, a dropped connection or a crash.
    reply = _holding(field, "caf\udce9")
    skill = Skill(SKILL_ID)

    @skill.intent("Show")
    def show(session: Session) -> Response:
        return reply(session)  # type: ignore[no-any-return]

    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(
            skill,
            raise_handler_errors=False,
            interfaces=["AudioPlayer", "Alexa.Presentation.APL", "VideoApp"],
        ) as client,
    ):
        result = client.intent("Show")
    assert result.status_code == 200 and result.speech == APOLOGY
    assert isinstance(result.handler_error, ResponseError)
    (line,) = _error_lines(caplog)
    assert line.levelno == logging.ERROR
    assert "a str that does not encode" in line.getMessage(), line.getMessage()
    assert "\\udce9" in line.getMessage()


@pytest.mark.parametrize("field", ["speech", "reprompt", "card"])
def test_a_lone_surrogate_in_text_alexa_shows_or_says_is_a_space(field: str) -> None:
    # (Held as it was.) Speech, a reprompt and a card's text are cleaned where built (a lone
    # surrogate becomes a space): the reply goes out, whole.
    text = "caf\udce9"
    replies: dict[str, Any] = {
        "speech": lambda: speak(text),
        "reprompt": lambda: ask("Which?", reprompt=text),
        "card": lambda: speak("hi", card=SimpleCard(text, text)),
    }
    skill = Skill(SKILL_ID)

    @skill.intent("Show")
    def show() -> Response:
        return replies[field]()  # type: ignore[no-any-return]

    with TestClient(skill) as client:
        result = client.intent("Show")
    assert result.status_code == 200 and result.handler_error is None
    sent = json.dumps(result.json)
    assert "\\udce9" not in sent and "caf " in sent, sent
