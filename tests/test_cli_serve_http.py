"""``alexaskill serve --http CLASS``: a class that does not import, or is no HTTP protocol, is
refused in one line before uvicorn starts (a module raising as it is imported was a traceback;
an object that is no protocol class started a server whose every connection failed)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .cli_run import run

pytestmark = pytest.mark.oldest_dependencies

MODULES = {
    "protocols.py": (
        "from alexaskill.server import HttpProtocol\n\n\n"
        "class Bounded(HttpProtocol):\n    pass\n\n\n"
        "class NotOne:\n    pass\n\n\n"
        "protocol = Bounded\n"
    ),
    "broken.py": 'raise RuntimeError("no config")\n',
    "leaves.py": 'import sys\n\nsys.exit("set PROTOCOL_MODE first")\n',
}


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, object]]]:
    """The modules importable from the current directory; serve's uvicorn options recorded."""
    from alexaskill.cli import serve

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    for name, text in MODULES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ran: list[dict[str, object]] = []
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: ran.append(options))
    yield ran
    for name in MODULES:
        sys.modules.pop(name.removesuffix(".py"), None)


@pytest.mark.parametrize(
    ("http", "message"),
    [
        ("broken:Protocol", "--http broken:Protocol: importing broken failed: RuntimeError: no "),
        ("leaves:Protocol", "--http leaves:Protocol: importing leaves failed: it called sys.exit("),
        (
            "protocols:NotOne",
            "--http protocols:NotOne: not an HTTP protocol class (an asyncio.Protocol, such as "
            "alexaskill.server:HttpProtocol or a subclass of it)",
        ),
        (
            "alexaskill.server:DEFAULT_HEADER_TIMEOUT",
            "--http alexaskill.server:DEFAULT_HEADER_TIMEOUT: not an HTTP protocol class",
        ),
    ],
)
def test_serve_refuses_an_http_class_it_cannot_serve_with(
    served: list[dict[str, object]], http: str, message: str
) -> None:
    code, out, err = run("serve", "examples.weather.app:skill", "--http", http)
    assert (code, out, served) == (2, "", [])
    assert err.startswith(f"alexaskill serve: error: {message}"), err
    assert len(err.splitlines()) == 1, err


@pytest.mark.parametrize("http", ["protocols:Bounded", "protocols:protocol", "h11"])
def test_serve_takes_a_protocol_class(served: list[dict[str, object]], http: str) -> None:
    code, _, err = run("serve", "examples.weather.app:skill", "--http", http)
    assert code == 0, err
    assert [options["http"] for options in served] == [http]
