"""``alexaskill request --attribute`` and ``--session-from``: a request sent in a session under
way, with the attributes the skill stored in it (as Alexa sends the next request of a
conversation), and `json_or_text`, how ``request`` reads the values its options give."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Mapping
from typing import Any

from ..log_values import cut
from ..shown_names import shown, shown_json
from .common import UsageError, pairs
from .inputs import file_text, loads_once, one_json, stdin_text

__all__ = ["check_session_options", "json_or_text", "session_attributes"]


def _no_constant(word: str) -> Any:
    """NaN, Infinity: Python's JSON reads them, JSON has none (the value is then a string)."""
    raise ValueError(word)


def json_or_text(text: str, label: str, *, root: str) -> Any:
    """``text``, an option's value (``label``: ``--field NAME``), read as JSON if it is JSON,
    else kept as the string given; ``root`` names where it goes (``request.NAME``), for a key
    given twice in an object, a `UsageError` (such JSON is not kept as text)."""
    try:
        value = loads_once(text, label, root=root, parse_constant=_no_constant)
    except ValueError:
        return text
    except RecursionError:
        raise UsageError(f"{label}: JSON nested too deeply") from None
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:  # a number past a float's range: Python reads it as inf
        raise UsageError(f"{label}: {shown(text)} holds a number too large for JSON") from None
    return value


def session_attributes(
    args: argparse.Namespace, request_type: str, interfaces: Iterable[str]
) -> dict[str, Any] | None:
    """The attributes of the session the request goes in: ``--session-from``'s answer's
    ``sessionAttributes``, then each ``--attribute KEY=VALUE`` (a JSON value, or else the
    string); None when neither is given (the request opens a new session). A usage error for
    a file with no open session to carry; the options are checked against ``request_type``
    first, by the caller (`check_session_options`, before its hint at a terminal)."""
    if args.session_from is None and not args.attribute:
        return None
    attributes: dict[str, Any] = {}
    if args.session_from is not None:
        attributes.update(_carried(args.session_from, interfaces))
    given: set[str] = set()
    for key, text in pairs(args.attribute, "--attribute", "KEY=VALUE"):
        label = f"--attribute {shown(key)}"
        if key in given:
            raise UsageError(f"{label}: given twice")
        given.add(key)
        attributes[key] = json_or_text(text, label, root=f"session.attributes.{key}")
    return attributes


def check_session_options(args: argparse.Namespace, request_type: str) -> None:
    """A usage error if ``--session-from`` or ``--attribute`` is given for a ``request_type``
    that comes in no session under way: before `session_attributes` reads anything (standard
    input's hint at a terminal said only for a request that takes the option)."""
    from ..testing.requests import SESSION_TYPES
    from ..testing.sessions import CONVERSATION_TYPES

    if args.session_from is None and not args.attribute:
        return
    option = "--session-from" if args.session_from is not None else "--attribute"
    if request_type not in SESSION_TYPES:
        raise UsageError(
            f"{request_type} requests come outside any session: they carry no attributes; "
            f"drop {option}"
        )
    if request_type not in CONVERSATION_TYPES:
        raise UsageError(
            f"{request_type} comes in a session of its own, new: Alexa asks it of the skills "
            f"it might pick for a request naming none, before any conversation; drop {option}"
        )


def _http_status(status: int) -> bool:
    """Whether ``status`` is one a line of ``replay --json`` holds: an HTTP status (three
    digits), or 0 for no answer."""
    return status == 0 or 100 <= status <= 999


def _carried(path: str, interfaces: Iterable[str]) -> dict[str, Any]:
    """The ``sessionAttributes`` of the answer in the file at ``path`` (``-``: standard
    input): the skill's response envelope, or a line of ``replay --json`` (its ``response``
    the envelope), which must leave the session open on a device declaring ``interfaces``
    (`answer_ends_session`, the rule of the offline loop), else Alexa's next request starts a
    new session without them."""
    from ..responses.response import answer_ends_session, envelope_refusal
    from ..testing.answer_rules import server_ssml_refusal

    label = f"--session-from {shown(path)}"
    document = _read(path, label)
    if isinstance(document, dict) and "request" in document and "response" not in document:
        raise UsageError(
            f"{label}: a request, not an answer: name the skill's answer to it (a line of "
            "`alexaskill replay APP FILE --json`)"
        )
    if isinstance(document, dict) and {"file", "status"} <= document.keys():  # replay --json
        status = document["status"]
        # ("200" is no replay's, nor a number other than HTTP's three digits or replay's 0 for
        # no answer: JSON reads one of 4,300 digits, said whole below)
        if not isinstance(status, int) or isinstance(status, bool) or not _http_status(status):
            # (each part bounded: a status of 100,000 characters, or a list as long, made a
            # message as long)
            raise UsageError(
                f"{label}: not a line of `alexaskill replay APP FILE --json` (its status, "
                f"{shown_json(status)}, is no HTTP status)"
            )
        if status != 200:
            # Status 0: replay --url got no answer, which replay says as its error does.
            said = document.get("response")
            error = said.get("error") if isinstance(said, dict) else None
            # (cut: an error of 100,000 characters, said whole, made a message as long)
            told = cut(error) if isinstance(error, str) and error else "no answer"
            why = f"HTTP {status}" if status != 0 else told
            raise UsageError(
                f"{label}: the request failed ({why}): Alexa ends its session, and the "
                "next request starts a new one"
            )
        document = document.get("response")
    envelope: Mapping[str, Any] = document if isinstance(document, dict) else {}
    answer = envelope.get("response")
    if not isinstance(answer, dict):
        raise UsageError(
            f"{label}: not a skill's answer (a response envelope, or a line of `alexaskill "
            "replay APP FILE --json`)"
        )
    # An answer Alexa refuses, sent with HTTP 200 (SSML it cannot read, no version), fails the
    # request as an HTTP error does: Alexa ends its session (`answered_session`'s rule).
    refusal = envelope_refusal(envelope) or server_ssml_refusal(200, envelope)
    if refusal is not None:
        raise UsageError(
            f"{label}: Alexa refuses the answer ({refusal}): it ends the session, and the next "
            "request starts a new one"
        )
    if answer_ends_session(answer, interfaces):
        end = answer.get("shouldEndSession")
        why = (
            f"shouldEndSession: {json.dumps(end)}"
            if isinstance(end, bool)
            else "no shouldEndSession, on a device without a screen"
        )
        raise UsageError(
            f"{label}: the answer ends the session ({why}): Alexa's next request starts a new "
            "session, without its attributes"
        )
    found = envelope.get("sessionAttributes")
    if found is None:  # (left out, or JSON null: no attributes, as the offline loop has it)
        return {}
    if not isinstance(found, Mapping):
        raise UsageError(f"{label}: sessionAttributes is no JSON object")
    return dict(found)


def _read(path: str, label: str) -> Any:
    """The one JSON document in the file at ``path`` (``-``: standard input)."""
    what = "a skill's answer"
    text = stdin_text(label, what) if path == "-" else file_text(path, label=label, what=what)

    def several(exc: json.JSONDecodeError) -> str:  # (replay --json of several files, say)
        return (
            f"{label}: more than one answer (the next at line {exc.lineno}): name the one the "
            "request follows, e.g. the last line: tail -n 1"
        )

    return one_json(text, label, extra=several)
