"""What the test client collects of the app's rule checks, whatever the logging configuration.

The app logs each `RuleViolation` and each directive dropped for the device on the
``alexaskill`` logger; the test client must see them even where a test, a conftest or the skill
has quietened or disabled that logger, or logging altogether: otherwise tests pass that should
fail.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import pytest

from alexaskill import Skill, rules
from alexaskill.directives import APL, AudioPlayer
from alexaskill.exceptions import RuleViolation
from alexaskill.models import decode_envelope
from alexaskill.responses import Response, speak
from alexaskill.testing import RequestFactory, TestClient
from alexaskill.testing.violations import recording_violations

from .conftest import SKILL_ID
from .in_threads import ended
from .logger_state import alexaskill_logger_kept

URL = "https://cdn.example.com/podcast/episode-42.mp3"
DOCUMENT = {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}}
RENDER = "Alexa.Presentation.APL.RenderDocument"


def _skill() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.on("AudioPlayer.PlaybackStarted")
    def started() -> Response:
        return speak("Enjoy!")  # Alexa takes no speech here: a rule violation

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.", directives=[APL.RenderDocument(DOCUMENT, token="home")])

    return skill


def _disabled(logger: logging.Logger) -> None:
    logger.disabled = True


def _quiet(logger: logging.Logger) -> None:
    logger.setLevel(logging.CRITICAL)


def _filtered(logger: logging.Logger) -> None:
    logger.addFilter(lambda record: False)


def _propagating_nowhere(logger: logging.Logger) -> None:
    logger.propagate = False


def _everything_disabled(logger: logging.Logger) -> None:
    logging.disable(logging.CRITICAL)


@pytest.fixture(
    params=[_disabled, _quiet, _filtered, _propagating_nowhere, _everything_disabled],
    ids=["disabled", "level-critical", "filtered", "no-propagation", "logging.disable"],
)
def silenced(request: pytest.FixtureRequest) -> Iterator[Callable[[], None]]:
    """Silence the ``alexaskill`` logger as a test, a conftest or a skill might (undone after)."""
    disabled = logging.root.manager.disable
    with alexaskill_logger_kept() as logger:

        def silence() -> None:
            request.param(logger)

        yield silence
    logging.disable(disabled)


def test_a_violation_fails_the_test_whatever_the_logging(silenced: Callable[[], None]) -> None:
    with TestClient(_skill()) as client:
        client.player.token = "ep-42"
        silenced()
        with pytest.raises(RuleViolation) as raised:
            client.audio_event("PlaybackStarted")
    assert raised.value.dropped == ("outputSpeech",)


def test_violations_and_drops_are_on_the_result_whatever_the_logging(
    silenced: Callable[[], None],
) -> None:
    with TestClient(_skill(), raise_handler_errors=False) as client:
        silenced()
        launched = client.launch()  # a speaker: the APL document is dropped for it
        started = client.audio_event("PlaybackStarted", token="ep-42")
    assert launched.unsupported == (RENDER,) and launched.speech == "Welcome."
    [violation] = started.violations
    assert violation.request_type == "AudioPlayer.PlaybackStarted"
    assert started.json["response"] == {}


def test_production_logs_as_before_and_the_client_sees_the_same_violation(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="alexaskill"),
        TestClient(_skill(), raise_handler_errors=False) as client,
    ):
        caplog.clear()  # the start's warning: an audio skill without AMAZON.PauseIntent
        launched = client.launch()
        started = client.audio_event("PlaybackStarted", token="ep-42")
    drop_record, violation_record = (
        r for r in caplog.records if r.name == "alexaskill" and r.levelno >= logging.WARNING
    )
    assert drop_record.levelno == logging.WARNING
    assert drop_record.unsupported_directives.directives == (RENDER,)  # type: ignore[attr-defined]
    assert launched.unsupported == (RENDER,)
    assert violation_record.levelno == logging.ERROR
    assert started.violations == (violation_record.rule_violation,)  # type: ignore[attr-defined]


def test_check_reply_outside_a_collection_only_logs(caplog: pytest.LogCaptureFixture) -> None:
    envelope = RequestFactory().envelope("AudioPlayer.PlaybackStarted", token="ep-42")
    with caplog.at_level(logging.ERROR, logger="alexaskill"):
        rules.check_reply(speak("Enjoy!"), decode_envelope(json.dumps(envelope)))
    [record] = caplog.records
    assert isinstance(record.rule_violation, RuleViolation)  # type: ignore[attr-defined]


def test_a_collection_hears_only_the_checks_of_its_own_context() -> None:
    # A check made meanwhile elsewhere (another thread: a server answering, another test's
    # client) is not the test's; nested collections each hear their own checks.
    import threading

    envelope = decode_envelope(
        json.dumps(RequestFactory().envelope("AudioPlayer.PlaybackStarted", token="ep-42"))
    )
    reply = Response(directives=(AudioPlayer.Play(URL, "ep-43"),))
    with recording_violations() as outer:
        rules.check_reply(reply, envelope)
        elsewhere = threading.Thread(
            target=rules.check_reply, args=(speak("Hi"), envelope), daemon=True
        )
        elsewhere.start()
        ended(elsewhere)
        with recording_violations() as inner:
            rules.check_reply(speak("Enjoy!"), envelope)
    assert [v.dropped for v in outer] == [("AudioPlayer.Play",)]
    assert [v.dropped for v in inner] == [("outputSpeech",)]


def test_the_clients_note_is_added_once_to_an_exception_raised_again() -> None:
    # A handler raising the same exception instance on each request: each failure_to_raise
    # added the client's note again, and the traceback repeated it once per request.
    skill = Skill(skill_id=RequestFactory().skill_id)
    same = RuntimeError("the same instance")

    @skill.launch
    def launch() -> Response:
        raise same

    client = TestClient(skill)
    for _ in range(3):
        with pytest.raises(RuntimeError) as raised:
            client.launch()
        assert raised.value is same
    notes = getattr(same, "__notes__", [])
    assert len(notes) == 1, notes
    assert notes[0].startswith("(raised by alexaskill's TestClient")
