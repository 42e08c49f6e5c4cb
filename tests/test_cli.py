"""The ``alexaskill`` command as a shell tool: its help, its version, ``request`` and what each
command imports (replay: test_cli_replay*.py, serve --dev: test_cli_serve_dev.py, model:
test_cli_model.py)."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path
from typing import Final

import pytest

import alexaskill.cli
from alexaskill.cli import main

from .cli_run import run

# The fixtures of tests/cli_shared.py these tests take, imported for pytest to see.
from .cli_shared import workdir as workdir
from .conftest import OTHER_SKILL_ID, SKILL_ID
from .fresh_python import run_fresh

pytestmark = pytest.mark.oldest_dependencies

# --- help ----------------------------------------------------------------------------------------


#: Every command of ``alexaskill``, in the order its help lists them (checked against the parser
#: by test_every_command_of_the_parser_is_in_the_help_test).
_COMMANDS: Final = ("replay", "serve", "request", "model", "certify", "understand", "chat")


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("command", _COMMANDS)
def test_every_command_has_help(
    command: str, flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, flag]) == 0
    output, errors = capsys.readouterr()
    assert output.startswith(f"usage: alexaskill {command}")
    assert "example" in output
    assert errors == ""


@pytest.mark.parametrize("command", ["request", "replay"])
def test_help_and_usage_errors_go_to_the_streams_main_is_given(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # argparse printed them to sys.stdout and sys.stderr, whatever main(stdout=, stderr=) named.
    out, err = io.StringIO(), io.StringIO()
    assert main([command, "--help"], stdout=out, stderr=err) == 0
    assert out.getvalue().startswith(f"usage: alexaskill {command}") and err.getvalue() == ""
    out, err = io.StringIO(), io.StringIO()
    assert main([command, "--no-such-option"], stdout=out, stderr=err) == 2
    assert err.getvalue().startswith(f"usage: alexaskill {command}") and out.getvalue() == ""
    assert f"alexaskill {command}: error: " in err.getvalue()
    assert capsys.readouterr() == ("", "")


def test_every_command_of_the_parser_is_in_the_help_test() -> None:
    # The commands above were a list written by hand: a command added to the parser would have
    # gone without its --help run. The parser's own list is the one to follow.
    [commands] = [
        action.choices
        for action in alexaskill.cli.parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    ]
    assert tuple(commands) == _COMMANDS


def test_top_level_help_and_a_missing_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    output = capsys.readouterr().out
    assert all(name in output for name in ("replay", "serve", "request", "model", "certify"))
    assert main([]) == 2
    assert "required: COMMAND" in capsys.readouterr().err


# --- request -------------------------------------------------------------------------------------


def test_request_prints_a_fresh_envelope() -> None:
    code, out, err = run(
        "request",
        "IntentRequest",
        "--intent",
        "GetWeather",
        "--slot",
        "city=Paris",
        "--slot",
        "topping=ham",
        "--slot",
        "topping=olives",
        "--locale",
        "en-GB",
        "--interface",
        "AudioPlayer",
        "--interface",
        "Alexa.Presentation.APL",
        "--skill-id",
        SKILL_ID,
        "--dialog-state",
        "STARTED",
    )
    assert code == 0
    assert err == ""
    envelope = json.loads(out)
    request = envelope["request"]
    assert request["type"] == "IntentRequest"
    assert request["locale"] == "en-GB"
    assert request["dialogState"] == "STARTED"
    slots = request["intent"]["slots"]
    assert slots["city"]["value"] == "Paris"
    assert slots["topping"]["slotValue"]["type"] == "List"
    assert envelope["session"]["new"] is True
    assert envelope["context"]["System"]["application"]["applicationId"] == SKILL_ID
    assert "Viewport" in envelope["context"]
    assert set(envelope["context"]["System"]["device"]["supportedInterfaces"]) == {
        "AudioPlayer",
        "Alexa.Presentation.APL",
    }


def test_request_fields_and_defaults() -> None:
    code, out, _ = run("request", "SessionEndedRequest")
    assert json.loads(out)["request"]["reason"] == "USER_INITIATED"
    code, out, _ = run(
        "request",
        *("AudioPlayer.PlaybackStarted", "--field", "token=t1"),
        *("--field", "offsetInMilliseconds=5"),
    )
    envelope = json.loads(out)
    assert envelope["request"]["token"] == "t1"
    assert envelope["request"]["offsetInMilliseconds"] == 5
    assert "session" not in envelope
    # (A type Alexa does not send, Alexa.Future.Thing, was written with a note: now refused.)
    code, out, err = run("request", "Alexa.Future.Thing")
    assert (code, out) == (2, "")
    assert "error: TYPE 'Alexa.Future.Thing': not a request type Alexa sends" in err


def test_a_printed_request_replays(workdir: Path) -> None:
    _, out, _ = run("request", "IntentRequest", "--intent", "Hello")
    (workdir / "fresh.json").write_text(out, encoding="utf-8")
    code, out, _ = run("replay", "skillapp:skill", "fresh.json")
    assert code == 0
    assert "hello there" in out


# --- the command as a shell tool ------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"alexaskill {version('alexaskill')}\n"


def test_the_version_is_looked_up_for_version_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Reading the package's metadata costs tens of milliseconds of every command's start.
    calls: list[None] = []
    real = alexaskill.cli._version

    def counted() -> str:
        calls.append(None)
        return real()

    monkeypatch.setattr(alexaskill.cli, "_version", counted)
    assert main(["request", "LaunchRequest"]) == 0
    assert alexaskill.cli.parser().parse_args(["replay", "skillapp:skill", "x.json"])
    with pytest.raises(SystemExit):
        alexaskill.cli.parser().parse_args(["replay", "--help"])
    assert calls == []
    assert main(["--version"]) == 0
    assert calls == [None]
    assert capsys.readouterr().out.endswith(f"alexaskill {real()}\n")


@pytest.mark.parametrize(
    ("code", "status"), [(None, 0), (0, 0), (2, 2), ("a message", 1)], ids=repr
)
def test_a_systemexit_as_the_command_line_is_read_exits_as_python_would(
    code: object, status: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An action of the parser may end it with sys.exit() (SystemExit(None)): main said 2, a
    # usage error, where Python exits with 0, as serve's _status says of serve's own.
    from alexaskill.cli import serve

    class Exiting:
        def parse_args(self, given: list[str]) -> None:
            raise SystemExit(code)

    monkeypatch.setattr(alexaskill.cli, "parser", lambda **streams: Exiting())
    err = io.StringIO()
    assert main(["request", "LaunchRequest"], stdout=io.StringIO(), stderr=err) == status
    assert err.getvalue() == ("a message\n" if code == "a message" else "")
    assert serve._status(SystemExit(code)) == status


def _modules_after(calls: str) -> list[str]:
    """The modules a fresh interpreter has imported once it ran ``calls`` of the CLI's `main`."""
    code = (
        f"import json, sys\nfrom alexaskill.cli import main\n{calls}\n"
        "print(json.dumps({'modules': sorted(sys.modules)}))\n"
    )
    modules: list[str] = run_fresh(code)["modules"]
    return modules


