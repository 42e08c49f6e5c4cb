"""The requests `TestClient` sends by kind (`launch`, `intent`, `can_fulfill`, `session_ended`,
`audio_event`, `replay`): each built here and sent by the client's `send` (a part of the client).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..shown_names import shown_value
from .options import checked_clock
from .player import PLAYER_EVENTS
from .request_fields import check_slot_names, given_slots
from .requests import (
    can_fulfill_fields,
    dialog_state_for,
    intent_fields,
    load_request,
    refresh,
    session_ended_fields,
)

if TYPE_CHECKING:
    from .requests import RequestFactory
    from .response import SkillResponse
    from .talking import IntentInModel

__all__ = ["RequestKinds"]


class RequestKinds:
    """`TestClient`'s requests by kind, each a `send` of the request Alexa sends (a part of
    the client)."""

    factory: RequestFactory
    _now: Callable[[], _dt.datetime] | None
    _session: dict[str, Any] | None
    _ending: dict[str, Any] | None

    if TYPE_CHECKING:

        @property
        def skill_id(self) -> str:
            """The application id the requests carry (`SimulatedDevice`)."""

        def send(
            self, request_type: str, *, session: Mapping[str, Any] | None = None, **fields: Any
        ) -> SkillResponse:
            """Send a request of any type (`TestClient.send`)."""

        def send_envelope(self, envelope: Mapping[str, Any]) -> SkillResponse:
            """Sign ``envelope`` as Alexa would and send it (`TestClient.send_envelope`)."""

        def _intent_model(self, intent: str) -> IntentInModel:
            """What the client's model says of ``intent`` (`Talking`)."""

    def audio_event(self, event: str, **fields: Any) -> SkillResponse:
        """The device's audio player reports ``event`` (``"PlaybackStarted"``,
        ``"PlaybackNearlyFinished"``, ``"PlaybackFinished"``, ``"PlaybackStopped"``,
        ``"PlaybackFailed"``) about the stream it holds: `send` of ``AudioPlayer.<event>``.

        ``fields`` replace the player's (``offsetInMilliseconds=…``, a PlaybackFailed's
        ``error``). `ValueError` when the player holds no stream and no ``token`` is given (or
        ``token=None``: Alexa names the stream of every event).
        """
        if not isinstance(event, str):
            raise TypeError(
                "give the audio player's event as a str ('PlaybackStarted'), not "
                f"{shown_value(event)}"
            )
        if event not in PLAYER_EVENTS:
            raise ValueError(
                f"no audio player event {shown_value(event)}; one of {', '.join(PLAYER_EVENTS)}"
            )
        if fields.get("token", self.factory.player.token) is None:  # (token=None: none)
            raise ValueError(
                f"AudioPlayer.{event} is about the stream the player holds, and it holds none: "
                "give token=..., or have the skill's AudioPlayer.Play start one first"
            )
        return self.send(f"AudioPlayer.{event}", **fields)

    def launch(self) -> SkillResponse:
        """Send a LaunchRequest ("Alexa, open …"), in the session open if any (``new`` false)."""
        return self.send("LaunchRequest")

    def intent(
        self,
        name: str,
        /,
        *,
        dialog_state: str | None = None,
        confirmation_status: str = "NONE",
        slots: Mapping[str, Any] | None = None,
        **slot_values: Any,
    ) -> SkillResponse:
        """Send an IntentRequest; each keyword is a slot (a str, number, Enum member, list, or
        a slot dict sent as it is); a slot named as a keyword of this method goes in ``slots``,
        a mapping of name to value (``slots={"confirmation_status": "yes"}``).

        As Alexa does, the request carries every slot the intent has in the client's model, those
        not given without a value (a slot the model lacks is sent all the same, after them,
        unless its name is close to one the intent has: a `ValueError` naming that one). A
        value of a slot whose type is a custom one of the model comes with the entity resolution
        Alexa sends: the values it is the name or a synonym of, or no match.

        An intent of the dialog model comes with the ``dialogState`` Alexa sends first:
        ``STARTED`` when the skill delegates the dialog itself (``auto_delegate=False``),
        ``COMPLETED`` when Alexa runs it alone (auto delegation); ``dialog_state`` gives another
        (``"IN_PROGRESS"``, the next turns: sent as given, in a new session if none is open).
        Any other intent has none: a ``dialog_state`` for it is a `ValueError` (`send` builds
        any request).
        """
        model = self._intent_model(name)
        given = given_slots(slots, slot_values)
        check_slot_names(name, given, model.defined)
        state = dialog_state_for(name, dialog_state, model.delegation, known=model.known)
        fields = intent_fields(
            name, state, confirmation_status, given, model.resolve, model.defined
        )
        return self.send("IntentRequest", **fields)

    def can_fulfill(
        self, name: str, /, *, slots: Mapping[str, Any] | None = None, **slot_values: Any
    ) -> SkillResponse:
        """Ask, as Alexa does before a name-free request, whether the skill can fulfill intent
        ``name`` with the slots heard, as keywords (a str, number, Enum member, list, or a slot
        dict sent as it is; one named ``slots`` in the ``slots`` mapping, as `intent` takes
        it): a CanFulfillIntentRequest, answered by the skill's ``@skill.can_fulfill`` handler
        (``.json["canFulfillIntent"]``).

        The request is the one Alexa sends (`can_fulfill_fields`): the slots heard only, with
        their entity resolution from the client's model, no ``dialogState`` and nothing
        confirmed. It comes in a session of its own: the probe neither joins nor changes the
        client's conversation.
        """
        model = self._intent_model(name)
        given = given_slots(slots, slot_values)
        check_slot_names(name, given, model.defined)
        fields = can_fulfill_fields(name, given, model.resolve)
        return self.send("CanFulfillIntentRequest", session=self.factory.session(), **fields)

    def session_ended(self, reason: str = "USER_INITIATED", **fields: Any) -> SkillResponse:
        """End the open session with a SessionEndedRequest (`ValueError` if none is open: Alexa
        sends none then); with ``reason="ERROR"``, an ``error`` as Alexa sends one
        (``INVALID_RESPONSE``) unless ``error=`` gives it. `send` builds any request."""
        ended = session_ended_fields(reason, fields)
        if self._session is None and self._ending is None:
            raise ValueError(
                "session_ended(): no session is open, and Alexa sends a SessionEndedRequest only "
                "to end an open one (never after an answer that ended it, with shouldEndSession "
                "true or, on a device without a screen, left out): open a session first with "
                "launch() or intent(...), and keep it open (ask(...))"
            )
        return self.send("SessionEndedRequest", **ended)

    def replay(
        self,
        source: str | os.PathLike[str] | Mapping[str, Any],
        *,
        keep_skill_id: bool = False,
        skill_id: str | None = None,
        locale: str | None = None,
    ) -> SkillResponse:
        """Send a sample request (a file path or a parsed envelope) as Alexa would, freshly signed.

        The timestamp is made fresh and, unless ``keep_skill_id``, the application ids are set
        to ``skill_id`` (default: the client's), so sample requests from anywhere reach the
        skill. ``locale`` replaces the request's locale. The request keeps its own session: a
        replay neither joins nor changes the client's conversation.
        """
        if keep_skill_id and skill_id is not None:  # (the file's ids, or this one?)
            raise ValueError("replay() takes keep_skill_id=True or skill_id=, not both")
        envelope = load_request(source)
        if not keep_skill_id and skill_id is None:
            skill_id = self.skill_id
        refresh(
            envelope,
            now=checked_clock(self._now),
            skill_id=None if keep_skill_id else skill_id,
            locale=locale,
        )
        return self.send_envelope(envelope)
