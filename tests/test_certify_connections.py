"""``alexaskill certify`` against endpoints it does not reach or that drop the connection, and
through proxies: the connect check, and what is the proxy's doing said the proxy's.
"""

from __future__ import annotations

import io
import json
import socket

import httpx
import pytest

from alexaskill.cli import main
from tests.processes import free_port

from .blackhole import closing_port, unconnectable_port
from .certify_shared import PROBES, certify, detail
from .certify_shared import _dev_env as _dev_env
from .certify_shared import dev_dir as dev_dir


def test_an_endpoint_nobody_listens_on_says_so_once() -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    out, err = io.StringIO(), io.StringIO()
    assert main(["certify", url, "--allow-local"], stdout=out, stderr=err) == 1
    lines = out.getvalue().splitlines()
    assert (
        f"FAIL  connect               cannot reach {url}: connection refused (nothing listens "
        "on that port); no probe was sent"
    ) in lines
    assert lines[-1] == "1 check: 1 failed: connect"  # (not "1 checks")


def test_an_endpoint_no_connection_reaches_in_time_is_not_reached() -> None:
    # A connection that timed out was "no answer within 8 s" to each of the 13 probes, as if
    # the skill had taken them and not answered: nothing was ever sent.
    with unconnectable_port() as port:
        url = f"http://127.0.0.1:{port}/"
        out, err = io.StringIO(), io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "0.5"]
        assert main(argv, stdout=out, stderr=err) == 1
    report = json.loads(out.getvalue())
    assert report["failed"] == ["connect"]
    assert detail(report, "connect") == (
        f"cannot reach {url}: no connection within 0.5 s (is the host up, and is its port open "
        "to this machine?); no probe was sent"
    )


def test_an_endpoint_that_closes_the_connection_unanswered_fails_each_probe() -> None:
    # It was reached: "cannot reach" after the first probe said otherwise.
    with closing_port() as port:
        code, report = certify(f"http://127.0.0.1:{port}/", "--allow-local")
    assert code == 1
    assert report["failed"] == PROBES
    assert detail(report, "not-json") == (
        "no HTTP answer to a body that is not JSON: the server closed the connection"
    )
    assert detail(report, "response-time").startswith("no probe was answered")


def _reached_then_lost(monkeypatch: pytest.MonkeyPatch) -> None:
    # The connect check passed, then the host went away: the probes find no connection.
    import alexaskill.cli.probes as probes

    monkeypatch.setattr(probes, "connect_check", lambda target: None)


