"""Interaction model files, generated: every one is read (then understood with, and checked as
``alexaskill model --check`` checks it) or refused with `InteractionModelError`, each problem a
short line; never another exception, and the commands' ``--model`` refuses what the library
refuses with a `UsageError`.

A seeded mutator takes the hand-written pizza model (tests/fixtures/models/en-US.json) and
breaks it: a value of another type (tests/fuzz_mutator.py's odd values: deep nesting, lone
surrogates and NUL in JSON escapes, huge numbers and strings), a key or a list item left out, a
key given twice, a list item twice (duplicate intents, slots, types, prompts), a slot of a type
the model does not have, samples empty or with braces unbalanced (``{size``, ``size}``,
``{{size}}``, ``{}``, ``{unknown}``), huge samples and names, and bytes that are not UTF-8 in
the file.

The committed run is short, with a fixed seed; ``ALEXASKILL_FUZZ_RUNS`` and
``ALEXASKILL_FUZZ_SEED`` (tests/fuzz_shared.py) drive it as they drive the request fuzz tests (a
twentieth of the runs, at least 20 models: each is compiled, about 0.1 s)::

    ALEXASKILL_FUZZ_RUNS=20000 ALEXASKILL_FUZZ_SEED=7 .venv/bin/python -m pytest -n 0 \
        tests/test_fuzz_model.py
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

from alexaskill.cli.common import UsageError, read_model_json
from alexaskill.interaction import InteractionModelError
from alexaskill.understanding import InteractionModel, Understander, check_model, load_model

from .fuzz_mutator import encode, odd_value
from .fuzz_shared import RUNS, SEED
from .understanding_shared import MODEL_FILE, NOW

__all__ = ["RUNS", "SEED"]

#: The models a run reads: a twentieth of the request fuzz tests' runs, at least 20.
_MODELS: Final = max(RUNS // 20, 20)
#: The longest problem said of a model: its names and values are cut (`shown`), never echoed
#: whole (a 70,000-character name was).
MAX_PROBLEM: Final = 600

#: Strings put where the model has one: a name, a type, a sample, a prompt's words.
_ODD_TEXTS: Final = (
    "",
    " ",
    "{",
    "}",
    "{size",
    "size}",
    "{{size}}",
    "{}",
    "{ }",
    "{|}",
    "{a|size}",
    "{size}{size}",
    "{size} {size}",
    "{unknown}",
    "{count}{count}{count}",
    "x" * 70_000,
    "word " * 2000,
    "{size} " * 300,
    "x\x00y",
    "__SURROGATE__",
    "\u202e\u05d0\u05d1",
    "💥🍕",
    "...",
    "AMAZON.",
    "AMAZON.NUMBER",
    "AMAZON.Nope",
    "PizzaSize",
    "Unknown.Type",
    "size",
    "OrderPizza",
    "AMAZON.HelpIntent",
    "\t\n",
    "ß",
    "İ",
    "ﬁ",
)

#: Odd bytes put in the file, most not UTF-8.
_ODD_BYTES: Final = (b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x00", b"\x80\x80")


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


def _slots(model: Any) -> list[dict[str, Any]]:
    """The slots of the model's intents, where it still has them."""
    found: list[dict[str, Any]] = []
    for path in _paths(model):
        if path and path[-1] == "slots" and isinstance(_at(model, path), list):
            found.extend(slot for slot in _at(model, path) if isinstance(slot, dict))
    return found


