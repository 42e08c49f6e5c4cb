"""``alexaskill certify``'s TLS checks: a trusted certificate for the host, a self-signed one, one
for another host, TLS 1.1, the CA file and port 443; and the TLS checks through a proxy.
"""

from __future__ import annotations

import contextlib
import io
import socket
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli import main
from benchmarks.serving import self_signed

from .certify_shared import QUIET, ROOT, SERVERS, WEATHER, certify, detail, outcome
from .certify_shared import _dev_env as _dev_env
from .certify_shared import dev_dir as dev_dir
from .certify_shared import start as start
from .certify_shared import tls_files as tls_files
from .conftest import Servers

# --- TLS ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def weather_tls(module_servers: Servers, dev_dir: Path, tls_files: tuple[Path, Path]) -> str:
    cert, key = tls_files
    options = ("--ssl-certfile", str(cert), "--ssl-keyfile", str(key), *QUIET)
    return module_servers.serve_dev(WEATHER, *options, cwd=ROOT, dev_dir=dev_dir, tls=True)[1]


def test_tls_with_a_trusted_certificate_for_the_host_passes(
    weather_tls: str, tls_files: tuple[Path, Path]
) -> None:
    code, report = certify(weather_tls, "--allow-local", "--dev", "--cafile", str(tls_files[0]))
    assert code == 0, report
    checks = outcome(report)
    assert checks["tls-version"] is True and checks["tls-certificate"] is True
    assert detail(report, "tls-version").startswith("TLSv1.3 negotiated")
    assert "valid for 127.0.0.1, expires" in detail(report, "tls-certificate")


def test_a_self_signed_certificate_fails(weather_tls: str) -> None:
    code, report = certify(weather_tls, "--allow-local", "--dev")
    assert code == 1
    assert report["failed"] == ["tls-certificate"]
    assert "self-signed certificate" in detail(report, "tls-certificate")


def test_a_certificate_for_another_host_fails(
    weather_tls: str, tls_files: tuple[Path, Path]
) -> None:
    other_name = weather_tls.replace("127.0.0.1", "localhost")  # the certificate names the address
    code, report = certify(other_name, "--allow-local", "--dev", "--cafile", str(tls_files[0]))
    assert code == 1
    assert report["failed"] == ["tls-certificate"]
    assert "mismatch" in detail(report, "tls-certificate")


