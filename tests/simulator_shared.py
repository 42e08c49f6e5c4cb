"""What the simulator's server-side tests (tests/test_simulator*.py, not the browser's) share: the
example skill's file, a development PKI of each module's own, Starlette's client as the page on
this machine asks, and a turn posted to the JSON API.

Each module binds all three fixtures (``pki = simulator_shared.pki``): ``http`` takes the
module's ``pki``, and ``pki`` its ``dev_dir``. Registered in tests/conftest.py they would be
every module's, and conftest's ``pki`` is the verifier's (tests/verify_shared.py), made without
the development certificate's URL: a module that bound ``http`` alone would be served with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from starlette.testclient import TestClient as StarletteClient

from alexaskill import Response, Skill, speak
from alexaskill.cli.common import load_object
from alexaskill.cli.dev import DEV_CERT_URL
from alexaskill.testing import DEFAULT_SKILL_ID, TestPKI

# The module's development PKI directory (tests/dev_pki_shared.py; not its autouse variable:
# `pki` is given to the simulator, and the tests that start a server set the variable
# themselves), re-exported for the modules to bind.
from .dev_pki_shared import dev_dir as dev_dir

if TYPE_CHECKING:
    from alexaskill.simulator.session import Simulation
    from alexaskill.testing import FakeAlexaApi

ROOT = Path(__file__).resolve().parent.parent
SKILL_FILE = Path(__file__).with_name("simulator_skill.py")
STATIC = ROOT / "alexaskill" / "simulator" / "static"
ID = "simulation-0001"


@pytest.fixture(scope="module")
def pki(dev_dir: Path) -> TestPKI:
    return TestPKI.load_or_create(dev_dir, cert_url=DEV_CERT_URL)


def simulation(
    pki: TestPKI,
    post: Callable[[str, bytes, Mapping[str, str]], tuple[int, Any]],
    *,
    api: FakeAlexaApi | None = None,
    interfaces: tuple[str, ...] = (),
) -> Simulation:
    """A simulation (no page, no server) of a skill of no handlers whose every request and
    event ``post`` answers, its service API calls made to ``api`` (a new one by default)."""
    from alexaskill.simulator.session import Simulation, SkillTarget
    from alexaskill.testing import FakeAlexaApi
    from alexaskill.understanding import Understander, model_from_skill

    skill = Skill(DEFAULT_SKILL_ID, verifier=pki.verifier())

    def understander(locale: str) -> Understander:
        return Understander(model_from_skill(skill, locale=locale), locale=locale)

    return Simulation(
        SkillTarget("/", skill),
        pki=pki,
        post=post,
        api=FakeAlexaApi() if api is None else api,
        api_endpoint="https://api.amazonalexa.com",
        understander=understander,
        locale="en-US",
        interfaces=interfaces,
    )


def _client(app: Any, **options: Any) -> StarletteClient:
    """Starlette's test client as a browser on this machine asks: Host localhost (the
    simulator refuses a name such as the client's default, testserver, which could be a
    rebound one)."""
    return StarletteClient(app, base_url="http://localhost", **options)


def _served(spec: str, pki: TestPKI) -> Any:
    from alexaskill.simulator import with_simulator

    return with_simulator(load_object(f"{SKILL_FILE}:{spec}"), pki=pki)


@pytest.fixture
def http(pki: TestPKI) -> Iterator[StarletteClient]:
    with _client(_served("skill", pki)) as client:
        yield client


def turn(http: StarletteClient, action: str = "say", text: str = "", **fields: Any) -> Any:
    body = {"simulation": ID, "action": action, "text": text, **fields}
    response = http.post("/_simulator/api/turn", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def spoken(result: Any) -> list[str]:
    return list(result["turn"]["heard"])


def crashing_skill(pki: TestPKI) -> Skill:
    """A skill verified by ``pki`` whose launch answers, and whose intent ``Crash`` raises: the
    intent is another client's request, answered while a turn's launch is posted."""
    skill = Skill(DEFAULT_SKILL_ID, verifier=pki.verifier())

    @skill.launch
    def launch() -> Response:
        return speak("Welcome.")

    @skill.intent("Crash")
    def crash() -> Response:
        raise ValueError("another client's")

    return skill
