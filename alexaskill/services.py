"""Alexa's service APIs for one request: `AlexaApi`, injected into handlers that ask for it.

    @skill.intent("GetForecast")
    async def forecast(api: AlexaApi, city: str) -> Response:
        await api.progressive(f"Looking up {city}…")
        return speak(await slow_lookup(city))

Decisions:

- **Per request, by type.** `Skill` registers `AlexaApi` as a service: a handler with a parameter
  annotated `AlexaApi` gets one bound to the request's ``apiEndpoint``, ``apiAccessToken`` and
  request id. Handlers that do not ask pay nothing.
- **The app's HTTP client.** Calls go through the ``httpx.AsyncClient`` the app's lifespan opens
  (shared with certificate downloads). Without it (a skill mounted in an app that runs no
  lifespan for it, or on AWS Lambda) each call opens and closes its own client: slower, but
  nothing is left open.
- **A progressive response never breaks the answer.** Any failure (HTTP error status, network
  error, the timeout, a request type that cannot have one) is logged at WARNING, without the
  token, and `progressive` returns False. The timeout (2 s by default) bounds the whole call.
- **Import-light**: httpx and anyio are imported when a call is made, not with the module.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Final

from . import ssml

if TYPE_CHECKING:
    import httpx

    from .dispatch import Call
    from .models import Envelope, System

__all__ = ["PROGRESSIVE_TIMEOUT", "AlexaApi", "alexa_api_factory"]

logger = logging.getLogger("alexaskill")

#: Seconds a progressive response may take before it is given up.
PROGRESSIVE_TIMEOUT: Final = 2.0
# Amazon plays progressive responses only while it waits for the answer to these requests.
_PROGRESSIVE_REQUESTS: Final = ("LaunchRequest", "IntentRequest")


class AlexaApi:
    """Alexa's service APIs, bound to one request: its endpoint, access token and request id."""

    __slots__ = ("_client", "_envelope", "timeout")

    def __init__(
        self,
        envelope: Envelope,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: float = PROGRESSIVE_TIMEOUT,
    ) -> None:
        self._envelope = envelope
        self._client = client
        #: Seconds one call may take in all.
        self.timeout = timeout

    @property
    def endpoint(self) -> str | None:
        """``context.System.apiEndpoint``, e.g. ``https://api.amazonalexa.com``."""
        system = self._system()
        return None if system is None else system.api_endpoint

    @property
    def client(self) -> httpx.AsyncClient | None:
        """The shared HTTP client calls go through; None: each call makes its own."""
        return self._client

    def _system(self) -> System | None:
        context = self._envelope.context
        return None if context is None else context.system

    async def progressive(self, speech: str | ssml.Ssml) -> bool:
        """Have Alexa say ``speech`` while the skill works on its answer; True if accepted.

        ``speech`` is plain text or `Ssml`, as for `speak`. Only a LaunchRequest or an
        IntentRequest can have progressive responses, sent before the handler returns. Failures
        are logged and return False: the skill's real answer is never affected. A sync handler
        runs in a worker thread and cannot await this: use `progressive_sync`.
        """
        request = self._envelope.request
        if request.type not in _PROGRESSIVE_REQUESTS:
            logger.warning("no progressive response for a %s: Alexa plays none", request.type)
            return False
        system = self._system()
        endpoint = None if system is None else system.api_endpoint
        token = None if system is None else system.api_access_token
        if not endpoint or not token:
            logger.warning("no progressive response: the request has no apiEndpoint or token")
            return False
        if not isinstance(speech, str) or not speech:
            logger.warning("no progressive response: speech must be a non-empty str or Ssml")
            return False
        document = str(ssml.speak(speech))
        body = {
            "header": {"requestId": request.request_id},
            "directive": {"type": "VoicePlayer.Speak", "speech": document},
        }
        url = endpoint.rstrip("/") + "/v1/directives"
        headers = {"Authorization": f"Bearer {token}"}
        return await self._post(url, headers, body)

    async def _post(self, url: str, headers: dict[str, str], body: object) -> bool:
        import anyio
        import httpx

        try:
            with anyio.fail_after(self.timeout):
                if self._client is not None:
                    reply = await self._client.post(
                        url, json=body, headers=headers, timeout=self.timeout
                    )
                else:
                    async with httpx.AsyncClient(timeout=self.timeout) as client:
                        reply = await client.post(url, json=body, headers=headers)
        except TimeoutError:
            logger.warning("progressive response timed out after %g s (%s)", self.timeout, url)
            return False
        except Exception as exc:  # the answer matters more than the interim speech
            logger.warning("progressive response failed (%s): %s", url, type(exc).__name__)
            return False
        if not 200 <= reply.status_code < 300:
            logger.warning("progressive response refused (%s): HTTP %d", url, reply.status_code)
            return False
        return True

    def progressive_sync(self, speech: str | ssml.Ssml) -> bool:
        """`progressive` for a sync handler (which runs in a worker thread of the app)."""
        from .threads import run_in_loop

        try:
            return run_in_loop(self.progressive, speech)
        except RuntimeError:  # not one of alexaskill's threads: an anyio worker thread, maybe
            pass
        import anyio.from_thread

        try:
            return anyio.from_thread.run(self.progressive, speech)
        except RuntimeError as exc:  # not in a worker thread of a running event loop
            logger.warning("no progressive response from this thread: %s", exc)
            return False


def alexa_api_factory(
    get_client: Callable[[], httpx.AsyncClient | None],
    *,
    timeout: float = PROGRESSIVE_TIMEOUT,
) -> Callable[[Call], Awaitable[AlexaApi]]:
    """A ``create`` for `Skill.add_service`: an `AlexaApi` per request, using ``get_client()``.

    ``skill.add_service(AlexaApi, alexa_api_factory(lambda: my_client))`` routes the calls
    through another client (a test's ``httpx.MockTransport``, a proxy).
    """

    async def create(call: Call) -> AlexaApi:
        return AlexaApi(call.envelope, client=get_client(), timeout=timeout)

    return create