def test_an_endpoint_stuck_on_tls_1_1_fails(start: Any, tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    url = start(
        str(SERVERS),
        "accept-all",
        "{port}",
        "--tls",
        str(cert),
        str(key),
        "--max-tls",
        "1.1",
        scheme="https",
    )
    code, report = certify(url, "--allow-local", "--cafile", str(cert))
    assert code == 1
    assert outcome(report)["tls-version"] is False
    assert "no TLS 1.2 or later handshake" in detail(report, "tls-version")
    assert outcome(report)["tls-certificate"] is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.pem", None, "missing.pem: no such file"),
        ("folder", "", "folder: is a directory"),
        ("empty.pem", b"", "empty.pem: not a PEM file of CA certificates"),
        ("key.pem", b"\xff\xfe not PEM", "key.pem: not a PEM file of CA certificates"),
        (
            "cut.pem",
            b"-----BEGIN CERTIFICATE-----\nMIIB!!\n-----END CERTIFICATE-----\n",
            "cut.pem: not a PEM file of CA certificates",
        ),
    ],
)
def test_a_cafile_that_is_no_pem_file_is_a_usage_mistake(
    weather_tls: str, tmp_path: Path, name: str, content: bytes | str | None, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.mkdir()
    out, err = io.StringIO(), io.StringIO()
    argv = ["certify", weather_tls, "--allow-local", "--cafile", str(path)]
    code = main(argv, stdout=out, stderr=err)
    assert code == 2
    assert out.getvalue() == ""
    assert err.getvalue().startswith(f"alexaskill certify: error: --cafile {tmp_path}/")
    assert message in err.getvalue() and err.getvalue().count("\n") == 1


def test_a_deployed_endpoint_must_be_on_port_443(
    weather_tls: str, tls_files: tuple[Path, Path]
) -> None:
    # Without --allow-local the loopback address gets no exemption: port 443 is checked.
    https = weather_tls
    code, report = certify(https, "--dev", "--cafile", str(tls_files[0]))
    assert code == 1
    assert report["failed"] == ["https-443"]
    assert "Alexa only calls port 443" in detail(report, "https-443")


def _tls_endpoint(cert: Path, key: Path) -> contextlib.AbstractContextManager[int]:
    """A port whose server makes a TLS handshake with ``cert`` and ``key``, then closes."""
    import ssl

    from .port_server import serving_port

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    def handshake(connection: socket.socket) -> None:
        connection.settimeout(10)
        with context.wrap_socket(connection, server_side=True) as tls:
            tls.recv(1)  # (till the client closes it)

    return serving_port(handshake)


class _Tunnels:
    """An http:// proxy on 127.0.0.1 that opens each CONNECT's tunnel to the address asked and
    passes the bytes both ways; ``connects`` holds each CONNECT's head."""

    def __init__(self) -> None:
        self.connects: list[bytes] = []

    def handle(self, connection: socket.socket) -> None:
        import threading

        from .blackhole import _connect_head

        connection.settimeout(10)
        head = _connect_head(connection)
        if head is None:
            return
        self.connects.append(head)
        host, _, port = head.split(b" ")[1].decode().rpartition(":")
        with socket.create_connection((host, int(port)), timeout=10) as server:
            connection.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

            def relay(source: socket.socket, sink: socket.socket) -> None:
                with contextlib.suppress(OSError):
                    while data := source.recv(65536):
                        sink.sendall(data)
                with contextlib.suppress(OSError):
                    sink.shutdown(socket.SHUT_WR)

            back = threading.Thread(target=relay, args=(server, connection), daemon=True)
            back.start()
            relay(connection, server)
            back.join(10)


@pytest.mark.usefixtures("no_proxies")
def test_the_tls_checks_go_through_the_proxy_the_probes_go_through(
    tls_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # tls-version and tls-certificate opened a socket straight to the endpoint, past the proxy
    # the environment sets (HTTPS_PROXY) that the connect check and every probe go through:
    # they tested another path than the probes'. They go through its tunnel now, and say so.
    from alexaskill.cli.endpoint import Target, endpoint_checks

    from .port_server import serving_port

    cert, key = tls_files
    tunnels = _Tunnels()
    with _tls_endpoint(cert, key) as port, serving_port(tunnels.handle) as proxy_port:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy_port}")
        target = Target(
            f"https://127.0.0.1:{port}/", allow_local=True, cafile=str(cert), timeout=10
        )
        results, verify = endpoint_checks(target)
    checks = {r.name: r for r in results}
    assert len(tunnels.connects) == 2, tunnels.connects  # (one handshake for each check)
    assert all(c.startswith(f"CONNECT 127.0.0.1:{port} ".encode()) for c in tunnels.connects)
    through = f"through the proxy at 127.0.0.1:{proxy_port} (HTTPS_PROXY), as every probe is"
    assert checks["tls-version"].passed is True, checks["tls-version"]
    assert checks["tls-version"].detail.startswith("TLSv1.3 negotiated")
    assert through in checks["tls-version"].detail, checks["tls-version"]
    assert checks["tls-certificate"].passed is True, checks["tls-certificate"]
    assert "valid for 127.0.0.1, expires" in checks["tls-certificate"].detail
    assert through in checks["tls-certificate"].detail, checks["tls-certificate"]
    assert verify is not False


@pytest.mark.usefixtures("no_proxies")
def test_a_tls_check_a_proxy_let_no_handshake_through_is_said_the_proxys(
    tls_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy whose tunnels pass no TLS handshake on: the endpoint's TLS, reached directly,
    # passed; the probes' path fails, and says where.
    from alexaskill.cli.endpoint import Target, endpoint_checks

    from .blackhole import StalledTunnels

    cert, key = tls_files
    with _tls_endpoint(cert, key) as port, StalledTunnels() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
        target = Target(
            f"https://127.0.0.1:{port}/", allow_local=True, cafile=str(cert), timeout=0.5
        )
        results, _ = endpoint_checks(target)
    checks = {r.name: r for r in results}
    assert checks["tls-version"].passed is False, checks["tls-version"]
    assert f"the proxy at 127.0.0.1:{proxy.port} (HTTPS_PROXY)" in checks["tls-version"].detail
    assert checks["tls-certificate"].passed is None


@pytest.mark.usefixtures("no_proxies")
def test_an_https_proxys_own_tls_failure_is_said_the_proxys_not_the_endpoints(
    tls_files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An https:// proxy (HTTPS_PROXY=https://...) whose own certificate this machine does not
    # trust: its handshake, before any CONNECT, failed; tls-version said the endpoint's "no
    # TLS 1.2 or later handshake: certificate verify failed", an endpoint never reached.
    import ssl

    from alexaskill.cli.endpoint import Target, endpoint_checks

    from .blackhole import StalledTunnels

    cert, key = tls_files
    proxy_cert, proxy_key = self_signed(tmp_path, common_name="proxy", ips=["127.0.0.1"])
    proxy_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    proxy_tls.load_cert_chain(proxy_cert, proxy_key)
    with _tls_endpoint(cert, key) as port, StalledTunnels(proxy_tls) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"https://127.0.0.1:{proxy.port}")
        target = Target(f"https://127.0.0.1:{port}/", allow_local=True, cafile=str(cert), timeout=5)
        results, _ = endpoint_checks(target)
    assert proxy.connects == [], "a CONNECT got past the proxy's own handshake"
    checks = {r.name: r for r in results}
    said = checks["tls-version"].detail
    assert checks["tls-version"].passed is False, checks["tls-version"]
    proxy_named = f"the proxy at 127.0.0.1:{proxy.port} (HTTPS_PROXY)"
    assert f"the TLS handshake with {proxy_named} failed" in said, said
    assert "its certificate is not trusted" in said and "no TLS 1.2" not in said, said
    assert checks["tls-certificate"].passed is None
