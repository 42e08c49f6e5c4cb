"""Parameter injection: what each handler's parameters receive, analysed once per handler.

Each handler's signature is analysed when it is registered (`analyse`): a parameter is filled by
its annotation when that is a framework type (`IntentRequest`, `Session`, `Context`, …), by the
services the app makes, and otherwise by the slot of the same name, converted from its
annotation by `alexaskill.slots`. Answering a request is then one call per parameter.
"""

from __future__ import annotations

import copy
import enum
import inspect
import logging
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from . import slots as _slots
from .builtin_intents import CUSTOM_NAME
from .call import Call
from .exceptions import ConfigurationError, SlotError
from .handler_signature import (
    check_callable,
    check_parameters,
    check_returns,
    describe,
    read_signature,
)
from .models import (
    CanFulfillIntentRequest,
    Context,
    Device,
    Envelope,
    Intent,
    IntentRequest,
    Request,
    Session,
    Slot,
    System,
    User,
)
from .pace import Pace
from .responses.response import Response
from .shown_names import shown, shown_value

__all__ = ["Call", "Getter", "Handler", "HandlerKey", "Hook", "analyse"]

logger = logging.getLogger("alexaskill")

#: (request type, intent name or None): the key handlers are registered and looked up under.
HandlerKey = tuple[str, str | None]

_INTENT_CLASSES: Final = (IntentRequest, CanFulfillIntentRequest)


def _context(call: Call) -> Context:
    return call.envelope.context or Context()


def _system(call: Call) -> System:
    return _context(call).system or System()


def _user(call: Call) -> User:
    return _system(call).user or call.session.user or User()


def _device(call: Call) -> Device:
    return _system(call).device or Device()


def _intent(call: Call) -> Intent:
    intent: Intent = call.envelope.request.intent  # type: ignore[attr-defined]
    return intent


# Types injected by annotation. Request classes are handled separately (any subclass).
_INJECTED: Final[dict[type, Callable[[Call], Any]]] = {
    Envelope: lambda call: call.envelope,
    Session: lambda call: call.session,
    Context: _context,
    System: _system,
    User: _user,
    Device: _device,
    Call: lambda call: call,
}

Getter = Callable[[Call], Any]


@dataclass(frozen=True, slots=True)
class Handler:
    """A registered function with the getters of its arguments, analysed once."""

    func: Callable[..., Any]
    is_async: bool
    params: tuple[tuple[str, Getter], ...]
    #: Where the function comes from, for messages: ``module.qualname``.
    name: str
    #: The service types its parameters ask for: the app makes these before the call.
    services: tuple[type, ...] = ()
    #: The parameters filled from slots, with their annotations (the interaction model's slots).
    slots: tuple[tuple[str, Any], ...] = ()
    #: Whether it receives the whole intent (an `Intent`, the request or the envelope), and so
    #: may read slots that are not parameters.
    takes_intent: bool = False
    #: The types of ``analyse(by_type=…)`` its parameters take without ``| None``: it has
    #: nothing to do without a value of each (an after-request hook that takes the `Response`).
    required: tuple[type, ...] = ()
    #: Whether it answers intents not registered for it (the fallback, the handler or a hook of
    #: every IntentRequest, an exception handler): its replies to Stop are checked.
    catch_all: bool = False
    #: Where a ``def`` function's calls run, by how long they took (`alexaskill.pace`).
    pace: Pace = field(kw_only=True, compare=False, repr=False)

    def arguments(self, call: Call) -> dict[str, Any]:
        """The keyword arguments for one call; `SlotError` for a required slot left unfilled."""
        # A loop, not a dict comprehension: before Python 3.12 a comprehension is a function of
        # its own, made and called on every request (1,600 instructions more for three getters).
        arguments: dict[str, Any] = {}
        for name, getter in self.params:
            arguments[name] = getter(call)
        return arguments


@dataclass(frozen=True, slots=True)
class Hook:
    """A function run before or after the handler of every request, or of those in its scope."""

    handler: Handler
    #: The request types it runs for, and the intents (of IntentRequests) it runs for; both
    #: None: every request.
    request_types: frozenset[str] | None = None
    intents: frozenset[str] | None = None

    def applies(self, request: Request) -> bool:
        """Whether the hook runs for ``request``."""
        request_types, intents = self.request_types, self.intents
        if request_types is None and intents is None:
            # Every request but Alexa's CanFulfillIntent probe, whose answer carries
            # canFulfillIntent alone: a hook runs for it only when scoped to it.
            return request.type != "CanFulfillIntentRequest"
        if request_types is not None and request.type in request_types:
            return True
        if intents is None or request.type != "IntentRequest":
            return False
        intent: Intent | None = getattr(request, "intent", None)
        return intent is not None and intent.name in intents