def mutate(rng: random.Random, model: dict[str, Any]) -> dict[str, Any]:
    """One to three mutations of (a copy of) ``model``; duplicate keys, surrogates and deep
    nesting are placeholders that `encode` writes."""
    model = copy.deepcopy(model)
    for _ in range(rng.randint(1, 3)):
        paths = list(_paths(model))[1:]
        if not paths:
            break
        path = rng.choice(paths)
        parent = _at(model, path[:-1])
        texts = [p for p in paths if isinstance(_at(model, p), str)]
        kind = rng.randrange(9)
        if kind == 0:  # a value of another type
            parent[path[-1]] = odd_value(rng)
        elif kind == 1 and isinstance(parent, dict):  # a key left out
            del parent[path[-1]]
        elif kind == 2 and isinstance(parent, list):  # a list item left out
            parent.pop(path[-1])
        elif kind == 3 and texts:  # a string replaced by an odd one
            text = rng.choice(texts)
            _at(model, text[:-1])[text[-1]] = rng.choice(_ODD_TEXTS)
        elif kind == 4 and texts:  # a string with an odd end
            text = rng.choice(texts)
            _at(model, text[:-1])[text[-1]] += rng.choice(_ODD_TEXTS)
        elif kind == 5:  # a list item twice: two intents, slots, types, prompts of one name
            lists = [p for p in paths if isinstance(_at(model, p), list) and _at(model, p)]
            if lists:
                items = _at(model, rng.choice(lists))
                items.insert(rng.randrange(len(items) + 1), copy.deepcopy(rng.choice(items)))
        elif kind == 6:  # a key given twice, the second odd
            objects = [p for p in paths if isinstance(_at(model, p), dict) and _at(model, p)]
            if objects:
                target = _at(model, rng.choice(objects))
                target[f"__DUP__{rng.choice(list(target))}"] = odd_value(rng)
        elif kind == 7 and _slots(model):  # a slot of a type the model lacks, or none
            slot = rng.choice(_slots(model))
            slot["type"] = rng.choice(("Unknown", "AMAZON.Nope", "", None, "pizzasize"))
        elif kind == 8:  # samples empty, or with a slot's braces unbalanced
            samples = [p for p in paths if p[-1] == "samples" and isinstance(_at(model, p), list)]
            if samples:
                listed = _at(model, rng.choice(samples))
                listed.append(rng.choice(("", " ", "{size", "size}", "{}", "{{size}}", "a {")))
    return model


def _file(rng: random.Random, model: dict[str, Any]) -> bytes:
    """The mutated ``model`` as a file's bytes, now and then with bytes that are not UTF-8."""
    body = encode(rng, mutate(rng, model))
    if rng.random() < 0.1:
        at = rng.randrange(len(body) + 1)
        body = body[:at] + rng.choice(_ODD_BYTES) + body[at:]
    return body


def _problems_wrong(problems: Sequence[str]) -> str | None:
    """What is wrong with the problems a refusal lists, or None."""
    if not problems or not all(isinstance(problem, str) and problem for problem in problems):
        return f"no problem said: {problems!r}"
    longest = max(problems, key=len)
    if len(longest) > MAX_PROBLEM:
        return f"a problem of {len(longest)} characters: {longest[:200]!r}"
    return None


def _read(path: Path) -> str | None:
    """What is wrong with reading the model file at ``path`` (then understanding and checking
    with it), or None."""
    try:
        model = load_model(path)
    except InteractionModelError as exc:
        return _problems_wrong(exc.problems)
    understander = Understander(model)
    # (the words of the odd samples too: a sample is read loosely only for words it shares)
    for said in ("order a large pizza with ham", "help", "{size}", "a word of x", "x word size"):
        understander.understand(said, now=NOW)
    check_model(model)
    return None


def _read_as_commands_do(path: Path) -> str | None:
    """What is wrong with the commands' ``--model`` reading of the file, or None."""
    try:
        read_model_json(str(path), locale="en-US")
    except UsageError as exc:
        if len(str(exc)) > MAX_PROBLEM:
            return f"a usage error of {len(str(exc))} characters: {str(exc)[:200]!r}"
    return None


def test_the_sample_model_is_read_unchanged(tmp_path: Path) -> None:
    """The mutator's starting point is read (else a mutation tests nothing)."""
    path = tmp_path / "en-US.json"
    path.write_bytes(MODEL_FILE.read_bytes())
    assert _read(path) is None
    assert load_model(path).intent("OrderPizza") is not None


