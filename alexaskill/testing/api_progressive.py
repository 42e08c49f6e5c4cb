"""`FakeAlexaApi`'s progressive responses (``POST /v1/directives``): taken while the skill answers
the request they name (`Progressive.answering`), as Alexa takes them ("Send the User a
Progressive Response": none once the skill has returned its response), within Amazon's limits;
after it, or for a request never sent, refused with Alexa's 403, "Unrecognized requestId".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any, Final

from ..shown_names import shown
from ..ssml_check import _markup_error
from .api_access import AccessCheck
from .api_calls import _Answer, _Asked, _request_said

__all__ = ["Progressive"]

#: Answered requests whose ids the fake keeps, to refuse their late progressive responses.
_ANSWERED_KEPT: Final = 4096


class Progressive(AccessCheck):
    """The progressive-response part of `FakeAlexaApi` (a base class of it)."""

    _answered: dict[str, None]

    @contextlib.contextmanager
    def answering(self, request_id: str) -> Iterator[None]:
        """While the block runs, the skill answers request ``request_id``: its progressive
        responses are taken. After it, Alexa has the answer and refuses them (403). Once any
        request was marked, a progressive response for a request never marked is refused too.
        "" (`issued`'s for a body that names no request) marks nothing: it would take the
        progressive responses naming "" of any client while the block runs, and refuse them as
        late ever after.
        """
        if not request_id:
            yield
            return
        with self._lock:
            self._answering.setdefault(request_id, 0)
        try:
            yield
        finally:
            with self._lock:
                self._answering.pop(request_id, None)
                self._answered[request_id] = None
                if len(self._answered) > _ANSWERED_KEPT:  # a long `serve --dev`: bounded
                    del self._answered[next(iter(self._answered))]

    def _late_name(self, body: Any, headers: Mapping[str, str]) -> str | None:
        """The fake's name of the answered request a progressive response's ``body`` names
        (`_request_named`), if it names one; else None. (The caller holds the lock.)"""
        header = body.get("header") if isinstance(body, dict) else None
        named = header.get("requestId") if isinstance(header, dict) else None
        if not isinstance(named, str):
            return None
        name = self._request_named(named, headers)
        return name if name in self._answered else None

    def _count_progressive(self, body: Any, headers: Mapping[str, str]) -> None:
        """Count a progressive response toward the five of the request it names, if that one
        is being answered: Amazon counts those it receives, refused or not, as
        `AlexaApi.progressive` counts each it sent (one that surely reached no server aside)."""
        header = body.get("header") if isinstance(body, dict) else None
        named = header.get("requestId") if isinstance(header, dict) else None
        with self._lock:
            if (request_id := self._request_named(named, headers)) in self._answering:
                self._answering[request_id] += 1

    def _progressive(self, asked: _Asked) -> _Answer:
        body = asked.body
        directive = body.get("directive") if isinstance(body, dict) else None
        header = body.get("header") if isinstance(body, dict) else None
        if (
            not isinstance(header, dict)
            or not isinstance(header.get("requestId"), str)
            or not isinstance(directive, dict)
            or directive.get("type") != "VoicePlayer.Speak"
            or not isinstance(directive.get("speech"), str)
        ):
            # (the directive API's error model: the message alone, `_progressive_refused`)
            return 400, {"message": "expected header.requestId and a Speak"}
        with self._lock:
            request_id = self._request_named(header["requestId"], asked.headers)
            taken = self._answering.get(request_id)
            if taken is not None or not (self._answering or self._answered):
                # Being answered, or no request marked (the fake cannot tell): Amazon's limits.
                refused = _progressive_refused(directive["speech"], taken, self._kind(request_id))
                if taken is not None:  # (refused too: Amazon counts those it receives)
                    self._answering[request_id] = taken + 1
                return refused or (204, None)
            answered = request_id in self._answered
        # Alexa's answer then, as skills have reported it: 403, "Unrecognized requestId". The
        # id as the call named it (not the fake's name of it: `_request_named`).
        said = header["requestId"]
        why = (
            f"the skill answered {_request_said(said)} already: Alexa takes progressive "
            "responses only while it waits for the answer"
            if answered
            else f"no request {'with this id' if said else 'without an id'} is being answered"
        )
        named = f": {shown(said)}" if said else ""  # ("" named: no id to show after a colon)
        return 403, {"message": f"Unrecognized requestId{named} ({why})"}


def _progressive_refused(speech: str, taken: int | None, kind: str | None = None) -> _Answer | None:
    """Amazon's refusal (400) of a progressive response of ``speech`` after ``taken`` (None:
    none) for its request (of the type ``kind``, if it is one Alexa plays none for), past the
    limits of its "Send the User a Progressive Response" page; else None. Said in the words
    `AlexaApi.progressive` raises them in (one text each: `alexaskill.services.progressive`)."""
    # The limits `AlexaApi.progressive` checks before sending (a skill of alexaskill's never
    # meets these, but for hand-written SSML's XML and tags, which only the test tools read): for
    # a skill that sends them itself, in another process.
    from .. import ssml
    from ..services.progressive import (
        _count_fault,
        _kind_fault,
        _length_fault,
        _pauses_fault,
        _speech_fault,
    )
    from ..xml_text import _speak_root

    is_ssml = _speak_root(speech) >= 0
    # Plain text measured as the <speak> document `AlexaApi.progressive` makes of it and
    # counts (escaped, its quotes too): Amazon's page limits the speech, which is SSML.
    document = speech if is_ssml else str(ssml.speak(speech))
    why = _kind_fault(kind) if kind is not None else _length_fault(document)
    # A <speak> document is held to Amazon's SSML reference, as an answer's speech is by the
    # test tools (well-formed, its tags, a <break> of at most 10 s); plain text is said as it is.
    # Not to an answer's limits of the whole (8000 characters, five clips): its own are below.
    if why is None and is_ssml and (error := _markup_error(speech)) is not None:
        why = f"speech is SSML Alexa cannot take: {error}"
    # What `AlexaApi.progressive` refuses of what it says, by the same check: speech that says
    # nothing, an <audio> Alexa cannot fetch, a <prosody> out of Amazon's range; then the
    # audio Amazon limits to 30 s, as it measures it (the pauses), and the five per request.
    why = why or _speech_fault(document) or _pauses_fault(document) or _count_fault(taken or 0)
    # (The directive API's error model has a numeric code no source names: the message alone,
    # ask-sdk-model's services/directive/error.py.)
    return None if why is None else (400, {"message": why})
