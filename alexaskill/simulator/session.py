"""One simulated user on one device: a `Conversation` with a skill, its requests signed here.

The dialog emulation is `alexaskill.understanding.Conversation`, the one ``client.say()``
and ``alexaskill chat`` use; this module only gives it a transport that signs each request with
the development key and posts it to the app in this process, and turns each `Turn` into the
JSON the page shows (with the whole envelope sent, its signature headers and the calls the skill
made to Alexa's service APIs).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..app import Skill
    from ..testing import FakeAlexaApi, TestPKI
    from ..understanding import Conversation, Turn, Understander

__all__ = ["Post", "Simulation", "SkillTarget"]

#: Posts a signed body to a path of the app: ``(path, body, headers) -> (status, JSON or None)``.
Post = Callable[[str, bytes, Mapping[str, str]], tuple[int, Any]]

# Interfaces a device with a screen declares (Amazon's "Alexa.Presentation.APL Interface" and
# "Display Interface" references): with either, an answer without shouldEndSession keeps the
# session open (the Conversation follows that rule).
_SCREEN_INTERFACES = frozenset({"Alexa.Presentation.APL", "Display"})


@dataclass(frozen=True)
class SkillTarget:
    """A skill the simulator talks to, and the path that reaches it in the served app."""

    path: str
    skill: Skill

    @property
    def skill_id(self) -> str:
        """The application id the simulated requests carry: the skill's own (its first)."""
        from ..testing import DEFAULT_SKILL_ID

        return min(self.skill.skill_ids) if self.skill.skill_ids else DEFAULT_SKILL_ID


@dataclass(frozen=True)
class _Reply:
    status_code: int
    json: Any


@dataclass
class _Sent:
    envelope: dict[str, Any]
    headers: dict[str, str]


@dataclass
class _Transport:
    """The `Conversation`'s transport: envelope, session and signature added, posted in-process."""

    target: SkillTarget
    pki: TestPKI
    post: Post
    locale: str
    interfaces: tuple[str, ...]
    api_endpoint: str
    session: dict[str, Any] | None = None
    sent: list[_Sent] = field(default_factory=list)

    def __post_init__(self) -> None:
        from ..testing import RequestFactory

        self.factory = RequestFactory(
            skill_id=self.target.skill_id,
            locale=self.locale,
            interfaces=self.interfaces,
            api_endpoint=self.api_endpoint,
        )

    def send(self, request: Mapping[str, Any], *, new_session: bool) -> _Reply:
        """Sign and post ``request`` in this transport's session (a new one if asked)."""
        request_type = str(request["type"])
        if new_session or self.session is None:
            self.session = self.factory.session()
        envelope = self.factory.turn(request, self.session)
        body = json.dumps(envelope, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", **self.pki.sign(body)}
        self.sent.append(_Sent(envelope, headers))
        status, payload = self.post(self.target.path, body, headers)
        ended = request_type == "SessionEndedRequest" or (
            isinstance(payload, dict)
            and isinstance(payload.get("response"), dict)
            and payload["response"].get("shouldEndSession") is True
        )
        if status != 200 or ended:
            self.session = None
        elif isinstance(payload, dict):
            attributes = payload.get("sessionAttributes")
            self.session = {
                **self.session,
                "new": False,
                "attributes": attributes if isinstance(attributes, dict) else {},
            }
        return _Reply(status, payload)


class Simulation:
    """What one page of the simulator talks to: a conversation, a device and a locale.

    ``understander`` gives the `Understander` for a locale (built once per skill and locale by
    the simulator). Each change of device or locale starts a new session, as a new device would.
    The simulator runs one turn at a time (the calls to Alexa's service APIs are told apart so).
    """

    def __init__(
        self,
        target: SkillTarget,
        *,
        pki: TestPKI,
        post: Post,
        api: FakeAlexaApi,
        api_endpoint: str,
        understander: Callable[[str], Understander],
        locale: str,
        interfaces: Sequence[str],
    ) -> None:
        self.target = target
        self.pki = pki
        self.post = post
        self.api = api
        self.api_endpoint = api_endpoint
        self._understander = understander
        self.locale = locale
        self.interfaces = tuple(interfaces)
        self.transport = self._transport()
        self.conversation = self._conversation()

    def _transport(self) -> _Transport:
        return _Transport(
            self.target,
            self.pki,
            self.post,
            self.locale,
            self.interfaces,
            self.api_endpoint,
        )

    def _conversation(self) -> Conversation:
        from ..understanding import Conversation

        screen = bool(_SCREEN_INTERFACES & set(self.interfaces))
        return Conversation(self._understander(self.locale), self.transport, screen=screen)

    @property
    def screen(self) -> bool:
        """Whether the simulated device has a screen."""
        return self.conversation.screen

    def configure(self, locale: str, interfaces: Sequence[str]) -> list[str]:
        """Move to another locale or device (a new session); what changed, as notes."""
        interfaces = tuple(dict.fromkeys(interfaces))
        notes = []
        if locale != self.locale:
            # Understood first: an unsupported locale leaves the simulation as it was.
            self._understander(locale)
            notes.append(f"now speaking {locale}")
        if set(interfaces) != set(self.interfaces):
            shown = ", ".join(interfaces) if interfaces else "no interfaces"
            notes.append(f"now a device with {shown}")
        if notes:
            self.locale, self.interfaces = locale, interfaces
            self.transport = self._transport()
            self.conversation = self._conversation()
            notes.append("a new session")
        return notes

    # --- what the page asks for (each runs in a worker thread) ----------------------------------

    def say(self, text: str) -> dict[str, Any]:
        """The user says ``text``."""
        return self._run(lambda: self.conversation.say(text))

    def launch(self) -> dict[str, Any]:
        """The user opens the skill: a LaunchRequest in a new session."""
        return self._run(self.conversation.launch)

    def end(self) -> dict[str, Any]:
        """The user ends the session: a SessionEndedRequest (USER_INITIATED)."""
        return self._run(self.conversation.end)

    def new_session(self) -> None:
        """Forget the session and any dialog: the next request starts a new session."""
        self.conversation.new_session()
        self.transport.session = None

    def _run(self, step: Callable[[], Turn]) -> dict[str, Any]:
        first_sent = len(self.transport.sent)
        first_call = len(self.api.calls)
        turn = step()
        sent = self.transport.sent[first_sent:]
        del self.transport.sent[:]
        calls = self.api.calls[first_call:]
        data = turn.to_json()
        for exchange, record in zip(data["exchanges"], sent, strict=False):
            exchange["envelope"] = record.envelope
            exchange["headers"] = record.headers
        data["apiCalls"] = [
            {
                "operation": call.operation,
                "method": call.method,
                "path": call.path,
                "status": call.status,
                "speech": call.speech,
            }
            for call in calls
        ]
        return data

    def state(self) -> dict[str, Any]:
        """The session and device as the page shows them."""
        session = self.transport.session if self.conversation.in_session else None
        return {
            "locale": self.locale,
            "interfaces": list(self.interfaces),
            "screen": self.screen,
            "skillPath": self.target.path,
            "skillId": self.target.skill_id,
            "session": None
            if session is None
            else {
                "sessionId": session.get("sessionId"),
                "new": session.get("new"),
                "attributes": session.get("attributes") or {},
            },
        }
