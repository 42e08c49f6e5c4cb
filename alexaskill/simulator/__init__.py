"""The development simulator: talk to a skill in the browser, hear and see Alexa's answer.

``alexaskill serve APP --dev`` serves it at ``/_simulator/``; nothing here is imported or served
without ``--dev``, nor by ``import alexaskill``. To add it to an app started otherwise (under
uvicorn, say), for development only::

    from alexaskill.simulator import with_simulator

    app = with_simulator(app)   # a Skill, or a Starlette/FastAPI app mounting skills

The page (static HTML, CSS and JavaScript in ``static/``: no build step, no CDN) calls a small
JSON API (`Simulator`); each request is built and signed here with the development key, which
the skills are made to trust, and what the user says is played through
`alexaskill.understanding.Conversation`, the dialog emulation ``client.say()`` and
``alexaskill chat`` use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..exceptions import SkillError
from .model_source import ModelFileError
from .server import PREFIX, Simulator
from .session import SkillTarget

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from ..testing import FakeAlexaApi, TestPKI

__all__ = [
    "PREFIX",
    "ModelFileError",
    "NoSkillFound",
    "PathTaken",
    "Simulator",
    "SimulatorApp",
    "SkillTarget",
    "find_skills",
    "with_simulator",
]


class PathTaken(SkillError, ValueError):
    """A skill mounted below `PREFIX`, where the simulator answers (`with_simulator`).

    The skill author's mistake, so below `SkillError` as `ModelFileError` is; still the
    ValueError it was, which ``serve --dev`` and a skill's ``except ValueError`` catch."""


class NoSkillFound(SkillError, ValueError):
    """An app in which `with_simulator` finds no skill: neither a `Skill` nor one mounting one.

    Below `SkillError` as `PathTaken` is, and the ValueError it was."""


def find_skills(app: Any) -> list[SkillTarget]:
    """The skills ``app`` serves, each with the path that reaches it: itself, or mounted."""
    from ..served import served_skills

    return [SkillTarget(path, skill) for path, skill in served_skills(app)]


class SimulatorApp:
    """``app`` with the simulator answering under `PREFIX` (everything else goes to ``app``)."""

    def __init__(self, app: ASGIApp, simulator: Simulator) -> None:
        #: The app served, without the simulator.
        self.app = app
        #: The simulator's page and API.
        self.simulator = simulator
        self._warned = False  # of a client on another machine (once)

    @property
    def routes(self) -> Any:
        """The served app's routes (so tools that look for mounted skills find them)."""
        return getattr(self.app, "routes", [self.app])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the simulator's paths, pass the rest (and the lifespan) to the app."""
        if scope["type"] == "http" and _is_simulator_path(scope):
            if not self._warned and _remote(scope.get("client")):
                self._warned = True
                _warn_remote(scope["client"][0])
            await self.simulator(scope, receive, send)
            return
        if scope["type"] == "lifespan":
            simulator = self.simulator

            async def send_after_closing(message: Message) -> None:
                if message["type"] == "lifespan.shutdown.complete":
                    await simulator.aclose()
                await send(message)

            await self.app(scope, receive, send_after_closing)
            return
        await self.app(scope, receive, send)


def _is_simulator_path(scope: Scope) -> bool:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return _under_prefix(path)


def _remote(client: Any) -> bool:
    """Whether ``client`` (the scope's) is an address of another machine (not a name, such
    as a test client's, nor a Unix socket's None)."""
    import ipaddress

    try:
        address = ipaddress.ip_address(client[0])
    except (TypeError, IndexError, ValueError):
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return not (mapped or address).is_loopback


def _warn_remote(host: str) -> None:
    from ..logs import security_logger

    security_logger.warning(
        "the simulator answered %s, not on this machine: whoever reaches the server can drive "
        "the skill through it and read the requests the development key signs. Serve it on "
        "127.0.0.1, or keep the port behind a firewall (said once)",
        host,
    )


def _under_prefix(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def with_simulator(
    app: ASGIApp,
    *,
    pki: TestPKI | None = None,
    api: FakeAlexaApi | None = None,
    model: str | os.PathLike[str] | None = None,
) -> SimulatorApp:
    """``app`` with the simulator at ``/_simulator/``, its skills trusting the development key.

    ``app`` is a `Skill` or an app mounting skills (``skill.mount("/weather")``,
    ``Mount("/weather", app=skill)``). Each skill found is made to trust ``pki`` (default: the
    development key of ``alexaskill serve --dev``) as well as Amazon, with a warning in the log:
    for development only. ``api`` answers the skills' calls to Alexa's service APIs (default: a
    `FakeAlexaApi` of a user who set nothing). What the user says is understood with the
    interaction model built from the skill's code, or with ``model``, an ASK CLI model file or
    directory (`Simulator`). `ValueError` if ``app`` serves no skill (`NoSkillFound`, a
    `SkillError` too), serves one below ``/_simulator`` (the simulator's paths, `PathTaken`,
    likewise), or ``model`` cannot serve (`ModelFileError`, its ``path`` and ``reason`` apart,
    a `SkillError` too, no `TypeError`);
    `ConfigurationError` (a `TypeError`, as every one is) if a skill of no id of its own
    (``Skill("*")``) would carry an ``ALEXASKILL_SKILL_ID`` that names none
    (`SkillTarget.skill_id`). A plain `TypeError` for an option of the wrong kind.
    """
    from ..cli.dev import dev_pki, trust_dev_pki

    _check_options(pki, api, model)
    targets = find_skills(app)
    if not targets:
        raise NoSkillFound(
            "the simulator found no skill: pass a Skill, or an app whose routes mount one "
            "(skill.mount('/path') or Mount('/path', app=skill))"
        )
    for target in targets:
        if _under_prefix(target.path):
            raise PathTaken(
                f"the skill at {target.path} is where the simulator answers ({PREFIX}/): every "
                "request Alexa sent it would reach the simulator; mount it elsewhere"
            )
        target.skill_id  # noqa: B018 (ALEXASKILL_SKILL_ID's mistake, said now: not on a turn)
    simulator = Simulator(app, targets, pki=dev_pki() if pki is None else pki, api=api, model=model)
    for target in targets:
        trust_dev_pki(target.skill, simulator.pki)
    return SimulatorApp(app, simulator)


def _check_options(pki: object, api: object, model: object) -> None:
    """`with_simulator`'s options of the wrong kind, told before any skill trusts the key."""
    from ..shown_names import shown_json, shown_value
    from ..testing import FakeAlexaApi, TestPKI

    if pki is not None and not isinstance(pki, TestPKI):
        raise TypeError(f"with_simulator(pki=...) is a TestPKI, not {shown_value(pki)}")
    if api is not None and not isinstance(api, FakeAlexaApi):
        raise TypeError(f"with_simulator(api=...) is a FakeAlexaApi, not {shown_value(api)}")
    if model is None:
        return
    if not isinstance(model, str | os.PathLike) or isinstance(os.fspath(model), bytes):
        # (a model's JSON, read from a file, each part bounded: not its repr made whole)
        said = shown_json(model) if isinstance(model, Mapping) else shown_value(model)
        json = (
            " (a model's JSON: write its JSON to a <locale>.json file)"
            if isinstance(model, Mapping)
            else ""
        )
        raise TypeError(
            "with_simulator(model=...) is an ASK CLI model file or directory (a str or a "
            f"path), not {said}{json}"
        )
    if not os.fspath(model):  # (Path("") is the current directory)
        raise ModelFileError("", "no file named", said=f"with_simulator(model={model!r})")
