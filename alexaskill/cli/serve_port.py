"""``alexaskill serve``'s host, resolved (`check_host`), and its port, checked free before uvicorn
binds it (`check_port`)."""

from __future__ import annotations

from typing import Any

from .common import UsageError, logger

__all__ = [
    "address_shown",
    "bind_as_asyncio",
    "check_host",
    "check_port",
    "ipv6_wildcard",
    "refuse_unbound",
]


def check_port(host: str, port: int, *, one_socket: bool) -> None:
    """`UsageError` for a ``--port`` uvicorn could not bind on ``--host``: in use, or below 1024
    for this user; or a ``--host`` that is no address of this machine. uvicorn started the app,
    then said ``[Errno 98] ... address already in use`` (with ``--workers`` or ``--reload``
    naming neither host nor port) and exited 3. The addresses are bound as uvicorn binds them:
    one socket (``one_socket``: its supervisor's or reloader's), else asyncio's, one per address
    the host resolves to. The check and the bind race: a port taken between is said in the
    same words where serve binds uvicorn's sockets, one (`refuse_unbound`) or asyncio's
    (`bind_as_asyncio`)."""
    import errno
    import socket

    if port == 0:  # the system chooses a free one
        return
    if one_socket:  # uvicorn's Config.bind_socket
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        addresses: list[tuple[Any, Any]] = [(family, (host, port))]
    else:
        addresses = _passive_addresses(host, port)
    for family, address in addresses:
        try:
            probe = socket.socket(family, socket.SOCK_STREAM)
        except OSError as exc:
            if exc.errno != errno.EAFNOSUPPORT:  # (IPv6 off: Linux booted with ipv6.disable=1)
                raise
            if one_socket or len(addresses) == 1:
                raise UsageError(
                    f"--host {host}: this machine has no IPv6 ({exc.strerror}): give an IPv4 "
                    "address (127.0.0.1, 0.0.0.0 for every interface)"
                ) from None
            continue  # as asyncio's create_server skips a family it cannot make
        with probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn and asyncio
            if family == socket.AF_INET6 and not one_socket:  # as asyncio's create_server
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as exc:
                both = one_socket and family == socket.AF_INET6  # (the system's default)
                ipv4 = both and exc.errno == errno.EADDRINUSE and _ipv6_free(address)
                _say_unbindable(
                    exc, errno, host, port, address, only=len(addresses) == 1, ipv4=ipv4
                )


def refuse_unbound(exc: OSError, host: str, port: int) -> None:
    """`UsageError` for ``exc``, raised binding uvicorn's one socket (``--reload``, ``--workers``,
    ``::``) on ``host`` and ``port`` once `check_port` had passed (the port taken meanwhile), in
    `check_port`'s words; for an error that is not the command's, nothing."""
    import errno

    address = (host, port)
    ipv4 = ":" in host and exc.errno == errno.EADDRINUSE and _ipv6_free(address)
    _say_unbindable(exc, errno, host, port, address, only=True, ipv4=ipv4)


def bind_as_asyncio(host: str, port: int) -> list[Any] | None:
    """The sockets uvicorn's one server process (``uvicorn.run``, no ``--reload`` or
    ``--workers`` over 1) would bind on ``host`` and ``port``, bound as asyncio's
    ``create_server`` binds them: one per address the host resolves to, an IPv6 one IPv6 only,
    a family this machine lacks skipped. A port taken since `check_port` is a `UsageError` in
    its words; any other failure (None) is left to uvicorn, which binds them itself then.
    Port 0 is the one the system chooses for the first address, on each of them; where none it
    chose was free on each, each is bound on a port of its own, as asyncio binds them, said in
    a WARNING naming them."""
    for _ in range(_PORT_0_TRIES):
        try:
            return _bind_as_asyncio(host, port, one_port=True)
        except _ChosenPortTaken:  # (its sockets closed: the system asked again)
            continue
    # Bound here, not left to uvicorn, which binds them alike without a word: uvicorn's
    # "Uvicorn running on" line would name the first's port alone (serve's names each).
    sockets = _bind_as_asyncio(host, port, one_port=False)
    if sockets is not None:
        logger.warning(
            "--port 0 on %s: no port the system chose (%d tries) was free on each of its "
            "addresses, each now served on a port of its own: %s: give a --port free on each to "
            "serve them on one",
            host,
            _PORT_0_TRIES,
            ", ".join(address_shown(*sock.getsockname()[:2]) for sock in sockets),
        )
    return sockets


#: How often `bind_as_asyncio` asks the system for a port anew, the one it chose for the first
#: address of ``--port 0`` taken on another (by another server, between two binds: rare).
_PORT_0_TRIES = 5


class _ChosenPortTaken(Exception):
    """The port the system chose for ``--port 0``'s first address is taken on another."""


