"""What the simulated user granted, in the requests the test tools send.

Alexa tells a skill which permissions the user granted it in ``context.System.user`` (and
``session.user``): ``permissions.scopes``, each scope granted as ``{"status": "GRANTED"}``, and
the deprecated ``consentToken``, the request's ``apiAccessToken``. The test client, ``chat``
and the simulator send the scopes their `FakeAlexaApi` grants (its ``permissions``; None: every
one of `Scope.ALL`), read at each request, so that a skill that checks ``user.granted(...)``
before it calls an API is tested as Alexa runs it. A user who granted nothing has no
``permissions`` (as one who never saw a consent card).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["grant_scopes"]


def grant_scopes(envelope: dict[str, Any], permissions: Iterable[str] | None) -> None:
    """Put the ``permissions`` of a user who granted ``permissions`` (scope names; None: every
    one) in ``envelope``'s users, as new user objects (the session's stays as it was kept). A
    user object that has ``permissions`` already (``factory.user = {"permissions": ...}``, a
    request a test wrote) keeps them."""
    from ..alexa_api import Scope

    granted = tuple(Scope.ALL if permissions is None else dict.fromkeys(permissions))
    if not granted:
        return
    context = envelope.get("context")
    system = context.get("System") if isinstance(context, dict) else None
    if not isinstance(system, dict):
        return
    given = {
        "consentToken": system.get("apiAccessToken"),
        "scopes": {scope: {"status": "GRANTED"} for scope in granted},
    }
    session = envelope.get("session")
    for holder in (system, session):
        user = holder.get("user") if isinstance(holder, dict) else None
        if isinstance(holder, dict) and isinstance(user, dict) and "permissions" not in user:
            holder["user"] = {**user, "permissions": given}
