"""alexaskill.loops where uvicorn serves: ``alexaskill serve`` over TLS and the Docker image run
on its loops; uvicorn run otherwise over TLS is told the option where its handshakes wait 60 s
(on its own loop or one already running); a worker on Windows gets the selector loop uvicorn
gives it. The loops themselves: tests/test_loops.py."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.serving import self_signed

from .cli_shared import APP
from .conftest import Servers
from .dockerfile_shared import dockerfile_cmd
from .loops_shared import closed_unanswered
from .missing import imported_or_skip


def test_serve_over_tls_closes_a_connection_that_never_handshakes(
    servers: Servers, tmp_path: Path
) -> None:
    # asyncio and uvloop wait 60 s for a TLS handshake, and uvicorn has no option for it: an
    # idle connection held a file descriptor that long, out of --limit-concurrency's sight.
    # The command runs as `python -m alexaskill` does, its loops' bound 1 s rather than 10 (not
    # waited out here: test_the_handshake_bound_is_the_documented_one), still far short of 60.
    cert, key = self_signed(tmp_path, common_name="localhost", dns=["localhost"])
    (tmp_path / "skillapp.py").write_text(APP, encoding="utf-8")
    port = servers.free_port()
    command = [
        sys.executable,
        "-c",
        _SHORT_HANDSHAKES,
        "serve",
        "skillapp:skill",
        "--port",
        str(port),
        "--ssl-certfile",
        str(cert),
        "--ssl-keyfile",
        str(key),
    ]
    env = {**os.environ, "ALEXASKILL_STORE": "memory://"}
    process = servers.start(command, port, cwd=tmp_path, env=env, tls=True)
    started = time.monotonic()
    assert closed_unanswered(port), f"still open after {time.monotonic() - started:.0f} s"
    servers.stop(process)


#: ``python -m alexaskill``, its loops' TLS handshakes bounded to one second.
_SHORT_HANDSHAKES = (
    "import sys; from alexaskill import loops, cli; "
    "loops.BoundedHandshakes.tls_handshake_timeout = 1.0; sys.exit(cli.main())"
)


def test_the_docker_image_bounds_the_handshake_too() -> None:
    command = dockerfile_cmd(8080)
    assert command[command.index("--loop") + 1] == "alexaskill.loops:new_event_loop"


@pytest.mark.parametrize(
    ("loop", "warned"),
    [
        ("asyncio", True),
        ("auto", True),
        ("alexaskill.loops:new_event_loop", False),
        ("alexaskill.loops:SelectorEventLoop", False),
    ],
)
def test_uvicorn_serving_tls_on_its_own_loop_is_told_the_option(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    loop: str,
    warned: bool,
) -> None:
    # `uvicorn app:skill --ssl-certfile …` without --loop: each TLS handshake may take 60 s,
    # and nothing said so. The skill's lifespan sees uvicorn's options and says what to add.
    import threading

    import uvicorn

    from alexaskill import Skill, loops

    from .conftest import SKILL_ID

    monkeypatch.setattr(loops, "_loop_checked", False)
    cert, key = self_signed(tmp_path, common_name="localhost", dns=["localhost"])
    config = uvicorn.Config(
        Skill(SKILL_ID, store="memory://"),
        port=0,
        http="h11",  # uvicorn's own protocol: the lifespan alone tells
        loop=loop,
        ssl_certfile=str(cert),
        ssl_keyfile=str(key),
        log_config=None,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        server.should_exit = True
        thread.join(30)
    said = [r.getMessage() for r in caplog.records if r.name == "alexaskill.server"]
    if warned:
        [line] = said
        assert "Add --loop alexaskill.loops:new_event_loop" in line, line
        assert f"(--loop {loop})" in line and "60 s" in line
    else:
        assert said == []


def _loop_made(by: str) -> asyncio.AbstractEventLoop:
    from alexaskill import loops

    class Subclass(loops.SelectorEventLoop):
        tls_handshake_timeout = 5.0

    if by == "uvloop":
        uvloop = imported_or_skip("uvloop", "the uvloop tests")
        return uvloop.Loop()  # type: ignore[no-any-return]
    made: dict[str, Callable[[], asyncio.AbstractEventLoop]] = {
        "new_event_loop": loops.new_event_loop,
        "SelectorEventLoop": loops.SelectorEventLoop,
        "a subclass": Subclass,
        "asyncio": asyncio.SelectorEventLoop,
    }
    return made[by]()


@pytest.mark.parametrize(
    ("by", "bounded"),
    [
        ("new_event_loop", True),
        ("SelectorEventLoop", True),
        ("a subclass", True),
        ("asyncio", False),
        ("uvloop", False),
    ],
)
def test_uvicorn_serving_tls_on_a_running_loop_is_told_only_if_it_is_unbounded(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, by: str, bounded: bool
) -> None:
    # `--loop none`: uvicorn serves on the loop already running (the app's own program runs
    # uvicorn.Server.serve), one of alexaskill.loops' or not: handshakes_bounded tells which,
    # and the option is said only where the handshake waits 60 s.
    from types import SimpleNamespace

    from alexaskill import loops

    monkeypatch.setattr(loops, "_loop_checked", False)
    config = SimpleNamespace(is_ssl=True, loop="none")  # what check_served_loop reads

    async def check() -> None:
        loops.check_served_loop(config)

    loop = _loop_made(by)
    try:
        assert loops.handshakes_bounded(loop) is bounded
        with caplog.at_level(logging.WARNING, "alexaskill"):
            loop.run_until_complete(check())
    finally:
        loop.close()
    said = [r.getMessage() for r in caplog.records if r.name == "alexaskill.server"]
    if bounded:
        assert said == []
    else:
        [line] = said
        assert "(--loop none)" in line and "Add --loop alexaskill.loops:new_event_loop" in line


@pytest.mark.parametrize("subprocess", [False, True], ids=["one-process", "worker"])
def test_on_windows_a_worker_gets_the_selector_loop_as_uvicorn_gives_it(
    monkeypatch: pytest.MonkeyPatch, subprocess: bool
) -> None:
    # uvicorn runs asyncio's proactor loop on Windows, but the selector loop in the server
    # processes of --workers and --reload: there the proactor's accept() fails on the socket
    # they inherit (WinError 87). new_event_loop gave every process the proactor.
    import multiprocessing

    from alexaskill import loops

    class Proactor(loops.SelectorEventLoop):  # Windows' proactor here, on a selector
        pass

    monkeypatch.setattr(loops, "_uvloop", None)  # none on Windows
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(loops, "SelectorEventLoop", Proactor)
    parent = object() if subprocess else None
    monkeypatch.setattr(multiprocessing, "parent_process", lambda: parent)
    loop = loops.new_event_loop()
    try:
        assert isinstance(loop, loops.BoundedHandshakes)
        assert isinstance(loop, Proactor) is not subprocess
    finally:
        loop.close()
