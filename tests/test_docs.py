"""The documentation runs as written: README.md and benchmarks/README.md, top to bottom.

Each document is followed as a new user would, in an empty working directory:

- every ```python block runs. A block whose first line is ``# continues the example above``
  runs in the namespace of the python block before it; any other starts afresh. A block whose
  first line names a file (``# app.py``, ``# test_app.py``) is that file: it is written to the
  working directory (later blocks and commands use it) and run, a ``test_*.py`` file by pytest;
- every ```console block that runs the ``alexaskill`` command runs: each ``$`` line in bash
  (``\\`` continues it), and the lines shown after it are the output expected (``...`` stands for
  any lines; nothing shown: exit status 0 is enough). ``alexaskill serve`` keeps running in the
  background until the block ends, while the block's next commands talk to it.

A long document runs in parts (`PARTS`), tests of their own: each part in a new directory that
holds the files the python blocks before it write.

A block that cannot run here (it needs a deployed HTTPS endpoint, a tunnel, Docker) says why in
an HTML comment on the line before it: ``<!-- not run: <reason> -->``.

The commands see ``ALEXASKILL_SKILL_ID`` set to the example id, a ``HOME`` of their own (shown
as ``/home/you``), the examples of this repository (``examples/``) in the working directory, and
port 8000 moved to a free port (shown as 8000).

Beside the runs, what the documents name exists as named: the `alexaskill.x.NAME`s (the
changelog's Unreleased section's, and the docstrings' too), the repository's paths, the links
and their anchors, each command's options (and every option is named), the environment
variables, the module map's modules and the Installing table's extras; the package docstring's
skill works, and every example reads its skill ids and replays its sample requests.
"""

from __future__ import annotations

import inspect
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest

from alexaskill.testing import DEFAULT_SKILL_ID
from tests.conftest import OTHER_SKILL_ID
from tests.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ["README.md", "benchmarks/README.md"]
#: The id the README's and the examples' skills answer to when none is given: the test tools'
#: placeholder.
EXAMPLE_SKILL_ID: Final = DEFAULT_SKILL_ID
CONTINUES = "# continues the example above"
FILE = re.compile(r"# ([\w./-]+\.py)")
NOT_RUN = re.compile(r"<!-- not run: (.+?) -->")
FENCE = re.compile(r"^```(\w*)\s*$")


@dataclass
class Block:
    """A fenced block of a document."""

    document: str
    line: int
    language: str
    text: str
    not_run: str | None = None

    @property
    def where(self) -> str:
        return f"{self.document}:{self.line}"


def read_blocks(document: str) -> list[Block]:
    """The ```python and ```console blocks of ``document``, in order."""
    lines = (ROOT / document).read_text().splitlines()
    found = []
    index = 0
    while index < len(lines):
        opened = FENCE.match(lines[index])
        if opened is None:
            index += 1
            continue
        end = index + 1
        while not lines[end].startswith("```"):
            end += 1
        language = opened.group(1)
        if language in ("python", "console"):
            before = lines[index - 1] if index else ""
            reason = NOT_RUN.search(before)
            found.append(
                Block(
                    document,
                    index + 1,
                    language,
                    "\n".join(lines[index + 1 : end]) + "\n",
                    reason.group(1) if reason else None,
                )
            )
        index = end + 1
    return found


# --- running a document -----------------------------------------------------------------------


