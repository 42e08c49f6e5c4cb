"""A conversation's turns: what was sent to the skill, its replies, what Alexa said on its own.

`Reply` and `Transport` are the small interface a front end implements to carry requests (the
test client in-process, an HTTP client to a ``serve --dev`` server, the simulator); `Turn` is
what one utterance led to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..hearing import spoken_text
from .result import Understanding

__all__ = ["Exchange", "Reply", "Transport", "Turn", "no_answer", "speech_of"]


class Reply(Protocol):
    """What a transport returns for one request: the HTTP status and the JSON answer."""

    @property
    def status_code(self) -> int:
        """The HTTP status (200 for an answer)."""
        ...

    @property
    def json(self) -> Any:
        """The answer's JSON (the response envelope), or None."""
        ...


class Transport(Protocol):
    """Sends one request to the skill, adding envelope, session, context and signature."""

    def send(self, request: Mapping[str, Any], *, new_session: bool) -> Reply:
        """Send ``request`` (the ``request`` object); ``new_session`` starts a new session."""
        ...


@dataclass
class Exchange:
    """One request sent to the skill and its reply."""

    request: dict[str, Any]
    reply: Reply
    #: Why Alexa refuses the reply (SSML it cannot parse, a dialog directive out of place, an
    #: HTTP error), set as it is read; its speech is then not heard.
    refusal: str | None = None
    #: Alexa's own notice to the skill (the SessionEndedRequest after a refused answer), not
    #: a request the user made.
    notice: bool = False

    @property
    def response(self) -> dict[str, Any]:
        """The ``response`` object of the reply ({} when there is none)."""
        body = self.reply.json
        response = body.get("response") if isinstance(body, dict) else None
        return response if isinstance(response, dict) else {}


@dataclass
class Turn:
    """What happened after the user said one thing: requests, answers, Alexa's own prompts."""

    utterance: str | None
    understood: Understanding | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    #: What Alexa's dialog manager said (elicitation, confirmation or validation prompts).
    prompts: list[str] = field(default_factory=list)
    #: Whether a session is open after the turn.
    session_open: bool = False
    #: The dialog, if one goes on: its intent, state and what Alexa waits for.
    dialog_intent: str | None = None
    dialog_state: str | None = None
    #: "slot city", "confirmation of slot date", "confirmation of the intent", or None.
    expecting: str | None = None
    notes: list[str] = field(default_factory=list)
    #: What Alexa said in place of an answer it refused (`PROBLEM_WITH_RESPONSE`), or None.
    problem: str | None = None
    #: The reprompt Alexa played because the user said nothing (`Conversation.silence`).
    reprompt: str | None = None

    @property
    def reply(self) -> Reply | None:
        """The skill's last reply to what the user did this turn (Alexa's notice after a
        refused answer aside), or None if no request was sent."""
        replies = [exchange.reply for exchange in self.exchanges if not exchange.notice]
        return replies[-1] if replies else None

    @property
    def prompt(self) -> str | None:
        """Alexa's own prompts this turn as one text, or None."""
        return " ".join(self.prompts) if self.prompts else None

    def heard(self) -> list[str]:
        """Everything the user heard this turn, in order: the skill's speech, Alexa's prompts."""
        spoken = []
        for exchange in self.exchanges:
            if exchange.refusal is not None:
                continue  # refused: Alexa says its problem instead
            if exchange.request.get("type") == "SessionEndedRequest":
                continue  # Alexa ignores speech in reply to it
            speech = speech_of(exchange.response.get("outputSpeech"))
            if speech:
                spoken.append(speech)
        alone = [text for text in (self.reprompt, self.problem) if text]
        return spoken + self.prompts + alone

    def to_json(self) -> dict[str, Any]:
        """The turn as JSON (for tools and the simulator)."""
        return {
            "utterance": self.utterance,
            "understood": self.understood.to_json() if self.understood else None,
            "exchanges": [
                {
                    "request": exchange.request,
                    "status": exchange.reply.status_code,
                    "response": exchange.reply.json,
                    "refusal": exchange.refusal,
                }
                for exchange in self.exchanges
            ],
            "prompts": self.prompts,
            "problem": self.problem,
            "reprompt": self.reprompt,
            "heard": self.heard(),
            "sessionOpen": self.session_open,
            "dialog": {
                "intent": self.dialog_intent,
                "state": self.dialog_state,
                "expecting": self.expecting,
            }
            if self.dialog_intent
            else None,
            "notes": self.notes,
        }


def no_answer(reply: Reply) -> tuple[str, str] | None:
    """Why Alexa has no answer in ``reply`` (none came in time, an HTTP error, a body that is
    no JSON object), with the error type it tells the skill; None for a JSON object answered
    with HTTP 200. A request's and a device's event's alike."""
    if reply.status_code == 200 and isinstance(reply.json, dict):
        return None
    error = reply.json.get("error") if isinstance(reply.json, dict) else None
    if reply.status_code == 0:  # none came: a transport's timeout or error
        return str(error or "no answer from the skill"), "ENDPOINT_TIMEOUT"
    # A 200 is refused for its body (a web page, say): no response envelope.
    what = f"the skill answered HTTP {reply.status_code}"
    if reply.status_code == 200:  # (chat --url's transport says what came)
        what = getattr(reply, "refusal", None) or what + " with a body that is not a JSON object"
    return what, "INVALID_RESPONSE"


def speech_of(output: Any) -> str | None:
    """What the user hears of an ``outputSpeech`` object (`alexaskill.hearing.spoken_text`), or
    None."""
    if not isinstance(output, dict):
        return None
    if output.get("type") == "SSML":
        return spoken_text(str(output.get("ssml", "")))
    text = output.get("text")
    return str(text) if text is not None else None
