"""Lambda events read: an Alexa request's event decoded into an `Envelope`, and any other event
(a test of the Lambda console, another trigger's) refused with an error that says what came, its
shape only, and what to send instead.

Imports nothing `alexaskill.aws_lambda` did not load already (a cold start stays short).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from .articles import type_with_article
from .exceptions import MalformedRequestError
from .models import decode_envelope
from .shown_names import shown

if TYPE_CHECKING:
    from .models import Envelope

__all__ = ["decode_event", "describe_event"]


def decode_event(event: Any) -> Envelope:
    """Decode a Lambda event (JSON already parsed into a dict) into an `Envelope`.

    An event that is no Alexa request (a test event of the Lambda console, another trigger's)
    raises `MalformedRequestError` saying what it is, its shape only (`describe_event`).
    """
    return decode_body(event)[1]


def decode_body(event: Any, skill: object = None) -> tuple[bytes, Envelope]:
    """The event encoded, and decoded into an `Envelope` (``skill``: whose id an error names,
    whose ``max_body_size`` the encoded event is held to)."""
    if not isinstance(event, dict):
        raise MalformedRequestError(_not_alexa(event, skill))
    if not _HTTP_KEYS.isdisjoint(event):
        # An HTTP request's fields: an API Gateway or function URL event, never Alexa's (its
        # trigger's events are the envelope alone). One that decodes as an envelope too (a
        # mapping that merges the body with the request's fields) would be answered unverified.
        raise MalformedRequestError(_not_alexa(event, skill))
    body = _encode_event(event)
    limit = getattr(skill, "max_body_size", None)
    if limit is not None and len(body) > limit:
        # The web service's limit (a 413 there): a request this large is no Alexa request,
        # and its values would reach the handlers and the log lines (an intent name of 6 MB).
        if "request" not in event:  # (what it is, then, says more than its size)
            raise MalformedRequestError(_not_alexa(event, skill))
        too_large = MalformedRequestError(
            f"malformed request: the Lambda event is {len(body):,} bytes as JSON, past the"
            f" skill's max_body_size of {limit:,} bytes (Alexa's requests are a few kilobytes;"
            " the web service refuses a larger body with HTTP 413)"
        )
        too_large._check = "too_large"  # logged as the web service logs its 413
        raise too_large
    try:
        return body, decode_envelope(body)
    except MalformedRequestError:
        if "request" in event:  # an Alexa request, malformed: what is wrong with it helps
            raise
    raise MalformedRequestError(_not_alexa(event, skill))


#: Top-level keys of an HTTP request's event (API Gateway REST or HTTP API, a function URL, a
#: load balancer), none of them in an Alexa request's.
_HTTP_KEYS = frozenset({"requestContext", "httpMethod", "rawPath"})


def _not_alexa(event: Any, skill: object) -> str:
    ids = getattr(skill, "skill_ids", None)  # named (the first): a placeholder's is refused
    command = f"alexaskill request LaunchRequest{f' --skill-id {min(ids)}' if ids else ''}"
    message = (
        f"malformed request: the Lambda event is not an Alexa request: {describe_event(event)}."
        " This handler answers the Alexa Skills Kit trigger's events; to test the function from"
        f" the Lambda console, give it an Alexa request (`{command}` prints one)"
    )
    if isinstance(event, dict) and not _HTTP_KEYS.isdisjoint(event):
        message += (
            ". It has an HTTP request's fields: this handler verifies nothing, so it answers"
            " no HTTP request. Alexa's requests through API Gateway or a function URL are"
            " signed HTTPS requests:"
            " serve the skill's ASGI app there, which verifies them: `Mangum(skill)` (README:"
            " AWS Lambda), or the Lambda Web Adapter"
        )
    return message


#: Keys that tell a Lambda event's source, and what they tell (`describe_event`).
_SOURCES = (
    (("requestContext", "routeKey"), "an API Gateway HTTP API or function URL event"),
    (("requestContext", "httpMethod"), "an API Gateway REST API or load balancer event"),
    (("Records",), "an event of an S3, SQS, SNS, DynamoDB or Kinesis trigger"),
    (("source", "detail-type"), "an EventBridge event"),
    (("key1", "key2", "key3"), "the Lambda console's default test event"),
    (
        ("directive",),
        "an Alexa smart home directive (this handler answers a custom skill's requests)",
    ),
)
#: How many keys `describe_event` names, and how much of each (`shown`'s bound: a longer one
#: cut to its head and tail, with its length).
_KEYS_SAID, _KEY_CHARS = 8, 40


def describe_event(event: Any) -> str:
    """What a Lambda event is, in a few words: its JSON type, an object's keys (a few, cut
    short and escaped), what they suggest it is; never a value, which may be anything."""
    if not isinstance(event, dict):
        if event is None:
            return "null"
        if isinstance(event, bool):
            return "a boolean"
        if isinstance(event, int | float):
            return "a number"
        if isinstance(event, str | bytes | bytearray):
            said = (
                f"a string ({len(event):,} characters)"
                if isinstance(event, str)
                else f"{type(event).__name__} ({len(event):,}), not a JSON object"
            )
            if _json_object_text(event):
                said += (
                    ": the JSON text of an object, where the event is the object itself, decoded"
                    " (json.loads), as Lambda's runtime passes a payload; was it encoded twice?"
                )
            return said
        if isinstance(event, list | tuple):
            return f"a JSON array ({len(event):,} items)"
        return f"{type_with_article(event)}, not a JSON object"
    if not event:
        return "an empty JSON object"
    # (each quoted by its repr, which escapes all that log_values.printable does, and more)
    said = ", ".join(
        shown(str(key), quoted=True, most=_KEY_CHARS) for key in list(event)[:_KEYS_SAID]
    )
    if len(event) > _KEYS_SAID:
        said += f" and {len(event) - _KEYS_SAID:,} more keys"
    for needed, source in _SOURCES:
        if all(key in event for key in needed):
            return f"{source}, a JSON object with the keys {said}"
    return f"a JSON object with the keys {said}"


def _json_object_text(text: str | bytes | bytearray) -> bool:
    """Whether ``text`` is the JSON text of an object (an event encoded once too often)."""
    if text.lstrip()[:1] not in ("{", b"{"):
        return False
    try:
        return isinstance(msgspec.json.decode(text), dict)
    except (msgspec.DecodeError, RecursionError):
        return False


def _encode_event(event: dict[str, Any]) -> bytes:
    try:
        body = msgspec.json.encode(event)
    except (TypeError, ValueError, OverflowError) as exc:
        raise MalformedRequestError(f"malformed request: {exc}") from exc
    except RecursionError as exc:
        # A dict or list that contains itself, or nesting deeper than msgspec follows.
        raise MalformedRequestError(
            "malformed request: the Lambda event is nested too deeply (or contains itself)"
        ) from exc
    return body
