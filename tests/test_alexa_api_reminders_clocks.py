"""Reminders at the local times a zone's clocks change: the second of a repeated time
(``fold=1``) on a device whose zone is unknown, a time the clocks skip, and the reading back of
one sent in UTC."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, Final

import pytest

from alexaskill.alexa_api import reminder_body
from alexaskill.testing import TestClient

from .test_alexa_api_reminders import reminder_skill

#: The second 02:30 of 26 October 2031 on a device's clock (01:30 UTC in Paris, whose clocks go
#: back at 03:00), without tzinfo: the device's local time.
_SECOND_HALF_PAST_TWO: Final = dt.datetime(2031, 10, 26, 2, 30, fold=1)
#: Days before it: every reading of it is to come.
_BEFORE: Final = dt.datetime(2031, 10, 20, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "options",
    [
        {},  # (the device set no zone: 204)
        {"time_zone": "Europe/Paris", "faults": {"time_zone": 500}},  # (its call failed)
    ],
)
@pytest.mark.parametrize("recurrence", [[], ["FREQ=DAILY"]])
def test_the_second_of_a_repeated_device_time_is_refused_unsent_when_the_zone_is_unknown(
    skill_client: Callable[..., TestClient], options: dict[str, Any], recurrence: list[str]
) -> None:
    # Without the device's zone, a local 02:30 with fold=1 went out as a local scheduledTime,
    # which Alexa reads as the first 02:30 where the clocks go back: an hour early, silently.
    # Which moment fold=1 means cannot be worked out without the zone: refused, unsent.
    skill = reminder_skill(at=_SECOND_HALF_PAST_TWO, recurrence=recurrence)
    client = skill_client(skill, now=lambda: _BEFORE, **options)
    with pytest.raises(ValueError) as raised:
        client.intent("Remind")
    said = str(raised.value)
    assert said.startswith(
        "a reminder's at= 2031-10-26T02:30:00 has fold=1 (the second of a local time the clocks "
        "go back through) and no tzinfo, and the device's time zone is unknown (it set none, or "
        "it could not be asked)"
    ), said
    assert "give at= in a ZoneInfo" in said, said
    assert [call.operation for call in client.api.calls] == ["time_zone"]
    # The first (fold=0) goes out as ever: a local time, the device's.
    first = reminder_skill(at=_SECOND_HALF_PAST_TWO.replace(fold=0), recurrence=recurrence)
    created = skill_client(first, now=lambda: _BEFORE, **options).intent("Remind")
    assert created.api_calls[-1].status == 200


def test_reminder_body_refuses_the_second_of_a_repeated_time_in_no_zone() -> None:
    # (`reminder_body` alone, with no zone given: the same refusal, by the same check)
    with pytest.raises(ValueError, match=r"has fold=1 .* the device's time zone is unknown"):
        reminder_body(
            "Stretch", _SECOND_HALF_PAST_TWO, None, (), None, True, "en-US", _BEFORE, zone=None
        )
    body = reminder_body(
        "Stretch", _SECOND_HALF_PAST_TWO.replace(fold=0), None, (), None, True, "en-US", _BEFORE
    )
    assert json.loads(json.dumps(body))["trigger"]["scheduledTime"] == "2031-10-26T02:30:00.000"
