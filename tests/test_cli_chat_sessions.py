"""``alexaskill chat`` with skills hard to talk to: interrupted while they answer, session
attributes the next request cannot bring back, replies that hold what JSON cannot."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The fixtures of tests/cli_chat_shared.py these tests take, imported for pytest to see.
from .cli_chat_shared import _dev_env as _dev_env
from .cli_chat_shared import chat
from .cli_chat_shared import dev_dir as dev_dir
from .cli_chat_shared import workdir as workdir
from .conftest import FOURTH_SKILL_ID, THIRD_SKILL_ID
from .skill_modules import skill_module

INTERRUPTED_SKILL = f"""
import asyncio, os, signal
from alexaskill import Skill, ask

skill = Skill({THIRD_SKILL_ID!r})


@skill.intent("Slow", utterances=["take your time"])
async def slow():
    os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C while the handler runs
    await asyncio.sleep(120)  # (cancelled as chat closes its client)
    return ask("Done.")
"""


@pytest.fixture
def interrupted_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from skill_module(tmp_path, monkeypatch, "interrupted", INTERRUPTED_SKILL)


@pytest.mark.usefixtures("python_sigint")  # (KeyboardInterrupt as a Ctrl-C)
def test_ctrl_c_while_the_skill_answers_says_the_user_interrupted_chat(
    interrupted_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cancelled handler's WARNING said "the server shutting down, past its
    # --timeout-graceful-shutdown?", a server's words: chat has neither.
    said = "ask slow helper to take your time\n"
    code, out, err = chat(monkeypatch, said, "interrupted:skill", "--invocation", "slow helper")
    assert code == 130, out + err
    assert (
        "interrupted.slow was cancelled before it answered (Ctrl-C: the user interrupted chat, "
        "which shows no answer): answered "
    ) in err
    assert "server" not in err, err
    skill = sys.modules["interrupted"].skill
    assert "_cancelled_because" not in vars(skill)  # a server of it says its shutdown again


def test_the_skill_s_cancellation_words_are_put_back_when_closing_chat_is_interrupted(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A second Ctrl-C while chat closes its client (it waits for the handlers it cancels) left
    # the skill saying "Ctrl-C: the user interrupted chat" of a server's shutdown afterwards.
    from alexaskill.testing import TestClient

    closing = TestClient.__exit__

    def interrupted(self: TestClient, *exc: object) -> None:
        closing(self, *exc)
        raise KeyboardInterrupt

    monkeypatch.setattr(TestClient, "__exit__", interrupted)
    code, out, err = chat(monkeypatch, "open the cafe\n", "cafe:skill", "--invocation", "the cafe")
    assert code == 130, out + err
    assert "_cancelled_because" not in vars(sys.modules["cafe"].skill)


DEEP_SKILL = f"""
from alexaskill import Session, Skill, ask

skill = Skill({FOURTH_SKILL_ID!r})


@skill.launch
def launch():
    return ask("Hello.", reprompt="Say go deep.")


@skill.intent("Deep", utterances=["go deep"])
def deep(session: Session):
    value = 1
    for _ in range(979):
        value = {{"a": value}}
    session.attributes["a"] = value  # 980 objects deep, the attributes the outermost
    return ask("Deep.", reprompt="Say next.")


@skill.intent("Next", utterances=["next"])
def next_turn():
    return ask("Next.", reprompt="Say next.")
"""


@pytest.fixture
def deep_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from skill_module(tmp_path, monkeypatch, "deep", DEEP_SKILL)


def test_session_attributes_the_next_request_cannot_bring_back_are_the_handlers_failure(
    deep_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Session attributes 980 levels deep went out (encoded from a fresh stack), and the next
    # turn failed: its request, which brings them back, nested past what the skill's decoder
    # takes where it arrives. As in the test client, the handler's reply is refused.
    said = "open deep helper\ngo deep\nnext\n"
    code, out, err = chat(monkeypatch, said, "deep:skill", "--invocation", "deep helper")
    assert code == 0, out + err
    turn = out.split("> go deep\n", 1)[1].split("> next\n", 1)[0]
    assert turn == (
        '  → IntentRequest Deep   [sample: "go deep"]\n'
        "  skill:      Sorry, something went wrong. Please try again later.\n"
        "  session:    ended\n"
    ), out
    # One ERROR line, without alexaskill's encoder's traceback: the reason names the data.
    assert err.startswith(
        "ERROR alexaskill: handler failed for IntentRequest Deep: sessionAttributes is nested "
        "980 levels, past the 940"
    ), err
    assert "Traceback" not in err and err.count("\n") == 1, err


LOOP_SKILL = f"""
from typing import Any

from alexaskill import Session, Skill, ask
from alexaskill.responses import Directive

skill = Skill({FOURTH_SKILL_ID!r})


