"""One simulated user on one device: a `Conversation` with a skill, its requests signed here.

The dialog emulation is `alexaskill.understanding.Conversation`, the one ``client.say()``
and ``alexaskill chat`` use; this module only gives it a transport that signs each request with
the development key and posts it to the app in this process, and turns each `Turn` into the
JSON the page shows (with the whole envelope sent, its signature headers and the calls the skill
made to Alexa's service APIs).
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ..handler_bugs import is_not_a_reply
from ..models import SCREEN_INTERFACES

if TYPE_CHECKING:
    from ..app import Skill
    from ..exceptions import RuleViolation
    from ..testing import ApiCall, FakeAlexaApi, TestPKI
    from ..understanding import Conversation, Turn, Understander
    from .device_events import DeviceEvent

__all__ = ["Post", "Simulation", "SkillTarget", "serve_api"]

#: Posts a signed body to a path of the app: ``(path, body, headers) -> (status, JSON or None)``.
Post = Callable[[str, bytes, Mapping[str, str]], tuple[int, Any]]

#: The request ids a simulation remembers, to tell its late progressive responses from others'.
_REMEMBERED_REQUESTS: Final = 256

#: The turn whose request is being posted, in the context the skill answers it in: what tells
#: the failure of a turn's request with no id from another client's, also told with "".
_TURN: Final[ContextVar[object | None]] = ContextVar("alexaskill_simulator_turn", default=None)


def serve_api(api: FakeAlexaApi, owner: object) -> tuple[Callable[[], object], str]:
    """Serve ``api``, the fake service APIs ``owner``'s simulations call: what stops it (once,
    whoever calls it first), and its URL.

    Stopped when ``owner`` is collected, or as the interpreter exits at the latest (the app's
    shutdown stops it first, if the app's lifespan reaches the simulator): not held for the
    exit while the owner lives no more, nor left to the interpreter's last collection, its
    server thread frozen by then and the process hung at exit.
    """
    import weakref

    stack = contextlib.ExitStack()
    endpoint = stack.enter_context(api.serve())
    return weakref.finalize(owner, stack.close), endpoint


@dataclass(frozen=True)
class SkillTarget:
    """A skill the simulator talks to, and the path that reaches it in the served app."""

    path: str
    skill: Skill

    @functools.cached_property
    def skill_id(self) -> str:
        """The application id the simulated requests carry, as chat's: `own_skill_id`'s."""
        from ..cli.request_origin import own_skill_id

        return own_skill_id(self.skill)


@dataclass(frozen=True)
class _Reply:
    status_code: int
    json: Any
    #: What the app dropped from the answer for breaking Alexa's rules (logged at ERROR).
    violations: tuple[RuleViolation, ...] = ()
    #: The directives the app dropped for an interface the device does not declare.
    unsupported: tuple[str, ...] = ()
    #: Why Alexa refuses the answer, a JSON object sent with HTTP 200 (`_refusal`), or None.
    refusal: str | None = None


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
    #: The fake Alexa APIs: told which request is being answered, to refuse late progressive
    #: responses as Alexa does (None: not told).
    api: FakeAlexaApi | None = None
    session: dict[str, Any] | None = None
    #: The session of the last request, which a SessionEndedRequest (ERROR) ends if Alexa
    #: refused its answer (`refused_session`).
    ending: dict[str, Any] | None = None
    #: The page's audio player, as the context's ``AudioPlayer`` (None: an idle player).
    player: dict[str, Any] | None = None
    sent: list[_Sent] = field(default_factory=list)
    #: The exceptions the skill's handlers raised (answered with the apology), oldest first.
    raised: list[Exception] = field(default_factory=list)
    #: The requests sent lately, newest last, by the fake's names (`FakeAlexaApi.issued`: the
    #: id; for one with none, a name of its own, not "", which other clients' may share).
    request_ids: deque[str] = field(default_factory=lambda: deque(maxlen=_REMEMBERED_REQUESTS))

    def __post_init__(self) -> None:
        from ..testing import RequestFactory

        self.factory = RequestFactory(
            skill_id=self.target.skill_id,
            locale=self.locale,
            interfaces=self.interfaces,
            api_endpoint=self.api_endpoint,
        )

    def send_event(self, request: Mapping[str, Any], player: Mapping[str, Any]) -> _Reply:
        """Sign and post an AudioPlayer event: outside any session (Alexa sends none with it,
        and the user's session, if one is open, goes on untouched), ``player`` as the
        context's ``AudioPlayer``."""
        envelope = self.factory.turn(request, None)
        envelope["context"]["AudioPlayer"] = dict(player)
        return self._sign_and_post(envelope)

    def _sign_and_post(self, envelope: dict[str, Any]) -> _Reply:
        from ..testing.grants import grant_scopes
        from ..testing.violations import recording_violations

        if self.api is not None:  # the scopes the user granted, as Alexa's requests say
            grant_scopes(envelope, self.api.permissions)

        body = json.dumps(envelope, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", **self.pki.sign(body)}
        self.sent.append(_Sent(envelope, headers))
        from ..answering import failed_request_id
        from ..testing.violations import request_id_of

        skill = self.target.skill
        listener = skill.on_handler_error
        # "" for a request with no requestId, as the skill and the test client name it (not
        # str(None): no failure, violation or late progressive response of it would match).
        request_id = request_id_of(body)
        # Its token and device are the skill's, for Alexa's APIs; while the skill answers, its
        # calls are its own (one with no requestId too), its progressive responses taken.
        answering: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
        named = request_id
        if self.api is not None:
            named = self.api.issued(envelope)
            answering = self.api.answering(named)
        self.request_ids.append(named)
        turn = object()

        def tell(exc: Exception) -> None:
            # Not another client's, answered meanwhile: its id is not this one's, or (both
            # "", a request with none) it failed outside this post's context, which the app's
            # task inherits (anyio's portal and httpx's ASGI transport carry it).
            if failed_request_id() == request_id and (request_id or _TURN.get() is turn):
                self.raised.append(exc)
            if listener is not None:
                listener(exc)

        # Turns run one at a time: the listener is the simulator's for this request only.
        skill.on_handler_error = tell
        posting = _TURN.set(turn)
        try:
            with recording_violations() as heard, answering:
                status, payload = self.post(self.target.path, body, headers)
        finally:
            _TURN.reset(posting)
            skill.on_handler_error = listener
        violations = tuple(v for v in heard if v.request_id == request_id)
        unsupported = heard.unsupported(request_id)
        return _Reply(status, payload, violations, unsupported, _refusal(status, payload))

    def send(self, request: Mapping[str, Any], *, new_session: bool) -> _Reply:
        """Sign and post ``request`` in this transport's session (a new one if asked)."""
        from ..testing.sessions import answered_session, sessions_to_send

        request_type = str(request["type"])
        # Alexa's SessionEndedRequest (ERROR) after an answer it refused goes in that answer's
        # session, as it was before it (as in chat --url, the simulator and TestClient).
        self.session, self.ending = sessions_to_send(
            self.session, self.ending, request, new_session=new_session, start=self.factory.session
        )
        envelope = self.factory.turn(request, self.session)
        if self.player is not None and "AudioPlayer" in envelope["context"]:
            envelope["context"]["AudioPlayer"] = dict(self.player)
        reply = self._sign_and_post(envelope)
        # As TestClient's, chat --url's and replay --carry-session's: an answer Alexa refuses
        # ends the session whatever its HTTP status, its attributes never carried.
        self.session = answered_session(
            self.session, request_type, reply, interfaces=self.interfaces
        )
        return reply


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
        #: How many of the fake's ``late_progressive`` this simulation has looked through.
        self._late_seen = api.late_count

    def _transport(self) -> _Transport:
        return _Transport(
            self.target,
            self.pki,
            self.post,
            self.locale,
            self.interfaces,
            self.api_endpoint,
            self.api,
        )

    def _conversation(self) -> Conversation:
        from ..understanding import Conversation

        # With a screen, an answer without shouldEndSession keeps the session open (the
        # Conversation follows that rule).
        screen = not SCREEN_INTERFACES.isdisjoint(self.interfaces)
        understander = self._understander(self.locale)
        return Conversation(
            understander, self.transport, now=self._user_time, screen=screen, name_required=True
        )

    def _user_time(self) -> datetime.datetime:
        """The time on the simulated device's clock: in the fake Alexa API's time zone, as the
        skill's `AlexaApi.today()` reads it, else (none set, or not a zone) in UTC."""
        from ..testing.requests import device_time

        try:
            return device_time(None, self.api.time_zone)
        except ValueError:  # a zone the fake API gives as it is asked, not a real one
            return device_time(None, None)

    @property
    def screen(self) -> bool:
        """Whether the simulated device has a screen."""
        return self.conversation.screen

    def configure(self, locale: str, interfaces: Sequence[str]) -> list[str]:
        """Move to another locale or device (a new session); what changed, as notes."""
        interfaces = tuple(dict.fromkeys(interfaces))
        notes = []
        if locale == self.locale:  # the model as it is now (a model file edited since is read)
            self.conversation.understander = self._understander(locale)
        else:
            # Understood first: an unsupported locale leaves the simulation as it was.
            self._understander(locale)
            notes.append(f"now speaking {locale}")
        if set(interfaces) != set(self.interfaces):
            shown = ", ".join(interfaces) if interfaces else "no interfaces"
            notes.append(f"now a device with {shown}")
        if notes:
            self.locale, self.interfaces = locale, interfaces
            sent = self.transport.request_ids  # what is late for them is still this page's
            self.transport = self._transport()
            self.transport.request_ids.extend(sent)
            self.conversation = self._conversation()
            notes.append("a new session")
        return notes

    # --- what the page asks for (each runs in a worker thread) ----------------------------------

    def say(self, text: str) -> dict[str, Any]:
        """The user says ``text``: said with the skill's name in an open session, noted as
        `chat` notes it (a new session, the one open left)."""
        from ..cli.chat_show import NEW_SESSION_NOTE

        def step() -> Turn:
            was_open = self.conversation.in_session
            turn = self.conversation.say(text)
            understood = turn.understood
            if was_open and understood is not None and understood.new_session and turn.exchanges:
                turn.notes.append(NEW_SESSION_NOTE)
            return turn

        return self._run(step)

    def launch(self) -> dict[str, Any]:
        """The user opens the skill: a LaunchRequest in a new session."""
        return self._run(self.conversation.launch)

    def end(self) -> dict[str, Any]:
        """The user ends the session: a SessionEndedRequest (USER_INITIATED)."""
        return self._run(self.conversation.end)

    def silence(self) -> dict[str, Any]:
        """The user says nothing: the reprompt, then a SessionEndedRequest."""
        return self._run(self.conversation.silence)

    def device(self, event: DeviceEvent) -> dict[str, Any]:
        """The device reports ``event`` (its audio player's, or a media button pressed)."""
        from ..understanding import turns

        def step() -> Turn:
            reply = self.transport.send_event(event.request, event.player)
            exchange = turns.Exchange(event.request, reply)
            # Judged as a request's answer is: none in time, an HTTP error or no JSON object
            # (`no_answer`, the `Conversation`'s words), else the transport's judgement
            # (`_refusal`): a wrong envelope (no version, say) is refused as bad SSML is.
            unanswered = turns.no_answer(reply)
            exchange.refusal = unanswered[0] if unanswered is not None else reply.refusal
            return turns.Turn(None, exchanges=[exchange], session_open=self.conversation.in_session)

        return self._run(step)

    def hold(self, player: dict[str, Any] | None) -> None:
        """Where the page's audio player is, for the user's next request (its context, and
        what Alexa routes to the skill outside a session)."""
        self.transport.player = player
        self.conversation.player = player

    def new_session(self) -> None:
        """Forget the session and any dialog: the next request starts a new session."""
        self.conversation.new_session()
        self.transport.session = None

    def _run(self, step: Callable[[], Turn]) -> dict[str, Any]:
        first_sent = len(self.transport.sent)
        first_call = self.api.call_count
        del self.transport.raised[:]
        turn = step()
        turn.notes.extend(
            # (a result that is no Response is returned, not raised: said as its ERROR line is)
            f"{exc if is_not_a_reply(exc) else f'a handler raised: {type(exc).__name__}: {exc}'}"
            " (see the server's log)"
            for exc in self.transport.raised
        )
        # What the app dropped from (or sent on, kept) an answer for breaking Alexa's rules,
        # for the user's turns as for the device's events.
        turn.notes.extend(
            f"rule violation: {violation}"
            for exchange in turn.exchanges
            for violation in getattr(exchange.reply, "violations", ())
        )
        turn.notes.extend(
            _dropped_note(type_)
            for exchange in turn.exchanges
            for type_ in getattr(exchange.reply, "unsupported", ())
        )
        turn.notes.extend(call.late_note() for call in self._late_progressive())
        sent = self.transport.sent[first_sent:]
        del self.transport.sent[:]
        # Turns run one at a time, under the Simulator's lock: the calls since are this turn's.
        # (The fake serves the server's whole life, keeping only its most recent calls.)
        calls = self.api.calls_since(first_call)
        data = turn.to_json()
        understood = data["understood"]
        if understood is not None:
            # The page shows the understanding's notes beside it and the turn's below: those
            # the turn took over (why a turn sent nothing, `Conversation.say`) are shown there.
            understood["notes"] = [n for n in understood["notes"] if n not in data["notes"]]
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

    def _late_progressive(self) -> list[ApiCall]:
        """The progressive responses the fake refused since the last turn because the skill
        had answered their request (a task the handler left running): this simulation's."""
        late, self._late_seen = self.api._late_named_read(self._late_seen)
        ours = set(self.transport.request_ids)
        return [call for call, named in late if named in ours]

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


def _refusal(status: int, payload: Any) -> str | None:
    """Why Alexa refuses ``payload``, a JSON object answered with HTTP ``status`` 200: not a
    response envelope (`envelope_refusal`), or SSML it cannot read (`ssml_refusal`). None for
    any other answer: one that is no object the `Conversation` says in its own words."""
    from ..responses.response import envelope_refusal
    from ..testing.response import ssml_refusal

    if status != 200 or not isinstance(payload, dict):
        return None
    return envelope_refusal(payload) or ssml_refusal(status, payload)


def _dropped_note(type_: str) -> str:
    """The note of a directive the app dropped for the device (logged at WARNING), as chat
    shows it: the page showed nothing where the directive went."""
    from ..rules import directive_interface

    lacked = directive_interface({"type": type_}) or "its interface"
    return f"dropped {type_}: the device lacks {lacked} (the app drops what it cannot use)"
