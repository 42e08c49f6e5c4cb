"""``alexaskill serve`` given a class: served as uvicorn serves one (called as an app factory
when it takes no argument, else an ASGI 2 app made with each request's scope), or refused in one
line where that could only answer every request HTTP 500 with a traceback: the Skill class
itself (``app:Skill``, a slip for ``app:skill``), a class whose objects are no app."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .cli_run import run
from .conftest import APP_SKILL_ID

pytestmark = pytest.mark.oldest_dependencies

CLASSES = f"""
from starlette.applications import Starlette
from starlette.routing import Mount

from alexaskill import Skill

skill = Skill({APP_SKILL_ID!r})


class Plain:
    pass


class MyApp(Starlette):
    def __init__(self):
        super().__init__(routes=[Mount("/alexa", app=skill)])


class Asgi2:
    def __init__(self, scope):
        self.scope = scope

    async def __call__(self, receive, send):
        pass


class NeedsTwo:
    def __init__(self, a, b):
        pass


class SyncCall:
    def __call__(self, scope, receive, send):
        pass


sync_object = SyncCall()
"""


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """``classes.py`` importable; what serve would hand uvicorn, recorded, not run."""
    from alexaskill.cli import serve

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "classes.py").write_text(CLASSES, encoding="utf-8")
    ran: list[object] = []
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: ran.append(app))
    yield ran
    sys.modules.pop("classes", None)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "Skill",
            "classes:Skill is the Skill class, not a skill: name the Skill object made with it, "
            "as in classes:skill\n",
        ),
        (
            "Plain",
            "classes:Plain() returned a Plain, not an ASGI app: an app factory returns the app (a "
            "Skill, or the Starlette or FastAPI app that mounts skills)\n",
        ),
        (
            "NeedsTwo",
            "classes:NeedsTwo is a class, not an ASGI app: name the app object made with it (a "
            "Skill, or the Starlette or FastAPI app that mounts skills)\n",
        ),
    ],
)
def test_serve_refuses_a_class_that_cannot_serve(
    served: list[object], name: str, message: str
) -> None:
    code, out, err = run("serve", f"classes:{name}")
    assert (code, out, served) == (2, "", [])
    assert err == f"alexaskill serve: error: {message}"


def test_serve_calls_a_class_of_no_argument_as_uvicorn_does(served: list[object]) -> None:
    code, _, err = run("serve", "classes:MyApp")
    assert code == 0, err
    # (It crashed, TypeError: 'property' object is not iterable, looking for the skills the
    # class's routes mount: a Starlette subclass's `routes` is a property.)
    (app,) = served
    assert type(getattr(app, "app", None)).__name__ == "MyApp"  # (wrapped: serve_closing)


def test_serve_serves_an_asgi2_class(served: list[object]) -> None:
    code, _, err = run("serve", "classes:Asgi2")
    assert code == 0, err
    # uvicorn makes one with each request's scope: served as it is.
    assert [getattr(app, "__name__", None) for app in served] == ["Asgi2"]


@pytest.mark.parametrize("name", ["sync_object", "SyncCall"])
def test_serve_refuses_an_object_whose_call_is_not_async(served: list[object], name: str) -> None:
    # uvicorn took it for an ASGI 2 app, as it takes a def: every request a TypeError, HTTP 500.
    code, out, err = run("serve", f"classes:{name}")
    assert (code, out, served) == (2, "", [])
    spec = "classes:SyncCall()" if name == "SyncCall" else "classes:sync_object"
    assert err == (
        f"alexaskill serve: error: {spec} is not async: an ASGI app is called with (scope, "
        "receive, send) by an async def __call__; or name the Skill object\n"
    )
