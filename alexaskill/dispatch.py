"""Handler registry: which function answers a request, found by (request type, intent name).

Nothing here does I/O or imports Starlette, so the same dispatch serves the web service, AWS
Lambda and the tests. Each handler's signature is analysed once, when it is registered
(`alexaskill.injection`); answering a request is a dictionary lookup on (request type, intent
name) and one call per parameter.
"""

from __future__ import annotations

import dataclasses
import inspect
import logging
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .exceptions import ConfigurationError
from .handler_signature import describe, read_signature
from .injection import (
    Call,
    Getter,
    Handler,
    HandlerKey,
    Hook,
    _slot_type_name,
    analyse,
)
from .log_repeats import remember
from .models import Envelope, Request
from .shown_names import shown, shown_value
from .slots import unwrap_optional

__all__ = ["Call", "Handler", "HandlerKey", "Hook", "Registry", "analyse"]

logger = logging.getLogger("alexaskill")


class Registry:
    """The handlers of one skill, looked up by (request type, intent name)."""

    def __init__(self, service_types: Iterable[type] = ()) -> None:
        #: Types of the per-request services the app makes for handlers that ask for them.
        self.service_types = tuple(service_types)
        self._handlers: dict[HandlerKey, Handler] = {}
        self._fallback: Handler | None = None
        self._exception_handlers: dict[type[BaseException], Handler] = {}
        #: The intent names `_say_typo` looked at (each is said once at most; `remember`).
        self._typos_said: dict[str, None] = {}
        #: The warning of each intent name without a handler (`no_handler_warning`; `remember`).
        self._no_handler_lines: dict[str, str] = {}
        #: The request types alexaskill does not know that handlers or hooks were registered
        #: under, each warned of once (`alexaskill.handler_names.check_request_type`).
        self.unknown_types: set[str] = set()
        #: The before- and after-request hooks, in the order they run (registration order).
        self.before_hooks: tuple[Hook, ...] = ()
        self.after_hooks: tuple[Hook, ...] = ()
        #: Whether any hook is registered (requests of a skill without any take a shorter path).
        self.hooked = False
        self._frozen = False

    def freeze(self) -> None:
        """Refuse further registrations: the skill has started answering requests."""
        self._frozen = True

    @property
    def frozen(self) -> bool:
        """Whether registrations are refused (`freeze`)."""
        return self._frozen

    def thaw(self) -> None:
        """Take registrations again: the start that froze them failed, nothing answered."""
        self._frozen = False

    def _check_open(self, func: Callable[..., Any]) -> None:
        if self._frozen:
            raise ConfigurationError(
                f"{describe(func)}: handlers must be registered before the skill is mounted "
                "(skill.mount) or answers its first request"
            )

    def add(self, key: HandlerKey, func: Callable[..., Any], request_cls: type[Request]) -> Handler:
        """Register ``func`` for ``key``; raise `ConfigurationError` if ``key`` has a handler."""
        self._check_open(func)
        existing = self._handlers.get(key)
        if existing is not None:
            what = key[0] if key[1] is None else f"{key[0]} {shown(key[1], quoted=True)}"
            raise ConfigurationError(
                f"{describe(func)}: {what} already has a handler, {existing.name}"
            )
        handler = analyse(func, (request_cls,), service_types=self.service_types)
        if key == ("IntentRequest", None):  # it answers Stop if nothing else does (leaving.py)
            handler = dataclasses.replace(handler, catch_all=True)
        self._handlers[key] = handler
        self._no_handler_lines.clear()  # (their guesses looked at the handlers before it)
        return handler

    def remove(self, key: HandlerKey) -> None:
        """Forget the handler of ``key``: its registration failed a later check."""
        self._handlers.pop(key, None)
        self._no_handler_lines.clear()

    def no_handler_warning(self, name: str) -> str:
        """The WARNING for intent ``name``, which has no handler and the skill no fallback
        (`alexaskill.handler_bugs.no_handler`, with the handled intent it may be a typo of)."""
        line = self._no_handler_lines.get(name)
        if line is None:
            from .handler_bugs import no_handler
            from .log_values import MAX_VALUE

            line = no_handler(name, (k for _, k in self._handlers))
            # Made once a name, not on every request of it (its line is said once every
            # 10 s, its guess was made on each); bounded, as the names come from requests: past
            # the bound all are forgotten (`remember`). A name too long to be guessed
            # (no_handler's bound) is not kept: its line costs nothing to make.
            if len(name) <= MAX_VALUE:
                remember(self._no_handler_lines, name, line)
        return line

    def add_fallback(self, func: Callable[..., Any]) -> Handler:
        """Register the handler for every request and intent that has none of its own."""
        self._check_open(func)
        if self._fallback is not None:
            raise ConfigurationError(
                f"{describe(func)}: the skill already has a fallback, {self._fallback.name}"
            )
        fallback = analyse(func, (Request,), service_types=self.service_types)
        self._fallback = dataclasses.replace(fallback, catch_all=True)
        return self._fallback

    def add_exception_handler(
        self, exc_type: type[BaseException], func: Callable[..., Any]
    ) -> Handler:
        """Register ``func`` to answer when a handler raises ``exc_type`` (or a subclass)."""
        self._check_open(func)
        if not (isinstance(exc_type, type) and issubclass(exc_type, BaseException)):
            raise ConfigurationError(
                f"{describe(func)}: {shown_value(exc_type)} is not an exception type"
            )
        if not issubclass(exc_type, Exception) and exc_type is not BaseException:
            # alexaskill.handler_bugs: a handler's sys.exit() is answered as its bug, a
            # RuntimeError caused by it; a cancellation or a Ctrl-C goes on up. Never this class.
            raise ConfigurationError(
                f"{describe(func)}: {exc_type.__name__} never reaches an exception handler: a "
                f"handler's {exc_type.__name__} is answered as a RuntimeError caused by it; "
                "register for RuntimeError and read exc.__cause__"
            )
        existing = self._exception_handlers.get(exc_type)
        if existing is not None:
            raise ConfigurationError(
                f"{describe(func)}: {exc_type.__name__} already has a handler, {existing.name}"
            )
        first = next(iter(read_signature(func).parameters.values()), None)
        if first is None:
            raise ConfigurationError(
                f"{describe(func)}: an exception handler takes the exception as first parameter"
            )
        _check_exception_parameter(func, first, exc_type)
        handler = analyse(
            func,
            (Request,),
            extra={first.name: lambda call: call.exception},
            service_types=self.service_types,
        )
        handler = dataclasses.replace(handler, catch_all=True)  # it answers Stop too (leaving.py)
        # Never on the loop's thread (alexaskill.pace): quick for one error, an exception handler
        # may block for another, DeadlineExceeded's included, whose answer it would then hold up.
        handler.pace.pinned = True
        self._exception_handlers[exc_type] = handler
        return handler

    def add_hook(
        self,
        when: str,
        func: Callable[..., Any],
        request_classes: tuple[type[Request], ...],
        *,
        request_types: frozenset[str] | None = None,
        intents: frozenset[str] | None = None,
        by_type: Mapping[type, Getter] | None = None,
    ) -> Hook:
        """Register ``func`` to run ``when`` ("before" or "after") the handler of every request,
        or of ``request_types`` and ``intents`` only, with its parameters analysed for
        ``request_classes`` (the requests of that scope)."""
        self._check_open(func)
        handler = analyse(func, request_classes, by_type=by_type, service_types=self.service_types)
        if when == "after":
            _check_after_hook_slots(handler, func)
        if "IntentRequest" in (request_types or ()) or (request_types is None and intents is None):
            # A hook of every intent answers Stop too, though not written for it (leaving.py).
            handler = dataclasses.replace(handler, catch_all=True)
        hook = Hook(handler, request_types, intents)
        if when == "before":
            self.before_hooks = (*self.before_hooks, hook)
        elif when == "after":
            self.after_hooks = (*self.after_hooks, hook)
        else:
            raise ValueError(f"a hook runs 'before' or 'after', not {when!r}")
        self.hooked = True
        return hook

    def handlers_called(self) -> list[Handler]:
        """Every function the skill may call for a request: handlers, fallback, exception
        handlers and hooks."""
        called = [*self._handlers.values(), *self._exception_handlers.values()]
        if self._fallback is not None:
            called.append(self._fallback)
        called.extend(hook.handler for hook in (*self.before_hooks, *self.after_hooks))
        return called

    @property
    def exception_handlers(self) -> Mapping[type[BaseException], Handler]:
        """The registered exception handlers by exception type."""
        return types.MappingProxyType(self._exception_handlers)

    @property
    def handlers(self) -> Mapping[HandlerKey, Handler]:
        """The registered handlers by key."""
        return types.MappingProxyType(self._handlers)

    @property
    def fallback(self) -> Handler | None:
        """The fallback handler, if one is registered."""
        return self._fallback

    def resolve(self, envelope: Envelope) -> Handler | None:
        """The handler for ``envelope``: exact key, then any intent of its type, then fallback.

        Never the fallback for a CanFulfillIntentRequest: Alexa's probe must change nothing
        (the fallback's code is written for a user, its saves included), and is answered NO.
        """
        request = envelope.request
        handlers = self._handlers
        intent = getattr(request, "intent", None)
        if intent is not None:
            handler = handlers.get((request.type, intent.name))
            if handler is not None:
                return handler
            answering = handlers.get((request.type, None))
            if answering is None and request.type != "CanFulfillIntentRequest":
                answering = self._fallback
            if answering is not None and intent.name not in self._typos_said:
                self._say_typo(request.type, intent.name, answering)
            return answering
        return handlers.get((request.type, None)) or self._fallback

    def _say_typo(self, request_type: str, name: str, answering: Handler) -> None:
        """Warn, once for each intent name, when the one a fallback (or a catch-all) answers
        looks like an intent with a handler: the model and the code spell it differently."""
        from .handler_bugs import meant_intent, typo_advice
        from .log_values import MAX_VALUE

        # Bounded, as a name comes from a request: past the bound all are forgotten, each then
        # looked at (and said) again once (`remember`). A name too long to be guessed
        # (meant_intent's bound) is not kept: 256 of them held a request body each.
        if len(name) <= MAX_VALUE:
            remember(self._typos_said, name, None)
        meant = meant_intent(name, (k for t, k in self._handlers if t == request_type))
        if meant is not None:
            what = "the fallback" if answering is self._fallback else f"the {request_type} handler"
            logger.warning(
                "intent %r has no handler of its own: %s (%s) answers it; %s (said once for each "
                "intent)",
                name,
                what,
                answering.name,
                typo_advice(name, meant),
            )

    def exception_handler(
        self, exc: BaseException, *, stop_at: type[BaseException] | None = None
    ) -> Handler | None:
        """The handler registered for the nearest class of ``exc``, if any.

        The search ends at ``stop_at`` (included): a class the caller has its own default for,
        which handlers registered for its base classes do not replace.
        """
        if not self._exception_handlers:
            return None
        for cls in type(exc).__mro__:
            handler = self._exception_handlers.get(cls)
            if handler is not None or cls is stop_at:
                return handler
        return None


