"""``alexaskill replay --carry-session``: the request files sent as one conversation, each
request in the session the answer before it left open, with that answer's attributes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .cli_run import run
from .cli_session_shared import ORDERED, YES_TO_WHAT
from .cli_session_shared import coffeeshop as coffeeshop
from .conftest import Servers

pytestmark = pytest.mark.oldest_dependencies

APP = "coffeeshop:skill"


def test_each_file_keeps_its_own_session_by_default(coffeeshop: Path) -> None:
    code, out, err = run("replay", APP, "launch.json", "yes.json")
    assert (code, err) == (0, ""), out
    assert YES_TO_WHAT in out and ORDERED not in out


def test_carry_session_sends_the_answers_attributes_with_the_next_request(
    coffeeshop: Path,
) -> None:
    code, out, err = run("replay", APP, "launch.json", "yes.json", "--carry-session")
    assert (code, err) == (0, ""), out
    assert out.startswith("launch.json (LaunchRequest)\n  speech:     Shall I order a coffee?\n")
    assert ORDERED in out and YES_TO_WHAT not in out
    # --json sends them so too: the session is the launch's, its id carried.
    code, out, err = run("replay", APP, "launch.json", "yes.json", "--carry-session", "--json")
    assert (code, err) == (0, "")
    launch, yes = (json.loads(line) for line in out.splitlines())
    assert launch["response"]["sessionAttributes"] == {"asked": "coffee"}
    speech = yes["response"]["response"]["outputSpeech"]["text"]
    assert speech == "Ordered a coffee; new session: False."


def test_an_answer_ending_the_session_lets_the_next_file_start_its_own(
    coffeeshop: Path,
) -> None:
    # "no" ends the session (shouldEndSession: true): the "yes" after it opens a new one, as its
    # file has it, without the attributes of the session that ended.
    files = ("launch.json", "no.json", "yes.json", "launch.json", "yes.json")
    code, out, err = run("replay", APP, *files, "--carry-session")
    assert code == 0, out + err
    rows = out.split("yes.json (IntentRequest AMAZON.YesIntent)\n")
    assert len(rows) == 3
    assert rows[1].startswith(YES_TO_WHAT) and rows[2].startswith(ORDERED), out


def test_carry_session_with_url_carries_the_servers_answers(
    coffeeshop: Path, dev_dir: Path, servers: Servers
) -> None:
    url = servers.serve_dev(APP, cwd=coffeeshop, dev_dir=dev_dir)[1]
    code, out, err = run("replay", "--url", url, "launch.json", "yes.json", "--carry-session")
    assert code == 0, out + err
    assert ORDERED in out and YES_TO_WHAT not in out
    code, out, err = run("replay", "--url", url, "launch.json", "yes.json")
    assert code == 0 and YES_TO_WHAT in out, out + err


def test_carry_session_replays_a_request_whose_type_is_no_string(coffeeshop: Path) -> None:
    # The skill refuses it (HTTP 400), as without --carry-session, and it goes as its file has
    # it, out of the conversation, as an event does; the check of its type (a set lookup)
    # raised TypeError, unhashable 'list', out of the command.
    envelope = json.loads((coffeeshop / "yes.json").read_text(encoding="utf-8"))
    envelope["request"]["type"] = ["IntentRequest"]
    (coffeeshop / "odd.json").write_text(json.dumps(envelope), encoding="utf-8")
    code, out, err = run("replay", APP, "launch.json", "odd.json", "yes.json", "--carry-session")
    assert code == 1, out + err
    assert "Traceback" not in err and "FAILED: HTTP 400" in out, out + err
    assert ORDERED in out and YES_TO_WHAT not in out


@pytest.mark.parametrize("carry", [(), ("--carry-session",)])
def test_a_file_given_twice_is_sent_under_a_new_request_id(
    coffeeshop: Path, monkeypatch: pytest.MonkeyPatch, carry: tuple[str, ...]
) -> None:
    # Alexa never sends one requestId twice: a file given twice (or its request twice on
    # standard input) was sent twice under its id, with or without --carry-session, as no
    # device sends it. The first keeps the file's; a repeat gets a new one, as a repeated
    # session gets a new session id under --carry-session.
    import io
    import sys

    import alexaskill.testing.client as client_module

    sent: list[str] = []
    replay = client_module.TestClient.replay

    def recording(self: object, envelope: dict[str, Any], **options: Any) -> Any:
        sent.append(envelope["request"]["requestId"])
        return replay(self, envelope, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(client_module.TestClient, "replay", recording)
    written = json.loads((coffeeshop / "launch.json").read_text(encoding="utf-8"))["request"][
        "requestId"
    ]
    code, out, err = run("replay", APP, "launch.json", "yes.json", "launch.json", *carry)
    assert (code, err) == (0, ""), out
    assert sent[0] == written and len(set(sent)) == 3, sent
    del sent[:]
    twice = (coffeeshop / "launch.json").read_text(encoding="utf-8") * 2
    monkeypatch.setattr(sys, "stdin", io.StringIO(twice))
    code, out, err = run("replay", APP, "-", *carry)
    assert (code, err) == (0, ""), out
    assert sent[0] == written and len(set(sent)) == 2, sent
