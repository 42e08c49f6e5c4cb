"""What `request.timestamp` is read as (alexaskill/timestamps.py, the verifier's reading): ISO
8601's forms, a leap second, 24:00, a lower-case t or z, the years a datetime holds; and what is
refused as no ISO 8601 at all, junk Python's fromisoformat would pass over included."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from alexaskill.exceptions import TimestampError
from alexaskill.testing import TestPKI
from alexaskill.timestamps import read_timestamp
from alexaskill.verify import check_timestamp

from .verify_shared import NOW, make_body, run, stamp, verify_body

_NOT_ISO_8601 = r"^timestamp: not ISO 8601$"


def _judged_from(timestamp: str, instant: datetime) -> None:
    """``timestamp`` read as ``instant``: within 150 s of it either way taken, 151 s refused,
    saying by how much (neither a day off nor a crash)."""
    check_timestamp("IntentRequest", timestamp, instant + timedelta(seconds=150))
    check_timestamp("IntentRequest", timestamp, instant - timedelta(seconds=150))
    with pytest.raises(TimestampError, match=r"^timestamp: too old \(151 s before"):
        check_timestamp("IntentRequest", timestamp, instant + timedelta(seconds=151))
    with pytest.raises(TimestampError, match=r"^timestamp: in the future \(151 s after"):
        check_timestamp("IntentRequest", timestamp, instant - timedelta(seconds=151))


def _not_iso_8601_to_either(pki: TestPKI, sent: str) -> None:
    """``sent`` refused as "not ISO 8601" by `check_timestamp` and by `Verifier.verify`."""
    with pytest.raises(TimestampError, match=_NOT_ISO_8601):
        check_timestamp("IntentRequest", sent, NOW)
    with pytest.raises(TimestampError, match=_NOT_ISO_8601):
        verify_body(pki, make_body(sent))


def _refused_alike(timestamp: str) -> str:
    """Why `read_timestamp` refuses ``timestamp``, `check_timestamp` saying the same."""
    with pytest.raises(TimestampError) as info:
        read_timestamp(timestamp)
    with pytest.raises(TimestampError) as checked:
        check_timestamp("LaunchRequest", timestamp, NOW)
    assert str(checked.value) == str(info.value)
    return str(info.value)


@pytest.mark.parametrize(
    ("timestamp", "now"),
    [
        ("2016-12-31T23:59:60Z", datetime(2017, 1, 1, 0, 0, 1, tzinfo=UTC)),
        ("2016-12-31T23:59:60.500Z", datetime(2016, 12, 31, 23, 58, tzinfo=UTC)),
        ("2017-01-01T00:59:60+01:00", datetime(2017, 1, 1, 0, 2, tzinfo=UTC)),
        ("2017-01-01T05:29:60+05:30", datetime(2017, 1, 1, 0, 2, tzinfo=UTC)),
        ("2016-12-31T20:59:60-03:00", datetime(2017, 1, 1, 0, 2, tzinfo=UTC)),
        # RFC 3339 (5.6) lets a space stand for the "T", and any other second is read so.
        ("2016-12-31 23:59:60Z", datetime(2017, 1, 1, 0, 0, 1, tzinfo=UTC)),
    ],
)
def test_a_leap_second_timestamp_is_read_not_refused(timestamp: str, now: datetime) -> None:
    # ISO 8601 (and RFC 3339) write a leap second as :60, which datetime.fromisoformat refuses:
    # a request signed during one was refused as "not ISO 8601".
    check_timestamp("IntentRequest", timestamp, now)
    # Read as the instant it ends: its distance from now is still checked.
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", timestamp, now + timedelta(minutes=10))


@pytest.mark.parametrize(
    "timestamp",
    [
        "2016-12-31T23:59:61Z",
        "2016-12-31T23:60:00Z",
        "60",
        # A leap second is only ever 23:59:60 UTC: a :60 at any other minute was read as one.
        "2026-12-05T03:10:60Z",
        "2016-12-31T23:58:60Z",
        "2016-12-31T23:59:60+01:00",  # 22:59:60 UTC
        "2017-01-01T05:30:60+05:30",
        "2016-12-31T03:10:60",  # (no offset: the time as written)
        "0001-01-01T00:29:60+05:30",  # (before year 1 in UTC)
    ],
)
def test_only_a_leap_second_is_read_as_one(timestamp: str) -> None:
    with pytest.raises(TimestampError, match="not ISO 8601"):
        check_timestamp("IntentRequest", timestamp, datetime(2017, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-12-05T23:59:60Z",
        "2016-12-30T23:59:60Z",
        "2017-01-01T23:59:60Z",
        "2015-07-01T23:59:60Z",
        "2028-02-28T23:59:60Z",  # (2028 has a 29 February)
        "2026-12-06T05:29:60+05:30",  # 23:59:60 UTC on 5 December
        "2016-12-30T20:59:60-03:00",  # 23:59:60 UTC on 30 December
        "2016-12-05T23:59:60",  # (no offset: the time as written)
    ],
)
def test_a_leap_second_on_a_day_no_month_ends_is_refused(timestamp: str) -> None:
    # Leap seconds are only ever inserted at the end of a UTC month (in practice 30 June or 31
    # December): a 23:59:60 UTC on any other day was read as one, and accepted within 150 s of
    # the midnight after it. Judged at that very midnight, it is refused as no time at all.
    ends = datetime.fromisoformat(timestamp.replace(":60", ":59")) + timedelta(seconds=1)
    now = ends.astimezone(UTC) if ends.tzinfo is not None else ends.replace(tzinfo=UTC)
    with pytest.raises(TimestampError, match=_NOT_ISO_8601):
        check_timestamp("IntentRequest", timestamp, now)


@pytest.mark.parametrize(
    ("timestamp", "midnight"),
    [
        ("2015-06-30T23:59:60Z", datetime(2015, 7, 1, tzinfo=UTC)),
        ("2016-12-31T23:59:60Z", datetime(2017, 1, 1, tzinfo=UTC)),
        ("2026-04-30T23:59:60Z", datetime(2026, 5, 1, tzinfo=UTC)),
        ("2026-02-28T23:59:60Z", datetime(2026, 3, 1, tzinfo=UTC)),
        ("2028-02-29T23:59:60Z", datetime(2028, 3, 1, tzinfo=UTC)),
        ("2017-01-01T05:29:60+05:30", datetime(2017, 1, 1, tzinfo=UTC)),
        ("2015-06-30T20:59:60-03:00", datetime(2015, 7, 1, tzinfo=UTC)),
    ],
)
def test_a_leap_second_on_a_months_last_day_is_150_s_either_side_of_the_midnight_after_it(
    timestamp: str, midnight: datetime
) -> None:
    # Read as the instant it ends, the next month's first midnight UTC: the tolerance is counted
    # from there, neither a day off (the date rolls over) nor a crash (no datetime holds :60).
    _judged_from(timestamp, midnight)


@pytest.mark.parametrize(
    ("timestamp", "midnight"),
    [
        ("2026-12-05T24:00:00Z", datetime(2026, 12, 6, tzinfo=UTC)),
        ("2026-12-05T24:00Z", datetime(2026, 12, 6, tzinfo=UTC)),
        ("2026-12-05T24:00:00.000Z", datetime(2026, 12, 6, tzinfo=UTC)),
        ("2026-12-05t24:00:00z", datetime(2026, 12, 6, tzinfo=UTC)),
        ("20261205T240000Z", datetime(2026, 12, 6, tzinfo=UTC)),
        ("2026-12-31T24:00:00Z", datetime(2027, 1, 1, tzinfo=UTC)),
        ("2028-02-28T24:00:00Z", datetime(2028, 2, 29, tzinfo=UTC)),
        ("2026-12-06T24:00:00+05:30", datetime(2026, 12, 6, 18, 30, tzinfo=UTC)),
    ],
)
def test_24_00_is_the_midnight_that_ends_the_day(timestamp: str, midnight: datetime) -> None:
    # ISO 8601 (2004, and again since its 2022 amendment) writes the midnight that ends a day as
    # 24:00:00, which Python's fromisoformat reads from 3.14 on and 3.11 to 3.13 refuse ("hour
    # must be in 0..23"): it was refused as "not ISO 8601", and would have been read on 3.14.
    # Alexa writes 00:00:00 of the next day; read as that instant on every Python.
    assert read_timestamp(timestamp) == midnight
    _judged_from(timestamp, midnight)


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-12-05T24:00:01Z",
        "2026-12-05T24:01:00Z",
        "2026-12-05T24:00:00.001Z",
        "2026-12-05T24:00:00.0000001Z",  # (past a microsecond, which a datetime drops)
        "2026-12-05T24:00:00,5Z",
        "2026-12-05T24:00:60Z",
        "2026-12-05T25:00:00Z",
        "2026-02-30T24:00:00Z",  # (no 30 February to end)
        "2026-12-05T24:00:00xZ",
        "9999-12-31T24:00:01Z",  # (not read as 24:00 first: no "out of range" for it)
        "9999-12-31T23:59:60xZ",
    ],
)
def test_no_other_time_of_hour_24_is_read(timestamp: str) -> None:
    # No edition of ISO 8601 has a time past 24:00:00: "not ISO 8601" says it.
    with pytest.raises(TimestampError, match=_NOT_ISO_8601):
        read_timestamp(timestamp)


@pytest.mark.parametrize(
    "timestamp",
    [
        "9999-12-31T24:00:00Z",
        "9999-12-31T24:00Z",
        "99991231T240000Z",
        "9999-12-31t24:00:00.000z",
        "9999-12-31T24:00:00-01:00",  # (10000-01-01T01:00Z)
        "9999-12-31T23:59:60Z",
        "9999-12-31T20:59:60-03:00",  # (23:59:60 UTC)
        "0000-01-01T00:00:00Z",  # (year 0: ISO 8601's 1 BC)
        "0000-12-31T23:59:59+01:00",
        "0000-02-29T00:00:00Z",  # (year 0 is a leap year, as 400 is: year 1 is not)
        "0000-02-29T12:00:00+01:00",
    ],
)
def test_a_timestamp_past_the_years_a_datetime_holds_is_out_of_range(timestamp: str) -> None:
    # ISO 8601, but its instant (the midnight that ends 9999-12-31, the end of a leap second
    # then) or its year (0) is past what a datetime holds: refused as "not ISO 8601", untrue,
    # which sent the developer after its form. Never an OverflowError (a 500).
    assert _refused_alike(timestamp) == "timestamp: out of range (years 1 to 9999)"


@pytest.mark.parametrize(
    ("timestamp", "instant"),
    [
        # 24:00 of 9999-12-31 where it is an hour (or 1.5) before UTC's: it was "out of range".
        ("9999-12-31T24:00:00+01:00", datetime(9999, 12, 31, 23, tzinfo=UTC)),
        ("99991231T2400+0130", datetime(9999, 12, 31, 22, 30, tzinfo=UTC)),
        # Written in year 0, an instant of year 1 in UTC: it was "out of range".
        ("0000-12-31T23:59:59-01:00", datetime(1, 1, 1, 0, 59, 59, tzinfo=UTC)),
        ("0000-12-31T24:00:00Z", datetime(1, 1, 1, tzinfo=UTC)),
        # A leap second at 23:59:60 UTC on year 0's last day, read as the instant it ends, as
        # any other is: it was "not ISO 8601" (its reading in UTC overflowed), or "out of range".
        ("0001-01-01T05:29:60+05:30", datetime(1, 1, 1, tzinfo=UTC)),
        ("0000-12-31T23:59:60Z", datetime(1, 1, 1, tzinfo=UTC)),
    ],
)
def test_a_timestamp_written_past_the_years_at_an_instant_within_them_is_read(
    timestamp: str, instant: datetime
) -> None:
    # The instant it names is a datetime's: read as it, judged by its age (a reason that said
    # it was out of range, or no ISO 8601, was untrue).
    assert read_timestamp(timestamp) == instant
    check_timestamp("IntentRequest", timestamp, instant + timedelta(seconds=150))
    with pytest.raises(TimestampError, match=r"^timestamp: too old \(151 s before"):
        check_timestamp("IntentRequest", timestamp, instant + timedelta(seconds=151))


@pytest.mark.parametrize(
    "timestamp",
    [
        "0001-01-01T00:29:60+05:30",  # (18:59:60 UTC: no leap second)
        "0000-02-30T00:00:00Z",
        "0000-12-31T24:00:01Z",
        "9999-12-31T24:00:00xZ",
        "0000-12-31T23:59:60+01:00",  # (22:59:60 UTC)
    ],
)
def test_no_iso_8601_in_the_years_at_the_edges_is_not_iso_8601(timestamp: str) -> None:
    assert _refused_alike(timestamp) == "timestamp: not ISO 8601"


@pytest.mark.parametrize(
    ("timestamp", "said"),
    [
        ("0001-01-01T00:00:00Z", "too old"),
        ("0001-01-01T00:00:00+23:59", "too old"),
        ("0001-01-01T00:00:00-23:59", "too old"),
        ("0001-01-01T24:00:00Z", "too old"),
        ("0001-01-31T23:59:60Z", "too old"),
        ("9999-12-30T24:00:00Z", "in the future"),
        ("9999-12-31T23:59:59.999999Z", "in the future"),
        ("9999-12-31T23:59:59-23:59", "in the future"),
        ("9999-11-30T23:59:60Z", "in the future"),
    ],
)
def test_a_timestamp_in_the_first_or_last_year_is_judged_by_its_age(
    pki: TestPKI, timestamp: str, said: str
) -> None:
    # The first and last moments a datetime holds, with offsets that take them past its range
    # in UTC: read, and refused for how far they are from now, by both paths.
    with pytest.raises(TimestampError, match=rf"^timestamp: {said} \([\d,]+ days "):
        check_timestamp("LaunchRequest", timestamp, NOW)
    body = make_body(timestamp)
    verifier = pki.verifier(now=lambda: NOW)
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(TimestampError, match=rf"^timestamp: {said} \("):
            run(check(pki.sign(body), body))


@pytest.mark.parametrize(
    ("timestamp", "sent"),
    [
        ("2026-12-02t19:00:00z", datetime(2026, 12, 2, 19, 0, tzinfo=UTC)),
        ("2026-12-02T19:00:00z", datetime(2026, 12, 2, 19, 0, tzinfo=UTC)),
        ("2026-12-02t19:00:00.250z", datetime(2026, 12, 2, 19, 0, 0, 250000, tzinfo=UTC)),
        # (a digit before the z, and no digit before that: the z is still the offset)
        ("2026-12-02T19:00:00.5z", datetime(2026, 12, 2, 19, 0, 0, 500000, tzinfo=UTC)),
        ("2016-12-31t23:59:60z", datetime(2017, 1, 1, tzinfo=UTC)),  # a leap second, too
    ],
)
def test_a_timestamp_with_a_lower_case_t_or_z_is_the_same_instant(
    timestamp: str, sent: datetime
) -> None:
    # RFC 3339 (section 5.6, the profile of ISO 8601 Alexa's timestamps follow) allows "t" and
    # "z" in lower case: a lower-case z (fromisoformat takes a lower-case t) was refused as
    # "not ISO 8601". Read as the same instant, its distance from now still checked.
    _judged_from(timestamp, sent)


@pytest.mark.parametrize("timestamp", ["2026-12-02T19:00:00zz", "2026-12-02T19:00:00+00:00z", "z"])
def test_only_a_trailing_lower_case_z_is_read_as_utc(timestamp: str) -> None:
    with pytest.raises(TimestampError, match=_NOT_ISO_8601):
        check_timestamp("IntentRequest", timestamp, datetime(2026, 12, 2, 19, tzinfo=UTC))


def test_a_request_whose_timestamp_ends_in_a_lower_case_z_is_accepted(pki: TestPKI) -> None:
    body = make_body(stamp(NOW).lower())
    verifier = pki.verifier(now=lambda: NOW)
    run(verifier.verify(pki.sign(body), body))
    assert (
        run(verifier.verify_envelope(pki.sign(body), body)).request.timestamp == stamp(NOW).lower()
    )


@pytest.mark.parametrize(
    "tail",
    ["xZ", " Z", "\tZ", "x+00:00", " +00:00", "xz", "Z\x00", "Z\x00junk", "\x00Z"],
    ids=repr,
)
def test_a_timestamp_with_junk_python_would_pass_over_is_not_iso_8601(
    pki: TestPKI, tail: str
) -> None:
    # Python 3.11's fromisoformat reads "…:19xZ" as "…:19Z" and stops at a NUL: such a
    # timestamp, no ISO 8601, was accepted. (A space between date and time still is: RFC 3339.)
    _not_iso_8601_to_either(pki, NOW.strftime("%Y-%m-%dT%H:%M:%S") + tail)
    check_timestamp("IntentRequest", NOW.strftime("%Y-%m-%d %H:%M:%S+00:00"), NOW)


def _dates_then(separator: str) -> list[str]:
    """`NOW` as a calendar date, a basic-format one and a week date, then ``separator`` and the
    time, in UTC."""
    year, week, day = NOW.isocalendar()
    time = NOW.strftime("%H:%M:%SZ")
    return [
        NOW.strftime("%Y-%m-%d") + separator + time,
        NOW.strftime("%Y%m%d") + separator + NOW.strftime("%H%M%SZ"),
        f"{year}-W{week:02}-{day}{separator}{time}",
        f"{year}W{week:02}{day}{separator}{time}",
    ]


@pytest.mark.parametrize("separator", ["x", "X", "5", "_", "/", "-", ":", "W"], ids=repr)
def test_a_timestamp_with_another_separator_than_t_or_a_space_is_not_iso_8601(
    pki: TestPKI, separator: str
) -> None:
    # Python 3.11's fromisoformat takes any one character between the date and the time
    # ("2026-12-05x03:10:00Z", even a digit): neither ISO 8601 (a T) nor RFC 3339 (a T, a t or,
    # as its note allows, a space) writes one. Such a timestamp was read as if it were a T.
    for sent in _dates_then(separator):
        _not_iso_8601_to_either(pki, sent)
    for separator in ("T", "t", " "):
        for sent in _dates_then(separator):
            check_timestamp("IntentRequest", sent, NOW)


@pytest.mark.parametrize("offset", ["+00:00:00", "+00:00:00.5", "-00:00:00.000001", "+0000.5"])
def test_a_utc_offset_with_seconds_is_not_iso_8601(pki: TestPKI, offset: str) -> None:
    # ISO 8601 and RFC 3339 write an offset in hours and minutes; Python 3.11's fromisoformat
    # also takes seconds and a fraction (``+00:00:00.5``): such a timestamp was read.
    _not_iso_8601_to_either(pki, NOW.strftime("%Y-%m-%dT%H:%M:%S") + offset)
    for offset in ("+00:00", "-00:00", "+0000", "+00"):
        check_timestamp("IntentRequest", NOW.strftime("%Y-%m-%dT%H:%M:%S.5") + offset, NOW)


@pytest.mark.parametrize(
    "layout",
    [
        "%Y-%m-%dT%H:%M:%S9Z",  # the 9 passed over
        "%Y-%m-%dT%H:%M:%S9-00:00",
        "%Y-%m-%dT%H:%M:%S90Z",
        "%Y-%m-%dT%H:%M6Z",  # read as %H:%M:00
        "%Y%m%dT%H%M9Z",  # read as %H%M
        "%Y%m%dT%H%M%S9Z",  # the 9 passed over too
        "%Y%m%dT%H%M%S123Z",  # read as %H%M%S.123, a fraction without its full stop
    ],
)
def test_a_time_with_a_digit_too_many_is_not_iso_8601(pki: TestPKI, layout: str) -> None:
    # ISO 8601 writes hours, minutes and seconds with two digits each (then a fraction);
    # Python 3.11's fromisoformat passed over a digit too many, or read it as a fraction.
    _not_iso_8601_to_either(pki, NOW.strftime(layout))
    for good in ("%Y-%m-%dT%H:%M:%SZ", "%Y%m%dT%H%M%SZ", "%Y-%m-%dT%H:%M:%S,5Z", "%Y%m%dT%H%MZ"):
        check_timestamp("IntentRequest", NOW.strftime(good), NOW)


@pytest.mark.parametrize("offset", ["+00:60", "-00:60", "+00:99", "-0099", "+05:75", "+0060"])
def test_a_utc_offset_of_60_minutes_or_more_is_not_iso_8601(pki: TestPKI, offset: str) -> None:
    # An offset's minutes run from 00 to 59 (ISO 8601; RFC 3339's time-minute); Python 3.11's
    # fromisoformat carried the rest over into the hours: "+00:99" was read as +01:39.
    _not_iso_8601_to_either(pki, NOW.strftime("%Y-%m-%dT%H:%M:%S") + offset)
    for hours, minutes, offset in ((0, 59, "+00:59"), (-23, -59, "-23:59"), (23, 59, "+2359")):
        local = NOW.astimezone(timezone(timedelta(hours=hours, minutes=minutes)))
        check_timestamp("IntentRequest", local.strftime("%Y-%m-%dT%H:%M:%S") + offset, NOW)


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("2026-12-03T10:51:13Z", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026-12-03t10:51:13z", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026-12-03T10:51:13.123Z", datetime(2026, 12, 3, 10, 51, 13, 123000, tzinfo=UTC)),
        ("2026-12-03T10:51:13,5Z", datetime(2026, 12, 3, 10, 51, 13, 500000, tzinfo=UTC)),
        ("2026-12-03T05:51:13-05:00", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026-12-03T16:21:13.5+0530", datetime(2026, 12, 3, 10, 51, 13, 500000, tzinfo=UTC)),
        ("2026-12-03T15:51:13+05", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("20261203T105113Z", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026-W49-4T10:51:13Z", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026W494T105113Z", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        # Reduced precision (no seconds, or no minutes): the start of the minute or hour.
        ("2026-12-03T10:51Z", datetime(2026, 12, 3, 10, 51, tzinfo=UTC)),
        ("2026-12-03T10Z", datetime(2026, 12, 3, 10, tzinfo=UTC)),
        ("2026-12-31T23:59:60Z", datetime(2027, 1, 1, tzinfo=UTC)),
        ("2026-12-03 10:51:13Z", datetime(2026, 12, 3, 10, 51, 13, tzinfo=UTC)),
        ("2026-12-03", datetime(2026, 12, 3)),  # (naive: the verifier refuses it for that)
        ("2026-W49-4", datetime(2026, 12, 3)),
    ],
)
def test_valid_iso_8601_timestamps_are_not_taken_for_junk(sent: str, read: datetime) -> None:
    # The junk check (`timestamps._junk`) passes over every form a client may write: offsets
    # behind UTC, fractions (with a comma too), lower case, basic and week dates, a date alone.
    assert read_timestamp(sent) == read


@pytest.mark.parametrize(
    "timestamp", ["2026-339T10:00:00Z", "2026339T100000Z", "2026-339"], ids=["ext", "basic", "date"]
)
def test_an_ordinal_date_is_refused_saying_what_is_read(timestamp: str) -> None:
    # An ordinal date is ISO 8601 (a year's day 339): "not ISO 8601" was untrue, and did not
    # say what to send. The reason names the form refused and one that is read.
    assert _refused_alike(timestamp) == (
        "timestamp: ordinal date (YYYY-DDD) not read; send a calendar date, as Alexa does "
        "(2026-12-05T10:00:00Z)"
    )
