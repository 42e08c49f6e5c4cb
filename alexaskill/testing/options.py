"""What `TestClient` takes: the type of the ``skill_client`` fixture, and the keyword check."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from .alexa_api import FakeAlexaApi

if TYPE_CHECKING:
    from ..app import Skill
    from .client import TestClient

__all__ = ["SkillClientFactory", "check_options"]


class SkillClientFactory(Protocol):
    """The type of the pytest plugin's ``skill_client`` fixture: ``skill_client(skill,
    **options)`` is a started `TestClient` (the options are TestClient's)."""

    def __call__(self, skill: Skill, **options: Any) -> TestClient: ...


def check_options(api_data: Mapping[str, Any], init: Callable[..., None]) -> None:
    """Refuse a keyword neither `TestClient` (whose ``__init__`` is ``init``) nor `FakeAlexaApi`
    takes, naming the client (the data goes on to FakeAlexaApi, whose own TypeError would name
    it instead) and a close one."""
    import difflib
    import inspect

    known = {f.name for f in dataclasses.fields(FakeAlexaApi) if f.init}
    for name in api_data:
        if name not in known:
            own = set(inspect.signature(init).parameters) - {"self", "api_data"}
            close = difflib.get_close_matches(name, sorted(known | own), n=1)
            meant = f"; did you mean {close[0]}?" if close else ""
            raise TypeError(f"TestClient(): no option {name!r}{meant}")