#: The kinds of default `_slot_getter` copies for each call (what a handler may change).
_MUTABLE_DEFAULTS: Final = (list, dict, set, bytearray)


def _carries_every_slot(call: Call) -> bool:
    """Whether ``call`` answers an IntentRequest, which carries every slot of its intent."""
    return call.envelope.request.type == "IntentRequest"


def _slot_getter(where: str, name: str, annotation: Any, default: Any, optional: bool) -> Getter:
    converter = _slots.converter_for(where, name, annotation, default=default)
    missing = _slots.MISSING
    has_default = default is not inspect.Parameter.empty
    # A list (a list slot's default is one), dict, set or bytearray is copied for each call, as
    # pydantic copies a field's: the one object of every call, a handler that appended to it
    # passed one user's values on to the next.
    fresh = has_default and isinstance(default, _MUTABLE_DEFAULTS)
    warned = False

    def get(call: Call) -> Any:
        nonlocal warned
        intent: Intent | None = getattr(call.envelope.request, "intent", None)
        slots = None if intent is None else intent.slots
        slot: Slot | None = None if slots is None else slots.get(name)
        value = converter(slot)
        if value is not missing:
            return value
        if has_default or optional:
            if slot is not None and (slot.value or slot.slot_value is not None):  # heard: logged
                _slots.log_fallback(call, intent, name, slot, annotation, default, has_default)
            if fresh:
                return copy.deepcopy(default)
            return default if has_default else None
        if (
            slot is None
            and slots
            and intent is not None
            and not warned
            and _carries_every_slot(call)
        ):
            # Alexa sends every slot of the intent's model, filled or not: one that other slots
            # come without is not in the model, and asking again never fills it. Said once per
            # handler and slot, on this path alone (a request without slots tells nothing, nor
            # does a CanFulfillIntentRequest: Alexa's probe carries the slots it heard).
            warned = True
            logger.warning(
                "%s: intent %s comes with slots (%s) but none named %s: Alexa sends every slot "
                "of the intent's model, so this parameter is not one and the user is asked "
                "again for ever; annotate it with a framework type, give it a default, or add "
                "the slot to the model",
                where,
                intent.name,
                shown(", ".join(slots)),  # (the request's, and the name, cut as they are long)
                shown(name, quoted=True),
            )
        # An empty value is no value (the policy of `alexaskill.slots`): the slot is missing.
        said = None if slot is None else [value for value in slot.values if value]
        if not said or slot is None:
            raise SlotError(name)
        # The value that does not convert: in a list, not always the first ("?" in ["3", "?"]).
        value, reason = _slots.unconverted_value(annotation, slot) or (said[0], None)
        raise SlotError(name, value, reason)

    return get


