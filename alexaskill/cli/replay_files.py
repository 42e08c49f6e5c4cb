"""``alexaskill replay``: the request files (and standard input) read, each envelope checked,
and what is wrong with one said in one line."""

from __future__ import annotations

import functools
import json
import os
import shlex
from collections.abc import Sequence
from typing import Any

from ..json_once import empty, not_json
from ..shown_names import shown
from .common import UsageError, module_here
from .inputs import file_text, json_said, one_json, stdin_text

__all__ = ["load_requests", "module_here"]


def load_requests(files: Sequence[str], arguments: str) -> list[tuple[str, dict[str, Any]]]:
    """The request envelopes of ``files`` (``-``: standard input's), each with its label;
    `UsageError` for one that cannot be read or is no request. ``arguments``: the APP and
    ``--url URL`` of the command, quoted for the shell, as a hint repeats them."""
    loaded = []
    if list(files).count("-") > 1:
        raise UsageError("- is named twice: standard input is read once (all its requests)")
    for name in files:
        if name == "-":
            loaded.extend(_read_stdin())
            continue
        label = shown(name)  # (a long name cut, as every message echoes one)
        if os.path.isdir(name):  # (os.path's: see `no_file`)
            raise UsageError(f"{label}: is a directory; name the request files in it")
        if name.endswith(".py") and os.path.isfile(name):  # (its docstring read as JSON)
            raise UsageError(
                f"{label}: Python, not a request file: request files are JSON (alexaskill "
                "request LaunchRequest > launch.json writes one)"
            )
        text = file_text(name, label=label, what="a request file")
        if not text.strip():  # (not "not JSON (…)")
            if not os.path.isfile(name):  # /dev/null: nothing written there stays
                raise UsageError(f"{empty(label, 'request')} (not a file)")
            raise UsageError(
                f"{empty(label, 'request')}: `alexaskill request LaunchRequest > "
                f"{shlex.quote(name)}` writes one"
            )

        # A key given twice is refused (`one_json`): the request is built anew from what is
        # read, re-encoded and signed, so the file's bytes are never what is sent.
        several = functools.partial(_several_in_a_file, name, text, arguments)
        document = one_json(text, label, extra=several)
        loaded.append((name, _envelope(document, label)))
    _new_ids_for_repeats(loaded)
    return loaded


def _several_in_a_file(
    name: str, text: str, arguments: str, exc: json.JSONDecodeError
) -> str | None:
    """Why the file ``name`` of ``text`` holds more than a request (`one_json`'s "Extra data",
    ``exc``): JSON lines, or files put together with cat; None for a text that starts as no
    object or list (a string, say), which is said as not JSON."""
    if text.lstrip()[:1] not in ("{", "["):
        return None
    return (
        f"{shown(name)}: more than one JSON document (the next at line {exc.lineno}): a "
        "request file holds one request; standard input takes several: alexaskill replay "
        f"{arguments} - < {shlex.quote(name)}"
    )


def _new_ids_for_repeats(loaded: list[tuple[str, dict[str, Any]]]) -> None:
    """Give a request whose ``requestId`` an earlier one has (a file given twice, a request
    twice on standard input) a new id: Alexa never sends one id twice, and a skill (or the
    fake Alexa APIs, telling a late progressive response by it) may tell requests apart so.
    The first keeps its file's, as `FileSessions` gives a repeated session a new id."""
    from ..testing.requests import _new_request_id

    seen: set[str] = set()
    for _, envelope in loaded:
        request = envelope["request"]
        found = request.get("requestId")
        if not isinstance(found, str):  # (a file's own mistake: sent as it is)
            continue
        if found in seen:
            request["requestId"] = found = _new_request_id()
        seen.add(found)


def _envelope(document: Any, label: str) -> dict[str, Any]:
    """``document``, read from ``label``, as a request envelope (`load_request`); a
    `UsageError` saying why it is none."""
    from ..testing import load_request

    try:
        if not isinstance(document, dict):  # (a JSON string is no path to a file)
            raise ValueError("not an object")
        return load_request(document)
    except (TypeError, ValueError):
        raise UsageError(f"{label}: {_not_an_envelope(document)}") from None
    except RecursionError as exc:  # decoded, but its copy goes deeper
        raise UsageError(not_json(label, exc)) from None


def _not_an_envelope(document: Any) -> str:
    """Why ``document`` is no request to replay; what it is, when that is plain: a list (of
    requests), a skill's answer, a capture of ``serve --capture``."""
    said = "not an Alexa request envelope (no 'request' object)"
    if isinstance(document, list):
        if document and all(isinstance(i, dict) and "request" in i for i in document):
            return (
                f"{said}: a JSON list of {len(document):,} requests, where a request file holds "
                "one: save each in a file of its own, or give them on standard input one after "
                "another (`alexaskill replay APP -`)"
            )
        return f"{said}: a JSON list, not an object"
    if isinstance(document, dict) and "response" in document and "request" not in document:
        return (
            f"{said}: a skill's answer (a response envelope), not a request: `alexaskill request "
            "LaunchRequest` writes one"
        )
    if isinstance(document, dict) and {"received_at", "headers"} <= document.keys():
        said += (
            ": a capture of `serve --capture`, which `alexaskill certify URL --replay FILE` "
            'sends as received; the request in it is its "body" (a JSON string)'
        )
    return said


def _read_stdin() -> list[tuple[str, dict[str, Any]]]:
    """The request envelopes on standard input: one JSON document, or several one after the
    other (``cat a.json b.json``, one per line, or ``alexaskill request`` piped in)."""
    from ..json_once import KeysOnce

    text = stdin_text("standard input", "requests")
    keys = KeysOnce()
    decoder = json.JSONDecoder(object_pairs_hook=keys)
    loaded: list[tuple[str, dict[str, Any]]] = []
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            break
        label = "-" if not loaded else f"- (request {len(loaded) + 1})"
        # One document at a time (raw_decode), said as a file's is when it is not JSON.
        with json_said("standard input"):
            document, position = decoder.raw_decode(text, position)
        if keys.twice:  # (as in a file; the rest looked at only then: it is long)
            several = bool(loaded) or bool(text[position:].strip())
            said = f"standard input (request {len(loaded) + 1})" if several else "standard input"
            keys.refuse(said, document, error=UsageError)
        loaded.append((label, _envelope(document, "standard input")))
    if not loaded:
        raise UsageError(
            "standard input is empty: pipe a request in, e.g. "
            "`alexaskill request LaunchRequest | alexaskill replay app:skill -`"
        )
    if len(loaded) > 1:
        loaded[0] = ("- (request 1)", loaded[0][1])
    return loaded
