"""How a handler's failure is told: a reply refused for what its session attributes hold."""

from __future__ import annotations

import collections
import datetime
import logging
from collections.abc import Callable
from typing import Any, Final

import pytest

from alexaskill import (
    NotAResponse,
    Response,
    ResponseError,
    Session,
    SimpleCard,
    Skill,
    Ssml,
    speak,
)
from alexaskill.app import APOLOGY
from alexaskill.testing import SkillResponse, TestClient

from .conftest import SKILL_ID
from .fresh_python import DOUBLED, WARNING_LINES, run_in_turn


class _Cart:
    """An object of the skill's own, which JSON cannot hold."""


class _Text(str):
    """A str of the skill's own kind (as markupsafe's Markup is one)."""


def _holding(value: Any) -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent("Store")
    def store(session: Session) -> Response:
        session.attributes["basket"] = {"items": [1, value]}
        return speak("stored", end_session=False)

    return skill


def _holds_itself() -> dict[str, Any]:
    loop: dict[str, Any] = {}
    loop["self"] = loop
    return loop


def _answered(
    skill: Skill, intent: str, caplog: pytest.LogCaptureFixture
) -> tuple[SkillResponse, logging.LogRecord]:
    """``skill``'s answer to ``intent`` (the apology), and the one line alexaskill said of it
    at WARNING or above."""
    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(skill, raise_handler_errors=False) as client,
    ):
        result = client.intent(intent)
        assert result.speech == APOLOGY
    (line,) = [r for r in caplog.records if r.name == "alexaskill" and r.levelno >= logging.WARNING]
    return result, line


def _one_error_line(line: logging.LogRecord) -> str:
    """What ``line`` says, once checked to be an ERROR with no traceback."""
    said = line.getMessage()
    assert line.levelno == logging.ERROR and line.exc_info is None, said
    return said


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ({"a", "b"}, "sessionAttributes['basket']['items'][1] is a set"),
        (_Cart(), "sessionAttributes['basket']['items'][1] is a _Cart"),
        (datetime.date(2026, 12, 4), "sessionAttributes['basket']['items'][1] is a date"),
        ({1: "one"}, "sessionAttributes['basket']['items'][1] has the key 1 (an int)"),
        (float("nan"), "sessionAttributes['basket']['items'][1] is nan"),
        (
            _holds_itself(),
            "sessionAttributes['basket']['items'][1]['self'] is "
            "sessionAttributes['basket']['items'][1] again",
        ),
    ],
)
def test_attributes_json_cannot_hold_are_said_in_one_line_naming_the_path(
    value: Any, named: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A set (an object, a date, …) in the session attributes refused the reply, rightly, but
    was logged with the traceback of alexaskill's encoder (answering, encode_response,
    _check_attributes), which never shows the handler's line: the fault is the data stored,
    and the reason names where it is. One ERROR line now; the user hears the apology."""
    result, line = _answered(_holding(value), "Store", caplog)
    assert isinstance(result.handler_error, ResponseError)
    said = _one_error_line(line)
    assert said.startswith(f"handler failed for IntentRequest Store: {named}"), said
    assert "\n" not in logging.Formatter().format(line)  # one line: no traceback


def test_another_response_error_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """A reply refused for what the handler's code built (here a directive's payload, refused
    as the handler builds it, in its frame) is no fault of stored data: its traceback stays."""
    skill = Skill(SKILL_ID)

    @skill.intent("Odd")
    def odd() -> Response:
        return speak("odd", directives=[{"type": "Custom.Odd", "payload": {"a", "b"}}])

    _, line = _answered(skill, "Odd", caplog)
    assert line.getMessage().startswith("handler failed for IntentRequest Odd (")
    assert line.exc_info is not None and isinstance(line.exc_info[1], ResponseError)


def test_a_not_a_response_the_skill_raises_itself_keeps_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Only the one alexaskill raises at a result (its frames alone in the traceback) is said
    # in one line: the class is public now, and one raised in the skill's code points there.
    skill = Skill(SKILL_ID)

    @skill.intent("Odd")
    def odd() -> Response:
        raise NotAResponse("a reply of our own kind went missing")

    _, line = _answered(skill, "Odd", caplog)
    assert line.exc_info is not None and isinstance(line.exc_info[1], NotAResponse)


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        (
            lambda: speak(Ssml("<speak><lang>Bonjour</lang></speak>")),
            "outputSpeech.ssml: <lang> has no xml:lang",
        ),
        (lambda: speak("a" * 8001), "outputSpeech.text is 8,001 characters; the limit is 8,000"),
        (
            lambda: speak("a", card=SimpleCard("Long", "b" * 8000)),
            "card",  # (its title and content together: the card's own words follow)
        ),
    ],
    ids=["ssml", "speech", "card"],
)
def test_a_response_error_s_reason_is_in_the_error_line(
    reply: Callable[[], Any], why: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The app refused a reply as the handler built it (hand-written SSML Alexa refuses, speech
    or a card past Alexa's limits): the ERROR line said "handler failed for IntentRequest Build
    (...)" and the reason only in its traceback, so caplog.messages, record.getMessage() and a
    one-line JSON log lacked it. The line says it now, in one line; the traceback stays (it
    points at the handler's line that built the reply)."""
    skill = Skill(SKILL_ID)

    @skill.intent("Build")
    def build() -> Response:
        return reply()  # type: ignore[no-any-return]

    result, line = _answered(skill, "Build", caplog)
    assert isinstance(result.handler_error, ResponseError)
    said = line.getMessage()
    assert line.levelno == logging.ERROR and "\n" not in said, said
    assert said.startswith("handler failed for IntentRequest Build ("), said
    assert said.endswith(f".build): {result.handler_error}"), said
    assert why in said.partition(".build): ")[2], said
    assert line.exc_info is not None and line.exc_info[1] is result.handler_error


