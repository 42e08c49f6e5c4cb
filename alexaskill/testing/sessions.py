"""The session a simulated device carries from one request to the next, as the skill answers.

The transports of the offline loop (``alexaskill chat --url``, the simulator) share it, so that
they follow a session as Alexa does; so does ``alexaskill replay --carry-session`` of request
files (`FileSessions`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

from ..responses.response import answer_ends_session
from .player import device_interfaces
from .requests import SESSION_TYPES, _new_session_id

__all__ = [
    "CONVERSATION_TYPES",
    "FileSessions",
    "answered_session",
    "carried_session",
    "refused_session",
    "session_after",
    "session_for",
    "sessions_to_send",
]

#: The request types that come in a conversation's session, with its attributes: those Alexa
#: sends in a session, but CanFulfillIntentRequest, which Alexa asks of the skills it might pick
#: for a request naming none, before any conversation with one (Amazon's "Understand Name-free
#: Interaction"): it comes in a session of its own, new, and its answer changes no other.
CONVERSATION_TYPES = SESSION_TYPES - {"CanFulfillIntentRequest"}


def session_for(
    session: dict[str, Any] | None,
    request_type: str,
    *,
    new_session: bool,
    start: Callable[[], dict[str, Any]],
    ending: dict[str, Any] | None = None,
) -> dict[str, Any] | None:
    """The session a transport holds to send a ``request_type``: ``session`` (None when
    ``new_session`` asks to forget it), else a new one from ``start`` for a request Alexa sends
    in a session. An ``AudioPlayer.*`` or ``PlaybackController.*`` event opens none: Alexa
    sends it outside any session. A SessionEndedRequest goes in ``ending`` when one is given
    (unless ``new_session``): the session of an answer Alexa refused (`refused_session`), which
    Alexa's SessionEndedRequest (ERROR) ends, never a new one."""
    if ending is not None and not new_session and request_type == "SessionEndedRequest":
        return ending
    held = None if new_session else session
    if held is None and request_type in SESSION_TYPES:
        return start()
    return held


def session_after(
    session: Mapping[str, Any] | None,
    request_type: str,
    status: int,
    payload: Any,
    *,
    interfaces: Iterable[str],
) -> dict[str, Any] | None:
    """The session a transport holds once the skill answered ``payload`` with HTTP ``status``
    to a ``request_type`` sent in ``session`` by a device declaring ``interfaces``: None when
    the exchange ended it (a SessionEndedRequest; a failed request, which Alexa ends the
    session of: any answer but HTTP 200, or one that is no JSON object; or an answer that ends
    it on that device, `ends_session`: ``shouldEndSession: true``, or left out on a device
    without a screen and with no dialog directive), else `carried_session`. An event, sent
    outside the session, leaves it as it was whatever its answer."""
    if session is None or request_type not in SESSION_TYPES:
        return carried_session(session, request_type, payload)
    if status != 200 or request_type == "SessionEndedRequest" or not isinstance(payload, dict):
        return None  # (a 200 that is no response envelope: Alexa refuses it, as a failure)
    answer = payload.get("response")
    if answer_ends_session(answer if isinstance(answer, dict) else {}, interfaces):
        return None
    return carried_session(session, request_type, payload)


class Judged(Protocol):
    """An answer as a transport judged it: a `SkillResponse`, or the simulator's reply."""

    @property
    def status_code(self) -> int:
        """The HTTP status (0: no answer came)."""

    @property
    def json(self) -> Any:
        """The answer's JSON, or None."""

    @property
    def refusal(self) -> str | None:
        """Why Alexa refuses the answer, sent with HTTP 200, or None."""


def answered_session(
    session: Mapping[str, Any] | None,
    request_type: str,
    result: Judged,
    *,
    interfaces: Iterable[str],
) -> dict[str, Any] | None:
    """`session_after` the skill's answer ``result``, judged: one Alexa refuses
    (``result.refusal``: SSML it cannot read, a wrong envelope) fails the request whatever its
    HTTP status (a refusal comes with 200), and ends the session as an HTTP error does."""
    status = result.status_code if result.refusal is None else 0
    return session_after(session, request_type, status, result.json, interfaces=interfaces)


