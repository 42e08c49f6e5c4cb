"""The skills the documentation shows work as it says: the quick start's answers, the package
docstring's skill and the README's first, the request lines its Logging section shows, and every
example's sample requests and skill ids.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OTHER_SKILL_ID

from . import docs_shared
from .docs_shared import EXAMPLE_SKILL_ID, ROOT, Reader, read_blocks
from .logger_state import alexaskill_logger_kept

# The fixture of tests/docs_shared.py, this module's too (why not conftest's: see there).
reader = docs_shared.reader


def test_the_quick_starts_answers_are_the_apps(reader: Reader) -> None:
    # What the quick start says `curl` and `GET /health` show, byte for byte.
    from starlette.testclient import TestClient as StarletteClient

    from alexaskill import Skill

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    with StarletteClient(Skill(EXAMPLE_SKILL_ID)) as http:
        refused = http.post("/", content=b"{}", headers={"Content-Type": "application/json"})
        health = http.get("/health")
    assert f"`{refused.text}`" in readme
    assert f"`GET /health` answers\n`{health.text}`" in readme


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
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "alexaskill chat app:skill" in readme[: readme.index("## Quick start")]


@pytest.mark.parametrize("example", ["dialog", "podcast", "weather"])
def test_each_examples_sample_requests_replay_answered(
    example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # .ci/run replays the weather example's; the other examples' are samples to copy too.
    import io

    from alexaskill.cli import main

    # (The examples read ALEXASKILL_* at import: tests/run_guards.py unset the shell's.)
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
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    expected = sorted(part.strip() for part in ids.split(",")) if ids else [EXAMPLE_SKILL_ID]
    assert completed.stdout.splitlines() == [str(expected)] * len(examples)


def test_the_request_lines_shown_are_the_ones_written() -> None:
    # README's Logging shows the request line, plain and JSON, and a table of the JSON fields:
    # the same fields in the same order, the same plain shape, as a request writes them.
    import io
    import json

    from alexaskill import Skill, configure_logging, speak
    from alexaskill.testing import TestClient

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
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
    with alexaskill_logger_kept():  # (configure_logging replaces its handlers)
        for form in ("plain", "json"):
            stream = io.StringIO()
            configure_logging("INFO", json=form == "json", stream=stream)
            with TestClient(skill) as client:
                client.intent("GetWeather")
            written[form] = [
                line for line in stream.getvalue().splitlines() if "alexaskill.request" in line
            ][-1]

    def shape(line: str) -> str:
        line = re.sub(r"^\S+ \S+ ", "TIME ", line)
        line = re.sub(r"id=\S+", "id=ID", line)
        return re.sub(r"\d+(\.\d+)?", "N", line)

    assert shape(written["plain"]) == shape(shown_plain)
    line = json.loads(written["json"])
    assert list(line) == list(shown_json)
    assert shape(line["message"]) == shape(shown_json["message"])
    assert sorted(tabled) == sorted(set(line) - {"time", "level", "logger", "message"})


@pytest.mark.parametrize("extra", ["redis", "dynamodb"])
def test_the_lambda_sections_say_how_to_package_each_store_they_suggest(extra: str) -> None:
    # "Use DynamoDB (next section), Redis (ElastiCache, …)": a function packaged as step 1
    # says, without the store's extra, fails its start (`RedisStore needs the redis package`).
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lambda_sections = readme.split("\n### AWS Lambda\n", 1)[1].split("\n### Logging\n", 1)[0]
    assert extra.lower() in lambda_sections.lower()  # (the section suggests that store)
    assert f'"$(echo dist/alexaskill-*.whl)[{extra}]"' in lambda_sections


def test_the_lambda_packaging_steps_start_from_empty_directories() -> None:
    # Run a second time (a handler edited, alexaskill updated), `pip install --target package`
    # kept what package/ held ("Target directory … already exists", a warning), the old
    # alexaskill and the old .pyc files shipped, and `zip` added to the old skill.zip.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### AWS Lambda\n", 1)[1].split("\n### ", 1)[0]
    found = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert found is not None
    commands = [line.strip() for line in found.group(1).splitlines()]
    assert commands[0] == "rm -rf dist package skill.zip   # start afresh at each build"
    assert commands[1].startswith("pip wheel ")


def test_the_dynamodb_urls_create_table_says_every_word_it_takes() -> None:
    # The README said `true`/`false`; the URL takes 1/yes/on and 0/no/off too (as a Redis URL's
    # booleans do, redis-py's), and a reader seeing `create_table=1` work wondered what else did.
    pytest.importorskip("botocore")
    from alexaskill.dynamodb.url import _boolean

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("`create_table`\n(")
    said = readme[start : readme.index("default `false`", start)]
    words = {"true": True, "1": True, "yes": True, "on": True}
    words |= {"false": False, "0": False, "no": False, "off": False}
    for word, meant in words.items():
        assert _boolean("create_table", word.upper()) is meant
        assert f"`{word}`" in said, word


def test_the_remembering_users_example_says_how_its_tests_keep_off_its_file() -> None:
    # Its skill names store="sqlite:///skill.db": a test of it through a client given no store=
    # counted in that file, and passed once ("Visit number 1."), failing every run after.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Remembering users\n")
    section = readme[start : readme.index("\n## ", start + 1)]
    example = section.index('store="sqlite:///skill.db")')
    after = section[example : section.index("Values are JSON's", example)]
    assert 'skill_client(skill, store="memory://")' in after
    assert "(#testing-your-skill)" in after
