"""What the tests of `alexaskill replay --url`'s judging of answers (tests/test_replay_answers*.py)
share: the development PKI replay --url signs with, one a module (`dev_dir`), and the variable
that points replay at it for each test (`_signing`, autouse: a module imports both to have them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from alexaskill.cli import DEV_PKI_ENV


@pytest.fixture(scope="module")
def dev_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The development PKI replay --url signs with: one for the module (not the user's own)."""
    return tmp_path_factory.mktemp("replay-dev") / "dev-pki"


@pytest.fixture(autouse=True)
def _signing(dev_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # (made by the first replay --url; each worker process reads it once, as dev_pki() keeps it)
    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
