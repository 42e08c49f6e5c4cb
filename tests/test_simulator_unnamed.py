"""A request with no ``requestId`` in the simulator's transport (`_Transport`): what the skill
did answering it is the turn's, as the test client takes it (`request_id_of`'s ""), not lost
to a request id read as "None"."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Response, Skill
from alexaskill.simulator.session import SkillTarget, _Transport
from alexaskill.testing import DEFAULT_SKILL_ID, TestPKI

from . import simulator_shared

dev_dir = simulator_shared.dev_dir
pki = simulator_shared.pki


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
