"""The ASGI app end to end: the skill id check (every application id a request names, the ids a
skill is given, the sample requests); all signed."""

from __future__ import annotations

import copy
import inspect
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Response, Skill, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.testing import TestClient
from tests.app_shared import make_skill

from .conftest import OTHER_SKILL_ID, SKILL_ID

pytestmark = pytest.mark.oldest_dependencies


def test_another_skills_id_gets_400() -> None:
    skill = make_skill()
    with TestClient(skill, skill_id=OTHER_SKILL_ID) as client:
        result = client.launch()
        assert result.status_code == 400
        assert result.error == "request is for another skill"


def test_a_refusal_for_another_skill_logs_the_id_the_request_named(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Application ids are no user data: the log says which skill the request was for.
    with (
        caplog.at_level(logging.WARNING, "alexaskill"),
        TestClient(make_skill(), skill_id=OTHER_SKILL_ID) as client,
    ):
        assert client.launch().error == "request is for another skill"
    [warning] = [r.getMessage() for r in caplog.records if "refused request" in r.getMessage()]
    assert OTHER_SKILL_ID in warning and SKILL_ID in warning


@pytest.mark.parametrize("given", [SKILL_ID + "\n", " " + SKILL_ID, f"\t{SKILL_ID} "])
def test_skill_ids_lose_surrounding_whitespace(given: str) -> None:
    # Kept whole, they refused every real request as "for another skill".
    skill = Skill(given)
    assert skill.skill_ids == frozenset((SKILL_ID,))
    skill.launch(lambda: speak("hi"))
    with TestClient(skill) as client:
        assert client.launch().speech == "hi"


@pytest.mark.parametrize(
    "given",
    [
        f"{SKILL_ID},{OTHER_SKILL_ID}",
        f"{SKILL_ID};{OTHER_SKILL_ID}",
        f"{SKILL_ID} {OTHER_SKILL_ID}",
        "amzn1.ask.skill.<your-skill-id>",
        [SKILL_ID, f"{OTHER_SKILL_ID}\n{SKILL_ID}"],
    ],
)
def test_skill_ids_that_cannot_be_an_id_are_refused(given: str | list[str]) -> None:
    with pytest.raises(ConfigurationError, match="not an application id"):
        Skill(given)


@pytest.mark.parametrize(
    "given", ["amzn1.ask.skill.…", "amzn1.ask.skill....", "amzn1.ask.skill.", "amzn1.ask.skill"]
)
def test_the_documents_placeholder_copied_is_refused(given: str) -> None:
    # The README writes Skill("amzn1.ask.skill.…") (and ran blocks with "amzn1.ask.skill...."):
    # copied as it is, it was taken, the skill's tests passed (the test client sends the
    # skill's own id) and every request from Alexa was refused with HTTP 400.
    with pytest.raises(ConfigurationError, match=r"placeholder.*developer console"):
        Skill(given)


@pytest.mark.parametrize(
    "given",
    [
        "amzn1.ask.skill.89751fb9-1ee0-4c3e-8b1b-8b5e4d2e3f4a",
        "amzn1.echo-sdk-ams.app.000000-d0ed-0000-ad00-000000d00ebe",
        "amzn1.ask.skill.other",  # made up on purpose: what a skill author's tests may use
    ],
)
def test_skill_ids_in_amazons_formats_are_accepted(given: str) -> None:
    # Control: passes on the old code too.
    assert Skill(given).skill_ids == frozenset((given,))


def test_session_and_context_ids_must_both_match() -> None:
    with TestClient(make_skill()) as client:
        envelope = client.factory.envelope("LaunchRequest")
        envelope["session"]["application"]["applicationId"] = OTHER_SKILL_ID
        assert client.send_envelope(envelope).status_code == 400


def test_skill_id_check_reads_every_application_id() -> None:
    from alexaskill.exceptions import SkillIdError
    from alexaskill.models import Application, Context, Envelope, LaunchRequest, Session, System

    skill = Skill(SKILL_ID)

    def envelope(context_id: str | None, session_id: str | None) -> Envelope:
        context = (
            None
            if context_id is None
            else Context(system=System(application=Application(application_id=context_id)))
        )
        session = (
            None
            if session_id is None
            else Session(application=Application(application_id=session_id))
        )
        return Envelope(
            request=LaunchRequest(type="LaunchRequest"), context=context, session=session
        )

    for ids in ((SKILL_ID, SKILL_ID), (SKILL_ID, None)):
        skill.check_skill_id(envelope(*ids))
        assert envelope(*ids).application_ids == tuple(i for i in ids if i is not None)
    for ids in (
        (OTHER_SKILL_ID, SKILL_ID),
        (SKILL_ID, OTHER_SKILL_ID),
        (OTHER_SKILL_ID, None),
        (OTHER_SKILL_ID, ""),
    ):
        with pytest.raises(SkillIdError, match=r"^request is for another skill$"):
            skill.check_skill_id(envelope(*ids))
    # The context's id is required: the session's alone (None, SKILL_ID) was taken.
    for bare in (
        envelope(None, None),
        envelope(None, SKILL_ID),
        Envelope(request=LaunchRequest(), context=Context(system=System())),
        Envelope(request=LaunchRequest(), context=Context(), session=Session()),
    ):
        with pytest.raises(SkillIdError) as info:
            skill.check_skill_id(bare)
        assert str(info.value) == NO_CONTEXT_APPLICATION
    Skill("*").check_skill_id(envelope(None, None))  # any skill id: nothing to check


def test_several_skill_ids() -> None:
    skill = Skill([SKILL_ID, OTHER_SKILL_ID])
    skill.launch(lambda: speak("hi"))
    for skill_id in (SKILL_ID, OTHER_SKILL_ID):
        with TestClient(skill, skill_id=skill_id) as client:
            assert client.launch().speech == "hi"


@pytest.mark.parametrize(
    "skill_id",
    [
        "amzn1.ask.skill.*",  # a wildcard, as if ids matched by pattern
        ["amzn1.ask.skill.*", SKILL_ID],
        "amzn1.ask.skill.\x00abc",  # a control character (a value read from a binary file)
        "amzn1.ask.skill.\u200babc",  # a zero-width space, pasted from a web page
    ],
)
def test_an_id_no_request_can_name_is_refused_when_the_skill_is_made(skill_id: Any) -> None:
    # Taken before: every request was then refused at run time (400), the skill never answered.
    with pytest.raises(ConfigurationError, match="is not an application id"):
        Skill(skill_id)


@pytest.mark.parametrize("options", [{}, {"store": "memory://", "verify": True}])
def test_a_skill_made_without_its_id_is_told_where_to_find_it(options: dict[str, Any]) -> None:
    # Python's own "__init__() missing 1 required positional argument: 'skill_id'" named
    # neither the id's form, where the console shows it, nor the setting that gives it.
    with pytest.raises(ConfigurationError) as caught:
        Skill(**options)
    said = str(caught.value)
    assert isinstance(caught.value, TypeError)  # (what Python raised, still caught as before)
    assert said.startswith("Skill() needs the skill's id: Skill('amzn1.ask.skill.…')"), said
    assert "developer console" in said
    assert "Skill(settings_from_env().skill_ids)" in said and "ALEXASKILL_SKILL_ID" in said
    assert "Skill('*')" in said
    # help(Skill) and editors still show its parameters, not the check's (*args, **kwargs).
    assert list(inspect.signature(Skill).parameters)[:2] == ["skill_id", "verify"]


def test_a_subclass_that_gives_the_id_itself_is_made_without_one() -> None:
    class Mine(Skill):
        def __init__(self) -> None:
            super().__init__(SKILL_ID, store="memory://")

    assert Mine().skill_ids == frozenset({SKILL_ID})


def test_a_subclass_with_a_new_of_its_own_is_made_with_its_id() -> None:
    # Its __new__ calls super().__new__(cls), as object's takes no more: the check saw no id
    # there and refused Skill(SKILL_ID) as made without one.
    class Mine(Skill):
        def __new__(cls, *args: Any, **kwargs: Any) -> Mine:
            return super().__new__(cls)

    assert Mine(SKILL_ID, store="memory://").skill_ids == frozenset({SKILL_ID})


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy])
def test_a_skill_copied_is_no_skill_made_without_its_id(copier: Any) -> None:
    # copy (and pickle) remake an object with cls.__new__(cls), its state set after: the check
    # saw no id there and raised "Skill() needs the skill's id".
    skill = Skill(SKILL_ID, store="memory://")
    assert copier(skill).skill_ids == frozenset({SKILL_ID})


