"""Tests for alexaskill.responses: the envelope (version, session attributes, the body's limit,
a full response, frozen values) and apiResponse and experimentation, signed, through the app."""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import re
import uuid
from types import MappingProxyType
from typing import Any, Final

import msgspec
import pytest
from msgspec import UNSET

from alexaskill import ssml
from alexaskill.exceptions import ResponseError
from alexaskill.responses import (
    MAX_RESPONSE_BYTES,
    Response,
    SimpleCard,
    ask,
    empty,
    encode_response,
    speak,
)
from tests.responses_shared import Shade, body, wire

pytestmark = pytest.mark.oldest_dependencies

# --- the envelope ---------------------------------------------------------------------------------


def test_version_is_always_present() -> None:
    for response in (None, empty(), speak("x"), ask("y")):
        assert encode_response(response).startswith(b'{"version":"1.0"')


def test_none_response_encodes_as_an_empty_object() -> None:
    assert encode_response(None) == b'{"version":"1.0","response":{}}'


def test_session_attributes_round_trip() -> None:
    attributes = {"city": "Paris", "count": 3, "nested": {"list": [1, "two", None]}, "ok": True}
    decoded = body(ask("Where next?"), attributes)
    assert decoded["sessionAttributes"] == attributes
    assert list(decoded) == ["version", "sessionAttributes", "response"]


def test_session_attributes_only_when_given() -> None:
    assert "sessionAttributes" not in body(speak("x"))
    assert body(speak("x"), {})["sessionAttributes"] == {}


def test_session_attributes_that_do_not_encode() -> None:
    with pytest.raises(ResponseError, match=r"sessionAttributes\['when'\] is an object"):
        encode_response(speak("x"), {"when": object()})
    loop: dict[str, Any] = {}
    loop["self"] = loop
    with pytest.raises(
        ResponseError, match=r"^sessionAttributes\['self'\] is sessionAttributes again"
    ):
        encode_response(speak("x"), loop)


def test_response_that_does_not_encode_is_named() -> None:
    # Refused where it is built now (the raw directive is copied as JSON then), naming it.
    with pytest.raises(ResponseError, match=r"directives\[0\] \(Custom\) is not JSON-encodable"):
        speak("x", directives=[{"type": "Custom", "value": object()}])


class Colour(enum.Enum):
    RED = 1


@pytest.mark.parametrize(
    ("value", "named"),
    [
        (datetime.date(2024, 5, 1), "['day'] is a date"),
        ({"when": [1, datetime.datetime(2024, 5, 1, 9)]}, "['day']['when'][1] is a datetime"),
        ({"a", "b"}, "['day'] is a set"),
        (decimal.Decimal("1.5"), "['day'] is a Decimal"),
        (uuid.UUID(int=1), "['day'] is a UUID"),
        (Colour.RED, "['day'] is a Colour"),
        (b"raw", "['day'] is bytes"),
        (float("nan"), "['day'] is nan"),
        ({1: "a"}, "['day'] has the key 1 (an int)"),
    ],
)
def test_session_attributes_that_would_come_back_changed_are_refused(
    value: object, named: str
) -> None:
    # JSON has no type for these: msgspec sent a date as "2024-05-01", a set as a list, NaN as
    # null, {1: "a"} as {"1": "a"}, and the next request of the session brought back something
    # else than the handler stored. Persistent attributes refuse the same values.
    with pytest.raises(ResponseError, match=re.escape(f"sessionAttributes{named}")):
        encode_response(speak("x"), {"day": value})


def test_session_attributes_of_json_types_and_their_subclasses_encode() -> None:
    attributes = {
        "city": "Paris",
        "count": 3,
        "ratio": 0.5,
        "yes": True,
        "none": None,
        "list": [1, "a", {"nested": [None]}],
        "pair": (1, 2),  # comes back as a list, as persistent attributes' do
        "shade": Shade.DARK,  # a str Enum: its value
    }
    decoded = body(speak("x"), attributes)["sessionAttributes"]
    assert decoded == {**attributes, "pair": [1, 2], "shade": "dark"}


