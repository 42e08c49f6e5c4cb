"""The README's quick start, its two commands as written, kept honest.

A new user with Python 3.11 and pip copies them from a clone: one installs alexaskill (no extra)
and serves the example skill, the other installs the test extra and runs the suite. The second
is the line ``.ci/run`` runs on a clean clone, so CI runs it literally; the first is run here,
its install step as what it leaves available: the serving command, with every package outside
alexaskill's runtime dependencies made unimportable (uvloop, httptools, redis, babel, pytest…),
so a quick start that needed an extra fails here rather than on the newcomer's machine.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import shlex
import signal
import sys
from pathlib import Path

import httpx
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import Servers
from .processes import free_port

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    """The commands of the README's quick start block (comment lines left out)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the quick start has no ```sh block"
    return [
        line.strip()
        for line in block.group(1).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def test_the_quick_start_has_an_install_and_serve_and_an_install_and_test_command() -> None:
    serve, test = quick_start_commands()
    assert serve.startswith("python3 -m venv .venv && .venv/bin/pip install -e . && "), serve
    assert ".venv/bin/alexaskill serve examples.weather.app:skill" in serve, serve
    assert test.startswith("python3 -m venv .venv && .venv/bin/pip install -e "), test
    assert test.endswith("&& .venv/bin/python -m pytest"), test


def test_the_quick_starts_test_command_is_the_one_ci_runs() -> None:
    # .ci/run runs it on a clean clone: what keeps it working as written.
    _, test = quick_start_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test in [line.strip() for line in ci], f"{test!r} is not a line of .ci/run"


def _runtime_distributions() -> set[str]:
    """alexaskill and every distribution its runtime dependencies need, recursively (no
    extras), as installed here."""
    found: set[str] = set()
    waiting = ["alexaskill"]
    while waiting:
        name = canonicalize_name(waiting.pop())
        if name in found:
            continue
        found.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue  # a marker's dependency not installed here (another platform's)
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                waiting.append(requirement.name)
    return found


def _not_in_a_plain_install() -> list[str]:
    """The top-level modules installed here that ``pip install -e .`` would not bring."""
    runtime = _runtime_distributions()
    return sorted(
        module
        for module, distributions in importlib.metadata.packages_distributions().items()
        if not any(canonicalize_name(name) in runtime for name in distributions)
    )


def test_the_modules_left_out_are_the_extras() -> None:
    # The harness itself: what the serving command below cannot import.
    missing = set(_not_in_a_plain_install())
    assert {"uvloop", "httptools", "redis", "babel", "pytest"} <= missing
    assert not {"alexaskill", "uvicorn", "starlette", "httpx", "cryptography"} & missing


def test_the_quick_starts_serve_command_serves_with_the_runtime_dependencies_alone(
    servers: Servers,
) -> None:
    serve, _ = quick_start_commands()
    *install, command = serve.split(" && ")
    assert install == ["python3 -m venv .venv", ".venv/bin/pip install -e ."]
    arguments = shlex.split(command)
    assert arguments[0] == ".venv/bin/alexaskill"
    port = free_port()
    assert arguments[arguments.index("--port") + 1] == "8000"
    arguments[arguments.index("--port") + 1] = str(port)
    # The `alexaskill` script, in a process where only a plain install's packages import.
    script = (
        "import sys\n"
        f"for name in {_not_in_a_plain_install()!r}:\n"
        "    sys.modules[name] = None\n"
        "from alexaskill.cli import main\n"
        f"sys.argv = ['alexaskill', *{arguments[1:]!r}]\n"
        "raise SystemExit(main())\n"
    )
    # A new machine's environment: none of alexaskill's or uvicorn's variables set.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ALEXASKILL_", "FORWARDED_ALLOW_IPS", "PYTEST", "UVICORN_"))
    }
    # (Servers.start fails the test, with the server's output, if it never serves.)
    process = servers.start([sys.executable, "-c", script], port, cwd=ROOT, env=env, timeout=30)
    url = f"http://127.0.0.1:{port}"
    health = httpx.get(f"{url}/health", timeout=2)
    refused = httpx.post(url, content=b"{}", headers={"Content-Type": "application/json"})
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    output = servers.output[process].read_text(errors="replace", encoding="utf-8")
    assert health.json() == {"status": "ok"}, output
    assert refused.status_code == 400, output
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
