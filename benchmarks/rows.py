"""The rows `load.py` can run: each server's module, environment, options and target.

`count_stack.py`, `count_instructions.py` and `bench_request_line.py` start or count the same
rows by these names; `report.py` reads each row's title and target from here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

#: The suffix of the rows --compare-with adds: the same row served with the other checkout's code.
BEFORE: Final = "@before"


@dataclass(frozen=True)
class Row:
    """One server the benchmark can run."""

    title: str
    #: ``benchmarks.servers.<module>:create_app``; None for the ASK SDK (gunicorn).
    module: str | None
    #: Environment of the server: the request log's settings.
    env: Mapping[str, str] = field(default_factory=dict)
    workers: int = 1
    #: The least requests/s over the floor row's (alexaskill's rows).
    target: float | None = None
    verifies: bool = True
    #: For a row with several workers: the one-worker row whose CPU per request it matches.
    one_worker: str | None = None
    #: uvicorn options of its own (replacing the common ones of the same name).
    options: tuple[str, ...] = ()
    #: Started by ``alexaskill serve`` with its defaults (``benchmarks.servers.serve_<module>``),
    #: not by ``uvicorn --factory``.
    serve: bool = False


# No request line: the framework's own cost. Without a logging set-up of its own the app now
# writes the line at INFO (uvicorn configures only its own loggers), so the rows say which.
_QUIET: Final = {"ALEXASKILL_LOG_LEVEL": "WARNING"}
_INFO: Final = {"ALEXASKILL_LOG_LEVEL": "INFO"}
_JSON: Final = {"ALEXASKILL_LOG_LEVEL": "INFO", "ALEXASKILL_LOG_JSON": "1"}
# Skill(deadline=None) instead of the default 7 s: what a deadline that is never reached costs.
_NO_DEADLINE: Final = {**_QUIET, "ALEXASKILL_BENCH_DEADLINE": "none"}

_OURS: Final = ("weather", "weather_def", "weather_ssml")
#: The Docker image's uvicorn options (and `alexaskill serve`'s): alexaskill's bounded HTTP
#: protocol (alexaskill.server, on httptools, with alexaskill.exchange's request cycle).
_DOCKER_OPTIONS: Final = (
    "--http=alexaskill.server:HttpProtocol",
    "--limit-concurrency=1000",
    "--timeout-keep-alive=5",
    "--timeout-graceful-shutdown=9",
    "--proxy-headers",
    "--no-server-header",
    # uvloop where installed, as --loop=auto picks, its TLS handshakes bounded (alexaskill.loops):
    # a subclass of the loop, so measured as the image runs it, not as uvicorn's own.
    "--loop=alexaskill.loops:new_event_loop",
    # uvicorn's own level, which the image's CMD leaves as it is and `alexaskill serve` keeps
    # (--log-level info), not the other rows' warning: like with like beside def-serve (perf21;
    # counted the same, within a run's spread).
    "--log-level=info",
)
#: The image's event loop; a checkout from before alexaskill.loops gets uvicorn's own instead.
IMAGE_LOOP: Final = "--loop=alexaskill.loops:new_event_loop"

#: The rows, in the order they run and print.
ROWS: Final = {
    "bare": Row("bare Starlette + uvicorn, no work", "bare", verifies=False),
    "floor": Row("Starlette + 1 RSA-2048 verify + json.loads", "floor"),
    "async": Row(
        "alexaskill, async def handlers (weather example), no log line",
        "weather",
        _QUIET,
        target=1.25,
    ),
    "def": Row("alexaskill, def handlers, no log line", "weather_def", _QUIET, target=1.00),
    "def-info": Row("alexaskill, def handlers + INFO log line", "weather_def", _INFO, target=0.95),
    "def-json": Row("alexaskill, def handlers + JSON log line", "weather_def", _JSON, target=0.95),
    # What the Docker image runs (and `alexaskill serve`, whose options are the same):
    # alexaskill's bounded HTTP protocol (alexaskill.server, on httptools, with
    # alexaskill.exchange's request cycle) with its options, the request line at INFO; held to
    # def-info's target, which the issue names "the Docker image's default".
    "def-info-docker": Row(
        "alexaskill, def + INFO log, the Docker image's uvicorn options",
        "weather_def",
        _INFO,
        target=0.95,
        options=_DOCKER_OPTIONS,
    ),
    # def-info-docker without its request line: what the line costs on alexaskill's protocol.
    # Beside def-info the docker row reads as if the line were nearly free, but the protocol
    # saves about what the line costs (benchmarks/README.md, "The request line under load").
    "def-docker": Row(
        "alexaskill, def, no log line, the Docker image's uvicorn options",
        "weather_def",
        _QUIET,
        options=_DOCKER_OPTIONS,
    ),
    "async-docker": Row(
        "alexaskill, async def, no log line, the Docker image's uvicorn options",
        "weather",
        _QUIET,
        options=_DOCKER_OPTIONS,
    ),
    "def-info-2w": Row(
        "alexaskill, def + INFO log, 2 workers", "weather_def", _INFO, 2, one_worker="def-info"
    ),
    # The README's quick start: `alexaskill serve app:skill`, all its defaults (uvicorn's log
    # level included), for a skill that sets up no logging itself. Held to def-info's target.
    "def-serve": Row(
        "alexaskill serve, def handlers, its defaults (the README's quick start)",
        "weather_def",
        target=0.95,
        serve=True,
    ),
    "ask-sdk": Row("ASK SDK + flask-ask-sdk, gunicorn sync", None),
    "async-no-deadline": Row(
        "alexaskill, async def, Skill(deadline=None)", "weather", _NO_DEADLINE
    ),
    "def-no-deadline": Row("alexaskill, def, Skill(deadline=None)", "weather_def", _NO_DEADLINE),
    # The async row answering in SSML (alexaskill.ssml's builders): what the SSML answer path
    # costs, which every other row's plain text leaves out (count_instructions.py counts it).
    "ssml": Row(
        "alexaskill, async def handlers answering in SSML, no log line", "weather_ssml", _QUIET
    ),
}
#: The rows served by alexaskill (the ones --compare-with doubles).
ALEXASKILL_ROWS: Final = tuple(name for name, row in ROWS.items() if row.module in _OURS)
DEFAULT_ROWS: Final = ("bare", "floor", "async", "def", "def-info", "def-json")


def row(name: str) -> Row:
    """The row ``name``, or the row it is the ``@before`` twin of (retitled; with no target and
    no one-worker row: a twin is read against its own row alone)."""
    if name.endswith(BEFORE):
        base = ROWS[name.removesuffix(BEFORE)]
        title = f"{base.title}, --compare-with"
        return dataclasses.replace(base, title=title, target=None, one_worker=None)
    return ROWS[name]
