"""How the simulator is served: loaded only under --dev, with its files and no key, stopped with
its app. (What its JSON API refuses, and why: tests/test_simulator_refusals.py.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill.cli.common import load_object
from alexaskill.cli.dev import DEV_CERT_URL, DEV_PKI_ENV
from alexaskill.cli.serve import _prepare
from alexaskill.testing import TestPKI

from . import simulator_shared
from .simulator_shared import ROOT, SKILL_FILE, STATIC, _client, _served, spoken, turn

# The fixtures of tests/simulator_shared.py, this module's too (why not conftest's: see there).
dev_dir = simulator_shared.dev_dir
pki = simulator_shared.pki
http = simulator_shared.http


# --- loaded and served only under --dev, stopped with the app ------------------------------------


def test_import_alexaskill_does_not_load_the_simulator() -> None:
    code = (
        "import sys, alexaskill, alexaskill.testing\n"
        "print(sorted(m for m in sys.modules if m.startswith('alexaskill.simulator')))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        cwd=ROOT,
    )
    assert output.stdout.strip() == "[]"


def test_serve_without_dev_neither_imports_nor_serves_the_simulator(dev_dir: Path) -> None:
    # In a process of its own: what `serve` prepares without --dev, asked for the simulator.
    code = (
        "import sys\n"
        "from starlette.testclient import TestClient\n"
        "from alexaskill.cli.serve import _prepare\n"
        "from alexaskill.cli.common import load_app\n"
        f"app = _prepare('app', load_app({str(SKILL_FILE) + ':skill'!r}), False, None)\n"
        "with TestClient(app) as http:\n"
        "    statuses = [http.get(path).status_code for path in\n"
        "        ('/_simulator', '/_simulator/', '/_simulator/simulator.js')]\n"
        "    statuses.append(http.post('/_simulator/api/turn', json={}).status_code)\n"
        "print(statuses, [m for m in sys.modules if m.startswith('alexaskill.simulator')])\n"
    )
    env = {"PATH": "/usr/bin:/bin", DEV_PKI_ENV: str(dev_dir)}
    output = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=env,
    )
    assert output.returncode == 0, output.stderr
    assert output.stdout.strip() == "[404, 404, 404, 404] []"


def test_serve_dev_serves_the_page_and_its_files(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alexaskill.simulator import SimulatorApp

    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
    app = _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None)
    assert isinstance(app, SimulatorApp)
    with _client(app, follow_redirects=False) as http:
        redirect = http.get("/_simulator")
        assert redirect.status_code == 307
        assert redirect.headers["location"].endswith("/_simulator/")
        page = http.get("/_simulator/")
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        for name, kind in (("simulator.js", "text/javascript"), ("simulator.css", "text/css")):
            response = http.get(f"/_simulator/{name}")
            assert response.status_code == 200
            assert response.headers["content-type"].startswith(kind)
        assert http.get("/_simulator/../app.py").status_code == 404
        assert http.get("/_simulator/session.py").status_code == 404
        assert http.post("/_simulator/").status_code == 405
        # The skill itself is served as before.
        assert http.get("/health").json() == {"status": "ok"}


def _loaded_by_the_page() -> list[str]:
    """The files the page loads, index.html first: each stylesheet and script it names, then each
    module a script imports (``import … from "./name.js"``), in the order found."""
    import re

    loaded: list[str] = []
    todo = ["index.html"]
    while todo:
        name = todo.pop(0)
        if name in loaded:
            continue
        loaded.append(name)
        text = (STATIC / name).read_text(encoding="utf-8")
        todo.extend(re.findall(r'(?:src|href)="([\w.-]+\.(?:css|js))"', text))
        todo.extend(re.findall(r'\b(?:from|import)\s+"\./([^"]+)"', text))
    return loaded


#: The content type each kind of file the page loads is served with (a module script in a type
#: that is not JavaScript's is refused by the browser, as nosniff has a stylesheet refused).
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
}


def test_each_file_the_page_loads_is_served_with_its_content_type(http: StarletteClient) -> None:
    from alexaskill.simulator.server import _STATIC

    loaded = _loaded_by_the_page()
    assert {"index.html", "simulator.css", "simulator.js"} <= set(loaded)  # (the walk finds them)
    # The server serves those files and no other; the package holds them and no other (the
    # wheel ships every file of static/: test_the_wheel_ships_the_static_files).
    assert sorted(_STATIC) == sorted(loaded)
    assert sorted(path.name for path in STATIC.iterdir()) == sorted(loaded)
    for name in loaded:
        response = http.get(f"/_simulator/{name}")
        assert response.status_code == 200, name
        assert response.headers["content-type"] == _TYPES[Path(name).suffix], name
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.content == (STATIC / name).read_bytes()


def test_the_page_loads_nothing_from_elsewhere_and_holds_no_key() -> None:
    import re

    own = set(_loaded_by_the_page())
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        assert "PRIVATE KEY" not in text
        # No CDN: every src and href, and every module imported, is one of the simulator's own
        # files.
        for match in (
            *re.findall(r'(?:src|href)="([^"]+)"', text),
            *re.findall(r"@import\s+url\(([^)]+)\)", text),
            *re.findall(r'\b(?:from|import)\s+"([^"]+)"', text),
            *re.findall(r"\bimport\(", text),
        ):
            assert match.removeprefix("./") in own | {"#utterance", "data:,"}, match


def test_the_page_names_its_icon_so_the_browser_asks_the_skill_for_none() -> None:
    # Without one the browser asked the app for /favicon.ico: a 404 from the skill's routes,
    # and "Failed to load resource" in the console of a newcomer's first look at the page.
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    assert '<link rel="icon" href="data:,">' in page


def test_the_wheel_ships_the_static_files() -> None:
    # hatch puts every file under the package directory in the wheel unless .gitignore or an
    # exclude drops it: nothing may.
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = config["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["alexaskill"]
    assert "exclude" not in wheel and "only-include" not in wheel
    ignored = subprocess.run(
        ["git", "check-ignore", *(str(path) for path in STATIC.iterdir())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert ignored.stdout == ""


def test_the_fake_service_apis_stop_with_the_app(pki: TestPKI) -> None:
    app = _served("skill", pki)
    with _client(app) as http:
        turn(http, text="help")
        assert app.simulator._stack is not None
    assert app.simulator._stack is None and app.simulator._http is None


def test_a_process_serving_the_simulator_without_its_lifespan_exits(dev_dir: Path) -> None:
    # Mounted in another app (whose lifespan a Mount does not pass on) or under
    # `uvicorn --lifespan off`, the app's shutdown never closes the simulator: the process then
    # hung at exit, after a turn, stopping the fake service APIs' server thread as the
    # interpreter had frozen it.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from starlette.testclient import TestClient\n"
        "from alexaskill.cli.common import load_object\n"
        "from alexaskill.simulator import with_simulator\n"
        "from alexaskill.testing import TestPKI\n"
        "pki = TestPKI.load_or_create(Path(sys.argv[2]), cert_url=sys.argv[3])\n"
        "app = with_simulator(load_object(sys.argv[1] + ':skill'), pki=pki)\n"
        "client = TestClient(app, base_url='http://localhost')\n"
        "body = {'simulation': 'simulation-0001', 'action': 'say', 'text': 'help'}\n"
        "print(client.post('/_simulator/api/turn', json=body).status_code)\n"
    )
    argv = [sys.executable, "-c", script, str(SKILL_FILE), str(dev_dir), DEV_CERT_URL]
    # A deadline only to tell a hang from an exit, far past the second or two it takes.
    done = subprocess.run(
        argv, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=60
    )
    assert (done.returncode, done.stdout.strip()) == (0, "200"), done.stderr[-2000:]


def test_an_app_let_go_without_its_lifespan_stops_its_fake_service_apis(pki: TestPKI) -> None:
    # Their stop was held for the interpreter's exit: each app a test suite made (a TestClient
    # used without 'with') kept a server thread and its socket until then, and the exit stopped
    # them one after another.
    import gc
    import threading
    import time

    before = set(threading.enumerate())
    client = _client(_served("skill", pki))
    assert spoken(turn(client, "launch"))
    (server,) = [t for t in set(threading.enumerate()) - before if t.name == "fake-alexa-api"]
    del client
    # The app is in reference cycles, so only a collection frees it; and a thread that ran
    # its last call (anyio's worker, preempted before it drops the call) may hold it through
    # one collection on a loaded machine. Collect until the stop, the deadline only to tell a
    # stop from none.
    deadline = time.monotonic() + 30
    while server.is_alive() and time.monotonic() < deadline:
        gc.collect()
        server.join(timeout=0.2)
    assert not server.is_alive()
