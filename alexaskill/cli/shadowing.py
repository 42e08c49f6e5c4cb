"""A file of the skill's directory named like a standard-library module (``http.py``,
``random.py``): why a command failed, said in one line, not a traceback or a wrong message.

The commands put the current directory (or the APP file's) first on ``sys.path``, as Python does
for a script, so such a file is imported in place of the standard library's module by whatever
imports that module later (uvicorn imports ``http`` and ``asyncio`` only when serving); and an
APP that names it (``random:skill``) gets the standard library's module when it was imported
already. These are consulted only once a command has failed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import ModuleType


def _own_file(module: ModuleType) -> Path | None:
    """The file ``module`` was imported from, if it is none of Python's nor an installed
    package's (the user's own), else None."""
    file = getattr(module, "__file__", None)
    if not isinstance(file, str):
        return None
    return Path(file) if _own_path(os.path.realpath(file)) else None


def _own_path(path: str) -> bool:
    """Whether the real ``path`` lies outside Python's prefixes and any installed packages."""
    installed = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    if any(path.startswith(prefix + os.sep) for prefix in installed):
        return False
    return not (
        f"{os.sep}site-packages{os.sep}" in path or f"{os.sep}dist-packages{os.sep}" in path
    )


def shadowing_problem(exc: BaseException) -> str | None:
    """What to do about a file imported in place of the standard-library module that ``exc``
    (an `ImportError` or `AttributeError`, or one it was raised from) names, or None when the
    module it names is the standard library's own (or is none)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        named = getattr(cause, "obj", None) if isinstance(cause, AttributeError) else None
        name = getattr(named, "__name__", None) if isinstance(named, ModuleType) else None
        if isinstance(cause, ImportError):
            name = cause.name  # (any object a raise gave it)
        top = name.partition(".")[0] if isinstance(name, str) else ""
        module = sys.modules.get(top) if top in sys.stdlib_module_names else None
        file = _own_file(module) if module is not None else None
        if file is not None and not _by_own_code(cause):
            shown = file.parent if file.name == "__init__.py" else file
            return (
                f"{shown} shadows the standard library's module {top}, which the framework "
                "needs (its directory goes first on sys.path): rename it"
            )
        cause = cause.__cause__ or cause.__context__
    return None


def _by_own_code(exc: BaseException) -> bool:
    """Whether ``exc`` was raised in the user's own code (a skill's ``from secrets import
    API_TOKEN`` of its own secrets.py), not in the framework's, a package's or Python's."""
    framework = os.path.dirname(os.path.dirname(os.path.realpath(__file__))) + os.sep
    tb = exc.__traceback__
    innermost = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if not name.startswith("<"):  # (not <frozen importlib._bootstrap>)
            innermost = name
        tb = tb.tb_next
    if innermost is None:
        return False
    path = os.path.realpath(innermost)
    return not path.startswith(framework) and _own_path(path)


def stdlib_named(module: ModuleType, target: str, attribute: str) -> str | None:
    """Why APP's module ``target`` lacks ``attribute``, when ``module`` is the standard
    library's module of that name and a file of the current directory has it too (a
    ``random.py``): None otherwise."""
    if target not in sys.stdlib_module_names or _own_file(module) is not None:
        return None
    here = Path(os.getcwd())
    for candidate in (here / f"{target}.py", here / target / "__init__.py"):
        if candidate.is_file():
            return (
                f"{target} is the standard library's module {target}, not your "
                f"{candidate.relative_to(here)}: rename the file (as in {target}_skill.py), "
                f"then name it: {target}_skill:{attribute}"
            )
    return None
