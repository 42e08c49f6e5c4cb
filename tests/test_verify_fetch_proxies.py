"""A chain download through a proxy (HTTPS_PROXY), its failures said of the proxy, not of the
server behind it (alexaskill/verify/fetch.py): a CONNECT, a TCP connection or a TLS handshake
through the tunnel that gets no answer; and the private httpx method that names the transport a
URL goes through, pinned."""

from __future__ import annotations

import socket

import httpx
import pytest

from alexaskill.outgoing_progress import _traces
from alexaskill.testing import TestPKI

from .blackhole import HandshakeUnanswered, SilentProxy
from .verify_shared import download_refused, run

pytestmark = pytest.mark.oldest_dependencies


def test_a_proxy_that_does_not_answer_its_connect_is_said_so_not_the_server(
    pki: TestPKI,
) -> None:
    # Through HTTPS_PROXY the TCP connection is the proxy's: a proxy that took the CONNECT and
    # said nothing was logged as "the server was reached (connected, request sent)", sending
    # the operator to a certificate server this one never got to.
    with SilentProxy() as stuck:
        refused = download_refused(pki, f"http://127.0.0.1:{stuck.port}", download_timeout=2)
    assert stuck.heard.startswith(b"CONNECT s3.amazonaws.com:443 ")  # (no further: no internet)
    assert str(refused) == "certificate chain: download timed out"
    detail = str(refused.detail)
    assert f"the proxy http://127.0.0.1:{stuck.port} was reached" in detail  # (the client's)
    assert "did not answer its CONNECT (the tunnel to s3.amazonaws.com:443)" in detail
    assert "within 2 s (download_timeout)" in detail
    assert "the server was reached" not in detail
    assert "check DNS" not in detail and detail.endswith("; it may pass")


def test_a_proxy_whose_tcp_connect_gets_no_answer_gets_the_proxys_advice(
    pki: TestPKI,
) -> None:
    # A proxy's address that drops SYNs (its listen queue full, as in the connect timeout
    # test of tests/test_verify_fetch_timeouts.py): the log named the address, "(the server,
    # or the proxy set)", and then advised to "set HTTPS_PROXY to the proxy it must use" an
    # operator who had. The address the connection went to is not the URL's: the proxy's, as
    # the CONNECT case says.
    with socket.socket() as listener, socket.socket() as first:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        first.connect(("127.0.0.1", port))
        refused = download_refused(pki, f"http://127.0.0.1:{port}", download_timeout=1.0)
    assert str(refused) == "certificate chain: download timed out"
    detail = str(refused.detail)
    said = f"its TCP connection to the proxy http://127.0.0.1:{port} got no answer"
    assert said in detail, detail
    assert "got no answer within 1 s (download_timeout), a timeout, not a refusal" in detail
    assert "the proxy is up" in detail
    assert "set HTTPS_PROXY" not in detail and "the server, or the proxy set" not in detail


def test_httpx_still_names_the_transport_that_sends_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    # test_a_full_pool_behind_a_transport_of_ones_own_is_said_a_full_pool (tests/
    # test_verify_progress.py; its "httpx's own" case is a client of the skill's own, made with
    # httpx.Limits alone) passes only as long as fetch._traces learns which transport the
    # client sends the URL through: httpx's own traces each connection it begins, so nothing traced
    # there is a wait for the pool; a MockTransport (or one's own) traces nothing anyway.
    # httpx has no public way to ask (no public attribute for a client's transport or mounts;
    # the trace extension begins at connect_tcp, the pool's wait untraced; event hooks and
    # auth run before the transport and do not name it), so _traces asks the private
    # AsyncClient._transport_for_url (httpx 0.28, the oldest allowed, to 0.29). Renamed or
    # changed, this fails by name: the log would give a full pool the network's advice again.
    assert callable(getattr(httpx.AsyncClient, "_transport_for_url", None)), (
        "httpx.AsyncClient._transport_for_url is gone: alexaskill/verify/fetch.py's _traces "
        "can no longer tell a wait for a full pool from an untraced transport"
    )
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    mock = httpx.MockTransport(lambda request: httpx.Response(200))
    clients = {
        "plain": (httpx.AsyncClient(trust_env=False), True),
        "proxy=": (httpx.AsyncClient(proxy="http://127.0.0.1:3128", trust_env=False), True),
        "HTTPS_PROXY": (httpx.AsyncClient(), True),
        "transport=": (httpx.AsyncClient(transport=mock, trust_env=False), False),
        "mounted": (httpx.AsyncClient(mounts={"https://s3.amazonaws.com": mock}), False),
        "mounted elsewhere": (httpx.AsyncClient(mounts={"https://example.com": mock}), True),
    }
    url = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"
    try:
        said = {name: _traces(client, url) for name, (client, _) in clients.items()}
    finally:
        for client, _ in clients.values():
            run(client.aclose())
    assert said == {name: traces for name, (_, traces) in clients.items()}


def test_a_tunnel_through_which_tls_gets_no_answer_names_the_proxy(pki: TestPKI) -> None:
    # The proxy answered the CONNECT, then passed nothing on: the TLS handshake said as the
    # tunnel's, the proxy named, not as a server that "does not speak TLS there".
    with HandshakeUnanswered(tunnel=True) as stuck:
        refused = download_refused(pki, f"http://127.0.0.1:{stuck.port}", download_timeout=2)
    assert stuck.connect.startswith(b"CONNECT s3.amazonaws.com:443 ")
    assert str(refused) == "certificate chain: download timed out"
    detail = str(refused.detail)
    tunnel = f"the proxy http://127.0.0.1:{stuck.port} opened its tunnel to s3.amazonaws.com:443"
    assert tunnel in detail
    assert "but the TLS handshake through it got no answer within 2 s" in detail
    assert "check DNS" not in detail and detail.endswith("; it may pass")
