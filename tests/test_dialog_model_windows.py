"""The date and time windows of a dialog slot's validations (Amazon's SMAPI IsInDuration, on an
AMAZON.DATE or AMAZON.TIME slot): the bounds each takes, in the model ``alexaskill model`` makes,
and mistakes refused where they are made. (Split from tests/test_dialog_model.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill import DialogSlot, Skill, Validate, speak
from alexaskill.exceptions import ConfigurationError
from alexaskill.interaction import InteractionModelError

from .conftest import SKILL_ID
from .dialog_model_shared import built


def window_skill(slot_type: str, *rules: Any) -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent(
        "Book",
        utterances=["book {when}"],
        slots={"when": DialogSlot(slot_type, elicit="When?", validations=list(rules))},
    )
    def book(when: str) -> Any:
        return speak("Booked.")

    return skill


@pytest.mark.parametrize(
    ("slot_type", "rule", "bounds"),
    [
        ("AMAZON.TIME", Validate.in_duration, ("PT0H", "PT2H")),
        ("AMAZON.TIME", Validate.not_in_duration, ("12:00", "14:00")),
        ("AMAZON.DATE", Validate.in_duration, ("2026-12-01", "P1Y")),
        ("AMAZON.DATE", Validate.in_duration, (None, "P30D")),
    ],
)
def test_a_time_window_and_fixed_bounds_are_valid_rules(
    slot_type: str, rule: Any, bounds: tuple[str | None, str | None]
) -> None:
    # Amazon's rule takes, for AMAZON.TIME, durations in hours or minutes or an hh:mm clock
    # time; for AMAZON.DATE, durations or a YYYY-MM-DD day; either bound may be left out.
    skill = window_skill(slot_type, rule(*bounds, "Not then."))
    [slot] = built(skill)["dialog"]["intents"][0]["slots"]
    [written] = slot["validations"]
    assert (written.get("start"), written.get("end")) == bounds
    assert "start" in written or bounds[0] is None


_DATE_BOUNDS = "takes years, months or days, or a YYYY-MM-DD day"
_TIME_BOUNDS = "takes hours or minutes, or an hh:mm time"


@pytest.mark.parametrize(
    ("slot_type", "start", "takes"),
    [
        ("AMAZON.DATE", "PT2H", _DATE_BOUNDS),
        ("AMAZON.DATE", "09:00", _DATE_BOUNDS),
        ("AMAZON.TIME", "P1D", _TIME_BOUNDS),
        ("AMAZON.TIME", "2026-12-01", _TIME_BOUNDS),
    ],
)
def test_a_bound_of_the_other_kind_is_refused(slot_type: str, start: str, takes: str) -> None:
    skill = window_skill(slot_type, Validate.in_duration(start, None, "No."))
    with pytest.raises(InteractionModelError) as caught:
        built(skill)
    assert caught.value.problems == (
        f"intent Book, slot when: validation isInDuration: start {start!r} is no bound for "
        f"{slot_type}, which {takes}",
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Validate.in_duration(None, None, "No."), "isInDuration needs a start, an end"),
        (lambda: Validate.in_duration("2026-02-30", None, "No."), "start '2026-02-30' is not"),
        (lambda: Validate.in_duration("24:00", None, "No."), "start '24:00' is not"),
        (lambda: Validate.in_duration(5, None, "No."), "start 5 is not"),  # type: ignore[arg-type]
        # Amazon's SMAPI IsInDuration: Y, M or D for a date, H or M for a time.
        (
            lambda: Validate.in_duration("P0D", "P2W", "No."),
            r"end 'P2W' counts weeks, which Amazon's rule does not take \(a date window takes "
            r"years, months or days; a time window hours or minutes\)",
        ),
        (lambda: Validate.not_in_duration("PT30S", None, "No."), "start 'PT30S' counts seconds"),
        (lambda: Validate.in_duration("PT1M0S", None, "No."), "start 'PT1M0S' counts seconds"),
        (lambda: Validate.in_duration("P0W", None, "No."), "start 'P0W' counts weeks"),
    ],
)
def test_window_mistakes_fail_where_they_are_made(make: Any, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        make()