@dataclass
class Reader:
    """A new user following one document in an empty directory."""

    workdir: Path
    monkeypatch: pytest.MonkeyPatch
    namespace: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    #: What each server a console block started has written, by process id.
    logs: dict[int, list[str]] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
        # (the suite's per-user data directory: the reader's is in its HOME, as a user's)
        env.pop("XDG_DATA_HOME", None)
        env["HOME"] = str(self.workdir / "home")
        env["ALEXASKILL_SKILL_ID"] = EXAMPLE_SKILL_ID
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env["PYTHONPATH"] = str(self.workdir)
        env["COLUMNS"] = "100"
        return env

    def run(self, block: Block) -> None:
        try:
            if block.language == "python":
                self.run_python(block)
            elif "$ alexaskill" in block.text or "alexaskill " in block.text:
                self.run_console(block)
        except AssertionError as exc:
            self.failures.append(f"{block.where}: {exc}")
        except Exception as exc:  # the block itself failed: report it, go on with the others
            self.failures.append(f"{block.where}: {type(exc).__name__}: {exc}")

    # --- python ---

    def run_python(self, block: Block) -> None:
        first = block.text.split("\n", 1)[0].strip()
        named = FILE.fullmatch(first)
        if named is not None:
            path = self.workdir / named.group(1)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block.text)
            if path.name.startswith("test_"):
                self.run_tests(path)
                return
        if first != CONTINUES:
            self.namespace = {"__name__": "__readme__"}
        before = set(self.namespace)
        code = compile(block.text, block.where, "exec")
        exec(code, self.namespace)
        for name in sorted(set(self.namespace) - before):
            if name.startswith("test_") and callable(self.namespace[name]):
                self.run_test_function(self.namespace[name])

    def run_test_function(self, test: Any) -> None:
        """Run a test the block defines, with the ``skill_client`` fixture it asks for."""
        from alexaskill.testing import TestClient

        clients: list[TestClient] = []

        def skill_client(skill: Any, **options: Any) -> TestClient:
            client = TestClient(skill, **options)
            client.__enter__()
            clients.append(client)
            return client

        fixtures = {"skill_client": skill_client, "tmp_path": self.workdir}
        try:
            test(**{name: fixtures[name] for name in inspect.signature(test).parameters})
        finally:
            while clients:
                clients.pop().__exit__(None, None, None)

    def run_tests(self, path: Path) -> None:
        completed = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path.name],
            cwd=path.parent,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 0, f"pytest {path.name} failed:\n{completed.stdout}"

    # --- console ---

    def run_console(self, block: Block) -> None:
        port = free_port()
        servers: list[subprocess.Popen[str]] = []
        try:
            for command, expected in commands(block.text):
                command = command.replace(":8000", f":{port}").replace(" 8000", f" {port}")
                if command.startswith("alexaskill serve"):
                    if "--port" not in command:
                        command += f" --port {port}"
                    self.start_server(command, expected, port, servers)
                    continue
                completed = subprocess.run(
                    ["bash", "-c", command],
                    cwd=self.workdir,
                    env=self.env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    timeout=120,
                    check=False,
                )
                output = self.shown(completed.stdout, port)
                assert completed.returncode == 0, (
                    f"`{command}` exited with {completed.returncode}:\n{output}"
                    + "".join(  # (what a server said meanwhile: a handler's traceback, say)
                        f"\n--- what the server (pid {server.pid}) wrote:\n"
                        + "".join(self.logs.get(server.pid, []))
                        for server in servers
                    )
                )
                assert_matches(expected, output, command)
        finally:
            for server in servers:
                server.send_signal(signal.SIGINT)
                try:
                    server.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
                if server.stdout is not None:
                    server.stdout.close()

    def start_server(
        self, command: str, expected: list[str], port: int, servers: list[subprocess.Popen[str]]
    ) -> None:
        server = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=self.workdir,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        servers.append(server)  # stopped when the block ends, whatever happens here
        lines: list[str] = []
        self.logs[server.pid] = lines
        # Read all along: a server whose log fills the pipe would stop answering.
        reader = threading.Thread(target=_drain, args=(server, lines), daemon=True)
        reader.start()
        deadline = time.monotonic() + 60
        started = False
        while time.monotonic() < deadline and server.poll() is None:
            started = any("Uvicorn running on" in line for line in lines)
            if started:
                break
            time.sleep(0.05)
        if server.poll() is not None:  # exited: all it wrote, for the failure to say why
            reader.join(timeout=30)
        shown = self.shown("".join(lines), port)
        # A server that exited (a bad option, a missing file), or never said it serves, fails
        # its block: the output the block shows may be none, which any output would match.
        assert started and server.poll() is None, (
            f"`{command}` did not start serving (exit status {server.poll()}):\n{shown}"
        )
        assert_matches(expected, shown, command)

    def shown(self, output: str, port: int) -> str:
        """``output`` as the document shows it: /home/you for HOME, port 8000, and the time of
        a log line (alexaskill's plain format) at 2026-11-27 10:00:00,123."""
        output = output.replace(str(self.workdir / "home"), "/home/you").replace(
            f":{port}", ":8000"
        )
        return _LOG_TIME.sub(_SHOWN_TIME, output)


_LOG_TIME: Final = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} ", re.MULTILINE)
_SHOWN_TIME: Final = "2026-11-27 10:00:00,123 "


