"""What benchmarks/README.md and the harness's docstrings say of the load harness is where they
say it is: its names in the module that holds them, its servers started as described (no server
is started)."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

from benchmarks import load, rows, serving

BENCHMARKS = serving.ROOT / "benchmarks"
README = BENCHMARKS / "README.md"
#: The load harness's modules, whose names the documents give as ``module.name``.
HARNESS = ("load", "rows", "report", "serving", "wrk", "envelopes")


def top_level_names(module: str) -> set[str]:
    """The functions, classes and constants ``benchmarks/<module>.py`` defines."""
    found: set[str] = set()
    for node in ast.parse((BENCHMARKS / f"{module}.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            found.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            found.update(t.id for t in targets if isinstance(t, ast.Name))
    return found


def test_the_harness_names_the_documents_give_are_in_the_module_they_name() -> None:
    texts = {
        path.name: path.read_text(encoding="utf-8") for path in sorted(BENCHMARKS.glob("*.py"))
    }
    texts["README.md"] = README.read_text(encoding="utf-8")
    pattern = rf"`+({'|'.join(HARNESS)})\.(\w+)`"
    wrong = [
        f"{document}: {module}.{name}"
        for document, text in texts.items()
        for module, name in set(re.findall(pattern, text))
        if name != "py" and not hasattr(importlib.import_module(f"benchmarks.{module}"), name)
    ]
    assert sorted(wrong) == []


def test_a_harness_name_the_readme_gives_bare_has_its_module_in_the_paragraph() -> None:
    # `round_by_round` in a paragraph about load.py reads as load.py's: it is report.py's.
    homes = {name: module for module in HARNESS for name in top_level_names(module)}
    wrong = [
        f"{name} ({homes[name]}.py): {paragraph[:80]!r}"
        for paragraph in README.read_text(encoding="utf-8").split("\n\n")
        for name in set(re.findall(r"`(\w+)`", paragraph))
        if name in homes
        and f"{homes[name]}.py" not in paragraph
        and f"{homes[name]}.{name}" not in paragraph
    ]
    assert len(homes) > 40  # the modules are read
    assert wrong == []


def test_the_readme_names_each_row_not_started_as_the_common_servers_are(
    tmp_path: Path,
) -> None:
    # The common command: uvicorn --factory, one worker, pinned, uvicorn at warning.
    bullet = README.read_text(encoding="utf-8").split("- **Servers**", 1)[1].split("\n- **", 1)[0]
    (tmp_path / "root.pem").write_bytes(b"")
    specs = load.server_specs(list(rows.ROWS), tmp_path, "auto", "auto", tmp_path / "sdk")
    different = [spec.name for spec in specs if serving.unlike_the_rest(spec, "auto", "auto")]
    assert {"ask-sdk", "def-serve", "def-info-2w", "def-info-docker"} <= set(different)
    unnamed = [
        name
        for name in different
        if f"`{name}`" not in bullet
        and not (name.endswith("-docker") and "`-docker` rows" in bullet)
        and not (name == "ask-sdk" and "SDK" in bullet)
    ]
    assert unnamed == []


def test_load_prints_how_each_row_not_started_the_common_way_starts(tmp_path: Path) -> None:
    # Its header's uvicorn line is the common way; the -docker rows, def-serve, the two-worker row
    # and the SDK each get a line of their own, saying how they start instead.
    (tmp_path / "root.pem").write_bytes(b"")
    names = ["floor", "def-info-docker", "def-info-2w", "def-serve", "ask-sdk"]
    specs = load.server_specs(names, tmp_path, "uvloop", "httptools", tmp_path / "sdk")
    lines = serving.how_started(specs, "uvloop", "httptools", "server on CPU 1, wrk on CPU 0")
    assert lines[0] == (
        "uvicorn --factory, --loop=uvloop --http=httptools --no-access-log --log-level=warning, "
        "one worker; server on CPU 1, wrk on CPU 0; but:"
    )
    assert lines[1].startswith("  def-info-docker: --http=alexaskill.server:HttpProtocol ")
    assert lines[1].endswith(" --log-level=info") and "--loop=alexaskill.loops" in lines[1]
    assert lines[2:] == [
        "  def-info-2w: --workers=2, not pinned",
        "  def-serve: alexaskill serve, its defaults",
        "  ask-sdk: gunicorn --workers=1 --worker-class=sync --log-level=warning",
    ]
    assert serving.how_started(specs[:1], "uvloop", "httptools", "no pinning")[0].endswith(
        "one worker; no pinning"
    )


def test_every_median_a_benchmark_takes_is_a_rounds_own_and_the_method_says_which() -> None:
    # statistics.median of an even number is the mean of the two middle ones, a figure no round
    # measured: each tool takes median_low or median_high (the unfavourable middle), and README's
    # Method says which, tool by tool (report.py's, load.py's, in its bullet of what is reported).
    texts = {
        path.name: path.read_text(encoding="utf-8") for path in sorted(BENCHMARKS.glob("*.py"))
    }
    takers = sorted(name for name, text in texts.items() if "statistics.median" in text)
    assert len(takers) >= 6  # the modules are read
    assert [name for name in takers if re.search(r"statistics\.median\(", texts[name])] == []
    method = README.read_text(encoding="utf-8").split("\n## Method\n", 1)[1].split("\n## ", 1)[0]
    assert [name for name in takers if f"`{name}`" not in method and name != "report.py"] == []
