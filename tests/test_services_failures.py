"""How `AlexaApi` reports failures a skill can act on: throttling (Retry-After), a closed client.
(What it refuses before sending anything: tests/test_services_unsent.py.)"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import threading
from typing import Any

import anyio
import httpx
import pytest

from alexaskill import AlexaApi, AlexaApiError, PermissionRequired
from alexaskill.models import decode_envelope
from alexaskill.testing import RequestFactory

from .services_shared import api_with


def _answering(status: int, headers: dict[str, str]) -> httpx.AsyncClient:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers, json={"code": "TOO_MANY_REQUESTS"})

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


def _failure(client: httpx.AsyncClient) -> AlexaApiError:
    async def main() -> AlexaApiError:
        try:
            await api_with(client).given_name()
        except AlexaApiError as exc:
            return exc
        finally:
            await client.aclose()
        raise AssertionError("no AlexaApiError")

    return anyio.run(main)


def test_a_429_tells_when_to_try_again_in_seconds() -> None:
    error = _failure(_answering(429, {"Retry-After": "3"}))
    assert error.status == 429
    assert error.code == "TOO_MANY_REQUESTS"
    assert error.retry_after == 3.0
    assert "retry after 3 s" in str(error)


def test_a_retry_after_date_is_seconds_from_now() -> None:
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=120)
    error = _failure(_answering(503, {"Retry-After": email.utils.format_datetime(later, True)}))
    assert error.status == 503
    assert error.retry_after is not None
    assert 100 <= error.retry_after <= 121


@pytest.mark.parametrize(
    ("status", "headers"),
    [
        (429, {}),  # Amazon's pages promise no Retry-After
        (429, {"Retry-After": "soon"}),
        (429, {"Retry-After": "-5"}),
        (429, {"Retry-After": "1.5"}),  # RFC 9110: whole seconds, or a date
        (500, {}),
        (404, {"Retry-After": "3"}),  # meaningless on a refusal that waiting does not cure
    ],
)
def test_no_usable_retry_after_is_none(status: int, headers: dict[str, str]) -> None:
    error = _failure(_answering(status, headers))
    assert error.status == status
    assert error.retry_after is None
    assert "retry after" not in str(error)


def test_a_retry_after_date_already_past_is_zero() -> None:
    error = _failure(_answering(429, {"Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"}))
    assert error.retry_after == 0.0


def test_a_closed_client_is_an_alexa_api_error_that_says_so() -> None:
    client = _answering(200, {})
    anyio.run(client.aclose)
    error = _failure(client)
    assert type(error) is AlexaApiError
    assert error.operation == "given_name"
    assert error.status is None
    assert "closed" in str(error)
    assert "api_client" in str(error)


def test_a_progressive_response_through_a_closed_client_names_the_cause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = _answering(204, {})
    anyio.run(client.aclose)

    async def main() -> Any:
        return await api_with(client).progressive("Hmm")

    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        assert anyio.run(main) is False
    assert "client" in caplog.text
    assert "closed" in caplog.text


def test_a_retry_after_date_that_overflows_is_no_error_of_its_own() -> None:
    header = {"Retry-After": "Wed, 21 Oct 99999999999999999999 07:28:00 GMT"}
    error = _failure(_answering(429, header))
    assert error.status == 429
    assert error.retry_after is None


def test_a_closed_client_is_not_asked_to_send() -> None:
    # Checked before anything is built or sent, not left to httpx's RuntimeError: the error
    # says "nothing was sent", and a client whose send does not check (a test double) sends
    # nothing either.
    sent: list[httpx.Request] = []

    class Recording(httpx.AsyncClient):
        async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
            sent.append(request)
            return httpx.Response(200, json={"name": "Ada"}, request=request)

    client = Recording()
    anyio.run(client.aclose)
    error = _failure(client)
    assert "closed" in str(error) and "nothing was sent" in str(error)
    assert sent == []


def test_a_client_closed_during_the_call_is_an_alexa_api_error_that_says_so() -> None:
    # Closed after the check and before httpx sends (another task's aclose while the call was
    # under way): httpx's bare RuntimeError becomes the same AlexaApiError.
    class ClosedMeanwhile(httpx.AsyncClient):
        async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
            await self.aclose()
            return await super().send(request, **kwargs)

    error = _failure(ClosedMeanwhile(transport=httpx.MockTransport(lambda r: httpx.Response(200))))
    assert type(error) is AlexaApiError
    assert error.status is None
    assert "closed" in str(error) and "api_client" in str(error)


def _products_api(pages: list[dict[str, Any]]) -> tuple[AlexaApi, list[httpx.Request]]:
    """An `AlexaApi` whose in-skill products API answers ``pages`` in turn (the last again)."""
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=pages[min(len(sent), len(pages)) - 1])

    return api_with(httpx.AsyncClient(transport=httpx.MockTransport(answer))), sent


def _product(number: int) -> dict[str, Any]:
    return {"productId": f"amzn1.adg.product.{number}", "name": f"Pack {number}"}


def test_a_products_page_token_answered_again_is_an_error_not_the_page_again() -> None:
    # A broken answer naming the token just followed: the same page was read up to ten times,
    # each product listed ten times over.
    page = {"inSkillProducts": [_product(1)], "isTruncated": True, "nextToken": "same"}
    api, sent = _products_api([page])

    async def main() -> None:
        try:
            with pytest.raises(AlexaApiError, match="nextToken"):
                await api.in_skill_products()
        finally:
            await api.client.aclose()  # type: ignore[union-attr]

    anyio.run(main)
    assert len(sent) == 2


def test_products_past_the_last_page_followed_are_not_dropped_silently(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pages = [
        {"inSkillProducts": [_product(n)], "isTruncated": True, "nextToken": f"page-{n + 1}"}
        for n in range(1, 15)
    ]
    api, sent = _products_api(pages)

    async def main() -> list[Any]:
        try:
            return await api.in_skill_products()
        finally:
            await api.client.aclose()  # type: ignore[union-attr]

    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        products = anyio.run(main)
    assert len(products) == len(sent) == 10
    assert any("more products" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("method", "answer", "expected"),
    [
        ("in_skill_products", {"inSkillProducts": None, "isTruncated": None}, []),
        ("lists", {"lists": [{"listId": "L1", "name": "Mine", "statusMap": None}]}, ["L1"]),
        (
            "get_reminders",
            {"alerts": [{"alertToken": None, "alertInfo": {"spokenInfo": {"content": None}}}]},
            [""],
        ),
    ],
)
def test_a_null_field_of_an_answer_is_as_if_left_out(
    method: str, answer: dict[str, Any], expected: list[str]
) -> None:
    # As the values' docs say: a field sent as null takes its default, as one left out does. A
    # null list or id failed the whole call ("Expected `array`, got `null`").
    client = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json=answer))
    )

    async def main() -> Any:
        try:
            return await getattr(api_with(client), method)()
        finally:
            await client.aclose()

    found = anyio.run(main)
    assert [
        getattr(item, "list_id", None) or getattr(item, "alert_token", "") for item in found
    ] == (expected)


@pytest.mark.parametrize("status", [200, 403, 500])
def test_an_answer_nested_too_deeply_is_an_alexa_api_error(status: int) -> None:
    # JSON nested deeper than Python recurses (a hostile or broken endpoint's, well under the
    # size bound): a RecursionError out of the call, which `except AlexaApiError` missed.
    deep = b"[" * 200_000 + b"]" * 200_000
    body = b'{"code": %s, "alerts": [{"trigger": {"recurrence": {"r": %s}}}]}' % (deep, deep)
    client = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(status, content=body))
    )

    async def main() -> None:
        try:
            with pytest.raises(AlexaApiError) as caught:
                await api_with(client).get_reminders()
        finally:
            await client.aclose()
        assert caught.value.status == status
        assert type(caught.value) is (PermissionRequired if status == 403 else AlexaApiError)

    anyio.run(main)


@pytest.mark.parametrize("kind", ["sync httpx", "other"])
def test_a_client_calls_cannot_go_through_is_refused_where_it_is_given(kind: str) -> None:
    # A synchronous httpx.Client (a natural slip) failed at each call of each request with
    # "object Response can't be used in 'await' expression"; anything else with an
    # AttributeError ('is_closed').
    client: Any = httpx.Client() if kind == "sync httpx" else object()
    raw = RequestFactory().intent("Ask")
    try:
        with pytest.raises(TypeError, match=r"httpx\.AsyncClient or an ApiTransport") as caught:
            AlexaApi(decode_envelope(json.dumps(raw)), client=client)
    finally:
        if kind == "sync httpx":
            client.close()
    assert ("synchronous" in str(caught.value)) is (kind == "sync httpx")
    # The type with its article ("not a object" was said).
    assert str(caught.value).endswith(
        "not a Client (httpx.Client is synchronous)" if kind == "sync httpx" else "not an object"
    )


def test_call_sync_on_the_event_loops_thread_says_to_await() -> None:
    # From an async def (the loop's own thread) anyio's error spoke of worker threads and
    # "no event loop token was provided": nothing a skill author could act on.
    raw = RequestFactory().intent("Ask")

    async def main() -> None:
        api = AlexaApi(decode_envelope(json.dumps(raw)))
        with pytest.raises(RuntimeError, match=r"await api\.given_name"):
            api.call_sync(api.given_name)

    anyio.run(main)


@pytest.mark.parametrize("database", [True, False])
def test_an_unknown_time_zone_says_what_to_do_about_it(
    monkeypatch: pytest.MonkeyPatch, database: bool
) -> None:
    # "(install tzdata)" was said of any name the database lacks, where it is installed too.
    import zoneinfo

    if not database:

        def no_database(key: str) -> zoneinfo.ZoneInfo:
            raise zoneinfo.ZoneInfoNotFoundError(key)

        monkeypatch.setattr(zoneinfo, "ZoneInfo", no_database)
    name = "Mars/Olympus_Mons" if database else "Europe/Paris"
    client = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json=name))
    )

    async def main() -> None:
        try:
            with pytest.raises(AlexaApiError, match=name) as caught:
                await api_with(client).time_zone()
        finally:
            await client.aclose()
        assert ("update tzdata" in str(caught.value)) is database
        assert ("install tzdata" in str(caught.value)) is not database

    anyio.run(main)


def test_call_sync_from_a_thread_not_the_apps_says_which_thread_it_needs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # From a thread the handler started (or no app at all) anyio's error spoke of "an AnyIO
    # worker thread" and "no event loop token": not what a skill author set up, nor a fix.
    raw = RequestFactory().intent("Ask")
    api = AlexaApi(decode_envelope(json.dumps(raw)))
    caught: list[BaseException] = []

    def elsewhere() -> None:
        try:
            api.call_sync(api.given_name)
        except BaseException as exc:
            caught.append(exc)

    thread = threading.Thread(target=elsewhere, daemon=True)
    thread.start()
    thread.join(30)
    [error] = caught
    assert isinstance(error, RuntimeError)
    assert "def handler" in str(error) and "worker thread" in str(error)
    assert "AnyIO" not in str(error) and "token" not in str(error)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        assert api.progressive_sync("One moment") is False
    assert "def handler" in caplog.text and "AnyIO" not in caplog.text


def test_call_sync_lets_a_runtime_error_of_the_method_itself_through() -> None:
    # Only a call that never started is said to come from the wrong thread.
    raw = RequestFactory().intent("Ask")
    api = AlexaApi(decode_envelope(json.dumps(raw)))

    async def broken() -> None:
        raise RuntimeError("the method's own")

    async def main() -> None:
        with pytest.raises(RuntimeError, match="the method's own"):
            await anyio.to_thread.run_sync(api.call_sync, broken)

    anyio.run(main)


def test_the_pages_of_in_skill_products_share_one_timeout() -> None:
    # Each page had the whole timeout: ten pages of 1.9 s each were 19 s, no AlexaApiTimeout,
    # where the docs say a call "slower than timeout (the whole call)" raises it.
    from alexaskill import AlexaApiTimeout

    pages: list[str] = []

    class SlowPages:
        async def alexa_api_call(self, *args: Any) -> tuple[int, bytes]:
            pages.append("page")
            await anyio.sleep(0.2)  # three pages take 0.6 s at least, past the 0.5 s given
            n = len(pages)
            body = {"inSkillProducts": [], "isTruncated": True, "nextToken": f"page-{n + 1}"}
            return 200, json.dumps(body).encode()

    raw = RequestFactory().intent("Ask")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=SlowPages(), timeout=0.5)

    async def main() -> None:
        with pytest.raises(AlexaApiTimeout, match=r"in_skill_products.*0\.5 s"):
            await api.in_skill_products()

    anyio.run(main)
    assert len(pages) <= 3


def test_a_products_page_is_not_sent_once_the_calls_time_is_spent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The next page went out with 0.001 s to answer in (and was dropped, or its answer kept
    # past the timeout): once the call's time is spent it times out there, unsent.
    from types import SimpleNamespace

    from alexaskill import AlexaApiTimeout
    from alexaskill.services import records

    clock = [1000.0]
    monkeypatch.setattr(records, "time", SimpleNamespace(monotonic=lambda: clock[0]))
    pages: list[str] = []

    class SpendingPages:
        async def alexa_api_call(self, *args: Any) -> tuple[int, bytes]:
            pages.append("page")
            clock[0] += 3.0  # this page took the call's whole 2 s, and more
            body = {"inSkillProducts": [_product(1)], "isTruncated": True, "nextToken": "p2"}
            return 200, json.dumps(body).encode()

    raw = RequestFactory().intent("Ask")
    api = AlexaApi(decode_envelope(json.dumps(raw)), client=SpendingPages())

    async def main() -> None:
        with pytest.raises(AlexaApiTimeout, match=r"within 2 s \(page 2 of the products\)"):
            await api.in_skill_products()

    anyio.run(main)
    assert pages == ["page"]


@pytest.mark.parametrize("name", ["  ", "../x", "Europe/../Paris", "/etc/localtime", "Paris!"])
def test_a_time_zone_answer_that_is_no_zone_name_is_not_blamed_on_tzdata(name: str) -> None:
    # Any name ZoneInfo refused was "a newer zone? update tzdata": no update makes "../x" one.
    client = httpx.AsyncClient(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json=name))
    )

    async def main() -> None:
        try:
            with pytest.raises(AlexaApiError, match="is no time zone name") as caught:
                await api_with(client).time_zone()
        finally:
            await client.aclose()
        assert "tzdata" not in str(caught.value)

    anyio.run(main)


def test_a_time_zone_answer_of_another_kind_is_said_by_its_parts_not_its_whole_repr() -> None:
    # shown_value made the whole repr of a million-item answer before cutting it.
    from alexaskill.services.user import _zone

    answer = [[0] * 1000] * 1000
    with pytest.raises(AlexaApiError, match="is no time zone name") as caught:
        _zone("time_zone", answer)  # type: ignore[arg-type]
    said = str(caught.value)
    assert "[[0, 0, 0, 0, 0, 0, ...], [0, 0, 0, 0, 0, 0, ...]," in said, said
    assert "…" not in said
