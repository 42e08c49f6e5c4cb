"""alexaskill.healthcheck, the Docker image's HEALTHCHECK, on its own (tests/test_dockerfile.py
runs it against the image's CMD: through no proxy, over TLS, its one-line reasons)."""

from __future__ import annotations

import socket

import pytest

from alexaskill.healthcheck import check, main


def test_a_server_that_never_answers_is_asked_once() -> None:
    # A plain request that times out is not asked again over HTTPS: Docker's own timeout (5 s)
    # would end the second try, and with it the reason.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        problem = check(f"http://127.0.0.1:{port}/health", timeout=0.5)
        assert problem is not None and "timed out" in problem, problem
        listener.setblocking(False)
        connections = []
        try:
            while True:
                connections.append(listener.accept()[0])
        except BlockingIOError:
            pass
        for connection in connections:
            connection.close()
    assert len(connections) == 1


def test_one_url_at_most(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["http://127.0.0.1:1/health", "another"]) == 2
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