@pytest.mark.parametrize(
    "given", [f'"{SKILL_ID}"', f"'{SKILL_ID}'", [SKILL_ID, f'"{OTHER_SKILL_ID}"']]
)
def test_a_quoted_skill_id_is_refused_naming_the_quotes(given: str | list[str]) -> None:
    # docker run --env-file (and systemd's Environment= without quoting rules) keeps the quotes
    # of ALEXASKILL_SKILL_ID="amzn1.ask.skill.…": taken whole, every request was refused at run
    # time as "for another skill".
    with pytest.raises(ConfigurationError, match=r"not an application id.*quotes"):
        Skill(given)


@pytest.mark.parametrize("where", ["context", "session", "both"])
@pytest.mark.parametrize("value", ["", None])
def test_an_empty_or_null_application_id_is_said_to_name_none(where: str, value: Any) -> None:
    # Refused as "request is for another skill", and logged as "...: '', not amzn1...", which
    # sent the developer looking for a mistyped skill id rather than the request's missing one.
    # The reason names the field that came empty (it said "applicationId empty or null", of
    # either): the context's, checked first, else the session's. (TestClient signs it.)
    with TestClient(make_skill()) as client:
        envelope = client.factory.envelope("LaunchRequest")
        if where in ("context", "both"):
            envelope["context"]["System"]["application"]["applicationId"] = value
        if where in ("session", "both"):
            envelope["session"]["application"]["applicationId"] = value
        result = client.send_envelope(envelope)
    assert result.status_code == 400
    field = "session.application" if where == "session" else "context.System.application"
    assert result.error == f"request names no application id ({field}.applicationId empty or null)"


