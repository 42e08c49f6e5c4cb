"""Registration: a `Skill`'s add_* methods, the decorators over them, and the start that ends it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from .dialog_model import DialogSlot
from .dispatch import Call, Handler, Hook, Registry
from .exceptions import ConfigurationError
from .handler_names import check_intent_name, check_request_type
from .handler_signature import describe
from .interaction import (
    IntentDeclaration,
    SlotTypeDeclaration,
    SlotTypeValue,
    declaration_problems,
    model_warnings,
)
from .lists_deprecated import LISTS_DEPRECATED
from .logs import security_logger
from .models import (
    CanFulfillIntentRequest,
    HouseholdListEventRequest,
    IntentRequest,
    LaunchRequest,
    Request,
    SessionEndedRequest,
    request_class,
)
from .responses import Response
from .shown_names import shown, shown_value

__all__ = ["Registration", "ServiceMakers"]

logger = logging.getLogger("alexaskill")

#: What a handler or hook returns (an ``async def`` one, when awaited): a reply, or None.
_Reply = Response | None
#: A handler or hook: the decorators give it back unchanged, and refuse (for type checkers) one
#: annotated to return anything else, a str say.
F = TypeVar("F", bound=Callable[..., _Reply | Awaitable[_Reply]])
E = TypeVar("E", bound=BaseException)
P = ParamSpec("P")
R = TypeVar("R", bound=_Reply | Awaitable[_Reply])

#: A service's ``create`` and ``finish`` (see `Registration.add_service`).
ServiceMakers = tuple[Callable[[Call], Awaitable[Any]], Callable[[Any], Awaitable[None]] | None]


class Registration:
    """What a `Skill` is told before its first request: handlers, hooks, services, model."""

    # Set by `Skill.__init__` (documented there).
    skill_ids: frozenset[str] | None
    registry: Registry
    intent_declarations: dict[str, IntentDeclaration]
    slot_types: dict[str, SlotTypeDeclaration]
    _services: dict[type, ServiceMakers]
    _started: bool

    # --- registration: decorators are thin wrappers over the add_* methods --------------------

    def add_handler(
        self, request_type: str, func: Callable[..., Any], *, intent: str | None = None
    ) -> Handler:
        """Register ``func`` for requests of ``request_type`` (and ``intent``, if given)."""
        check_request_type(request_type, func, self.registry.unknown_types)
        cls = request_class(request_type)
        if intent is not None and not issubclass(cls, IntentRequest | CanFulfillIntentRequest):
            raise ConfigurationError(
                f"{shown(request_type)} requests carry no intent to match {shown_value(intent)}"
            )
        if intent is not None:
            check_intent_name(intent, func)  # (again, from add_intent_handler: it is cheap)
        handler = self.registry.add((request_type, intent), func, cls)
        if issubclass(cls, HouseholdListEventRequest):
            # Said at registration, where the handler is written: Amazon sends it nothing now.
            logger.warning("%s handles %s: %s", handler.name, request_type, LISTS_DEPRECATED)
        return handler

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
        check_intent_name(name, func)
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
        check_intent_name(name, func)
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
        where = f"{describe(func)}: the {when}-request hook"
        types = _names(request_types, f"{where}'s request_types")
        names = _names(intents, f"{where}'s intents")
        for request_type in types or ():
            check_request_type(request_type, func, self.registry.unknown_types)
        classes = [request_class(request_type) for request_type in types or ()]
        if names is not None:
            for name in names:
                check_intent_name(name, func)
            classes.append(IntentRequest)
        return self.registry.add_hook(
            when,
            func,
            tuple(classes) or (Request,),
            request_types=types,
            intents=names,
            by_type={Response: _reply} if when == "after" else None,
        )

    # The decorators that take the function: type checkers see it required, so that
    # ``@skill.launch()`` is an error where it is written (with ``func: F | None`` they took it,
    # and typed the handler Never). At run time ``func`` defaults to None only so that the
    # mistake gets a message naming the fix (`_check_bare`) rather than Python's own. Both keep
    # the docstrings: editors show the first, help() the second.
    if TYPE_CHECKING:

        def before_request(self, func: F) -> F:
            """Decorator: run ``func`` before every request's handler; a `Response` it returns
            answers the request instead (see `add_before_request`)."""

        def after_request(self, func: F) -> F:
            """Decorator: run ``func`` on every reply; a `Response` it returns replaces the reply
            (see `add_after_request`)."""

        def launch(self, func: F) -> F:
            """Decorator: answer LaunchRequest ("Alexa, open …")."""

        def session_ended(self, func: F) -> F:
            """Decorator: handle SessionEndedRequest (Alexa ignores any speech in the reply)."""

        def fallback(self, func: F) -> F:
            """Decorator: answer every request and intent that has no handler of its own."""

    else:

        def before_request(self, func: F | None = None) -> F:
            """Decorator: run ``func`` before every request's handler; a `Response` it returns
            answers the request instead (see `add_before_request`)."""
            func = _check_bare("before_request", func, scoped=True)
            self.add_before_request(func)
            return func

        def after_request(self, func: F | None = None) -> F:
            """Decorator: run ``func`` on every reply; a `Response` it returns replaces the reply
            (see `add_after_request`)."""
            func = _check_bare("after_request", func, scoped=True)
            self.add_after_request(func)
            return func

        def launch(self, func: F | None = None) -> F:
            """Decorator: answer LaunchRequest ("Alexa, open …")."""
            func = _check_bare("launch", func)
            self.add_handler(LaunchRequest.types[0], func)
            return func

        def session_ended(self, func: F | None = None) -> F:
            """Decorator: handle SessionEndedRequest (Alexa ignores any speech in the reply)."""
            func = _check_bare("session_ended", func)
            self.add_handler(SessionEndedRequest.types[0], func)
            return func

        def fallback(self, func: F | None = None) -> F:
            """Decorator: answer every request and intent that has no handler of its own."""
            func = _check_bare("fallback", func)
            self.add_fallback_handler(func)
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

    def on(self, request_type: str) -> Callable[[F], F]:
        """Decorator: answer requests of ``request_type`` (``"AudioPlayer.PlaybackStarted"``, …)."""
        _check_called("on", request_type, '"AudioPlayer.PlaybackStarted"')

        def register(func: F) -> F:
            self.add_handler(request_type, func)
            return func

        return register

    def exception(
        self, exc_type: type[E]
    ) -> Callable[[Callable[Concatenate[E, P], R]], Callable[Concatenate[E, P], R]]:
        """Decorator: answer with ``func(exc, …)`` when a handler raises ``exc_type``."""
        if not isinstance(exc_type, type) and callable(exc_type):
            raise ConfigurationError(
                f"{describe(exc_type)}: @skill.exception needs the exception type: "
                "@skill.exception(ValueError)"
            )

        def register(func: Callable[Concatenate[E, P], R]) -> Callable[Concatenate[E, P], R]:
            self.add_exception_handler(exc_type, func)
            return func

        return register

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

    @property
    def started(self) -> bool:
        """Whether the skill has started (`start`): served, or answering requests."""
        return self._started

    def start(self, name: str = "this skill") -> None:
        """Freeze the handlers and log, once, what is risky in the set-up (at WARNING).

        Called by the ASGI app and the AWS Lambda handler before their first request: a skill-id
        check switched off, intents handled but not in the interaction model, a dialog prompt's
        translation Alexa would refuse, and the like.
        ``name`` says which skill in the log (the ASGI app's: where it is served; the Lambda
        handler's: its ids, `lambda_log_name`).
        """
        if not self._started:
            self._start_saying(name)

    def _start_saying(self, name: str) -> None:
        """`start`, its warnings said even if the skill has started: each start of the ASGI app
        says them (a lifespan after requests served without one, and a failed one, too)."""
        from .interaction.slot_warnings import slot_warnings, translated_prompt_warnings

        # Started (and the handlers frozen) once every step has run: a start that raised is
        # tried whole again (and fails the same way), never taken for done with its checks
        # skipped; and a handler may still be registered before that try, nothing answered.
        warnings = model_warnings(self) + slot_warnings(self) + translated_prompt_warnings(self)
        self._check_store()
        self.registry.freeze()
        self._started = True
        if self.skill_ids is None:
            security_logger.warning(
                "the skill-id check is OFF (Skill(skill_id='*')) for %s: requests for any skill "
                "are answered",
                name,
            )
        for warning in warnings:
            logger.warning("%s", warning)

    def _check_store(self) -> None:
        """Raise `ConfigurationError` if the skill's store could serve none of its handlers'
        loads and saves (`Skill`'s, which has the store: `store.start_check.check_store`)."""

    def _start_state(self) -> tuple[bool, bool]:
        """Whether the skill has started and its handlers are frozen: what a start that fails
        after `start` gives back (`_restore_start_state`)."""
        return self._started, self.registry.frozen

    def _restore_start_state(self, state: tuple[bool, bool]) -> None:
        """Undo what a start that failed did to registration (``state``: `_start_state` before
        it): a skill that never answered takes handlers again, and is started whole next time."""
        self._started, frozen = state
        if not frozen:
            self.registry.thaw()


def _check_called(decorator: str, argument: object, example: str) -> None:
    """Refuse ``@skill.intent`` written without its argument (it would get the function)."""
    if not isinstance(argument, str) and callable(argument):
        raise ConfigurationError(
            f"{describe(argument)}: @skill.{decorator} needs an argument: "
            f"@skill.{decorator}({example})"
        )


def _check_bare(decorator: str, func: F | None, *, scoped: bool = False) -> F:
    """Refuse ``@skill.launch()`` and ``@skill.before_request(…)``: such a decorator takes no
    arguments, but the function. (``func`` defaults to None only to say so: Python's own error,
    a missing positional argument, names no fix.)"""
    if not callable(func):
        how = (
            f", or call skill.add_{decorator}(func, request_types=[…], intents=[…]) to scope it"
            if scoped
            else ""
        )
        raise ConfigurationError(
            f"@skill.{decorator} takes no arguments: write @skill.{decorator} above the function, "
            f"without parentheses{how}"
        )
    return func


def _names(values: Iterable[str] | None, what: str) -> frozenset[str] | None:
    """A hook's scope, ``request_types`` or ``intents``: None (any), or a non-empty set."""
    if values is None:
        return None
    if isinstance(values, str):
        raise ConfigurationError(f"{what} is a list of names: [{shown_value(values)}]")
    names = frozenset(values)
    if not names or not all(isinstance(name, str) and name for name in names):
        raise ConfigurationError(f"{what}: a non-empty list of names (or None: every one)")
    return names


def _reply(call: Call) -> Response | None:
    response: Response | None = call.response
    return response