def _check_exception_parameter(
    func: Callable[..., Any], param: inspect.Parameter, exc_type: type[BaseException]
) -> None:
    """Refuse an exception parameter annotated with a type ``exc_type`` is not a subclass of: it
    gets the exception whatever its annotation (a `Session`, a `KeyError` for `LookupError`)."""
    annotation = param.annotation
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    members = typing.get_args(annotation) if union else (annotation,)
    classes = [typing.get_origin(m) or m for m in members if m is not type(None)]
    if not all(isinstance(cls, type) for cls in classes) or Any in classes:
        return  # Any, a TypeVar, a string left unevaluated, no annotation: not clearly wrong
    try:
        if annotation is param.empty or any(issubclass(exc_type, cls) for cls in classes):
            return
    except TypeError:  # a Protocol that is not runtime_checkable, say: not clearly wrong
        return
    name = exc_type.__name__
    given = getattr(annotation, "__qualname__", None) or inspect.formatannotation(annotation)
    raise ConfigurationError(
        f"{describe(func)}: its first parameter {shown(param.name, quoted=True)} ({given}) "
        "receives the "
        f"{name}: annotate it {name} or a base class of it; the exception comes first "
        f"(def handler(exc: {name}, …))"
    )


def _check_after_hook_slots(handler: Handler, func: Callable[..., Any]) -> None:
    """Refuse a required slot parameter in an after-request hook: it runs once the handler has
    answered, so asking the user again for the slot would throw that reply away and, on the
    answer, run the handler (and what it did: a booking, a purchase) a second time."""
    parameters = read_signature(func).parameters
    for name, annotation in handler.slots:
        param = parameters[name]
        if param.default is param.empty and not unwrap_optional(annotation)[1]:
            raise ConfigurationError(
                f"{handler.name}: slot parameter {shown(name, quoted=True)} is required, but an "
                "after-request hook runs once the handler has answered: asking the user again "
                f"for it would run the handler a second time; give it a default ({shown(name)}: "
                f"{_slot_type_name(annotation)} | None = None), or read it in the handler"
            )
