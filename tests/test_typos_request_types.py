"""Which request type a handler's is taken for a typo of, at registration and by `alexaskill
request`: one rule (`alexaskill.request_types`). A member of a known namespace a slip apart from
a known member is refused; one further off is a type Amazon may add, taken with a WARNING."""

from __future__ import annotations

import logging
import re

import pytest

from alexaskill import ConfigurationError, Skill
from alexaskill.cli.request_names import meant_type

from .conftest import SKILL_ID


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "name",
    [
        # Three letters off, another word (Expiring, Expired): was refused as a typo (0.67).
        "CustomInterfaceController.Expiring",
        "AudioPlayer.PlaybackStopping",
        "AlexaSkillEvent.SkillEnded",  # (Ended, Enabled)
        # A prefix on the member's last word: another type (Linked, Unlinked), was refused as a
        # typo of SkillAccountLinked (two letters off a member of 18).
        "AlexaSkillEvent.SkillAccountUnlinked",
        # A namespace not known, of a new acronym: Amazon's interfaces are APL, APLA, APLT.
        "Alexa.Presentation.APLX.UserEvent",
        "Alexa.NewFeature.SomethingHappened",
    ],
)
def test_a_request_type_alexaskill_does_not_know_is_taken_with_a_warning(
    caplog: pytest.LogCaptureFixture, name: str
) -> None:
    skill = Skill(SKILL_ID)
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        skill.add_handler(name, lambda: None)
        # Said once a type: a hook for it, and its handler, said it twice.
        skill.add_before_request(lambda: None, request_types=[name])
        skill.add_after_request(lambda: None, request_types=[name])
    said = _warnings(caplog)
    assert len(said) == 1, said
    assert f"{name!r} is no request type alexaskill knows Alexa to send" in said[0], said
    assert meant_type(name) is None
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        Skill(SKILL_ID).add_before_request(lambda: None, request_types=[name])
    assert len(_warnings(caplog)) == 1  # (once a skill: another is told too)


@pytest.mark.parametrize(
    "name",
    [
        "AudioPlayer.PlaybackStarted",
        # Warned of as unknown once, as the ask-sdk-model types below were: typed since (an
        # AlexaSkillEventRequest).
        "AlexaSkillEvent.NotificationSubscriptionChanged",
        # Types Amazon sends that alexaskill does not model (`alexaskill request` writes them).
        "Alexa.Presentation.HTML.Message",
        "Alexa.Presentation.APLA.RuntimeError",
        "Dialog.API.Invoked",
        "Alexa.DataStore.PackageManager.UsagesInstalled",
        # In ask-sdk-model's Request types, yet missing from UNMODELLED: a handler for one was
        # warned of as a type alexaskill did not know ("check its spelling").
        "Alexa.Advertisement.AdCompleted",
        "Alexa.Advertisement.AdNotRendered",
        "Alexa.Advertisement.ReadyToEnqueueAudio",
        "Dialog.InputRequest",
    ],
)
def test_a_request_type_alexa_sends_is_taken_without_a_warning(
    caplog: pytest.LogCaptureFixture, name: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        Skill(SKILL_ID).add_handler(name, lambda: None)
    assert _warnings(caplog) == []


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        # The namespace mistyped, the member Amazon's: "Message" is a word of its request types
        # (Alexa.Presentation.HTML.Message), yet of no namespace.
        ("Message.MessageReceived", "Messaging.MessageReceived"),
        ("Sytem.ExceptionEncountered", "System.ExceptionEncountered"),
        # Types Amazon sends that alexaskill does not model: they were no name to be meant, so
        # one misspelt was taken (or taken for another interface's).
        ("Dialog.API.Invokd", "Dialog.API.Invoked"),
        ("Alexa.Presentation.HTML.RuntimeErrr", "Alexa.Presentation.HTML.RuntimeError"),
        # Two slips in a member of sixteen letters or more (one in a shorter one).
        ("Reminders.ReminderStatsChnged", "Reminders.ReminderStatusChanged"),
        ("Alexa.Authorization.Grand", "Alexa.Authorization.Grant"),
    ],
)
def test_a_request_type_a_slip_apart_is_refused_with_the_one_meant(name: str, meant: str) -> None:
    with pytest.raises(ConfigurationError, match=f"did you mean {meant}\\?"):
        Skill(SKILL_ID).add_handler(name, lambda: None)
    assert meant_type(name) == meant  # (`alexaskill request` names the same)


def test_a_known_namespace_in_another_case_is_refused_whatever_its_member() -> None:
    # Amazon's names are case-sensitive: a handler for it would never be called.
    with pytest.raises(ConfigurationError, match=r"its namespace is written AudioPlayer$"):
        Skill(SKILL_ID).add_handler("audioplayer.PlaybackPaused", lambda: None)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        # A dot too many: refused with the type meant before request_types.py, then taken as a
        # type Amazon may add (its member, "", a slip of none), a handler never called.
        ("AudioPlayer.PlaybackStarted.", "; did you mean AudioPlayer.PlaybackStarted?"),
        ("Reminders..ReminderCreated", "; did you mean Reminders.ReminderCreated?"),
        ("AudioPlayer.", ": a part between its dots is empty"),
        ("Alexa.Presentation.APL.", ": a part between its dots is empty"),
        (".PlaybackStarted", ": a part between its dots is empty"),
    ],
)
def test_a_request_type_with_an_empty_part_is_refused(name: str, said: str) -> None:
    # No request type of Amazon's has one: Alexa never sends such a name.
    refused = f"{name!r} is not a request type Alexa sends{said}"
    with pytest.raises(ConfigurationError, match=re.escape(refused)):
        Skill(SKILL_ID).add_handler(name, lambda: None)
    if said.startswith("; did you mean"):
        assert meant_type(name) == said.removeprefix("; did you mean ").rstrip("?")


@pytest.mark.parametrize("name", ["UserEvnt", "UserEvent", "userevent"])
def test_a_member_without_its_namespace_names_every_type_as_close(name: str) -> None:
    # A slip named the first of the types equally close alone (Alexa.Presentation.APL.UserEvent),
    # where the member written whole named both in `alexaskill request`.
    meant = "Alexa.Presentation.APL.UserEvent or Alexa.Presentation.APLT.UserEvent"
    with pytest.raises(ConfigurationError, match=re.escape(f"did you mean {meant}?")):
        Skill(SKILL_ID).add_handler(name, lambda: None)
    assert meant_type(name) == meant  # (`alexaskill request` names the same)
