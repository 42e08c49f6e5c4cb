"""Rule violations the app reported while answering one request, collected for the test client.

The app does not raise a `RuleViolation`: it answers Alexa without the offending part and logs
the violation at ERROR (at WARNING when the part went out for the device to ignore), the
record carrying it as ``record.rule_violation``. Directives dropped because the device lacks
their interface are logged with ``record.unsupported_directives`` (`alexaskill.rules.DeviceDrop`).
The test client does not read the log, which a test, a conftest or the skill may have quietened
or disabled: for the length of each request it installs a collector the rule checks hand the
same values to (`alexaskill.rules.reporting_to`, a context variable), and puts what it heard on
the result (`SkillResponse.violations`, `SkillResponse.unsupported`), so that a test can fail
on it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import msgspec

from ..exceptions import ResponseError, RuleViolation
from ..rules import DeviceDrop, reporting_to
from ..shown_names import shown_value
from ..ssml import PROBLEM_WITH_RESPONSE

if TYPE_CHECKING:
    from .alexa_api import ApiCall

__all__ = [
    "Heard",
    "failure_to_raise",
    "late_progressive_error",
    "recording_violations",
    "request_id_of",
]


class Heard(list[RuleViolation]):
    """The `RuleViolation`s heard (the list), and the `DeviceDrop`s (``drops``)."""

    def __init__(self) -> None:
        super().__init__()
        self.drops: list[DeviceDrop] = []

    def unsupported(self, request_id: str) -> tuple[str, ...]:
        """The directives dropped for the device from the answer to ``request_id`` ("": any)."""
        return tuple(
            type_
            for drop in self.drops
            if not request_id or drop.request_id == request_id
            for type_ in drop.directives
        )

    def hear(self, found: RuleViolation | DeviceDrop) -> None:
        """Keep what the rule checks reported (`alexaskill.rules.reporting_to`'s listener)."""
        if isinstance(found, DeviceDrop):
            self.drops.append(found)
        else:
            self.append(found)


@contextlib.contextmanager
def recording_violations() -> Iterator[Heard]:
    """Collect the `RuleViolation` values the app's rule checks report inside the block (and,
    in ``.drops``, the directives dropped for the device), whatever the logging does."""
    heard = Heard()
    with reporting_to(heard.hear):
        yield heard


class _Request(msgspec.Struct, rename="camel"):
    request_id: str = ""


class _Head(msgspec.Struct):
    request: _Request | None = None


def request_id_of(body: bytes) -> str:
    """``request.requestId`` of a request body, or "" if it has none (or is no JSON object)."""
    try:
        request = msgspec.json.decode(body, type=_Head).request
    except (msgspec.DecodeError, UnicodeError, RecursionError):
        return ""
    return "" if request is None else request.request_id


_NOTED = "(raised by alexaskill's TestClient"


def failure_to_raise(
    error: Exception | None, violations: Sequence[RuleViolation], refusal: str | None
) -> Exception | None:
    """What the test client raises for one answer, noted as raised by it (once: an instance
    raised again keeps its one note): the handler's ``error``, else the first of the
    ``violations`` (the others, and a ``refusal``, in a note), else Alexa's ``refusal``; None
    if none."""
    if error is not None:
        raised: Exception = error
        hears = "the apology"
    elif violations:
        raised = violations[0]
        if violations[0].kept:
            hears = f"the reply as it is ({violations[0].fate})"
        else:
            hears = "the reply without the dropped part"
    elif refusal is not None:
        raised = ResponseError(f"Alexa would refuse this answer: {refusal}")
        hears = f'"{PROBLEM_WITH_RESPONSE}"'
    else:
        return None
    if any(note.startswith(_NOTED) for note in getattr(raised, "__notes__", ())):
        return raised  # (an instance raised again: noted once, not once per request)
    # What the test's failure would not say otherwise: only the first is raised.
    others = [str(each) for each in violations if each is not raised]
    if others:
        more = f"{len(others)} more rule violation{'s' if len(others) > 1 else ''}"
        raised.add_note(f"{more} in this answer: " + "; ".join(others))
    if refusal is not None and raised is not error and violations:
        raised.add_note(f"and Alexa would refuse this answer: {refusal}")
    raised.add_note(
        f"{_NOTED}, although Alexa would hear {hears}; "
        "TestClient(raise_handler_errors=False) returns the answer instead, with "
        "the exception as .handler_error, the dropped parts as .violations and why "
        "Alexa would refuse it as .refusal)"
    )
    return raised


def late_progressive_error(late: Sequence[ApiCall], when: str) -> ResponseError:
    """What the test client raises ``when`` it finds the progressive responses ``late`` that
    Alexa refused because their request was answered already: the user heard none of them."""
    from .api_calls import _request_said

    said = "; ".join(
        f"{shown_value(call.speech)} for {_request_said(call.request_id)}" for call in late
    )
    error = ResponseError(
        f"progressive response sent after the skill had answered: {said}. Alexa refuses it "
        "(403, Unrecognized requestId) and the user hears nothing of it: await "
        "api.progressive(...) in the handler, before it returns"
    )
    error.add_note(
        f"(raised by alexaskill's TestClient {when}; "
        "TestClient(raise_handler_errors=False) leaves it in client.api.late_progressive)"
    )
    return error
