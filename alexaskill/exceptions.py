"""The errors alexaskill raises, all below one base; most are defined here, the others in the
module they belong to (named after them).

    SkillError
    ├── ConfigurationError      a skill set up wrongly: raised where the mistake is first met,
    │                           at import (a handler), as the app starts (its trusted roots)
    │                           or at a request (a `Verifier`'s ``fetch_chain`` not async)
    │   └── InteractionModelError   its declarations make no valid interaction model
    │                               (`alexaskill.interaction`)
    ├── ResponseError           a response value breaks one of Alexa's rules or limits
    │   ├── RuleViolation           a reply broke a rule of its request: the part was dropped
    │   │                           (or, ``kept``, sent for the device to ignore)
    │   └── NotAResponse            a handler returned something that is no reply (a str, a dict)
    ├── SlotError               a required slot is missing or its value does not convert
    ├── AlexaApiError           a call to Alexa's service APIs failed (HTTP error, network)
    │   ├── PermissionRequired      the user has not granted the scope the call needs
    │   ├── AccessTokenError        Alexa refused the request's access token itself
    │   ├── DeviceNotSupported      the request's device cannot do what the call asks
    │   └── AlexaApiTimeout         the call took longer than its timeout
    ├── DeadlineExceeded        the handler did not answer within the skill's deadline
    ├── StoreError              a store could not load or save attributes
    ├── CaptureFileError        a file `load_capture` read is no capture file (`alexaskill.capture`)
    ├── ModelFileError          a ``model`` the simulator cannot serve (`alexaskill.simulator`)
    ├── PathTaken               a skill mounted where the simulator answers (`alexaskill.simulator`)
    ├── NoSkillFound            an app the simulator finds no skill in (`alexaskill.simulator`)
    └── RequestError            a request the service must refuse with HTTP 400
        ├── MalformedRequestError   the body is not a JSON request envelope
        └── VerificationError       the request is not provably from Alexa for this skill
            ├── CertificateUrlError     SignatureCertChainUrl breaks Amazon's URL rules
            ├── CertificateError        the signing chain cannot be had or is not trusted
            │   └── CertificateUnavailableError   it failed in a way that may pass (download, dates)
            ├── SignatureError          the signature header is missing or wrong
            ├── TimestampError          the request is too old, from the future or undated
            └── SkillIdError            the request is for another skill

`ResponseError` also derives from `ValueError`, `ConfigurationError` from `TypeError`,
`CaptureFileError` from `ValueError`, `ModelFileError` from `ValueError`, `PathTaken` from
`ValueError` and `NoSkillFound` from `ValueError`, so code that catches that built-in kind keeps
working.

Outside the tree, the exceptions that are no skill's error: of the commands, the simulator's
page, the test client and alexaskill's threads (their modules export them for one another).

- `alexaskill.cli.UsageError` (Exception): a command called wrongly; one line, exit status 2.
- `alexaskill.cli.probes.ProxyAnswered` (Exception): the proxy a ``certify`` probe was sent
  through answered it itself (its 407).
- `alexaskill.simulator.http.BadRequest` (Exception): a request of the simulator's page that
  its API refuses, with an HTTP status and a short JSON reason.
- `alexaskill.testing.escapes.Escaped` (Exception): carries what a request let out of the app
  (a `BaseException`) past the test client's portal.
- `alexaskill.deadline.Expired` (BaseException, as ``CancelledError``, past a handler's
  ``except Exception``): the wait for a handler's thread stopped at the deadline.
- `alexaskill.threads.NotAWorkerThread` (RuntimeError): `run_in_loop` called from a thread that
  is not one of `run_sync`'s.
"""

from __future__ import annotations

from typing import Any

from .shown_names import shown

__all__ = [
    "AccessTokenError",
    "AlexaApiError",
    "AlexaApiTimeout",
    "CertificateError",
    "CertificateUnavailableError",
    "CertificateUrlError",
    "ConfigurationError",
    "DeadlineExceeded",
    "DeviceNotSupported",
    "MalformedRequestError",
    "NotAResponse",
    "PermissionRequired",
    "RequestError",
    "ResponseError",
    "RuleViolation",
    "SignatureError",
    "SkillError",
    "SkillIdError",
    "SlotError",
    "StoreError",
    "TimestampError",
    "VerificationError",
]


