"""``alexaskill chat`` with piped input: a conversation read as a transcript."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from alexaskill.cli import DEV_PKI_ENV, main
from tests.processes import free_port

from .conftest import (
    APP_SKILL_ID,
    BREAK_APP_SENDS,
    FOURTH_SKILL_ID,
    OTHER_SKILL_ID,
    SKILL_ID,
    THIRD_SKILL_ID,
    Servers,
)
from .skill_modules import skill_module

ROOT = Path(__file__).resolve().parent.parent
MODEL_FILE = str(ROOT / "tests" / "fixtures" / "models" / "en-US.json")

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


@pytest.fixture(scope="module")
def dev_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The development PKI of the module's tests: made once (three RSA keys), not per test."""
    return tmp_path_factory.mktemp("chat-dev") / "dev-pki"


@pytest.fixture(autouse=True)
def _dev_env(dev_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))


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


HELLO = """
from alexaskill import Response, Skill, speak

skill = Skill("*")


@skill.intent("HelloIntent", utterances=["say hello"])
def hello():
    return speak("Hello!")


@skill.intent("QuietIntent", utterances=["be quiet"])
def quiet():
    return Response()
"""


def test_an_answer_of_nothing_to_the_user_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The README's first skill has no launch handler: "open the skill" showed "→ LaunchRequest"
    # and "session: ended" and nothing between, as if the chat had lost the answer (replay says
    # "answer: an empty response").
    for _ in skill_module(tmp_path, monkeypatch, "hello", HELLO):
        said = "open the skill\nask the skill to be quiet\nask the skill to say hello\n"
        code, out, _ = chat(monkeypatch, said, "hello:skill")
    assert code == 0, out
    nothing = "  answer:     an empty response: the user hears nothing\n"
    assert out.count(nothing) == 2, out
    assert "  → LaunchRequest\n" + nothing + "  session:    ended\n" in out
    assert '[sample: "be quiet"]\n' + nothing + "  session:    ended\n" in out
    assert "  skill:      Hello!\n" in out


def test_an_app_is_talked_to_by_the_projects_invocation_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `chat APP` ignored the invocation name of the project's model file, which `alexaskill
    # model` reads: "open sky watcher" opened a skill named "hello helper".
    for _ in skill_module(tmp_path, monkeypatch, "hello", HELLO):
        models = tmp_path / "skill-package" / "interactionModels" / "custom"
        models.mkdir(parents=True)
        name = {"interactionModel": {"languageModel": {"invocationName": "hello helper"}}}
        (models / "en-US.json").write_text(json.dumps(name))
        said = "open sky watcher\nask hello helper to say hello\nopen hello helper\n"
        code, out, _ = chat(monkeypatch, said, "hello:skill")
    assert code == 0, out
    assert out.count("  → LaunchRequest\n") == 1, out
    assert "> open sky watcher\n  → LaunchRequest" not in out
    assert "> open hello helper\n  → LaunchRequest" in out
    assert "  skill:      Hello!\n" in out


