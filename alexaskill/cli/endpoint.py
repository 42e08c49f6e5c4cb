"""The endpoint ``alexaskill certify`` checks before its probes: its URL, that a connection
reaches it, and its TLS (https on port 443, TLS 1.2 or later, a certificate valid for the host);
and the `Result` of a check.

Amazon's requirements are in "Host a custom skill as a web service"
(https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from ..testing import TestPKI

from ..outgoing_connections import ConnectSteps
from .common import UsageError
from .inputs import ALEXA_TIMEOUT, shown_url


@dataclass(frozen=True)
class Result:
    """One check: passed (True), failed (False) or skipped (None), and why."""

    name: str
    passed: bool | None
    detail: str
    status: int | None = None
    ms: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON object (for ``--json``)."""
        return {
            "name": self.name,
            "passed": self.passed,
            "status": self.status,
            "ms": None if self.ms is None else round(self.ms, 1),
            "detail": self.detail,
        }


@dataclass
class Target:
    """What to certify and how: the endpoint, its trust anchors, the signing key if any."""

    url: str
    #: Allow http:// and any port on a loopback address (for tests).
    allow_local: bool = False
    #: PEM file of CA certificates to trust instead of the certifi bundle (a test CA).
    cafile: str | None = None
    timeout: float = ALEXA_TIMEOUT
    #: A key the endpoint trusts (the development PKI of ``serve --dev``), or None.
    signer: TestPKI | None = None
    skill_id: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        """The endpoint's host name (or address)."""
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int:
        """The endpoint's port (443 when the URL names none)."""
        parts = urlsplit(self.url)
        return parts.port or (443 if parts.scheme == "https" else 80)

    @property
    def https(self) -> bool:
        """Whether the endpoint is served over TLS."""
        return urlsplit(self.url).scheme == "https"


def check_endpoint_url(url: str, *, allow_local: bool) -> None:
    """`UsageError` unless ``url`` is an https URL, or http to a loopback host with the flag."""
    from .inputs import url_blemish

    if (blemish := url_blemish(url)) is not None:
        raise UsageError(f"{shown_url(url)!r}: {blemish}")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:  # a bad port, or a bracket left open ("http://[::1")
        what = "not a URL with a valid port" if "port" in str(exc).lower() else "not a valid URL"
        raise UsageError(f"{shown_url(url)!r}: {what} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{shown_url(url)!r}: expected the skill's https:// endpoint URL")
    if parts.scheme == "http":
        if not allow_local:
            raise UsageError(
                f"{shown_url(url)}: Alexa only calls https:// endpoints. For a server on this "
                "machine (a test), pass --allow-local"
            )
        if not is_loopback(parts.hostname):
            raise UsageError(
                f"{shown_url(url)}: --allow-local allows http:// only to a loopback address"
            )


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- the endpoint: reached, https on 443, a valid certificate, TLS 1.2 or later ------------


def connect_check(target: Target) -> Result | None:
    """A failed ``connect`` check when no connection reaches ``target`` in its timeout (no
    probe is sent then), a passed one naming the proxy it went through, else None. It goes
    the way the probes go: through the proxy the environment sets for its URL (`_open_route`),
    else straight to the endpoint."""
    try:
        steps = _open_route(target)
    except Exception as exc:  # (OSError, httpx's errors, socksio's on a garbled reply)
        return Result("connect", False, f"{connect_failure(target, exc)}; no probe was sent")
    named = _proxy_named(target, steps)
    if named is None:
        return None  # (straight to the endpoint)
    return Result("connect", True, f"reached {named}")


def _proxy_named(target: Target, steps: _RouteSteps) -> str | None:
    """``through the proxy at host:port (HTTPS_PROXY), as every probe is`` when the route
    ``steps`` traced went through a proxy, None when it went straight to the endpoint."""
    if steps.peer is None or (not steps.socks and steps.peer == steps.server):
        return None
    from ..outgoing_proxies import proxy_named, variable_setting

    variable = variable_setting(urlsplit(target.url).scheme, steps.peer)
    named = proxy_named(steps.peer, socks=steps.socks, variable=variable)
    return f"through {named}, as every probe is"


class _RouteOpen(Exception):
    """Raised from `_RouteSteps` once the route to the endpoint is open: nothing more is done."""


