"""moto's server (a DynamoDB API) as the tests start it: the command (`start`), the wait for its
DynamoDB to answer (`await_dynamodb`), which keeps to its deadline (tests/test_suite_moto.py),
and the fixtures of the tests that take it (``moto_endpoint``, ``dynamodb_endpoint``, ``aws_env``),
which tests/conftest.py imports, which makes them every test module's; and
``botocore_data_once``, which a DynamoDB test module imports for its own tests."""

from __future__ import annotations

import functools
import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.missing import unavailable
from tests.processes import free_port, stop

#: DynamoDB's ListTables, for moto's server to answer once it is up. Signed in form only (moto
#: checks no signature): the credential scope is what routes it to moto's DynamoDB. A GET / went
#: to its S3 instead, which it made for that alone (a tenth of the server's CPU until the first
#: test's call was answered: 0.69 to 0.74 s with it, 0.60 to 0.67 s without, 5 December 2026).
_LIST_TABLES = (
    b"POST / HTTP/1.0\r\nHost: 127.0.0.1\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n"
    b"Content-Type: application/x-amz-json-1.0\r\nAuthorization: AWS4-HMAC-SHA256 "
    b"Credential=testing/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, "
    b"Signature=0\r\nContent-Length: 2\r\n\r\n{}"
)


def answers_dynamodb(port: int, timeout: float) -> bool:
    """Whether moto's DynamoDB answers on ``port`` within ``timeout`` seconds (its backend made:
    the first test's call does not wait for it)."""
    ends = time.monotonic() + timeout
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=min(0.5, timeout)) as sock:
            sock.sendall(_LIST_TABLES)
            answer = b""
            while True:
                # (the backend is made at the first request: seconds on a loaded machine)
                sock.settimeout(max(ends - time.monotonic(), 0.001))
                if not (chunk := sock.recv(4096)):
                    break
                answer += chunk
    except OSError:
        return False
    return answer.startswith((b"HTTP/1.0 200 ", b"HTTP/1.1 200 ")) and b'"TableNames"' in answer


#: How long moto's server may take to answer its first ListTables: generous, for the most
#: loaded machine (a server that exited is said at once, not at the deadline).
START_SECONDS = 180.0


def await_dynamodb(process: subprocess.Popen[bytes], port: int, seconds: float) -> None:
    """Wait until moto's DynamoDB answers on ``port``; a test failure once ``process`` has
    exited, or past ``seconds``: each probe waits for an answer no longer than is left."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        if answers_dynamodb(port, left):
            return
        if process.poll() is not None:
            pytest.fail(f"moto's server exited with status {process.returncode}")
        time.sleep(0.05)
    pytest.fail(f"moto's server did not answer a ListTables within {seconds:g} s")


# moto's own `moto_server` command (moto.server.main), with Werkzeug serving one request at a
# time. moto checks a DynamoDB write's condition and then applies it without a lock, so on its
# default threaded server two simultaneous conditional writes can both pass (40 simultaneous
# increments of a new item counted 32 to 38); DynamoDB applies the writes to one item one after
# the other, which is what the store's concurrency tests rely on.
_SERVER = """
import sys
import moto.server
serve = moto.server.run_simple
moto.server.run_simple = lambda *args, **options: serve(*args, **{**options, "threaded": False})
moto.server.main(["-H", "127.0.0.1", "-p", sys.argv[1]])
"""


def start(port: int) -> subprocess.Popen[bytes]:
    """moto's server, started on 127.0.0.1:``port`` (its output dropped); `await_dynamodb` then
    waits for it, and the caller stops it (tests.processes.stop)."""
    return subprocess.Popen(
        [sys.executable, "-c", _SERVER, str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _server_installed() -> bool:
    """Whether moto's server (``moto.server``) and Flask, which serves it, are installed: found,
    not imported, in this process, which only talks to the server. The import of moto.server
    was all of moto's core, 0.6 s of CPU in each process that started the server (7 December
    2026). (A moto installed but broken is said when its server exits, with its status.)"""
    moto = importlib.util.find_spec("moto")  # (a top-level name: nothing imported)
    if moto is None or importlib.util.find_spec("flask") is None:
        return False
    folders = moto.submodule_search_locations or []
    return any(Path(folder, "server.py").is_file() for folder in folders)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """``http://127.0.0.1:<port>`` of moto's server (a DynamoDB API), started for this session.

    Under xdist each worker's session starts its own (up to one a worker): one shared by the
    workers would serve all their calls on its one thread, the tests' short deadlines with them.
    Its start is mostly moto's own imports (botocore, boto3, responses, Flask: 0.5 to 0.9 s of
    CPU on a quiet machine), which any of its backends needs.

    moto comes with the test extra (``moto[server]``). Without it the tests that need it are
    skipped, except under CI, where they fail.
    """
    if not _server_installed():
        unavailable("moto's server is not installed: pip install -e '.[test]' (moto[server])")
    port = free_port()
    process = start(port)
    try:
        await_dynamodb(process, port, START_SECONDS)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Made-up AWS credentials and region, and none of the machine's AWS configuration."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    # Never ask an instance-metadata service (or any file of this machine) for credentials.
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))


@pytest.fixture(scope="module")
def botocore_data_once() -> Iterator[None]:
    """What each botocore session works out anew, worked out once for the module's tests: each
    DynamoDBStore makes a session of its own (one a process, in a skill), which parsed botocore's
    data files again (a service's model, its endpoint rules, the partitions: ~0.1 s of CPU a
    store, a quarter of the CPU of the DynamoDB tests of tests/test_store_agreement.py), read the
    signature of each of its ~200 built-in handlers and aliased their events' names (~14 ms
    more a session and client, 7 December 2026). Every session made while the module runs takes
    one loader for each data path (``AWS_DATA_PATH``), which caches what it read; whether a
    handler takes keyword arguments, and an event's name aliased by botocore's own aliases, are
    remembered: what the files hold and what botocore's own functions are is not the tests'.
    For a module's tests (``pytestmark = pytest.mark.usefixtures("botocore_data_once")``, the
    fixture imported there); put back after them."""
    try:
        import botocore.hooks
        import botocore.session
    except ImportError:  # (the tests that need it say so, each)
        yield
        return
    accepts = botocore.hooks.accepts_kwargs
    accepts_once = functools.cache(accepts)

    def accepts_kwargs(func: Any) -> Any:
        try:
            return accepts_once(func)
        except TypeError:  # (a callable that cannot be hashed: asked each time)
            return accepts(func)

    aliased: dict[str, str] = {}
    made = botocore.hooks.EventAliaser.__init__

    def aliaser(self: Any, event_emitter: Any, event_aliases: Any = None) -> None:
        made(self, event_emitter, event_aliases)
        if event_aliases is None:  # botocore's own aliases: the same names for every session
            self._alias_name_cache = aliased

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            botocore.session, "create_loader", functools.cache(botocore.session.create_loader)
        )
        patch.setattr(botocore.hooks, "accepts_kwargs", accepts_kwargs)
        patch.setattr(botocore.hooks.EventAliaser, "__init__", aliaser)
        yield


@pytest.fixture
def dynamodb_endpoint(moto_endpoint: str, aws_env: None) -> str:
    """moto's endpoint, with made-up credentials in the environment for botocore to sign with."""
    return moto_endpoint
