"""`alexaskill.server` writes each response's head together with its body: one send, not two.

Each write to a TCP socket is a system call (on loopback ~8 µs of CPU, benchmarks/README.md), so
the protocols hold a response's first write (uvicorn's status line and headers) until its next
one (the body) or the end of the event loop's turn, whichever comes first. These tests drive the
protocols in-process over a transport that records its writes; so do the last ones, of the head
deadline's sweep, which runs only while a connection waits for a request head.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest

from .server_protocols import PROTOCOLS, App, connect, first_write, on_httptools, settle

pytestmark = pytest.mark.oldest_dependencies

POST = (
    b"POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
)


def answering(body: bytes = b'{"ok": true}', *, pause: float = 0.0) -> App:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()
        headers = [(b"content-type", b"application/json")]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if pause:
            await asyncio.sleep(pause)
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_response_goes_out_in_one_write(protocol_class: type[Any]) -> None:
    async def scenario() -> None:
        protocol, transport = await connect(protocol_class, answering())
        for _ in range(3):  # and again on the same connection, for each response
            protocol.data_received(POST)
            await settle()
        writes = transport.writes()
        assert len(writes) == 3, writes
        for write in writes:
            assert write.startswith(b"HTTP/1.1 200 OK\r\n")
            assert write.endswith(b'\r\n\r\n{"ok": true}')
        protocol.connection_lost(None)

    asyncio.run(scenario())


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_head_never_waits_for_a_slow_body(protocol_class: type[Any]) -> None:
    # The app awaits between the head and the body: the head goes out at the end of the turn.
    async def scenario() -> None:
        protocol, transport = await connect(protocol_class, answering(pause=1.0))
        protocol.data_received(POST)
        # Until something is written (the head, at the end of the app's turn), not a fixed
        # 0.1 s: on a loaded machine the app's turn can come later than that.
        await until(lambda: transport.writes(), "nothing was written")
        writes = transport.writes()
        assert len(writes) == 1 and writes[0].startswith(b"HTTP/1.1 200 OK\r\n"), writes
        assert writes[0].endswith(b"\r\n\r\n")  # the head alone
        await until(lambda: len(transport.writes()) > 1, "the body never came")
        assert transport.writes()[1:] == [b'{"ok": true}']
        protocol.connection_lost(None)

    asyncio.run(scenario())


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_closing_response_is_written_whole_before_the_close(protocol_class: type[Any]) -> None:
    async def scenario() -> None:
        protocol, transport = await connect(protocol_class, answering())
        protocol.data_received(POST.replace(b"host: x\r\n", b"host: x\r\nconnection: close\r\n"))
        await settle()
        assert len(transport.events) == 2 and transport.events[1] == "close", transport.events
        assert transport.writes()[0].endswith(b'\r\n\r\n{"ok": true}')

    asyncio.run(scenario())


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_head_request_gets_its_head(protocol_class: type[Any]) -> None:
    # A HEAD response has no body to write the head with.
    async def scenario() -> None:
        protocol, transport = await connect(protocol_class, answering())
        protocol.data_received(b"HEAD / HTTP/1.1\r\nhost: x\r\n\r\n")
        await settle()
        writes = transport.writes()
        assert len(writes) == 1 and writes[0].startswith(b"HTTP/1.1 200 OK\r\n"), writes
        assert writes[0].endswith(b"\r\n\r\n")
        protocol.data_received(POST)  # the connection goes on as before
        await settle()
        assert transport.writes()[1].endswith(b'{"ok": true}')
        protocol.connection_lost(None)

    asyncio.run(scenario())


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_streamed_response_keeps_its_order(protocol_class: type[Any]) -> None:
    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for part in (b"one", b"two", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
            await asyncio.sleep(0.01)
        await send({"type": "http.response.body", "body": b""})

    async def scenario() -> None:
        protocol, transport = await connect(protocol_class, app)
        protocol.data_received(POST)
        # Until the response is complete (or the connection closed), not a fixed 0.2 s: on a
        # loaded machine the app's three pauses took longer than that, and a chunked reply
        # still being written was read as one cut short.
        await until(
            lambda: protocol.cycle.response_complete or transport.closing,
            "the response was neither completed nor closed",
        )
        assert transport.events == transport.writes()  # neither closed nor aborted
        sent = b"".join(transport.writes())
        assert sent.startswith(b"HTTP/1.1 200 OK\r\n")
        assert sent.endswith(b"3\r\none\r\n3\r\ntwo\r\n5\r\nthree\r\n0\r\n\r\n"), sent
        protocol.connection_lost(None)

    asyncio.run(scenario())


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_large_body_is_not_copied_to_join_its_head(protocol_class: type[Any]) -> None:
    body = b"x" * (1 << 20)

    async def scenario() -> None:
        protocol, transport = await connect(protocol_class, answering(body))
        protocol.data_received(POST)
        await settle()
        writes = transport.writes()
        assert len(writes) == 2 and writes[1] == body, [len(w) for w in writes]
        protocol.connection_lost(None)

    asyncio.run(scenario())


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_a_head_too_large_is_refused_with_a_json_reason(protocol_class: type[Any]) -> None:
    class Small(protocol_class):  # type: ignore[misc]
        max_header_size = 1024

    called: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        called.append(scope["path"])
        await answering()(scope, receive, send)

    async def written(*reads: bytes) -> list[bytes | str]:
        protocol, transport = await connect(Small, app)
        for data in reads:
            protocol.data_received(data)
        await settle()
        protocol.connection_lost(None)
        return transport.events

    async def scenario() -> None:
        long = b"POST /big HTTP/1.1\r\nhost: x\r\nx-long: " + b"a" * 2000
        # Still incomplete after its read; or whole in one read (the parsers take a whole head
        # of any size: only incomplete ones were counted, so one large write went through).
        for read in (long, long + b"\r\ncontent-length: 2\r\n\r\n{}"):
            answer, closed = (await written(read))[-2:]
            assert closed == "close" and isinstance(answer, bytes)
            assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
            assert answer.endswith(b'\r\n\r\n{"error": "request head over 1,024 bytes"}')
        assert called == []  # the app never saw them

        # A small head with a body past the limit, in one read: answered, not refused.
        head = b"POST /fine HTTP/1.1\r\nhost: x\r\ncontent-length: 4096\r\n\r\n"
        assert first_write(await written(head + b"x" * 4096)).startswith(b"HTTP/1.1 200 OK\r\n")
        # Its end split between two reads, the body after it holding a blank line: answered.
        body = b"{}" + b" " * 3000 + b"\n\n" + b" " * 1000
        head = b"POST /split HTTP/1.1\r\nhost: x\r\ncontent-length: 4004\r\n\r"
        assert first_write(await written(head, b"\n" + body)).startswith(b"HTTP/1.1 200 OK\r\n")
        assert called == ["/fine", "/split"]

    asyncio.run(scenario())


# --- the head sweep (alexaskill.sweep._Sweeper) -------------------------------------------------


async def until(condition: Callable[[], object], what: str) -> None:
    """Wait (30 s at most) for ``condition``, which the server's timers are to bring about."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.01)


