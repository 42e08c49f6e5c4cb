"""What ``alexaskill serve`` serves of the APP named: the app itself, or what an app factory
returns (as uvicorn calls one), and why a function named cannot be served; what its import says
in a process that only checks it (`left_to_the_servers`). Split from `serve`."""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
from collections.abc import Callable, Iterator
from typing import Any

from ..articles import type_with_article
from ..log_lists import edit_filters
from ..shown_names import shown
from .common import UsageError, _import_failure, skills_in


def asgi_problem(spec: str, app: Any) -> str | None:
    """Why the function ``app`` cannot be an ASGI app (a handler named in place of its skill),
    or None: an ASGI app is called with three arguments (scope, receive, send)."""
    if not inspect.isfunction(app):
        return _object_problem(spec, app)
    if skills_in(app):
        return None
    try:
        inspect.signature(app).bind(None, None, None)
    except TypeError:
        pass
    else:
        if inspect.iscoroutinefunction(app):
            return None
        # uvicorn would take it for an ASGI 2 app, and every request would be a TypeError
        return (
            f"{shown(spec)} is not async: an ASGI app is an async function of (scope, receive, "
            "send) (async def); or name the Skill object"
        )
    module = spec.rpartition(":")[0]
    return (
        f"{shown(spec)} is a function, not an ASGI app: name the Skill object, as in "
        f"{shown(f'{module}:skill')} "
        "(or the Starlette or FastAPI app that mounts skills)"
    )


def _object_problem(spec: str, app: Any) -> str | None:
    """Why the object ``app`` cannot be an ASGI app, or None: a ``__call__`` of (scope, receive,
    send) that is a ``def``, which uvicorn takes for an ASGI 2 app's, as a ``def`` function
    (every request a TypeError, HTTP 500)."""
    call = inspect.getattr_static(type(app), "__call__", None)
    if inspect.isclass(app) or not inspect.isfunction(call) or inspect.iscoroutinefunction(call):
        return None
    try:
        inspect.signature(app).bind(None, None, None)
    except (TypeError, ValueError):  # ASGI 2's (scope), or another: uvicorn's to judge
        return None
    if skills_in(app):
        return None
    return (
        f"{shown(spec)} is not async: an ASGI app is called with (scope, receive, send) by an "
        "async def __call__; or name the Skill object"
    )


def _factory(app: Any, spec: str = "") -> bool:
    """Whether ``app`` is a function called with no argument, or a `functools.partial` of
    one given its arguments: an app factory, which uvicorn calls (with a warning, unless told
    ``--factory``) and serves what it returns."""
    func = app.func if isinstance(app, functools.partial) else app
    if inspect.isclass(func):  # (uvicorn calls one too: its object is the app)
        return _takes_nothing(app)
    if not inspect.isfunction(func) or inspect.iscoroutinefunction(func):
        return False
    return _takes_nothing(app) and not _registered(func, spec.rpartition(":")[0])


def _takes_nothing(app: Any) -> bool:
    """Whether ``app`` can be called with no argument."""
    try:
        inspect.signature(app).bind()
    except (TypeError, ValueError):  # (ValueError: a partial given an argument it lacks)
        return False
    return True


def _registered(func: Any, named_in: str) -> bool:
    """Whether ``func`` is a function a skill calls (a handler, a hook), a skill of its own
    module or of module ``named_in``, which APP names (it may import its handlers): named in
    place of the skill, it is not called as a factory (`asgi_problem` says so)."""
    import sys

    from ..app import Skill

    modules = {sys.modules.get(getattr(func, "__module__", "")), sys.modules.get(named_in)}
    found = [value for module in modules if module is not None for value in vars(module).values()]
    skills = [value for value in found if isinstance(value, Skill)]
    return any(
        handler.func is func for skill in skills for handler in skill.registry.handlers_called()
    )


def skill_class_problem(spec: str) -> str:
    """What is wrong with APP ``spec`` naming the Skill class (or a subclass of it), a slip
    for the skill object: the message every command taking an APP gives."""
    return (
        f"{shown(spec)} is the Skill class, not a skill: name the Skill object made with it, as "
        f"in {shown(spec.rpartition(':')[0] + ':skill')}"
    )


