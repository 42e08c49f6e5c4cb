"""Progressive responses: speech Alexa plays while the skill works on its answer."""

from __future__ import annotations

import logging
import time
from typing import Final

from .. import ssml
from ..alexa_api.wire import _shown, is_amazon_host
from ..articles import with_article
from ..exceptions import AlexaApiError, AlexaApiTimeout, ResponseError
from ..responses.speech import _refuse_document_as_text
from ..responses.ssml_elements import _BUILDERS, _checked_document, _pauses_ms, _tag_error
from ..ssml_faults import _first_fault
from ..ssml_limits import _says_nothing, _silence_fault
from ..ssml_scan import _SSML_TAGS
from ..xml_text import _plain_str, _wrapped
from .base import API_TIMEOUT, RequestApi

__all__ = [
    "MAX_PROGRESSIVE_AUDIO",
    "MAX_PROGRESSIVE_RESPONSES",
    "MAX_PROGRESSIVE_SPEECH",
    "PROGRESSIVE_TIMEOUT",
    "ProgressiveApi",
]

logger = logging.getLogger("alexaskill")

#: The same, for progressive responses (kept as its own name for skills that import it).
PROGRESSIVE_TIMEOUT: Final = API_TIMEOUT
#: Progressive responses one request may have.
MAX_PROGRESSIVE_RESPONSES: Final = 5
#: Characters in a progressive response's speech (the SSML document sent).
MAX_PROGRESSIVE_SPEECH: Final = 600
#: Seconds of audio in a progressive response (its ``<break time>`` pauses, here).
MAX_PROGRESSIVE_AUDIO: Final = 30.0
# Amazon plays progressive responses only while it waits for the answer to these requests.
_PROGRESSIVE_REQUESTS: Final = ("LaunchRequest", "IntentRequest")


