"""Closing stores: the bound of `close_within`, a `TestClient` used without ``with``."""

from __future__ import annotations

import logging

import anyio
import pytest

from alexaskill.store import closing


def test_close_within_names_the_bound_it_was_given(caplog: pytest.LogCaptureFixture) -> None:
    # The warning said "took over 5 seconds" (CLOSE_TIMEOUT) whatever bound the caller gave.
    async def hangs() -> None:
        await anyio.sleep_forever()

    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert not anyio.run(closing.close_within, hangs, 0.25, "the stores of X")
    (said,) = [r.getMessage() for r in caplog.records if "not closed" in r.getMessage()]
    assert said == "the stores of X not closed at shutdown: closing took over 0.25 seconds"
