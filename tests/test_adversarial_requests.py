"""Hostile bodies, signed as Alexa signs them: each gets HTTP 200 (handled, maybe with an
apology) or a short JSON 400, never a 500, and alexaskill's own code logs no ERROR for them.

A signed body passes verification and reaches the decoder and dispatch, so these are the
requests that test them: JSON at its edges (nesting, numbers, duplicate keys, encodings), and
one table each of every field of an IntentRequest, a LaunchRequest and a SessionEndedRequest
replaced in turn by each value of another type.
"""

from __future__ import annotations

import copy
import datetime
import json
import logging
from collections.abc import Callable
from typing import Any, Final

import pytest

from alexaskill import DialogSlot, Response, ResponseError, Session, Skill, speak
from alexaskill.app import APOLOGY
from alexaskill.responses.encoding import MAX_RESPONSE_BYTES
from alexaskill.testing import RequestFactory, SkillResponse, TestClient

from . import fuzz_shared
from .conftest import OTHER_SKILL_ID, SKILL_ID
from .direct_posts import Answer, post_signed
from .fuzz_shared import NOW, STAMP, samples
from .typed_skill import typed_slots, value_paths

#: A refusal is a reason, not a traceback.
MAX_REASON: Final = 300

# The fuzz tests' client (tests/fuzz_shared.py), its skill's handlers taking typed slots, which
# fails its test on an ERROR line or a traceback logged: these requests may fail, never so.
client = fuzz_shared.fuzz_client


def _typed_envelope() -> dict[str, Any]:
    """A valid IntentRequest for ``Typed``, one slot of each kind the handler takes."""
    slots = typed_slots({"numbers": ["1", "2"], "words": ["a"]})
    return _envelope("Typed", slots, dialog_state="IN_PROGRESS")


def _envelope(
    intent: str, slots: dict[str, Any], *, dialog_state: str | None = None
) -> dict[str, Any]:
    # (a factory of the skill's id, as a client of make_skill()'s has: building that skill and
    # its client for each of the 250 envelopes here cost over a second of CPU)
    envelope = RequestFactory(SKILL_ID).intent(intent)
    envelope["request"]["timestamp"] = STAMP
    envelope["request"]["intent"]["slots"] = slots
    if dialog_state is not None:
        envelope["request"]["dialogState"] = dialog_state
    return envelope


def _send(client: TestClient, body: bytes, *, sha1: bool = True) -> SkillResponse:
    """``body`` posted signed as Alexa signs it: ``Signature-256``, and the legacy SHA-1
    ``Signature`` unless ``sha1`` is False. The 2,600 bodies of the field tables (sent as
    tests/direct_posts.py sends them) and of the deep nesting below carry the first alone: a
    request carrying it is verified by it, the legacy header never read (Amazon's rule;
    alexaskill.verify.headers), and signing each body again for that header was a seventh of
    this module's CPU (7 December 2026)."""
    return client.post(body, client.pki.sign(body, sha1=sha1))


def _problem(result: SkillResponse | Answer) -> str | None:
    """What is wrong with an answer to a hostile request, or None."""
    if result.status_code == 400:
        payload = result.json
        if not isinstance(payload, dict) or set(payload) != {"error"}:
            return f"400 body not {{'error': ...}}: {payload!r:.200}"
        reason = payload["error"]
        if not isinstance(reason, str) or len(reason) > MAX_REASON or "Traceback" in reason:
            return f"400 reason not short: {reason!r:.200}"
        return None
    if result.status_code != 200:
        return f"HTTP {result.status_code}: {result.json!r:.200}"
    if result.handler_error is not None:  # (the handlers here have no bug of their own)
        return f"handler error {result.handler_error!r:.200}"
    return None


# --- asking again for a slot, a request near the body limit ---------------------------------