def _drain(server: subprocess.Popen[str], lines: list[str]) -> None:
    assert server.stdout is not None
    for line in server.stdout:
        lines.append(line)


def commands(text: str) -> Iterator[tuple[str, list[str]]]:
    """(command, the output lines shown after it) for each ``$`` line of a console block."""
    command: str | None = None
    expected: list[str] = []
    continued = False
    for line in text.splitlines():
        if continued and command is not None:
            command = command[:-1].rstrip() + " " + line.strip()
            continued = command.endswith("\\")
        elif line.startswith("$ "):
            if command is not None:
                yield command, _trimmed(expected)
            command, expected = line[2:].strip(), []
            continued = command.endswith("\\")
        elif command is not None:
            expected.append(line.rstrip())
    if command is not None:
        yield command, _trimmed(expected)


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[-1]:
        lines.pop()
    return lines


def assert_matches(expected: list[str], output: str, command: str) -> None:
    """Every line shown is in ``output`` in order; ``...`` stands for any number of lines."""
    if not expected:
        return
    actual = [line.rstrip() for line in output.splitlines()]
    assert _match(expected, actual), (
        f"`{command}` printed:\n{output}\nwhere the document shows:\n" + "\n".join(expected)
    )


def _match(expected: list[str], actual: list[str]) -> bool:
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(_match(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and _match(expected[1:], actual[1:])


@pytest.fixture
def reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Reader]:
    (tmp_path / "home").mkdir()
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", EXAMPLE_SKILL_ID)
    before = set(sys.modules)
    # Blocks set up logging as a deployed skill does (configure_logging): undone afterwards.
    logger = logging.getLogger("alexaskill")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield Reader(tmp_path, monkeypatch)
    for handler in [h for h in logger.handlers if h not in saved[0]]:
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(saved[1])
    logger.propagate = saved[2]
    for name in set(sys.modules) - before:
        module_file = getattr(sys.modules[name], "__file__", None) or ""
        if module_file.startswith(str(tmp_path)):
            del sys.modules[name]
    shutil.rmtree(tmp_path / "home", ignore_errors=True)


#: The headings where a document's next part begins. The parts run as tests of their own (in
#: parallel under xdist: README.md whole took one worker 21 s, 89 s under load, the longest),
#: each in a new directory holding the files the parts before it write (python blocks that name
#: a file: written, not run); a part's first python block does not continue one before it.
#: Nor does a part's console block use what a console block of a part before it made. (Three
#: parts left the second, "Testing your skill", at 12-20 s alone, 93 s under load: five now,
#: none above ~11 s alone. Of those five, "A running server" and "Talking to your skill" took
#: 40 s and 20 s alone under a load of 20, and 109 s in a whole run, the suite's longest test:
#: split at the simulator and at Deployment, seven parts, the longest 22 s in the same
#: conditions. "Sample requests" cannot start one: it writes into a directory made before.)
PARTS: Final = {
    "README.md": [
        "## Request verification",
        "## Testing your skill",
        "### A running server: `alexaskill serve --dev` and `replay --url`",
        "### In the browser: the simulator at `/_simulator/`",
        "## Talking to your skill",
        "## Deployment",
    ]
}


def read_parts(document: str) -> list[tuple[list[Block], list[Block]]]:
    """(the blocks before it, its blocks) for each part of ``document`` (`PARTS`)."""
    lines = (ROOT / document).read_text().splitlines()
    starts = [0]
    for heading in PARTS.get(document, []):
        assert heading in lines, f"{document}: no line {heading!r} (tests/test_docs.py PARTS)"
        starts.append(lines.index(heading) + 1)
    blocks = read_blocks(document)
    parts = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines) + 1
        parts.append(
            (
                [block for block in blocks if block.line < start],
                [block for block in blocks if start <= block.line < end],
            )
        )
    return parts


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
        named = FILE.fullmatch(block.text.split("\n", 1)[0].strip())
        if block.language == "python" and named is not None:
            path = reader.workdir / named.group(1)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(block.text)
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


