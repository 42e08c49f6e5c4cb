"""A failed test that started a server shows what the server said (tests/server_logs.py): a CI
failure is diagnosed from pytest's output alone, the tmp_path holding the log being gone."""

from __future__ import annotations

import pytest

from tests import server_logs

pytest_plugins = ["pytester"]

#: An inner test module: a server (Python's http.server, whose log line is each request, speaking
#: HTTP/1.1 as `Servers.start` expects) started by conftest's `Servers`, as the suite's tests start
#: theirs; asked for a path that only its log can show; then the test fails, or passes.
INNER = """
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import Servers


@pytest.fixture
def servers(tmp_path):
    made = Servers(tmp_path)
    try:
        yield made
    finally:
        made.stop_all()


def serve(servers, tmp_path, name):
    # http.server answers GET /health with this file
    (tmp_path / "health").write_text("ok", encoding="utf-8")
    port = servers.free_port()
    code = (
        "import http.server as h; h.SimpleHTTPRequestHandler.protocol_version = 'HTTP/1.1'; "
        f"h.ThreadingHTTPServer(('127.0.0.1', {port}), h.SimpleHTTPRequestHandler).serve_forever()"
    )
    command = [sys.executable, "-c", code]
    servers.start(command, port, cwd=tmp_path)
    # A 404, said in the server's log (the path is not in the source, which a traceback shows).
    httpx.get(f"http://127.0.0.1:{port}/said-by-the-{name}-test-server")


def test_fails(servers, tmp_path):
    serve(servers, tmp_path, "failing")
    assert 1 + 1 == 3


def test_passes(servers, tmp_path):
    serve(servers, tmp_path, "passing")


def test_fails_without_a_server():
    serve  # (a server of an earlier test is not this one's)
    assert 1 + 1 == 5
"""


def test_a_failed_test_shows_its_servers_log(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_inprocess(plugins=[server_logs])
    result.assert_outcomes(passed=1, failed=2)
    out = result.stdout.str()
    # The failing test's section holds its server's line; the passing test shows none (no
    # report of it is printed), and the test without a server shows no earlier test's log.
    assert "said-by-the-failing-test-server" in out, out
    assert "said-by-the-passing-test-server" not in out, out
    [section] = [line for line in result.stdout.lines if "server log" in line]
    assert "import http.server" in section, section
    failures = out[out.index("test_fails_without_a_server") :]
    assert "server log" not in failures.split("short test summary")[0], out


def test_a_long_log_is_shown_by_its_ends() -> None:
    text = "first line\n" + "x" * 100_000 + "\nlast line\n"
    said = server_logs.shown(text, where="server.log")
    assert said.startswith("first line") and said.endswith("last line\n"), said[:80]
    assert len(said) < 30_000
    assert "characters not shown (the whole log: server.log)" in said
    assert server_logs.shown("short\n", where="server.log") == "short\n"
