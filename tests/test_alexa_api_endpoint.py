"""Where an `AlexaApi` call goes and what it carries: Amazon's hosts or loopback only, the
user's token sent there alone and shown in no error, frame or log line, and its timeout.

What a call's time limit gives back (its pool place, its socket) is in
tests/test_alexa_api_endpoint_pool.py; what a call that failed through a proxy, or stalled, says,
in tests/test_alexa_api_endpoint_said.py."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

import alexaskill
from alexaskill import AlexaApi, AlexaApiError, AlexaApiTimeout
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory

from .alexa_api_shared import _run

pytestmark = pytest.mark.oldest_dependencies

# --- the endpoint rule, without a test client -----------------------------------------------------


def envelope_with(endpoint: str | None, token: str | None = "tok") -> AlexaApi:
    raw = RequestFactory().intent("Ask")
    system = raw["context"]["System"]
    system["apiEndpoint"] = endpoint
    system["apiAccessToken"] = token
    fake = FakeAlexaApi(given_name="Ada")
    return AlexaApi(decode_envelope(json.dumps(raw)), client=fake.client())


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://api.amazonalexa.com",
        "ftp://127.0.0.1",
        "http://localhost:8000",
        "api.amazonalexa.com",
    ],
)
def test_only_https_or_loopback_http_endpoints_are_called(endpoint: str) -> None:
    with pytest.raises(AlexaApiError, match="not Alexa's"):
        _run(envelope_with(endpoint).given_name())


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://api.eu.amazonalexa.com",
        "https://API.FE.AmazonAlexa.com./",
        "https://api.amazonalexa.com:443",
        "http://127.0.0.1:9",
        "http://[::1]:9",
        "https://127.0.0.1:9",
    ],
)
def test_amazons_https_and_loopback_endpoints_are_allowed(endpoint: str) -> None:
    assert _run(envelope_with(endpoint).given_name()) == "Ada"


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil.example",
        "https://evil-amazonalexa.com",
        "https://api.amazonalexa.com.evil.com",
        "https://amazonalexa.com@evil.com",
        "https://user:secret@api.amazonalexa.com",
        "https://10.0.0.1",
        "https://[::1",
        # Names httpx cannot build a URL of (it raised InvalidURL or idna's error, no
        # AlexaApiError), or that are no host name: Amazon's are ASCII letters, digits, hyphens.
        "https://evil\x00.amazonalexa.com",
        "https://a\u200d\u200d.amazonalexa.com",
        "https://xn--a.amazonalexa.com",
        "https://\uff41pi.amazonalexa.com",
        "https://ex ample.amazonalexa.com",
        "https://a_b.amazonalexa.com",
        "https://-api.amazonalexa.com",
        "https://api..amazonalexa.com",
        "https://api.amazonalexa.com/v1\x00",
        # A query or fragment: the call's path was put after it ("…amazonalexa.com?x=/v2/…"
        # asked the host's root, and Amazon's 404 told nothing of the endpoint that caused it).
        "https://api.amazonalexa.com?x=",
        "https://api.amazonalexa.com/?next=1",
        "https://api.amazonalexa.com#part",
        "http://127.0.0.1:9?x",
    ],
)
def test_the_token_goes_to_no_host_but_amazons(endpoint: str) -> None:
    # A request whose apiEndpoint is not Alexa's (a forged one, with verification off) must not
    # get the user's token out: refused before anything is sent.
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json="Ada")

    raw = RequestFactory(api_endpoint=endpoint).intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="not Alexa's") as caught:
        _run(api.given_name())
    assert sent == []
    assert caught.value.status is None and "secret" not in str(caught.value)


def test_a_long_endpoint_refused_is_said_by_its_head_and_tail_and_its_length() -> None:
    # It was its first 80 characters alone: the end, where a forged one differs, was not said.
    endpoint = "https://user:secret@evil.example/" + "p" * 5000 + "/end"
    with pytest.raises(AlexaApiError, match="not Alexa's") as caught:
        _run(envelope_with(endpoint).given_name())
    said = str(caught.value)
    assert "'https://…@evil.example/ppp" in said and "/end' (5,027 characters)" in said, said
    assert "secret" not in said and len(said) < 400


def test_no_endpoint_or_token_is_a_clear_error() -> None:
    with pytest.raises(AlexaApiError, match="no apiEndpoint or apiAccessToken"):
        _run(envelope_with("https://api.amazonalexa.com", token=None).given_name())


@pytest.mark.parametrize("token", ["abc\r\nX-Injected: SECRET", "abcé-SECRET", "abc SECRET", " "])
def test_a_token_that_is_no_bearer_token_is_refused_unsent_and_unshown(token: str) -> None:
    # Not Amazon's (a forged request, with verification off): sending it would inject a header,
    # or fail in httpx or h11 with an exception that carries the token (UnicodeEncodeError,
    # "Illegal header value b'Bearer …'").
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json="Ada")

    raw = RequestFactory().intent("Ask")
    raw["context"]["System"]["apiAccessToken"] = token
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="apiAccessToken") as caught:
        _run(api.given_name())
    assert sent == []
    assert "SECRET" not in str(caught.value) and caught.value.__cause__ is None


def test_a_long_token_refused_says_its_length_with_thousands_separators() -> None:
    # "1507 characters given" was said, where messages write sizes as 1,507.
    raw = RequestFactory().intent("Ask")
    raw["context"]["System"]["apiAccessToken"] = "x" * 1500 + " SECRET"
    client = httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(500)))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="; 1,507 characters given"):
        _run(api.given_name())


@pytest.mark.parametrize(
    "url", ["https://evil\x00.amazonalexa.com/v1", "https://xn--a.amazonalexa.com/v1"]
)
@pytest.mark.parametrize("own_client", [True, False])
def test_a_url_httpx_cannot_build_is_an_alexa_api_error(url: str, own_client: bool) -> None:
    # send() past check_endpoint: httpx's InvalidURL and idna's error are no httpx.HTTPError.
    from alexaskill.alexa_api import send

    def answer(request: httpx.Request) -> httpx.Response:
        raise AssertionError("sent")

    client = None if own_client else httpx.AsyncClient(transport=httpx.MockTransport(answer))
    with pytest.raises(AlexaApiError, match="cannot be sent to") as caught:
        _run(send(client, "op", "GET", url, {}, None, None, timeout=1.0))
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_a_header_httpx_cannot_encode_is_an_alexa_api_error() -> None:
    # The request's locale goes out as Accept-Language: one that is not ASCII (no request of
    # Alexa's) raised a bare UnicodeEncodeError from httpx, past `except AlexaApiError`.
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"inSkillProducts": []})

    raw = RequestFactory().intent("Ask")
    raw["request"]["locale"] = "fr-FRé"
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match="not ASCII") as caught:
        _run(api.in_skill_products())
    assert caught.value.__cause__ is None


def test_a_slow_api_never_holds_the_handler() -> None:
    import anyio

    async def slow(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(10)
        return httpx.Response(200, json="Europe/Paris")

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client, timeout=0.05)

    async def main() -> None:
        # The answer comes after 10 s: a call that returns, rather than raises, waited for it.
        with pytest.raises(AlexaApiTimeout, match=r"within 0\.05 s"):
            await api.time_zone()

    anyio.run(main)


# --- the token in no error, frame or log line -----------------------------------------------------


def test_httpx_logs_no_user_or_device_id_of_a_call(caplog: pytest.LogCaptureFixture) -> None:
    # httpx logs each request's URL at INFO; the device id and list ids (the account id,
    # base64) are in Amazon's paths. The line stays, with the operation instead of the path.
    import logging

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json="METRIC")

    raw = RequestFactory(device_id="amzn1.ask.device.SECRETDEVICE").intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with caplog.at_level(logging.INFO, "httpx"):
        assert _run(api.distance_units()) == "METRIC"
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert len(lines) == 1 and "distance_units" in lines[0] and "200" in lines[0]
    assert "SECRETDEVICE" not in caplog.text

    async def elsewhere() -> None:  # another call of the app's: its line is untouched
        await client.get("https://example.test/amzn1.ask.device.OTHER")

    with caplog.at_level(logging.INFO, "httpx"):
        _run(elsewhere())
    assert "amzn1.ask.device.OTHER" in caplog.text


@pytest.mark.parametrize(
    "error", [httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.ProxyError]
)
def test_a_network_error_carries_no_request_with_the_token(error: type[httpx.RequestError]) -> None:
    # httpx's error holds the request, its Authorization header and all, and its traceback the
    # frames whose locals hold it: what an error reporter records of the AlexaApiError chain.
    token = RequestFactory().intent("Ask")["context"]["System"]["apiAccessToken"]

    def answer(request: httpx.Request) -> httpx.Response:
        raise error("the network failed", request=request)

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    with pytest.raises(AlexaApiError, match=error.__name__) as caught:
        _run(api.distance_units())
    chain: list[BaseException] = []
    todo: list[BaseException | None] = [caught.value]
    while todo:  # every exception reachable, as cause or as context (shown or not)
        seen = todo.pop()
        if seen is not None and seen not in chain:
            chain.append(seen)
            todo += [seen.__cause__, seen.__context__]
    assert isinstance(caught.value.__cause__, error)  # the kind of failure stays findable
    for link in chain[1:]:
        with pytest.raises(RuntimeError):  # httpx: "The .request property has not been set."
            link.request  # type: ignore[attr-defined]  # noqa: B018
        assert link.__traceback__ is None
    assert token not in repr([vars(link) for link in chain])


@pytest.mark.parametrize("how", ["httpx", "deadline"])
def test_a_timeout_carries_no_request_with_the_token(how: str) -> None:
    # The context of the timeout (httpx's ReadTimeout, or the cancellation of the call) holds
    # the request, or frames whose locals do: the AlexaApiTimeout has none.
    async def answer(request: httpx.Request) -> httpx.Response:
        if how == "httpx":
            raise httpx.ReadTimeout("no answer", request=request)
        await asyncio.sleep(10)
        return httpx.Response(200, json="METRIC")

    raw = RequestFactory().intent("Ask")
    client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client, timeout=0.05)
    with pytest.raises(AlexaApiTimeout) as caught:
        _run(api.distance_units())
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def _locals_showing(error: BaseException, secret: str) -> list[str]:
    """The locals of alexaskill's frames in ``error``'s traceback whose repr shows ``secret``, as
    an error reporter that records locals (Sentry) would record them."""
    package = str(Path(alexaskill.__file__).parent)
    shown = []
    frame = error.__traceback__
    while frame is not None:
        code = frame.tb_frame.f_code
        if code.co_filename.startswith(package):
            shown += [
                f"{code.co_name}:{name}"
                for name, value in frame.tb_frame.f_locals.items()
                if secret in repr(value)
            ]
        frame = frame.tb_next
    return shown


@pytest.mark.parametrize(
    "how", ["network", "timeout", "status", "fake", "forged", "endpoint", "no device"]
)
def test_no_frame_of_a_failed_call_shows_the_token(how: str) -> None:
    # The token is in _call's locals, and the headers sent in send's and _http's (context.System
    # in _base's): a reporter that records the locals of the traceback's frames (by their repr,
    # as Sentry does) must not record it.
    raw = RequestFactory().intent("Ask")
    system = raw["context"]["System"]
    if how == "forged":
        system["apiAccessToken"] = "forged token"
    elif how == "endpoint":
        system["apiEndpoint"] = "https://api.example.test"
    elif how == "no device":
        del system["device"]
    token = system["apiAccessToken"]

    async def answer(request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == f"Bearer {token}"  # still sent, as it was
        if how == "network":
            raise httpx.ConnectError("down", request=request)
        if how == "timeout":
            await asyncio.sleep(10)
        return httpx.Response(500)

    if how == "fake":
        client: Any = FakeAlexaApi(faults={"distance_units": 503})
    else:
        client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=client, timeout=0.05)
    with pytest.raises(AlexaApiError) as caught:
        _run(api.distance_units())
    assert _locals_showing(caught.value, token) == []
