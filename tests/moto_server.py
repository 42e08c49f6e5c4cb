"""moto's server (a DynamoDB API) as the tests start it, for tests/conftest.py's ``moto_endpoint``
fixture: the command (`start`), and the wait for its DynamoDB to answer (`await_dynamodb`), which
keeps to its deadline (tests/test_suite_moto.py)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

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
