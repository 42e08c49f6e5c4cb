"""Reading a handler's signature: its annotations evaluated, and what no handler may declare.

`read_signature` gives `alexaskill.injection` the parameters of any callable a skill registers
(a function, a bound method, a `functools.partial`, an object with ``__call__``), their string
annotations (``from __future__ import annotations``) evaluated; `check_returns` refuses a
return annotation that is clearly no reply.
"""

from __future__ import annotations

import builtins
import functools
import inspect
import logging
import operator
import os
import sys
import types
import typing
from collections.abc import Callable
from typing import Any

from .exceptions import ConfigurationError
from .responses.response import Response
from .shown_names import shown

__all__ = [
    "APP_FILE_MODULE",
    "check_callable",
    "check_parameters",
    "check_returns",
    "describe",
    "module_shown",
    "plain_annotation",
    "read_signature",
    "wrapped_coroutine_function",
]

logger = logging.getLogger("alexaskill")


#: The name the command line gives a skill's file it imports whose own name is no module's
#: (``my-skill.py``, or one taken already): ``_alexaskill_app``, ``_alexaskill_app_app``.
APP_FILE_MODULE = "_alexaskill_app"


def describe(func: object) -> str:
    """Where ``func`` comes from, for messages: ``module.qualname`` (a partial:
    ``functools.partial(module.qualname)``, an object with ``__call__``: ``module.Class()``),
    never a repr, which may hold bound values. In a file the command line imported under a
    name of its own (`APP_FILE_MODULE`), ``file.py:qualname``: the name the author wrote."""
    if isinstance(func, functools.partial):
        return f"functools.partial({describe(func.func)})"
    qualname = getattr(func, "__qualname__", None)
    if not isinstance(qualname, str):
        # An object with __call__: its class, never its repr (which may hold its fields).
        cls = type(func)
        return f"{module_shown(cls.__module__)}{cls.__qualname__}()"
    return f"{module_shown(getattr(func, '__module__', None) or '?')}{qualname}"


def module_shown(module: str) -> str:
    """``module`` as `describe` shows it, with the separator before a qualified name."""
    if module.startswith(APP_FILE_MODULE):
        file = getattr(sys.modules.get(module), "__file__", None)
        if isinstance(file, str):
            return f"{os.path.basename(file)}:"
    return f"{module}."


def read_signature(func: Callable[..., Any]) -> inspect.Signature:
    """``func``'s signature, its parameters' annotations evaluated; `ConfigurationError` naming
    ``func`` if they can't be (a name not defined, say).

    A return annotation that can't be evaluated is left out: injection does not need it, and
    ``-> Response`` may name a type imported under ``TYPE_CHECKING`` only. ``Annotated[X, …]``
    is X: its metadata is for other tools (PEP 593), and alexaskill reads none. The keywords a
    `functools.partial` binds are left out, as its positional arguments are: they are the
    partial's to give, not a slot's.
    """
    signature = _evaluated_signature(func)
    bound = _bound_keywords(func)
    parameters = [
        param.replace(annotation=_unquoted(func, param, plain_annotation(param.annotation)))
        for param in signature.parameters.values()
        if not (param.name in bound and param.kind is param.KEYWORD_ONLY)
    ]
    return signature.replace(
        parameters=parameters, return_annotation=plain_annotation(signature.return_annotation)
    )


def _is_quoted(annotation: Any) -> bool:
    """Whether ``annotation`` is, or holds in a union or a list, a name still quoted: a str or a
    ForwardRef (``Optional["Size"]``, ``list["Size"]``, ``"Size"`` under ``from __future__
    import annotations``), which evaluating the annotation leaves as it is."""
    if isinstance(annotation, str | typing.ForwardRef):
        return True
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union) or origin is list:
        return any(map(_is_quoted, typing.get_args(annotation)))
    return False


def _unquoted(func: Callable[..., Any], param: inspect.Parameter, annotation: Any) -> Any:
    """``annotation`` with its quoted names evaluated in ``func``'s module, as the annotation
    itself was; `ConfigurationError` naming the parameter if one cannot be."""
    if not _is_quoted(annotation):
        return annotation
    names = _globals_of(func)

    def evaluated(part: Any) -> Any:
        if isinstance(part, typing.ForwardRef):
            part = part.__forward_arg__
        if isinstance(part, str):
            return evaluated(plain_annotation(_evaluated(part, names)))
        origin, args = typing.get_origin(part), typing.get_args(part)
        if origin in (types.UnionType, typing.Union):
            return typing.Union[tuple(map(evaluated, args))]  # noqa: UP007
        if origin is list and len(args) == 1:
            return list[evaluated(args[0])]  # type: ignore[misc]
        return part

    try:
        return evaluated(annotation)
    except Exception as exc:
        raise _not_evaluated(func, param, exc, names) from exc


