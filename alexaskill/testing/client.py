"""`TestClient`: a skill run in-process, spoken to as Alexa would (answers: `SkillResponse`)."""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..articles import type_with_article
from ..asgi_start import StartFailure
from ..locales import check_locale
from ..verify.verifier import _trust_announced
from .alexa_api import FakeAlexaApi
from .device import SimulatedDevice
from .grants import grant_scopes
from .options import (
    SkillClientFactory,
    check_api_and_pki,
    check_camel_case,
    check_intent_named,
    check_options,
    check_sent_by_device,
    checked_callable,
    checked_clock,
    checked_flag,
    checked_id,
    checked_invocation,
    checked_model,
    checked_path,
    copied,
    envelope_body,
    pki_at_clock,
)
from .pki import TestPKI
from .player import PLAYER_EVENTS
from .request_kinds import RequestKinds
from .requests import (
    DEFAULT_SKILL_ID,
    SESSION_TYPES,
    RequestFactory,
    check_interfaces,
)
from .response import SkillResponse, answer_json, ssml_refusal
from .sessions import answered_session, refused_session, session_for
from .swap import SkillSwap
from .talking import Talking
from .violations import (
    failure_to_raise,
    late_progressive_error,
    recording_violations,
    request_id_of,
)

if TYPE_CHECKING:
    from ..app import Skill
    from ..store import Store
    from ..understanding import InteractionModel, Understander
    from ..understanding.dialog import Conversation

__all__ = ["SkillClientFactory", "SkillResponse", "TestClient"]


