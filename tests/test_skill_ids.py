"""The form of the ids given to Skill(skill_id=...): one no request can carry is refused."""

from __future__ import annotations

import pytest

from alexaskill import Skill
from alexaskill.exceptions import ConfigurationError

UUID = "0123abcd-4567-89ef-0123-456789abcdef"


@pytest.mark.parametrize(
    ("skill_id", "said"),
    [
        ("my-weather-skill", "Alexa's application ids begin amzn1."),
        (UUID, "Alexa's application ids begin amzn1."),  # the console's id without its prefix
        (f"Amzn1.ask.skill.{UUID}", "Alexa's application ids begin amzn1."),
        (f"amzn1.ask.skill.{UUID[1:]}", f"'{UUID[1:]}' is no UUID .*: a character lost"),
        (f"amzn1.ask.skill.{UUID}0", f"'{UUID}0' is no UUID"),
        (f"amzn1.ask.skill.{UUID[:-1]}o", f"'{UUID[:-1]}o' is no UUID"),
        ([f"amzn1.ask.skill.{UUID}", "other-skill"], "'other-skill' is not an application id"),
    ],
)
def test_an_id_no_request_can_carry_is_refused(skill_id: str | list[str], said: str) -> None:
    # Taken before: every request, for the skill's real id, was then refused with a 400.
    with pytest.raises(ConfigurationError, match=rf"^skill_id .*{said}"):
        Skill(skill_id)


@pytest.mark.parametrize(
    "skill_id",
    [
        f"amzn1.ask.skill.{UUID}",
        f"amzn1.ask.skill.{UUID.upper()}",
        f"amzn1.echo-sdk-ams.app.{UUID}",  # the older skills' form
        "amzn1.echo-sdk-ams.app.000000-d0ed-0000-ad00-000000d00ebe",  # (Amazon's sample's)
        # Short made-up ids, on purpose: a skill author's tests may use one.
        "amzn1.ask.skill.1",
        "amzn1.ask.skill.logs-test",
        "*",
    ],
)
def test_application_ids_and_made_up_ones_are_taken(skill_id: str) -> None:
    Skill(skill_id)


def test_an_id_from_the_environment_that_no_request_can_carry_names_the_variable() -> None:
    # The README's deployment reads the id from ALEXASKILL_SKILL_ID (settings_from_env); the
    # refusal named only skill_id, which that code never spells.
    from alexaskill import settings_from_env

    settings = settings_from_env({"ALEXASKILL_SKILL_ID": UUID})
    with pytest.raises(ConfigurationError, match=r"^skill_id .*ALEXASKILL_SKILL_ID"):
        Skill(settings.skill_ids)


@pytest.mark.parametrize("value", [" ", ",", " , ", "\t,\n"])
def test_settings_refuse_a_skill_id_variable_that_names_none(value: str) -> None:
    # settings_from_env read a set but blank value (or commas) as unset: each example then
    # repeated the same check by hand (dialog and podcast had forgotten it once), and a skill
    # written from the README served no id, or the wrong one, instead of stopping.
    from alexaskill import ConfigurationError, settings_from_env

    with pytest.raises(ConfigurationError) as raised:
        settings_from_env({"ALEXASKILL_SKILL_ID": value})
    assert str(raised.value) == (
        f"ALEXASKILL_SKILL_ID={value!r} names no skill id: set it to the skill's id "
        "(amzn1.ask.skill.…), or unset it"
    )


def test_settings_take_an_empty_skill_id_variable_as_unset() -> None:
    from alexaskill import settings_from_env

    assert settings_from_env({"ALEXASKILL_SKILL_ID": ""}).skill_ids == ()
    assert settings_from_env({}).skill_ids == ()


@pytest.mark.parametrize("value", ["*", " * ", f"amzn1.ask.skill.{UUID},*"])
def test_settings_refuse_a_skill_id_variable_that_names_any_skill(value: str) -> None:
    # Only the container test (test_dockerfile.py, which needs docker) held this: without the
    # refusal a deployment's "*" would answer requests for every skill, unverified by id.
    from alexaskill import ConfigurationError, settings_from_env

    with pytest.raises(ConfigurationError, match=r"^ALEXASKILL_SKILL_ID='\*' is refused"):
        settings_from_env({"ALEXASKILL_SKILL_ID": value})