class Show(Directive, tag="Custom.Show", frozen=True):
    payload: Any = None


@skill.launch
def launch():
    return ask("Hello.", reprompt="Say loop or show.")


@skill.intent("Loop", utterances=["loop"])
def loop(session: Session):
    cart = {{"items": []}}
    cart["items"].append(cart)
    session.attributes["cart"] = cart
    return ask("Looped.", reprompt="Say next.")


@skill.intent("Show", utterances=["show"])
def show():
    return ask("Shown.", reprompt="Say next.", directives=[Show(payload={{"at": [object()]}})])


@skill.intent("Big", utterances=["big"])
def big(session: Session):
    session.attributes["board"] = "b" * 130_000
    return ask("Big.", reprompt="Say next.")


@skill.intent("Deep", utterances=["deep"])
def deep():
    value: Any = (1,)
    for _ in range(3_000):
        value = (value,)
    return ask("Deep.", reprompt="Say next.", directives=[Show(payload=[frozenset({{value}})])])
"""


@pytest.fixture
def loop_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from skill_module(tmp_path, monkeypatch, "loops", LOOP_SKILL)


@pytest.mark.parametrize(
    ("said", "named"),
    [
        (
            "loop",
            "handler failed for IntentRequest Loop: sessionAttributes['cart']['items'][0] is "
            "sessionAttributes['cart'] again: it holds itself",
        ),
        (
            "show",
            "handler failed for IntentRequest Show: response is not JSON-encodable: "
            "response.directives[0].payload['at'][0] is an object",
        ),
        (
            "big",
            "handler failed for IntentRequest Big: response body is 130",
        ),
        (
            "deep",
            "handler failed for IntentRequest Deep: response is not JSON-encodable: maximum "
            "recursion depth exceeded",
        ),
    ],
)
def test_chat_says_where_a_reply_holds_what_json_cannot(
    loop_dir: Path, monkeypatch: pytest.MonkeyPatch, said: str, named: str
) -> None:
    # chat prints alexaskill's log: the ERROR line said "sessionAttributes is nested too deeply
    # (or holds itself)", or the encoder's "object is not JSON-encodable", naming no field. The
    # response's value came with the traceback of alexaskill's encoder: one line now, as the
    # attributes' (the fault is the skill's data, named). So did a reply past 120 KB and a
    # value too deep for the search to name (the encoder's words): one line now too.
    code, out, err = chat(
        monkeypatch, f"open loops\n{said}\n", "loops:skill", "--invocation", "loops"
    )
    assert code == 0, out + err
    assert "Sorry, something went wrong." in out, out
    assert f"ERROR alexaskill: {named}" in err, err
    assert "Traceback" not in err, err


FAILING_SKILL = f"""
from alexaskill import Skill, ask

skill = Skill({FOURTH_SKILL_ID!r})


def each(count):
    return 12 / count


@skill.intent("Share", utterances=["share it"])
def share():
    return ask(f"{{each(0)}} each.")


@skill.intent("Split", utterances=["split it"])
def split():
    return ask("")
"""


@pytest.fixture
def failing_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    yield from skill_module(tmp_path, monkeypatch, "failing", FAILING_SKILL)


def test_a_handler_s_failure_is_said_with_its_line_and_the_traceback_only_when_asked(
    failing_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A handler that raised put its whole traceback in the conversation, six frames of
    # alexaskill's (answering, threads, late_results) before the skill's own: the line that
    # failed and the exception say it, and --traceback shows the rest.
    said = "ask pay helper to share it\n"
    code, out, err = chat(monkeypatch, said, "failing:skill", "--invocation", "pay helper")
    assert code == 0, out + err
    assert "  skill:      Sorry, something went wrong. Please try again later.\n" in out, out
    file = failing_dir / "failing.py"
    assert err == (
        "ERROR alexaskill: handler failed for IntentRequest Share (failing.share)\n"
        f"  ZeroDivisionError: division by zero, at {file}:8 in each"
        " (chat --traceback shows the whole traceback)\n"
    ), err
    argv = ("failing:skill", "--invocation", "pay helper", "--traceback")
    code, out, err = chat(monkeypatch, said, *argv)
    assert code == 0, out + err
    assert "  Traceback (most recent call last):\n" in err, err
    assert f'  File "{file}", line 13, in share\n' in err, err
    assert err.endswith("  ZeroDivisionError: division by zero\n"), err
    # A refused reply's reason is in the ERROR line already: not said twice.
    said = "ask pay helper to split it\n"
    code, out, err = chat(monkeypatch, said, "failing:skill", "--invocation", "pay helper")
    assert code == 0, out + err
    first, second = err.splitlines()
    assert first.startswith("ERROR alexaskill: handler failed for IntentRequest Split ("), err
    assert second == (
        f"  ResponseError, at {file}:18 in split (chat --traceback shows the whole traceback)"
    ), err
