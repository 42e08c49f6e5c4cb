"""The run's guard on the tests' own threads (tests/threads_left.py, a plugin of the run): a test
that leaves a non-daemon thread of its own running after its teardown fails, naming the thread
and the test; one that joined its thread, left a daemon, a thread ending a moment after its
teardown or a `concurrent.futures` pool's worker, passes."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

import pytest

from . import source_trees, threads_left

ROOT = Path(__file__).resolve().parent.parent

pytest_plugins = ["pytester"]

#: Inner tests: one leaves a non-daemon thread blocked on a gate, one a daemon, one joins its
#: own, one leaves a thread ending a moment after its teardown, one a pool's idle worker; the
#: last opens the gates and joins the threads left, so that none outlives the run.
INNER = """
import threading
import time
from concurrent.futures import ThreadPoolExecutor

GATE = threading.Event()
LEFT = []
POOLS = []


def test_leaves_a_thread_running() -> None:
    thread = threading.Thread(target=GATE.wait, name="left-behind")
    thread.start()
    LEFT.append(thread)


def test_leaves_a_daemon_running() -> None:
    thread = threading.Thread(target=GATE.wait, name="a-daemon", daemon=True)
    thread.start()
    LEFT.append(thread)


def test_joins_its_thread() -> None:
    thread = threading.Thread(target=lambda: None, name="joined")
    thread.start()
    thread.join(60)


def test_leaves_a_thread_on_its_way_out() -> None:
    # Told to stop, it ends a moment after the teardown: not a thread left running.
    threading.Thread(target=time.sleep, args=(0.3,), name="on-its-way-out").start()


def test_leaves_a_pools_idle_worker() -> None:
    # A concurrent.futures pool's worker, not shut down: its pool's atexit join ends it.
    POOLS.append(ThreadPoolExecutor(thread_name_prefix="pooled"))
    POOLS[-1].submit(lambda: None).result(60)


def test_opens_the_gates() -> None:
    for pool in POOLS:
        pool.shutdown(wait=True)
    GATE.set()
    for thread in LEFT:
        thread.join(60)
        assert not thread.is_alive()
"""


def test_a_test_that_leaves_a_non_daemon_thread_running_fails_naming_it(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_inner=INNER)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", plugins=[threads_left])
    result.assert_outcomes(passed=6, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_leaves_a_thread_running*",
            "test_inner.py::test_leaves_a_thread_running left non-daemon threads running after "
            "its teardown: left-behind (*",
        ]
    )
    summary = result.stdout.str().split("short test summary")[-1]
    for name in ("a-daemon", "joined", "on-its-way-out", "pooled"):
        assert name not in summary


def _started_undaemonised(tree: ast.AST) -> list[int]:
    """The lines of ``tree`` that make a thread that is not a daemon: a ``Thread(...)`` without
    ``daemon=True``, and any ``Timer(...)``, which takes no ``daemon=`` (tests/in_threads.py's
    `timer` makes one a daemon)."""
    lines = []
    for node in source_trees.nodes(source_trees.by_type(tree), ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        daemon = any(
            word.arg == "daemon" and isinstance(word.value, ast.Constant) and word.value.value
            for word in node.keywords
        )
        if name == "Timer" or (name == "Thread" and not daemon):
            lines.append(node.lineno)
    return sorted(lines)


def _may_start_a_thread(text: str) -> bool:
    """Whether the source ``text`` may hold a line `_started_undaemonised` finds: one that says
    ``Thread`` or ``Timer``, the name it reads, written out (as an identifier, what a call's
    name is; the parser reads an identifier NFKC-normalised, a fullwidth ``T`` as ``T``, and so
    is a text that is not ASCII read here). Most files of tests/ say neither: not parsed."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return "Thread" in text or "Timer" in text


def test_each_thread_a_test_makes_is_a_daemon() -> None:
    # Two hang guards (threading.Timer, tests/test_asgi_start_uvicorn.py and
    # tests/test_store_sqlite_serving.py) were not daemons: one not cancelled (made before its
    # try) kept the run alive, or failed the test here, for its whole wait (15 s, 30 s). A
    # thread the suite's code makes (tests/, examples/; not the skills it writes out as text,
    # whose threads are what some tests are about) is a daemon, cancelled and joined in a
    # `finally` where it is a timer.
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for folder in ("tests", "examples")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.name != "in_threads.py"
        for text in [path.read_text(encoding="utf-8")]
        if _may_start_a_thread(text)
        for line in _started_undaemonised(source_trees.parse(text))
    ]
    assert found == [], "make these daemons (tests/in_threads.py's `timer` for a Timer)"


#: Threads the guard above finds (each line's comment says which), in a text its filter lets
#: through to be read.
_THREADS = """\
import threading
from threading import Thread, Timer

threading.Thread(target=work).start()  # found
Thread(target=work, daemon=False)  # found
Timer(15, stop).start()  # found: a Timer takes no daemon=
threading.Thread(target=work, daemon=True).start()
\uff34hread(target=work)  # found: the parser reads the fullwidth T as a T
"""


def test_the_guard_finds_each_thread_not_a_daemon() -> None:
    assert _may_start_a_thread(_THREADS)
    assert _started_undaemonised(ast.parse(_THREADS)) == [4, 5, 6, 8]
    fullwidth = "\uff34hread(target=work)\n"
    assert "Thread" not in fullwidth and _may_start_a_thread(fullwidth)
    assert _started_undaemonised(ast.parse(fullwidth)) == [1]
    assert not _may_start_a_thread("import threading\n\nthreading.Event().set()\n")
