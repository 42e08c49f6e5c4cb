"""The WARNING for a reply a handler built and did not return: ``ask("…")`` written without
``return`` (`said_dropped_reply`), found in the handler's own source, read once.

`alexaskill.answering` calls it when a handler returned None.
"""

from __future__ import annotations

import logging
from types import CodeType, FunctionType, ModuleType
from typing import TYPE_CHECKING, Final, TypeGuard, TypeVar

from .rules import audio_reply_directives, heard_by_nobody, takes_only_audio

_T = TypeVar("_T")

if TYPE_CHECKING:
    import ast

    from .injection import Handler
    from .models import Envelope

__all__ = ["said_dropped_reply"]

logger = logging.getLogger("alexaskill")


#: The registrations whose None was judged (`Handler`, by id, or its complement outside a
#: session; a catch-all's with the request type and whether it came outside a session): each
#: once. Per registration, not per function: a function registered for an intent and for a
#: probe (or an event) has a `Handler` for each, and is told what fits each. By id, not by the
#: handler or its code: a code object's hash is worked out anew at each lookup, from its
#: constants (the look cost a small handler's request 1,900 instructions, 1,100 by id, and more
#: as the handler grows); a callable object's own hash may be slow or raise. The handler is
#: kept, so that its id is no other's.
_JUDGED: Final[dict[object, Handler]] = {}

#: How many kinds of request a catch-all is judged at, at most, and how many it was (by the
#: handler's id). Amazon sends about sixty request types, in a session or not; an unverified
#: request (``verify=False``, a Lambda behind a function URL) may carry any, and each type made
#: up left a mark for ever, its text in it: past this many, a catch-all's None is let be.
_KINDS_MOST = 256
_KINDS: Final[dict[int, int]] = {}

#: What each function's code was found to drop (`_dropped_call`), by id: its source is read
#: once, whatever the registrations it serves; with the advice said of it, each once.
_FOUND: Final[dict[int, tuple[object, tuple[str, str] | None, set[str]]]] = {}


def said_dropped_reply(handler: Handler, envelope: Envelope) -> None:
    """Warn, once for each registration of a handler (each kind of request its function
    serves, in a session and outside one), when it returned None to ``envelope``'s request
    and its own code calls one of alexaskill's reply builders (``speak``, ``ask``,
    ``elicit_slot``, ``Response``, …) as a statement, its result dropped: ``ask("…")``
    written without ``return``, which the user hears as nothing. The advice fits the request:
    ``can_fulfill`` at a CanFulfillIntentRequest (Alexa's probe, answered NO), AudioPlayer
    directives at an AudioPlayer event, the call dropped at a request outside a session (a
    skill event, a message: no conversation is open, and None is its answer). Looked for only
    then: a None returned on purpose costs a dict lookup; the source is read and parsed once
    for a function. Never for a request Alexa takes no reply to (SessionEndedRequest,
    PlaybackStopped): what it would have returned is dropped all the same."""
    # The lookup first: a registration judged already (most) pays nothing more. A registration
    # serves one request type, judged at its first None in a session and at its first outside
    # one (the advice differs: `_advice`), two marks at most: its key is the handler's id, or
    # the id's complement outside a session, an int no id is (ids are never negative), looked
    # up as cheaply as the id, where a tuple would be built and hashed at each None. A
    # catch-all (the fallback, the handler of every intent) serves any type, each judged at its
    # first, in a session or not: its key is a tuple, whose lookup costs a catch-all's None
    # 1,000 instructions more (the request type's hash; nested dicts by type saved less than a
    # tenth of it).
    outside = envelope.session is None
    judged: object = ~id(handler) if outside else id(handler)
    if judged in _JUDGED:
        return
    request_type = envelope.request.type
    if handler.catch_all:
        judged = (id(handler), request_type, outside)
        if judged in _JUDGED:
            return
        kinds = _KINDS.get(id(handler), 0)
        if kinds >= _KINDS_MOST:
            return
        _KINDS[id(handler)] = kinds + 1
    _JUDGED[judged] = handler
    audio = takes_only_audio(request_type)
    # An empty set: no reply taken (PlaybackStopped, System.ExceptionEncountered). Told by its
    # emptiness: comparing with frozenset() built one at each such request.
    if request_type == "SessionEndedRequest" or (
        audio and not audio_reply_directives(request_type)
    ):
        return  # (marked judged all the same: a registration for it never pays more than a lookup)
    found = _FOUND.get(id(handler.func))
    if found is None:
        found = _FOUND[id(handler.func)] = (handler.func, _found_in(handler), set())
    if found[1] is None:
        return
    called, where = found[1]
    advice = _advice(request_type, outside, called, audio)
    if advice in found[2]:  # (a fallback's None at a LaunchRequest, then an IntentRequest)
        return
    found[2].add(advice)
    if not advice:
        logger.warning(
            "%s returned None, so the user hears nothing, and its code calls %s() without "
            "returning what it built (%s): return %s(…)",
            handler.name,
            called,
            where,
            called,
        )
        return
    logger.warning(
        "%s returned None to %s, and its code calls %s() without returning what it built (%s): %s",
        handler.name,
        request_type,
        called,
        where,
        advice,
    )


