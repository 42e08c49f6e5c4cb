"""The codes of the Reminders API's refusals: a reminder it does not know is a 404 coded
``ALERT_NOT_FOUND`` (the code Jovo's Alexa client reads, and users report for a delete), which
`FakeAlexaApi` answers and `AlexaApi` reads as "no such reminder", as it reads the ``NOT_FOUND``
the fake answered before, or a 404 of no code at all."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any, Final

import httpx
import pytest

from alexaskill import AlexaApi
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory

from .alexa_api_shared import _run

#: Each call of the Reminders API that names one reminder, and what it gives for one Amazon
#: does not know.
_ONE: Final[dict[str, tuple[Callable[[AlexaApi], Any], object]]] = {
    "get_reminder": (lambda api: api.get_reminder("no-such-token"), None),
    "update_reminder": (
        lambda api: api.update_reminder("no-such-token", "tea", after=dt.timedelta(minutes=5)),
        None,
    ),
    "delete_reminder": (lambda api: api.delete_reminder("no-such-token"), False),
}


def _envelope() -> Any:
    return decode_envelope(json.dumps(RequestFactory().intent("Remind")))


@pytest.mark.parametrize("operation", sorted(_ONE))
def test_the_fake_answers_a_reminder_it_does_not_know_with_alert_not_found(
    operation: str,
) -> None:
    # The fake answered NOT_FOUND, a code of its own: a skill that told the two apart by the
    # code passed its tests and missed Amazon's.
    fake = FakeAlexaApi()
    call, expected = _ONE[operation]
    assert _run(call(AlexaApi(_envelope(), client=fake))) == expected
    [made] = fake.calls
    assert (made.operation, made.status) == (operation, 404)
    assert isinstance(made.answer, dict) and made.answer["code"] == "ALERT_NOT_FOUND"


def test_the_fake_answers_alert_not_found_for_a_reminder_deleted_before_its_update() -> None:
    fake = FakeAlexaApi(reminders=[{"alertToken": "r1", "status": "ON"}])
    api = AlexaApi(_envelope(), client=fake)
    assert _run(api.delete_reminder("r1")) is True
    assert _run(api.update_reminder("r1", "tea", after=dt.timedelta(minutes=5))) is None
    assert _run(api.delete_reminder("r1")) is False
    assert [(c.operation, c.status, (c.answer or {}).get("code")) for c in fake.calls] == [
        ("delete_reminder", 200, None),
        ("update_reminder", 404, "ALERT_NOT_FOUND"),
        ("delete_reminder", 404, "ALERT_NOT_FOUND"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"code": "ALERT_NOT_FOUND", "message": "Alert not found"},
        {"code": "NOT_FOUND", "message": "Reminder not found."},
        {"message": "Not Found"},
    ],
    ids=["ALERT_NOT_FOUND", "NOT_FOUND", "no code"],
)
@pytest.mark.parametrize("operation", sorted(_ONE))
def test_the_client_reads_a_404_of_either_code_as_no_such_reminder(
    operation: str, body: dict[str, str]
) -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return httpx.Response(404, json=body)

    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    call, expected = _ONE[operation]
    assert _run(call(AlexaApi(_envelope(), client=client))) == expected
    assert len(sent) == 1
