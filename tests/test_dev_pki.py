"""How often the development PKI's private keys are read from disk (each read checks an RSA key).

The keys are counted, never timed: `key_loads` records every call of cryptography's
``load_pem_private_key`` (and whether it skipped the key's check: never, here).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from alexaskill import Skill, speak
from alexaskill.cli import DEV_CERT_URL, DEV_PKI_ENV, UsageError, dev_pki, main, trust_dev_pki
from alexaskill.testing import TestPKI

from .conftest import NEAR_DEFAULT_SKILL_ID


@pytest.fixture
def key_loads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each private key read from PEM from now on: whether its check was skipped."""
    loads: list[bool] = []
    real = serialization.load_pem_private_key

    def counting(data: bytes, password: bytes | None, *args: Any, **kwargs: Any) -> Any:
        loads.append(bool(kwargs.get("unsafe_skip_rsa_key_validation", False)))
        return real(data, password, *args, **kwargs)

    monkeypatch.setattr(serialization, "load_pem_private_key", counting)
    return loads


def _skill() -> Skill:
    skill = Skill(NEAR_DEFAULT_SKILL_ID)
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    return skill


# --- a PKI read from its file ----------------------------------------------------------------


def test_loading_a_pki_checks_the_signing_key_only(tmp_path: Path, key_loads: list[bool]) -> None:
    # Only the leaf key signs requests; each of the three keys was checked (~50 ms each) at
    # every load. The CA keys are read, and checked, when first used (issuing certificates).
    made = TestPKI(key_set=1)
    made.save(tmp_path)
    loaded = TestPKI.load(tmp_path)
    assert key_loads == [False]
    assert loaded.signature(b"x") == made.signature(b"x")
    assert loaded.chain_pem == made.chain_pem
    assert loaded.intermediate_key.public_key() == made.intermediate_key.public_key()
    assert loaded.root_key.public_key() == made.root_key.public_key()
    assert key_loads == [False, False, False]
    loaded.root_key  # noqa: B018 (read once)
    assert len(key_loads) == 3


def test_a_ca_key_that_is_not_its_certificates_is_refused_when_used(tmp_path: Path) -> None:
    made = TestPKI(key_set=1)
    other = TestPKI(key_set=2)
    forged = TestPKI.__new__(TestPKI)
    forged.__dict__.update(made.__dict__)
    forged.root_key = other.root_key  # the root certificate stays made's
    path = forged.save(tmp_path)
    loaded = TestPKI.load(tmp_path)
    assert loaded.signature(b"x") == made.signature(b"x")
    with pytest.raises(ValueError, match=rf"{path}: .*does not match its key; delete the file"):
        loaded.root_key  # noqa: B018


def test_load_or_create_renews_with_the_ca_keys_of_the_file(tmp_path: Path) -> None:
    import datetime

    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    old = TestPKI(key_set=1, valid_at=long_ago, not_after=long_ago)
    old.save(tmp_path)
    renewed = TestPKI.load_or_create(tmp_path)
    assert renewed.root.public_key() == old.root.public_key()
    assert renewed.intermediate.public_key() == old.intermediate.public_key()
    assert renewed.not_after > datetime.datetime.now(datetime.UTC)


# --- the development PKI: read once per process ------------------------------------------------


def test_the_development_pki_is_read_once_per_process(dev_dir: Path, key_loads: list[bool]) -> None:
    # Made by another process (`serve --dev`): each dev_pki() read it again, with its three
    # keys; trust_dev_pki then with_simulator without pki= read it twice.
    from alexaskill.simulator import with_simulator

    TestPKI(key_set=1, cert_url=DEV_CERT_URL).save(dev_dir)
    first = dev_pki()
    assert dev_pki() is first
    skill = _skill()
    assert trust_dev_pki(skill) is first
    served = with_simulator(skill)
    assert served.simulator.pki is first
    assert key_loads == [False]


def test_a_development_pki_made_here_is_not_read_back(
    empty_dev_dir: Path, key_loads: list[bool]
) -> None:
    made = dev_pki()
    assert (empty_dev_dir / TestPKI.FILE_NAME).exists()
    assert dev_pki() is made
    assert key_loads == []


def test_a_changed_development_pki_file_is_read_again(dev_dir: Path) -> None:
    before = dev_pki()
    replaced = TestPKI(key_set=2, cert_url=DEV_CERT_URL)
    replaced.save(dev_dir)  # (a new file: another inode)
    assert dev_pki().leaf == replaced.leaf
    # Written over in place, its times put back: the change time still tells.
    path = dev_dir / TestPKI.FILE_NAME
    kept = path.stat()
    data = TestPKI(key_set=3, cert_url=DEV_CERT_URL).to_pem()
    with path.open("r+b") as file:
        file.write(data)
        file.truncate()
    os.utime(path, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    now = dev_pki()
    assert now.leaf != replaced.leaf
    assert now.signature(b"x") == TestPKI(key_set=3).signature(b"x")
    assert before.leaf != now.leaf


def test_the_development_pki_of_another_directory_is_its_own(
    dev_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = dev_pki()
    monkeypatch.setenv(DEV_PKI_ENV, str(tmp_path / "other"))
    other = dev_pki()
    assert other.leaf_key.public_key() != first.leaf_key.public_key()
    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
    assert dev_pki().leaf_key.public_key() == first.leaf_key.public_key()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners and modes are POSIX's")
def test_a_development_pki_made_readable_is_refused_though_read_before(dev_dir: Path) -> None:
    dev_pki()
    (dev_dir / TestPKI.FILE_NAME).chmod(0o644)
    with pytest.raises(UsageError, match="readable or writable by group or others"):
        dev_pki()
    (dev_dir / TestPKI.FILE_NAME).chmod(0o600)
    dev_dir.chmod(0o777)  # (the file's own times do not change)
    with pytest.raises(UsageError, match="writable by group or others"):
        dev_pki()


def _no_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """A process with no home to find: HOME unset, no entry of the user's in the password
    database (a container run as an unnamed uid), no directory named by the environment."""
    import pwd

    def unknown(uid: int) -> Any:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    for name in (DEV_PKI_ENV, "XDG_DATA_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", unknown)


@pytest.mark.parametrize("configured", [None, "~/dev-pki"], ids=["default", "under ~"])
def test_no_home_for_the_development_pki_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, configured: str | None
) -> None:
    # Path.home() raised RuntimeError, which dev_pki let out: a traceback from serve --dev,
    # replay --url, chat --url and certify --dev.
    _no_home(monkeypatch)
    if configured is not None:
        monkeypatch.setenv(DEV_PKI_ENV, configured)
    with pytest.raises(UsageError) as raised:
        dev_pki()
    said = str(raised.value)
    assert said.startswith("development PKI: no home directory to keep it in"), said
    assert DEV_PKI_ENV in said


def test_replay_url_with_no_home_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _no_home(monkeypatch)
    launch = Path(__file__).parent.parent / "examples/weather/requests/launch.json"
    assert main(["replay", "--url", "http://127.0.0.1:9/", str(launch)]) == 2
    err = capsys.readouterr().err
    assert "development PKI: no home directory" in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1, err