def test_a_conversation_piped_in(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said = "open the cafe\nan espresso please\nstop\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert err == ""  # no request lines: the skill starts inside the chat's logging set-up
    assert out == (
        "Talking to cafe:skill (en-US, a speaker). Type what you would say; /help lists "
        "commands.\n"
        "> open the cafe\n"
        "  → LaunchRequest\n"
        "  skill:      Welcome to the cafe. What would you like?\n"
        "  reprompt:   What would you like?\n"
        "  session:    open\n"
        "> an espresso please\n"
        '  → IntentRequest Order drink="espresso" → coffee (id COFFEE)'
        '   [sample: "a {drink} please"]\n'
        "  skill:      One espresso. Anything else?\n"
        "  reprompt:   One espresso. Anything else?\n"
        '  attributes: {"drink": "espresso"}\n'
        "  session:    open\n"
        "> stop\n"
        '  → IntentRequest AMAZON.StopIntent   [sample: "stop"]\n'
        "  skill:      Goodbye.\n"
        '  attributes: {"drink": "espresso"}\n'
        "  session:    ended\n"
    )


def test_a_custom_slots_resolution_is_shown_where_it_differs_from_the_words(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The chat showed drink="espresso" alone: not the canonical value and id ("coffee",
    # "COFFEE") that the handler reads from the slot's entity resolution. Said as it is
    # ("coffee"), nothing is added; not in the slot type at all, the author is told so.
    said = "open the cafe\nan espresso please\na coffee please\na lemonade please\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert '  → IntentRequest Order drink="espresso" → coffee (id COFFEE)   [sample:' in out
    assert '  → IntentRequest Order drink="coffee"   [sample:' in out
    assert '  → IntentRequest Order drink="lemonade" (no match in Drink)   [sample:' in out


DRINKS = """
import enum

from alexaskill import Skill, speak

skill = Skill("*")
skill.add_slot_type("Drink", ["coffee", "tea"])


class Drink(enum.Enum):
    COFFEE = "coffee"
    TEA = "tea"


@skill.intent("Order", utterances=["a {drink} please"], slots={"drink": "Drink"})
def order(drink: Drink):
    return speak(f"One {drink.value}.")
"""


def test_a_slot_value_the_handler_cannot_take_is_said_in_the_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "a lemonade please" was answered "Sorry, I can't use that..." and nothing said why: the
    # skill's INFO line (which slot, why, asked again) was below the chat's WARNING log level.
    for _ in skill_module(tmp_path, monkeypatch, "drinks", DRINKS):
        said = "ask the bar for a lemonade please\nask the bar for a tea please\n"
        code, out, err = chat(monkeypatch, said, "drinks:skill", "--invocation", "the bar")
    assert code == 0, err
    assert (
        "  slot:       Order: slot 'drink' has a value that does not convert: 'lemonade', no "
        "member of drinks.Drink"
    ) in out
    assert out.count("  slot:  ") == 1, out  # (not for the tea, which converts)
    assert "does not convert" not in err


def test_a_skill_file_is_imported_once(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The chat loaded the file for the skill, again for its model, and again at each /locale: a
    # module that binds a port (or counts) when imported ran three times, and the model came
    # from another Skill object than the one the chat talked to.
    (workdir / "counted.py").write_text(
        "with open('imports.txt', 'a') as log:\n    log.write('imported\\n')\n" + CAFE
    )
    said = "open the cafe\n/locale en-GB\nask the cafe for an espresso please\n"
    code, out, err = chat(monkeypatch, said, "counted.py:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert "  skill:      One espresso. Anything else?\n" in out
    assert (workdir / "imports.txt").read_text() == "imported\n"


def test_chat_answers_alexas_service_apis_in_process(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "api.json").write_text('{"given_name": "Ada"}')
    said = "open the cafe\ngreet me\n"
    code, out, err = chat(
        monkeypatch, said, "cafe:skill", "--invocation", "the cafe", "--alexa-api", "api.json"
    )
    assert code == 0, err
    # Heard first, as replay shows it: the progressive response, then the answer.
    assert "  progressive: Let me see\n  skill:      Hello Ada.\n" in out
    assert "  alexa api:  progressive -> 204: Let me see\n" in out
    assert "  alexa api:  given_name -> 200\n" in out


def test_a_progressive_response_alexa_refused_is_not_shown_as_heard(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "api.json").write_text('{"faults": {"progressive": 503}}')
    said = "open the cafe\ngreet me\n"
    code, out, err = chat(
        monkeypatch, said, "cafe:skill", "--invocation", "the cafe", "--alexa-api", "api.json"
    )
    assert code == 0, err
    assert "  progressive:" not in out  # Alexa played nothing of it
    assert "  not heard:  Let me see (a progressive response refused: HTTP 503)\n" in out
    assert "  skill:      Hello you.\n" in out
    assert "  alexa api:  progressive -> 503: Let me see\n" in out


LATE_NOTE = re.compile(
    r"  \(a progressive response sent after the skill had answered request "
    r"amzn1\.echo-api\.request\.[0-9a-f-]+: 'Still there\?' was refused \(HTTP 403, "
    r"Unrecognized requestId\), as Alexa refuses it, and the user heard nothing of it: await "
    r"api\.progressive\(\.\.\.\) in the handler, before it returns\)\n"
)


def test_a_late_progressive_response_is_named_and_not_heard(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "open the cafe\nhold on\ntoo late\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    late = out.split("> too late\n")[1]
    assert "  progressive:" not in late and "  not heard:" not in late
    assert LATE_NOTE.search(late)
    assert "  skill:      Late.\n" in late
    assert "  alexa api:  progressive -> 403: Still there?\n" in late


class _LateAtTheEnd:
    """Standard input whose end comes after the task the skill left running (the "hold on"
    request's) sent its progressive response: too late, after the last turn was shown."""

    def __init__(self, text: str) -> None:
        self.lines = io.StringIO(text)
        self.sent = False

    def isatty(self) -> bool:
        return False

    def readline(self, size: int = -1) -> str:  # (as a text stream: a size bound)
        line = self.lines.readline(size)
        if not line and not self.sent:
            import asyncio

            self.sent = True
            kept = sys.modules["cafe"]._KEPT[-1]
            assert asyncio.run(kept.progressive("Still there?")) is False
        return line


def test_a_late_progressive_response_after_the_last_turn_is_named(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The chat's last word: a progressive response refused since the last turn was shown, the
    # user heard nothing of it either.
    monkeypatch.setattr(sys, "stdin", _LateAtTheEnd("open the cafe\nhold on\n"))
    out, err = io.StringIO(), io.StringIO()
    code = main(["chat", "cafe:skill", "--invocation", "the cafe"], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    end = out.getvalue().split("> hold on\n")[1]
    last_turn, note = end.rsplit("  session:    open\n", 1)
    assert not LATE_NOTE.search(last_turn)
    assert LATE_NOTE.fullmatch(note)


def test_what_was_heard_is_shown_as_said(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Not sent (no session, no name), what was understood is shown: as JSON escapes, "café"
    # read "caf\\u00e9".
    code, out, err = chat(monkeypatch, "a café please\n", "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert '  (heard: Order drink="café")\n' in out


def _types_at_a_terminal(
    monkeypatch: pytest.MonkeyPatch, lines: list[str], *, then: type[BaseException]
) -> None:
    """Standard input a terminal where ``lines`` are typed at chat's prompt, then ``then``
    (Ctrl-D's EOFError, Ctrl-C's KeyboardInterrupt) raised by ``input``."""
    said = iter(lines)

    def typed(prompt: str) -> str:
        sys.stdout.write(prompt)
        try:
            return next(said)
        except StopIteration:
            raise then from None

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", typed)


def test_ctrl_d_at_the_prompt_ends_the_line(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # At a terminal the shell's next prompt came right after "> ", on the chat's last line.
    _types_at_a_terminal(monkeypatch, ["open the cafe"], then=EOFError)
    assert main(["chat", "cafe:skill", "--invocation", "the cafe"]) == 0
    out = capsys.readouterr().out
    assert "  skill:      Welcome to the cafe. What would you like?\n" in out
    assert out.endswith("  session:    open\n> \n")


def test_a_dialog_in_the_terminal(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said = "ask the cafe to book a table\nfour\nyes\n"
    code, out, _ = chat(monkeypatch, said, "cafe:skill")
    assert code == 0
    assert "  → IntentRequest Book (STARTED)" in out
    assert "  Alexa:      For how many people?\n" in out
    assert "  dialog:     Book STARTED, waiting for slot people\n" in out
    assert '  → IntentRequest Book (IN_PROGRESS) people="4"   [sample: "{people}"]\n' in out
    # The prompt says the number as the user said it, not as the request carries it.
    assert "  Alexa:      A table for four. Shall I book it?\n" in out
    assert "  (heard: AMAZON.YesIntent" not in out  # the answer went to the skill
    assert '  → IntentRequest Book (COMPLETED) intent CONFIRMED people="4"\n' in out
    assert "  skill:      Booked for 4.\n" in out


def test_commands(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said = (
        "/help\n/launch\n/json\n/end\n/json\n/device screen\n/locale en-GB\n/locale xx-XX\n/nope\n"
    )
    code, out, _ = chat(monkeypatch, said, "cafe:skill", "--now", "2026-11-29T12:00")
    assert code == 0
    assert "  /device screen     a device with a screen" in out
    assert "  → LaunchRequest\n" in out
    assert "  (JSON on)\n" in out
    assert '    request: {\n      "type": "SessionEndedRequest",' in out
    assert "  (now a device with a screen; a new session)\n" in out
    assert "  (now en-GB; a new session)\n" in out
    assert "'xx-XX' is not a locale Alexa supports" in out
    assert "  (unknown command /nope: /help lists them)\n" in out


def test_json_shows_the_request_as_sent(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # /json ("requests and answers in full") showed the request as understood, {"type":
    # "LaunchRequest"} alone: not the requestId, timestamp and locale the skill received.
    code, out, _ = chat(monkeypatch, "/json\n/launch\n", "cafe:skill", "--now", "2026-11-29T12:00")
    assert code == 0
    shown = out.split("    request: ", 1)[1].split("\n    answer: ", 1)[0]
    request = json.loads(shown)
    assert request["type"] == "LaunchRequest"
    assert request["requestId"].startswith("amzn1.echo-api.request.")
    assert request["timestamp"] == "2026-11-29T12:00:00Z"
    assert request["locale"] == "en-US"


def test_a_failing_handler_is_reported_and_the_chat_goes_on(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "ask the cafe to crash\nask the cafe for an espresso please\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill")
    assert code == 0
    assert "  skill:      Sorry, something went wrong. Please try again later.\n" in out
    assert "One espresso." in out
    assert "RuntimeError: boom" in err


def test_an_answer_alexa_refuses_is_not_heard(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "open the cafe\ngarble it\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    refusal = (
        "outputSpeech.ssml: <break time='5S'>: write '5s' (Amazon's SSML reference: a number, "
        "then s or ms in lower case, nothing round them)"
    )
    assert out.endswith(
        "> garble it\n"
        '  → IntentRequest Garble   [sample: "garble it"]\n'
        "  not heard:  Tom [pause 5 s]\n"
        "  Alexa:      There was a problem with the requested skill's response.\n"
        "  → SessionEndedRequest ERROR INVALID_RESPONSE\n"
        f"  (Alexa refuses the answer ({refusal}): the session ends)\n"
        "  session:    ended\n"
    )


def test_ssml_is_shown_as_the_simulator_shows_it(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = chat(monkeypatch, "open the cafe\nchime\n", "cafe:skill")
    assert code == 0, err
    assert (
        "  skill:      Ding [pause 0.7 s] [audio: https://sounds.example.com/chime.mp3] "
        "World Wide Web done\n"
    ) in out


def test_a_request_without_the_skills_name_is_not_routed_outside_a_session(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = "open the cafe\nstop\nan espresso please\nask the cafe for an espresso please\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert (
        "> an espresso please\n"
        '  (heard: Order drink="espresso")\n'
        "  (Alexa would not route this to the skill: say 'ask the cafe …' or 'open the cafe')\n"
        "  session:    ended\n"
        "> ask the cafe for an espresso please\n"
        '  → IntentRequest Order drink="espresso"'
    ) in out


def test_silence(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said = "open the cafe\n/silence\n/silence\n/silence\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert out.endswith(
        "> /silence\n"
        "  reprompt:   What would you like?\n"
        "  (silence: Alexa plays the reprompt)\n"
        "  session:    open\n"
        "> /silence\n"
        "  → SessionEndedRequest EXCEEDED_MAX_REPROMPTS\n"
        "  (silence again: the session ends)\n"
        "  session:    ended\n"
        "> /silence\n"
        "  (no session is open: Alexa is not listening)\n"
        "  session:    ended\n"
    )


def test_quit_stops_reading(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, _ = chat(monkeypatch, "/quit\nstop\n", "cafe:skill")
    assert code == 0
    assert "Goodbye." not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "name the skill (APP) or its model"),
        (["--model", MODEL_FILE], "--model alone has no skill to talk to"),
        # (--url alone was told to "name the skill (APP) or its model", though --url names it)
        (
            ["--url", "http://127.0.0.1:8000/"],
            "--url alone gives no model to understand what is typed with: add the APP it "
            "serves, or --model FILE",
        ),
        (["nope:skill"], "no module named 'nope'"),
        (["cafe:skill", "--url", "http://[::1"], "--url 'http://[::1': not a URL (Invalid IPv6"),
        (
            ["cafe:skill", "--now", "9999-12-31T23:59-05:00"],
            "--now '9999-12-31T23:59-05:00': past the calendar once on the device's clock (UTC)",
        ),
    ],
)
def test_mistakes(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], message: str
) -> None:
    code, _, err = chat(monkeypatch, "", *argv)
    assert code == 2
    assert message in err


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


def test_standard_input_that_is_not_utf8(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Read strictly (PYTHONIOENCODING=utf-8:strict), a line that is not UTF-8 is named and the
    # chat goes on, as read with surrogateescape and as typed: it stopped the chat (exit 2),
    # the line before it, in the same block, never answered.
    data = b"open the cafe\n\xff\xfe caf\xe9\nan espresso please\n"
    shown = _cafe_reading(monkeypatch, data, encoding="utf-8")
    assert "  skill:      Welcome to the cafe. What would you like?\n" in shown
    bad = "> \\xff\\xfe caf\\xe9\n  (the line is not UTF-8 text: nothing is sent to the skill)\n"
    assert bad in shown
    assert shown.count("  skill:      One espresso. Anything else?\n") == 1


def test_a_line_that_is_not_utf8_is_named_and_the_chat_goes_on(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read as a C locale's terminal reads it (surrogateescape), a line that is not UTF-8 keeps
    # its bytes as lone surrogates: they were dropped unsaid, the rest sent as if typed so.
    data = b"open the cafe\nan espresso \xff please\nan espresso please\n"
    shown = _cafe_reading(monkeypatch, data, encoding="utf-8", errors="surrogateescape")
    assert "the turn failed" not in shown
    assert "  (the line is not UTF-8 text: nothing is sent to the skill)\n" in shown
    assert shown.count("  skill:      One espresso. Anything else?\n") == 1  # the next line
    assert "> an espresso \\xff please\n" in shown  # the bytes it could not read, named


def test_a_line_typed_that_is_not_utf8_is_named_and_the_chat_goes_on(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # At a UTF-8 terminal input() cannot decode the line: the chat ended with a usage error.
    said = iter([b"caf\xe9", "open the cafe"])

    def typed(prompt: str) -> str:
        sys.stdout.write(prompt)
        line = next(said, None)
        if line is None:
            raise EOFError
        if isinstance(line, bytes):
            line.decode("utf-8")  # raises, as input() does
        return str(line)

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", typed)
    assert main(["chat", "cafe:skill", "--invocation", "the cafe"]) == 0
    out = capsys.readouterr().out
    assert "> " + "  (the line is not UTF-8 text: nothing is sent to the skill)\n" in out
    assert "  skill:      Welcome to the cafe. What would you like?\n" in out


@pytest.fixture(scope="module")
def cafe_server(
    tmp_path_factory: pytest.TempPathFactory, dev_dir: Path, module_servers: Servers
) -> str:
    """``alexaskill serve cafe:skill --dev``, shared by the tests that only talk to it: each
    opens sessions of its own, and what the served skill keeps (``_KEPT``) is read back only
    within the session that put it there."""
    directory = tmp_path_factory.mktemp("cafe-served")
    (directory / "cafe.py").write_text(CAFE)
    return module_servers.serve_dev("cafe:skill", cwd=directory, dev_dir=dev_dir)[1]


def test_chat_with_a_serve_dev_server(
    workdir: Path, cafe_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = cafe_server
    said = "open the cafe\ni'd like a coffee\ngreet me\nhold on\ntoo late\nstop\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--url", url, "--invocation", "the cafe")
    assert code == 0, err
    assert "  skill:      Welcome to the cafe. What would you like?\n" in out
    assert '  attributes: {"drink": "coffee"}\n' in out
    # The served skill's service API calls went to the fake chat serves on 127.0.0.1.
    assert "  skill:      Hello you.\n" in out
    assert "  alexa api:  progressive -> 204: Let me see\n" in out
    assert "  alexa api:  given_name -> 204\n" in out
    # A progressive response for a request answered already: refused, named, never heard.
    late = out.split("> too late\n")[1]
    assert "(a progressive response sent after the skill had answered request" in late
    assert "  progressive:" not in late and "  skill:      Late.\n" in late
    assert "  skill:      Goodbye.\n" in out


def test_chat_url_with_a_model_file_finds_the_skill_id_of_a_dev_server(
    workdir: Path, cafe_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = cafe_server
    model = ["model", "cafe:skill", "--invocation", "the cafe", "-o", "en-US.json"]
    assert main(model, stdout=io.StringIO(), stderr=io.StringIO()) == 0
    # Without --skill-id, the id of the skill the --dev server serves (its simulator's).
    code, out, err = chat(monkeypatch, "open the cafe\n", "--model", "en-US.json", "--url", url)
    assert code == 0, err
    assert "  skill:      Welcome to the cafe. What would you like?\n" in out
    # Another id: refused, and the chat says what to do.
    argv = ("--model", "en-US.json", "--url", url, "--skill-id", OTHER_SKILL_ID)
    code, out, err = chat(monkeypatch, "open the cafe\n", *argv)
    assert code == 0, err
    assert "  HTTP 400: request is for another skill\n" in out
    assert (
        "  (the server's skill has another application id: pass its id with --skill-id)\n"
    ) in out


def test_chat_url_to_a_server_that_is_down(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    code, _, err = chat(monkeypatch, "open pizza palace\n", "--model", MODEL_FILE, "--url", url)
    assert code == 2
    assert "is the server running? Start it with `alexaskill serve APP --dev`" in err


def test_no_request_lines_from_the_command(workdir: Path) -> None:
    # A process of its own, without pytest's logging set-up: the skill's start-up must not
    # configure the request line at INFO as a server's would.
    done = subprocess.run(
        [sys.executable, "-m", "alexaskill", "chat", "cafe:skill", "--invocation", "the cafe"],
        input="open the cafe\nstop\n",
        capture_output=True,
        text=True,
        cwd=workdir,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert "Goodbye." in done.stdout
    assert "alexaskill.request" not in done.stdout + done.stderr


CLOCK = f"""
from alexaskill import AlexaApi, Skill, speak

skill = Skill({APP_SKILL_ID!r})


@skill.intent("Today", utterances=["what day is it"])
async def today(api: AlexaApi):
    return speak(f"{{await api.now():%Y-%m-%d %H:%M}} in {{await api.time_zone()}}.")
"""


@pytest.mark.parametrize(
    ("api", "expected"),
    [
        ("{}", "2025-03-01 01:00 in None."),
        ('{"time_zone": "America/Los_Angeles"}', "2025-03-01 01:00 in America/Los_Angeles."),
    ],
)
def test_now_is_the_skills_time_too(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, api: str, expected: str
) -> None:
    # The skill's api.now() and api.today() read the real clock: "tomorrow" understood at --now
    # was another day for the skill. Far from the real date, the requests must still verify.
    (workdir / "clock.py").write_text(CLOCK)
    (workdir / "api.json").write_text(api)
    said = "ask the clock what day is it\n"
    argv = ("clock:skill", "--now", "2025-03-01T01:00", "--alexa-api", "api.json")
    code, out, err = chat(monkeypatch, said, *argv)
    assert code == 0, err
    assert f"  skill:      {expected}\n" in out


DIARY = f"""
from alexaskill import AlexaApi, Skill, speak

skill = Skill({APP_SKILL_ID!r})


@skill.intent("When", utterances=["what happens {{day}}"], slots={{"day": "AMAZON.DATE"}})
async def when(api: AlexaApi, day: str | None = None):
    return speak(f"{{day}} at {{await api.now():%Y-%m-%d %H:%M}}")
"""


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # No zone: the wall clock of the device's zone.
        ("2025-03-01T01:00", "2025-03-01 at 2025-03-01 01:00"),
        # A zone: that moment, which is still the day before in Los Angeles.
        ("2025-03-01T01:00Z", "2025-02-28 at 2025-02-28 17:00"),
        ("2025-03-01T02:00+01:00", "2025-02-28 at 2025-02-28 17:00"),
    ],
)
def test_today_at_now_is_the_devices_today_for_alexa_and_the_skill(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, now: str, expected: str
) -> None:
    (workdir / "diary.py").write_text(DIARY)
    (workdir / "api.json").write_text('{"time_zone": "America/Los_Angeles"}')
    said = "ask the diary what happens today\n"
    code, out, err = chat(monkeypatch, said, "diary:skill", "--now", now, "--alexa-api", "api.json")
    assert code == 0, err
    assert f"  skill:      {expected}\n" in out


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_today_is_the_devices_today_without_now(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    # 25 hours apart: whatever this machine's zone, at most one of them shares its date.
    (workdir / "diary.py").write_text(DIARY)
    (workdir / "api.json").write_text(f'{{"time_zone": "{zone}"}}')
    said = "ask the diary what happens today\n"
    code, out, err = chat(monkeypatch, said, "diary:skill", "--alexa-api", "api.json")
    assert code == 0, err
    [line] = [line for line in out.splitlines() if line.startswith("  skill:")]
    heard, _, today, _ = line.removeprefix("  skill:").split()
    assert heard == today


def test_now_with_a_url_says_the_skill_keeps_the_real_time(
    workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch, servers: Servers
) -> None:
    # A served skill refuses a request dated far from its clock (400): with --url the requests
    # carry the real time, --now is only when the words are understood, and the chat says so.
    (workdir / "diary.py").write_text(DIARY)
    said = "ask the diary what happens today\n"
    _, url = servers.serve_dev("diary:skill", cwd=workdir, dev_dir=dev_dir)
    argv = ("diary:skill", "--url", url, "--now", "2025-03-01T01:00")
    code, out, err = chat(monkeypatch, said, *argv)
    assert code == 0, err
    note = (
        "  (--now with --url: what is said is understood at 2025-03-01 01:00 (UTC), but the "
        "requests carry the real time, which the server checks: the skill's AlexaApi.now() "
        "and today() are the real ones)\n"
    )
    assert out.split("> ask the diary", 1)[0].endswith(note)  # before the first turn
    assert "HTTP 400" not in out
    [line] = [line for line in out.splitlines() if line.startswith("  skill:")]
    assert line.startswith("  skill:      2025-03-01 at ")  # "today" as understood


def test_chat_url_that_no_connection_reaches_in_time_says_so(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A connection that timed out (a host that is down, a firewall) was shown as the skill's
    # failure to answer ("HTTP 0: ConnectTimeout: timed out", ENDPOINT_TIMEOUT): the request
    # never left this machine.

    def no_connection(self: object, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", no_connection)
    url = "http://192.0.2.1:8000/"
    argv = ("--model", MODEL_FILE, "--url", url, "--skill-id", SKILL_ID)
    code, out, err = chat(monkeypatch, "open pizza palace\n", *argv)
    assert code == 2
    assert err == (
        f"alexaskill chat: error: cannot connect to {url}: no connection within 15 s (is the "
        "host up, and is its port open to this machine?)\n"
    )
    assert "ENDPOINT_TIMEOUT" not in out


def _replying(**reply: Any) -> Callable[[object, httpx.Request], httpx.Response]:
    """A server (`chat_with_server`'s ``answer``) answering every request with ``reply``."""

    def answer(self: object, request: httpx.Request) -> httpx.Response:
        return httpx.Response(**reply, request=request)

    return answer


def _too_slow(self: object, request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


@pytest.mark.parametrize(
    ("answer", "shown", "unsaid"),
    [
        (
            _too_slow,
            "  no answer within 15 s (Alexa gives up after about 8 s)\n",
            ["HTTP 0", "ReadTimeout"],
        ),
        (
            _replying(status_code=200, json=[1, 2]),
            "  (the answer is not a JSON object: Alexa says there was a problem with",
            [],
        ),
        # "HTTP 301" alone: where it pointed, and that chat does not follow it, went unsaid.
        (
            _replying(status_code=301, headers={"Location": "https://example.com/alexa"}),
            "  HTTP 301: a redirect to https://example.com/alexa, which chat --url does not "
            "follow: give that URL to --url if the skill is served there\n",
            [],
        ),
        # json.loads of 100000 "[" raises RecursionError, no ValueError: the turn failed with it.
        (
            _replying(status_code=200, content=b"[" * 100_000),
            "(the answer is not JSON: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            ["RecursionError"],
        ),
    ],
    ids=["too-slow", "json-list", "redirect", "nested-too-deeply"],
)
def test_chat_url_says_what_a_server_answered_in_place_of_an_answer(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: Callable[..., httpx.Response],
    shown: str,
    unsaid: list[str],
) -> None:
    code, out, err = chat_with_server(monkeypatch, answer, "open pizza palace\n")
    assert (code, err) == (0, "")
    assert shown in out, out
    assert not [word for word in unsaid if word in out], out


def test_chat_url_to_a_server_answering_200_with_no_json_is_a_refused_answer(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A web page answered with 200 (--url naming another server) was taken for the skill's
    # answer: nothing said, no problem, the session quietly over. Alexa refuses it.

    def a_web_page(self: object, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>hello</html>", request=request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", a_web_page)
    argv = ("--model", MODEL_FILE, "--url", "http://192.0.2.1:8000/", "--skill-id", "x", "--json")
    code, out, err = chat(monkeypatch, "open pizza palace\n", *argv)
    assert (code, err) == (0, "")
    assert "  Alexa:      There was a problem with the requested skill's response.\n" in out
    assert "  → SessionEndedRequest ERROR INVALID_RESPONSE\n" in out
    assert '    answer: "<html>hello</html>"\n' in out  # what came, as --json shows it
    # In replay --url's words (it said "HTTP 200 with a body that is not a JSON object").
    assert "(the answer is not JSON: '<html>hello</html>': Alexa says there was a problem" in out


def test_chat_url_says_a_redirect_once_though_the_session_end_meets_it_too(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The SessionEndedRequest Alexa sends after the refused answer goes to the same URL and
    # met the same redirect: its whole line was printed a second time.
    posted: list[str] = []

    def moved(self: object, request: httpx.Request) -> httpx.Response:
        posted.append(json.loads(request.content)["request"]["type"])
        headers = {"Location": "https://example.com/alexa"}
        return httpx.Response(301, headers=headers, request=request)

    code, out, err = chat_with_server(monkeypatch, moved, "open pizza palace\n")
    assert (code, err) == (0, "")
    assert posted == ["LaunchRequest", "SessionEndedRequest"]  # (as Alexa sends them)
    assert out.count("a redirect to https://example.com/alexa") == 1, out
    ending = out.split("  → SessionEndedRequest ERROR INVALID_RESPONSE\n", 1)[1]
    assert ending.startswith("  HTTP 301 again, as above\n"), out


def test_chat_url_shows_the_session_ends_answer_when_it_is_another(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only the same answer again is folded: a failure the session's end does not share is
    # shown with the answer to it.
    def failing_once(self: object, request: httpx.Request) -> httpx.Response:
        if json.loads(request.content)["request"]["type"] == "SessionEndedRequest":
            return httpx.Response(404, json={"error": "no skill here"}, request=request)
        return httpx.Response(500, json={"error": "handler failed"}, request=request)

    code, out, err = chat_with_server(monkeypatch, failing_once, "open pizza palace\n")
    assert (code, err) == (0, "")
    assert "  HTTP 500: handler failed\n" in out
    ending = out.split("  → SessionEndedRequest ERROR INVALID_RESPONSE\n", 1)[1]
    assert ending.startswith("  HTTP 404: no skill here\n"), out


def test_a_windows_text_file_piped_in_is_read_as_its_lines(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lines ending CR LF, and a byte order mark first (as Windows editors save text): the CR
    # was kept, echoed after ">" and said to the skill, and the mark said with the first line.
    said = "open the cafe\nan espresso please\n/json\nstop\n"
    argv = ("cafe:skill", "--invocation", "the cafe", "--now", "2026-11-29T12:00")
    code, unix, err = chat(monkeypatch, said, *argv)
    assert (code, err) == (0, "")
    code, windows, err = chat(monkeypatch, "\ufeff" + said.replace("\n", "\r\n"), *argv)
    assert (code, err) == (0, "")
    # (/json shows each request as sent: its requestId is new each time)
    request_id = re.compile(r"amzn1\.echo-api\.request\.[0-9a-f-]+")
    assert request_id.sub("ID", windows) == request_id.sub("ID", unix)


def test_an_alexa_api_file_with_a_byte_order_mark(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "api.json").write_bytes(b'\xef\xbb\xbf{"time_zone": "Europe/Paris"}')
    code, out, err = chat(monkeypatch, "/quit\n", "cafe:skill", "--alexa-api", "api.json")
    assert (code, err) == (0, "")
    assert out.endswith("> /quit\n")


def test_locale_command_with_a_locale_alexa_lacks_says_only_that(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As --locale says it: the reason was followed by every complaint of building the model
    # for that locale (each intent's "sample utterances: none for xx …").
    # (A skill with samples in two languages: each intent lacks those of xx.)
    code, out, err = chat(monkeypatch, "/locale xx\n", "examples.weather.app:skill")
    assert (code, err) == (0, "")
    said = out.splitlines()[-1]
    assert said.startswith("  ('xx' is not a locale Alexa supports; they are ar-SA, ")
    assert said.endswith(", pt-BR)")


def test_device_command_takes_its_word_in_any_case(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As the commands' names, /audio's and /button's words: "/device Screen" was unknown.
    code, out, err = chat(monkeypatch, "/device Screen\n/DEVICE SPEAKER\n", "cafe:skill")
    assert (code, err) == (0, "")
    assert out.splitlines()[-3:] == [
        "  (now a device with a screen; a new session)",
        "> /DEVICE SPEAKER",
        "  (now a speaker; a new session)",
    ]


def test_a_command_given_a_wrong_argument_says_what_it_takes(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "/device tv" or "/locale" alone were an "unknown command", of commands /help lists.
    code, out, err = chat(
        monkeypatch, "/device tv\n/locale\n/locale en-GB fr-FR\n/nope\n", "cafe:skill"
    )
    assert code == 0, err
    assert "  (/device tv: /device takes screen or speaker)\n" in out
    assert "  (/locale: /locale takes one locale, as en-GB)\n" in out
    assert "  (/locale en-GB fr-FR: /locale takes one locale, as en-GB)\n" in out
    assert "  (unknown command /nope: /help lists them)\n" in out


def test_standard_input_closed_is_no_line(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Started with standard input closed (0<&-), Python has sys.stdin None: chat and
    # understand ended in an AttributeError traceback; they read no line, as from /dev/null.
    monkeypatch.setattr(sys, "stdin", None)
    out, err = io.StringIO(), io.StringIO()
    assert main(["chat", "cafe:skill"], stdout=out, stderr=err) == 0, err.getvalue()
    assert out.getvalue().startswith("Talking to cafe:skill")
    out, err = io.StringIO(), io.StringIO()
    assert main(["understand", "--model", "cafe:skill"], stdout=out, stderr=err) == 0
    assert (out.getvalue(), err.getvalue()) == ("", "")


def test_a_command_that_takes_no_argument_given_one_says_so(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "/json maybe", "/launch now", "/device screen extra": the words after were dropped unsaid
    # and the command run, as if the user had typed only its name.
    said = "/json maybe\n/launch now\n/player extra\n/device screen extra\n/quit now\n/json\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill")
    assert code == 0, err
    assert "  (/json maybe: /json takes no argument)\n" in out
    assert "  (/launch now: /launch takes no argument)\n" in out
    assert "  (/player extra: /player takes no argument)\n" in out
    assert "  (/device screen extra: /device takes screen or speaker)\n" in out
    assert "  (/quit now: /quit takes no argument)\n" in out
    assert "LaunchRequest" not in out and "player:" not in out and "(now " not in out
    assert out.endswith("> /json\n  (JSON on)\n")  # the one run, and the chat went on to it


def test_a_line_not_text_in_standard_inputs_encoding_names_that_encoding(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Standard input in ASCII (PYTHONIOENCODING=ascii): b"caf\xe9" is not ASCII text, and the
    # note said "not UTF-8 text" whatever the encoding was.
    shown = _cafe_reading(monkeypatch, b"caf\xe9\nopen the cafe\n", encoding="ascii")
    assert "> caf\\xe9\n  (the line is not ascii text: nothing is sent to the skill)\n" in shown
    assert "UTF-8" not in shown
    assert "  skill:      Welcome to the cafe. What would you like?\n" in shown


def test_a_locale_chat_cannot_understand_leaves_the_session_open(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "/locale de-DE" (a locale Alexa has, a language the understanding lacks) was refused, but
    # the session was forgotten first: the next line, said in the open session, was "not
    # routed to the skill" and the session shown ended.
    said = "open the cafe\n/locale de-DE\nan espresso please\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert "> /locale de-DE\n  (locale 'de-DE': " in out
    assert "would not route" not in out
    assert out.count("  skill:      One espresso. Anything else?\n") == 1
    assert "(now " not in out


def test_an_alexa_api_time_zone_that_is_no_string_is_a_usage_error(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # {"time_zone": 5} (a status meant for "faults", say) failed every turn with Python's
    # "TypeError: expected str, bytes or os.PathLike object, not int".
    (workdir / "api.json").write_text('{"time_zone": 5}')
    code, out, err = chat(monkeypatch, "open the cafe\n", "cafe:skill", "--alexa-api", "api.json")
    assert code == 2
    assert "TypeError" not in out + err
    assert err.startswith("alexaskill chat: error: --alexa-api api.json: time_zone is 5: a str")


def test_control_characters_are_shown_escaped_not_sent_to_the_terminal(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A line piped in with "\x1b[31m" (a colour), "\x07" (the bell) or "\r" (back to the start
    # of the line) was echoed raw after ">": the terminal acted on it, as on a skill's answer
    # holding a CR or a C1 control (U+009B, a CSI to some terminals).
    monkeypatch.delitem(sys.modules, "ctrl_chat", raising=False)  # (another test's)
    (workdir / "ctrl_chat.py").write_text(
        "from alexaskill import Skill, ask\n"
        f"skill = Skill({SKILL_ID!r})\n"
        "@skill.launch\n"
        "def launch():\n"
        "    return ask('Hi\\r\\x9b[2J there', reprompt='Again?')\n"
    )
    said = "open loud\n\x1b[31mred\x07 bell\rback\x7f\n"
    try:
        code, out, err = chat(monkeypatch, said, "ctrl_chat:skill", "--invocation", "loud")
    finally:
        sys.modules.pop("ctrl_chat", None)
    assert code == 0, err
    assert not {"\x1b", "\x07", "\r", "\x7f", "\x9b"} & set(out)
    assert "> \\x1b[31mred\\x07 bell\\x0dback\\x7f\n" in out
    assert "  skill:      Hi\\x0d\\x9b[2J there\n" in out


def _launch_asked(monkeypatch: pytest.MonkeyPatch, workdir: Path, speech: str, *flag: str) -> str:
    """What chat writes when opening a skill whose launch asks ``speech`` (Python source)."""
    monkeypatch.delitem(sys.modules, "launch_asks", raising=False)  # (another test's)
    (workdir / "launch_asks.py").write_text(
        "from alexaskill import Skill, ask\n"
        f"skill = Skill({SKILL_ID!r})\n"
        "@skill.launch\n"
        "def launch():\n"
        f"    return ask({speech}, reprompt='Again?')\n"
    )
    try:
        code, out, err = chat(
            monkeypatch, "open loud\n", "launch_asks:skill", "--invocation", "loud", *flag
        )
    finally:
        sys.modules.pop("launch_asks", None)
    assert code == 0, err
    return out


def test_json_blocks_write_del_and_c1_characters_as_json_escapes(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chat --json's blocks went through the transcript's terminal_safe, which wrote U+009B as
    # "\\x9b" inside a JSON string: no JSON escape, so the block was no longer JSON.
    out = _launch_asked(monkeypatch, workdir, "'Hi\\x9b[2J the\\x7fre'", "--json")
    assert not {"\x7f", "\x9b"} & set(out)
    assert '"text": "Hi\\u009b[2J the\\u007fre"' in out, out


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_bidi_controls_and_line_separators_are_written_escaped(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, flag: list[str]
) -> None:
    # U+202E (right-to-left override) reordered the rest of the terminal's line, U+2028 broke
    # it: both were written raw, in a row and in a --json block alike.
    out = _launch_asked(monkeypatch, workdir, "'Hi\\u202egnp.exe\\u2028there\\u2069'", *flag)
    assert not {"\u202e", "\u2028", "\u2069"} & set(out), out
    assert "Hi\\u202egnp.exe\\u2028there\\u2069" in out, out


@pytest.mark.parametrize(
    ("flag", "tag"), [([], "\\U000e0041"), (["--json"], "\\udb40\\udc41")], ids=["rows", "json"]
)
def test_invisible_format_characters_are_written_escaped(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, flag: list[str], tag: str
) -> None:
    # The format characters (Unicode's category Cf) show nothing, or join what they stand
    # between: a zero-width space, word joiner, byte order mark, soft hyphen, a tag character
    # (U+E0041), which hid words in what the skill said, were written raw; the bidi marks
    # (U+200E, U+200F) were already escaped.
    speech = "'pay\\u200bpal \\u2060x\\ufeffy\\u00adz\\u206a \\u200eok\\u200f \\U000e0041'"
    out = _launch_asked(monkeypatch, workdir, speech, *flag)
    assert not {"\u200b", "\u2060", "\ufeff", "\u00ad", "\u206a", "\U000e0041"} & set(out), out
    escaped = "pay\\u200bpal \\u2060x\\ufeffy\\u00adz\\u206a \\u200eok\\u200f "
    assert escaped + tag in out, out


def test_a_slash_and_a_space_before_a_commands_name_is_no_command(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "/ json" ran /json (the words after "/" were split on spaces), "/ end" ended the session:
    # a command is "/" and its name, and the list says so.
    said = "/ json\n/  launch\n/json\n/help\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill")
    assert code == 0, err
    assert "> / json\n  (unknown command / json: no space after the /, as /json)\n" in out
    assert "> /  launch\n  (unknown command /  launch: no space after the /, as /launch)\n" in out
    assert "→ LaunchRequest" not in out and out.count("(JSON on)") == 1
    assert "a command is / and its name" in out  # /help


def test_chat_url_requests_carry_the_scopes_alexa_api_grants(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chat --url sent no context.System.user.permissions, whatever --alexa-api granted.
    import json

    from alexaskill.alexa_api import Scope

    from .chat_transports import mock_http_transport

    seen: list[dict[str, dict[str, dict[str, dict[str, object]]]]] = []

    def skill(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(200, json={"version": "1.0", "response": {}})

    transport = mock_http_transport(dev_dir.parent, monkeypatch, skill)
    try:
        transport.api.permissions = [Scope.NAME]
        assert transport.send({"type": "LaunchRequest"}, new_session=True).status_code == 200
    finally:
        transport.close()
    permissions = seen[0]["context"]["System"]["user"]["permissions"]
    assert permissions == {
        "consentToken": seen[0]["context"]["System"]["apiAccessToken"],
        "scopes": {Scope.NAME: {"status": "GRANTED"}},
    }


def test_chat_url_weighs_the_bytes_the_server_sent_against_the_size_limit(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 30,000 "é" written by json.dumps (its default ensure_ascii: six bytes each) are 180,000
    # bytes sent, past Alexa's 120 KB; written again as compact UTF-8 JSON, 60,000: passed.
    import json

    from .chat_transports import mock_http_transport

    payload = {"version": "1.0", "sessionAttributes": {"notes": "é" * 30_000}, "response": {}}
    body = json.dumps(payload).encode()

    def skill(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"Content-Type": "application/json"})

    transport = mock_http_transport(dev_dir.parent, monkeypatch, skill)
    try:
        reply = transport.send({"type": "LaunchRequest"}, new_session=True)
    finally:
        transport.close()
    assert reply.refusal is not None
    assert reply.refusal.startswith(
        f"the answer is {len(body):,} bytes; the limit is 122,880 bytes"
    ), reply.refusal


def test_asking_the_skill_by_name_in_an_open_session_says_a_new_one_starts(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "ask the cafe for ..." said in an open session is a one-shot request in a new session
    # (README): the session's attributes were gone, and the transcript only said "open".
    said = "open the cafe\nan espresso please\nask the cafe for an espresso please\n"
    code, out, err = chat(monkeypatch, said, "cafe:skill", "--invocation", "the cafe")
    assert code == 0, err
    note = "  (said with the skill's name: a new session; the one open before is left)\n"
    assert out.count(note) == 1
    assert out.index(note) > out.index("> ask the cafe for an espresso please\n")


def test_ctrl_c_at_the_prompt_ends_the_line_and_exits_130_quietly(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shell's next prompt came right after "> ", on the chat's last line, as for Ctrl-D.
    _types_at_a_terminal(monkeypatch, ["open the cafe"], then=KeyboardInterrupt)
    assert main(["chat", "cafe:skill", "--invocation", "the cafe"]) == 130
    out, err = capsys.readouterr()
    assert "  skill:      Welcome to the cafe. What would you like?\n" in out
    assert out.endswith("  session:    open\n> \n")
    assert err == ""


@pytest.mark.parametrize("name", ["", "  "])
def test_an_empty_invocation_name_is_refused_naming_the_option(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # `chat APP --invocation "$NAME"`, the variable unset: "the invocation name is empty", from
    # the model's checks, named no option (understand's and model's name it).
    code, out, err = chat(monkeypatch, "", "cafe:skill", "--invocation", name)
    assert (code, out) == (2, "")
    assert "alexaskill chat: error: argument --invocation: empty: give the invocation name" in err


def test_chat_url_plays_nothing_of_an_answer_alexa_refuses_for_its_ssml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # SSML that is not well-formed: Alexa refuses the whole answer ("There was a problem with
    # the requested skill's response"), its Play with it. The chat said so, yet its player
    # played the stream and sent the device's PlaybackStarted.
    import json

    sent: list[str] = []
    play = {
        "type": "AudioPlayer.Play",
        "playBehavior": "REPLACE_ALL",
        "audioItem": {"stream": {"url": "https://cdn.example.com/a.mp3", "token": "a"}},
    }

    def a_broken_answer(self: object, request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["request"]["type"])
        speech = {"type": "SSML", "ssml": "<speak>Playing<p></speak>"}
        response = {"outputSpeech": speech, "directives": [play], "shouldEndSession": True}
        return httpx.Response(200, json={"version": "1.0", "response": response}, request=request)

    code, out, err = chat_with_server(monkeypatch, a_broken_answer, "open pizza palace\n/player\n")
    assert (code, err) == (0, "")
    assert "  Alexa:      There was a problem with the requested skill's response.\n" in out
    assert out.endswith("> /player\n  player:     IDLE\n"), out
    assert "AudioPlayer.PlaybackStarted" not in sent


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        # A directive type that is no string reached `ends_session`'s set lookup: "the turn
        # failed: TypeError: unhashable type".
        ({"directives": [{"type": ["x"]}]}, "  session:    ended\n"),
        ({"directives": [{"type": {"a": 1}}]}, "  session:    ended\n"),
        # A reprompt that is no object: "the turn failed: AttributeError".
        ({"reprompt": "x", "shouldEndSession": True}, "  session:    ended\n"),
        # Directives that are a number: "the turn failed: TypeError: ... not iterable".
        ({"directives": 5}, "  session:    ended\n"),
    ],
)
def test_chat_url_to_a_server_answering_ill_shaped_parts_does_not_fail_the_turn(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    answer: dict[str, object],
    shown: str,
) -> None:
    ill_shaped = _replying(status_code=200, json={"version": "1.0", "response": answer})
    code, out, err = chat_with_server(monkeypatch, ill_shaped, "open pizza palace\n")
    assert (code, err) == (0, "")
    assert "the turn failed" not in out
    assert out.endswith(shown), out


def test_chat_url_sends_the_error_ending_in_the_session_of_the_failed_answer(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alexa's SessionEndedRequest (ERROR) after an answer that failed goes in the session of
    # that answer (same sessionId, not new): chat --url sent it in a brand-new session.
    bodies: list[dict[str, Any]] = []

    def fails(self: object, request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(500, text="boom", request=request)

    code, out, err = chat_with_server(monkeypatch, fails, "open pizza palace\n")
    assert (code, err) == (0, "")
    assert "  → SessionEndedRequest ERROR INVALID_RESPONSE\n" in out
    failed, ended = bodies
    assert ended["request"]["reason"] == "ERROR"
    assert ended["session"]["sessionId"] == failed["session"]["sessionId"]
    assert ended["session"]["new"] is False
    assert ended["session"]["attributes"] == failed["session"]["attributes"]


def test_chat_url_refuses_an_answer_the_app_refuses_and_shows_violations(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server's Play with an unknown playBehavior was played as REPLACE_ALL (only its shape
    # and SSML were judged); Alexa refuses it, as the app does in process. Speech answering an
    # AudioPlayer event was shown as heard, where in process it is a violation.
    stream = {"url": "https://a.example/0.mp3", "token": "0", "offsetInMilliseconds": 0}
    play = {"type": "AudioPlayer.Play", "playBehavior": "LOUDLY", "audioItem": {"stream": stream}}
    launches: list[object] = []

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)["request"]["type"]
        answer: dict[str, object] = {}  # (to the SessionEndedRequest after the refusal)
        if sent == "LaunchRequest":  # the first Play Alexa refuses; the second it takes
            good = {**play, "playBehavior": "REPLACE_ALL"} if launches else play
            answer = {"directives": [good], "shouldEndSession": True}
            launches.append(good)
        elif sent.startswith("PlaybackController."):
            answer = {"outputSpeech": {"type": "PlainText", "text": "Next one."}}
        return httpx.Response(200, json={"version": "1.0", "response": answer}, request=request)

    code, out, err = chat_with_server(
        monkeypatch, skill, "open pizza palace\n/launch\n/button next\n"
    )
    assert (code, err) == (0, ""), out
    refused, _, taken = out.partition("> /launch")
    assert "  Alexa:      There was a problem with the requested skill's response.\n" in refused
    assert "AudioPlayer.Play playBehavior is 'LOUDLY'" in refused
    assert "  player:" not in refused, out  # nothing played
    assert "  player:     PLAYING 0 at 0 ms\n" in taken, out
    assert (
        "  violation:  the reply answered PlaybackController.NextCommandIssued with outputSpeech: "
        "sent all the same (in process the app drops it) (Alexa takes only AudioPlayer "
        "directives in reply to PlaybackController.NextCommandIssued, and no speech, card or "
        "reprompt)\n"
    ) in out


def test_chat_url_says_a_directive_the_device_lacks_the_interface_of(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # In process the app drops an APL document sent to a speaker, and chat says so; a server's
    # answer with one was shown as if the device took it.
    apl = {
        "type": "Alexa.Presentation.APL.RenderDocument",
        "document": {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}},
    }
    speech = {"type": "PlainText", "text": "Here it is."}
    answer = {"outputSpeech": speech, "directives": [apl], "shouldEndSession": False}
    skill = _replying(status_code=200, json={"version": "1.0", "response": answer})

    code, out, err = chat_with_server(
        monkeypatch, skill, "open pizza palace\n/device screen\n/launch\n"
    )
    assert (code, err) == (0, ""), out
    speaker, _, screen = out.partition("> /device screen")
    assert (
        "  device:     lacks Alexa.Presentation.APL: the server sent "
        "Alexa.Presentation.APL.RenderDocument all the same (in process the app drops it)\n"
    ) in speaker
    assert "  device:" not in screen
    assert "  directives: Alexa.Presentation.APL.RenderDocument\n" in screen


def test_chat_url_does_not_show_an_answer_to_session_ended_request_as_heard(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alexa takes no response to a SessionEndedRequest (the app drops it in process); a
    # server's speech there was shown as the skill's, with its session attributes, as if heard
    # and carried on.

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)["request"]["type"]
        answer: dict[str, Any] = {"outputSpeech": {"type": "PlainText", "text": f"{sent}."}}
        answer["shouldEndSession"] = sent != "LaunchRequest"
        body = {"version": "1.0", "sessionAttributes": {"turns": 1}, "response": answer}
        return httpx.Response(200, json=body, request=request)

    code, out, err = chat_with_server(monkeypatch, skill, "/launch\n/end\n")
    assert (code, err) == (0, ""), out
    assert out.split("> /end\n", 1)[1] == (
        "  → SessionEndedRequest USER_INITIATED\n"
        '  ignored:    skill: SessionEndedRequest.; attributes: {"turns": 1} (Alexa takes no '
        "response to a SessionEndedRequest)\n"
        "  session:    ended\n"
    )


def test_chat_says_a_reprompt_is_never_played_when_should_end_session_is_left_out(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Alexa plays the reprompt only if the user is silent while it listens: an answer leaving
    # shouldEndSession out (null) ends the session on a speaker, or leaves it open on a screen
    # without listening (/silence: nothing happens), yet chat showed its reprompt as any other.
    ends = iter([None, False])

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        reprompt = {"outputSpeech": {"type": "PlainText", "text": "Still there?"}}
        answer = {"outputSpeech": {"type": "PlainText", "text": "Hi."}, "reprompt": reprompt}
        if json.loads(request.content)["request"]["type"] == "LaunchRequest":
            answer["shouldEndSession"] = next(ends)
        return httpx.Response(200, json={"version": "1.0", "response": answer}, request=request)

    code, out, err = chat_with_server(monkeypatch, skill, "/device screen\n/launch\n/launch\n")
    assert (code, err) == (0, ""), out
    left_out, kept_open = out.split("> /launch\n")[1:]
    assert (
        "  reprompt:   Still there? (never played: shouldEndSession is left out, so Alexa does "
        "not listen)\n"
    ) in left_out
    assert "  reprompt:   Still there?\n" in kept_open


def test_chat_url_shows_no_speech_for_ssml_that_is_null(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An SSML outputSpeech whose ssml is null (Alexa refuses it) was shown as the words
    # "None", not heard: as if the skill had said "None".
    answer = {"outputSpeech": {"type": "SSML", "ssml": None}, "shouldEndSession": False}
    skill = _replying(status_code=200, json={"version": "1.0", "response": answer})

    code, out, err = chat_with_server(monkeypatch, skill, "/launch\n")
    assert (code, err) == (0, ""), out
    assert "  Alexa:      There was a problem with the requested skill's response.\n" in out
    assert "None" not in out, out


def test_chat_url_goes_on_when_a_server_that_answered_stops_answering(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server restarting (a code change, say) between two turns: the chat stopped with
    # "cannot connect", its conversation lost. Alexa meets an endpoint that does not answer
    # as a failed request: the turn fails, the session ends, and the chat goes on.
    up = iter([True, False, True])

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        if not next(up, True):
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        speech = {"type": "PlainText", "text": "Hi."}
        answer = {"outputSpeech": speech, "shouldEndSession": False}
        return httpx.Response(200, json={"version": "1.0", "response": answer}, request=request)

    code, out, err = chat_with_server(monkeypatch, skill, "/launch\n/launch\n/launch\n")
    assert (code, err) == (0, ""), out
    _, down, again = out.split("> /launch\n")[1:]
    assert "  cannot connect to http://192.0.2.1:8000/: is the server running?" in down
    assert down.endswith("  session:    ended\n"), down
    assert again == "  → LaunchRequest\n  skill:      Hi.\n  session:    open\n"


def test_chat_url_an_answer_to_session_ended_request_of_no_object_fails_no_chat(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The ignored: row read the answer's response as an object: a server answering a
    # SessionEndedRequest with "response": [...] (or a string) ended the chat with a traceback
    # (AttributeError), where a part of the wrong shape is passed over.

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        sent = json.loads(request.content)["request"]["type"]
        answer: Any = {"outputSpeech": {"type": "PlainText", "text": "Hi."}}
        answer["shouldEndSession"] = False
        body = {"version": "1.0", "response": answer if sent == "LaunchRequest" else ["Bye."]}
        return httpx.Response(200, json=body, request=request)

    code, out, err = chat_with_server(monkeypatch, skill, "/launch\n/end\n")
    assert (code, err) == (0, ""), out
    assert out.split("> /end\n", 1)[1] == (
        "  → SessionEndedRequest USER_INITIATED\n  session:    ended\n"
    ), out


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


def test_chat_url_says_session_attributes_that_are_no_object_are_lost(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server's sessionAttributes of [1, 2] were shown, then the next request in the session
    # carried none ({}), unsaid.
    carried: list[object] = []

    def skill(self: object, request: httpx.Request) -> httpx.Response:
        carried.append(json.loads(request.content)["session"]["attributes"])
        answer = {"outputSpeech": {"type": "PlainText", "text": "Hi."}, "shouldEndSession": False}
        body = {"version": "1.0", "sessionAttributes": [1, 2], "response": answer}
        return httpx.Response(200, json=body, request=request)

    code, out, err = chat_with_server(monkeypatch, skill, "open pizza palace\nwhere is my order\n")
    assert (code, err) == (0, ""), out
    assert carried == [{}, {}]
    assert (
        "  violation:  the reply answered LaunchRequest with sessionAttributes: lost: the next "
        "request in the session carries no attributes (sessionAttributes must be a JSON object, "
        "not [1,2])\n"
    ) in out


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
            "response.directives[0].payload['at'][0] is of type object",
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
