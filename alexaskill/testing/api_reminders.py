"""`FakeAlexaApi`'s reminders: the operations of Amazon's Reminders API on the reminders a test
gives (``reminders``, checked where given: `api_given`) and those the skill creates, judged
(`_reminder_problem`) and stamped at the fake's now (`AccessCheck._moment`).

The statuses are those Amazon's model of the API names (ask-sdk-model's
``ReminderManagementServiceClient``: 400 and 403 for a create, 401 for a get or a delete, 400
and 404 for an update of no such reminder): a reminder refused (created or updated) is a 400,
the reminders scope not granted a 403 on create and a 401 otherwise (that model names no
status for it on update: the get's), a get, an update or a delete of no such reminder a 404
coded ``ALERT_NOT_FOUND`` (`_no_such_reminder`; `AlexaApi.get_reminder` and the others read any
404 as no such reminder, whatever its code). The ``code`` of a 400 is
the fake's choice: the Reminders API reference has an "Error messages" section, but its table
could not be read (the docs and pages search of 6 December 2026 hold the page's opening only,
https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-reminders-api-reference.html), and
ask-sdk-model names no codes. The fake answers ``INVALID_REQUEST_TIME`` for a ``requestTime``,
``INVALID_TRIGGER`` for anything of the trigger (its kinds, its times, its recurrence),
``INVALID_ALERT_INFO`` for what it says, ``INVALID_REQUEST`` for anything else (a
``pushNotification``): a test may read them, but not as Amazon's (users report others,
``INVALID_TRIGGER_SCHEDULED_TIME_FORMAT`` among them:
`alexaskill.testing.api_reminder_rules`). A scope not granted is Amazon's message alone
(`_NOT_GRANTED`), no code.

The other statuses that model names (429 "RateExceededException" for every operation, 500;
503 and 504 for a create; 409 for an update) come from ``faults``
(``{"create_reminder": (429, 2)}``), with the code ``FAULT``, or the code and message a test
gives (``{"create_reminder": {"status": 400, "code": "MAX_REMINDERS_EXCEEDED"}}``); the fake
makes none of them of itself, as no source says when Amazon sends them or with what code
(looked for in the docs, pages, code and issues search of 6 December 2026):

- 409 on update: ask-sdk-model lists it, but describes it with its 401's words
  ("UserAuthenticationException. Request is not authorized/authenticated e.g. If customer does
  not have permission to create a reminder"), so what it means is unconfirmed; the client reads
  it as any other refusal, an `AlexaApiError` with ``status`` 409.
- A limit of reminders: none is documented for a skill's reminders. Amazon's Smart Properties
  Reminders API (``/v2/alerts/reminders``, another API) says "You can create up to 250
  reminders per endpoint" and names no error for it; no page or model names
  ``MAX_REMINDERS_EXCEEDED`` for either.

Searched once more on 6 December 2026 (docs, issues, pages): nothing new on either; the fake's
403 for a create by a user who has not granted the scope is its choice among the create's
statuses (the model words that case at the 401 of a get or delete, as alexa/alexa-cookbook
issue 282 saw it).

A create made for a request outside a session (the request whose ``apiAccessToken`` the call
carries: `AccessCheck._sender`) is refused with a 403 and no code (`_session_refused`), after the
scope is checked and before the device: Amazon creates a reminder only while the user uses the
skill. An update is taken outside one.

A device without reminders (``reminders_supported=False``) has a create refused with a 403
coded ``DEVICE_NOT_SUPPORTED`` (`_device_refused`), after the scope is checked (the order is the
fake's choice); its reads, updates and deletes are answered as ever (the user's reminders are
kept for the user, not the device). The code is the one Jovo's Alexa client and others read
(sources at `alexaskill.exceptions.DeviceNotSupported`); the status, a create's 403, is the
one Amazon's reminders sample reads as "this device doesn't support reminders", though no
source pairs the two; the message is the fake's.

`AlexaApiError.code` carries whatever code is sent."""

from __future__ import annotations

import datetime as _dt
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import unquote

import msgspec

from ..alexa_api import Reminder, Scope
from .api_access import _KEPT
from .api_calls import _Answer, _Asked, _error, _stamp
from .api_given import _given
from .api_reminder_rules import _reminder_problem

__all__ = ["Reminders"]