def test_install_lines_name_real_extras() -> None:
    # The README's pip lines (a clone and a git URL): each requirement parses, and names only
    # extras pyproject.toml defines.
    import tomllib

    from packaging.requirements import Requirement

    extras = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    )
    readme = (ROOT / "README.md").read_text()
    installs = re.findall(r'pip install (?:-e )?"([^"]+)"', readme)
    assert any("git+" in spec for spec in installs)
    assert any(spec.startswith("./alexaskill[") for spec in installs)
    for spec in installs:
        named = spec.replace("./alexaskill[", "alexaskill[").replace(".[", "alexaskill[")
        requirement = Requirement(named.replace("REPOSITORY-URL", "https://example.org/a.git"))
        assert requirement.extras <= extras, spec


def test_the_quick_starts_answers_are_the_apps(reader: Reader) -> None:
    # What the quick start says `curl` and `GET /health` show, byte for byte.
    from starlette.testclient import TestClient as StarletteClient

    from alexaskill import Skill

    readme = (ROOT / "README.md").read_text()
    with StarletteClient(Skill(EXAMPLE_SKILL_ID)) as http:
        refused = http.post("/", content=b"{}", headers={"Content-Type": "application/json"})
        health = http.get("/health")
    assert f"`{refused.text}`" in readme
    assert f"`GET /health` answers\n`{health.text}`" in readme


def test_the_parts_of_a_document_are_all_of_it() -> None:
    for document in DOCUMENTS:
        parts = read_parts(document)
        assert [block for _, blocks in parts for block in blocks] == read_blocks(document)
        assert len(parts) == len(PARTS.get(document, [])) + 1


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


def _unreleased(changelog: str) -> str:
    return changelog.split("\n## Unreleased\n", 1)[1].split("\n## ", 1)[0]


def _resolves(dotted: str) -> bool:
    """Whether ``alexaskill.a.b`` (or ``alexaskill.a:b``) is a module or a name in one."""
    import importlib

    parts = dotted.replace(":", ".").split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                value = getattr(value, name)
        except AttributeError:
            return False
        return True
    return False


def test_the_alexaskill_names_the_documents_give_exist() -> None:
    # `alexaskill.x.NAME` in README.md and in the changelog's Unreleased section: importable as
    # written (the changelog named a constant in the module it had left). Not a module: the
    # loggers' names (`getLogger("alexaskill.security")`) and the SQLite file `alexaskill.db`.
    source = "\n".join(path.read_text() for path in (ROOT / "alexaskill").rglob("*.py"))
    loggers = set(re.findall(r'getLogger\(\s*"(alexaskill\.[\w.]+)"', source))
    texts = {
        "README.md": (ROOT / "README.md").read_text(),
        "CHANGELOG.md (Unreleased)": _unreleased((ROOT / "CHANGELOG.md").read_text()),
    }
    wrong = []
    for document, text in texts.items():
        for dotted in set(re.findall(r"`(alexaskill(?:\.\w+)+(?::\w+)?)", text)):
            if dotted not in loggers | {"alexaskill.db"} and not _resolves(dotted):
                wrong.append(f"{document}: {dotted}")
    assert len(loggers) >= 2  # the walk finds them
    assert sorted(wrong) == []


def test_the_module_map_names_only_modules_there_are_each_in_one_row() -> None:
    # tests/test_layers.py checks that every module is named; this, that no row names one that
    # is not there (moved, renamed, removed) and that no module has two rows.
    from .module_map import module_map

    package = ROOT / "alexaskill"
    rows = module_map()
    named = [name for names, _ in rows for name in names]
    assert len(named) > 40 and "models" in named  # the table is found
    assert sorted(name for name in set(named) if named.count(name) > 1) == []
    missing = []
    for names, row in rows:
        first, what = row.split("|")[1:3]
        packages = [package / n for n in re.findall(r"`([^`]+)/`", first)]
        for name in re.findall(r"`([^`]+)`", first):
            if not (package / name).exists():
                missing.append(name)
        # (and the simulator's page: its scripts, stylesheet and HTML, in static/)
        for name in re.findall(r"`([\w/]+(?:\.py|\.js|\.css|\.html|/))`", what):
            places = packages or [package]
            if not any(list(place.rglob(name.rstrip("/"))) for place in places):
                missing.append(f"{name} ({'/'.join(sorted(names))})")
    assert missing == [], f"README's module map names what alexaskill/ does not hold: {missing}"


