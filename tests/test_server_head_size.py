"""The head-size bound (`alexaskill.server`'s ``max_header_size``) on either parser, whatever
reads the head comes in: in-process protocols fed by `tests.exchange_harness.serve`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.exchange_harness import echo, serve, wire
from tests.server_protocols import PROTOCOLS, first_write

pytestmark = pytest.mark.oldest_dependencies


def head_in_reads(size: int, *, end: bool) -> list[bytes]:
    """A GET whose head takes about ``size`` bytes, one header line a read; ended or not."""
    reads = [b"GET /a HTTP/1.1\r\nhost: x\r\n"]
    reads += [b"x-%d: %b\r\n" % (n, b"a" * 1000) for n in range(size // 1000)]
    if end:
        reads.append(b"\r\n")
    return reads


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_head_over_the_limit_in_many_reads_is_431_on_either_parser(
    protocol_class: type[Any],
) -> None:
    # On h11 a head over 16 KiB that came in several reads hit h11's own buffer limit first:
    # 400 "invalid HTTP request", not the 431 that says what is wrong (one read: 431).
    events, _ = serve(protocol_class, echo, head_in_reads(20_000, end=False))
    assert events[-1] == "close"
    head, _, body = first_write(wire(events)).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), head
    assert json.loads(body) == {"error": "request head over 16,384 bytes"}


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_larger_max_header_size_is_the_bound_on_either_parser(protocol_class: type[Any]) -> None:
    # The README: the head size limit is changed with the protocol's max_header_size. On h11 a
    # head over 16 KiB was refused anyway (400) when it came in more than one read: h11's own
    # limit (uvicorn's --h11-max-incomplete-event-size) stayed at 16 KiB.
    roomy = type("Roomy", (protocol_class,), {"max_header_size": 64 * 1024})
    events, _ = serve(roomy, echo, head_in_reads(40_000, end=True))
    assert first_write(wire(events)).startswith(b"HTTP/1.1 200 OK\r\n")
    events, _ = serve(roomy, echo, head_in_reads(70_000, end=False))
    head = first_write(wire(events)).partition(b"\r\n\r\n")[0]
    assert head.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), head
