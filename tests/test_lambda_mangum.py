"""The skill's ASGI app behind Mangum on AWS Lambda, its default lifespan ("auto"): the app's
lifespan started and shut down around each invocation's request, on the one event loop of the
process. The skill's stores live for the instance, and a start that failed on the author's
configuration is kept, as with `alexaskill.aws_lambda.handler` (tests/test_aws_lambda_start.py)."""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref
from pathlib import Path
from typing import Any

import pytest
from starlette.types import Message

from alexaskill import Skill, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.responses import Response
from alexaskill.store import MemoryStore

from .aws_lambda_shared import speech
from .conftest import SKILL_ID
from .lambda_runtime import LambdaContext

# restore_logging: autouse, each test's logging and environment put back.
from .log_lambda_shared import WEB_ID, restore_logging  # noqa: F401
from .log_repeats_shared import clock as clock
from .mangum_shared import StartupFailed, _MangumFunction, _on_lambda, _Scope
from .store_shared import ClosedCounting, counting_skill


def _counting_skill(store: MemoryStore) -> Skill:
    """`counting_skill` with ``store`` as its own (the one its ``aclose`` closes, which the
    closing tests count), answering the id `_MangumFunction`'s requests carry."""
    return counting_skill(store, skill_id=SKILL_ID)


