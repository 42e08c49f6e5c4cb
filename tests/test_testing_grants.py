"""The permissions the test tools put in the requests they send: the scopes the simulated user
granted (`FakeAlexaApi.permissions`), as ``context.System.user.permissions``."""

from __future__ import annotations

from typing import Any

import pytest

from alexaskill import (
    AlexaApi,
    AlexaApiError,
    Envelope,
    PermissionRequired,
    Response,
    Skill,
    User,
    speak,
)
from alexaskill.alexa_api import Scope
from alexaskill.testing import FakeAlexaApi, SkillClientFactory

from .conftest import SKILL_ID


def checking_skill(seen: list[dict[str, Any]]) -> Skill:
    skill = Skill(SKILL_ID)

    @skill.intent("Check")
    def check(user: User, envelope: Envelope) -> Any:
        seen.append(envelope.raw)
        granted = [scope for scope in Scope.ALL if user.granted(scope)]
        return speak(f"{len(granted)} granted: {' '.join(granted)}")

    return skill


def test_the_scopes_a_test_grants_are_in_its_requests(skill_client: SkillClientFactory) -> None:
    # The requests carried no permissions whatever the test granted: a skill that checks
    # user.granted(...) before calling an API always asked for consent in its tests.
    seen: list[dict[str, Any]] = []
    client = skill_client(checking_skill(seen), permissions=[Scope.GIVEN_NAME])
    assert client.intent("Check").speech == f"1 granted: {Scope.GIVEN_NAME}"
    system = seen[-1]["context"]["System"]
    assert system["user"]["permissions"] == {
        "consentToken": system["apiAccessToken"],
        "scopes": {Scope.GIVEN_NAME: {"status": "GRANTED"}},
    }
    assert seen[-1]["session"]["user"]["permissions"] == system["user"]["permissions"]
    client.api.permissions = []  # changed between requests: the next one says so
    assert client.intent("Check").speech == "0 granted: "
    assert "permissions" not in seen[-1]["context"]["System"]["user"]
    assert "permissions" not in seen[-1]["session"]["user"]
    client.api.permissions = None  # every scope (the default)
    assert str(client.intent("Check").speech).startswith(f"{len(Scope.ALL)} granted: ")


def test_permissions_a_test_sets_on_the_user_are_kept(skill_client: SkillClientFactory) -> None:
    seen: list[dict[str, Any]] = []
    client = skill_client(checking_skill(seen))
    own = {"scopes": {Scope.EMAIL: {"status": "DENIED"}}}
    client.factory.user = {"permissions": own}
    assert client.intent("Check").speech == "0 granted: "
    assert seen[-1]["context"]["System"]["user"]["permissions"] == own


def test_the_consent_card_is_tested_by_leaving_the_scope_out_not_by_a_403_fault(
    skill_client: SkillClientFactory,
) -> None:
    # README's way to the consent card offline; a 403 fault with the scope granted (the
    # default) is Alexa refusing a granted scope: an AlexaApiError, the apology, no card.
    skill = Skill(SKILL_ID)

    @skill.launch
    async def greet(api: AlexaApi) -> Response:
        return speak(f"Hello {await api.given_name()}")

    card = {"type": "AskForPermissionsConsent", "permissions": [Scope.GIVEN_NAME]}
    for permissions in ([], [Scope.EMAIL]):
        result = skill_client(skill, given_name="Ada", permissions=permissions).launch()
        assert result.card == card
    for granted in (None, [Scope.GIVEN_NAME]):
        client = skill_client(
            skill, permissions=granted, faults={"given_name": 403}, raise_handler_errors=False
        )
        result = client.launch()
        assert result.card is None
        assert isinstance(result.handler_error, AlexaApiError)
        assert not isinstance(result.handler_error, PermissionRequired)
    result = skill_client(skill, permissions=[], faults={"given_name": 403}).launch()
    assert result.card == card


def test_a_permission_that_is_no_scope_name_is_refused_naming_the_scope_meant() -> None:
    # permissions=["given_name"] was taken: the fake granted no such scope, the skill's
    # given_name() call got the consent card, and the test failed far from its mistake.
    told = r"permissions\[0\] is 'given_name': .*Scope\.GIVEN_NAME.*alexa::profile:given_name:read"
    with pytest.raises(ValueError, match=told):
        FakeAlexaApi(permissions=["given_name"])
    with pytest.raises(ValueError, match=r"permissions\[1\] is 'profile'"):
        FakeAlexaApi(permissions=[Scope.GIVEN_NAME, "profile"])
    assert FakeAlexaApi(permissions=["alexa::devices:all:geolocation:read"]).granted(
        "alexa::devices:all:geolocation:read"
    )
