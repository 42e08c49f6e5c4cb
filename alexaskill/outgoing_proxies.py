"""The proxies the environment sets for outgoing HTTP (``HTTP_PROXY``, ``HTTPS_PROXY``,
``ALL_PROXY``), checked as httpx reads them: one it cannot use (a SOCKS proxy without the
socksio package, a scheme it does not know) said as a `ConfigurationError` naming the variable
and what to do, before any client is made.

httpx refuses to make a client (``trust_env``, its default) for such a proxy, whatever URL the
client is for: the skill's lifespan failed with httpx's traceback, a mounted skill's every
certificate download and every call to Alexa's APIs with an ``ImportError``."""

from __future__ import annotations

import os
import sys
from typing import Final

from .exceptions import ConfigurationError

__all__ = ["check_outgoing_proxies", "proxy_named", "variable_setting"]

#: The proxy schemes httpx takes (``httpx.Proxy``); the SOCKS ones need socksio.
_SCHEMES: Final = ("http", "https", "socks5", "socks5h")
_SOCKS: Final = ("socks5", "socks5h")


def check_outgoing_proxies() -> None:
    """Raise `ConfigurationError` if a proxy the environment sets is one httpx cannot use."""
    if not _may_set_proxies():
        return  # (nothing to read: urllib.request, and its ipaddress, left unimported)
    from urllib.request import getproxies

    proxies = getproxies()  # (what httpx reads: its get_environment_proxies)
    if "*" in (host.strip() for host in proxies.get("no", "").split(",")):
        return  # (NO_PROXY=*: httpx makes no proxy of them)
    for scheme in ("http", "https", "all"):
        value = proxies.get(scheme)
        if value:
            _check(_variable(scheme, value), value if "://" in value else f"http://{value}")


def _check(name: str, value: str) -> None:
    import httpx

    try:
        url = httpx.URL(value)
    except Exception as exc:  # (httpx.InvalidURL, or what a stranger value raises)
        raise ConfigurationError(
            f"{name} is no URL httpx can read ({exc}): set it to the proxy's URL, "
            "http://host:port, or unset it"
        ) from None
    # (shown without its user name and password, which a log must not keep)
    shown = str(url.copy_with(username=None, password=None))
    if url.scheme not in _SCHEMES:
        raise ConfigurationError(
            f"{name}={shown}: httpx takes a proxy of http://, https://, socks5:// or "
            "socks5h:// only; set one of those, or unset it"
        )
    if url.scheme in _SOCKS and not _has_socksio():
        raise ConfigurationError(
            f"{name}={shown} is a SOCKS proxy, and httpx needs the socksio package for one, "
            "which is not installed: pip install 'httpx[socks]' in this environment, or set "
            f"{name} to an http:// proxy"
        )


def proxy_named(
    at: str | None, *, socks: bool = False, variable: str | None = None, url: str | None = None
) -> str:
    """A proxy as every line names it: ``the proxy at host:port (HTTPS_PROXY)`` when the
    environment ``variable`` sets it, else by its ``url`` when known (``the SOCKS proxy
    socks5://host:port``: a client's ``proxy=``), else by its address ``at`` (``host:port``),
    else ``the proxy``."""
    kind = "SOCKS proxy" if socks else "proxy"
    if at is not None and variable is not None:
        return f"the {kind} at {at} ({variable})"
    if url is not None:
        return f"the {kind} {url}"
    return f"the {kind}" if at is None else f"the {kind} at {at}"


def variable_setting(scheme: str, proxy: str, *, anywhere: bool = False) -> str | None:
    """The environment variable that sets the proxy at ``proxy`` (``host:port``) for a URL of
    ``scheme`` as httpx reads them (for an https:// URL ``HTTPS_PROXY``, else ``ALL_PROXY``);
    None if none does (a client's own ``proxy=``, or one made with ``trust_env=False``).

    With ``anywhere``, for a transport of one's own (httpx reads no variable for a client given
    one: its proxy is the one its maker read, from whichever variable), any variable whose
    proxy is at ``proxy``: the scheme's, ``ALL_PROXY``, then the others'."""
    if not _may_set_proxies():
        return None
    from urllib.request import getproxies

    proxies = getproxies()
    kinds = [scheme, "all"]  # (httpx's pattern for the scheme wins over all://)
    if anywhere:
        kinds += [kind for kind in ("http", "https") if kind not in kinds]
    for kind in kinds:
        value = proxies.get(kind)
        if not value:
            continue
        if _address(value) == proxy:
            return _variable(kind, value)
        if not anywhere:
            return None  # (httpx took this one: the proxy is no variable's)
    return None


def _address(value: str) -> str | None:
    """``host:port`` of the proxy URL ``value`` as httpcore connects to it; None if httpx
    cannot read it (said at start, `check_outgoing_proxies`)."""
    import httpx

    try:
        url = httpx.URL(value if "://" in value else f"http://{value}")
    except Exception:
        return None
    return f"{url.host}:{url.port or _DEFAULT_PORTS.get(url.scheme)}"


#: The port httpcore connects to for a proxy URL without one.
_DEFAULT_PORTS: Final = {"http": 80, "https": 443, "socks5": 1080, "socks5h": 1080}


def _may_set_proxies() -> bool:
    """Whether any proxy may be set: a ``*_proxy`` variable (any case), or a platform whose
    ``getproxies`` reads the system's settings too (Windows' registry, macOS's). Checked first
    so that a Lambda cold start without one imports nothing more."""
    if sys.platform in ("win32", "darwin"):
        return True
    return any(name.lower().endswith("_proxy") for name in os.environ)


def _has_socksio() -> bool:
    """Whether ``import socksio`` works, as httpx tries it."""
    import importlib

    try:
        importlib.import_module("socksio")
    except ImportError:
        return False
    return True


def _variable(scheme: str, value: str) -> str:
    """The environment variable that sets ``scheme``'s proxy to ``value`` (``ALL_PROXY``, or
    ``all_proxy``, which urllib prefers when both are set)."""
    for name in (f"{scheme}_proxy", f"{scheme.upper()}_PROXY"):
        if os.environ.get(name) == value:
            return name
    for name, given in os.environ.items():
        if name.lower() == f"{scheme}_proxy" and given == value:
            return name
    return f"{scheme.upper()}_PROXY"
