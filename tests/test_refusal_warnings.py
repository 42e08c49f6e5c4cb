"""`alexaskill.refusal_warnings`: the WARNING of a refused request quotes the id it carried as
every message quotes a value (`alexaskill.shown_names.shown_value`)."""

from __future__ import annotations

import logging

import pytest

from alexaskill.exceptions import SkillIdError
from alexaskill.log_repeats import Repeats
from alexaskill.refusal_warnings import REFUSAL_WARNING_EVERY, warn_refused
from alexaskill.shown_names import shown_value


def test_a_long_skill_id_refused_is_quoted_by_its_head_and_tail(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Its first 100 characters were said, no "…" to say it went on.
    named = "amzn1.ask.skill." + "a" * 150 + "TAIL"
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        warn_refused(
            Repeats(REFUSAL_WARNING_EVERY), {"amzn1.ask.skill.ours"}, SkillIdError.for_id(named)
        )
    said = " ".join(record.getMessage() for record in caplog.records)
    assert f"request is for another skill: {shown_value(named)}, not amzn1.ask.skill.ours (" in said
