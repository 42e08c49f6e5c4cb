"""How far ``request.timestamp`` may be from now: `check_timestamp`."""

from __future__ import annotations

import math
import sys
from datetime import UTC, datetime, timedelta
from typing import Final

import msgspec

from ..exceptions import MalformedRequestError, TimestampError
from ..models import AlexaSkillEventRequest, decode_envelope, epoch_ms_timestamp
from ..models.envelope import NUMBER_NOT_A_DATE
from ..shown_names import shown_value
from ..timestamps import read_timestamp

__all__ = ["MAX_TIMESTAMP_TOLERANCE", "check_timestamp"]

#: Amazon's limit on the distance between ``request.timestamp`` and now, in seconds.
MAX_TIMESTAMP_TOLERANCE: Final = 150.0

_SKILL_EVENT_MAX_AGE: Final = timedelta(hours=1)
#: The skill events (Amazon's "Use Skill Events", "Delivery of events to the skill": they may
#: arrive up to an hour late): every AlexaSkillEvent.* request of ask-sdk-model's, those the model
#: types, so that a skill event typed there gets the hour here too. Seven: the five that page
#: names, SkillEnabled, SkillDisabled, SkillPermissionAccepted, SkillPermissionChanged and
#: SkillAccountLinked (the ASK SDKs' verifiers, Python, Java and Node.js, list those five alone,
#: their ALEXA_SKILL_EVENT_LIST), and two beyond that list, ProactiveSubscriptionChanged and
#: NotificationSubscriptionChanged, skill events younger than it. The two are kept: of the same
#: namespace, subscribed to in the manifest's events and sent outside any session as the five
#: are, and ask-sdk-model says they "can arrive out of order", the skill to keep the latest state
#: by their timestamp. Refused past 150 s, a late one would be lost, and with it a user's
#: subscription, the one way a skill learns whom it may send events or notifications to. No
#: Amazon page gives the two the hour in words, nor refuses it them. Built once, at import.
_SKILL_EVENTS: Final = frozenset(AlexaSkillEventRequest.types)


class _RequestHead(msgspec.Struct):
    type: str  # required, as decode_envelope requires it
    # A number is epoch milliseconds, as the developer console sent in 2017.
    timestamp: str | int | float | None = None


class _EnvelopeHead(msgspec.Struct):
    # Required, an object: a body with one absent, ``null`` or of another type is read again as
    # decode_envelope reads it (`_as_decoded`): refused in its words, as `verify_envelope`
    # refuses it, or, its ``request`` sent twice, the last taken.
    request: _RequestHead


# Decodes only request.type and request.timestamp; msgspec skips everything else unparsed.
_decode_head = msgspec.json.Decoder(_EnvelopeHead).decode


def check_timestamp(
    request_type: str, timestamp: str, now: datetime, tolerance: float = MAX_TIMESTAMP_TOLERANCE
) -> None:
    """Raise `TimestampError` unless ``timestamp`` (ISO 8601) is close enough to ``now``.

    Within ``tolerance`` seconds (capped at 150) either way; the skill events
    (``AlexaSkillEvent.*``) may be up to an hour old. Both bounds are inclusive.
    """
    limit = timedelta(seconds=min(_tolerance(tolerance), MAX_TIMESTAMP_TOLERANCE))
    _check_timestamp(request_type, timestamp, now, limit)


#: Where a number of epoch seconds of ten digits (2001 to 2286), read as milliseconds, lands.
_SECONDS_AS_MS: Final = (datetime.fromtimestamp(1e6, UTC), datetime.fromtimestamp(1e7, UTC))
_SECONDS_HINT: Final = "; epoch seconds? a number is read as milliseconds"


# The last timestamp parsed, and its parse. Alexa's timestamps have whole seconds, so under load
# every request of a second carries the same string: it is parsed once a second (a third of
# this check's cost). Only the parse is kept, never a verdict: the age is worked out for every
# request. One tuple, replaced whole, so that no thread sees a string with another's parse.
_last_parsed: tuple[object, datetime] = (object(), datetime.now(UTC))


