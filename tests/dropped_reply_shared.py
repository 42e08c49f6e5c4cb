"""What the tests of the WARNING for a reply built and not returned share
(tests/test_dropped_reply.py and test_dropped_reply_edited.py): those WARNINGs, as logged."""

from __future__ import annotations

import pytest


def _dropped(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The WARNINGs of a reply built and not returned (the start's of the skill's AudioPlayer
    use left out)."""
    return [r.getMessage() for r in caplog.records if "without returning" in r.getMessage()]
