"""httpx's connection pools read through their private attributes, which neither httpx nor
httpcore gives publicly: the transport a client sends a URL through (`transport_for`), its
pools, and the connections a failed, cancelled or abandoned connect left holding a place in one
(a proxy's tunnel, a SOCKS connection, one never started), for `OpenedConnection` to give the
place back. Renamed upstream, nothing is found (the place is kept, as before), and
tests/test_outgoing_connections.py fails.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import httpcore
    import httpx

__all__ = ["attributes", "transport_for"]


def transport_for(client: httpx.AsyncClient, url: httpx.URL | str) -> object:
    """The transport ``client`` sends ``url`` through, None if unknown. httpx has no public way
    to ask (nor traces its pool's wait), so its private ``_transport_for_url`` is (its mounts
    and proxies per URL): gone, a full pool gets the network's advice again, a failed tunnel
    keeps its pool's place, and tests/test_verify_fetch_proxies.py's
    test_httpx_still_names_the_transport_that_sends_a_url fails."""
    import httpx

    find = getattr(client, "_transport_for_url", None)
    try:
        return None if find is None else find(httpx.URL(url))
    except Exception:  # (an odd URL or client: nothing known)
        return None


def _tunnels_holding(
    transport: object, streams: list[object]
) -> list[httpcore.AsyncConnectionInterface]:
    """The connections of ``transport``'s pool (httpx's own transport) that are proxies'
    tunnels not yet open over one of ``streams``, not closed. Works around httpcore 1.0.9's
    ``AsyncTunnelHTTPConnection``, which does not mark itself failed when the TLS handshake
    through its tunnel fails or is cancelled (its ``AsyncHTTPConnection`` does, and the pool
    drops it): no public attribute names a connection's stream, nor a transport's pool, so
    these private ones are read, httpx's ``AsyncHTTPTransport._pool`` (0.28 to 0.29) and the
    tunnel's ``_connection`` (its connection to the proxy, till the tunnel is open), its
    ``_connection`` (the HTTP/1.1 one) and its ``_network_stream``. Renamed, nothing is found
    (the pool keeps its dead place, as before), and tests/test_outgoing_connections.py fails.
    Upstream: encode/httpcore issue 1023, open; once a release fixes it (for a cancellation
    too: its pull requests speak of exceptions), this and `OpenedConnection.free_failed_tunnel`
    may go."""
    connections = [c for pool in _pools(transport) for c in getattr(pool, "connections", ())]
    found = []
    for connection in connections:  # (httpcore's public list of them)
        to_proxy = getattr(getattr(connection, "_connection", None), "_connection", None)
        held = getattr(to_proxy, "_network_stream", None)
        ours = held is not None and any(held is stream for stream in streams)
        if ours and not connection.is_closed():
            found.append(connection)
    return found


def _socks_connecting(transport: object, request: httpx.Request | None) -> list[object]:
    """The connection of ``transport``'s pool (httpx's own transport, through a SOCKS proxy)
    that ``request`` is connecting, if not marked failed. Works around httpcore 1.0.9's
    ``AsyncSocks5Connection``, which marks itself failed (``_connect_failed``, which its
    ``is_closed`` reads until connected) on an Exception only, not on a cancellation (its
    ``AsyncHTTPConnection`` does on both). No public attribute names a request's connection,
    nor a transport's pool: these private ones are read, httpx's
    ``AsyncHTTPTransport._pool`` (0.27 to 0.29), the pool's ``_requests`` (each with its
    ``request``, whose ``extensions`` are the httpx request's own dict, and its
    ``connection``), the connection's ``_connection`` (None till connected) and
    ``_connect_failed``. Renamed, nothing is found (the pool keeps its dead place, as
    before), and tests/test_outgoing_connections.py fails. Upstream: encode/httpcore issue
    1023 (the tunnel's alike); once a release marks a cancelled SOCKS connect failed, this and
    `OpenedConnection.free_failed_socks`'s marking may go."""
    if request is None:
        return []
    found: list[object] = []
    for waiting in [w for pool in _pools(transport) for w in getattr(pool, "_requests", ())]:
        connection = getattr(waiting, "connection", None)
        ours = getattr(getattr(waiting, "request", None), "extensions", None) is request.extensions
        if (
            ours
            and type(connection).__name__ == "AsyncSocks5Connection"
            and getattr(connection, "_connection", ()) is None
            and getattr(connection, "_connect_failed", None) is False
        ):
            found.append(connection)
    return found


def _unstarted(pool: object) -> list[object]:
    """The connections of ``pool`` (httpcore's) never started and held by no request: made for
    a request that went away before it used it (`OpenedConnection.free_unstarted`). The pool's
    private ``_requests`` (each with its ``connection``) and the connections' ``_connection``
    (None till connected; a tunnel's or a forwarding proxy's: its connection to the proxy,
    whose own is None till connected) and ``_connect_failed`` are read: renamed, nothing is
    found (the place is kept, as before), and tests/test_outgoing_connections.py fails."""
    held = [getattr(waiting, "connection", None) for waiting in getattr(pool, "_requests", ())]
    found = []
    for pooled in getattr(pool, "connections", ()):
        connection, inner = pooled, getattr(pooled, "_connection", ())
        if type(pooled).__name__ in ("AsyncTunnelHTTPConnection", "AsyncForwardHTTPConnection"):
            connection = inner  # (the connection to the proxy: marked failed, the tunnel is too)
            inner = getattr(connection, "_connection", ())
        if (
            inner is None
            and getattr(connection, "_connect_failed", None) is False
            and not any(holder is pooled for holder in held)
        ):
            found.append(connection)
    return found


#: How deep `_pools` looks into wrappers held by wrappers.
_WRAPPING_DEPTH: Final = 4


def _pools(transport: object, depth: int = 0) -> list[object]:
    """The pools (httpx's private ``_pool``) of the httpx transports ``transport`` is or holds:
    httpx's own (or a subclass of it), or those a transport of one's own around it holds in
    its attributes (its instance's, or slots), wrappers of wrappers too. One that holds httpx's
    in a closure or a container is not seen through: a failed connection there keeps its
    pool's place (README, "Outbound HTTPS")."""
    import httpx

    pool = (
        getattr(transport, "_pool", None)
        if isinstance(transport, httpx.AsyncHTTPTransport)
        else None
    )
    if pool is not None:
        return [pool]
    if not isinstance(transport, httpx.AsyncBaseTransport) or depth >= _WRAPPING_DEPTH:
        return []
    try:
        values = attributes(transport)
    except Exception:  # (a wrapper's own __getattr__ or property that fails: nothing known)
        return []
    return [pool for value in values for pool in _pools(value, depth + 1)]


def attributes(value: object) -> list[object]:
    """The values of ``value``'s instance attributes and slots (its class's and its bases')."""
    found = list(getattr(value, "__dict__", {}).values())
    for kind in type(value).__mro__:
        slots = kind.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__") and hasattr(value, name):
                found.append(getattr(value, name))
    return found


def _mark_failed(connection: object) -> None:
    """Mark httpcore (1.0.9)'s ``AsyncSocks5Connection`` (or ``AsyncHTTPConnection``) failed,
    as it marks itself on an Exception: its pool then drops it (`_socks_connecting`,
    `_unstarted`)."""
    connection._connect_failed = True  # type: ignore[attr-defined]