def _github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation (backticks too) dropped,
    spaces made hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _prose(document: str) -> str:
    """``document`` without its fenced blocks."""
    kept, fenced = [], False
    for line in (ROOT / document).read_text().splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            kept.append(line)
    return "\n".join(kept)


def _anchors(document: str) -> set[str]:
    anchors: set[str] = set()
    for heading in re.findall(r"^#+ (.+)$", _prose(document), re.MULTILINE):
        anchor = base = _github_anchor(heading)
        number = 0
        while anchor in anchors:  # GitHub's for a heading met again: -1, -2, …
            number += 1
            anchor = f"{base}-{number}"
        anchors.add(anchor)
    return anchors


def test_the_links_between_and_within_the_documents_resolve() -> None:
    broken = []
    for document in DOCUMENTS:
        links = re.findall(r"\]\(([^)\s]+)\)", _prose(document))
        assert document != "README.md" or len(links) > 50  # the links are found
        for link in links:
            if link.startswith(("http://", "https://")):
                continue
            path, _, anchor = link.partition("#")
            target = str((Path(document).parent / path).as_posix()) if path else document
            target = os.path.normpath(target)
            if not (ROOT / target).exists():
                broken.append(f"{document}: {link} (no file {target})")
            elif anchor and target.endswith(".md") and anchor not in _anchors(target):
                broken.append(f"{document}: {link} (no heading #{anchor} in {target})")
    assert broken == []


def test_the_options_the_readme_gives_a_command_are_the_commands() -> None:
    # `alexaskill chat … --flag`, in prose or in a command line: --flag is an option of chat.
    import argparse

    from alexaskill.cli import parser

    options: dict[str, set[str]] = {}
    for action in parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                options[command] = {o for a in sub._actions for o in a.option_strings}
    text = re.sub(r"\\\n\s*", " ", (ROOT / "README.md").read_text())  # lines continued
    uses = re.findall(r"`([^`\n]*)`", text) + [
        line for line in text.splitlines() if "alexaskill " in line and "`" not in line
    ]
    unknown, seen = [], 0
    for use in uses:
        for command, rest in re.findall(r"\balexaskill ([a-z]+)((?: +[^ |;&]+)*)", use):
            if command not in options:
                continue  # prose: "alexaskill checks that …"
            seen += 1
            for option in re.findall(r"(?<![\w-])(--[a-z][\w-]*)", rest):
                if option not in options[command]:
                    unknown.append(f"alexaskill {command} {option}")
    assert seen > 30  # the commands are found
    assert sorted(set(unknown)) == []


def test_the_alexaskill_names_the_docstrings_and_comments_give_exist() -> None:
    # As in the documents, in alexaskill's and the examples' own docstrings and comments: the
    # reader of `alexaskill.testing.SkillSwap` looks for it there (it is in testing.swap).
    files = [*(ROOT / "alexaskill").rglob("*.py"), *(ROOT / "examples").rglob("*.py")]
    texts = {path: path.read_text() for path in files}
    loggers = set(re.findall(r'getLogger\(\s*"(alexaskill\.[\w.]+)"', "\n".join(texts.values())))
    wrong = [
        f"{path.relative_to(ROOT)}: {dotted}"
        for path, text in texts.items()
        for dotted in set(re.findall(r"`+(alexaskill(?:\.\w+)+(?::\w+)?)", text))
        if dotted not in loggers | {"alexaskill.db"} and not _resolves(dotted)
    ]
    assert len(texts) > 100 and loggers  # the files are found
    assert sorted(wrong) == []


def test_every_option_of_every_command_is_in_the_readme() -> None:
    # What `alexaskill COMMAND --help` lists, the README names (`chat --device` it did not).
    import argparse

    from alexaskill.cli import parser

    readme = (ROOT / "README.md").read_text()
    unnamed, commands_seen = [], 0
    for action in parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                commands_seen += 1
                assert f"alexaskill {command}" in readme, command
                for option in (o for a in sub._actions for o in a.option_strings):
                    if option.startswith("--") and option != "--help" and option not in readme:
                        unnamed.append(f"alexaskill {command} {option}")
    assert commands_seen >= 7
    assert unnamed == []


