"""How long alexaskill.services' calls may take: a timeout that bounds nothing refused where it
is given, a silent API held to the response deadline, and a handler that deadline gave up on
changing nothing at Alexa."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from alexaskill import Skill
from alexaskill.models import decode_envelope
from alexaskill.responses import Response, speak
from alexaskill.services import AlexaApi, alexa_api_factory
from alexaskill.testing import RequestFactory, TestClient

from .conftest import SKILL_ID
from .services_shared import AlexaApiStub


@pytest.mark.parametrize("timeout", [0, -1.0, float("inf"), float("nan"), None, "2", True])
def test_a_timeout_that_bounds_nothing_is_refused_where_it_is_given(timeout: Any) -> None:
    # A call must end: an infinite (or absent) timeout would let a silent API hold the handler
    # for as long as the deadline allows, or forever without one.
    with pytest.raises(ValueError, match="timeout"):
        alexa_api_factory(lambda: None, timeout=timeout)
    raw = RequestFactory().intent("Ask")
    with pytest.raises(ValueError, match="timeout"):
        AlexaApi(decode_envelope(json.dumps(raw)), timeout=timeout)


@pytest.mark.parametrize("kind", ["async", "def"])
def test_a_silent_api_does_not_hold_the_answer_past_the_deadline(kind: str) -> None:
    # The API's own timeout (10 s here) is longer than the skill's deadline: the deadline's
    # answer goes out at the deadline, not when the call gives up.
    from alexaskill.app import DEADLINE_REPLY

    async def silent(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return httpx.Response(200, json="METRIC")

    skill = Skill(SKILL_ID, deadline=0.3)
    skill.add_service(
        AlexaApi,
        alexa_api_factory(
            lambda: httpx.AsyncClient(transport=httpx.MockTransport(silent)), timeout=10.0
        ),
    )
    if kind == "async":

        @skill.intent("Ask")
        async def ask(api: AlexaApi) -> Response:
            return speak(f"{await api.distance_units()}")

    else:

        @skill.intent("Ask")
        def ask_sync(api: AlexaApi) -> Response:
            return speak(f"{api.call_sync(api.distance_units)}")

    with TestClient(skill) as client:
        assert client.intent("Ask").speech == DEADLINE_REPLY


@pytest.mark.parametrize("change", ["create_reminder", "delete_reminder", "add_list_item"])
def test_a_handler_given_up_by_the_deadline_changes_nothing_at_alexa(change: str) -> None:
    # The deadline's answer told the user to try again; the def handler's thread runs on. A
    # reminder or list item it made then would be made twice by the retry: refused, unsent.
    import datetime as dt
    import threading

    from alexaskill import AlexaApiError
    from alexaskill.app import DEADLINE_REPLY

    api_stub = AlexaApiStub(201)
    skill = Skill(SKILL_ID, deadline=0.3)
    skill.add_service(AlexaApi, alexa_api_factory(lambda: api_stub.client))
    go, done = threading.Event(), threading.Event()
    outcome: list[BaseException | None] = []
    calls: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
        "create_reminder": (("hi",), {"after": dt.timedelta(minutes=5)}),
        "delete_reminder": (("token-1",), {}),
        "add_list_item": (("list-1", "milk"), {}),
    }

    @skill.intent("Ask")
    def ask(api: AlexaApi) -> Response:
        try:
            go.wait(30)
            args, kwargs = calls[change]
            api.call_sync(getattr(api, change), *args, **kwargs)
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)
            raise
        finally:
            done.set()
        return speak("Done.")

    with TestClient(skill) as client:
        assert client.intent("Ask").speech == DEADLINE_REPLY
        go.set()
        assert done.wait(30)
    assert len(outcome) == 1 and isinstance(outcome[0], AlexaApiError)
    assert "deadline" in str(outcome[0]) and "not sent" in str(outcome[0])
    assert api_stub.requests == []
