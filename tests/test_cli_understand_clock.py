"""``alexaskill understand``: its clock, the device's (--now, --time-zone), and the dates it
resolves or leaves unresolved by it. (Split from test_cli_understand.py.)"""

from __future__ import annotations

import datetime as dt

import pytest

from .cli_run import MODEL_FILE, lines, run
from .cli_shared import ROOT


@pytest.mark.parametrize(
    ("now", "said"),
    [
        ("9999-12-31T23:59", "tomorrow"),
        ("9999-12-31T23:59", "on christmas"),
        ("0001-01-01T00:00", "yesterday"),
        ("2026-11-29T12:00", "in two billion days"),
    ],
)
def test_a_day_past_the_calendar_is_left_unresolved(
    monkeypatch: pytest.MonkeyPatch, now: str, said: str
) -> None:
    monkeypatch.chdir(ROOT)
    argv = ["--model", "examples.weather.app:skill", "--now", now, f"weather in paris {said}"]
    code, out, err = run("understand", *argv)
    assert (code, err) == (0, "")
    [record] = lines(out)
    request = record["request"]
    assert isinstance(request, dict)
    assert request["intent"]["name"] == "GetWeather"
    assert "value" not in request["intent"]["slots"]["date"]


@pytest.mark.parametrize(
    ("now", "said"),
    [
        (dt.datetime(9999, 12, 31, 23, 59), "next friday"),
        (dt.datetime(9999, 12, 31, 23, 59), "next weekend"),
        (dt.datetime(9999, 12, 31, 23, 59), "the week after next"),
        (dt.datetime(9999, 12, 31, 23, 59), "in two weeks"),
        (dt.datetime(9999, 12, 31, 23, 59), "christmas"),
        (dt.datetime(1, 1, 1), "last monday"),
        (dt.datetime(1, 1, 1), "two days ago"),
    ],
)
def test_dates_past_the_calendar_name_no_date(now: dt.datetime, said: str) -> None:
    from alexaskill.understanding.languages.english.dates import date

    assert date(said.split(), now) is None
    assert date(said.split(), dt.datetime(2026, 11, 27)) is not None  # a Friday


@pytest.mark.parametrize(
    ("now", "zone", "today"),
    [
        ("2026-11-29T23:30", (), "2026-11-29"),  # the time on the device's clock
        ("2026-11-29T23:30-05:00", (), "2026-11-30"),  # that moment, on a clock in UTC
        ("2026-11-29T23:30-05:00", ("--time-zone", "America/New_York"), "2026-11-29"),
        ("2026-11-30T04:30Z", ("--time-zone", "America/New_York"), "2026-11-29"),
        ("2026-11-29T23:30", ("--time-zone", "Asia/Tokyo"), "2026-11-29"),
    ],
)
def test_today_is_the_date_on_the_devices_clock(
    monkeypatch: pytest.MonkeyPatch, now: str, zone: tuple[str, ...], today: str
) -> None:
    # As `alexaskill chat` reads --now: without a zone, the time on the device's clock; with
    # one, that moment on the device's clock, in its time zone (--time-zone), else in UTC.
    monkeypatch.chdir(ROOT)
    argv = ["--model", "examples.weather.app:skill", "--now", now, *zone, "weather in paris today"]
    code, out, err = run("understand", *argv)
    assert (code, err) == (0, "")
    [record] = lines(out)
    request = record["request"]
    assert isinstance(request, dict)
    assert request["intent"]["slots"]["date"]["value"] == today


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--time-zone", "Mars/Olympus"],
            "--time-zone is 'Mars/Olympus': no IANA time zone this machine knows",
        ),
        (["--now", "9999-12-31T23:59-05:00"], "--now '9999-12-31T23:59-05:00': past the calendar"),
    ],
)
def test_a_clock_that_cannot_be_read_is_a_usage_error(argv: list[str], message: str) -> None:
    code, out, err = run("understand", "--model", MODEL_FILE, *argv, "hi")
    assert (code, out) == (2, "")
    assert message in err


@pytest.mark.parametrize(
    ("zone", "meant"),
    [
        ("Paris", "; did you mean 'Europe/Paris'?"),
        ("posix/Europe/Paris", "; did you mean 'Europe/Paris'?"),
        ("right/UTC", "; did you mean 'UTC'?"),
        ("localtime", ""),
    ],
)
def test_a_time_zone_is_an_iana_name_as_the_fake_alexa_api_takes_it(zone: str, meant: str) -> None:
    # posix/…, right/… and localtime, files zoneinfo reads but no zone Alexa answers, were
    # taken (FakeAlexaApi refuses them), and "Paris" was "unknown time zone", no zone named.
    code, out, err = run("understand", "--model", MODEL_FILE, "--time-zone", zone, "a pizza")
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill understand: error: --time-zone is {zone!r}: no IANA time zone this machine "
        f"knows, as Alexa answers one ('Europe/Paris'){meant}\n"
    )


@pytest.mark.parametrize("zone", ["", " "])
def test_an_empty_time_zone_is_refused_not_taken_for_utc(zone: str) -> None:
    # --time-zone "" was UTC, as if it were left out: a shell variable that was not set, say.
    code, out, err = run("understand", "--model", MODEL_FILE, "--time-zone", zone, "a pizza")
    assert (code, out) == (2, "")
    assert err == (
        "alexaskill understand: error: --time-zone is empty: name an IANA time zone, e.g. "
        "Europe/Paris, or leave it out for UTC\n"
    )
