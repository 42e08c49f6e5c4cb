"""The whole request, `Envelope`, and how a request body is decoded into one.

Decoding happens in two steps: the envelope with the request kept as raw bytes, then the request
with the decoder its ``type`` selects. A single tagged union would reject types it does not know,
and Amazon adds request types without notice. An empty ``type``, and an IntentRequest or
CanFulfillIntentRequest whose intent has no name, are refused: Alexa never sends them.

Two shapes Alexa has really sent take a slower second pass, so that the usual request pays
nothing for them: an explicit ``null`` in a field typed without one (``request.error.type``, say)
is read as the field left out, and a numeric ``request.timestamp`` (epoch milliseconds, sent by
the developer console in 2017) becomes the ISO 8601 form and is checked like it. Every field
Amazon documents but this package does not type is in `Envelope.raw`, decoded from the body only
when a handler reads it.
"""

from __future__ import annotations

import datetime
import functools
import json
import math
from collections.abc import Iterable
from typing import Any, Final, cast

import msgspec
import msgspec.inspect

from ..exceptions import MalformedRequestError
from .context import Context, Session
from .faults import copied_body, unfit_body, what_is_wrong
from .intents import Intent
from .requests import (
    AlexaSkillEventRequest,
    AudioPlayerRequest,
    AuthorizationGrantRequest,
    CanFulfillIntentRequest,
    ConnectionsRequest,
    ConnectionsResponse,
    CustomInterfaceRequest,
    DisplayElementSelectedRequest,
    GameEngineInputHandlerEvent,
    GenericRequest,
    HouseholdListEventRequest,
    IntentRequest,
    LaunchRequest,
    MessageReceivedRequest,
    PlaybackControllerRequest,
    PresentationRequest,
    ReminderEventRequest,
    Request,
    SessionEndedRequest,
    SessionResumedRequest,
    SystemExceptionRequest,
)

__all__ = ["REQUEST_TYPES", "Envelope", "decode_envelope", "epoch_ms_timestamp", "request_class"]


class Envelope(msgspec.Struct, kw_only=True):
    """The whole request body: version, session, context and the request.

    `raw` is the whole request as decoded JSON, for the fields alexaskill does not type. Two
    envelopes are equal when their decoded parts are, whatever the bytes they came from.
    """

    version: str = "1.0"
    session: Session | None = None
    context: Context | None = None
    request: Request
    #: The request body exactly as received (None for an envelope made in code).
    body: bytes | str | None = None
    # `raw`, once decoded: a field, since a Struct has no room for other attributes.
    _raw: dict[str, Any] | None = None

    def _parts(self) -> tuple[object, ...]:
        return (self.version, self.session, self.context, self.request)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Envelope):
            return NotImplemented
        return self._parts() == other._parts()

    __hash__ = None  # type: ignore[assignment]  # mutable, as every Struct here

    def __repr__(self) -> str:
        version, session, context, request = self._parts()
        return f"Envelope({version=!r}, {session=!r}, {context=!r}, {request=!r})"

    @property
    def raw(self) -> dict[str, Any]:
        """The whole request body as JSON (a dict), decoded from `body` on first use.

        Requests whose handlers do not read it never pay for it. An envelope made in code, with
        no body, gives its own fields as JSON instead. A number past any range in a field
        alexaskill does not type (``1e999``) is an infinity, as ``json.loads`` reads it. A body
        that decoded on arrival decodes here too, however deep the frame that reads it.
        """
        raw = self._raw
        if raw is None:
            try:
                raw = self._decode_raw()
            except RecursionError:
                # Nested nearly as deep as the decoder takes, and read deeper in the stack than
                # where the request was decoded on arrival: decoded again from a fresh stack.
                from ..fresh_stack import in_fresh_stack

                raw = in_fresh_stack(self._decode_raw)
            self._raw = raw
        return raw

    def _decode_raw(self) -> dict[str, Any]:
        if self.body is not None:
            try:
                decoded: dict[str, Any] = _DICT_DECODER.decode(self.body)
            except msgspec.ValidationError:
                # A number past any range in a field msgspec skipped unread when it accepted
                # the request (1e999, an int of 5,000 digits): read as json.loads reads it, an
                # infinity, rather than raised in the handler that asked.
                decoded = json.loads(self.body, parse_int=_json_int)
            return decoded
        built: dict[str, Any] = {"version": self.version}
        for key, part in (("session", self.session), ("context", self.context)):
            if part is not None:
                built[key] = msgspec.to_builtins(part)
        built["request"] = msgspec.to_builtins(self.request)
        return built

    @property
    def application_ids(self) -> tuple[str, ...]:
        """The application ids the envelope names: the context's, then the session's."""
        ids: list[str] = []
        context = self.context
        if context is not None and context.system is not None and context.system.application:
            ids.append(context.system.application.application_id)
        session = self.session
        if session is not None and session.application is not None:
            ids.append(session.application.application_id)
        return tuple(ids)

    @property
    def intent(self) -> Intent | None:
        """The intent of an IntentRequest or CanFulfillIntentRequest, else ``None``."""
        return getattr(self.request, "intent", None)