def test_a_connection_that_times_out_after_the_connect_check_is_a_connect_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # httpx's cause (httpcore's ConnectTimeout) was judged, not httpx's ConnectTimeout: "cannot
    # reach URL: timed out". And a ConnectTimeout sent as a probe's "no answer" ran every probe.
    _reached_then_lost(monkeypatch)
    with unconnectable_port() as port:
        url = f"http://127.0.0.1:{port}/"
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "0.5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
    report = json.loads(out.getvalue())
    assert report["failed"] == ["connect"]
    assert detail(report, "connect") == (
        f"cannot reach {url}: no connection within 0.5 s (is the host up, and is its port open "
        "to this machine?); 0 probes answered before"
    )


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("proxy_kind", ["silent socks", "refusing socks"])
def test_a_proxy_that_let_no_probe_through_is_said_the_proxys(
    proxy_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The probes go through the proxy the environment sets (ALL_PROXY). A SOCKS proxy that said
    # nothing was "no connection within 0.5 s (is the host up, ...)", one that refused the
    # tunnel "connection refused (nothing listens on that port)": the endpoint's, not the proxy's.
    from .blackhole import RefusingSocks, SilentSocks

    _reached_then_lost(monkeypatch)
    url = f"http://127.0.0.1:{free_port()}/"
    with SilentSocks() if proxy_kind == "silent socks" else RefusingSocks() as proxy:
        monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{proxy.port}")
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "0.5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
    report = json.loads(out.getvalue())
    assert report["failed"] == ["connect"]
    said = f"cannot reach {url}: the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY) " + (
        "did not complete its SOCKS5 handshake within 0.5 s"
        if proxy_kind == "silent socks"
        else "refused its tunnel to 127.0.0.1:"
    )
    assert detail(report, "connect").startswith(said), detail(report, "connect")


def test_a_connection_refused_after_the_connect_check_is_a_connect_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _reached_then_lost(monkeypatch)
    url = f"http://127.0.0.1:{free_port()}/"
    code, report = certify(url, "--allow-local")
    assert code == 1 and report["failed"] == ["connect"]
    assert detail(report, "connect") == (
        f"cannot reach {url}: connection refused (nothing listens on that port); "
        "0 probes answered before"
    )


def test_a_name_that_does_not_resolve_is_said_so_through_httpx_chain() -> None:
    # httpx's ConnectError, caused by httpcore's, caused by the resolver's gaierror.
    import httpcore

    from alexaskill.cli.endpoint import Target, connect_failure

    resolver = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    middle = httpcore.ConnectError(str(resolver))
    middle.__cause__ = resolver
    error = httpx.ConnectError(str(resolver))
    error.__cause__ = middle
    target = Target("https://skill.example.test/")
    assert connect_failure(target, error) == (
        "cannot reach https://skill.example.test/: no address found for skill.example.test "
        "(Name or service not known)"
    )


@pytest.mark.usefixtures("no_proxies")
def test_the_connect_check_goes_through_the_proxy_the_probes_go_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The connect check opened a socket to the endpoint itself, past the proxy the environment
    # sets (ALL_PROXY) that each probe goes through: with a proxy that let nothing through, it
    # passed, and the first probe failed ("0 probes answered before").
    from .blackhole import SilentSocks

    with closing_port() as port, SilentSocks() as proxy:
        url = f"http://127.0.0.1:{port}/"
        monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{proxy.port}")
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "0.5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
        assert proxy.connects, "the connect check did not go through the proxy"
    report = json.loads(out.getvalue())
    assert report["failed"] == ["connect"]
    assert detail(report, "connect").startswith(
        f"cannot reach {url}: the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY) did not "
        "complete its SOCKS5 handshake within 0.5 s"
    ), detail(report, "connect")
    assert detail(report, "connect").endswith(
        "; the URL names this machine: set NO_PROXY=127.0.0.1,localhost; no probe was sent"
    )


@pytest.mark.usefixtures("no_proxies")
def test_the_connect_check_passes_through_a_proxy_that_opens_the_tunnel(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Through the proxy, the check ends once the tunnel is open: nothing is sent through it.
    from alexaskill.cli.endpoint import Result, Target, connect_check

    from .blackhole import StalledSocks

    with StalledSocks(answer=True) as proxy:
        monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{proxy.port}")
        target = Target(f"http://127.0.0.1:{free_port()}/", allow_local=True, timeout=5)
        assert connect_check(target) == Result(
            "connect",
            True,
            f"reached through the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY), as every "
            "probe is",
        )
        # (the proxy notes its CONNECT after answering it: read once it saw the close)
        assert proxy.wait_for_closed(1) and len(proxy.connects) == 1


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize(("variable", "scheme"), [("ALL_PROXY", "http"), ("HTTPS_PROXY", "https")])
def test_the_connect_check_through_a_proxy_that_refuses_the_tunnel_says_the_proxys(
    variable: str, scheme: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The connect check's own path (test_a_proxy_that_let_no_probe_through_is_said_the_proxys
    # passes it by): a SOCKS proxy (ALL_PROXY) or an http:// one (HTTPS_PROXY) that refuses the
    # tunnel fails the check, naming the proxy, and no probe is sent through it after.
    from .blackhole import RefusingSocks, RefusingTunnels

    url = f"{scheme}://127.0.0.1:{free_port()}/"
    with RefusingSocks() if variable == "ALL_PROXY" else RefusingTunnels() as proxy:
        kind = "socks5" if variable == "ALL_PROXY" else "http"
        monkeypatch.setenv(variable, f"{kind}://127.0.0.1:{proxy.port}")
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
        # (the proxy notes a CONNECT after refusing it: counted once it saw the close; one, the
        # check's)
        assert proxy.wait_for_closed(1) and len(proxy.connects) == 1, proxy.connects
    report = json.loads(out.getvalue())
    assert report["failed"] == ["connect"]
    named = "SOCKS proxy" if variable == "ALL_PROXY" else "proxy"
    said = detail(report, "connect")
    assert said.startswith(
        f"cannot reach {url}: the {named} at 127.0.0.1:{proxy.port} ({variable}) refused its "
        f"tunnel to {url.split('//')[1].rstrip('/')} ("
    ), said
    assert said.endswith("; no probe was sent"), said


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("where", ["connect check", "probe"])
def test_a_proxy_that_leaves_the_connect_unanswered_is_said_the_proxys(
    where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An http:// proxy (HTTPS_PROXY) that took the CONNECT and never answered it: httpx's
    # ReadTimeout, which each probe said the endpoint's "no answer within 0.5 s to ...", though
    # none reached it.
    from .blackhole import SilentTunnels

    if where == "probe":  # (the connect check passed, then the proxy stalled)
        _reached_then_lost(monkeypatch)
    url = f"https://127.0.0.1:{free_port()}/"
    with SilentTunnels() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{proxy.port}")
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "0.5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
    report = json.loads(out.getvalue())
    assert report["failed"][-1] == "connect", report["failed"]
    assert not set(report["failed"]) & set(PROBES), report["failed"]
    assert detail(report, "connect").startswith(
        f"cannot reach {url}: the proxy at 127.0.0.1:{proxy.port} (HTTPS_PROXY) did not answer "
        f"its CONNECT (the tunnel to 127.0.0.1:{url.split(':')[2].rstrip('/')}) within 0.5 s"
    ), detail(report, "connect")


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("answer", ["407", "403 page"])
def test_a_proxys_own_answer_to_the_probes_is_said_the_proxys(
    answer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An http:// endpoint through HTTP_PROXY (--allow-local): each probe goes to the proxy,
    # which may answer it itself. Its 407 (credentials wanted) or its 403 page was judged the
    # endpoint's answer ("answered ... with HTTP 403: Amazon expects 400"). A 407 is the
    # proxy's: no probe reached the endpoint (a failed connect, no more probes sent); a 403
    # with no JSON body is said to come from the proxy, named.
    from .canned_answer import canned_answer_port

    if answer == "407":
        head = b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic"
    else:
        head = b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/html"
    canned = head + b"\r\nContent-Length: 13\r\nConnection: close\r\n\r\n<html></html>"
    url = f"http://127.0.0.1:{free_port()}/"
    with canned_answer_port(canned) as port:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
        out = io.StringIO()
        argv = ["certify", url, "--allow-local", "--json", "--timeout", "5"]
        assert main(argv, stdout=out, stderr=io.StringIO()) == 1
    report = json.loads(out.getvalue())
    proxy = f"the proxy at 127.0.0.1:{port} (HTTP_PROXY)"
    if answer == "407":
        assert report["failed"] == ["connect"], report["failed"]
        connects = [c for c in report["checks"] if c["name"] == "connect"]
        assert connects[0]["passed"] is True  # (the route to the proxy: open)
        assert connects[-1]["detail"].startswith(
            f"cannot reach {url}: {proxy} asked for credentials (HTTP 407"
        ), connects[-1]
        assert connects[-1]["detail"].endswith("; 0 probes answered before"), connects[-1]
    else:
        said = detail(report, "no-signature-headers")
        assert f"with HTTP 403: from {proxy}, not from the skill" in said, said
