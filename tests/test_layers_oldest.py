"""The test modules `.ci/run` runs again at the oldest dependencies are those marked
``oldest_dependencies`` (tests/oldest_dependencies.py): a module that looks split from a marked one
(named after it, or importing it or a helper only marked modules import) is marked too, or excused
below with a reason. With a list in `.ci/run`, the modules split from listed ones left that run
unseen (63 tests, redis-py's and botocore's floors), and CI stayed green."""

from __future__ import annotations

from pathlib import Path

import pytest

from .oldest_dependencies import looks_split, marked_modules

#: Chat's tests: left out for the run's length (the Redis, DynamoDB and trio modules already add
#: about two minutes to it).
_CHAT = "chat's own, left out for the run's length"
#: The command's own work (its arguments, files, streams, signals and messages, offline or
#: through the test client): nothing of a dependency's details that the marked CLI modules
#: (serve's uvicorn, replay's httpx, the test client's Starlette) do not already run at the floors.
_CLI_OWN = "the command's own reading, writing and messages: no dependency's details"

#: Hostile requests, left out for the run's length: the marked test_exchange_skill and
#: test_server_* modules run the same protocols (alexaskill's, uvicorn's) at the floors.
_HOSTILE = "hostile requests at the current dependencies; the marked protocol tests run the floors"

#: The unmarked modules that look split from a marked one, and why each is not marked.
EXCUSED: dict[str, str] = {
    "test_cli_app_attribute": _CLI_OWN,
    "test_cli_chat": _CHAT,
    "test_cli_chat_audio": _CHAT,
    "test_cli_chat_audio_stops": _CHAT,
    "test_cli_chat_input": _CHAT,
    "test_cli_chat_log_order": _CHAT,
    "test_cli_chat_sessions": _CHAT,
    "test_cli_chat_terminal": _CHAT,
    "test_cli_chat_url": _CHAT,
    "test_cli_chat_url_answers": _CHAT,
    "test_cli_inputs": _CLI_OWN,
    "test_cli_inputs_loading": _CLI_OWN,
    "test_cli_inputs_meant": _CLI_OWN,
    "test_cli_inputs_options": _CLI_OWN,
    "test_cli_inputs_twice": _CLI_OWN,
    "test_cli_log_once": _CLI_OWN,
    "test_cli_model_invocation": _CLI_OWN,
    "test_cli_model_writes": _CLI_OWN,
    "test_cli_names": _CLI_OWN,
    "test_cli_parsing": _CLI_OWN,
    "test_cli_parsing_quoting": _CLI_OWN,
    "test_cli_replay_slots": _CLI_OWN,
    "test_cli_request": _CLI_OWN,
    "test_cli_request_defaults": _CLI_OWN,
    "test_cli_request_fields": _CLI_OWN,
    "test_cli_request_kinds": _CLI_OWN,
    "test_cli_request_unmodelled": _CLI_OWN,
    "test_cli_shadowing": _CLI_OWN,
    "test_cli_serve_workers_health": (
        "alexaskill's own worker supervisor, which uvicorn before 0.51 (the floor) lacks: skipped"
    ),
    "test_cli_serve_workers_restart": (
        "alexaskill's own supervisor's restart (uvicorn 0.51 on), as test_cli_serve_workers_health"
    ),
    "test_cli_serve_workers_stop": (
        "a worker's end as serve stops: tests moved from test_cli_serve_workers, unmarked there"
    ),
    "test_cli_sigterm": _CLI_OWN,
    "test_cli_skill_ids": _CLI_OWN,
    "test_cli_skill_log": _CLI_OWN,
    "test_cli_skill_start": _CLI_OWN,
    "test_cli_streams": _CLI_OWN,
    "test_cli_understand": _CLI_OWN,
    "test_cli_understand_clock": _CLI_OWN,
    "test_cli_url_answers": _CLI_OWN,
    "test_cli_values_cut": _CLI_OWN,
    "test_dynamodb_plans": "the store's own UpdateItem plan, made and kept without a botocore call",
    "test_fuzz_direct": _HOSTILE,
    "test_lambda_mangum": (
        "unmarked before its Mangum stand-in moved to tests/mangum_shared.py for the marked "
        "test_lambda_sigterm's test too"
    ),
    "test_server_limits": "asyncio's accept() and alexaskill's guard of it, nothing of uvicorn's",
    "test_server_logs": "the suite's own helper that shows a server's log (tests/server_logs.py)",
    "test_served_hostile": _HOSTILE,
    "test_server_ssml_advice": "the test tools' advice, read from an answer's fields",
    "test_verify_cancelled": "a raw ASGI call cancelled by asyncio: alexaskill's own 503",
    "test_verify_timestamp_iso": "alexaskill.timestamps' own reading of ISO 8601",
}