class ProgressiveApi(RequestApi):
    """`AlexaApi`'s progressive responses, for async and sync handlers."""

    __slots__ = ()

    # --- progressive responses -----------------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/custom-skills/send-the-user-a-progressive-response.html

    async def progressive(self, speech: str | ssml.Ssml) -> bool:
        """Have Alexa say ``speech`` while the skill works on its answer; True if accepted.

        ``speech`` is plain text or `Ssml`, as for `speak`. Only a LaunchRequest or an
        IntentRequest can have progressive responses, at most five, sent before the handler
        returns; the speech is at most 600 characters with at most 30 s of pauses. Breaking one
        of these rules raises `ResponseError` before anything is sent. Failures on the way are
        logged and return False: the skill's real answer is never affected. A sync handler runs
        in a worker thread and cannot await this: use `progressive_sync`.

        Alexa plays only those it gets before the answer: one sent later (by a task the handler
        left running), or after the response deadline (by a ``def`` handler the deadline gave
        up on, its answer sent), is refused here, unsent: logged at ERROR, it returns False,
        and the answer is untouched. Await them in the handler. In tests, where calls go to the
        in-process `FakeAlexaApi`, the fake refuses it as Alexa does (a 403) and the
        `TestClient` raises it at its next request (after the last: at its close).
        """
        request = self._envelope.request
        if request.type not in _PROGRESSIVE_REQUESTS:
            raise ResponseError(_kind_fault(request.type))
        document = progressive_document(speech, self._progressive_sent)
        late = self._too_late()
        if late is not None:
            logger.error(
                "progressive response not sent: %s. Alexa plays one only while the skill works "
                "on its answer: send it from the handler, awaited, before it returns",
                late,
            )
            return False
        system = self._system()
        if system is None or not system.api_endpoint or not system.api_access_token:
            logger.warning("no progressive response: the request has no apiEndpoint or token")
            return False
        # Counted as it goes, so that a sixth sent meanwhile (two awaited together) is refused.
        # Amazon counts those it receives: one refused (an HTTP status) or unanswered in time
        # by a server (it may have come, and Alexa play it) stays counted; one that surely
        # reached no one (`_never_sent`; a timeout while connecting) is taken back.
        self._progressive_sent += 1
        body = {
            "header": {"requestId": request.request_id},
            "directive": {"type": "VoicePlayer.Speak", "speech": document},
        }
        # For the log: a forged endpoint's user info (https://user:secret@…) left out.
        url = _shown(system.api_endpoint.rstrip("/") + "/v1/directives")
        try:
            await self._call("progressive", "POST", "/v1/directives", None, json=body)
        except AlexaApiTimeout as exc:
            # (where it stalled, over HTTP: its TCP connection, a proxy, the server's answer)
            where = "" if exc.detail is None else f": {exc.detail}"
            logger.warning(
                "progressive response timed out after %g s (%s)%s", self.timeout, url, where
            )
            if exc.reached_no_server:  # (its connection never made: Amazon received nothing)
                self._progressive_sent -= 1
            return False
        except AlexaApiError as exc:  # the answer matters more than the interim speech
            if exc.status is not None:
                # The message has Amazon's reason ("Unrecognized requestId" for one sent after
                # the answer), never the token.
                logger.warning(
                    "progressive response refused (%s): %s",
                    url,
                    str(exc).removeprefix("progressive: "),
                )
            else:
                cause = (
                    type(exc.__cause__).__name__
                    if exc.__cause__
                    else str(exc).removeprefix("progressive: ")
                )
                logger.warning("progressive response failed (%s): %s", url, cause)
                if _never_sent(exc):
                    self._progressive_sent -= 1
            return False
        except Exception as exc:  # a closed client, a transport of the skill's own: the same
            # The type only at WARNING (a message could hold what was sent); the traceback at
            # DEBUG, so a bug in a transport or in alexaskill stays findable.
            logger.warning("progressive response failed (%s): %s", url, type(exc).__name__)
            logger.debug("progressive response failure, in full:", exc_info=exc)
            return False
        return True

    def _too_late(self) -> str | None:
        """Why a progressive response now would come after its answer, or None.

        Judged only for Amazon's own endpoints, those the calls go to (`is_amazon_host`, as
        `check_endpoint` reads them: ``amazonalexa.com`` and its subdomains, the North
        American, European and Far East ``api.amazonalexa.com``, ``api.eu…``, ``api.fe…``),
        whose refusal this speaks for: a stand-in (the testing fake in-process, an
        `ApiTransport`; the simulator of ``serve --dev`` at its own endpoint) answers for
        itself, as Alexa does, so that the tools show the call Alexa would refuse.
        """
        call = self._answering
        if call is None or hasattr(self._client, "alexa_api_call"):
            return None
        # Here: urllib.parse (and the ipaddress it loads) is milliseconds of a cold start.
        from urllib.parse import urlsplit

        try:  # the host as an HTTP client reads it: no user info or port
            host = urlsplit(self.endpoint or "").hostname
        except ValueError:  # not a URL (an unclosed "[" of an IPv6 address): not Amazon's
            return None
        if not is_amazon_host(host):  # (another host: check_endpoint refuses it, unsent)
            return None
        request_id = self._envelope.request.request_id
        if call.expired or (call.deadline is not None and time.perf_counter() > call.deadline):
            return (
                f"the response deadline of request {request_id} passed (Skill(deadline=...)): "
                "the deadline's answer went out instead"
            )
        if call.answered:
            return f"request {request_id} was answered already"
        return None

    def progressive_sync(self, speech: str | ssml.Ssml) -> bool:
        """`progressive` for a sync handler (which runs in a worker thread of the app)."""
        try:
            return self.call_sync(self.progressive, speech)
        except RuntimeError as exc:  # not in a worker thread of a running event loop
            logger.warning("no progressive response from this thread: %s", exc)
            return False


def _never_sent(exc: AlexaApiError) -> bool:
    """Whether the failed call ``exc`` surely reached no server of Amazon's: no HTTP status, and
    no connection made (httpx's `ConnectError`: no TCP connection or TLS handshake; its
    `ProxyError`: a proxy that refused the tunnel), or nothing sent at all (a closed client, a
    URL that cannot be built: no cause)."""
    if exc.status is not None:
        return False
    cause = exc.__cause__
    if cause is None:
        return True
    import httpx  # (loaded already: the call went through it)

    return isinstance(cause, httpx.ConnectError | httpx.ProxyError | httpx.UnsupportedProtocol)