def test_body_limit_is_120_kb() -> None:
    assert MAX_RESPONSE_BYTES == 120 * 1024
    overhead = len(encode_response(speak("x"), {"pad": ""}))
    fits = encode_response(speak("x"), {"pad": "a" * (MAX_RESPONSE_BYTES - overhead)})
    assert len(fits) == MAX_RESPONSE_BYTES
    with pytest.raises(
        ResponseError, match=r"response body is 122,881 bytes; the limit is 122,880 bytes"
    ):
        encode_response(speak("x"), {"pad": "a" * (MAX_RESPONSE_BYTES - overhead + 1)})


def test_attributes_that_fill_the_smallest_reply_to_the_byte_still_fit_one() -> None:
    # What an apology is judged by (alexaskill.answering): at exactly 120 KB a reply can carry
    # the attributes, so a reply too large is the handler's doing; one byte more, none can.
    from alexaskill.responses.encoding import no_reply_carries

    overhead = len(encode_response(empty(), {"pad": ""}))
    fits = {"pad": "a" * (MAX_RESPONSE_BYTES - overhead)}
    assert len(encode_response(empty(), fits)) == MAX_RESPONSE_BYTES
    assert no_reply_carries(fits, fits) is None
    over = {"pad": "a" * (MAX_RESPONSE_BYTES - overhead + 1)}
    assert no_reply_carries(over, over) == (
        "the request's sessionAttributes make any reply at least 122,881 bytes, past the "
        "122,880 bytes (120 KB) Alexa takes"
    )
    assert no_reply_carries(over, fits) is None  # (the request brought what fits)


def test_a_body_over_the_limit_names_its_largest_parts() -> None:
    # The author learns what to shrink: here the game state kept in the session, then the
    # screen's document.
    document = {"type": "APL", "version": "2024.3", "mainTemplate": {"items": ["x" * 30_000]}}
    apl = {"type": "Alexa.Presentation.APL.RenderDocument", "document": document}
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("Your move.", directives=[apl]), {"board": "a" * 100_000, "turn": 3})
    message = str(raised.value)
    assert message.startswith("response body is 130")
    assert message.endswith(
        "; the largest parts: sessionAttributes 100,021 bytes (its largest key 'board' "
        "100,002 bytes), directives[0] (Alexa.Presentation.APL.RenderDocument) 30,123 bytes, "
        "outputSpeech 40 bytes"
    )


def test_many_small_directives_over_the_limit_are_named_by_their_total() -> None:
    # 130 directives of about 1 KB: none is large, together they are the body.
    directives = [{"type": "Custom.Thing", "payload": "x" * 1060} for _ in range(130)]
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("Done.", directives=directives))
    assert str(raised.value).endswith(
        "; the largest parts: directives (130 in all) 142,611 bytes, "
        "directives[0] (Custom.Thing) 1,096 bytes, directives[1] (Custom.Thing) 1,096 bytes"
    )
    # More than a thousand of them: "directives (1300 in all)" was said, every size with commas.
    directives = [{"type": "Custom.Thing", "payload": "x" * 100} for _ in range(1_300)]
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("Done.", directives=directives))
    assert "; the largest parts: directives (1,300 in all) " in str(raised.value), raised.value


def test_a_reprompt_over_the_limit_is_named_among_the_largest_parts() -> None:
    question = "Which square? " * 570
    with pytest.raises(ResponseError) as raised:
        encode_response(ask("Your move.", reprompt=question), {"board": "a" * 115_000})
    assert str(raised.value).endswith(
        "; the largest parts: sessionAttributes 115,012 bytes (its largest key 'board' "
        "115,002 bytes), reprompt 8,027 bytes, outputSpeech 40 bytes"
    )