class _RouteSteps(ConnectSteps):
    """The trace of `_open_route`'s request: it ends the request (`_RouteOpen`) at the first
    step past the route to the endpoint, before anything is sent to it: the TLS handshake
    with the endpoint (straight, through a proxy's tunnel or a SOCKS proxy's), or the
    request's head (to the endpoint, or to an http:// proxy that forwards it). Each stream
    opened is closed then: httpcore closes none it did not see fail."""

    __slots__ = ("opened",)

    def __init__(self, server: str) -> None:
        super().__init__(server)
        self.opened: list[object] = []

    def __call__(self, event: str, info: Mapping[str, object]) -> None:
        super().__call__(event, info)
        if event.endswith((".connect_tcp.complete", ".start_tls.complete")):
            self.opened.append(info.get("return_value"))
        if self._past_route(event, info):
            for stream in reversed(self.opened):
                with contextlib.suppress(Exception):
                    stream.close()  # type: ignore[attr-defined]
            raise _RouteOpen

    def _past_route(self, event: str, info: Mapping[str, object]) -> bool:
        if event in ("proxy.start_tls.started", "socks.start_tls.started"):
            return True
        if event == "connection.start_tls.started":  # (an https:// proxy's own is not)
            return not self.socks and self.tunnel is None and self.peer == self.server
        request = info.get("request")
        return (
            event in ("http11.send_request_headers.started", "http2.send_connection_init.started")
            and getattr(request, "method", None) != b"CONNECT"
        )


class _Handshaken(_RouteSteps):
    """`_RouteSteps` that end the request once the TLS handshake with the endpoint is done
    (straight, or through a proxy's tunnel or a SOCKS proxy's), keeping what it negotiated:
    the TLS checks' route, the probes'."""

    __slots__ = ("certificate", "version")

    def __init__(self, server: str) -> None:
        super().__init__(server)
        self.version: str | None = None
        self.certificate: dict[str, Any] = {}

    def _past_route(self, event: str, info: Mapping[str, object]) -> bool:
        endpoint = event in ("proxy.start_tls.complete", "socks.start_tls.complete") or (
            event == "connection.start_tls.complete"  # (not an https:// proxy's own)
            and not self.socks
            and self.tunnel is None
            and self.peer == self.server
        )
        if endpoint:
            stream = info.get("return_value")
            tls = getattr(stream, "get_extra_info", lambda _: None)("ssl_object")
            self.version = None if tls is None else tls.version()
            self.certificate = {} if tls is None else (tls.getpeercert() or {})
            return True
        request = info.get("request")  # (no TLS after all: nothing sent to the endpoint)
        return (
            event in ("http11.send_request_headers.started", "http2.send_connection_init.started")
            and getattr(request, "method", None) != b"CONNECT"
        )


def _open_route(
    target: Target, steps: _RouteSteps | None = None, verify: ssl.SSLContext | bool = False
) -> _RouteSteps:
    """Open the way to ``target`` the probes take, with their client's settings and nothing
    sent; raise the error of a step that failed. A socket straight to the endpoint said
    nothing of the proxy (``ALL_PROXY``, ``HTTPS_PROXY``) the probes go through: the check
    passed past a dead one, and every probe failed. With `_Handshaken` ``steps``, the TLS
    handshake with the endpoint is made too, with ``verify``."""
    import httpx

    server = f"{target.host}:{target.port}"
    steps = _RouteSteps(server) if steps is None else steps
    # Without `_Handshaken`, no TLS handshake with the endpoint is made (the trace ends the
    # request before it): its TLS is the next checks'. (An https:// proxy's is httpcore's,
    # which verify= does not set.)
    timeout = httpx.Timeout(target.timeout)
    with httpx.Client(timeout=timeout, verify=verify) as client:
        request = client.build_request("HEAD", target.url, extensions={"trace": steps})
        with contextlib.suppress(_RouteOpen):
            client.send(request).close()
    return steps


def connect_failure(target: Target, exc: BaseException) -> str:
    """Why no connection to ``target`` was made: said apart from an endpoint that answered
    badly or late, which is a failed probe, and a proxy that let no probe through from the
    endpoint (`proxy_failure`)."""
    import httpx

    from .url_answers import proxy_failure

    shown = shown_url(target.url)
    through = proxy_failure(shown, exc, timeout=target.timeout)
    if through is not None:
        return f"cannot reach {shown}: {through}"
    # httpx's error is caused by httpcore's, caused by the socket's OSError: the first one
    # that says what happened counts.
    chain: list[BaseException] = []
    link: BaseException | None = exc
    while link is not None and link not in chain:
        chain.append(link)
        link = link.__cause__
    os_error = next((e for e in chain if isinstance(e, OSError)), None)
    if any(isinstance(e, (TimeoutError, httpx.ConnectTimeout)) for e in chain):
        why = (
            f"no connection within {target.timeout:g} s (is the host up, and is its port open "
            "to this machine?)"
        )
    elif isinstance(os_error, ConnectionRefusedError) or "refused" in str(exc).lower():
        why = "connection refused (nothing listens on that port)"
    elif isinstance(os_error, socket.gaierror):
        why = f"no address found for {target.host} ({os_error.strerror or os_error})"
    else:
        why = getattr(os_error, "strerror", None) or str(exc) or type(exc).__name__
    return f"cannot reach {shown}: {why}"


