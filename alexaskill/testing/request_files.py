"""Sample requests read for sending: `load_request`, which the test client's ``replay`` and
``alexaskill replay`` share."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from ..articles import type_with_article
from ..json_once import MAX_INPUT_BYTES, empty, loads_once, not_json, too_large
from ..shown_names import shown

__all__ = ["load_request"]


def load_request(source: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Any]:
    """A request envelope from a JSON file (a path), or a deep copy of a parsed one (a dict).

    `ValueError` naming the file for one that is empty, not JSON in UTF-8, that gives a key
    twice in one object (naming the key and where), or that is not an envelope, said as
    ``alexaskill replay`` says it (`alexaskill.json_once`); a JSON text given in
    place of a path (``'{"request": …}'``) is refused as such, not looked for as a file: parse
    it first (``json.loads``), and a file larger than `MAX_INPUT_BYTES` (16 MiB, as the
    commands' cap) is refused unread. A missing file is `FileNotFoundError`."""
    if isinstance(source, Mapping):
        named = "the envelope given"  # (not its data)
        try:
            loaded = json.loads(json.dumps(source))
        except (TypeError, ValueError, RecursionError) as exc:  # a date, a set, a cycle
            raise ValueError(f"{named}: not JSON data, as Alexa sends ({exc})") from None
    else:
        if not isinstance(source, str | os.PathLike) or isinstance(source, bool):
            # (open() takes an int for a file descriptor: it would read and close that one)
            raise TypeError(
                f"a request is a file's path or a parsed envelope (a dict), not "
                f"{type_with_article(source)}"
            )
        named = os.fspath(source)
        if isinstance(source, str) and _json_text(source) and not os.path.exists(source):
            raise ValueError(
                f"{shown(named, quoted=True)} is JSON text, and a request is given as a file's "
                "path or a parsed envelope (a dict): pass json.loads(text)"
            )
        with open(source, "rb") as file:
            raw = file.read(MAX_INPUT_BYTES + 1)
        if len(raw) > MAX_INPUT_BYTES:
            raise ValueError(too_large(named, MAX_INPUT_BYTES, "a request file"))
        try:
            text = raw.decode("utf-8-sig")  # a BOM first is no mistake
            if not text.strip():
                raise ValueError(empty(named, "request"))
            # A key given twice is refused: `json` kept the last alone, so a sample's copied
            # line with a typo'd value hid the one above it (the request is built anew from
            # what is read and signed, so no byte of the file is sent as it is).
            loaded = loads_once(text, named, long_number=True)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise ValueError(not_json(named, exc)) from None
    if not isinstance(loaded, dict) or not isinstance(loaded.get("request"), dict):
        raise ValueError(f"{named}: not an Alexa request envelope (no 'request' object)")
    return loaded


def _json_text(text: str) -> bool:
    """Whether ``text``, given for a path, is a JSON object or array (a file named "{x}.json"
    is not)."""
    text = text.strip()
    return text[:1] + text[-1:] in ("{}", "[]")
