"""Logging: the request line under concurrency (several lines, one write), and lines waiting for
the end of the turn written at flush, close, exit and fork."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from alexaskill.logs import configure_logging, log_request

from .conftest import SKILL_ID
from .counting_stream import CountingStream
from .logs_shared import envelope, run_script
from .logs_shared import restore_logger as restore_logger

# --- the request line under concurrency: several lines, one write -------------------------------


def request_lines(stream: io.StringIO) -> list[str]:
    return [line for line in stream.getvalue().splitlines() if "alexaskill.request" in line]


class Served:
    """An ASGI wrapper around a skill that notes, as each call of the skill returns, how many
    calls are still inside it and how many request lines the stream holds at that moment."""

    def __init__(self, skill: Any, stream: io.StringIO) -> None:
        self.skill, self.stream = skill, stream
        self.inside = 0
        self.returned: list[tuple[int, int]] = []  # (calls still inside, request lines written)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.inside += 1
        try:
            await self.skill(scope, receive, send)
        finally:
            self.inside -= 1
            self.returned.append((self.inside, len(request_lines(self.stream))))


def together_skill(count: int) -> tuple[Any, Any]:
    """A skill whose intent handler answers once ``count`` calls of it are in flight at once."""
    from alexaskill import Skill, speak
    from alexaskill.testing import DEFAULT_SKILL_ID, TestPKI

    skill = Skill(DEFAULT_SKILL_ID, store="memory://")
    skill.verifier = TestPKI.default().verifier()
    arrived: list[None] = []
    everyone = asyncio.Event()

    @skill.intent("Together")
    async def together() -> Any:
        arrived.append(None)
        if len(arrived) == count:
            everyone.set()
        await everyone.wait()
        return speak("Done.")

    return skill, everyone


async def post_signed(app: Any, bodies: list[bytes], *, at_once: bool) -> list[int]:
    """POST each signed body to ``app``: all at once (asyncio.gather), or one after another."""
    import httpx

    from alexaskill.testing import TestPKI

    pki = TestPKI.default()
    signed = [(body, {**pki.sign(body), "Content-Type": "application/json"}) for body in bodies]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://skill") as client:

        async def post(body: bytes, headers: dict[str, str]) -> int:
            return (await client.post("/", content=body, headers=headers)).status_code

        if at_once:
            return list(await asyncio.gather(*(post(b, h) for b, h in signed)))
        return [await post(b, h) for b, h in signed]


def intent_bodies(count: int, name: str = "Together") -> list[bytes]:
    from alexaskill.testing import RequestFactory

    factory = RequestFactory()
    return [json.dumps(factory.intent(name)).encode() for _ in range(count)]


@pytest.mark.parametrize("as_json", [False, True])
def test_concurrent_requests_one_line_each_all_written_by_the_end_of_the_turn(
    as_json: bool,
) -> None:
    stream = CountingStream()
    configure_logging("INFO", json=as_json, stream=stream)
    skill, _ = together_skill(8)
    served = Served(skill, stream)
    bodies = intent_bodies(8)

    async def main() -> tuple[list[int], int]:
        statuses = await post_signed(served, bodies, at_once=True)
        await asyncio.sleep(0)  # the next turn of the loop: nothing waits any longer
        return statuses, len(request_lines(stream))

    statuses, written = asyncio.run(main())
    assert statuses == [200] * 8
    assert written == 8
    lines = request_lines(stream)
    assert len(lines) == 8 and len(set(lines)) == 8
    ids = {json.loads(body)["request"]["requestId"] for body in bodies}
    assert {next(i for i in ids if i in line) for line in lines} == ids  # one line per request
    assert all(text.endswith("\n") for text in stream.writes)  # whole lines in every write
    # Several lines went out in one write() call: the lines of requests in flight wait.
    assert len(stream.writes) < 8
    assert max(text.count("\n") for text in stream.writes) > 1


@pytest.mark.parametrize("as_json", [False, True])
def test_requests_a_turn_runs_to_their_end_write_their_lines_in_two_writes(as_json: bool) -> None:
    # Under load, uvicorn starts a task per request, several in one turn of the loop, and a
    # quick def handler on the loop (alexaskill.pace) runs each to its end without awaiting:
    # no two are ever in flight together, yet their lines need not be a write() each.
    stream = CountingStream()
    configure_logging("INFO", json=as_json, stream=stream)
    kinds = ["LaunchRequest", "IntentRequest.GetWeather", "SessionEndedRequest.USER_INITIATED"]

    async def request(kind: str) -> None:
        log_request(envelope(kind), outcome="ok", status=200)  # nothing else in flight

    async def main() -> list[str]:
        tasks = [asyncio.create_task(request(kind)) for _ in range(3) for kind in kinds]
        await asyncio.sleep(0)  # the turn that runs the nine requests, then this task again
        during = list(stream.writes)
        await asyncio.gather(*tasks)  # the end of that turn
        await asyncio.sleep(0)
        return during

    during = asyncio.run(main())
    # The turn's first line went out at once, as a lone request's does, before its answer ...
    assert len(during) == 1 and during[0].count("\n") == 1
    # ... and the eight after it at the end of the turn, in one write, in their order.
    assert len(stream.writes) == 2 and stream.writes[1].count("\n") == 8
    lines = stream.getvalue().splitlines()
    types = (
        [json.loads(line)["request_type"] for line in lines]
        if as_json
        else [line.split(": ", 1)[1].split(" ", 1)[0] for line in lines]
    )
    assert types == ["LaunchRequest", "IntentRequest", "SessionEndedRequest"] * 3


def test_sequential_requests_write_their_line_before_answering() -> None:
    skill, _ = together_skill(1)  # first: its test verifier's warning is no write counted here
    stream = CountingStream()
    configure_logging("INFO", stream=stream)
    served = Served(skill, stream)
    assert asyncio.run(post_signed(served, intent_bodies(3), at_once=False)) == [200] * 3
    assert served.returned == [(0, 1), (0, 2), (0, 3)]
    assert len(stream.writes) == 3


def test_a_deferrable_line_without_a_running_loop_is_written_at_once() -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    log_request(envelope(), outcome="ok", status=200, deferrable=True)  # AWS Lambda, a script
    assert len(request_lines(stream)) == 1


def test_deferred_lines_keep_their_order_with_other_records() -> None:
    stream = CountingStream()
    configure_logging("INFO", stream=stream)
    logger = logging.getLogger("alexaskill")

    async def main() -> tuple[str, str]:
        log_request(envelope("LaunchRequest"), outcome="ok", status=200, deferrable=True)
        log_request(envelope(), outcome="ok", status=200, deferrable=True)
        logger.warning("between")
        seen = stream.getvalue()  # still within the same turn of the loop
        log_request(
            envelope("SessionEndedRequest.USER_INITIATED"),
            outcome="ok",
            status=200,
            deferrable=True,
        )
        await asyncio.sleep(0)  # one turn: the deferred line goes out
        await asyncio.sleep(0)
        return seen, stream.getvalue()

    seen, after = asyncio.run(main())
    assert [line.split(": ", 1)[1][:20] for line in seen.splitlines()] == [
        "LaunchRequest -> ok ",
        "IntentRequest GetWea",
        "between",
    ]
    assert after.splitlines()[:3] == seen.splitlines()
    assert after.splitlines()[3].split(": ", 1)[1].startswith("SessionEndedRequest -> ok")
    assert len(after.splitlines()) == 4


@pytest.mark.parametrize("how", ["flush", "close", "configure_logging", "end of the turn"])
def test_pending_lines_are_written_by_flush_close_and_the_end_of_the_turn(how: str) -> None:
    stream = CountingStream()
    configure_logging("INFO", stream=stream)
    handler = logging.getLogger("alexaskill").handlers[0]

    async def main() -> tuple[int, int]:
        log_request(envelope(), outcome="ok", status=200, deferrable=True)
        log_request(envelope("LaunchRequest"), outcome="ok", status=200, deferrable=True)
        # The last request in flight, in the same turn: it waits with them.
        log_request(envelope(), outcome="ok", status=200)
        before = len(request_lines(stream))
        if how == "flush":
            handler.flush()
        elif how == "close":
            handler.close()
        elif how == "configure_logging":
            configure_logging("INFO", stream=io.StringIO())  # replaces (and closes) the handler
        else:
            await asyncio.sleep(0)
        return before, len(request_lines(stream))

    before, after = asyncio.run(main())
    assert before == 0  # the three lines were pending: what this test is about
    assert after == 3
    assert len(stream.writes) == 1  # all of them in one write() call
    assert request_lines(stream) == stream.getvalue().splitlines()


def test_pending_lines_are_written_at_interpreter_exit() -> None:
    # logging.shutdown() (atexit) flushes the handler: a line deferred just before the process
    # exits is not lost, even when the event loop never turns again.
    script = (
        "import asyncio, sys\n"
        "from alexaskill.logs import configure_logging, log_request\n"
        "configure_logging('INFO')\n"
        "async def main():\n"
        "    log_request(None, outcome='refused:signature', status=400, deferrable=True)\n"
        "    sys.stderr.write('exiting\\n')\n"
        "    raise SystemExit(0)\n"
        "asyncio.new_event_loop().run_until_complete(main())\n"
    )
    done = run_script(script)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == "exiting"  # the line was still pending then
    assert "alexaskill.request: - -> refused:signature (400)" in done.stderr.splitlines()[1]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork")
def test_a_child_forked_while_lines_wait_does_not_write_them_again() -> None:
    # A forked child has a copy of the parent's pending lines, which the parent writes at the
    # end of its turn: the child must not write them too (at its first record, or its exit).
    script = (
        "import asyncio, logging, os, sys\n"
        "from alexaskill.logs import configure_logging, log_request\n"
        "configure_logging('INFO', stream=sys.stdout)\n"
        "async def main():\n"
        "    log_request(None, outcome='refused:signature', status=400, deferrable=True)\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        logging.getLogger('alexaskill').warning('the child')\n"
        "        logging.shutdown()\n"
        "        os._exit(0)\n"
        "    os.waitpid(pid, 0)\n"
        "asyncio.run(main())\n"
    )
    done = run_script(script)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "the child",
        "- -> refused:signature (400) handler=- verify=- id=-",
    ]


def test_a_waiting_line_keeps_no_reference_to_its_request() -> None:
    # Kept until the turn's end, a turn's envelopes were alive when the garbage collector ran:
    # moved to its older generations, collected far more often (logs._Handler).
    stream = CountingStream()
    configure_logging("INFO", stream=stream)

    async def main() -> tuple[int, int, int]:
        request = envelope()
        before = sys.getrefcount(request)
        log_request(request, outcome="ok", status=200, deferrable=True)
        waiting = sys.getrefcount(request)
        await asyncio.sleep(0)
        return before, waiting, len(request_lines(stream))

    before, waiting, written = asyncio.run(main())
    assert waiting == before
    assert written == 1  # the line did wait, and went out at the turn's end


def test_a_failed_batched_write_reports_every_line_lost(capsys: pytest.CaptureFixture[str]) -> None:
    class Broken(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError("disk full")

    configure_logging("INFO", stream=Broken())

    async def main() -> None:
        log_request(envelope(), outcome="ok", status=200, deferrable=True)
        log_request(envelope("LaunchRequest"), outcome="ok", status=200, deferrable=True)
        await asyncio.sleep(0)  # the flush at the end of the turn fails; nothing raises here

    asyncio.run(main())
    err = capsys.readouterr().err
    assert err.count("--- Logging error ---") == 2 and "OSError: disk full" in err
    assert "GetWeather" in err and "LaunchRequest" in err


def test_uvicorn_stops_at_a_log_setting_that_does_not_parse(tmp_path: Path) -> None:
    # Under `uvicorn app:skill` (lifespan "auto") the ConfigurationError the app's start raised
    # made uvicorn take the app for one without a lifespan: it served, and every request got a
    # plain-text 500. The app now fails its lifespan's startup, and uvicorn exits with the reason.
    (tmp_path / "plain_app.py").write_text(
        f'from alexaskill import Skill\n\nskill = Skill("{SKILL_ID}")\n', encoding="utf-8"
    )
    refused = subprocess.run(
        [sys.executable, "-m", "uvicorn", "plain_app:skill", "--port", "0"],
        cwd=tmp_path,
        env={**os.environ, "ALEXASKILL_LOG_LEVEL": "verbose"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
        check=False,
    )
    assert refused.returncode != 0, refused.stderr
    assert "ALEXASKILL_LOG_LEVEL: unknown log level 'VERBOSE'" in refused.stderr
    assert "Application startup failed" in refused.stderr
    assert "Traceback" not in refused.stderr


@pytest.mark.parametrize("as_json", [False, True])
def test_a_turns_lines_go_out_in_writes_a_pipe_keeps_whole(as_json: bool) -> None:
    # Several workers (`--workers N`) write to one inherited standard error, a pipe under Docker
    # or systemd, where one write() is kept whole only up to PIPE_BUF bytes (4,096 on Linux): a
    # longer one may be split and interleaved with another worker's, tearing lines apart. A
    # busy turn's lines go out in as many writes of at most PIPE_BUF bytes as they need.
    import select

    stream = CountingStream()
    configure_logging("INFO", json=as_json, stream=stream)
    request = envelope()
    request.request.request_id += "-ü" * 20  # non-ASCII: counted in bytes, not characters

    async def main() -> None:
        for _ in range(60):  # a turn of a busy server: none written at once
            log_request(request, outcome="ok", status=200, deferrable=True)
        await asyncio.sleep(0)

    asyncio.run(main())
    assert len(request_lines(stream)) == 60
    assert all(text.endswith("\n") for text in stream.writes)  # whole lines only
    sizes = [len(text.encode()) for text in stream.writes]
    assert max(sizes) <= select.PIPE_BUF
    for size, after in zip(sizes, stream.writes[1:], strict=False):
        # As few writes as whole lines allow: the next write's first line did not fit.
        assert size + len(after.splitlines(keepends=True)[0].encode()) > select.PIPE_BUF
