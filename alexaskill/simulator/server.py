"""The simulator as an ASGI app: its page, its static files and the small JSON API the page calls.

``GET  /_simulator/``            the page (``/_simulator`` redirects there)
``GET  /_simulator/<file>``      its stylesheet and scripts, shipped in this package
``GET  /_simulator/api/info``    the skills, locales and device interfaces to choose from
``POST /_simulator/api/turn``    one action of the user: say, launch, end, silence, new_session,
                                 configure;
                                 an event of the device's audio player (audio); a media button
                                 pressed (button)

The page holds no key: each request to the skill is built, signed with the development key and
posted to the app here, in this process. The API answers only JSON POSTs from its own origin: a
JSON body cannot be sent across origins without a CORS preflight, which it never grants.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import httpx
    from starlette.types import ASGIApp, Receive, Scope, Send

    from ..testing import FakeAlexaApi, TestPKI
    from ..understanding import Understander
    from .device_events import DeviceEvent
    from .session import Simulation, SkillTarget

from ..shown_names import shown, shown_json, shown_value
from .http import PREFIX, BadRequest, below_prefix, check_caller, json_response, read_json, root
from .model_source import model_problem, model_version, offered_locales
from .pages import NEW as _NEW
from .pages import Pages

__all__ = ["PREFIX", "Simulator"]

logger = logging.getLogger("alexaskill.simulator")


# The page's scripts are ES modules (simulator.js imports the others): a browser runs a module
# served in JavaScript's type only.
_JS: Final = "text/javascript; charset=utf-8"
_STATIC: Final = {
    "index.html": "text/html; charset=utf-8",
    "simulator.css": "text/css; charset=utf-8",
    "simulator.js": _JS,
    "page.js": _JS,
    "ssml.js": _JS,
    "voice.js": _JS,
    "screen.js": _JS,
    "player.js": _JS,
    "turns.js": _JS,
    "conversation.js": _JS,
}
# Cards and audio come from anywhere (the skill's https URLs); scripts, styles and calls only
# from here. Nothing is loaded from a CDN.
_CSP: Final = (
    "default-src 'self'; img-src * data: blob:; media-src * data: blob:; script-src 'self'; "
    "style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
#: The interfaces a device may declare (Amazon's "Request and Response JSON Reference",
#: context.System.device.supportedInterfaces).
INTERFACES: Final = ("AudioPlayer", "Display", "Alexa.Presentation.APL", "VideoApp")
#: The two devices the page offers first.
DEVICES: Final = {
    "speaker": ("AudioPlayer",),
    "screen": ("AudioPlayer", "Display", "Alexa.Presentation.APL"),
}
_GET: Final = {"Allow": "GET, HEAD"}
_ACTIONS: Final = frozenset(
    {"say", "launch", "end", "silence", "new_session", "configure", "audio", "button"}
)
_SIMULATION_ID: Final = re.compile(r"[A-Za-z0-9_-]{8,64}")
#: Seconds a turn waits for the skill's answer: past Alexa's ~8 s, for the skill's own deadline
#: (7 s by default) to answer first.
ANSWER_WAIT: float = 10.0
#: Pages remembered at once; the oldest is forgotten first.
_MAX_SIMULATIONS: Final = 32
_LOST: Final = (
    "the server does not know this page's conversation (it restarted, or talked to many other "
    "pages since): it starts over"
)


class Simulator:
    """The simulator's page and API for the skills of ``app`` (an ASGI app).

    ``targets`` are the skills and the paths that reach them in ``app``; each request is signed
    with ``pki``, which the skills must trust (`with_simulator` sees to it). The skills' calls to
    Alexa's service APIs reach ``api``, served on 127.0.0.1 while the simulator runs.

    What the user says is understood with the interaction model built from the skill's code, or
    with ``model``: an ASK CLI model file (its locale from its name, ``en-GB.json``; a name
    that is no locale serves every locale) or a directory of them (the ASK CLI's
    ``interactionModels/custom``), for an app that serves one skill; the page then offers the
    model's locales. Each locale's model is read when the page first speaks it, and again when
    its file has changed since (edit the model, say it again: no restart).
    `ValueError` if ``model`` cannot serve (no such file, no locale understood here, several
    skills).
    """

    def __init__(
        self,
        app: ASGIApp,
        targets: Sequence[SkillTarget],
        *,
        pki: TestPKI,
        api: FakeAlexaApi | None = None,
        model: str | os.PathLike[str] | None = None,
    ) -> None:
        import threading

        from ..testing import FakeAlexaApi

        if not targets:
            raise ValueError("the simulator needs a skill to talk to")
        self.app = app
        self.targets = tuple(targets)
        #: The interaction model file or directory (None: the model built from the code).
        self.model = None if model is None else Path(model)
        #: The locales the page may choose, and the one it starts in.
        self.locales, self.locale = offered_locales(self.model, self.targets)
        self.pki = pki
        #: The fake Alexa service APIs the simulated requests point the skills at.
        self.api = api if api is not None else FakeAlexaApi()
        self._simulations = Pages(self.targets, _MAX_SIMULATIONS, self._new_simulation)
        #: Each (skill, locale)'s understander, and the model file's version it was built from.
        self._understanders: dict[tuple[int, str], tuple[object, Understander]] = {}
        # One turn at a time: the service-API calls of a turn are told apart by position.
        self._lock = threading.Lock()
        self._http: httpx.AsyncClient | None = None
        self._api_endpoint: str | None = None
        self._stack: Callable[[], object] | None = None  # stops the fake service APIs

    # --- ASGI --------------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a request under `PREFIX` (``scope["path"]`` is the whole path)."""
        from starlette.requests import Request
        from starlette.responses import RedirectResponse, Response

        request = Request(scope, receive)
        path = below_prefix(scope)
        response: Response
        if path.startswith("/api/"):
            # Every API route, not only the turn's: a DNS-rebound page read /api/info.
            try:
                check_caller(request)
            except BadRequest as exc:
                await json_response({"error": str(exc)}, exc.status)(scope, receive, send)
                return
        if path == "":
            response = RedirectResponse(root(scope) + PREFIX + "/", status_code=307)
        elif path == "/api/info" and request.method in ("GET", "HEAD"):
            response = await self._json_call(request, self._info)
        elif path == "/api/info":
            response = json_response({"error": "api/info answers GET"}, 405, headers=_GET)
        elif path == "/api/turn":
            response = await self._json_call(request, self._turn)
        elif path.startswith("/api/"):
            response = json_response({"error": f"no such API: {path}"}, 404)
        else:
            response = self._static(path, request.method)
        await response(scope, receive, send)

    async def _json_call(self, request: Any, call: Any) -> Any:
        try:
            return json_response(await call(request))
        except BadRequest as exc:
            return json_response({"error": str(exc)}, exc.status, headers=exc.headers)
        except Exception as exc:
            logger.exception("the simulator failed")
            return json_response(
                {"error": f"the simulator failed: {type(exc).__name__}: {exc}"}, 500
            )

    def _static(self, path: str, method: str) -> Any:
        from starlette.responses import Response

        name = "index.html" if path == "/" else path.removeprefix("/")
        if name not in _STATIC:
            return json_response({"error": f"no such file: {path}"}, 404)
        if method not in ("GET", "HEAD"):
            return json_response({"error": f"{name} answers GET"}, 405, headers=_GET)
        body = resources.files(__package__).joinpath("static", name).read_bytes()
        headers = {
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
        if name == "index.html":
            headers["Content-Security-Policy"] = _CSP
        return Response(body, media_type=_STATIC[name], headers=headers)

    # --- the API -----------------------------------------------------------------------------

    async def _info(self, request: Any) -> dict[str, Any]:
        from starlette.concurrency import run_in_threadpool

        examples = await run_in_threadpool(self._examples, 0, self.locale)
        return {
            "skills": [
                {"index": index, "path": target.path, "skillId": target.skill_id}
                for index, target in enumerate(self.targets)
            ],
            "locales": list(self.locales),
            "locale": self.locale,
            "interfaces": list(INTERFACES),
            "devices": {name: list(value) for name, value in DEVICES.items()},
            "device": "speaker",
            "examples": examples,
            "unheard": self._unheard(),
        }

    def _unheard(self) -> list[str]:
        """The locales the skills declare (utterances, values, catalogs) that cannot be
        understood here, to name on the page (none with a model file: its locales are offered)."""
        from ..interaction import declared_locales

        if self.model is not None:
            return []
        declared = {locale for t in self.targets for locale in declared_locales(t.skill)}
        return sorted(declared.difference(self.locales))

    def _examples(self, index: int, locale: str) -> list[str]:
        """What a user could say first to skill ``index`` in ``locale`` (`examples`)."""
        from .examples import examples

        return examples(lambda: self._understander(index, locale))

    async def _turn(self, request: Any) -> dict[str, Any]:
        import anyio.to_thread

        asked = await read_json(request)
        simulation_id = asked.get("simulation")
        if not isinstance(simulation_id, str) or not _SIMULATION_ID.fullmatch(simulation_id):
            raise BadRequest("simulation: expected the page's id (8 to 64 letters or digits)")
        action = asked.get("action")
        # A list or an object cannot be looked up in a set: a name is checked a string first.
        if not isinstance(action, str) or action not in _ACTIONS:
            raise BadRequest(f"action: expected one of {', '.join(sorted(_ACTIONS))}")
        text = asked.get("text", "")
        from ..understanding.compiled import MAX_TEXT  # (`chat`'s bound too)

        if not isinstance(text, str) or len(text) > MAX_TEXT:
            raise BadRequest(f"text: expected a string of at most {MAX_TEXT:,} characters")
        locale = asked.get("locale", self.locale)
        self._check_locale(locale)
        interfaces = asked.get("interfaces", list(DEVICES["speaker"]))
        if not isinstance(interfaces, list) or not all(item in INTERFACES for item in interfaces):
            raise BadRequest(f"interfaces: expected a list of {', '.join(INTERFACES)}")
        index = asked.get("skill", 0)
        if not isinstance(index, int) or isinstance(index, bool):
            raise BadRequest("skill: expected the index of a skill of /api/info")
        if not 0 <= index < len(self.targets):
            raise BadRequest(f"skill: no skill {index} (there are {len(self.targets)})")
        player = None
        if asked.get("player") is not None:
            from .device_events import player_state

            if not isinstance(asked["player"], dict):
                raise BadRequest("player: expected an object (activity, token, offset)")
            try:
                player = player_state(asked["player"])
            except ValueError as exc:
                raise BadRequest(str(exc)) from None
        event = None
        if action in ("audio", "button"):
            from .device_events import audio_event, button_press

            try:
                event = (audio_event if action == "audio" else button_press)(asked, interfaces)
            except ValueError as exc:
                raise BadRequest(str(exc)) from None
        self._start()

        def work() -> dict[str, Any]:
            with self._lock:
                # A page that talked to the server before, which no longer knows it: told.
                lost = asked.get("continuing") is True and simulation_id not in self._simulations
                if event is not None:
                    done = self._device(simulation_id, index, locale, interfaces, event)
                else:
                    done = self._act(
                        simulation_id, index, str(action), text, locale, interfaces, player
                    )
            if lost:
                done["notes"] = [_LOST, _NEW, *(n for n in done["notes"] if n != _NEW)]
            return done

        return await anyio.to_thread.run_sync(work)

    def _check_locale(self, locale: object) -> None:
        if locale not in self.locales:
            where = "is not understood here"
            if self.model is not None:
                where = f"has no model in {self.model}"
            # (the page's value, of any length or kind: cut)
            said = shown_value(locale) if isinstance(locale, str) else shown_json(locale)
            raise BadRequest(f"locale: {said} {where}; one of {', '.join(self.locales)}")

    def _act(
        self,
        simulation_id: str,
        index: int,
        action: str,
        text: str,
        locale: str,
        interfaces: list[str],
        player: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        notes: list[str] = []
        # Configured before it is the skill talked to: a locale refused leaves the page as it was.
        simulation = self._simulations.simulation(
            simulation_id,
            index,
            notes,
            configure=lambda chosen: self._configure(chosen, locale, interfaces),
        )
        simulation.hold(player)
        turn: dict[str, Any] | None = None
        if action == "say":
            turn = simulation.say(text)
        elif action == "launch":
            turn = simulation.launch()
        elif action == "end":
            turn = simulation.end()
        elif action == "silence":
            turn = simulation.silence()
        elif action == "new_session":
            simulation.new_session()
            notes.append("a new session: the next request starts it")
        return {"turn": turn, "notes": notes, "state": self._state(simulation, index)}

    def _state(self, simulation: Simulation, index: int) -> dict[str, Any]:
        """The simulation's state, with what to try saying to its skill in its locale."""
        examples = self._examples(index, simulation.locale)
        return {**simulation.state(), "skill": index, "examples": examples}

    def _device(
        self,
        simulation_id: str,
        index: int,
        locale: str,
        interfaces: list[str],
        event: DeviceEvent,
    ) -> dict[str, Any]:
        """An event of the page's audio player or media buttons, sent to the skill as the
        device would send it.

        It goes to skill ``index`` (the one whose stream the page plays, not necessarily the
        one it talks to now), and changes neither the locale nor the device: a page whose
        choices differ from the device's (an event that crossed a change) is answered without a
        request, with a note.
        """
        notes: list[str] = []
        talking = self._simulations.device(simulation_id)
        simulation = self._simulations.simulation(simulation_id, index, notes, user=False)
        current, device = talking or (index, simulation)
        if (locale, set(interfaces)) != (device.locale, set(device.interfaces)):
            notes.append(f"{event.name} of a device since changed: not sent")
            return {"turn": None, "notes": notes, "state": self._state(device, current)}
        if simulation is not device:  # the device may have changed since it played
            self._configure(simulation, locale, interfaces)
        turn = simulation.device(event)
        return {"turn": turn, "notes": notes, "state": self._state(device, current)}

    def _configure(self, simulation: Simulation, locale: str, interfaces: list[str]) -> list[str]:
        from ..exceptions import ConfigurationError
        from ..interaction import InteractionModelError

        try:
            return simulation.configure(locale, interfaces)
        except (ConfigurationError, InteractionModelError) as exc:
            raise BadRequest(model_problem(exc, locale)) from None

    def _new_simulation(self, index: int) -> Simulation:
        """A new simulation of skill ``index``: on the first device, in the first locale (the
        page's choices are applied afterwards, each change noted)."""
        from ..exceptions import ConfigurationError
        from ..interaction import InteractionModelError
        from .session import Simulation

        assert self._api_endpoint is not None
        try:
            return Simulation(
                self.targets[index],
                pki=self.pki,
                post=self._post,
                api=self.api,
                api_endpoint=self._api_endpoint,
                understander=lambda chosen: self._understander(index, chosen),
                locale=self.locale,
                interfaces=DEVICES["speaker"],
            )
        except (ConfigurationError, InteractionModelError) as exc:
            raise BadRequest(model_problem(exc, self.locale)) from None

    def load_model(self) -> None:
        """Read and check `model` for each of its locales now rather than on the page's first
        turn in it (`alexaskill serve --dev --model` does, to report a broken file at start).

        Raises `alexaskill.interaction.InteractionModelError` (with what is wrong) or
        `alexaskill.exceptions.ConfigurationError`. Nothing to do without a `model`.
        """
        if self.model is not None:
            for locale in self.locales:
                self._understander(0, locale)

    def _understander(self, index: int, locale: str) -> Understander:
        """The skill's model for ``locale``: built once from the skill's code, or read from
        `model` again whenever the file's modification time or size changes."""
        from ..understanding import Understander, load_model, model_from_skill

        key = (index, locale)
        version = None if self.model is None else model_version(self.model, locale)
        built = self._understanders.get(key)
        if built is None or built[0] != version:
            target = self.targets[index]
            if self.model is None:
                model = model_from_skill(target.skill, locale=locale)
            else:
                model = load_model(self.model, locale=locale)
            built = version, Understander(model, locale=locale, skill_id=target.skill_id)
            self._understanders[key] = built
        return built[1]

    # --- talking to the skill ------------------------------------------------------------------

    def _start(self) -> None:
        """Serve the fake service APIs (once); called on the event loop's thread."""
        import httpx

        from .session import serve_api

        if self._stack is None:
            self._stack, self._api_endpoint = serve_api(self.api, self)
        if self._http is None:
            # Through the whole app, as Alexa's requests come: its middleware and mounts too.
            # An exception of the app is its HTTP 500, as a server would answer.
            transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
            self._http = httpx.AsyncClient(
                transport=transport, base_url="http://127.0.0.1", timeout=60.0
            )

    def _post(self, path: str, body: bytes, headers: Mapping[str, str]) -> tuple[int, Any]:
        """Post to the app from a worker thread, on the event loop (the transport's ``post``)."""
        import anyio.from_thread

        return anyio.from_thread.run(self._post_async, path, body, dict(headers))

    async def _post_async(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        import anyio

        assert self._http is not None
        # httpx's ASGI transport ignores the client's timeout: a skill without a deadline that
        # never answered held the turn, and the lock every page's turns take, for ever.
        with anyio.move_on_after(ANSWER_WAIT):
            response = await self._http.post(path, content=body, headers=headers)
            try:
                payload = response.json()
            except ValueError:  # a 200 that is not JSON is no envelope: Alexa refuses it
                text = shown(response.text) or None  # (a long page: its head and tail)
                payload = text if response.status_code == 200 or text is None else {"error": text}
            return response.status_code, payload
        wait = f"{ANSWER_WAIT:g} s (Alexa waits about 8 s)"
        return 0, {"error": f"no answer from the skill within {wait}"}

    async def aclose(self) -> None:
        """Stop serving the fake service APIs and close the client (the app's shutdown)."""
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        if self._stack is not None:
            self._stack()
            self._stack = None
