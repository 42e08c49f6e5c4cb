"""The servers the load benchmark starts as the Docker image and `alexaskill serve` run them:
their commands, options and environment, read from the Dockerfile and serve's parser (no server
is started)."""

from __future__ import annotations

import html
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import load, rows, serving


@pytest.mark.parametrize(
    ("row", "level"),
    [("def-info-docker", "INFO"), ("def-docker", "WARNING"), ("async-docker", "WARNING")],
)
def test_the_docker_rows_run_the_docker_images_uvicorn_options(
    tmp_path: Path, row: str, level: str
) -> None:
    dockerfile = (serving.ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
    cmd = json.loads(next(line for line in dockerfile if line.startswith("CMD "))[4:])
    assert cmd[:2] == ["uvicorn", "examples.weather.app:skill"]
    # As --name=value, less where the benchmark sets its own (address, access log).
    options, words = [], iter(cmd[2:])
    for word in words:
        if word in ("--host", "--port"):
            next(words)
        elif word in (
            "--http",
            "--loop",
            "--limit-concurrency",
            "--timeout-keep-alive",
            "--timeout-graceful-shutdown",
        ):
            options.append(f"{word}={next(words)}")
        elif word != "--no-access-log":
            options.append(word)
    [spec] = load.server_specs([row], tmp_path, "auto", "httptools", None)
    assert [arg for arg in spec.command if arg in options] == options
    assert "--http=httptools" not in spec.command
    assert "--loop=auto" not in spec.command  # the image's loop, not uvicorn's own
    assert spec.env["ALEXASKILL_LOG_LEVEL"] == level


def test_a_checkout_from_before_alexaskill_loops_runs_uvicorns_loop(tmp_path: Path) -> None:
    before = tmp_path / "before"
    (before / "alexaskill").mkdir(parents=True)
    (before / "alexaskill" / "__init__.py").write_text("", encoding="utf-8")
    (before / "examples").mkdir()
    ours, then = load.server_specs(
        ["def-info-docker", "def-info-docker@before"], tmp_path, "auto", "httptools", None,
        before=before, work_dir=tmp_path,
    )  # fmt: skip
    assert "--loop=alexaskill.loops:new_event_loop" in ours.command
    assert "--loop=auto" in then.command
    assert not any(arg.startswith("--loop=alexaskill") for arg in then.command)


def test_the_serve_row_runs_alexaskill_serve_with_its_defaults(tmp_path: Path) -> None:
    ours, before = load.server_specs(
        ["def-serve", "def-serve@before"], tmp_path, "auto", "httptools", None,
        before=serving.ROOT, work_dir=tmp_path,
    )  # fmt: skip
    app = "benchmarks.servers.serve_weather_def:skill"
    assert ours.command == [sys.executable, "-P", "-m", "alexaskill", "serve", app]
    assert before.command == ours.command
    assert not any(name.startswith("ALEXASKILL_LOG") for name in ours.env)  # serve's defaults
    # The other checkout's alexaskill first on the path (-P: not this working directory).
    shim = tmp_path / "before-path"
    assert before.env["PYTHONPATH"] == os.pathsep.join((str(shim), str(serving.ROOT)))
    assert ours.env["PYTHONPATH"] == str(serving.ROOT)
    assert "def-serve" in rows.ALEXASKILL_ROWS and rows.row("def-serve").target == 0.95


@pytest.mark.parametrize("row", ["def-info-docker", "def-docker", "async-docker"])
def test_the_docker_rows_run_uvicorn_at_the_log_level_of_the_image_and_of_serve(
    tmp_path: Path, row: str
) -> None:
    # The image's CMD gives no --log-level (uvicorn's own: info), and serve's default is info:
    # a docker row at the other rows' warning compared unlike with def-serve (perf21).
    from alexaskill.cli import parser

    dockerfile = (serving.ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "--log-level" not in dockerfile
    serve = parser().parse_args(["serve", "app:skill"])
    [spec] = load.server_specs([row], tmp_path, "auto", "httptools", None)
    levels = [arg for arg in spec.command if arg.startswith("--log-level")]
    assert levels == [f"--log-level={serve.log_level}"] == ["--log-level=info"]


def test_the_ssml_row_counts_the_async_app_answering_in_ssml(tmp_path: Path) -> None:
    # count_instructions' rows all answered plain text, so the SSML answer path (SsmlSpeech,
    # _sent_document, the SSML checks) was in no count: the ssml row is the async row's app with
    # each answer's speech built with alexaskill.ssml, counted by default, an alexaskill row.
    from starlette.testclient import TestClient

    from alexaskill.testing import TestPKI
    from benchmarks import count_instructions
    from benchmarks.envelopes import Workload
    from benchmarks.servers import save_pki

    assert "ssml" in count_instructions.ROWS and "ssml" in count_instructions.OURS
    assert "ssml" in rows.ALEXASKILL_ROWS
    pki = TestPKI()
    pki_dir = save_pki(pki, tmp_path / "pki")
    apps: list[Any] = [count_instructions.app_for(name, pki_dir) for name in ("ssml", "async")]
    ssml_row, async_row = map(TestClient, apps)
    for request in Workload(10).signed(pki):
        ssml_answer = ssml_row.post("/", content=request.body, headers=request.headers)
        plain = async_row.post("/", content=request.body, headers=request.headers)
        assert ssml_answer.status_code == plain.status_code == 200
        answer, plain_answer = ssml_answer.json(), plain.json()
        speech = answer["response"].pop("outputSpeech")
        plain_speech = plain_answer["response"].pop("outputSpeech")
        assert speech["type"] == "SSML" and speech["ssml"].startswith("<speak>")
        assert plain_speech["type"] == "PlainText"
        # The same words, and the same answer otherwise: the rows differ by the speech's kind.
        words = html.unescape(re.sub(r"<[^>]*>", "", speech["ssml"]))
        assert words == plain_speech["text"]
        assert answer == plain_answer
