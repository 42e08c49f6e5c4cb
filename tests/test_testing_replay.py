"""The test toolkit's replay: sample request files sent again, fresh, to a skill."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from alexaskill import IntentRequest, Request, Response, Skill, speak
from alexaskill.app import APOLOGY
from alexaskill.testing import RequestFactory, TestClient, load_request
from tests.conftest import OTHER_SKILL_ID, SKILL_ID
from tests.recording_skill import recording_skill

pytestmark = pytest.mark.oldest_dependencies

FIXTURES = Path(__file__).parent / "fixtures" / "requests"
SAMPLES = sorted(FIXTURES.glob("*.json"))
#: How a request without context.System.application, where replay sets the id, is refused.
NO_CONTEXT_APPLICATION = (
    "request names no application id (context.System.application missing or null)"
)


# --- replaying sample requests -------------------------------------------------------------------


def test_every_fixture_replays_to_a_skill_with_a_fallback() -> None:
    skill = Skill(SKILL_ID)
    types: list[str] = []

    @skill.fallback
    def fallback(request: Request) -> None:
        types.append(request.type)

    with TestClient(skill) as client:
        for path in SAMPLES:
            before = len(types)
            result = client.replay(path)
            if "context" not in load_request(path):  # (Legacy2015: before Alexa sent one)
                assert result.json == {"error": NO_CONTEXT_APPLICATION}, path.name
                continue
            assert result.status_code == 200, (path.name, result.json)
            assert result.json["version"] == "1.0"
            assert result.speech != APOLOGY, path.name
            if len(types) > before:  # the framework may answer some types itself
                assert types[-1] == load_request(path)["request"]["type"], path.name
    assert len(SAMPLES) >= 40
    assert len(types) >= len(SAMPLES) - 5


def test_replay_makes_the_timestamp_fresh_and_sets_the_skill_id() -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("GetWeather")
    def when(request: IntentRequest) -> Response:
        return speak(str(request.timestamp))

    envelope = load_request(FIXTURES / "IntentRequest.GetWeather.json")
    envelope["request"]["timestamp"] = "2015-05-13T12:34:56Z"
    with TestClient(skill) as client:
        answered = client.replay(envelope)
        assert answered.status_code == 200
        said = datetime.datetime.fromisoformat(answered.speech or "")
        assert abs(said - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=1)
        # The file names another skill: kept as it is, the skill refuses it.
        kept = client.replay(envelope, keep_skill_id=True)
        assert kept.status_code == 400
        assert kept.error == "request is for another skill"
        assert client.replay(envelope, skill_id=OTHER_SKILL_ID).status_code == 400
    # The envelope given is left as it was.
    assert envelope["request"]["timestamp"] == "2015-05-13T12:34:56Z"


def test_replay_can_change_the_locale_and_leaves_the_conversation_alone() -> None:
    skill, seen = recording_skill()
    sample = RequestFactory(skill_id=OTHER_SKILL_ID).intent("Count")
    with TestClient(skill) as client:
        client.intent("Count")
        client.replay(sample, locale="de-DE")
        assert seen[-1]["locale"] == "de-DE"
        assert seen[-1]["id"] == sample["session"]["sessionId"]
        client.intent("Count")
    assert seen[2]["id"] == seen[0]["id"]
    assert seen[2]["new"] is False


def test_a_request_file_beginning_with_a_byte_order_mark_is_replayed(tmp_path: Path) -> None:
    # alexaskill replay takes one (a Windows editor's); client.replay("launch.json") and
    # load_request raised JSONDecodeError ("Unexpected UTF-8 BOM").
    path = tmp_path / "launch.json"
    path.write_bytes(b"\xef\xbb\xbf" + (FIXTURES / "IntentRequest.GetWeather.json").read_bytes())
    assert load_request(path)["request"]["intent"]["name"] == "GetWeather"


def test_a_request_file_larger_than_the_commands_cap_is_refused_unread(tmp_path: Path) -> None:
    # load_request read a file whole, with no cap: a log or a disk image named by mistake was
    # read into memory (and /dev/zero never ended), where `alexaskill replay` stops at 16 MiB.
    from alexaskill.cli.common import MAX_INPUT_BYTES

    envelope = (FIXTURES / "IntentRequest.GetWeather.json").read_bytes()
    path = tmp_path / "huge.json"
    with path.open("wb") as file:  # (sparse: no 16 MiB written)
        file.write(envelope)
        file.truncate(MAX_INPUT_BYTES + 1)
    with pytest.raises(ValueError) as raised:
        load_request(path)
    # (said as `alexaskill replay` says it: "(not read whole)" was load_request's alone)
    assert str(raised.value) == f"{path}: larger than 16 MiB, too large for a request file"
    at_most = tmp_path / "padded.json"  # (the cap itself is taken, as the CLI takes it)
    at_most.write_bytes(envelope + b" " * (MAX_INPUT_BYTES - len(envelope)))
    assert load_request(at_most)["request"]["intent"]["name"] == "GetWeather"


def test_replay_of_an_envelope_without_a_request_names_no_whole_envelope() -> None:
    # The ValueError began with the whole envelope given (its tokens, user id, all of it).
    envelope = {"version": "1.0", "session": {"user": {"accessToken": "secret-token"}}}
    with pytest.raises(ValueError) as raised:
        load_request(envelope)
    assert str(raised.value) == (
        "the envelope given: not an Alexa request envelope (no 'request' object)"
    )


def test_replay_takes_keep_skill_id_or_skill_id_not_both() -> None:
    # replay(keep_skill_id=True, skill_id=...) sent the file's id and ignored skill_id
    # without a word (`alexaskill replay` refuses the pair of options).
    skill = Skill(SKILL_ID)
    envelope = RequestFactory(skill_id=SKILL_ID).envelope("LaunchRequest")
    match = "keep_skill_id=True or skill_id=, not both"
    with TestClient(skill) as client, pytest.raises(ValueError, match=match):
        client.replay(envelope, keep_skill_id=True, skill_id=SKILL_ID)
