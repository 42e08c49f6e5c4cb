"""One call to `FakeAlexaApi`: what the skill asked, what the fake answered (`ApiCall`), and
the answer as it is sent (JSON, raw bytes, a ``Retry-After``) and kept (the most recent calls).
What it refuses is judged beside what it serves: reminders in `api_reminder_rules`, progressive
responses in `api_progressive`, the faults a test gives in `api_faults`."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import msgspec

from ..hearing import spoken_text
from ..shown_names import shown, shown_value

__all__ = ["ApiCall"]


@dataclass(frozen=True)
class ApiCall:
    """One call the skill made: what it asked and what the fake answered."""

    #: The `AlexaApi` method it serves (``"given_name"``); None for a path Alexa does not have,
    #: or a method its path does not take (its 405).
    operation: str | None
    method: str
    path: str
    #: The query parameters, by name.
    query: dict[str, str]
    #: The JSON body sent, or None.
    body: Any
    status: int
    #: The JSON answered, as the skill reads it (lists, never tuples), or None (204, say).
    answer: Any

    @property
    def speech(self) -> str | None:
        """For a progressive response: what the user hears of it (`SkillResponse.speech`); else
        None."""
        if self.operation != "progressive" or not isinstance(self.body, dict):
            return None
        directive = self.body.get("directive")
        speech = directive.get("speech") if isinstance(directive, dict) else None
        return spoken_text(speech, clips=False) if isinstance(speech, str) else None

    @property
    def heard(self) -> bool:
        """For a progressive response: whether Alexa took it and played it (a 2xx answer)."""
        return self.speech is not None and 200 <= self.status < 300

    @property
    def request_id(self) -> str | None:
        """For a progressive response: the id of the request it names (``header.requestId``)."""
        header = self.body.get("header") if isinstance(self.body, dict) else None
        found = header.get("requestId") if isinstance(header, dict) else None
        return found if isinstance(found, str) else None

    def late_note(self) -> str:
        """What to tell the skill's author of a progressive response refused as late (one of
        `FakeAlexaApi.late_progressive`): the chat and the simulator show it."""
        return (
            f"a progressive response sent after the skill had answered "
            f"{_request_said(self.request_id)}: {shown_value(self.speech)} was refused (HTTP "
            f"{self.status}, Unrecognized requestId), as Alexa refuses it, and the user heard "
            "nothing of it: await api.progressive(...) in the handler, before it returns"
        )


def _request_said(request_id: str | None) -> str:
    """How a message names the request whose ``requestId`` is ``request_id``: ``request <it>``;
    "" (the id a skill has of a request with none) as "a request without an id"."""
    return f"request {shown(request_id)}" if request_id else "a request without an id"


_Answer = tuple[int, Any]

#: What `_keep` keeps: calls, or calls with the name of their request.
_Kept = TypeVar("_Kept")


@dataclass(frozen=True)
class _Asked:
    match: re.Match[str]
    query: dict[str, str]
    headers: Mapping[str, str]
    body: Any


def _keep(kept: list[_Kept], call: _Kept, most: int) -> None:
    """Add ``call`` to ``kept``, forgetting the oldest beyond ``most``."""
    kept.append(call)
    if len(kept) > most:
        del kept[: len(kept) - most]


def _newest(kept: list[_Kept], new: int) -> list[_Kept]:
    """The ``new`` most recent of ``kept`` (fewer when some were forgotten)."""
    return kept[-new:] if new > 0 else []


def _error(status: int, code: str, message: str) -> _Answer:
    return status, {"code": code, "message": message}


def _stamp(moment: _dt.datetime | None = None) -> str:
    """``moment`` (None: this machine's clock) as Amazon stamps what it keeps, in UTC;
    `ValueError` for one with no time in UTC (near ``datetime.min`` or ``max``, off UTC)."""
    try:
        utc = _dt.datetime.now(_dt.UTC) if moment is None else moment.astimezone(_dt.UTC)
    except OverflowError:
        raise ValueError(
            f"the fake's now, {moment!r} (its now= clock's, or the request's timestamp), has "
            "no time in UTC (out of datetime's range)"
        ) from None
    # (isoformat, not strftime("%Y"): that writes the year 999 as "999", no ISO 8601)
    return utc.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


JSON_TYPE: Final = "application/json"


@dataclass(frozen=True)
class _Raw:
    """An answer that is not the JSON of a value: the bytes sent as they are."""

    content: bytes
    content_type: str

    @property
    def shown(self) -> str:
        """What `ApiCall.answer` records of it: the start of a short one, else its size."""
        if len(self.content) <= 200:
            return self.content.decode("utf-8", "replace")
        return f"({len(self.content):,} bytes of {self.content_type})"


@dataclass(frozen=True)
class _Headed:
    """An answer sent with headers beside its content type: a throttle's ``Retry-After``, a
    405's ``Allow`` (lower-case names)."""

    body: Any
    headers: dict[str, str]


def _sent(answer: Any) -> tuple[bytes, str | None, Any]:
    """The body and content type of an answer (JSON, raw bytes, or nothing: None), and what
    `ApiCall.answer` records of it: for JSON, what the skill reads of it, in process and over
    HTTP alike (a struct's tuples, which ``msgspec.to_builtins`` keeps, lists), decoded from the
    body sent (the answer encoded once)."""
    if isinstance(answer, _Headed):
        answer = answer.body
    if isinstance(answer, _Raw):
        return answer.content, answer.content_type, answer.shown
    if answer is None:
        return b"", None, None
    content = msgspec.json.encode(answer)
    return content, JSON_TYPE, msgspec.json.decode(content)


def _headers(answer: Any) -> dict[str, str]:
    """The headers sent with an answer beside its content type (`_Headed`); none for any other."""
    return answer.headers if isinstance(answer, _Headed) else {}
