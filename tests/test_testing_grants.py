"""The permissions the test tools put in the requests they send: the scopes the simulated user
granted (`FakeAlexaApi.permissions`), as ``context.System.user.permissions``."""

from __future__ import annotations

from typing import Any

from alexaskill import Envelope, Skill, User, speak
from alexaskill.alexa_api import Scope
from alexaskill.testing import SkillClientFactory

SKILL_ID = "amzn1.ask.skill.55555555-5555-5555-5555-555555555555"


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