#: The code of a 404 for a reminder Amazon does not know. Amazon's reference names its error
#: codes in a table that could not be read (the docs, pages and code search of 6 December 2026
#: hold the page's opening only), and ask-sdk-model names the 404 of an update
#: ("NotFoundException", reminder not found) but no code. ``ALERT_NOT_FOUND`` is
#: the code Jovo's Alexa client reads from the Reminders API (jovotech/jovo-framework,
#: platforms/platform-alexa/src/api/ReminderApi.ts, ``handleReminderApiErrors``, and the
#: ``AlexaApiErrorCode`` enum in AlexaApi.ts), and the one a user reports with a 404 for a
#: delete of a reminder that had rung (https://qiita.com/Mount/items/8856c5ad6a2fbd8394d1);
#: the fake answered ``NOT_FOUND``, a code of its own, before.
_REMINDER_NOT_FOUND: Final = "ALERT_NOT_FOUND"
#: Amazon's answer to a reminders call the user has not granted: the message Jovo's v3 Alexa
#: client reads from every reminders operation as the permission not granted
#: (jovotech/jovo-framework, jovo-platforms/jovo-platform-alexa/src/services/AlexaReminder.ts).
#: No code: the model's (ask-sdk-model's reminder_management/error.py, "Domain specific error
#: code") is named for this refusal by no source (docs and code search of 6 December 2026), and
#: the fake's own ``UNAUTHORIZED`` was taken for Amazon's. Exactly these words, no reason of the
#: fake's added, as a client compares them whole.
_NOT_GRANTED: Final = "Request Unauthorized."


def _no_such_reminder() -> _Answer:
    return _error(404, _REMINDER_NOT_FOUND, "no such reminder")


