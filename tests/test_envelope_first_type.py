"""A request's type read where Alexa writes it, first (`decode_envelope`'s quick way), decodes
each body as the type's own pass over the request does: the class of the last "type" sent, the
same refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import pytest

from alexaskill.exceptions import MalformedRequestError
from alexaskill.models import IntentRequest, LaunchRequest, decode_envelope

FIXTURES: Final = Path(__file__).parent / "fixtures" / "requests"


def _envelope(name: str) -> dict[str, Any]:
    envelope: dict[str, Any] = json.loads((FIXTURES / name).read_text("utf-8"))
    return envelope


def _body(envelope: dict[str, Any], request: str, *, compact: bool = False) -> bytes:
    """``envelope`` as JSON, its request written as ``request`` (a type may come twice)."""
    marker = "REQUEST_HERE"
    text = json.dumps({**envelope, "request": marker}, separators=(",", ":") if compact else None)
    return text.replace(f'"{marker}"', request).encode()


def _request_text(request: dict[str, Any], *, compact: bool = False) -> str:
    """The request object's JSON without its braces."""
    return json.dumps(request, separators=(",", ":") if compact else None)[1:-1]


@pytest.fixture(autouse=True)
def _seen() -> None:
    """Each type decoded once first: its decoder is made, and the quick way knows it."""
    for name in ("IntentRequest.GetWeather.json", "LaunchRequest.json"):
        decode_envelope(json.dumps(_envelope(name)).encode())


@pytest.mark.parametrize("compact", [False, True])
def test_a_type_written_first_decodes_as_one_written_later(compact: bool) -> None:
    """Alexa's order (type first), with or without a space after the colon, and another order:
    the same envelope."""
    envelope = _envelope("IntentRequest.GetWeather.json")
    request = envelope["request"]
    assert next(iter(request)) == "type"
    first = decode_envelope(_body(envelope, "{" + _request_text(request, compact=compact) + "}"))
    last = {**{k: v for k, v in request.items() if k != "type"}, "type": request["type"]}
    later = decode_envelope(_body(envelope, "{" + _request_text(last, compact=compact) + "}"))
    assert type(first.request) is IntentRequest
    assert first == later
    assert decode_envelope(_body(envelope, "{" + _request_text(request) + "}", compact=compact))


@pytest.mark.parametrize("compact", [False, True])
def test_a_type_sent_twice_is_read_the_last(compact: bool) -> None:
    """Written first as an IntentRequest, last as a LaunchRequest: a LaunchRequest, as the
    type's own pass reads it (not an IntentRequest whose type says LaunchRequest); and the
    other way round, an IntentRequest with its intent."""
    envelope = _envelope("IntentRequest.GetWeather.json")
    request = envelope["request"]
    rest = _request_text({k: v for k, v in request.items() if k != "type"}, compact=compact)
    launch = decode_envelope(
        _body(envelope, '{"type": "IntentRequest",' + rest + ',"type":"LaunchRequest"}')
    ).request
    assert type(launch) is LaunchRequest
    assert launch.type == "LaunchRequest"
    intent = decode_envelope(
        _body(envelope, '{"type":"LaunchRequest",' + rest + ',"type": "IntentRequest"}')
    ).request
    assert type(intent) is IntentRequest
    assert intent.intent.name == request["intent"]["name"]


def test_a_first_type_whose_fields_do_not_fit_it_is_read_as_the_last_type() -> None:
    """An intent that is no object fails the first type's decoder (IntentRequest); the last type
    (LaunchRequest) has no intent field, so the request is a LaunchRequest, as before."""
    envelope = _envelope("IntentRequest.GetWeather.json")
    request = {**envelope["request"], "intent": 5}
    rest = _request_text({k: v for k, v in request.items() if k != "type"})
    decoded = decode_envelope(
        _body(envelope, '{"type": "IntentRequest", ' + rest + ', "type": "LaunchRequest"}')
    )
    assert type(decoded.request) is LaunchRequest


def test_a_last_type_that_is_no_string_is_refused() -> None:
    """A type first, another that is no string last: refused, as the type's own pass refuses
    it, whatever came first."""
    envelope = _envelope("LaunchRequest.json")
    rest = _request_text({k: v for k, v in envelope["request"].items() if k != "type"})
    with pytest.raises(MalformedRequestError, match=r"request\.type") as first:
        decode_envelope(_body(envelope, '{"type": "LaunchRequest", ' + rest + ', "type": 5}'))
    with pytest.raises(MalformedRequestError) as alone:
        decode_envelope(_body(envelope, '{"type": 5, ' + rest + "}"))
    assert str(first.value) == str(alone.value)


