"""The Dockerfile's container as its USER runs it: no Docker engine exists on these machines.

`tests/test_dockerfile.py` runs the ENTRYPOINT, CMD and HEALTHCHECK as the test's own user, in
the test's environment. Here they run as the image does: as its numeric USER (the test
process, as root, drops to it), with the environment Docker gives (the image's ENV, ``PATH``,
``HOME`` and the ``-e`` variables, nothing of the test's), in a working directory it cannot
write to (the image's ``/app`` is root's), with only a data directory of its own to write in
(the image's ``/data`` VOLUME, which its RUN gives to that user).
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SKILL_ID, Servers
from tests.dockerfile_shared import (
    BIN,
    ROOT,
    container_command,
    healthcheck_command,
    image_env,
    instructions,
    stop_signal,
)
from tests.processes import free_port

pytestmark = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="running as the image's USER takes root here (to drop to it)",
)


def image_user() -> tuple[int, int]:
    """The uid and gid of the Dockerfile's last USER (numeric: a cluster checks it is not 0)."""
    user = instructions("USER")[-1]
    assert re.fullmatch(r"\d+:\d+", user), user
    uid, gid = user.split(":")
    return int(uid), int(gid)


#: prctl(2)'s options and capset(2)'s version, from <linux/prctl.h> and <linux/capability.h>.
_PR_SET_KEEPCAPS, _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE = 8, 47, 2
_CAPABILITY_VERSION_3, _CAP_DAC_READ_SEARCH = 0x20080522, 2


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [(name, ctypes.c_uint32) for name in ("effective", "permitted", "inheritable")]


def as_user(uid: int, gid: int) -> Callable[[], None]:
    """A ``preexec_fn`` that makes the child process ``uid``:``gid``, with no other group.

    It keeps one capability, CAP_DAC_READ_SEARCH (ambient: through exec): reading any file,
    searching any directory. The interpreter running the tests may live where that user cannot
    reach it (pyenv's, under root's home, 0700), as the image's does not; every write is still
    checked as the user's."""

    def drop() -> None:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_KEEPCAPS)")
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        bit = 1 << _CAP_DAC_READ_SEARCH
        data = (_CapData * 2)(_CapData(bit, bit, bit), _CapData(0, 0, 0))
        if libc.capset(ctypes.byref(_CapHeader(_CAPABILITY_VERSION_3, 0)), data) != 0:
            raise OSError(ctypes.get_errno(), "capset")
        if libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_RAISE, _CAP_DAC_READ_SEARCH, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAP_AMBIENT_RAISE)")

    return drop


@pytest.fixture
def drop() -> Callable[[], None]:
    """`as_user` for the image's USER; the test skipped where the system refuses it."""
    drop = as_user(*image_user())
    try:
        subprocess.run([sys.executable, "-c", ""], preexec_fn=drop, check=True, timeout=30)
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"cannot run as the image's user here: {exc}")
    return drop


@pytest.fixture
def volume() -> Iterator[Path]:
    """A directory of the image's user's, as its RUN makes ``/data`` (with ``$HOME`` beside it),
    where that user can reach it (pytest's ``tmp_path`` is root's alone)."""
    uid, gid = image_user()
    scratch = Path(tempfile.mkdtemp(prefix="alexaskill-image-"))
    os.chmod(scratch, 0o755)
    for name in ("data", "home"):
        (scratch / name).mkdir()
        os.chown(scratch / name, uid, gid)
    try:
        yield scratch
    finally:
        shutil.rmtree(scratch)


def docker_env(volume: Path) -> dict[str, str]:
    """The environment Docker gives the container's processes: its ``PATH`` (uvicorn's and the
    interpreter's directory first, as the image's ``/usr/local/bin``), ``HOSTNAME``, ``HOME``
    (the user's, made by useradd), the image's ENV and ``-e ALEXASKILL_SKILL_ID``; the store
    in the volume, as the image's ``sqlite:////data/alexaskill.db``."""
    env = {
        "PATH": f"{BIN}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
        "HOSTNAME": "container",
        "HOME": str(volume / "home"),
        **image_env(),
        "ALEXASKILL_SKILL_ID": SKILL_ID,
        "PYTHONPATH": str(ROOT),  # (the installed package, in the image)
    }
    assert env["ALEXASKILL_STORE"] == "sqlite:////data/alexaskill.db"
    env["ALEXASKILL_STORE"] = f"sqlite:///{volume}/data/alexaskill.db"
    return env


def test_the_container_serves_as_its_user_writing_only_to_its_volume(
    servers: Servers, volume: Path, drop: Callable[[], None]
) -> None:
    # As root here, the server wrote where it liked; as the image's user, a write anywhere but
    # /data (bytecode beside the code, a cache, a key made on first use) fails in the container.
    uid, gid = image_user()
    assert uid != 0 and gid != 0
    here = os.stat(ROOT)  # the working directory, as /app: not the user's to write in
    assert here.st_uid != uid and not here.st_mode & 0o002
    env = docker_env(volume)
    port = free_port()
    process = servers.start(
        container_command(port), port, cwd=ROOT, env=env, preexec_fn=drop, timeout=30
    )
    # ENTRYPOINT's `exec "$@"`: the server is the container's process, not a shell above it.
    status = Path(f"/proc/{process.pid}/status").read_text(encoding="utf-8")
    assert re.search(rf"^Uid:\s+{uid}\s+{uid}\s+{uid}\s+{uid}$", status, re.M), status
    assert "uvicorn" in Path(f"/proc/{process.pid}/cmdline").read_text(encoding="utf-8")
    # HEALTHCHECK, as Docker runs it: in the container, as its user, in its environment.
    checked = subprocess.run(
        healthcheck_command(port),
        env=env,
        cwd=ROOT,
        preexec_fn=drop,
        capture_output=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    process.send_signal(stop_signal())
    process.wait(timeout=20)
    output = servers.output[process].read_text(errors="replace", encoding="utf-8")
    assert process.returncode == 0, output
    assert "Application shutdown complete." in output, output
    assert "Traceback" not in output and "ERROR" not in output, output
    written = [path for path in volume.rglob("*") if path.stat().st_uid == uid]
    outside = [path for path in written if not path.is_relative_to(volume / "data")]
    assert outside == [volume / "home"], outside  # (made by the fixture, as by useradd)