def _bound_keywords(func: Callable[..., Any]) -> frozenset[str]:
    """The names of the keyword arguments ``func`` binds, if it is a `functools.partial`."""
    names: set[str] = set()
    while isinstance(func, functools.partial):
        names.update(func.keywords)
        func = func.func
    return frozenset(names)


def plain_annotation(annotation: Any) -> Any:
    """``annotation`` without the ``Annotated[…]`` wrappers, also inside ``X | None`` and
    ``list[X]``: ``Annotated[int, "cm"] | None`` is ``int | None``."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return plain_annotation(annotation.__origin__)
    args = typing.get_args(annotation)
    if origin is types.UnionType:
        return functools.reduce(operator.or_, map(plain_annotation, args))
    if origin is typing.Union:
        return typing.Union[tuple(map(plain_annotation, args))]  # noqa: UP007
    if origin is list and len(args) == 1:
        return list[plain_annotation(args[0])]  # type: ignore[misc]
    return annotation


def _evaluated_signature(func: Callable[..., Any]) -> inspect.Signature:
    try:
        return inspect.signature(func, eval_str=True)
    except Exception:  # noqa: S110 (an annotation that does not evaluate: said below, by parameter)
        pass
    try:
        signature = inspect.signature(func)
    except (NameError, TypeError, SyntaxError) as exc:
        raise ConfigurationError(f"{describe(func)}: cannot read its signature: {exc}") from exc
    names = _globals_of(func)
    parameters = []
    for param in signature.parameters.values():
        try:
            annotation = _evaluated(param.annotation, names)
        except Exception as exc:  # datetime.dat, list[int][0], …: whatever the expression raises
            raise _not_evaluated(func, param, exc, names) from exc
        parameters.append(param.replace(annotation=annotation))
    return signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty)


def _not_evaluated(
    func: Callable[..., Any], param: inspect.Parameter, exc: Exception, names: dict[str, Any]
) -> ConfigurationError:
    """The error for ``param``'s annotation, whose evaluation in ``names`` raised ``exc``."""
    if isinstance(exc, NameError):
        return ConfigurationError(_undefined(describe(func), param, exc, names))
    return ConfigurationError(
        f"{describe(func)}: parameter {shown(param.name, quoted=True)} is annotated "
        f"{shown(str(param.annotation))}, which cannot be evaluated: {shown(str(exc))}"
        f"{_attribute_meant(exc)}"
    )


def _undefined(where: str, param: inspect.Parameter, exc: NameError, names: dict[str, Any]) -> str:
    """What to say of an annotation that names something undefined where it is evaluated."""
    from .typos import did_you_mean

    missing = exc.name or str(exc)
    module = names.get("__name__", "?")
    known = [name for name, value in {**vars(builtins), **names}.items() if isinstance(value, type)]
    meant = did_you_mean(missing, known)
    if meant:
        fix = meant.removeprefix("; ")
    else:
        fix = (
            "a handler's annotations are read when it is registered, in its module's names: "
            "define or import it above the handler, at module level (not only under `if "
            "TYPE_CHECKING:`, nor in a function)"
        )
    return (
        f"{where}: parameter {shown(param.name, quoted=True)} is annotated "
        f"{shown(str(param.annotation))}, a name not defined in module {module} "
        f"({shown(missing)}); {fix}"
    )


def _attribute_meant(exc: Exception) -> str:
    """``"; did you mean date?"`` for an AttributeError of a name close to one ``obj`` has."""
    if not isinstance(exc, AttributeError) or exc.name is None:
        return ""
    from .typos import did_you_mean

    return did_you_mean(exc.name, [name for name in dir(exc.obj) if not name.startswith("_")])


def check_returns(where: str, annotation: Any) -> None:
    """Refuse a return annotation that is clearly neither a Response nor None (``-> str``)."""
    union = typing.get_origin(annotation) in (typing.Union, types.UnionType)
    for member in typing.get_args(annotation) if union else (annotation,):
        cls = typing.get_origin(member) or member
        # Any, a TypeVar, NoReturn, a string left unevaluated, …: not clearly wrong.
        if not isinstance(cls, type) or cls in (Any, object, type(None), inspect.Signature.empty):
            continue
        if not issubclass(cls, Response):
            raise ConfigurationError(
                f"{where}: annotated to return {inspect.formatannotation(annotation)}; a handler "
                "returns a Response (from speak(), ask(), …) or None"
            )


