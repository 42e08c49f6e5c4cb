"""The request line's values, from the envelope: its message's arguments and its JSON fields.

`alexaskill.logs.log_request` makes each request line of them, plain or JSON (the JSON line at
once, `json_line`); only what the formatter prints is worked out (the plain line has neither the
fields nor the user's hash).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from .log_format import REQUEST_FIELDS, REQUEST_LOGGER, JsonRequestLine, json_request_line
from .log_times import utc_stamp
from .log_values import MAX_VALUE, bounded, cut, user_hash

if TYPE_CHECKING:
    from .models import Envelope

__all__ = ["json_line", "line_args", "line_field_values", "line_fields", "line_message"]


def line_args(
    envelope: Envelope | None,
    outcome: str,
    status: int | None,
    handler_ms: float | None,
    verify_ms: float | None,
) -> tuple[str, ...]:
    """The arguments of the plain request line (``alexaskill.logs._REQUEST_LINE``): the values
    from the request escaped, as the fields are not (a newline in requestId would forge a line;
    JSON encodes the fields' own)."""
    # Inlined: no call to escape a printable value or to format a time (a call is ~300
    # instructions; these were 2,600 of a plain line's 35,500).
    # logs13: the status's text from `json_line`'s table, not an f-string at each line: ~900
    # instructions a plain line less (28,954 -> 28,066, benchmarks/bench_request_line.py
    # --instructions), the same text. The saving is the table's: ``_STATUS_TEXTS.get(status)``
    # makes no bound method on 3.11 either (``dis``: LOAD_METHOD, then the call; only a name
    # bound by an import gets LOAD_ATTR, see `alexaskill.log_times`), and the alias saves
    # only that one instruction (perf19 measured nothing in `json_line`).
    status_text = "" if status is None else _status_text(status) or f" ({status})"
    # "%.1fms" % x, not f"{x:.1f}ms" (ruff's UP031): the same text, PyOS_double_to_string's
    # either way, without the format spec's parse and __format__'s call: 360 instructions a
    # time less (benchmarks/README.md, "The request line, ninth session").
    handler = "-" if handler_ms is None else "%.1fms" % handler_ms  # noqa: UP031
    verify = "-" if verify_ms is None else "%.1fms" % verify_ms  # noqa: UP031
    if envelope is None:
        return ("-", "", outcome, status_text, handler, verify, "-")
    request = envelope.request
    request_type = request.type
    found = getattr(request, "intent", None)  # Envelope.intent, without the property's call
    intent = found.name if found is not None else None
    request_id = request.request_id
    # Short, printable, no space, quote or backslash (Alexa's values, all of them): each is
    # written as it is; otherwise `bounded`, quoted where needed, so that no value can pass for
    # the rest of the line (an intent name "GetWeather -> ok (200)"). One test of the three
    # values together: 450 instructions a line more than the isprintable() of each alone
    # before; the four tests of each value, 2,000 (benchmarks/bench_request_line.py).
    together = f"{request_type}{intent}{request_id}"  # (None: "None", as clean)
    if (
        len(together) <= MAX_VALUE  # longer, a value is cut (`bounded`): Alexa's are far shorter
        and together.isprintable()
        and " " not in together
        and '"' not in together
        and "\\" not in together
    ):
        return (
            request_type or "-",
            f" {intent}" if intent else "",
            outcome,
            status_text,
            handler,
            verify,
            request_id or "-",
        )
    return (
        bounded(request_type) if request_type else "-",
        f" {bounded(intent)}" if intent else "",
        outcome,
        status_text,
        handler,
        verify,
        bounded(request_id) if request_id else "-",
    )


def json_line(
    now_ns: int,
    envelope: Envelope | None,
    outcome: str,
    status: int | None,
    handler_ms: float | None,
    verify_ms: float | None,
) -> str:
    """The JSON request line at ``now_ns`` (`time.time_ns()`): what `JsonFormatter` makes of its
    record, made at once."""
    # One function and one read of the envelope for the message and the fields, not
    # `line_args`'s tuple, `line_message`'s call, `line_field_values`' second read and tuple
    # and the formatter's method: ~3,700 instructions a line less, 0.5% of a def-json request
    # (benchmarks/README.md, "The request line in fewer calls (perf17)"). The values and their
    # checks are those functions'; tests/test_log_fields.py holds the texts the same.
    time = f"{utc_stamp(now_ns)}Z"
    handler = None if handler_ms is None else round(handler_ms * 100) / 100
    verify = None if verify_ms is None else round(verify_ms * 100) / 100
    # perf18 (benchmarks/README.md, "The JSON request line (perf18)"): both times in one "%"
    # when both are known (an answered request), the status's text from a table, and the cut
    # of type, intent and id skipped where their clean test has bounded them: ~2,400
    # instructions a line less, the same text.
    if handler_ms is not None and verify_ms is not None:
        times = "handler=%.1fms verify=%.1fms" % (handler_ms, verify_ms)  # noqa: UP031
    else:
        handler_text = "-" if handler_ms is None else "%.1fms" % handler_ms  # noqa: UP031
        verify_text = "-" if verify_ms is None else "%.1fms" % verify_ms  # noqa: UP031
        times = f"handler={handler_text} verify={verify_text}"
    status_text = "" if status is None else _STATUS_TEXTS.get(status) or f" ({status})"
    if envelope is None:
        message = f"- -> {outcome}{status_text} {times} id=-"
        return json_request_line(
            JsonRequestLine(
                time, "INFO", REQUEST_LOGGER, message,
                None, None, None, None, outcome, status, handler, verify, None,
            )
        )  # fmt: skip
    request = envelope.request
    type_ = request.type
    found = getattr(request, "intent", None)
    intent = found.name if found is not None else None
    request_id = request.request_id
    locale = request.locale
    together = f"{type_}{intent}{request_id}"
    if (
        len(together) <= MAX_VALUE
        and together.isprintable()
        and " " not in together
        and '"' not in together
        and "\\" not in together
    ):
        message = (
            f"{type_ or '-'}{f' {intent}' if intent else ''} -> {outcome}{status_text} "
            f"{times} id={request_id or '-'}"
        )
        return json_request_line(
            JsonRequestLine(
                time, "INFO", REQUEST_LOGGER, message, request_id or None, type_, intent,
                locale if locale is None or len(locale) <= MAX_VALUE else cut(locale),
                outcome, status, handler, verify, _user(envelope),
            )
        )  # fmt: skip
    message = line_message(*line_args(envelope, outcome, status, handler_ms, verify_ms))
    id = request_id or None
    return json_request_line(
        JsonRequestLine(
            time, "INFO", REQUEST_LOGGER, message,
            id if id is None or len(id) <= MAX_VALUE else cut(id),
            type_ if type_ is None or len(type_) <= MAX_VALUE else cut(type_),
            intent if intent is None or len(intent) <= MAX_VALUE else cut(intent),
            locale if locale is None or len(locale) <= MAX_VALUE else cut(locale),
            outcome, status, handler, verify, _user(envelope),
        )
    )  # fmt: skip


#: The status's text in the line's message, for the statuses alexaskill answers with.
_STATUS_TEXTS: Final = {status: f" ({status})" for status in (200, 400, 405, 408, 413, 500, 503)}
_status_text: Final = _STATUS_TEXTS.get


def line_message(
    request_type: str, intent: str, outcome: str, status: str, handler: str, verify: str, id: str
) -> str:
    """``_REQUEST_LINE % args`` (`alexaskill.logs`), as an f-string: a third of the instructions
    of ``%``."""
    return f"{request_type}{intent} -> {outcome}{status} handler={handler} verify={verify} id={id}"


def line_fields(
    envelope: Envelope | None,
    outcome: str,
    status: int | None,
    handler_ms: float | None,
    verify_ms: float | None,
) -> dict[str, Any]:
    """The request line's fields (the ``extra`` of its record, the keys of its JSON)."""
    values = line_field_values(envelope, outcome, status, handler_ms, verify_ms)
    return dict(zip(REQUEST_FIELDS, values, strict=True))


def line_field_values(
    envelope: Envelope | None,
    outcome: str,
    status: int | None,
    handler_ms: float | None,
    verify_ms: float | None,
) -> tuple[Any, ...]:
    """The values of `line_fields`, in the order of `REQUEST_FIELDS`."""
    # round(x * 100) / 100, not round(x, 2): the same two decimals for a time, for a fraction
    # of the cost (round with digits goes through a decimal conversion).
    handler = None if handler_ms is None else round(handler_ms * 100) / 100
    verify = None if verify_ms is None else round(verify_ms * 100) / 100
    if envelope is None:
        return (None, None, None, None, outcome, status, handler, verify, None)
    request = envelope.request
    found = getattr(request, "intent", None)  # Envelope.intent, without the property's call
    # Cut to MAX_VALUE characters (`bounded`); JSON escapes the rest of what `printable` would.
    id, type_, locale = request.request_id or None, request.type, request.locale
    intent = found.name if found is not None else None
    return (
        id if id is None or len(id) <= MAX_VALUE else cut(id),
        type_ if type_ is None or len(type_) <= MAX_VALUE else cut(type_),
        intent if intent is None or len(intent) <= MAX_VALUE else cut(intent),
        locale if locale is None or len(locale) <= MAX_VALUE else cut(locale),
        outcome,
        status,
        handler,
        verify,
        _user(envelope),
    )


def _user(envelope: Envelope) -> str | None:
    context = envelope.context
    system = None if context is None else context.system
    user = None if system is None else system.user
    if (user is None or not user.user_id) and envelope.session is not None:
        user = envelope.session.user
    if user is None or not user.user_id:
        return None
    return user_hash(user.user_id)