def test_asking_again_beside_a_long_slot_value_elicits_without_the_intent_sent_back(
    client: TestClient,
) -> None:
    """In a dialog, a slot that does not convert is elicited again with the intent sent back,
    which echoes every slot of the request: a slot of 124,000 characters (the body still under
    the 128 KB limit) made that reply 124 KB, past Alexa's 120 KB. The reply failed to encode,
    alexaskill logged "session attributes do not encode" at ERROR with a traceback, told
    `on_handler_error` of a handler error (the handler was never called) and apologised, ending
    the session. The slot is elicited without the intent sent back instead."""
    envelope = _envelope(
        "Book",
        {
            "day": {"name": "day", "value": "someday", "confirmationStatus": "NONE"},
            "note": {"name": "note", "value": "n" * 124_000, "confirmationStatus": "NONE"},
        },
        dialog_state="IN_PROGRESS",
    )
    result = client.send_envelope(envelope)
    assert _problem(result) is None, _problem(result)
    (directive,) = result.json["response"]["directives"]
    assert directive == {"type": "Dialog.ElicitSlot", "slotToElicit": "day"}
    assert result.json["response"]["shouldEndSession"] is False
    assert len(json.dumps(result.json).encode()) <= MAX_RESPONSE_BYTES
    # A short one still sends the intent back, the slot cleared.
    envelope["request"]["intent"]["slots"]["note"]["value"] = "a note"
    (directive,) = client.send_envelope(envelope).json["response"]["directives"]
    assert directive["updatedIntent"]["slots"]["day"] == {
        "name": "day",
        "confirmationStatus": "NONE",
    }
    assert directive["updatedIntent"]["slots"]["note"]["value"] == "a note"


# --- JSON at its edges -----------------------------------------------------------------------


def _at(envelope: dict[str, Any], path: tuple[str, ...], text: str) -> bytes:
    """``envelope`` as JSON, the field at ``path`` written as ``text`` (what json.dumps would
    not write: 1e999, NaN, a lone surrogate escape, 10,000 levels of nesting)."""
    changed = copy.deepcopy(envelope)
    node = changed
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = "__HERE__"
    return json.dumps(changed).replace('"__HERE__"', text).encode()


_DEEP_ARRAYS: Final = "[" * 10_000 + "]" * 10_000
_DEEP_OBJECTS: Final = '{"a": ' * 10_000 + "1" + "}" * 10_000
_UNTYPED: Final = ("request", "notYetDocumented")
_SLOT_VALUE: Final = ("request", "intent", "slots", "text", "value")
_ATTRIBUTES: Final = ("session", "attributes")

#: name: (body from the valid envelope, whether it is refused (else answered)).
_JSON_EDGES: Final[dict[str, tuple[Any, bool]]] = {
    "arrays 10,000 deep, untyped": (lambda e: _at(e, _UNTYPED, _DEEP_ARRAYS), True),
    "objects 10,000 deep, untyped": (lambda e: _at(e, _UNTYPED, _DEEP_OBJECTS), True),
    "objects 10,000 deep, attributes": (lambda e: _at(e, _ATTRIBUTES, _DEEP_OBJECTS), True),
    "arrays 10,000 deep, a slot value": (lambda e: _at(e, _SLOT_VALUE, _DEEP_ARRAYS), True),
    "10**5000, untyped": (lambda e: _at(e, _UNTYPED, "1" + "0" * 5000), False),
    "10**5000, a slot value": (lambda e: _at(e, _SLOT_VALUE, "1" + "0" * 5000), True),
    "10**5000, version": (lambda e: _at(e, ("version",), "1" + "0" * 5000), True),
    "10**5000, attributes": (lambda e: _at(e, _ATTRIBUTES, '{"n": 1' + "0" * 5000 + "}"), True),
    "1e999, untyped": (lambda e: _at(e, _UNTYPED, "1e999"), False),
    "1e999, attributes": (lambda e: _at(e, _ATTRIBUTES, '{"n": 1e999}'), True),
    "NaN": (lambda e: _at(e, _UNTYPED, "NaN"), True),
    "Infinity": (lambda e: _at(e, _UNTYPED, "Infinity"), True),
    "-Infinity, attributes": (lambda e: _at(e, _ATTRIBUTES, '{"n": -Infinity}'), True),
    "lone surrogate, a slot value": (lambda e: _at(e, _SLOT_VALUE, '"\\ud800"'), True),
    "lone surrogate, an attribute's name": (lambda e: _at(e, _ATTRIBUTES, '{"\\udc00": 1}'), True),
    "lone surrogate, the intent's name": (
        lambda e: _at(e, ("request", "intent", "name"), '"\\ud800"'),
        True,
    ),
    "lone surrogate, untyped": (lambda e: _at(e, _UNTYPED, '"\\udfff"'), True),
    "NUL in a slot value": (lambda e: _at(e, _SLOT_VALUE, '"a\\u0000b"'), False),
    "not UTF-8 in a slot value": (
        lambda e: json.dumps(e).encode().replace(b'"hello"', b'"h\xffllo"'),
        True,
    ),
    "not UTF-8 in a key": (
        lambda e: json.dumps(e).encode().replace(b'"version"', b'"vers\xffion"'),
        True,
    ),
    "a UTF-8 surrogate": (
        lambda e: json.dumps(e).encode().replace(b'"hello"', b'"\xed\xa0\x80"'),
        True,
    ),
    "byte order mark": (lambda e: b"\xef\xbb\xbf" + json.dumps(e).encode(), True),
    "trailing garbage": (lambda e: json.dumps(e).encode() + b"garbage", True),
    "two envelopes": (lambda e: json.dumps(e).encode() * 2, True),
    "trailing white space": (lambda e: json.dumps(e).encode() + b"\r\n\t ", False),
    "empty": (lambda e: b"", True),
    "white space only": (lambda e: b" \n", True),
    "top-level array": (lambda e: json.dumps([e]).encode(), True),
    "top-level string": (lambda e: b'"request"', True),
    "top-level number": (lambda e: b"1", True),
    "top-level null": (lambda e: b"null", True),
    "empty object": (lambda e: b"{}", True),
}