def _check_timestamp(request_type: str, timestamp: str, now: datetime, limit: timedelta) -> None:
    global _last_parsed
    last = _last_parsed
    if type(timestamp) is str and last[0] == timestamp:
        sent = last[1]
    else:
        sent = read_timestamp(timestamp)
        if sent.tzinfo is None:
            raise TimestampError("timestamp: no UTC offset")
        if type(timestamp) is str:
            _last_parsed = (timestamp, sent)
    try:
        # (No OverflowError: two aware datetimes' difference, under 10,000 years, always fits.)
        age = now - sent
    except TypeError:  # the caller's ``now``: naive, or no datetime
        raise TypeError(
            "the timestamp check's now must be an aware datetime (datetime.now(UTC)), not "
            f"{shown_value(now)}"
        ) from None
    oldest = _SKILL_EVENT_MAX_AGE if request_type in _SKILL_EVENTS else limit
    if age > oldest:
        hint = _SECONDS_HINT if _SECONDS_AS_MS[0] <= sent < _SECONDS_AS_MS[1] else ""
        raise TimestampError(f"timestamp: too old ({_off(age, 'before', oldest)}{hint})")
    if -age > limit:
        raise TimestampError(f"timestamp: in the future ({_off(-age, 'after', limit)})")


def _off(distance: timedelta, side: str, limit: timedelta) -> str:
    """How far from this server's clock a timestamp is, and how far it may be: with "too old"
    alone, a developer whose clock was off looked for replayed requests."""
    return f"{_span(distance)} {side} this server's clock; {_span(limit)} allowed"


def _span(distance: timedelta) -> str:
    """``distance`` rounded up, in a unit a reader takes in: 151 s, 7 min, 5 h, 3 days."""
    seconds = distance.total_seconds()
    for unit, size, below in (("s", 1, 300), ("min", 60, 3 * 3600), ("h", 3600, 3 * 86400)):
        if seconds < below:
            return f"{math.ceil(seconds / size)} {unit}"
    return f"{math.ceil(seconds / 86400):,} days"


def _body_timestamp(body: bytes) -> tuple[str, str]:
    """``request.type`` and ``request.timestamp`` (ISO 8601; epoch milliseconds converted) read
    from a raw body, for `Verifier.verify`; `TimestampError` if there is none to read."""
    try:
        if type(body) is not bytes and not isinstance(body, bytearray):  # a memoryview: no isascii
            body = bytes(body)
        if not body.isascii():
            body.decode()  # msgspec skips the fields it does not read without checking UTF-8
        request: _RequestHead | None = _decode_head(body).request
    except (msgspec.DecodeError, UnicodeError, RecursionError):
        # (ValidationError too, a DecodeError; RecursionError past ~1000 levels of nesting, as
        # in decode_envelope)
        request = None
    timestamp: str | int | float | None
    if request is None or not request.type:  # (an empty type: decode_envelope refuses it)
        request_type, timestamp = _as_decoded(body)
    else:
        request_type, timestamp = request.type, request.timestamp
    if timestamp is None or timestamp == "":
        raise TimestampError("timestamp: missing")
    if not isinstance(timestamp, str):
        timestamp = epoch_ms_timestamp(timestamp)
        if timestamp is None:
            raise TimestampError(f"timestamp: {NUMBER_NOT_A_DATE}")
    return request_type, timestamp


def _as_decoded(body: bytes | bytearray) -> tuple[str, str]:
    """``request.type`` and ``request.timestamp`` as decode_envelope (`verify_envelope`'s) reads
    them, for a body `_decode_head` refused or found with an empty type: its refusal in
    decode_envelope's words, after this check's name, so that both paths give one reason; or,
    for a ``"request"`` sent twice whose first is refused, the last, which decode_envelope and
    json.loads read. Only such a body pays for this second decode."""
    try:
        request = decode_envelope(bytes(body)).request
    except MalformedRequestError as exc:
        details = str(exc).removeprefix("malformed request: ")
        cause = exc.__cause__
        if isinstance(cause, msgspec.DecodeError | UnicodeError | RecursionError) and not (
            isinstance(cause, msgspec.ValidationError)
        ):
            raise TimestampError(f"timestamp: body is not a JSON request ({details})") from None
        raise TimestampError(f"timestamp: body is no request envelope ({details})") from None
    return request.type, request.timestamp


def _tolerance(value: float) -> float:
    if not value >= 0:  # also refuses NaN
        raise ValueError(
            f"timestamp_tolerance must be a number of seconds >= 0, not {shown_value(value)}"
        )
    # An int past a float's range (float() raises OverflowError) is past the cap: inf says it.
    return float(value) if value <= sys.float_info.max else math.inf
