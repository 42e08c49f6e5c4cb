"""Hostile handlers through a real ``alexaskill serve`` on 127.0.0.1 (signed requests,
verification on): the user hears an apology or the deadline's answer, the log has one ERROR with
the cause, and the worker goes on; and a thread a handler started that raises is one ERROR
record.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from alexaskill.app import APOLOGY, DEADLINE_REPLY
from alexaskill.testing import RequestFactory, TestPKI

from .adversarial_handlers_shared import _traceback
from .conftest import Servers
from .in_threads import ended
from .processes import free_port

#: This module's own file: a traceback of a handler defined here (in a test) names it.
HERE = str(Path(__file__).resolve())


# --- through a real server ------------------------------------------------------------------

HOSTILE = """
import asyncio, sys, threading, time

from alexaskill import Skill, speak
from alexaskill.testing import DEFAULT_SKILL_ID, TestPKI

skill = Skill(DEFAULT_SKILL_ID, deadline=0.5)
skill.verifier = TestPKI.load(".").verifier()


@skill.intent("Good")
def good():
    return speak("fine")


@skill.intent("DefExit")
def def_exit():
    sys.exit(3)


@skill.intent("AsyncExit")
async def async_exit():
    raise SystemExit(3)


@skill.intent("DefInterrupt")
def def_interrupt():
    raise KeyboardInterrupt


@skill.intent("AsyncInterrupt")
async def async_interrupt():
    raise KeyboardInterrupt


@skill.intent("Cancelled")
async def cancelled():
    raise asyncio.CancelledError


@skill.intent("Group")
async def group():
    raise BaseExceptionGroup("two", [KeyboardInterrupt(), ValueError("v")])


def recurse(depth=0):
    return recurse(depth + 1) + 1


@skill.intent("Recursion")
async def recursion():
    recurse()


@skill.intent("Memory")
def memory():
    raise MemoryError


@skill.intent("Sleeps")
def sleeps():
    time.sleep(1e9)


@skill.intent("Awaits")
async def awaits():
    await asyncio.Event().wait()


@skill.intent("Inline")
def inline():
    # Quick, so that it comes to run on the event loop's thread, the main one under serve
    # (alexaskill.pace): there it raises, once.
    if threading.current_thread() is threading.main_thread():
        raise KeyboardInterrupt
    return speak("quick")


@skill.intent("Thread")
def thread():
    threading.Thread(target=lambda: 1 / 0, name="spawned").start()
    return speak("started")
"""

#: The intents of `HOSTILE` that fail, and what the user hears.
SERVED = {
    "DefExit": APOLOGY,
    "AsyncExit": APOLOGY,
    "DefInterrupt": APOLOGY,
    "AsyncInterrupt": APOLOGY,
    "Cancelled": APOLOGY,
    "Group": APOLOGY,
    "Recursion": APOLOGY,
    "Memory": APOLOGY,
    "Sleeps": DEADLINE_REPLY,
    "Awaits": DEADLINE_REPLY,
}


def test_a_served_skill_answers_hostile_handlers_and_goes_on(
    servers: Servers, tmp_path: Path
) -> None:
    (tmp_path / "hostile.py").write_text(HOSTILE, encoding="utf-8")
    pki = TestPKI()
    pki.save(tmp_path)
    port = free_port()
    command = [sys.executable, "-m", "alexaskill", "serve", "hostile:skill", "--port", str(port)]
    environ = {**os.environ, "ALEXASKILL_LOG_JSON": "1"}
    process = servers.start(command, port, cwd=tmp_path, env=environ)
    factory = RequestFactory()

    def say(intent: str) -> str:
        body = json.dumps(factory.intent(intent)).encode()
        headers = {"Content-Type": "application/json", **pki.sign(body)}
        answer = httpx.post(f"http://127.0.0.1:{port}/", content=body, headers=headers, timeout=30)
        assert answer.status_code == 200, (intent, answer.text)
        return str(answer.json()["response"]["outputSpeech"]["text"])

    for intent, heard in SERVED.items():
        assert say(intent) == heard, intent
        assert say("Good") == "fine", intent  # the worker goes on
    # Eight quick calls in a row bring it there; a loaded machine may take more.
    answers = [say("Inline")]
    while answers[-1] == "quick" and len(answers) < 500:
        answers.append(say("Inline"))
    assert answers[-1] == APOLOGY and set(answers[:-1]) <= {"quick"}, answers
    assert say("Good") == "fine"
    assert say("Thread") == "started"
    assert say("Good") == "fine"
    # Its exit status is asserted: time to stop (it took over 5 s at a load of 30, and was
    # killed, status -9; about 1 s unloaded).
    servers.stop(process, patience=60)
    output = servers.output[process].read_text(encoding="utf-8")
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    failed = [r for r in records if r["level"] == "ERROR" and r["logger"] == "alexaskill"]
    apologies = [each for each, heard in SERVED.items() if heard == APOLOGY]
    for intent in apologies:
        (record,) = [r for r in failed if f"IntentRequest {intent} " in r["message"]]
        assert "hostile.py" in record["exception"], record
    # A KeyboardInterrupt of the handler's own on the main thread is no Ctrl-C: uvicorn has
    # the signal.
    (record,) = [r for r in failed if "IntentRequest Inline " in r["message"]]
    assert "pace.py" in record["exception"]  # (called on the event loop's thread)
    # A thread the handler started whose exception nothing caught: one JSON record at ERROR
    # (Python's own hook printed a plain traceback beside the JSON lines, unescaped).
    assert "Exception in thread" not in output, output
    (record,) = [r for r in failed if "ZeroDivisionError" in r.get("exception", "")]
    assert "spawned" in record["message"] and "hostile.py" in record["exception"]
    assert process.returncode == 0  # stopped by SIGTERM: nothing ended the worker before


def test_a_thread_a_handler_started_that_raises_is_one_error_record(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # What alexaskill's logging set-up installs (`configure_logging_if_unset`, as under serve):
    # Python's own hook wrote the traceback on standard error, outside the log.
    from alexaskill.log_format import log_thread_exceptions

    monkeypatch.setattr(threading, "excepthook", threading.__excepthook__)
    log_thread_exceptions()

    def fails(exc: BaseException) -> None:
        raise exc

    caplog.set_level(logging.INFO, "alexaskill")
    for exc in (ValueError("slot\nvalue"), SystemExit(0)):
        thread = threading.Thread(target=fails, args=(exc,), name="spawned", daemon=True)
        thread.start()
        ended(thread)
    (record,) = caplog.records  # a thread's sys.exit() ends it quietly, as Python's hook does
    assert record.levelno == logging.ERROR and record.name == "alexaskill"
    assert "thread 'spawned'" in record.getMessage()
    assert "ValueError" in _traceback(record) and HERE in _traceback(record)

    # A hook the application installed is its own.
    def own(args: Any) -> None:
        pass

    monkeypatch.setattr(threading, "excepthook", own)
    log_thread_exceptions()
    assert threading.excepthook is own
