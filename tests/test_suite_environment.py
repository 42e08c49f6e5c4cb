"""The suite's results do not hang on the shell it runs in: a developer who exported the
variables that configure a skill (ALEXASKILL_LOG_JSON=1 for a server they run, say) gets the
same results as CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DEPLOYED_SKILL_ID

ROOT = Path(__file__).resolve().parent.parent


def test_the_skills_own_variables_in_the_shell_change_no_result() -> None:
    # With ALEXASKILL_LOG_JSON=1 exported, this test failed: the logging it configures from the
    # environment wrote JSON lines, not the plain ones it reads. (In a pytest of its own: the
    # variables are in the environment before the suite starts.)
    test = (
        "tests/test_logs_settings.py::"
        "test_a_log_level_from_the_environment_does_not_hide_that_a_check_is_off"
    )
    shell = {
        **os.environ,
        "ALEXASKILL_LOG_JSON": "1",
        "ALEXASKILL_LOG_LEVEL": "DEBUG",
        "ALEXASKILL_SKILL_ID": DEPLOYED_SKILL_ID,
        "ALEXASKILL_STORE": "memory://",
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0", test],
        cwd=ROOT,
        env=shell,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]


def test_the_suites_own_fuzz_variables_in_the_shell_reach_the_fuzz_tests() -> None:
    # The longer fuzz runs the modules document (ALEXASKILL_FUZZ_RUNS=20000 ALEXASKILL_FUZZ_SEED=9
    # pytest tests/test_verify_mutations.py) ran the short one: conftest's guard took every
    # ALEXASKILL_* variable but ALEXASKILL_TEST_* away before the modules read theirs. Imported
    # in a process of its own, after conftest, as pytest imports them.
    shell = {
        **os.environ,
        "ALEXASKILL_FUZZ_RUNS": "7",
        "ALEXASKILL_FUZZ_SEED": "9",
        "ALEXASKILL_LOG_JSON": "1",
    }
    # Every fuzz module of whole requests (tests/test_fuzz*.py, split by meaning), not only the
    # first: each must run what the variables say, not a default of its own.
    fuzz = sorted(path.stem for path in (ROOT / "tests").glob("test_fuzz*.py"))
    assert len(fuzz) >= 2, fuzz
    code = (
        "import importlib, os, tests.conftest\n"
        "from tests import verify_mutations_shared as shared\n"
        "print(shared.RUNS, shared.SEED)\n"
        f"for name in {fuzz!r}:\n"
        "    module = importlib.import_module(f'tests.{name}')\n"
        "    print(name, module.RUNS, module.SEED)\n"
        "print(os.environ.get('ALEXASKILL_LOG_JSON'))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=shell,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    expected = ["7 9", *(f"{name} 7 9" for name in fuzz), "None"]
    assert run.stdout.splitlines() == expected, run.stdout + run.stderr


#: The simulator's browser tests' variables (tests/simulator_browser.py), each with a value.
_BROWSERS_OWN = {
    "ALEXASKILL_CHROMIUM": "/opt/other/chromium",
    "ALEXASKILL_SCREENSHOTS": "/tmp/shots",
    "ALEXASKILL_README_SCREENSHOT": "docs/simulator.png",
}


def test_the_suites_own_browser_variables_in_the_shell_are_kept() -> None:
    # ALEXASKILL_CHROMIUM (another browser for the simulator's tests, which README.md documents)
    # outlived conftest's guard only because tests/simulator_browser.py read it while conftest
    # imported it, before the guard ran; the guard took it out of the environment all the same
    # (for the processes the tests start too), and a module reading it later got the default.
    # ALEXASKILL_SCREENSHOTS and ALEXASKILL_README_SCREENSHOT, read as the tests run, were gone:
    # README.md's command that draws docs/simulator.png again drew nothing.
    shell = {**os.environ, **_BROWSERS_OWN, "ALEXASKILL_STORE": "x"}
    names = [*_BROWSERS_OWN, "ALEXASKILL_STORE"]
    code = f"import os, tests.conftest\nprint(*(os.environ.get(name) for name in {names}))"
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=shell,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    expected = " ".join([*_BROWSERS_OWN.values(), "None"])
    assert run.stdout.splitlines() == [expected], run.stdout + run.stderr


@pytest.mark.default_dev_pki
def test_a_test_writing_the_default_dev_pki_writes_a_temporary_directory(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # A test that ran `serve --dev` without naming a PKI directory (ALEXASKILL_DEV_PKI_DIR, which
    # tests/run_guards.py clears) wrote the development keys into this machine's own
    # ~/.local/share/alexaskill/dev-pki. The suite points the per-user data directory at one of
    # its own, for the tests and the processes they start. (Checked before anything is written.)
    from alexaskill.cli.dev import DEV_PKI_ENV, dev_pki, dev_pki_directory

    assert DEV_PKI_ENV not in os.environ
    directory = dev_pki_directory().resolve()
    # (In the run's base temporary directory: tests/run_guards.py makes it there.)
    temporary = tmp_path_factory.getbasetemp().resolve()
    assert directory.is_relative_to(temporary), f"{directory} is not a temporary directory"
    assert not directory.is_relative_to(Path.home() / ".local" / "share")
    # A process a test starts (a server, a command) finds the same directory.
    shown = subprocess.run(
        [sys.executable, "-c", "from alexaskill.cli.dev import dev_pki_directory as d; print(d())"],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout.strip()
    assert Path(shown).resolve() == directory
    pki = dev_pki()
    assert (directory / pki.FILE_NAME).is_file()


_KILLED_RUN = """
import os
import signal
from pathlib import Path

