"""The proxies uvicorn trusts (``--forwarded-allow-ips``, ``FORWARDED_ALLOW_IPS``), checked.

With ``--proxy-headers`` (uvicorn's default, the Docker image's and ``alexaskill serve``'s) uvicorn
believes ``X-Forwarded-For`` and ``X-Forwarded-Proto`` from these addresses: the client's address
and scheme the app sees. uvicorn reads an entry that is neither an address nor a network as a name
that no address matches, without a word: a typo trusts no proxy. Checked here, where alexaskill
reads the setting: `settings_from_env` and ``alexaskill serve`` refuse such a list at start;
alexaskill's server protocol, which sees uvicorn's own options, says it at the first connection
(`check_served_proxies`). A list that trusts every address (``*``) is said on the security logger.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Final

from .exceptions import ConfigurationError
from .logs import logger, security_logger

__all__ = [
    "FORWARDED_ALLOW_IPS",
    "check_forwarded_allow_ips",
    "check_served_proxies",
    "say_trusting_everyone",
]

#: uvicorn's variable for ``--forwarded-allow-ips``: the proxies whose ``X-Forwarded-For`` and
#: ``X-Forwarded-Proto`` it believes (with ``--proxy-headers``, its default).
FORWARDED_ALLOW_IPS: Final = "FORWARDED_ALLOW_IPS"


def check_forwarded_allow_ips(value: str, *, source: str = FORWARDED_ALLOW_IPS) -> bool:
    """Check a list of trusted proxies as uvicorn reads it (``--forwarded-allow-ips``,
    ``FORWARDED_ALLOW_IPS``); True if it trusts every address (``*``).

    IP addresses and networks separated by commas, or ``*`` on its own. uvicorn takes an entry
    it cannot read as an address or a network for a name, to be compared with the address a
    connection comes from, which it never matches: a typo (``10.0.0.0/33``, ``10.0.0.1/8``,
    ``localhost``, ``*`` among other entries) silently trusted no proxy for it.
    `ConfigurationError` names the entry (``source`` names the setting). Empty entries match
    nothing and are let through, as are Unix socket paths (``/run/proxy.sock``, ``unix:…``),
    which uvicorn documents.
    """
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    if entries == ["*"]:
        return True
    for entry in entries:
        problem = _unreadable(entry)
        if problem is not None:
            raise ConfigurationError(
                f"{_setting(source, value)}: {problem}; give IP addresses and networks "
                "separated by commas (10.0.0.5,10.1.0.0/16), or * on its own for every address"
            )
    return False


def _setting(source: str, value: str) -> str:
    """``FORWARDED_ALLOW_IPS='…'``, or ``--forwarded-allow-ips '…'`` for an option."""
    return f"{source} {value!r}" if source.startswith("-") else f"{source}={value!r}"


def _unreadable(entry: str) -> str | None:
    """Why uvicorn would take a trusted-proxy entry for a name that no address matches, or None."""
    import ipaddress  # here: settings_from_env() on AWS Lambda imports this module, rarely this

    if entry == "*":
        return "'*' trusts every address only on its own: among other entries it is a name"
    if entry.startswith(("/", "unix:")):
        return None  # a Unix socket, which uvicorn compares as written
    if "/" in entry:
        try:
            ipaddress.ip_network(entry)
        except ValueError as exc:
            meant = ""
            with contextlib.suppress(ValueError):  # host bits set (10.0.0.1/8): its network
                meant = f": {ipaddress.ip_network(entry, strict=False)}?"
            return f"{entry!r} is not an IP network ({exc}){meant}"
        return None
    try:
        ipaddress.ip_address(entry)
    except ValueError:
        return (
            f"{entry!r} is not an IP address: uvicorn compares each entry with the address a "
            "connection comes from, never with a host name (this machine: 127.0.0.1,::1)"
        )
    return None


_said_trusting_everyone = False


def say_trusting_everyone(source: str) -> None:
    """Warn on the security logger, once a process, that ``source`` (``*``) trusts every address
    as a proxy: any client that reaches the port sets the address and scheme the app sees."""
    global _said_trusting_everyone
    if _said_trusting_everyone:
        return
    _said_trusting_everyone = True
    security_logger.warning(
        "%s: X-Forwarded-For and X-Forwarded-Proto are believed from every address, so any "
        "client that reaches this server directly can say which address it comes from and "
        "that it came over HTTPS. Let only the proxy reach the port, or name the proxy's "
        "addresses instead of *.",
        _setting(source, "*"),
    )


def check_served_proxies(config: Any) -> None:
    """Say what is wrong with the proxies a uvicorn ``Config`` trusts: a list it misreads, at
    ERROR on ``"alexaskill.server"`` (uvicorn serves on, trusting no proxy for the entry), or
    every address (`say_trusting_everyone`). Nothing without ``proxy_headers``."""
    allowed = getattr(config, "forwarded_allow_ips", None)
    if not getattr(config, "proxy_headers", False) or allowed is None:
        return
    if not isinstance(allowed, str):  # a list, given in code
        allowed = ",".join(allowed)
    from_env = os.environ.get(FORWARDED_ALLOW_IPS) == allowed
    source = FORWARDED_ALLOW_IPS if from_env else "--forwarded-allow-ips"
    try:
        everyone = check_forwarded_allow_ips(allowed, source=source)
    except ConfigurationError as exc:
        logger.getChild("server").error(
            "%s (uvicorn serves on, trusting no proxy for that entry)", exc
        )
        return
    if everyone:
        say_trusting_everyone(source)
