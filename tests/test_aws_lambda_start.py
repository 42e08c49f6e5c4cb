"""AWS Lambda: a skill whose start fails at the first invocation. A `ConfigurationError` (the
author's to mend) is said once, kept, and fails each invocation of the process; anything else
(alexaskill's bug, or a failure that may pass) is tried again at the next (the rest:
tests/test_aws_lambda.py)."""

from __future__ import annotations

import gc
import logging
import threading
import weakref
from pathlib import Path
from typing import Any

import pytest

from alexaskill import log_lambda
from alexaskill.aws_lambda import handler
from alexaskill.exceptions import ConfigurationError
from alexaskill.interaction.builder import InteractionModelError
from alexaskill.lambda_start import fresh_start_error, kept_start_error, start_lock

from .aws_lambda_shared import speech
from .in_threads import ended

# The skills here answer DEFAULT_SKILL_ID, by its name: the id the sample events carry.
from .lambda_events import event, intent_event
from .lambda_runtime import Runtime
from .store_shared import counting_skill

_READ_ONLY = "it does not exist, and its directory /var/task is read-only to this process"


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[Any]:
    """The outcome of each request line."""
    return [getattr(r, "outcome", None) for r in caplog.records if r.name == "alexaskill.request"]


def test_a_configuration_error_at_the_start_is_said_once_and_kept_for_the_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The store's check at the start (the default SQLite file in Lambda's read-only code
    # directory; as root, whom no directory refuses, its finding is given here): the author's
    # configuration. Each invocation ran the start again and failed it, its request line saying
    # `internal_error` (alexaskill's own bug) and the runtime printing a traceback through the
    # start, never a line saying what the function's instance does about it.
    checks: list[str] = []

    def never_made(path: str) -> str:
        checks.append(path)
        return _READ_ONLY

    monkeypatch.setattr("alexaskill.store.sqlite_file._never_opened", never_made)
    monkeypatch.setattr(log_lambda, "_aws_request_id", "")  # (the handler notes the last id)
    runtime = Runtime()  # (its invocations and errors; its logging is caplog's to read)
    skill = counting_skill(f"sqlite:///{tmp_path}/skill.db")
    lambda_handler = handler(skill)
    caplog.set_level(logging.INFO, logger="alexaskill")
    for invoke in (lambda_handler, lambda_handler, handler(skill)):  # a new handler: the same
        assert runtime.invoke(invoke, intent_event("Count")) is None
    # Each invocation fails with the error, which Alexa takes as the web service's HTTP 500.
    assert [e["errorType"] for e in runtime.errors] == ["ConfigurationError"] * 3
    [message] = {e["errorMessage"] for e in runtime.errors}
    assert message.startswith(f"the attribute store, SQLite file {tmp_path}/skill.db: ")
    assert _READ_ONLY in message and "ALEXASKILL_STORE" in message
    assert checks == [f"{tmp_path}/skill.db"]  # started once: the configuration cannot change
    assert _request_lines(caplog) == ["not_started"] * 3
    # The runtime's ERROR frames: a traceback of the handler's frame alone, not the start's.
    failed = [m for m in runtime.messages() if m.startswith("[ERROR] ConfigurationError")]
    assert len(failed) == 3
    assert not any("check_store" in m or "plan_of" in m for m in failed)
    # And alexaskill's own, once, without a traceback: the error, what it does to the instance.
    # (Picked by its words: a loaded machine may add an ERROR of its own.)
    [line] = [r for r in caplog.records if "could not start" in r.getMessage()]
    assert line.levelno == logging.ERROR and line.exc_info is None
    said = line.getMessage()
    assert said.startswith(f"{skill.lambda_log_name} could not start (ConfigurationError: ")
    assert message in said
    assert "every invocation of this instance of the function fails" in said
    assert "no handler run" in said


