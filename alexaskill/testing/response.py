"""`SkillResponse`: what a skill answered one request, with the parts a test looks at."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import RuleViolation
from ..hearing import spoken_text
from .alexa_api import ApiCall

if TYPE_CHECKING:
    from ..understanding import Understanding
    from ..understanding.dialog import Turn

__all__ = ["SkillResponse", "answer_json", "ssml_refusal"]


def answer_json(content: bytes) -> Any:
    """An HTTP answer's body decoded from JSON, or None if it is none."""
    try:
        try:
            return json.loads(content)
        except RecursionError:  # session attributes sent back as deep as the skill took them
            import msgspec

            from ..fresh_stack import in_fresh_stack

            # msgspec, as the skill encoded it there: json.loads would take three frames more.
            return in_fresh_stack(msgspec.json.decode, content)
    except (ValueError, RecursionError):  # (not JSON, or nested past any reading)
        return None


def ssml_refusal(status_code: int, payload: Any) -> str | None:
    """`SkillResponse.refusal` of an HTTP answer: why Alexa refuses its response's SSML
    (`alexaskill.ssml.response_ssml_error`), None but for HTTP 200 with a response object."""
    from ..ssml import response_ssml_error

    answer = payload.get("response") if isinstance(payload, dict) else None
    if status_code != 200 or not isinstance(answer, dict):
        return None
    return response_ssml_error(answer)


#: The fields `SkillResponse`'s repr shows, in this order, when not at their default (None,
#: ()): those that say what went wrong (then the speech heard), what else the test looks at
#: (then the JSON answer), and the rest. The status code (first), the speech and the JSON always.
_SHOWN_FIRST: Final = ("handler_error", "refusal")
_SHOWN_NEXT: Final = ("violations", "unsupported", "prompt")
_SHOWN_AFTER: Final = ("api_calls", "request", "understood", "turn")


