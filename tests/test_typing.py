"""What a skill's type checker says about its use of alexaskill (the package ships py.typed).

Each snippet below is a small module of a skill; a line ending in ``# error`` must be reported
by the checker, every other line must pass. All snippets go through one mypy run: under
``--strict``, and those named in ``NOT_STRICT`` under mypy's default mode as well (a copy of
each, whose last line sets back for that file what ``--strict`` sets).
(pyright, which fetches its program from npm at first use, is not run here: tests stay off the
network, and a check that skips itself in CI would hide that it never ran.)
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import alexaskill
import alexaskill.interaction
import alexaskill.logs
import alexaskill.store
from alexaskill.testing import DEFAULT_SKILL_ID

ROOT = Path(__file__).resolve().parent.parent


def _import_all(module: object) -> str:
    names = ", ".join(module.__all__)  # type: ignore[attr-defined]
    return f"from {module.__name__} import {names}\n"  # type: ignore[attr-defined]


SNIPPETS: dict[str, str] = {
    # Every public name resolves, and nothing else does (no module `__getattr__` for checkers).
    "exports": "".join(
        _import_all(module)
        for module in (alexaskill, alexaskill.interaction, alexaskill.logs, alexaskill.store)
    )
    + """
import alexaskill
from alexaskill import Skil  # error
from alexaskill.interaction import build_model  # error
from alexaskill.logs import configure_loging  # error
from alexaskill.store import MemoryStor  # error
from alexaskill.logs import settings_from_env

alexaskill.Skil  # error
skill_ids: int = settings_from_env().skill_ids  # error
""",
    # A def handler calls a service method with its keyword arguments, checked.
    "call_sync": """
import datetime as dt

from alexaskill import AlexaApi, InSkillProduct, Reminder


def handler(api: AlexaApi) -> None:
    owned: list[InSkillProduct] = api.call_sync(api.in_skill_products, entitled=True)
    later = dt.timedelta(minutes=5)
    reminder: Reminder = api.call_sync(api.create_reminder, "Stretch", after=later)
    name: str | None = api.call_sync(api.given_name)
    api.call_sync(api.in_skill_products, entitled="yes")  # error
    api.call_sync(api.in_skill_products, entiteld=True)  # error
    api.call_sync(api.given_name, "Ada")  # error
    wrong: int = api.call_sync(api.given_name)  # error
""",
    # The states Amazon documents are Literals for checkers (str at run time).
    "literals": """
from typing import Literal

from alexaskill import CanFulfillIntentRequest, Intent, IntentRequest, Slot


def states(request: IntentRequest, probe: CanFulfillIntentRequest, slot: Slot) -> None:
    state: Literal["STARTED", "IN_PROGRESS", "COMPLETED"] | None = request.dialog_state
    probed: Literal["STARTED", "IN_PROGRESS", "COMPLETED"] | None = probe.dialog_state
    said: Literal["NONE", "CONFIRMED", "DENIED"] = slot.confirmation_status
    meant: Literal["NONE", "CONFIRMED", "DENIED"] = request.intent.confirmation_status
    Intent(name="Book", confirmation_status="CONFIRMED")
    Intent(name="Book", confirmation_status="YES")  # error
    Slot(name="city", confirmation_status="DENIED")
    IntentRequest(request_id="r", dialog_state="IN_PROGRES")  # error
""",
    # The pytest plugin's factory has a type a strict suite can name.
    "fixture": f"""
from alexaskill import Skill
from alexaskill.testing import SkillClientFactory, SkillResponse, TestClient

skill = Skill("{DEFAULT_SKILL_ID}")


def test_launch(skill_client: SkillClientFactory) -> None:
    client: TestClient = skill_client(skill, locale="de-DE")
    result: SkillResponse = client.launch()
    skill_client("skill")  # error
""",
    # The fake's products and reminders are typed as given (mappings, None: none) and as read
    # (the list the fake keeps): products took no None, and read back were no list of them.
    "fake_api": """
from alexaskill import InSkillProduct, Reminder
from alexaskill.testing import FakeAlexaApi

