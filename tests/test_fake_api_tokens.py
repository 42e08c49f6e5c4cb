"""Each request the test tools build carries its own ``apiAccessToken``, as each of Alexa's does,
and `FakeAlexaApi` answers a call at the time of the request whose token it carries: two
requests answered at once each have their own now there."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
import threading
from collections.abc import Callable
from typing import Any

import anyio
import pytest

from alexaskill import AlexaApi, Context, Response, Session, Skill, ask, speak
from alexaskill.exceptions import AccessTokenError
from alexaskill.models import decode_envelope
from alexaskill.testing import FakeAlexaApi, RequestFactory, TestClient
from tests.conftest import SKILL_ID

USER = "amzn1.ask.account.A" + "U" * 206
DEVICE = "amzn1.ask.device.A" + "D" * 206


def token_of(envelope: dict[str, Any]) -> str:
    token: str = envelope["context"]["System"]["apiAccessToken"]
    return token


def add_item(fake: FakeAlexaApi, token: str, value: str) -> tuple[int, bytes]:
    """What the fake answers a skill adding ``value`` to its first list, calling with ``token``."""
    [list_id, *_] = fake._list_meta
    url = f"https://api.amazonalexa.com/v2/householdlists/{list_id}/items"
    headers = {"Authorization": f"Bearer {token}"}
    body = {"value": value, "status": "active"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "POST", url, headers, body, None)
    return status, answer


def test_each_request_a_factory_builds_carries_a_token_of_its_own() -> None:
    factory = RequestFactory(user_id=USER, device_id=DEVICE)
    built = [factory.intent("Add"), factory.envelope("LaunchRequest"), factory.context()]
    tokens = [token_of(built[0]), token_of(built[1]), built[2]["System"]["apiAccessToken"]]
    assert len(set(tokens)) == 3 and all(tokens)
    # Deterministic: the same user and device get the same tokens in the same order (a test
    # comparing whole request bodies stays comparable); another device, others.
    again = RequestFactory(user_id=USER, device_id=DEVICE)
    assert [token_of(again.intent("Add")) for _ in range(2)] == tokens[:2]
    other = RequestFactory(user_id=USER)
    assert token_of(other.intent("Add")) not in tokens


def test_a_token_the_test_gives_is_the_one_every_request_carries() -> None:
    factory = RequestFactory(api_access_token="my-token")
    assert {token_of(factory.intent("Add")) for _ in range(3)} == {"my-token"}
    factory.api_access_token = None  # back to one of its own each
    assert token_of(factory.intent("Add")) != token_of(factory.intent("Add"))
    for wrong in ("", 5):
        with pytest.raises(TypeError, match=r"api_access_token is .*a str"):
            factory.api_access_token = wrong  # type: ignore[assignment]
        with pytest.raises(TypeError, match=r"api_access_token is .*a str"):
            RequestFactory(api_access_token=wrong)  # type: ignore[arg-type]


def test_two_requests_answered_at_once_each_have_their_own_now_in_the_fake() -> None:
    # One test client's requests all carried "test-api-access-token": with two of them being
    # answered, the fake took its now from the one sent last for both, and stamped the first
    # one's item (or judged its reminder) an hour away from it.
    fake = FakeAlexaApi()
    factory = RequestFactory()
    early = dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC)
    first = factory.envelope("LaunchRequest", now=early)
    second = factory.envelope("LaunchRequest", now=early + dt.timedelta(hours=1))
    fake.issued(first)
    with fake.answering(first["request"]["requestId"]):
        fake.issued(second)
        with fake.answering(second["request"]["requestId"]):
            made = [add_item(fake, token_of(sent), "milk") for sent in (first, second)]
    assert [status for status, _ in made] == [201, 201]
    assert b'"createdTime":"2031-03-14T09:00:00.000Z"' in made[0][1]
    assert b'"createdTime":"2031-03-14T10:00:00.000Z"' in made[1][1]


def clock(at: dt.datetime) -> Callable[[], dt.datetime]:
    return lambda: at


def test_two_clients_requests_answered_at_once_each_have_their_own_now_in_the_fake() -> None:
    # The same through two test clients sharing one fake, their requests in flight together:
    # each handler adds an item once both are being answered, and says its createdTime.
    skill = Skill(SKILL_ID)
    both_answering = threading.Barrier(2, timeout=60)  # (a wait for the other, not a timing)

    @skill.intent("Add")
    def add(api: AlexaApi, what: str) -> Response:
        both_answering.wait()
        [shopping, *_] = api.call_sync(api.lists)
        item = api.call_sync(api.add_list_item, shopping.list_id, what)
        return speak(f"{item.created_time}")

    fake = FakeAlexaApi()
    # Both near the real time, a minute apart: each client's verifier (the one installed last
    # checks both) takes the other's timestamp too.
    early = dt.datetime.now(dt.UTC).replace(microsecond=0)
    late = early + dt.timedelta(minutes=1)
    clients = [TestClient(skill, api=fake, now=clock(at)) for at in (early, late)]
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            sent = [
                pool.submit(c.intent, "Add", what=w) for c, w in zip(clients, "ab", strict=True)
            ]
            heard = [future.result().speech for future in sent]
    finally:
        for client in clients:
            client.close()
    assert heard == [at.strftime("%Y-%m-%dT%H:%M:%S.000Z") for at in (early, late)]


def test_the_fake_still_refuses_a_token_no_request_carried() -> None:
    skill = Skill(SKILL_ID)
    consent: list[bool] = []

    @skill.intent("Add")
    async def add(api: AlexaApi, context: Context, session: Session, what: str) -> Response:
        # The user's consent token (deprecated) is the request's own, in both users.
        system = context.system
        assert system is not None and system.user is not None and session.user is not None
        for user in (system.user, session.user):
            held = user.permissions.consent_token if user.permissions is not None else None
            consent.append(held == system.api_access_token)
        [shopping, *_] = await api.lists()
        item = await api.add_list_item(shopping.list_id, what)
        return ask(f"{item.value}")

    fake = FakeAlexaApi()
    with TestClient(skill, api=fake) as client:
        assert client.intent("Add", what="milk").speech == "milk"
        assert client.intent("Add", what="eggs").speech == "eggs"  # (in the same session)
        envelope = client.factory.intent("Add", what="tea")
        assert client.send_envelope(envelope).speech == "tea"
    assert consent == [True] * 4 + [False] * 2  # (an envelope sent as it is grants nothing)
    assert add_item(fake, token_of(envelope), "tea")[0] == 201  # a request's: taken
    status, answer = add_item(fake, "test-api-access-token-never-sent", "tea")
    # (The List Management API's error model has no code: the message alone, no INVALID_TOKEN.)
    assert status == 401 and b"no request carried this apiAccessToken" in answer


def test_a_call_with_a_token_several_requests_carried_none_answered_is_refused() -> None:
    # With a token the test fixed (`RequestFactory.api_access_token`) every request carries it:
    # a call made once none of them was being answered was judged by the last one sent (its
    # now, whether it came in a session), whichever request the test meant. The fake cannot
    # tell which: it refuses the call, saying why and what to do.
    fake = FakeAlexaApi()
    factory = RequestFactory(api_access_token="my-token")
    for _ in range(2):
        sent = factory.intent("Add")
        fake.issued(sent)
        with fake.answering(sent["request"]["requestId"]):  # (while it is answered: its own)
            assert add_item(fake, "my-token", "milk")[0] == 201
    status, answer = add_item(fake, "my-token", "eggs")
    assert status == 401 and b"2 requests carried this apiAccessToken" in answer
    assert b"api_access_token" in answer  # (what to change)
    # A token one request carried (each request's own, by default) is taken after it too.
    own = RequestFactory().intent("Add")
    fake.issued(own)
    with fake.answering(own["request"]["requestId"]):
        pass
    assert add_item(fake, token_of(own), "tea")[0] == 201


def test_a_skill_calling_with_a_fixed_token_outside_its_requests_is_told_why() -> None:
    # The same through the test client and `AlexaApi`: a call the skill makes with a request's
    # token once the client's requests are answered (a task left running, say).
    skill = Skill(SKILL_ID)

    @skill.intent("Add")
    def add() -> Response:
        return speak("added")

    fake = FakeAlexaApi()
    with TestClient(skill, api=fake) as client:
        client.factory.api_access_token = "my-token"
        assert client.intent("Add").speech == "added"
        assert client.intent("Add").speech == "added"
        envelope = client.factory.intent("Add")
    api = AlexaApi(decode_envelope(json.dumps(envelope)), client=fake)
    with pytest.raises(AccessTokenError, match="carried this apiAccessToken"):
        anyio.run(api.lists)


def test_a_late_progressive_response_with_a_shared_token_is_judged_by_the_request_it_names() -> (
    None
):
    # A progressive response names its request (header.requestId): a token several requests
    # carried is no reason to refuse it, and it is told late as ever (`late_progressive`).
    fake = FakeAlexaApi()
    factory = RequestFactory(api_access_token="my-token")
    sent = [factory.intent("Add") for _ in range(2)]
    for envelope in sent:
        fake.issued(envelope)
        with fake.answering(envelope["request"]["requestId"]):
            pass
    url = "https://api.amazonalexa.com/v1/directives"
    request_id = sent[0]["request"]["requestId"]
    body = {
        "header": {"requestId": request_id},
        "directive": {"type": "VoicePlayer.Speak", "speech": "One moment"},
    }
    headers = {"Authorization": "Bearer my-token"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "POST", url, headers, body, None)
    assert status == 403 and b"Unrecognized requestId" in answer
    assert len(fake.late_progressive) == 1


def test_the_progressive_route_alone_says_where_progressive_responses_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The access check spelled the directive API's path again ("/v1/directives") to let a
    # progressive response through with a shared token: a route moved (a version, say) would
    # have its progressive responses refused, 401, while the route list served them.
    import re

    from alexaskill.testing import alexa_api

    elsewhere = re.compile("/v9/directives")
    moved = tuple(
        (method, elsewhere if operation == "progressive" else pattern, operation, handler)
        for method, pattern, operation, handler in alexa_api._ROUTES
    )
    monkeypatch.setattr(alexa_api, "_ROUTES", moved)
    fake = FakeAlexaApi()
    factory = RequestFactory(api_access_token="my-token")
    sent = [factory.intent("Add") for _ in range(2)]
    for envelope in sent:
        fake.issued(envelope)
    url = "https://api.amazonalexa.com/v9/directives"
    request_id = sent[1]["request"]["requestId"]
    body = {
        "header": {"requestId": request_id},
        "directive": {"type": "VoicePlayer.Speak", "speech": "One moment"},
    }
    headers = {"Authorization": "Bearer my-token"}
    with fake.answering(request_id):
        assert anyio.run(fake.alexa_api_call, "POST", url, headers, body, None)[0] == 204
    sent_late = anyio.run(fake.alexa_api_call, "POST", url, headers, body, None)
    assert sent_late[0] == 403 and b"Unrecognized requestId" in sent_late[1]


def test_a_request_with_no_id_and_a_shared_token_has_its_calls_answered() -> None:
    # Requests with no requestId (the test's own envelopes) were all kept as one, under "",
    # and never marked as being answered: with a token another request carried too, a call
    # the skill made while answering one was refused, 401, as if made after every request.
    skill = Skill(SKILL_ID)

    @skill.intent("Add")
    async def add(api: AlexaApi) -> Response:
        [shopping, *_] = await api.lists()
        return speak(f"added to {shopping.name}")

    fake = FakeAlexaApi()
    with TestClient(skill, api=fake) as client:
        client.factory.api_access_token = "my-token"
        assert client.intent("Add").speech == "added to Alexa shopping list"
        for _ in range(2):
            envelope = client.factory.intent("Add")
            del envelope["request"]["requestId"]
            assert client.send_envelope(envelope).speech == "added to Alexa shopping list"


def test_a_request_with_no_id_has_its_progressive_responses_taken_while_answered() -> None:
    # Marked as being answered under a name of its own, a request with no requestId (the
    # test's own envelope) had its progressive responses, which name it by "", refused 403
    # "Unrecognized requestId": taken before it was marked (no request marked then).
    skill = Skill(SKILL_ID)

    @skill.intent("Wait")
    async def wait(api: AlexaApi) -> Response:
        return speak(f"taken {await api.progressive('One moment')}")

    fake = FakeAlexaApi()
    with TestClient(skill, api=fake) as client:
        for _ in range(2):
            envelope = client.factory.intent("Wait")
            del envelope["request"]["requestId"]
            assert client.send_envelope(envelope).speech == "taken True"
        assert [call.status for call in fake.calls] == [204, 204]


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "beaRer"])
def test_the_bearer_scheme_is_read_in_any_case_as_http_reads_it(scheme: str) -> None:
    # An authentication scheme is "a case-insensitive token" (RFC 9110, 11.1): a call sending
    # "bearer <token>" was refused 401, "no bearer token", where its token is the request's.
    fake = FakeAlexaApi(given_name="Ada")
    envelope = RequestFactory().intent("Hello")
    fake.issued(envelope)
    url = "https://api.amazonalexa.com/v2/accounts/~current/settings/Profile.givenName"
    headers = {"Authorization": f"{scheme} {token_of(envelope)}"}
    status, answer, _ = anyio.run(fake.alexa_api_call, "GET", url, headers, None, None)
    assert (status, json.loads(answer)) == (200, "Ada")
    # Another scheme is still none: its token unread.
    headers = {"Authorization": f"Basic {token_of(envelope)}"}
    status, _, _ = anyio.run(fake.alexa_api_call, "GET", url, headers, None, None)
    assert status == 401
