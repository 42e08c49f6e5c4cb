"""A process's first call to Alexa's APIs spends its time limit on the network only: what httpx
imports and makes at its first request (its transport's async backend; for a call without a
client of the app's, httpx's own modules and the TLS context) is made ready before the clock of
`alexaskill.alexa_api.send` starts. Each case runs in a Python of its own, where nothing has
imported them yet (as verify's first download does: tests/test_verify_first_download.py)."""

from __future__ import annotations

from typing import Any

import pytest

from .alexa_api_shared import clients_made
from .canned_answer import canned_answer_port
from .fresh_python import SERVE, WATCH, run_fresh

#: A fresh Python's call ({client}: the client `send` makes, or one given to it) to a server on
#: 127.0.0.1 that answers 200 (``main``), and ``in_clock``: the modules imported while the
#: coroutine `send` runs within its time limit was on the stack.
_CALL = (
    """
ANSWER = (
    b"HTTP/1.1 200 OK\\r\\ncontent-type: application/json\\r\\n"
    b"content-length: 2\\r\\nconnection: close\\r\\n\\r\\n{{}}"
)
"""
    + SERVE
    + """
url = f"http://127.0.0.1:{{listener.getsockname()[1]}}/v2/devices/d/settings/System.timeZone"

from alexaskill.alexa_api import send

# (send's nested coroutine, the one its asyncio.timeout is around)
CLOCK = next(c for c in send.__code__.co_consts if getattr(c, "co_name", None) == "call")
"""
    + WATCH
    + """
async def main():
    client = None
    if {client!r} == "given":
        import httpx

        client = httpx.AsyncClient(trust_env=False)
    try:
        status, _, _ = await send(client, "time_zone", "GET", url, {{}}, None, None, timeout=60)
    finally:
        if client is not None:
            await client.aclose()
    return status
"""
)

#: The process's first call, on asyncio: its status and ``in_clock``.
_FIRST_CALL = (
    _CALL
    + """
status = asyncio.run(main())
print(json.dumps({{"status": status, "in_clock": sorted(set(in_clock))}}))
"""
)

#: A call on each event loop of {loops} in turn, one process: trio's through anyio.run,
#: asyncio's through asyncio.run (which imports none of anyio's); each one's status and
#: ``in_clock``.
_ONE_CALL_A_LOOP = (
    _CALL
    + """
import anyio

said = []
for loop in {loops!r}:
    in_clock.clear()
    if loop == "trio":
        status = anyio.run(main, backend="trio")
    else:
        status = asyncio.run(main())
    said.append({{"loop": loop, "status": status, "in_clock": sorted(set(in_clock))}})
print(json.dumps({{"calls": said}}))
"""
)


def _first_call(client: str) -> dict[str, Any]:
    return run_fresh(_FIRST_CALL.format(client=client))


@pytest.mark.parametrize("client", ["own", "given"])
def test_the_first_call_imports_nothing_within_its_time_limit(client: str) -> None:
    # The first call imported httpcore's async backend (anyio's, for asyncio: its sockets and
    # TLS streams) inside its time limit, where httpcore's pool imports it; a call without a
    # client of the app's (AWS Lambda) imported httpcore (trio probed, h11) and made the TLS
    # context there too: 0.3 s of the call's 2 on a busy two-core machine, more on a busier one.
    said = _first_call(client)
    assert said["status"] == 200  # (the call went through httpx's transport, every step)
    assert said["in_clock"] == []


@pytest.mark.parametrize("loops", [("trio", "asyncio"), ("asyncio", "trio")])
def test_each_event_loops_first_call_imports_nothing_within_its_time_limit(
    loops: tuple[str, str],
) -> None:
    # What the first call readies was readied once a process: a process whose first call ran
    # on trio imported asyncio's backend of anyio's within the time limit of its first call on
    # asyncio. Now once for each kind of loop; and the codec socket.getaddrinfo encodes a host
    # name with (trio's calls it on the loop's thread, asyncio's in a worker) once a process.
    said = run_fresh(_ONE_CALL_A_LOOP.format(client="own", loops=loops))["calls"]
    assert [call["loop"] for call in said] == list(loops)
    assert [call["status"] for call in said] == [200, 200]
    assert [call["in_clock"] for call in said] == [[], []]


@pytest.mark.parametrize("loop", ["asyncio", "trio"])
def test_a_call_without_a_client_makes_its_own_before_its_time_limit(
    loop: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A call made without the app's client (AWS Lambda) made its own httpx.AsyncClient within
    # its time limit, at every call: milliseconds of CPU (its transport, its pool, the proxies
    # of the environment read) that a loaded machine stretches, spent of the network's 2 s.
    import anyio

    from alexaskill.alexa_api import send

    answer = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"
    with canned_answer_port(answer) as port:
        url = f"http://127.0.0.1:{port}/v2/devices/d/settings/System.timeZone"
        made = clients_made(monkeypatch)

        async def call() -> int:
            status, _, _ = await send(None, "time_zone", "GET", url, {}, None, None, timeout=60)
            return status

        assert anyio.run(call, backend=loop) == 200
    assert made == [False], "the call's own client was made within its time limit"
