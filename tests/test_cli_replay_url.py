"""``alexaskill replay --url URL FILE...``: a running server's skill, no APP needed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.processes import free_port

from .cli_run import run
from .conftest import Servers

pytestmark = pytest.mark.oldest_dependencies

ROOT = Path(__file__).resolve().parent.parent
WEATHER = "examples.weather.app:skill"
WEATHER_REQUESTS = sorted(str(p) for p in (ROOT / "examples/weather/requests").glob("*.json"))


@pytest.mark.parametrize("count", [1, len(WEATHER_REQUESTS)])
def test_replay_url_needs_no_app(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch, servers: Servers, count: int
) -> None:
    # With --url the skill is the server's: replay took the first FILE for an APP and failed
    # to import it ("examples/weather/requests/...json"), or wanted an APP it did not use.
    process, url = servers.serve_dev(WEATHER, cwd=ROOT, dev_dir=dev_dir)
    monkeypatch.chdir(ROOT)
    files = WEATHER_REQUESTS[:count]
    code, out, err = run("replay", "--url", url, *files)
    assert code == 0, out + err
    for name in files:
        assert f"{name} (" in out, out
    assert out.endswith(f"{count} request{'s' if count != 1 else ''}: all answered\n"), out
    # The server's own skill id was sent (it refuses others), as `chat --url` asks it.
    servers.stop(process)
    assert "SkillIdError" not in servers.output[process].read_text(encoding="utf-8")


def test_replay_without_app_or_url_says_which_to_give(tmp_path: Path) -> None:
    request = ROOT / "examples/weather/requests" / Path(WEATHER_REQUESTS[0]).name
    code, out, err = run("replay", str(request))
    assert code == 2
    assert out == ""
    assert (
        "replay: error: name the skill (APP FILE...) or a running server (--url URL FILE...)" in err
    ), err
    assert "Traceback" not in err


def test_replay_url_without_app_to_no_server_says_how_to_start_one(
    dev_dir: Path, no_proxies: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    url = f"http://127.0.0.1:{free_port()}/"
    code, _, err = run("replay", "--url", url, WEATHER_REQUESTS[0])
    assert code == 2
    assert f"cannot connect to {url}: is the server running? Start it with " in err, err
    assert "`alexaskill serve APP --dev`" in err, err
    assert "None" not in err, err


def test_replay_app_and_url_still_takes_the_app(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch, servers: Servers
) -> None:
    # An APP before the files is still the skill (its id, its dialog rules), not a file.
    process, url = servers.serve_dev(WEATHER, cwd=ROOT, dev_dir=dev_dir)
    monkeypatch.chdir(ROOT)
    code, out, err = run("replay", WEATHER, WEATHER_REQUESTS[0], "--url", url)
    assert code == 0, out + err
    assert out.endswith("1 request: all answered\n"), out
    servers.stop(process)


@pytest.mark.parametrize("url", [[], ["--url", "http://127.0.0.1:9/"]])
@pytest.mark.parametrize("app", [WEATHER, str(ROOT / "examples/weather/app.py")])
def test_replay_app_without_files_says_the_files_are_missing(
    tmp_path: Path, url: list[str], app: str
) -> None:
    # (with --url too: the APP is not read as a request FILE, "no such file" or "not JSON";
    # nor is an APP written as its .py file taken for no APP at all)
    code, _, err = run("replay", *url, app)
    assert code == 2
    assert f"replay: error: no request FILE after APP {app}: name one or more" in err, err


def test_replay_takes_app_and_files_either_side_of_the_options(
    dev_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    for argv in (
        ("replay", WEATHER, "--json", WEATHER_REQUESTS[0], WEATHER_REQUESTS[1]),
        (
            "replay",
            "--json",
            WEATHER,
            WEATHER_REQUESTS[0],
            "--locale",
            "en-US",
            WEATHER_REQUESTS[1],
        ),
    ):
        code, out, err = run(*argv)
        assert code == 0, err
        assert len(out.splitlines()) == 2, out


def test_replay_url_says_how_to_send_a_file_of_several_requests(tmp_path: Path) -> None:
    request = Path(WEATHER_REQUESTS[0]).read_text(encoding="utf-8")
    several = tmp_path / "two.json"
    several.write_text(request + "\n" + request + "\n", encoding="utf-8")
    code, _, err = run("replay", "--url", "http://127.0.0.1:9/", str(several))
    assert code == 2
    # (the command to paste: "--url" and its URL two words, not one quoted)
    said = f"alexaskill replay --url http://127.0.0.1:9/ - < {several}\n"
    assert err.endswith(said), err


@pytest.mark.parametrize("first", ["-", "launch.json"])
def test_replay_without_app_keeps_every_file_it_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    # "replay - launch.json" (no APP, no --url) took the "-" for an APP that is a file, and
    # dropped it: the error's example named none of the files given.
    monkeypatch.chdir(tmp_path)
    (tmp_path / "launch.json").write_text(
        Path(WEATHER_REQUESTS[0]).read_text(encoding="utf-8"), encoding="utf-8"
    )
    code, out, err = run("replay", first, "launch.json", stdin="")
    assert code == 2
    assert out == ""
    assert err == (
        "alexaskill replay: error: name the skill (APP FILE...) or a running server (--url URL "
        f"FILE...), e.g. alexaskill replay app:skill {first} launch.json\n"
    ), err


def test_replay_without_app_names_a_file_like_an_option_after_a_double_dash() -> None:
    code, _, err = run("replay", "--", "--url")
    assert code == 2
    assert err.endswith("e.g. alexaskill replay app:skill -- --url\n"), err


def test_replay_says_an_app_after_the_files_goes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (it said "no request FILE after APP app:skill", the launch.json before it dropped)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "launch.json").write_text(
        Path(WEATHER_REQUESTS[0]).read_text(encoding="utf-8"), encoding="utf-8"
    )
    code, _, err = run("replay", "launch.json", "-", "app:skill")
    assert code == 2
    assert err == (
        "alexaskill replay: error: APP comes before the request FILEs: alexaskill replay "
        "app:skill launch.json -\n"
    ), err
