"""`Skill`: the object a skill author decorates, and the ASGI app that serves it.

A request goes through these steps, each of which can only refuse it with a 4xx and a short
JSON reason:

1. method (POST) and media type (JSON), then the body, read up to ``max_body_size``;
2. verification of the signature, certificate chain and timestamp (`alexaskill.verify`);
3. decoding into a typed `Envelope`, and the skill-id check;
4. the before-request hooks, in the order they were registered (one that returns a `Response`
   answers: the rest and the handler are skipped);
5. the handler (dispatch by request type and intent);
6. the after-request hooks, each of which may replace the reply;
7. Alexa's rules for the request type (`alexaskill.rules`), then encoding as the response
   envelope.

Anything a handler or a hook does wrong (raising, returning something that is not a response,
breaking a response limit) is answered with a spoken apology and logged with its traceback:
Alexa always gets a well-formed answer, never a 500.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple, TypeVar

import msgspec

from . import messages
from .builtin_intents import check_builtin_intent
from .deadline import DEFAULT_DEADLINE, Watchdog, call_in_thread, expired, watch
from .dialog_model import DialogSlot
from .dispatch import Call, Handler, Hook, Registry
from .exceptions import (
    ConfigurationError,
    DeadlineExceeded,
    MalformedRequestError,
    PermissionRequired,
    RequestError,
    ResponseError,
    SkillIdError,
    SlotError,
    StoreError,
)
from .interaction import (
    IntentDeclaration,
    SlotTypeDeclaration,
    SlotTypeValue,
    declaration_problems,
    model_warnings,
)
from .logs import configure_logging_if_unset, log_request, refusal
from .models import (
    CanFulfillIntentRequest,
    Envelope,
    IntentRequest,
    LaunchRequest,
    Request,
    SessionEndedRequest,
    decode_envelope,
    request_class,
)
from .responses import AskForPermissionsConsentCard, Response, ask, encode_response, speak
from .rules import check_reply, failure_reply
from .services import AlexaApi, alexa_api_factory
from .store import (
    DEFAULT_STORE,
    Attributes,
    DeviceAttributes,
    PersonAttributes,
    Store,
    attributes_service,
    open_store,
)

if TYPE_CHECKING:
    import httpx
    from starlette.types import ASGIApp, Receive, Scope, Send

    from .alexa_api import ApiTransport
    from .aws_lambda import LambdaHandler
    from .capture import RequestCapture
    from .i18n import Translations
    from .mounting import SkillMount
    from .verify import Verifier

__all__ = ["Skill"]

logger = logging.getLogger("alexaskill")

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_MAX_BODY_SIZE: Final = 128 * 1024
#: Seconds the body of a POST may take to arrive, once its headers have.
DEFAULT_BODY_TIMEOUT: Final = 10.0

# What the framework says by itself, in English (`alexaskill.messages` documents each); a
# request in another language hears it in that language.
APOLOGY: Final = messages.APOLOGY
SLOT_PROMPT: Final = messages.SLOT_PROMPT
PERMISSION_PROMPT: Final = messages.PERMISSION_PROMPT
UNHANDLED: Final = messages.UNHANDLED
DEADLINE_REPLY: Final = messages.DEADLINE_REPLY
PROGRESSIVE_SPEECH: Final = messages.PROGRESSIVE_SPEECH
#: How long an exception handler for `DeadlineExceeded` may take before `DEADLINE_REPLY` is sent.
DEADLINE_GRACE: Final = 0.5
_PROGRESSIVE_REQUESTS: Final = frozenset(("LaunchRequest", "IntentRequest"))

_JSON_HEADERS: Final = [(b"content-type", b"application/json")]
#: The request headers `_Endpoint` passes on (by their lower-case wire names).
_READ_HEADERS: Final = {
    name.encode(): name
    for name in (
        "content-type",
        "content-length",
        "signaturecertchainurl",
        "signature-256",
        "signature",
    )
}
_APOLOGY_BODY: Final = encode_response(speak(APOLOGY))

#: The services made for one answer (the hooks', the handler's), to finish once all returned.
_Made = dict[type, Any]


class Answer(NamedTuple):
    """An encoded response envelope, and how it came about (for the request's log line)."""

    body: bytes
    #: "ok", "unhandled", "before_request" (a before-request hook answered), "exception_handler",
    #: "slot_retry", "permission_consent", "handler_error" or "deadline".
    outcome: str


class Skill:
    """An Alexa skill: register handlers with its decorators, serve it as an ASGI app.

    ``skill_id`` is the skill's application id (``amzn1.ask.skill.…``) or a collection of ids;
    requests for any other id are refused. ``"*"`` switches the check off, which is logged as a
    warning at start-up (``None``, the value of an unset setting, is refused: `ConfigurationError`).
    ``verify=False`` switches off signature verification (also logged as a warning);
    ``verifier`` replaces the default `Verifier` (which trusts Amazon's chain under the certifi
    roots). ``max_body_size`` caps the request body in bytes; ``body_timeout`` is how many
    seconds it may take to arrive (else HTTP 408, and the connection is closed). ``capture_dir``
    (off by default) writes every request the endpoint receives, exactly as received, to a file
    in that directory for ``alexaskill certify --replay``: the files hold user ids and access
    tokens (see `alexaskill.capture`). ``translations`` (a `Translations`, or the directory of
    the gettext catalogs) lets handlers speak each request's language with `alexaskill.i18n`'s
    ``_()``.

    ``deadline`` is how long, in seconds from a request's arrival, the skill may take to answer
    (default 7, a second under Alexa's limit; None: no limit). A handler still running then is
    given up on: `DeadlineExceeded` goes through the exception handlers like any error, and
    without one for it the skill says `DEADLINE_REPLY`, keeping the session open. An ``async
    def`` handler is cancelled; a ``def`` handler's thread runs on and its result is discarded.
    """

    def __init__(
        self,
        skill_id: str | Iterable[str],
        *,
        verify: bool = True,
        verifier: Verifier | None = None,
        max_body_size: int = DEFAULT_MAX_BODY_SIZE,
        body_timeout: float = DEFAULT_BODY_TIMEOUT,
        path: str = "/",
        health_path: str | None = "/health",
        store: Store | str = DEFAULT_STORE,
        capture_dir: str | os.PathLike[str] | None = None,
        translations: Translations | str | os.PathLike[str] | None = None,
        deadline: float | None = DEFAULT_DEADLINE,
        progressive_after: float | None = None,
        progressive_speech: str = PROGRESSIVE_SPEECH,
    ) -> None:
        skill_ids = _skill_ids(skill_id)
        if not verify and verifier is not None:
            raise ConfigurationError("verify=False contradicts the verifier given")
        if max_body_size <= 0:
            raise ConfigurationError("max_body_size must be positive")
        if deadline is not None and not 0 < deadline < float("inf"):
            raise ConfigurationError(
                f"deadline must be a positive number of seconds, or None for none: {deadline!r}"
            )
        if progressive_after is not None:
            if deadline is None or not 0 < progressive_after < deadline:
                raise ConfigurationError(
                    f"progressive_after={progressive_after!r}: a number of seconds between 0 and "
                    f"the deadline ({deadline!r})"
                )
            if not isinstance(progressive_speech, str) or not progressive_speech:
                raise ConfigurationError("progressive_speech must be a non-empty str")
        if not 0 < body_timeout < float("inf"):
            raise ConfigurationError(f"body_timeout must be positive seconds, not {body_timeout!r}")
        #: The application ids answered; None: any (``skill_id="*"``).
        self.skill_ids = skill_ids
        self.verify = verify
        self.verifier = verifier
        self.max_body_size = max_body_size
        self.body_timeout = body_timeout
        self.path = path
        self.health_path = health_path
        #: Seconds from a request's arrival to its answer at the latest (None: no limit).
        self.deadline = deadline
        self._watchdog: Watchdog | None = None
        #: Seconds from arrival after which a LaunchRequest or IntentRequest still unanswered
        #: gets the progressive response ``progressive_speech`` (None: never).
        self.progressive_after = progressive_after
        self.progressive_speech = progressive_speech
        self._progressive_tasks: set[Any] = set()
        #: Writes received requests to files when ``capture_dir`` is set (None: off).
        self.capture: RequestCapture | None = None
        if capture_dir is not None:
            from .capture import RequestCapture

            self.capture = RequestCapture(capture_dir)
        self.registry = Registry()
        #: The message catalogs `alexaskill.i18n`'s ``_()`` reads for each request's locale.
        self.translations: Translations | None = None
        if translations is not None:
            # Imported only then: gettext is not on the path of a skill that does not use it.
            from .i18n import Translations

            self.translations = (
                translations
                if isinstance(translations, Translations)
                else Translations(translations)
            )
        #: Interaction-model declarations: utterances and slot types by intent, custom slot types.
        self.intent_declarations: dict[str, IntentDeclaration] = {}
        self.slot_types: dict[str, SlotTypeDeclaration] = {}
        self._services: dict[
            type, tuple[Callable[[Call], Awaitable[Any]], Callable[[Any], Awaitable[None]] | None]
        ] = {}
        self._app: ASGIApp | None = None
        self._started = False
        self._endpoint = _Endpoint(self)
        self._http_client: httpx.AsyncClient | None = None
        #: Told of every exception the skill answered with its apology (a handler's, a reply
        #: that breaks a limit): `alexaskill.testing.TestClient` raises them in the test.
        self.on_handler_error: Callable[[Exception], None] | None = None
        #: What Alexa's service API calls go through instead of the app's own client: a proxy's
        #: ``httpx.AsyncClient``, or an `ApiTransport` (the test client's in-process fake).
        self.api_client: httpx.AsyncClient | ApiTransport | None = None
        # Read per request: the lifespan starts after this; without a client, each call makes
        # its own (see alexaskill.services).
        self.add_service(AlexaApi, alexa_api_factory(lambda: self.api_client or self._http_client))
        #: Where `Attributes` and `PersonAttributes` live; nothing is opened until a handler asks.
        self.store: Store = open_store(store) if isinstance(store, str) else store
        self.add_service(Attributes, *attributes_service(self.store))
        self.add_service(PersonAttributes, *attributes_service(self.store, per_person=True))
        self.add_service(DeviceAttributes, *attributes_service(self.store, per_device=True))

    # --- registration: decorators are thin wrappers over the add_* methods --------------------

    def add_handler(
        self, request_type: str, func: Callable[..., Any], *, intent: str | None = None
    ) -> Handler:
        """Register ``func`` for requests of ``request_type`` (and ``intent``, if given)."""
        cls = request_class(request_type)
        if intent is not None and not issubclass(cls, IntentRequest | CanFulfillIntentRequest):
            raise ConfigurationError(f"{request_type} requests carry no intent to match {intent!r}")
        return self.registry.add((request_type, intent), func, cls)

    def add_intent_handler(
        self,
        name: str,
        func: Callable[..., Any],
        *,
        utterances: Iterable[str] = (),
        slots: Mapping[str, str | DialogSlot] | None = None,
        confirm: str | Sequence[str] | None = None,
        auto_delegate: bool | None = None,
    ) -> Handler:
        """Register ``func`` for IntentRequests of the intent ``name``.

        ``utterances``, ``slots`` (slot name to slot type, or a `DialogSlot`), ``confirm`` and
        ``auto_delegate`` feed the interaction model that ``alexaskill model`` prints (see
        `alexaskill.dialog_model`); they do not change how requests are answered.
        """
        _check_intent_name(name, "intent", func)
        declaration = IntentDeclaration.build(
            name, utterances, slots, confirm=confirm, auto_delegate=auto_delegate
        )
        handler = self.add_handler("IntentRequest", func, intent=name)
        problems = declaration_problems(declaration, handler)
        if problems:
            self.registry.remove(("IntentRequest", name))
            raise ConfigurationError("; ".join(problems))
        self.intent_declarations[name] = declaration
        return handler

    def add_can_fulfill_handler(self, name: str, func: Callable[..., Any]) -> Handler:
        """Register ``func`` to answer CanFulfillIntentRequests for the intent ``name``.

        It returns ``can_fulfill(…)``; an intent without one is answered ``canFulfill: NO``.
        """
        _check_intent_name(name, "can_fulfill", func)
        return self.add_handler(CanFulfillIntentRequest.types[0], func, intent=name)

    def add_slot_type(
        self, name: str, values: Iterable[str | SlotTypeValue | Mapping[str, object]]
    ) -> SlotTypeDeclaration:
        """Declare the custom slot type ``name`` with its ``values``, for the interaction model."""
        if name in self.slot_types:
            raise ConfigurationError(f"slot type {name} is declared twice")
        declaration = SlotTypeDeclaration.build(name, values)
        self.slot_types[name] = declaration
        return declaration

    def add_fallback_handler(self, func: Callable[..., Any]) -> Handler:
        """Register ``func`` for every request and intent that has no handler of its own."""
        return self.registry.add_fallback(func)

    def add_exception_handler(
        self, exc_type: type[BaseException], func: Callable[..., Any]
    ) -> Handler:
        """Register ``func(exc, …)`` to answer when a handler raises ``exc_type``."""
        return self.registry.add_exception_handler(exc_type, func)

    def add_before_request(
        self,
        func: Callable[..., Any],
        *,
        request_types: Iterable[str] | None = None,
        intents: Iterable[str] | None = None,
    ) -> Hook:
        """Run ``func`` before the handler of every request, or only of ``request_types``
        (``"LaunchRequest"``, …) and of the IntentRequests of ``intents``.

        Its parameters are injected as a handler's. Returning None lets the request go on;
        returning a `Response` answers it: the later before-request hooks and the handler are
        skipped (the after-request hooks still run).
        """
        return self._add_hook("before", func, request_types, intents)

    def add_after_request(
        self,
        func: Callable[..., Any],
        *,
        request_types: Iterable[str] | None = None,
        intents: Iterable[str] | None = None,
    ) -> Hook:
        """Run ``func`` on the reply to every request, or only of ``request_types`` and of the
        IntentRequests of ``intents``.

        Its parameters are injected as a handler's; one annotated `Response` receives the reply
        (annotated ``Response | None``, also an empty one: the hook is skipped for an empty reply
        otherwise). Returning a `Response` replaces the reply; returning None keeps it.
        """
        return self._add_hook("after", func, request_types, intents)

    def _add_hook(
        self,
        when: str,
        func: Callable[..., Any],
        request_types: Iterable[str] | None,
        intents: Iterable[str] | None,
    ) -> Hook:
        where = f"{_name_of(func)}: the {when}-request hook"
        types = _names(request_types, f"{where}'s request_types")
        names = _names(intents, f"{where}'s intents")
        classes = [request_class(request_type) for request_type in types or ()]
        if names is not None:
            for name in names:
                _check_intent_name(name, f"{when}-request hook", func)
            classes.append(IntentRequest)
        return self.registry.add_hook(
            when,
            func,
            tuple(classes) or (Request,),
            request_types=types,
            intents=names,
            by_type={Response: _reply} if when == "after" else None,
        )

    def before_request(self, func: F) -> F:
        """Decorator: run ``func`` before every request's handler; a `Response` it returns
        answers the request instead (see `add_before_request`)."""
        _check_bare("before_request", func)
        self.add_before_request(func)
        return func

    def after_request(self, func: F) -> F:
        """Decorator: run ``func`` on every reply; a `Response` it returns replaces the reply
        (see `add_after_request`)."""
        _check_bare("after_request", func)
        self.add_after_request(func)
        return func

    def launch(self, func: F) -> F:
        """Decorator: answer LaunchRequest ("Alexa, open …")."""
        self.add_handler(LaunchRequest.types[0], func)
        return func

    def intent(
        self,
        name: str,
        *,
        utterances: Iterable[str] = (),
        slots: Mapping[str, str | DialogSlot] | None = None,
        confirm: str | Sequence[str] | None = None,
        auto_delegate: bool | None = None,
    ) -> Callable[[F], F]:
        """Decorator: answer the intent ``name``; slots arrive as typed parameters."""
        _check_called("intent", name, '"GetWeather"')

        def register(func: F) -> F:
            self.add_intent_handler(
                name,
                func,
                utterances=utterances,
                slots=slots,
                confirm=confirm,
                auto_delegate=auto_delegate,
            )
            return func

        return register

    def can_fulfill(self, name: str) -> Callable[[F], F]:
        """Decorator: say whether the skill can fulfil the intent ``name`` (name-free requests)."""
        _check_called("can_fulfill", name, '"GetWeather"')

        def register(func: F) -> F:
            self.add_can_fulfill_handler(name, func)
            return func

        return register

    def session_ended(self, func: F) -> F:
        """Decorator: handle SessionEndedRequest (any speech in the reply is ignored by Alexa)."""
        self.add_handler(SessionEndedRequest.types[0], func)
        return func

    def fallback(self, func: F) -> F:
        """Decorator: answer every request and intent that has no handler of its own."""
        self.add_fallback_handler(func)
        return func

    def on(self, request_type: str) -> Callable[[F], F]:
        """Decorator: answer requests of ``request_type`` (``"AudioPlayer.PlaybackStarted"``, …)."""
        _check_called("on", request_type, '"AudioPlayer.PlaybackStarted"')

        def register(func: F) -> F:
            self.add_handler(request_type, func)
            return func

        return register

    def exception(self, exc_type: type[BaseException]) -> Callable[[F], F]:
        """Decorator: answer with ``func(exc, …)`` when a handler raises ``exc_type``."""
        if not isinstance(exc_type, type) and callable(exc_type):
            raise ConfigurationError(
                f"{_name_of(exc_type)}: @skill.exception needs the exception type: "
                "@skill.exception(ValueError)"
            )

        def register(func: F) -> F:
            self.add_exception_handler(exc_type, func)
            return func

        return register

    # --- answering: sans-IO from a decoded envelope to response bytes --------------------------

    def check_skill_id(self, envelope: Envelope) -> None:
        """Raise `SkillIdError` unless every application id in ``envelope`` is one of ours."""
        skill_ids = self.skill_ids
        if skill_ids is None:
            return
        ids = envelope.application_ids
        if not ids:
            raise SkillIdError("request names no application id")
        for application_id in ids:
            if application_id not in skill_ids:
                raise SkillIdError("request is for another skill")

    def add_service(
        self,
        service_type: type,
        create: Callable[[Call], Awaitable[Any]],
        finish: Callable[[Any], Awaitable[None]] | None = None,
    ) -> None:
        """Make handlers that ask for ``service_type`` receive ``await create(call)``.

        The object is made only for handlers whose parameters ask for it, before the call;
        ``finish(obj)`` runs after the handler returned normally (to save what it changed).
        Call this before registering the handlers that use the service.
        """
        if self.registry.handlers or self.registry.fallback is not None:
            raise ConfigurationError("add services before registering handlers")
        if service_type not in self._services:
            self.registry.service_types = (*self.registry.service_types, service_type)
        self._services[service_type] = (create, finish)

    async def answer(self, envelope: Envelope) -> bytes:
        """Dispatch a verified, decoded ``envelope`` and return the encoded response envelope."""
        return (await self.respond(envelope)).body

    def start(self) -> None:
        """Freeze the handlers and log, once, what is risky in the set-up (at WARNING).

        Called by the ASGI app and the AWS Lambda handler before their first request: a skill-id
        check switched off, intents handled but not in the interaction model, and the like.
        """
        self.registry.freeze()
        if self._started:
            return
        self._started = True
        if self.skill_ids is None:
            logger.warning(
                "the skill-id check is OFF (Skill(skill_id='*')): requests for any skill are "
                "answered"
            )
        for warning in model_warnings(self):
            logger.warning("%s", warning)

    async def respond(self, envelope: Envelope, *, threadpool: bool = True) -> Answer:
        """`answer`, with the outcome for the request's log line (and no deadline).

        ``threadpool=False`` calls synchronous handlers on the event loop's thread: right on AWS
        Lambda, which answers one request at a time (and it saves loading anyio's thread machinery
        on a cold start); never in a web server.
        """
        return await self._answer(Call(envelope), threadpool)

    async def _answer(self, call: Call, threadpool: bool) -> Answer:
        self.registry.freeze()
        envelope = call.envelope
        handler = self.registry.resolve(envelope)
        try:
            if self.registry.hooked:
                response, outcome, name = await self._hooked(handler, call, threadpool)
            elif handler is None:
                response, outcome, name = self._unhandled(envelope.request), "unhandled", ""
            else:
                response = await self._invoke(handler, call, threadpool)
                outcome, name = "ok", handler.name
            body = encode_response(
                check_reply(response, envelope, handler=name), call.session_attributes
            )
            return Answer(body, outcome)
        except Exception as exc:
            return await self._recover(exc, call, threadpool)

    async def _hooked(
        self, handler: Handler | None, call: Call, threadpool: bool
    ) -> tuple[Response | None, str, str]:
        """The before-request hooks, the handler (unless a hook answered), the after-request
        hooks: the reply, the outcome and who made the reply. Services are made once for all
        of them, and finished once all went well."""
        request = call.envelope.request
        made: _Made = {}
        for hook in self.registry.before_hooks:
            if hook.applies(request):
                response = await self._invoke(hook.handler, call, threadpool, made)
                if response is not None:
                    outcome, name = "before_request", hook.handler.name
                    break
        else:
            if handler is None:
                response, outcome, name = self._unhandled(request), "unhandled", ""
            else:
                response = await self._invoke(handler, call, threadpool, made)
                outcome, name = "ok", handler.name
        response, name = await self._after(call, response, name, threadpool, made)
        await self._finish(made)
        return response, outcome, name

    async def _after(
        self,
        call: Call,
        response: Response | None,
        name: str,
        threadpool: bool,
        made: _Made,
    ) -> tuple[Response | None, str]:
        """The reply once the after-request hooks that apply have seen (and changed) it."""
        request = call.envelope.request
        for hook in self.registry.after_hooks:
            if hook.applies(request) and (response is not None or not hook.handler.required):
                call.response = response
                changed = await self._invoke(hook.handler, call, threadpool, made)
                if changed is not None:
                    response, name = changed, hook.handler.name
        return response, name

    # --- the deadline ----------------------------------------------------------------------------

    async def _respond_by(
        self,
        envelope: Envelope,
        body: bytes | None,
        at: float,
        limit: float,
        *,
        threadpool: bool = True,
        loop: bool = True,
    ) -> Answer:
        """`respond`, or the answer to `DeadlineExceeded` if it is not done by ``at``.

        ``at`` is a `time.perf_counter` time, ``limit`` the deadline it stands for (seconds, for
        messages). ``body``, the request as received, gives the exception handler a session
        untouched by a handler still running in its thread. ``loop`` says whether this runs on
        an asyncio event loop (AWS Lambda answers some skills without one).
        """
        call = Call(envelope)
        call.deadline = at
        seconds = at - time.perf_counter()
        if seconds > 0:  # else spent before the handler's turn (a slow certificate download)
            watched = watch(self._watchdog, at) if loop else None
            if watched is not None:
                self._watchdog = watched[0]
            progressive = None
            if self.progressive_after is not None and watched is not None:
                progressive = self._progressive_later(call, at - limit + self.progressive_after)
            try:
                answer = await self._answer(call, threadpool)
            except BaseException as exc:
                if not expired(watched, exc):
                    raise
            else:
                if watched is not None and watched[0].unwatch(watched[1]):
                    # Cancelled, yet it answered (the handler caught CancelledError): a late
                    # answer is still an answer.
                    logger.warning("a handler caught the deadline's cancellation and answered late")
                return answer
            finally:
                if progressive is not None:
                    progressive.cancel()
        call.expired = True
        return await self._answer_deadline(call, body, limit, threadpool, loop)

    def _progressive_later(self, call: Call, at: float) -> _Progressive | None:
        """Send `progressive_speech` at `time.perf_counter` ``at``, unless cancelled first."""
        if call.envelope.request.type not in _PROGRESSIVE_REQUESTS:
            return None
        import asyncio

        loop = asyncio.get_running_loop()
        progressive = _Progressive()

        def start() -> None:
            task = loop.create_task(self._send_progressive(call))
            self._progressive_tasks.add(task)  # kept, so that it is not collected meanwhile
            task.add_done_callback(self._progressive_tasks.discard)
            progressive.task = task

        progressive.timer = loop.call_later(max(at - time.perf_counter(), 0.0), start)
        return progressive

    async def _send_progressive(self, call: Call) -> None:
        try:
            api = await self._services[AlexaApi][0](call)
            await api.progressive(self._say(self.progressive_speech, call.envelope.request))
        except Exception as exc:  # the interim speech never matters more than the answer
            logger.warning("automatic progressive response not sent: %s", exc)

    async def _answer_deadline(
        self, call: Call, body: bytes | None, limit: float, threadpool: bool, loop: bool
    ) -> Answer:
        handler = self.registry.resolve(call.envelope)
        exc = DeadlineExceeded(limit, None if handler is None else handler.name)
        if handler is None:
            fate = ""
        elif handler.is_async:
            fate = ": it was cancelled"
        else:
            fate = ": its thread runs on, and what it returns will be discarded"
        logger.warning("%s (Skill(deadline=...)), answering now%s", exc, fate)
        # A def handler may still be changing the session in its thread: the exception handler
        # and the reply get the request's own, decoded afresh.
        fresh = call
        if body is not None:
            with contextlib.suppress(MalformedRequestError):
                fresh = Call(decode_envelope(body))
        if self.registry.exception_handler(exc) is not None:
            fresh.deadline = time.perf_counter() + DEADLINE_GRACE
            watched = watch(self._watchdog, fresh.deadline) if loop else None
            try:
                answer = await self._recover(exc, fresh, threadpool)
            except BaseException as error:
                if not expired(watched, error):
                    raise
                fresh.expired = True
                logger.error(
                    "the exception handler for DeadlineExceeded took over %s s too: answered %r",
                    DEADLINE_GRACE,
                    DEADLINE_REPLY,
                )
            else:
                if watched is not None:
                    watched[0].unwatch(watched[1])
                if answer.outcome == "exception_handler":
                    return Answer(answer.body, "deadline")
        text = self._say(DEADLINE_REPLY, fresh.envelope.request)
        return Answer(_deadline_body(fresh, text), "deadline")

    async def _invoke(
        self,
        handler: Handler,
        call: Call,
        threadpool: bool = True,
        made: _Made | None = None,
    ) -> Response | None:
        """Call ``handler`` with its arguments: its reply. The services it asks for are made
        (unless in ``made``: an earlier hook of the answer made them) and, without ``made``,
        finished once it returned; with it, added there for the caller to finish."""
        finishing: list[tuple[Callable[[Any], Awaitable[None]], Any]] = []
        if made is None:
            for service_type in handler.services:
                create, finish = self._services[service_type]
                service = call.services[service_type] = await create(call)
                if finish is not None:
                    finishing.append((finish, service))
        else:
            for service_type in handler.services:
                if service_type not in made:
                    create = self._services[service_type][0]
                    made[service_type] = call.services[service_type] = await create(call)
        kwargs = handler.arguments(call)
        translations = self.translations
        # While it runs, alexaskill.i18n's _() speaks the request's language (a def handler's
        # thread runs in a copy of this context).
        token = (
            None if translations is None else translations.activate(call.envelope.request.locale)
        )
        try:
            if handler.is_async:
                result = await handler.func(**kwargs)
            elif threadpool:
                # A def handler may block, so it runs in a worker thread; alexaskill.threads
                # hops there and back for a fraction of what starlette's run_in_threadpool
                # (anyio) costs. Imported here: it loads asyncio, ~18 ms of an AWS Lambda cold
                # start that needs none.
                from .threads import run_sync

                # Under a deadline, through a wrapper that reports a result that came too late.
                func = handler.func if call.deadline is None else _late_reporter(handler, call)
                result = await run_sync(func, kwargs)
            elif call.deadline is None:
                result = handler.func(**kwargs)
            else:
                # AWS Lambda: a thread of its own, so that the deadline can stop waiting for it.
                late = _late_reporter(handler, call, report_only=True)
                seconds = call.deadline - time.perf_counter()
                result = call_in_thread(handler.func, kwargs, seconds, late)
        finally:
            if translations is not None and token is not None:
                translations.deactivate(token)
        if result is not None and not isinstance(result, Response):
            raise ResponseError(
                f"{handler.name} returned {type(result).__name__}; a handler returns a Response "
                "(from speak(), ask(), …) or None"
            )
        for finish, service in finishing:
            await finish(service)
        return result

    async def _finish(self, made: _Made) -> None:
        """Finish the services of an answer whose code all returned (save what it changed)."""
        for service_type, service in made.items():
            finish = self._services[service_type][1]
            if finish is not None:
                await finish(service)

    def _unhandled(self, request: Request) -> Response | None:
        if isinstance(request, IntentRequest):
            logger.warning("no handler for intent %r and no fallback", request.intent.name)
            return ask(
                self._say(UNHANDLED, request),
                reprompt=self._say(messages.UNHANDLED_REPROMPT, request),
            )
        if isinstance(request, LaunchRequest):
            logger.warning("no handler for LaunchRequest and no fallback")
        return None

    async def _recover(self, exc: Exception, call: Call, threadpool: bool) -> Answer:
        # The consent card below is the default handler of PermissionRequired: only a handler
        # registered for it (or a subclass) replaces it, not one for AlexaApiError or Exception.
        handler = self.registry.exception_handler(exc, stop_at=PermissionRequired)
        if handler is not None:
            call.exception = exc
            try:
                if self.registry.after_hooks:
                    # Its services are made again (each service's create decides what it takes
                    # over from the failed code's), and the after-request hooks share them.
                    made: _Made = {}
                    reply = await self._invoke(handler, call, threadpool, made)
                    reply, name = await self._after(call, reply, handler.name, threadpool, made)
                    await self._finish(made)
                else:
                    reply = await self._invoke(handler, call, threadpool)
                    name = handler.name
                response = check_reply(reply, call.envelope, handler=name)
                body = encode_response(response, call.session_attributes)
                return Answer(body, "exception_handler")
            except Exception as failure:
                logger.exception("exception handler %s failed", handler.name)
                self._tell(failure)
                return Answer(self._apology_body(call.envelope.request), "handler_error")
        if isinstance(exc, SlotError | PermissionRequired) and (
            failure_reply(call.envelope.request) is None
        ):
            if isinstance(exc, SlotError):
                logger.info("%s; asking again", exc)
                reply = ask(self._say(SLOT_PROMPT, call.envelope.request))
                outcome = "slot_retry"
            else:
                # Amazon's guidance: say what is missing, and send the consent card for it.
                logger.info("%s; sending the consent card", exc)
                card = AskForPermissionsConsentCard([exc.scope])
                prompt = self._say(PERMISSION_PROMPT, call.envelope.request)
                reply, outcome = speak(prompt, card=card), "permission_consent"
            try:
                return Answer(encode_response(reply, call.session_attributes), outcome)
            except ResponseError as failure:
                logger.exception("session attributes do not encode")
                self._tell(failure)
                return Answer(self._apology_body(call.envelope.request), "handler_error")
        request = call.envelope.request
        intent = getattr(getattr(request, "intent", None), "name", "") or ""
        if isinstance(exc, StoreError):
            # Its message says what failed and what to do; a traceback would add only noise.
            logger.error("attributes not loaded or saved for %s %s: %s", request.type, intent, exc)
        else:
            logger.error("handler failed for %s %s", request.type, intent, exc_info=exc)
        self._tell(exc)
        return Answer(self._apology_body(request), "handler_error")

    def _say(self, message: str, request: Request) -> str:
        """One of the framework's sentences, in the request's language (`alexaskill.messages`)."""
        locale = request.locale
        if self.translations is None and (not locale or locale.startswith("en")):
            return message
        return messages.spoken(message, locale, self.translations)

    def _apology_body(self, request: Request) -> bytes:
        """The spoken apology, or the silent reply where Alexa takes no speech."""
        reply = failure_reply(request)
        if reply is not None:
            return encode_response(reply)
        apology = self._say(APOLOGY, request)
        return _APOLOGY_BODY if apology == APOLOGY else encode_response(speak(apology))

    def _tell(self, exc: Exception) -> None:
        listener = self.on_handler_error
        if listener is not None:
            listener(exc)

    def mount(self, path: str, *, name: str | None = None) -> SkillMount:
        """A Starlette route serving this skill under ``path`` (``"/weather"``).

        ``Starlette(routes=[skill.mount("/weather")])``; in FastAPI,
        ``app.router.routes.append(skill.mount("/weather"))``. Unlike ``Mount("/weather",
        app=skill)``, it answers ``POST /weather`` itself, where Starlette's router would
        redirect it to ``/weather/`` (HTTP 307), which Alexa does not follow.
        """
        from .mounting import SkillMount

        return SkillMount(path, self, name=name)

    @property
    def lambda_handler(self) -> LambdaHandler:
        """The AWS Lambda function for this skill: ``handler = skill.lambda_handler``."""
        from .aws_lambda import handler

        return handler(self)

    # --- the ASGI app --------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the skill as an ASGI app (``uvicorn app:skill``)."""
        app = self._app
        if app is None:
            app = self._app = self._build()
        if scope["type"] == "http" and scope["method"] == "POST":
            # Alexa's POSTs skip Starlette's middleware and router (5-7 µs a request): the
            # endpoint answers every outcome itself. Under a Mount, the path is the mount's.
            path: str = scope["path"]
            root: str = scope.get("root_path", "")
            if root and path.startswith(root):
                path = path[len(root) :] or "/"  # "": mounted, and POSTed to the mount path
            if path == self.path:
                await self._endpoint(scope, receive, send)
                return
        await app(scope, receive, send)

    def _build(self) -> ASGIApp:
        from starlette.applications import Starlette
        from starlette.responses import JSONResponse
        from starlette.routing import Route

        configure_logging_if_unset()  # uvicorn sets up its own loggers, not alexaskill's
        self.start()
        if self.verify and self.verifier is None:
            from .verify import Verifier

            self.verifier = Verifier()
        if not self.verify:
            logger.warning(
                "request verification is OFF (Skill(verify=False)): anyone can call this skill. "
                "Never run it like this on the internet."
            )
        if self.capture is not None:
            logger.warning(
                "request capture is ON: every request is written to %s, with the user ids and "
                "access tokens it carries. Switch it off once you have your capture.",
                self.capture.directory,
            )

        async def health(request: Any) -> JSONResponse:
            return JSONResponse({"status": "ok"})

        routes = [Route(self.path, self._endpoint)]
        if self.health_path is not None:
            routes.append(Route(self.health_path, health, methods=["GET", "HEAD"]))
        return Starlette(routes=routes, lifespan=self._lifespan)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Any) -> AsyncIterator[None]:
        # One HTTP client per worker for certificate downloads (and the Alexa service APIs),
        # closed at shutdown. Without a lifespan (a Skill mounted in another app runs none) the
        # verifier makes its own client on first use.
        import httpx

        from .alexa_api import tls_context

        # The certifi roots come loaded once per process: each start (a test client's, say)
        # would otherwise spend a few hundred ms of CPU loading them again.
        async with httpx.AsyncClient(timeout=httpx.Timeout(5.0), verify=tls_context()) as client:
            self._http_client = client
            verifier = self.verifier
            if verifier is not None:
                verifier.use_http_client(client)
            try:
                yield
            finally:
                self._http_client = None
                if verifier is not None:
                    verifier.use_http_client(None)
                    await verifier.aclose()
                await self.store.aclose()

    async def _handle(self, headers: Mapping[str, str], body: bytes) -> tuple[int, bytes]:
        started = time.perf_counter()
        verify_ms: float | None = None
        envelope: Envelope | None = None
        try:
            if self.verify:
                verifier = self.verifier
                if verifier is None:  # reset after the app was built: never skip the check
                    from .verify import Verifier

                    verifier = self.verifier = Verifier()
                try:
                    envelope = await verifier.verify_envelope(headers, body)
                finally:
                    verify_ms = (time.perf_counter() - started) * 1000
            else:
                envelope = decode_envelope(body)
            self.check_skill_id(envelope)
        except RequestError as exc:
            logger.warning("refused request: %s", exc)
            log_request(envelope, outcome=refusal(exc), status=400, verify_ms=verify_ms)
            return 400, _error_body(str(exc))
        decoded = time.perf_counter()
        deadline = self.deadline
        if deadline is None:
            answer = await self.respond(envelope)
        else:
            answer = await self._respond_by(envelope, body, started + deadline, deadline)
        handler_ms = (time.perf_counter() - decoded) * 1000
        log_request(
            envelope, outcome=answer.outcome, status=200, handler_ms=handler_ms, verify_ms=verify_ms
        )
        return 200, answer.body