def analyse(
    func: Callable[..., Any],
    request_classes: tuple[type[Request], ...],
    *,
    extra: Mapping[str, Getter] | None = None,
    by_type: Mapping[type, Getter] | None = None,
    service_types: tuple[type, ...] = (),
) -> Handler:
    """Analyse ``func`` for requests of ``request_classes``; `ConfigurationError` if it can't be.

    ``extra`` maps parameter names to getters the caller provides (the exception of an exception
    handler, say) ahead of injection by type; ``by_type`` maps further types to their getters
    (the reply, for an after-request hook). A parameter annotated with one of
    ``service_types`` receives the object the app made for the request.
    """
    where = describe(func)
    if not callable(func):
        raise ConfigurationError(f"{where} is not callable")
    is_async = check_callable(where, func)
    signature = read_signature(func)
    check_returns(where, signature.return_annotation)
    check_parameters(where, signature)
    can_have_slots = any(issubclass(cls, _INTENT_CLASSES) for cls in request_classes) or (
        Request in request_classes
    )
    params: list[tuple[str, Getter]] = []
    services: list[type] = []
    slots: list[tuple[str, Any]] = []
    required: list[type] = []
    takes_intent = False
    for param in signature.parameters.values():
        # The name as the messages quote it: a long one cut (a 5,000-character name made a
        # message of 5,000 characters, or 10,000 where it is said twice).
        said = shown(param.name, quoted=True)
        if extra and param.name in extra:
            params.append((param.name, extra[param.name]))
            continue
        if param.annotation is inspect.Parameter.empty and (
            param.name in _INJECTABLE_NAMES
            # The reply, only where it can be had: an after-request hook's.
            or (param.name == "response" and by_type and Response in by_type)
        ):
            raise ConfigurationError(
                f"{where}: parameter {said} has no annotation, so it would be the slot named "
                f"{said}; annotate it {param.name}: "
                f"{_injectable_annotation(param.name, request_classes)} to receive the "
                f"{param.name.replace('_', ' ')}"
            )
        annotation, optional = _slots.unwrap_optional(param.annotation)
        if by_type and annotation in by_type:
            params.append((param.name, by_type[annotation]))
            if not optional and annotation not in required:
                required.append(annotation)
            continue
        service = _service_type(annotation, service_types)
        if service is not None:
            if service not in services:
                services.append(service)
            params.append((param.name, _service_getter(service)))
            continue
        getter = _injected_getter(where, param.name, annotation, optional, request_classes)
        if getter is None and _may_be_service(annotation):
            # Before the slot checks, whose messages would send the author the wrong way.
            service_name = annotation.__name__
            raise ConfigurationError(
                f"{where}: parameter {said} is annotated {service_name}, which is no "
                f"framework type, no slot type, and no service added so far: if {service_name} "
                f"is a service, call skill.add_service({service_name}, create) before registering "
                "the handlers and hooks that take it"
            )
        if getter is None and _is_framework_union(annotation, service_types):
            raise ConfigurationError(
                f"{where}: parameter {said} is annotated {_union_name(annotation)}: a "
                "parameter takes one framework type (Request for a request of any type, "
                "X | None for one that may be absent); take one parameter for each"
            )
        if getter is None:
            if not can_have_slots:
                raise ConfigurationError(
                    f"{where}: parameter {said} ({_type_name(param.annotation)}) cannot be "
                    f"injected: requests of type {_types_of(request_classes)} carry no slots, and "
                    f"it is not one of {_injectable_names(service_types)}"
                )
            slotless = [cls for cls in request_classes if not issubclass(cls, _INTENT_CLASSES)]
            if slotless and param.default is param.empty and not optional:
                # It answers requests that carry no slots (an unscoped hook, the fallback, a
                # hook scoped to LaunchRequest too): a required slot would re-ask each of them.
                which = "a launch, say" if Request in slotless else _types_of(slotless)
                raise ConfigurationError(
                    f"{where}: slot parameter {said} is required, but it also answers "
                    f"requests that carry no slots ({which}): give it a default "
                    f"({shown(param.name)}: {_slot_type_name(param.annotation)} | None = None), or "
                    "scope it to intents"
                )
            if not CUSTOM_NAME.fullmatch(param.name):
                raise ConfigurationError(
                    f"{where}: parameter {said} would be the slot named {said}, "
                    "and a slot's name is ASCII letters and underscores, starting with a letter: "
                    "rename it after the slot, or annotate it with a framework type"
                )
            getter = _slot_getter(where, param.name, annotation, param.default, optional)
            slots.append((param.name, param.annotation))
        elif isinstance(annotation, type) and issubclass(annotation, Envelope | Request | Intent):
            takes_intent = True
        params.append((param.name, getter))
    return Handler(
        func=func,
        is_async=is_async,
        params=tuple(params),
        name=where,
        services=tuple(services),
        slots=tuple(slots),
        takes_intent=takes_intent,
        required=tuple(required),
        # A service with call_sync (AlexaApi) reaches the loop from a worker thread: its users
        # stay in one.
        pace=Pace(func, pinned=any(hasattr(service, "call_sync") for service in services)),
    )


# Names a parameter is likely to be given when the author means a framework type, with that
# type: left unannotated, such a parameter would silently become a slot of that name. (So would
# ``response``, an after-request hook's reply: `analyse` checks it where a reply is injected.)
_INJECTABLE_NAMES: Final = {
    "envelope": "Envelope",
    "request": "",  # the handler's request class, see _injectable_annotation
    "intent": "Intent",
    "session": "Session",
    "context": "Context",
    "system": "System",
    "user": "User",
    "device": "Device",
    "attributes": "Attributes",
    "api": "AlexaApi",
}


def _injectable_annotation(name: str, request_classes: tuple[type[Request], ...]) -> str:
    annotation = _INJECTABLE_NAMES.get(name, "Response")
    if annotation:
        return annotation
    if len(request_classes) == 1 and request_classes[0] is not Request:
        return request_classes[0].__name__
    return "Request"


