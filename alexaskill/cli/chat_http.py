"""``alexaskill chat --url``: requests signed with the development key, posted to a ``serve
--dev`` server, and the id of the skill it serves."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ..shown_names import shown
from .common import UsageError, is_local_url, unreachable
from .inputs import shown_url
from .url_answers import not_json, proxy_answer, proxy_failure, redirect_reason

if TYPE_CHECKING:
    import ssl

    from ..testing import FakeAlexaApi, SkillResponse

__all__ = ["SPEAKER", "HttpTransport", "served_skill_id"]

#: The interfaces of the device chat is by default: a speaker.
SPEAKER: Final = ("AudioPlayer",)


class HttpTransport:
    """Sends requests to a ``serve --dev`` server, signed with the development key."""

    def __init__(
        self, url: str, skill_id: str, locale: str, app_hint: str, api: FakeAlexaApi
    ) -> None:
        import httpx

        from ..outgoing_connections import bound_socks_handshake
        from ..testing import RequestFactory
        from .common import check_proxies, client_tls
        from .dev import dev_pki
        from .replay_url import URL_TIMEOUT, check_url

        self.url = check_url(url)
        check_proxies()  # (before httpx's ImportError for one it cannot use)
        self.pki = dev_pki()
        self.factory = RequestFactory(skill_id=skill_id, locale=locale, interfaces=SPEAKER)
        self.timeout = URL_TIMEOUT
        self.http = httpx.Client(
            timeout=httpx.Timeout(self.timeout),
            verify=client_tls(),
            # (a SOCKS proxy's handshake within the timeout: httpcore gives it none)
            event_hooks={"request": [bound_socks_handshake]},
        )
        self.app_hint = app_hint
        #: Whether the server has answered a request: one that does not answer any more
        #: (restarting, say) fails its request, as Alexa meets it, rather than the chat.
        self.answered = False
        self.session: dict[str, Any] | None = None
        #: The session of the last request, which a SessionEndedRequest (ERROR) ends if Alexa
        #: refused its answer (`refused_session`).
        self.ending: dict[str, Any] | None = None
        # A skill served on this machine calls Alexa's service APIs at each request's
        # apiEndpoint: a fake served here answers them, so that nothing reaches Amazon.
        self.api = api
        self._stack = contextlib.ExitStack()
        if is_local_url(self.url):
            self.factory.api_endpoint = self._stack.enter_context(api.serve())

    def send(self, request: Mapping[str, Any], *, new_session: bool) -> SkillResponse:
        """Sign and POST the request in this transport's session."""
        import httpx

        from ..testing import SkillResponse
        from ..testing.answer_rules import answer_verdict, server_ssml_refusal
        from ..testing.grants import grant_scopes
        from ..testing.sessions import answered_session, sessions_to_send

        request_type = str(request["type"])
        if new_session and self.session is not None:
            # that session is over: a stream paused in it plays
            self.factory.player.session_ended()
        # Alexa's SessionEndedRequest (ERROR) after an answer it refused goes in that answer's
        # session, as it was before it (as in chat --url, the simulator and TestClient).
        self.session, self.ending = sessions_to_send(
            self.session, self.ending, request, new_session=new_session, start=self.factory.session
        )
        envelope = self.factory.turn(request, self.session)
        grant_scopes(envelope, self.api.permissions)  # what the user granted, as Alexa says it
        body = json.dumps(envelope, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json", **self.pki.sign(body)}
        first_call = self.api.call_count
        named = self.api.issued(envelope)  # its token and device are the skill's, for Alexa's APIs
        try:
            # While the server answers, its progressive responses for the request are taken.
            with self.api.answering(named):
                response = self.http.post(self.url, content=body, headers=headers)
        except (httpx.ConnectError, httpx.TimeoutException, httpx.ProxyError) as exc:
            # (a ConnectTimeout is a TimeoutException too: the request never left, so it is
            # no skill that failed to answer in time; nor did one a proxy refused to tunnel, or
            # left its CONNECT unanswered)
            connecting = not isinstance(exc, httpx.TimeoutException) or isinstance(
                exc, httpx.ConnectTimeout
            )
            if not connecting and proxy_failure(self.url, exc, timeout=self.timeout) is None:
                said = f"no answer within {self.timeout:g} s (Alexa gives up after about 8 s)"
                return self._failed(envelope, said)
            error = unreachable(shown_url(self.url), exc, self.app_hint, timeout=self.timeout)
            if self.answered:  # (a URL that never answered is the chat's error)
                return self._failed(envelope, str(error))
            raise error from None
        except httpx.HTTPError as exc:
            return self._failed(envelope, f"no answer ({type(exc).__name__}: {exc})")
        told = proxy_answer(self.url, response)
        if told is not None and told[1]:  # (a 407: the proxy's, no request got past)
            error = UsageError(f"cannot connect to {shown_url(self.url)}: {told[0]}")
            if self.answered:  # (as a proxy that refused the connection: the request failed)
                return self._failed(envelope, str(error))
            raise error
        self.answered = True
        shape = None
        try:
            payload = response.json()
        except (ValueError, RecursionError):  # (nested too deeply: no JSON either)
            text = shown(response.text)  # (a long page: its head and tail, its length)
            if response.status_code == 200:
                # Not a response envelope (a web page, say): Alexa refuses it, said in replay
                # --url's words. A dict here would pass for the skill's answer.
                payload = text or None
                shape = not_json(response)
            else:  # the reason of a refusal, shown on its HTTP line
                payload = {"error": text} if text else None
        else:
            if response.status_code == 200 and not isinstance(payload, dict):  # ([1, 2], say)
                from ..responses.response import envelope_refusal

                shape = envelope_refusal(payload)
        if told is not None:  # (its 403 or 502 page: said the proxy's, not the skill's)
            payload = {"error": told[0]}
        redirect = redirect_reason(response, "chat")
        if redirect is not None:  # (where to, rather than the body: "Moved")
            payload = {"error": redirect}
        calls = tuple(self.api.calls_since(first_call))
        status = response.status_code
        refusal = shape or server_ssml_refusal(status, payload)
        # the rules the app keeps in process, judged with the request sent
        # (and the directives for an interface the device lacks, which the app drops)
        unsupported: list[str] = []
        judged = (
            None
            if refusal
            else answer_verdict(
                envelope, status, payload, unsupported=unsupported, size=len(response.content)
            )
        )
        refusal, broken = judged or (refusal, ())
        result = SkillResponse(
            status,
            payload,
            api_calls=calls,
            violations=broken,
            request=envelope["request"],
            refusal=refusal,  # (the player does none of it)
            unsupported=() if refusal else tuple(unsupported),
        )
        self.factory.player.answered(envelope, result)  # what the device does with it
        # As TestClient's and replay --carry-session's: a failed answer (one Alexa refuses
        # too, HTTP 200 or not), or one that ends the session on this device (a speaker), ends
        # it; the answer to an AudioPlayer or PlaybackController event leaves it alone.
        self.session = answered_session(
            self.session, request_type, result, interfaces=self.factory.interfaces
        )
        return result

    def _failed(self, envelope: Mapping[str, Any], said: str) -> SkillResponse:
        """No answer came: the request failed, which ends its session as any failed one."""
        from ..testing import SkillResponse
        from ..testing.sessions import answered_session

        result = SkillResponse(0, {"error": said}, request=envelope["request"])
        self.factory.player.answered(envelope, result)
        request_type = str(envelope["request"]["type"])
        self.session = answered_session(
            self.session, request_type, result, interfaces=self.factory.interfaces
        )
        return result

    def close(self) -> None:
        """Close the HTTP client and stop the fake service APIs."""
        self.http.close()
        self._stack.close()


#: Seconds `served_skill_id` waits for the server (its connection, a proxy's handshake, its
#: answer).
_INFO_TIMEOUT = 5.0


def served_skill_id(url: str, tls: ssl.SSLContext | None = None) -> str | None:
    """The application id of the skill at ``url``, as the simulator of a ``serve --dev``
    server lists it (``/_simulator/api/info``); None if it cannot be asked. A proxy the
    environment sets that let the question through to no server is a `UsageError` naming it,
    as the requests of ``chat --url`` say it (`proxy_failure`). ``tls``: the trust of the
    command's other requests to ``url`` (``certify --cafile``'s), else the process's."""
    from urllib.parse import urlsplit

    import httpx

    from ..outgoing_connections import bound_socks_handshake
    from .common import UsageError, check_proxies, client_tls

    check_proxies()  # (a UsageError: httpx's ImportError is none of those caught below)
    parts = urlsplit(url)
    # (so is a CA bundle it cannot read: an OSError)
    verify = client_tls() if tls is None else tls
    try:
        with httpx.Client(
            timeout=httpx.Timeout(_INFO_TIMEOUT),
            verify=verify,
            # (a SOCKS proxy's handshake within the timeout: httpcore gives it none)
            event_hooks={"request": [bound_socks_handshake]},
        ) as client:
            info = client.get(f"{parts.scheme}://{parts.netloc}/_simulator/api/info").json()
        skills = [s for s in info["skills"] if isinstance(s.get("skillId"), str)]
    except httpx.HTTPError as exc:
        through = proxy_failure(url, exc, timeout=_INFO_TIMEOUT)
        if through is not None:  # (the proxy's doing: the server was never asked)
            raise UsageError(f"cannot connect to {shown_url(url)}: {through}") from None
        return None
    except (ValueError, RecursionError, KeyError, TypeError, AttributeError):
        return None
    path = parts.path.rstrip("/") + "/"
    chosen = [s for s in skills if str(s.get("path", "")).rstrip("/") + "/" == path]
    found = chosen or (skills if len(skills) == 1 else [])
    return str(found[0]["skillId"]) if found else None