def _advice(request_type: str, outside: bool, called: str, audio: bool) -> str:
    """What to return instead of None to ``request_type`` (``outside`` a session), for a
    handler whose code dropped what ``called`` built; empty where it is ``return called(…)``,
    as in a conversation."""
    can_fulfill = called.rpartition(".")[2] == "can_fulfill"
    if request_type == "CanFulfillIntentRequest":  # (Alexa's probe: canFulfillIntent alone)
        return (
            f"a reply to {request_type} carries canFulfillIntent alone: return "
            f"{called if can_fulfill else 'can_fulfill'}(…)"
        )
    if audio:  # An AudioPlayer event's reply carries AudioPlayer directives alone (Amazon's
        # AudioPlayer interface reference), which no builder but Response(directives=…) makes.
        return (
            f"a reply to {request_type} takes no speech, only AudioPlayer directives "
            f"({', '.join(sorted(audio_reply_directives(request_type)))}): return "
            "Response(directives=[…]) with them, or None"
        )
    if heard_by_nobody(request_type, in_session=not outside):
        # None is the answer already: the empty acknowledgement, all that Amazon's pages ask of
        # such a reply where they speak of it ("Send a Message Request to a Skill": "an empty
        # success message"; "List Events in Alexa Skills": an event not acknowledged is sent
        # again for up to an hour; "Use Skill Events" says nothing of the reply). Still said,
        # unlike at a SessionEndedRequest: no page says that Alexa ignores speech here, or plays
        # it, so the advice rests on what is known (no conversation is open; None acknowledges),
        # not on who hears it, and check_reply sends such speech as it is (`alexaskill.rules`).
        return (
            f"a reply to {request_type} comes outside a session, with no conversation to "
            f"answer: drop the {called}() call (None is the answer: an empty acknowledgement)"
        )
    if can_fulfill:  # (a handler shared with the probe)
        return (
            "a can_fulfill reply answers a CanFulfillIntentRequest alone, which nobody hears: "
            f"return it there, speak(…) or ask(…) to {request_type}"
        )
    return ""


def _found_in(handler: Handler) -> tuple[str, str] | None:
    """The reply builder ``handler``'s function's own code calls as a statement, and where
    (`_dropped_call`); None if none, or its code cannot be read."""
    func = getattr(handler.func, "__func__", handler.func)  # (a method's function)
    if hasattr(func, "__wrapped__"):  # a decorator's wrapper (functools.wraps): the
        # handler's own code is read, not the wrapper's
        import inspect

        func = inspect.unwrap(func)
    code = getattr(func, "__code__", None)
    return None if code is None else _dropped_call(func, code)


def _dropped_call(func: object, code: CodeType) -> tuple[str, str] | None:
    """The first reply builder ``func``'s own body calls as a statement (not in a function
    defined in it), and where: ``("ask", "app.py:12")``, ``("ak.ask", …)`` for one reached
    through a module of alexaskill; None if it calls none, or its source cannot be read (a
    lambda, code made at run time, its file saved half edited since).

    The file is read as it is now, which may not be what was loaded: where its text is not the
    code's (`_where`), the line is not named, or nothing is said."""
    import ast
    import inspect
    import tokenize

    try:
        lines, first = inspect.getsourcelines(code)
        # An indented def (in a class, in a function) is parsed as the body of an `if`, not
        # dedented: a string's lines at the margin leave textwrap.dedent no margin to take.
        indented = lines[0][:1].isspace()
        tree = ast.parse("".join(["if 1:\n", *lines] if indented else lines))
    except (OSError, TypeError, SyntaxError, tokenize.TokenError):  # (the file as it is now)
        return None
    # inspect finds the block from the line the code began on, looking up to a `def`: lines
    # added above it since make that another function's (or none).
    if first != code.co_firstlineno:
        return None
    namespace = getattr(func, "__globals__", {})
    body = tree.body[0] if tree.body else None
    if indented and isinstance(body, ast.If):
        body, first = body.body[0], first - 1
    if not isinstance(body, (ast.FunctionDef, ast.AsyncFunctionDef)) or body.name != code.co_name:
        return None
    waiting: list[ast.AST] = list(body.body)
    while waiting:
        node = waiting.pop(0)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue  # (its own calls are its own)
        if isinstance(node, ast.Expr):
            call = node.value.value if isinstance(node.value, ast.Await) else node.value
            if isinstance(call, ast.Call) and _builds_a_reply(_named(call.func, namespace)):
                where = _where(call, first - 1, code)
                return None if where is None else (ast.unparse(call.func), where)
        waiting.extend(ast.iter_child_nodes(node))
    return None


