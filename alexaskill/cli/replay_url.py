"""``replay --url``: the request files sent, signed with the development key, to a skill a
``serve --dev`` server runs, and its answers judged as in this process."""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from ..app import Skill
    from ..testing import SkillResponse

from ..shown_names import shown
from .common import UsageError, client_tls, is_local_url, unreachable
from .dev import dev_pki
from .inputs import fake_alexa_api, shown_url, url_blemish
from .request_origin import skill_id_for
from .url_answers import not_json, proxy_answer, proxy_failure, redirect_reason

__all__ = ["URL_TIMEOUT", "check_url", "send_url"]

#: Seconds ``--url`` waits for each answer (Alexa gives up after about 8).
URL_TIMEOUT = 15.0


def check_url(url: str) -> str:
    """``url`` if it is an http(s) URL httpx can send to, else a usage error saying why."""
    try:
        url.encode("utf-8")  # (a byte that is not UTF-8, as Python holds it: httpx raised)
    except UnicodeEncodeError:
        raise UsageError(f"--url {shown_url(url)!r}: not UTF-8 text") from None
    if (blemish := url_blemish(url)) is not None:
        raise UsageError(f"--url {shown_url(url)!r}: {blemish}")
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # an unclosed [ of an IPv6 address
        raise UsageError(f"--url {shown_url(url)!r}: not a URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"--url {shown_url(url)!r}: expected an http(s) URL, e.g. http://127.0.0.1:8000/"
        )
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        raise UsageError(
            f"--url {shown_url(url)!r}: the port is not a number from 0 to 65535"
        ) from None
    import httpx  # (sent through it: what urllib lets by, "[::1]]", httpx refuses)

    try:
        httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise UsageError(f"--url {shown_url(url)!r}: not a URL ({exc})") from None
    return url


def send_url(
    skill: Skill | None,
    requests: list[tuple[str, dict[str, Any]]],
    args: argparse.Namespace,
    sending: Callable[[], object],
) -> Iterator[tuple[str, dict[str, Any], SkillResponse]]:
    """Each of ``requests`` (its name, envelope), sent to ``args.url``, with its answer;
    ``sending()`` called as each is sent, as by replay's own (`TurnLog.hold`)."""
    import httpx

    from ..outgoing_connections import bound_socks_handshake
    from ..responses.response import envelope_refusal
    from ..testing import SkillResponse, refresh
    from ..testing.answer_rules import answer_verdict, server_ssml_refusal
    from ..testing.sessions import FileSessions

    url = check_url(args.url)
    pki = dev_pki()
    skill_id = None if args.keep_skill_id else _url_skill_id(args.skill_id, skill, url)
    api = fake_alexa_api(args.alexa_api)
    app = args.app or "APP"  # (as the hint to start a server names it)
    with contextlib.ExitStack() as stack:
        http = stack.enter_context(
            httpx.Client(
                timeout=httpx.Timeout(URL_TIMEOUT),
                verify=client_tls(),
                # (a SOCKS proxy's handshake within the timeout: httpcore gives it none)
                event_hooks={"request": [bound_socks_handshake]},
            )
        )
        # A skill served on this machine calls Alexa's service APIs at each request's
        # apiEndpoint: point it at a fake served here, so that nothing reaches Amazon.
        api_url = stack.enter_context(api.serve()) if is_local_url(url) else None
        sessions = FileSessions() if args.carry_session else None
        for name, envelope in requests:
            if sessions is not None:
                sessions.send_in(envelope)
            refresh(
                envelope,
                skill_id=skill_id,
                locale=args.locale,
                api_endpoint=api_url,
            )
            body = json.dumps(envelope, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json", **pki.sign(body)}
            first_call = api.call_count
            sending()
            try:
                response = http.post(url, content=body, headers=headers)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.ProxyError) as exc:
                # (a ConnectTimeout is a TimeoutException too: the request never left, nor did
                # one a proxy refused to tunnel)
                raise unreachable(shown_url(url), exc, app, timeout=URL_TIMEOUT) from None
            except httpx.TimeoutException as exc:
                if proxy_failure(url, exc, timeout=URL_TIMEOUT) is not None:  # (its CONNECT)
                    raise unreachable(shown_url(url), exc, app, timeout=URL_TIMEOUT) from None
                said = f"no answer within {URL_TIMEOUT:g} s (Alexa gives up after about 8 s)"
                result = SkillResponse(0, {"error": said})
            except httpx.HTTPError as exc:
                result = SkillResponse(0, {"error": f"no answer ({type(exc).__name__}: {exc})"})
            else:
                told = proxy_answer(url, response)
                if told is not None and told[1]:  # (a 407: the proxy's, no request got past)
                    raise UsageError(f"cannot connect to {shown_url(url)}: {told[0]}")
                shape = None
                # (Alexa takes no answer to a SessionEndedRequest: any shape will do)
                judged = response.status_code == 200 and (
                    envelope["request"].get("type") != "SessionEndedRequest"
                )
                try:
                    payload = response.json()
                except (ValueError, RecursionError):  # (nested too deeply: no JSON either)
                    payload = {"error": shown(response.text)} if response.text else None
                    if judged:  # (a web page, say: what came, not "no response envelope")
                        shape = not_json(response)
                else:
                    shape = envelope_refusal(payload) if judged else None
                if told is not None:  # (its 403 or 502 page: said the proxy's, not the skill's)
                    payload = {"error": told[0]}
                redirect = redirect_reason(response, "replay")
                if redirect is not None:  # (where to, rather than the body: "Moved")
                    payload = {"error": redirect}
                calls = tuple(api.calls_since(first_call))
                # Whether Alexa would refuse the answer whole, as judged in process (and the
                # rules the app keeps there: their violations too).
                status = response.status_code
                refusal = shape or server_ssml_refusal(status, payload)
                lacks: list[str] = []  # (directives for an interface the device lacks)
                judged = (
                    None
                    if refusal
                    else answer_verdict(
                        envelope,
                        status,
                        payload,
                        skill,
                        unsupported=lacks,
                        size=len(response.content),
                    )
                )
                refusal, broken = judged or (refusal, ())
                result = SkillResponse(
                    status, payload, calls, broken, refusal=refusal, unsupported=tuple(lacks)
                )
            if sessions is not None:
                sessions.answered(envelope, result)
            yield name, envelope, result


def _url_skill_id(given: str | None, skill: Skill | None, url: str) -> str:
    """The skill id ``--url``'s requests carry: ``--skill-id``, else the APP's; with no APP,
    the one the ``serve --dev`` server's simulator names (as ``chat --url`` asks it), else
    `skill_id_for`'s default."""
    if given or skill is not None:
        return skill_id_for(given, skill)
    from .chat_http import served_skill_id

    return served_skill_id(url) or skill_id_for(None)
