"""A reply that does not encode names where: the path to the first value JSON cannot hold."""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
import pytest

from alexaskill import Response, ResponseError, speak
from alexaskill.responses import as_written, encode_response, encoding

from .conftest import attributes_holding_themselves
from .responses_shared import Note, NotJson, Show

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize(
    ("where", "named"),
    [
        ("at the top", "sessionAttributes['self'] is sessionAttributes again"),
        (
            "deep in a list",
            "sessionAttributes['history']['turns'][1]['back'][0] is sessionAttributes again",
        ),
        (
            "a pair below",
            "sessionAttributes['pair']['second']['first'] is sessionAttributes['pair'] again",
        ),
    ],
)
def test_session_attributes_that_hold_themselves_name_where_the_loop_closes(
    where: str, named: str
) -> None:
    # It said "sessionAttributes is nested too deeply (or holds itself)": which of a few dozen
    # attributes held what, the skill's author had to find alone.
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x"), attributes_holding_themselves(where))
    assert str(raised.value).startswith(f"{named}: it holds itself"), str(raised.value)


def test_attributes_nested_past_the_searchs_depth_are_refused_for_their_depth() -> None:
    # The walk that names a value gives up past its depth (it said "nested too deeply (or holds
    # itself)", a loop or not): the reply is refused for the depth, measured, as it is nested.
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x"), _nested_past_the_limit())
    assert str(raised.value).startswith(
        f"sessionAttributes is nested {as_written._MAX_DEPTH + 12} levels, past the 940"
    ), str(raised.value)


def _nested_past_the_limit() -> dict[str, Any]:
    """Attributes nested 10 levels past the depth the walk that names a value searches."""
    deep: Any = [{"a", "b"}]
    for _ in range(as_written._MAX_DEPTH + 10):
        deep = [deep]
    return {"deep": deep}


@pytest.mark.parametrize(
    "attributes",
    [
        pytest.param({"basket": {"a", "b"}}, id="a set"),
        pytest.param(attributes_holding_themselves("at the top"), id="holding themselves"),
        pytest.param(_nested_past_the_limit(), id="nested too deeply"),
    ],
)
def test_the_session_attributes_refusals_are_data_refusals(attributes: dict[str, Any]) -> None:
    # The refusals of the session attributes' own checks were plain ResponseErrors, which
    # `Apologising._said_data_fault` knew only by running the checks again and comparing the
    # text: `data_refusal` says them, as it says the encoder's.
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x"), attributes)
    assert encoding.data_refusal(raised.value) == str(raised.value)


def test_the_attributes_checks_are_private_their_refusals_said_by_data_refusal() -> None:
    # `attributes_refusal` and `nested_too_deep` were public, called by tests alone: what
    # they refuse reaches the rest of alexaskill as `encode_response`'s ResponseError, which
    # `data_refusal` says (above). Tests call them by their private names.
    # `MAX_ATTRIBUTES_NESTING` too: read by this module alone, and named by no doc.
    assert encoding.__all__ == [
        "MAX_RESPONSE_BYTES",
        "data_refusal",
        "data_refused",
        "encode_response",
        "no_reply_carries",
    ]
    assert encoding._attributes_refusal({"basket": {"a"}}) == (
        "sessionAttributes['basket'] is a set, which JSON cannot hold as it is: the next "
        "request would bring back something else (store a str, a number, a bool, None, a list "
        "or a dict with str keys: date.isoformat(), list(a_set), …)"
    )


def test_a_str_in_the_session_attributes_that_does_not_encode_is_named() -> None:
    # (A lone surrogate: text decoded with errors="surrogateescape", say.) It said
    # "sessionAttributes is not JSON-encodable: 'utf-8' codec can't encode…", naming no attribute.
    attributes = {"city": "Paris", "notes": ["ok", "caf\udce9"]}
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x"), attributes)
    said = str(raised.value)
    assert said.startswith(
        "sessionAttributes is not JSON-encodable: sessionAttributes['notes'][1] is a str that "
        "does not encode: 'utf-8' codec can't encode character '\\udce9'"
    ), said


def test_attributes_held_in_several_places_within_a_reply_go_out_in_full_at_each() -> None:
    # (Refused only past what a reply holds: tests/test_apologising.py.)
    shared = {"name": "Jana", "scores": [1, 2]}
    doubled: Any = []
    for _ in range(10):
        doubled = [doubled, doubled]
    sent = json.loads(encode_response(speak("x"), {"a": [shared] * 3, "b": doubled}))
    assert sent["sessionAttributes"]["a"] == [shared] * 3
    assert json.dumps(sent["sessionAttributes"]["b"]) == json.dumps(doubled)


def test_attributes_merely_too_large_are_refused_for_their_size_with_their_largest_key() -> None:
    # Past the values the search looks at, each list held once: encoded, then refused for
    # the body's size, naming the largest key (the search of containers held twice finds none).
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x"), {"small": 1, "rows": [[n] for n in range(70_000)]})
    said = str(raised.value)
    assert said.startswith("response body is "), said
    assert "the largest parts: sessionAttributes " in said, said
    assert "(its largest key 'rows' " in said, said


