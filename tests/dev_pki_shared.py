"""The development PKI of a test module (`dev_dir`: made once a module, as making it costs three
RSA keys, never the user's own) and the variable that points ``serve --dev``, ``chat --url``,
``replay --url`` and ``certify`` at it for each test (`_dev_env`, autouse). A module imports
those it takes, for pytest to see them (``from .dev_pki_shared import dev_dir as dev_dir``), or
has them from a shared module of its own that re-exports them; conftest's ``dev_dir`` is a test's
own, where the module gives none."""

from __future__ import annotations

from pathlib import Path

import pytest

from alexaskill.cli.dev import DEV_PKI_ENV


@pytest.fixture(scope="module")
def dev_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's development PKI directory, not made yet: the first command that signs makes
    it (each worker process reads it once, as dev_pki() keeps it)."""
    return tmp_path_factory.mktemp("dev-pki-home") / "dev-pki"


@pytest.fixture(autouse=True)
def _dev_env(dev_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
