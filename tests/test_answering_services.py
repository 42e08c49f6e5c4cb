"""What is logged, and told to ``on_handler_error``, when the making or finishing of a service
fails (a store's load or save, a service of the skill's own): that step is named, never the
handler whose code had not run yet, or had all run."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from alexaskill import (
    Attributes,
    DeviceAttributes,
    PersonAttributes,
    Request,
    Response,
    Skill,
    ask,
    speak,
)
from alexaskill.store import MemoryStore
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

APOLOGY = "Sorry, something went wrong. Please try again later."


class _Broken(BaseException):
    pass


class _Db:
    """A service of the skill's own."""


def _failure_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "handler failed" in r.getMessage()]


def _named(func: Any) -> str:
    """``func`` as the log names a function given to ``add_service``."""
    return f"{func.__module__}.{func.__qualname__}"


def _closing_raises(raised: type[BaseException]) -> tuple[Skill, str]:
    """A skill with the service ``_Db``, whose finish (its cleanup) raises ``raised``; and the
    words naming that step (the finishing of the service, by the function given)."""

    async def open_db(call: object) -> _Db:
        return _Db()

    async def close_db(db: _Db) -> None:
        raise raised("not closed")

    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_service(_Db, open_db, close_db)
    return skill, f"the finishing of the service _Db by {_named(close_db)}"


@pytest.mark.parametrize("raised", [_Broken, SystemExit, ValueError])
def test_a_failure_of_the_stores_load_is_not_said_to_be_the_handlers(
    caplog: pytest.LogCaptureFixture, raised: type[BaseException]
) -> None:
    # A BaseException of a custom store's load was "the handler raised _Broken", and the line
    # named no one, though the handler was never called: the store's load is named instead.
    class Down(MemoryStore):
        async def load(self, key: str) -> dict[str, Any]:
            raise raised("the store is down")

    skill = Skill(DEFAULT_SKILL_ID, store=Down())
    called: list[str] = []

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        called.append("launch")
        return speak("Welcome.")

    with TestClient(skill, raise_handler_errors=False) as client, caplog.at_level(logging.ERROR):
        result = client.launch()
    assert (result.speech, called) == (APOLOGY, [])
    error = result.handler_error
    if raised is not ValueError:  # (an Exception is itself the error: no words about it)
        assert str(error).startswith(f"the store's load of Attributes raised {raised.__name__}")
        assert isinstance(error, RuntimeError) and type(error.__cause__) is raised
    assert _failure_lines(caplog) == [
        "handler failed for LaunchRequest (the store's load of Attributes)"
    ]


@pytest.mark.parametrize("raised", [_Broken, SystemExit])
@pytest.mark.parametrize("request_type", ["SessionEndedRequest", "AMAZON.StopIntent"])
def test_a_failure_of_the_stores_save_after_no_handlers_reply_names_the_save(
    caplog: pytest.LogCaptureFixture, raised: type[BaseException], request_type: str
) -> None:
    # A before-request hook changed the attributes, and no handler made the reply (none for a
    # SessionEndedRequest; the built-in goodbye to Stop): a BaseException of the store's save
    # was "the handler raised _Broken", and the line named no one.
    failing: list[str] = []

    class Down(MemoryStore):
        async def update(self, key: str, *args: Any, **kwargs: Any) -> None:
            if failing:
                raise raised("the store is down")
            await super().update(key, *args, **kwargs)

    skill = Skill(DEFAULT_SKILL_ID, store=Down())

    @skill.before_request
    def seen(request: Request, attributes: Attributes) -> None:
        attributes["last"] = request.type

    @skill.launch
    def launch() -> Response:
        return ask("Welcome. Which city?")

    with TestClient(skill, raise_handler_errors=False) as client, caplog.at_level(logging.ERROR):
        client.launch()
        failing.append("down")
        caplog.clear()
        if request_type == "SessionEndedRequest":
            result = client.session_ended()
        else:
            result = client.intent(request_type)
    error = result.handler_error
    assert str(error).startswith(f"the store's save of Attributes raised {raised.__name__}")
    assert isinstance(error, RuntimeError) and type(error.__cause__) is raised
    [line] = _failure_lines(caplog)
    assert line.endswith(" (the store's save of Attributes)"), line


