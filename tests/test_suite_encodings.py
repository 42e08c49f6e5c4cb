"""The suite reads and writes text as UTF-8 whatever the locale: each ``read_text``,
``write_text``, text-mode ``open``, ``io.TextIOWrapper`` and text-mode child process
(``text=True`` or ``universal_newlines=True``) of tests/ names its encoding. Without one, Python
takes the locale's (ASCII under C/POSIX, as a CI runner may be), and a test of an accented prompt,
a non-ASCII skill name or a child's UTF-8 output fails there alone."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

from . import source_trees

TESTS = Path(__file__).resolve().parent

#: Where each method takes its encoding when it is passed by position.
_ENCODING_AT = {"read_text": 0, "write_text": 1}
#: Where ``open(file, mode, buffering, encoding)`` and ``Path.open(mode, buffering, encoding)``
#: take their mode and their encoding, by position.
_OPEN_MODE_AT = {"builtin": (1, 3), "method": (0, 2)}
#: The keywords that put ``subprocess.run``, ``Popen``, ``check_output`` (or a helper passing
#: them on, as tests/processes.py's ``running``) in text mode.
_TEXT_KEYWORDS = ("text", "universal_newlines")


def _text_process(call: ast.Call) -> bool:
    """Whether ``call`` asks for a child's pipes as text: ``text=True`` or
    ``universal_newlines=True``."""
    return any(
        kw.arg in _TEXT_KEYWORDS and isinstance(kw.value, ast.Constant) and kw.value.value is True
        for kw in call.keywords
    )


def _text_mode(call: ast.Call, mode_at: int) -> bool:
    """Whether ``call`` (an ``open``) opens in text mode: its mode has no ``b`` (a mode that is
    not written out is taken as text: say its encoding, or write the mode)."""
    modes = [kw.value for kw in call.keywords if kw.arg == "mode"]
    modes += call.args[mode_at : mode_at + 1]
    if not modes:
        return True  # open's default mode, "r"
    mode = modes[0]
    return not (
        isinstance(mode, ast.Constant) and isinstance(mode.value, str) and "b" in mode.value
    )


def unencoded(tree: ast.Module) -> list[ast.Call]:
    """The calls in ``tree`` that read or write text in the locale's encoding: ``x.read_text``,
    ``x.write_text``, ``open`` and ``x.open`` in text mode, ``io.TextIOWrapper``, and a call with
    ``text=True`` or ``universal_newlines=True`` (a child process's), each with no ``encoding``.
    A call passing ``*args`` or ``**kwargs`` on is left alone (its caller says), as are
    ``os.open`` and an ``x.open()`` whose result is thrown away (a gate or a valve, not a
    file)."""
    return _unencoded(source_trees.by_type(tree))


def _unencoded(index: source_trees.Index) -> list[ast.Call]:
    """`unencoded` of the tree whose nodes ``index`` holds (each tree walked once: its ``Expr``
    and ``Call`` nodes, all it reads)."""
    thrown_away = {id(node.value) for node in source_trees.nodes(index, ast.Expr)}
    found = []
    for call in source_trees.nodes(index, ast.Call):
        if any(kw.arg in (None, "encoding") for kw in call.keywords):
            continue
        if any(isinstance(arg, ast.Starred) for arg in call.args):
            continue
        func = call.func
        if _text_process(call):
            found.append(call)
            continue
        if (isinstance(func, ast.Attribute) and func.attr == "TextIOWrapper") or (
            isinstance(func, ast.Name) and func.id == "TextIOWrapper"
        ):
            if len(call.args) <= 1:  # TextIOWrapper(buffer, encoding, ...)
                found.append(call)
            continue
        if isinstance(func, ast.Attribute) and func.attr in _ENCODING_AT:
            if len(call.args) <= _ENCODING_AT[func.attr]:
                found.append(call)
            continue
        if isinstance(func, ast.Name) and func.id == "open":
            mode_at, encoding_at = _OPEN_MODE_AT["builtin"]
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "open"
            and id(call) not in thrown_away
            and not (isinstance(func.value, ast.Name) and func.value.id == "os")
        ):
            mode_at, encoding_at = _OPEN_MODE_AT["method"]
        else:
            continue
        if len(call.args) <= encoding_at and _text_mode(call, mode_at):
            found.append(call)
    return sorted(found, key=lambda call: (call.lineno, call.col_offset))


def _literal(node: ast.expr) -> str | None:
    """The text of a string literal: an f-string's with each replacement field read as a name
    (``_``, a placeholder that parses wherever a value does); None for any other expression."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            str(part.value) if isinstance(part, ast.Constant) else "_" for part in node.values
        )
    return None