def progressive_document(speech: str | ssml.Ssml, sent: int = 0) -> str:
    """The SSML document a progressive response of ``speech`` sends, the ``sent + 1``-th of its
    request; `ResponseError` if Amazon would refuse it (`Skill` checks ``progressive_speech``
    with it at start)."""
    if not isinstance(speech, str) or not speech:
        raise ResponseError("progressive response speech must be a non-empty str or Ssml")
    # As for speak(): a plain str that is a whole <speak> document is refused (escaped, its
    # tags would be read aloud). SSML is read as an answer's is (`SsmlSpeech`): a document sent
    # from its root (text or a <speak> after it, or one inside it, refused, never composed into
    # one), a fragment wrapped; then the same checks, but for the answer's limits (8000
    # characters, 5 <audio> clips), which are not a progressive response's.
    if not isinstance(speech, ssml.Ssml):
        _refuse_document_as_text(speech)
        speech = ssml.speak(speech)
    field = "progressive response speech"
    document = _checked_document(field, str.__str__(speech), "the progressive response")
    _check_progressive(document, sent)
    return document


def _speech_fault(document: str) -> str | None:
    """Why Amazon would refuse the SSML ``document`` as a progressive response's speech for what
    it says, or None: a fault of its markup (a bare ``&`` or ``<``, an entity XML does not
    know, a tag not as Amazon's SSML reference writes it, a ``<break>``, ``<audio>`` or
    ``<prosody>`` past Amazon's limits, …: the first by position, as an answer's speech and
    `ssml_error` say it), then speech that says nothing. `AlexaApi.progressive` and
    `FakeAlexaApi` both ask this."""
    fault = _markup_fault(document) or _nothing_fault(document)
    return None if fault is None else _plain_str(fault)  # (FakeAlexaApi's JSON takes no subclass)


def _markup_fault(written: str) -> str | None:
    # The first fault by position (`alexaskill.ssml_faults._first_fault`: a DOCTYPE first, the
    # prolog, references, "]]>" in text, the tags, what follows the root), in the words of an
    # answer's speech; placed (`_in_fragment` reads the place, not the words).
    fault = _first_fault(written, _BUILDERS, _tag_error, _SSML_TAGS)
    return None if fault is None else _wrapped("progressive response speech: ", fault)


def _nothing_fault(document: str) -> str | None:
    # As for speak(): white space, invisible characters (or references to them), comments, the
    # root and empty elements say nothing.
    if _says_nothing(document):
        return _silence_fault("progressive response speech", document)
    return None


# The words of Amazon's limits, one text each: `AlexaApi.progressive` raises them, `FakeAlexaApi`
# answers them (its 400's message) to a skill that sends its own.


def _kind_fault(kind: str) -> str:
    """Why no progressive response goes with a request of the type ``kind``."""
    return (
        "a progressive response is only for a LaunchRequest or an IntentRequest, "
        f"not {with_article(kind)} (Alexa plays none)"
    )


def _length_fault(document: str) -> str | None:
    """Why the SSML ``document`` sent (`FakeAlexaApi`: the one `AlexaApi.progressive` makes of
    plain text) is too long for a progressive response, or None."""
    if len(document) <= MAX_PROGRESSIVE_SPEECH:
        return None
    return (
        f"progressive response speech is {len(document):,} characters as SSML; the limit is "
        f"{MAX_PROGRESSIVE_SPEECH:,}"
    )


def _pauses_fault(speech: str) -> str | None:
    """Why the ``<break>`` pauses of ``speech`` are past a progressive response's audio, or
    None."""
    if "<break" not in speech:  # (the usual speech: no pause to add up)
        return None
    pauses = _pauses_ms(speech) / 1000
    if pauses <= MAX_PROGRESSIVE_AUDIO:
        return None
    return (
        f"progressive response speech holds {pauses:g} s of pauses; the limit is "
        f"{MAX_PROGRESSIVE_AUDIO:g} s of audio"
    )


def _count_fault(sent: int) -> str | None:
    """Why one more progressive response, after ``sent`` for its request, is one too many, or
    None."""
    if sent < MAX_PROGRESSIVE_RESPONSES:
        return None
    return (
        f"at most {MAX_PROGRESSIVE_RESPONSES} progressive responses per request; this would "
        f"be number {sent + 1}"
    )


def _check_progressive(document: str, sent: int) -> None:
    """Raise `ResponseError` if Amazon would refuse ``document``, whose markup was checked
    (`_checked_document`), as a progressive response: for its limits."""
    fault = (
        _nothing_fault(document)
        or _length_fault(document)
        or _pauses_fault(document)
        or _count_fault(sent)
    )
    if fault is not None:
        raise ResponseError(fault)