@pytest.mark.parametrize("raised", [_Broken, SystemExit, ValueError])
def test_a_failure_of_a_services_making_names_its_make_function(
    caplog: pytest.LogCaptureFixture, raised: type[BaseException]
) -> None:
    # "the making of the service _Db raised _Broken" named the type, not the function the
    # skill gave add_service, which is the code that raised.
    async def open_db(call: object) -> _Db:
        raise raised("the database is down")

    skill = Skill(DEFAULT_SKILL_ID)
    skill.add_service(_Db, open_db)

    @skill.launch
    def launch(db: _Db) -> Response:
        return speak("Welcome.")

    maker = _named(open_db)
    with TestClient(skill, raise_handler_errors=False) as client, caplog.at_level(logging.ERROR):
        result = client.launch()
    error = result.handler_error
    if raised is not ValueError:  # (an Exception is itself the error: no words about it)
        said = f"the making of the service _Db by {maker} raised {raised.__name__}"
        assert str(error).startswith(said), error
    assert _failure_lines(caplog) == [
        f"handler failed for LaunchRequest (the making of the service _Db by {maker})"
    ]


def test_a_failure_of_a_services_finish_after_no_handlers_reply_names_its_function() -> None:
    # As a store's save is named (above), so is a service's finish, by the function given.
    skill, step = _closing_raises(_Broken)

    @skill.before_request
    def uses(db: _Db) -> None:
        pass

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.intent("AMAZON.StopIntent")
    said = f"{step} raised _Broken"
    assert str(result.handler_error).startswith(said), result.handler_error


@pytest.mark.parametrize("raised", [_Broken, SystemExit, ValueError])
def test_a_failure_of_a_services_finish_after_the_handlers_reply_names_its_function(
    caplog: pytest.LogCaptureFixture, raised: type[BaseException]
) -> None:
    # The handler had returned its reply, and the finish given to add_service (its cleanup)
    # raised: the apology's error was "app.launch raised _Broken", and the line named app.launch,
    # whose code had all run.
    skill, step = _closing_raises(raised)

    @skill.launch
    def launch(db: _Db) -> Response:
        return speak("Welcome.")

    with TestClient(skill, raise_handler_errors=False) as client, caplog.at_level(logging.ERROR):
        result = client.launch()
    assert result.speech == APOLOGY
    error = result.handler_error
    if raised is not ValueError:  # (an Exception is itself the error: no words about it)
        assert str(error).startswith(f"{step} raised {raised.__name__}"), error
    assert _failure_lines(caplog) == [f"handler failed for LaunchRequest ({step})"]


@pytest.mark.parametrize("raised", [_Broken, ValueError])
def test_a_failure_of_the_stores_save_after_the_handlers_reply_names_the_save(
    caplog: pytest.LogCaptureFixture, raised: type[BaseException]
) -> None:
    # As a service's finish (above): a custom store's update that raised was the handler's.
    # (A value of the handler's that JSON cannot hold still names the handler: its data.)
    class Down(MemoryStore):
        async def update(self, key: str, *args: Any, **kwargs: Any) -> None:
            raise raised("the store is down")

    skill = Skill(DEFAULT_SKILL_ID, store=Down())

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["visits"] = 1
        return speak("Welcome.")

    with TestClient(skill, raise_handler_errors=False) as client, caplog.at_level(logging.ERROR):
        result = client.launch()
    assert result.speech == APOLOGY
    if raised is not ValueError:
        assert str(result.handler_error).startswith("the store's save of Attributes raised")
    assert _failure_lines(caplog) == [
        "handler failed for LaunchRequest (the store's save of Attributes)"
    ]