def _class_problem(spec: str, app: type) -> str | None:
    """Why the class ``app`` cannot be served, or None: a class that takes no argument is an app
    factory (as to uvicorn); any other uvicorn takes for an ASGI 2 app, made with each request's
    scope. So the Skill class (``app:Skill``, a slip for ``app:skill``), or a class that takes
    more than the scope, answered every request HTTP 500 with a traceback."""
    from ..app import Skill

    if issubclass(app, Skill):
        return skill_class_problem(spec)
    try:
        inspect.signature(app).bind(None)  # (the scope)
    except TypeError:
        return (
            f"{shown(spec)} is a class, not an ASGI app: name the app object made with it (a "
            "Skill, or the Starlette or FastAPI app that mounts skills)"
        )
    except ValueError:  # no signature to read (a built-in): uvicorn's to judge
        pass
    return None


def served_app(spec: str, app: Any) -> Any:
    """The ASGI app to serve for ``app``, which APP ``spec`` names: what a factory returns,
    else ``app``; a `UsageError` for a factory that fails or returns no app, or a function or a
    class that is no ASGI app (`asgi_problem`, `_class_problem`)."""
    if inspect.isclass(app) and not _factory(app, spec):
        problem = _class_problem(spec, app)
        if problem is not None:
            raise UsageError(problem)
        return app
    if _factory(app, spec):
        try:
            made = app()
        except (Exception, SystemExit) as exc:
            called = f"{shown(spec)}()"
            failure = _import_failure(called, exc).removeprefix(f"importing {called} ")
            raise UsageError(f"calling the app factory {called} {failure}") from None
        if not callable(made) or _factory(made):
            raise UsageError(
                f"{shown(spec)}() returned {type_with_article(made)}, not "
                "an ASGI app: an app factory returns the app (a Skill, or the Starlette or "
                "FastAPI app that mounts skills)"
            )
        spec, app = f"{spec}()", made
    problem = asgi_problem(spec, app)
    if problem is not None:
        raise UsageError(problem)
    return app


#: The app `serve --workers 1` checked, by its APP, for its one server: this same process.
_CHECKED_HERE: dict[str, Any] = {}


def check_here(spec: str, app: Any) -> None:
    """Keep ``app``, checked as ``spec``, for `checked_here`: with ``--workers 1`` the server is
    this process, which imported the app already (a module imported again is not run again,
    and what it said went unsaid; a file was run a second time, as another module)."""
    _CHECKED_HERE[spec] = app


def checked_here(spec: str) -> Any:
    """The app `check_here` kept for ``spec`` (once), else None: a server process's own."""
    return _CHECKED_HERE.pop(spec, None)


@contextlib.contextmanager
def left_to_the_servers() -> Iterator[Callable[[bool], None]]:
    """Hold what is said meanwhile through Python's last resort (logging not set up yet: the
    app's import in the process of ``serve --reload`` or ``--workers``, which checks the app
    and serves nothing; alexaskill's own lines too, which `alexaskill.log_early` formats where
    the last resort would write them) until the servers start: the function yielded, called
    just before uvicorn runs, drops it (told the server is this process, ``--workers 1``, it says
    it: that server takes the app imported here, `checked_here`). Ended by an exception before
    that, the hold says it after all, as what led to the failure: an import that failed, or a
    mistake found after it (a usage error, a port in use), for which no server process starts
    to say it.

    Each server process imports the app again, and its import says the same at the process's
    own start: said here too, a mounted skill's "verification is OFF" or a store setting's
    "TLS certificate checks are off" came out once more than the servers started. An app that
    sets up logging in its import says what follows through its own handlers, here too.
    """
    last = logging.lastResort
    held: list[logging.LogRecord] = []

    def hold(record: logging.LogRecord) -> bool:
        held.append(record)
        return False

    def release() -> None:
        # (A new list, as alexaskill edits each list logging walks unlocked: `log_lists`.)
        if last is not None:
            edit_filters(last, lambda filters: [each for each in filters if each is not hold])

    def servers_start(here: bool) -> None:
        release()
        if here:  # (--workers 1: the server is this process, which imported the app already)
            for record in held:
                logging.getLogger(record.name).handle(record)
        held.clear()  # (else each server process says it)

    if last is None:  # (an app's choice: nothing goes there)
        yield servers_start
        return
    edit_filters(last, lambda filters: [*filters, hold])
    try:
        yield servers_start
    except BaseException:
        release()
        for record in held:  # (alexaskill's formatted, by `alexaskill.log_early`, as they were)
            logging.getLogger(record.name).handle(record)
        raise
    finally:
        release()
