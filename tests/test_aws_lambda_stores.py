"""AWS Lambda: attributes kept between invocations, and the SQLite store (the default) warned
about once, where a handler's attributes come from it (the rest: tests/test_aws_lambda.py)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.store import MemoryStore
from alexaskill.testing import DEFAULT_SKILL_ID

from .aws_lambda_shared import speech, weather_skill

# The skills here answer DEFAULT_SKILL_ID, by its name: the id the sample envelopes carry.
from .lambda_events import event, intent_event
from .lambda_runtime import LAMBDA_ENVIRON
from .store_shared import counting_skill


def test_attributes_persist_between_invocations() -> None:
    lambda_handler = handler(weather_skill())
    assert speech(lambda_handler(intent_event("Count", user_id="u1"), None)) == "Visit number 1."
    assert speech(lambda_handler(intent_event("Count", user_id="u1"), None)) == "Visit number 2."
    assert speech(lambda_handler(intent_event("Count", user_id="u2"), None)) == "Visit number 1."


def _sqlite_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The records of the SQLite store's warning, picked by its words: a loaded machine may log
    other lines meanwhile (the event loop held up 2 s, an answer late past its deadline), which
    are not what these tests are about."""
    return [r for r in caplog.records if "which does not suit AWS Lambda" in r.getMessage()]


def test_a_sqlite_store_is_warned_about_once_at_the_first_invocation(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The default store (ALEXASKILL_STORE unset): on Lambda the code directory is read-only, so
    # every load fails, or the file is in /tmp, one instance's. The function started silently
    # and only the Attributes handlers answered the apology, one request at a time.
    lambda_handler = handler(counting_skill(f"sqlite:///{tmp_path}/attributes.db"))
    caplog.set_level(logging.INFO, logger="alexaskill")
    assert speech(lambda_handler(event("LaunchRequest"), None)) == "Welcome."
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 1."
    [warning] = _sqlite_warnings(caplog)
    assert warning.levelno == logging.WARNING
    message = warning.getMessage()
    assert str(tmp_path / "attributes.db") in message
    assert "ALEXASKILL_STORE=dynamodb://" in message


@pytest.mark.parametrize("store", ["memory://", "sqlite:///unused.db"], ids=["memory", "unused"])
def test_no_store_warning_for_another_store_or_a_sqlite_store_no_handler_uses(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.chdir(tmp_path)
    if store == "memory://":
        skill = counting_skill(store)
    else:
        skill = Skill(DEFAULT_SKILL_ID, store=store)
        skill.launch(lambda: speak("Welcome."))
    caplog.set_level(logging.INFO, logger="alexaskill")
    assert speech(handler(skill)(event("LaunchRequest"), None)) == "Welcome."
    assert not _sqlite_warnings(caplog)


def test_a_store_in_memory_on_lambda_itself_is_warned_about_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # ALEXASKILL_STORE=memory:// ("tests only") deployed: each instance kept its own attributes,
    # lost when Lambda replaced it, and nothing said so. Off Lambda (the test above) it is meant.
    for name, value in LAMBDA_ENVIRON.items():
        monkeypatch.setenv(name, value)
    lambda_handler = handler(counting_skill("memory://"))
    caplog.set_level(logging.INFO, logger="alexaskill")
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 1."
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 2."
    [warning] = [r for r in caplog.records if "in memory (memory://)" in r.getMessage()]
    assert warning.levelno == logging.WARNING
    assert "ALEXASKILL_STORE=dynamodb://" in warning.getMessage()


def test_a_function_that_reads_skill_lambda_handler_at_each_invocation_is_warned_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # ``def handler(event, context): return skill.lambda_handler(event, context)`` makes a new
    # handler at each invocation: each took itself for the function's first invocation, so the
    # SQLite warning (said "once") was logged at every invocation, and the plan made again.
    skill = counting_skill(f"sqlite:///{tmp_path}/attributes.db")

    def function(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return skill.lambda_handler(event, context)

    caplog.set_level(logging.INFO, logger="alexaskill")
    assert speech(function(event("LaunchRequest"), None)) == "Welcome."
    assert speech(function(intent_event("Count"), None)) == "Visit number 1."
    assert speech(handler(skill)(intent_event("Count"), None)) == "Visit number 2."
    # Said once in all (the warning's own words: under load a stall's or a late answer's line
    # may come too, and the test took it for the warning said twice).
    [warning] = _sqlite_warnings(caplog)
    assert warning.levelno == logging.WARNING
    assert str(tmp_path / "attributes.db") in warning.getMessage()


def test_no_sqlite_warning_when_the_attributes_come_from_a_service_added_over_another_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # skill.add_service(Attributes, *attributes_service(...)) replaces what skill.store serves:
    # the warning named the SQLite default as the attribute store, which no handler used.
    monkeypatch.chdir(tmp_path)
    skill = counting_skill(attributes=MemoryStore())  # over the default store, SQLite's
    caplog.set_level(logging.INFO, logger="alexaskill")
    lambda_handler = handler(skill)
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 1."
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 2."
    assert not _sqlite_warnings(caplog)
    assert not (tmp_path / "alexaskill.db").exists()


def test_no_sqlite_warning_for_a_service_added_over_the_store_after_a_test_client_swapped_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Reading the skill's store binding (as TestClient(store=…) does to give it back) took the
    # added service's makers for the store's own: the SQLite warning named the default store
    # again, though no handler's attributes came from it.
    from alexaskill.testing import TestClient

    monkeypatch.chdir(tmp_path)
    skill = counting_skill(attributes=MemoryStore())  # over the default store, SQLite's
    with TestClient(skill, store=MemoryStore()):
        pass
    caplog.set_level(logging.INFO, logger="alexaskill")
    assert speech(handler(skill)(intent_event("Count"), None)) == "Visit number 1."
    assert not _sqlite_warnings(caplog)


@pytest.mark.parametrize(
    ("module", "step"),
    [
        # The warning was said as the skill started, before its stores were set to close at
        # exit: a start cut there (a Ctrl-C of a local run) was redone at the next invocation,
        # which said it again, of the same skill and store.
        ("lambda_exit", "close_at_exit"),
        # The start was kept before the warning was said: a start cut there (a Ctrl-C of a
        # local run, in the log handler's write) was kept, unsaid, and never said at a later
        # invocation.
        ("lambda_start", "warn_of_sqlite"),
    ],
)
def test_a_start_redone_after_it_was_cut_warns_of_the_sqlite_store_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    module: str,
    step: str,
) -> None:
    import importlib

    done = getattr(importlib.import_module(f"alexaskill.{module}"), step)
    cuts = [KeyboardInterrupt()]

    def cut_once(arg: object, **options: bool) -> None:
        if cuts:
            raise cuts.pop()
        done(arg, **options)

    monkeypatch.setattr(f"alexaskill.lambda_plan.{step}", cut_once)
    lambda_handler = handler(counting_skill(f"sqlite:///{tmp_path}/attributes.db"))
    caplog.set_level(logging.INFO, logger="alexaskill")
    with pytest.raises(KeyboardInterrupt):
        lambda_handler(intent_event("Count"), None)
    assert not cuts  # (cut where it was meant to be)
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 1."
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 2."
    [warning] = _sqlite_warnings(caplog)
    assert str(tmp_path / "attributes.db") in warning.getMessage()
