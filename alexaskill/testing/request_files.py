"""Sample requests read for sending: `load_request`, which the test client's ``replay`` and
``alexaskill replay`` share."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

__all__ = ["load_request"]


def load_request(source: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Any]:
    """A request envelope from a JSON file (a path), or a deep copy of a parsed one (a dict).

    `ValueError` naming the file for one that is not JSON in UTF-8, or not an envelope; a JSON
    text given in place of a path (``'{"request": …}'``) is refused as such, not looked for as
    a file: parse it first (``json.loads``). A missing file is `FileNotFoundError`."""
    if isinstance(source, Mapping):
        loaded, named = json.loads(json.dumps(source)), "the envelope given"  # (not its data)
    else:
        named = os.fspath(source)
        if (
            isinstance(named, str)
            and named.lstrip()[:1] in ("{", "[")
            and not os.path.exists(named)
        ):
            raise ValueError(
                f"{_short(named)} is JSON text, and a request is given as a file's path or a "
                "parsed envelope (a dict): pass json.loads(text)"
            )
        try:
            with open(source, encoding="utf-8-sig") as file:  # a BOM first is no mistake
                loaded = json.load(file)
        except json.JSONDecodeError as exc:
            raise ValueError(
                f"{named}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
            ) from None
        except UnicodeDecodeError:
            raise ValueError(f"{named}: not JSON (not UTF-8 text)") from None
    if not isinstance(loaded, dict) or not isinstance(loaded.get("request"), dict):
        raise ValueError(f"{named}: not an Alexa request envelope (no 'request' object)")
    return loaded


def _short(text: str) -> str:
    """``text`` as quoted in a message: its first 40 characters."""
    return repr(text if len(text) <= 40 else f"{text[:40]}…")
