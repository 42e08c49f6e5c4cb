"""`SkillMount`: a skill under a path of a Starlette (or FastAPI) app, answering the path itself.

``Mount("/weather", app=skill)`` serves ``/weather/`` and below, and Starlette's router answers
``POST /weather`` with a redirect to ``/weather/`` (HTTP 307). Alexa does not follow redirects,
so an endpoint configured as ``https://host/weather`` would never reach the skill. A
`SkillMount` (made by `Skill.mount`) also takes the mount path itself, as the skill's own path.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from starlette.routing import Match, Mount

from .articles import type_with_article
from .exceptions import ConfigurationError
from .shown_names import shown_value

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["SkillMount"]


class SkillMount(Mount):
    """``Mount(path, app=skill)`` that also answers ``path`` without a trailing slash."""

    def __init__(
        self,
        path: str,
        skill: ASGIApp,
        *,
        name: str | None = None,
        first_request: Callable[[Scope, Receive], ASGIApp | None] | None = None,
    ) -> None:
        _check_mount_path(path)
        if not callable(skill):
            kind = type_with_article(skill)
            raise ConfigurationError(f"SkillMount serves an ASGI app, not {kind}")
        if name is not None and not isinstance(name, str):
            # Starlette adds ":" to it in every url_path_for that passes the mount: a TypeError
            # there, for the host app's own routes too.
            raise ConfigurationError(
                f"a mounted skill's name is a str (for url_path_for) or None, not "
                f"{type_with_article(name)}"
            )
        super().__init__(path, app=skill, name=name)
        #: The skill served.
        self.skill = skill
        from .asgi import Serving

        if isinstance(skill, Serving):  # (its log lines name it by where it is served)
            skill._mounted_under(self.path)  # (as Mount keeps it: "/a/" is "/a")
            # (a skill serving through another mount already keeps serving when this one's
            # start fails at its first request: `Serving._check_mounted_server`)
            first_request = first_request or skill._check_mounted_server
        self._logging_set_up = False
        #: Called with the first request's scope and ``receive``, on the loop that serves it
        #: (`Skill.mount`'s logging set-up and checks of the server): the ASGI app answering
        #: this mount's requests instead of the skill (its start failed here), or None.
        self._first_request = first_request
        self._refusing: ASGIApp | None = None

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a request; the first calls ``first_request`` (a skill's own unless given),
        which sets up alexaskill's logging unless the host app set up its own by then
        (`Skill.mount` starts the skill without: the app's may come later), and may give what
        answers this mount's requests instead (its start failed there); without one (an app
        that is no skill), logging is set up here."""
        if not self._logging_set_up:
            self._logging_set_up = True
            if self._first_request is not None:
                self._refusing = self._first_request(scope, receive)
            else:
                from .settings import configure_logging_if_unset

                # A setting that does not parse is the start's to say: a skill not started
                # yet starts at this request, and fails there (HTTP 500 in JSON, one line).
                with contextlib.suppress(ConfigurationError):
                    configure_logging_if_unset()
        if self._refusing is not None:
            await self._refusing(scope, receive, send)
            return
        await super().handle(scope, receive, send)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Match what `Mount` matches, and the mount path itself."""
        root_path: str = scope.get("root_path", "")
        if scope["type"] == "http" and _route_path(scope["path"], root_path) == self.path:
            child: dict[str, Any] = {
                "path_params": dict(scope.get("path_params", {})),
                "app_root_path": scope.get("app_root_path", root_path),
                "root_path": root_path + self.path,
                "endpoint": self.app,
            }
            return Match.FULL, child
        return super().matches(scope)


def _route_path(path: str, root_path: str) -> str:
    """``path`` below the app's ``root_path`` (what Starlette's routes match)."""
    if root_path and path.startswith(root_path + "/"):
        return path[len(root_path) :]
    return path


def _check_mount_path(path: object) -> None:
    """`ConfigurationError` (a TypeError) for a ``path`` that is no str, ValueError for one no
    request reaches: not under ``/``, only slashes (Starlette strips them: the whole app), or
    holding what no request's path holds (a query, a fragment, white space) or Starlette reads as
    a parameter (``{…}``), as ``Skill(path=…)`` refuses."""
    if not isinstance(path, str):
        raise ConfigurationError(
            "a skill is mounted under a path like '/weather' (a str), not "
            f"{type_with_article(path)}"
        )
    if (
        not path.startswith("/")
        or not path.strip("/")
        or any(not c.isprintable() or c.isspace() or c in "?#{}" for c in path)
    ):
        raise ValueError(
            f"a skill is mounted under a path like '/weather', not {shown_value(path)}"
        )