def scripts(tree: ast.Module) -> list[tuple[int, str]]:
    """The Python source ``tree`` holds in its string literals, for a child process (each with
    its line in ``tree``): the script after a ``"-c"`` in a list or tuple (``[sys.executable,
    "-c", SCRIPT]``), written there or named there (a constant, as ``_HELD_BY_ANYIO``, or a
    local), and any literal of several lines that parses as Python (an app written to a file, a
    pytester module, a script passed on by a helper). Prose and data do not parse, or make none
    of the calls `unencoded` looks for."""
    return [(line, text) for line, text, _ in _scripts(source_trees.by_type(tree))]


def _scripts(index: source_trees.Index) -> list[tuple[int, str, ast.Module]]:
    """`scripts` of the tree whose nodes ``index`` holds, each with its own tree (parsed once,
    to tell a script from prose, and read by `unencoded`)."""
    bound: dict[str, list[ast.expr]] = {}
    for assign in source_trees.nodes(index, ast.Assign):
        for target in assign.targets:
            if isinstance(target, ast.Name):
                bound.setdefault(target.id, []).append(assign.value)
    for annotated in source_trees.nodes(index, ast.AnnAssign):
        if isinstance(annotated.target, ast.Name) and annotated.value:
            bound.setdefault(annotated.target.id, []).append(annotated.value)
    given: list[ast.expr] = []
    sequences: list[ast.List | ast.Tuple] = [
        *source_trees.nodes(index, ast.List),
        *source_trees.nodes(index, ast.Tuple),
    ]
    for node in sequences:
        for flag, script in itertools.pairwise(node.elts):
            if isinstance(flag, ast.Constant) and flag.value == "-c":
                named = bound.get(script.id, []) if isinstance(script, ast.Name) else []
                given += [script, *named]
    given_at = {id(node) for node in given}
    found = []
    # (`_literal` reads a string or an f-string alone: no other node is written text)
    written: list[ast.expr] = [
        *source_trees.nodes(index, ast.Constant),
        *source_trees.nodes(index, ast.JoinedStr),
    ]
    for literal in [*given, *(n for n in written if id(n) not in given_at)]:
        text = _literal(literal)
        if text is None or (id(literal) not in given_at and "\n" not in text.strip()):
            continue
        try:
            parsed = source_trees.parse(text)
        except (SyntaxError, ValueError, UnicodeError):  # (prose, data; a lone surrogate)
            continue
        found.append((literal.lineno, text, parsed))
    return sorted(found, key=lambda each: each[:2])