@pytest.mark.parametrize("name", list(_JSON_EDGES))
def test_json_at_its_edges(client: TestClient, name: str) -> None:
    build, refused = _JSON_EDGES[name]
    result = _send(client, build(_typed_envelope()))
    assert _problem(result) is None, _problem(result)
    assert result.status_code == (400 if refused else 200), result.json
    if not refused:
        assert result.speech == "typed"
    assert _send(client, json.dumps(_typed_envelope()).encode()).speech == "typed"


def test_duplicate_keys_are_read_alike_by_the_checks_and_the_handler(client: TestClient) -> None:
    """JSON with a name twice: the last one counts (msgspec's and json.loads' reading), for the
    timestamp and skill-id checks as for dispatch, so a value checked is the value used."""
    body = json.dumps(_typed_envelope()).encode()
    stamp = f'"timestamp": "{STAMP}"'.encode()
    old = b'"timestamp": "1999-01-01T00:00:00Z"'
    assert _send(client, body.replace(stamp, old + b", " + stamp)).speech == "typed"
    late = _send(client, body.replace(stamp, stamp + b", " + old))
    assert late.status_code == 400 and "timestamp: too old" in (late.error or ""), late.json
    skill_id = f'"applicationId": "{SKILL_ID}"'.encode()
    other = f'"applicationId": "{OTHER_SKILL_ID}"'.encode()
    assert _send(client, body.replace(skill_id, other + b", " + skill_id)).speech == "typed"
    foreign = _send(client, body.replace(skill_id, skill_id + b", " + other))
    assert foreign.status_code == 400 and "another skill" in (foreign.error or ""), foreign.json
    launch = body.replace(b'"type": "IntentRequest"', b'"type": "IntentRequest", "type": "x"')
    assert _send(client, launch).status_code == 200
    twice = body[:-1] + b', "request": {"type": "LaunchRequest", "timestamp": "' + STAMP.encode()
    assert _send(client, twice + b'"}}').speech == "hello"


# --- one field at a time, each value of another type ----------------------------------------

_ODD_VALUES: Final[tuple[Any, ...]] = (None, 0, -1, 1.5, "", "x" * 100_000, [], {}, True)


def _sample(**request: str) -> dict[str, Any]:
    """The one sample envelope (tests/fuzz_shared.py's) whose request has these fields."""
    (sample,) = (s for s in samples() if all(s["request"].get(k) == v for k, v in request.items()))
    return sample