def test_the_environment_variables_the_readme_names_are_read() -> None:
    # Each ALEXASKILL_… variable README.md names is read by alexaskill (its settings, the CLI)
    # or, for the test suite's own, by tests/.
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"\b(ALEXASKILL_[A-Z0-9_]*[A-Z0-9])\b", readme))
    code = "\n".join(
        path.read_text()
        for folder in ("alexaskill", "tests")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "test_docs.py"
    )
    assert {"ALEXASKILL_SKILL_ID", "ALEXASKILL_STORE"} <= named
    assert sorted(name for name in named if f'"{name}"' not in code) == []


def test_the_package_docstrings_skill_answers_and_builds_its_model() -> None:
    # `help(alexaskill)` is many a reader's first sight of it: its skill is one that works,
    # `alexaskill model` included (its intent had no samples, its slot no type), served as the
    # quick start serves one.
    import textwrap

    import alexaskill
    from alexaskill.interaction import build_interaction_model
    from alexaskill.testing import TestClient

    doc = alexaskill.__doc__ or ""
    code = textwrap.dedent("\n".join(line for line in doc.splitlines() if line.startswith("    ")))
    namespace: dict[str, Any] = {"__name__": "app"}
    exec(compile(code, "alexaskill.__doc__", "exec"), namespace)
    skill = namespace["skill"]
    model = build_interaction_model(skill, locale="en-US", invocation="hello world")
    intents = {i["name"]: i for i in model["interactionModel"]["languageModel"]["intents"]}
    assert intents["HelloIntent"]["samples"]
    with TestClient(skill) as client:
        assert client.intent("HelloIntent", name="Ann").speech == "Hello, Ann!"
    assert "alexaskill serve app:skill" in doc


def test_the_readmes_first_skill_can_be_talked_to() -> None:
    # The README's first block is a new user's first skill: `alexaskill chat app:skill` refused
    # it ("parameter 'name' ... has no slot type; ... no sample utterances"), as `alexaskill
    # model` did, where the package docstring's skill (the same one) had both.
    from alexaskill.interaction import build_interaction_model
    from alexaskill.testing import TestClient

    first = next(block for block in read_blocks("README.md") if block.language == "python")
    namespace: dict[str, Any] = {"__name__": "app"}
    exec(compile(first.text, first.where, "exec"), namespace)
    skill = namespace["skill"]
    model = build_interaction_model(skill, locale="en-US", invocation="hello world")
    intents = {i["name"]: i for i in model["interactionModel"]["languageModel"]["intents"]}
    assert intents["HelloIntent"]["samples"]
    with TestClient(skill, invocation="hello world") as client:
        assert client.say("ask hello world to say hello to Ann").speech == "Hello, Ann!"
    readme = (ROOT / "README.md").read_text()
    assert "alexaskill chat app:skill" in readme[: readme.index("## Quick start")]


def test_the_installing_table_has_a_row_for_each_extra_naming_what_it_brings() -> None:
    import tomllib

    from packaging.requirements import Requirement

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    section = (ROOT / "README.md").read_text().split("\n## Installing\n", 1)[1].split("\n## ")[0]
    rows = {
        cells[1].strip().strip("`"): cells[2]
        for cells in (line.split("|") for line in section.splitlines())
        if len(cells) > 3 and cells[1].strip().startswith("`")
    }
    assert sorted(rows) == sorted(extras)
    for extra, requirements in extras.items():
        if extra == "test":
            continue  # "the above, ruff, mypy": all of it is in .ci/run's install
        brings = {name.strip() for name in rows[extra].split(",")}
        assert brings == {Requirement(r).name for r in requirements}, extra


@pytest.mark.parametrize("example", ["dialog", "podcast", "weather"])
def test_each_examples_sample_requests_replay_answered(
    example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # .ci/run replays the weather example's; the other examples' are samples to copy too.
    import io

    from alexaskill.cli import main

    # (The examples read ALEXASKILL_* at import: tests/conftest.py unset the shell's.)
    monkeypatch.chdir(ROOT)
    requests = sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "examples" / example).glob("requests/*.json")
    )
    out, err = io.StringIO(), io.StringIO()
    status = main(["replay", f"examples.{example}.app:skill", *requests], stdout=out, stderr=err)
    assert status == 0, out.getvalue() + err.getvalue()
    assert len(requests) > 1
    assert out.getvalue().endswith(f"{len(requests)} requests: all answered\n"), out.getvalue()


