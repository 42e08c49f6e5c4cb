"""A device that cannot hold reminders: Amazon refuses a create with the code
``DEVICE_NOT_SUPPORTED``, which `AlexaApi` raises as `DeviceNotSupported`, no consent card (a
permission cannot give the device what it lacks), and `FakeAlexaApi(reminders_supported=False)`
answers."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest

import alexaskill
from alexaskill import (
    AlexaApi,
    AlexaApiError,
    DeviceNotSupported,
    PermissionRequired,
    Response,
    Skill,
    speak,
)
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient

from .alexa_api_shared import _run, answered_api, reminder_skill
from .conftest import SKILL_ID

_REFUSAL = {"code": "DEVICE_NOT_SUPPORTED", "message": "Device not supported"}


def _create(api: AlexaApi) -> Any:
    return api.create_reminder("tea", after=dt.timedelta(minutes=5))


@pytest.mark.parametrize("granted", [False, True], ids=["not granted", "granted"])
@pytest.mark.parametrize("status", [401, 403])
def test_a_create_refused_device_not_supported_is_device_not_supported(
    status: int, granted: bool, caplog: pytest.LogCaptureFixture
) -> None:
    # It was PermissionRequired (the consent card, which cannot help: the device has no
    # reminders, whatever the user grants), or, the scope granted, a plain AlexaApiError.
    api = answered_api(status, _REFUSAL, granted=granted)
    with caplog.at_level(logging.WARNING, "alexaskill"), pytest.raises(AlexaApiError) as caught:
        _run(_create(api))
    error = caught.value
    assert isinstance(error, DeviceNotSupported)
    assert not isinstance(error, PermissionRequired)
    assert (error.operation, error.status, error.code) == (
        "create_reminder",
        status,
        "DEVICE_NOT_SUPPORTED",
    )
    assert str(error) == (
        f"create_reminder: HTTP {status}, the request's device does not support this call (a "
        "device that cannot hold reminders, for a reminder) (DEVICE_NOT_SUPPORTED, Device not "
        "supported)"
    )
    assert not [r for r in caplog.records if "granted" in r.getMessage()]


def test_a_create_refused_403_of_no_code_is_still_the_permission() -> None:
    # Amazon's reminders sample reads any create's 403 as "this device doesn't support
    # reminders", but a 403 is every API's answer to a permission not granted: without the
    # code, what it means cannot be told, and the consent card stays.
    with pytest.raises(PermissionRequired) as caught:
        _run(_create(answered_api(403, {"message": "Forbidden"}, granted=False)))
    assert not isinstance(caught.value, DeviceNotSupported)


def test_device_not_supported_is_exported_with_the_other_errors() -> None:
    assert alexaskill.DeviceNotSupported is alexaskill.exceptions.DeviceNotSupported
    assert issubclass(DeviceNotSupported, AlexaApiError)
    assert "DeviceNotSupported" in alexaskill.exceptions.__all__


def test_the_fake_refuses_a_create_on_a_device_without_reminders() -> None:
    fake = FakeAlexaApi(reminders_supported=False)
    api = AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Remind"))), client=fake)
    with pytest.raises(DeviceNotSupported):
        _run(_create(api))
    assert fake.reminders == []
    # The user's reminders (made on another device) are read and deleted as ever.
    assert _run(api.get_reminders()) == []
    assert [(c.operation, c.status, (c.answer or {}).get("code")) for c in fake.calls] == [
        ("create_reminder", 403, "DEVICE_NOT_SUPPORTED"),
        ("get_reminders", 200, None),
    ]


def test_the_fake_asks_for_the_permission_before_it_judges_the_device() -> None:
    # (The order is the fake's choice: no source says which Amazon checks first.)
    fake = FakeAlexaApi(reminders_supported=False, permissions=[])
    api = AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Remind"))), client=fake)
    with pytest.raises(PermissionRequired):
        _run(_create(api))


def test_a_device_with_reminders_again_takes_a_create() -> None:
    fake = FakeAlexaApi(reminders_supported=False)
    fake.reminders_supported = True
    api = AlexaApi(decode_envelope(json.dumps(RequestFactory().intent("Remind"))), client=fake)
    assert _run(_create(api)).alert_token


@pytest.mark.parametrize("wrong", ["no", 0, None])
def test_reminders_supported_is_true_or_false(wrong: object) -> None:
    # "no" is true: a typo would leave the device holding reminders, the test passing unseen.
    with pytest.raises(TypeError, match=r"reminders_supported is .*: True or False"):
        FakeAlexaApi(reminders_supported=wrong)  # type: ignore[arg-type]
    fake = FakeAlexaApi()
    with pytest.raises(TypeError, match="reminders_supported"):
        fake.reminders_supported = wrong  # type: ignore[assignment]


def test_a_skill_says_the_device_cannot_set_reminders(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = Skill(SKILL_ID)

    @skill.intent("Remind")
    async def remind(api: AlexaApi) -> Response:
        try:
            await api.create_reminder("tea", after=dt.timedelta(minutes=5))
        except DeviceNotSupported:
            return speak("This device can't set reminders.")
        return speak("I'll remind you.")

    result = skill_client(skill, reminders_supported=False).intent("Remind")
    assert result.speech == "This device can't set reminders."
    assert result.card is None


def test_unhandled_it_is_the_apology_and_no_consent_card(
    skill_client: Callable[..., TestClient],
) -> None:
    skill = reminder_skill(after=dt.timedelta(minutes=1))
    seen: list[BaseException] = []

    @skill.exception(PermissionRequired)
    def consent(exc: PermissionRequired) -> Response:
        seen.append(exc)
        return speak("Please grant it.")

    client = skill_client(skill, reminders_supported=False, raise_handler_errors=False)
    result = client.intent("Remind")
    assert isinstance(result.handler_error, DeviceNotSupported)
    assert seen == []
    assert result.card is None
    assert result.speech is not None and "permission" not in result.speech
