"""alexaskill.healthcheck, the Docker image's HEALTHCHECK, on its own (tests/test_dockerfile.py
runs it against the image's CMD: through no proxy, over TLS, its one-line reasons)."""

from __future__ import annotations

import socket
import threading
from types import SimpleNamespace

import pytest

from alexaskill import healthcheck
from alexaskill.healthcheck import check, main


def test_a_server_that_never_answers_is_asked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # A plain request that times out is not asked again over HTTPS: Docker's own timeout (5 s)
    # would end the second try, and with it the reason. Each try waits 0.2 s here, in a check
    # of 10 s: the timeout alone must stop the second try. (With a check of 0.5 s and its tries
    # waiting all of it, no time was left for one: the test passed without the rule.)
    asked: list[str] = []
    status = healthcheck._status

    def short_try(url: str, timeout: float) -> int:
        asked.append(url)
        return status(url, 0.2)

    monkeypatch.setattr(healthcheck, "_status", short_try)
    before = set(threading.enumerate())
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        problem = check(f"http://127.0.0.1:{port}/health", timeout=10)
        assert problem is not None and "timed out" in problem, problem
        # The tries run in a thread that `check` stops waiting for after its timeout: on a busy
        # machine it may not have connected yet. Counted once every try is over.
        for thread in set(threading.enumerate()) - before:
            if thread.name == "healthcheck":
                thread.join(30)
                assert not thread.is_alive()
        listener.setblocking(False)
        connections = []
        try:
            while True:
                connections.append(listener.accept()[0])
        except BlockingIOError:
            pass
        for connection in connections:
            connection.close()
    assert asked == [f"http://127.0.0.1:{port}/health"]
    assert len(connections) == 1


def test_one_url_at_most(capsys: pytest.CaptureFixture[str]) -> None:
    # Status 1, unhealthy: Docker reserves 2 ("do not use this exit code").
    assert main(["http://127.0.0.1:1/health", "another"]) == 1
    assert capsys.readouterr().err == "usage: python -m alexaskill.healthcheck [URL]\n"