#: An ExecuteCommands written as a dict (a typed one is laid out the same).
EXECUTE: Final = {
    "type": "Alexa.Presentation.APL.ExecuteCommands",
    "token": "menu",
    "commands": [{"type": "Idle"}],
}


def test_a_full_response() -> None:
    response = ask(
        ssml.speak("It is ", ssml.emphasis("sunny"), " in Paris."),
        reprompt="Anything else?",
        card=SimpleCard("Weather", "Paris: sunny"),
        directives=[EXECUTE],
    )
    assert body(response, {"lastCity": "Paris"}) == {
        "version": "1.0",
        "sessionAttributes": {"lastCity": "Paris"},
        "response": {
            "outputSpeech": {
                "type": "SSML",
                "ssml": (
                    '<speak>It is <emphasis level="moderate">sunny</emphasis> in Paris.</speak>'
                ),
            },
            "card": {"type": "Simple", "title": "Weather", "content": "Paris: sunny"},
            "reprompt": {"outputSpeech": {"type": "PlainText", "text": "Anything else?"}},
            "directives": [EXECUTE],
            "shouldEndSession": False,
        },
    }


def test_responses_are_frozen_values() -> None:
    response = speak("x")
    with pytest.raises(AttributeError):
        response.should_end_session = False  # type: ignore[misc]
    assert response == speak("x")
    tweaked = msgspec.structs.replace(response, should_end_session=UNSET)
    assert "shouldEndSession" not in wire(tweaked)
    with pytest.raises(ResponseError, match="a reprompt needs an open session"):
        msgspec.structs.replace(ask("x"), should_end_session=True)


# --- apiResponse and experimentation (signed, through the app) ---------------------------------


def test_api_response_and_experimentation_round_trip() -> None:
    from alexaskill import ExperimentTrigger, Skill
    from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

    result_json = {"weather": {"city": "Zürich", "high": 21.5, "conditions": ["sun", None]}}
    skill = Skill(skill_id=DEFAULT_SKILL_ID)

    @skill.on("Dialog.API.Invoked")
    def invoked() -> Response:
        return Response(
            api_response=MappingProxyType(result_json),
            experimentation=ExperimentTrigger(["exp-1", "exp-2"]),
        )

    api_request = {"name": "GetWeather", "arguments": {"city": "Zürich"}, "slots": {}}
    with TestClient(skill) as client:
        result = client.send("Dialog.API.Invoked", apiRequest=api_request)
    assert result.status_code == 200
    # Dialog.API.Invoked comes in a session (testing.SESSION_TYPES): its attributes go back.
    assert result.json == {
        "version": "1.0",
        "sessionAttributes": {},
        "response": {
            "apiResponse": result_json,
            "experimentation": {"triggeredExperiments": ["exp-1", "exp-2"]},
        },
    }
    # Decoded back by the encoder's own rules: the same value.
    decoded = msgspec.json.decode(json.dumps(result.json["response"]), type=Response)
    assert decoded.api_response == result_json
    assert decoded.experimentation == ExperimentTrigger(("exp-1", "exp-2"))


def test_api_response_and_experimentation_are_checked() -> None:
    from alexaskill import ExperimentTrigger, can_fulfill

    with pytest.raises(ResponseError, match="apiResponse must be a mapping"):
        Response(api_response=["not", "an", "object"])
    with pytest.raises(ResponseError, match="experimentation must be an ExperimentTrigger"):
        Response(experimentation={"triggeredExperiments": ["x"]})  # type: ignore[arg-type]
    with pytest.raises(ResponseError, match=r"triggeredExperiments must be a list"):
        ExperimentTrigger("exp-1")
    with pytest.raises(ResponseError, match=r"triggeredExperiments\[1\] must be a non-empty"):
        ExperimentTrigger(["exp-1", ""])
    answer = can_fulfill("YES").can_fulfill_intent
    with pytest.raises(ResponseError, match="carries nothing else, but has apiResponse"):
        Response(can_fulfill_intent=answer, api_response={})
