"""What a command is given, read and checked: the ``--alexa-api`` file (`fake_alexa_api`).
Split from `common`, which holds the rest of what the commands share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .common import UsageError, read_input

if TYPE_CHECKING:
    from ..testing import FakeAlexaApi


def fake_alexa_api(path: str | None) -> FakeAlexaApi:
    """The fake Alexa service APIs a command's skill calls, with the data of ``--alexa-api``:
    ``path`` names a JSON object of `FakeAlexaApi` fields; None: a user who set nothing."""
    import json

    from ..testing import FakeAlexaApi

    if path is None:
        return FakeAlexaApi()
    text = read_input(
        path, label=f"--alexa-api {path}", what="a JSON object of FakeAlexaApi's fields"
    )
    try:
        data = json.loads(text.decode("utf-8-sig"))
    except UnicodeDecodeError:  # (a ValueError: said first)
        raise UsageError(f"--alexa-api {path}: not UTF-8 text") from None
    except (ValueError, RecursionError) as exc:
        why = exc if isinstance(exc, ValueError) else "nested too deeply"
        raise UsageError(f"--alexa-api {path}: not JSON ({why})") from None
    if not isinstance(data, dict):
        raise UsageError(f"--alexa-api {path}: expected a JSON object")
    if "request" in data and "version" in data:  # a request file named by mistake
        raise UsageError(
            f"--alexa-api {path}: a request envelope, not what Alexa's service APIs answer: a "
            'JSON object of FakeAlexaApi\'s fields, as {"given_name": "Ada"}'
        )
    _check_fields(path, data, FakeAlexaApi)
    try:
        return FakeAlexaApi(**data)
    except (TypeError, ValueError) as exc:
        raise UsageError(f"--alexa-api {path}: {exc}") from None


def _check_fields(path: str, data: dict[str, Any], kind: type) -> None:
    """A `UsageError` naming the first key of ``data`` that is no field of the dataclass
    ``kind`` (with the nearest field), rather than Python's error for a keyword argument."""
    import dataclasses
    import difflib

    fields = sorted(field.name for field in dataclasses.fields(kind) if field.init)
    for key in data:
        if key not in fields:
            near = difflib.get_close_matches(str(key), fields, n=1)
            hint = f"did you mean {near[0]}?" if near else f"its fields: {', '.join(fields)}"
            raise UsageError(
                f"--alexa-api {path}: {key!r} is not a field of {kind.__name__} ({hint})"
            )
