"""The Dockerfile's commands, run here: no Docker engine exists on these machines.

The image installs the package with ``pip install .`` and runs the ``CMD`` below. These tests
read both from the Dockerfile itself, run the same command line (bound to 127.0.0.1 instead of
0.0.0.0) and talk to it, so a Dockerfile that drifts from the code fails here.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def instructions(keyword: str) -> list[str]:
    """The arguments of every ``keyword`` instruction, with continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    return [
        line.split(None, 1)[1].strip()
        for line in text.splitlines()
        if line.strip().upper().startswith(keyword + " ")
    ]


def test_image_basics() -> None:
    assert instructions("FROM")[0].startswith("python:3.11-slim")
    assert 'pip install ".[redis,fast]"' in instructions("RUN")
    users = instructions("USER")
    assert users and users[-1] not in ("root", "0")
    assert instructions("EXPOSE") == ["8080"]
    env = " ".join(instructions("ENV"))
    assert "ALEXASKILL_SKILL_ID=" in env
    assert "ALEXASKILL_STORE=sqlite:////data/" in env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served() -> Iterator[str]:
    cmd = json.loads(instructions("CMD")[-1])
    assert cmd[0] == "uvicorn"
    port = free_port()
    host_at = cmd.index("--host") + 1
    port_at = cmd.index("--port") + 1
    assert cmd[host_at] == "0.0.0.0"
    assert cmd[port_at] == "8080"
    cmd[host_at] = "127.0.0.1"
    cmd[port_at] = str(port)
    process = subprocess.Popen(
        [sys.executable, "-m", *cmd],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"the Dockerfile's CMD did not start: {output}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def test_cmd_serves_health(served: str) -> None:
    response = httpx.get(f"{served}/health")
    assert response.json() == {"status": "ok"}
    assert "server" not in response.headers  # --no-server-header


def test_cmd_serves_with_verification_on(served: str) -> None:
    body = json.dumps({"version": "1.0", "request": {"type": "LaunchRequest"}})
    response = httpx.post(served, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "error" in response.json()
