"""``alexaskill chat --url``'s transport to a skill answered in the test, without a server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .conftest import SKILL_ID

if TYPE_CHECKING:
    import httpx

    from alexaskill.cli.chat_http import HttpTransport


def mock_http_transport(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    skill: Callable[[httpx.Request], httpx.Response],
) -> HttpTransport:
    """A chat --url transport whose requests (signed, with the process's development PKI kept
    under ``tmp_path``: `with_dev_pki`) ``skill`` answers; close it after."""
    import httpx

    from alexaskill.cli.chat_http import HttpTransport
    from alexaskill.cli.dev import DEV_PKI_ENV
    from alexaskill.testing import FakeAlexaApi

    from .dev_pki_shared import with_dev_pki

    monkeypatch.setenv(DEV_PKI_ENV, str(with_dev_pki(tmp_path / "dev-pki")))
    transport = HttpTransport(
        "https://skill.example.com/", SKILL_ID, "en-US", "podcast:skill", FakeAlexaApi()
    )
    transport.http = httpx.Client(transport=httpx.MockTransport(skill))
    return transport
