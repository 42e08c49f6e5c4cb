"""The suite reads and writes text as UTF-8 whatever the locale: each ``read_text``,
``write_text``, text-mode ``open``, ``io.TextIOWrapper`` and text-mode child process
(``text=True`` or ``universal_newlines=True``) of tests/ names its encoding. Without one, Python
takes the locale's (ASCII under C/POSIX, as a CI runner may be), and a test of an accented prompt,
a non-ASCII skill name or a child's UTF-8 output fails there alone."""

from __future__ import annotations

import ast
from pathlib import Path

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
    thrown_away = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    found = []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call) or any(
            kw.arg in (None, "encoding") for kw in call.keywords
        ):
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


def test_each_text_file_the_suite_opens_names_its_encoding() -> None:
    # 288 read_text() calls and as many write_text() calls took the locale's encoding; then 87
    # child processes run with text=True (tests/cli_shared.py's, tests/docs_shared.py's) read
    # their UTF-8 output as the locale said, as did 5 io.TextIOWrapper stdins.
    found = [
        f"{path.name}:{call.lineno}: {ast.get_source_segment(source, call)}"
        for path in sorted(TESTS.glob("*.py"))
        for source in [path.read_text(encoding="utf-8")]
        for call in unencoded(ast.parse(source))
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