@pytest.mark.parametrize("ids", ["", f"{EXAMPLE_SKILL_ID}, {OTHER_SKILL_ID}"])
def test_each_example_reads_its_skill_ids_as_the_readme_says(ids: str, tmp_path: Path) -> None:
    # ALEXASKILL_SKILL_ID: "several separated by commas" (README, "Configuration from the
    # environment"); empty, the example's id, as unset. The dialog and podcast examples took the
    # variable whole: a ConfigurationError for two ids, and for an empty one.
    examples = ["dialog", "podcast", "weather"]
    code = "import importlib\n" + "".join(
        f"print(sorted(importlib.import_module('examples.{name}.app').skill.skill_ids))\n"
        for name in examples
    )
    env = {**os.environ, "ALEXASKILL_SKILL_ID": ids, "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    expected = sorted(part.strip() for part in ids.split(",")) if ids else [EXAMPLE_SKILL_ID]
    assert completed.stdout.splitlines() == [str(expected)] * len(examples)


def test_the_repository_paths_the_documents_name_exist() -> None:
    # `tests/test_x.py`, `examples/…`, `alexaskill/…`: where a reader goes next (benchmarks'
    # README sent them to alexaskill/dynamodb.py, a package since).
    missing = []
    for document in DOCUMENTS:
        text = (ROOT / document).read_text()
        folders = r"(?:tests|examples|benchmarks|alexaskill|docs|\.ci)"
        for path in set(re.findall(rf"(?<![\w/.-])({folders}/[\w./-]*\w)", text)):
            if not (ROOT / path).exists():
                missing.append(f"{document}: {path}")
    assert sorted(missing) == []


def test_the_request_lines_shown_are_the_ones_written() -> None:
    # README's Logging shows the request line, plain and JSON, and a table of the JSON fields:
    # the same fields in the same order, the same plain shape, as a request writes them.
    import io
    import json

    from alexaskill import Skill, configure_logging, speak
    from alexaskill.testing import TestClient

    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n### Logging\n", 1)[1].split("\n### ", 1)[0]
    shown_plain = section.split("```text\n", 1)[1].split("\n", 1)[0]
    shown_json = json.loads(section.split("```json\n", 1)[1].split("\n", 1)[0])
    table = section.split("| Field | Meaning |", 1)[1].split("\n\n", 1)[0]
    tabled = [
        n for row in table.splitlines()[2:] for n in re.findall(r"`(\w+)`", row.split("|")[1])
    ]

    skill = Skill(EXAMPLE_SKILL_ID)

    @skill.intent("GetWeather")
    def weather() -> Any:
        return speak("Sunny.")

    written = {}
    logger = logging.getLogger("alexaskill")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    try:
        for form in ("plain", "json"):
            stream = io.StringIO()
            configure_logging("INFO", json=form == "json", stream=stream)
            with TestClient(skill) as client:
                client.intent("GetWeather")
            written[form] = [
                line for line in stream.getvalue().splitlines() if "alexaskill.request" in line
            ][-1]
    finally:  # as the block found it (configure_logging replaced its handlers)
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
        logger.propagate = saved[2]

    def shape(line: str) -> str:
        line = re.sub(r"^\S+ \S+ ", "TIME ", line)
        line = re.sub(r"id=\S+", "id=ID", line)
        return re.sub(r"\d+(\.\d+)?", "N", line)

    assert shape(written["plain"]) == shape(shown_plain)
    line = json.loads(written["json"])
    assert list(line) == list(shown_json)
    assert shape(line["message"]) == shape(shown_json["message"])
    assert sorted(tabled) == sorted(set(line) - {"time", "level", "logger", "message"})


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


def test_the_top_level_options_are_in_the_readme() -> None:
    # `alexaskill --help` lists --version, which the README never named.
    from alexaskill.cli import parser

    readme = (ROOT / "README.md").read_text()
    options = [o for a in parser()._actions for o in a.option_strings if o.startswith("--")]
    assert "--version" in options
    assert [o for o in options if o != "--help" and f"alexaskill {o}" not in readme] == []


def test_the_first_ten_minutes_path_is_short_and_runs_every_step() -> None:
    # The README's "First 10 minutes", right after the quick start: install, a skill file,
    # chat, request and replay, a test file, serve. Its blocks run as every block does; this
    # keeps each step there and run (none marked not run), the APP its commands name the file
    # it writes, the install bringing pytest (the `testing` extra) for its test step.
    readme = (ROOT / "README.md").read_text()
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
