"""The skill ids a `Skill` is given, checked where it is made (`skill_ids`): an id no request
can carry would refuse every request with HTTP 400, found only once deployed."""

from __future__ import annotations

import re
from typing import Final

from .articles import type_with_article
from .exceptions import ConfigurationError
from .shown_names import shown_value

__all__ = ["NO_SKILL_ID", "PLACEHOLDER_SKILL_ID", "skill_ids"]

#: The all-zero id of the examples and of requests alexaskill's tools make without one
#: (`alexaskill.testing.DEFAULT_SKILL_ID`, `alexaskill.understanding.DEFAULT_SKILL_ID`): never a
#: skill's own.
PLACEHOLDER_SKILL_ID: Final = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"

#: Characters no application id holds (whitespace and other unprintable ones aside): `skill_ids`
#: refuses them ("*" alone is "any skill"; within an id it matches nothing).
_NOT_IN_IDS: Final = frozenset(",;<>*\"'")
#: The UUID ending an application id (any case: compared as Alexa sends it).
_UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
#: What `Skill` given no id says (`alexaskill.app._GivenAnId.__new__`).
NO_SKILL_ID: Final = (
    "Skill() needs the skill's id: Skill('amzn1.ask.skill.…'), as the Alexa developer console "
    "shows it (its list of skills: Copy Skill ID, under the skill's name); from the environment, "
    "set ALEXASKILL_SKILL_ID and pass Skill(settings_from_env().skill_ids); Skill('*') answers "
    "requests for any skill"
)


def skill_ids(skill_id: object) -> frozenset[str] | None:
    """The ids ``Skill(skill_id=…)`` accepts; None for ``"*"`` (any)."""
    if skill_id is None:
        raise ConfigurationError(
            "skill_id is None (an unset environment variable?): pass the skill's application id, "
            "Skill(skill_id='amzn1.ask.skill.…') (the developer console shows it), or "
            "skill_id='*' to answer requests for any skill"
        )
    ids = frozenset((skill_id,)) if isinstance(skill_id, str) else None
    if ids is None:
        try:
            ids = frozenset(skill_id)  # type: ignore[call-overload]
        except TypeError:
            raise ConfigurationError(
                f"skill_id must be an application id or a list of them, not "
                f"{type_with_article(skill_id)}"
            ) from None
    if not ids:
        raise ConfigurationError(
            "skill_id names no application id: give the skill's (amzn1.ask.skill.…); from "
            "settings_from_env(), set ALEXASKILL_SKILL_ID"
        )
    if not all(isinstance(i, str) and i.strip() for i in ids):
        raise ConfigurationError(
            "skill_id must name at least one non-empty application id (amzn1.ask.skill.…)"
        )
    # Whitespace around an id (a line read from a file) is dropped, as settings_from_env does;
    # what no id holds (two ids in one string, a placeholder) would refuse every request.
    ids = frozenset(i.strip() for i in ids)
    for i in ids:
        if i != "*" and any(not c.isprintable() or c.isspace() or c in _NOT_IN_IDS for c in i):
            raise ConfigurationError(
                f"skill_id {shown_value(i)} is not an application id (amzn1.ask.skill.…): "
                "several ids go in a list, Skill(skill_id=[id1, id2]), a placeholder <…> takes the "
                "id the developer console shows, and quotes around it go (docker --env-file keeps "
                "them)"
            )
    if "*" in ids:
        if len(ids) > 1:
            raise ConfigurationError("skill_id '*' (any skill) cannot be listed with other ids")
        return None
    for i in ids:
        _check_id_form(i)
    return ids


def _check_id_form(skill_id: str) -> None:
    """`ConfigurationError` for an id that no request can carry: Alexa's application ids begin
    ``amzn1.`` (``amzn1.ask.skill.<uuid>``, ``amzn1.echo-sdk-ams.app.…`` for old skills), and
    an ``amzn1.ask.skill.`` one whose UUID lost or gained a character in copying matches none:
    every request would be refused with HTTP 400, as would the documents' placeholder
    (``amzn1.ask.skill.…``). Short made-up ids (tests') are let through."""
    problem = ""
    if not skill_id.startswith("amzn1."):
        problem = "Alexa's application ids begin amzn1."
    elif not skill_id.removeprefix("amzn1.ask.skill").strip(".…"):
        # The README's "amzn1.ask.skill.…" copied as it is: tests pass (the test client sends
        # the skill's own id), and Alexa's every request would be refused.
        problem = "that is the documents' placeholder, in place of the skill's id"
    elif skill_id.startswith("amzn1.ask.skill."):  # old ids' ends vary (000000-d0ed-…)
        uuid = skill_id.removeprefix("amzn1.ask.skill.")
        if uuid.count("-") == 4 and not _UUID.fullmatch(uuid):
            problem = (
                f"{shown_value(uuid)} is no UUID (8-4-4-4-12 hex digits): a character lost or "
                "added?"
            )
    if problem:
        raise ConfigurationError(
            f"skill_id {shown_value(skill_id)} is not an application id: {problem} (the "
            "developer console shows the skill's, amzn1.ask.skill.<uuid>; every request would be "
            "refused); from settings_from_env(), set ALEXASKILL_SKILL_ID to it"
        )
