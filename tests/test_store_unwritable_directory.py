"""The default store, ``sqlite:///alexaskill.db``, in a working directory this process may not
write (AWS Lambda's code directory, a container's read-only ``WORKDIR``): a skill whose handlers
use no attributes serves; one whose handlers do fails to start, saying what to set."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .lambda_events import event, intent_event
from .unprivileged import run_unprivileged

# Run in a process of its own (`run_unprivileged`: root writes any file), in the directory made
# read-only; the events on stdin. What each step gave is printed: a speech, or the error.
_SCRIPT = """
import json, logging, sys
from alexaskill import Attributes, Skill, speak
from alexaskill.aws_lambda import handler
from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

logging.disable(logging.CRITICAL)  # (what is said is the errors raised, below)
launch, count = json.load(sys.stdin)
counting = sys.argv[1] == "counting"
said = {}


def skill():
    made = Skill(DEFAULT_SKILL_ID)  # the default store: sqlite:///alexaskill.db, here
    made.launch(lambda: speak("Welcome."))
    if counting:
        @made.intent("Count")
        def count(attributes: Attributes):
            attributes["visits"] = attributes.get("visits", 0) + 1
            return speak(f"Visit number {attributes['visits']}.")
    return made


def attempt(name, step):
    try:
        said[name] = step()
    except Exception as exc:
        said[name] = f"{type(exc).__name__}: {exc}"


lambda_handler = handler(skill())
attempt("lambda launch", lambda: lambda_handler(launch)["response"]["outputSpeech"]["text"])
if counting:
    attempt("lambda count", lambda: lambda_handler(count)["response"]["outputSpeech"]["text"])


def served():
    with TestClient(skill()) as client:
        return client.launch().speech


attempt("served launch", served)
print(json.dumps(said))
"""


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A directory that the unprivileged process may read, but not write."""
    tmp_path.chmod(0o555)
    try:
        yield tmp_path
    finally:
        tmp_path.chmod(0o755)


def _run(directory: Path, kind: str) -> dict[str, Any]:
    events = json.dumps([event("LaunchRequest"), intent_event("Count")])
    said: dict[str, Any] = json.loads(run_unprivileged(_SCRIPT, kind, cwd=directory, stdin=events))
    return said


def test_a_skill_using_no_attributes_serves_in_a_read_only_directory(read_only: Path) -> None:
    said = _run(read_only, "plain")
    assert said == {"lambda launch": "Welcome.", "served launch": "Welcome."}
    assert not (read_only / "alexaskill.db").exists()


def test_a_skill_using_attributes_fails_to_start_in_a_read_only_directory(
    read_only: Path,
) -> None:
    # Skill() was made, the function and the server started in silence (on Lambda, a warning
    # that SQLite does not suit it), and each request for attributes answered the apology, its
    # log line saying the file "cannot be opened ... check that its directory exists": never
    # why, nor what to set. Now the start fails (on Lambda, every invocation of the instance).
    said = _run(read_only, "counting")
    directory = read_only.resolve()  # (the working directory as the process has it)
    path = directory / "alexaskill.db"
    for step in ("lambda launch", "lambda count", "served launch"):
        assert said[step].startswith(f"ConfigurationError: the attribute store, SQLite file {path}")
        assert f"its directory {directory} is read-only to this process" in said[step]
        assert "ALEXASKILL_STORE" in said[step]
        assert "Skill(store=" in said[step]
    assert said["lambda launch"] == said["lambda count"] == said["served launch"]
    assert not path.exists()


def test_a_skill_using_attributes_starts_when_its_file_is_there_in_a_read_only_directory(
    tmp_path: Path,
) -> None:
    # A file shipped read-only with the code can still be read: the start refuses only a file
    # no load could ever open (none there, and none can be made).
    (tmp_path / "alexaskill.db").touch()
    tmp_path.chmod(0o555)
    try:
        said = _run(tmp_path, "counting")
    finally:
        tmp_path.chmod(0o755)
    assert said["lambda launch"] == said["served launch"] == "Welcome."


def test_a_skill_using_attributes_fails_to_start_when_its_wal_file_is_in_a_read_only_directory(
    tmp_path: Path,
) -> None:
    # A file in WAL mode, as SQLiteStore makes every file (one made where the skill was tried,
    # shipped with its code): SQLite reads it only through the -wal and -shm files it makes
    # beside it. The start passed (the file is there), then every load answered the apology.
    made = sqlite3.connect(tmp_path / "alexaskill.db")
    made.execute("PRAGMA journal_mode=WAL")
    made.close()
    tmp_path.chmod(0o555)
    try:
        said = _run(tmp_path, "counting")
    finally:
        tmp_path.chmod(0o755)
    path = tmp_path.resolve() / "alexaskill.db"
    for step in ("lambda launch", "lambda count", "served launch"):
        assert said[step].startswith(f"ConfigurationError: the attribute store, SQLite file {path}")
        assert "it is in WAL mode" in said[step] and "ALEXASKILL_STORE" in said[step]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alexaskill.db"]


def test_a_skill_using_attributes_serves_in_a_read_only_directory_with_alexaskill_store_set(
    read_only: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the refusal above says to do, done: ALEXASKILL_STORE set, the skill made with its id
    # alone (Skill(DEFAULT_SKILL_ID)), as most are. It changed nothing: Skill() did not read the
    # variable, and the start failed as before.
    data = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("ALEXASKILL_STORE", f"sqlite:///{data}/skill.db")
    said = _run(read_only, "counting")
    assert said == {
        "lambda launch": "Welcome.",
        "lambda count": "Visit number 1.",
        "served launch": "Welcome.",
    }
    assert (data / "skill.db").exists() and not (read_only / "alexaskill.db").exists()
