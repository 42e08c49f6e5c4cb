"""``check_model`` and ``alexaskill model --check``: what the build refuses, and conflicts."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from alexaskill.interaction import InteractionModelError
from alexaskill.understanding import InteractionModel, check_model
from alexaskill.understanding.limits import limit_problems

from .cli_run import run
from .conftest import SKILL_ID

MODEL_FILE = Path(__file__).parent / "fixtures" / "models" / "en-US.json"


def model(**language: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "invocationName": "pizza palace",
        "intents": [
            {"name": "AMAZON.CancelIntent", "samples": []},
            {"name": "AMAZON.HelpIntent", "samples": []},
            {"name": "AMAZON.StopIntent", "samples": []},
            {"name": "AMAZON.NavigateHomeIntent", "samples": []},
            {"name": "AMAZON.FallbackIntent", "samples": []},
        ],
        "types": [],
    }
    extra_intents = language.pop("intents", [])
    base["intents"] += extra_intents
    base.update(language)
    return {"interactionModel": {"languageModel": base}}


def messages(data: dict[str, Any], level: str = "error") -> list[str]:
    try:
        model = InteractionModel.from_json(data)
    except InteractionModelError as exc:  # what --check reports as errors too
        return [problem.removeprefix("the model: ") for problem in exc.problems]
    findings = check_model(model)
    return [finding.message for finding in findings if finding.level == level]


def _value(name: str, value_id: str | None = None, synonyms: list[str] | None = None) -> Any:
    entry: dict[str, Any] = {"name": {"value": name, "synonyms": synonyms or []}}
    if value_id is not None:
        entry["id"] = value_id
    return entry


def test_a_clean_hand_written_model() -> None:
    data = json.loads(MODEL_FILE.read_text())
    assert messages(data) == []


def test_slot_types_misspelt_or_unknown() -> None:
    data = model(
        intents=[
            {
                "name": "Scale",
                "samples": ["scale to {servings}", "cook {dish}", "find {show}"],
                "slots": [
                    {"name": "servings", "type": "AMAZON.Number"},
                    {"name": "dish", "type": "Dsh"},
                    {"name": "show", "type": "AMAZON.Hologram"},
                ],
            }
        ],
        types=[{"name": "Dish", "values": [{"name": {"value": "pancakes"}}]}],
    )
    errors = messages(data)
    assert any("'AMAZON.Number'" in e and "did you mean AMAZON.NUMBER?" in e for e in errors)
    assert any("slot type Dsh is not defined" in e and "did you mean Dish?" in e for e in errors)
    assert not any("Hologram" in e for e in errors)
    (unknown,) = [w for w in messages(data, "warning") if "Hologram" in w]
    assert "not one of Amazon's built-in slot types" in unknown


def test_the_same_sample_in_two_intents() -> None:
    data = model(
        intents=[
            {"name": "Order", "samples": ["get me a pizza"]},
            {"name": "Deliver", "samples": ["Get me a pizza", "bring it"]},
        ]
    )
    assert "sample 'Get me a pizza' is in intent Order and in intent Deliver" in messages(data)


def test_a_sample_understood_as_another_intent() -> None:
    # "order a {size} pizza" said with a listed size is "order a large pizza", a sample of
    # another intent.
    data = model(
        intents=[
            {
                "name": "Order",
                "slots": [{"name": "size", "type": "Size"}],
                "samples": ["order a {size} pizza"],
            },
            {"name": "OrderLarge", "samples": ["order a large pizza"]},
        ],
        types=[{"name": "Size", "values": [{"name": {"value": "large"}}]}],
    )
    assert messages(data) == [
        "intent Order: sample 'order a {size} pizza', said as 'order a large pizza', is "
        'understood as OrderLarge (sample "order a large pizza")'
    ]


def test_values_shared_by_two_types_of_one_intent() -> None:
    data = model(
        intents=[
            {
                "name": "Pair",
                "slots": [{"name": "wine", "type": "Wine"}, {"name": "dish", "type": "Dish"}],
                "samples": ["{wine} with {dish}"],
            }
        ],
        types=[
            {"name": "Wine", "values": [{"name": {"value": "port", "synonyms": ["rose"]}}]},
            {"name": "Dish", "values": [{"name": {"value": "rosé", "synonyms": ["Rose"]}}]},
        ],
    )
    assert "intent Pair: slots wine (Wine) and dish (Dish) share values: 'rose'" in messages(data)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ({"invocationName": "Alexa Pizza"}, "must be lower case"),
        ({"invocationName": None}, "the model has no invocation name"),
        ({"intents": [{"name": "Order", "samples": ["order 2 pizzas"]}]}, "spell numbers out"),
        ({"intents": [{"name": "Order", "samples": ["order pizza!"]}]}, "character '!'"),
        ({"intents": [{"name": "Order", "samples": ["order {size}"]}]}, "names slot {size}"),
        ({"intents": [{"name": "Order", "samples": []}]}, "needs sample utterances"),
        (
            {
                "intents": [
                    {
                        "name": "Order",
                        "slots": [{"name": "s", "type": "Size"}],
                        "samples": ["order {s}"],
                    }
                ]
            },
            "slot type Size is not defined",
        ),
        (
            {
                "intents": [
                    {
                        "name": "Ask",
                        "slots": [{"name": "q", "type": "AMAZON.SearchQuery"}],
                        "samples": ["{q}"],
                    }
                ]
            },
            "needs a carrier phrase",
        ),
        ({"types": [{"name": "Size", "values": []}]}, "slot type Size has no values"),
        # What the builder refuses in the models it writes (value_problems, type names, slot
        # samples), a hand-written model file escaped.
        (
            {"types": [{"name": "Size", "values": [_value("big"), _value("Big ")]}]},
            "slot type Size: value 'Big ' is listed twice",
        ),
        (
            {"types": [{"name": "Size", "values": [_value(" ")]}]},
            "slot type Size: a value is empty",
        ),
        (
            {"types": [{"name": "Size", "values": [_value("big", synonyms=["large", ""])]}]},
            "slot type Size: value 'big' has an empty synonym",
        ),
        (
            {"types": [{"name": "Size", "values": [_value("big", "L"), _value("huge", "L")]}]},
            "slot type Size: values 'big' and 'huge' have the same id 'L'",
        ),
        (
            {"types": [{"name": "Pizza-Size", "values": [_value("big")]}]},
            "slot type 'Pizza-Size': a custom slot type name is ASCII letters and underscores",
        ),
        (
            {"types": [{"name": "AMAZON.NUMBER", "values": [_value("a dozen")]}]},
            "slot type 'AMAZON.NUMBER': a custom slot type name is ASCII letters and underscores",
        ),
        (
            {
                "intents": [
                    {
                        "name": "Order",
                        "slots": [
                            {
                                "name": "s",
                                "type": "AMAZON.City",
                                "samples": ["{s}", "to {s}", "{s}"],
                            }
                        ],
                        "samples": ["order {s}"],
                    }
                ]
            },
            "intent Order, slot s: sample '{s}' is listed twice",
        ),
        (
            {
                "types": [
                    {"name": "Size", "values": [_value("big")]},
                    {"name": "Size", "values": [_value("small")]},
                ]
            },
            "slot type Size is defined twice",
        ),
        (
            {"types": [{"name": "Size", "values": [_value("x" * 141)]}]},
            "is 141 characters long; Amazon takes at most 140",
        ),
        # A built-in intent Amazon does not have (registration refuses its handler).
        (
            {"intents": [{"name": "AMAZON.StopIntnet", "samples": []}]},
            "intent AMAZON.StopIntnet: 'AMAZON.StopIntnet' is not one of Amazon's built-in "
            "intents, so Alexa never sends it; did you mean AMAZON.StopIntent?",
        ),
    ],
)
def test_what_amazons_build_refuses(language: dict[str, Any], expected: str) -> None:
    data = model(**language)
    if language.get("invocationName", "") is None:
        del data["interactionModel"]["languageModel"]["invocationName"]
    assert any(expected in message for message in messages(data)), messages(data)


def test_missing_built_in_intents() -> None:
    data = {
        "languageModel": {
            "invocationName": "pizza palace",
            "intents": [{"name": "Order", "samples": ["order a pizza"]}],
        }
    }
    errors = messages(data)
    assert "the model lacks AMAZON.StopIntent, which every custom skill must have" in errors
    assert "the model lacks AMAZON.FallbackIntent" in messages(data, "warning")


def test_dialog_model_problems() -> None:
    data = json.loads(MODEL_FILE.read_text())
    dialog = data["interactionModel"]["dialog"]["intents"][0]
    dialog["slots"][0]["prompts"] = {}
    dialog["slots"].append({"name": "crust", "type": "AMAZON.Food", "elicitationRequired": False})
    dialog["slots"][2]["validations"].append({"type": "isInDuration", "prompt": "Nope"})
    data["interactionModel"]["dialog"]["intents"].append({"name": "Unknown", "slots": []})
    errors = messages(data)
    assert "intent OrderPizza, slot size: required but has no elicitation prompt" in errors
    assert "intent OrderPizza, slot crust: in the dialog model but not in the intent" in errors
    assert (
        "intent OrderPizza, slot count: validation isInDuration needs AMAZON.DATE or "
        "AMAZON.TIME, not AMAZON.NUMBER" in errors
    )
    assert (
        "intent OrderPizza, slot count's validation isInDuration names prompt Nope, which the "
        "model lacks" in errors
    )
    assert "the dialog model names intent Unknown, which the model lacks" in errors


def test_a_required_slot_without_samples_is_told_what_to_add() -> None:
    # The warning said what is missing, not where a skill's code or a model file gives it.
    data = json.loads(MODEL_FILE.read_text())
    assert (
        "intent OrderPizza, slot count: required but has no slot samples; users answering the "
        "prompt are understood only through the intent's samples and the bare value: give it "
        'samples of the answers, DialogSlot(..., samples=["{count}", ...]) in the code, the '
        'slot\'s "samples" in a model file' in messages(data, "warning")
    )


def test_time_windows_and_their_bounds() -> None:
    # Amazon's isInDuration takes AMAZON.TIME too, with bounds in hours or minutes or hh:mm.
    data = json.loads(MODEL_FILE.read_text())
    [dialog] = data["interactionModel"]["dialog"]["intents"]
    time = dialog["slots"][3]
    assert time["type"] == "AMAZON.TIME"
    prompt = dialog["slots"][2]["validations"][0]["prompt"]
    time["validations"] = [
        {"type": "isInDuration", "prompt": prompt, "start": "PT0H", "end": "PT2H"},
        {"type": "isNotInDuration", "prompt": prompt, "start": "12:00", "end": "13:00"},
    ]
    assert messages(data) == []
    time["validations"].append(
        {"type": "isInDuration", "prompt": prompt, "start": "P1D", "end": "soon"}
    )
    assert messages(data) == [
        "intent OrderPizza, slot time: validation isInDuration: start 'P1D' is no bound for "
        "AMAZON.TIME, which takes hours or minutes, or an hh:mm time",
        "intent OrderPizza, slot time: validation isInDuration: end 'soon' is not an ISO 8601 "
        "duration ('P1D', 'PT2H'), a day (YYYY-MM-DD) or a clock time (hh:mm)",
    ]


def test_window_bounds_in_weeks_or_seconds() -> None:
    # Amazon's SMAPI IsInDuration: "Y, M or D" components for a date, "H or M" for a time.
    data = json.loads(MODEL_FILE.read_text())
    [dialog] = data["interactionModel"]["dialog"]["intents"]
    time = dialog["slots"][3]
    prompt = dialog["slots"][2]["validations"][0]["prompt"]
    time["validations"] = [
        {"type": "isInDuration", "prompt": prompt, "start": "PT0H", "end": "PT90S"},
    ]
    assert messages(data) == [
        "intent OrderPizza, slot time: validation isInDuration: end 'PT90S' counts seconds, "
        "which Amazon's rule does not take (a date window takes years, months or days; a time "
        "window hours or minutes)"
    ]


def test_a_window_with_neither_bound() -> None:
    # Validate.in_duration(None, None, ...) raises; the same rule in a model file is reported.
    data = json.loads(MODEL_FILE.read_text())
    [dialog] = data["interactionModel"]["dialog"]["intents"]
    time = dialog["slots"][3]
    prompt = dialog["slots"][2]["validations"][0]["prompt"]
    time["validations"] = [
        {"type": "isNotInDuration", "prompt": prompt},
        {"type": "isInDuration", "prompt": prompt, "start": None, "end": None},
    ]
    assert messages(data) == [
        "intent OrderPizza, slot time: validation isNotInDuration needs a start, an end, or both",
        "intent OrderPizza, slot time: validation isInDuration needs a start, an end, or both",
    ]


def test_entity_match_on_a_built_in_type() -> None:
    data = json.loads(MODEL_FILE.read_text())
    [dialog] = data["interactionModel"]["dialog"]["intents"]
    time = dialog["slots"][3]
    prompt = dialog["slots"][2]["validations"][0]["prompt"]
    time["validations"] = [{"type": "hasEntityResolutionMatch", "prompt": prompt}]
    assert messages(data) == [
        "intent OrderPizza, slot time: validation hasEntityResolutionMatch needs a custom slot "
        "type, not AMAZON.TIME"
    ]


def test_warnings() -> None:
    data = model(
        intents=[
            {"name": "Quit", "samples": ["never mind"]},
            {"name": "Order", "samples": ["order a pizza"]},
        ],
        types=[{"name": "Unused", "values": [_value("a"), _value("b", synonyms=["A"])]}],
    )
    warnings = messages(data, "warning")
    assert "slot type Unused is used by no slot" in warnings
    # A synonym of one value that is another value (two values alike are an error).
    assert "slot type Unused: 'A' is listed for both 'a' and 'b'" in warnings
    assert (
        "intent Quit: sample 'never mind' is also a common phrasing of AMAZON.CancelIntent; "
        "users saying it may reach either" in warnings
    )


# --- the command ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "warned"),
    [
        # A value named after an earlier value's synonym: either value could take "big".
        (
            [_value("large", synonyms=["big"]), _value("big")],
            ["'big' is listed for both 'large' and 'big'"],
        ),
        # A synonym naming an earlier value.
        (
            [_value("big"), _value("large", synonyms=["Big"])],
            ["'Big' is listed for both 'big' and 'large'"],
        ),
        # A synonym naming a later value.
        (
            [_value("large", synonyms=["big"]), _value("small"), _value("Big")],
            ["'Big' is listed for both 'large' and 'Big'"],
        ),
        # Two values alike are value_problems' error ("listed twice"), not a warning as well.
        ([_value("Big"), _value("big")], []),
        ([_value("big", synonyms=["large"]), _value(" BIG ")], []),
    ],
)
def test_a_word_of_two_values_is_a_warning(values: list[Any], warned: list[str]) -> None:
    data = model(
        intents=[
            {
                "name": "Order",
                "slots": [{"name": "size", "type": "SIZE"}],
                "samples": ["a {size} pizza"],
            }
        ],
        types=[{"name": "SIZE", "values": values}],
    )
    warnings = [w.removeprefix("slot type SIZE: ") for w in messages(data, "warning")]
    assert [w for w in warnings if "listed for both" in w] == warned


def test_check_a_clean_model_file() -> None:
    code, out, _ = run("model", "--check", str(MODEL_FILE))
    assert code == 0
    assert out.endswith("0 errors, 2 warnings\n")


def test_check_writes_no_file_and_says_so_for_output(tmp_path: Path) -> None:
    # --check -o FILE wrote nothing and said nothing of it, where --output-dir was refused.
    written = tmp_path / "x.json"
    for option in (["-o", str(written)], ["--output-dir", str(tmp_path)], ["--all-locales"]):
        code, _, err = run("model", "--check", str(MODEL_FILE), *option)
        assert code == 2
        assert "--check writes no file and takes one --locale" in err
    assert not written.exists()


def test_check_a_model_file_with_conflicts_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "en-US.json"
    path.write_text(
        json.dumps(
            model(
                intents=[
                    {"name": "Order", "samples": ["get me a pizza"]},
                    {"name": "Deliver", "samples": ["get me a pizza"]},
                ]
            )
        )
    )
    code, out, _ = run("model", "--check", str(path))
    assert code == 1
    assert out == (
        "error: sample 'get me a pizza' is in intent Order and in intent Deliver\n"
        "1 error, 0 warnings\n"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("nonexist.json", None, "nonexist.json: no such file"),
        ("empty.json", b"", "empty.json: empty"),
        ("broken.json", b"{nope", "broken.json: not JSON (line 1: "),
        ("latin1.json", b'{"x": "caf\xe9"}', "latin1.json: not UTF-8 text\n"),
        ("custom", "directory", "custom: no en-US.json in it, nor any model file"),
    ],
)
def test_check_a_model_file_that_cannot_be_read_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, content: Any, message: str
) -> None:
    # Exit status 2, not 1: CI tells a mistyped path from a model with errors.
    monkeypatch.chdir(tmp_path)
    if content == "directory":
        (tmp_path / name).mkdir()
    elif content is not None:
        (tmp_path / name).write_bytes(content)
    code, out, err = run("model", "--check", name)
    assert code == 2
    assert out == ""
    assert err.startswith(f"alexaskill model: error: {message}")
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("[]", "not a JSON object"),
        ('"en-US"', "not a JSON object"),
        ('{"interactionModel": []}', "interactionModel is not an object"),
        ('{"manifest": {}}', "no interactionModel.languageModel (is this an ASK model file?)"),
    ],
)
def test_check_a_json_file_that_is_no_model_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str, why: str
) -> None:
    # A file that is no model at all (a list, a manifest) is a mistake in the command, as for
    # `understand --model`, `chat --model` and `request --model` (exit status 2, one line on
    # stderr): it was "error: …" on stdout and exit status 1, a model with errors to fix.
    monkeypatch.chdir(tmp_path)
    Path("en-US.json").write_text(content)
    assert run("model", "--check", "en-US.json") == (
        2,
        "",
        f"alexaskill model: error: en-US.json: {why}\n",
    )
    assert run("understand", "--model", "en-US.json", "hello")[::2] == (
        2,
        f"alexaskill understand: error: en-US.json: {why}\n",
    )


def test_check_a_model_whose_parts_are_of_the_wrong_shape_exits_1(tmp_path: Path) -> None:
    # A model file with errors inside (intents that are no list) is a model to fix: status 1.
    path = tmp_path / "en-US.json"
    path.write_text(json.dumps({"interactionModel": {"languageModel": {"intents": {}}}}))
    code, out, _ = run("model", "--check", str(path))
    assert code == 1
    assert out.startswith("error: "), out


def test_check_an_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    (tmp_path / "checked.py").write_text(
        "from alexaskill import Skill, speak\n"
        f"skill = Skill('{SKILL_ID}')\n"
        "@skill.intent('Hello', utterances=['hello there', 'stop'])\n"
        "def hello():\n"
        "    return speak('hi')\n"
        "@skill.intent('AMAZON.StopIntent')\n"
        "def stop():\n"
        "    return speak('bye')\n"
    )
    try:
        code, out, _ = run("model", "checked:skill", "--check")
        assert code == 0  # no invocation name given: not checked
        assert "sample 'stop' is also a common phrasing of AMAZON.StopIntent" in out
        code, out, _ = run("model", "checked:skill", "--check", "--invocation", "Hi")
        assert code == 1
        assert "must be lower case" in out
    finally:
        sys.modules.pop("checked", None)


def test_model_without_check_needs_an_invocation_and_an_app() -> None:
    code, _, err = run("model", "examples.weather.app:skill")
    assert code == 2
    assert "the invocation name is missing" in err
    code, _, err = run("model", str(MODEL_FILE), "--invocation", "x y")
    assert code == 2
    assert "is a model file: give it with --check" in err


def test_a_model_the_builder_writes_passes_the_check() -> None:
    from alexaskill import DialogSlot, Skill
    from alexaskill.understanding import model_from_skill

    skill = Skill(SKILL_ID)
    city = DialogSlot("AMAZON.City", elicit="Where?", samples=["to {city}", "नमस्ते {city}"])

    @skill.intent("Go", utterances=["go to {city}", "नमस्ते दुनिया {city}"], slots={"city": city})
    def go(city: str) -> None: ...

    found = check_model(model_from_skill(skill, invocation="city helper"))
    assert [finding for finding in found if finding.level == "error"] == []


def test_samples_synonyms_or_values_that_are_no_list_of_strings_are_errors() -> None:
    # They were dropped silently: a string of samples read as no samples ("needs sample
    # utterances"), synonyms as none, a number as its digits; Amazon's schema has lists of
    # strings there, and its build refuses anything else.
    data = model(
        intents=[
            {
                "name": "OrderIntent",
                "samples": "order a pizza",
                "slots": [{"name": "size", "type": "Size", "samples": ["{size}", 7]}],
            }
        ],
        types=[{"name": "Size", "values": [{"name": {"value": "large", "synonyms": "big"}}]}],
    )
    assert messages(data) == [
        "intent OrderIntent: slot size: samples: an item is not a string",
        "intent OrderIntent: samples is not a list",
        "slot type Size: synonyms is not a list",
    ]


def test_a_prompt_variation_in_ssml_alexa_refuses_is_an_error() -> None:
    data = model(
        intents=[
            {
                "name": "OrderIntent",
                "samples": ["order a {size} pizza"],
                "slots": [{"name": "size", "type": "AMAZON.NUMBER"}],
            }
        ],
    )
    data["interactionModel"]["dialog"] = {
        "intents": [
            {
                "name": "OrderIntent",
                "slots": [
                    {
                        "name": "size",
                        "type": "AMAZON.NUMBER",
                        "elicitationRequired": True,
                        "prompts": {"elicitation": "Elicit.Size"},
                    }
                ],
            }
        ]
    }
    data["interactionModel"]["prompts"] = [
        {
            "id": "Elicit.Size",
            "variations": [
                {"type": "PlainText", "value": "Salt & pepper size?"},
                {"type": "SSML", "value": "<speak>Salt & pepper size?</speak>"},
            ],
        }
    ]
    [error] = messages(data)
    assert error.startswith("prompt Elicit.Size: SSML Alexa refuses, a bare '&' at index 12")


def test_a_sample_naming_one_slot_twice_is_a_warning() -> None:
    # "from {city} to {city}": the user says two cities, the one slot carries one of them.
    data = model(
        intents=[
            {
                "name": "TripIntent",
                "samples": ["from {city} to {city}", "to {city}"],
                "slots": [{"name": "city", "type": "AMAZON.City"}],
            }
        ],
    )
    assert messages(data) == []
    assert [message for message in messages(data, "warning") if "twice" in message] == [
        "intent TripIntent: sample 'from {city} to {city}' names slot {city} twice; a slot "
        "holds one value, so one of the two is lost: give each its own slot ({from_city}, "
        "{to_city})"
    ]


def test_a_standard_built_in_intent_with_slots_is_a_warning() -> None:
    # Amazon's docs do not say its build refuses the slot: a warning, not an error.
    data = model()
    help_intent = data["interactionModel"]["languageModel"]["intents"][1]
    help_intent["slots"] = [{"name": "topic", "type": "AMAZON.SearchQuery"}]
    help_intent["samples"] = ["help with {topic}"]
    assert messages(data) == []
    [warning] = [w for w in messages(data, "warning") if "AMAZON.HelpIntent" in w]
    assert warning.startswith("intent AMAZON.HelpIntent: slot topic: Amazon documents"), warning


def test_a_library_intent_with_slots_is_no_built_in_slot_warning() -> None:
    data = model()
    data["interactionModel"]["languageModel"]["intents"].append(
        {
            "name": "AMAZON.SearchAction<object@WeatherForecast>",
            "slots": [{"name": "location", "type": "AMAZON.City"}],
            "samples": [],
        }
    )
    assert messages(data) == []
    assert not [w for w in messages(data, "warning") if "slot location" in w]


@pytest.mark.parametrize("app", ["examples.weather.app:skil", "examples.weather.nosuchmodule"])
def test_model_says_what_is_wrong_with_app_before_asking_for_the_invocation(app: str) -> None:
    # A misspelt APP was met with "the invocation name is missing"; adding one only then showed
    # that the APP was wrong.
    code, _, err = run("model", app)
    assert code == 2
    assert "invocation name is missing" not in err, err
    assert app.split(":")[0] in err, err


def _letters(number: int) -> str:
    """A name of ASCII letters for ``number``: intent and type names take no digits."""
    name = ""
    while True:
        number, digit = divmod(number, 26)
        name += "abcdefghijklmnopqrstuvwxyz"[digit]
        if not number:
            return name


def test_more_intents_than_amazon_takes_is_an_error() -> None:
    # 251 intents (five built-in ones among them) were "no problems found"; Amazon's build
    # takes at most 250.
    custom = [{"name": f"Ask_{_letters(n)}", "samples": [f"ask {_letters(n)}"]} for n in range(246)]
    errors = messages(model(intents=custom))
    assert [e for e in errors if "intents" in e] == [
        "the model has 251 intents; Amazon's build takes at most 250, built-in intents "
        "included: remove 1 (or merge intents that differ only in a word into one intent with "
        "a slot)"
    ]
    assert limit_problems(InteractionModel.from_json(model(intents=custom[:-1]))) == []


def test_more_slot_values_than_amazon_takes_is_an_error() -> None:
    # 50,001 values over two custom types were "no problems found"; synonyms do not count.
    data = model(
        intents=[
            {
                "name": "Order",
                "slots": [{"name": "dish", "type": "Dish"}, {"name": "drink", "type": "Drink"}],
                "samples": ["order {dish}", "drink {drink}"],
            }
        ],
        types=[
            {"name": "Dish", "values": [_value(f"dish {n}") for n in range(30_000)]},
            {"name": "Drink", "values": [_value(f"drink {n}") for n in range(20_001)]},
        ],
    )
    dishes = data["interactionModel"]["languageModel"]["types"][0]["values"]
    dishes[0] = _value("dish 0", synonyms=[f"plate {n}" for n in range(100)])
    read = InteractionModel.from_json(data)
    assert [f.message for f in check_model(read) if "values in all" in f.message] == [
        "the model's slot types have 50001 values in all; Amazon's build takes at most 50000 "
        "across every custom slot type (the largest: Dish 30000, Drink 20001); remove 1"
    ]
    drink = read.types["Drink"]
    fewer = {**read.types, "Drink": dataclasses.replace(drink, values=drink.values[:-1])}
    assert limit_problems(dataclasses.replace(read, types=fewer)) == []  # 50,000 is taken


def test_two_slots_written_together_in_a_sample_are_an_error() -> None:
    # "{a}{b}" passed the check, though Amazon's build takes slots apart; "{a} {b}" passes.
    slots = [{"name": "count", "type": "AMAZON.NUMBER"}, {"name": "city", "type": "AMAZON.City"}]

    def errors(sample: str) -> list[str]:
        return messages(model(intents=[{"name": "Add", "slots": slots, "samples": [sample]}]))

    assert errors("add {count}{city}") == [
        "intent Add: sample 'add {count}{city}': slots {count} and {city} are written together; "
        "Amazon's build takes slots apart: a space between them ({count} {city}), or better a "
        "word (an utterance cannot say where one value ends)"
    ]
    assert errors("add {count} {city}") == []
    assert errors("add {count} in {city}") == []


@pytest.mark.parametrize("enabled", ["false", "true", 1])
def test_a_true_or_false_field_that_is_no_boolean_is_an_error(enabled: Any) -> None:
    # {"enabled": "false"} made the slot a multiple-value one, and "elicitationRequired":
    # "false" a required slot (any value but false, 0 or null did), with no word from the
    # check; Amazon's schema takes true or false.
    slot = {"name": "x", "type": "AMAZON.NUMBER", "multipleValues": {"enabled": enabled}}
    data = model(intents=[{"name": "Add", "slots": [slot], "samples": ["add {x}"]}])
    data["interactionModel"]["dialog"] = {
        "intents": [
            {
                "name": "Add",
                "confirmationRequired": enabled,
                "slots": [{"name": "x", "type": "AMAZON.NUMBER", "elicitationRequired": enabled}],
            }
        ]
    }
    assert messages(data) == [
        f"intent Add: slot x: multipleValues: enabled is {enabled!r}, not true or false",
        f"dialog intent Add: slot x: elicitationRequired is {enabled!r}, not true or false",
        f"dialog intent Add: confirmationRequired is {enabled!r}, not true or false",
    ]
    slot["multipleValues"] = {"enabled": None}  # null: absent
    data["interactionModel"]["dialog"]["intents"][0].update(confirmationRequired=False)
    data["interactionModel"]["dialog"]["intents"][0]["slots"][0]["elicitationRequired"] = False
    assert messages(data) == []