def remade_from_parts(error: BaseException, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """``error.__reduce__()`` for an exception whose ``__init__`` takes its parts (``args``,
    ``kwargs``), not its message: copy and pickle remake an exception from its ``args``, the
    message alone (a process pool sending one back failed, TypeError).

    Of a subclass with an ``__init__`` of its own (a skill's ``TooCold(SlotError)`` taking
    ``degrees``), those parts are its parent's, which its ``__init__`` does not take: it is
    remade without calling it, of its class, ``args`` and attributes (`_own_init`)."""
    cls = type(error)
    if _own_init(cls):
        return _unmade, (cls, error.args), error.__dict__
    return _remade, (cls, args, kwargs), error.__dict__


def _own_init(cls: type[BaseException]) -> bool:
    """Whether ``cls`` or a class between it and the one whose ``__reduce__`` names the parts
    defines ``__init__`` (or ``__new__``): then it takes other parts than those."""
    for klass in cls.__mro__:
        if "__reduce__" in vars(klass):
            return False
        if "__init__" in vars(klass) or "__new__" in vars(klass):
            return True
    return False  # (not reached: BaseException has a __reduce__)


def _remade(cls: type[BaseException], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """An exception remade by copy or pickle from its parts (`remade_from_parts`)."""
    return cls(*args, **kwargs)


def _unmade(cls: type[BaseException], args: tuple[Any, ...]) -> Any:
    """An exception of a subclass with its own ``__init__`` remade by copy or pickle without it
    (`remade_from_parts`), as `copyreg` remakes an object: ``args`` here, its attributes then."""
    return cls.__new__(cls, *args)


class SkillError(Exception):
    """Base of every error alexaskill raises."""

    def __reduce__(self) -> str | tuple[Any, ...]:
        # (BaseException's remakes ``cls(*args)``, the message alone: a skill's subclass whose
        # __init__ takes other parts, NoSuchTrip(city, day), failed to copy or pickle. Any other
        # is remade by the next class's: an OSError's or ImportError's, in a skill's error of
        # that kind too, keeps the filename or name its ``args`` do not hold.)
        if _own_init(type(self)):
            return remade_from_parts(self, *self.args)
        return super().__reduce__()


class ConfigurationError(SkillError, TypeError):
    """A handler, parameter or option was registered wrongly: of the wrong kind, or a wrong value.

    A `TypeError` for a wrong value too (an `InteractionModelError`, an ``ALEXASKILL_SKILL_ID``
    that names no skill): the class began with handler signatures, and a skill's ``except
    TypeError`` around its set-up keeps catching every one. Not a `ValueError` as well: an
    ``except ValueError`` meant for the skill's own parsing would swallow a set-up mistake
    that must stop the start. Where a `ValueError` was raised before it became one (`Verifier`'s
    options), its class is a `ValueError` still. ``except ConfigurationError`` catches them all.
    """


class ResponseError(SkillError, ValueError):
    """A response value breaks an Alexa rule or limit; the message names the field."""


class RuleViolation(ResponseError):
    """A handler's reply broke a rule Alexa enforces for its request; the app dropped the part.

    Not raised by the app, which answers Alexa without the offending part: it is logged at ERROR
    (the log record carries it as ``record.rule_violation``), and `alexaskill.testing` collects
    it on the result so that a test can fail on it. With ``kept``, the part went out as it was,
    because Alexa takes it and the device is the one to act on it (an AudioPlayer.Play ENQUEUE
    after another stream than the one playing, which it ignores; a Play in a reply that keeps
    the session open, which it pauses at once): logged at WARNING, collected all the same.
    ``fate`` says what becomes of the part.
    """

    def __init__(
        self,
        request_type: str,
        dropped: tuple[str, ...],
        rule: str,
        *,
        handler: str = "",
        request_id: str = "",
        kept: bool = False,
        fate: str | None = None,
    ) -> None:
        #: The request the reply answered (``"AudioPlayer.PlaybackStarted"``, …).
        self.request_type = request_type
        #: What was dropped: directive types (``"AudioPlayer.Play"``) and response parts
        #: (``"outputSpeech"``, ``"card"``, ``"reprompt"``).
        self.dropped = dropped
        #: The rule, in words.
        self.rule = rule
        #: The handler that returned the reply (``module.qualname``), or "".
        self.handler = handler
        #: ``request.requestId`` of the request answered.
        self.request_id = request_id
        #: Whether the part went out all the same (for the device to ignore, say).
        self.kept = kept
        #: What becomes of the part: "dropped", "the device ignores it", ...
        self.fate = fate or ("the device ignores it" if kept else "dropped")
        who = handler or "the reply"
        super().__init__(
            f"{who} answered {request_type} with {', '.join(dropped)}: {self.fate} ({rule})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return remade_from_parts(
            self,
            self.request_type,
            self.dropped,
            self.rule,
            handler=self.handler,
            request_id=self.request_id,
            kept=self.kept,
            fate=self.fate,
        )


class NotAResponse(ResponseError):
    """A handler (a hook, an exception handler) returned something that is neither a `Response`
    nor None: a str, a dict, a coroutine it did not await. The message names it and the fix.

    Raised by alexaskill where it looks at the result, so its traceback holds none of the
    handler's lines: the log says it in one ERROR line, without one.
    """

    #: Set on the one alexaskill raises (`alexaskill.handler_bugs.not_a_reply`): one the skill
    #: raised itself keeps its traceback in the log.
    _returned: bool = False

    def __init__(self, message: str, *, handler: str = "") -> None:
        super().__init__(message)
        #: The handler that returned it (``module.qualname``), or "".
        self.handler = handler


class SlotError(SkillError):
    """A required slot parameter has no usable value.

    ``value`` is the value Alexa sent (of a multiple-value slot, the one that does not convert;
    None: the slot is missing); ``reason`` says why it does not convert to the parameter's
    annotation (``"a weekend, not one day (…)"``), when known.
    """

    def __init__(self, slot_name: str, value: str | None = None, reason: str | None = None) -> None:
        self.slot_name = slot_name
        self.value = value
        self.reason = reason
        # (the parameter's name cut too: a name of 5,000 letters made a line as long)
        name = shown(slot_name, quoted=True)
        if value is None:
            message = f"slot {name} is missing"
        else:
            # The message is logged: a value of thousands of characters (a signed request can
            # carry one) is shown by its head, tail and length; `value` keeps it whole.
            said = shown(value, quoted=True)
            message = f"slot {name} has a value that does not convert: {said}"
            if reason:
                message += f", {reason}"
        super().__init__(message)

    def __reduce__(self) -> tuple[Any, ...]:
        return remade_from_parts(self, self.slot_name, self.value, self.reason)


class AlexaApiError(SkillError):
    """A call to Alexa's service APIs failed: an HTTP error status, a network error, a bad answer.

    ``operation`` names the `AlexaApi` method (``"given_name"``), ``status`` the HTTP status
    (None when no answer came), ``code`` Amazon's error code (``"INVALID_TOKEN"``) when it sent
    one, ``retry_after`` the seconds a throttled (429) or unavailable (5xx) API asked to wait
    before the next call, from its ``Retry-After`` header (None without one). Messages never
    contain the access token.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str = "",
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.operation = operation
        self.status = status
        self.code = code
        self.retry_after = retry_after


class PermissionRequired(AlexaApiError):
    """The user has not granted the permission ``scope`` the call needs (Amazon answered 403).

    Unless a handler registered with ``@skill.exception(PermissionRequired)`` answers instead,
    the skill replies with a spoken request and Amazon's consent card for ``scope``.
    """

    def __init__(
        self,
        scope: str,
        *,
        operation: str = "",
        status: int | None = 403,
        code: str | None = None,
        detail: str | None = None,
    ) -> None:
        where = f"{operation}: " if operation else ""
        super().__init__(
            f"{where}the user has not granted the permission {scope}",
            operation=operation,
            status=status,
            code=code,
        )
        self.scope = scope
        #: What Amazon's error body said (its code and message), kept out of the message: a
        #: consent card mends it whatever it says, and a 403 with the scope granted names it.
        self.detail = detail

    def __reduce__(self) -> tuple[Any, ...]:
        return remade_from_parts(
            self,
            self.scope,
            operation=self.operation,
            status=self.status,
            code=self.code,
            detail=self.detail,
        )


class AccessTokenError(AlexaApiError):
    """Alexa refused the request's ``apiAccessToken`` itself: expired, or not this request's.

    Raised for a 401 or 403 whose ``code`` says so (``INVALID_TOKEN``), and for a 401 of an API
    whose 401 means nothing else (all but the Reminders API, which answers 401 for a permission
    not granted too). Not a `PermissionRequired`: a consent card asks the user for a permission,
    and cannot mend a token, so ``@skill.exception(PermissionRequired)`` never sees it; a
    handler's ``except AlexaApiError`` does, as before it had a class of its own.
    """


# Read from Amazon's code, at any 4xx (`alexaskill.alexa_api.answers.read_answer`), as Jovo's client
# (jovotech/jovo-framework, platforms/platform-alexa/src/api/ReminderApi.ts) and the reminders
# skill of an Alexa.NET maintainer (stoiveyp/NottinghamTechMeets,
# NottTechMeet_Skill/Handlers/ReminderConfirmed.cs) read it, whatever the status: no page names
# the status with the code. Amazon's reminders sample (alexa/alexa-cookbook,
# feature-demos/skill-demo-reminders/lambda/custom/index.js, as its copy in
# malhotra-vikas/alexa-cookbook reads) says "this device doesn't support reminders" for a
# create's 403, the status ask-sdk-model (alexa/alexa-apis-for-python, .../reminder_management/
# reminder_management_service_client.py) names for a create ("Forbidden"). A 403 without the code
# stays `PermissionRequired`: every API answers one for a scope the user has not granted.
class DeviceNotSupported(AlexaApiError):
    """The request's device cannot do what the call asks: Amazon's code ``DEVICE_NOT_SUPPORTED``,
    its answer to a reminder created for a device that cannot hold reminders.

    Not a `PermissionRequired`: whatever the user grants, the device stays without, so
    ``@skill.exception(PermissionRequired)`` never sees it and no consent card is sent. Catch it
    to tell the user ("This device can't set reminders"); unhandled, it is the spoken apology,
    as any `AlexaApiError`.
    """


class AlexaApiTimeout(AlexaApiError):
    """A call to Alexa's service APIs took longer than its timeout and was abandoned.

    ``detail`` says, for the log, where a call over HTTP stalled (its TCP connection, a proxy's
    CONNECT or SOCKS handshake, the TLS handshake, the server's answer), as a chain download's
    log line does; a note of the exception, so its traceback shows it. None otherwise.
    """

    detail: str | None = None
    #: Whether the call, over HTTP, surely reached no server: its time ran out while its
    #: connection was being made (no TCP connection answered, or only a proxy's), so nothing
    #: was sent. False when it may have been (a server that did not answer in time) or
    #: that cannot be told.
    reached_no_server: bool = False


class DeadlineExceeded(SkillError):
    """The handler had not answered when the skill's deadline (`Skill(deadline=...)`) passed.

    Raised into the skill's exception path instead of waiting any longer, so that Alexa gets an
    answer before it gives up: ``@skill.exception(DeadlineExceeded)`` chooses the words.
    """

    def __init__(self, deadline: float, handler: str | None = None) -> None:
        #: The deadline that passed, in seconds from the request's arrival.
        self.deadline = deadline
        #: The handler that was still running (``module.function``), if one was.
        self.handler = handler
        who = handler or "the skill"
        super().__init__(f"{who} did not answer within {deadline:g} s")

    def __reduce__(self) -> tuple[Any, ...]:
        return remade_from_parts(self, self.deadline, self.handler)


class StoreError(SkillError):
    """A store could not load or save attributes; the message says why and what to do.

    Raised from a handler's ``Attributes``, it is answered with the spoken apology (or the
    skill's exception handler for it) and logged as one line.
    """


class RequestError(SkillError):
    """A request the web service refuses with HTTP 400 and a short JSON reason."""

    #: The short reason sent to the client as ``{"error": reason}``.
    reason: str = "bad request"
    #: The check the log's outcome names when not the class's (`alexaskill.logs.refusal`): an
    #: AWS Lambda event past ``max_body_size`` is a `MalformedRequestError` (what the runtime
    #: reports) logged as ``refused:too_large``, as the web service logs its 413.
    _check: str | None = None

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.reason)


class MalformedRequestError(RequestError):
    """The body is not valid JSON or does not decode into a request envelope."""

    reason = "malformed request"


class VerificationError(RequestError):
    """The request could not be proven to come from Alexa for this skill."""

    reason = "request verification failed"


class CertificateUrlError(VerificationError):
    """``SignatureCertChainUrl`` is missing or breaks Amazon's URL rules."""

    reason = "invalid certificate URL"


class CertificateError(VerificationError):
    """The signing certificate chain cannot be fetched, parsed or trusted."""

    reason = "invalid certificate"


class CertificateUnavailableError(CertificateError):
    """The chain's download timed out, met a network error or HTTP 5xx, or its signing
    certificate is out of its dates (expired, or not yet valid): trying later may work."""

    reason = "certificate unavailable"

    def __init__(self, message: str | None = None, *, detail: str | None = None) -> None:
        super().__init__(message)
        #: For the server's log only (not the client's reason): what failed, and what to do.
        self.detail = detail


class SignatureError(VerificationError):
    """The signature header is missing, not base64, or does not match the body."""

    reason = "invalid signature"


class TimestampError(VerificationError):
    """The request timestamp is missing, unparseable, or outside the tolerance."""

    reason = "invalid timestamp"


class SkillIdError(VerificationError):
    """The request's application id is not one of this skill's ids."""

    reason = "invalid skill id"

    def __init__(self, message: str | None = None, *, application_id: str | None = None) -> None:
        super().__init__(message)
        #: The application id the request named (for the log: it is no user data), if one.
        self.application_id = application_id

    @classmethod
    def for_id(cls, application_id: str, where: str = "context.System.application") -> SkillIdError:
        """The refusal of a request naming ``application_id`` in ``where`` (the field holding
        its ``applicationId``), not one of the skill's: an empty one (``""`` or null on the
        wire) is said to name none, and where, not to be another skill's."""
        if not application_id:
            return cls(f"request names no application id ({where}.applicationId empty or null)")
        return cls("request is for another skill", application_id=application_id)
