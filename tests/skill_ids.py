"""The skill ids the tests' skills answer to: one place for them, not one per module.

tests/conftest.py re-exports them (`from tests.conftest import SKILL_ID`, as most modules import
them); a helper module that conftest imports before it defines anything (tests/verify_shared.py)
imports them from here. None is the test tools' placeholder (alexaskill.testing.DEFAULT_SKILL_ID):
a test that means that one imports it by its name."""

from __future__ import annotations

from typing import Final

#: The skill id the tests' skills answer to.
SKILL_ID: Final = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"
#: A second skill's id: another skill of the same app, a request for another skill, an id
#: ALEXASKILL_SKILL_ID names beside the skill's own.
OTHER_SKILL_ID: Final = "amzn1.ask.skill.22222222-2222-2222-2222-222222222222"
#: A third, neither of those: an app's third skill, the id --skill-id gives over both.
THIRD_SKILL_ID: Final = "amzn1.ask.skill.66666666-6666-6666-6666-666666666666"
#: A fourth: an app's fourth skill, beside THIRD_SKILL_ID's.
FOURTH_SKILL_ID: Final = "amzn1.ask.skill.77777777-7777-7777-7777-777777777777"
#: The skill of an app module that a CLI test writes for `serve` or `chat` to import.
APP_SKILL_ID: Final = "amzn1.ask.skill.33333333-3333-3333-3333-333333333333"
#: A user's own skill's id, as the developer console shows one: in Alexa's requests, the shell.
DEPLOYED_SKILL_ID: Final = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
#: A lone skill's id, one digit off the test tools' placeholder (DEFAULT_SKILL_ID).
NEAR_DEFAULT_SKILL_ID: Final = "amzn1.ask.skill.00000000-0000-0000-0000-000000000001"
