"""A skill using the AudioPlayer interface: AMAZON.PauseIntent and ResumeIntent, AUDIO_PLAYER.

Amazon's "AudioPlayer Interface Reference": a skill that uses the interface declares it
(AUDIO_PLAYER, in the manifest's interfaces) and must have AMAZON.PauseIntent and
AMAZON.ResumeIntent in its model, and handle them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.directives import AudioPlayer
from alexaskill.interaction import build_interaction_model, model_warnings
from alexaskill.understanding import InteractionModel, check_model

from .cli_run import run
from .conftest import SKILL_ID

REQUIRED = [
    "AMAZON.CancelIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
]


def radio(*, pause: bool = False, event: str = "AudioPlayer.PlaybackStarted") -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent("PlayRadio", utterances=["play the radio"])
    def play() -> Response:
        return speak("Here it is.", directives=[AudioPlayer.Play("https://r.example/s.mp3", "r")])

    @skill.on(event)
    def started() -> None:
        return None

    if pause:

        @skill.intent("AMAZON.PauseIntent")
        def paused() -> Response:
            return Response(directives=[AudioPlayer.Stop()])

    return skill


def intent_names(skill: Skill) -> list[str]:
    built = build_interaction_model(skill, locale="en-US", invocation="radio helper")
    return [intent["name"] for intent in built["interactionModel"]["languageModel"]["intents"]]


@pytest.mark.parametrize(
    "event", ["AudioPlayer.PlaybackStarted", "PlaybackController.PauseCommandIssued"]
)
def test_the_model_of_an_audio_skill_has_pause_and_resume(event: str) -> None:
    names = intent_names(radio(event=event))
    assert "AMAZON.PauseIntent" in names
    assert "AMAZON.ResumeIntent" in names
    plain = Skill(SKILL_ID)
    assert intent_names(plain) == REQUIRED


def test_an_audio_skill_without_pause_and_resume_handlers_is_warned() -> None:
    warnings = [w for w in model_warnings(radio()) if "AudioPlayer" in w]
    assert warnings == [
        "the skill uses the AudioPlayer interface (it handles AudioPlayer.PlaybackStarted): "
        "Amazon requires it to handle AMAZON.PauseIntent and AMAZON.ResumeIntent, which it "
        'does not (AMAZON.PauseIntent, AMAZON.ResumeIntent); users who say "pause" while it '
        'plays would hear "Sorry, I can\'t help with that." instead of the stream stopping '
        "(answer it with AudioPlayer.Stop)"
    ]
    (warning,) = [w for w in model_warnings(radio(pause=True)) if "AudioPlayer" in w]
    assert "which it does not (AMAZON.ResumeIntent)" in warning
    assert not [w for w in model_warnings(Skill(SKILL_ID)) if "AudioPlayer" in w]


def test_a_catch_all_intent_handler_handles_pause_and_resume() -> None:
    skill = radio()

    @skill.on("IntentRequest")
    def anything() -> Response:
        return speak("ok")

    assert not [w for w in model_warnings(skill) if "AudioPlayer" in w]
    with_fallback = radio()
    with_fallback.fallback(anything)
    assert not [w for w in model_warnings(with_fallback) if "AudioPlayer" in w]


def plain_model() -> InteractionModel:
    intents = [{"name": name, "samples": []} for name in REQUIRED]
    language = {"invocationName": "radio helper", "intents": intents, "types": []}
    return InteractionModel.from_json({"interactionModel": {"languageModel": language}})


def test_check_model_requires_pause_and_resume_of_an_audio_skill() -> None:
    assert check_model(plain_model()) == []
    findings = check_model(plain_model(), audio_player="its manifest declares AUDIO_PLAYER")
    assert [str(finding) for finding in findings] == [
        f"error: the model lacks {name}, which Amazon requires of a skill using the AudioPlayer "
        "interface (its manifest declares AUDIO_PLAYER)"
        for name in ("AMAZON.PauseIntent", "AMAZON.ResumeIntent")
    ]


# --- the command ---------------------------------------------------------------------------------


def skill_package(tmp_path: Path, interfaces: list[dict[str, Any]]) -> Path:
    """The ASK CLI's layout: skill-package/skill.json and interactionModels/custom/en-US.json."""
    package = tmp_path / "skill-package"
    models = package / "interactionModels" / "custom"
    models.mkdir(parents=True)
    manifest = {"manifest": {"apis": {"custom": {"endpoint": {}, "interfaces": interfaces}}}}
    (package / "skill.json").write_text(json.dumps(manifest), encoding="utf-8")
    intents = [{"name": name, "samples": []} for name in REQUIRED]
    language = {"invocationName": "radio helper", "intents": intents, "types": []}
    path = models / "en-US.json"
    path.write_text(json.dumps({"interactionModel": {"languageModel": language}}), encoding="utf-8")
    return path


def test_check_a_model_file_whose_manifest_declares_audio_player(tmp_path: Path) -> None:
    path = skill_package(tmp_path, [{"type": "AUDIO_PLAYER"}])
    code, out, _ = run("model", "--check", str(path))
    assert code == 1
    assert out.startswith(
        "error: the model lacks AMAZON.PauseIntent, which Amazon requires of a skill using the "
        f"AudioPlayer interface ({tmp_path / 'skill-package' / 'skill.json'} declares "
        "AUDIO_PLAYER)\n"
    )
    path = skill_package(tmp_path / "other", [{"type": "RENDER_TEMPLATE"}])
    code, out, _ = run("model", "--check", str(path))
    assert code == 0, out


