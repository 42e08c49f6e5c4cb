"""The WARNING that says why a request was refused, for the web service and AWS Lambda alike:
once a kind every `REFUSAL_WARNING_EVERY` seconds, naming the id a stray request carried and the
skill's own (a mistyped id tells itself apart from a request for another skill); and the one
said at start by a skill served with the placeholder id (`say_placeholder_ids`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .exceptions import RequestError, SkillIdError
from .logs import logger, refusal
from .shown_names import shown_value
from .skill_ids_given import PLACEHOLDER_SKILL_ID

if TYPE_CHECKING:
    from collections.abc import Iterable, Set

    from .log_repeats import Repeats

__all__ = ["REFUSAL_WARNING_EVERY", "say_placeholder_ids", "warn_refused"]

#: Seconds between two warnings about refused requests of one kind (`warn_refused`).
REFUSAL_WARNING_EVERY: Final = 10.0


def warn_refused(said: Repeats, skill_ids: Set[str] | None, exc: RequestError) -> None:
    """Say why a request was refused: once a kind (`refusal`) every `REFUSAL_WARNING_EVERY`
    seconds (``said``, the skill's), with how many of that kind went unsaid since. Each refused
    request has its request line anyway; a flood of forged requests must not write two lines
    each."""
    kind = refusal(exc)
    unsaid = said.unsaid(kind, _say_unsaid_refusals)
    if unsaid is None:
        return
    reason = str(exc)
    named = exc.application_id if isinstance(exc, SkillIdError) else None
    if named is not None and skill_ids is not None:
        # The id it named and ours (no user data) tell a stray request from a mistyped id.
        ours = ", ".join(sorted(skill_ids))
        if named == PLACEHOLDER_SKILL_ID:  # never a skill's: not to be set as this one's
            first = min(skill_ids)
            hint = (
                "the placeholder id of alexaskill's tools, never a skill's: make the request"
                f" with `alexaskill request TYPE --skill-id {first}`"
            )
        else:
            hint = (
                "if it is this skill's id, as the developer console shows it, give it to "
                "Skill(skill_id=...), or set ALEXASKILL_SKILL_ID for settings_from_env()"
            )
        reason = f"{reason}: {shown_value(named)}, not {ours} ({hint})"
    detail = getattr(exc, "detail", None)  # a certificate download's error: what to check
    if detail:
        reason = f"{reason} ({detail})"
    if not unsaid:
        logger.warning("refused request: %s", reason)
    else:
        logger.warning(
            "refused request: %s (%s more %s since the last such line)", reason, f"{unsaid:,}", kind
        )


def say_placeholder_ids(skill_ids: Iterable[Set[str] | None]) -> None:
    """Say at start, once, that a skill's one id is `PLACEHOLDER_SKILL_ID` (the examples' id,
    left in place): Alexa's requests carry the skill's own, and each would be refused, the first
    saying why only as it came. Not under ``serve --dev``, whose simulator sends that id."""
    if any(ids is not None and set(ids) == {PLACEHOLDER_SKILL_ID} for ids in skill_ids):
        logger.warning(
            "the skill id is %s, the examples' placeholder: Alexa's requests will be refused; "
            "give the console's id to Skill(skill_id=...) or ALEXASKILL_SKILL_ID",
            PLACEHOLDER_SKILL_ID,
        )


def _say_unsaid_refusals(kind: str, unsaid: int) -> None:
    """The warning of the refusals of one kind left unsaid when their window ended (a flood of
    forged requests that stopped), or at shutdown."""
    logger.warning("refused request: %s more %s since the last such line", f"{unsaid:,}", kind)
