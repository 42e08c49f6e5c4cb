"""Alexa's service APIs for one request: `AlexaApi`, injected into handlers that ask for it.

    @skill.intent("GetForecast")
    async def forecast(api: AlexaApi, city: str) -> Response:
        name = await api.given_name()          # None when the user set none
        day = await api.today()                # the user's today, in the device's time zone
        await api.progressive(f"Looking up {city}…")
        return speak(f"{name or 'Hello'}, {await slow_lookup(city, day)}")

Decisions:

- **Per request, by type.** `Skill` registers `AlexaApi` as a service: a handler with a parameter
  annotated `AlexaApi` gets one bound to the request's ``apiEndpoint``, ``apiAccessToken``,
  device and request id. Handlers that do not ask pay nothing.
- **One call per method, Amazon's documented endpoint.** Each method is one request to the path
  Amazon's API reference gives (cited at each method), with the request's token as Bearer. The
  answer is decoded into a typed value (`alexaskill.alexa_api`); ``None`` where Amazon answers
  "not set" (204). The time zone is asked once per request, however many `now`/`today` calls.
- **Failures raise, one tree.** A refusal of the token itself (a 401 or 403 whose code is
  ``INVALID_TOKEN``, or a 401 of any API but reminders) raises `AccessTokenError`, an
  `AlexaApiError`: no consent card can mend a token. A missing permission (403; 401 for
  reminders, as Amazon documents there) raises `PermissionRequired` naming the scope: the app
  answers it with Amazon's consent card unless the skill handles it; unless the request says
  the user granted the scope (``context.System.user.permissions.scopes``): then an
  `AlexaApiError` and a WARNING, for every API alike, as the card would ask for what the user
  gave. A refusal coded ``DEVICE_NOT_SUPPORTED`` (a device that cannot hold reminders) raises
  `DeviceNotSupported`, an `AlexaApiError`: no card can give the device what it lacks. Any
  other failure (429, 5xx, a network error, a closed client, an answer that does
  not decode) raises `AlexaApiError`, whose ``retry_after`` gives the seconds of a 429's or
  5xx's ``Retry-After`` (never acted on here: the skill has seconds to answer, and decides
  whether a retry fits in them); a call slower than ``timeout`` (2 s by default, the whole
  call) raises `AlexaApiTimeout`. Nothing hangs and nothing logs the token. Once the skill's
  deadline has answered for the request, the calls that change what Alexa keeps (reminders,
  list items) raise `AlexaApiError` unsent: the user's retry would make them again.
- **Progressive responses never break the answer**: `progressive` logs its failures at WARNING
  and returns False, because the interim speech matters less than the reply. Breaking one of
  Amazon's rules for them (Amazon's "Send the User a Progressive Response" page) is a bug in
  the skill, though, and raises `ResponseError` before anything is sent: only while answering
  a LaunchRequest or an IntentRequest, at most `MAX_PROGRESSIVE_RESPONSES` per request, speech
  of at most `MAX_PROGRESSIVE_SPEECH` characters (the SSML document sent) with at most
  `MAX_PROGRESSIVE_AUDIO` seconds of pauses (``<break time>``; the length of an ``<audio>``
  clip cannot be known without fetching it, so it is the author's to keep short).
- **Alexa's hosts only**: https to ``amazonalexa.com`` or a subdomain of it, or a loopback
  ``http(s)://127.0.0.1`` (or ``[::1]``) endpoint, which tests and the development tools use.
  Any other endpoint (a forged request's) is refused before anything is sent: the token goes
  nowhere else.
- **The app's HTTP client.** Calls go through ``Skill.api_client`` when set (the test client sets
  it to answer in-process), else the ``httpx.AsyncClient`` the app's lifespan opens (shared with
  certificate downloads). Without either (a skill mounted in an app that runs no lifespan for it,
  or on AWS Lambda) each call opens and closes its own client: slower, but nothing is left open.
  A call on another event loop than its client's (``asyncio.run`` in a ``def`` handler) raises
  `AlexaApiError`: an httpx client's pooled connections belong to the loop they were opened on;
  a ``def`` handler calls through ``call_sync``.
- **Import-light**: httpx and anyio are imported when a call is made, not with the module.

`AlexaApi` is put together from one class per family of Amazon's APIs, each in its own module:
`services.user` (settings, device address, customer profile), `services.records` (reminders,
lists, in-skill products) and `services.progressive`, over `services.base` (the request's
endpoint and token, and the one way out to Amazon).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from .base import API_TIMEOUT, check_timeout
from .progressive import (
    MAX_PROGRESSIVE_AUDIO,
    MAX_PROGRESSIVE_RESPONSES,
    MAX_PROGRESSIVE_SPEECH,
    PROGRESSIVE_TIMEOUT,
    ProgressiveApi,
)
from .records import RecordsApi
from .user import UserApi

if TYPE_CHECKING:
    import httpx

    from ..alexa_api import ApiTransport
    from ..dispatch import Call

__all__ = [
    "API_TIMEOUT",
    "MAX_PROGRESSIVE_AUDIO",
    "MAX_PROGRESSIVE_RESPONSES",
    "MAX_PROGRESSIVE_SPEECH",
    "PROGRESSIVE_TIMEOUT",
    "AlexaApi",
    "alexa_api_factory",
]


class AlexaApi(UserApi, RecordsApi, ProgressiveApi):
    """Alexa's service APIs, bound to one request: its endpoint, token, device and request id.

    Every method is a coroutine: call them from ``async def`` handlers. See the module docstring
    for how failures are reported.
    """

    __slots__ = ()


def alexa_api_factory(
    get_client: Callable[[], httpx.AsyncClient | ApiTransport | None],
    *,
    timeout: float = API_TIMEOUT,
) -> Callable[[Call], Awaitable[AlexaApi]]:
    """A ``create`` for `Skill.add_service`: an `AlexaApi` per request, using ``get_client()``.

    ``skill.add_service(AlexaApi, alexa_api_factory(lambda: my_client))`` routes the calls
    through another client (a test's ``httpx.MockTransport``, a proxy). ``timeout`` is a
    positive, finite number of seconds (`ValueError` here otherwise).
    """
    check_timeout(timeout)

    async def create(call: Call) -> AlexaApi:
        # One per request: an exception handler gets the handler's, and its count of calls.
        made = call.services.get(AlexaApi)
        if isinstance(made, AlexaApi):
            return made
        api = AlexaApi(call.envelope, client=get_client(), timeout=timeout)
        api._answering = call  # what tells a progressive response sent too late (its answer made)
        return api

    return create
