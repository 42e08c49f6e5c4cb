"""``replay --url`` and ``chat --url`` to a server that is down, untrusted or behind a proxy that
fails: each said for what it is, within the command's timeout."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

import httpx
import pytest

from alexaskill import Skill, speak
from alexaskill.cli import UsageError
from tests.processes import free_port

from .cli_run import run

# The fixtures of tests/cli_shared.py these tests take, imported for pytest to see.
from .cli_shared import workdir as workdir
from .conftest import SKILL_ID

# The module's development PKI (dev_dir), made once for its tests (three RSA keys: a test's own
# made them for each of its 26 commands that sign), which _dev_env (autouse) points them at.
from .dev_pki_shared import _dev_env as _dev_env
from .dev_pki_shared import dev_dir as dev_dir

pytestmark = pytest.mark.oldest_dependencies


def test_replay_url_to_a_server_that_is_down(workdir: Path, dev_dir: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    code, _, err = run("replay", "skillapp:skill", "hello.json", "--url", url)
    assert code == 2
    assert f"cannot connect to {url}: is the server running?" in err
    assert "alexaskill serve skillapp:skill --dev" in err


@pytest.mark.usefixtures("one_second_url_timeouts")
@pytest.mark.parametrize("command", ["replay", "chat"])
def test_replay_and_chat_url_through_a_silent_socks_proxy_end_at_their_timeout(
    command: str, workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A SOCKS5 proxy the environment sets (ALL_PROXY) that takes the connection and says
    # nothing: httpcore (1.0.9) gives the SOCKS handshake no timeout, and `replay --url` (and
    # `chat --url`) waited for ever. It is bounded by their connect timeout now, and said the
    # proxy's: it was said "no connection within 1 s (is the host up, ...)", the server's.
    import threading

    from .blackhole import SilentSocks

    done: list[tuple[int, str, str]] = []
    url = f"http://127.0.0.1:{free_port()}/"
    with SilentSocks() as proxy:
        proxy_url = f"socks5://127.0.0.1:{proxy.port}"
        thread = threading.Thread(
            target=lambda: done.append(
                run_url_through(command, url, "ALL_PROXY", proxy_url, monkeypatch)
            ),
            daemon=True,
        )
        thread.start()
        thread.join(60)  # (the test's own guard: never reached)
    assert done, f"{command} --url waited past its timeout, for the test's guard"
    assert len(proxy.connects) == 1, "the request went through no proxy"
    code, _, err = done[0]
    said = (
        f"cannot connect to {url}: the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY) did "
        "not complete its SOCKS5 handshake within 1 s"
    )
    assert code == 2 and said in err, err
    assert "is the host up" not in err, err


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("command", ["replay", "chat"])
def test_replay_and_chat_url_say_a_socks_proxy_that_closed_mid_handshake(
    command: str, workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A SOCKS5 proxy the environment sets that answered the greeting and closed the connection
    # at the CONNECT: socksio's ProtocolError ("Malformed reply") came out of both commands, a
    # traceback. It is the proxy's failure, named, as a refused tunnel is: exit 2.
    from .blackhole import ClosingSocks

    server = f"127.0.0.1:{free_port()}"
    url = f"http://{server}/"
    with ClosingSocks() as proxy:
        proxy_url = f"socks5://127.0.0.1:{proxy.port}"
        code, _, err = run_url_through(command, url, "ALL_PROXY", proxy_url, monkeypatch)
    assert proxy.connects, "the request went through no proxy"
    said = (
        f"cannot connect to {url}: the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY) broke "
        f"off its SOCKS5 handshake (the tunnel to {server})"
    )
    assert code == 2 and said in err, (code, err)
    assert "Traceback" not in err, err


def _canned(status: str, content_type: str, body: bytes, *extra: str) -> bytes:
    """A whole HTTP/1.1 answer of ``status`` ("403 Forbidden") with ``body``."""
    head = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", *extra]
    head += [f"Content-Length: {len(body)}", "Connection: close"]
    return "\r\n".join(head).encode() + b"\r\n\r\n" + body


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("command", ["replay", "chat"])
@pytest.mark.parametrize(
    "answer", ["407", "403 page", "502 page", "504 page", "503 page", "403 skill"]
)
def test_replay_and_chat_url_tell_a_proxys_own_answer_from_the_skills(
    command: str,
    answer: str,
    workdir: Path,
    dev_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # An http:// URL through HTTP_PROXY: the request goes to the proxy, which may answer it
    # itself. Its 407 (credentials wanted) or its 403/502 page was shown as the skill's
    # answer. A 407 is always the proxy's: no request reached the skill (exit 2). A 403 or 502
    # with no JSON body through a proxy is said to come through it, named; a skill's JSON 403
    # is the skill's, as it was. A 504 page too (no skill's server sends a 504: a gateway's);
    # a 503 page not, which may be the skill's own server's (bare uvicorn's plain-text 503
    # past --limit-concurrency).
    from .canned_answer import canned_answer_port

    canned = {
        "407": _canned(
            "407 Proxy Authentication Required",
            "text/html",
            b"<html>Sign in</html>",
            'Proxy-Authenticate: Basic realm="corp"',
        ),
        "403 page": _canned("403 Forbidden", "text/html", b"<html>Blocked by policy</html>"),
        "502 page": _canned("502 Bad Gateway", "text/html", b"<html>Cannot reach host</html>"),
        "504 page": _canned("504 Gateway Timeout", "text/html", b"<html>Host too slow</html>"),
        "503 page": _canned("503 Service Unavailable", "text/plain", b"Service Unavailable"),
        "403 skill": _canned("403 Forbidden", "application/json", b'{"error": "not for you"}'),
    }[answer]
    url = f"http://127.0.0.1:{free_port()}/"
    with canned_answer_port(canned) as port:
        proxy_url = f"http://127.0.0.1:{port}"
        code, out, err = run_url_through(command, url, "HTTP_PROXY", proxy_url, monkeypatch)
    proxy = f"the proxy at 127.0.0.1:{port} (HTTP_PROXY)"
    if answer == "407":
        said = f"cannot connect to {url}: {proxy} asked for credentials (HTTP 407"
        assert code == 2 and said in err, (code, out, err)
    elif answer == "403 skill":
        assert "not for you" in out and "proxy" not in out + err, (out, err)
    elif answer == "503 page":
        assert "HTTP 503" in out and "proxy" not in out + err, (code, out, err)
    else:
        status = answer.split()[0]
        said = f"HTTP {status}: from {proxy}, not from the skill"  # (the answer's HTTP line)
        assert said in out, (code, out, err)
    assert "Traceback" not in err, err


def url_command(command: str, url: str) -> tuple[str, ...]:
    """``replay`` (of hello.json) or ``chat`` with ``--url url``."""
    args = (command, "skillapp:skill", "--url", url)
    return (*args, "hello.json") if command == "replay" else args


def run_url_through(
    command: str, url: str, variable: str, proxy: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    """`url_command` run (``chat`` saying /launch) with the environment's ``variable``
    naming ``proxy``."""
    monkeypatch.setenv(variable, proxy)
    return run(*url_command(command, url), stdin="/launch\n" if command == "chat" else None)


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("command", ["replay", "chat"])
@pytest.mark.parametrize("proxy_kind", ["refusing socks", "refusing CONNECT", "not listening"])
def test_replay_and_chat_url_say_a_proxy_that_let_nothing_through(
    command: str, proxy_kind: str, workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy the environment sets that refused the tunnel (a SOCKS proxy's CONNECT refused, an
    # http:// one's CONNECT answered 403) was said `no answer (ProxyError: ...)`, a request the
    # skill failed to answer (chat went on, as if Alexa had met it); a proxy that nothing
    # listens at was said "is the server running?", the server's. No request reached it.
    from .blackhole import RefusingSocks, RefusingTunnels

    server = f"127.0.0.1:{free_port()}"
    with contextlib.ExitStack() as stack:
        if proxy_kind == "refusing socks":
            url, variable, kind = f"http://{server}/", "ALL_PROXY", "SOCKS proxy"
            port = stack.enter_context(RefusingSocks()).port
            scheme = "socks5"
        elif proxy_kind == "refusing CONNECT":  # (an https:// URL: a tunnel asked for)
            url, variable, kind = f"https://{server}/", "HTTPS_PROXY", "proxy"
            port = stack.enter_context(RefusingTunnels()).port
            scheme = "http"
        else:
            url, variable, kind = f"http://{server}/", "HTTP_PROXY", "proxy"
            port = free_port()
            scheme = "http"
        proxy_url = f"{scheme}://127.0.0.1:{port}"
        code, _, err = run_url_through(command, url, variable, proxy_url, monkeypatch)
    proxy = f"the {kind} at 127.0.0.1:{port} ({variable})"
    said = {
        "refusing socks": f"{proxy} refused its tunnel to {server}",
        "refusing CONNECT": f"{proxy} refused its tunnel to {server} (403 Forbidden)",
        "not listening": f"{proxy} refused the connection: is the proxy running",
    }[proxy_kind]
    assert code == 2, (code, err)
    assert f"cannot connect to {url}: {said}" in err, err
    assert "is the server running" not in err, err
    # (httpx sends a request to 127.0.0.1 to the proxy unless NO_PROXY names it)
    assert "the URL names this machine: set NO_PROXY=127.0.0.1,localhost" in err, err


@pytest.mark.usefixtures("one_second_url_timeouts")
@pytest.mark.parametrize("command", ["replay", "chat"])
def test_replay_and_chat_url_say_a_proxy_that_did_not_answer_the_connect(
    command: str, workdir: Path, dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An http:// proxy (HTTPS_PROXY) that took the CONNECT and never answered it: httpx's
    # ReadTimeout, said `no answer within 1 s (Alexa gives up after about 8 s)`, a skill that
    # failed to answer in time; no request reached the server.
    from .blackhole import SilentProxy

    server = f"127.0.0.1:{free_port()}"
    url = f"https://{server}/"
    with SilentProxy() as proxy:
        proxy_url = f"http://127.0.0.1:{proxy.port}"
        code, _, err = run_url_through(command, url, "HTTPS_PROXY", proxy_url, monkeypatch)
    assert proxy.heard.startswith(f"CONNECT {server} ".encode()), proxy.heard
    said = (
        f"cannot connect to {url}: the proxy at 127.0.0.1:{proxy.port} (HTTPS_PROXY) did not "
        f"answer its CONNECT (the tunnel to {server}) within 1 s"
    )
    assert code == 2 and said in err, (code, err)


@pytest.fixture(scope="module")
def proxy_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and its key for a proxy on 127.0.0.1, which no one trusts:
    made once for the module (an RSA key)."""
    from benchmarks.serving import self_signed

    directory = tmp_path_factory.mktemp("proxy-tls")
    return self_signed(directory, common_name="proxy", ips=["127.0.0.1"])


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize("command", ["replay", "chat"])
def test_replay_and_chat_url_say_an_https_proxys_own_tls_failure_is_the_proxys(
    command: str,
    workdir: Path,
    dev_dir: Path,
    proxy_certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An https:// proxy (HTTPS_PROXY=https://...) whose certificate this machine does not
    # trust: its own handshake failed, before any CONNECT; it was said the server's ("its TLS
    # certificate is not trusted ...; name it in SSL_CERT_FILE"), a server never reached.
    import ssl

    from .blackhole import StalledTunnels

    cert, key = proxy_certificate
    proxy_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    proxy_tls.load_cert_chain(cert, key)
    url = f"https://127.0.0.1:{free_port()}/"
    with StalledTunnels(proxy_tls) as proxy:
        proxy_url = f"https://127.0.0.1:{proxy.port}"
        code, _, err = run_url_through(command, url, "HTTPS_PROXY", proxy_url, monkeypatch)
    assert proxy.connects == [], "a CONNECT got past the proxy's own handshake"
    said = (
        f"cannot connect to {url}: the TLS handshake with the proxy at 127.0.0.1:{proxy.port} "
        "(HTTPS_PROXY) failed: its certificate is not trusted"
    )
    assert code == 2 and said in err, (code, err)
    assert "its TLS certificate is not trusted" not in err, err


def test_replay_url_to_a_server_without_dev_says_to_start_it_with_dev(
    workdir: Path, dev_dir: Path
) -> None:
    import threading

    import uvicorn

    from alexaskill.verify import Verifier

    # A server that verifies as in production: the development chain's URL is not Amazon's, so
    # it is refused unfetched (it was downloaded, S3 answering 403: here, offline, recorded).
    downloads: list[str] = []

    def s3(request: httpx.Request) -> httpx.Response:
        downloads.append(str(request.url))
        return httpx.Response(403)

    offline = httpx.AsyncClient(transport=httpx.MockTransport(s3))
    skill = Skill(SKILL_ID, verifier=Verifier(http_client=offline))
    skill.add_intent_handler("Hello", lambda: speak("hello"))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(skill, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.started
        url = f"http://127.0.0.1:{port}/"
        code, out, _ = run("replay", "skillapp:skill", "hello.json", "--url", url)
        chat_code, chat_out, _ = run("chat", "skillapp:skill", "--url", url, stdin="/launch\n")
    finally:
        server.should_exit = True
        thread.join(timeout=20)
    assert code == 1
    reason = (
        "certificate URL: the request was signed with alexaskill's development key "
        "(alexaskill-dev.pem), which this server does not trust: it was not started with --dev"
    )
    assert f"  FAILED: HTTP 400: {reason}" in out
    assert downloads == []  # refused without a download
    # (The server's reason says it does not trust the key: the advice, only what to do; it
    # said "does not trust" twice.)
    assert f"{reason}; start it with `alexaskill serve skillapp:skill --dev`\n" in out
    # chat --url said only "HTTP 400: certificate chain: download failed".
    assert chat_code == 0
    assert f"  HTTP 400: {reason}" in chat_out
    assert "  (start it with `alexaskill serve skillapp:skill --dev`)\n" in chat_out


def test_a_url_whose_tls_certificate_is_not_trusted_says_so() -> None:
    # replay/chat --url to `serve --ssl-certfile` with a self-signed certificate said "is the
    # server running?": it was, but its certificate was refused.
    import ssl

    from alexaskill.cli.common import unreachable

    refused = ssl.SSLCertVerificationError(1, "certificate verify failed")
    refused.verify_message = "self-signed certificate"
    error = httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED]")
    error.__cause__ = refused
    assert str(unreachable("https://127.0.0.1:8443/", error, "app:skill", timeout=15)) == (
        "cannot connect to https://127.0.0.1:8443/: its TLS certificate is not trusted "
        "(self-signed certificate); for a certificate of your own, name it in SSL_CERT_FILE"
    )
    nobody = httpx.ConnectError("[Errno 111] Connection refused")
    assert "is the server running? Start it with `alexaskill serve app:skill --dev`" in str(
        unreachable("http://127.0.0.1:1/", nobody, "app:skill", timeout=15)
    )


@pytest.mark.usefixtures("one_second_url_timeouts")
def test_the_served_skill_id_is_asked_through_a_silent_socks_proxy_within_its_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `chat --url` without APP asks the server for its skill's id first, with httpx.get: no
    # request hook bounded a SOCKS proxy's handshake (ALL_PROXY) that never came, so it waited
    # till the proxy closed the connection (a minute here), then let out socksio's
    # ProtocolError with a traceback; nor was the proxy named.
    import threading

    from alexaskill.cli import chat_http

    from .blackhole import SilentSocks

    done: list[BaseException | str | None] = []

    def ask() -> None:
        try:
            done.append(chat_http.served_skill_id(url))
        except BaseException as exc:  # (what it let out, judged below)
            done.append(exc)

    url = f"http://127.0.0.1:{free_port()}/"
    with SilentSocks() as proxy:
        monkeypatch.setenv("ALL_PROXY", f"socks5://127.0.0.1:{proxy.port}")
        thread = threading.Thread(target=ask, daemon=True)
        thread.start()
        thread.join(30)  # (the test's own guard: never reached)
    assert done, "served_skill_id waited past its timeout, for the test's guard"
    assert len(proxy.connects) == 1, "the request went through no proxy"
    assert isinstance(done[0], UsageError), done[0]
    assert str(done[0]).startswith(
        f"cannot connect to {url}: the SOCKS proxy at 127.0.0.1:{proxy.port} (ALL_PROXY) did "
        "not complete its SOCKS5 handshake within 1 s"
    ), done[0]


@pytest.mark.usefixtures("no_proxies")
@pytest.mark.parametrize(
    ("url", "hint"),
    [
        ("http://127.0.0.1:8000/", "NO_PROXY=127.0.0.1,localhost"),
        ("http://localhost:8000/", "NO_PROXY=127.0.0.1,localhost"),
        ("http://[::1]:8000/", "NO_PROXY=127.0.0.1,localhost,::1"),
        ("https://skill.example.com/", None),
    ],
)
def test_a_proxy_failure_for_a_url_of_this_machine_hints_at_no_proxy(
    url: str, hint: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy the environment sets catches a loopback --url too (httpx skips none without
    # NO_PROXY): in a dev setup, the fix is NO_PROXY, not the proxy.
    from alexaskill.cli.url_answers import proxy_failure
    from alexaskill.outgoing_connections import ConnectSteps

    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:3128")
    steps = ConnectSteps()
    steps("connection.connect_tcp.started", {"host": "127.0.0.1", "port": 3128})
    request = httpx.Request("GET", url, extensions={"trace": steps})
    said = proxy_failure(
        url, httpx.ConnectError("[Errno 111] Connection refused", request=request), timeout=1
    )
    assert said is not None and said.startswith("the proxy at 127.0.0.1:3128 ("), said
    if hint is None:
        assert "NO_PROXY" not in said, said
    else:
        assert said.endswith(f"; the URL names this machine: set {hint}"), said