def _skill_ids(skill_id: object) -> frozenset[str] | None:
    """The ids ``Skill(skill_id=…)`` accepts; None for ``"*"`` (any)."""
    if skill_id is None:
        raise ConfigurationError(
            "skill_id is None (an unset environment variable?): pass the skill's application id, "
            "Skill(skill_id='amzn1.ask.skill.…') (the developer console shows it), or "
            "skill_id='*' to answer requests for any skill"
        )
    ids = frozenset((skill_id,)) if isinstance(skill_id, str) else None
    if ids is None:
        try:
            ids = frozenset(skill_id)  # type: ignore[call-overload]
        except TypeError:
            raise ConfigurationError(
                f"skill_id must be an application id or a list of them, not "
                f"{type(skill_id).__name__}"
            ) from None
    if not ids or not all(isinstance(i, str) and i.strip() for i in ids):
        raise ConfigurationError(
            "skill_id must name at least one non-empty application id (amzn1.ask.skill.…)"
        )
    if "*" in ids:
        if len(ids) > 1:
            raise ConfigurationError("skill_id '*' (any skill) cannot be listed with other ids")
        return None
    return ids


def _name_of(func: object) -> str:
    return getattr(func, "__qualname__", None) or repr(func)


def _check_called(decorator: str, argument: object, example: str) -> None:
    """Refuse ``@skill.intent`` written without its argument (it would get the function)."""
    if not isinstance(argument, str) and callable(argument):
        raise ConfigurationError(
            f"{_name_of(argument)}: @skill.{decorator} needs an argument: "
            f"@skill.{decorator}({example})"
        )


