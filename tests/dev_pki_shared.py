"""The development PKI of a test module (`dev_dir`: one a module, never the user's own) and the
variable that points ``serve --dev``, ``chat --url``, ``replay --url`` and ``certify`` at it for
each test (`_dev_env`, autouse). A module imports those it takes, for pytest to see them (``from
.dev_pki_shared import dev_dir as dev_dir``), or has them from a shared module of its own that
re-exports them; conftest's ``dev_dir`` is a test's own, where the module gives none.

Each such directory holds the process's development PKI already (`with_dev_pki`): making one
costs three RSA keys (~0.2 s of CPU), which each test's directory, and each ``serve --dev``
process reading it, made again. A test about making it takes conftest's ``empty_dev_dir``."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from alexaskill.cli.dev import DEV_CERT_URL, DEV_PKI_ENV
from alexaskill.testing import TestPKI
from alexaskill.testing.pki_files import write_private


@functools.cache
def _dev_pki_pem() -> bytes:
    """A development PKI as `TestPKI.save` writes it, made once a process: three fresh keys of
    its own, not those of `TestPKI.default()` (which the tests sign with as "not the dev PKI")."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    keys = tuple(rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(3))
    return TestPKI(keys=(keys[0], keys[1], keys[2]), cert_url=DEV_CERT_URL).to_pem()


def with_dev_pki(directory: Path) -> Path:
    """``directory`` (made 0700 if missing) holding the process's development PKI as a 0600
    file, as `TestPKI.save` writes it, unless one is there already: the commands that sign read
    it rather than make one."""
    write_private(directory / TestPKI.FILE_NAME, _dev_pki_pem(), replace=False)
    return directory


@pytest.fixture(scope="module")
def dev_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The module's development PKI directory, its PKI in it (`with_dev_pki`; each worker
    process reads it once, as dev_pki() keeps it)."""
    return with_dev_pki(tmp_path_factory.mktemp("dev-pki-home") / "dev-pki")


@pytest.fixture(autouse=True)
def _dev_env(dev_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