def pending_timers(loop: asyncio.AbstractEventLoop) -> list[asyncio.TimerHandle]:
    scheduled = loop._scheduled  # type: ignore[attr-defined]
    return [handle for handle in scheduled if not handle.cancelled()]


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_the_head_sweep_sleeps_while_no_connection_waits_for_a_head(
    protocol_class: type[Any],
) -> None:
    # An idle server wakes for nothing: the sweep's timer runs while a connection waits for a
    # request head, and starts again when one does.
    class Quick(protocol_class):  # type: ignore[misc]
        header_timeout = 0.6

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        idle, idle_transport = await connect(Quick, answering(), keep_alive=1)
        idle.data_received(POST)  # answered: the connection idles until keep-alive closes it
        await until(lambda: "close" in idle_transport.events, "not closed after keep-alive")
        assert idle_transport.events[-1] == "close"
        idle.connection_lost(None)
        assert not [t for t in pending_timers(loop) if "sweep" in repr(t)], pending_timers(loop)
        silent, silent_transport = await connect(Quick, answering())  # sends nothing
        await until(lambda: silent_transport.events, "the silent connection was not swept")
        assert silent_transport.events == ["close"]  # swept: past its 0.6 s
        # (The sweep's timer, already due when that connection went, runs once more.)
        await until(
            lambda: not [t for t in pending_timers(loop) if "sweep" in repr(t)],
            "the sweep still runs with no connection waiting for a head",
        )
        protocol, transport = await connect(Quick, answering())
        protocol.data_received(POST)
        await settle()
        protocol.data_received(POST[:20])  # the next head begins, and is never finished
        await until(lambda: "close" in transport.events, "the unfinished head was not cut off")
        answer, closed = transport.events[-2:]
        assert closed == "close" and isinstance(answer, bytes)
        assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
        assert answer.endswith(b'\r\n\r\n{"error": "request head not received within 0.6 s"}')
        for one in (protocol, silent):
            one.connection_lost(None)

    # asyncio's own loop, whatever policy another test left: the check reads its timers.
    with asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner:
        runner.run(scenario())


