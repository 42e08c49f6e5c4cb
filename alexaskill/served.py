"""`served_skills`: the skills an ASGI app serves, found through its routes and mounts.

The command line and the simulator use it to find the skills of the app they are given; it
imports `Skill`, so it lives apart from the modules the app itself imports.
"""

from __future__ import annotations

from typing import Any

from .app import Skill

__all__ = ["served_skills"]


def served_skills(app: Any) -> list[tuple[str, Skill]]:
    """The skills ``app`` serves, each with the path that reaches it (``"/weather/"``): ``app``
    itself, or the skills its routes mount at any depth (``Mount``, `SkillMount`, ``Host``).
    """
    found: list[tuple[str, Skill]] = []
    pending: list[tuple[str, Any]] = [("", app)]
    seen: set[int] = set()
    while pending:
        prefix, item = pending.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, Skill):
            found.append((prefix + item.path, item))
            continue
        for route in getattr(item, "routes", None) or ():
            # A Mount's path is the prefix of what it mounts; a Route's is its endpoint's.
            path = getattr(route, "path", "") if hasattr(route, "routes") else ""
            inner = getattr(route, "app", None)
            if inner is not None:
                pending.append((prefix + path, inner))
            pending.append((prefix + path, route))
    return found