@dataclass(frozen=True, repr=False)
class SkillResponse:
    """What the skill answered, with the parts a test looks at most."""

    status_code: int
    json: Any
    #: The calls the skill made to Alexa's service APIs while answering, oldest first.
    api_calls: tuple[ApiCall, ...] = ()
    #: What the app dropped from the handler's reply because it broke one of Alexa's rules
    #: (logged at ERROR), and what it sent for the device to ignore (``kept``: an ENQUEUE
    #: after another stream than the one playing): empty when the reply kept every rule. Of a
    #: server's answer (``chat --url``, ``replay --url``): the parts the app would have
    #: dropped, which the server sent, and those sent for the device to ignore.
    violations: tuple[RuleViolation, ...] = ()
    #: The ``request`` object that was sent (None when no request was: see `say`).
    request: dict[str, Any] | None = None
    #: From `TestClient.say`: what Alexa understood (sample, slots), with ``explain()``.
    understood: Understanding | None = None
    #: From `TestClient.say`: what Alexa's dialog manager said after the skill's answer (the
    #: elicitation, confirmation or validation prompt of the dialog model), else None.
    prompt: str | None = None
    #: From `TestClient.say`: the whole turn (every request sent, Alexa's prompts, the dialog).
    turn: Turn | None = None
    #: The exception the skill answered with its apology (a handler's, a reply breaking a
    #: limit), when the client does not raise it (``raise_handler_errors=False``).
    handler_error: Exception | None = None
    #: Why Alexa would refuse this answer, when the client does not raise it: SSML that is not
    #: a well-formed ``<speak>`` document (`alexaskill.ssml.ssml_error`). Alexa then says
    #: "There was a problem with the requested skill's response" and ends the session. SSML the
    #: app refuses as the handler builds its speech is the handler's error (`handler_error`).
    refusal: str | None = None
    #: The directives the app dropped because the request's device does not declare their
    #: interface (APL on a speaker), by type, e.g. ``("Alexa.Presentation.APL.RenderDocument",)``.
    #: Logged at WARNING; when nothing is left to hear it is a violation too.
    unsupported: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # The short fields that say what went wrong first, the JSON after: pytest's "where"
        # line cuts a repr at 240 characters, and the dataclass's put handler_error after the
        # whole envelope and the request.
        def set_of(names: tuple[str, ...]) -> list[str]:
            values = ((name, getattr(self, name)) for name in names)
            return [f"{name}={value!r}" for name, value in values if value not in (None, ())]

        shown = [
            f"status_code={self.status_code!r}",
            *set_of(_SHOWN_FIRST),
            f"speech={self.speech!r}",
            *set_of(_SHOWN_NEXT),
            f"json={self.json!r}",
            *set_of(_SHOWN_AFTER),
        ]
        return f"{type(self).__name__}({', '.join(shown)})"

    @property
    def heard(self) -> str | None:
        """Everything the user heard: the skill's speech, then Alexa's dialog prompt."""
        parts = self.turn.heard() if self.turn is not None else [self.speech]
        spoken = [part for part in parts if part]
        return " ".join(spoken) if spoken else None

    @property
    def progressive(self) -> list[str]:
        """The progressive responses the user heard while the skill answered, as words: those
        Alexa took (a 2xx answer). One it refused (a fault given to `FakeAlexaApi`, a request
        answered already) is not heard: `progressive_sent` lists every one sent."""
        return [call.speech for call in self.api_calls if call.speech is not None and call.heard]

    @property
    def progressive_sent(self) -> list[str]:
        """Every progressive response the skill sent while answering, as words, whether Alexa
        took it or refused it (each call's status is in `api_calls`)."""
        return [call.speech for call in self.api_calls if call.speech is not None]

    @property
    def _body(self) -> dict[str, Any]:
        if isinstance(self.json, dict):
            response = self.json.get("response")
            if isinstance(response, dict):
                return response
        return {}

    @staticmethod
    def _speech_markup(output: Any) -> str | None:
        if not isinstance(output, dict):
            return None
        if output.get("type") == "SSML":
            return str(output.get("ssml", ""))
        if "text" in output:
            return str(output["text"])
        return None

    @property
    def ssml(self) -> str | None:
        """The output speech as sent: SSML markup, or the plain text."""
        return self._speech_markup(self._body.get("outputSpeech"))

    @property
    def speech(self) -> str | None:
        """The output speech's words as the user hears them: SSML as
        `alexaskill.hearing.spoken_text` reads it (``<sub>`` as its alias), clips and pauses
        left out (the simulator, chat, replay and ``.heard`` show the clips); plain text as
        it is."""
        return self._words(self._body.get("outputSpeech"))

    @property
    def reprompt(self) -> str | None:
        """The reprompt as the user hears it (as `speech`)."""
        reprompt = self._body.get("reprompt")
        return self._words(reprompt.get("outputSpeech") if isinstance(reprompt, dict) else None)

    @classmethod
    def _words(cls, output: Any) -> str | None:
        markup = cls._speech_markup(output)
        if markup is None or output.get("type") != "SSML":
            return markup  # PlainText: Alexa says its "<" and "&" as they are
        return spoken_text(markup, clips=False)

    @property
    def card(self) -> dict[str, Any] | None:
        """The card, as JSON."""
        card = self._body.get("card")
        return card if isinstance(card, dict) else None

    @property
    def directives(self) -> list[dict[str, Any]]:
        """The directives, as JSON."""
        directives = self._body.get("directives")
        return directives if isinstance(directives, list) else []

    @property
    def should_end_session(self) -> bool | None:
        """``shouldEndSession``: True, False, or None when the response leaves it out."""
        value = self._body.get("shouldEndSession")
        return value if isinstance(value, bool) else None

    @property
    def session_attributes(self) -> dict[str, Any]:
        """The ``sessionAttributes`` sent back ({} when there are none)."""
        attributes = self.json.get("sessionAttributes") if isinstance(self.json, dict) else None
        return attributes if isinstance(attributes, dict) else {}

    @property
    def error(self) -> str | None:
        """The reason of a refused request (``{"error": …}``, text), else None."""
        error = self.json.get("error") if isinstance(self.json, dict) else None
        return error if isinstance(error, str) else None
