"""How ``main`` loads the commands and the app (Ctrl-C while they load is exit status 130), and
arguments it reads as the endpoint would: bytes not UTF-8, a module path without its colon, the
age of a capture."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from .cli_inputs_shared import APP, _capture_at

# The fixtures of tests/cli_inputs_shared.py these tests take, imported for pytest to see.
from .cli_inputs_shared import workdir as workdir
from .cli_run import run


def test_the_command_modules_load_inside_main_where_ctrl_c_is_caught() -> None:
    # The console script imports alexaskill.cli before main() runs: its commands (certify's
    # TLS and statistics modules, ...) took most of a second on a busy machine, and a Ctrl-C
    # then was a traceback. They load in main() now.
    import subprocess

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, alexaskill.cli; "
            "print(sorted(m for m in sys.modules if m.startswith('alexaskill.cli.')))",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=60,
    )
    assert loaded.stdout == "[]\n"


def test_ctrl_c_while_the_commands_or_the_app_load_is_exit_status_130(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import alexaskill.cli

    (workdir / "ctrl_c_app.py").write_text(
        "raise KeyboardInterrupt\n", encoding="utf-8"
    )  # Ctrl-C in a slow import
    assert run("replay", "ctrl_c_app:skill", "hello.json") == (130, "", "")
    assert run("chat", "ctrl_c_app.py:skill") == (130, "", "")

    def interrupted(name: str) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(alexaskill.cli, "_command", interrupted)
    assert run("replay", "inputsapp:skill", "hello.json") == (130, "", "")


def test_the_names_the_cli_gives_load_when_asked() -> None:
    import alexaskill.cli
    from alexaskill.cli.common import UsageError, load_skill
    from alexaskill.cli.dev import DEV_PKI_ENV

    assert alexaskill.cli.UsageError is UsageError
    assert alexaskill.cli.load_skill is load_skill
    assert alexaskill.cli.DEV_PKI_ENV == DEV_PKI_ENV
    assert callable(alexaskill.cli.serve_factory)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        alexaskill.cli.nothing  # noqa: B018


def test_the_command_modules_are_the_packages_attributes_as_before() -> None:
    # The package imported its commands before they loaded in main(): `alexaskill.cli.chat`,
    # `alexaskill.cli.help_text` (a script's) were AttributeErrors after that. In a fresh
    # interpreter: here, other tests have imported the modules already, which sets them.
    import subprocess

    names = ["replay", "serve", "request", "model", "certify", "understand", "chat"]
    script = (
        "import alexaskill.cli as cli\n"
        f"print([getattr(cli, name).__name__ for name in {[*names, 'probes', 'common']!r}])\n"
        "import sys\n"
        "print(cli.help_text.__module__, cli.chat is sys.modules['alexaskill.cli.chat'])\n"
        "for name in ('nothing', '__wrapped__', 'chat.x', ''):\n"
        "    print(name, hasattr(cli, name))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
        timeout=60,
    ).stdout.splitlines()
    assert shown == [
        str([f"alexaskill.cli.{name}" for name in [*names, "probes", "common"]]),
        "alexaskill.cli.common True",
        "nothing False",
        "__wrapped__ False",
        "chat.x False",
        " False",
    ]


def test_an_argument_that_is_not_utf8_is_shown_as_its_bytes(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given from a Latin-1 terminal, "wé" arrives as b"w\xe9", which Python holds as "w\udce9":
    # the errors showed that ('w\udce9'), a character no one typed, not the byte given.
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    for argv, shown in [
        (["chat", "inputsapp:skill", "--invocation", "w\udce9"], "invocation name 'w\\xe9'"),
        (["chat", "inputsapp:sk\udce9"], "no attribute 'sk\\xe9'"),
        (["chat", "inputsapp:skill", "--model", "m\udce9.json"], "m\\xe9.json: no such file"),
        (["understand", "--model", "inputsapp:skill", "--now", "2020\udce9"], "'2020\\xe9'"),
    ]:
        code, _, err = run(*argv)
        assert code == 2 and shown in err, (argv, err)
        assert "\\udc" not in err and "\udce9" not in err
    # argparse's own errors too
    code, _, err = run("chat", "inputsapp:skill", "--locale", "en\udce9")
    assert code == 2 and "argument --locale: 'en\\xe9' is not a locale" in err, err
    code, _, err = run("ch\udce9")
    assert code == 2 and "invalid choice: 'ch\\xe9'" in err, err
    # A backslash typed is not a byte: 'w\\udce9' stays as repr() writes it.
    code, _, err = run("chat", "inputsapp:skill", "--invocation", "w\\udce9")
    assert code == 2 and "'w\\\\udce9'" in err, err


def test_a_module_path_without_its_colon_is_meant_with_skill(workdir: Path) -> None:
    # "pkg.app" for pkg/app.py suggested "pkg:app" (the module pkg, attribute app), which is
    # not there: the module's own file is, so what was meant is pkg.app:skill.
    (workdir / "pkg").mkdir()
    (workdir / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    (workdir / "pkg" / "app.py").write_text(APP, encoding="utf-8")
    code, _, err = run("replay", "pkg.app", "hello.json")
    assert code == 2
    assert err.endswith("path/to/app.py:skill; did you mean pkg.app:skill?\n"), err
    code, _, err = run("replay", "pkg.skill", "hello.json")  # no pkg/skill.py: pkg:skill
    assert err.endswith("; did you mean pkg:skill?\n"), err


def test_capture_age_reads_the_timestamp_as_the_endpoint_does() -> None:
    import datetime as dt

    from alexaskill.cli.probes import capture_age_problem

    now = dt.datetime(2017, 1, 1, 0, 0, 30, tzinfo=dt.UTC)
    # A lower-case z and a leap second, both accepted by the endpoint's verifier: the capture
    # was called one the endpoint would refuse (None), and replayed while still fresh.
    for stamp in ("2017-01-01T00:00:00z", "2016-12-31T23:59:60Z"):
        assert capture_age_problem(_capture_at(stamp), now) == (  # type: ignore[arg-type]
            "the captured request is 30 s old: the endpoint may still accept it. Replay it in "
            "126 s, once it is too old to be accepted"
        ), stamp


def test_capture_age_of_epoch_milliseconds_and_of_skill_events_is_the_endpoints() -> None:
    import datetime as dt

    from alexaskill.capture import Capture
    from alexaskill.cli.probes import capture_age_problem

    def capture(request_type: str, timestamp: object) -> Capture:
        body = json.dumps({"request": {"type": request_type, "timestamp": timestamp}})
        return Capture(received_at="2026-12-01T12:00:00Z", path="/", headers=[], body=body)

    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    # Epoch milliseconds, which the endpoint takes (the developer console's, 2017): it was
    # called a capture the endpoint would refuse, and replayed while still fresh.
    thirty_s_ago = int((now - dt.timedelta(seconds=30)).timestamp() * 1000)
    assert capture_age_problem(capture("LaunchRequest", thirty_s_ago), now) == (
        "the captured request is 30 s old: the endpoint may still accept it. Replay it in 126 s, "
        "once it is too old to be accepted"
    )
    # Only the skill events the endpoint takes an hour old get an hour: another event ten
    # minutes old is refused (a replay proves something now), not "Replay it in 3006 s".
    ten_min_ago = "2026-12-01T11:50:00Z"
    other = capture("AlexaHouseholdListEvent.ItemsCreated", ten_min_ago)
    assert capture_age_problem(other, now) is None
    for skill_event in ("SkillEnabled", "ProactiveSubscriptionChanged"):
        late = capture(f"AlexaSkillEvent.{skill_event}", ten_min_ago)
        assert "Replay it in 3006 s" in (capture_age_problem(late, now) or "")


def test_a_skill_event_capture_ahead_of_the_clock_is_refused_as_the_endpoint_does() -> None:
    import datetime as dt

    from alexaskill.capture import Capture
    from alexaskill.cli.probes import capture_age_problem

    def capture(timestamp: str) -> Capture:
        request = {"type": "AlexaSkillEvent.SkillEnabled", "timestamp": timestamp}
        body = json.dumps({"request": request})
        return Capture(received_at=timestamp, path="/", headers=[], body=body)

    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    # A skill event may be an hour late, never early: ten minutes ahead, the endpoint refuses
    # it (150 s), so a replay proves something; it was "may still accept it".
    assert capture_age_problem(capture("2026-12-01T12:10:00Z"), now) is None
    assert capture_age_problem(capture("2026-12-01T12:01:00Z"), now) == (
        "the captured request's timestamp is 60 s in the future: the endpoint may still accept "
        "it. Replay it in 3666 s, once it is too old to be accepted"
    )
