"""``alexaskill model --output-dir``: every locale's file is replaced whole, or none is."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from alexaskill.cli import main

from .cli_run import run
from .skill_modules import TWO_LOCALES, TWO_LOCALES_INTO

OLD = '{"old": true}\n'


@pytest.fixture
def two_locales(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "twolocales.py").write_text(TWO_LOCALES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "models"
    target.mkdir()
    return target


def run_model(target: Path) -> tuple[int, str]:
    code, _, err = run(*TWO_LOCALES_INTO, str(target))
    return code, err


def test_a_locale_that_cannot_be_written_leaves_every_file_as_it_was(two_locales: Path) -> None:
    # de-DE.json is written first (locales go in order); en-US.json cannot be: it is a folder.
    (two_locales / "de-DE.json").write_text(OLD, encoding="utf-8")
    (two_locales / "en-US.json").mkdir()
    code, err = run_model(two_locales)
    assert code == 2
    assert f"cannot write {two_locales / 'en-US.json'}" in err
    assert "wrote" not in err
    # Not the new German model:
    assert (two_locales / "de-DE.json").read_text(encoding="utf-8") == OLD
    assert sorted(path.name for path in two_locales.iterdir()) == ["de-DE.json", "en-US.json"]


def test_a_model_file_is_replaced_not_written_over(two_locales: Path) -> None:
    # Written in place, a file is truncated first: a crash, a full disk or a reader (the ASK
    # CLI deploying) meanwhile finds half a model. Replaced, the old file stays whole, as
    # another link to it shows.
    (two_locales / "en-US.json").write_text(OLD, encoding="utf-8")
    (two_locales / "en-US.json").chmod(0o640)
    os.link(two_locales / "en-US.json", two_locales / "kept.json")
    code, err = run_model(two_locales)
    assert code == 0, err
    assert (two_locales / "kept.json").read_text(encoding="utf-8") == OLD
    english = json.loads((two_locales / "en-US.json").read_text(encoding="utf-8"))
    assert english["interactionModel"]["languageModel"]["invocationName"] == "weather helper"
    # The permissions a file written in place keeps, or a new file gets (not mkstemp's 0o600).
    umask = os.umask(0)
    os.umask(umask)
    assert (two_locales / "en-US.json").stat().st_mode & 0o777 == 0o640
    assert (two_locales / "de-DE.json").stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(path.name for path in two_locales.iterdir()) == [
        "de-DE.json",
        "en-US.json",
        "kept.json",
    ]
    assert err.splitlines() == [
        f"wrote {two_locales / 'de-DE.json'}",
        f"wrote {two_locales / 'en-US.json'}",
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_or_device_named_as_output_is_written_to_not_replaced(two_locales: Path) -> None:
    # A file renamed over /dev/null (for root), /dev/stdout or a pipe (`-o >(...)`) replaced
    # the device or pipe itself: the model never reached its reader. The pipe's reader is
    # opened first, not blocking, so the write goes into the pipe's buffer.
    pipe = two_locales / "en-US.json"
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, err = run(
            "model", "twolocales.py:skill", "--invocation", "weather helper", "-o", str(pipe)
        )
        assert code == 0, err
        assert pipe.is_fifo()
        received = os.read(reader, 1 << 16).decode()
    finally:
        os.close(reader)
    model = json.loads(received)
    assert model["interactionModel"]["languageModel"]["invocationName"] == "weather helper"
    assert sorted(path.name for path in two_locales.iterdir()) == ["en-US.json"]


@pytest.mark.parametrize("option", ["--output", "--output-dir"])
def test_an_empty_output_is_refused_not_taken_for_stdout(two_locales: Path, option: str) -> None:
    # `-o "$MODEL_FILE"` with the variable unset printed the model and said nothing.
    code, out, err = run(
        "model", "twolocales.py:skill", "--invocation", "weather helper", option, ""
    )
    assert code == 2
    assert f"{option} is empty" in err
    assert out == ""


def test_all_locales_says_which_invocation_names_a_locale_the_skill_lacks(
    two_locales: Path,
) -> None:
    # --invocation fr-FR=... for a skill with no French: no fr-FR.json, and it said nothing.
    code, _, err = run(
        "model",
        "twolocales.py:skill",
        "--all-locales",
        *("--invocation", "weather helper"),
        *("--invocation", "fr-FR=assistant meteo"),
        *("--output-dir", str(two_locales)),
    )
    assert code == 0, err
    assert sorted(path.name for path in two_locales.iterdir()) == ["de-DE.json", "en-US.json"]
    assert (
        "alexaskill model: warning: --invocation fr-FR=... names a locale the skill declares "
        "nothing for (its locales: de-DE, en-US), so no fr-FR.json is written"
    ) in err.splitlines()


def test_a_file_in_a_folder_that_cannot_be_written_in_is_written_in_place(
    two_locales: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The user may write the files but not their folder (no temporary file beside them): the
    # model was refused with "Permission denied". (Faked: root may write in any folder.)
    import tempfile

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    for name in ("de-DE.json", "en-US.json"):
        (two_locales / name).write_text(OLD, encoding="utf-8")
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    code, err = run_model(two_locales)
    assert code == 0, err
    assert json.loads((two_locales / "de-DE.json").read_text(encoding="utf-8"))["interactionModel"]
    assert json.loads((two_locales / "en-US.json").read_text(encoding="utf-8"))["interactionModel"]
    # A new file cannot be made there at all: that is still the clear error.
    (two_locales / "en-US.json").unlink()
    code, err = run_model(two_locales)
    assert code == 2
    assert f"cannot write {two_locales / 'en-US.json'}: Permission denied" in err


def test_two_invocation_names_for_one_locale_are_refused(two_locales: Path) -> None:
    # The last one silently won, while two names for every locale were refused.
    code, _, err = run(
        "model",
        "twolocales.py:skill",
        *("--invocation", "en-US=weather helper"),
        *("--invocation", "en-US=rain helper"),
    )
    assert code == 2
    said = "two invocation names for en-US, 'weather helper' and 'rain helper': give one"
    assert said in err, err


@pytest.mark.parametrize("locale", ["en-us", "EN-US", "en_US"])
def test_an_invocation_for_a_locale_written_in_another_case_says_so(
    two_locales: Path, locale: str
) -> None:
    # The whole value was taken for the name: "character '-' is not allowed".
    code, _, err = run("model", "twolocales.py:skill", "--invocation", f"{locale}=weather helper")
    assert code == 2
    assert f"--invocation {locale}=weather helper: the locale is written en-US" in err


def test_an_invocation_for_another_locale_only_is_named_in_the_error(two_locales: Path) -> None:
    # "no invocation name for en-US" said nothing of the en-GB=... given (a typing mistake).
    code, _, err = run("model", "twolocales.py:skill", "--invocation", "en-GB=weather helper")
    assert code == 2
    assert (
        "alexaskill model: error: no invocation name for en-US (--invocation gives en-GB's only)"
    ) in err, err


@pytest.mark.parametrize(
    ("option", "said"), [("--output", "name a file"), ("--output-dir", "name a directory")]
)
def test_an_empty_output_option_says_what_to_name(
    two_locales: Path, option: str, said: str
) -> None:
    # --output-dir "" said "name a file".
    code, _, err = run("model", "twolocales.py:skill", "--invocation", "weather helper", option, "")
    assert code == 2
    assert f"error: {option} is empty: {said}, or leave it out for stdout" in err


def test_an_invocation_name_not_utf8_is_shown_as_the_bytes_given(two_locales: Path) -> None:
    # From a Latin-1 terminal: the model's problem was written as Python holds the byte,
    # 'caf\udce9', no byte of the argument (chat and understand show it as read, \xe9).
    code, _, err = run("model", "twolocales.py:skill", "--invocation", "caf\udce9")
    assert code == 2
    assert "alexaskill model: error: invocation name 'caf\\xe9': character '\\xe9'" in err, err
    assert "udc" not in err


def test_a_file_name_not_utf8_is_said_written_as_given(two_locales: Path) -> None:
    # "wrote out\udce9.json": the name as Python holds it, not the byte given (\xe9).
    argv = ("model", "twolocales.py:skill", "--invocation", "weather helper")
    code, _, err = run(*argv, "--output", "out\udce9.json")
    assert code == 0, err
    assert err == "wrote out\\xe9.json\n"
    assert os.listdir(os.fsencode(two_locales.parent)).count(b"out\xe9.json") == 1


def test_help_says_what_output_makes_as_it_does(
    two_locales: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Both options make the missing folders; --help said so of --output-dir only.
    assert main(["model", "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "write to FILE, not stdout (its folders are made; -: stdout)" in shown
    assert "write DIR/LOCALE.json (the folders are made)" in shown
    target = two_locales / "made" / "here" / "en-US.json"
    code, _, err = run(
        "model", "twolocales.py:skill", "--invocation", "weather helper", "-o", str(target)
    )
    assert code == 0, err
    assert json.loads(target.read_text(encoding="utf-8"))["interactionModel"]


def test_output_dash_is_standard_output(two_locales: Path) -> None:
    # (it wrote a file named "-" in the current directory)
    code, out, err = run(
        "model", "twolocales.py:skill", "--invocation", "weather helper", "-o", "-"
    )
    assert code == 0, err
    assert json.loads(out)["interactionModel"]
    assert not (two_locales.parent / "-").exists()
    assert "wrote" not in err


def _one_line_error(output: str) -> str:
    """``alexaskill model ... -o output``'s error, checked to be one line with exit status 2."""
    code, out, err = run(
        "model", "twolocales.py:skill", "--invocation", "weather helper", "-o", output
    )
    assert (code, out) == (2, ""), err
    assert err.startswith("alexaskill model: error: ") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("output", ["models", "models/"])
