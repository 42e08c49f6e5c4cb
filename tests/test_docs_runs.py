"""The documentation runs as written: README.md and benchmarks/README.md, top to bottom.

Each document is followed as a new user would, in an empty working directory:

- every ```python block runs. A block whose first line is ``# continues the example above``
  runs in the namespace of the python block before it; any other starts afresh. A block whose
  first line names a file (``# app.py``, ``# test_app.py``) is that file: it is written to the
  working directory (later blocks and commands use it) and run, a ``test_*.py`` file by pytest.
  A block whose first line is ``# conftest.py beside test_app.py: …`` is the conftest.py of a
  test file a block above wrote: written beside it, and that file's tests run by pytest again,
  with it, as a skill author who copied it would run them;
- every ```console block that runs the ``alexaskill`` command runs: each ``$`` line in bash
  (``\\`` continues it), and the lines shown after it are the output expected (``...`` stands for
  any lines; nothing shown: exit status 0 is enough). ``alexaskill serve`` keeps running in the
  background until the block ends, while the block's next commands talk to it.

A long document runs in parts (`PARTS`, in tests/docs_shared.py with the harness), tests of
their own: each part in a new directory that holds the files the python blocks before it write.

A block that cannot run here (it needs a deployed HTTPS endpoint, a tunnel, Docker) says why in
an HTML comment on the line before it: ``<!-- not run: <reason> -->``.

A block sees ``ALEXASKILL_SKILL_ID`` set to the example id only when the prose right above it
(since the block before) names the variable, as a reader who copies it has been told to set it.
The commands see a ``HOME`` of their own (shown as ``/home/you``), the examples of this
repository (``examples/``) in the working directory, and port 8000 moved to a free port (shown
as 8000).

What the documents name is checked in tests/test_docs.py; the skills they show, in
tests/test_docs_examples.py.
"""

from __future__ import annotations

import re
from typing import Final

import pytest

from . import docs_shared
from .docs_shared import (
    CONFTEST,
    CONTINUES,
    DOCUMENTS,
    EXAMPLE_SKILL_ID,
    FILE,
    PARTS,
    ROOT,
    Block,
    Reader,
    _match,
    commands,
    read_blocks,
    read_parts,
)

# The fixture of tests/docs_shared.py, this module's too (why not conftest's: see there).
reader = docs_shared.reader


_PART_IDS: Final = [
    (document, number)
    for document in DOCUMENTS
    for number in range(len(PARTS.get(document, [])) + 1)
]


@pytest.mark.parametrize(
    ("document", "part"), _PART_IDS, ids=[f"{d}-part{n + 1}" for d, n in _PART_IDS]
)
def test_the_document_runs_as_written(document: str, part: int, reader: Reader) -> None:
    before, blocks = read_parts(document)[part]
    for block in before:
        if block.language == "python":
            reader.write(block)
    first = next((block for block in blocks if block.language == "python"), None)
    assert first is None or not first.text.startswith(CONTINUES), (
        f"{first.where} continues a block of the part before: move the part's heading (PARTS)"
    )
    for block in blocks:
        if block.not_run is None:
            reader.run(block)
    assert not reader.failures, "\n\n".join(reader.failures)


# --- the harness itself ---------------------------------------------------------------------------


def test_every_block_that_is_not_run_says_why() -> None:
    for document in DOCUMENTS:
        for block in read_blocks(document):
            if block.not_run is not None:
                assert len(block.not_run) > 10, block.where


def test_console_commands_and_their_output_are_read_as_shown() -> None:
    text = "$ alexaskill one \\\n    --two\nout 1\n...\n\n$ alexaskill three\n"
    assert list(commands(text)) == [
        ("alexaskill one --two", ["out 1", "..."]),
        ("alexaskill three", []),
    ]


@pytest.mark.parametrize(
    ("expected", "actual", "matches"),
    [
        (["a", "...", "z"], ["a", "b", "c", "z"], True),
        (["a", "...", "z"], ["a", "z"], True),
        (["a", "z"], ["a", "b", "z"], False),
        (["a"], ["a", "b"], False),
        (["...", "b"], ["a", "b"], True),
    ],
)
def test_ellipsis_stands_for_any_lines(
    expected: list[str], actual: list[str], matches: bool
) -> None:
    assert _match(expected, actual) is matches


def test_the_parts_of_a_document_are_all_of_it() -> None:
    for document in DOCUMENTS:
        parts = read_parts(document)
        assert [block for _, blocks in parts for block in blocks] == read_blocks(document)
        assert len(parts) == len(PARTS.get(document, [])) + 1


