"""The ASGI app end to end: its shutdown (aclose, the lifespan's end) when a store or the
verifier fails or hangs there."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient
from starlette.types import Message

from alexaskill.verify import Verifier
from tests.app_shared import make_skill

from .conftest import SKILL_ID

pytestmark = pytest.mark.oldest_dependencies


def _store_said_closed() -> tuple[Any, list[str]]:
    """A memory store that says in the list given with it when it is closed."""
    from alexaskill.store.memory import MemoryStore

    closed: list[str] = []

    class Store(MemoryStore):
        async def aclose(self) -> None:
            closed.append("store")

    return Store(), closed


def test_aclose_closes_the_stores_when_the_verifier_fails_to_close() -> None:
    # Skill.aclose closed the verifier's HTTP client first: its failure raised out of aclose
    # and left the skill's store open (a Redis store's connections to the garbage collector).
    store, closed = _store_said_closed()

    class FailingVerifier(Verifier):
        async def aclose(self) -> None:
            raise RuntimeError("the client would not close")

    skill = make_skill(store=store, verifier=FailingVerifier())
    with pytest.raises(RuntimeError, match="would not close"):
        asyncio.run(skill.aclose())
    assert closed == ["store"]

    # What closes several skills (the Lambda handler at exit, `serve` for mounted skills) gets
    # the failure, named, instead: it says which skill and goes on to the others.
    closed.clear()
    failure = asyncio.run(skill.aclose_and_report())
    assert failure is not None and closed == ["store"]
    what, error = failure
    assert what.startswith("the verifier (") and "FailingVerifier" in what
    assert isinstance(error, RuntimeError) and "would not close" in str(error)
    assert skill.log_name == f"the skill at / ({SKILL_ID})"


def test_a_store_that_hangs_at_shutdown_does_not_hold_up_the_exit(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # uvicorn waits for the lifespan's shutdown without a bound (its graceful timeout bounds
    # the requests only): a store whose aclose never returned kept the server from exiting.
    from alexaskill.store import closing
    from alexaskill.store.memory import MemoryStore

    class Hanging(MemoryStore):
        async def aclose(self) -> None:
            await asyncio.Event().wait()

    monkeypatch.setattr(closing, "CLOSE_TIMEOUT", 0.2)
    skill = make_skill(store=Hanging(), path="/alexa")
    done = threading.Event()

    def serve_and_stop() -> None:
        with StarletteClient(skill):
            pass
        done.set()

    with caplog.at_level(logging.WARNING, "alexaskill"):
        threading.Thread(target=serve_and_stop, daemon=True).start()
        assert done.wait(30), "the shutdown waited for the store for good"
    said = [r.getMessage() for r in caplog.records if "not closed at shutdown" in r.getMessage()]
    assert said and "/alexa" in said[0]


def test_a_verifier_that_fails_to_close_does_not_fail_the_lifespan_shutdown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The verifier's aclose raising went out of the lifespan: the server's shutdown failed
    # ("Application shutdown failed", a traceback from Starlette), though the stores closed.
    # Said once at ERROR, naming the verifier, and the shutdown completes.
    store, closed = _store_said_closed()

    class FailingVerifier(Verifier):
        async def aclose(self) -> None:
            raise RuntimeError("the client would not close")

    skill = make_skill(store=store, verifier=FailingVerifier(), path="/alexa")
    sent: list[Message] = []

    async def lifespan() -> None:
        messages: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

        async def receive() -> Message:
            if not messages:
                await asyncio.Event().wait()  # (never: the shutdown is the last message)
            return messages.pop(0)

        async def send(message: Message) -> None:
            sent.append(message)

        await skill({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)

    with caplog.at_level(logging.WARNING):
        asyncio.run(lifespan())
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert closed == ["store"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].name == "alexaskill"
    message = errors[0].getMessage()
    assert "FailingVerifier" in message and "/alexa" in message, message
    assert errors[0].exc_info is not None  # its traceback, to see why


def test_a_verifier_whose_say_unsaid_fails_leaves_the_closing_going_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Its say_unsaid (the counts its warnings had yet to say) ran before the closing's try:
    # an override that raised failed aclose at once, the stores left open. Said at ERROR, naming
    # the verifier, and the closing goes on.
    store, closed = _store_said_closed()

    class FailingVerifier(Verifier):
        def say_unsaid(self) -> None:
            raise RuntimeError("no count said")

    skill = make_skill(store=store, verifier=FailingVerifier(), path="/alexa")
    with caplog.at_level(logging.WARNING):
        failure = asyncio.run(skill.aclose_and_report())
    assert closed == ["store"]
    said = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name == "alexaskill"]
    assert len(said) == 1 and said[0].exc_info is not None
    message = said[0].getMessage()
    assert "FailingVerifier" in message and "/alexa" in message, message
    # (Verifier.aclose says its counts too, for a verifier used alone: its failure is reported.)
    assert failure is not None and "no count said" in str(failure[1])
