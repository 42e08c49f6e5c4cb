"""``alexaskill chat`` with piped input: a conversation read as a transcript, the skill's slots,
service APIs, progressive responses and clock (at a terminal: test_cli_chat_terminal.py; with
``--url``: test_cli_chat_url*.py)."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from alexaskill.cli import main

from .cli_chat_shared import CAFE, chat

# The fixtures of tests/cli_chat_shared.py these tests take, imported for pytest to see.
from .cli_chat_shared import _dev_env as _dev_env
from .cli_chat_shared import dev_dir as dev_dir
from .cli_chat_shared import workdir as workdir
from .conftest import APP_SKILL_ID, Servers
from .skill_modules import skill_module

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
        (models / "en-US.json").write_text(json.dumps(name), encoding="utf-8")
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
        "with open('imports.txt', 'a', encoding='utf-8') as log:\n"
        "    log.write('imported\\n')\n" + CAFE,
        encoding="utf-8",
    )
    said = "open the cafe\n/locale en-GB\nask the cafe for an espresso please\n"
    code, out, err = chat(monkeypatch, said, "counted.py:skill", "--invocation", "the cafe")
    assert code == 0, err
    assert "  skill:      One espresso. Anything else?\n" in out
    assert (workdir / "imports.txt").read_text(encoding="utf-8") == "imported\n"


def test_chat_answers_alexas_service_apis_in_process(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workdir / "api.json").write_text('{"given_name": "Ada"}', encoding="utf-8")
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
    (workdir / "api.json").write_text('{"faults": {"progressive": 503}}', encoding="utf-8")
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
    (workdir / "clock.py").write_text(CLOCK, encoding="utf-8")
    (workdir / "api.json").write_text(api, encoding="utf-8")
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
    (workdir / "diary.py").write_text(DIARY, encoding="utf-8")
    (workdir / "api.json").write_text('{"time_zone": "America/Los_Angeles"}', encoding="utf-8")
    said = "ask the diary what happens today\n"
    code, out, err = chat(monkeypatch, said, "diary:skill", "--now", now, "--alexa-api", "api.json")
    assert code == 0, err
    assert f"  skill:      {expected}\n" in out


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_today_is_the_devices_today_without_now(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, zone: str
) -> None:
    # 25 hours apart: whatever this machine's zone, at most one of them shares its date.
    (workdir / "diary.py").write_text(DIARY, encoding="utf-8")
    (workdir / "api.json").write_text(f'{{"time_zone": "{zone}"}}', encoding="utf-8")
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
    (workdir / "diary.py").write_text(DIARY, encoding="utf-8")
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