@pytest.fixture
def radio_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    (tmp_path / "radio_app.py").write_text(
        "from alexaskill import Skill, speak\n"
        f"skill = Skill({SKILL_ID!r})\n"
        "@skill.intent('PlayRadio', utterances=['play the radio'])\n"
        "def play():\n"
        "    return speak('here')\n"
        "@skill.on('AudioPlayer.PlaybackStarted')\n"
        "def started():\n"
        "    return None\n",
        encoding="utf-8",
    )
    yield
    sys.modules.pop("radio_app", None)


@pytest.mark.usefixtures("radio_module")
def test_check_an_audio_app_against_its_manifest(tmp_path: Path) -> None:
    package = skill_package(tmp_path, [{"type": "RENDER_TEMPLATE"}]).parents[2]
    manifest = str(package / "skill.json")
    code, out, _ = run("model", "radio_app:skill", "--check", "--manifest", manifest)
    assert code == 1
    assert out.startswith(
        "error: the skill uses the AudioPlayer interface (it handles "
        f"AudioPlayer.PlaybackStarted), but {manifest} does not declare it: add "
        '{"type": "AUDIO_PLAYER"} to manifest.apis.custom.interfaces\n'
    )
    (package / "skill.json").write_text(
        json.dumps({"manifest": {"apis": {"custom": {"interfaces": [{"type": "AUDIO_PLAYER"}]}}}}),
        encoding="utf-8",
    )
    code, out, _ = run("model", "radio_app:skill", "--check", "--manifest", manifest)
    assert code == 0, out
    assert "does not declare" not in out and "--manifest" not in out


@pytest.mark.usefixtures("radio_module")
def test_check_an_audio_app_without_its_manifest_says_how(tmp_path: Path) -> None:
    code, out, _ = run("model", "radio_app:skill", "--check")
    assert code == 0
    assert (
        "warning: the skill uses the AudioPlayer interface (it handles "
        "AudioPlayer.PlaybackStarted): its manifest (skill-package/skill.json, which alexaskill "
        "does not write) must declare it, manifest.apis.custom.interfaces: "
        '[{"type": "AUDIO_PLAYER"}]; check it with --manifest skill-package/skill.json\n'
    ) in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "--manifest nowhere.json: no such file"),
        ("{nope", "--manifest nowhere.json: not JSON"),
        ('{"manifest": {"apis": {"custom": {"interfaces": "AUDIO_PLAYER"}}}}', "not a list"),
    ],
)
def test_a_manifest_that_cannot_be_read_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: str | None, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    if content is not None:
        (tmp_path / "nowhere.json").write_text(content, encoding="utf-8")
    model_file = skill_package(tmp_path, [])
    code, _, err = run("model", "--check", str(model_file), "--manifest", "nowhere.json")
    assert code == 2
    assert message in err


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"{nope", "not JSON ("),
        (b'{"manifest": "\xff"}', "not UTF-8 text"),
        (b'{"manifest": {}}', "not a skill manifest (no manifest.apis.custom)"),
        (
            b'{"manifest": {"apis": {"custom": {"interfaces": "AUDIO_PLAYER"}}}}',
            "manifest.apis.custom.interfaces is not a list",
        ),
        (
            b'{"manifest": {"apis": {"custom": {"interfaces": [{"type": "A", "type": "B"}]}}}}',
            "'type' is given twice in manifest.apis.custom.interfaces[0]",
        ),
    ],
)
def test_a_manifest_found_beside_the_model_is_named_as_found_not_as_an_option(
    tmp_path: Path, content: bytes, said: str
) -> None:
    # model --check reads the ASK CLI's skill-package/skill.json beside a model file by itself;
    # a mistake in it was said "--manifest …/skill.json: …", an option the user never gave.
    path = skill_package(tmp_path, [])
    manifest = tmp_path / "skill-package" / "skill.json"
    manifest.write_bytes(content)
    code, out, err = run("model", "--check", str(path))
    assert (code, out) == (2, ""), err
    assert err.startswith(f"alexaskill model: error: {manifest}: {said}"), err
    assert "--manifest" not in err, err


def test_the_podcast_example_passes_the_check() -> None:
    code, out, _ = run(
        "model", "examples.podcast.app:skill", "--check", "--invocation", "daily podcast"
    )
    assert code == 0, out
    assert "AudioPlayer" in out  # the reminder about its manifest


def test_a_manifest_beginning_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Windows editors save skill.json with one, as they save the model file (read since
    # 3b42c92): the manifest found beside the model was "not JSON", and model --check failed.
    path = skill_package(tmp_path, [{"type": "AUDIO_PLAYER"}])
    manifest = tmp_path / "skill-package" / "skill.json"
    manifest.write_bytes(b"\xef\xbb\xbf" + manifest.read_bytes())
    code, out, err = run("model", "--check", str(path))
    assert (code, err) == (1, "")
    assert "lacks AMAZON.PauseIntent" in out and "declares AUDIO_PLAYER" in out