#: name: (the valid envelope, what its handler says, how many fields it has, the fewest answers
#: of each kind, 200 and 400).
_FIELD_TABLES: Final[dict[str, tuple[Callable[[], dict[str, Any]], str | None, int, int]]] = {
    "IntentRequest": (_typed_envelope, "typed", 120, 100),
    "LaunchRequest": (lambda: _sample(type="LaunchRequest"), "hello", 77, 200),
    "SessionEndedRequest": (
        lambda: _sample(type="SessionEndedRequest", reason="ERROR"),
        None,  # (the fallback answers it, saying nothing)
        77,
        200,
    ),
}


@pytest.mark.parametrize("kind", list(_FIELD_TABLES))
def test_each_field_replaced_by_each_odd_value_gets_200_or_a_short_400(
    client: TestClient, kind: str
) -> None:
    """Every field of a valid request (containers included), in turn, replaced by each of null,
    0, -1, 1.5, "", 100,000 characters, [], {} and true, signed: the same requests at every
    run (an IntentRequest whose handler takes a slot of every type: 1,080 of them)."""
    make, speech, fields, fewest = _FIELD_TABLES[kind]
    valid = make()
    _assert_answered(client, valid, speech)
    paths = list(value_paths(valid))[1:]
    assert len(paths) == fields  # (a sample that lost its fields would test less)
    changes = [(path, value) for path in paths for value in _ODD_VALUES]
    answers = post_signed(client, (_replaced(valid, path, value) for path, value in changes))
    failures, counts = [], {200: 0, 400: 0}
    for (path, value), result in zip(changes, answers, strict=True):
        problem = _problem(result)
        if problem is not None:
            failures.append(f"{'.'.join(map(str, path))} = {value!r:.20}: {problem}")
        else:
            counts[result.status_code] += 1
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures[:20])
    assert min(counts.values()) > fewest, counts  # (both kinds of answer were seen)
    _assert_answered(client, valid, speech)  # (the client goes on)


def _replaced(envelope: dict[str, Any], path: tuple[Any, ...], value: Any) -> bytes:
    """A copy of ``envelope`` as JSON, the field at ``path`` replaced by ``value``."""
    changed = copy.deepcopy(envelope)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return json.dumps(changed).encode()


def _assert_answered(client: TestClient, envelope: dict[str, Any], speech: str | None) -> None:
    result = _send(client, json.dumps(envelope).encode())
    assert result.status_code == 200 and _problem(result) is None, result.json
    assert result.speech == speech, result.json