def test_keep_alive_needs_no_timer_a_request_on_httptools() -> None:
    # uvicorn arms a keep-alive timer after every response and cancels it at the next request;
    # alexaskill's httptools protocol leaves an idle connection to the sweep, which closes it
    # after --timeout-keep-alive as the timer would, and never closes a connection in use.
    # (Two requests, each answered 1.2 s after its head: in use past the keep-alive's 1 s, the
    # second sent as soon as the first is answered. The times are those of the writes and of
    # the close, taken as they happen: a stall of the loop only makes the close later.)
    class Quick(on_httptools()):  # type: ignore[misc]
        header_timeout = 300.0  # only the keep-alive closes it here

    async def attempt() -> bool:
        """One connection's run; False if a stall let it idle past keep-alive between the two
        requests (closed, rightly, before the second was sent)."""
        loop = asyncio.get_running_loop()
        protocol, transport = await connect(Quick, answering(pause=1.2), keep_alive=1)
        deadline = loop.time() + 30
        for answers in (2, 4):  # head and body, of each request
            if "close" in transport.events:  # (before the second: a stall, checked as one)
                assert transport.times[-1] - transport.times[-2] >= 1 - 0.25, transport.times
                protocol.connection_lost(None)
                return False
            protocol.data_received(POST)
            while len(transport.writes()) < answers and "close" not in transport.events:
                assert loop.time() < deadline, transport.events
                assert not [t for t in pending_timers(loop) if "keep_alive" in repr(t)]
                await asyncio.sleep(0.01)
        while "close" not in transport.events:
            assert loop.time() < deadline, transport.events
            await asyncio.sleep(0.01)
        # Both answered whole (head, then body) before the close, none cut off in use...
        assert transport.events[:-1] == transport.writes() and len(transport.writes()) == 4
        # ... and the close a keep-alive (less a sweep's 0.25 s) after the last answer.
        last_answer, closed = transport.times[-2:]
        assert closed - last_answer >= 1 - 0.25, transport.times
        protocol.connection_lost(None)
        assert not [t for t in pending_timers(loop) if "sweep" in repr(t)], pending_timers(loop)
        return True

    async def scenario() -> None:
        for _ in range(5):
            if await attempt():
                return
        pytest.fail("five stalls in a row")

    with asyncio.Runner(loop_factory=asyncio.SelectorEventLoop) as runner:
        runner.run(scenario())