def test_a_type_written_first_is_read_without_the_types_own_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The quick way is taken: a request of a type seen before, written first, decodes with the
    type's own pass made to fail (benchmarks/count_instructions.py: ~2,400-3,000 instructions
    a request less)."""
    from alexaskill.models import envelope as module

    class _NoPass:
        def decode(self, data: object) -> object:
            raise AssertionError("the type's own pass ran")

    monkeypatch.setattr(module, "_HEAD_DECODER", _NoPass())
    for name in ("IntentRequest.GetWeather.json", "LaunchRequest.json"):
        for compact in (False, True):
            separators = (",", ":") if compact else None
            body = json.dumps(_envelope(name), separators=separators).encode()
            assert decode_envelope(body).request.type == name.split(".")[0]


def _read(body: bytes | bytearray | str) -> object:
    """``body``'s request and session as decoded, or the refusal's text."""
    try:
        envelope = decode_envelope(body)
    except MalformedRequestError as exc:
        return str(exc)
    return envelope.request, envelope.session


def _as_the_pass_reads_it(body: bytes | str, monkeypatch: pytest.MonkeyPatch) -> object:
    """``body`` read (`_read`) by the type's own pass alone, no first type known."""
    from alexaskill.models import envelope as module

    with monkeypatch.context() as patch:
        patch.setattr(module, "_FIRST_TYPES", {})
        return _read(body)


def _attacks() -> dict[str, str]:
    """Requests whose first bytes name one type (IntentRequest) where the rest may say another."""
    request = _envelope("IntentRequest.GetWeather.json")["request"]
    rest = _request_text({k: v for k, v in request.items() if k != "type"})
    start = '{"type":"IntentRequest",' + rest
    last_intent = ',"type":"IntentRequest"}'
    nested = rest.replace('"intent": {', '"intent": {"type": "LaunchRequest", ', 1)
    assert nested != rest
    return {
        "an escaped key last": start + ',"\\u0074ype":"LaunchRequest"}',
        "an escaped key last, a null": start + ',"\\u0074ype":null}',
        "an escaped key first": '{"\\u0074ype":"LaunchRequest",' + rest + last_intent,
        "an escaped value first": '{"type":"Intent\\u0052equest",' + rest + "}",
        "an escaped quote in the value": '{"type":"IntentRequest\\"",' + rest + "}",
        "a nested type": '{"type":"IntentRequest",' + nested + "}",
        "a nested type, the first key": '{"intent":{"type":"LaunchRequest"},' + rest + "}",
        "a space before the key": '{ "type":"IntentRequest",' + rest + "}",
        "a tab after the colon": '{"type":\t"IntentRequest",' + rest + "}",
        "a null last": start + ',"type":null}',
        "an empty type last": start + ',"type":""}',
        "an unknown type last": start + ',"type":"Foo.Bar"}',
        "a type of the same class last": start + ',"type":"CanFulfillIntentRequest"}',
        "the first type again": start + last_intent,
        "no string, last": start + ',"type":["LaunchRequest"]}',
        "a type alone": '{"type":"IntentRequest"}',
        "an empty request": "{}",
    }


@pytest.mark.parametrize("name", sorted(_attacks()))
@pytest.mark.parametrize("form", ["bytes", "str", "bytearray"])
def test_a_request_is_typed_as_the_types_own_pass_types_it(
    name: str, form: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the first bytes say (keys or values escaped, a type twice or nested, spaces),
    the quick way decodes a request, or refuses it, as the type's own pass does."""
    from alexaskill.models import envelope as module

    assert b'{"type":"IntentRequest"' in module._FIRST_TYPES  # (the quick way is tried)
    encoded = _body(_envelope("IntentRequest.GetWeather.json"), _attacks()[name])
    body: bytes | str = encoded.decode() if form == "str" else encoded
    decoded = _read(bytearray(encoded) if form == "bytearray" else body)
    assert decoded == _as_the_pass_reads_it(body, monkeypatch)


@pytest.mark.parametrize(
    "body",
    [
        b'\xef\xbb\xbf{"request": {"type":"IntentRequest"}}',
        b'{"request": {"type":"IntentRequest"',
        b'{"request": {"type":"IntentRequest',
        b'{"request": {"type":"IntentRequest", "intent": {"name": "A"}',
        b'{"request": {"type":"IntentRequest", "intent": {"name": "A"}}, "request": {"type": 5}}',
    ],
)
def test_a_body_cut_short_or_wrapped_is_refused_as_the_pass_refuses_it(
    body: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A BOM, a body cut in its first type or after it, a request sent twice: refused, each
    with the reason the type's own pass gives."""
    expected = _as_the_pass_reads_it(body, monkeypatch)
    assert isinstance(expected, str)
    assert _read(body) == expected