def test_a_bug_at_the_start_is_tried_again_at_the_next_invocation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Not the author's configuration: alexaskill's own bug, or a failure that may pass (a file
    # that could not be read just then). The runtime prints its traceback, and the next
    # invocation starts the skill again, which may answer.
    skill = counting_skill(f"sqlite:///{tmp_path}/skill.db")
    start = skill.start
    failures = [OSError("the disk was busy")]

    def flaky_start(name: str = "this skill") -> None:
        if failures:
            raise failures.pop()
        start(name)

    monkeypatch.setattr(skill, "start", flaky_start)
    lambda_handler = handler(skill)
    caplog.set_level(logging.INFO, logger="alexaskill")
    with pytest.raises(OSError, match="the disk was busy"):
        lambda_handler(event("LaunchRequest"), None)
    assert speech(lambda_handler(event("LaunchRequest"), None)) == "Welcome."
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 1."
    assert _request_lines(caplog) == ["internal_error", "ok", "ok"]


def test_the_start_lock_of_a_skill_whose_start_raised_goes_with_the_skill() -> None:
    # A start that raised anything but a ConfigurationError keeps its lock, for the next try.
    # Kept by the skill's id, it outlived the skill: another object given that id took its lock.
    from alexaskill import lambda_start

    def broken_start(name: str = "this skill") -> None:
        raise OSError("the disk was busy")

    skill = counting_skill("memory://")
    skill.start = broken_start  # type: ignore[method-assign]
    lambda_handler = handler(skill)
    with pytest.raises(OSError, match="the disk was busy"):
        lambda_handler(event("LaunchRequest"), None)
    key = id(skill)
    assert key in lambda_start._start_locks  # (kept for the next invocation)
    gone = weakref.ref(skill)
    del skill, lambda_handler
    gc.collect()
    assert gone() is None
    assert key not in lambda_start._start_locks


class _Slotted:
    """An object no weak reference can follow."""

    __slots__ = ()


def test_the_start_lock_of_a_skill_no_weak_reference_follows_is_its_own_until_started() -> None:
    # Held until started, so that its id is no other object's meanwhile: freed, its id (its
    # memory) went to the next object made, which took its lock.
    from alexaskill import lambda_start
    from alexaskill.lambda_start import started

    one = _Slotted()
    lock = start_lock(one)
    assert start_lock(one) is lock
    key = id(one)
    del one
    others = [_Slotted() for _ in range(8)]
    try:
        assert all(start_lock(other) is not lock for other in others)
    finally:
        for other in others:
            started(other)
    held = lambda_start._unfollowed[key]
    started(held)
    assert start_lock(held) is not lock
    started(held)


def test_two_threads_at_the_first_invocation_start_the_skill_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Not on Lambda (serial), but a test or a local emulator calling one handler from two
    # threads: both started the skill, its check ran twice and its ERROR was said twice.
    # The first check waits until the other thread has come to the skill's start lock, which
    # the check holds (without one, to the check itself): no time spent, whatever the order.
    checks: list[str] = []
    arrived = threading.Event()

    def never_made(path: str) -> str:
        checks.append(path)
        if len(checks) == 1:
            assert arrived.wait(10)  # (only if the other thread never came: at once, else)
        else:
            arrived.set()
        return _READ_ONLY

    takers: list[threading.Thread] = []

    class Arriving:
        """The skill's start lock, which sets `arrived` as a second thread comes to take it."""

        def __init__(self, skill: object) -> None:
            self.lock = start_lock(skill)

        def __enter__(self) -> None:
            takers.append(threading.current_thread())
            if len(takers) == 2:
                arrived.set()
            self.lock.acquire()

        def __exit__(self, *exc: object) -> None:
            self.lock.release()

    monkeypatch.setattr("alexaskill.store.sqlite_file._never_opened", never_made)
    monkeypatch.setattr("alexaskill.lambda_plan.start_lock", Arriving)
    lambda_handler = handler(counting_skill(f"sqlite:///{tmp_path}/skill.db"))
    caplog.set_level(logging.INFO, logger="alexaskill")
    raised: list[BaseException] = []

    def invoke() -> None:
        try:
            lambda_handler(intent_event("Count"), None)
        except ConfigurationError as exc:
            raised.append(exc)

    threads = [threading.Thread(target=invoke, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        ended(thread)
    assert len(raised) == 2 and len(checks) == 1
    assert len([r for r in caplog.records if "could not start" in r.getMessage()]) == 1
    assert _request_lines(caplog) == ["not_started"] * 2


class _Event(dict[str, Any]):
    """An event a weak reference can follow (a dict cannot)."""


def test_the_kept_start_error_keeps_no_invocation_alive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The kept error, raised again at each invocation, held in its traceback the frame of the
    # last one (its event and context) until the next; a traceback of its cause held the
    # first's. Each invocation now raises a fresh copy, with the cause (its message) kept.
    def failing_start(name: str = "this skill") -> None:
        def read() -> None:
            raise OSError("no such table")

        try:
            read()
        except OSError as exc:
            raise ConfigurationError("the store cannot be read") from exc

    skill = counting_skill(f"sqlite:///{tmp_path}/skill.db")
    monkeypatch.setattr(skill, "start", failing_start)
    lambda_handler = handler(skill)
    events = [_Event(intent_event("Count")) for _ in range(2)]
    alive = [weakref.ref(e) for e in events]
    for each in events:
        with pytest.raises(ConfigurationError, match=r"^the store cannot be read$") as caught:
            lambda_handler(each, None)
        assert str(caught.value.__cause__) == "no such table"
        del caught  # (the error raised, and its traceback: pytest's, here)
    del each, events
    gc.collect()
    assert [ref() for ref in alive] == [None, None]


def test_the_error_kept_is_a_copy_the_raisers_own_keeps_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The error kept was the one the start raised, its traceback and its cause's cleared in
    # place: one its raiser holds (to raise again, or logged with it) lost where it came from.
    raised: list[ConfigurationError] = []

    def failing_start(name: str = "this skill") -> None:
        try:
            raise OSError("no such table")
        except OSError as exc:
            raised.append(ConfigurationError("the store cannot be read"))
            raise raised[-1] from exc

    skill = counting_skill(f"sqlite:///{tmp_path}/skill.db")
    monkeypatch.setattr(skill, "start", failing_start)
    lambda_handler = handler(skill)
    for _ in range(2):
        with pytest.raises(ConfigurationError, match=r"^the store cannot be read$") as caught:
            lambda_handler(intent_event("Count"), None)
        assert str(caught.value.__cause__) == "no such table"
    [own] = raised  # (started once)
    assert own.__traceback__ is not None
    assert own.__cause__ is not None and own.__cause__.__traceback__ is not None
    assert caught.value is not own and caught.value.__cause__ is not own.__cause__


def test_a_slow_start_of_one_skill_holds_up_no_other_skills_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One lock for every skill of the process: a skill whose start was slow (a store's check
    # over the network) held up another skill's first invocation, in another thread, until its
    # own start was done.
    slow, quick = counting_skill("memory://"), counting_skill("memory://")
    slow_starting, quick_started = threading.Event(), threading.Event()
    waited: list[bool] = []
    start_slow, start_quick = slow.start, quick.start

    def slow_start(name: str = "this skill") -> None:
        slow_starting.set()
        waited.append(quick_started.wait(10))  # (never, had the other's start been held)
        start_slow(name)

    def quick_start(name: str = "this skill") -> None:
        start_quick(name)
        quick_started.set()

    monkeypatch.setattr(slow, "start", slow_start)
    monkeypatch.setattr(quick, "start", quick_start)
    answers: list[dict[str, Any]] = []
    thread = threading.Thread(
        target=lambda: answers.append(handler(slow)(event("LaunchRequest"), None)), daemon=True
    )
    thread.start()
    assert slow_starting.wait(10)
    assert speech(handler(quick)(event("LaunchRequest"), None)) == "Welcome."
    ended(thread)
    assert waited == [True]
    assert [speech(answer) for answer in answers] == ["Welcome."]


def test_the_copy_raised_keeps_what_the_error_was_made_with() -> None:
    # (copy.copy would call __init__ with the message, which this one takes as its problems)
    kept = kept_start_error(InteractionModelError(["two handlers for Hello", "no name"]))
    fresh = fresh_start_error(kept)
    assert isinstance(fresh, InteractionModelError) and isinstance(kept, InteractionModelError)
    assert type(fresh) is InteractionModelError and fresh is not kept
    assert (str(fresh), fresh.problems) == (str(kept), kept.problems)


def test_a_note_added_to_the_copy_raised_is_not_kept() -> None:
    # The copy shared the kept error's list of notes: a note added to one invocation's error
    # (by the author's code or a harness that catches it) was carried by every later one.
    kept = ConfigurationError("the store cannot be read")
    kept.add_note("set ALEXASKILL_STORE")
    kept = kept_start_error(kept)
    fresh_start_error(kept).add_note("invocation 1")
    assert kept.__notes__ == ["set ALEXASKILL_STORE"]
    assert fresh_start_error(kept).__notes__ == ["set ALEXASKILL_STORE"]


@pytest.mark.parametrize(
    ("cause", "field"),
    [
        (FileNotFoundError(2, "No such file or directory", "/var/task/skill.db"), "filename"),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "reason"),
        (ImportError("No module named 'redis'", name="redis"), "name"),
    ],
    ids=["OSError", "UnicodeDecodeError", "ImportError"],
)
def test_the_cause_kept_says_what_the_start_s_said(cause: Exception, field: str) -> None:
    # The chain kept was copied by __new__ and the instance's attributes: what a built-in error
    # holds in fields of its own was lost, its cause saying "[Errno 2] No such file or
    # directory" without the file, a UnicodeDecodeError saying nothing.
    try:
        raise ConfigurationError("the store cannot be read") from cause
    except ConfigurationError as exc:
        raised = fresh_start_error(kept_start_error(exc))
    copied = raised.__cause__
    assert copied is not cause and type(copied) is type(cause)
    assert (str(copied), getattr(copied, field)) == (str(cause), getattr(cause, field))


def test_an_exception_group_in_the_chain_keeps_no_invocation_alive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The chain kept was copied through its causes and contexts, not into an exception group's
    # exceptions: each kept its traceback, and through its frames the first invocation's event.
    def failing_start(name: str = "this skill") -> None:
        def read() -> None:
            raise OSError("no such table")

        found: list[OSError] = []
        try:
            read()
        except OSError as exc:
            found.append(exc)
        group = ExceptionGroup("the store's checks failed", found)
        raise ConfigurationError("the store cannot be read") from group

    skill = counting_skill(f"sqlite:///{tmp_path}/skill.db")
    monkeypatch.setattr(skill, "start", failing_start)
    lambda_handler = handler(skill)
    events = [_Event(intent_event("Count")) for _ in range(2)]
    alive = [weakref.ref(e) for e in events]
    for each in events:
        with pytest.raises(ConfigurationError) as caught:
            lambda_handler(each, None)
        group = caught.value.__cause__
        assert isinstance(group, ExceptionGroup)
        assert [str(e) for e in group.exceptions] == ["no such table"]
        del caught, group
    del each, events
    gc.collect()
    assert [ref() for ref in alive] == [None, None]


class _Refusing(ConfigurationError):
    """An author's error whose ``__new__`` takes other arguments than its ``args``."""

    def __new__(cls, setting: str, *, why: str) -> _Refusing:
        return super().__new__(cls, f"{setting}: {why}")

    def __init__(self, setting: str, *, why: str) -> None:
        super().__init__(f"{setting}: {why}")


class _RefusingCause(OSError):
    """A cause of the same kind, not a `ConfigurationError`."""

    def __new__(cls, table: str, *, code: int) -> _RefusingCause:
        return super().__new__(cls, f"no table {table} ({code})")


def test_a_start_error_whose_class_refuses_its_own_args_is_kept_with_its_name_and_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its copy (its class's __new__ called with its args) raised TypeError in the start: the
    # start failed as alexaskill's bug, tried again at each invocation, the author's message
    # lost under a TypeError of alexaskill's copying.
    starts: list[str] = []

    def failing_start(name: str = "this skill") -> None:
        starts.append(name)
        raise _Refusing("ALEXASKILL_STORE", why="no such table")

    skill = counting_skill(f"sqlite:///{tmp_path}/skill.db")
    monkeypatch.setattr(skill, "start", failing_start)
    lambda_handler = handler(skill)
    for _ in range(2):
        with pytest.raises(ConfigurationError) as caught:
            lambda_handler(intent_event("Count"), None)
        assert str(caught.value) == "ALEXASKILL_STORE: no such table"
        assert type(caught.value).__name__ == "_Refusing"  # (the runtime's errorType)
    assert len(starts) == 1  # kept, as the author's configuration, not tried again


def test_a_chained_error_whose_class_refuses_its_own_args_is_kept_with_its_name_and_message() -> (
    None
):
    # The chain ended at it, silently: the kept error had no cause, the message that said why
    # the start failed gone.
    error = ConfigurationError("the store cannot be read")
    error.__cause__ = _RefusingCause("skills", code=1)
    kept = kept_start_error(error)
    cause = fresh_start_error(kept).__cause__
    assert cause is not None and cause is not error.__cause__
    assert (type(cause).__name__, str(cause)) == ("_RefusingCause", "no table skills (1)")
    assert cause.__traceback__ is None


class _Unsaid(_RefusingCause):
    """A cause whose message cannot be read either."""

    def __str__(self) -> str:
        raise ValueError("no message")


def test_a_chained_error_that_cannot_be_copied_nor_said_is_kept_as_python_says_it() -> None:
    error = ConfigurationError("the store cannot be read")
    error.__cause__ = _Unsaid("skills", code=1)
    cause = kept_start_error(error).__cause__
    assert cause is not None
    assert (type(cause).__name__, str(cause)) == ("_Unsaid", "<exception str() failed>")


def test_a_new_handler_of_a_started_skill_makes_no_start_lock() -> None:
    # The lock is dropped once the skill has started (`started`): a handler made after that (a
    # function that reads ``skill.lambda_handler`` at each invocation) made it again at its
    # first invocation, never dropped, and took it at each new handler's first.
    from alexaskill import lambda_start

    skill = counting_skill("memory://")
    for _ in range(2):
        assert speech(handler(skill)(event("LaunchRequest"), None)) == "Welcome."
        assert id(skill) not in lambda_start._start_locks


def test_a_start_cut_as_its_stores_were_set_to_close_at_exit_is_tried_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The plan was kept before the skill's stores were set to close at exit: a start cut there
    # (a Ctrl-C of a local run) left the plan, which the next invocation took, and the stores
    # were never closed at exit.
    registered: list[object] = []
    cuts = [KeyboardInterrupt()]

    def close_at_exit(skill: object, *, loop: bool = True) -> None:
        if cuts:
            raise cuts.pop()
        registered.append(skill)

    monkeypatch.setattr("alexaskill.lambda_plan.close_at_exit", close_at_exit)
    skill = counting_skill("memory://")
    lambda_handler = handler(skill)
    with pytest.raises(KeyboardInterrupt):
        lambda_handler(intent_event("Count"), None)
    assert speech(lambda_handler(intent_event("Count"), None)) == "Visit number 1."
    assert registered == [skill]
