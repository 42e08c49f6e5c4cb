"""A response encoded as the JSON body Alexa receives, within Alexa's size limit."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

import msgspec
from msgspec import UNSET, UnsetType

from ..articles import type_with_article, value_with_type
from ..exceptions import ResponseError
from ..json_scalars import JSON_INSTEAD
from ..shown_names import shown_value
from .as_written import (
    MAX_RESPONSE_BYTES,
    _DataRefused,
    _first,
    _Loop,
    _Unsearched,
    unencodable,
    written_out_past_any_reply,
)
from .cards import StandardCard
from .directive import Directive, directive_type
from .json_fields import _where
from .response import _EMPTY, Response
from .snapshots import _enc_hook

if TYPE_CHECKING:
    from ..models import Envelope

__all__ = [
    "MAX_RESPONSE_BYTES",
    "data_refusal",
    "data_refused",
    "encode_response",
    "no_reply_carries",
]


class _Envelope(msgspec.Struct, rename="camel", omit_defaults=True):
    version: str  # no default: omit_defaults must never drop it
    session_attributes: dict[str, Any] | UnsetType
    response: Response


_encoder: Final = msgspec.json.Encoder(enc_hook=_enc_hook)
_ENCODE_ERRORS: Final = (TypeError, ValueError, OverflowError, RecursionError)


#: Values JSON holds as they are (and their subclasses: a str Enum's member is its string).
_PLAIN: Final = (str, int, type(None))
#: The exact types of the commonest attributes, which come back as they went.
_SCALARS: Final = frozenset((str, int, bool, type(None)))

#: The deepest session attributes (the object itself one level) sent back when they take a
#: fresh stack to encode. The request that brings them back is decoded where it arrives, under
#: the server's frames, and Python 3.11 counts each level against the same limit as a frame.
#: Measured (the deepest the next request brought back): 969 levels for a skill mounted in a
#: Starlette app (Starlette's test client), 975 under uvicorn (h11, httptools,
#: `alexaskill.server`), 976 in `alexaskill chat`, 977 in the test client, 983 on AWS Lambda
#: (ten frames of its runtime above the handler). About 30 levels below the shallowest, for the
#: frames of a middleware or another server. (Python 3.12 and later count levels apart from
#: frames: no reply there needs a fresh stack.)
_MAX_ATTRIBUTES_NESTING: Final = 940


def _check_attributes(attributes: dict[str, Any]) -> None:
    """`_DataRefused` naming the first session attribute that would come back changed
    (`_attributes_refusal`)."""
    why = _attributes_refusal(attributes)
    if why is not None:
        raise _DataRefused(why) from None


def _attributes_refusal(attributes: Any) -> str | None:
    """Why the session ``attributes`` (a dict) would not come back as stored, naming the first
    one that would change, or that they hold themselves, or that JSON would write out more of
    them than any reply holds (`_written_out_past_any_reply`); None if they would come back.

    msgspec encodes more than JSON holds (a date as its ISO text, a set or a tuple as a list,
    NaN as null, ``{1: "a"}`` as ``{"1": "a"}``): the next request of the session would bring
    back something else than the handler stored. Persistent attributes refuse the same values
    (`alexaskill.store`), but a tuple, which comes back as a list in both. The `ResponseError`
    of a reply refused for them says this, word for word.
    """
    if not isinstance(attributes, dict) or _plain(attributes):
        return None
    try:
        found = _changed(attributes)
    except _Unsearched:  # (else encoding says it: too large a reply, or nested too deeply)
        return _written_out_past_any_reply(attributes)
    if found is None:
        return None
    path, what = found
    where = _where(path)
    if isinstance(what, _Loop):
        return f"sessionAttributes{where} {what}"
    return (
        f"sessionAttributes{where} {what}, which JSON cannot hold as it is: the next request "
        f"would bring back something else ({JSON_INSTEAD})"
    )


def _plain(attributes: dict[str, Any] | list[Any] | tuple[Any, ...]) -> bool:
    """Whether ``attributes`` hold JSON's own types alone (exactly: no subclass), finite floats
    and string keys: they come back as they went. False says only that `_changed` must look.
    Persistent attributes ask it too, of a dict or list to save that their bounded encoding
    did not vouch for (`store.base._check_written_out`): a value it vouches for is no more than
    a reply's bytes as JSON writes it out, and encodes as it is.

    A loop over a stack, no call a value: the usual attributes (a few strings and numbers, a
    1 KB game state of lists and floats) cost a few microseconds, where `_changed`, a call a
    value, costs ten times that (benchmarks/README.md).
    """
    stack: list[Any] = [attributes]
    # The values looked at, counted a container at a time (one subtraction: no walk of its
    # own), as JSON writes them out: a container held in several places at each. Past a
    # reply's bytes (each value is one at least) no reply can carry them, and the walk stops:
    # a dict that holds itself would never end it otherwise, a row held 10,000 times over
    # only after a billion values. What comes next (`_changed`, then, only if that gives up,
    # `_written_out_past_any_reply`) runs only for attributes this loop did not vouch for.
    left = MAX_RESPONSE_BYTES
    while stack:
        container = stack.pop()
        left -= len(container)
        if left < 0:
            return False
        values: Iterable[Any]
        if type(container) is dict:
            for key in container:
                if type(key) is not str:
                    return False
            values = container.values()
        elif type(container) is list or type(container) is tuple:
            values = container
        else:
            return False
        for value in values:
            kind = type(value)
            if kind in _SCALARS:
                continue
            if kind is float:
                if value - value != 0.0:  # NaN or an infinity: null in JSON
                    return False
            elif kind is dict or kind is list or kind is tuple:
                stack.append(value)
            else:
                return False
    return True


def _written_out_past_any_reply(attributes: dict[str, Any]) -> str | None:
    """Why no reply can carry ``attributes``, if JSON writes out more of their values than a
    reply holds bytes because a list or dict is held in several places
    (`as_written.written_out_past_any_reply`: ``x = [x, x]`` forty times over is 41 lists in
    memory, 2**41 written out, which the encoder would work at for ever), or because one holds
    itself; None otherwise (those that are merely large are encoded, and refused for their
    size with their largest parts). Asked only once `_changed` gave up on them (more values
    than it looks at, or nested deeper): the usual attributes never get here."""
    why = written_out_past_any_reply("sessionAttributes", attributes, root="sessionAttributes")
    if why is not None and _nesting(attributes) is None:  # (the words of `_nested_too_deep`)
        return "sessionAttributes holds itself: JSON cannot hold it"
    return why


def _changed(value: Any) -> tuple[list[Any], str] | None:
    """(the path to the first value JSON would change, what it is), or None."""
    return _first(value, _changed_key, _changed_value, root="sessionAttributes")


def _changed_key(key: Any) -> str | None:
    if isinstance(key, str):  # (not ASCII: it encodes, or the encoder's refusal names it)
        return None
    return f"has the key {value_with_type(key)}"


def _changed_value(value: Any) -> str | None:
    if isinstance(value, float):
        return None if math.isfinite(value) else f"is {value!r}"
    if isinstance(value, _PLAIN):
        return None
    return f"is {type_with_article(value)}"


def data_refusal(exc: BaseException) -> str | None:
    """Why the reply was refused, if ``exc`` is `encode_response`'s refusal of the data in it: a
    value JSON cannot hold (``"response is not JSON-encodable: response.card.text is a
    Cart"``; the encoder's own words where the search named no path), session attributes
    that are no dict, that JSON would change or write out past any reply
    (`_attributes_refusal`) or nested too deeply
    (`_nested_too_deep`), or a body too large (its size, the limit and its largest parts). None
    for any other exception (a `ResponseError` the handler raised or had raised in its frame).
    The `ResponseError` says this, word for word."""
    return str(exc) if type(exc) is _DataRefused else None


def data_refused(why: str) -> ResponseError:
    """The `ResponseError` of a reply refused for its data where it is sent, not encoded (AWS
    Lambda's runtime, which encodes it again below its own frames): ``why`` names the data,
    and `data_refusal` says it, as it says `encode_response`'s."""
    return _DataRefused(why)


def _diagnose(exc: Exception, envelope: _Envelope) -> ResponseError:
    """Name the part that would not encode, the session attributes or the response, and in
    it the path to the first value the encoder refuses, looked for in the order it encodes
    (`unencodable`: ``"response is not JSON-encodable: response.directives[0].payload['a']
    is a Cart"``); past what that search looks through, the encoder's own words."""
    attributes = envelope.session_attributes
    if attributes is not UNSET:
        where = unencodable(attributes, _encoder.encode, "sessionAttributes")
        if where is not None:
            return _DataRefused(f"sessionAttributes is not JSON-encodable: {where}")
    where = unencodable(envelope.response, _encoder.encode, "response")
    if where is not None:
        return _DataRefused(f"response is not JSON-encodable: {where}")
    if attributes is not UNSET:
        try:
            _encoder.encode(attributes)
        except _ENCODE_ERRORS as inner:
            return _DataRefused(f"sessionAttributes is not JSON-encodable: {inner}")
    return _DataRefused(f"response is not JSON-encodable: {exc}")


def _wire_directive(directive: Any) -> Any:
    return (
        directive._wire() if isinstance(directive, Directive) and directive._nested else directive
    )


def encode_response(
    response: Response | None,
    session_attributes: dict[str, Any] | None = None,
    *,
    answered: Envelope | None = None,
) -> bytes:
    """The JSON body for Alexa: ``{"version": "1.0", "sessionAttributes"?, "response"}``.

    ``None`` encodes as ``"response": {}``; ``sessionAttributes`` is sent only when not None.
    Raises `ResponseError` if the body would exceed `MAX_RESPONSE_BYTES` or will not encode, or
    if the session attributes nest deeper than the session's next request could bring them back
    (`_MAX_ATTRIBUTES_NESTING`, or as deep as the request ``answered`` brought them).
    """
    if response is None:
        response = _EMPTY
    elif not isinstance(response, Response):  # a dict had no attribute 'card'
        raise ResponseError(
            f"encode_response takes a Response or None, not {type_with_article(response)} (build "
            "one with speak(), ask() or Response(...))"
        )
    else:
        if type(response.card) is StandardCard:
            response = msgspec.structs.replace(response, card=response.card._wire())
        directives = response.directives
        if directives and any(isinstance(d, Directive) and d._nested for d in directives):
            response = msgspec.structs.replace(
                response, directives=tuple(_wire_directive(d) for d in response.directives)
            )
    attributes: dict[str, Any] | UnsetType = UNSET
    if session_attributes is not None:
        if not isinstance(session_attributes, dict):  # sent as is, a list was no session
            raise _DataRefused(  # (a handler's `session.attributes = [...]`: its data)
                "sessionAttributes must be a dict (a JSON object), not "
                f"{type_with_article(session_attributes)}"
            )
        if session_attributes:
            _check_attributes(session_attributes)
        attributes = session_attributes
    envelope = _Envelope("1.0", attributes, response)
    try:
        body = _encoder.encode(envelope)
    except RecursionError:
        body = _encoded_afresh(envelope, attributes, answered)
    except _ENCODE_ERRORS as exc:
        raise _diagnose(exc, envelope) from exc
    if len(body) > MAX_RESPONSE_BYTES:
        raise _DataRefused(
            f"response body is {len(body):,} bytes; the limit is {MAX_RESPONSE_BYTES:,} bytes "
            f"(120 KB); the largest parts: {_largest_parts(response, attributes)}"
        )
    return body


def _encoded_afresh(
    envelope: _Envelope, attributes: dict[str, Any] | UnsetType, answered: Envelope | None
) -> bytes:
    """``envelope`` encoded from a fresh stack: nested nearly as deep as the request decoder
    takes (attributes that came with the request, which decoded higher up the stack than this),
    unless the next request could not bring the attributes back. Only such a reply pays for
    that look: the usual one encodes at the first try."""
    if attributes is not UNSET:
        _check_nesting(attributes, answered)
    from ..fresh_stack import in_fresh_stack

    try:
        return in_fresh_stack(_encoder.encode, envelope)
    except _ENCODE_ERRORS as exc:
        raise _diagnose(exc, envelope) from exc


def _check_nesting(attributes: dict[str, Any], answered: Envelope | None) -> None:
    """`_DataRefused` if ``attributes`` nest too deeply for a reply (`_nested_too_deep`)."""
    why = _nested_too_deep(attributes, answered)
    if why is not None:
        raise _DataRefused(why) from None  # (not the RecursionError that sent the reply here)


def _nested_too_deep(attributes: Any, answered: Envelope | None) -> str | None:
    """Why no reply may carry the session ``attributes`` (a dict), if they nest deeper than
    `_MAX_ATTRIBUTES_NESTING` and than those the request ``answered`` brought: Alexa's next
    request would bring them back and be refused where it arrives (HTTP 400), the session
    broken. None if they may. What a request brought, it can bring back (its server took
    them). The `ResponseError` of a reply refused for them says this, word for word."""
    if not isinstance(attributes, dict):
        return None
    nested = _nesting(attributes)
    if nested is None:  # (the words of the encoder's refusal, less its "nested too deeply")
        return "sessionAttributes holds itself: JSON cannot hold it"
    if nested <= _MAX_ATTRIBUTES_NESTING:
        return None
    if answered is not None:
        session = answered.raw.get("session")  # (the attributes as they came, not as changed)
        brought = _nesting(session.get("attributes")) if isinstance(session, dict) else None
        if brought is not None and nested <= brought:
            return None
    return (
        f"sessionAttributes is nested {nested} levels, past the {_MAX_ATTRIBUTES_NESTING} that "
        "Alexa's next request can carry back to the skill (it would be refused as malformed)"
    )


def _nesting(value: Any) -> int | None:
    """How many levels of objects and arrays ``value`` nests (0 for a scalar), None if one of
    its containers holds itself (at any depth: no end). A loop over one level at a time, no
    call a level, each container counted once a level however often it is held."""
    level = [value] if isinstance(value, dict | list | tuple) else []
    containers = len(level)  # distinct containers met so far
    met: set[int] = {id(value)}
    depth = 0
    while level:
        depth += 1
        if depth > containers:  # a path longer than there are containers goes round a loop
            return None
        seen: dict[int, Any] = {}
        for container in level:
            values = container.values() if isinstance(container, dict) else container
            for inner in values:
                if isinstance(inner, dict | list | tuple):
                    seen[id(inner)] = inner
        met.update(seen)
        containers = len(met)
        level = list(seen.values())
    return depth


def no_reply_carries(attributes: Any, brought: Any) -> str | None:
    """Why no reply can carry the session ``attributes``, which came as ``brought`` in the
    request: with either, the smallest reply (an empty response) is past `MAX_RESPONSE_BYTES`.
    None if one could: a reply too large is then the handler's doing (its speech, its state)."""
    size = min(_smallest_reply(attributes), _smallest_reply(brought))
    if size <= MAX_RESPONSE_BYTES:
        return None
    return (
        f"the request's sessionAttributes make any reply at least {size:,} bytes, past the "
        f"{MAX_RESPONSE_BYTES:,} bytes (120 KB) Alexa takes"
    )


def _smallest_reply(attributes: Any) -> int:
    """The size of ``{"version", "sessionAttributes", "response": {}}``; 0 if no dict of JSON
    (one no reply can carry as JSON writes it out, `_written_out_past_any_reply`, is none:
    it is the handler's doing, and the encoder would work at it for ever)."""
    if not isinstance(attributes, dict):
        return 0
    if not _plain(attributes) and _written_out_past_any_reply(attributes) is not None:
        return 0
    try:
        return len(_encoder.encode(_Envelope("1.0", attributes, _EMPTY)))
    except _ENCODE_ERRORS:
        return 0


def _largest_parts(response: Response, attributes: dict[str, Any] | UnsetType) -> str:
    """The three largest parts of a body over the limit with their sizes: what to shrink.

    Besides each directive, all of them together (many small ones can fill the body), and for
    the session attributes their largest top-level key.
    """
    parts: list[tuple[str, Any]] = [("sessionAttributes", attributes)]
    parts += [
        ("outputSpeech", response.output_speech),
        ("card", response.card),
        ("reprompt", response.reprompt),
        ("apiResponse", response.api_response),
    ]
    directives = response.directives
    if len(directives) > 1:
        parts.append((f"directives ({len(directives):,} in all)", directives))
    parts += [
        (f"directives[{index}] ({directive_type(directive)})", directive)
        for index, directive in enumerate(directives)
    ]
    sizes = [(_size(value), name) for name, value in parts if value is not UNSET]
    sizes.sort(key=lambda size_name: -size_name[0])
    named = []
    for size, name in sizes[:3]:
        part = f"{name} {size:,} bytes"
        if name == "sessionAttributes" and isinstance(attributes, dict) and attributes:
            part += _largest_key(attributes)
        named.append(part)
    return ", ".join(named)


def _largest_key(attributes: dict[str, Any]) -> str:
    """`` (its largest key 'board' 100,002 bytes)``: the top-level key to look at first."""
    sizes = [(_size(value), key) for key, value in attributes.items()]
    size, key = max(sizes, key=lambda size_key: size_key[0])  # the first of a tie
    return f" (its largest key {shown_value(key)} {size:,} bytes)"  # (a key of any length)


def _size(value: Any) -> int:
    """The bytes of ``value`` encoded, from a fresh stack if it nests too deep to encode from
    this one: a part of a body that took one (`_encoded_afresh`) is no shallower alone."""
    try:
        return len(_encoder.encode(value))
    except RecursionError:
        from ..fresh_stack import in_fresh_stack

        return len(in_fresh_stack(_encoder.encode, value))