def refused_session(session: Mapping[str, Any] | None, request_type: str) -> dict[str, Any] | None:
    """The session Alexa's SessionEndedRequest (ERROR) goes in when it refuses the answer to a
    ``request_type`` sent in ``session`` (an HTTP error, no answer, SSML it cannot read, a
    wrong envelope): that same session, no longer new, with the attributes it had before the
    refused answer (whose own are never carried), whatever the answer said of ending it. None
    when there is none to end: the request was itself a SessionEndedRequest, or an event sent
    outside any session."""
    if session is None or request_type not in SESSION_TYPES:
        return None
    if request_type == "SessionEndedRequest":
        return None
    return {**session, "new": False}


def sessions_to_send(
    session: dict[str, Any] | None,
    ending: dict[str, Any] | None,
    request: Mapping[str, Any],
    *,
    new_session: bool,
    start: Callable[[], dict[str, Any]],
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """A transport holding ``session``, and ``ending`` (`refused_session` of its last request),
    sends ``request``: the session it goes in (`session_for`; Alexa's SessionEndedRequest
    (ERROR) after a refused answer goes in that answer's session, ``ending``), and the one to
    hold as ``ending`` for the next request."""
    request_type = str(request["type"])
    refused = ending if request.get("reason") == "ERROR" else None
    sent_in = session_for(
        session, request_type, new_session=new_session, start=start, ending=refused
    )
    return sent_in, refused_session(sent_in, request_type)


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
    # A copy: the answer is also the test's (`result.session_attributes`), and what the test
    # does to it must not reach the next request, as nothing it does reaches Alexa's.
    return {
        **session,
        "new": False,
        "attributes": copy.deepcopy(found) if isinstance(found, dict) else {},
    }


class FileSessions:
    """Request envelopes (sample files) sent as one user's conversation, as the test client
    sends its own: a request of a conversation (`CONVERSATION_TYPES`: not Alexa's
    CanFulfillIntentRequest probe, nor an event) goes in the session the answer before it left
    open (its id, ``new: false``, that answer's ``sessionAttributes``: `session_after`), else in
    its own session, as its file has it, which it opens (under a new id if a file before opened
    it: a file given twice). An answer that fails or that Alexa refuses ends the session (its
    SessionEndedRequest (ERROR) goes in it: `sessions_to_send`)."""

    def __init__(self) -> None:
        self.session: dict[str, Any] | None = None
        self.ending: dict[str, Any] | None = None
        #: The ids of the sessions the files opened: one given twice opens a new session,
        #: which Alexa gives a new id, never the one that ended.
        self.opened: set[str] = set()

    def send_in(self, envelope: dict[str, Any]) -> None:
        """Put ``envelope`` (changed in place) in the session open, if it comes in one."""
        if not _in_conversation(envelope):
            return  # (an event, or Alexa's probe; a file without a session: as it is)
        own: dict[str, Any] = envelope["session"]
        request = envelope["request"]
        self.session, self.ending = sessions_to_send(
            self.session, self.ending, request, new_session=False, start=lambda: self._open(own)
        )
        envelope["session"] = copy.deepcopy(self.session)  # (refreshed in place: its ids)

    def _open(self, own: dict[str, Any]) -> dict[str, Any]:
        """``own``, the session of a file that opens one: under a new id if a session of the
        conversation had its id already."""
        found = own.get("sessionId")
        if not isinstance(found, str):  # (a file's own mistake: sent as it is)
            return own
        opened = own if found not in self.opened else {**own, "sessionId": _new_session_id()}
        self.opened.add(opened["sessionId"])
        return opened

    def answered(self, envelope: Mapping[str, Any], result: Judged) -> None:
        """Follow the answer ``result`` to ``envelope``, sent `send_in` its session."""
        if not _in_conversation(envelope):  # (left as it was: `send_in`)
            return
        kind = str(envelope["request"].get("type"))
        self.session = answered_session(
            self.session, kind, result, interfaces=device_interfaces(envelope)
        )


def _in_conversation(envelope: Mapping[str, Any]) -> bool:
    """Whether `FileSessions` sends ``envelope`` in the conversation: a request of one
    (`CONVERSATION_TYPES`) in a session, as its file has it."""
    kind = envelope["request"].get("type")
    # (a type that is no string, a list say, is no request of Alexa's: sent as it is)
    in_session = isinstance(envelope.get("session"), dict) and isinstance(kind, str)
    return in_session and kind in CONVERSATION_TYPES