def test_one_connection_failing_to_close_does_not_end_the_sweep(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Quick(on_httptools()):  # type: ignore[misc]
        header_timeout = 0.3

    def broken() -> None:
        raise OSError("the transport is gone")

    async def scenario() -> None:
        failing, _ = await connect(Quick, answering())
        failing._head_timed_out = broken  # past its deadline at the first sweep, and raises
        await until(lambda: "deadline failed" in caplog.text, "the failing one was not swept")
        later, later_transport = await connect(Quick, answering())  # swept all the same
        await until(lambda: later_transport.events, "the later one was not swept")
        assert later_transport.events == ["close"]
        for one in (failing, later):
            one.connection_lost(None)

    asyncio.run(scenario())
    assert caplog.text.count("past its head deadline failed") == 1  # once, not every sweep


@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_the_head_deadline_says_which_connection_it_closed(
    protocol_class: type[Any], caplog: pytest.LogCaptureFixture
) -> None:
    # At DEBUG the connection is named, as the lines of room made name theirs: a slow-client
    # test whose own request got no answer tells from the log whether the server closed it
    # at the deadline, having received nothing on it (this side stalled), or for room.
    class Quick(protocol_class):  # type: ignore[misc]
        header_timeout = 0.3

    caplog.set_level(logging.DEBUG, logger="alexaskill.server")

    async def scenario() -> None:
        silent, silent_transport = await connect(Quick, answering())
        partial, partial_transport = await connect(Quick, answering())
        partial.data_received(b"POST / HTTP/1.1\r\nhost: x\r\n")
        await until(lambda: "close" in silent_transport.events, "the silent one stayed open")
        await until(lambda: "close" in partial_transport.events, "the partial one stayed open")
        for one in (silent, partial):
            one.connection_lost(None)

    asyncio.run(scenario())
    said = [r.getMessage() for r in caplog.records if r.name == "alexaskill.server"]
    assert said == [
        "head deadline: closed 127.0.0.1:50000, which sent nothing",
        "head deadline: 127.0.0.1:50000 sent a request head incomplete, answered 408",
    ]


@pytest.mark.parametrize("missing", ["_eof_received", "_sslobj", "max_size", "_transport"])
def test_asyncio_tls_with_other_internals_keeps_its_own_close(missing: str) -> None:
    # The draining close uses asyncio's SSLProtocol's private attributes: on a Python whose
    # SSLProtocol lacks one, it was put in all the same, and the close raised AttributeError
    # out of transport.close(). It keeps asyncio's own close now.
    import ssl
    from asyncio import sslproto

    from alexaskill.server_writes import _drain_tls_shutdown

    class Transport(asyncio.BaseTransport):
        _ssl_protocol: Any = None

    loop = asyncio.new_event_loop()
    try:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        waiter = loop.create_future()
        protocol = sslproto.SSLProtocol(loop, asyncio.Protocol(), context, waiter, server_side=True)
        protocol._sslobj = object()  # type: ignore[attr-defined]  # (set at connection_made)
        Transport._ssl_protocol = protocol
        with pytest.MonkeyPatch.context() as patch:
            if missing in vars(protocol):
                patch.delattr(protocol, missing)
            else:
                patch.delattr(sslproto.SSLProtocol, missing)
            _drain_tls_shutdown(Transport(), 1 << 20)
            assert type(protocol) is sslproto.SSLProtocol
        _drain_tls_shutdown(Transport(), 1 << 20)  # with all of them: drained
        assert type(protocol) is not sslproto.SSLProtocol
        protocol._app_transport._closed = True  # never opened: no "unclosed transport" warning
    finally:
        loop.close()


@pytest.mark.parametrize(
    "lead",
    [b"\r\n", b"\r\n\r\n", b"\n\n", b"\r\n\r\n|"],
    ids=["crlf", "two-crlf", "lfs", "two-crlf-a-read-before"],
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_empty_lines_before_a_head_too_large_do_not_let_it_through(
    protocol_class: type[Any], lead: bytes
) -> None:
    # The head's size was measured to the first blank line in the read: empty lines before the
    # request line (which both parsers skip) ended it there, and a head of any size, whole in
    # one read, went through.
    class Small(protocol_class):  # type: ignore[misc]
        max_header_size = 1024

    called: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        called.append(scope["path"])
        await answering()(scope, receive, send)

    async def scenario() -> list[bytes | str]:
        protocol, transport = await connect(Small, app)
        head = b"POST /big HTTP/1.1\r\nhost: x\r\nx-long: " + b"a" * 2000
        for data in (lead + head + b"\r\ncontent-length: 2\r\n\r\n{}").split(b"|"):
            protocol.data_received(data)
        await settle()
        protocol.connection_lost(None)
        return transport.events

    answer, closed = asyncio.run(scenario())[-2:]
    assert closed == "close" and isinstance(answer, bytes)
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer[:60]
    assert called == []


@pytest.mark.parametrize(
    "lead", [b"\r\n|\r\n", b"\n|\n", b"\r\n\r\n|\r\n"], ids=["crlf", "lf", "more"]
)
@pytest.mark.parametrize("protocol_class", PROTOCOLS, indirect=True)
def test_empty_lines_split_between_reads_before_a_head_too_large_do_not_let_it_through(
    protocol_class: type[Any], lead: bytes
) -> None:
    # A read of empty lines alone is not counted in the head's size: counted, its last bytes
    # and the next read's empty lines made a blank line there, taken for the head's end, and a
    # head of any size whole in that next read went through.
    test_empty_lines_before_a_head_too_large_do_not_let_it_through(protocol_class, lead)