import pytest


def test_killed() -> None:
    Path(os.environ["WHERE"]).write_text(os.environ["XDG_DATA_HOME"], encoding="utf-8")
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_killed_run_leaves_its_data_directory_to_pytest_to_clear(tmp_path: Path) -> None:
    # The per-process data directory was made with tempfile.mkdtemp and removed at the end of the
    # run: a run killed on the way (SIGKILL; a worker the hang limit ends) left one more
    # /tmp/alexaskill-tests-data-* each time, which nothing ever removed. In pytest's base
    # temporary directory, the next run removes it (given --basetemp, as here; pytest's own
    # numbered ones rotate). The run is a pytest of its own with tests/conftest.py as a plugin.
    (tmp_path / "test_killed.py").write_text(_KILLED_RUN, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    where = tmp_path / "data-home.txt"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    command += ["-p", "tests.conftest", "--basetemp", str(tmp_path / "base"), "test_killed.py"]
    env = {**os.environ, "WHERE": str(where), "PYTHONPATH": str(ROOT)}
    killed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=300)
    assert killed.returncode == -9, killed.stdout[-2000:] + killed.stderr[-2000:]
    left = Path(where.read_text(encoding="utf-8"))
    try:
        assert left.is_dir()  # the killed run removed nothing
        (tmp_path / "test_killed.py").write_text(
            "def test_passes() -> None:\n    pass\n", encoding="utf-8"
        )
        again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, timeout=300)
        assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
        assert not left.exists(), f"{left} is still there after the next run"
    finally:
        if not left.is_relative_to(tmp_path):
            shutil.rmtree(left, ignore_errors=True)


_LOOP_LEFT = """import sys

def pytest_sessionfinish(session):
    print("the Lambda loop left:", sys.modules["alexaskill.lambda_loop"].Loop.runner)
"""


def test_a_test_that_runs_the_lambda_handler_leaves_no_event_loop_open(tmp_path: Path) -> None:
    # alexaskill.lambda_loop keeps one event loop for the process (`Loop.runner`): a test that
    # ran the handler left it there, open to the run's end and then collected unclosed (under
    # -X dev a ResourceWarning for it and each of its self-pipe's sockets, when the collection
    # came before the interpreter's end), from test_aws_lambda, test_deadline_lambda,
    # test_progressive_late and seven other modules. (In a pytest of its own, with a plugin
    # that says, once every test's fixtures are done, what the test left.)
    (tmp_path / "loop_left.py").write_text(_LOOP_LEFT, encoding="utf-8")
    test = "tests/test_hooks.py::test_hooks_run_on_aws_lambda"
    command = [sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "-n", "0"]
    command += ["-p", "loop_left", test]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(tmp_path), str(ROOT)))}
    run = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    said = run.stdout[-2000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout, said
    assert "the Lambda loop left: None" in run.stdout, said


_TRIO_SEEN = "import sys\nimport httpx\n\nhttpx.AsyncClient()\nprint('trio' in sys.modules)\n"


def test_the_processes_tests_start_make_an_http_client_without_importing_trio() -> None:
    # httpcore imports trio whenever it is installed (the test extra has it, for anyio's trio
    # backend): each of the hundreds of processes the tests start (`alexaskill serve`, its
    # workers, the commands) spent ~0.15 s of CPU importing it at its first HTTP client, ~60 s
    # a run, where a skill author's process, without trio, spends nothing.
    run = subprocess.run(
        [sys.executable, "-c", _TRIO_SEEN], capture_output=True, text=True, encoding="utf-8"
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, "False\n", "")
    said = subprocess.run(
        [sys.executable, "-c", "import trio"], capture_output=True, text=True, encoding="utf-8"
    )
    assert said.returncode == 1
    assert "trio is kept out of the processes the tests start" in said.stderr


def test_a_pytest_a_test_starts_has_trio_still() -> None:
    # (A run of the suite's own tests in a process of its own, as above, may run them on trio.)
    import trio  # the test's own process has it, as every process of the run does

    code = "import _pytest, trio\n\nprint(trio.__file__)\n"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8"
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, f"{trio.__file__}\n", "")


_SLEEPS = """import time

import pytest


@pytest.mark.parametrize("n", range(6))
def test_short(n: int) -> None:
    time.sleep(0.5)


def test_hangs() -> None:
    time.sleep(60)
"""


def test_a_hung_test_ends_its_process_and_a_long_run_of_short_tests_does_not(
    tmp_path: Path,
) -> None:
    # The hang limit (tests/run_guards.py) is watched from a test's start, the watch set again
    # only now and then: six tests of 0.5 s pass under a limit of 2 s, three seconds in all; the
    # one that sleeps a minute ends the process with every thread's traceback, within the limit.
    # (A pytest of its own with tests/conftest.py as a plugin, as above.)
    (tmp_path / "test_sleeps.py").write_text(_SLEEPS, encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist"]
    command += ["-p", "tests.conftest", "test_sleeps.py"]
    env = {**os.environ, "ALEXASKILL_TEST_HANG_LIMIT": "2", "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        command,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=50,
    )
    said = run.stdout[-2000:] + run.stderr[-2000:]
    assert run.returncode == 1, said
    assert "Timeout (0:00:02)!" in run.stderr, said
    assert 'File "' + str(tmp_path / "test_sleeps.py") + '", line 12 in test_hangs' in run.stderr
    assert run.stdout.count(".") >= 6, said