def _check_bare(decorator: str, func: object) -> None:
    """Refuse ``@skill.before_request(…)``: it takes no arguments, but the function."""
    if not callable(func):
        raise ConfigurationError(
            f"@skill.{decorator} takes no arguments: write @skill.{decorator} above the function, "
            f"or call skill.add_{decorator}(func, request_types=[…], intents=[…]) to scope it"
        )


def _names(values: Iterable[str] | None, what: str) -> frozenset[str] | None:
    """A hook's scope, ``request_types`` or ``intents``: None (any), or a non-empty set."""
    if values is None:
        return None
    if isinstance(values, str):
        raise ConfigurationError(f"{what} is a list of names: [{values!r}]")
    names = frozenset(values)
    if not names or not all(isinstance(name, str) and name for name in names):
        raise ConfigurationError(f"{what}: a non-empty list of names (or None: every one)")
    return names


def _reply(call: Call) -> Response | None:
    response: Response | None = call.response
    return response


def _check_intent_name(name: object, what: str, func: object) -> None:
    if not isinstance(name, str) or not name:
        raise ConfigurationError(f"{_name_of(func)}: a {what} handler needs the intent's name")
    try:
        check_builtin_intent(name)
    except ConfigurationError as exc:
        raise ConfigurationError(f"{_name_of(func)}: {exc}") from None


