"""Interaction models read for understanding: from a skill's code or a file (ASK CLI layout,
locales, size and nesting caps), older models' literal samples, extended built-in list types.
The languages known: test_understanding_languages.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from alexaskill import DialogSlot, Skill, speak
from alexaskill.interaction import InteractionModelError
from alexaskill.shown_names import shown
from alexaskill.understanding import (
    InteractionModel,
    Understander,
    load_model,
    locale_of_file,
    model_from_skill,
)

from .cli_run import run
from .conftest import SKILL_ID
from .understanding_shared import MODEL_FILE, NOW

# --- models -------------------------------------------------------------------------------------


def test_a_model_from_code_and_its_dialog() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "Book",
        utterances=["book a table", "book a table for {people}"],
        slots={"people": DialogSlot("AMAZON.NUMBER", elicit="For how many?")},
    )
    def book(people: int) -> Any:
        return speak(f"{people}")

    model = model_from_skill(skill, invocation="table booker")
    assert model.invocation == "table booker"
    assert model.dialog["Book"].slots[0].elicitation_required
    understood = Understander(model).understand("book a table for four")
    assert understood.request is not None
    assert understood.request["intent"]["slots"]["people"]["value"] == "4"
    assert model_from_skill(skill).invocation is None
    # An empty name is a name given, and refused as every other bad one ("" became "the skill").
    for empty in ("", "  "):
        with pytest.raises(InteractionModelError, match="the invocation name is empty"):
            model_from_skill(skill, invocation=empty)


def test_only_the_language_model_is_enough() -> None:
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    assert Understander(InteractionModel.from_json(data)).understand("track my order").intent == (
        "TrackOrder"
    )


def test_a_model_directory_needs_a_locale(tmp_path: Path) -> None:
    (tmp_path / "en-GB.json").write_text(MODEL_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_model(tmp_path, locale="en-GB").invocation == "pizza palace"
    with pytest.raises(InteractionModelError, match="en-GB"):
        load_model(tmp_path)
    with pytest.raises(InteractionModelError, match="no such file"):
        load_model(tmp_path, locale="en-US")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ("[]", "not a JSON object"),
        ('{"interactionModel": {}}', "no interactionModel.languageModel"),
        ('{"interactionModel": {"languageModel": {"intents": 5}}}', "intents is not a list"),
        ('{"languageModel": {"intents": [{"samples": []}]}}', "has no name"),
        # Amazon's schema requires a slot's type: it was read as AMAZON.SearchQuery.
        (
            '{"languageModel": {"intents": [{"name": "Order", "slots": [{"name": "dish"}], '
            '"samples": ["order {dish} please"]}]}}',
            r"intent Order: slot dish has no type \(Amazon's schema requires one",
        ),
        (
            '{"languageModel": {"intents": [{"name": "Order", "slots": [{"name": "dish", '
            '"type": ""}], "samples": ["order {dish} please"]}]}}',
            "intent Order: slot dish has no type",
        ),
        # A prompt's variations: PlainText or SSML (Amazon's schema has these two), with words.
        (
            '{"interactionModel": {"languageModel": {"intents": []}, "prompts": [{"id": "Ask", '
            '"variations": [{"type": "Text", "value": "Which one?"}]}]}}',
            r"prompt Ask: variation type 'Text' is not PlainText or SSML",
        ),
        (
            '{"interactionModel": {"languageModel": {"intents": []}, "prompts": [{"id": "Ask", '
            '"variations": [{"type": "plaintext", "value": "Which one?"}]}]}}',
            r"is not PlainText or SSML; did you mean 'PlainText'\?",
        ),
        (
            '{"interactionModel": {"languageModel": {"intents": []}, "prompts": [{"id": "Ask", '
            '"variations": [{"value": "Which one?"}]}]}}',
            r"prompt Ask: a variation has no type \(PlainText or SSML\)",
        ),
        (
            '{"interactionModel": {"languageModel": {"intents": []}, "prompts": [{"id": "Ask", '
            '"variations": [{"type": "PlainText", "value": " "}]}]}}',
            "prompt Ask: a variation has no words",
        ),
        # Ids the dialog names things by, given twice: the reader kept the last in silence.
        (
            '{"interactionModel": {"languageModel": {"intents": []}, "prompts": [{"id": "Ask", '
            '"variations": [{"type": "PlainText", "value": "Which?"}]}, {"id": "Ask", '
            '"variations": [{"type": "PlainText", "value": "What?"}]}]}}',
            "prompt Ask is defined twice",
        ),
        (
            '{"interactionModel": {"languageModel": {"intents": [{"name": "Order", "samples": '
            '["order"]}]}, "dialog": {"intents": [{"name": "Order"}, {"name": "Order"}]}}}',
            "dialog intent Order is listed twice",
        ),
        (
            '{"interactionModel": {"languageModel": {"intents": [{"name": "Order", "slots": '
            '[{"name": "dish", "type": "AMAZON.Food"}], "samples": ["order {dish}"]}]}, '
            '"dialog": {"intents": [{"name": "Order", "slots": [{"name": "dish"}, '
            '{"name": "dish"}]}]}}}',
            "dialog intent Order: slot dish is listed twice",
        ),
    ],
)
def test_unusable_model_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InteractionModelError, match=message):
        load_model(path)


def test_a_model_file_over_the_cap_is_refused_unread(tmp_path: Path) -> None:
    # Valid JSON past 16 MiB (a log, a dump named by mistake): refused by its size, as the
    # commands refuse their files, before it is read into memory whole or parsed.
    path = tmp_path / "en-US.json"
    padding = " " * (16 * 1024 * 1024)
    path.write_text(padding + MODEL_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InteractionModelError, match=r"larger than 16 MiB, too large for an "):
        load_model(path)
    # At the cap, it is read.
    path.write_text(
        MODEL_FILE.read_text(encoding="utf-8").ljust(16 * 1024 * 1024), encoding="utf-8"
    )
    assert load_model(path).invocation == "pizza palace"


def _refusals(path: Path) -> tuple[tuple[str, ...], str]:
    """What load_model and the commands' --model say of the model file ``path``, which both
    refuse: load_model's problems, and the command's usage error."""
    from alexaskill.cli.common import UsageError, read_model_json

    with pytest.raises(InteractionModelError) as loaded:
        load_model(path)
    with pytest.raises(UsageError) as read:
        read_model_json(str(path), locale="en-US")
    return loaded.value.problems, str(read.value)


@pytest.mark.parametrize("content", [b"", b" \n", b"\xef\xbb\xbf"])
def test_an_empty_model_file_is_said_empty_as_the_commands_say_it(
    tmp_path: Path, content: bytes
) -> None:
    # load_model said "not JSON (line 1: Expecting value)" of a file the commands' --model
    # called "empty": one file, two wordings.
    path = tmp_path / "en-US.json"
    path.write_bytes(content)
    problems, said = _refusals(path)
    assert problems == (f"{path}: empty",)
    assert said == f"{path}: empty"


@pytest.mark.parametrize(
    "content",
    [
        '{"x": "café"}'.encode("latin-1"),  # not UTF-8
        b'{"interactionModel":\n nope}',  # not JSON, on line 2
        b'{"interactionModel": ' + b"1" * 5000 + b"}",
    ],
    ids=["not-utf8", "not-json", "long-number"],
)
def test_a_model_file_not_read_is_said_as_the_commands_say_it(
    tmp_path: Path, content: bytes
) -> None:
    # load_model said "cannot be read ('utf-8' codec can't decode byte 0xe9 in position 8:
    # invalid continuation byte)" of a file the commands' --model call "not UTF-8 text".
    path = tmp_path / "en-US.json"
    path.write_bytes(content)
    problems, said = _refusals(path)
    assert problems == (said,)
    assert said.startswith(f"{path}: not ")


def test_a_model_file_nested_too_deeply_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.write_text('{"interactionModel": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(InteractionModelError, match="nested too deeply"):
        load_model(path)


def test_a_model_file_with_a_number_too_long_is_a_clear_error(tmp_path: Path) -> None:
    # json.loads raises a plain ValueError (no JSONDecodeError) past Python's int digit limit:
    # it escaped as no InteractionModelError, a 500 when the simulator read an edited file again.
    path = tmp_path / "model.json"
    path.write_text('{"interactionModel": ' + "1" * 5000 + "}", encoding="utf-8")
    with pytest.raises(InteractionModelError, match=r"model\.json: not JSON \(a number of too "):
        load_model(path)


def test_a_model_file_giving_a_key_twice_is_refused_naming_it(tmp_path: Path) -> None:
    # json.loads kept the last of the two silently: load_model (so the simulator and
    # TestClient's model) read samples the file did not seem to give, where the commands'
    # --model refused the same file.
    path = tmp_path / "model.json"
    path.write_text(
        '{"interactionModel": {"languageModel": {"invocationName": "pizza palace", "intents": '
        '[{"name": "Order", "samples": ["order a pizza"], "samples": ["ordr"]}]}}}',
        encoding="utf-8",
    )
    with pytest.raises(InteractionModelError) as raised:
        load_model(path)
    assert raised.value.problems == (
        f"{path}: 'samples' is given twice in interactionModel.languageModel.intents[0]: a JSON "
        "object keeps only the last; give it once",
    )


def test_locale_of_file() -> None:
    assert locale_of_file("skill-package/interactionModels/custom/en-GB.json") == "en-GB"
    assert locale_of_file("model.json") is None


def test_import_alexaskill_does_not_load_understanding() -> None:
    # A deployed skill never needs it: its cold start (AWS Lambda) does not pay for it.
    code = (
        "import sys, alexaskill, alexaskill.testing; "
        "assert not [m for m in sys.modules if m.startswith('alexaskill.understanding')], "
        "sorted(m for m in sys.modules if m.startswith('alexaskill.understanding'))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_literal_samples_of_older_models() -> None:
    model = InteractionModel.from_json(
        {
            "languageModel": {
                "invocationName": "echo box",
                "intents": [
                    {
                        "name": "Repeat",
                        "slots": [{"name": "phrase", "type": "AMAZON.LITERAL"}],
                        "samples": ["repeat { hello world | phrase }", "say {phrase} back"],
                    }
                ],
            }
        }
    )
    understander = Understander(model)
    for said in ("repeat good morning everyone", "say how are you back"):
        understood = understander.understand(said)
        assert understood.intent == "Repeat"
        assert [slot.name for slot in understood.slots] == ["phrase"]


def test_an_extended_built_in_list_type_resolves_its_own_values() -> None:
    skill = Skill(SKILL_ID)
    skill.add_slot_type("AMAZON.City", [{"name": "gotham", "id": "GOTHAM"}])

    @skill.intent("GoTo", utterances=["go to {city}"], slots={"city": "AMAZON.City"})
    def go(city: str) -> None: ...

    understander = Understander(model_from_skill(skill))
    gotham = understander.understand("go to gotham", now=NOW).request
    assert gotham is not None
    authority = gotham["intent"]["slots"]["city"]["resolutions"]["resolutionsPerAuthority"][0]
    assert authority["status"]["code"] == "ER_SUCCESS_MATCH"
    assert authority["values"] == [{"value": {"name": "gotham", "id": "GOTHAM"}}]
    paris = understander.understand("go to paris", now=NOW).request
    assert paris is not None
    assert paris["intent"]["slots"]["city"]["value"] == "paris"


def test_a_model_file_name_too_long_is_said_as_the_commands_say_it(tmp_path: Path) -> None:
    # load_model, and the commands' --model (`request --model`), raised OSError (a traceback):
    # pathlib's is_dir raises for a name too long (ENAMETOOLONG), where it says False of most.
    path = tmp_path / ("a" * 300 + ".json")
    problems, said = _refusals(path)
    assert problems == (said,), (problems, said)
    assert said == f"{shown(str(path))}: File name too long"
    assert "…" in said  # (cut: a long name is echoed by its head and tail)
    for given in (("IntentRequest", "--intent", "X"), ("LaunchRequest",)):  # (no model built)
        code, out, err = run("request", *given, "--model", str(path))
        assert (code, out, err) == (2, "", f"alexaskill request: error: {said}\n")


@pytest.mark.parametrize(
    "content",
    [None, b"", b'{"interactionModel":\n nope}', b'{"a": 1, "a": 2}'],
    ids=["missing", "empty", "not-json", "key-twice"],
)
def test_a_long_model_file_name_is_cut_whatever_the_problem_as_the_commands_cut_it(
    tmp_path: Path, content: bytes | None
) -> None:
    # A name too long for the system was cut; one it takes, over 120 characters, was said
    # whole by load_model, where the commands' --model cut it: for a file missing, empty, not
    # JSON or giving a key twice.
    folder = tmp_path / ("d" * 150)
    folder.mkdir()
    path = folder / "en-US.json"
    if content is not None:
        path.write_bytes(content)
    problems, said = _refusals(path)
    assert problems == (said,), (problems, said)
    assert said.startswith(f"{shown(str(path))}: ") and "…" in said, said