def test_attributes_holding_themselves_past_the_search_are_said_to() -> None:
    # The search gives up in "padding" before it meets the loop: the count of the values
    # written out finds one container met twice, and the loop is said as the encoder says it.
    attributes: dict[str, Any] = {"padding": list(range(as_written._MAX_LOOKED_AT + 1))}
    attributes["self"] = attributes
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x"), attributes)
    assert str(raised.value) == "sessionAttributes holds itself: JSON cannot hold it"


_NO_UTF8 = "a str that does not encode: 'utf-8' codec can't encode character"


def test_a_str_key_in_the_session_attributes_that_does_not_encode_is_named() -> None:
    # The search named a value that does not encode, never a key: a str key was taken for
    # good, so a lone surrogate in one was said in the encoder's words alone, naming nothing.
    attributes = {"city": "Paris", "notes": {"ok": 1, "caf\udce9": 2}}
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x"), attributes)
    said = str(raised.value)
    assert said.startswith(
        "sessionAttributes is not JSON-encodable: sessionAttributes['notes'] has the key "
        f"'caf\\udce9', {_NO_UTF8} '\\udce9'"
    ), said
    assert encoding.data_refusal(raised.value) == said  # (one ERROR line, as the others)


def test_a_str_key_in_a_directive_that_does_not_encode_is_named() -> None:
    with pytest.raises(ResponseError) as raised:  # a mapping: where the response is built
        speak("x", directives=[{"type": "Custom.Show", "payload": {"ok": {"\ud800": 1}}}])
    said = str(raised.value)
    assert said.startswith(
        "directives[0] (Custom.Show) is not JSON-encodable: ['payload']['ok'] has the key "
        f"'\\ud800', {_NO_UTF8} '\\ud800'"
    ), said
    response = speak("x", directives=[Show(payload={"ok": {"\ud800": 1}})])
    with pytest.raises(ResponseError) as raised:  # the skill's own class: where it is encoded
        encode_response(response)
    said = str(raised.value)
    assert said.startswith(
        "response is not JSON-encodable: response.directives[0].payload['ok'] has the key "
        f"'\\ud800', {_NO_UTF8} '\\ud800'"
    ), said


def test_keys_that_encode_are_no_fault_whatever_their_letters() -> None:
    # (The search asks about a key that is not ASCII now: one that encodes is no fault.)
    attributes = {"café": {"Zürich": ["naïve", 1.5], "日本": (1,)}, "ok": 1}
    assert json.loads(encode_response(speak("x"), attributes))["sessionAttributes"] == {
        "café": {"Zürich": ["naïve", 1.5], "日本": [1]},
        "ok": 1,
    }
    with pytest.raises(ResponseError) as raised:  # (and what is wrong below one is named)
        speak("x", directives=[{"type": "Custom.Show", "payload": {"é": (float("nan"),)}}])
    said = str(raised.value)
    assert said.startswith("directives[0] (Custom.Show)['payload']['é'][0] is nan: "), said


@pytest.mark.parametrize(
    ("response", "named"),
    [
        pytest.param(
            speak("x", directives=[Show(payload={"cart": {"items": [1, 2, NotJson()]}})]),
            "response.directives[0].payload['cart']['items'][2] is a NotJson",
            id="an object in a directive",
        ),
        pytest.param(
            speak("x", card=Note(text=NotJson())),
            "response.card.text is a NotJson",
            id="an object in a card",
        ),
        pytest.param(
            speak("x", directives=[Show(payload={"at": {(1, 2): "x"}})]),
            "response.directives[0].payload['at'] has the key (1, 2) (a tuple), where JSON takes "
            "a str",
            id="a key that is no str",
        ),
        pytest.param(
            speak("x", directives=[Show(payload=["ok", "caf\udce9"])]),
            "response.directives[0].payload[1] is a str that does not encode",
            id="a str that does not encode",
        ),
    ],
)
def test_a_response_that_does_not_encode_names_the_path(response: Response, named: str) -> None:
    # The builder lets a directive or a card of the skill's own class through as it is; what it
    # held that JSON cannot was said by type alone, "response is not JSON-encodable: NotJson is not
    # JSON-encodable", naming neither the directive nor the field.
    with pytest.raises(ResponseError) as raised:
        encode_response(response, {"city": "Paris"})
    said = str(raised.value)
    assert said.startswith(f"response is not JSON-encodable: {named}"), said


def test_a_directive_that_holds_itself_names_where_the_loop_closes() -> None:
    # It said "maximum recursion depth exceeded while serializing an object", after encoding it
    # again from a fresh thread's stack.
    payload: dict[str, Any] = {"a": [1]}
    payload["a"].append({"up": payload})
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x", directives=[Show(payload=payload)]))
    assert str(raised.value) == (
        "response is not JSON-encodable: response.directives[0].payload['a'][1]['up'] is "
        "response.directives[0].payload again: it holds itself, which JSON cannot hold"
    )


