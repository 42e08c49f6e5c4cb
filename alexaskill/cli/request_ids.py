"""The skill id ``alexaskill request`` writes when neither ``--skill-id`` nor the ``--model``
APP names one: the skill's own from ``ALEXASKILL_SKILL_ID``, which the server reads
(`alexaskill.settings_from_env`), so that the request printed is one that skill accepts; the
test tools' placeholder id only when the variable is unset."""

from __future__ import annotations

import argparse
import os

from .common import UsageError
from .inputs import given_skill_id

__all__ = ["default_skill_id"]


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