def test_a_continued_block_follows_the_example_it_continues() -> None:
    # "# continues the example above" is the python block right above it, to a reader copying
    # the code. A test file run by pytest is not run into the namespace the next block continues:
    # README's Screens, CanFulfillIntentRequest and Progressive blocks, under test_podcast.py
    # (its skill `podcast`), ran here on the Dialogs example's `skill` two blocks up, and raised
    # NameError: name 'skill' is not defined where a reader put them after test_podcast.py.
    for document in DOCUMENTS:
        above = None
        for block in read_blocks(document):
            if block.language != "python":
                continue
            if block.text.startswith(CONTINUES):
                assert above is not None, f"{block.where} continues no block"
                named = FILE.fullmatch(above.text.split("\n", 1)[0].strip())
                assert named is None or not named.group(1).startswith("test_"), (
                    f"{block.where} continues {above.where}, a test file pytest runs: start it "
                    "afresh, or move it"
                )
            above = block


def test_every_console_block_runs_or_says_why() -> None:
    # A console block is run when a `$` line of it runs `alexaskill`: a transcript shown
    # without the command that makes it (the chat's audio player, once) was never checked,
    # and had drifted from what the command prints.
    for document in DOCUMENTS:
        for block in read_blocks(document):
            if block.language != "console" or block.not_run is not None:
                continue
            ran = [command for command, _ in commands(block.text) if "alexaskill" in command]
            assert ran, f"{block.where}: no `$ alexaskill …` line, and no <!-- not run: … -->"


def test_a_server_block_whose_server_does_not_start_fails(reader: Reader) -> None:
    # A console block that starts `alexaskill serve` and shows no output matched any output:
    # a server that exited at once (a missing --model file) passed as if it had served.
    block = Block(
        "README.md", 1, "console", "$ alexaskill serve app:skill --model no-such-folder\n"
    )
    reader.run(block)
    assert len(reader.failures) == 1
    assert "did not start serving (exit status 2)" in reader.failures[0]
    assert "alexaskill serve: error:" in reader.failures[0]  # why, from its output


def test_the_first_ten_minutes_path_is_short_and_runs_every_step() -> None:
    # The README's "First 10 minutes", right after the quick start: install, a skill file,
    # chat, request and replay, a test file, serve. Its blocks run as every block does; this
    # keeps each step there and run (none marked not run), the APP its commands name the file
    # it writes, the install bringing pytest (the `testing` extra) for its test step.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("## Quick start") < readme.index("## First 10 minutes")
    assert readme.index("## First 10 minutes") < readme.index("## Installing")
    section = readme.split("\n## First 10 minutes\n", 1)[1].split("\n## ", 1)[0]
    assert len(section.splitlines()) < 110
    start = readme[: readme.index("\n## First 10 minutes\n")].count("\n") + 2
    end = start + section.count("\n")
    blocks = [b for b in read_blocks("README.md") if start <= b.line <= end]
    assert [b.where for b in blocks if b.not_run is not None] == []
    files = {
        named.group(1)
        for b in blocks
        if b.language == "python" and (named := FILE.fullmatch(b.text.split("\n", 1)[0]))
    }
    ran = [command for b in blocks if b.language == "console" for command, _ in commands(b.text)]
    steps = {"chat", "request", "replay", "serve"}
    assert steps <= {word for c in ran for word in re.findall(r"alexaskill (\w+)", c)}
    apps = {app for c in ran for app in re.findall(r"alexaskill \w+ (\w+):skill", c)}
    assert apps and {f"{app}.py" for app in apps} <= files, (apps, files)
    assert any(name.startswith("test_") for name in files)
    install = re.search(r'pip install -e "\./alexaskill\[([\w,]+)\]"', section)
    assert install is not None and "testing" in install.group(1).split(",")


def test_a_conftest_block_is_the_conftest_of_the_tests_it_serves(reader: Reader) -> None:
    # README's "# conftest.py beside test_app.py" block is a conftest.py a skill author copies:
    # it ran as a block of its own (exec'd), never as pytest's conftest, so a broken one passed.
    # Now it is written beside the test file it names, whose tests pytest runs again with it.
    (reader.workdir / "test_app.py").write_text(
        "def test_it(answer):\n    assert answer == 42\n", encoding="utf-8"
    )
    good = "import pytest\n\n\n@pytest.fixture\ndef answer():\n    return 42\n"
    heading = "# conftest.py beside test_app.py: the answer\n"
    reader.run(Block("README.md", 1, "python", heading + good))
    assert reader.failures == []
    assert (reader.workdir / "conftest.py").read_text(encoding="utf-8") == heading + good
    broken = "def pytest_sessionstart(session):\n    raise RuntimeError('a broken conftest')\n"
    reader.run(Block("README.md", 9, "python", heading + broken))
    assert len(reader.failures) == 1
    assert reader.failures[0].startswith("README.md:9: pytest test_app.py failed")
    assert "a broken conftest" in reader.failures[0]  # why, from pytest's output