def _injected_getter(
    where: str,
    name: str,
    annotation: Any,
    optional: bool,
    request_classes: tuple[type[Request], ...],
) -> Getter | None:
    if not isinstance(annotation, type):
        return None
    getter = _INJECTED.get(annotation)
    if getter is not None:
        return getter
    if issubclass(annotation, Request):
        if all(issubclass(cls, annotation) for cls in request_classes):
            return lambda call: call.envelope.request
        if optional:
            wanted = annotation
            return lambda call: (
                call.envelope.request if isinstance(call.envelope.request, wanted) else None
            )
        raise ConfigurationError(
            f"{where}: parameter {shown(name, quoted=True)} is annotated "
            f"{annotation.__name__}, but this handler answers {_types_of(request_classes)}; "
            "annotate it "
            f"{annotation.__name__} | None, or Request"
        )
    if annotation is Intent:
        if all(issubclass(cls, _INTENT_CLASSES) for cls in request_classes):
            return _intent
        if optional:
            return lambda call: getattr(call.envelope.request, "intent", None)
        raise ConfigurationError(
            f"{where}: parameter {shown(name, quoted=True)} is an Intent, but this handler "
            "answers requests without one; annotate it Intent | None"
        )
    return None


def _service_type(annotation: Any, service_types: tuple[type, ...]) -> type | None:
    if isinstance(annotation, type):
        for service_type in service_types:
            if issubclass(annotation, service_type):
                return service_type
    return None


def _may_be_service(annotation: Any) -> bool:
    """Whether ``annotation`` is a class of the skill's own (or a library's) that no slot fills:
    a service, most likely, asked for before `Registration.add_service` added it. Not an Enum
    (meant for a slot: the slot's message says what it lacks), nor a standard library value
    class (``Decimal``, ``datetime.datetime``: meant for a slot too)."""
    return (
        isinstance(annotation, type)
        and not isinstance(annotation, types.GenericAlias)
        and not issubclass(annotation, enum.Enum)
        and annotation.__module__.partition(".")[0] not in _NOT_SERVICES
        and not _slots.is_slot_annotation(annotation)
    )


#: Modules whose classes are no service of a skill's own: values, and this package's types
#: (by its own name: "alexaskill", another if loaded beside it, as benchmarks/before_after.py
#: loads a checkout).
_NOT_SERVICES: Final = frozenset(
    (
        __name__.partition(".")[0],
        "builtins",
        "datetime",
        "decimal",
        "fractions",
        "ipaddress",
        "pathlib",
        "uuid",
    )
)


def _is_framework_union(annotation: Any, service_types: tuple[type, ...]) -> bool:
    """Whether ``annotation`` is a union (``None`` aside) with a framework or service type in it:
    no parameter is filled by either of two types."""
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return False
    framework = (*_INJECTED, Request, Intent, *service_types)
    return any(
        isinstance(member, type) and issubclass(member, framework)
        for member in typing.get_args(annotation)
    )


def _union_name(annotation: Any) -> str:
    members = typing.get_args(annotation)
    return " | ".join("None" if m is type(None) else _type_name(m) for m in members)


def _service_getter(service_type: type) -> Getter:
    return lambda call: call.services[service_type]


def _type_name(annotation: Any) -> str:
    """An annotation as a message names it: its name, else its repr (``int | list[str]``),
    each cut as `shown_value` cuts a value (a ``Literal`` of a long str's repr was said whole),
    and a repr that fails said without it (the annotation's fault is the message's subject)."""
    if annotation is inspect.Parameter.empty:
        return "no annotation"
    name = getattr(annotation, "__name__", None)
    return shown(name) if isinstance(name, str) and name else shown_value(annotation)


def _slot_type_name(annotation: Any) -> str:
    """A slot parameter's type, as a fix shows it: ``str`` for one not annotated."""
    return "str" if annotation is inspect.Parameter.empty else _type_name(annotation)


def _types_of(request_classes: Iterable[type[Request]]) -> str:
    names = [name for cls in request_classes for name in (cls.types or (cls.__name__,))]
    return ", ".join(names[:3]) + (", …" if len(names) > 3 else "")


def _injectable_names(service_types: tuple[type, ...]) -> str:
    names = sorted(t.__name__ for t in [*_INJECTED, Request, Intent, *service_types])
    return ", ".join(names)