@pytest.mark.parametrize("url", ["data:,hello", "file:///etc/hostname", "ftp://127.0.0.1:1/x"])
def test_a_url_that_is_not_http_is_refused_in_one_line(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # urllib's opener also reads data:, file: and ftp: URLs: a data: or file: one "answered"
    # with no status, and int(None) escaped as a traceback instead of the one-line reason.
    assert main([url]) == 1
    assert capsys.readouterr().err == f"unhealthy: {url}: not an http:// or https:// URL\n"


def test_a_reason_urllib_gives_as_text_is_named_as_its_error() -> None:
    # URLError's reason is sometimes a str ("no host given"): the line named its type, "str".
    assert check("http:///health") == "http:///health: URLError: no host given"


class _Clock:
    """time.monotonic for `check`, moved on by the tries it makes."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("first_took", "second_timeout"), [(1.0, 3.0), (3.25, 0.75)])
def test_the_https_try_gets_only_the_time_the_plain_one_left(
    monkeypatch: pytest.MonkeyPatch, first_took: float, second_timeout: float
) -> None:
    # Each try had its own 4 s: a plain try the server was slow to reset, then the HTTPS one,
    # outlasted Docker's HEALTHCHECK timeout (5 s), which killed the check and its reason.
    import alexaskill.healthcheck as healthcheck

    clock = _Clock()
    asked: list[tuple[str, float]] = []

    def status(url: str, timeout: float) -> int:
        asked.append((url, timeout))
        if url.startswith("http://"):
            clock.now += first_took
            raise ConnectionResetError(104, "Connection reset by peer")
        return 200

    monkeypatch.setattr(healthcheck, "time", SimpleNamespace(monotonic=clock), raising=False)
    monkeypatch.setattr(healthcheck, "_status", status)
    assert check("http://127.0.0.1:8080/health", timeout=4.0) is None
    assert asked == [
        ("http://127.0.0.1:8080/health", 4.0),
        ("https://127.0.0.1:8080/health", second_timeout),
    ]


def test_no_https_try_when_the_plain_one_left_too_little(monkeypatch: pytest.MonkeyPatch) -> None:
    import alexaskill.healthcheck as healthcheck

    clock = _Clock()
    asked: list[str] = []

    def status(url: str, timeout: float) -> int:
        asked.append(url)
        clock.now += 3.75
        raise ConnectionResetError(104, "Connection reset by peer")

    monkeypatch.setattr(healthcheck, "time", SimpleNamespace(monotonic=clock), raising=False)
    monkeypatch.setattr(healthcheck, "_status", status)
    problem = check("http://127.0.0.1:8080/health", timeout=4.0)
    assert problem == (
        "http://127.0.0.1:8080/health: ConnectionResetError: [Errno 104] Connection reset by peer"
    )
    assert asked == ["http://127.0.0.1:8080/health"]


def test_a_reason_stays_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    # A URL given with a line end (a CMD written across lines) split the reason in two in
    # Docker's health log.
    assert main(["http://127.0.0.1:1/he\nalth"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert err.startswith("unhealthy: http://127.0.0.1:1/he\\x0aalth: InvalidURL: "), err


def test_a_scheme_in_capitals_is_asked_again_over_https(monkeypatch: pytest.MonkeyPatch) -> None:
    # HTTP://… was read, but never asked again over HTTPS: a TLS server was reported unhealthy.
    import alexaskill.healthcheck as healthcheck

    asked: list[str] = []

    def status(url: str, timeout: float) -> int:
        asked.append(url)
        if not url.startswith("https://"):
            raise ConnectionResetError(104, "Connection reset by peer")
        return 200

    monkeypatch.setattr(healthcheck, "_status", status)
    monkeypatch.setattr(healthcheck, "time", SimpleNamespace(monotonic=_Clock()), raising=False)
    assert check("HTTP://127.0.0.1:8080/health") is None
    assert asked == ["HTTP://127.0.0.1:8080/health", "https://127.0.0.1:8080/health"]


def test_a_server_that_trickles_its_answer_is_unhealthy_within_the_timeout() -> None:
    # The timeout bounded each socket operation, not the check: a server sending a byte every
    # tenth of a second never let a read time out, and kept the check (and Docker) waiting.
    import threading

    stop = threading.Event()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]

        def trickle() -> None:
            connection = listener.accept()[0]
            with connection:
                connection.sendall(b"HTTP/1.1 200 OK\r\n")
                # headers without end for up to 60 s, or until the test is done
                for _ in range(600):
                    if stop.wait(0.1):
                        break
                    try:
                        connection.sendall(b"X")
                    except OSError:
                        break

        server = threading.Thread(target=trickle, daemon=True)
        server.start()
        try:
            problem = check(f"http://127.0.0.1:{port}/health", timeout=1.0)
        finally:
            stop.set()
            server.join(30)
    assert problem is not None and "timed out" in problem, problem


@pytest.mark.parametrize("port", ["99999", "x"])
def test_a_port_out_of_range_is_named_as_such(port: str) -> None:
    # Port 99999 was tried, and reported as "Connection refused".
    problem = check(f"http://127.0.0.1:{port}/health")
    assert problem is not None and "port" in problem.lower(), problem
    assert "refused" not in problem.lower(), problem


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_unhealthy_and_not_followed(status: int) -> None:
    # urllib's opener followed redirects: a /health answering 301 to another server that
    # answers 200 (a proxy's page, another host) was reported healthy.
    import http.server
    import threading

    asked: list[str] = []

    class Healthy(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Healthy) as elsewhere:
        target = f"http://127.0.0.1:{elsewhere.server_address[1]}/elsewhere"

        class Moved(Healthy):
            def do_GET(self) -> None:
                self.send_response(status)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()

        with http.server.ThreadingHTTPServer(("127.0.0.1", 0), Moved) as moved:
            servers = [
                threading.Thread(target=s.serve_forever, daemon=True) for s in (elsewhere, moved)
            ]
            for server in servers:
                server.start()
            try:
                url = f"http://127.0.0.1:{moved.server_address[1]}/health"
                problem = check(url)
            finally:
                elsewhere.shutdown()
                moved.shutdown()
    assert problem == f"{url}: HTTP {status}, a redirect to {target} (not followed)"
    assert asked == []
