"""The ``slot:`` rows of `alexaskill replay` (in process and ``--url``)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli import main
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory

from .canned_answer import canned_answer_port, json_answer, replayed

# The module's development PKI, which ``replay --url`` signs with, and the variable pointing at it
# (tests/dev_pki_shared.py): made once, where each test's own was three RSA keys of its own.
from .dev_pki_shared import _dev_env as _dev_env
from .dev_pki_shared import dev_dir as dev_dir
from .skill_modules import skill_module

COUNTING = f"""
from alexaskill import Skill, can_fulfill, speak

skill = Skill({DEFAULT_SKILL_ID!r})

@skill.intent("Order")
def order(count: int = 1):
    return speak(f"You ordered {{count}}.")

@skill.intent("Pick")
def pick(count: int):
    return speak(f"You picked {{count}}.")

@skill.can_fulfill("Pick")
def can_pick(count: int):
    return can_fulfill("YES")

@skill.fallback
def anything(count: int = 1):
    return speak(f"You said {{count}}.")
"""


@pytest.fixture
def counting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The current directory, holding counting.py (`COUNTING`)."""
    yield from skill_module(tmp_path, monkeypatch, "counting", COUNTING)


def served_replay(
    where: Path, envelope: dict[str, Any], payload: Any, *options: str
) -> tuple[int, str, str]:
    """Replay ``envelope`` with ``--url`` to a server answering HTTP 200 with ``payload``."""
    (where / "request.json").write_text(json.dumps(envelope), encoding="utf-8")
    return replayed("counting:skill", Path("request.json"), json_answer(payload), *options)


def _spoken(text: str, *, end: bool = True, **response: Any) -> dict[str, Any]:
    answer = {"outputSpeech": {"type": "PlainText", "text": text}, "shouldEndSession": end}
    return {"version": "1.0", "response": {**answer, **response}}


def test_replay_url_shows_the_slot_value_that_falls_back_to_its_default(counting: Path) -> None:
    # In process, the skill's INFO line is the file's `slot:` row; sent to a server (--url) the
    # line stays in the server's log and replay showed no row: an author replaying a capture
    # against `serve --dev` saw "You ordered 1." and not why. Told now from the request sent.
    envelope = RequestFactory().intent("Order", count="?")
    code, out, err = served_replay(counting, envelope, _spoken("You ordered 1."))
    assert code == 0, out + err
    assert (
        "  slot:       Order: slot 'count' has a value that does not convert: '?', Alexa's mark "
        "for a number it heard but did not understand; count gets its default, 1\n"
    ) in out
    assert out.count("  slot:  ") == 1
    code, out, err = served_replay(counting, envelope, _spoken("You ordered 1."), "--json")
    assert code == 0, out + err
    assert "count gets its default, 1" in json.loads(out)["slots"][0]


def test_replay_url_shows_a_required_slot_the_server_asks_for_again(counting: Path) -> None:
    envelope = RequestFactory().intent("Pick", count="?")
    elicit = {"type": "Dialog.ElicitSlot", "slotToElicit": "count"}
    payload = _spoken("Sorry, how many?", end=False, directives=[elicit])
    code, out, err = served_replay(counting, envelope, payload)
    assert code == 0, out + err
    assert "  slot:       Pick: slot 'count' has a value that does not convert: '?'" in out
    assert "; asking again with the server's Dialog.ElicitSlot\n" in out


def test_replay_url_shows_no_slot_row_for_a_value_that_converts(counting: Path) -> None:
    envelope = RequestFactory().intent("Order", count="2")
    code, out, err = served_replay(counting, envelope, _spoken("You ordered 2."))
    assert code == 0, out + err
    assert "  slot:  " not in out


def test_replay_url_says_nothing_of_slots_for_a_server_it_has_no_app_of(counting: Path) -> None:
    # Without the APP, replay does not know the handlers' parameters: no row, no guess.
    (counting / "request.json").write_text(
        json.dumps(RequestFactory().intent("Order", count="?")), encoding="utf-8"
    )
    body = json.dumps(_spoken("You ordered 1.")).encode()
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    out, err = io.StringIO(), io.StringIO()
    with canned_answer_port(answer + body) as port:
        argv = ["replay", "--url", f"http://127.0.0.1:{port}/", "--skill-id", DEFAULT_SKILL_ID]
        code = main([*argv, "request.json"], stdout=out, stderr=err)
    assert code == 0, out.getvalue() + err.getvalue()
    assert "  slot:  " not in out.getvalue()


