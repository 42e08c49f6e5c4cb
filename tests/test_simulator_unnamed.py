"""A request with no ``requestId`` in the simulator's transport (`_Transport`): what the skill
did answering it is the turn's, as the test client takes it (`request_id_of`'s ""), not lost
to a request id read as "None"."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Response, Skill
from alexaskill.simulator.session import Simulation, SkillTarget, _Transport
from alexaskill.testing import DEFAULT_SKILL_ID, FakeAlexaApi, RequestFactory, TestPKI

from . import simulator_shared

dev_dir = simulator_shared.dev_dir
pki = simulator_shared.pki

API = "https://api.amazonalexa.com"


@pytest.fixture
def transport(pki: TestPKI) -> Iterator[_Transport]:
    skill = Skill(DEFAULT_SKILL_ID, verifier=pki.verifier())

    @skill.launch
    def launch() -> Response:
        raise ValueError("the launch failed")

    with StarletteClient(skill) as http:

        def post(path: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, Any]:
            answer = http.post(path, content=body, headers=dict(headers))
            return answer.status_code, answer.json()

        target = SkillTarget("/", skill)
        yield _Transport(target, pki, post, "en-US", (), "https://api.amazonalexa.com")


def test_a_handler_error_answering_a_request_with_no_id_is_the_turns(transport: _Transport) -> None:
    # Its id was read as str(None), "None", which no failure's id ("" for it) matched: the
    # page never said that the handler raised.
    reply = transport.send({"type": "LaunchRequest", "requestId": None}, new_session=True)
    assert reply.status_code == 200
    assert [str(exc) for exc in transport.raised] == ["the launch failed"]
    assert list(transport.request_ids) == [""]


def test_another_clients_handler_error_answering_a_request_with_no_id_is_not_the_turns(
    pki: TestPKI,
) -> None:
    # The turn's "" matched the failure of any request with no id answered meanwhile (chat
    # --url's, a device's through a tunnel): the page said the turn's handler had raised.
    skill = simulator_shared.crashing_skill(pki)
    others: dict[str, Any] = RequestFactory().intent("Crash")
    others["request"]["requestId"] = None
    body = json.dumps(others).encode()
    with StarletteClient(skill) as http:

        def post(path: str, sent: bytes, headers: Mapping[str, str]) -> tuple[int, Any]:
            meanwhile = {"Content-Type": "application/json", **pki.sign(body)}
            # (in a context of its own, as a server answers another connection)
            other = contextvars.Context().run(http.post, path, content=body, headers=meanwhile)
            assert other.status_code == 200
            answer = http.post(path, content=sent, headers=dict(headers))
            return answer.status_code, answer.json()

        transport = _Transport(SkillTarget("/", skill), pki, post, "en-US", (), API)
        reply = transport.send({"type": "LaunchRequest", "requestId": None}, new_session=True)
    assert reply.status_code == 200
    assert transport.raised == []


def _progressive(api: FakeAlexaApi, token: str) -> int:
    """The status of a progressive response naming "" (a request with no id), sent with
    ``token``."""
    body = {"header": {"requestId": ""}, "directive": {"type": "VoicePlayer.Speak", "speech": "Hi"}}
    with httpx.Client(transport=httpx.MockTransport(api.handle)) as http:
        said = {"Authorization": f"Bearer {token}"}
        return http.post(f"{API}/v1/directives", json=body, headers=said).status_code


def _simulation(pki: TestPKI, api: FakeAlexaApi) -> Simulation:
    """A simulation of a skill that answers every request with nothing, calling ``api``."""

    def post(path: str, sent: bytes, headers: Mapping[str, str]) -> tuple[int, Any]:
        return 200, {"version": "1.0", "response": {}}

    return simulator_shared.simulation(pki, post, api=api)


def test_a_late_progressive_response_of_another_clients_request_with_no_id_is_not_noted(
    pki: TestPKI,
) -> None:
    # The turn's "" matched any late progressive response naming "": another client's, of
    # a request with no id, was noted on the page as the turn's skill's.
    api = FakeAlexaApi()
    simulation = _simulation(pki, api)
    simulation.transport.send({"type": "LaunchRequest", "requestId": None}, new_session=True)
    ours = simulation.transport.sent[-1].envelope["context"]["System"]["apiAccessToken"]
    others: dict[str, Any] = RequestFactory().envelope("LaunchRequest")
    del others["request"]["requestId"]
    with api.answering(api.issued(others)):
        pass
    assert _progressive(api, others["context"]["System"]["apiAccessToken"]) == 403
    assert len(api.late_progressive) == 1
    assert simulation._late_progressive() == []
    assert _progressive(api, ours) == 403  # the turn's own: noted
    assert simulation._late_progressive() == [api.late_progressive[-1]]


def test_late_progressive_responses_a_test_cleared_are_not_noted(pki: TestPKI) -> None:
    # The simulation read them, with their requests' names, from a list of the fake's own
    # that clearing `late_progressive` left as it was: the page noted the calls cleared.
    api = FakeAlexaApi()
    simulation = _simulation(pki, api)
    simulation.transport.send({"type": "LaunchRequest", "requestId": None}, new_session=True)
    ours = simulation.transport.sent[-1].envelope["context"]["System"]["apiAccessToken"]
    assert _progressive(api, ours) == 403
    api.late_progressive.clear()
    assert simulation._late_progressive() == []
    assert _progressive(api, ours) == 403  # one refused after the clearing: noted
    assert simulation._late_progressive() == api.late_progressive
    assert len(api.late_progressive) == 1
