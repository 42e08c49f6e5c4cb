"""The development PKI of a test module, made once and read from disk once.

`dev_pki()` reads the PKI's file for each `replay --url`, `chat --url` or `certify --dev`, and
reading it checks its three RSA private keys (about 50 ms each). Where a test's commands sign
requests that no server checks (a canned answer, a patched transport), that reading is not what
the test is about: `signing_once` has the commands sign with the PKI kept in the directory, read
the first time. The commands' own reading of it stays tested where a server checks the
signatures (tests/test_cli.py, the ``serve --dev`` tests).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from alexaskill.cli import DEV_CERT_URL, DEV_PKI_ENV
from alexaskill.testing import TestPKI


@functools.cache
def _kept_in(directory: Path) -> TestPKI:
    return TestPKI.load_or_create(directory, cert_url=DEV_CERT_URL)


def signing_once(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """Commands run in this process sign with the development PKI kept in ``directory`` (made
    there on first use, as `dev_pki()` makes it), read from disk once per process."""
    monkeypatch.setenv(DEV_PKI_ENV, str(directory))

    def dev_pki() -> TestPKI:
        return _kept_in(directory)

    # replay and certify import it by name; chat --url imports it when it connects.
    monkeypatch.setattr("alexaskill.cli.dev.dev_pki", dev_pki)
    monkeypatch.setattr("alexaskill.cli.replay.dev_pki", dev_pki)
    monkeypatch.setattr("alexaskill.cli.certify.dev_pki", dev_pki)
