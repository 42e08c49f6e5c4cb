"""``alexaskill serve`` of an app factory, called as uvicorn calls it, and of what is no factory:
handlers and functions it never calls."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .cli_run import run
from .conftest import APP_SKILL_ID

pytestmark = pytest.mark.oldest_dependencies

FACTORIES = f"""
from starlette.applications import Starlette
from starlette.routing import Mount

from alexaskill import Skill

skill = Skill({APP_SKILL_ID!r})


def make_app():
    return Starlette(routes=[Mount("/alexa", app=skill)])


def broken():
    raise RuntimeError("no database")


def nothing():
    return None


def make_skill():
    return skill


def sync_app(scope, receive, send):
    pass
"""


@pytest.fixture
def factories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A module of app factories, ``factories.py``; serve's uvicorn run recorded, not run."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "factories.py").write_text(FACTORIES, encoding="utf-8")
    yield tmp_path
    sys.modules.pop("factories", None)


def test_serve_calls_an_app_factory_as_uvicorn_does(
    factories: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn calls an APP that takes no argument and serves what it returns (a factory, with a
    # warning unless --factory); serve refused it: "is a function, not an ASGI app".
    from starlette.applications import Starlette

    from alexaskill.cli import serve
    from alexaskill.cli.serve_handover import _hand_over

    served: list[object] = []
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: served.append(app))
    code, _, err = run("serve", "factories:make_app", "--capture", str(factories / "got"))
    assert code == 0, err
    (app,) = served
    assert isinstance(getattr(app, "app", None), Starlette)  # (wrapped: serve_closing)
    code, _, err = run("serve", "factories:make_skill")
    assert code == 0, err
    assert type(served[-1]).__name__ == "Skill"
    # So does each process of --workers or --reload, handed the APP.
    handed = _hand_over("factories:make_app", False, None, None, "127.0.0.1", 8000)
    for name, value in handed.items():
        monkeypatch.setenv(name, value)
    assert isinstance(serve.serve_factory().app, Starlette)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken", "calling the app factory factories:broken() failed: RuntimeError: no database"),
        ("nothing", "factories:nothing() returned None, not an ASGI app: "),
        ("sync_app", "factories:sync_app is not async: an ASGI app is an async function of "),
    ],
)
def test_serve_says_why_it_cannot_serve_a_function(
    factories: Path, monkeypatch: pytest.MonkeyPatch, name: str, message: str
) -> None:
    from alexaskill.cli import serve

    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    code, out, err = run("serve", f"factories:{name}")
    assert (code, out) == (2, "")
    assert err.startswith(f"alexaskill serve: error: {message}"), err
    assert "Traceback" not in err


def test_serve_never_calls_a_handler_of_no_argument_as_a_factory(
    factories: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Named in place of the skill, a handler is said to be one, not called.
    from alexaskill.cli import serve

    module = factories / "factories.py"
    module.write_text(
        module.read_text(encoding="utf-8")
        + "\n\n@skill.launch\ndef opened():\n    raise SystemExit('called')\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    code, _, err = run("serve", "factories:opened")
    assert code == 2
    assert "factories:opened is a function, not an ASGI app: name the Skill object" in err, err


def test_serve_never_calls_a_handler_its_module_imported_as_a_factory(
    factories: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A handler written in a module of handlers and registered by the APP's module's skill:
    # only the skills of the handler's own module were searched, so it was called (here, it
    # would exit) as an app factory.
    from alexaskill.cli import serve

    (factories / "factory_handlers.py").write_text(
        "def opened():\n    raise SystemExit('called')\n", encoding="utf-8"
    )
    module = factories / "factories.py"
    module.write_text(
        module.read_text(encoding="utf-8")
        + "\n\nfrom factory_handlers import opened\n\nskill.launch(opened)\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    try:
        code, _, err = run("serve", "factories:opened")
    finally:
        sys.modules.pop("factory_handlers", None)
    assert code == 2
    assert "factories:opened is a function, not an ASGI app: name the Skill object" in err, err


def test_serve_calls_a_partial_app_factory(
    factories: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # functools.partial(make_app, ...) is a factory as a function of no argument is: it was
    # served as the app itself (uvicorn called it with scope, receive and send: a TypeError on
    # every request), and --dev or --capture refused it as "no Skill and mounts none".
    from starlette.applications import Starlette

    from alexaskill.cli import serve

    module = factories / "factories.py"
    module.write_text(
        module.read_text(encoding="utf-8")
        + "\n\nimport functools\n\n\ndef make_named(path):\n"
        + "    return Starlette(routes=[Mount(path, app=skill)])\n\n\n"
        + "partial_app = functools.partial(make_named, '/alexa')\n",
        encoding="utf-8",
    )
    served: list[object] = []
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: served.append(app))
    code, _, err = run("serve", "factories:partial_app", "--capture", str(factories / "got"))
    assert code == 0, err
    (app,) = served
    assert isinstance(getattr(app, "app", None), Starlette)