class _Progressive:
    """An automatic progressive response: its timer, then the task sending it."""

    __slots__ = ("task", "timer")

    def __init__(self) -> None:
        self.timer: Any = None
        self.task: Any = None

    def cancel(self) -> None:
        """The answer is ready: a "one moment" now would come after it, so none is sent."""
        self.timer.cancel()
        if self.task is not None:
            self.task.cancel()


def _deadline_body(call: Call, text: str) -> bytes:
    """``text`` (`DEADLINE_REPLY`, in the request's language), keeping the session (and its
    attributes) open, where Alexa takes speech."""
    reply = failure_reply(call.envelope.request)
    if reply is None:
        reply = ask(text)
    try:
        return encode_response(reply, call.session_attributes)
    except ResponseError:
        return encode_response(reply)


def _late_reporter(handler: Handler, call: Call, *, report_only: bool = False) -> Any:
    """``handler.func`` wrapped to log its end when the deadline gave up on it; with
    ``report_only``, the logging callback `call_in_thread` takes instead."""

    def report(seconds: float, error: BaseException | None) -> None:
        late = time.perf_counter() - (call.deadline or 0.0)
        what = "returned" if error is None else f"raised {type(error).__name__}"
        logger.warning(
            "%s %s %.2f s after its deadline; discarded (the deadline's answer was sent)",
            handler.name,
            what,
            late,
        )

    if report_only:
        return report
    func = handler.func

    def run(**kwargs: Any) -> Any:
        try:
            result = func(**kwargs)
        except BaseException as exc:
            if call.expired:
                report(0.0, exc)
            raise
        if call.expired:
            report(0.0, None)
        return result

    return run


