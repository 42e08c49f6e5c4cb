"""The session a simulated device carries from one request to the next, as the skill answers.

The transports of the offline loop (``alexaskill chat --url``, the simulator) share it, so that
they follow a session as Alexa does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .requests import SESSION_TYPES

__all__ = ["carried_session"]


def carried_session(
    session: Mapping[str, Any] | None, request_type: str, payload: Any
) -> dict[str, Any] | None:
    """The session the next request carries after the skill answered ``payload`` to a
    ``request_type`` sent in ``session``: no longer new, with the answer's
    ``sessionAttributes`` (none if it has none).

    A request Alexa sends outside any session (an ``AudioPlayer.*`` or
    ``PlaybackController.*`` event) leaves ``session`` as it was: Alexa ignores the session
    in the answer to one (Amazon's AudioPlayer and PlaybackController references), so its
    ``sessionAttributes`` never reach the user's conversation.
    """
    if session is None:
        return None
    if request_type not in SESSION_TYPES:
        return dict(session)
    found = payload.get("sessionAttributes") if isinstance(payload, dict) else None
    return {**session, "new": False, "attributes": found if isinstance(found, dict) else {}}