def test_each_text_file_the_suite_opens_names_its_encoding() -> None:
    # 288 read_text() calls and as many write_text() calls took the locale's encoding; then 87
    # child processes run with text=True (tests/cli_shared.py's, tests/docs_shared.py's) read
    # their UTF-8 output as the locale said, as did 5 io.TextIOWrapper stdins. The scripts run
    # by a child (`scripts`) were not read: 6 of their calls still took the locale's.
    found = []
    # (Each file parsed and walked once, each script it holds parsed once: tests/source_trees.py.)
    for path in sorted(TESTS.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        index = source_trees.by_type(source_trees.parse(source))
        found += [
            f"{path.name}:{c.lineno}: {ast.get_source_segment(source, c)}"
            for c in _unencoded(index)
        ]
        # (This module's scripts are the guard's samples, unencoded on purpose.)
        for line, text, script in _scripts(index) if path.name != Path(__file__).name else []:
            found += [
                f"{path.name}:{line} (its script's line {call.lineno}): "
                f"{ast.get_source_segment(text, call)}"
                for call in _unencoded(source_trees.by_type(script))
            ]
    assert found == [], 'say encoding="utf-8" (or open in binary mode):\n' + "\n".join(found)


def test_the_guard_finds_each_text_call_without_an_encoding() -> None:
    source = """\
path.read_text()
path.read_text(errors="replace")
path.write_text("é")
path.write_text("é", newline="")
open(path)
open(path, "w")
open(path, mode="a")
file = path.open()
file = path.open("w")
file = path.open(mode)
subprocess.run(command, capture_output=True, text=True)
subprocess.Popen(command, stdout=subprocess.PIPE, universal_newlines=True)
subprocess.check_output(command, text=True, errors="replace")
running(command, stderr=subprocess.PIPE, text=True)
io.TextIOWrapper(io.BytesIO(b"open quick\\n"))
TextIOWrapper(buffer, errors="strict")
"""
    assert [call.lineno for call in unencoded(ast.parse(source))] == list(range(1, 17))


def test_the_guard_leaves_binary_encoded_and_passed_on_calls() -> None:
    source = """\
path.read_text("utf-8")
path.read_text(encoding="utf-8", errors="replace")
path.write_text("é", "utf-8")
path.write_text("é", encoding="utf-8")
open(path, "rb")
open(path, "w", -1, "utf-8")
open(path, mode="wb")
file = path.open("r+b")
file = path.open("w", encoding="utf-8")
open(path, *args)
path.read_text(**options)
fd = os.open(path, os.O_RDONLY)
gate.open()
subprocess.run(command, capture_output=True, text=True, encoding="utf-8")
subprocess.Popen(command, universal_newlines=True, encoding="utf-8")
subprocess.run(command, capture_output=True)
subprocess.run(command, text=False)
subprocess.run(command, text=True, **options)
io.TextIOWrapper(io.BytesIO(b"/quit\\n"), encoding="utf-8")
io.TextIOWrapper(buffer, "utf-8")
"""
    assert unencoded(ast.parse(source)) == []


def test_the_guard_reads_the_scripts_a_child_runs() -> None:
    source = '''\
subprocess.run([sys.executable, "-c", "open('x').read()"], check=True)
HELD = "import sys; open(sys.argv[1]).read()"
subprocess.run([sys.executable, "-c", HELD])
APP = """import pathlib
pathlib.Path('loading').write_text('')
"""
def test(code=None):
    code = "print(open('y').read())"
    command = (sys.executable, "-X", "dev", "-c", code)
    path.write_text(f"""import io
io.TextIOWrapper({name}.buffer)
""", encoding="utf-8")
'''
    said = [
        (line, ast.get_source_segment(text, call))
        for line, text in scripts(ast.parse(source))
        for call in unencoded(ast.parse(text))
    ]
    assert said == [
        (1, "open('x')"),
        (2, "open(sys.argv[1])"),
        (4, "pathlib.Path('loading').write_text('')"),
        (8, "open('y')"),
        (10, "io.TextIOWrapper(_.buffer)"),
    ]


def test_the_guard_leaves_prose_data_and_strings_no_child_runs() -> None:
    source = '''\
"""A docstring that says open(path) as prose.

It names path.read_text() too."""
QUERY = "open(path)"
subprocess.run([sys.executable, "-c", "import sys", "open(path)"])
DATA = """{"open": 1,
"read_text": 2}
"""
subprocess.run([sys.executable, "-c", f"open({path!r}, 'rb').read()"])
'''
    assert [line for line, _ in scripts(ast.parse(source))] == [5, 6, 9]
    assert [unencoded(ast.parse(text)) for _, text in scripts(ast.parse(source))] == [[]] * 3
