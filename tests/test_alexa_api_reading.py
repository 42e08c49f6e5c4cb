"""An answer of Alexa's APIs read: no redirect followed, its size capped before it is read
whole, gzip inflated within the cap, another encoding refused."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from alexaskill import AlexaApi, AlexaApiError
from alexaskill.models import decode_envelope
from alexaskill.testing import RequestFactory

from .alexa_api_shared import _run


def test_a_redirect_is_not_followed_even_by_a_client_that_would() -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(302, headers={"location": "https://evil.example/collect"})

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer), follow_redirects=True)
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError) as caught:
        _run(api.given_name())
    assert caught.value.status == 302
    assert [url for url in sent if "evil" in url] == []


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_says_it_was_not_followed_not_that_alexa_refused(status: int) -> None:
    # "HTTP 302, refused" read as Amazon's refusal of the call; it was a redirect left unfollowed.
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers={"location": "https://elsewhere.example/x"})

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError) as caught:
        _run(api.given_name())
    message = str(caught.value)
    assert caught.value.status == status
    assert "redirect" in message and "not followed" in message and "refused" not in message
    assert "elsewhere.example" not in message


def test_an_answer_larger_than_the_cap_is_not_read_in_full() -> None:
    from alexaskill.alexa_api import MAX_ANSWER_BYTES

    pulled: list[int] = []
    chunk = b" " * 65536

    class Endless(httpx.AsyncByteStream):
        async def __aiter__(self) -> Any:
            yield b'"'
            for _ in range(4 * MAX_ANSWER_BYTES // len(chunk)):
                pulled.append(len(chunk))
                yield chunk
            yield b'"'

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Endless(), headers={"content-type": "application/json"})

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="larger than") as caught:
        _run(api.distance_units())
    assert caught.value.status == 200
    assert sum(pulled) <= MAX_ANSWER_BYTES + len(chunk)


def test_an_answer_whose_length_says_too_large_is_refused_unread() -> None:
    # By its Content-Length, before a byte of it is read (the streaming cap would refuse it
    # too, but only after reading 4 MiB): the stream records whether it was read at all.
    from alexaskill.alexa_api import MAX_ANSWER_BYTES

    pulled: list[int] = []

    class Body(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            chunk = b"x" * (MAX_ANSWER_BYTES + 1)
            pulled.append(len(chunk))
            yield chunk

    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "text/html", "content-length": str(MAX_ANSWER_BYTES + 1)}
        return httpx.Response(503, stream=Body(), headers=headers)

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match=r"larger than 4,194,304 bytes: not read") as caught:
        _run(api.distance_units())
    assert caught.value.status == 503
    assert pulled == []


def _gzip_stream(data: bytes) -> httpx.AsyncByteStream:
    """A streamed body of ``data`` in one chunk (a MockTransport's Response(content=...) is
    read, and so decoded, before the client sees it)."""

    class One(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield data

    return One()


def test_a_gzip_bomb_is_refused_without_inflating_it_whole() -> None:
    # 48 MiB of spaces compress to ~50 kB, one chunk: httpx's decoder would inflate it whole
    # (with the bytearray it is added to: over 100 MB at once) before the cap was looked at.
    import tracemalloc
    import zlib

    from alexaskill.alexa_api import MAX_ANSWER_BYTES

    deflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    megabyte = b" " * (1 << 20)
    bomb = b"".join(deflater.compress(megabyte) for _ in range(48)) + deflater.flush()
    assert len(bomb) < 1 << 20 and MAX_ANSWER_BYTES < 48 << 20

    def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept-encoding"] == "gzip"
        headers = {"content-type": "application/json", "content-encoding": "gzip"}
        return httpx.Response(200, stream=_gzip_stream(bomb), headers=headers)

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    tracemalloc.start()
    try:
        with pytest.raises(AlexaApiError, match="larger than") as caught:
            _run(api.distance_units())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.status == 200
    assert peak < 4 * MAX_ANSWER_BYTES  # the cap and a piece, not the 48 MiB inflated


def test_a_gzip_answer_is_read_and_another_encoding_refused() -> None:
    import gzip

    encoding = "gzip"

    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "content-encoding": encoding}
        return httpx.Response(200, stream=_gzip_stream(gzip.compress(b'"METRIC"')), headers=headers)

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    assert _run(api.distance_units()) == "METRIC"
    encoding = "compress"
    with pytest.raises(AlexaApiError, match="content-encoding 'compress', not gzip"):
        _run(api.distance_units())
    encoding = "identity"  # gzip bytes said to be plain: they do not decode as JSON
    with pytest.raises(AlexaApiError, match="does not decode"):
        _run(api.distance_units())


def test_a_long_encoding_refused_is_quoted_cut_with_its_length() -> None:
    # Its head and tail around "…" with its length, as errors quote a long value: a cut at 40
    # characters hid its end and that it was cut.
    encoding = "x" * 200 + "-last"

    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "content-encoding": encoding}
        return httpx.Response(200, stream=_gzip_stream(b'"METRIC"'), headers=headers)

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match=r"xxx…x*-last' \(205 characters\), not gzip"):
        _run(api.distance_units())
