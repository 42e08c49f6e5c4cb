"""An interaction model's file read: the ASK CLI's ``<locale>.json`` (or the one of a directory
of them), within a size, as JSON; and the locale its name gives."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Final

from ..interaction import InteractionModelError
from ..json_once import MAX_INPUT_BYTES, empty, loads_once, not_json, too_large
from ..shown_names import shown

__all__ = ["MAX_MODEL_BYTES", "empty_model", "locale_of_file", "read_model_file"]

_LOCALE_FILE: Final = re.compile(r"[a-z]{2}-[A-Z]{2}")
#: The most bytes of a model file `load_model` reads: the cap of every ``alexaskill`` command's
#: files (`alexaskill.json_once.MAX_INPUT_BYTES`), under the name this module has given it.
MAX_MODEL_BYTES: Final = MAX_INPUT_BYTES


def read_model_file(
    source: str | os.PathLike[str], *, locale: str | None = None
) -> tuple[Any, str]:
    """The JSON of a model file (a directory: its ``<locale>.json``), and the file's path.

    Raises `InteractionModelError` when the file is missing, cannot be read, is larger than
    `MAX_MODEL_BYTES` (16 MiB, not read whole), is empty (`empty_model`) or is not JSON (or
    holds a number too long to read), and when it gives a key twice in an object (naming it:
    `loads_once`).
    """
    path = Path(source)
    # (os.path's, not pathlib's is_dir, which raises for a name too long: said as unread below)
    if os.path.isdir(path):
        if locale is None:
            found = ", ".join(sorted(p.stem for p in path.glob("*.json"))) or "none found"
            raise InteractionModelError(
                [f"{shown(str(path))}: a directory; choose a locale ({found})"]
            )
        path = path / f"{locale}.json"
    # (each problem names the file as the commands' --model does: `cli.common.read_model_json`,
    # a long name cut by `shown`)
    label = shown(str(path))
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_MODEL_BYTES + 1)
    except FileNotFoundError:
        raise InteractionModelError([f"{label}: no such file"]) from None
    except OSError as exc:
        raise InteractionModelError([f"{label}: {exc.strerror or exc}"]) from None
    if len(raw) > MAX_MODEL_BYTES:
        raise InteractionModelError(
            [too_large(label, MAX_MODEL_BYTES, "an interaction model file")]
        )
    # (each said as the commands' --model says it: `alexaskill.json_once`)
    try:
        text = raw.decode("utf-8-sig")
        if not text.strip():
            raise InteractionModelError([empty_model(label)])
        # (a key given twice refused, as the commands' --model refuses it: json.loads kept the
        # last silently, so the simulator read samples the file did not seem to give)
        data = loads_once(text, label, error=_refused, long_number=True)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InteractionModelError([not_json(label, exc)]) from None
    return data, str(path)


def empty_model(path: str | os.PathLike[str]) -> str:
    """What is said of the model file at ``path`` that holds nothing (or blanks alone): by
    `read_model_file` and the commands' ``--model``."""
    return empty(str(path))


def _refused(message: str) -> InteractionModelError:
    return InteractionModelError([message])


def locale_of_file(source: str | os.PathLike[str]) -> str | None:
    """The locale a model file's name gives (``en-GB.json`` → "en-GB"), or None."""
    stem = Path(source).stem
    return stem if _LOCALE_FILE.fullmatch(stem) else None
