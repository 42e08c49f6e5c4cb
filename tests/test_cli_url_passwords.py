"""A password in a ``--url`` (``http://ann:pw@host/``) is never echoed by the commands that take
one (replay, chat, certify): their messages show it as ``***``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from alexaskill.cli import DEV_PKI_ENV
from alexaskill.cli.inputs import shown_url
from alexaskill.testing import RequestFactory

from .cli_run import run
from .conftest import SKILL_ID
from .dev_pki_shared import with_dev_pki
from .processes import free_port

pytestmark = pytest.mark.oldest_dependencies

SECRET = "s3cr3t-pw"

APP = f"""
from alexaskill import Skill, speak

skill = Skill({SKILL_ID!r})


@skill.intent("Hello", utterances=["say hello"])
def hello():
    return speak("hello")
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A current directory holding ``pwapp.py`` and ``hello.json``; no connection leaves."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setenv(DEV_PKI_ENV, str(with_dev_pki(tmp_path / "dev-pki")))
    (tmp_path / "pwapp.py").write_text(APP, encoding="utf-8")
    (tmp_path / "hello.json").write_text(
        json.dumps(RequestFactory(skill_id=SKILL_ID).intent("Hello")), encoding="utf-8"
    )

    def refused(self: object, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", refused)
    yield tmp_path
    for name in [name for name in sys.modules if name.startswith("pwapp")]:
        del sys.modules[name]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://ann:pw@127.0.0.1:8000/", "http://ann:***@127.0.0.1:8000/"),
        ("https://:pw@example.com/x?a=b:c@d", "https://:***@example.com/x?a=b:c@d"),
        ("http://ann:p@w@host/", "http://ann:***@host/"),  # an "@" left unescaped
        ("http://ann@host/", "http://ann@host/"),  # no password
        ("https://host/a:b@c", "https://host/a:b@c"),  # a path's, not a password
        ("not a url: x@y", "not a url: x@y"),
    ],
)
def test_shown_url(url: str, shown: str) -> None:
    assert shown_url(url) == shown


@pytest.mark.parametrize(
    ("url", "said"),
    [
        # A URL refused for what it is
        (f"http://ann:{SECRET}@127.0.0.1:99999/", "the port is not a number"),
        (f"ftp://ann:{SECRET}@127.0.0.1/", "expected an http(s) URL"),
        # One that nothing answered
        (f"http://ann:{SECRET}@127.0.0.1:8000/", "cannot connect to http://ann:***@127.0.0.1"),
    ],
)
@pytest.mark.parametrize("command", ["replay", "chat"])
def test_replay_and_chat_do_not_echo_the_url_s_password(
    workdir: Path, command: str, url: str, said: str
) -> None:
    given = ["pwapp:skill", "hello.json"] if command == "replay" else ["pwapp:skill"]
    code, out, err = run(command, *given, "--url", url, stdin="open the skill\n")
    assert code == 2, (out, err)
    assert said in err, err
    assert "ann:***@127.0.0.1" in err, err
    assert SECRET not in out + err


def test_certify_does_not_echo_the_url_s_password(workdir: Path) -> None:
    # Refused: http:// without --allow-local
    code, out, err = run("certify", f"http://ann:{SECRET}@127.0.0.1:8000/", stdin="")
    assert code == 2, (out, err)
    assert "http://ann:***@127.0.0.1:8000/: Alexa only calls https://" in err, err
    assert SECRET not in out + err
    # Not reached: said in the report
    url = f"http://ann:{SECRET}@127.0.0.1:{free_port()}/"
    code, out, err = run("certify", url, "--allow-local", "--skill-id", SKILL_ID, stdin="")
    assert code != 0, (out, err)
    assert "cannot reach http://ann:***@127.0.0.1:" in out, out
    assert SECRET not in out + err
