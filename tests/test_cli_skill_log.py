"""The skill's log as `alexaskill chat` shows it (`alexaskill.cli.skill_log`): a traceback said
in one line, at the skill's own line."""

from __future__ import annotations

import importlib.util
import io
import logging
import site
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

from alexaskill.cli.skill_log import log_to

PACKAGE = """
def fail():
    raise ValueError("no such city")
"""


def _in_platlib(monkeypatch: pytest.MonkeyPatch, where: Path) -> None:
    get_path = sysconfig.get_path
    monkeypatch.setattr(
        sysconfig,
        "get_path",
        lambda name, *args, **kwargs: (
            str(where) if name == "platlib" else get_path(name, *args, **kwargs)
        ),
    )


def _in_site_packages(monkeypatch: pytest.MonkeyPatch, where: Path) -> None:
    monkeypatch.setattr(site, "getsitepackages", lambda *_: [str(where)])


def _in_user_site(monkeypatch: pytest.MonkeyPatch, where: Path) -> None:
    monkeypatch.setattr(site, "getusersitepackages", lambda: str(where))


@pytest.mark.parametrize(
    "installed",
    [
        # Installed packages' compiled part lives in sysconfig's platlib, apart from purelib on
        # some systems (Fedora's /usr/lib64/python3.11/site-packages).
        _in_platlib,
        # Debian's and Ubuntu's packages of Python's (apt's) live in /usr/lib/python3/
        # dist-packages, which none of sysconfig's paths names; `pip install --user` puts a
        # package in the user's site-packages (~/.local/lib/python3.11/site-packages).
        _in_site_packages,
        _in_user_site,
    ],
    ids=["platlib", "site-packages", "user-site"],
)
def test_a_frame_of_an_installed_package_is_not_taken_for_the_skill_s_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    installed: Callable[[pytest.MonkeyPatch, Path], None],
) -> None:
    # Left out, a package's Python code there was shown as the line of the skill's code that
    # raised.
    packages = tmp_path / "lib64" / "site-packages"
    packages.mkdir(parents=True)
    (packages / "vendored.py").write_text(PACKAGE, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("vendored", packages / "vendored.py")
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(package)
    installed(monkeypatch, packages)
    try:
        package.fail()
    except ValueError as exc:
        raised = exc
    line = raised.__traceback__.tb_lineno if raised.__traceback__ else 0
    stream = io.StringIO()
    with log_to(stream, logging.ERROR, tracebacks=False):
        logging.getLogger("alexaskill").error("handler failed", exc_info=raised)
    assert stream.getvalue() == (
        "ERROR alexaskill: handler failed\n"
        f"  ValueError: no such city, at {__file__}:{line} in "
        "test_a_frame_of_an_installed_package_is_not_taken_for_the_skill_s_line "
        "(chat --traceback shows the whole traceback)\n"
    )