@pytest.mark.parametrize("raised", [_Broken, ValueError])
def test_a_failure_of_a_services_finish_after_an_exception_handlers_reply_names_its_function(
    caplog: pytest.LogCaptureFixture, raised: type[BaseException]
) -> None:
    # As after a handler's reply (above): the exception handler had answered and the service's
    # finish raised, yet the line said "exception handler app.oops failed", the apology's error
    # "exception handler app.oops raised _Broken".
    skill, step = _closing_raises(raised)

    @skill.launch
    def launch() -> Response:
        raise LookupError("no such city")

    @skill.exception(LookupError)
    def oops(exc: LookupError, db: _Db) -> Response:
        return speak("Which city?")

    with TestClient(skill, raise_handler_errors=False) as client, caplog.at_level(logging.ERROR):
        result = client.launch()
    assert result.speech == APOLOGY
    if raised is not ValueError:
        assert str(result.handler_error).startswith(f"{step} raised _Broken"), result.handler_error
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert said == [f"{step} failed after the exception handler {_named(oops)} answered"]


def test_an_exception_handlers_own_failure_after_a_finish_it_handles_names_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The finish raised what an exception handler handles, and that handler failed in turn: its
    # own failure, not the finish's (handled), though the finish had been the step under way.
    skill, _ = _closing_raises(LookupError)

    @skill.launch
    def launch(db: _Db) -> Response:
        return speak("Welcome.")

    @skill.exception(LookupError)
    def oops(exc: LookupError) -> Response:
        raise ValueError("no reply")

    with TestClient(skill, raise_handler_errors=False) as client, caplog.at_level(logging.ERROR):
        result = client.launch()
    assert result.speech == APOLOGY
    said = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert said == [f"exception handler {_named(oops)} failed"]


def _refused_lines(skill: Skill, caplog: pytest.LogCaptureFixture) -> list[str]:
    """The ERROR lines of ``skill``'s LaunchRequest, whose save is refused (the apology said)."""
    with TestClient(skill, raise_handler_errors=False) as client, caplog.at_level(logging.ERROR):
        assert client.launch().speech == APOLOGY
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("hook", ["before", "after", "before, answering"])
def test_a_value_json_cannot_hold_set_by_a_hook_names_the_hook(
    caplog: pytest.LogCaptureFixture, hook: str
) -> None:
    # The handler's name was given to every value JSON cannot hold, though a hook given the
    # attributes too set it: an after-request hook's (the handler named), a before-request
    # hook's (the handler, which never took the attributes, named), or the value of a
    # before-request hook that answered itself (alexaskill's own save named).
    skill = Skill(DEFAULT_SKILL_ID, store=MemoryStore())

    def mark(attributes: Attributes) -> Response | None:
        attributes["seen"] = {1, 2}  # a set: JSON holds none
        return speak("Hooked.") if hook == "before, answering" else None

    if hook == "after":
        skill.after_request(mark)
    else:
        skill.before_request(mark)

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["visits"] = 1
        return speak("Welcome.")

    [line] = _refused_lines(skill, caplog)
    when = "after" if hook == "after" else "before"
    name = f"the {when}-request hook {_named(mark)}"
    assert line.startswith(f"handler failed for LaunchRequest ({name}): attribute 'seen'"), line