def _bind_as_asyncio(host: str, port: int, *, one_port: bool) -> list[Any] | None:
    """`bind_as_asyncio`'s one try; `_ChosenPortTaken` for port 0 taken on a later address
    (``one_port``), else each address of port 0 on a port of its own."""
    import errno
    import os
    import socket
    import sys

    bound: list[socket.socket] = []
    try:
        addresses = _passive_addresses(host, port)
        for family, address in addresses:
            if port == 0 and bound and one_port:
                # One port for all, the system's choice for the first: asyncio (and uvicorn
                # binding them) takes a port of its own for each, and "Uvicorn running on"
                # names the first's alone (localhost: 127.0.0.1 and ::1 in most /etc/hosts).
                address = (address[0], bound[0].getsockname()[1], *address[2:])
            try:
                sock = socket.socket(family, socket.SOCK_STREAM)
            except OSError:  # (asyncio's "bad family/type/protocol combination": skipped)
                continue
            bound.append(sock)
            if os.name == "posix" and sys.platform != "cygwin":  # asyncio's reuse_address
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRNOTAVAIL and len(addresses) > 1:  # as asyncio
                    bound.pop().close()
                    continue
                if one_port and port == 0 and exc.errno == errno.EADDRINUSE and len(bound) > 1:
                    raise _ChosenPortTaken from None
                _say_unbindable(exc, errno, host, port, address, only=len(addresses) == 1)
                raise
    except BaseException as exc:
        for sock in bound:
            sock.close()
        if isinstance(exc, OSError):
            return None  # (not the command's mistake: uvicorn says it, as it always did)
        raise
    if not bound:
        return None
    return bound


def _ipv6_free(address: tuple[Any, ...]) -> bool:
    """Whether ``address`` (IPv6), in use to a socket of both stacks (``::``), is free to one
    of IPv6 only: its port is held on IPv4 alone."""
    import socket

    with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        try:
            probe.bind(address)
        except OSError:
            return False
    return True


def _say_unbindable(
    exc: OSError,
    errno: Any,
    host: str,
    port: int,
    address: tuple[Any, ...],
    *,
    only: bool,
    ipv4: bool = False,
) -> None:
    """`UsageError` for ``exc``, raised binding ``address``, where it is the command's mistake
    (``only``: the one address tried; ``ipv4``: in use on the IPv4 side of ``::`` alone); any
    other error is left to uvicorn."""
    shown = address_shown(address[0], port)
    if exc.errno == errno.EADDRINUSE:
        if ipv4:  # (where nothing listens on IPv6: "[::]:8000 is in use" sent one looking)
            shown += f" listens on IPv4 too, where port {port}"
        raise UsageError(
            f"--port {port}: {shown} is already in use (another server, or one still "
            "stopping): stop it, or choose another --port"
        ) from None
    if exc.errno == errno.EACCES:
        raise UsageError(
            f"--port {port}: this user may not bind {shown} ({exc.strerror}; ports below 1024 "
            "need privileges): choose one from 1024 up, with a TLS proxy on 443 in front"
        ) from None
    if exc.errno == errno.EADDRNOTAVAIL and only:  # (else asyncio skips it, as a family off)
        raise UsageError(
            f"--host {host}: not an address of this machine: give one of its own (127.0.0.1, "
            "0.0.0.0 for every interface, ::)"
        ) from None


def address_shown(address: str, port: int) -> str:
    """``address`` and ``port`` as the log shows them: ``127.0.0.1:8000``, ``[::1]:8000``."""
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _passive_addresses(host: str, port: int) -> list[tuple[Any, Any]]:
    """The (family, address) pairs a listening socket on ``host`` and ``port`` binds to, as
    ``create_server`` resolves them (``AI_PASSIVE``), each once, in the resolver's order."""
    import socket

    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    return list(dict.fromkeys((info[0], info[4]) for info in found))


def check_host(host: str) -> None:
    """`UsageError` for a ``--host`` this machine cannot resolve: uvicorn started the app, then
    said only ``[Errno -2] Name or service not known``, naming no host, and exited."""
    import socket

    try:
        socket.getaddrinfo(host, None, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:  # UnicodeError: a name IDNA refuses (a..b)
        why = exc.strerror if isinstance(exc, socket.gaierror) else "not a host name"
        raise UsageError(f"--host {host}: {why}: {_host_hint(host)}") from None


def _host_hint(host: str) -> str:
    """What to give ``--host`` instead of ``host``, which did not resolve: a URL's spelling of an
    address (``[::1]``, ``127.0.0.1:8000``, ``http://…``) said as such, not as a name."""
    if "://" in host:
        return "give an address, not a URL (the port has --port, TLS --ssl-certfile)"
    if host.startswith("[") and "]" in host:
        inner, _, rest = host[1:].partition("]")
        port = rest.removeprefix(":")
        return f"an IPv6 address goes without brackets: --host {inner}" + (
            f" --port {port}" if port.isdigit() else ""
        )
    name, colon, port = host.rpartition(":")
    if colon and ":" not in name and port.isdigit():
        return f"the port goes in --port: --host {name} --port {port}"
    return "give an address of this machine (127.0.0.1, 0.0.0.0, ::) or a name it resolves"


def ipv6_wildcard(host: str) -> bool:
    """Whether ``host`` is the IPv6 unspecified address (``::``), every interface's."""
    import ipaddress

    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.version == 6 and address.is_unspecified
