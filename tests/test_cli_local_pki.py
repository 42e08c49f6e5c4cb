"""The keys ``replay`` and ``chat`` of a local APP sign with: the development PKI's, read from its
directory (tests/dev_pki_shared.py's, made once a process), not three RSA keys made at each
start; fresh ones again, silently, where that directory is unusable."""

from __future__ import annotations

import io
import re
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from alexaskill.cli import DEV_PKI_ENV, main
from alexaskill.cli.dev import local_pki
from alexaskill.testing import TestPKI
from alexaskill.testing import pki as pki_module
from alexaskill.testing.pki import DEFAULT_CERT_URL

from .cli_run import run
from .cli_shared import ROOT, WEATHER

# The module's development PKI and the variable pointing at it, imported for pytest to see.
from .dev_pki_shared import _dev_env as _dev_env
from .dev_pki_shared import dev_dir as dev_dir
from .dev_pki_shared import with_dev_pki

pytestmark = pytest.mark.oldest_dependencies

LAUNCH = str(ROOT / "examples/weather/requests/launch.json")


def _no_key_made(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process as a command starts it, no test key made yet (`TestPKI.default`'s pool
    empty), and making one an error."""

    def refused(*args: object, **kwargs: object) -> rsa.RSAPrivateKey:
        raise AssertionError("an RSA key was made")

    monkeypatch.setattr(TestPKI, "_default", None)
    monkeypatch.setattr(pki_module, "_rsa_key", refused)
    monkeypatch.setattr(rsa, "generate_private_key", refused)


def _chat(monkeypatch: pytest.MonkeyPatch, *argv: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO("/launch\nparis\n"))
    out, err = io.StringIO(), io.StringIO()
    code = main(["chat", WEATHER, *argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _at(days: int) -> list[str]:
    """``--now`` ``days`` from today."""
    return ["--now", (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%MZ")]


# A year back and ten years ahead are outside the certificates a PKI made today would carry.
CLOCKS = [[], _at(-365), _at(3650)]


@pytest.mark.parametrize("now", CLOCKS)
def test_replay_signs_with_the_development_pkis_keys(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch, now: list[str]
) -> None:
    kept = (dev_dir / TestPKI.FILE_NAME).read_bytes()
    _no_key_made(monkeypatch)
    code, out, err = run("replay", WEATHER, LAUNCH, *now)
    assert (code, err) == (0, "")  # (no --dev warning: the client trusts its own PKI)
    assert "  speech:     Welcome to Weather.\n" in out
    assert (dev_dir / TestPKI.FILE_NAME).read_bytes() == kept  # read, not written


@pytest.mark.parametrize("now", CLOCKS)
def test_chat_signs_with_the_development_pkis_keys(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch, now: list[str]
) -> None:
    _no_key_made(monkeypatch)
    code, out, err = _chat(monkeypatch, *now)
    assert (code, err) == (0, "")
    assert "  skill:      Welcome to Weather.\n" in out
    assert "  card:       [Weather] paris, " in out


def test_the_local_client_certifies_the_kept_keys_under_its_own_url(dev_dir: Path) -> None:
    # The development PKI's own certificate URL is the one a --dev server serves from disk: the
    # in-process client, which trusts its own PKI, keeps the URL TestPKI.default() gives.
    kept = TestPKI.load(dev_dir)
    given = local_pki(None)
    assert given is not None
    assert given.cert_url == DEFAULT_CERT_URL
    assert given.leaf_key.public_key() == kept.leaf.public_key()
    assert given.root.public_key() == kept.root.public_key()
    assert given.root != kept.root  # certified anew, at the client's clock


def _pem_blocks(data: bytes) -> list[bytes]:
    return [
        match[0]
        for match in re.finditer(rb"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", data, re.S)
    ]


def _unusable(tmp_path: Path, damage: str) -> Path:
    """A development PKI directory that cannot serve, as ``damage`` says."""
    directory = tmp_path / "dev-pki"
    if damage == "a file where the directory goes":
        directory.write_text("not a directory\n", encoding="utf-8")
        return directory
    path = with_dev_pki(directory) / TestPKI.FILE_NAME
    if damage == "a file that is no PKI":
        path.write_bytes(b"not a PKI\n")
    else:  # "a CA key not its certificate's": found only as the CA keys are read
        kept = path.read_bytes()
        blocks = _pem_blocks(kept)
        path.write_bytes(kept.replace(blocks[0], blocks[1]))
    return directory


@pytest.mark.parametrize(
    "damage",
    [
        "a file where the directory goes",
        "a file that is no PKI",
        "a CA key not its certificate's",
    ],
)
def test_an_unusable_development_pki_leaves_fresh_keys_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    monkeypatch.setenv(DEV_PKI_ENV, str(_unusable(tmp_path, damage)))
    assert local_pki(None) is None
    code, out, err = run("replay", WEATHER, LAUNCH)
    assert (code, err) == (0, "")
    assert "  speech:     Welcome to Weather.\n" in out
    code, out, err = _chat(monkeypatch)
    assert (code, err) == (0, "")
    assert "  skill:      Welcome to Weather.\n" in out


def test_a_development_pki_not_made_yet_is_not_made(
    empty_dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An offline command writes no keys into the user's data directory: the client's own.
    assert local_pki(None) is None
    assert run("replay", WEATHER, LAUNCH)[0] == 0
    assert _chat(monkeypatch)[0] == 0
    assert not empty_dev_dir.exists()


@pytest.mark.parametrize("moment", ["1900-01-01T00:00Z", "9998-06-01T00:00Z"])
def test_a_now_no_certificate_can_cover_is_said_in_one_line(
    monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    # It escaped replay and chat as a traceback (ValueError: TestClient(now=...): ...).
    said = f"--now: {datetime.fromisoformat(moment).isoformat()} is no moment a test PKI can"
    code, out, err = run("replay", WEATHER, LAUNCH, "--now", moment)
    assert (code, out) == (2, "")
    assert said in err and "Traceback" not in err
    code, out, err = _chat(monkeypatch, "--now", moment)
    assert code == 2
    assert said in err and "Traceback" not in err
