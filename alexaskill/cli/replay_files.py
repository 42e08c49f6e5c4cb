"""``alexaskill replay``: the request files (and standard input) read, each envelope checked,
and what is wrong with one said in one line."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import common
from .common import UsageError, module_here, read_input, size_text, stdin_not_text
from .inputs import loads_once

__all__ = ["load_requests", "module_here"]


def load_requests(files: Sequence[str], arguments: str) -> list[tuple[str, dict[str, Any]]]:
    """The request envelopes of ``files`` (``-``: standard input's), each with its label;
    `UsageError` for one that cannot be read or is no request. ``arguments``: the APP and
    ``--url URL`` of the command, quoted for the shell, as a hint repeats them."""
    from ..testing import load_request

    loaded = []
    if list(files).count("-") > 1:
        raise UsageError("- is named twice: standard input is read once (all its requests)")
    for name in files:
        if name == "-":
            loaded.extend(_read_stdin())
            continue
        if Path(name).is_dir():
            raise UsageError(f"{name}: is a directory; name the request files in it")
        if name.endswith(".py") and Path(name).is_file():  # (its docstring read as JSON)
            raise UsageError(
                f"{name}: Python, not a request file: request files are JSON (alexaskill "
                "request LaunchRequest > launch.json writes one)"
            )
        data = read_input(name, label=name, what="a request file")
        if not data.removeprefix(b"\xef\xbb\xbf").strip():  # (not "not JSON (…)"; a BOM)
            if not Path(name).is_file():  # /dev/null: nothing written there stays
                raise UsageError(f"{name}: empty, no request in it (not a file)")
            raise UsageError(
                f"{name}: empty, no request in it: `alexaskill request LaunchRequest > "
                f"{shlex.quote(name)}` writes one"
            )
        try:
            # (utf-8-sig: a byte order mark, as Windows editors write, is no mistake.) A key
            # given twice is refused: the request is built anew from what is read, re-encoded
            # and signed, so the file's bytes are never what is sent.
            document = loads_once(data.decode("utf-8-sig"), name)
            if not isinstance(document, dict):
                raise ValueError("not an object")
            loaded.append((name, load_request(document)))
        except json.JSONDecodeError as exc:
            text = data.decode("utf-8-sig").lstrip()
            # JSON lines, or files put together with cat (not a text that starts as a string)
            if exc.msg == "Extra data" and text[:1] in ("{", "["):
                raise UsageError(
                    f"{name}: more than one JSON document (the next at line {exc.lineno}): a "
                    f"request file holds one request; standard input takes several: "
                    f"alexaskill replay {arguments} - < {shlex.quote(name)}"
                ) from None
            raise UsageError(f"{name}: not JSON (line {exc.lineno}: {exc.msg})") from None
        except UnicodeDecodeError:
            raise UsageError(f"{name}: not UTF-8 text") from None
        except RecursionError:
            raise UsageError(f"{name}: not JSON (nested too deeply)") from None
        except ValueError:
            raise UsageError(f"{name}: {_not_an_envelope(document)}") from None
    _new_ids_for_repeats(loaded)
    return loaded


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


def _not_an_envelope(document: Any) -> str:
    """Why ``document`` is no request to replay; what it is, when that is plain: a list (of
    requests), a skill's answer, a capture of ``serve --capture``."""
    said = "not an Alexa request envelope (no 'request' object)"
    if isinstance(document, list):
        if document and all(isinstance(i, dict) and "request" in i for i in document):
            return (
                f"{said}: a JSON list of {len(document)} requests, where a request file holds "
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
    from ..testing import load_request

    try:
        limit = common.MAX_INPUT_BYTES
        text = sys.stdin.read(limit + 1)
        if len(text) > limit:  # (characters: as many bytes at least)
            raise UsageError(
                f"standard input: larger than {size_text(limit)}, too large for requests"
            )
        # Under the C and C.UTF-8 locales Python reads standard input with surrogateescape:
        # bytes that are not UTF-8 arrive as lone surrogates, which no request can carry.
        text.encode("utf-8")
    except UnicodeDecodeError as exc:
        raise stdin_not_text(exc) from None
    except UnicodeEncodeError:
        raise UsageError("standard input: not UTF-8 text") from None
    keys = KeysOnce()
    decoder = json.JSONDecoder(object_pairs_hook=keys)
    loaded: list[tuple[str, dict[str, Any]]] = []
    # A byte order mark first is no mistake, as in a request file (a Windows editor's).
    position = 1 if text.startswith("\ufeff") else 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            break
        label = "-" if not loaded else f"- (request {len(loaded) + 1})"
        try:
            document, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise UsageError(f"standard input: not JSON (line {exc.lineno}: {exc.msg})") from None
        except RecursionError:
            raise UsageError("standard input: not JSON (nested too deeply)") from None
        if keys.twice:  # (as in a file; the rest looked at only then: it is long)
            several = bool(loaded) or bool(text[position:].strip())
            said = f"standard input (request {len(loaded) + 1})" if several else "standard input"
            keys.refuse(said, document, error=UsageError)
        try:
            if not isinstance(document, dict):  # (a JSON string is no path to a file)
                raise ValueError("not an object")
            loaded.append((label, load_request(document)))
        except (TypeError, ValueError):
            raise UsageError(f"standard input: {_not_an_envelope(document)}") from None
        except RecursionError:  # decoded, but its copy goes deeper
            raise UsageError("standard input: not JSON (nested too deeply)") from None
    if not loaded:
        raise UsageError(
            "standard input is empty: pipe a request in, e.g. "
            "`alexaskill request LaunchRequest | alexaskill replay app:skill -`"
        )
    if len(loaded) > 1:
        loaded[0] = ("- (request 1)", loaded[0][1])
    return loaded
