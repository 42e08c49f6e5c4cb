"""The offline commands (replay, certify, model, request) given input that is not what they
expect: each a one-line error and exit status 2, never a traceback. Here: standard input and
files too large or not text, and model files with values of the wrong kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

# The fixtures of tests/cli_inputs_shared.py these tests take, imported for pytest to see.
from .cli_inputs_shared import small_bound as small_bound
from .cli_inputs_shared import workdir as workdir
from .cli_run import run

# --- standard input --------------------------------------------------------------------------


def test_replay_standard_input_not_utf8_under_surrogateescape(workdir: Path) -> None:
    # Python reads standard input so under the C and C.UTF-8 locales (a container's): the
    # byte that is not UTF-8 arrives as a lone surrogate, inside a JSON string here.
    data = (workdir / "hello.json").read_bytes().replace(b'"en-US"', b'"en-US\xff"')
    code, out, err = run(
        "replay", "inputsapp:skill", "-", stdin=data, stdin_errors="surrogateescape"
    )
    assert (code, out) == (2, "")
    assert err == "alexaskill replay: error: standard input: not UTF-8 text\n"


# --- files too large to be what they should be ----------------------------------------------
# Each is read up to a bound: /dev/zero, or a log file named by mistake, is not read into
# memory whole (it ended in a MemoryError traceback, after filling the memory).

_ZERO = "/dev/zero"


needs_dev_zero = pytest.mark.skipif(not Path(_ZERO).exists(), reason="no /dev/zero")


def _padded(workdir: Path, size: int) -> Path:
    envelope = json.loads((workdir / "hello.json").read_text(encoding="utf-8"))
    envelope["pad"] = "x" * size
    big = workdir / "big.json"
    big.write_text(json.dumps(envelope), encoding="utf-8")
    return big


@needs_dev_zero
def test_replay_a_request_file_that_never_ends(workdir: Path) -> None:
    code, out, err = run("replay", "inputsapp:skill", _ZERO)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill replay: error: {_ZERO}: larger than 16 MiB, too large for a request file\n"
    )


def test_replay_a_request_file_too_large(workdir: Path, small_bound: int) -> None:
    big = _padded(workdir, small_bound)
    code, out, err = run("replay", "inputsapp:skill", str(big))
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill replay: error: {big}: larger than 4 KiB, too large for a request file\n"
    )
    # A file within the bound is read, and sent as it is.
    code, out, _ = run("replay", "inputsapp:skill", "hello.json")
    assert code == 0 and "hello there" in out


def test_replay_standard_input_too_large(workdir: Path, small_bound: int) -> None:
    code, out, err = run(
        "replay",
        "inputsapp:skill",
        "-",
        stdin=_padded(workdir, small_bound).read_text(encoding="utf-8"),
    )
    assert (code, out) == (2, "")
    assert err == (
        "alexaskill replay: error: standard input: larger than 4 KiB, too large for requests\n"
    )


@needs_dev_zero
def test_replay_alexa_api_file_that_never_ends(workdir: Path) -> None:
    code, out, err = run("replay", "inputsapp:skill", "hello.json", "--alexa-api", _ZERO)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill replay: error: --alexa-api {_ZERO}: larger than 16 MiB, too large for "
        "a JSON object of FakeAlexaApi's fields\n"
    )


@needs_dev_zero
def test_model_check_manifest_that_never_ends(workdir: Path) -> None:
    model = workdir / "en-US.json"
    code, _, _ = run("model", "inputsapp:skill", "--invocation", "hello helper", "-o", str(model))
    assert code == 0
    code, out, err = run("model", "--check", str(model), "--manifest", _ZERO)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill model: error: --manifest {_ZERO}: larger than 16 MiB, too large for a "
        "skill manifest\n"
    )


@needs_dev_zero
def test_certify_replay_capture_that_never_ends(workdir: Path) -> None:
    code, out, err = run("certify", "http://127.0.0.1:9/", "--allow-local", "--replay", _ZERO)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill certify: error: --replay {_ZERO}: not an alexaskill capture file "
        "(larger than 16 MiB)\n"
    )


def test_load_capture_too_large(tmp_path: Path, small_bound: int) -> None:
    from alexaskill.capture import load_capture

    file = tmp_path / "x.capture.json"
    file.write_text(
        json.dumps({"received_at": "", "path": "/", "headers": [], "body": "x" * 5000}),
        encoding="utf-8",
    )
    with pytest.raises(
        ValueError,
        match=r"capture\.json: not an alexaskill capture file \(larger than 4,096 bytes\)",
    ):
        load_capture(file)


def test_replay_a_request_file_with_a_byte_order_mark(workdir: Path) -> None:
    bom = workdir / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + (workdir / "hello.json").read_bytes())
    code, out, err = run("replay", "inputsapp:skill", "bom.json")
    assert code == 0, err
    assert "hello there" in out


# --- a model file with mistakes --------------------------------------------------------------


def _model(language: dict[str, object], **root: object) -> dict[str, object]:
    base: dict[str, object] = {
        "invocationName": "hello helper",
        "intents": [
            {
                "name": "Hello",
                "samples": ["say hello to {name}"],
                "slots": [{"name": "name", "type": "AMAZON.FirstName"}],
            }
        ],
    }
    return {"interactionModel": {"languageModel": {**base, **language}, **root}}


_DIALOG_SLOT = {"name": "name", "type": "AMAZON.FirstName", "elicitationRequired": True}


@pytest.mark.parametrize(
    ("model", "problem"),
    [
        (
            _model({"intents": [{"name": "Hello", "samples": ["hi"], "slots": 1.5}]}),
            "intent Hello: slots is not a list",
        ),
        (
            _model(
                {
                    "intents": [
                        {
                            "name": "Hello",
                            "samples": ["hi {n}"],
                            "slots": [{"name": "n", "type": "T", "multipleValues": [1]}],
                        }
                    ]
                }
            ),
            "intent Hello: slot n: multipleValues is not an object",
        ),
        (_model({"types": 5}), "languageModel.types is not a list"),
        (
            _model({"types": [{"name": "T", "values": True}]}),
            "slot type T: values is not a list",
        ),
        (_model({}, prompts=7), "interactionModel.prompts is not a list"),
        (
            _model({}, prompts=[{"id": "P", "variations": 3}]),
            "prompt P: variations is not a list",
        ),
        (_model({}, dialog="d"), "interactionModel.dialog is not an object"),
        (_model({}, dialog={"intents": {"a": 1}}), "dialog.intents is not a list"),
        (
            _model({}, dialog={"intents": [{"name": "Hello", "slots": False}]}),
            "dialog intent Hello: slots is not a list",
        ),
        (
            _model(
                {},
                dialog={
                    "intents": [
                        {"name": "Hello", "slots": [{**_DIALOG_SLOT, "prompts": "Elicit.Name"}]}
                    ]
                },
            ),
            "dialog intent Hello: slot name: prompts is not an object",
        ),
        (
            _model(
                {},
                dialog={
                    "intents": [
                        {
                            "name": "Hello",
                            "slots": [
                                {**_DIALOG_SLOT, "prompts": {"elicitation": {"id": "Elicit.Name"}}}
                            ],
                        }
                    ]
                },
            ),
            "dialog intent Hello: slot name: prompts.elicitation is not a string",
        ),
        (
            _model(
                {},
                dialog={
                    "intents": [
                        {
                            "name": "Hello",
                            "slots": [
                                {
                                    **_DIALOG_SLOT,
                                    "validations": [{"type": "isInSet", "prompt": ["P"]}],
                                }
                            ],
                        }
                    ]
                },
            ),
            "dialog intent Hello: slot name: a validation's prompt is not a string",
        ),
        (
            _model({}, dialog={"intents": [{"name": "Hello", "prompts": "x", "slots": []}]}),
            "dialog intent Hello: prompts is not an object",
        ),
        (
            _model({"modelConfiguration": {"fallbackIntentSensitivity": "HIGH"}}),
            "languageModel.modelConfiguration.fallbackIntentSensitivity is not an object",
        ),
        (
            _model({"modelConfiguration": {"fallbackIntentSensitivity": {"level": 3}}}),
            "languageModel.modelConfiguration.fallbackIntentSensitivity.level is not a string",
        ),
        (
            _model({"modelConfiguration": ["HIGH"]}),
            "languageModel.modelConfiguration is not an object",
        ),
    ],
)
def test_model_file_with_a_value_of_the_wrong_kind(
    tmp_path: Path, model: dict[str, object], problem: str
) -> None:
    file = tmp_path / "en-US.json"
    file.write_text(json.dumps(model), encoding="utf-8")
    code, out, err = run("model", "--check", str(file))
    assert (code, err) == (1, "")
    assert f"error: {file}: {problem}\n" in out
    # The commands that read a model to understand say it in one line, exit status 2.
    code, out, err = run("understand", "--model", str(file), "say hello")
    assert (code, out) == (2, "")
    assert err.startswith("alexaskill understand: error: ") and problem in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("size", "said"),
    [
        (16 * 1024 * 1024, "16 MiB"),
        (2048 * 1024 * 1024, "2,048 MiB"),
        (1536 * 1024, "1,536 KiB"),
        (4096, "4 KiB"),
        (1000, "1,000 bytes"),
    ],
)
def test_the_size_a_reader_caps_is_said_with_thousands_separators(size: int, said: str) -> None:
    # A bound of 2 GiB was "2048 MiB", one of 1.5 MiB "1536 KiB", as no other size is said.
    from alexaskill.json_once import size_text

    assert size_text(size) == said