fake = FakeAlexaApi(in_skill_products=None, reminders=None)
fake.in_skill_products = [{"productId": "p1"}, InSkillProduct(product_id="p2")]
fake.in_skill_products = ({"product_id": "p3"},)
fake.in_skill_products = None
fake.reminders = [{"alertToken": "r1"}, Reminder(alert_token="r2")]
products: list[InSkillProduct] = fake.in_skill_products
first: str = fake.in_skill_products[0].product_id
reminders: list[Reminder] = fake.reminders
fake.in_skill_products = "premium"  # error
FakeAlexaApi(in_skill_products=[5])  # error
fake.in_skill_products.append({"productId": "p4"})  # error
""",
    "server": """
from alexaskill.server import H11Protocol, HttpProtocol


class Protocol(HttpProtocol):
    header_timeout = 10.0
    max_header_size = 32 * 1024


class Slow(H11Protocol):
    write_timeout = 30.0


class Wrong(HttpProtocol):
    header_timeout = "10"  # error
""",
    # The decorators take handlers that return a Response or None, and nothing else.
    "decorators": f"""
from typing import Any

from alexaskill import (
    Response,
    Session,
    Skill,
    SlotError,
    blocking,
    can_fulfill,
    empty,
    speak,
)

skill = Skill("{DEFAULT_SKILL_ID}")


@skill.launch
def launch() -> Response:
    return speak("Hello.")


@skill.intent("Weather")
async def weather(city: str | None = None) -> Response | None:
    return None if city is None else speak(city)


@skill.intent("Unannotated")
def unannotated(name: str = "world"):  # type: ignore[no-untyped-def]
    return speak(name)


@skill.intent("Blocking")
@blocking
def slow() -> Response:
    return empty()


@skill.can_fulfill("Weather")
def can_weather() -> Response:
    return can_fulfill("YES")


@skill.session_ended
def ended() -> None: ...


@skill.fallback
async def fallback() -> Response:
    return speak("Sorry?")


@skill.on("AudioPlayer.PlaybackStarted")
def started() -> Response:
    return empty()


@skill.before_request
def before(session: Session) -> None: ...


@skill.after_request
async def after(response: Response) -> Response | None:
    return response


@skill.exception(SlotError)
def slot_error(exc: SlotError, session: Session) -> Response:
    return speak(str(exc))


@skill.exception(SlotError)
async def wider(exc: Exception) -> Response:
    return speak(str(exc))


@skill.exception(SlotError)
def untyped(exc, session: Session):  # type: ignore[no-untyped-def]
    return speak(str(exc))


launch_again: Response = launch()
slot_error(SlotError("city", None), Session())


@skill.intent("Text")  # error
def text() -> str:
    return "Hello."


@skill.intent("Number")  # error
async def number() -> int:
    return 42


@skill.launch  # error
def data() -> dict[str, Any]:
    return {{}}


@skill.before_request  # error
def before_text() -> str:
    return ""


@skill.exception(SlotError)  # error
def other_error(exc: KeyError) -> Response:
    return speak(str(exc))
""",
    # The decorators that take the function are written without parentheses; called, they
    # refuse at run time, and type checkers say so where they are written, strict or not.
    "bare_decorators": f"""
from alexaskill import Response, Skill, speak

skill = Skill("{DEFAULT_SKILL_ID}")


@skill.launch
def launch() -> Response:
    return speak("Hello.")


@skill.launch()  # error
def called() -> Response:
    return speak("Hello.")


@skill.session_ended()  # error
def ended() -> None: ...


@skill.fallback()  # error
def fallback() -> None: ...


@skill.before_request()  # error
def before() -> None: ...


@skill.after_request()  # error
def after() -> None: ...