class TestClient(SimulatedDevice, Talking, RequestKinds):
    """Talks to a skill in-process as Alexa would: signed requests, sessions carried over.

    For the client's lifetime (until `close`, or the end of the ``with`` block) the skill trusts a
    throwaway signing PKI and nothing else: verification stays on, with certificates made for the
    test. Use it as a context manager to run the skill's lifespan, or `close` it. Unless a call
    passes its own ``session``, requests in a session carry the attributes of the previous answer
    (and ``new: false``) until an answer ends the session.

    ``skill_id`` (default: the skill's own), ``locale``, ``interfaces`` (the device's
    ``supportedInterfaces``: ``"AudioPlayer"``, ``"Display"``, ``"Alexa.Presentation.APL"``,
    ``"VideoApp"``; `SCREEN` names a screen device's), ``user_id`` and ``device_id`` describe the
    simulated user and device; each can also be changed between requests.

    `say` plays Alexa's part from the skill's interaction model: ``model`` (an ASK CLI model
    file, its JSON, or an `InteractionModel`; default: the one built from the skill's code),
    ``invocation`` (the built one's invocation name: "open …", "ask … to …"), ``local_now``
    (the user's local time, for "tomorrow"; default: the request's time in the device's time
    zone, the fake API's ``time_zone``, else UTC, as the skill's `AlexaApi.now` reads it; UTC
    too for an `UnknownZone`).

    ``now`` is the client's clock (default: the real one): it dates the requests (Alexa's
    ``timestamp``, in UTC) and the skill verifies them at that time. It must return an aware
    datetime (``datetime.now(datetime.UTC)``): a naive one is a `TypeError`.

    ``store`` (a `Store`, or a store URL such as ``"memory://"``) serves the skill with that
    store for the client's lifetime, instead of its own (``client.store`` is the one in use).

    Alexa's service APIs are answered in-process by a `FakeAlexaApi`: pass one as ``api``, or
    its data as keywords (``time_zone="Europe/Paris"``, ``given_name="Ada"``,
    ``permissions=[…]``, …); ``client.api`` is the fake, each result's ``api_calls`` the calls
    made while answering. Nothing reaches the network.

    A handler that raises (or whose reply breaks one of Alexa's limits) fails the test: the
    exception is raised from the call that sent the request, as Starlette's test client raises
    an app's exceptions, although Alexa would hear the apology. With
    ``raise_handler_errors=False`` the call returns the apology as ``speech`` and the exception
    as ``handler_error``. A skill that cannot start raises its error from ``with`` (its
    lifespan), or, used without ``with``, from each call (else: the 500 its app answers).
    """

    __test__ = False

    def __init__(
        self,
        skill: Skill,
        *,
        pki: TestPKI | None = None,
        skill_id: str | None = None,
        locale: str = "en-US",
        interfaces: Iterable[str] = ("AudioPlayer",),
        user_id: str | None = None,
        device_id: str | None = None,
        path: str | None = None,
        now: Callable[[], _dt.datetime] | None = None,
        model: InteractionModel | str | os.PathLike[str] | Mapping[str, Any] | None = None,
        invocation: str | None = None,
        local_now: Callable[[], _dt.datetime] | None = None,
        api: FakeAlexaApi | None = None,
        store: Store | str | None = None,
        raise_handler_errors: bool = True,
        **api_data: Any,
    ) -> None:
        from .escapes import CarryingClient  # (starlette's test client: loaded when used)

        if api is not None and api_data:
            raise TypeError(f"give api= or its data ({', '.join(api_data)}), not both")
        check_options(skill, api_data, TestClient.__init__)
        check_api_and_pki(api, pki)
        # (before the skill is given the test's verifier and store: nothing to undo)
        self.raise_handler_errors = raise_handler_errors
        model = checked_model(model)  # (a file read now: its mistake told here, not at say)
        check_locale(locale, "locale")  # (the invocation name's rules are the locale's)
        invocation = checked_invocation(invocation, model, locale)
        if local_now is not None:
            checked_callable("local_now", local_now)
        #: The fake Alexa service APIs the skill's `AlexaApi` calls reach.
        self.api = api if api is not None else FakeAlexaApi(**api_data)

        self.skill = skill
        moment = checked_clock(now)
        self.pki = pki_at_clock(pki, moment)
        if skill_id is None:
            skill_id = min(skill.skill_ids) if skill.skill_ids else DEFAULT_SKILL_ID
        self.factory = RequestFactory(
            checked_id("skill_id", skill_id), locale, interfaces=check_interfaces(interfaces)
        )
        if user_id is not None:
            self.factory.user_id = checked_id("user_id", user_id)
        if device_id is not None:
            self.factory.device_id = checked_id("device_id", device_id)
        self.path = checked_path(path if path is not None else skill.path)
        self._now = now
        if skill.verify and skill.verifier is None:
            # The verifier the app would make on first use, made now: restoring None at close to
            # a skill whose app is already built would leave it checking nothing.
            from ..verify import Verifier

            skill.verifier = Verifier()
        self._handler_errors: list[Exception] = []
        self._raised_answer: SkillResponse | None = None  # (`post` raised its failure)
        #: The skill's start failure `post` met (as kept), and the one it raises: the error
        #: raised, where the skill keeps a copy without tracebacks (on AWS Lambda). Kept with
        #: its traceback, and so its frames and their locals, for the client's life: raised
        #: again at each call, it shows where the start failed (the start's frames, the skill's
        #: code: tests/test_asgi_start.py), which only a traceback of those frames can show
        #: (Python makes none without frames). Off Lambda the skill keeps that same traceback
        #: for its own life (`Serving._start_failed`); a client lives for a test, or a module's.
        self._start_raised: tuple[StartFailure, StartFailure] | None = None
        #: How many of the fake's ``late_progressive`` the client has reported.
        self._late_seen = self.api.late_count
        # The test's verifier trusts its PKI for the test's own requests: no warning of its own.
        verifier = _trust_announced(self.pki.verifier, now=now) if skill.verify else None
        binding = skill._binding_of(store) if store is not None else None
        self._swap = SkillSwap(skill, verifier, self.api, self._handler_errors.append, binding)
        #: The store the skill's attributes go to while the client lives.
        self.store = skill.store
        self.http = CarryingClient(skill)  # (a request's BaseException raised as it is)
        self._session: dict[str, Any] | None = None
        #: The session of an answer Alexa refused, which its SessionEndedRequest (ERROR) ends.
        self._ending: dict[str, Any] | None = None
        self.last: SkillResponse | None = None
        self._model = model
        self.invocation = invocation
        #: The user's local time, for what `say` hears ("tomorrow"); default: the client's
        #: clock (else the real one) in the device's time zone, else in UTC.
        self.local_now = local_now
        self._understanding: Understander | None = None
        self._conversation: Conversation | None = None
        self._said: SkillResponse | None = None

    @property
    def raise_handler_errors(self) -> bool:
        """Whether a handler's exception is raised from the call (else: ``handler_error``)."""
        return self._raise_handler_errors

    @raise_handler_errors.setter
    def raise_handler_errors(self, value: bool) -> None:
        self._raise_handler_errors = checked_flag("raise_handler_errors", value)

    # --- lifetime ---

    def __enter__(self) -> TestClient:
        self._swap.check_open()  # (closed: no lifespan run for a client that cannot send)
        try:
            self.http.__enter__()
        except BaseException as exc:  # (a start that failed: no `__exit__` closes the client)
            self.__exit__(type(exc), exc, exc.__traceback__)
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        running = self._lifespan_running()  # (read before its exit ends it)
        try:
            if running:
                self.http.__exit__(*exc_info)
        finally:
            self._end(served=running)
        if exc_info[0] is None:  # the test's own error stands: nothing to add to it
            self._check_late_progressive("at its close")

    def _lifespan_running(self) -> bool:
        """Whether Starlette's client runs the skill's lifespan: read off that client rather than
        noted after its ``__enter__`` returned, where a Ctrl-C landing before the note left the
        lifespan running, never ended."""
        # Its ``portal``, the one attribute of its lifespan it declares (typed, on the class):
        # set as its start begins, None again once a start fails or its exit ends; its own
        # requests go through it. The same in Starlette 1.9 (pyproject's floor) and 1.10.
        return self.http.portal is not None

    def close(self) -> None:
        """Stop trusting the test PKI and answering its API calls: the skill gets its own back,
        and its store when the client had one of its own (`SkillSwap.restore`: clients closed in
        any order; what the test set itself stays). Used without ``with``, it closes the skill's
        stores first, as the lifespan's shutdown would (`Skill.aclose`)."""
        self._end(served=self._lifespan_running())

    def _end(self, *, served: bool) -> None:
        """`close`, the skill's stores closed by its lifespan's shutdown if ``served``."""
        self._swap.served = served
        self._swap.end(self.http.async_backend)

    # --- conversations ---

    def new_session(self) -> None:
        """Forget the current session, and `say`'s dialog in it: the next request starts a new
        one. That session over, a stream the device paused while Alexa listened in it plays
        (`DevicePlayer.session_ended`)."""
        if self._session is not None:
            self.factory.player.session_ended()
        self._session = self._said = self._ending = None  # (`say` takes the session as it is)

    def _session_for(self, request_type: str) -> dict[str, Any] | None:
        if request_type not in SESSION_TYPES:
            return None
        ending, self._ending = self._ending, None  # (a refused answer's: Alexa ends it)
        start, held = self.factory.session, self._session
        self._session = session_for(
            held, request_type, new_session=False, start=start, ending=ending
        )
        return self._session

    def _follow(self, request_type: str, result: SkillResponse) -> None:
        if self._session is None or request_type not in SESSION_TYPES:
            return
        # A session ends as on the device (`answered_session`, the transports' rule). An answer
        # Alexa refuses (an HTTP error, bad SSML) ends it whatever it said, its attributes never
        # carried: Alexa's SessionEndedRequest (ERROR) goes in it (`refused_session`).
        session, failed = self._session, result.status_code != 200 or result.refusal is not None
        self._session = answered_session(session, request_type, result, interfaces=self.interfaces)
        self._ending = refused_session(session, request_type) if failed else None

    # --- sending ---

    def post(self, body: bytes, headers: Mapping[str, str] | None = None) -> SkillResponse:
        """POST raw ``body`` with exactly ``headers`` (nothing signed): for testing refusals."""
        if not isinstance(body, bytes | bytearray | str):  # (a str goes as httpx sends it)
            raise TypeError(
                f"post() takes the body as bytes (json.dumps(envelope).encode()), not "
                f"{type_with_article(body)}: send_envelope(envelope) signs and sends a dict"
            )
        self._swap.check_open()  # (closed, the skill verifies as it would in production)
        self._check_late_progressive()
        first_call = self.api.call_count
        self._handler_errors.clear()
        request_id = request_id_of(body)
        # Its token and device are the skill's to call Alexa's APIs with; while it answers, its
        # calls are its own (one with no requestId too), its progressive responses taken.
        answering = self.api.answering(self.api.issued(body))
        sent = {"Content-Type": "application/json", **(headers or {})}
        if self.raise_handler_errors:
            # Not started by a lifespan (no `with`): started here, its failure raised (not also
            # logged), with the traceback it had at the start each time, not a 500 whose body
            # points at the log. (An error raised again as it is takes on each raise's frames.)
            unstarted = self.skill._start_unserved(say=False)
            if isinstance(unstarted, StartFailure):
                kept = self.skill._start_failure
                if unstarted is not kept and kept is not None:  # (failed now: the error raised)
                    self._start_raised = (kept, unstarted)
                elif self._start_raised is not None and self._start_raised[0] is unstarted:
                    unstarted = self._start_raised[1]
                raise unstarted.error.with_traceback(unstarted.traceback)
        with recording_violations() as heard, answering:
            response = self.http.post_whole(self.path, content=body, headers=sent)
        payload = answer_json(response.content)
        calls = tuple(self.api.calls_since(first_call))
        violations = tuple(v for v in heard if not request_id or v.request_id == request_id)
        unsupported = heard.unsupported(request_id)
        error = self._handler_errors[0] if self._handler_errors else None
        self._handler_errors.clear()
        refusal = ssml_refusal(response.status_code, payload)
        result = SkillResponse(
            response.status_code,
            payload,
            calls,
            violations,
            handler_error=error,
            refusal=refusal,
            unsupported=unsupported,
        )
        if self.raise_handler_errors:
            failure = failure_to_raise(error, violations, refusal)
            if failure is not None:
                self._raised_answer = result
                raise failure
        self.last = result
        return result

    def _check_late_progressive(self, when: str = "at the request after") -> None:
        """Raise, for a test that raises handler errors, the progressive responses the fake
        refused since the last request because their request was answered already (a task
        the handler left running): the user never hears them."""
        late, self._late_seen = self.api._late_read(self._late_seen)
        if late and self.raise_handler_errors:
            raise late_progressive_error(late, when)

    def send_envelope(self, envelope: Mapping[str, Any]) -> SkillResponse:
        """Sign ``envelope`` as Alexa would and send it."""
        body = envelope_body(envelope)
        self._raised_answer = None
        try:
            result = self.post(body, self.pki.sign(body))
        except Exception:
            if self._raised_answer is not None:  # (a test may go on: as Alexa leaves things)
                self._answered(envelope, self._raised_answer)
                self._said = None  # (the next `say` takes the session as it is now)
            raise
        request = envelope.get("request")
        if isinstance(request, Mapping):
            result = dataclasses.replace(result, request=copied(request))
            self.last = result
        self._answered(envelope, result)
        return result

    def _answered(self, envelope: Mapping[str, Any], result: SkillResponse) -> None:
        """The device, and the client's session if the request came in it, follow ``result``."""
        session, request = envelope.get("session"), envelope.get("request")
        ours = (
            isinstance(session, Mapping)
            and self._session is not None
            and session.get("sessionId") == self._session["sessionId"]
        )
        self.factory.player.answered(envelope, result, own_session=ours)
        kind = request.get("type") if isinstance(request, Mapping) else None
        if kind == "AudioPlayer.PlaybackFinished" and result.status_code == 200:
            self.factory.player.finished()  # (the next stream queued plays)
        if ours:
            self._follow(str(kind), result)

    def send(
        self, request_type: str, *, session: Mapping[str, Any] | None = None, **fields: Any
    ) -> SkillResponse:
        """Send a request of any type, with ``fields`` in its ``request`` object, and those
        Alexa always sends with the type that are not given (`RequestFactory.envelope`).

        An ``AudioPlayer.*`` event comes from the client's `player` (its ``token`` and
        ``offsetInMilliseconds`` unless given; it takes the activity reported). `ValueError` for
        a request no device lacking its interface sends (`check_sent_by_device`: AudioPlayer,
        APL, Display), or an ``IntentRequest`` (``CanFulfillIntentRequest``) without
        ``intent={"name": …}``, or a field in snake_case (`check_camel_case`); `TypeError` for
        a ``type`` or ``now`` field."""
        check_intent_named(request_type, fields, session)
        check_camel_case(fields)
        check_sent_by_device(request_type, self.interfaces)
        event = request_type.removeprefix("AudioPlayer.")
        if event in PLAYER_EVENTS:
            fields = self.factory.player.report(event, fields)
        envelope = self.factory.envelope(
            request_type,
            session=session if session is not None else self._session_for(request_type),
            now=checked_clock(self._now),
            **fields,
        )
        grant_scopes(envelope, self.api.permissions)  # what the user granted, as Alexa says it
        return self.send_envelope(envelope)
