"""What alexaskill says before any logging is set up (a host app's import, `log_early`): with
its level and logger, as every other alexaskill line, not bare through Python's last resort."""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

from alexaskill import log_early, settings
from alexaskill.logs import configure_logging

from .logger_state import alexaskill_logger_kept
from .processes import free_port, stop, wait_for_health

#: A host app mounting two skills whose starts say loud warnings (verification off, the
#: skill-id check off), one of them with a store whose TLS checks are off (said as it is made).
_PORTAL: Final = """
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from alexaskill import Skill

open_skill = Skill("amzn1.ask.skill.early", verify=False, store="memory://")
any_skill = Skill("*", store="rediss://127.0.0.1:9/0?ssl_cert_reqs=none")


async def health(request):
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[Route("/health", health), open_skill.mount("/open"), any_skill.mount("/any")]
)
"""

#: The three lines the import says, each by its start.
_SAID: Final = (
    "Redis store at 127.0.0.1:9: TLS certificate checks are off",
    "request verification is OFF (Skill(verify=False)) for the skill at /open",
    "the skill-id check is OFF (Skill(skill_id='*')) for the skill at /any",
)


def _environ(**env: str) -> dict[str, str]:
    """This process's environment without alexaskill's settings, with ``env``."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("ALEXASKILL_")}, **env}


def _run(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """What a fresh Python, beside `_PORTAL` (as ``portal``), did running ``code`` (which must
    succeed): as uvicorn imports an app, no logging set up but what ``code`` sets up."""
    (tmp_path / "portal.py").write_text(_PORTAL, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=_environ(**env),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done


def _imported(tmp_path: Path, after: str = "", **env: str) -> str:
    """What a fresh Python says on standard error importing `_PORTAL` (then running
    ``after``), no logging set up: as uvicorn imports an app."""
    return _run(tmp_path, f"import portal\n{after}", **env).stderr


def test_what_an_import_says_comes_with_its_level_and_logger(tmp_path: Path) -> None:
    # Said bare (no time, no level, no logger: Python's last resort), which a log collector
    # filtering by level dropped: the security warnings of a mounted skill's start.
    output = _imported(tmp_path)
    lines = output.splitlines()
    for said in _SAID:
        [line] = [line for line in lines if said in line]
        assert f" WARNING alexaskill.security: {said}" in line, output
    assert not [line for line in lines if line.startswith(("Redis", "request", "the skill"))]


def test_what_an_import_says_is_json_when_the_environment_says_so(tmp_path: Path) -> None:
    output = _imported(tmp_path, ALEXASKILL_LOG_JSON="1")
    records = [json.loads(line) for line in output.splitlines()]
    assert [(r["level"], r["logger"]) for r in records] == [("WARNING", "alexaskill.security")] * 3
    assert [r["message"].startswith(said) for r in records for said in _SAID].count(True) == 3


def test_an_apps_logging_set_up_after_its_imports_takes_the_lines_from_there(
    tmp_path: Path,
) -> None:
    # Said once, through the app's own handler, not beside it in alexaskill's format too.
    after = (
        "import logging\n"
        "logging.basicConfig(format='APP %(levelname)s %(name)s: %(message)s')\n"
        "from alexaskill import Skill\n"
        "Skill('*', store='memory://').mount('/late')\n"
    )
    output = _imported(tmp_path, after)
    late = [line for line in output.splitlines() if "for the skill at /late" in line]
    assert late == [
        "APP WARNING alexaskill.security: the skill-id check is OFF (Skill(skill_id='*')) for "
        "the skill at /late (any skill id): requests for any skill are answered"
    ], output


def test_an_app_adding_its_handler_where_the_logger_has_none_takes_the_lines(
    tmp_path: Path,
) -> None:
    # The common idiom `if not logger.handlers: logger.addHandler(...)`: alexaskill's early
    # handler sat in "alexaskill"'s handlers until logging was set up, so the app added none,
    # and its lines went on in alexaskill's format to standard error, not through its handler.
    after = (
        "import logging, sys\n"
        "logger = logging.getLogger('alexaskill')\n"
        "print('handlers', logger.handlers, file=sys.stderr)\n"
        "if not logger.handlers:\n"
        "    mine = logging.StreamHandler(sys.stderr)\n"
        "    mine.setFormatter(logging.Formatter('APP %(levelname)s %(name)s: %(message)s'))\n"
        "    logger.addHandler(mine)\n"
        "from alexaskill import Skill\n"
        "Skill('*', store='memory://').mount('/late')\n"
    )
    output = _imported(tmp_path, after)
    lines = output.splitlines()
    assert "handlers []" in lines, output
    late = [line for line in lines if "for the skill at /late" in line]
    assert late == [
        "APP WARNING alexaskill.security: the skill-id check is OFF (Skill(skill_id='*')) for "
        "the skill at /late (any skill id): requests for any skill are answered"
    ], output
    for said in _SAID:  # (said before the app's handler: with their level and logger)
        [line] = [line for line in lines if said in line]
        assert f" WARNING alexaskill.security: {said}" in line, output


def test_an_apps_filter_on_an_alexaskill_logger_drops_the_lines_it_drops(tmp_path: Path) -> None:
    # A filter the app puts on an alexaskill logger after the import, no handler set up: the
    # logger runs its filters in turn, and the early filter, before the app's, wrote the line
    # and ended the turn, so the app's never ran and the line it drops came out all the same.
    after = (
        "import logging\n"
        "logging.getLogger('alexaskill.security').addFilter(\n"
        "    lambda record: 'at /late' not in record.getMessage()\n"
        ")\n"
        "from alexaskill import Skill\n"
        "Skill('*', store='memory://').mount('/late')\n"
    )
    output = _imported(tmp_path, after)
    lines = output.splitlines()
    assert not [line for line in lines if "at /late" in line], output
    for said in _SAID:  # (what the filter lets through: written once, formatted)
        [line] = [line for line in lines if said in line]
        assert f" WARNING alexaskill.security: {said}" in line, output


def test_no_set_up_leaves_the_alexaskill_loggers_without_handlers(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    # What alexaskill says before logging is set up shows in no logger's handlers (an app's
    # `if not logger.handlers` finds none), and a handler that takes the lines (pytest's
    # caplog) takes every one, nothing written beside it.
    with alexaskill_logger_kept() as logger:
        logger.handlers[:] = []
        log_early.forget_early()
        log_early.install_early()
        assert logger.handlers == []
        assert logging.getLogger("alexaskill.security").handlers == []
        capsys.readouterr()
        with caplog.at_level(logging.WARNING, "alexaskill"):
            logging.getLogger("alexaskill.security").warning("early %s", "warning")
            logging.getLogger("alexaskill").warning("early %s", "new\nline")
        assert [(r.name, r.getMessage()) for r in caplog.records] == [
            ("alexaskill.security", "early warning"),
            ("alexaskill", "early new\\nline"),  # (escaped, as every alexaskill line)
        ]
        assert capsys.readouterr().err == ""


def test_a_record_without_a_level_passes_the_early_filter_unjudged() -> None:
    # A filter that raises breaks whoever asked: logging.makeLogRecord({}) has no level (None),
    # as a test's hand-made record has (test_replay_answers_rules asks a logger's filters with one).
    record = logging.makeLogRecord({})
    assert log_early.EarlyFilter().filter(record) is True


def test_an_app_that_silences_the_last_resort_is_obeyed(tmp_path: Path) -> None:
    # logging.lastResort = None: the app's choice, that nothing goes there. Kept.
    silenced = "import logging\nlogging.lastResort = None\nimport portal"
    done = _run(tmp_path, silenced, PYTHONWARNINGS="ignore")
    assert not any(said in done.stderr for said in _SAID), done.stderr


def test_an_apps_own_last_resort_takes_the_lines(tmp_path: Path) -> None:
    # logging.lastResort replaced (here by a handler writing to standard output): the app's
    # choice of where a line no handler takes goes. alexaskill's went to standard error
    # instead, in alexaskill's format, beside it.
    own = (
        "import logging, sys\n"
        "mine = logging.StreamHandler(sys.stdout)\n"
        "mine.setFormatter(logging.Formatter('MINE %(levelname)s %(message)s'))\n"
        "logging.lastResort = mine\n"
        "import portal\n"
    )
    done = _run(tmp_path, own, PYTHONWARNINGS="ignore")
    assert not any(said in done.stderr for said in _SAID), done.stderr
    for said in _SAID:
        assert any(
            line.startswith("MINE WARNING ") and said in line for line in done.stdout.splitlines()
        ), done.stdout


def test_uvicorn_serving_a_host_app_says_its_mounted_skills_start_with_levels(
    tmp_path: Path,
) -> None:
    # `uvicorn portal:app`: uvicorn sets up its own loggers, not alexaskill's nor the root's.
    (tmp_path / "portal.py").write_text(_PORTAL, encoding="utf-8")
    port = free_port()
    log = tmp_path / "uvicorn.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "portal:app", "--port", str(port)],
            cwd=tmp_path,
            env=_environ(),
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_health(f"http://127.0.0.1:{port}", process, said=log.read_text)
    finally:
        stop(process)
    output = log.read_text(encoding="utf-8")
    for said in _SAID:
        [line] = [line for line in output.splitlines() if said in line]
        assert f" WARNING alexaskill.security: {said}" in line, output


def test_a_second_copy_of_alexaskill_leaves_no_early_handler_behind_a_set_up() -> None:
    # Two copies of alexaskill in one process (benchmarks/before_after.py loads the one it
    # compares with) share the "alexaskill" logger: the second copy's early handler, put there
    # while it had none, was not the first copy's, which neither took it off at its set-up nor
    # counted it out of "set up already": the whole suite failed test_settings_at_start.
    # (An older copy's early handler, on "alexaskill"'s handlers, is taken off too.)
    with alexaskill_logger_kept() as logger:
        logger.handlers[:] = []
        log_early.forget_early()
        spec = importlib.util.spec_from_file_location("_second_log_early", log_early.__file__)
        assert spec is not None and spec.loader is not None
        second = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(second)
        second.install_early()
        older = logging.Handler()
        vars(older)["alexaskill_early"] = True  # (an older copy's EarlyHandler, by its mark)
        logger.addHandler(older)
        loggers = [logging.getLogger(name) for name in log_early.LOGGERS]
        assert all(second._early in each.filters for each in loggers)
        assert second._early is not log_early._early
        assert settings._handlers() == ()  # (no set-up: the other copies' early handler)
        configure_logging("INFO", stream=io.StringIO())
        assert [type(h).__name__ for h in logger.handlers] == ["_Handler"]
        assert not [f for each in loggers for f in each.filters if log_early.early(f)]


def test_each_logger_alexaskill_names_has_the_early_filter() -> None:
    # A logger's filters see only the records made on it: a logger of alexaskill's missing from
    # LOGGERS would say what it says before logging is set up bare, through the last resort.
    import re

    import alexaskill

    package = Path(alexaskill.__file__).parent
    named = {
        name
        for source in package.rglob("*.py")
        for name in re.findall(
            r"getLogger\(\s*[\"'](alexaskill[\w.]*)[\"']", source.read_text(encoding="utf-8")
        )
    }
    assert "alexaskill.security" in named  # (the search finds them)
    assert named - {"alexaskill.request"} <= set(log_early.LOGGERS), named
