"""`alexaskill.exchange`: a request's target, read alike on both of alexaskill's parsers (h11 and
httptools): an absolute-form target's path and host, a fragment, CONNECT, a URL of no port there
can be or with an IPv6 zone, and what is no path nor an http URL, refused (400 with a JSON
reason). The rest of a request's head: test_exchange_heads.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from alexaskill import server as server_module
from tests.exchange_harness import echo, serve, wire
from tests.server_protocols import PROTOCOLS, first_write

pytestmark = pytest.mark.oldest_dependencies


ABSOLUTE = {
    b"http://skill/a%20b?c=d": ("/a b", "/a%20b", "c=d"),
    b"HTTPS://skill/a": ("/a", "/a", ""),
    # An empty path is "/" (RFC 9110, 4.2.3): httptools' URL parser gave None, and the
    # request got a 400 there while h11 served it.
    b"http://skill": ("/", "/", ""),
    b"http://skill?c=d": ("/", "/", "c=d"),
}


@pytest.mark.parametrize("target", ABSOLUTE)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_absolute_form_target_is_its_path(protocol_class: type[Any], target: bytes) -> None:
    # RFC 9112, 3.2.2: a server MUST accept the absolute form. httptools gave the path; on
    # h11 uvicorn took the whole URL for the path ("http://skill/a": a 404 for the skill).
    events, _ = serve(protocol_class, echo, [b"GET %b HTTP/1.1\r\nhost: skill\r\n\r\n" % target])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    answer = json.loads(body)
    assert (answer["path"], answer["raw_path"], answer["query"]) == ABSOLUTE[target]


#: An absolute-form target, the request's line, and the host the app must see (RFC 9112,
#: 3.2.2: the target's, never the Host header's).
HOST_OF_TARGET = {
    "replaced": (
        b"GET http://skill.example:8443/a HTTP/1.1\r\nhost: other\r\n",
        "skill.example:8443",
    ),
    "ipv6": (b"GET https://[::1]/a?b=c HTTP/1.1\r\nhost: other\r\n", "[::1]"),
    "http-1.0-without": (b"GET http://skill.example/a HTTP/1.0\r\n", "skill.example"),
}


@pytest.mark.parametrize("case", HOST_OF_TARGET)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_absolute_form_target_gives_the_host(protocol_class: type[Any], case: str) -> None:
    # Both protocols kept the Host header (a proxy's, a client's other name), which Starlette's
    # `request.url` and the simulator's host check read, not the URL's host the RFC requires.
    line, host = HOST_OF_TARGET[case]
    events, _ = serve(protocol_class, echo, [line + b"\r\n"])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    headers = json.loads(body)["headers"]
    assert [value for name, value in headers if name == "host"] == [host]
    assert json.loads(body)["path"] == "/a"


@pytest.mark.parametrize(
    "target", [b"http://user@skill/a", b"http:///a", b"http://sk ill/a", b"http://skill:x/a"]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_an_absolute_form_target_without_a_host_is_refused(
    protocol_class: type[Any], target: bytes
) -> None:
    # RFC 9110, 4.2.1 and 4.2.4: an http URL with an empty host is invalid, and one with a
    # user is an error: 400, not served under another host.
    events, logs = serve(protocol_class, echo, [b"GET %b HTTP/1.1\r\nhost: x\r\n\r\n" % target])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert logs == ["Invalid HTTP request received."] and events[-1] == "close"


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_connect_request_is_refused_on_either_parser(protocol_class: type[Any]) -> None:
    # httptools refused it (400); h11 served it, and an app's 2xx switched h11 to another
    # protocol: the app's body then failed in h11, a traceback in the log ("Exception in ASGI
    # application") and no body on the wire.
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["method"])
        await echo(scope, receive, send)

    events, logs = serve(protocol_class, app, [b"CONNECT skill:443 HTTP/1.1\r\nhost: x\r\n\r\n"])
    assert seen == [] and logs == ["Invalid HTTP request received."]
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n") and events[-1] == "close"
    assert json.loads(body) == {"error": "invalid HTTP request"}


@pytest.mark.parametrize("target", [b"/a?b=c#frag", b"http://skill/a?b=c#frag", b"/a#frag?d"])
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_fragment_in_the_target_is_not_the_path(protocol_class: type[Any], target: bytes) -> None:
    # A client sends no fragment (RFC 9112, 3.2); httptools drops one, h11 kept it in the path
    # or the query ("/a#frag": a 404 for the skill's "/a").
    events, _ = serve(protocol_class, echo, [b"GET %b HTTP/1.1\r\nhost: x\r\n\r\n" % target])
    answer = json.loads(first_write(wire(events)).partition(b"\r\n\r\n")[2])
    assert (answer["path"], answer["query"]) == ("/a", "" if target == b"/a#frag?d" else "b=c")


def test_a_target_that_is_only_a_fragment_is_refused_on_h11() -> None:
    # (Dropping the fragment left no target, which h11 refused with an exception of its own,
    # uncaught: a traceback, the connection left hanging.)
    events, logs = serve(server_module.H11Protocol, echo, [b"GET #x HTTP/1.1\r\nhost: x\r\n\r\n"])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert logs == ["Invalid HTTP request received."] and events[-1] == "close"


@pytest.mark.parametrize(
    "target",
    [b"?a", b"?a=b#f", b"a/b", b"a?b", b"ftp://skill/a", b"http:/a", b"http://skill#f"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_target_neither_a_path_nor_an_http_url_is_refused_on_either_parser(
    protocol_class: type[Any], target: bytes
) -> None:
    # h11 served "?a" and "a?b" to the app with a path of "" or "a" (ASGI's begins with "/"),
    # "ftp://skill/a" and "http:/a" as paths, and "http://skill#f" as "/" of host "skill";
    # httptools refused all but "ftp://…" (served as "/"). Now a 400 with a JSON reason on both.
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["path"])
        await echo(scope, receive, send)

    events, logs = serve(protocol_class, app, [b"POST %b HTTP/1.1\r\nhost: x\r\n\r\n" % target])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), head
    assert json.loads(body) == {"error": "invalid HTTP request"}
    assert seen == [] and logs == ["Invalid HTTP request received."] and events[-1] == "close"


@pytest.mark.parametrize(
    ("target", "path"), [(b"*", "*"), (b"/a#f", "/a"), (b"http://skill?q#f", "/"), (b"//a", "//a")]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_the_targets_either_parser_serves_are_served_alike(
    protocol_class: type[Any], target: bytes, path: str
) -> None:
    events, _ = serve(protocol_class, echo, [b"OPTIONS %b HTTP/1.1\r\nhost: x\r\n\r\n" % target])
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n"), head
    assert json.loads(body)["path"] == path


@pytest.mark.parametrize(
    ("target", "answer"),
    [
        (b"http://skill:65536/a", 400),
        (b"http://skill:/a", 400),
        (b"http://[::1]:70000/a", 400),
        (b"http://skill:99999", 400),
        (b"http://skill:65535/a", 200),
        (b"http://skill:0080/a", 200),
    ],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_url_target_of_no_port_there_can_be_is_refused_on_either_parser(
    protocol_class: type[Any], target: bytes, answer: int
) -> None:
    # httptools' URL parser refused a port over 65535, or empty; h11 served the request, its
    # host header the URL's ("skill:65536").
    events, _ = serve(protocol_class, echo, [b"GET %b HTTP/1.1\r\nhost: x\r\n\r\n" % target])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 %d " % answer)


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_url_with_an_ipv6_zone_is_refused_on_either_parser(protocol_class: type[Any]) -> None:
    # RFC 6874, 4: a client removes a zone (meaningful only on its own host) before it sends a
    # URL; RFC 9110, 4.2.1's host (RFC 3986's IP-literal) has none. Refused (400) on both.
    zoned = b"GET http://[fe80::1%25eth0]/ HTTP/1.1\r\nhost: x\r\n\r\n"
    events, _ = serve(protocol_class, echo, [zoned])
    assert first_write(wire(events)).startswith(b"HTTP/1.1 400 Bad Request\r\n")
    assert wire(events)[-1] == "close"
