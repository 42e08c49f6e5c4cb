"""`FakeAlexaApi` answers a throttled (429) or unavailable (5xx) call with a ``Retry-After``, so
that a skill's handling of `AlexaApiError.retry_after` can be tested offline."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from alexaskill import AlexaApi, AlexaApiError, Response, Skill, speak
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient
from tests.conftest import SKILL_ID


def _throttle_aware_skill() -> Skill:
    skill = Skill(SKILL_ID)

    @skill.launch
    async def launch(api: AlexaApi) -> Response:
        try:
            name = await api.given_name()
        except AlexaApiError as err:
            if err.retry_after is None:
                return speak(f"busy ({err.status}), no wait given")
            return speak(f"busy ({err.status}), try again in {err.retry_after:.0f} seconds")
        return speak(f"Hello {name}")

    return skill


@pytest.mark.parametrize("status", [429, 503])
def test_a_handler_reads_the_retry_after_of_a_fault(
    skill_client: Callable[..., TestClient], status: int
) -> None:
    client = skill_client(
        _throttle_aware_skill(), given_name="Ada", faults={"given_name": (status, 3)}
    )
    result = client.launch()
    assert result.speech == f"busy ({status}), try again in 3 seconds"
    assert [(call.operation, call.status) for call in result.api_calls] == [("given_name", status)]
    client.api.faults = {}
    assert client.launch().speech == "Hello Ada"


def test_a_fault_without_retry_after_gives_none(skill_client: Callable[..., TestClient]) -> None:
    result = skill_client(_throttle_aware_skill(), faults={"given_name": 429}).launch()
    assert result.speech == "busy (429), no wait given"


def _run(coroutine: Any) -> Any:
    import anyio

    async def main() -> Any:
        return await coroutine

    return anyio.run(main)


@pytest.mark.parametrize("transport", ["direct", "httpx", "served"])
@pytest.mark.parametrize("retry_after", [7, "7", "Wed, 21 Oct 2015 07:28:00 GMT", "soon"])
def test_every_transport_sends_the_retry_after(transport: str, retry_after: int | str) -> None:
    # In-process (the fake as an ApiTransport), through httpx, and over HTTP on loopback.
    fake = FakeAlexaApi(given_name="Ada", faults={"given_name": [429, retry_after]})  # JSON's list
    raw = RequestFactory().intent("Ask")

    def call(client: Any) -> AlexaApiError:
        async def given_name() -> Any:
            try:
                return await AlexaApi(decode_envelope(json.dumps(raw)), client=client).given_name()
            finally:
                if client is not fake:
                    await client.aclose()

        with pytest.raises(AlexaApiError) as caught:
            _run(given_name())
        return caught.value

    if transport == "served":
        import httpx

        with fake.serve() as url:
            raw["context"]["System"]["apiEndpoint"] = url
            error = call(httpx.AsyncClient(trust_env=False))
    else:
        error = call(fake if transport == "direct" else fake.client())
    assert error.status == 429
    expected = {7: 7.0, "7": 7.0, "soon": None}.get(retry_after, 0.0)  # (the date is long past)
    assert error.retry_after == expected
    assert fake.calls[-1].status == 429


@pytest.mark.parametrize(
    "fault",
    [
        (429,),
        (429, 3, 4),
        (404, 3),  # Retry-After goes with a 429 or a 5xx
        (200, 3),
        (429, -1),
        (429, True),
        (429, 2.5),
        (429, ""),
        (429, "in a bit\n"),
        (429, "bientôt"),
        ("timeout", 3),
        (True, 3),
    ],
)
def test_a_retry_after_fault_the_fake_cannot_send_is_refused(fault: Any) -> None:
    with pytest.raises(ValueError, match="faults"):
        FakeAlexaApi(faults={"given_name": fault})


@pytest.mark.parametrize(
    ("answer", "expected"), [((429, b""), None), ((429, b"", None), None), ((429, b"", "4"), 4.0)]
)
def test_an_api_transport_may_answer_with_or_without_retry_after(
    answer: tuple[Any, ...], expected: float | None
) -> None:
    # The ApiTransport protocol: two values (as before Retry-After was read), or three.
    class Transport:
        async def alexa_api_call(self, *args: Any) -> tuple[Any, ...]:
            return answer

    raw = RequestFactory().intent("Ask")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=Transport())
    with pytest.raises(AlexaApiError) as caught:
        _run(api.given_name())
    assert (caught.value.status, caught.value.retry_after) == (429, expected)