def _where(call: ast.Call, offset: int, code: CodeType) -> str | None:
    """Where ``call`` (its lines ``offset`` short of the file's) is: ``"app.py:12"`` when the
    code that ran has a call there, the file's name alone when the function was edited since
    (the call moved: a wrong line named is worse than none), None when the code calls nothing
    of that name (what the file says now is not what ran)."""
    import ast

    line, end = call.lineno + offset, (call.end_lineno or call.lineno) + offset
    # A call's instruction spans the call's text (PEP 657), lines and columns in UTF-8 bytes as
    # the parser counts them.
    positions = set(code.co_positions())
    if (line, end, call.col_offset, call.end_col_offset) in positions:
        return f"{code.co_filename}:{line}"
    root = call.func
    while isinstance(root, ast.Attribute):
        root = root.value
    if not isinstance(root, ast.Name) or root.id not in code.co_names:
        return None
    if all(column is None for _, _, column, _ in positions):
        # Without columns (-X no_debug_ranges), lines alone: the code that ran must load the
        # call's name on that line (any instruction there was taken for the call: another
        # statement's, after a line was added above it).
        import dis

        loaded = {
            each.positions.lineno if each.positions else None
            for each in dis.get_instructions(code)
            if each.opname in ("LOAD_GLOBAL", "LOAD_NAME") and each.argval == root.id
        }
        if line in loaded:
            return f"{code.co_filename}:{line}"
    return f"{code.co_filename}, edited since it was loaded"


def _named(func: ast.expr, namespace: dict[str, object]) -> object:
    """What a call's ``func`` names: a name of the handler's module, or an attribute of a
    module of alexaskill bound to one (``ak.ask``, ``alexaskill.responses.speak``); None for
    any other (an attribute of the skill's own objects is never read: it may be a property)."""
    import ast

    if isinstance(func, ast.Name):
        return namespace.get(func.id)
    if not isinstance(func, ast.Attribute):
        return None
    owner = _named(func.value, namespace)
    if not _is_a(owner, ModuleType) or not _of_alexaskill(owner.__name__):
        return None
    try:
        return getattr(owner, func.attr, None)  # (alexaskill's lazy names load here)
    except Exception:  # (an import a lazy name needs, failing: no builder found)
        return None


def _is_a(value: object, kind: type[_T]) -> TypeGuard[_T]:
    """Whether ``value``'s own type is ``kind`` or a subclass of it: isinstance() without its
    asking a value of another type for ``__class__``, which runs the value's code (a lazy
    proxy not yet bound, werkzeug's LocalProxy, raises RuntimeError)."""
    return issubclass(type(value), kind)


def _of_alexaskill(module: object) -> bool:
    """Whether ``module`` (a ``__module__`` or a module's ``__name__``) is alexaskill's."""
    return isinstance(module, str) and module.partition(".")[0] == "alexaskill"


def _builds_a_reply(value: object) -> bool:
    """Whether ``value`` is `Response` or one of alexaskill's functions that return one."""
    # Any name the handler calls comes here: a function made by exec() without __name__ has
    # None for __module__, and a proxy (werkzeug's LocalProxy) may raise for it: a builder is
    # a plain function or a class, whose __module__ is looked at only then.
    if _is_a(value, type):
        return _of_alexaskill(value.__module__) and value.__name__ == "Response"
    if not _is_a(value, FunctionType) or not _of_alexaskill(value.__module__):
        return False
    return getattr(value, "__annotations__", {}).get("return") in ("Response", "Response | None")
