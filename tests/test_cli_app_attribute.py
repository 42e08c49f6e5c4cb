"""An APP whose module fails as its attribute is read (a module ``__getattr__`` that makes the
skill on first use): a mistake in one line, as a module failing as it is imported is."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from alexaskill.cli import main


@pytest.mark.parametrize(
    ("raised", "said"),
    [
        ("RuntimeError('no settings service')", "RuntimeError: no settings service"),
        ("SystemExit('SETTINGS_URL is not set')", "it called sys.exit('SETTINGS_URL is not set')"),
    ],
)
def test_an_attribute_that_fails_as_it_is_read_is_a_mistake_in_one_line(
    tmp_path: Path, raised: str, said: str
) -> None:
    # load_object caught only the AttributeError of getattr: anything else the module raised
    # came out of main() with a traceback (a SystemExit ended the process with its status).
    app = tmp_path / "lazy.py"
    app.write_text(f"def __getattr__(name):\n    raise {raised}\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert main(["model", f"{app}:skill"], stdout=out, stderr=err) == 2
    assert (out.getvalue(), err.getvalue()) == (
        "",
        f"alexaskill model: error: importing {app} failed: {said} ({app}:2)\n",
    )