class Reminders:
    """The reminders part of `FakeAlexaApi` (a base class of it)."""

    reminders: list[Reminder]  # (given as mappings too: `_KeptList`)
    reminders_supported: bool
    time_zone: str | None
    granted: Callable[[str], bool]  # (`ListsAndProducts`')
    _lock: threading.Lock
    _moment: Callable[[Mapping[str, str]], _dt.datetime]  # (`AccessCheck`'s)
    _outside_a_session: Callable[[Mapping[str, str]], bool]  # (`AccessCheck`'s)
    _caller: Callable[[Mapping[str, str]], tuple[str, str | None]]  # (`AccessCheck`'s)

    def _reminders_refused(self, status: int) -> _Answer | None:
        if self.granted(Scope.REMINDERS):
            return None
        return status, {"message": _NOT_GRANTED}

    def _session_refused(self, headers: Mapping[str, str]) -> _Answer | None:
        """Amazon's refusal of a create made for a request outside a session: "you can only
        create and update a reminder from your skill" (Amazon's Reminders API reference) and
        "reminders can only be created while using skill" (an Amazon forum article), read in
        `alexaskill.alexa_api.answers` and `alexaskill.services.records`
        (``_CREATED_OUTSIDE_A_SESSION``) as a 403 with no code: the create's 403 of
        ask-sdk-model's ``ReminderManagementServiceClient`` ("Forbidden"), whose ``Error``
        model's ``code`` no source names for it, so the message alone is sent."""
        if not self._outside_a_session(headers):
            return None
        said = (
            "Forbidden: a reminder is created only while the user uses the skill, and this "
            "request is outside a session"
        )
        return 403, {"message": said}

    def _device_refused(self) -> _Answer | None:
        if self.reminders_supported:
            return None
        return _error(403, "DEVICE_NOT_SUPPORTED", "this device does not support reminders")

    def _zone_call_answered(self, headers: Mapping[str, str], status: int, answer: Any) -> None:
        """Note what the time_zone call of the request that made it (`_caller`: not its token
        alone, which several requests may carry) got: the zone answered (``status`` 200), else
        None (none set, or the call failed: a fault, an access refused), as the skill's
        `AlexaApi` reads it (`_known_zone`)."""
        known = answer if status == 200 and isinstance(answer, str) else None
        caller = self._caller(headers)  # (before the lock, which it takes)
        with self._lock:
            kept: dict[tuple[str, str | None], str | None]
            kept = self.__dict__.setdefault("_zones_answered", {})
            kept.pop(caller, None)  # (the last call of the request's is what it knows)
            kept[caller] = known
            if len(kept) > _KEPT:  # (a `serve --dev` runs for days: the most recent)
                del kept[next(iter(kept))]

    def _known_zone(self, headers: Mapping[str, str]) -> str | None:
        """The device's zone as the skill can know it, to read a local ``scheduledTime`` in
        (no ``timeZoneId``): what the last time_zone call of the request that made the call
        with ``headers`` (`_caller`) got (none, if it failed: ``faults`` hits the call it
        names, and no other); for a request that made none, ``time_zone``, as Amazon knows it.
        A reminder gone by is alexaskill's rule, not Amazon's: `AlexaApi.create_reminder`
        sends a local time it could not read for Amazon to judge, and the fake does not refuse
        on that rule what the client could not apply."""
        caller = self._caller(headers)  # (before the lock, which it takes)
        with self._lock:
            kept: dict[tuple[str, str | None], str | None]
            kept = self.__dict__.get("_zones_answered", {})
            return kept.get(caller, self.time_zone)

    def _create_reminder(self, asked: _Asked) -> _Answer:
        refused = (
            self._reminders_refused(403)
            or self._session_refused(asked.headers)
            or self._device_refused()
        )
        if refused is not None:
            return refused
        moment = self._moment(asked.headers)
        problem = _reminder_problem(asked.body, self._known_zone(asked.headers), moment)
        if problem is not None:
            return _error(400, *problem)
        token = str(uuid.uuid4())
        now = _stamp(moment)
        created = {
            "alertToken": token,
            "createdTime": now,
            "updatedTime": now,
            "status": "ON",
            "version": "1",
            "href": f"/v1/alerts/reminders/{token}",
        }
        reminder = msgspec.convert({**asked.body, **created}, Reminder)
        with self._lock:
            # Checked again, as get and delete do: one put in the list in place is named now,
            # not kept beside the skill's to fail a later call.
            _given("reminders", self.reminders)
            self.reminders.append(reminder)
        return 200, created

    def _get_reminders(self, asked: _Asked) -> _Answer:
        refused = self._reminders_refused(401)
        if refused is not None:
            return refused
        # Checked as at an assignment: one put in the list in place is named, not served as is.
        alerts = [msgspec.to_builtins(r) for r in _given("reminders", self.reminders)]
        # No "links": Amazon's model (ask-sdk-model's GetRemindersResponse) has a string there,
        # the link to the next set "if total count is greater than max results", optional, and
        # documents no max results nor a call for the next set; the fake answers every one.
        return 200, {"totalCount": str(len(alerts)), "alerts": alerts}

    def _get_reminder(self, asked: _Asked) -> _Answer:
        refused = self._reminders_refused(401)
        if refused is not None:
            return refused
        token = unquote(asked.match["token"])
        for reminder in _given("reminders", self.reminders):
            if reminder.alert_token == token:
                return 200, msgspec.to_builtins(reminder)
        return _no_such_reminder()

    def _update_reminder(self, asked: _Asked) -> _Answer:
        """Replace a reminder with the body sent, judged as a create's is (a 400); its token
        and creation time kept, its version counted up, stamped updated at the fake's now."""
        refused = self._reminders_refused(401)
        if refused is not None:
            return refused
        token = unquote(asked.match["token"])
        with self._lock:
            kept = _given("reminders", self.reminders)
            found = [at for at, reminder in enumerate(kept) if reminder.alert_token == token]
        if not found:  # (before the body: Amazon's model answers 404 for no such reminder)
            return _no_such_reminder()
        moment = self._moment(asked.headers)
        problem = _reminder_problem(asked.body, self._known_zone(asked.headers), moment)
        if problem is not None:
            return _error(400, *problem)
        old = kept[found[0]]
        version = int(old.version) + 1 if str(old.version).isdigit() else 1
        updated = {
            "alertToken": token,
            "createdTime": old.created_time,
            "updatedTime": _stamp(moment),
            "status": "ON",
            "version": str(version),
            "href": f"/v1/alerts/reminders/{token}",
        }
        reminder = msgspec.convert({**asked.body, **updated}, Reminder)
        with self._lock:
            for at, kept_one in enumerate(self.reminders):
                if kept_one.alert_token == token:
                    self.reminders[at] = reminder
                    return 200, updated
        return _no_such_reminder()  # (deleted meanwhile)

    def _delete_reminder(self, asked: _Asked) -> _Answer:
        refused = self._reminders_refused(401)
        if refused is not None:
            return refused
        token = unquote(asked.match["token"])
        # A reminder that has rung (status COMPLETED) is deleted as any other. One user reports
        # a 404 ALERT_NOT_FOUND for such a delete
        # (https://qiita.com/Mount/items/8856c5ad6a2fbd8394d1); no second source agrees (docs,
        # pages, code and issues search of 6 December 2026). Amazon's reminders sample
        # (alexa-cookbook, feature-demos/skill-demo-reminders) says one is kept, and counted in
        # a get, for 3 days after it rang, which says nothing of a delete. Left as it is until a
        # second source says so.
        with self._lock:
            kept = [r for r in _given("reminders", self.reminders) if r.alert_token != token]
            if len(kept) == len(self.reminders):
                return _no_such_reminder()
            self.reminders[:] = kept
        return 200, None