def _globals_of(func: Callable[..., Any]) -> dict[str, Any]:
    """The names ``func``'s string annotations are evaluated in, as `inspect.signature` finds
    them (a wrapper's wrapped function, a partial's function, an instance's ``__call__``)."""
    call = getattr(type(func), "__call__", None)  # noqa: B004
    for candidate in (func, getattr(func, "func", None), call):
        if candidate is not None:
            found = getattr(inspect.unwrap(candidate), "__globals__", None)
            if isinstance(found, dict):
                return found
    return {}


def _evaluated(annotation: Any, names: dict[str, Any]) -> Any:
    if not isinstance(annotation, str):
        return annotation
    # As inspect.signature(eval_str=True) does it.
    return eval(annotation, names, None)  # noqa: S307


def check_parameters(where: str, signature: inspect.Signature) -> None:
    """Refuse parameters no request can fill: ``*args``, ``**kwargs``, positional-only ones,
    and the ``self`` of a method registered from its class rather than an instance."""
    parameters = list(signature.parameters.values())
    first = parameters[0] if parameters else None
    if (
        first is not None
        and first.name in ("self", "cls")
        and first.annotation is inspect.Parameter.empty
        and first.kind in (first.POSITIONAL_ONLY, first.POSITIONAL_OR_KEYWORD)
    ):
        # A method taken from its class (Greeter.greet), or decorated in the class body: it
        # would be called without an instance, its `self` taken for a slot never filled.
        owner, _, method = where.rpartition(".")
        raise ConfigurationError(
            f"{where}: its first parameter is {first.name!r}: it is a method, registered "
            f"without an instance to call it on; register the method of an instance instead, "
            f"{owner.rpartition('.')[2] or 'obj'}().{method}, once the class is defined, "
            "or make it a @staticmethod or a function"
        )
    for param in parameters:
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            stars = "*" if param.kind is param.VAR_POSITIONAL else "**"
            raise ConfigurationError(
                f"{where}: {stars}{shown(param.name)} cannot be injected; name each parameter (a "
                "decorator's wrapper that takes *args, **kwargs keeps the signature of the "
                "function it wraps with @functools.wraps)"
            )
        if param.kind is param.POSITIONAL_ONLY:
            raise ConfigurationError(
                f"{where}: parameter {shown(param.name, quoted=True)} is positional-only; "
                "arguments go by name"
            )


def check_callable(where: str, func: Callable[..., Any]) -> bool:
    """Whether ``func`` is called as ``async def``; `ConfigurationError` if no call of it can
    give a reply: a generator function.

    What is called is looked for through `functools.partial`, in an object's ``__call__`` and
    in a `staticmethod` object.
    A ``def`` wrapper of an ``async def`` handler is a ``def`` handler, with a warning
    (`wrapped_coroutine_function`).
    """
    code = _called(func)
    if inspect.isgeneratorfunction(code) or inspect.isasyncgenfunction(code):
        # Called, it returns a generator, never a reply: refused here, not at every request.
        raise ConfigurationError(
            f"{where} is a generator function (it yields): a handler returns its reply"
        )
    if inspect.iscoroutinefunction(code):
        return True
    wrapped = wrapped_coroutine_function(func)
    if wrapped is not None:
        logger.warning(
            "the wrapper of %s is a def function: unless it runs the coroutine itself "
            "(asyncio.run), it returns it unawaited and every request gets the apology; and "
            "it runs in a worker thread on every call. Make the wrapper async def: async def "
            "wrapper(*args, **kwargs): return await func(*args, **kwargs)",
            describe(wrapped),
        )
    return False


def wrapped_coroutine_function(func: Callable[..., Any]) -> Any:
    """The ``async def`` function ``func`` wraps if ``func`` is a ``def`` wrapper of one (a
    decorator's, with `functools.wraps`), else None.

    Such a wrapper either returns the coroutine, never awaited, or runs it itself
    (``asyncio.run``), which raises on the event loop's thread: its calls stay in worker
    threads (`alexaskill.pace.Pace`).
    """
    code = _called(func)
    if inspect.iscoroutinefunction(code):
        return None
    wrapped = inspect.unwrap(code)
    if wrapped is not code and inspect.iscoroutinefunction(_called(wrapped)):
        return wrapped
    return None


def _called(func: Callable[..., Any]) -> Any:
    """The function a call of ``func`` runs: a partial's, an object's ``__call__``, a
    `staticmethod` object's (registered by a decorator below ``@staticmethod``)."""
    while isinstance(func, functools.partial | staticmethod):
        func = func.func if isinstance(func, functools.partial) else func.__func__
    if inspect.isroutine(func) or isinstance(func, type):
        return func
    return getattr(type(func), "__call__", func)  # noqa: B004