def test_past_the_searchs_bounds_the_encoders_own_words_are_kept(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The search runs only once encoding failed, and gives up past a number of values (or of
    # levels) rather than take a worker's time: what the encoder said is said then.
    monkeypatch.setattr(as_written, "_MAX_LOOKED_AT", 50)
    wide = speak("x", directives=[Show(payload=[*range(100), NotJson()])])
    with pytest.raises(ResponseError) as raised:
        encode_response(wide)
    assert str(raised.value) == "response is not JSON-encodable: NotJson is not JSON-encodable"
    monkeypatch.undo()
    deep: Any = [NotJson()]
    for _ in range(as_written._MAX_DEPTH + 10):
        deep = [deep]
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x", directives=[Show(payload=deep)]))
    said = str(raised.value)  # (msgspec's words: "maximum recursion depth exceeded …")
    assert re.match(r"response is not JSON-encodable: (?!response\.)", said), said


def test_the_search_looks_through_exactly_its_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    # _MAX_LOOKED_AT values and _MAX_DEPTH levels are looked through; one more is not.
    monkeypatch.setattr(as_written, "_MAX_LOOKED_AT", 5)
    assert (
        as_written.unencodable([1, 2, 3, 4, NotJson()], msgspec.json.encode) == "[4] is a NotJson"
    )
    assert as_written.unencodable([1, 2, 3, 4, 5, NotJson()], msgspec.json.encode) is None
    monkeypatch.undo()
    monkeypatch.setattr(as_written, "_MAX_DEPTH", 3)
    assert as_written.unencodable([[[NotJson()]]], msgspec.json.encode) == "[0][0][0] is a NotJson"
    assert as_written.unencodable([[[[NotJson()]]]], msgspec.json.encode) is None


@pytest.mark.parametrize(
    "held",
    [
        # One list in two places is no loop: JSON writes it twice.
        pytest.param(lambda shared: {"a": shared, "b": shared}, id="shared"),
        # Empty containers are passed, not looked into again.
        pytest.param(lambda shared: {"a": [], "b": {}}, id="empty"),
    ],
)
def test_the_value_named_is_past_what_encodes(held: Any) -> None:
    value = {**held([1]), "c": NotJson()}
    assert as_written.unencodable(value, msgspec.json.encode) == "['c'] is a NotJson"


def test_a_value_too_deep_for_the_search_to_encode_keeps_the_encoders_words() -> None:
    # The search encodes each value alone, from the frames it runs in: a set of tuples nested
    # 3,000 deep raised RecursionError there, which left encode_response as itself.
    deep: Any = (1,)
    for _ in range(3_000):
        deep = (deep,)
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x", directives=[Show(payload=["a", frozenset({deep})])]))
    said = str(raised.value)
    assert re.match(r"response is not JSON-encodable: (?!response\.)", said), said


def _called_below(frames: int, func: Any) -> Any:
    """``func()`` called ``frames`` frames below this one (a server's frames above a handler)."""
    return func() if frames == 0 else _called_below(frames - 1, func)


def test_a_reply_too_large_that_took_a_fresh_stack_is_refused_for_its_size() -> None:
    # A directive of the skill's own nested 970 levels encodes only from a fresh stack; with
    # session attributes past 120 KB beside it, the body was refused for its size, but naming
    # its largest parts encoded each one again here, where the directive does not encode: a
    # RecursionError left encode_response (alexaskill's bug, a traceback), not the refusal.
    payload: Any = 1
    for _ in range(970):
        payload = {"a": payload}
    response = speak("x", directives=[Show(payload=payload)])
    with pytest.raises(ResponseError) as raised:
        _called_below(60, lambda: encode_response(response, {"board": "b" * 130_000}))
    assert encoding.data_refusal(raised.value) == str(raised.value)
    assert str(raised.value).endswith(
        "; the largest parts: sessionAttributes 130,012 bytes (its largest key 'board' "
        "130,002 bytes), directives[0] (Custom.Show) 5,854 bytes, outputSpeech 31 bytes"
    ), str(raised.value)


def test_directives_past_a_reply_are_refused_for_their_size_unless_held_in_many_places() -> None:
    # A directive whose encoding stops past a reply's bytes is looked through: held once, each
    # list, it is encoded in full and refused for the body's size, as before (the directive
    # named); a list held in several places within a reply goes out in full at each.
    rows = {"type": "Custom.Rows", "rows": [[n] for n in range(70_000)]}
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x", directives=[rows]))
    said = str(raised.value)
    assert said.startswith("response body is "), said
    assert "directives[0] (Custom.Rows) " in said, said
    assert encoding.data_refusal(raised.value) == said
    shared = [list(range(100))] * 100  # (~30 KB written out, 100 lists in memory)
    sent = json.loads(encode_response(speak("x", directives=[{"type": "C.S", "s": shared}])))
    assert sent["response"]["directives"][0]["s"] == shared
