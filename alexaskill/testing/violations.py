"""Rule violations the app logged while answering one request, collected for the test client.

The app does not raise a `RuleViolation`: it answers Alexa without the offending part and logs
the violation at ERROR, the record carrying it as ``record.rule_violation``. The test client
listens to the ``alexaskill`` logger for the length of each request and puts what it heard on
the result (`SkillResponse.violations`), so that a test can fail on it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import msgspec

from ..exceptions import RuleViolation

__all__ = ["recording_violations", "request_id_of"]


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.found: list[RuleViolation] = []

    def emit(self, record: logging.LogRecord) -> None:
        violation = getattr(record, "rule_violation", None)
        if isinstance(violation, RuleViolation):
            self.found.append(violation)


@contextlib.contextmanager
def recording_violations() -> Iterator[list[RuleViolation]]:
    """Collect the `RuleViolation` records the ``alexaskill`` logger emits inside the block."""
    recorder = _Recorder()
    logger = logging.getLogger("alexaskill")
    logger.addHandler(recorder)
    try:
        yield recorder.found
    finally:
        logger.removeHandler(recorder)


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
