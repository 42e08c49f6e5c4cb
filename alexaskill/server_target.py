"""The absolute form of a request's target (``GET http://host/path HTTP/1.1``, RFC 9112,
3.2.2), as `alexaskill.server`'s protocols take it: its path for the request's path, and its
host for the request's ``host`` header, whatever the Host header said; and the check of a Host
header's value (`invalid_host`), on either parser."""

from __future__ import annotations

import re
from typing import Final

from .log_repeats import remember

__all__: list[str] = []  # the server protocols' helper

#: A URL's host (RFC 3986, 3.2.2: a name, an IPv4 address or a bracketed IP literal) and port,
#: without a user (RFC 9110, 4.2.4: an error in an http URL).
_AUTHORITY: Final = re.compile(
    rb"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::([0-9]*))?"
)


def absolute_form(target: bytes) -> tuple[bytes, bytes] | None:
    """The authority (host and port) and the origin form (path and query) of ``target``, if it
    is a URL (``http://`` or ``https://``); None for another form. ValueError for a URL whose
    authority is no host (empty, a user's: RFC 9110, 4.2.1 and 4.2.4), or whose port is empty
    or over 65535 (which httptools refuses; h11 took them)."""
    if target[:7].lower() != b"http://" and target[:8].lower() != b"https://":
        return None
    rest = target[target.index(b"//") + 2 :]
    ends = [i for i in (rest.find(b"/"), rest.find(b"?"), rest.find(b"#")) if i >= 0]
    end = min(ends) if ends else len(rest)
    authority, origin = rest[:end], rest[end:]
    host = _AUTHORITY.fullmatch(authority)
    if host is None:
        raise ValueError("a request's URL without a host")
    port = host[1]
    if port is not None and not (port and int(port) <= 65535):  # (as httptools' URL parser)
        raise ValueError("a request's URL with an invalid port")
    if origin[:1] == b"#":  # ("http://host#f": httptools' parser refuses it)
        raise ValueError("a request's URL with a fragment after its host")
    if not origin.startswith(b"/"):  # "http://host", "http://host?query"
        origin = b"/" + origin
    return authority, origin


def origin_form_or_asterisk(target: bytes) -> bool:
    """Whether ``target``, no URL, is of a form a server takes: a path (``/…``) or ``*``. Any
    other (``?a``, ``a/b``, ``ftp://host/``) is refused (400) on either parser: httptools
    refused some and served others, h11 gave the ASGI app a path not beginning with ``/``."""
    return target[:1] == b"/" or target == b"*"


def with_host(headers: list[tuple[bytes, bytes]], host: bytes) -> list[tuple[bytes, bytes]]:
    """``headers`` (lower-case names) with ``host`` for their ``host`` (added if none)."""
    replaced = [(name, host if name == b"host" else value) for name, value in headers]
    if not any(name == b"host" for name, _ in headers):  # (HTTP/1.0 may have none)
        replaced.append((b"host", host))
    return replaced


#: A Host value (RFC 9110, 7.2: RFC 3986's host, maybe empty, and a port maybe).
_HOST: Final = re.compile(
    rb"(?:\[(?:[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]"
    rb"|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]*)?"
)
#: Host values found valid, at most `_HOSTS_KEPT`: a server is sent the same few again and
#: again, each looked up here (~200 instructions a request, counted), not matched (~11,000).
#: Full, they are forgotten, for those that come next: 64 values a scanner sent first would
#: otherwise keep the skill's own Host from it for as long as the server runs.
#: (A dict, each value None, for `remember`: looked up as a set is, at the same cost.)
VALID_HOSTS: Final[dict[bytes, None]] = {}
_HOSTS_KEPT: Final = 64


def invalid_host(value: bytes) -> bool:
    """Whether ``value`` is no valid Host header value (RFC 9112, 3.2: a 400), such as ``a b``,
    ``user@host`` or ``host/path``. Callers look in `VALID_HOSTS` first."""
    if _HOST.fullmatch(value) is None:
        return True
    remember(VALID_HOSTS, value, None, kept=_HOSTS_KEPT)
    return False
