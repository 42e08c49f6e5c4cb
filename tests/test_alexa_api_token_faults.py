"""A refusal of the request's access token itself (Amazon's code ``INVALID_TOKEN``, or a 401 of
an API whose 401 means nothing else) is `AccessTokenError`: never the consent card, which asks
for a permission and cannot mend a token, and never "refused though granted"."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import AccessTokenError, AlexaApi, AlexaApiError, PermissionRequired
from alexaskill.testing import TestClient

from .alexa_api_shared import _run, answered_api, reminder_skill

#: One call of each kind of API: the Reminders API (its 401 is also "not granted"), a profile
#: API and a device setting.
_CALLS: dict[str, Callable[[AlexaApi], Any]] = {
    "create_reminder": lambda api: api.create_reminder("tea", after=dt.timedelta(minutes=5)),
    "get_reminders": lambda api: api.get_reminders(),
    "delete_reminder": lambda api: api.delete_reminder("r1"),
    "given_name": lambda api: api.given_name(),
    "time_zone": lambda api: api.time_zone(),
}


@pytest.mark.parametrize("granted", [False, True], ids=["not granted", "granted"])
@pytest.mark.parametrize("status", [401, 403])
@pytest.mark.parametrize("operation", sorted(_CALLS))
def test_a_refusal_coded_invalid_token_is_an_access_token_error(
    operation: str, status: int, granted: bool, caplog: pytest.LogCaptureFixture
) -> None:
    # A 403 coded INVALID_TOKEN was PermissionRequired: the skill sent a consent card for a
    # token that had expired.
    api = answered_api(
        status, {"code": "INVALID_TOKEN", "message": "Token expired"}, granted=granted
    )
    with caplog.at_level(logging.WARNING, "alexaskill"), pytest.raises(AlexaApiError) as caught:
        _run(_CALLS[operation](api))
    error = caught.value
    assert isinstance(error, AccessTokenError)
    assert not isinstance(error, PermissionRequired)
    assert (error.operation, error.status, error.code) == (operation, status, "INVALID_TOKEN")
    assert str(error) == (
        f"{operation}: HTTP {status}, Alexa refused the request's access token (expired, or "
        "not this request's): a consent card cannot mend it (INVALID_TOKEN, Token expired)"
    )
    assert not [r for r in caplog.records if "granted" in r.getMessage()]


@pytest.mark.parametrize("operation", ["given_name", "time_zone"])
def test_a_401_of_an_api_whose_401_means_no_permission_is_an_access_token_error(
    operation: str,
) -> None:
    # Outside the Reminders API a 401 says nothing of a permission: the token is at fault,
    # whatever its code (here none).
    api = answered_api(401, {"message": "Unauthorized"}, granted=False)
    with pytest.raises(AccessTokenError) as caught:
        _run(_CALLS[operation](api))
    assert (caught.value.status, caught.value.code) == (401, None)


@pytest.mark.parametrize("operation", ["get_reminders", "delete_reminder"])
def test_a_reminders_401_of_another_code_is_still_the_permission(operation: str) -> None:
    # (Amazon's model of the API: "If customer does not have permission".)
    api = answered_api(401, {"code": "UNAUTHORIZED", "message": "no"}, granted=False)
    with pytest.raises(PermissionRequired):
        _run(_CALLS[operation](api))


def test_a_403_of_another_code_is_still_the_permission() -> None:
    api = answered_api(403, {"code": "ACCESS_DENIED", "message": "no"}, granted=False)
    with pytest.raises(PermissionRequired) as caught:
        _run(_CALLS["given_name"](api))
    assert not isinstance(caught.value, AccessTokenError)


def test_an_invalid_token_403_through_the_test_client_is_the_apology(
    skill_client: Callable[..., TestClient],
) -> None:
    fault = {"status": 403, "code": "INVALID_TOKEN", "message": "Token expired"}
    skill = reminder_skill(after=dt.timedelta(minutes=1))
    client = skill_client(
        skill, faults={"create_reminder": fault}, permissions=[], raise_handler_errors=False
    )
    result = client.intent("Remind")
    assert isinstance(result.handler_error, AccessTokenError)
    assert result.card is None
    assert result.speech is not None and "permission" not in result.speech
    assert [(call.operation, call.status) for call in result.api_calls] == [
        ("create_reminder", 403)
    ]
