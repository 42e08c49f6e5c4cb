"""Where the requests of the commands come from: the skill id they carry when ``--skill-id``
names none (`skill_id_for`; `own_skill_id`, the simulator's too: the skill's own, else the first
id ``ALEXASKILL_SKILL_ID`` names, which the server reads (`alexaskill.settings_from_env`), so
that a request written or sent is one that skill accepts; the test tools' placeholder id only
when the variable is unset), and the
device, which declares the interface of a screen's event (`sent_from`), as the test client's
`check_sent_by_device` asks."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from ..exceptions import ConfigurationError
from .common import UsageError
from .inputs import given_skill_id

if TYPE_CHECKING:
    from ..app import Skill

__all__ = ["own_skill_id", "sent_from", "skill_id_for"]


def skill_id_for(given: str | None, skill: Skill | None = None) -> str:
    """The skill id a command's requests carry: ``given`` (``--skill-id``), else
    `own_skill_id`'s: the same order in every command that writes or sends requests
    (``request``, ``replay``, ``chat``, ``certify``, ``understand``) and in the simulator. A
    value of ``ALEXASKILL_SKILL_ID`` the server would refuse is a usage error."""
    if given:
        return given
    try:
        return own_skill_id(skill)
    except ConfigurationError as exc:
        raise UsageError(f"{exc}; or give --skill-id") from None


def own_skill_id(skill: Skill | None) -> str:
    """The skill id requests to ``skill`` carry when none is given: its own (the least of its
    ids, as `TestClient` takes it), else the first id ``ALEXASKILL_SKILL_ID`` names, read as
    `settings_from_env` reads it (`skill_ids_from_env`: ids separated by commas; empty is
    unset), else `DEFAULT_SKILL_ID`. `ConfigurationError` for a value the server would refuse
    (blank, ``*``) or no id a request can carry (a space in it)."""
    from ..skill_id_env import skill_ids_from_env  # (not the settings: logging, stores)
    from ..testing import DEFAULT_SKILL_ID

    if skill is not None and skill.skill_ids:
        return min(skill.skill_ids)
    ids = skill_ids_from_env(os.environ.get("ALEXASKILL_SKILL_ID", ""))
    if not ids:
        return DEFAULT_SKILL_ID
    try:
        return given_skill_id(ids[0])
    except argparse.ArgumentTypeError as exc:
        raise ConfigurationError(f"ALEXASKILL_SKILL_ID: {exc}") from None


def sent_from(request_type: str, interfaces: tuple[str, ...]) -> tuple[str, ...]:
    """``interfaces``, those of the device sending ``request_type``: a usage error when it is an
    event of a screen's document or template and they lack its interface (Alexa never sends
    one from such a device)."""
    from ..testing.factory_checks import SENT_WITH  # (the test client's: the same rule)

    for prefix, interface in SENT_WITH.items():
        if interface == "AudioPlayer":  # (`_audio_event`'s, with their token)
            continue
        if request_type.startswith(prefix) and interface not in interfaces:
            raise UsageError(
                f"{request_type}: Alexa sends it only from a device declaring {interface}: add "
                f"--interface {interface}"
            )
    return interfaces