#: How a request without context.System.application is refused (web service and Lambda alike).
NO_CONTEXT_APPLICATION = (
    "request names no application id (context.System.application missing or null)"
)


def _without_context_application(envelope: dict[str, Any], where: str) -> None:
    """``envelope`` with no context.System.application, in the way ``where`` names."""
    if where == "application null":
        envelope["context"]["System"]["application"] = None
    elif where == "application missing":
        del envelope["context"]["System"]["application"]
    elif where == "System null":
        envelope["context"]["System"] = None
    elif where == "context null":
        envelope["context"] = None
    else:
        del envelope["context"]


WITHOUT_CONTEXT_APPLICATION = [
    "application null",
    "application missing",
    "System null",
    "context null",
    "context missing",
]


@pytest.mark.parametrize("where", WITHOUT_CONTEXT_APPLICATION)
def test_a_request_without_context_application_is_refused_whatever_its_session_says(
    where: str,
) -> None:
    # Amazon's pages and SDKs read the skill's id from context.System.application, which every
    # request of Alexa's carries; the session's is checked beside it. A signed request whose
    # context named no skill was answered on the word of its session.application alone.
    with TestClient(make_skill()) as client:
        envelope = client.factory.envelope("LaunchRequest")
        assert envelope["session"]["application"]["applicationId"] == SKILL_ID
        _without_context_application(envelope, where)
        result = client.send_envelope(envelope)
    assert result.status_code == 400
    assert result.json == {"error": NO_CONTEXT_APPLICATION}


@pytest.mark.parametrize("session_id", [OTHER_SKILL_ID, SKILL_ID])
def test_a_session_naming_another_of_the_skills_ids_than_the_context_is_refused(
    session_id: str,
) -> None:
    # A skill serving two ids took a request whose context named one and whose session named
    # the other: each id was checked against the skill's alone, never against each other. Alexa
    # names one skill in both places; a request naming two is refused, on Lambda alike (the
    # same check).
    skill = Skill([SKILL_ID, OTHER_SKILL_ID])
    skill.launch(lambda: speak("hi"))
    with TestClient(skill) as client:
        envelope = client.factory.envelope("LaunchRequest")
        envelope["context"]["System"]["application"]["applicationId"] = SKILL_ID
        envelope["session"]["application"]["applicationId"] = session_id
        result = client.send_envelope(envelope)
        if session_id == SKILL_ID:
            assert result.speech == "hi"
            return
        assert result.status_code == 400
        assert result.json == {
            "error": "request names two skills (session.application is not context.System's)"
        }
        # A session without an application (or a null one) leaves the context's id alone.
        envelope["session"]["application"] = None
        assert client.send_envelope(envelope).speech == "hi"
        del envelope["session"]["application"]
        assert client.send_envelope(envelope).speech == "hi"


@pytest.mark.parametrize(
    "name", ["LaunchRequest", "IntentRequest.GetWeather", "SessionEndedRequest.USER_INITIATED"]
)
def test_the_sample_requests_pass_the_skill_id_check(name: str) -> None:
    from alexaskill.testing import DEFAULT_SKILL_ID, refresh

    skill = Skill(DEFAULT_SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("Hello.")

    @skill.intent("GetWeather")
    def get_weather(city: str) -> Response:
        return speak(f"Sunny in {city}.")

    @skill.session_ended
    def ended() -> None:
        return None

    sample = Path(__file__).parent / "fixtures" / "requests" / f"{name}.json"
    envelope = refresh(json.loads(sample.read_text("utf-8")))
    with TestClient(skill) as client:
        result = client.send_envelope(envelope)
    assert result.status_code == 200, result.json
    assert result.json["version"] == "1.0"
    assert result.speech == {"LaunchRequest": "Hello.", "IntentRequest": "Sunny in big apple."}.get(
        envelope["request"]["type"]
    )