def test_an_output_that_is_a_directory_says_so_and_names_output_dir(
    two_locales: Path, output: str
) -> None:
    err = _one_line_error(output)
    assert f"cannot write {output}: it is a directory (--output-dir {output} writes " in err


@pytest.mark.parametrize("output", ["new/", "taken.json/"])
def test_an_output_ending_in_a_slash_names_a_directory_and_is_refused(
    two_locales: Path, output: str
) -> None:
    # The slash was dropped: "-o taken.json/" replaced the file taken.json, "-o new/" wrote a
    # file named "new", where the user named a folder.
    Path("taken.json").write_text(OLD, encoding="utf-8")
    err = _one_line_error(output)
    assert f"--output {output}: a directory's name (it ends in a slash)" in err, err
    assert Path("taken.json").read_text(encoding="utf-8") == OLD
    assert not Path("new").exists()


def test_an_output_deeper_under_a_file_names_the_file(two_locales: Path) -> None:
    # It was "cannot write taken.json/sub/x.json: Not a directory".
    Path("taken.json").write_text(OLD, encoding="utf-8")
    err = _one_line_error("taken.json/sub/x.json")
    assert "cannot write taken.json/sub/x.json: taken.json is a file, not a directory" in err


def test_an_output_under_a_symlink_loop_is_one_line(two_locales: Path) -> None:
    # A traceback (StopIteration): no parent was found that "exists" and is no directory.
    os.symlink("loop", "loop")
    err = _one_line_error("loop/x.json")
    assert "cannot write loop/x.json: loop: " in err, err


