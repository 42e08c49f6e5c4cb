"""`FakeAlexaApi`'s check of who calls: Alexa's service APIs take the ``apiAccessToken`` Alexa
sent the skill in a request, and answer a device's settings (``/v1/devices/{id}/…``,
``/v2/devices/{id}/…``) for the device that sent it only.

The test client, chat and the simulator tell the fake what each request carried
(`AccessCheck.issued`). From the first one on, a token never sent is refused with 401
(``INVALID_TOKEN`` where the API's error model has a code: `_refusal`) and a device never seen
with 403 (``ACCESS_DENIED`` for the Device Settings API, ``FORBIDDEN`` the Device Address API's
type: `_address_forbidden`, each with its API's words). A fake no request was sent through
(called directly in a test) takes any token and any device, as it always did.
A call sending ``Authorization`` more than once is refused with 400 whoever calls (RFC 9110,
5.3: the field is no list; what Amazon answers to one is not documented, the status is the
fake's; its body the message alone, coded ``INVALID_REQUEST`` for the Reminders API only:
`_REMINDERS`), rather than its values joined and the token read from the joint.

It keeps, too, when each request was sent, with its token, and whether it came in a session: a
call is answered at the time of the request that carried its token (`AccessCheck._moment`), not
at the last request's, and a reminder is created only for a request in a session
(`AccessCheck._outside_a_session`). A token several requests carried (one the test fixed:
``RequestFactory.api_access_token``) names the request being answered; with none of them being
answered, the call is refused with 401 (`_shared_token`), rather than judged by whichever was
sent last: the fake cannot tell which one made it, and Alexa gives each request a token of its
own. A progressive response names its request in its body, and is judged by that one. A
request with no ``requestId`` (a test's own envelope) is a request of its own all the same:
`AccessCheck.issued` names it, for `answering` to mark while it is answered; its progressive
responses, which name it by "", are taken meanwhile and late after it (told from another such
request's by the token they carry: `AccessCheck._request_named`).
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, NamedTuple

import msgspec

from ..exceptions import TimestampError
from ..timestamps import read_timestamp
from .api_calls import _Answer, _error

__all__ = ["AccessCheck", "lowered_headers"]

#: How many tokens and devices a fake keeps (a `serve --dev` runs for days): the most recent.
_KEPT: Final = 1000

#: The request types Alexa plays progressive responses for (Amazon's "Send the User a
#: Progressive Response").
_PROGRESSIVE: Final = ("LaunchRequest", "IntentRequest")
#: A path to a device's settings, and the device it names.
_DEVICE_PATH: Final = re.compile(r"/v[12]/devices/(?P<device>[^/]+)/settings(?:/.*)?")
#: The paths of the Reminders API, whose 400s the fake codes (``INVALID_REQUEST``, …): the one
#: API whose model has a str ``code`` and names a 400 ("Bad Request", ask-sdk-model's
#: ``ReminderManagementServiceClient``). The Customer Profile and Device Settings APIs' model
#: (ups) names no 400, nor a code for one in its ErrorCode; the others' have no str code: a 400
#: of theirs that no model words is the message alone.
_REMINDERS: Final = re.compile(r"/v1/alerts/reminders(?:/|$)")
#: The paths of the APIs whose error model has a ``code``, a str: the Customer Profile and
#: Device Settings APIs (``{"code", "message"}``, ask-sdk-model's services/ups/error.py; its
#: ErrorCode names ``INVALID_TOKEN``) and the Reminders API (reminder_management/error.py). The
#: others' have none the fake can send: the Device Address and List Management APIs'
#: ``{"type", "message"}`` (device_address/error.py, list_management/error.py), whose ``type``
#: no source names for a token refused; the Monetization API's ``{"message"}``
#: (monetization/error.py); the directive API's numeric ``code`` (directive/error.py), which no
#: source names. Those get the message alone (`_refusal`).
_CODED: Final = re.compile(r"/v2/accounts/|/v2/devices/|" + _REMINDERS.pattern)
#: The message of the Device Settings API's 403 (ask-sdk-model's ``UpsServiceClient``).
_NO_ACCESS: Final = "The authentication token does not have access to resource."
#: How the name `AccessCheck.issued` gives a request with no ``requestId`` begins (a NUL
#: starts no id Alexa sends: "amzn1.echo-api.request.…"; a test's own id that starts with one
#: is named with another before it, `_name_of`, lest it be such a name).
_UNNAMED: Final = "\0unnamed request "


class _System(msgspec.Struct):
    apiAccessToken: str | None = None
    device: dict[str, Any] | None = None


class _Context(msgspec.Struct):
    System: _System | None = None


class _Request(msgspec.Struct):
    requestId: str | None = None
    type: str | None = None
    timestamp: str | None = None


class _Envelope(msgspec.Struct):
    context: _Context | None = None
    request: _Request | None = None
    session: Any = None  # (only whether there is one is read)


class _Sent(NamedTuple):
    """A request sent, as the calls made with its token are judged: its token, its timestamp
    (None: none usable), whether it came in a session, and its name (`AccessCheck.issued`)."""

    token: str
    moment: _dt.datetime | None
    in_session: bool
    request_id: str


class AccessCheck:
    """The access part of `FakeAlexaApi` (a base class of it)."""

    _lock: threading.Lock
    now: Callable[[], _dt.datetime] | None
    _answering: dict[str, int]

    def _issued_to(self) -> tuple[dict[str, None], dict[str, None]]:
        """The tokens and the devices sent in requests so far (made at the first use)."""
        found = self.__dict__.get("_access")
        if found is None:
            found = self.__dict__["_access"] = ({}, {})
        return found

    def issued(self, envelope: bytes | Mapping[str, Any]) -> str:
        """Alexa sent the skill the request ``envelope`` (its JSON, or its body): its
        ``apiAccessToken`` and device are the caller's from now on. What names it to `answering`
        while the skill answers it: its ``requestId``; for one with none that carried a token
        (a test's own envelope), a name of its own, lest several such be taken for one
        request, never marked as being answered; else "" (a body that is no request envelope
        issues nothing)."""
        try:
            if isinstance(envelope, bytes):
                decoded = msgspec.json.decode(envelope, type=_Envelope)
            else:
                decoded = msgspec.convert(envelope, _Envelope)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeError, RecursionError):
            return ""
        request = decoded.request
        name = _name_of(request.requestId or "") if request is not None else ""
        system = decoded.context.System if decoded.context is not None else None
        token = system.apiAccessToken if system is not None else None
        moment = _read_moment(request.timestamp if request is not None else None)
        # Kept without a moment too (None: this machine's clock, as `AlexaApi` reads such a
        # request), lest its calls be judged at another request's timestamp with its token.
        if request is not None and token:
            with self._lock:  # (when it was sent, for the calls its token makes: `_moment`)
                sent = self.__dict__.setdefault("_sent_at", {})
                if not name:
                    unnamed = self.__dict__.setdefault("_unnamed", itertools.count(1))
                    name = f"{_UNNAMED}{next(unnamed)}"
                sent.pop(name, None)
                sent[name] = _Sent(token, moment, decoded.session is not None, name)
                if len(sent) > _KEPT:
                    del sent[next(iter(sent))]
        if request is not None and name:  # (one with no id too, by the name it was given)
            with self._lock:
                kinds = self.__dict__.setdefault("_kinds", {})
                # An id sent again is of the type sent last (a test may reuse one).
                kinds.pop(name, None)
                if request.type not in _PROGRESSIVE:
                    kinds[name] = str(request.type)
                    if len(kinds) > _KEPT:
                        del kinds[next(iter(kinds))]
        if system is None:
            return name
        device = (system.device or {}).get("deviceId")
        with self._lock:
            tokens, devices = self._issued_to()
            for kept, value in ((tokens, system.apiAccessToken), (devices, device)):
                if isinstance(value, str) and value:
                    kept.pop(value, None)
                    kept[value] = None
                    if len(kept) > _KEPT:
                        del kept[next(iter(kept))]
        return name

    def _moment(self, headers: Mapping[str, str]) -> _dt.datetime:
        """Now, for a call with ``headers`` (lower-case names): the fake's ``now`` if the test
        gave one; else the timestamp of the request that made the call (the test client's
        clock, which may be set years away): of those that carried its ``apiAccessToken``, the
        one being answered (the last sent, if several are), else the last sent; else, for a
        token no request carried, or a request with no usable timestamp, this machine's clock
        (as `AlexaApi` judges a reminder then: when the user spoke, as well as it knows)."""
        if self.now is not None:
            return self.now()
        sender = self._sender(headers)
        if sender is not None and sender.moment is not None:
            return sender.moment
        return _dt.datetime.now(_dt.UTC)

    def _sender(self, headers: Mapping[str, str]) -> _Sent | None:
        """The request that made a call with ``headers`` (lower-case names): of those that
        carried its ``apiAccessToken``, the one being answered (the last sent, if several
        are), else the last sent (the only one: a call with a token several carried, none
        being answered, is refused before: `_shared_token`); None for a token no request
        carried."""
        with self._lock:
            carried, answered = self._carriers(_bearer(headers))
        chosen = answered or carried
        return chosen[-1] if chosen else None

    def _carriers(self, token: str) -> tuple[list[_Sent], list[_Sent]]:
        """The requests kept that carried ``token``, oldest first, and those of them being
        answered (the caller holds the lock)."""
        sent: dict[str, _Sent] = self.__dict__.get("_sent_at", {})
        carried = [(key, kept) for key, kept in sent.items() if kept.token == token]
        answered = [kept for key, kept in carried if key in self._answering]
        return [kept for _, kept in carried], answered

    def _caller(self, headers: Mapping[str, str]) -> tuple[str, str | None]:
        """Whose a call with ``headers`` (lower-case names) is, as what a request's calls got
        is kept by (the zone of its ``time_zone`` call: `api_reminders`): its token, and the id
        of the request that made it (`_sender`; None for a token no request carried). By the
        token alone, one several requests carried (the test's own) would lend one's to another.
        """
        sender = self._sender(headers)
        return _bearer(headers), None if sender is None else sender.request_id

    def _outside_a_session(self, headers: Mapping[str, str]) -> bool:
        """Whether the request that made a call with ``headers`` came with no session (False
        for a token no request carried: a fake called directly knows no request)."""
        sender = self._sender(headers)
        return sender is not None and not sender.in_session

    def _request_named(self, request_id: object, headers: Mapping[str, str]) -> str:
        """The name `answering` marks the request a progressive response with ``headers``
        (lower-case names) names by ``request_id`` (its ``header.requestId``) with: that id
        (`_name_of`); for "" (the id the skill has of a request with none), such a request
        (`issued` gave it a name of its own) that carried the call's token: the last marked as
        being answered, else the last sent (answered already: the response is late); else ""
        (as for no str). (The caller holds the lock.)"""
        if request_id != "":
            return _name_of(request_id) if isinstance(request_id, str) else ""
        # By the token, as Alexa gives each request its own: "" sent with another request's
        # names none of them (Alexa's 403), not one another client's skill is answering.
        carried, _ = self._carriers(_bearer(headers))
        own = [kept.request_id for kept in carried if kept.request_id.startswith(_UNNAMED)]
        chosen = [name for name in own if name in self._answering] or own
        return chosen[-1] if chosen else ""

    def _kind(self, request_id: str) -> str | None:
        """The type of the request named ``request_id`` (`_request_named`), if it was sent and
        is one Alexa plays no progressive response for (a ``SessionEndedRequest``); else None.
        (Read without the lock, which the caller may hold: one dict read.)"""
        kind: str | None = self.__dict__.get("_kinds", {}).get(request_id)
        return kind

    def _access_refused(
        self,
        path: str,
        headers: Mapping[str, str],
        doubled: frozenset[str] = frozenset(),
        *,
        names_its_request: bool = False,
    ) -> _Answer | None:
        """The refusal of a call with ``headers`` (lower-case names; those in ``doubled`` were
        sent more than once) to ``path``, or None. A call that ``names_its_request`` (a
        progressive response: ``header.requestId``) is not refused for a token several requests
        carried (`_shared_token`): it says which one made it."""
        if "authorization" in doubled:
            said = (
                "Authorization sent more than once: send one, Bearer and the request's "
                "apiAccessToken"
            )
            if _REMINDERS.match(path):  # (coded as its other 400s are: api_reminder_rules)
                return _error(400, "INVALID_REQUEST", said)
            return 400, {"message": said}  # (no model names a code for it: `_REMINDERS`)
        token = _bearer(headers)
        if not token:
            return _refusal(path, 401, "INVALID_TOKEN", "no bearer token")
        with self._lock:
            tokens, devices = self._issued_to()
            if tokens and token not in tokens:
                said = "no request carried this apiAccessToken"
                return _refusal(path, 401, "INVALID_TOKEN", said)
            carried, answered = self._carriers(token)
            if len(carried) > 1 and not answered and not names_its_request:
                return _refusal(path, 401, "INVALID_TOKEN", _shared_token(len(carried)))
            match = _DEVICE_PATH.fullmatch(path)
            if devices and match is not None and match["device"] not in devices:
                if path.startswith("/v2/"):  # the Device Settings API's model (ups)
                    # ACCESS_DENIED: the code of the API's 403s as its answers carry it (read by
                    # Jovo's Alexa client: jovotech/jovo-framework, platforms/platform-alexa/
                    # src/api/SettingsApi.ts), though ask-sdk-model's ErrorCode lacks it.
                    said = f"{_NO_ACCESS} (no request came from this device)"
                    return _error(403, "ACCESS_DENIED", said)
                return _address_forbidden("no request came from this device")
        return None


def _name_of(request_id: str) -> str:
    """What `AccessCheck.issued` names a request whose ``requestId`` is ``request_id`` by: that
    id; one starting with a NUL (a test's own: Alexa's never do) with a NUL before it, so that
    no id is the name of a request with none (`_UNNAMED`: one NUL, then a letter)."""
    return "\0" + request_id if request_id.startswith("\0") else request_id


def _address_forbidden(why: str = "") -> _Answer:
    """The Device Address API's 403 (the permission not granted, or, ``why`` said after it, a
    refusal of the fake's own): its model's ``{"type", "message"}`` (ask-sdk-model's
    device_address/error.py) as Amazon answers it, ``FORBIDDEN``, "The authentication token
    is not valid." (a GET of .../settings/address, in maxbeckers/amazon-alexa-php issue 62).
    The model's description of its 403 ("... invalid or doesn't have access to the resource")
    is no answer's words."""
    said = "The authentication token is not valid" + (f" ({why})." if why else ".")
    return 403, {"type": "FORBIDDEN", "message": said}


def _shared_token(carriers: int) -> str:
    """Why a call with a token ``carriers`` requests carried, none of them being answered, is
    refused: the fake would judge it by one of them (its now, its session) at a guess."""
    # (Short: `AlexaApi` keeps 200 characters of a message, and the remedy is the point.)
    return (
        f"{carriers} requests carried this apiAccessToken, none being answered: which made this "
        "call? Give each request its own token, as Alexa does (api_access_token=None)"
    )


def _refusal(path: str, status: int, code: str, message: str) -> _Answer:
    """A refusal of a call to ``path`` in its API's error model: ``code`` only where the model
    has one the fake can send (`_CODED`)."""
    if _CODED.match(path):
        return _error(status, code, message)
    return status, {"message": message}


def lowered_headers(
    pairs: Iterable[tuple[str, str]],
) -> tuple[dict[str, str], frozenset[str]]:
    """Headers as the fake reads them: by lower-case name (the last value of one sent twice),
    and the names sent more than once (``Authorization`` and ``authorization`` are one name)."""
    lowered: dict[str, str] = {}
    doubled: set[str] = set()
    for name, value in pairs:
        key = name.lower()
        if key in lowered:
            doubled.add(key)
        lowered[key] = value
    return lowered, frozenset(doubled)


def _bearer(headers: Mapping[str, str]) -> str:
    """The token of a call's ``Authorization: Bearer`` header (lower-case names), or ``""``.
    The scheme is read in any case, ``bearer`` too, as RFC 9110 (11.1) makes it "a
    case-insensitive token" (Amazon's pages write ``Bearer`` and say nothing of another case).
    """
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _read_moment(timestamp: object) -> _dt.datetime | None:
    """A request's ``timestamp`` as an aware moment (UTC when it names no offset), or None: read
    as the verifier and `AlexaApi.now` read it (`read_timestamp`: a leap second, a ``z``)."""
    if not isinstance(timestamp, str):
        return None
    try:
        moment = read_timestamp(timestamp)
    except TimestampError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=_dt.UTC)