def test_only_certify_imports_its_probes() -> None:
    # The TLS and HTTP checks of `certify` (ssl, sockets) were imported by every command.
    modules = _modules_after("main(['certify', '--help'])")
    assert "alexaskill.cli.certify" in modules
    assert "alexaskill.cli.probes" not in modules
    assert "alexaskill.cli.endpoint" not in modules


def test_a_command_builds_the_parser_of_its_own_alone() -> None:
    # Each command built the parser of every command, importing their seven modules: ~40 ms
    # of CPU at each start of `alexaskill serve`, `replay`, `chat`. The whole parser is built
    # where the command line names no command first (the help, a mistyped command).
    commands = {f"alexaskill.cli.{name}" for name in alexaskill.cli._COMMANDS}
    modules = _modules_after("main(['replay', '--help'])")
    assert sorted(commands.intersection(modules)) == ["alexaskill.cli.replay"]
    modules = _modules_after("main(['--help'])")
    assert commands <= set(modules)


def test_request_imports_no_test_client_nor_verification() -> None:
    # `alexaskill request` imported the whole test client (`alexaskill.testing`'s package
    # imported its every module: the fake service APIs, Starlette's test client), the
    # verification package (for a --field timestamp only) and understanding (for --model only).
    modules = _modules_after("main(['request', 'LaunchRequest'])")
    assert "alexaskill.testing.requests" in modules
    heavy = (
        "alexaskill.testing.client",
        "alexaskill.testing.alexa_api",
        "alexaskill.testing.pki",
        "alexaskill.verify",
        "alexaskill.understanding",
        "cryptography",
        "starlette",
    )
    assert [name for name in heavy if name in modules] == []


def test_request_checking_a_timestamp_or_reading_the_skill_id_imports_no_verifier() -> None:
    # A --field timestamp imported the whole verification package (the chain, the signature,
    # the Verifier: cryptography, asyncio) for `check_timestamp`; ALEXASKILL_SKILL_ID was read
    # through `alexaskill.settings`, which brought the logs and the attribute stores.
    calls = (
        "import os\n"
        f"os.environ['ALEXASKILL_SKILL_ID'] = '{SKILL_ID}, {OTHER_SKILL_ID}'\n"
        "main(['request', 'LaunchRequest', '--field', 'timestamp=2026-11-29T12:00:00Z'])"
    )
    modules = _modules_after(calls)
    assert "alexaskill.verify.timestamp" in modules  # (the check ran)
    heavy = (
        "alexaskill.verify.verifier",
        "alexaskill.verify.chain",
        "alexaskill.verify.signature",
        "alexaskill.settings",
        "alexaskill.logs",
        "alexaskill.store",
        "cryptography",
        "asyncio",
    )
    assert [name for name in heavy if name in modules] == []


def test_the_verification_package_gives_its_names_when_asked() -> None:
    # (lazily: each from the module that defines it, as before)
    import alexaskill.verify as package
    from alexaskill.verify import chain, signature, timestamp, urls, verifier

    homes = {
        "ECHO_API_HOST": chain,
        "MAX_TIMESTAMP_TOLERANCE": timestamp,
        "VerifiedChain": chain,
        "Verifier": verifier,
        "check_cert_url": urls,
        "check_signature": signature,
        "check_timestamp": timestamp,
        "load_chain": chain,
        "validate_chain": chain,
    }
    assert sorted(homes) == package.__all__
    for name, home in homes.items():
        assert getattr(package, name) is getattr(home, name), name
    assert package._certifi_roots is chain._certifi_roots
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="has no attribute 'Verifyer'"):
        package.Verifyer  # noqa: B018


def test_the_version_is_said_before_the_commands_are_built() -> None:
    # `alexaskill --version` imported every command's module to build the full parser.
    modules = _modules_after("main(['--version'])")
    assert [name for name in modules if name.startswith("alexaskill.cli.")] == []


def test_the_help_imports_no_logging_machinery() -> None:
    # `alexaskill.logs` (its formatters and handlers) came with the development PKI's module on
    # every command; only trusting that PKI (`serve --dev`) logs with it.
    modules = _modules_after("main(['--help']); main(['serve', '--help'])")
    assert "alexaskill.cli.dev" in modules
    assert "alexaskill.logs" not in modules
