"""The faults a test makes `FakeAlexaApi` answer with (``faults``): checked as they are given
(`_check_faults`), and answered (`_fault_answer`) as production may fail, an HTTP error status
with Amazon's error body, a ``Retry-After``, no answer in time, a body that is no JSON or too
big."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Final, cast

from ..alexa_api import MAX_ANSWER_BYTES
from ..shown_names import shown_json
from .api_calls import JSON_TYPE, _error, _Headed, _Raw

__all__: list[str] = []

#: What ``faults`` may map an operation to, besides an HTTP status: no answer in time.
TIMEOUT: Final = "timeout"

#: The faults `FakeAlexaApi` makes besides an HTTP error status (400 to 599): no answer in time,
#: a 200 whose body is not JSON (a proxy's HTML page), a 200 past `MAX_ANSWER_BYTES`.
FAULT_KINDS: Final = (TIMEOUT, "not-json", "oversized")


def _is_status(fault: object, low: int = 400) -> bool:
    return isinstance(fault, int) and not isinstance(fault, bool) and low <= fault < 600


def _with_retry_after(fault: object) -> tuple[int, str] | None:
    """A ``(status, retry_after)`` fault (a list, from JSON) as the status and the header's
    text: a 429 or a 5xx, and whole seconds (an int, 0 or more) or a header value as sent (an
    HTTP date, or anything else of printable ASCII, to test a header that does not parse).
    None for anything else."""
    if not isinstance(fault, tuple | list) or len(fault) != 2:
        return None
    status, wait = fault
    if not (_is_status(status, 500) or status == 429):
        return None
    if isinstance(wait, int) and not isinstance(wait, bool) and wait >= 0:
        return status, str(wait)
    if isinstance(wait, str) and wait.strip() and wait.isascii() and wait.isprintable():
        return status, wait
    return None


#: The keys of a fault given as a mapping (`_coded`); ``status`` is required.
_CODED_KEYS: Final = ("status", "code", "message", "retry_after")


def _coded(fault: object) -> tuple[int, str, str | None, str | None] | None:
    """A fault given as a mapping, ``{"status": 400, "code": "MAX_REMINDERS_EXCEEDED",
    "message": …, "retry_after": 2}``, as its status, the code and message of its error body
    (``FAULT`` and None, the fake's message, when left out) and its ``Retry-After`` (None: none;
    only with a 429 or a 5xx, read as in ``(429, 2)``); None for anything else: another form,
    a key of none of `_CODED_KEYS` (dropped, a typo would pass unseen), a status that is no
    error, a code that is no non-empty printable ASCII word, a message no str."""
    if not isinstance(fault, Mapping) or not set(fault) <= set(_CODED_KEYS):
        return None
    status, code = fault.get("status"), fault.get("code", "FAULT")
    message, wait = fault.get("message"), fault.get("retry_after")
    if not _is_status(status) or not isinstance(code, str):
        return None
    if not code or not code.isascii() or not code.isprintable() or code.strip() != code:
        return None
    if (message is not None or "message" in fault) and not isinstance(message, str):
        return None
    retry_after = None
    if "retry_after" in fault:
        timed = _with_retry_after((status, wait))
        if timed is None:
            return None
        retry_after = timed[1]
    return cast("int", status), code, message, retry_after


def _check_faults(faults: object, operations: Collection[str]) -> None:
    """`ValueError` unless ``faults`` maps operations the fake serves to faults it can make."""
    if not isinstance(faults, Mapping):
        raise ValueError(f"faults is {shown_json(faults)}: a mapping of operation to fault")
    for operation, fault in faults.items():
        if operation not in operations:
            raise ValueError(
                f"faults names {shown_json(operation)}, which is no operation of the fake (an "
                f"AlexaApi method: {', '.join(sorted(operations))})"
            )
        if _is_status(fault) or _with_retry_after(fault) is not None or _coded(fault):
            continue
        if not isinstance(fault, tuple | list) and fault in FAULT_KINDS:
            continue
        raise ValueError(
            f"faults gives {shown_json(operation)} the fault {shown_json(fault)}: an HTTP "
            f"error status (400 to 599), a 429 or 5xx with its Retry-After ((429, 2): 2 "
            f"seconds; or a header value as sent), a mapping of a status and the error's code "
            f"and message ({{'status': 400, 'code': 'MAX_REMINDERS_EXCEEDED', 'message': '…'}}; "
            f"a retry_after too, for a 429 or 5xx) or one of {', '.join(map(repr, FAULT_KINDS))}"
        )


def _fault_answer(operation: str, fault: object) -> tuple[int, Any]:
    """The answer of the ``fault`` `FakeAlexaApi.faults` gives ``operation`` (checked: one of
    `_check_faults`'): status 0 for no answer in time."""
    if fault == TIMEOUT:
        return 0, None
    if fault == "not-json":  # what a proxy in the way may answer
        return 200, _Raw(b"<html><body>Bad Gateway</body></html>", "text/html")
    if fault == "oversized":
        return 200, _Raw(b'"' + b"x" * MAX_ANSWER_BYTES + b'"', JSON_TYPE)
    said = f"fault injected for {operation}"
    if (coded := _coded(fault)) is not None:  # (the test's code and message)
        status, code, message, retry_after = coded
        error = _error(status, code, said if message is None else message)
        if retry_after is None:
            return error
        return status, _Headed(error[1], {"retry-after": retry_after})
    if (throttled := _with_retry_after(fault)) is not None:
        body = _error(throttled[0], "FAULT", said)[1]
        return throttled[0], _Headed(body, {"retry-after": throttled[1]})
    return _error(cast("int", fault), "FAULT", said)
