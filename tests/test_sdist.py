"""The source distribution holds what its tests read: it ships tests/, so they must run from it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sdist_include() -> list[str]:
    """The paths pyproject.toml puts in the sdist (hatchling's include)."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)
    include: list[str] = project["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    return include


def test_the_sdist_holds_every_file_the_tests_read() -> None:
    # ROOT / "Dockerfile", ROOT / ".ci" / "run", …: the top-level names the tests open.
    read = {
        match.group(1).split("/")[0]
        for path in (ROOT / "tests").glob("*.py")
        if path.name != Path(__file__).name  # (its own pattern)
        for match in re.finditer(r'ROOT / "([^"]+)"', path.read_text(encoding="utf-8"))
    }
    assert {"Dockerfile", ".ci", "README.md"} <= read  # (the pattern still finds them)
    missing = sorted(read - set(sdist_include()) - {"pyproject.toml"})
    assert not missing, f"the tests read {missing}, which pyproject.toml leaves out of the sdist"


def test_the_sdist_holds_every_file_the_readme_links_to() -> None:
    # tests/test_docs.py checks that each link leads somewhere (docs/simulator.png, …).
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = {
        target.split("/")[0]
        for target in re.findall(r"\]\(([^)#\s]+)", readme)
        if "://" not in target and not target.startswith("mailto:")
    }
    assert "docs" in linked  # (the pattern still finds the links)
    missing = sorted(linked - set(sdist_include()) - {"pyproject.toml"})
    assert not missing, f"README links to {missing}, which pyproject.toml leaves out of the sdist"


def test_the_declared_license_ships_as_a_file() -> None:
    # pyproject.toml says MIT, whose terms ask that its notice go with every copy: hatchling puts
    # a top-level LICENSE in the sdist and the wheel's metadata; without the file neither had it.
    with (ROOT / "pyproject.toml").open("rb") as file:
        declared = tomllib.load(file)["project"]["license"]
    assert declared == "MIT"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c)")
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in text