def test_a_module_that_looks_split_from_a_marked_one_is_marked() -> None:
    unmarked = {name: why for name, why in looks_split().items() if name not in EXCUSED}
    assert unmarked == {}, (
        "mark these modules pytestmark = pytest.mark.oldest_dependencies (.ci/run runs them at "
        f"the oldest dependencies), or excuse each in EXCUSED with a reason: {unmarked}"
    )


def test_each_excused_module_still_looks_split_and_is_unmarked() -> None:
    # A row for a module since marked, renamed or gone would excuse the next one of that name.
    stale = sorted(EXCUSED.keys() - looks_split().keys())
    assert stale == [], f"remove these rows of EXCUSED: {stale}"


_MARKED = "import pytest\n\npytestmark = pytest.mark.oldest_dependencies\n"


def test_a_split_that_drops_the_mark_is_found(tmp_path: Path) -> None:
    (tmp_path / "test_store.py").write_text(
        _MARKED + "from .store_helpers import x\n", encoding="utf-8"
    )
    (tmp_path / "store_helpers.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "test_store_url.py").write_text(
        "import pytest\n", encoding="utf-8"
    )  # named after test_store
    (tmp_path / "test_retry.py").write_text(
        "from .test_store import y\n", encoding="utf-8"
    )  # imports it
    (tmp_path / "test_pool.py").write_text(
        "from tests.store_helpers import x\n", encoding="utf-8"
    )  # its helper
    (tmp_path / "test_store_kept.py").write_text(_MARKED, encoding="utf-8")  # split with its header
    one = "import pytest\n\n@pytest.mark.oldest_dependencies\ndef test_one() -> None: ...\n"
    (tmp_path / "test_store_one.py").write_text(one, encoding="utf-8")  # one test of it marked
    assert looks_split(tmp_path) == {
        "test_pool": ["imports store_helpers, which marked modules alone import"],
        "test_retry": ["imports test_store"],
        "test_store_url": ["named after test_store"],
    }
    assert [path.name for path in marked_modules(tmp_path)] == [
        "test_store.py",
        "test_store_kept.py",
        "test_store_one.py",
    ]


@pytest.mark.parametrize(
    "source",
    [
        "from pytest import mark\n\npytestmark = mark.oldest_dependencies\n",
        "from pytest import mark\n\n@mark.oldest_dependencies\ndef test_one() -> None: ...\n",
        "from pytest import mark as m\n\npytestmark = [m.oldest_dependencies]\n",
        "import pytest\n\npytestmark = [pytest.mark.oldest_dependencies, pytest.mark.slow]\n",
        "import pytest as pt\n\npytestmark = (pt.mark.slow, pt.mark.oldest_dependencies())\n",
        "import pytest\n\npytestmark = getattr(pytest.mark, 'oldest_dependencies')\n",
        "from pytest import mark\n\npytestmark = [getattr(mark, 'oldest_dependencies')]\n",
        "import pytest\n\npytestmark = getattr(pytest, 'mark').oldest_dependencies\n",
    ],
    ids=[
        "from-import",
        "from-import decorator",
        "alias in a list",
        "list",
        "tuple, called",
        "getattr",
        "getattr of the imported mark",
        "getattr of pytest",
    ],
)
def test_each_way_of_writing_the_mark_is_found(tmp_path: Path, source: str) -> None:
    # `from pytest import mark` and its `mark.oldest_dependencies` went unseen: the module was
    # neither listed for the run at the oldest dependencies nor reported by the guard above;
    # so did `getattr(pytest.mark, "oldest_dependencies")`.
    (tmp_path / "test_store.py").write_text(source, encoding="utf-8")
    assert [path.name for path in marked_modules(tmp_path)] == ["test_store.py"]


def test_a_module_marked_otherwise_is_not_taken_as_marked(tmp_path: Path) -> None:
    # Another module's `mark` (not pytest's) and the name in a string say nothing of pytest's.
    (tmp_path / "test_a.py").write_text(
        "from marks import mark\n\nx = mark.oldest_dependencies\n", encoding="utf-8"
    )
    (tmp_path / "test_b.py").write_text("NAME = 'oldest_dependencies'\n", encoding="utf-8")
    (tmp_path / "test_c.py").write_text(
        "x = getattr(marks, 'oldest_dependencies')\n", encoding="utf-8"
    )
    assert marked_modules(tmp_path) == []
