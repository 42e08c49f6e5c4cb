"""pytest fixtures for testing alexaskill skills, loaded through the ``pytest11`` entry point.

    def test_launch(skill_client):
        client = skill_client(skill)
        assert client.launch().speech == "Welcome. Which city?"

Loading the plugin defines two fixtures and does nothing else: it runs for every pytest session
of anyone who has alexaskill installed, so it imports nothing beyond pytest until a fixture is
used. Disable it with ``-p no:alexaskill``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .app import Skill
    from .testing import SkillClientFactory, TestClient, TestPKI

__all__ = ["skill_client", "test_pki"]


@pytest.fixture
def test_pki() -> TestPKI:
    """The signing PKI `skill_client` uses: `TestPKI.default`, shared by the test process."""
    from .testing import TestPKI

    return TestPKI.default()


@pytest.fixture
def skill_client(test_pki: TestPKI, request: pytest.FixtureRequest) -> Iterator[SkillClientFactory]:
    """A factory: ``skill_client(skill, **options)`` is a started `TestClient` for ``skill``.

    Options are those of `TestClient` (``locale``, ``interfaces``, ``user_id``, ``skill_id``,
    ``store="memory://"`` to keep the skill's attributes off its own store, …; a handler's
    exception is raised from the call unless ``raise_handler_errors=False``);
    ``pki`` defaults to the `test_pki` fixture. Every client made is closed at teardown, newest
    first, which gives each skill back its own verifier and store; the factory, kept past its test,
    raises `RuntimeError`. Its type, for an annotated test:
    `alexaskill.testing.SkillClientFactory`.
    """
    from .testing import TestClient

    clients: list[TestClient] = []
    over = False

    def make(skill: Skill, **options: Any) -> TestClient:
        if over:
            # No teardown is left to close a client made now: its skill would go on trusting
            # the test PKI (and using the client's store) for the rest of the session.
            raise RuntimeError(
                f"this skill_client factory belongs to {request.node.nodeid}, which is over: "
                "skill_client is function-scoped, and closes its clients as its test ends. "
                "Ask for skill_client in each test (or in a function-scoped fixture)"
            )
        options.setdefault("pki", test_pki)
        client = TestClient(skill, **options)
        try:
            client.__enter__()
        except BaseException:
            client.close()
            raise
        clients.append(client)
        return client

    yield make
    over = True
    # Every client is closed, even after one failed at its close (a late progressive
    # response): each gives its skill back its own verifier and store. The first failure is
    # the test's error, noting the others.
    failures: list[Exception] = []
    while clients:
        try:
            clients.pop().__exit__(None, None, None)
        except Exception as exc:
            failures.append(exc)
    if failures:
        first, *others = failures
        if others:
            told = "; ".join(f"{type(each).__name__}: {each}" for each in others)
            which = "client failed at its" if len(others) == 1 else "clients failed at their"
            first.add_note(f"{len(others)} more {which} close: {told}")
        raise first
