"""``chat --url`` and ``replay --url``: the server they name, worded once for both commands:
an answer that is no response envelope (a web page, a redirect), a server no request reached,
one that refused the development key, and whether the URL names this machine.

Imports nothing of the command line as it loads: `alexaskill.cli.common` gives its names too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..shown_names import shown_value

if TYPE_CHECKING:
    import httpx

    from .common import UsageError

__all__ = [
    "dev_key_advice",
    "is_local_url",
    "not_json",
    "proxy_answer",
    "proxy_failure",
    "redirect_reason",
    "refused_dev_key",
    "unreachable",
]


def not_json(response: httpx.Response) -> str:
    """Why an answer whose body does not parse as JSON is no response envelope, saying what came:
    ``the answer is not JSON: '<html>…</html>' (5,000 characters)`` (as `shown_value` quotes
    it), or ``the answer is empty``."""
    if not response.content:
        return "the answer is empty"
    return f"the answer is not JSON: {shown_value(response.text)}"


def redirect_reason(response: httpx.Response, command: str) -> str | None:
    """For a redirect (a 3xx with a ``Location``), where it points (resolved against the URL
    asked, a password in it shown as ``***``) and that ``command`` does not follow it; else
    None."""
    from .inputs import shown_url

    location = response.headers.get("Location")
    if not response.is_redirect or location is None:
        return None
    try:
        target = str(response.url.join(location))
    except ValueError:  # (httpx.InvalidURL: a Location that is no URL; shown as it came)
        target = location
    return (
        f"a redirect to {shown_url(target)}, which {command} --url does not follow: give that "
        "URL to --url if the skill is served there"
    )


def refused_dev_key(status: int, reason: str | None) -> bool:
    """Whether a server refused a request signed with the development key for its signature."""
    return status == 400 and (reason or "").startswith(("certificate", "signature"))


def dev_key_advice(status: int, reason: str | None, command: str, app: str | None) -> str | None:
    """What to do when a server refused a request ``command --url`` signed with the development
    key (None: it was not refused for that): start it with --dev, or, when it was (the chain
    taken, the signature not matching), give both the same key."""
    if not refused_dev_key(status, reason):
        return None
    if (reason or "").startswith("signature"):
        # A --dev server takes the development chain's URL and reads its own key's chain: one
        # started where ALEXASKILL_DEV_PKI_DIR (or HOME) differs checks with another key.
        from .dev import DEV_PKI_ENV, dev_pki_directory

        return (
            f"the server trusts another development key than the one {command} --url signs "
            f"with (in {dev_pki_directory()}): run both with the same {DEV_PKI_ENV} (else HOME, "
            "XDG_DATA_HOME)"
        )
    from ..verify import urls

    start = f"start it with `alexaskill serve {app or 'APP'} --dev`"
    if reason == urls.DEV_KEY_UNTRUSTED:  # (an alexaskill server's, which says why already)
        return start
    return f"the server does not trust the development key {command} --url signs with: {start}"


def unreachable(url: str, exc: Exception, app: str, *, timeout: float) -> UsageError:
    """The error for a ``--url`` that no request reached: TLS refused it, nothing listens, or
    no connection was made within ``timeout`` seconds (a host that is down, a firewall)."""
    import ssl

    import httpx

    from ..verify.fetch import ssl_error_of
    from .common import UsageError

    through = proxy_failure(url, exc, timeout=timeout)
    if through is not None:  # (the proxy's doing: no request reached the server)
        return UsageError(f"cannot connect to {url}: {through}")
    if isinstance(exc, httpx.ConnectTimeout):
        # Nothing answered the connection: not a server that is slow to answer a request.
        return UsageError(
            f"cannot connect to {url}: no connection within {timeout:g} s (is the host up, "
            "and is its port open to this machine?)"
        )
    cause = ssl_error_of(exc)
    if isinstance(cause, ssl.SSLCertVerificationError):
        return UsageError(
            f"cannot connect to {url}: its TLS certificate is not trusted "
            f"({cause.verify_message}); for a certificate of your own, name it in SSL_CERT_FILE"
        )
    if cause is not None:
        return UsageError(f"cannot connect to {url}: TLS failed ({cause.reason or cause})")
    return UsageError(
        f"cannot connect to {url}: is the server running? Start it with "
        f"`alexaskill serve {app} --dev`"
    )


def proxy_failure(url: str, exc: BaseException, *, timeout: float) -> str | None:
    """Why the request to ``url`` that failed with ``exc`` never got past the proxy the
    environment sets (traced by `alexaskill.outgoing_connections.bound_socks_handshake`):
    nothing listening at it, no answer to its connection, a SOCKS handshake unfinished or a
    CONNECT unanswered within ``timeout`` seconds, a tunnel it refused; None for another
    failure, or no proxy. Said otherwise, it pointed at the server ("is the server running?").
    For a ``url`` of this machine, it ends with the hint to set ``NO_PROXY`` (`_no_proxy_hint`).
    """
    said = _proxy_reason(url, exc, timeout=timeout)
    return None if said is None else said + _no_proxy_hint(url)


def _no_proxy_hint(url: str) -> str:
    """For a ``url`` of this machine, the hint to let it skip the proxy: httpx sends a request
    to 127.0.0.1 through the proxy the environment sets unless ``NO_PROXY`` names it (a dev
    setup's ``--url http://127.0.0.1:8000/`` under a ``HTTPS_PROXY`` or ``ALL_PROXY`` of the
    shell's); else ``""``."""
    from urllib.parse import urlsplit

    if not is_local_url(url):
        return ""
    names = ["127.0.0.1", "localhost"]
    host = urlsplit(url).hostname or ""
    if host and host not in names:
        names.append(host)
    return f"; the URL names this machine: set NO_PROXY={','.join(names)}"


def _proxy_reason(url: str, exc: BaseException, *, timeout: float) -> str | None:
    """`proxy_failure`'s reason, without its hint."""
    import httpx

    from ..outgoing_connections import SOCKS_BROKEN_OFF, connect_steps
    from ..outgoing_proxies import proxy_named, variable_setting

    steps = connect_steps(exc)
    if steps is None or steps.peer is None:
        return None
    try:
        target = httpx.URL(url)
    except Exception:  # (httpx.InvalidURL: checked before it was sent)
        return None
    port = target.port or {"http": 80, "https": 443}.get(target.scheme)
    server = f"{target.host}:{port}"
    if not steps.socks and steps.tunnel is None and steps.peer == server:
        return None  # (connected to the server itself)
    variable = variable_setting(target.scheme, steps.peer)
    proxy = proxy_named(steps.peer, socks=steps.socks, variable=variable)
    tunnel = steps.tunnel or server
    if isinstance(exc, httpx.ProxyError) and str(exc).startswith(SOCKS_BROKEN_OFF):
        why = str(exc).removeprefix(SOCKS_BROKEN_OFF).strip().removeprefix("(").removesuffix(")")
        return (
            f"{proxy} broke off its SOCKS5 handshake (the tunnel to {tunnel}): {why}; it closed "
            "the connection or answered no SOCKS5 (is a SOCKS5 proxy at that port?)"
        )
    if isinstance(exc, httpx.ProxyError):
        return (
            f"{proxy} refused its tunnel to {tunnel} ({exc}): the proxy could not reach the "
            "server, or does not let it through (its log, its rules say which)"
        )
    if steps.stage == "socks" and isinstance(exc, httpx.TimeoutException):
        return (
            f"{proxy} did not complete its SOCKS5 handshake within {timeout:g} s (the tunnel "
            f"to {tunnel}): a slow or stuck proxy, or no SOCKS5 proxy at that port"
        )
    if steps.stage == "tunnel" and isinstance(exc, httpx.TimeoutException):
        return (
            f"{proxy} did not answer its CONNECT (the tunnel to {tunnel}) within {timeout:g} s: "
            "a slow or stuck proxy, or one that cannot reach the server"
        )
    if steps.stage == "start_tls" and (steps.socks or steps.tunnel is not None):
        if not isinstance(exc, httpx.TimeoutException):
            return None  # (the server's TLS refused: its error says it)
        return (
            f"{proxy} opened its tunnel to {tunnel}, but the TLS handshake through it got no "
            f"answer within {timeout:g} s: a slow server, or a proxy that passes nothing on"
        )
    if steps.stage == "proxy_tls":
        return _proxy_tls_failure(proxy, exc, timeout=timeout)
    if steps.stage != "connect_tcp":
        return None
    if isinstance(exc, httpx.ConnectTimeout):
        return (
            f"its TCP connection to {proxy} got no answer within {timeout:g} s: is the proxy "
            "up at that address and port, and open to this machine?"
        )
    if "refused" in str(exc).lower():
        return f"{proxy} refused the connection: is the proxy running, at that address and port?"
    return f"no connection to {proxy} ({exc})"


def _proxy_tls_failure(proxy: str, exc: BaseException, *, timeout: float) -> str:
    """Why the TLS handshake with ``proxy`` (an https:// proxy's own, before its CONNECT)
    failed with ``exc``: said the proxy's, as no request reached the server. (It was said the
    server's: its certificate not trusted, its TLS failed.)"""
    import ssl

    import httpx

    from ..verify.fetch import ssl_error_of

    if isinstance(exc, httpx.TimeoutException):
        return (
            f"its TCP connection to {proxy} was made, but the TLS handshake with the proxy (an "
            f"https:// one) got no answer within {timeout:g} s: a proxy that does not speak TLS "
            "there (an http:// one named https://), or a slow one"
        )
    cause = ssl_error_of(exc)
    if isinstance(cause, ssl.SSLCertVerificationError):
        return (
            f"the TLS handshake with {proxy} failed: its certificate is not trusted "
            f"({cause.verify_message}); no request reached the server"
        )
    why = exc if cause is None else (cause.reason or cause)
    return (
        f"the TLS handshake with {proxy} failed ({why}): an https:// proxy's own, before its "
        "CONNECT; is it one that speaks TLS at that port (not an http:// one named https://)?"
    )


def proxy_answer(url: str, response: httpx.Response) -> tuple[str, bool] | None:
    """What to say of ``response`` when the proxy the environment sets gave it itself, for a
    request it was to forward (an http:// ``url`` through ``HTTP_PROXY``: no tunnel, the request
    in its hands), and whether it is surely the proxy's: a 407 always is (it wants credentials;
    no request reached the server); a 403, 502 or 504 whose body is no JSON likely is (its
    rules, a server it could not reach, or one that did not answer it in time: the skill
    answers in JSON). None for another answer (a skill's JSON 403 is the skill's), or none
    through such a proxy. They were shown as the skill's."""
    import json

    steps = response.request.extensions.get("trace")
    status = response.status_code
    # Not a 503: one with no JSON body may be the skill's own server's (bare uvicorn's plain
    # "Service Unavailable" past --limit-concurrency), where no skill's server sends a 504.
    if not getattr(steps, "forwarded", False) or status not in (403, 407, 502, 504):
        return None
    if status != 407:
        try:
            json.loads(response.content)
        except (ValueError, RecursionError):
            pass
        else:
            return None  # (JSON: a skill's, or its server's)
    named = _forwarding_proxy(url, getattr(steps, "peer", None))
    said = f"HTTP {status}{f' {response.reason_phrase}' if response.reason_phrase else ''}"
    if status == 407:
        return (
            f"{named} asked for credentials ({said}): no request reached the server; give them "
            "in the proxy's URL (http://user:password@host:port)" + _no_proxy_hint(url),
            True,
        )
    text = response.text.strip()
    came = shown_value(text) if text else "nothing"
    why = (
        "the proxy got no answer in time from the server (or could not reach it)"
        if status == 504
        else "the proxy did not pass the request on (its rules, or a server it could not reach)"
    )
    return (
        f"from {named}, not from the skill, it seems: a body of no JSON ({came}), "
        f"where the skill answers in JSON; {why}" + _no_proxy_hint(url),
        False,
    )


def _forwarding_proxy(url: str, peer: str | None) -> str:
    """``the proxy at host:port (HTTP_PROXY)`` that forwards ``url``'s requests: ``peer`` (the
    address connected to), else the environment's (a connection kept traces no connect)."""
    from urllib.parse import urlsplit

    import httpx

    from ..outgoing_proxies import proxy_named, variable_setting

    scheme = urlsplit(url).scheme
    if peer is None:
        from urllib.request import getproxies

        proxies = getproxies()
        value = proxies.get(scheme) or proxies.get("all") or ""
        try:
            found = httpx.URL(value if "://" in value else f"http://{value}")
            peer = f"{found.host}:{found.port or 80}" if found.host else None
        except Exception:  # (httpx.InvalidURL: checked at start, `check_proxies`)
            peer = None
    return proxy_named(peer, variable=None if peer is None else variable_setting(scheme, peer))


def is_local_url(url: str) -> bool:
    """Whether ``url`` names this machine: ``localhost``, a loopback address (also written as
    IPv4-mapped IPv6), or the unspecified address a server prints when it listens on every
    interface (``0.0.0.0``, ``::``), which a connection takes to this machine."""
    import ipaddress
    from urllib.parse import urlsplit

    from ..alexa_api import is_loopback

    host = urlsplit(url).hostname
    if host == "localhost" or is_loopback(host):
        return True
    try:
        address = ipaddress.ip_address(host or "")
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # (::ffff:127.0.0.1: not loopback to 3.11)
    return address.is_unspecified or (mapped is not None and mapped.is_loopback)