def test_a_conftest_block_serves_a_test_file_written_above() -> None:
    for document in DOCUMENTS:
        written: set[str] = set()
        for block in read_blocks(document):
            if block.language != "python":
                continue
            first = block.text.split("\n", 1)[0].strip()
            served = CONFTEST.fullmatch(first)
            if served is not None:
                assert block.not_run is None, f"{block.where}: a conftest runs with its tests"
                assert served.group(1) in written, f"{block.where}: no test file {served[1]} above"
            elif (named := FILE.fullmatch(first)) is not None:
                written.add(named.group(1))
    assert CONFTEST.fullmatch("# conftest.py beside test_app.py: one store in memory")


def test_a_block_sees_alexaskill_skill_id_only_where_the_document_says_to_set_it(
    reader: Reader,
) -> None:
    # The harness set ALEXASKILL_SKILL_ID for every block, and a block that needs it passed
    # where a skill author who copied it, never told to set it, got a ConfigurationError (README's
    # "Configuration from the environment" and AWS Lambda function). A block has it now only
    # when the prose right above it (since the block before) names it.
    check = 'import os\n\nassert os.environ.get("ALEXASKILL_SKILL_ID") == {!r}\n'
    reader.run(Block("README.md", 1, "python", check.format(None)))
    reader.run(Block("README.md", 2, "python", check.format(EXAMPLE_SKILL_ID), says_skill_id=True))
    shell = "$ alexaskill --version && printenv ALEXASKILL_SKILL_ID\n"
    reader.run(Block("README.md", 3, "console", shell))  # (printenv: status 1 when unset)
    reader.run(
        Block("README.md", 4, "console", shell + f"...\n{EXAMPLE_SKILL_ID}\n", says_skill_id=True)
    )
    assert len(reader.failures) == 1, reader.failures
    assert reader.failures[0].startswith("README.md:3: `alexaskill --version && printenv")
    assert "exited with 1" in reader.failures[0]


def test_the_blocks_that_say_to_set_alexaskill_skill_id_are_read() -> None:
    blocks = read_blocks("README.md")
    says = [block for block in blocks if block.says_skill_id]
    assert says and len(says) < len(blocks) // 4
    configuration = next(
        block for block in blocks if "settings = settings_from_env()" in block.text
    )
    assert configuration.says_skill_id
    assert not blocks[0].says_skill_id


def test_an_event_loop_a_block_sets_as_the_threads_is_closed_after_it(reader: Reader) -> None:
    # `Mangum(app)` makes an event loop and sets it as the thread's: the README's Mangum block,
    # run here, left it open, and garbage collection failed a later test of the worker with an
    # unclosed-loop ResourceWarning (CI, test_understanding_prompts and test_dynamodb).
    made = "import asyncio\n\nLOOP = asyncio.new_event_loop()\nasyncio.set_event_loop(LOOP)\n"
    reader.run(Block("README.md", 1, "python", made))
    assert reader.failures == []
    assert reader.namespace["LOOP"].is_closed()
    assert docs_shared._loop_set() is None


def test_the_repositorys_examples_a_block_imports_are_its_own(
    request: pytest.FixtureRequest,
) -> None:
    # README's portal.py block mounts examples.weather.app's skill, which starts it: run in the
    # worker's own modules, the skill every later test of that worker imports had started, and
    # a TestClient opened on it warned so (a flake of test_cli_chat_input, CI). A block imports
    # the examples afresh; the worker's modules stay as they were, and none is left started.
    from examples.weather import app  # as a test before this one of the worker had

    started = app.skill.started
    reader: Reader = request.getfixturevalue("reader")
    block = (
        "from examples.weather.app import skill\n\n"
        "mounted = skill.mount('/weather')\nSTARTED = skill.started\n"
    )
    reader.run(Block("README.md", 1, "python", block))
    assert reader.failures == []
    assert reader.namespace["STARTED"] is True
    assert reader.namespace["skill"] is not app.skill
    assert app.skill.started is started
