"""``alexaskill serve --dev``: the development PKI it trusts, the factory uvicorn calls in each
process, and ``replay --url`` against it."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest

from alexaskill import Skill, speak
from alexaskill.cli import (
    DEV_CERT_URL,
    DEV_PKI_ENV,
    UsageError,
    dev_pki_directory,
    serve_factory,
    trust_dev_pki,
)
from alexaskill.cli.common import skills_in
from alexaskill.testing import RequestFactory, TestPKI

from .cli_run import run
from .cli_shared import ROOT, WEATHER, WEATHER_REQUESTS

# The fixtures of tests/cli_shared.py these tests take, imported for pytest to see.
from .cli_shared import workdir as workdir
from .conftest import OTHER_SKILL_ID, SKILL_ID, Servers

pytestmark = pytest.mark.oldest_dependencies

# --- serve ---------------------------------------------------------------------------------------


def test_dev_pki_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(DEV_PKI_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert dev_pki_directory() == tmp_path / "alexaskill" / "dev-pki"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert dev_pki_directory() == tmp_path / ".local" / "share" / "alexaskill" / "dev-pki"
    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "mine"))
    assert dev_pki_directory() == tmp_path / "mine"


def test_dev_trust_accepts_the_dev_key_and_keeps_the_skills_own(
    dev_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from starlette.testclient import TestClient as StarletteClient

    own = TestPKI(key_set=1)
    skill = Skill(SKILL_ID, verifier=own.verifier())
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    trust_dev_pki(skill)
    assert "Never use --dev in production" in caplog.text
    dev = TestPKI.load(dev_dir, cert_url=DEV_CERT_URL)
    impostor = TestPKI(key_set=2, cert_url=DEV_CERT_URL)
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")).encode()
    with StarletteClient(skill) as http:

        def status(pki: TestPKI) -> int:
            headers = {"Content-Type": "application/json", **pki.sign(body)}
            return http.post("/", content=body, headers=headers).status_code

        assert status(dev) == 200
        assert status(own) == 200
        assert status(impostor) == 400


def hand_over(
    monkeypatch: pytest.MonkeyPatch, app: str, dev: bool, host: str = "127.0.0.1"
) -> dict[str, str]:
    """What `alexaskill serve`, were it this process, would hand its server processes: set in
    the environment, and returned."""
    from alexaskill.cli.serve_handover import _hand_over

    handed = _hand_over(app, dev, None, None, host, 8000)
    for name, value in handed.items():
        monkeypatch.setenv(name, value)
    return handed


def test_serve_factory_reads_its_options_from_the_environment(
    workdir: Path, empty_dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hand_over(monkeypatch, "skillapp:skill", dev=False)
    skill = serve_factory()
    assert skill.verifier is None
    hand_over(monkeypatch, "skillapp:skill", dev=True)
    served = serve_factory()  # the skill, with the simulator at /_simulator/
    assert served.app is skill and skill.verifier is not None
    assert served.simulator.targets[0].skill is skill
    assert (empty_dev_dir / TestPKI.FILE_NAME).exists()


def test_serve_factory_serves_only_the_processes_of_an_alexaskill_serve(
    workdir: Path,
    empty_dev_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # ALEXASKILL_SERVE_DEV=1 uvicorn --factory alexaskill.cli.serve:serve_factory --host 0.0.0.0
    # trusted the development key, from the environment alone, without the loopback warning.
    for name, value in (("APP", "skillapp:skill"), ("DEV", "1")):
        monkeypatch.setenv(f"ALEXASKILL_SERVE_{name}", value)
        monkeypatch.setenv(f"_ALEXASKILL_SERVE_{name}", value)
    sealed_without_dev = hand_over(monkeypatch, "skillapp:skill", dev=False)
    monkeypatch.setenv("_ALEXASKILL_SERVE_DEV", "1")  # changed after it was sealed
    # None, empty, made up, a pid (the binding before), or sealed for other options.
    for seal in (
        "",
        "0" * 64,
        "1",
        "caf\udce9",
        None,
        sealed_without_dev["_ALEXASKILL_SERVE_SEAL"],
    ):
        if seal is None:
            monkeypatch.delenv("_ALEXASKILL_SERVE_SEAL")
        else:
            monkeypatch.setenv("_ALEXASKILL_SERVE_SEAL", seal)
        with caplog.at_level(logging.ERROR, "alexaskill"), pytest.raises(SystemExit):
            serve_factory()
        [refusal] = caplog.records
        assert "serve_factory serves only the server processes of `alexaskill serve`" in (
            refusal.getMessage()
        )
        caplog.clear()
    assert not (empty_dev_dir / TestPKI.FILE_NAME).exists()
    # Handed over by this process (uvicorn's one server process with --workers 1; its other
    # server processes hold its multiprocessing authkey: test_cli_serve.py runs them).
    hand_over(monkeypatch, "skillapp:skill", dev=True, host="0.0.0.0")
    with caplog.at_level(logging.WARNING, "alexaskill"):
        serve_factory()
    warnings = [r.getMessage() for r in caplog.records if r.name == "alexaskill.security"]
    assert any("--dev on 0.0.0.0, not a loopback address" in w for w in warnings), warnings


@pytest.mark.parametrize("whose", ["own", "parent"])
def test_serve_factory_cannot_be_handed_its_options_by_hand(
    workdir: Path, empty_dev_dir: Path, whose: str
) -> None:
    # The hand-over named the pid of the serve process, and a process whose own pid or whose
    # parent's it was got the options. In a container uvicorn runs as PID 1 (under systemd its
    # parent is PID 1; in a shell, $$ is the parent's): _ALEXASKILL_SERVE_PID=1
    # _ALEXASKILL_SERVE_DEV=1 uvicorn --factory alexaskill.cli.serve:serve_factory trusted the
    # development key from the environment alone.
    pid = "os.getpid()" if whose == "own" else "os.getppid()"  # PID 1's two cases
    script = (
        "import os\n"
        f"os.environ['_ALEXASKILL_SERVE_PID'] = str({pid})\n"
        "from alexaskill.cli.serve import serve_factory\n"
        "served = serve_factory()\n"
        "print('served', type(served).__name__)\n"
    )
    env = {
        **os.environ,
        "_ALEXASKILL_SERVE_APP": "skillapp:skill",
        "_ALEXASKILL_SERVE_DEV": "1",
        "_ALEXASKILL_SERVE_HOST": "127.0.0.1",
        "_ALEXASKILL_SERVE_PORT": "8000",
        "_ALEXASKILL_SERVE_CAPTURE": "",
        "_ALEXASKILL_SERVE_MODEL": "",
    }
    _refused_in_a_process(workdir, empty_dev_dir, script, env)


def test_a_seal_made_in_another_process_does_not_hold(workdir: Path, empty_dev_dir: Path) -> None:
    # The seal's key is the process's multiprocessing authkey, which uvicorn's spawned server
    # processes inherit through a pipe: a seal read from another process's environment
    # (/proc/PID/environ, a unit file pasted with it) is no key to a process of its own.
    made = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json\n"
            "from alexaskill.cli.serve_handover import _hand_over\n"
            "print(json.dumps(_hand_over('skillapp:skill', True, None, None, '127.0.0.1', 8000)))",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=True,
    )
    script = "from alexaskill.cli.serve import serve_factory\nserve_factory()\nprint('served')\n"
    _refused_in_a_process(workdir, empty_dev_dir, script, {**os.environ, **json.loads(made.stdout)})


def _refused_in_a_process(
    workdir: Path, dev_dir: Path, script: str, env: Mapping[str, str]
) -> None:
    """Run ``script`` (which calls serve_factory) in a Python of its own: refused, exit 3, no
    development PKI made in ``dev_dir`` (empty)."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert "served" not in done.stdout, done.stderr
    assert done.returncode == 3, done.stderr
    assert "serve_factory serves only the server processes of `alexaskill serve`" in done.stderr
    assert not (dev_dir / TestPKI.FILE_NAME).exists()