def _json_int(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:  # past the digits Python reads into an int (sys.set_int_max_str_digits)
        return float(text)


# --- decoding --------------------------------------------------------------------------------


class _RawEnvelope(msgspec.Struct, kw_only=True):
    version: str | None = None
    session: Session | None = None
    context: Context | None = None
    request: msgspec.Raw


class _RequestHead(msgspec.Struct):
    type: str


_REQUEST_CLASSES: Final[tuple[type[Request], ...]] = (
    LaunchRequest,
    IntentRequest,
    CanFulfillIntentRequest,
    SessionEndedRequest,
    SessionResumedRequest,
    AudioPlayerRequest,
    PlaybackControllerRequest,
    SystemExceptionRequest,
    DisplayElementSelectedRequest,
    PresentationRequest,
    ConnectionsResponse,
    ConnectionsRequest,
    MessageReceivedRequest,
    GameEngineInputHandlerEvent,
    CustomInterfaceRequest,
    AuthorizationGrantRequest,
    AlexaSkillEventRequest,
    HouseholdListEventRequest,
    ReminderEventRequest,
)

_CLASS_BY_TYPE: Final[dict[str, type[Request]]] = {
    name: cls for cls in _REQUEST_CLASSES for name in cls.types
}
#: The request types decoded into a class of their own (any other is a `GenericRequest`).
REQUEST_TYPES: Final = frozenset(_CLASS_BY_TYPE)
#: The decoder of each request type of `_CLASS_BY_TYPE`, made on its first request
#: (`_decode_request`): made at import, the 45 of them cost a cold start (AWS Lambda) more
#: than the rest of this module, reading every class's annotations, and a skill sees a few.
_DECODERS: Final[dict[str, msgspec.json.Decoder[Any]]] = {}
#: `_DECODERS`' types by a request's start that names one first (``{"type": "LaunchRequest"``,
#: with its space or without), and each one's decoder (`decode_envelope`).
_FIRST_TYPES: Final[dict[bytes, tuple[str, msgspec.json.Decoder[Any]]]] = {}
_ENVELOPE_DECODER: Final = msgspec.json.Decoder(_RawEnvelope)
_HEAD_DECODER: Final = msgspec.json.Decoder(_RequestHead)
_DICT_DECODER: Final = msgspec.json.Decoder(dict[str, Any])
_BASE_DECODER: Final = msgspec.json.Decoder(Request)
_ANY_DECODER: Final = msgspec.json.Decoder(Any)


def request_class(request_type: str) -> type[Request]:
    """The class a request of ``request_type`` decodes into (`GenericRequest` when unknown)."""
    return _CLASS_BY_TYPE.get(request_type, GenericRequest)


def decode_envelope(body: bytes | bytearray | memoryview | str) -> Envelope:
    """Decode a request body into an `Envelope`; raise `MalformedRequestError` if it is not one.

    ``body``: the request's JSON, as bytes, a bytearray, a C-contiguous memoryview of 1-byte
    items (copied to bytes, as the `Envelope` keeps it) or a str (a subclass of bytes or str
    copied to one); anything else (a view with a step, of wider items, released) is a
    ``TypeError`` saying what it is, as `Verifier` says it.
    """
    try:
        # msgspec skips unknown fields without checking their UTF-8; JSON must be UTF-8.
        if type(body) is not bytes:  # (bytes, every request: one check and no call)
            if type(body) is not str:
                body = _exact_body(body)  # (its TypeError not caught below)
                if type(body) is bytes and not body.isascii():
                    body.decode()
        elif not body.isascii():
            body.decode()
        try:
            raw = _ENVELOPE_DECODER.decode(body)
            data = raw.request
            # Alexa writes the type first: read from there, the type's own msgspec pass (a skip
            # over the whole request) is saved, 2,200-3,500 instructions a request (0.33-0.52%
            # of def-info so far, benchmarks/count_instructions.py). Taken only if it decodes
            # and its type, the last "type" as that pass reads it, is that one: the decoder the
            # pass picks, its result. Else (a type sent twice, a fault) the pass decides. (An
            # earlier parse of the first bytes cost as much as the pass, benchmarks/README.md
            # "Tried and dropped": here one copy, one find and one look-up of the whole start.)
            # The whole request copied, not its start alone: bytes(memoryview(data)[:55]) cost
            # ~2,500 instructions more a request (two calls more than a ~3 KB copy; README).
            text = bytes(data)
            first = _FIRST_TYPES.get(text[: text.find(b'"', 10) + 1])
            request: Request | None = None
            if first is not None:
                try:
                    found: Request = first[1].decode(data)
                except (msgspec.MsgspecError, UnicodeError, RecursionError):
                    pass  # (said as the pass below says it)
                else:
                    request = found if found.type == first[0] else None
            if request is None:
                # The usual case inline (a call costs as much as a field): see _decode_request.
                decoder = _DECODERS.get(_HEAD_DECODER.decode(data).type)
                request = decoder.decode(data) if decoder is not None else _decode_request(data)
        except msgspec.ValidationError as exc:
            return _decode_repaired(body, exc)
        if type(request) in _NAMING_INTENT:
            _check_intent_name(request)
    except (msgspec.DecodeError, UnicodeError, RecursionError) as exc:
        # msgspec raises UnicodeDecodeError for invalid UTF-8 inside a string it decodes, and
        # RecursionError past ~1000 levels of nesting: both mean a malformed body.
        raise MalformedRequestError(f"malformed request: {what_is_wrong(body, exc)}") from exc
    return Envelope(
        version=raw.version or "1.0",
        session=raw.session,
        context=raw.context,
        request=request,
        body=body,  # kept for Envelope.raw, which decodes it only if a handler asks
    )


def _exact_body(body: object) -> bytes | str:
    """A body of another type than bytes or str as bytes (`copied_body`), copied as given: kept
    in the `Envelope`, the caller's buffer, changed later, was what `Envelope.raw` read. A str
    subclass is its text as a str: msgspec takes no str subclass (a bare TypeError, "a
    bytes-like object is required"), and a bytes subclass is copied too, for its own methods
    (``isascii``, ``decode``) to be asked nothing."""
    if isinstance(body, str):
        return str.__str__(body)  # (a copy, of str's own type: not the subclass's __str__)
    if (unfit := unfit_body(body)) is not None:
        raise TypeError(
            "decode_envelope: the body must be the request's JSON as bytes, a bytearray, a "
            f"memoryview of bytes or a str, not {unfit}"
        )
    return copied_body(body)  # type: ignore[arg-type]  # (one `unfit_body` takes)


#: The request types that always name an intent (Amazon's Request Types Reference).
_NAMING_INTENT: Final = frozenset((IntentRequest, CanFulfillIntentRequest))


def _check_intent_name(request: Request) -> None:
    """Refuse an IntentRequest (or CanFulfillIntentRequest) whose intent has no name: Alexa
    always sends one, and a handler must not be chosen for an intent named ''."""
    intent: Intent = getattr(request, "intent")  # noqa: B009  (one of _NAMING_INTENT)
    if not intent.name:
        raise MalformedRequestError(
            f"malformed request: request.intent.name: missing (Alexa names the intent of "
            f"every {request.type})"
        )


def _decode_request(data: msgspec.Raw) -> Request:
    request_type = _HEAD_DECODER.decode(data).type
    decoder = _DECODERS.get(request_type)
    if decoder is None and request_type in _CLASS_BY_TYPE:
        # (two threads may make one each: the same decoder, and either is kept)
        decoder = _DECODERS[request_type] = msgspec.json.Decoder(_CLASS_BY_TYPE[request_type])
        for start in ('{"type":"', '{"type": "'):
            _FIRST_TYPES[f'{start}{request_type}"'.encode()] = (request_type, decoder)
    if decoder is not None:
        request: Request = decoder.decode(data)
        return request
    if not request_type:  # (an unknown type goes to the fallback; an empty one is none)
        raise MalformedRequestError("malformed request: request.type: empty")
    # Decode the common fields with the base class: a GenericRequest decoder would also read a
    # wire field named "raw" and reject it unless it is an object.
    head = _BASE_DECODER.decode(data)
    try:
        raw: dict[str, Any] = _DICT_DECODER.decode(data)
    except msgspec.ValidationError:
        # A number past any range (1e999, an int of 5,000 digits) in a field no type reads:
        # read as Envelope.raw reads it, an infinity, not refused.
        raw = json.loads(bytes(memoryview(data)), parse_int=_json_int)
    return GenericRequest(
        type=head.type,
        request_id=head.request_id,
        timestamp=head.timestamp,
        locale=head.locale,
        raw=raw,
    )


# --- the second pass: nulls and numeric timestamps ---------------------------------------------


#: Why a numeric ``request.timestamp`` is refused: here, and by `Verifier.verify`.
NUMBER_NOT_A_DATE: Final = "a number, but no date in epoch milliseconds"


def epoch_ms_timestamp(milliseconds: object) -> str | None:
    """The ISO 8601 form (``2017-03-20T08:53:20.123Z``) of a timestamp in epoch milliseconds.

    None if it is not a finite number of a representable date. The developer console sent
    ``request.timestamp`` in this form in 2017.
    """
    if isinstance(milliseconds, bool) or not isinstance(milliseconds, int | float):
        return None
    try:
        # isfinite raises OverflowError for an int past a float's range (10**309): unusable too.
        if not math.isfinite(milliseconds):
            return None
        moment = datetime.datetime.fromtimestamp(milliseconds / 1000, datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _decode_repaired(body: bytes | str, error: msgspec.ValidationError) -> Envelope:
    """Decode a body the typed decoders refused, after reading explicit nulls as absent fields.

    Only a body that fails the fast path pays for this (a generic decode, a walk along the
    typed fields, an encode, the typed decode again). Nulls inside untyped JSON (session
    attributes, APL arguments, …) are the sender's data and stay. A name sent twice is read
    the last, as json.loads reads it (and `Verifier.verify`), whatever the first held: the typed
    decoders checked each. If the body, so read and repaired, still does not fit, the first
    error stands.
    """
    try:
        data = _ANY_DECODER.decode(body)
    except msgspec.ValidationError:
        # A number past any range somewhere (1e999): kept as its text, which the typed decode
        # below refuses in a typed field (naming it) and skips in an untyped one.
        data = json.loads(body, parse_int=_int_or_text, parse_float=_float_or_text)
    if not isinstance(data, dict):
        raise _refusal(body, error) from error
    _repair_envelope(data)
    try:
        raw = _ENVELOPE_DECODER.decode(msgspec.json.encode(data))
        request = _decode_request(raw.request)
    except msgspec.ValidationError:
        raise _refusal(body, error) from error
    if type(request) in _NAMING_INTENT:
        _check_intent_name(request)
    return Envelope(
        version=raw.version or "1.0",
        session=raw.session,
        context=raw.context,
        request=request,
        body=body,
    )


def _float_or_text(text: str) -> float | msgspec.Raw:
    value = float(text)
    return value if math.isfinite(value) else msgspec.Raw(text.encode())


def _int_or_text(text: str) -> int | float | msgspec.Raw:
    """An int in msgspec's range, else a float (as msgspec reads one past it), else the text."""
    try:
        value = int(text)
    except ValueError:  # past the digits Python reads into an int
        return _float_or_text(text)
    return value if -(2**63) <= value < 2**64 else _float_or_text(text)


def _refusal(body: bytes | str, error: msgspec.ValidationError) -> MalformedRequestError:
    """The `MalformedRequestError` for ``error``, its path said from the body's root.

    The request is decoded apart from the envelope, so msgspec's path for a fault in it starts
    at the request (or, for the request itself, ``null`` say, names no place). Only a refused
    body pays for this: it is decoded again whole, the request typed as each step typed it.
    """
    return MalformedRequestError(f"malformed request: {_error_from_root(body) or error}")


def _error_from_root(body: bytes | str) -> str | None:
    try:
        _ENVELOPE_DECODER.decode(body)  # the envelope's own fault first, as the fast path
        head = _whole_decoder(_RequestHead).decode(body).request
        cls = _CLASS_BY_TYPE.get(head.type)
        if cls is not None:
            _whole_decoder(cls).decode(body)
        else:
            _whole_decoder(Request).decode(body)
            _whole_decoder(dict[str, Any]).decode(body)
    except msgspec.ValidationError as exc:
        return str(exc)
    return None  # (not seen: the caller's error stands)


@functools.cache
def _whole_decoder(request: Any) -> msgspec.json.Decoder[Any]:
    """A decoder of the whole envelope with its request typed as ``request``."""
    envelope = msgspec.defstruct(
        "_TypedEnvelope",
        [
            ("version", str | None, None),
            ("session", Session | None, None),
            ("context", Context | None, None),
            ("request", request),
        ],
        kw_only=True,
    )
    return msgspec.json.Decoder(envelope)


def _repair_envelope(data: dict[str, Any]) -> None:
    for key, part_class in (("session", Session), ("context", Context)):
        part = data.get(key)
        if isinstance(part, dict):
            _drop_nulls(part, _struct_info(part_class))
    request = data.get("request")
    if isinstance(request, dict):
        type_ = request.get("type")
        cls = _CLASS_BY_TYPE.get(type_, Request) if isinstance(type_, str) else Request
        _drop_nulls(request, _struct_info(cls))
        timestamp = request.get("timestamp")
        if not isinstance(timestamp, str):
            iso = epoch_ms_timestamp(timestamp)
            if iso is not None:
                request["timestamp"] = iso
            elif isinstance(timestamp, int | float) and not isinstance(timestamp, bool):
                # (else msgspec's "Expected `str`, got `float`", as if no number were allowed)
                raise MalformedRequestError(
                    f"malformed request: request.timestamp: {NUMBER_NOT_A_DATE}"
                )


@functools.cache
def _struct_info(cls: type[msgspec.Struct]) -> msgspec.inspect.StructType:
    return cast(msgspec.inspect.StructType, msgspec.inspect.type_info(cls))


def _allows_null(info: msgspec.inspect.Type) -> bool:
    if isinstance(info, msgspec.inspect.UnionType):
        return any(_allows_null(member) for member in info.types)
    return isinstance(info, msgspec.inspect.NoneType | msgspec.inspect.AnyType)


def _drop_nulls(obj: dict[str, Any], info: msgspec.inspect.StructType) -> None:
    """Delete each field of ``obj`` that is null where ``info`` does not allow null; recurse."""
    for field in info.fields:
        name = field.encode_name
        if name not in obj:
            continue
        value = obj[name]
        if value is None:
            if not _allows_null(field.type):
                del obj[name]
        else:
            _repair(value, field.type)


def _repair(value: Any, info: msgspec.inspect.Type) -> None:
    if isinstance(info, msgspec.inspect.UnionType):
        for member in info.types:
            _repair(value, member)
    elif isinstance(info, msgspec.inspect.StructType):
        if isinstance(value, dict):
            _drop_nulls(value, info)
    elif isinstance(info, msgspec.inspect.ListType) and isinstance(value, list):
        _repair_items(value, range(len(value)), info.item_type)
    elif isinstance(info, msgspec.inspect.DictType) and isinstance(value, dict):
        _repair_items(value, list(value), info.value_type)


def _repair_items(container: Any, keys: Iterable[Any], info: msgspec.inspect.Type) -> None:
    nulls = []
    for key in keys:
        item = container[key]
        if item is None:
            if not _allows_null(info):
                nulls.append(key)
        else:
            _repair(item, info)
    for key in reversed(nulls):
        del container[key]
