"""What an answer of Alexa's service APIs means: the value it carries, or the typed error its
status and Amazon's error body say (`read_answer`), and the wait a ``Retry-After`` asks
(`retry_seconds`). The call that gets the answer is `alexaskill.alexa_api.wire`'s."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Final, TypeVar

import msgspec

from ..exceptions import (
    AccessTokenError,
    AlexaApiError,
    DeviceNotSupported,
    PermissionRequired,
)
from ..shown_names import shown
from .values import decode_answer

T = TypeVar("T")

__all__ = ["error_of", "read_answer", "retry_seconds"]


class _Error(msgspec.Struct, kw_only=True):
    # Most APIs answer {"code", "message"}; the device address API and the List Management API
    # {"type", "message"}; the Monetization API {"message"} alone (ask-sdk-model's
    # services/monetization/error.py). The List Management API's 403 to GET /v2/householdlists/
    # is {"Message"}, capitalised: its ForbiddenError model (ask-sdk-model's
    # services/list_management/forbidden_error.py), seen live in alexa/alexa-skills-kit-sdk-
    # for-nodejs issue 683 (a 403 whose body was {Message: 'Request ...'}).
    code: Any = None
    type: Any = None
    message: Any = None
    capital_message: Any = msgspec.field(default=None, name="Message")


def error_of(content: bytes) -> tuple[str | None, str | None]:
    """Amazon's error code and message from an error body, read defensively (any body may come),
    each as an error's text says it: whole up to 120 characters, a longer one cut to its head
    and tail around "…" with its length (`alexaskill.shown_names.shown`)."""
    try:
        error = msgspec.json.decode(content, type=_Error)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):  # (nested too deeply)
        return None, None
    code = error.code if isinstance(error.code, str) else error.type
    code = shown(code) if isinstance(code, str) else None
    message = error.message if isinstance(error.message, str) else error.capital_message
    message = shown(message) if isinstance(message, str) else None
    return code, message


#: The codes of a 401 or 403 that blame the access token itself (expired, or no request's),
#: never the permission: `AccessTokenError`. Which status answers a permission not granted
#: differs by API (the statuses of ask-sdk-model's service clients, alexa/alexa-apis-for-python,
#: .../ask_sdk_model/services/):
#: - device address (``device_address``) and customer profile (``ups``): 403, "The
#:   authentication token is invalid or doesn't have access to the resource" (``ups``: "...
#:   does not have access to resource.", and its 401 "The authentication token is malformed
#:   or invalid.");
#: - List Management (``list_management``): 403, its model names no 401;
#: - Reminders (``reminder_management``): 401, "UserAuthenticationException. Request is not
#:   authorized/authenticated e.g. If customer does not have permission"; its 403 ("Forbidden",
#:   to a create only) is not named for a permission (`alexaskill.services.records`);
#: - Monetization (``monetization``): no permission is asked, and no 403 named; its 401 is "The
#:   authentication token is invalid or doesn't have access to make this request".
#: So `read_answer` takes a 403 for the permission, and a 401 only where the caller says
#: (``unauthorized_means_consent``: reminders); a consent card cannot mend a token. Only the
#: code Alexa's APIs are known to send for one is named: the Reminders API reference's table of
#: error codes could not be read (the docs, pages and code search of 5 December 2026 hold its
#: opening only), and a 403's message ("The authentication token is not valid.", the device
#: address API's) is its answer to a permission not granted too.
#: Looked for again on 6 December 2026 (docs, pages, code and issues search), for the Reminders
#: API: no source names another code of a token at fault, so none is added. ask-sdk-model
#: (alexa/alexa-apis-for-python, .../services/reminder_management/
#: reminder_management_service_client.py) names statuses and no codes (its ``Error`` has a
#: ``code``, "Domain specific error code"); Jovo's client (jovotech/jovo-framework,
#: platforms/platform-alexa/src/api/ReminderApi.ts) reads every 401 as no permission and names
#: ``DEVICE_NOT_SUPPORTED`` and ``ALERT_NOT_FOUND`` only; its v3 client
#: (jovo-platforms/jovo-platform-alexa/src/services/AlexaReminder.ts) reads the message
#: "Request Unauthorized." as no permission too. Unconfirmed for any Alexa API, and so read as
#: any other code: ``INVALID_BEARER_TOKEN``, ``TOKEN_EXPIRED``, ``USER_NOT_CONSENTED`` (a consent
#: fault would be `PermissionRequired` anyway, as every code but these is).
#: Looked for once more on 6 December 2026 (docs, issues and pages search), for the Reminders
#: reference's table of errors: its "Error messages" section is held by no corpus (the copies
#: of .../docs/smapi/alexa-reminders-api-reference.html end after their opening), and no page or
#: thread names ``INVALID_TOKEN``, a 409 on update or a limit of a skill's reminders, so nothing
#: is added. Found: a 401 to a GET of a user's reminders carried the model's words as its message
#: (alexa/alexa-cookbook issue 282: the permission not granted), as read here; Amazon's model
#: names a create's 403 "Forbidden" only, and its reference takes a create or update only from
#: the skill (not an out-of-session LWA token), so a Reminders 403 of no code is the
#: permission's only while the request does not say it is granted
#: (`alexaskill.services.records`: ``_CREATED_OUTSIDE_A_SESSION``).
_TOKEN_FAULTS: Final = frozenset({"INVALID_TOKEN"})


def read_answer(
    operation: str,
    status: int,
    content: bytes,
    into: type[T] | None,
    *,
    scope: str | None = None,
    unauthorized_means_consent: bool = False,
    retry_after: str | None = None,
) -> Any:
    """What an answer means: the decoded value (True when ``into`` is None), None for 204.

    A 4xx coded ``DEVICE_NOT_SUPPORTED`` raises `DeviceNotSupported`. A 401 or 403 whose code
    says the token itself is at fault (`_TOKEN_FAULTS`), and a 401
    unless ``unauthorized_means_consent``, raise `AccessTokenError`; any other 403 (and 401 if
    ``unauthorized_means_consent``) raises `PermissionRequired` for ``scope``; anything else
    raises `AlexaApiError` (with the ``status``, and for a 429 or a 5xx the seconds of the
    ``retry_after`` header given).
    """
    if status == 204:
        return None
    if 200 <= status < 300:
        if into is None:
            return True
        try:
            return decode_answer(content, into)  # (a null member is as if left out)
        except msgspec.ValidationError as exc:  # (JSON, with a field of another kind)
            said = _kind_said(content, into) or str(exc)
            whole = said.startswith("the answer ")
            what = "Alexa's answer" if whole else "a field of Alexa's answer"
            failed = f"{operation}: {what} is of the wrong kind: {said}"
            raise AlexaApiError(failed, operation=operation, status=status) from None
        except msgspec.DecodeError as exc:  # (no JSON at all: a proxy's page, a cut answer)
            failed = f"{operation}: Alexa's answer does not decode: {exc}"
            raise AlexaApiError(failed, operation=operation, status=status) from None
    code, message = error_of(content)
    detail = ", ".join(part for part in (code, message) if part)
    said = f" ({detail})" if detail else ""
    if code == "DEVICE_NOT_SUPPORTED" and 400 <= status < 500:  # (its sources: at the class)
        raise DeviceNotSupported(
            f"{operation}: HTTP {status}, the request's device does not support this call (a "
            f"device that cannot hold reminders, for a reminder){said}",
            operation=operation,
            status=status,
            code=code,
        )
    token_fault = status in (401, 403) and code in _TOKEN_FAULTS
    if token_fault or (status == 401 and not unauthorized_means_consent):
        raise AccessTokenError(
            f"{operation}: HTTP {status}, Alexa refused the request's access token (expired, "
            f"or not this request's): a consent card cannot mend it{said}",
            operation=operation,
            status=status,
            code=code,
        )
    if scope is not None and status in (401, 403):  # (401: `unauthorized_means_consent`)
        raise PermissionRequired(
            scope, operation=operation, status=status, code=code, detail=detail or None
        )
    reason = {
        401: "the access token is invalid or expired",
        403: "the access token does not allow this call",
        404: "not found",
        429: "throttled by Amazon (too many requests)",
    }.get(status, "server error" if status >= 500 else "refused")
    if 300 <= status < 400:
        # Never followed (`read`): the token goes to the request's apiEndpoint and nowhere else.
        reason = "a redirect, not followed (the token goes to the request's apiEndpoint only)"
    wait = retry_seconds(retry_after) if status == 429 or status >= 500 else None
    if wait is not None:
        reason += f"; retry after {wait:.0f} s"
    raise AlexaApiError(
        f"{operation}: HTTP {status}, {reason}{said}",
        operation=operation,
        status=status,
        code=code,
        retry_after=wait,
    )


def _kind_said(content: bytes, into: type[Any]) -> str | None:
    """A field of the wrong kind in the answer ``content``, which ``into`` refused: named, and
    what it takes, in alexaskill's words (`alexaskill.alexa_api.kinds`), not msgspec's."""
    from .kinds import kind_fault
    from .values import _answer_value

    return kind_fault(_answer_value(content, into), into, root="the answer")


def retry_seconds(value: str | None, now: _dt.datetime | None = None) -> float | None:
    """The seconds a ``Retry-After`` header asks to wait (RFC 9110: whole seconds, or an HTTP
    date, 0 once past), or None for no header, one that is neither, or a wait of more than a
    day (an infinity, ``99999999999999999999``, a date in the year 9999, a year or an hour
    past any date): no handler should wait that long, and ``asyncio.sleep`` must never be
    handed it."""
    a_day = 86_400.0
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        seconds = float(value)  # 400 digits: an infinity
        return seconds if seconds <= a_day else None
    import email.utils

    try:
        when = email.utils.parsedate_to_datetime(value)
        if when.tzinfo is None:  # "-0000": UTC, as HTTP dates are
            when = when.replace(tzinfo=_dt.UTC)
        seconds = (when - (now or _dt.datetime.now(_dt.UTC))).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):  # a year past any datetime
        return None
    return max(0.0, seconds) if seconds <= a_day else None
