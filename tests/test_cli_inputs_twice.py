"""JSON the commands read with a key given twice (request files, standard input, model files,
manifests, ``--alexa-api`` files), refused, and the moment an ``--alexa-api`` file's ``now``
gives the fakes."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli import DEV_PKI_ENV

# The fixtures of tests/cli_inputs_shared.py these tests take, imported for pytest to see.
from .cli_inputs_shared import replay_or_chat as replay_or_chat
from .cli_inputs_shared import workdir as workdir
from .cli_run import run


@pytest.mark.parametrize(
    ("given", "moment"),
    [
        ("2001-02-03T10:00:00Z", "2001-02-03T10:00:00"),
        ("2001-02-03T11:00+01:00", "2001-02-03T10:00"),
    ],
)
def test_an_alexa_api_file_gives_the_fakes_now_as_a_moment(
    tmp_path: Path, given: str, moment: str
) -> None:
    # A JSON file holds no clock: "now" was refused, naming FakeAlexaApi(now=...), so a replay
    # could not judge reminders or stamp list items at a fixed moment. A moment is a fixed clock.
    import datetime as dt

    from alexaskill.cli.inputs import fake_alexa_api

    data = tmp_path / "api.json"
    data.write_text(json.dumps({"now": given, "lists": {"Chores": ["dust"]}}), encoding="utf-8")
    fake = fake_alexa_api(str(data))
    assert fake.now is not None
    assert fake.now() == dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
    assert fake.now().utcoffset() is not None
    assert fake._moment({}) == fake.now()
    [item] = next(iter(fake._items.values()))
    assert item.created_time == "2001-02-03T10:00:00.000Z"
    data.write_text(
        '{"now": null}', encoding="utf-8"
    )  # (null: no clock given, as for the other fields)
    assert fake_alexa_api(str(data)).now is None


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            "2001-02-03T10:00:00",
            "now '2001-02-03T10:00:00' names no offset: give the moment with one, as "
            "2001-02-03T10:00:00Z or 2001-02-03T10:00:00+01:00",
        ),
        ("tomorrow", "now 'tomorrow': expected an ISO 8601 moment, as 2031-03-14T09:00:00Z"),
        (5, "now 5: expected an ISO 8601 moment, as 2031-03-14T09:00:00Z"),
        ([2001, 2, 3], "now [2001, 2, 3]: expected an ISO 8601 moment, as 2031-03-14T09:00:00Z"),
    ],
)
def test_an_alexa_api_now_that_is_no_moment_is_a_usage_error(
    workdir: Path, given: object, message: str
) -> None:
    (workdir / "api.json").write_text(json.dumps({"now": given}), encoding="utf-8")
    code, out, err = run("replay", "inputsapp:skill", "hello.json", "--alexa-api", "api.json")
    assert (code, out) == (2, ""), err
    assert err == f"alexaskill replay: error: --alexa-api api.json: {message}\n"


_NO_MOMENT = "expected an ISO 8601 moment, as 2031-03-14T09:00:00Z"


@pytest.mark.parametrize(
    ("given", "quoted"),
    [
        ("x" * 100_000, f"now 'xxxxxxxxxxxx...xxxxxxxxxxxxx': {_NO_MOMENT}"),
        ([0] * 100_000, f"now [0, 0, 0, 0, 0, 0, ...]: {_NO_MOMENT}"),
        (
            "2001-02-03T10:00:00." + "1" * 100_000,
            "now '2001-02-03T1...1111111111111' names no offset: give the moment with one, as "
            "2001-02-03T10:00:00.111111Z or 2001-02-03T10:00:00.111111+01:00",
        ),
    ],
    ids=["string", "list", "moment"],
)
def test_an_alexa_api_now_quoted_in_an_error_is_shortened(
    workdir: Path, given: object, quoted: str
) -> None:
    # A "now" of 100,000 characters (or a list as long) was quoted whole, in a message as long.
    (workdir / "api.json").write_text(json.dumps({"now": given}), encoding="utf-8")
    code, out, err = run("replay", "inputsapp:skill", "hello.json", "--alexa-api", "api.json")
    assert (code, out) == (2, ""), err[:300]
    assert err == f"alexaskill replay: error: --alexa-api api.json: {quoted}\n", err[:300]


def test_an_alexa_api_key_that_is_no_field_is_quoted_shortened(tmp_path: Path) -> None:
    # As a "now": a key of 100,000 characters that is no field was quoted whole, in a message
    # as long. A key is a str: cut as an error quotes one (`shown_value`), with its length,
    # between escapes (reprlib's cut ended '\x00\x00\x0...).
    from alexaskill.cli.common import UsageError
    from alexaskill.cli.inputs import fake_alexa_api

    data = tmp_path / "api.json"
    for key, quoted in (
        ("x" * 100_000, f"'{'x' * 70}…{'x' * 30}' (100,000 characters)"),
        ("\x00" * 1_000, "'" + "\\x00" * 70 + "…" + "\\x00" * 30 + "' (1,000 characters)"),
    ):
        data.write_text(json.dumps({key: 1}), encoding="utf-8")
        with pytest.raises(UsageError) as raised:
            fake_alexa_api(str(data))
        said = str(raised.value)
        assert said.startswith(f"--alexa-api {data}: {quoted} is not a field of FakeAlexaApi ("), (
            said[:300]
        )
        assert len(said) < 1000, said[:300]  # (an escape is four characters)


def test_an_alexa_api_now_is_quoted_cut_between_its_escapes(workdir: Path) -> None:
    # reprlib cut a "now" of control characters mid-escape ('a\x00a\x00a\x...): its parts are
    # bounded as before, each string cut between its escapes.
    (workdir / "api.json").write_text(json.dumps({"now": "a\x00" * 100}), encoding="utf-8")
    code, out, err = run("replay", "inputsapp:skill", "hello.json", "--alexa-api", "api.json")
    assert (code, out) == (2, ""), err[:300]
    assert re.search(rf"now '(a|\\x00)+\.\.\.(a|\\x00)+': {_NO_MOMENT}\n$", err), err[:300]


_LONG = "x" * 100_000


@pytest.mark.parametrize(
    "data",
    [
        {"given_name": [0] * 100_000},
        {"distance_units": _LONG},
        {"time_zone": _LONG},
        {"address": _LONG},
        {"lists": _LONG},
        {"lists": {"Chores": _LONG}},
        {"lists": {"Chores": ["dust", " " * 100_000]}},
        {"lists": {_LONG: 5}},
        {"permissions": _LONG},
        {"permissions": [_LONG]},
        {"reminders": _LONG},
        {"reminders_supported": _LONG},
        {"keep_calls": _LONG},
        {"faults": _LONG},
        {"faults": {_LONG: 500}},
        {"faults": {"add_list_item": _LONG}},
    ],
    ids=lambda data: "-".join(data),
)
def test_an_alexa_api_value_refused_is_quoted_shortened(tmp_path: Path, data: Any) -> None:
    # As a "now": FakeAlexaApi quoted a value it refuses whole, so an --alexa-api file's field
    # of 100,000 characters (or a list as long) made a message as long.
    from alexaskill.cli.common import UsageError
    from alexaskill.cli.inputs import fake_alexa_api

    path = tmp_path / "api.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError) as raised:
        fake_alexa_api(str(path))
    said = str(raised.value)
    assert said.startswith(f"--alexa-api {path}: ") and "..." in said, said[:300]
    assert len(said) < 1000, said[:300]  # (faults' name the fake's operations)


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            '{"given_name": "Ada", "time_zone": "Europe/Paris", "given_name": "Bob"}',
            "'given_name' is given twice in the top-level object",
        ),
        (
            '{"reminders": [{"alertToken": "r0"}, {"alertToken": "r1", "trigger": '
            '{"type": "SCHEDULED_RELATIVE", "offsetInSeconds": 60, "type": "X"}}]}',
            "'type' is given twice in reminders[1].trigger",
        ),
        ('{"": {"a b": {"x": 1, "x": 2}}}', "'x' is given twice in ['']['a b']"),
        # The object holding "x" twice is dropped by the second "a": it is nowhere to name.
        ('{"a": {"x": 1, "x": 2}, "a": 3}', "'a' is given twice in the top-level object"),
        # A key of 5,000 characters, and one under it, are said cut (they were said whole).
        (
            f'{{"{"k" * 5000}": 1, "{"k" * 5000}": 2}}',
            f"{'k' * 70 + '…' + 'k' * 30!r} (5,000 characters) is given twice in the top-level "
            "object",
        ),
        (
            f'{{"{"k" * 5000}": {{"x": 1, "x": 2}}}}',
            f"'x' is given twice in {'k' * 70}…{'k' * 30} (5,000 characters)",
        ),
    ],
    ids=["top", "nested", "hidden", "dropped", "long key", "under a long key"],
)
def test_an_alexa_api_file_with_a_key_given_twice_is_refused(
    workdir: Path, replay_or_chat: list[str], content: str, said: str
) -> None:
    # json.loads kept the last of the two, silently: a typo'd copy of a key hid the data above
    # it, and the command ran on data the file did not seem to give ("Bob", the type "X").
    (workdir / "api.json").write_text(content, encoding="utf-8")
    code, out, err = run(*replay_or_chat, "--alexa-api", "api.json")
    assert (code, out) == (2, ""), err
    assert err.endswith(
        f": error: --alexa-api api.json: {said}: a JSON object keeps only the last; give it once\n"
    ), err


_GIVES_ONCE = "a JSON object keeps only the last; give it once"


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (("{", '{"version": "0.9", '), "'version' is given twice in the top-level object"),
        (
            ('"name": "Hello"', '"name": "Hello", "name": "Bye"'),
            "'name' is given twice in request.intent",
        ),
    ],
)
def test_a_request_file_with_a_key_given_twice_is_refused(
    workdir: Path, edit: tuple[str, str], said: str
) -> None:
    # replay read the file with json.loads, which keeps the last of two equal keys silently: the
    # skill was sent the intent "Bye" of a file that seemed to name "Hello". (replay builds the
    # request it sends from the file, re-encoded and signed anew: no bytes of it are kept.)
    (workdir / "dup.json").write_text(
        (workdir / "hello.json").read_text(encoding="utf-8").replace(*edit, 1), encoding="utf-8"
    )
    code, out, err = run("replay", "inputsapp:skill", "dup.json")
    assert (code, out) == (2, ""), err
    assert err == f"alexaskill replay: error: dup.json: {said}: {_GIVES_ONCE}\n"


def test_standard_input_with_a_key_given_twice_is_refused(workdir: Path) -> None:
    # As a request file; of several requests, the one with the key twice is named.
    hello = (workdir / "hello.json").read_text(encoding="utf-8")
    twice = hello.replace('"name": "Hello"', '"name": "Hello", "name": "Bye"', 1)
    for given, label in (
        (twice, "standard input"),
        (twice + hello, "standard input (request 1)"),
        (hello + twice, "standard input (request 2)"),
    ):
        code, out, err = run("replay", "inputsapp:skill", "-", stdin=given + "\n")
        assert (code, out) == (2, ""), err
        assert err == (
            f"alexaskill replay: error: {label}: 'name' is given twice in request.intent: "
            f"{_GIVES_ONCE}\n"
        )


@pytest.mark.parametrize(
    "argv",
    [
        ("model", "dup.json", "--check"),
        ("understand", "--model", "dup.json", "say hello"),
        ("request", "IntentRequest", "--intent", "Hello", "--model", "dup.json"),
        ("chat", "--model", "dup.json", "--url", "http://127.0.0.1:9/"),
    ],
)
def test_a_model_file_with_a_key_given_twice_is_refused(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    # A model file copied and edited by hand: its second "samples" hid the first, and the
    # commands understood (and checked) a model the file did not seem to hold.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # (chat, had it run)
    monkeypatch.setenv(DEV_PKI_ENV, str(workdir / "dev-pki"))
    (workdir / "dup.json").write_text(
        '{"interactionModel": {"languageModel": {"invocationName": "hello app", "intents": '
        '[{"name": "Hello", "samples": ["say hello"], "samples": ["say hi"]}], "types": []}}}',
        encoding="utf-8",
    )
    code, out, err = run(*argv)
    assert (code, out) == (2, ""), err
    assert err == (
        f"alexaskill {argv[0]}: error: dup.json: 'samples' is given twice in "
        f"interactionModel.languageModel.intents[0]: {_GIVES_ONCE}\n"
    )


def test_a_manifest_with_a_key_given_twice_is_refused(workdir: Path) -> None:
    # The second "type" was taken: the manifest seemed to declare AUDIO_PLAYER, and did not.
    (workdir / "skill.json").write_text(
        '{"manifest": {"apis": {"custom": {"interfaces": '
        '[{"type": "AUDIO_PLAYER", "type": "ALEXA_PRESENTATION_APL"}]}}}}',
        encoding="utf-8",
    )
    code, out, err = run("model", "inputsapp:skill", "--check", "--manifest", "skill.json")
    assert (code, out) == (2, ""), err
    assert err == (
        "alexaskill model: error: --manifest skill.json: 'type' is given twice in "
        f"manifest.apis.custom.interfaces[0]: {_GIVES_ONCE}\n"
    )


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ('{"name": "Hello", "name": "Bye"}', "'name' is given twice in request.payload"),
        (
            '{"name": "Hello", "slots": {"a": {"name": "a"}, "a": {}}}',
            "'a' is given twice in request.payload.slots",
        ),
    ],
)
def test_a_field_with_a_key_given_twice_is_refused(value: str, said: str) -> None:
    # The field was printed with the last of the two keys: {"name": "Bye"}. (The path is
    # where the field is in the request printed.)
    code, out, err = run("request", "Connections.Response", "--field", f"payload={value}")
    assert (code, out) == (2, ""), err
    assert err == f"alexaskill request: error: --field payload: {said}: {_GIVES_ONCE}\n"