def test_a_value_json_cannot_hold_set_by_the_handler_names_it_whatever_the_hooks_after(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # An after-request hook given the attributes that only reads them did not set the value: the
    # handler, which did, is named still.
    skill = Skill(DEFAULT_SKILL_ID, store=MemoryStore())

    @skill.after_request
    def count(attributes: Attributes) -> None:
        assert "visits" in attributes

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["visits"] = {1}
        return speak("Welcome.")

    [line] = _refused_lines(skill, caplog)
    assert line.startswith(f"handler failed for LaunchRequest ({_named(launch)}): attribute"), line


@pytest.mark.parametrize("when", ["before", "after"])
def test_a_value_json_cannot_hold_set_by_a_hook_names_it_among_two_kinds_of_attributes(
    caplog: pytest.LogCaptureFixture, when: str
) -> None:
    # With two kinds of attributes, both are checked before either is saved (`check_saves`),
    # while no save was noted as under way: the handler was named, not the hook that set it.
    skill = Skill(DEFAULT_SKILL_ID, store=MemoryStore())

    def mark(device: DeviceAttributes) -> None:
        device["seen"] = {1, 2}  # a set: JSON holds none

    if when == "before":
        skill.before_request(mark)
    else:
        skill.after_request(mark)

    @skill.launch
    def launch(attributes: Attributes, device: DeviceAttributes) -> Response:
        attributes["visits"] = 1
        return speak("Welcome.")

    [line] = _refused_lines(skill, caplog)
    name = f"the {when}-request hook {_named(mark)}"
    assert line.startswith(f"handler failed for LaunchRequest ({name}): attribute 'seen'"), line


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("setter", ["hook", "handler"])
def test_a_value_set_through_the_person_attributes_sharing_the_users_item_names_who_set_it(
    caplog: pytest.LogCaptureFixture, when: str, setter: str
) -> None:
    # No person recognised: the hook's PersonAttributes hold the user's item, the handler's
    # Attributes (one item, one save). The value the hook set through them was checked, and
    # refused, as the Attributes' save: the handler, who set that kind, was named. (And the
    # handler's value stays its own, whatever hook only reads the item after it.)
    skill = Skill(DEFAULT_SKILL_ID, store=MemoryStore())
    bad = {1, 2}  # a set: JSON holds none

    def mark(person: PersonAttributes) -> None:
        if setter == "hook":
            person["seen"] = bad

    if when == "before":
        skill.before_request(mark)
    else:
        skill.after_request(mark)

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["visits"] = 1
        if setter == "handler":
            attributes["seen"] = bad
        return speak("Welcome.")

    [line] = _refused_lines(skill, caplog)
    name = f"the {when}-request hook {_named(mark)}" if setter == "hook" else _named(launch)
    assert line.startswith(f"handler failed for LaunchRequest ({name}): attribute 'seen'"), line


def test_a_store_refusing_one_of_two_kinds_of_attributes_is_named_as_for_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # What the store's save of one kind of attributes refuses that is no value's fault (here an
    # increment, which this store cannot add) names that save, not the handler, with two kinds too.
    class NoIncrements(MemoryStore):
        async def update(self, key: str, changes: Any, deleted: Any) -> None:  # type: ignore[override]
            await super().update(key, changes, deleted)

    skill = Skill(DEFAULT_SKILL_ID, store=NoIncrements())

    @skill.launch
    def launch(attributes: Attributes, device: DeviceAttributes) -> Response:
        attributes.increment("visits")
        return speak("Welcome.")

    [line] = _refused_lines(skill, caplog)
    assert line == "handler failed for LaunchRequest (the store's save of Attributes)", line


@pytest.mark.parametrize("setter", ["after-request hook", "exception handler"])
def test_a_value_json_cannot_hold_after_an_exception_handler_names_who_set_it(
    caplog: pytest.LogCaptureFixture, setter: str
) -> None:
    # After an exception handler's reply, a value an after-request hook set was said to be the
    # exception handler's failure; one the exception handler set is its own still, not that of
    # a hook given the attributes before the handler failed.
    skill = Skill(DEFAULT_SKILL_ID, store=MemoryStore())
    bad = {1, 2}  # a set: JSON holds none

    @skill.before_request
    def note(attributes: Attributes) -> None:
        attributes["noted"] = True

    @skill.after_request
    def mark(attributes: Attributes) -> None:
        if setter == "after-request hook":
            attributes["seen"] = bad

    @skill.launch
    def launch() -> Response:
        raise LookupError("no such city")

    @skill.exception(LookupError)
    def oops(exc: LookupError, attributes: Attributes) -> Response:
        if setter == "exception handler":
            attributes["seen"] = bad
        return speak("Which city?")

    [line] = _refused_lines(skill, caplog)
    who = f"exception handler {_named(oops)}"
    if setter == "after-request hook":
        who = f"the after-request hook {_named(mark)} failed after the {who} answered"
    else:
        who += " failed"
    assert line.startswith(f"{who}: attribute 'seen' cannot be saved as JSON"), line