def _error_body(reason: str) -> bytes:
    return msgspec.json.encode({"error": reason[:200]})


class _Endpoint:
    """The raw ASGI endpoint that answers Alexa's POSTs (no Request/Response objects: speed)."""

    __slots__ = ("skill",)

    def __init__(self, skill: Skill) -> None:
        self.skill = skill

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            await _send(send, 405, b'{"error": "method not allowed; Alexa POSTs"}', allow=True)
            return
        headers = _read_headers(scope["headers"])
        content_type = headers.get("content-type", "")
        if not content_type.lower().startswith("application/json"):
            await _send(send, 415, b'{"error": "expected application/json"}')
            return
        limit = self.skill.max_body_size
        declared = headers.get("content-length")
        if declared is not None:
            # ASCII digits only ("²".isdigit() is true) and no more of them than any real body
            # needs (int() refuses over 4,300): a server in front may pass on what uvicorn refuses.
            if not (declared.isascii() and declared.isdigit()) or len(declared) > 18:
                await _send(send, 400, b'{"error": "invalid content-length"}')
                return
            if int(declared) > limit:
                await _send(send, 413, b'{"error": "request body too large"}')
                return
        try:
            body = await self._read_body_in_time(receive, limit)
        except TimeoutError:
            # A client that dribbles its body (or stops sending it) keeps no connection open.
            reason = f"request body not received within {self.skill.body_timeout:g} s"
            await _send(send, 408, _error_body(reason), close=True)
            return
        if body is None:
            await _send(send, 413, b'{"error": "request body too large"}')
            return
        capture = self.skill.capture
        if capture is not None:
            capture.write(scope["path"], scope["headers"], body)
        status, payload = await self.skill._handle(headers, body)
        await _send(send, status, payload)

    async def _read_body_in_time(self, receive: Receive, limit: int) -> bytes | None:
        """`_read_body`; `TimeoutError` if the body has not all arrived within ``body_timeout``."""
        skill = self.skill
        seconds = skill.body_timeout
        # The skill's watchdog (alexaskill.deadline): no timer per request.
        watched = watch(skill._watchdog, time.perf_counter() + seconds)
        if watched is None:  # not asyncio (trio, through anyio)
            async with _anyio_deadline(seconds):
                return await _read_body(receive, limit)
        skill._watchdog = watched[0]
        try:
            body = await _read_body(receive, limit)
        except BaseException as exc:
            if expired(watched, exc):
                raise TimeoutError from None
            raise
        watched[0].unwatch(watched[1])
        return body