def test_replay_json_slots_hold_the_characters_once_escaped(counting: Path) -> None:
    # The row's text was made terminal-safe ("\x1b" written out as four characters) and then
    # JSON-escaped: the "slots" of --json read "Ord\\x1ber", which a JSON reader got as a
    # backslash, not the ESC of the intent's name. JSON escapes it; the text rows write it out.
    envelope = RequestFactory().intent("Ord\x1ber", count="?")
    (counting / "request.json").write_text(json.dumps(envelope), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["replay", "counting:skill", "request.json", "--json"], stdout=out, stderr=err)
    assert code == 0, out.getvalue() + err.getvalue()
    assert "\x1b" not in out.getvalue()  # (escaped by JSON: nothing for the terminal to act on)
    (line,) = json.loads(out.getvalue())["slots"]
    assert line.startswith("Ord\x1ber: slot 'count' has a value that does not convert")
    out = io.StringIO()
    code = main(["replay", "counting:skill", "request.json"], stdout=out, stderr=err)
    assert "  slot:       Ord\\x1ber: slot 'count'" in out.getvalue()


def test_replay_url_says_nothing_of_asking_again_for_a_can_fulfill_probe(counting: Path) -> None:
    # In process, a required slot that does not convert in Alexa's probe is answered without it
    # (no `slot:` row: the user is asked nothing); --url said "asking again" for it.
    envelope = RequestFactory().intent("Pick", count="?")
    envelope["request"]["type"] = "CanFulfillIntentRequest"
    envelope["request"].pop("dialogState", None)
    answer = {"canFulfillIntent": {"canFulfill": "NO"}}
    code, out, err = served_replay(counting, envelope, {"version": "1.0", "response": answer})
    assert code == 0, out + err
    assert "  slot:  " not in out


@pytest.mark.parametrize("name", ["Ord\x1b]0;owned\x07er", "Ord\x9ber", "Ord\x7fer"])
def test_replay_header_line_writes_the_intent_name_terminal_safe(counting: Path, name: str) -> None:
    # The header line, "request.json (IntentRequest NAME)", wrote the name as the file held it:
    # an ESC, a BEL or a C1 CSI in a sample reached the terminal, which acted on it.
    (counting / "request.json").write_text(
        json.dumps(RequestFactory().intent(name, count="2")), encoding="utf-8"
    )
    out, err = io.StringIO(), io.StringIO()
    code = main(["replay", "counting:skill", "request.json"], stdout=out, stderr=err)
    assert code == 0, out.getvalue() + err.getvalue()
    header = out.getvalue().splitlines()[0]
    assert header == f"request.json (IntentRequest {name.encode('unicode_escape').decode()})"
    shown = out.getvalue().replace("\n", "")
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown), shown


@pytest.mark.parametrize("char", ["\x7f", "\x85", "\x9b"])
def test_replay_json_escapes_del_and_c1_characters(counting: Path, char: str) -> None:
    # JSON escapes C0 only: "ensure_ascii=False" wrote DEL and C1 (U+009B: a CSI to some
    # terminals) as they were, in the slots' lines and the skill's answer alike.
    envelope = RequestFactory().intent(f"Ord{char}er", count="?")
    (counting / "request.json").write_text(json.dumps(envelope), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["replay", "counting:skill", "request.json", "--json"], stdout=out, stderr=err)
    assert code == 0, out.getvalue() + err.getvalue()
    assert char not in out.getvalue()
    assert f"\\u{ord(char):04x}" in out.getvalue()
    (line,) = json.loads(out.getvalue())["slots"]
    assert line.startswith(f"Ord{char}er: slot 'count'")  # (the same text, read back)


MARKING = f"""
import enum

from alexaskill import Skill, speak

skill = Skill({DEFAULT_SKILL_ID!r})

class Mark(enum.Enum):
    NUL = "\\x00" * 200

@skill.intent("Mark")
def mark(mark: Mark = Mark.NUL):
    return speak("Marked.")
"""


@pytest.fixture
def marking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The current directory, holding marking.py (`MARKING`)."""
    yield from skill_module(tmp_path, monkeypatch, "marking", MARKING)


def test_replay_url_says_a_long_default_cut_between_its_escapes(marking: Path) -> None:
    # As the skill's own line says it (tests/test_slot_reasons.py): reprlib cut the default's
    # repr at a fixed count, mid-escape (<Mark.NUL: '\...).
    envelope = RequestFactory().intent("Mark", mark="x")
    (marking / "request.json").write_text(json.dumps(envelope), encoding="utf-8")
    answer = json_answer(_spoken("Marked."))
    code, out, err = replayed("marking:skill", Path("request.json"), answer)
    assert code == 0, out + err
    assert re.search(r"mark gets its default, <Mark\.NUL: '(\\x00)+…(\\x00)+'>\n", out), out
