"""Where the requests of the commands come from: the skill id they carry when ``--skill-id``
names none (`skill_id_for`: the skill's own, else the first id ``ALEXASKILL_SKILL_ID`` names,
which the server reads (`alexaskill.settings_from_env`), so that a request written or sent is one
that skill accepts; the test tools' placeholder id only when the variable is unset), and the
device, which declares the interface of a screen's event (`sent_from`), as the test client's
`check_sent_by_device` asks."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from .common import UsageError
from .inputs import given_skill_id

if TYPE_CHECKING:
    from ..app import Skill

__all__ = ["default_skill_id", "sent_from", "skill_id_for"]


def skill_id_for(given: str | None, skill: Skill | None = None) -> str:
    """The skill id a command's requests carry: ``given`` (``--skill-id``), else the skill's own
    (the least of its ids, as `TestClient` takes it), else `default_skill_id`: the same order in
    every command that writes or sends requests (``request``, ``replay``, ``chat``,
    ``certify``, ``understand``)."""
    if given:
        return given
    if skill is not None and skill.skill_ids:
        return min(skill.skill_ids)
    return default_skill_id()


def default_skill_id() -> str:
    """The first id ``ALEXASKILL_SKILL_ID`` names, read as `settings_from_env` reads it (ids
    separated by commas; empty is unset), else `DEFAULT_SKILL_ID`. A value the server would
    refuse (blank, ``*``), or no id the command takes (a space in it), is a usage error."""
    from ..exceptions import ConfigurationError
    from ..settings import settings_from_env
    from ..testing import DEFAULT_SKILL_ID

    raw = os.environ.get("ALEXASKILL_SKILL_ID", "")
    try:
        ids = settings_from_env({"ALEXASKILL_SKILL_ID": raw}).skill_ids
    except ConfigurationError as exc:
        raise UsageError(f"{exc}; or give --skill-id") from None
    if not ids:
        return DEFAULT_SKILL_ID
    try:
        return given_skill_id(ids[0])
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"ALEXASKILL_SKILL_ID: {exc}; or give --skill-id") from None


def sent_from(request_type: str, interfaces: tuple[str, ...]) -> tuple[str, ...]:
    """``interfaces``, those of the device sending ``request_type``: a usage error when it is an
    event of a screen's document or template and they lack its interface (Alexa never sends
    one from such a device)."""
    from ..testing.options import _SENT_WITH  # (the test client's: the same rule)

    for prefix, interface in _SENT_WITH.items():
        if interface == "AudioPlayer":  # (`_audio_event`'s, with their token)
            continue
        if request_type.startswith(prefix) and interface not in interfaces:
            raise UsageError(
                f"{request_type}: Alexa sends it only from a device declaring {interface}: add "
                f"--interface {interface}"
            )
    return interfaces