def endpoint_checks(target: Target) -> tuple[list[Result], ssl.SSLContext | bool]:
    """The URL and TLS checks, and how the HTTP probes should verify the server after them."""
    results = []
    local = target.allow_local and is_loopback(target.host)
    if local:
        results.append(Result("https-443", None, "skipped for a loopback address (--allow-local)"))
    elif target.port != 443:
        results.append(Result("https-443", False, f"port {target.port}: Alexa only calls port 443"))
    else:
        results.append(Result("https-443", True, "https on port 443"))
    if not target.https:
        results.append(Result("tls-version", None, "skipped: http:// (--allow-local)"))
        results.append(Result("tls-certificate", None, "skipped: http:// (--allow-local)"))
        return results, True
    version = _tls_version(target)
    results.append(version)
    if not version.passed:
        results.append(Result("tls-certificate", None, "not checked: no TLS 1.2 handshake"))
        return results, False
    certificate, context = _tls_certificate(target)
    results.append(certificate)
    # The probes still run when the certificate fails (reported once, above), without checking it.
    return results, context if certificate.passed else False


def _tls_version(target: Target) -> Result:
    # Amazon's endpoint requirements: TLS, with TLS 1.2 or later; the certificate is checked apart.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        route = _tls_connect(target, context)
    except ssl.SSLError as exc:
        return Result("tls-version", False, f"no TLS 1.2 or later handshake: {_ssl_reason(exc)}")
    except _Unreached as exc:
        return Result("tls-version", False, str(exc))
    said = f"{route.version} negotiated (TLS 1.2 or later required)"
    through = _proxy_named(target, route)
    return Result("tls-version", True, said if through is None else f"{said}; {through}")


def _tls_certificate(target: Target) -> tuple[Result, ssl.SSLContext]:
    context = tls_context(target.cafile)
    try:
        route = _tls_connect(target, context)
    except ssl.SSLCertVerificationError as exc:
        reason = exc.verify_message or _ssl_reason(exc)
        return Result("tls-certificate", False, f"{reason} for {target.host}"), context
    except ssl.SSLError as exc:
        return Result("tls-certificate", False, f"handshake failed: {_ssl_reason(exc)}"), context
    except _Unreached as exc:
        return Result("tls-certificate", False, str(exc)), context
    peer = route.certificate
    detail = f"valid for {target.host}"
    not_after = peer.get("notAfter")
    if isinstance(not_after, str):
        expires = dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), dt.UTC)
        days = (expires - dt.datetime.now(dt.UTC)).days
        detail += f", expires {expires:%Y-%m-%d} (in {days} days)"
    anchors = target.cafile or "the certifi CA bundle"
    detail += f"; trusted through {anchors}"
    through = _proxy_named(target, route)
    detail += "" if through is None else f"; {through}"
    return Result("tls-certificate", True, detail), context


def tls_context(cafile: str | None) -> ssl.SSLContext:
    """A client context checking certificate and host name against ``cafile`` (its OSError
    raised as it is: ``certify`` says it of ``--cafile``) or certifi (a bundle that cannot be
    read: a `UsageError` naming it, not ssl's error, which names no file)."""
    import certifi

    from ..tls import unusable_ca_bundle

    if cafile:
        return ssl.create_default_context(cafile=cafile)
    where = certifi.where()
    try:
        return ssl.create_default_context(cafile=where)
    except OSError as exc:  # (ssl.SSLError too: no certificate in it)
        raise UsageError(str(unusable_ca_bundle(exc, f"{where} (certifi's)"))) from None


class _Unreached(Exception):
    """No TLS handshake was begun with the endpoint: its message says why (`connect_failure`)."""


def _tls_connect(target: Target, context: ssl.SSLContext) -> _Handshaken:
    """The TLS handshake with ``target`` made with ``context``, the way the probes go: through
    the proxy the environment sets (its tunnel, a SOCKS proxy's) when one applies. Raise the
    handshake's `ssl.SSLError`, or `_Unreached`. (A socket straight to the endpoint checked
    another path than the probes', past the proxy they all go through.)"""
    import httpx

    steps = _Handshaken(f"{target.host}:{target.port}")
    try:
        _open_route(target, steps, verify=context)
    except Exception as exc:  # (httpx's errors; OSError, socksio's: connect_failure says them)
        link: BaseException | None = exc
        while link is not None and not isinstance(link, ssl.SSLError):
            link = link.__cause__ or link.__context__
        proxys = steps.stage == "proxy_tls"  # (an https:// proxy's own: no endpoint's TLS)
        if link is not None and not proxys and isinstance(exc, httpx.HTTPError | OSError):
            raise link from None  # (the handshake's own error, as a socket of its own raised)
        raise _Unreached(connect_failure(target, exc)) from None
    if steps.version is None:
        raise _Unreached(f"cannot reach {shown_url(target.url)}: no TLS handshake was made")
    return steps


def _ssl_reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason).replace("_", " ").lower() if reason else str(exc)