def test_a_slot_prompt_filled_with_a_long_slot_value_falls_back_to_the_generic_prompt(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The slot's elicitation prompt names another slot ("Which day for {note}?"), filled
    with the request's value: one of 9,000 characters made speech past Alexa's 8,000, and
    alexaskill logged "asking again for day failed" at ERROR with a traceback, told
    `on_handler_error`, and apologised. The generic prompt is asked instead."""
    skill = Skill(SKILL_ID)
    slots = {
        "day": DialogSlot("AMAZON.DATE", elicit="Which day for {note}?"),
        "note": DialogSlot("AMAZON.SearchQuery"),
    }

    @skill.intent("Book", utterances=["book {note}"], slots=slots)
    def book(day: datetime.date, note: str | None = None) -> Response:
        return speak("Booked.")

    with (
        caplog.at_level(logging.INFO, logger="alexaskill"),
        TestClient(skill, now=lambda: NOW, raise_handler_errors=False) as client,
    ):
        for dialog_state in (None, "IN_PROGRESS"):
            for note, asked in (("the dentist", "Which day for the dentist?"), ("n" * 9000, "")):
                slots_sent = {
                    "day": {"name": "day", "value": "someday", "confirmationStatus": "NONE"},
                    "note": {"name": "note", "value": note, "confirmationStatus": "NONE"},
                }
                result = client.send_envelope(
                    _envelope("Book", slots_sent, dialog_state=dialog_state)
                )
                assert _problem(result) is None, _problem(result)
                speech = result.speech or ""
                assert speech.startswith("Sorry, I can't use that."), speech[:100]
                assert speech.endswith(asked) and len(speech) < 200, speech[:100]
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


def _nesting(value: Any) -> int:
    """How many objects deep ``value`` nests along its "a" keys (a loop: no recursion)."""
    depth = 0
    while isinstance(value, dict):
        depth, value = depth + 1, value.get("a")
    return depth


def test_a_body_as_deep_as_the_decoder_takes_is_read_whole_by_the_handler(
    client: TestClient,
) -> None:
    """msgspec counts each level of nesting against Python's recursion limit from the frame that
    calls it. A signed body nested about 975 levels deep decoded on arrival, then
    `Envelope.raw`, read by an async handler a few frames deeper, raised RecursionError (ERROR,
    traceback, apology); session attributes that deep, sent back, did not encode there either.
    Whatever decodes on arrival is now read whole by the handler, and its attributes go back."""
    answered = refused = 0
    for depth in range(940, 1000):
        deep = '{"a": ' * depth + "1" + "}" * depth
        for where in (_UNTYPED, ("context", "NotYetDocumented"), _ATTRIBUTES):
            result = _send(client, _at(_envelope("Raw", {}), where, deep), sha1=False)
            assert _problem(result) is None, (depth, where, _problem(result))
            if result.status_code == 400:  # past the decoder on arrival: a short 400
                refused += 1
                continue
            answered += 1
            assert result.speech == "raw", (depth, where, result.json)
            if where == _ATTRIBUTES:
                assert _nesting(result.session_attributes) == depth, depth
    assert answered and refused, (answered, refused)  # (both sides of the edge were sent)


def test_session_attributes_no_reply_can_carry_get_the_apology_said_in_one_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """Session attributes of over 120 KB (a signed body under the 128 KB limit) fit in no reply:
    the handler's reply failed to encode, logged at ERROR as the handler's failure with a
    traceback (asking again for a slot: "session attributes do not encode", the same). The user
    hears the apology, which carries none of them (the session ends), and one WARNING line says
    why; a handler that drops them answers as usual."""
    attributes = json.dumps({"board": "x" * 124_000})
    wrong_day = {"day": {"name": "day", "value": "someday", "confirmationStatus": "NONE"}}
    for envelope in (_envelope("Raw", {}), _envelope("Book", wrong_day)):
        caplog.clear()
        result = _send(client, _at(envelope, _ATTRIBUTES, attributes))
        assert result.status_code == 200 and result.speech == APOLOGY, result.json
        assert "sessionAttributes" not in result.json and result.should_end_session is True
        assert isinstance(result.handler_error, ResponseError)  # (on_handler_error is told)
        lines = [
            r for r in caplog.records if r.name == "alexaskill" and r.levelno >= logging.WARNING
        ]
        assert len(lines) == 1 and lines[0].exc_info is None, [r.getMessage() for r in lines]
        message = lines[0].getMessage()
        assert "sessionAttributes" in message and "120 KB" in message, message
        assert "apology" in message and envelope["request"]["intent"]["name"] in message
    result = _send(client, _at(_envelope("Forget", {}), _ATTRIBUTES, attributes))
    assert result.speech == "forgotten" and result.session_attributes == {}, result.json


def test_session_attributes_a_handler_makes_too_large_are_still_its_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Attributes the request brought small and the handler grew past the limit are the
    handler's doing: logged as its failure (an ERROR, not the WARNING of attributes the
    request brought too large), in one line naming the size, the limit and the largest part:
    the traceback it came with showed alexaskill's encoder, never the handler's line."""
    skill = Skill(SKILL_ID)

    @skill.intent("Grow")
    def grow(session: Session) -> Response:
        session.attributes["board"] = "x" * 124_000
        return speak("grown")

    with TestClient(skill, now=lambda: NOW, raise_handler_errors=False) as client:
        envelope = client.factory.intent("Grow")
        envelope["request"]["timestamp"] = STAMP
        result = client.send_envelope(envelope)
    assert result.speech == APOLOGY and isinstance(result.handler_error, ResponseError)
    (line,) = [r for r in caplog.records if r.name == "alexaskill" and r.levelno >= logging.WARNING]
    assert line.levelno == logging.ERROR and line.exc_info is None, line.getMessage()
    assert line.getMessage().startswith(
        "handler failed for IntentRequest Grow: response body is 124,"
    ), line.getMessage()
    assert "the limit is 122,880 bytes (120 KB); the largest parts: sessionAttributes 124," in (
        line.getMessage()
    )
