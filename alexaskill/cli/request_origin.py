"""Where a request ``alexaskill request`` prints goes and comes from: the skill id it writes
when neither ``--skill-id`` nor the ``--model`` APP names one (`default_skill_id`: the skill's
own from ``ALEXASKILL_SKILL_ID``, which the server reads (`alexaskill.settings_from_env`), so
that the request printed is one that skill accepts; the test tools' placeholder id only when
the variable is unset), and the device, which declares the interface of a screen's event
(`sent_from`), as the test client's `check_sent_by_device` asks."""

from __future__ import annotations

import argparse
import os

from .common import UsageError
from .inputs import given_skill_id

__all__ = ["default_skill_id", "sent_from"]


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