@pytest.mark.parametrize(
    ("reply", "said"),
    [
        (
            lambda: "Hello",
            "returned a str; a handler returns a Response (from speak(), ask(), …)"
            " or None: return speak(text) to end the session, ask(text) to keep it open",
        ),
        (
            lambda: {"response": {}},
            "returned a dict; a handler returns a Response (from speak(), "
            "ask(), …) or None: a dict is not sent as it is (Response(…) takes its fields)",
        ),
        (
            lambda: 42,
            "returned an int; a handler returns a Response (from speak(), ask(), …) or None",
        ),
        # A subclass got no fix: the fix was looked up by the exact type.
        (
            lambda: _Text("Hello"),
            "returned a _Text; a handler returns a Response (from speak(), ask(), …)"
            " or None: return speak(text) to end the session, ask(text) to keep it open",
        ),
        (
            lambda: collections.OrderedDict(response={}),
            "returned an OrderedDict; a handler returns a Response (from speak(), "
            "ask(), …) or None: a dict is not sent as it is (Response(…) takes its fields)",
        ),
    ],
    ids=["str", "dict", "int", "str-subclass", "dict-subclass"],
)
def test_a_reply_that_is_no_response_is_said_in_one_line_with_the_fix(
    reply: Callable[[], Any], said: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A handler that returned a str (the text it meant to say) or a dict (a reply written as
    JSON, as other SDKs take it) was logged with a traceback of alexaskill's own frames alone
    (answering's `_invoke`): nothing in it pointed at the handler, and `alexaskill chat` put it
    in the middle of the conversation. One ERROR line now, with the fix for a str or a dict."""
    skill = Skill(SKILL_ID)

    @skill.intent("Build")
    def build():  # type: ignore[no-untyped-def]  # (unannotated: else refused at registration)
        return reply()

    result, line = _answered(skill, "Build", caplog)
    assert isinstance(result.handler_error, ResponseError)
    message = _one_error_line(line)
    name = f"{build.__module__}.{build.__qualname__}"
    assert message == f"handler failed for IntentRequest Build ({name}): {name} {said}", message
    assert str(result.handler_error) == f"{name} {said}"


def test_an_exception_handler_s_refused_reply_says_why_in_the_error_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An exception handler whose reply the app refused as it was built (speech past 8000
    characters here) was logged "exception handler … failed" with the reason only in its
    traceback, where a handler's own failure says it in the line: now it says it too."""
    skill = Skill(SKILL_ID)

    @skill.intent("Find")
    def find() -> Response:
        raise LookupError("no such city")

    @skill.exception(LookupError)
    def on_lookup(exc: LookupError) -> Response:
        return speak("a" * 8001)

    result, line = _answered(skill, "Find", caplog)
    assert isinstance(result.handler_error, ResponseError)
    said = line.getMessage()
    assert line.levelno == logging.ERROR and "\n" not in said, said
    assert said.startswith("exception handler "), said
    assert said.endswith(f".on_lookup failed: {result.handler_error}"), said
    assert "outputSpeech.text is 8,001 characters; the limit is 8,000" in said, said
    assert line.exc_info is not None and line.exc_info[1] is result.handler_error


def test_an_attribute_str_that_does_not_encode_is_said_in_one_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A str with a lone surrogate (text decoded with errors="surrogateescape") in the session
    attributes is the stored data's fault as a set is, its path named by the encoder's refusal:
    it was logged with the traceback of alexaskill's encoder."""
    _, line = _answered(_holding("caf\udce9"), "Store", caplog)
    said = _one_error_line(line)
    assert said.startswith(
        "handler failed for IntentRequest Store: sessionAttributes is not JSON-encodable: "
        "sessionAttributes['basket']['items'][1] is a str that does not encode"
    ), said


@pytest.mark.parametrize(
    ("attributes", "kind"), [(["a"], "a list"), ("state", "a str"), (3, "an int")]
)
def test_attributes_set_to_no_dict_are_said_in_one_line(
    attributes: Any, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A handler that set ``session.attributes = [...]`` (a str, a number) had its reply
    refused, rightly, but logged with the traceback of alexaskill's encoder, which never shows
    the handler's line: the fault is the data stored. One ERROR line now, as for a set."""
    skill = Skill(SKILL_ID)

    @skill.intent("Store")
    def store(session: Session) -> Response:
        session.attributes = attributes
        return speak("stored", end_session=False)

    result, line = _answered(skill, "Store", caplog)
    assert isinstance(result.handler_error, ResponseError)
    said = _one_error_line(line)
    assert said == (
        "handler failed for IntentRequest Store: sessionAttributes must be a dict (a JSON "
        f"object), not {kind}"  # (the type after its article: "not list" was said)
    ), said


#: A script for a Python of its own: session attributes of containers held in several places,
#: which JSON writes out in full at each place, refused (by `encode_response`, then as a
#: handler's reply). It prints what it saw, as JSON, on its last line.
_SHARED_SCRIPT = (
    f"SKILL_ID = {SKILL_ID!r}\n"
    + DOUBLED
    + """
import json, logging
from alexaskill import ResponseError, Session, Skill, speak
from alexaskill.responses import encode_response
from alexaskill.responses.encoding import data_refusal, no_reply_carries
from alexaskill.testing import TestClient

def rows():  # a billion zeros as JSON writes them: one row of them in memory
    return [[0] * 100_000] * 10_000

said = {}
for name, make in (("doubled", doubled), ("rows", rows)):
    try:
        encode_response(speak("x"), {"name": "Jana", name: make()})
    except Exception as exc:
        said[name] = [isinstance(exc, ResponseError), str(exc), data_refusal(exc) == str(exc)]
said["carries"] = no_reply_carries({"tree": doubled()}, {"name": "Jana"})

"""
    + WARNING_LINES
    + """
skill = Skill(SKILL_ID)

@skill.intent("Grow")
def grow(session: Session):
    session.attributes["tree"] = doubled()
    return speak("grown", end_session=False)

with TestClient(skill, raise_handler_errors=False) as client:
    result = client.intent("Grow")
    said["speech"] = result.speech
    said["attributes"] = result.json.get("sessionAttributes")
said["lines"] = lines
print(json.dumps(said))
"""
)


@pytest.fixture(scope="module")
def fresh_said() -> tuple[dict[str, Any], str]:
    """`run_in_turn` of ``_FRESH_SCRIPTS``, in one Python of its own (one start, one import of
    alexaskill and one set of test keys, where each had its own: about 1 s of CPU)."""
    return run_in_turn(_FRESH_SCRIPTS, timeout=120)  # (seconds a script, where it hung for good)


def test_attributes_holding_containers_in_many_places_are_refused_not_encoded(
    fresh_said: tuple[dict[str, Any], str],
) -> None:
    """Session attributes of a list holding one list twice, forty levels over (41 lists in
    memory), are 2**41 lists as JSON writes them out: the encoder worked at them for ever,
    and so did the check of whether any reply could carry them, on the event loop's thread.
    Refused now before they are encoded, as more values than a reply holds bytes: the user
    hears the apology, said in one ERROR line. Run in a Python of its own: in this one, the
    old code would have hung the whole run."""
    said = fresh_said[0].get("attributes")
    if said is None:
        pytest.fail(
            "encoding session attributes held in many places did not end (it hangs), or "
            f"failed: {fresh_said[1]}"
        )
    written_out = (
        "holds more than 122,880 values as JSON writes them out: a list or dict held in "
        "several places (one in sessionAttributes[{key!r}]) is written out in full at each, "
        "so any reply would be past the 122,880 bytes (120 KB) Alexa takes"
    )
    for key in ("doubled", "rows"):
        a_response_error, why, a_data_refusal = said[key]
        assert a_response_error and a_data_refusal, said[key]
        assert why == "sessionAttributes " + written_out.format(key=key), why
    assert said["carries"] is None  # (the handler's doing: the request brought little)
    assert (said["speech"], said["attributes"]) == (APOLOGY, None)
    assert said["lines"] == [
        [
            "ERROR",
            "handler failed for IntentRequest Grow: sessionAttributes "
            + written_out.format(key="tree"),
            True,
        ]
    ]


#: A script for a Python of its own: a response holding a list held in several places, written
#: as a mapping in a directive, in apiResponse, or in a directive of the skill's own class,
#: refused where it is built (then as a handler's reply). It prints what it saw, as JSON.
_SHARED_RESPONSE_SCRIPT = (
    f"SKILL_ID = {SKILL_ID!r}\n"
    + DOUBLED
    + """
import json, logging
from typing import Any
from alexaskill import Response, Skill, speak
from alexaskill.directives import APL
from alexaskill.responses import Card, Directive
from alexaskill.responses.encoding import data_refusal
from alexaskill.testing import TestClient

class Grown(Directive, tag="Custom.Grown"):
    tree: Any = None

class Sketch(Card, tag="Simple"):
    title: str
    tree: Any = None

makers = {
    "mapping": lambda: speak("x", directives=[{"type": "Custom.Grown", "tree": doubled()}]),
    "apiResponse": lambda: Response(api_response={"tree": doubled()}),
    "object": lambda: speak("x", directives=[Grown(tree=doubled())]),
    "card": lambda: speak("x", card=Sketch("t", doubled())),
    "apl": lambda: speak(
        "x",
        directives=[
            APL.RenderDocument(
                {"type": "APL", "version": "1.0", "mainTemplate": {}, "tree": doubled()}
            )
        ],
    ),
}
said = {}
for name, make in makers.items():
    try:
        make()
    except Exception as exc:
        said[name] = [str(exc), data_refusal(exc) == str(exc)]

"""
    + WARNING_LINES
    + """
skill = Skill(SKILL_ID)

@skill.intent("Grow")
def grow():
    return makers["mapping"]()

with TestClient(skill, raise_handler_errors=False) as client:
    said["speech"] = client.intent("Grow").speech
said["lines"] = lines
print(json.dumps(said))
"""
)


def test_responses_holding_containers_in_many_places_are_refused_not_encoded(
    fresh_said: tuple[dict[str, Any], str],
) -> None:
    """A directive written as a mapping, an apiResponse, a directive or a card of the skill's
    own class, or an APL document, holding a list that holds one list twice, forty levels
    over, is 2**41 lists as JSON writes it out: encoding it where the response was built (to
    keep it as checked) worked for ever, on the event loop's thread for a handler run there.
    Refused now as more values than a reply holds bytes, a data fault: the user hears the
    apology, said in one ERROR line. Run in a Python of its own: in this one, the old code
    would hang the whole run."""
    said = fresh_said[0].get("responses")
    if said is None:
        pytest.fail(
            "building a response holding containers in many places did not end (it hangs, or "
            f"the script before it in that Python did), or failed: {fresh_said[1]}"
        )
    written_out = (
        "{field} holds more than 122,880 values as JSON writes them out: a list or dict held "
        "in several places (one in {where}) is written out in full at each, so any reply "
        "would be past the 122,880 bytes (120 KB) Alexa takes"
    )
    fields = {
        "mapping": ("directives[0] (Custom.Grown)", "['tree']"),
        "apiResponse": ("apiResponse", "['tree']"),
        "object": ("directives[0] (Custom.Grown)", ".tree"),
        "card": ("card", ".tree"),
        "apl": ("Alexa.Presentation.APL.RenderDocument document", "['tree']"),
    }
    for name, (field, where) in fields.items():
        assert said[name] == [written_out.format(field=field, where=where), True], said[name]
    assert said["speech"] == APOLOGY
    why = written_out.format(field=fields["mapping"][0], where="['tree']")
    failed = "handler failed for IntentRequest Grow (__main__.grow)"  # (raised in its frame)
    assert said["lines"] == [["ERROR", f"{failed}: {why}", True]]


#: The scripts `fresh_said` runs, by name, in this order.
_FRESH_SCRIPTS: Final = {"attributes": _SHARED_SCRIPT, "responses": _SHARED_RESPONSE_SCRIPT}
