"""What the tests of ``alexaskill chat`` share (tests/test_cli_chat*.py): the cafe skill they talk
to, its ``workdir``, the development PKI made once per module, and ``chat`` run piped or against a
server."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from alexaskill.cli import main

from .cli_run import MODEL_FILE as MODEL_FILE
from .conftest import APP_SKILL_ID, BREAK_APP_SENDS

# The module's development PKI and the variable pointing at it (tests/dev_pki_shared.py),
# re-exported: the chat modules import them from here with the cafe's fixture.
from .dev_pki_shared import _dev_env as _dev_env
from .dev_pki_shared import dev_dir as dev_dir
from .skill_modules import skill_module

ROOT = Path(__file__).resolve().parent.parent


CAFE = f"""
import datetime
from alexaskill import (
    AlexaApi, DialogSlot, IntentRequest, Session, Skill, Ssml, ask, delegate, speak,
)

skill = Skill({APP_SKILL_ID!r})
skill.add_slot_type("Drink", [{{"name": "coffee", "id": "COFFEE", "synonyms": ["espresso"]}}])


@skill.launch
def launch():
    return ask("Welcome to the cafe. What would you like?", reprompt="What would you like?")


@skill.intent("Order", utterances=["a {{drink}} please", "i'd like a {{drink}}"],
              slots={{"drink": "Drink"}})
def order(session: Session, drink: str):
    session.attributes["drink"] = drink
    return ask(f"One {{drink}}. Anything else?")


@skill.intent(
    "Book",
    utterances=["book a table", "book a table for {{people}}"],
    slots={{"people": DialogSlot("AMAZON.NUMBER", elicit="For how many people?")}},
    confirm="A table for {{people}}. Shall I book it?",
    auto_delegate=False,
)
def book(request: IntentRequest, people: int | None = None):
    if request.dialog_state != "COMPLETED":
        return delegate()
    return speak(f"Booked for {{people}}.")


@skill.intent("Greet", utterances=["greet me"])
async def greet(api: AlexaApi):
    await api.progressive("Let me see")
    return ask(f"Hello {{await api.given_name() or 'you'}}.")


_KEPT = []


@skill.intent("Hold", utterances=["hold on"])
async def hold(api: AlexaApi):
    _KEPT.append(api)  # as a task left running keeps it
    return ask("Holding.")


@skill.intent("Late", utterances=["too late"])
async def late():
    await _KEPT[-1].progressive("Still there?")  # for the request answered before
    return ask("Late.")


@skill.intent("Crash", utterances=["crash"])
def crash():
    raise RuntimeError("boom")


@skill.intent("Chime", utterances=["chime"])
def chime():
    from alexaskill import ssml

    return speak(ssml.speak(
        "Ding", ssml.break_("700ms"), ssml.audio("https://sounds.example.com/chime.mp3"),
        ssml.sub("WWW", "World Wide Web"), ssml.break_(strength="x-weak"), "done",
    ))


@skill.intent("Garble", utterances=["garble it"])
def garble():
    from tests.ssml_refused import alexa_refuses  # (past the app's checks: Alexa refuses it)

    return alexa_refuses(ask(Ssml("<speak>Tom {BREAK_APP_SENDS}</speak>")))


@skill.intent("AMAZON.StopIntent")
def stop():
    return speak("Goodbye.")
"""


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from skill_module(tmp_path, monkeypatch, "cafe", CAFE)


def chat(monkeypatch: pytest.MonkeyPatch, stdin: str, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    out, err = io.StringIO(), io.StringIO()
    code = main(["chat", *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def chat_with_server(
    monkeypatch: pytest.MonkeyPatch, answer: Callable[..., httpx.Response], stdin: str
) -> tuple[int, str, str]:
    """`chat` ``--url`` a server whose answers ``answer(transport, request)`` makes (httpx's
    transport patched: nothing listens), with the pizza model, the user typing ``stdin``."""
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", answer)
    argv = ("--model", MODEL_FILE, "--url", "http://192.0.2.1:8000/", "--skill-id", "x")
    return chat(monkeypatch, stdin, *argv)


def _cafe_reading(
    monkeypatch: pytest.MonkeyPatch, data: bytes, encoding: str, errors: str = "strict"
) -> str:
    """What chat writes (nothing on stderr, status 0) reading ``data`` from standard input
    decoded with ``encoding`` and ``errors``."""
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors=errors)
    monkeypatch.setattr(sys, "stdin", stdin)
    out, err = io.StringIO(), io.StringIO()
    code = main(["chat", "cafe:skill", "--invocation", "the cafe"], stdout=out, stderr=err)
    assert (code, err.getvalue()) == (0, "")
    return out.getvalue()


def _replying(**reply: Any) -> Callable[[object, httpx.Request], httpx.Response]:
    """A server (`chat_with_server`'s ``answer``) answering every request with ``reply``."""

    def answer(self: object, request: httpx.Request) -> httpx.Response:
        return httpx.Response(**reply, request=request)

    return answer