def test_serve_dev_trusts_the_skills_a_starlette_app_mounts(
    workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "portal.py").write_text(
        "from starlette.applications import Starlette\n"
        "from starlette.routing import Mount, Route\n"
        "from starlette.responses import PlainTextResponse\n"
        "from skillapp import skill\n"
        "from alexaskill import Skill\n\n"
        f"other = Skill('{OTHER_SKILL_ID}')\n"
        "app = Starlette(routes=[\n"
        "    Route('/', lambda request: PlainTextResponse('home')),\n"
        "    skill.mount('/weather'),\n"
        "    Mount('/nested', routes=[Mount('/other', app=other)]),\n"
        "])\n"
        "plain = Starlette(routes=[Route('/', lambda request: PlainTextResponse('home'))])\n",
        encoding="utf-8",
    )
    hand_over(monkeypatch, "portal:app", dev=True)
    skills = skills_in(serve_factory())
    assert len(skills) == 2
    assert all(type(skill.verifier).__name__ == "DevVerifier" for skill in skills)
    hand_over(monkeypatch, "portal:plain", dev=True)
    with pytest.raises(UsageError, match="--dev: portal:plain is no Skill and mounts none"):
        serve_factory()


def test_serve_dev_then_replay_url(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch, servers: Servers
) -> None:
    process, url = servers.serve_dev(WEATHER, cwd=ROOT, dev_dir=dev_dir)
    monkeypatch.chdir(ROOT)
    code, out, err = run("replay", WEATHER, *WEATHER_REQUESTS, "--url", url)
    assert code == 0, out + err
    assert "Welcome to Weather.\n" in out
    # The served skill called the fake API replay serves on 127.0.0.1, never Amazon.
    assert "  alexa api:  given_name -> 204\n" in out
    assert out.endswith(f"{len(WEATHER_REQUESTS)} requests: all answered\n")

    # Signed by a key the server does not trust, for the same certificate URL: refused.
    impostor = TestPKI(key_set=1, cert_url=DEV_CERT_URL)
    body = json.dumps(RequestFactory().intent("AMAZON.HelpIntent")).encode()
    headers = {"Content-Type": "application/json", **impostor.sign(body)}
    refused = httpx.post(url, content=body, headers=headers, timeout=30)
    assert refused.status_code == 400
    assert "signature" in refused.json()["error"]
    servers.stop(process)
    output = servers.output[process].read_text(encoding="utf-8")
    assert "Never use --dev in production" in output
    assert str(dev_dir) in output


@pytest.mark.parametrize(
    ("mounted", "said"),
    [
        (None, "--dev: the simulator found no skill: pass a Skill, or an app whose routes mount"),
        ("/_simulator/weather", "--dev: the skill at /_simulator/weather"),
    ],
    ids=["no skill (NoSkillFound)", "one where the simulator answers (PathTaken)"],
)
def test_serve_dev_says_the_simulators_refusal_of_the_app_as_a_usage_error(
    mounted: str | None, said: str
) -> None:
    # Both are the simulator's ValueErrors, said as --dev's mistake in one line. (serve says
    # an app of no skill before, in its own words: the simulator's are for a caller of its own.)
    from starlette.applications import Starlette
    from starlette.routing import Mount

    from alexaskill.cli import serve

    routes = [] if mounted is None else [Mount(mounted, app=Skill(SKILL_ID))]
    with pytest.raises(UsageError) as refused:
        serve._with_simulator(Starlette(routes=routes), None)
    assert str(refused.value).startswith(said), refused.value