def test_behind_mangum_the_stores_live_for_the_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each invocation's lifespan shutdown closed the skill's stores: a Redis store connected
    again at the next invocation, a DynamoDB store made its client again."""
    _on_lambda(monkeypatch)
    store = ClosedCounting()
    function = _MangumFunction(_counting_skill(store))
    try:
        for visit in (1, 2, 3):
            assert speech(function.invoke("Count")) == f"Visit number {visit}."
        assert store.closed == 0
    finally:
        function.close()
    assert store.closed == 1  # (closed by the test's own aclose)


def _client_skill(seen: list[Any]) -> Skill:
    """A skill whose intent Client notes the HTTP client its requests have (the lifespan's, for
    certificate downloads and Alexa's APIs: `AlexaApi`)."""
    skill = Skill(SKILL_ID, store="memory://")

    @skill.intent("Client")
    def client() -> Response:
        seen.append(skill._http_client)
        return speak("Noted.")

    return skill


def test_behind_mangum_the_http_client_lives_for_the_instance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each invocation's lifespan made the client again, and closed it: a TLS handshake with
    Alexa's APIs at each invocation that called them, its connections never reused."""
    _on_lambda(monkeypatch)
    seen: list[Any] = []
    function = _MangumFunction(_client_skill(seen))
    try:
        for _ in range(3):
            assert speech(function.invoke("Client")) == "Noted."
        assert seen[0] is seen[1] is seen[2] and not seen[0].is_closed
    finally:
        function.close()
    assert seen[0].is_closed  # (by the test's own aclose)


def test_behind_mangum_a_new_event_loop_has_a_client_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Mangum 0.20.0 runs each invocation in an event loop of its own: a client is that loop's.
    _on_lambda(monkeypatch)
    seen: list[Any] = []
    function = _MangumFunction(_client_skill(seen), loop_each=True)
    try:
        for _ in range(2):
            assert speech(function.invoke("Client")) == "Noted."
        assert seen[0] is not seen[1]
    finally:
        function.close()


def test_behind_mangum_a_client_kept_is_closed_as_its_event_loop_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mangum 0.20.0 ends each invocation's event loop (``asyncio.run``): the client its
    lifespan's shutdown kept, of no use in the next loop, was left open, its connections (to
    Alexa's APIs, to a certificate's host) closed by the garbage collector at last, a
    ResourceWarning each (an event loop's end closes none)."""
    _on_lambda(monkeypatch)
    seen: list[Any] = []
    function = _MangumFunction(_client_skill(seen), loop_each=True)
    try:
        assert speech(function.invoke("Client")) == "Noted."
        assert seen[0].is_closed  # (as asyncio.run ended its loop)
    finally:
        function.close()


def test_on_lambda_a_servers_shutdown_closes_the_stores(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn behind the Lambda Web Adapter (or as a Lambda web function) runs one lifespan for
    the instance: its shutdown, at Lambda's SIGTERM as the instance ends, runs once, and closes
    the stores as any server's does. Left open there, a store of the author's lost what its
    ``aclose`` was to write (a buffer of saves), and the idle connections of a SQLite or
    DynamoDB store were left to the process's end (a Redis store's close as the loop ends)."""
    _on_lambda(monkeypatch)
    store = ClosedCounting()
    server = _MangumFunction(_counting_skill(store), in_scope=False)
    try:
        assert speech(server.invoke("Count")) == "Visit number 1."
        assert store.closed == 1
    finally:
        server.runner.close()


@pytest.mark.parametrize("in_scope", [True, False], ids=["mangum", "web-adapter"])
@pytest.mark.parametrize("url", ["memory://", "sqlite:///{tmp}/skill.db"], ids=["memory", "sqlite"])
def test_on_lambda_a_store_that_does_not_suit_it_is_warned_about_once(
    in_scope: bool,
    url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """``ALEXASKILL_STORE=memory://`` (or a SQLite file in /tmp) behind Mangum, or the Lambda Web
    Adapter: each instance of the function kept its own attributes, lost when Lambda replaced
    it, and nothing said so, where `skill.lambda_handler` says it at its first invocation."""
    _on_lambda(monkeypatch)
    logging.getLogger().addHandler(caplog.handler)
    function = _MangumFunction(counting_skill(url.format(tmp=tmp_path), skill_id=SKILL_ID))
    function.in_scope = in_scope
    try:
        for visit in (1, 2):  # (behind the adapter, a lifespan each: stored all the same)
            assert speech(function.invoke("Count")) == f"Visit number {visit}."
    finally:
        function.close()
    [warning] = [r for r in caplog.records if "does not suit AWS Lambda" in r.getMessage()]
    assert warning.levelno == logging.WARNING
    assert "ALEXASKILL_STORE=dynamodb://" in warning.getMessage()


def test_off_lambda_a_store_in_memory_behind_an_adapter_is_not_warned_about(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A test's, or a local server's: what memory:// is for.
    caplog.set_level(logging.INFO, logger="alexaskill")
    function = _MangumFunction(counting_skill("memory://", skill_id=SKILL_ID))
    try:
        assert speech(function.invoke("Count")) == "Visit number 1."
    finally:
        function.close()
    assert "does not suit AWS Lambda" not in caplog.text


def test_behind_mangum_a_floods_count_is_said_once_its_window_ends(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, clock: list[float]
) -> None:
    """Each invocation's lifespan end said the counts of repeated warnings: under a flood, one
    WARNING an invocation, not one a window. Only the windows that have ended are said there;
    the others wait for a later invocation's end (or their timer)."""
    _on_lambda(monkeypatch)
    logging.getLogger().addHandler(caplog.handler)
    function = _MangumFunction(_counting_skill(ClosedCounting()))
    try:
        for _ in range(3):  # (no handler: each warns, one line a window)
            function.invoke("Unknown")
        said = [r.getMessage() for r in caplog.records if "no handler for" in r.getMessage()]
        assert len(said) == 1 and "more since" not in said[0]
        clock[0] += 10  # (the window's end, on the clock `Repeats` reads)
        assert speech(function.invoke("Count")) == "Visit number 1."
    finally:
        function.close()
    said = [r.getMessage() for r in caplog.records if "no handler for" in r.getMessage()]
    assert len(said) == 2 and said[1].endswith("(2 more since the last such line)")


class _Hanging(MemoryStore):
    """A store whose close never ends (its server gone quiet)."""

    async def aclose(self) -> None:
        await asyncio.Event().wait()


def test_on_lambda_a_servers_shutdown_closes_within_what_lambda_leaves(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Lambda's SIGKILL follows its SIGTERM by 300 ms (500 with an internal extension): closing
    bounded by 5 seconds (`CLOSE_TIMEOUT`) was cut there, nothing said of what was left open.
    Bounded by `LAMBDA_CLOSE_TIMEOUT` on Lambda, the warning names it."""
    _on_lambda(monkeypatch)
    logging.getLogger().addHandler(caplog.handler)
    skill = _counting_skill(_Hanging())
    server = _MangumFunction(skill, in_scope=False)
    try:
        assert speech(server.invoke("Count")) == "Visit number 1."
    finally:
        server.runner.close()
    said = [r.getMessage() for r in caplog.records if "not closed" in r.getMessage()]
    assert said == [
        f"the stores of {skill.log_name} not closed at shutdown: closing took over 0.05 seconds"
    ]


def test_off_lambda_a_lifespans_shutdown_closes_the_stores_still(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # uvicorn's shutdown: the process ends after it.
    store = ClosedCounting()
    function = _MangumFunction(_counting_skill(store))
    try:
        assert speech(function.invoke("Count")) == "Visit number 1."
        assert store.closed == 1
    finally:
        function.runner.close()


def test_behind_mangum_a_start_failed_on_the_configuration_is_kept_for_the_instance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As `alexaskill.aws_lambda.handler` keeps it (an instance's code and settings cannot
    change): each invocation's start fails with it, the skill not built again, where the whole
    start (the settings read, the store's check, over the network for DynamoDB) ran each time."""
    import alexaskill.app

    _on_lambda(monkeypatch)
    checked: list[object] = []

    def failing(skill: object) -> None:
        checked.append(skill)
        raise ConfigurationError("no store can be made here")

    monkeypatch.setattr(alexaskill.app, "check_store", failing)
    skill = _counting_skill(ClosedCounting())
    function = _MangumFunction(skill)
    try:
        for _ in range(3):
            with pytest.raises(StartupFailed, match=r"^no store can be made here$"):
                function.invoke("Count")
    finally:
        function.close()
    assert checked == [skill]
    assert not skill.started


def _failing_with_a_cause(skill: object) -> None:
    def read() -> None:
        raise OSError("no such table")

    try:
        read()
    except OSError as exc:
        raise ConfigurationError("no store can be made here") from exc


def test_behind_mangum_the_kept_start_error_keeps_no_lifespan_alive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The failure kept held the start's error as raised: its traceback held the first
    lifespan's frames (its scope, the adapter's queues, up to the invocation) for the instance.
    A copy without tracebacks is kept (`kept_start_error`), its cause so too, as the handler's."""
    import alexaskill.app

    _on_lambda(monkeypatch)
    monkeypatch.setattr(alexaskill.app, "check_store", _failing_with_a_cause)
    skill = _counting_skill(ClosedCounting())
    function = _MangumFunction(skill)
    try:
        for _ in range(2):
            with pytest.raises(StartupFailed, match=r"^no store can be made here$") as caught:
                function.invoke("Count")
            del caught  # (the error raised, and its traceback: pytest's, here)
    finally:
        function.close()
    gc.collect()
    assert [ref() for ref in function.scopes] == [None, None]
    kept = skill._start_failure
    assert kept is not None and str(kept.error.__cause__) == "no such table"


def test_without_a_lifespan_on_lambda_a_failed_start_keeps_no_invocation_alive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mangum's ``lifespan="off"``: the skill starts at its first request, and a failure is kept
    for good (every request refused). One other than a `ConfigurationError` was kept with its
    traceback, which held that invocation's frames (its scope, Mangum's event and context) for
    the instance's life. Kept as a copy without tracebacks on Lambda, as the lifespan's is."""
    import alexaskill.app

    def failing(skill: object) -> None:
        raise RuntimeError("a store's server did not answer")

    _on_lambda(monkeypatch)
    monkeypatch.setattr(alexaskill.app, "check_store", failing)
    skill = _counting_skill(ClosedCounting())
    sent: list[Message] = []
    scope = _Scope(type="http", method="POST", path=skill.path, root_path="", headers=[])
    scope["aws.context"] = LambdaContext(7000, WEB_ID)

    async def receive() -> Message:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(skill(scope, receive, send))
    assert sent[0]["status"] == 500
    followed = weakref.ref(scope)
    del scope
    gc.collect()
    assert followed() is None
    kept = skill._start_failure
    assert kept is not None and str(kept.error) == "a store's server did not answer"


def test_behind_mangum_a_kept_start_error_is_said_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Mangum and the runtime report a LifespanFailure at each invocation, with a traceback of
    # theirs; alexaskill says what it means once, in the words of the handler (`plan_of`), at
    # the second: a first lifespan may be a server's, which says it itself (below).
    import alexaskill.app

    _on_lambda(monkeypatch)
    logging.getLogger().addHandler(caplog.handler)
    monkeypatch.setattr(alexaskill.app, "check_store", _failing_with_a_cause)
    skill = _counting_skill(ClosedCounting())
    function = _MangumFunction(skill)
    try:
        for invocation in range(3):
            with pytest.raises(StartupFailed):
                function.invoke("Count")
            if not invocation:
                assert "could not start" not in caplog.text
    finally:
        function.close()
    said = [r for r in caplog.records if "could not start" in r.getMessage()]
    assert [(r.levelname, r.exc_info) for r in said] == [("ERROR", None)]
    line = said[0].getMessage()
    assert line.startswith(
        f"{skill.log_name} could not start (ConfigurationError: no store can be made here): "
        "every invocation of this instance of the function fails with that error, no handler run"
    )


def test_on_lambda_a_servers_failed_start_is_said_by_the_server_alone(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """uvicorn behind the Lambda Web Adapter runs one lifespan: it says the start's failure (its
    message, then "Application startup failed. Exiting.") and exits. The line for a failure kept
    for the instance said it a second time, and wrongly: no invocation of that instance fails
    with it (the process is gone; Lambda starts the function again)."""
    from uvicorn.config import Config
    from uvicorn.lifespan.on import LifespanOn

    import alexaskill.app

    _on_lambda(monkeypatch)
    root, server_log = logging.getLogger(), logging.getLogger("uvicorn.error")
    monkeypatch.setattr(root, "handlers", [*root.handlers, caplog.handler])
    monkeypatch.setattr(server_log, "handlers", [caplog.handler])
    monkeypatch.setattr(server_log, "propagate", False)
    # (an earlier test's server in this process may have left uvicorn's logger at CRITICAL)
    caplog.set_level(logging.INFO, logger="uvicorn.error")
    monkeypatch.setattr(alexaskill.app, "check_store", _failing_with_a_cause)
    config = Config(app=_counting_skill(ClosedCounting()), lifespan="on", log_config=None)
    config.load()
    lifespan = LifespanOn(config)
    asyncio.run(lifespan.startup())
    assert lifespan.should_exit
    said = [r.getMessage() for r in caplog.records if "can be made" in r.getMessage()]
    assert said == ["no store can be made here"]  # (uvicorn's)


def test_behind_mangum_a_start_failed_otherwise_is_tried_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # As the handler: alexaskill's own bug, or a failure that may pass.
    import alexaskill.app
    from alexaskill.store.start_check import check_store

    _on_lambda(monkeypatch)
    checked: list[object] = []

    def failing_once(skill: Any) -> None:
        checked.append(skill)
        if len(checked) == 1:
            raise RuntimeError("a store's server did not answer")
        check_store(skill)

    monkeypatch.setattr(alexaskill.app, "check_store", failing_once)
    function = _MangumFunction(_counting_skill(ClosedCounting()))
    try:
        with pytest.raises(StartupFailed, match="a store's server did not answer"):
            function.invoke("Count")
        assert speech(function.invoke("Count")) == "Visit number 1."
    finally:
        function.close()
    assert len(checked) == 2


def test_off_lambda_each_lifespan_starts_a_skill_whose_start_failed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A test client's, a server's again in one process: the configuration may have been mended.
    import alexaskill.app

    checked: list[object] = []

    def failing(skill: object) -> None:
        checked.append(skill)
        raise ConfigurationError("no store can be made here")

    monkeypatch.setattr(alexaskill.app, "check_store", failing)
    function = _MangumFunction(_counting_skill(ClosedCounting()))
    try:
        for _ in range(2):
            with pytest.raises(StartupFailed, match=r"^no store can be made here$"):
                function.invoke("Count")
    finally:
        function.close()
    assert len(checked) == 2
