"""What `TestClient` says as a user would: `say` and `silence`, Alexa's part played from the
skill's interaction model (`alexaskill.understanding`)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import functools
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from ..articles import type_with_article
from ..models import SCREEN_INTERFACES
from ..shown_names import shown_value
from .options import checked_callable
from .requests import device_time
from .response import SkillResponse

if TYPE_CHECKING:
    from ..app import Skill
    from ..understanding import InteractionModel, Understander
    from ..understanding.dialog import Conversation, Turn
    from .alexa_api import FakeAlexaApi
    from .client import TestClient
    from .requests import RequestFactory

__all__ = ["ClientTransport", "IntentInModel", "Talking"]


class IntentInModel(NamedTuple):
    """What the client's model says of an intent `TestClient.intent` sends."""

    #: What resolves a value of one of its slots (``resolve(slot, value)``), or None.
    resolve: Callable[[str, str], Mapping[str, Any] | None] | None
    #: Its slots, in the model's order.
    defined: tuple[str, ...]
    #: Its delegation strategy in the dialog model (None: not in the dialog model).
    delegation: str | None
    #: Whether the model has the intent.
    known: bool


class Talking:
    """`TestClient`'s conversation through the skill's model (a part of the client)."""

    skill: Skill
    factory: RequestFactory
    last: SkillResponse | None
    invocation: str | None
    local_now: Callable[[], _dt.datetime] | None
    _now: Callable[[], _dt.datetime] | None
    _model: InteractionModel | str | os.PathLike[str] | Mapping[str, Any] | None
    _session: dict[str, Any] | None
    _understanding: Understander | None
    _conversation: Conversation | None
    _said: SkillResponse | None
    api: FakeAlexaApi

    def _intent_model(self, intent: str) -> IntentInModel:
        """What the client's model says of ``intent``: what resolves its slot values
        (`Understander.resolutions`), the names of its slots, which Alexa sends all, and its
        place in the dialog model. Nothing when the skill's model cannot be built: the slots go
        as given, unresolved, and the dialog state as given."""
        from ..exceptions import ConfigurationError

        if not isinstance(intent, str) or not intent.strip():  # (before send()'s advice)
            kind = TypeError if not isinstance(intent, str) else ValueError
            raise kind(f"give the intent's name as a str, as Alexa names it: not {intent!r}")

        try:
            understander = self._understander()
        except ConfigurationError:
            # The model's mistake is `say`'s to report, or `alexaskill model`'s.
            return IntentInModel(None, (), None, known=False)
        found = understander.intents.get(intent)
        defined = tuple(slot.name for slot in found.slots) if found is not None else ()
        dialog = understander.model.dialog.get(intent)
        return IntentInModel(
            functools.partial(understander.resolutions, intent),
            defined,
            dialog.delegation if dialog is not None else None,
            known=found is not None,
        )

    @property
    def conversation(self) -> Conversation:
        """Alexa's side of the conversation `say` holds: understanding, session, dialog.

        Built on first use from the client's ``model`` (an ASK CLI model file, its JSON, or an
        `InteractionModel`; by default the one ``alexaskill model`` builds from the skill's
        code) and locale; built again when the locale or the skill id changes.
        """
        from ..understanding.dialog import Conversation

        understander = self._understander()
        if self._conversation is None or self._conversation.understander is not understander:
            client = cast("TestClient", self)  # the part of a TestClient this mixin is
            self._conversation = Conversation(
                understander, ClientTransport(client), now=self._local_now
            )
        self._conversation.screen = not SCREEN_INTERFACES.isdisjoint(self.factory.interfaces)
        # What a request said outside a session reaches: "pause" goes to the skill playing.
        self._conversation.player = (
            self.factory.player.context() if "AudioPlayer" in self.factory.interfaces else None
        )
        return self._conversation

    def _understander(self) -> Understander:
        """The client's model, understood in its locale: built on first use (by `say`, or to
        resolve `intent`'s slot values), and again when the locale or the skill id (which names
        the entity-resolution authorities) changes."""
        from ..understanding import InteractionModel, Understander, load_model, model_from_skill

        understander = self._understanding
        if (
            understander is None
            or understander.locale != self.factory.locale
            or understander.skill_id != self.factory.skill_id
        ):
            if self._model is None:
                model = model_from_skill(
                    self.skill, locale=self.factory.locale, invocation=self.invocation
                )
            elif isinstance(self._model, InteractionModel):
                model = self._model
            else:
                model = load_model(self._model, locale=self.factory.locale)
            # Resolving `intent`'s values needs no language; `say` in a locale understanding
            # does not know raises the error that names it.
            understander = Understander(
                model,
                locale=self.factory.locale,
                skill_id=self.factory.skill_id,
                resolve_only=True,
            )
            self._understanding = understander
        return understander

    def _local_now(self) -> _dt.datetime:
        """The user's date and time, for what `say` hears ("today", "tomorrow"): ``local_now``,
        else the time of the request (the client's clock, else the real one) in the device's
        time zone, the fake API's ``time_zone`` (UTC when it has none), as `AlexaApi.now` and
        ``today`` read it in the skill. UTC too for an `UnknownZone` (no tz data here has it,
        and the skill's `AlexaApi.now` fails on it): give ``local_now`` for another time."""
        if self.local_now is not None:
            return checked_callable("local_now", self.local_now)()
        now = None if self._now is None else self._now()
        try:
            return device_time(now, self.api.time_zone)
        except ValueError:  # (the fake's zone is checked: one unknown here is an UnknownZone)
            return device_time(now, None)

    def say(self, utterance: str) -> SkillResponse:
        """Say ``utterance`` as a user would, and return the skill's answer.

        Alexa's part is played from the skill's interaction model: the utterance is understood
        (``.understood`` explains how; ``.request`` is what was sent), sent signed in the
        client's session (a new one when none is open, or when the utterance opens the skill by
        name), and dialogs run as Alexa runs them: the dialog model's prompts (``.prompt``),
        slots filled from the next utterance, confirmations, validations, ``dialogState``.
        One utterance can send several requests (``.turn.exchanges``), or none when Alexa
        answers alone (an auto-delegated dialog asking for a slot): then ``status_code`` is 0
        and ``json`` None. `ValueError` for an utterance of no words: silence is `silence`.
        """
        if not isinstance(utterance, str):  # (None, bytes: a mistake deep in understanding)
            kind = type_with_article(utterance)
            if utterance is not None:  # (None: the type named is its repr, said once)
                kind += f": {shown_value(utterance)}"
            raise TypeError(f"say() takes what the user says as a str, not {kind}")
        if not utterance.strip():  # (Alexa sends nothing for it: the user is silent)
            raise ValueError(
                f"say({shown_value(utterance)}): nothing to say; a user who says nothing is "
                "silent, client.silence() (Alexa plays the reprompt, then ends the session)"
            )
        return self._talk(lambda conversation: conversation.say(utterance))

    def silence(self) -> SkillResponse:
        """Say nothing after an answer that opened the microphone, as a user who is silent.

        The first time Alexa plays the answer's reprompt (or asks the dialog model's question
        again): nothing is sent, ``.heard`` is the reprompt. Silent again, or when there was
        no reprompt, the skill gets a SessionEndedRequest (``EXCEEDED_MAX_REPROMPTS``) and the
        session ends.
        """
        return self._talk(lambda conversation: conversation.silence())

    def _talk(self, act: Callable[[Conversation], Turn]) -> SkillResponse:
        conversation = self.conversation
        if self.last is not self._said:
            # Requests sent without say() since: the session is the client's, not a dialog.
            body = self.last.json if self.last is not None else None
            answer = body.get("response") if isinstance(body, dict) else None
            conversation.adopt(
                self._session is not None, answer if isinstance(answer, dict) else None
            )
        turn = act(conversation)
        reply = turn.reply
        result = reply if isinstance(reply, SkillResponse) else SkillResponse(0, None)
        result = dataclasses.replace(
            result,
            understood=turn.understood,
            prompt=turn.prompt,
            turn=turn,
        )
        self.last = self._said = result
        return result


class ClientTransport:
    """The test client as the transport of a `Conversation`."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        #: The session of the last request as it was sent: a SessionEndedRequest (ERROR) ends
        #: it if the `Conversation` refused the answer (`refused_session`).
        self.ending: dict[str, Any] | None = None

    def send(self, request: Mapping[str, Any], *, new_session: bool) -> SkillResponse:
        """Send the ``request`` object in the client's session (a new one if asked). Alexa's
        SessionEndedRequest (ERROR) after an answer it refused goes in that answer's session
        with the attributes from before it, though the client (which does not see refusals
        such as a dialog directive without a dialog model) carried the refused answer's."""
        from .requests import SESSION_TYPES
        from .sessions import refused_session

        client, kind = self.client, str(request["type"])
        if new_session:
            client.new_session()
        if client._session is None and kind in SESSION_TYPES and kind != "SessionEndedRequest":
            client._session = client.factory.session()  # (as the client opens one)
        sent_in = client._session
        if request.get("reason") == "ERROR" and self.ending is not None and not new_session:
            client._ending = self.ending  # (the client sends a SessionEndedRequest in it)
        fields = {key: value for key, value in request.items() if key != "type"}
        result = client.send(kind, **fields)
        self.ending = refused_session(sent_in, kind)
        return result