def test_mutated_model_files_are_read_or_refused_in_short_lines(tmp_path: Path) -> None:
    base = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    rng = random.Random(SEED)
    path = tmp_path / "en-US.json"
    failures: list[str] = []
    for run in range(_MODELS):
        body = _file(rng, base)
        path.write_bytes(body)
        for read in (_read, _read_as_commands_do):
            try:
                wrong = read(path)
            except Exception as exc:  # a traceback where the author needs a reason
                wrong = f"{read.__name__}: {exc!r}"
            if wrong is not None:
                failures.append(f"model {run}: {wrong} for {body[:300]!r}")
    assert not failures, f"{len(failures)} of {_MODELS}:\n" + "\n".join(failures[:15])


# --- what the runs found ----------------------------------------------------------------------


def test_a_long_name_or_value_is_cut_in_the_problems_said() -> None:
    # A 70,000-character delegationStrategy, variation type, intent, slot, slot type or prompt
    # name was echoed whole in the problem (`alexaskill model --check` printed a 70,000-character
    # line, and the simulator's page was told it).
    long = "x" * 70_000
    language = {
        "intents": [
            {"name": long, "slots": [{"name": long}, {"name": "s", "multipleValues": {}}]},
            {"name": "I", "slots": [{"name": long, "type": None}]},
        ],
        "types": [{"name": long, "values": [{}]}, {"name": long}],
        "modelConfiguration": {"fallbackIntentSensitivity": {"level": long}},
    }
    dialog = {
        "delegationStrategy": long,
        "intents": [{"name": long, "confirmationRequired": long, "slots": [{"name": long}] * 2}],
    }
    prompts = [{"id": long, "variations": [{"type": long, "value": "x"}]}]
    data = {"interactionModel": {"languageModel": language, "dialog": dialog, "prompts": prompts}}
    try:
        InteractionModel.from_json(data)
    except InteractionModelError as exc:
        problems = exc.problems
    else:
        raise AssertionError("the model was read")
    assert len(problems) >= 6, problems
    assert _problems_wrong(problems) is None, _problems_wrong(problems)
    assert all("(70,000 characters)" in problem for problem in problems), problems


def test_a_sample_longer_than_any_utterance_fails_no_understanding(tmp_path: Path) -> None:
    # A sample of 1,000 words (a paste gone wrong) made every utterance sharing a word with it
    # fail with RecursionError: read loosely, its alignment went a level deeper a word. Past
    # MAX_WORDS no utterance is understood, nor matches it: it is not compiled.
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    track = data["interactionModel"]["languageModel"]["intents"][9]
    assert track["name"] == "TrackOrder"
    track["samples"].append(" ".join(["where is my order"] * 250))
    path = tmp_path / "en-US.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    understander = Understander(load_model(path))
    assert understander.understand("so where is the order", now=NOW).intent == "TrackOrder"
    assert understander.understand("order a large pizza", now=NOW).intent == "OrderPizza"


def test_a_long_name_or_sample_is_cut_in_the_findings_of_a_check() -> None:
    # `alexaskill model --check` quoted samples, names and values whole: a 70,000-character
    # sample printed a 70,000-character line.
    long = "x" * 70_000
    data = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    language = data["interactionModel"]["languageModel"]
    language["intents"].append(
        {
            "name": "L" * 70_000,
            "slots": [
                {"name": "S" * 70_000, "type": "AMAZON.Nunber" + long, "samples": [long] * 2},
                {"name": "s" + long, "type": "AMAZON.NUMBER"},
            ],
            "samples": [f"{long} 1", f"{long} 1", f"{long} {{{long}}}", f"{long}. {{size}}s"],
        }
    )
    language["intents"][0]["samples"].append(f"{long} 1")
    language["types"].append({"name": "T" * 70_000, "values": [{"name": {"value": long}}] * 2})
    language["types"][0]["values"].append({"name": {"value": "big", "synonyms": [long]}})
    language["types"][0]["values"].append({"name": {"value": long, "synonyms": [long]}})
    findings = check_model(InteractionModel.from_json(data))
    assert len(findings) >= 10, findings
    messages = [finding.message for finding in findings]
    assert _problems_wrong(messages) is None, _problems_wrong(messages)