reply: Response = launch()
text: str = launch()  # error
launch("again")  # error
""",
}

#: Checked by mypy without --strict as well (its default, which many skills run).
NOT_STRICT = ("bare_decorators",)


def _expected(source: str) -> set[int]:
    return {n for n, line in enumerate(source.splitlines(), 1) if line.endswith("# error")}


def _default_mode_comment(config: Path) -> str:
    """A ``# mypy:`` line that sets back, for its file, every flag ``--strict`` sets.

    Asked of mypy itself (its options with ``--strict`` and without), so a flag a later mypy
    adds to ``--strict`` is set back too. Of those flags only ``warn_redundant_casts`` is not
    per module: the snippets checked this way hold no ``cast`` (the test says so)."""
    from mypy.main import process_options
    from mypy.options import PER_MODULE_OPTIONS

    def options(*flags: str) -> Any:
        return process_options([*flags, "--config-file", str(config), "x.py"])[1]

    strict, default = options("--strict"), options()
    changed = {
        name
        for name in PER_MODULE_OPTIONS | {"warn_redundant_casts"}
        if getattr(strict, name) != getattr(default, name)
    }
    assert "disallow_untyped_defs" in changed, changed  # what --strict is known to set
    settings = ", ".join(
        f"{name.replace('_', '-')}={getattr(default, name)}"
        for name in sorted(changed - {"warn_redundant_casts"})
    )
    return f"# mypy: {settings}\n"


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, set[int]], str]:
    """What one mypy run reports: every snippet under ``--strict`` (the project's own
    settings, pyproject.toml), and those of `NOT_STRICT` again, as ``default_NAME``, each with
    a last line that sets back what ``--strict`` sets: mypy's default mode, for that file.

    One run, not two: each run checks alexaskill and what it imports (some 800 modules) anew,
    the cache of a ``--strict`` run being no use to a run without it; 5-8 s of CPU each."""
    folder = tmp_path_factory.mktemp("snippets")
    config = folder / "mypy.ini"
    config.write_text("[mypy]\npython_version = 3.11\n", encoding="utf-8")
    sources = dict(SNIPPETS)
    for name in NOT_STRICT:
        sources[f"default_{name}"] = SNIPPETS[name] + _default_mode_comment(config)
    paths = {name: folder / f"snippet_{name}.py" for name in sources}
    for name, path in paths.items():
        path.write_text(sources[name], encoding="utf-8")
    return _mypy(paths, ROOT / "pyproject.toml", folder / "mypy-cache")


def _by_file(found: list[tuple[str, int]], paths: dict[str, Path]) -> dict[str, set[int]]:
    names = {path.name: name for name, path in paths.items()}
    lines: dict[str, set[int]] = {name: set() for name in paths}
    for file, line in found:
        lines[names[Path(file).name]].add(line)
    return lines


def _mypy(paths: dict[str, Path], config: Path, cache: Path) -> tuple[dict[str, set[int]], str]:
    """The lines mypy reports an error on, by snippet, and what it said."""
    # Its cache in tmp_path: the tests write nothing into the checkout (tests/conftest.py)
    options = ["--config-file", str(config), "--no-error-summary", "--cache-dir", str(cache)]
    run = subprocess.run(
        [sys.executable, "-m", "mypy", *options, *map(str, paths.values())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert run.returncode in (0, 1), run.stderr + run.stdout
    found = [
        (match[1], int(match[2]))
        for match in re.finditer(r"^(.*?snippet_\w+\.py):(\d+): error:", run.stdout, re.M)
    ]
    return _by_file(found, paths), run.stdout


def test_mypy_reports_what_the_snippets_mark(reported: tuple[dict[str, set[int]], str]) -> None:
    lines, said = reported
    for name, source in SNIPPETS.items():
        assert lines[name] == _expected(source), (name, said)


def test_mypy_without_strict_reports_them_too(reported: tuple[dict[str, set[int]], str]) -> None:
    # `@skill.launch()` passed, the handler typed Never: its ``func`` defaults to None (to say
    # at run time how to write it), which mypy only questioned under --strict.
    lines, said = reported
    for name in NOT_STRICT:
        assert "cast(" not in SNIPPETS[name]  # warn_redundant_casts: set for the whole run
        assert lines[f"default_{name}"] == _expected(SNIPPETS[name]), (name, said)
