"""The skill ids ``ALEXASKILL_SKILL_ID`` names (`skill_ids_from_env`): one reading, for the
server's settings (`alexaskill.settings_from_env`) and for the ids the commands' requests carry,
which need none of the rest of the settings (the logging, the attribute stores)."""

from __future__ import annotations

from .exceptions import ConfigurationError
from .shown_names import shown_value

__all__ = ["skill_ids_from_env"]


def skill_ids_from_env(raw: str) -> tuple[str, ...]:
    """The ids ``raw``, a value of ``ALEXASKILL_SKILL_ID``, names: comma-separated, each
    stripped; none when it is empty (unset). `ConfigurationError` for a value set that names no
    id (blank, commas only) and for ``*`` (answering any skill is written in code)."""
    skill_ids = tuple(part.strip() for part in raw.split(",") if part.strip())
    if raw and not skill_ids:  # set, but blank or commas: a deployment's mistake, not unset
        raise ConfigurationError(
            f"ALEXASKILL_SKILL_ID={shown_value(raw)} names no skill id: set it to the skill's id "
            "(amzn1.ask.skill.…), or unset it"
        )
    if "*" in skill_ids:
        # The README's promise: answering any skill is written in code, never set by accident.
        raise ConfigurationError(
            "ALEXASKILL_SKILL_ID='*' is refused: a skill that answers requests for any skill "
            "says so in code, Skill(skill_id='*'); set the variable to the skill's id "
            "(amzn1.ask.skill.…)"
        )
    return skill_ids