def _read_headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """The headers `_Endpoint` and the verifier read, by lower-case name, from ASGI's list."""
    headers: dict[str, str] = {}
    for name, value in raw:
        # ASGI servers send names in lower case (the spec says they should); a name that is not
        # is lowered, not missed.
        key = _READ_HEADERS.get(name)
        if key is None and not name.islower():
            key = _READ_HEADERS.get(name.lower())
        if key is not None:
            headers[key] = value.decode("latin-1")
    return headers


async def _read_body(receive: Callable[[], Awaitable[Any]], limit: int) -> bytes | None:
    """The request body, or None as soon as it grows past ``limit`` bytes."""
    message = await receive()
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):
        return body if len(body) <= limit else None
    chunks = [body]
    size = len(body)
    while message.get("more_body", False):
        message = await receive()
        if message["type"] == "http.disconnect":
            return b""
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@contextlib.asynccontextmanager
async def _anyio_deadline(seconds: float) -> AsyncIterator[None]:
    import anyio

    with anyio.fail_after(seconds):
        yield


async def _send(
    send: Send, status: int, body: bytes, *, allow: bool = False, close: bool = False
) -> None:
    headers = [*_JSON_HEADERS, (b"content-length", str(len(body)).encode())]
    if allow:
        headers.append((b"allow", b"POST"))
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
