"""The proxies uvicorn trusts (``--forwarded-allow-ips``, ``FORWARDED_ALLOW_IPS``), checked.

With ``--proxy-headers`` (uvicorn's default, the Docker image's and ``alexaskill serve``'s) uvicorn
believes ``X-Forwarded-For`` and ``X-Forwarded-Proto`` from these addresses: the client's address
and scheme the app sees. uvicorn reads an entry that is neither an address nor a network as a name
that no address matches, without a word: a typo trusts no proxy. Checked here, wherever alexaskill
sees what uvicorn was given: ``alexaskill serve`` refuses such a list at start; a `Skill` served by
uvicorn (``uvicorn app:skill``) finds uvicorn's options at its lifespan's start, and alexaskill's
server protocol at the first connection (`check_served_proxies_once`, whichever comes first): a
list uvicorn misreads is logged at ERROR, and uvicorn serves on. Not where the variable is merely
present (`settings_from_env`): uvicorn may not read it (``--forwarded-allow-ips`` given,
``--no-proxy-headers``, AWS Lambda). A list that trusts every address (``*``, ``0.0.0.0/0``) is
said on the security logger.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Sequence
from typing import Any, Final

from .exceptions import ConfigurationError
from .logs import logger, security_logger
from .shown_names import shown, shown_value

__all__ = [
    "FORWARDED_ALLOW_IPS",
    "check_forwarded_allow_ips",
    "check_served_proxies",
    "check_served_proxies_once",
    "lifespan_server_config",
    "request_server_config",
    "say_trusting_everyone",
    "trusting_everyone_said",
]

#: uvicorn's variable for ``--forwarded-allow-ips``: the proxies whose ``X-Forwarded-For`` and
#: ``X-Forwarded-Proto`` it believes (with ``--proxy-headers``, its default).
FORWARDED_ALLOW_IPS: Final = "FORWARDED_ALLOW_IPS"


def check_forwarded_allow_ips(
    value: str | Sequence[str], *, source: str = FORWARDED_ALLOW_IPS
) -> bool:
    """Check a list of trusted proxies as uvicorn reads it (``--forwarded-allow-ips``,
    ``FORWARDED_ALLOW_IPS``, or a list given to ``uvicorn.run`` in code); True if it trusts
    every address: ``*`` (exactly that: uvicorn compares the whole value with it), or a network
    of prefix length 0 (``0.0.0.0/0``, ``::/0``).

    IP addresses and networks separated by commas (a list's entries are taken as given, spaces
    and all), or ``*`` on its own. uvicorn takes an entry it cannot read as an address or a
    network for a name, to be compared with the address a connection comes from, which it never
    matches: a typo (``10.0.0.0/33``, ``10.0.0.1/8``, ``localhost``, ``10.0.0.*``, ``*`` among
    other entries or with spaces around it) silently trusted no proxy for it.
    `ConfigurationError` names the entry (``source`` names the setting). Empty entries match
    nothing and are let through, as are Unix socket paths (``/run/proxy.sock``, ``unix:…``),
    which uvicorn documents.
    """
    if value == "*" or (isinstance(value, list) and value == ["*"]):  # uvicorn's own test
        return True
    if isinstance(value, str):
        entries = [entry.strip() for entry in value.split(",")]  # as uvicorn splits it
    else:
        entries = list(value)
    everyone = False
    for entry in entries:
        if not entry:
            continue
        problem = _unreadable(entry)
        if problem is not None:
            raise ConfigurationError(
                f"{_setting(source, value)}: {problem}; give IP addresses and networks "
                "separated by commas (10.0.0.5,10.1.0.0/16), or exactly * for every address"
            )
        everyone = everyone or _families(entry) != set()
    return everyone


def _families(entry: str) -> set[int]:
    """The IP versions (4, 6) of which ``entry``, a readable entry, trusts every address."""
    import ipaddress

    if "/" not in entry or entry.startswith(("/", "unix:")):
        return set()
    network = ipaddress.ip_network(entry)
    return {network.version} if network.prefixlen == 0 else set()


def _setting(source: str, value: str | Sequence[str]) -> str:
    """``FORWARDED_ALLOW_IPS='…'``, or ``--forwarded-allow-ips '…'`` for an option."""
    if not isinstance(value, str):
        value = list(value)
    said = shown_value(value)
    return f"{source} {said}" if source.startswith("-") else f"{source}={said}"


def _unreadable(entry: str) -> str | None:
    """Why uvicorn would take a trusted-proxy entry for a name that no address matches, or None."""
    import ipaddress  # here: settings_from_env() on AWS Lambda imports this module, rarely this

    if entry == "*":
        return (
            "'*' trusts every address only on its own, as the whole value: among other "
            "entries, or with spaces around it, it is a name, and trusts no address"
        )
    if "*" in entry:
        return f"{shown_value(entry)}: uvicorn knows no wildcards; give a network (10.0.0.0/24)"
    if entry.startswith(("/", "unix:")):
        return None  # a Unix socket, which uvicorn compares as written
    if "/" in entry:
        try:
            ipaddress.ip_network(entry)
        except ValueError as exc:
            meant = ""
            with contextlib.suppress(ValueError):  # host bits set (10.0.0.1/8): its network
                meant = f": {ipaddress.ip_network(entry, strict=False)}?"
            return f"{shown_value(entry)} is not an IP network ({shown(str(exc))}){meant}"
        return None
    try:
        ipaddress.ip_address(entry)
    except ValueError:
        return (
            f"{shown_value(entry)} is not an IP address: uvicorn compares each entry with the "
            "address a connection comes from, never with a host name (this machine: 127.0.0.1,::1)"
        )
    return None


_said_trusting_everyone = False


def trusting_everyone_said() -> None:
    """Count `say_trusting_everyone`'s warning as said in this process: the ``alexaskill serve``
    process that started it (a worker, or the reloader's server process) said it at start."""
    global _said_trusting_everyone
    _said_trusting_everyone = True


def say_trusting_everyone(source: str, value: str | Sequence[str] = "*") -> None:
    """Warn on the security logger, once a process, that ``source`` (its ``value``: ``*``, or
    with a network of prefix length 0) trusts every address as a proxy: any client that
    reaches the port sets the address and scheme the app sees."""
    global _said_trusting_everyone
    if _said_trusting_everyone:
        return
    _said_trusting_everyone = True
    families: set[int] = {4, 6}
    if value != "*" and value != ["*"]:
        entries = value.split(",") if isinstance(value, str) else value
        families = set().union(*(_families(entry.strip()) for entry in entries if entry.strip()))
    who = "every address" if families == {4, 6} else f"every IPv{families.pop()} address"
    security_logger.warning(
        "%s: X-Forwarded-For and X-Forwarded-Proto are believed from %s, so any client that "
        "reaches this server directly can say which address it comes from and that it came "
        "over HTTPS. Let only the proxy reach the port, or name the proxy's addresses instead.",
        _setting(source, value),
        who,
    )


def check_served_proxies(config: Any) -> None:
    """Say what is wrong with the proxies a uvicorn ``Config`` trusts: a list it misreads, at
    ERROR on ``"alexaskill.server"`` (uvicorn serves on, trusting no proxy for the entry), or
    every address (`say_trusting_everyone`). Nothing without ``proxy_headers``."""
    allowed = getattr(config, "forwarded_allow_ips", None)
    if not getattr(config, "proxy_headers", False) or allowed is None:
        return
    if not isinstance(allowed, str):  # a list, given in code: uvicorn.run(forwarded_allow_ips=)
        allowed, source = list(allowed), "forwarded_allow_ips"
    elif os.environ.get(FORWARDED_ALLOW_IPS) == allowed:
        source = FORWARDED_ALLOW_IPS
    else:
        source = "--forwarded-allow-ips"
    try:
        everyone = check_forwarded_allow_ips(allowed, source=source)
    except ConfigurationError as exc:
        logger.getChild("server").error(
            "%s (uvicorn serves on, trusting no proxy for that entry)", exc
        )
        return
    if everyone:
        say_trusting_everyone(source, allowed)


_served_checked = False


def check_served_proxies_once(config: Any) -> None:
    """`check_served_proxies`, the first time in this process: the app's lifespan and
    alexaskill's server protocol each see uvicorn's options, and the first to see them says
    what is wrong (once a worker, not once each)."""
    global _served_checked
    if _served_checked:
        return
    _served_checked = True
    check_served_proxies(config)


def lifespan_server_config(receive: Any) -> Any | None:
    """The uvicorn ``Config`` whose server runs the lifespan that receives through ``receive``,
    or None (another server, or a lifespan run by something else: a test client, a host app).

    uvicorn hands the app its lifespan's ``receive`` as a method of the object that holds its
    ``Config``: there, the options as uvicorn read them (``--forwarded-allow-ips``, else
    ``$FORWARDED_ALLOW_IPS``, and ``--proxy-headers``), which the app's environment alone cannot
    tell. Only a ``uvicorn.config.Config`` is taken, and only once uvicorn has loaded it
    (found so from uvicorn 0.42 to 0.55: tests/test_proxies_uvicorn.py pins it).
    """
    return _uvicorn_config(getattr(receive, "__self__", None))


def request_server_config(receive: Any) -> Any | None:
    """The uvicorn ``Config`` whose server answers the request that receives through
    ``receive``, or None: uvicorn's request cycle's method, whose transport's protocol holds it
    (where a host app that mounts a skill runs no lifespan of the skill's: `Skill.mount`).

    uvicorn's internals, found so from 0.42 to 0.55 (tests/test_proxies_uvicorn.py pins them).
    Anything else is None, never an error: another server's cycle, or a transport that cannot
    say its protocol (asyncio's base class raises `NotImplementedError`)."""
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    get_protocol = getattr(transport, "get_protocol", None)
    try:
        protocol = get_protocol() if callable(get_protocol) else None
    except Exception:  # (a check of the server's options: never the request's failure)
        return None
    return _uvicorn_config(protocol)


def _uvicorn_config(holder: object) -> Any | None:
    """``holder``'s ``config`` if it is a ``uvicorn.config.Config``, or None."""
    module = sys.modules.get("uvicorn.config")  # not loaded: not uvicorn's
    config = getattr(holder, "config", None)
    if module is None or not isinstance(config, module.Config):
        return None
    return config
