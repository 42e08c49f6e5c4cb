"""One call to `FakeAlexaApi`: what the skill asked, what the fake answered (`ApiCall`), and the
error bodies and reminder rules the fake answers with, as Amazon documents them."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..hearing import spoken_text

__all__ = ["ApiCall"]


@dataclass(frozen=True)
class ApiCall:
    """One call the skill made: what it asked and what the fake answered."""

    #: The `AlexaApi` method it serves (``"given_name"``); None for a path Alexa does not have.
    operation: str | None
    method: str
    path: str
    #: The query parameters, by name.
    query: dict[str, str]
    #: The JSON body sent, or None.
    body: Any
    status: int
    #: The JSON answered, or None (204, say).
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
            f"a progressive response sent after the skill had answered request "
            f"{self.request_id}: {self.speech!r} was refused (HTTP {self.status}, Unrecognized "
            "requestId), as Alexa refuses it, and the user heard nothing of it: await "
            "api.progressive(...) in the handler, before it returns"
        )


_Answer = tuple[int, Any]


@dataclass(frozen=True)
class _Asked:
    match: re.Match[str]
    query: dict[str, str]
    headers: Mapping[str, str]
    body: Any


def _error(status: int, code: str, message: str) -> _Answer:
    return status, {"code": code, "message": message}


def _stamp() -> str:
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _reminder_problem(body: Any) -> tuple[str, str] | None:
    """Amazon's 400 code and a message for a reminder body it would refuse, else None."""
    if not isinstance(body, dict) or not isinstance(body.get("requestTime"), str):
        return "INVALID_REQUEST_TIME", "requestTime is required"
    trigger = body.get("trigger")
    if not isinstance(trigger, dict):
        return "INVALID_TRIGGER", "trigger is required"
    kind = trigger.get("type")
    if kind == "SCHEDULED_RELATIVE":
        offset = trigger.get("offsetInSeconds")
        if not isinstance(offset, int) or offset <= 0:
            return "INVALID_TRIGGER", "offsetInSeconds must be a positive integer"
    elif kind == "SCHEDULED_ABSOLUTE":
        if not isinstance(trigger.get("scheduledTime"), str):
            return "INVALID_TRIGGER", "scheduledTime is required"
    else:
        return "INVALID_TRIGGER", f"unknown trigger type {kind!r}"
    info = body.get("alertInfo")
    spoken = info.get("spokenInfo") if isinstance(info, dict) else None
    content = spoken.get("content") if isinstance(spoken, dict) else None
    if not isinstance(content, list) or not content:
        return "INVALID_ALERT_INFO", "alertInfo.spokenInfo.content is required"
    for entry in content:
        if not isinstance(entry, dict) or not entry.get("locale") or not entry.get("text"):
            return "INVALID_ALERT_INFO", "each content entry needs a locale and text"
    return None
