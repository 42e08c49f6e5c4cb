"""The skill's log as `alexaskill chat` shows it (`alexaskill.cli.skill_log`): a traceback said
in one line, at the skill's own line."""

from __future__ import annotations

import importlib.util
import io
import logging
import sysconfig
from pathlib import Path

import pytest

from alexaskill.cli.skill_log import log_to

PACKAGE = """
def fail():
    raise ValueError("no such city")
"""


def test_a_frame_in_platlib_is_not_taken_for_the_skill_s_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Installed packages' compiled part lives in sysconfig's platlib, apart from purelib on some
    # systems (Fedora's /usr/lib64/python3.11/site-packages): left out, a package's Python
    # code there was shown as the line of the skill's code that raised.
    platlib = tmp_path / "lib64" / "site-packages"
    platlib.mkdir(parents=True)
    (platlib / "vendored.py").write_text(PACKAGE)
    spec = importlib.util.spec_from_file_location("vendored", platlib / "vendored.py")
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(package)
    get_path = sysconfig.get_path
    monkeypatch.setattr(
        sysconfig,
        "get_path",
        lambda name, *args, **kwargs: (
            str(platlib) if name == "platlib" else get_path(name, *args, **kwargs)
        ),
    )
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
        "test_a_frame_in_platlib_is_not_taken_for_the_skill_s_line "
        "(chat --traceback shows the whole traceback)\n"
    )