def test_an_output_ending_in_a_slash_after_a_file_s_name_suggests_no_folder_of_that_name(
    two_locales: Path,
) -> None:
    # "-o taken.json/" with taken.json a file was told to give "taken.json/en-US.json" or
    # "--output-dir taken.json": both refused, taken.json being a file, not a folder.
    Path("taken.json").write_text(OLD, encoding="utf-8")
    err = _one_line_error("taken.json/")
    assert "--output-dir taken.json" not in err and "taken.json/en-US.json" not in err, err
    assert "taken.json is a file" in err, err
    assert Path("taken.json").read_text(encoding="utf-8") == OLD
    # A folder's name with its slash doubled is given back with one.
    err = _one_line_error("new//")
    assert "give the file, new/en-US.json, or --output-dir new" in err, err


C1_VALUES = """
from alexaskill import Skill, speak

skill = Skill("*")
skill.add_slot_type("Drink", ["co\\x9bffee", "te\\x7fa", "ju\\x85ice"])


@skill.intent("Order", utterances=["a {drink} please"], slots={"drink": "Drink"})
def order(drink: str):
    return speak(drink)
"""


@pytest.mark.parametrize("into", [[], ["--output-dir", "models"]])
def test_del_and_c1_characters_are_written_as_json_escapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, into: list[str]
) -> None:
    # JSON escapes C0 only: json.dumps(ensure_ascii=False) wrote DEL and C1 (U+009B: a CSI to
    # some terminals) as the skill gave them, to the terminal or into a file shown later.
    (tmp_path / "c1values.py").write_text(C1_VALUES, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    if into:
        (tmp_path / "models").mkdir()
    code, out, err = run("model", "c1values.py:skill", "--invocation", "cafe helper", *into)
    assert code == 0, err
    text = (tmp_path / "models" / "en-US.json").read_text(encoding="utf-8") if into else out
    assert not {"\x7f", "\x85", "\x9b"} & set(text)
    assert all(escape in text for escape in ("\\u009b", "\\u007f", "\\u0085"))
    (values,) = json.loads(text)["interactionModel"]["languageModel"]["types"]
    assert [value["name"]["value"] for value in values["values"]] == [
        "co\x9bffee",
        "te\x7fa",
        "ju\x85ice",
    ]  # (the same text, read back)


@pytest.mark.parametrize("link", ["loop", "models/en-US.json"])
def test_an_output_that_is_a_symlink_loop_is_refused_and_left_a_link(
    two_locales: Path, link: str
) -> None:
    # "-o loop", loop a link to itself, replaced the link with the model file (realpath gives
    # the loop's own path back), where the writing in place it stands for fails.
    os.symlink(os.path.basename(link), link)
    if link == "loop":
        err = _one_line_error(link)
    else:
        code, err = run_model(two_locales)
        assert code == 2 and err.count("\n") == 1, err
    assert f"{link}: a symbolic link that loops (" in err, err
    assert os.path.islink(link) and os.readlink(link) == os.path.basename(link)
