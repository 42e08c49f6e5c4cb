"""A skill's stores closed at shutdown: its own, its attribute services', a mounted skill's by
`Skill.aclose`; a store failing to close, or whose method returns nothing to await, named.
(Which store a skill serves with, and what it takes for one: test_store_skill.py.)"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.exceptions import ConfigurationError, StoreError
from alexaskill.responses import Response
from alexaskill.store import (
    Attributes,
    DeviceAttributes,
    MemoryStore,
    PersonAttributes,
    SQLiteStore,
    Store,
    attributes_service,
)

from .conftest import SKILL_ID
from .store_shared import ClosedCounting


def test_stores_of_attribute_services_are_closed_at_shutdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # add_service(…, *attributes_service(url or factory)) opens a store of its own: the lifespan
    # closed skill.store only, and a Redis's or DynamoDB's connections were left to the GC.
    from alexaskill.testing import TestClient

    closed: list[str] = []

    async def aclose(self: SQLiteStore) -> None:
        closed.append(str(self.path))

    monkeypatch.setattr(SQLiteStore, "aclose", aclose)
    own, given, made = ClosedCounting(), ClosedCounting(), ClosedCounting()

    def never() -> Store:
        raise AssertionError("a factory no request called is not called to close its store")

    skill = Skill(SKILL_ID, store=own)
    skill.add_service(Attributes, *attributes_service(f"sqlite:///{tmp_path}/url.db"))
    skill.add_service(PersonAttributes, *attributes_service(lambda: made, per_person=True))
    skill.add_service(DeviceAttributes, *attributes_service(given, per_device=True))
    skill.add_service(ClosedCounting, *attributes_service(never))  # (no handler asks)

    @skill.launch
    def launch(one: Attributes, two: PersonAttributes, three: DeviceAttributes) -> Response:
        one["a"] = two["b"] = three["c"] = 1
        return speak("Hi.")

    with TestClient(skill) as client:
        assert client.launch().speech == "Hi."
        assert closed == [] and (own.closed, made.closed, given.closed) == (0, 0, 0)
    assert closed == [str(tmp_path / "url.db")]
    assert (own.closed, made.closed, given.closed) == (1, 1, 1)


class _PlainDefUpdate(MemoryStore):
    def update(  # type: ignore[override]
        self, key: str, changes: Any, deleted: Any, increments: Any = None
    ) -> None:
        pass


class _PlainDefClose(MemoryStore):
    def aclose(self) -> None:  # type: ignore[override]
        pass


def test_a_store_method_returning_nothing_to_await_is_named_when_called(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store=_PlainDefUpdate())  # type: ignore[arg-type]

    @skill.launch
    def launch(attributes: Attributes) -> Response:
        attributes["seen"] = True
        return speak("Hi.")

    said = r"_PlainDefUpdate\.update returned None, which is not awaitable.*async def update"
    with TestClient(skill) as client, pytest.raises(ConfigurationError, match=said):
        client.launch()

    # At shutdown: logged, and the other stores closed still.
    skill = Skill(SKILL_ID, store=_PlainDefClose())  # type: ignore[arg-type]
    other = ClosedCounting()
    skill.add_service(DeviceAttributes, *attributes_service(other, per_device=True))
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="alexaskill"), TestClient(skill):
        pass
    assert other.closed == 1
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (
        record.getMessage()
        == f"closing the store _PlainDefClose of the skill at / ({SKILL_ID}) failed"
    )
    assert "_PlainDefClose.aclose returned None, which is not awaitable" in caplog.text


class _FailingClose(MemoryStore):
    async def aclose(self) -> None:
        raise StoreError("the store's server is gone")


def test_a_store_failing_to_close_leaves_the_others_closed_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The first failure ended the shutdown: the lifespan failed, and the attribute services'
    # stores were never closed.
    from alexaskill.testing import TestClient

    skill = Skill(SKILL_ID, store=_FailingClose())
    others = ClosedCounting(), ClosedCounting()
    skill.add_service(DeviceAttributes, *attributes_service(others[0], per_device=True))
    skill.add_service(PersonAttributes, *attributes_service(others[1], per_person=True))
    with caplog.at_level(logging.ERROR, logger="alexaskill"), TestClient(skill):
        pass
    assert [other.closed for other in others] == [1, 1]
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert (
        record.getMessage()
        == f"closing the store _FailingClose of the skill at / ({SKILL_ID}) failed"
    )
    assert "the store's server is gone" in caplog.text


def test_a_mounted_skill_s_stores_are_closed_by_skill_aclose_in_the_host_s_lifespan() -> None:
    # A host app runs no lifespan of its skills': the stores of a skill.mount(…) were never
    # closed. The host closes them in its own lifespan.
    import contextlib

    from starlette.applications import Starlette
    from starlette.testclient import TestClient as HostClient

    own, added = ClosedCounting(), ClosedCounting()
    skill = Skill(SKILL_ID, store=own)
    skill.add_service(DeviceAttributes, *attributes_service(added, per_device=True))

    @skill.launch
    def launch() -> Response:
        return speak("Hi.")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await skill.aclose()

    host = Starlette(routes=[skill.mount("/weather")], lifespan=lifespan)
    with HostClient(host) as client:
        assert client.get("/weather/health").json() == {"status": "ok"}
        assert (own.closed, added.closed) == (0, 0)
    assert (own.closed, added.closed) == (1, 1)


def test_a_mounted_skill_s_aclose_says_the_counts_its_warnings_had_yet_to_say(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Said at the end of a skill's own lifespan; a mounted skill's counts were lost at shutdown.
    import contextlib

    from starlette.applications import Starlette
    from starlette.testclient import TestClient as HostClient

    from alexaskill import log_repeats

    monkeypatch.setattr(log_repeats, "_call_later", lambda *args: None)  # no timer says them
    monkeypatch.setattr(log_repeats, "_monotonic", lambda: 1000.0)  # nor a window that ends
    skill = Skill(SKILL_ID, store="memory://")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await skill.aclose()

    host = Starlette(routes=[skill.mount("/weather")], lifespan=lifespan)
    with caplog.at_level(logging.WARNING, logger="alexaskill"), HostClient(host) as client:
        for _ in range(3):
            answer = client.post("/weather", json={})  # unsigned: refused
            assert answer.status_code == 400
    said = [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused request")]
    assert len(said) == 2 and "more" not in said[0]
    assert said[1] == "refused request: 2 more refused:certificate_url since the last such line"
