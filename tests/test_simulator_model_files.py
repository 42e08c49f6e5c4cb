"""The simulator talking to a skill through an interaction model file instead of the model built
from the code (``--model``): read again when edited, a directory's locales offered, a file that
cannot serve refused before any skill trusts the key. Mounted skills and several skills of one
app: test_simulator_skills.py.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from alexaskill.cli.common import load_object
from alexaskill.cli.dev import DEV_PKI_ENV
from alexaskill.cli.serve import _prepare
from alexaskill.testing import TestPKI

from . import simulator_shared
from .conftest import OTHER_SKILL_ID
from .simulator_shared import ID, SKILL_FILE, _client, turn

# The fixtures of tests/simulator_shared.py, this module's too (why not conftest's: see there).
dev_dir = simulator_shared.dev_dir
pki = simulator_shared.pki
http = simulator_shared.http


def model_file(path: Path, samples: list[str], invocation: str = "light house") -> Path:
    """An ASK CLI model file at ``path``: SeaWeather said with ``samples``, help and stop."""
    intents = [
        {"name": "SeaWeather", "slots": [], "samples": samples},
        {"name": "AMAZON.HelpIntent", "samples": []},
        {"name": "AMAZON.StopIntent", "samples": []},
    ]
    language = {"invocationName": invocation, "intents": intents}
    path.write_text(json.dumps({"interactionModel": {"languageModel": language}}), encoding="utf-8")
    return path


def with_model(pki: TestPKI, model: Path, spec: str = "skill") -> Any:
    from alexaskill.simulator import with_simulator

    return with_simulator(load_object(f"{SKILL_FILE}:{spec}"), pki=pki, model=model)


def test_a_model_file_is_what_the_simulator_understands(pki: TestPKI, tmp_path: Path) -> None:
    # A sample only the file has, in the file's locale; the code's model is not consulted.
    path = model_file(tmp_path / "en-GB.json", ["what are the waves doing"])
    with _client(with_model(pki, path)) as http:
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == ["en-GB"] and info["locale"] == "en-GB"
        # Opened by the file's invocation name: "open the skill" would not open it.
        assert info["examples"] == ["open light house", "what are the waves doing", "help", "stop"]
        opened = turn(http, text="open light house", locale="en-GB")
        assert opened["turn"]["understood"]["kind"] == "launch"
        said = turn(http, text="what are the waves doing", locale="en-GB")["turn"]
        assert said["understood"]["intent"] == "SeaWeather"
        assert said["understood"]["exact"] is True
        assert said["exchanges"][0]["envelope"]["request"]["locale"] == "en-GB"
        # A locale the file has no model for is refused with the reason.
        refused = http.post(
            "/_simulator/api/turn",
            json={"simulation": ID, "action": "say", "text": "hi", "locale": "en-US"},
        )
        assert refused.status_code == 400
        assert refused.json()["error"] == (f"locale: 'en-US' has no model in {path}; one of en-GB")


def test_an_edited_model_file_is_read_again_on_the_next_turn(pki: TestPKI, tmp_path: Path) -> None:
    # Edit the model while the server runs, say it again: no restart (nor --reload) needed.
    path = model_file(tmp_path / "en-US.json", ["what are the waves doing"])
    with _client(with_model(pki, path)) as http:
        said = turn(http, text="how big is the swell")["turn"]
        assert said["understood"]["exact"] is False
        model_file(path, ["what are the waves doing", "how big is the swell"])
        later = path.stat().st_mtime_ns + 2_000_000_000  # a new time, on any file system's clock
        os.utime(path, ns=(later, later))
        said = turn(http, text="how big is the swell")["turn"]
        assert said["understood"]["intent"] == "SeaWeather" and said["understood"]["exact"]
        path.write_text(
            "{not json", encoding="utf-8"
        )  # broken mid-session: the turn says why, nothing crashes
        os.utime(path, ns=(later + 10**9, later + 10**9))
        refused = http.post(
            "/_simulator/api/turn",
            json={"simulation": ID, "action": "say", "text": "hi", "locale": "en-US"},
        )
        assert refused.status_code == 400 and "not JSON" in refused.json()["error"]
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == ["en-US"]


def test_a_model_directory_offers_each_of_its_locales(pki: TestPKI, tmp_path: Path) -> None:
    # The ASK CLI's interactionModels/custom: a file a locale, others (notes.json) left alone.
    model_file(tmp_path / "en-US.json", ["how rough is the water"])
    model_file(tmp_path / "en-AU.json", ["how is the swell"], invocation="the lighthouse")
    (tmp_path / "notes.json").write_text("{}", encoding="utf-8")
    with _client(with_model(pki, tmp_path)) as http:
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == ["en-AU", "en-US"] and info["locale"] == "en-US"
        said = turn(http, text="how rough is the water")["turn"]
        assert said["understood"]["exact"] is True
        moved = turn(http, "configure", locale="en-AU")
        assert moved["notes"] == ["now speaking en-AU", "a new session"]
        said = turn(http, text="ask the lighthouse how is the swell", locale="en-AU")["turn"]
        assert said["understood"]["intent"] == "SeaWeather"
        assert said["understood"]["exact"] is True
        assert said["exchanges"][0]["envelope"]["request"]["locale"] == "en-AU"


def test_a_model_file_named_after_no_locale_serves_every_locale(
    pki: TestPKI, tmp_path: Path
) -> None:
    from alexaskill.understanding import supported_locales

    path = model_file(tmp_path / "model.json", ["what are the waves doing"])
    with _client(with_model(pki, path)) as http:
        info = http.get("/_simulator/api/info").json()
        assert info["locales"] == list(supported_locales()) and info["locale"] == "en-US"
        said = turn(http, text="what are the waves doing", locale="en-IN")["turn"]
        assert said["understood"]["exact"] is True


def test_a_model_that_cannot_serve_is_refused_before_any_skill_trusts_the_key(
    pki: TestPKI, tmp_path: Path
) -> None:
    from starlette.applications import Starlette

    from alexaskill import Skill
    from alexaskill.simulator import with_simulator

    skill = load_object(f"{SKILL_FILE}:skill")
    verifier = skill.verifier
    model_file(tmp_path / "fr-FR.json", ["quel temps fait-il en mer"])
    model_file(tmp_path / "ok.json", ["what are the waves doing"])
    (tmp_path / "nothing").mkdir()
    two = Starlette(routes=[skill.mount("/a"), Skill(OTHER_SKILL_ID).mount("/b")])
    cases = [
        (skill, tmp_path / "missing.json", "missing.json: no such file or directory"),
        # (a name too long for a file raised OSError, ENAMETOOLONG, then was "no such file or
        # directory", echoed whole: said as the CLI says it, the name cut)
        (skill, tmp_path / ("a" * 300), f"…{'a' * 30} (3"),
        (skill, tmp_path / ("a" * 300), "characters): File name too long"),
        (skill, tmp_path / "fr-FR.json", "fr-FR.json: a model for fr-FR, not a locale understood"),
        (skill, tmp_path / "nothing", "nothing: no <locale>.json model files"),
        (two, tmp_path / "ok.json", "one skill's, and this app serves 2 (/a/, /b/)"),
    ]
    for app, path, reason in cases:
        with pytest.raises(ValueError, match=re.escape(reason)):
            with_simulator(app, pki=pki, model=path)
    assert skill.verifier is verifier  # refused before the development key was trusted


@pytest.mark.parametrize(
    ("option", "value", "error", "said"),
    [
        # model=5 said "expected str, bytes or os.PathLike object, not int"; a model's JSON (as
        # TestClient takes it) the same; "" read the current directory ("."); api=5 was taken,
        # and pki=5 raised AttributeError ("'int' object has no attribute 'cert_url'").
        ("model", 5, TypeError, r"^with_simulator\(model=\.\.\.\) is an ASK CLI model file"),
        ("model", {"interactionModel": {}}, TypeError, r"write its JSON to a <locale>\.json"),
        ("model", b"m.json", TypeError, r"not b'm\.json'"),
        ("model", "", ValueError, r"^with_simulator\(model=''\): no file named"),
        ("api", 5, TypeError, r"^with_simulator\(api=\.\.\.\) is a FakeAlexaApi, not 5"),
        ("pki", 5, TypeError, r"^with_simulator\(pki=\.\.\.\) is a TestPKI, not 5"),
    ],
)
def test_with_simulator_says_what_to_pass_for_an_option_it_cannot_take(
    pki: TestPKI, option: str, value: Any, error: type[Exception], said: str
) -> None:
    from alexaskill.simulator import with_simulator

    skill = load_object(f"{SKILL_FILE}:skill")
    verifier = skill.verifier
    with pytest.raises(error, match=said):
        with_simulator(skill, **{"pki": pki, option: value})
    assert skill.verifier is verifier  # refused before the development key was trusted


def test_serve_model_needs_dev_and_reports_a_broken_file_at_start(
    dev_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alexaskill.cli import UsageError, main
    from alexaskill.simulator import SimulatorApp

    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
    good = model_file(tmp_path / "en-US.json", ["what are the waves doing"])
    with pytest.raises(UsageError, match="--model is the simulator's: add --dev"):
        _prepare("skill", load_object(f"{SKILL_FILE}:skill"), False, None, str(good))
    app = _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None, str(good))
    assert isinstance(app, SimulatorApp) and app.simulator.model == good
    broken = tmp_path / "en-GB.json"
    broken.write_text(
        '{"interactionModel": {"languageModel": {"intents": "many"}}}', encoding="utf-8"
    )
    with pytest.raises(UsageError, match=r"^--model: .*en-GB\.json"):
        _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None, str(broken))
    with pytest.raises(UsageError, match="no such file or directory"):
        _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None, str(tmp_path / "x"))
    # The command line refuses --model without --dev before it starts any server.
    out, err = io.StringIO(), io.StringIO()
    code = main(["serve", f"{SKILL_FILE}:skill", "--model", str(good)], stdout=out, stderr=err)
    assert code == 2 and "--model is the simulator's: add --dev" in err.getvalue()


def test_serve_says_a_model_that_cannot_serve_by_its_name_and_why(
    pki: TestPKI, dev_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # serve put "--model " before with_simulator's message, as if it started with the path:
    # "--model a model file is one skill's, …" and "--model with_simulator(model=''): …".
    from starlette.applications import Starlette

    from alexaskill import Skill
    from alexaskill.cli import UsageError

    monkeypatch.setenv(DEV_PKI_ENV, str(dev_dir))
    good = str(model_file(tmp_path / "en-US.json", ["what are the waves doing"]))
    skill = load_object(f"{SKILL_FILE}:skill")
    two = Starlette(routes=[skill.mount("/a"), Skill(OTHER_SKILL_ID).mount("/b")])
    reason = "a model file is one skill's, and this app serves 2 (/a/, /b/)"
    with pytest.raises(UsageError, match=f"^--model {re.escape(good)}: {re.escape(reason)}$"):
        _prepare("app", two, True, None, good)
    with pytest.raises(UsageError, match=r"^--model: no file named$"):
        _prepare("skill", load_object(f"{SKILL_FILE}:skill"), True, None, "")
    # A ValueError still, its path and its reason apart, its message both; in the one tree of
    # alexaskill's errors, below SkillError itself (it was a bare ValueError). No TypeError,
    # which with_simulator raises for an option of the wrong kind: a ConfigurationError (a
    # TypeError) it was, and `except TypeError` around with_simulator took a file for one.
    from alexaskill.exceptions import ConfigurationError, SkillError
    from alexaskill.simulator import ModelFileError, with_simulator

    with pytest.raises(ModelFileError) as raised:
        with_simulator(two, pki=pki, model=good)
    assert isinstance(raised.value, ValueError) and isinstance(raised.value, SkillError)
    assert not isinstance(raised.value, TypeError | ConfigurationError)
    assert (raised.value.path, raised.value.reason) == (good, reason)
    assert str(raised.value) == f"{good}: {reason}"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("m/en-US.json", "no such file or directory"), {}),
        (("", "no file named"), {"said": "with_simulator(model='')"}),
    ],
)
def test_a_model_file_error_is_copied_and_pickled_whole(
    args: tuple[str, str], said: dict[str, str]
) -> None:
    # It was a ValueError of its message alone, which copy and pickle remake; a ModelFileError
    # remade from its message (BaseException's args) failed: "missing 1 required positional
    # argument: 'reason'", where a process pool sends an exception back.
    import copy
    import pickle

    from alexaskill.simulator import ModelFileError

    error = ModelFileError(*args, **said)
    error.add_note("a note")
    for remade in (copy.copy(error), pickle.loads(pickle.dumps(error))):
        assert type(remade) is ModelFileError
        assert (remade.path, remade.reason, str(remade)) == (*args, str(error))
        assert remade.__notes__ == ["a note"]


def test_a_model_file_with_a_byte_order_mark(pki: TestPKI, tmp_path: Path) -> None:
    # As a Windows editor saves it (and as chat --model reads it): it was "not JSON".
    path = model_file(tmp_path / "en-GB.json", ["what are the waves doing"])
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with _client(with_model(pki, path)) as http:
        said = turn(http, text="what are the waves doing", locale="en-GB")["turn"]
        assert said["understood"]["intent"] == "SeaWeather"


def test_each_turn_names_the_examples_of_the_skill_and_locale_it_talks_to(
    pki: TestPKI, tmp_path: Path
) -> None:
    # /api/info named what to try for the first skill in the first locale only: the page kept
    # offering the first skill's samples once the user chose another skill, and the first
    # locale's invocation name in another locale.
    from starlette.applications import Starlette

    from alexaskill import Skill, speak
    from alexaskill.simulator import with_simulator

    lighthouse = load_object(f"{SKILL_FILE}:skill")
    other = Skill(OTHER_SKILL_ID)
    other.intent("Hello", utterances=["say hello"])(lambda: speak("Hello from the other skill."))
    app = Starlette(routes=[lighthouse.mount("/lighthouse"), other.mount("/other")])
    with _client(with_simulator(app, pki=pki)) as http:
        first = turn(http, text="ask the lighthouse how is the sea")
        assert first["state"]["examples"][:2] == ["open the skill", "how is the sea"]
        moved = turn(http, action="configure", skill=1)
        assert moved["state"]["examples"] == ["open the skill", "say hello", "help", "stop"]
    directory = tmp_path / "custom"
    directory.mkdir()
    model_file(directory / "en-US.json", ["how is the sea"])
    model_file(directory / "en-GB.json", ["how is the sea"], invocation="sea light")
    with _client(with_model(pki, directory)) as http:
        spoken_in = turn(http, action="configure", locale="en-GB")
        assert spoken_in["state"]["examples"][0] == "open sea light"
