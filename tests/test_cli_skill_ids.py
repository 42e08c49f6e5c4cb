"""The skill id the commands that write or send requests put in them, when ``--skill-id`` does
not name one: the skill's own (the APP's), else the first id ``ALEXASKILL_SKILL_ID`` names (as
the server reads it), else the test tools' placeholder. ``alexaskill request`` already did so;
``replay``, ``chat``, ``certify`` and ``understand`` went straight to the placeholder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest

from alexaskill.cli import DEV_PKI_ENV
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory

from .cli_run import MODEL_FILE, run
from .conftest import FOURTH_SKILL_ID, OTHER_SKILL_ID, SKILL_ID, THIRD_SKILL_ID

# The module's development PKI, made once (tests/dev_pki_shared.py): `workdir` points at it.
from .dev_pki_shared import dev_dir as dev_dir
from .skill_modules import skill_module
from .threaded_http import ThreadedHTTPServer

# A skill that answers any skill id says the one it got; a skill of its own id.
SKILLS = f"""
from alexaskill import Context, Skill, speak

anyone = Skill("*")
own = Skill({SKILL_ID!r})


@anyone.launch
@own.launch
def launch(context: Context):
    return speak("for " + context.system.application.application_id)
"""


@pytest.fixture
def workdir(tmp_path: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))  # (read once per process: dev_pki() keeps it)
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", f" {OTHER_SKILL_ID}, {FOURTH_SKILL_ID}")
    yield from skill_module(tmp_path, monkeypatch, "skills", SKILLS)


class _Recorder(BaseHTTPRequestHandler):
    """Records the application ids of each request POSTed; answers it with a short speech."""

    ids: ClassVar[list[set[str]]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            envelope = json.loads(body)
            found = {envelope["context"]["System"]["application"]["applicationId"]}
            if "session" in envelope:
                found.add(envelope["session"]["application"]["applicationId"])
            self.ids.append(found)
        except (ValueError, KeyError, TypeError):
            pass  # (certify's body that is no JSON)
        answer = json.dumps({"version": "1.0", "response": {}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[set[str]]]]:
    """A server on 127.0.0.1 (its URL), and the application ids of each request it got."""
    ids: list[set[str]] = []
    handler = type("Recorder", (_Recorder,), {"ids": ids})
    server = ThreadedHTTPServer(handler)
    try:
        yield f"{server.url}/", ids
    finally:
        server.stop()


def _launch_file(workdir: Path) -> str:
    # The file's own id, none of conftest's: a command that kept it sends none the tests expect.
    envelope = RequestFactory(skill_id="amzn1.ask.skill.from-the-file").envelope("LaunchRequest")
    (workdir / "launch.json").write_text(json.dumps(envelope), encoding="utf-8")
    return "launch.json"


def test_replay_sends_the_skill_id_of_the_environment_to_a_skill_without_one(
    workdir: Path,
) -> None:
    # A skill that answers any id (Skill("*")) was sent the placeholder id, whatever
    # ALEXASKILL_SKILL_ID said (request prints that id).
    file = _launch_file(workdir)
    code, out, err = run("replay", "skills:anyone", file, stdin="")
    assert code == 0, err
    assert f"speech:     for {OTHER_SKILL_ID}\n" in out
    # The skill's own id first, --skill-id before both.
    code, out, err = run("replay", "skills:own", file, stdin="")
    assert code == 0 and f"speech:     for {SKILL_ID}\n" in out, out + err
    code, out, err = run("replay", "skills:anyone", file, "--skill-id", THIRD_SKILL_ID, stdin="")
    assert code == 0 and f"speech:     for {THIRD_SKILL_ID}\n" in out, out + err


def test_replay_url_sends_the_skill_id_of_the_environment(
    workdir: Path, recorder: tuple[str, list[set[str]]]
) -> None:
    url, ids = recorder
    file = _launch_file(workdir)
    code, out, err = run("replay", "skills:anyone", file, "--url", url, stdin="")
    assert code == 0, out + err
    code, out, err = run("replay", "skills:own", file, "--url", url, stdin="")
    assert code == 0, out + err
    assert ids == [{OTHER_SKILL_ID}, {SKILL_ID}]


def test_chat_sends_the_skill_id_of_the_environment(
    workdir: Path, recorder: tuple[str, list[set[str]]]
) -> None:
    said = "open the test\n"
    code, out, err = run("chat", "skills:anyone", "--invocation", "the test", stdin=said)
    assert code == 0, err
    assert f"skill:      for {OTHER_SKILL_ID}\n" in out
    # --url with a model file and no APP: the server names no skill id (no simulator), so
    # the environment's.
    url, ids = recorder
    code, out, err = run("chat", "--model", MODEL_FILE, "--url", url, stdin="open pizza palace\n")
    assert code == 0, out + err
    assert ids == [{OTHER_SKILL_ID}]


def test_certify_probes_carry_the_skill_id_of_the_environment(
    workdir: Path, recorder: tuple[str, list[set[str]]]
) -> None:
    url, ids = recorder
    code, out, err = run("certify", url, "--allow-local", stdin="")
    assert code == 1, out + err  # (the recorder accepts every probe)
    # Every probe is for the skill but the one for another skill.
    assert len(ids) > 1 and sum(found == {OTHER_SKILL_ID} for found in ids) == len(ids) - 1, ids
    ids.clear()
    code, out, err = run("certify", url, "--allow-local", "--skill-id", THIRD_SKILL_ID, stdin="")
    assert code == 1, out + err
    assert len(ids) > 1 and sum(found == {THIRD_SKILL_ID} for found in ids) == len(ids) - 1, ids


def test_understand_resolves_under_the_skill_id_of_the_environment(workdir: Path) -> None:
    code, out, err = run("understand", "--model", MODEL_FILE, "a large pepperoni pizza", stdin="")
    assert code == 0, err
    assert f"amzn1.er-authority.echo-sdk.{OTHER_SKILL_ID}." in out
    assert DEFAULT_SKILL_ID not in out


@pytest.mark.parametrize(
    "argv",
    [
        ("replay", "skills:anyone", "launch.json"),
        ("chat", "skills:anyone", "--invocation", "the test"),
        ("certify", "http://127.0.0.1:9/", "--allow-local"),
        ("understand", "--model", MODEL_FILE, "hello"),
    ],
)
def test_a_skill_id_of_the_environment_the_server_refuses_is_a_usage_error(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    _launch_file(workdir)
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", " , ")
    code, out, err = run(*argv, stdin="")
    assert code == 2, out + err
    assert "names no skill id" in err and "--skill-id" in err and err.count("\n") == 1, err
