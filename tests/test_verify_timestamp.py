"""The timestamp (alexaskill/verify/timestamp.py): 150 seconds either way, an hour for skill
events, the forms ISO 8601 takes, what a refusal says, and the time a request is judged at."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from alexaskill.exceptions import RequestError, TimestampError
from alexaskill.testing import TestPKI
from alexaskill.timestamps import read_timestamp
from alexaskill.verify import Verifier, check_timestamp

from .verify_shared import BODY, NOW, UNUSABLE_TIMESTAMP_BODIES, make_body, run, stamp, verify_body


@pytest.mark.parametrize("seconds", [-150, -149, 0, 149, 150])
def test_timestamp_within_150_seconds(seconds: int) -> None:
    check_timestamp("IntentRequest", stamp(NOW + timedelta(seconds=seconds)), NOW)


@pytest.mark.parametrize(("seconds", "reason"), [(-151, "too old"), (151, "in the future")])
def test_timestamp_beyond_150_seconds(seconds: int, reason: str) -> None:
    with pytest.raises(TimestampError, match=reason):
        check_timestamp("IntentRequest", stamp(NOW + timedelta(seconds=seconds)), NOW)


@pytest.mark.parametrize(
    "request_type",
    [
        "AlexaSkillEvent.SkillEnabled",
        "AlexaSkillEvent.SkillDisabled",
        "AlexaSkillEvent.SkillPermissionAccepted",
        "AlexaSkillEvent.SkillPermissionChanged",
        "AlexaSkillEvent.SkillAccountLinked",
    ],
)
def test_skill_events_may_be_an_hour_old(request_type: str) -> None:
    check_timestamp(request_type, stamp(NOW - timedelta(seconds=3600)), NOW)
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp(request_type, stamp(NOW - timedelta(seconds=3601)), NOW)
    with pytest.raises(TimestampError, match="in the future"):
        check_timestamp(request_type, stamp(NOW + timedelta(seconds=151)), NOW)


@pytest.mark.parametrize(
    "request_type",
    ["IntentRequest", "AlexaSkillEvent.Unknown", "AlexaHouseholdListEvent.ItemsCreated"],
)
def test_other_requests_do_not_get_an_hour(request_type: str) -> None:
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp(request_type, stamp(NOW - timedelta(seconds=3600)), NOW)


def test_timestamp_formats() -> None:
    check_timestamp("LaunchRequest", NOW.strftime("%Y-%m-%dT%H:%M:%S.123Z"), NOW)
    check_timestamp("LaunchRequest", NOW.strftime("%Y-%m-%dT%H:%M:%S.1234567Z"), NOW)
    check_timestamp("LaunchRequest", NOW.strftime("%Y-%m-%dT%H:%M:%S+00:00"), NOW)
    in_zurich = NOW.astimezone(timezone(timedelta(hours=2))).isoformat()
    check_timestamp("LaunchRequest", in_zurich, NOW)
    # The same wall-clock digits in another zone are hours away.
    with pytest.raises(TimestampError):
        check_timestamp("LaunchRequest", NOW.strftime("%Y-%m-%dT%H:%M:%S+02:00"), NOW)


@pytest.mark.parametrize(
    "timestamp",
    [
        "",
        "yesterday",
        "2019-13-45T00:00:00Z",
        "2019-07-15T22:44:23",  # no offset: not a point in time
        "2019-07-15",
        "1563230663",
        "9999-12-31T23:59:59-23:59",
        "0001-01-01T00:00:00+23:59",
        # An ordinal date (ISO 8601 too, but Python's reading has none, and neither has Alexa's
        # form): refused, not misread.
        "2026-337T10:51:13Z",
        "2026337T105113Z",
    ],
)
def test_unparseable_timestamp(timestamp: str) -> None:
    with pytest.raises(TimestampError, match=r"^timestamp: "):
        check_timestamp("IntentRequest", timestamp, NOW)


def test_timestamp_parse_kept_for_the_next_request_never_its_verdict() -> None:
    # The last timestamp's parse is kept (requests of one second share it): the age is checked
    # again for every request, against its own clock and type, and another string is parsed.
    sent = stamp(NOW)
    check_timestamp("IntentRequest", sent, NOW)
    check_timestamp("IntentRequest", sent, NOW + timedelta(seconds=150))
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", sent, NOW + timedelta(seconds=151))
    with pytest.raises(TimestampError, match="in the future"):
        check_timestamp("IntentRequest", sent, NOW - timedelta(seconds=151))
    check_timestamp("AlexaSkillEvent.SkillEnabled", sent, NOW + timedelta(seconds=3600))
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", sent, NOW + timedelta(seconds=3600))
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", stamp(NOW - timedelta(seconds=151)), NOW)
    check_timestamp("IntentRequest", sent, NOW)
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", stamp(NOW - timedelta(seconds=151)), NOW)
    # The same instant written with another offset is another string, parsed for itself.
    with pytest.raises(TimestampError, match="no UTC offset"):
        check_timestamp("IntentRequest", sent.replace("Z", ""), NOW)
    check_timestamp("IntentRequest", sent, NOW, tolerance=0)
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", sent, NOW + timedelta(seconds=1), tolerance=0)


def test_verifier_refuses_an_old_request_after_a_fresh_one(pki: TestPKI) -> None:
    fresh = make_body(stamp(NOW))
    old = make_body(stamp(NOW - timedelta(seconds=151)))
    verifier = pki.verifier(now=lambda: NOW)
    for _ in range(2):
        run(verifier.verify_envelope(pki.sign(fresh), fresh))
        with pytest.raises(TimestampError, match="too old"):
            run(verifier.verify_envelope(pki.sign(old), old))


def test_verify_checks_the_body_timestamp(pki: TestPKI) -> None:
    verify_body(pki, make_body(stamp(NOW - timedelta(seconds=150))))
    with pytest.raises(TimestampError, match="too old"):
        verify_body(pki, make_body(stamp(NOW - timedelta(seconds=151))))
    with pytest.raises(TimestampError, match="in the future"):
        verify_body(pki, make_body(stamp(NOW + timedelta(seconds=151))))
    event = make_body(stamp(NOW - timedelta(minutes=59)), "AlexaSkillEvent.SkillDisabled")
    verify_body(pki, event)


@pytest.mark.parametrize("body", UNUSABLE_TIMESTAMP_BODIES)
def test_missing_or_unusable_timestamp_in_body(pki: TestPKI, body: bytes) -> None:
    with pytest.raises(TimestampError, match=r"^timestamp: "):
        verify_body(pki, body)


def test_tolerance_is_capped_at_150_seconds(pki: TestPKI, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        verifier = pki.verifier(now=lambda: NOW, timestamp_tolerance=3600)
    assert verifier.timestamp_tolerance == 150
    # The cap, and (a line of its own) the test PKI's root and clock this verifier trusts.
    assert [r.levelno for r in caplog.records] == [logging.WARNING] * 2
    capped, trust = (r.getMessage() for r in caplog.records)
    assert "capped" in capped and trust.startswith("Verifier(trusted_roots=...)")
    body = make_body(stamp(NOW - timedelta(seconds=300)))
    with pytest.raises(TimestampError, match="too old"):
        run(verifier.verify(pki.sign(body), body))
    with pytest.raises(TimestampError):
        check_timestamp("IntentRequest", stamp(NOW - timedelta(seconds=300)), NOW, 1000)


def test_smaller_tolerance_is_honoured(pki: TestPKI) -> None:
    body = make_body(stamp(NOW - timedelta(seconds=11)))
    verify_body(pki, body, timestamp_tolerance=11)
    with pytest.raises(TimestampError):
        verify_body(pki, body, timestamp_tolerance=10)


# --- what is read as ISO 8601 -------------------------------------------------------------------


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
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
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
    check_timestamp("IntentRequest", timestamp, midnight + timedelta(seconds=150))
    check_timestamp("IntentRequest", timestamp, midnight - timedelta(seconds=150))
    with pytest.raises(TimestampError, match=r"^timestamp: too old \(151 s before"):
        check_timestamp("IntentRequest", timestamp, midnight + timedelta(seconds=151))
    with pytest.raises(TimestampError, match=r"^timestamp: in the future \(151 s after"):
        check_timestamp("IntentRequest", timestamp, midnight - timedelta(seconds=151))


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
    check_timestamp("IntentRequest", timestamp, midnight + timedelta(seconds=150))
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", timestamp, midnight + timedelta(seconds=151))
    with pytest.raises(TimestampError, match="in the future"):
        check_timestamp("IntentRequest", timestamp, midnight - timedelta(seconds=151))


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
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        read_timestamp(timestamp)


@pytest.mark.parametrize(
    "timestamp",
    [
        "9999-12-31T24:00:00Z",
        "9999-12-31T24:00Z",
        "99991231T240000Z",
        "9999-12-31t24:00:00.000z",
        "9999-12-31T24:00:00+01:00",  # (10000-01-01 where it was written)
        "9999-12-31T23:59:60Z",
        "9999-12-31T20:59:60-03:00",  # (23:59:60 UTC)
        "0000-01-01T00:00:00Z",  # (year 0: ISO 8601's 1 BC)
        "0000-12-31T23:59:59+01:00",
    ],
)
def test_a_timestamp_past_the_years_a_datetime_holds_is_out_of_range(timestamp: str) -> None:
    # ISO 8601, but its instant (the midnight that ends 9999-12-31, the end of a leap second
    # then) or its year (0) is past what a datetime holds: refused as "not ISO 8601", untrue,
    # which sent the developer after its form. Never an OverflowError (a 500).
    reason = "timestamp: out of range (years 1 to 9999)"
    with pytest.raises(TimestampError) as info:
        read_timestamp(timestamp)
    assert str(info.value) == reason
    with pytest.raises(TimestampError) as checked:
        check_timestamp("LaunchRequest", timestamp, NOW)
    assert str(checked.value) == reason


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
    with pytest.raises(TimestampError, match=rf"^timestamp: {said} \(\d+ days "):
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
    check_timestamp("IntentRequest", timestamp, sent + timedelta(seconds=150))
    check_timestamp("IntentRequest", timestamp, sent - timedelta(seconds=150))
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp("IntentRequest", timestamp, sent + timedelta(seconds=151))
    with pytest.raises(TimestampError, match="in the future"):
        check_timestamp("IntentRequest", timestamp, sent - timedelta(seconds=151))


@pytest.mark.parametrize("timestamp", ["2026-12-02T19:00:00zz", "2026-12-02T19:00:00+00:00z", "z"])
def test_only_a_trailing_lower_case_z_is_read_as_utc(timestamp: str) -> None:
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
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
    sent = NOW.strftime("%Y-%m-%dT%H:%M:%S") + tail
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        check_timestamp("IntentRequest", sent, NOW)
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        verify_body(pki, make_body(sent))
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
        with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
            check_timestamp("IntentRequest", sent, NOW)
        with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
            verify_body(pki, make_body(sent))
    for separator in ("T", "t", " "):
        for sent in _dates_then(separator):
            check_timestamp("IntentRequest", sent, NOW)


@pytest.mark.parametrize("offset", ["+00:00:00", "+00:00:00.5", "-00:00:00.000001", "+0000.5"])
def test_a_utc_offset_with_seconds_is_not_iso_8601(pki: TestPKI, offset: str) -> None:
    # ISO 8601 and RFC 3339 write an offset in hours and minutes; Python 3.11's fromisoformat
    # also takes seconds and a fraction (``+00:00:00.5``): such a timestamp was read.
    sent = NOW.strftime("%Y-%m-%dT%H:%M:%S") + offset
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        check_timestamp("IntentRequest", sent, NOW)
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        verify_body(pki, make_body(sent))
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
    sent = NOW.strftime(layout)
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        check_timestamp("IntentRequest", sent, NOW)
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        verify_body(pki, make_body(sent))
    for good in ("%Y-%m-%dT%H:%M:%SZ", "%Y%m%dT%H%M%SZ", "%Y-%m-%dT%H:%M:%S,5Z", "%Y%m%dT%H%MZ"):
        check_timestamp("IntentRequest", NOW.strftime(good), NOW)


@pytest.mark.parametrize("offset", ["+00:60", "-00:60", "+00:99", "-0099", "+05:75", "+0060"])
def test_a_utc_offset_of_60_minutes_or_more_is_not_iso_8601(pki: TestPKI, offset: str) -> None:
    # An offset's minutes run from 00 to 59 (ISO 8601; RFC 3339's time-minute); Python 3.11's
    # fromisoformat carried the rest over into the hours: "+00:99" was read as +01:39.
    sent = NOW.strftime("%Y-%m-%dT%H:%M:%S") + offset
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        check_timestamp("IntentRequest", sent, NOW)
    with pytest.raises(TimestampError, match=r"^timestamp: not ISO 8601$"):
        verify_body(pki, make_body(sent))
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
    from alexaskill.timestamps import read_timestamp

    assert read_timestamp(sent) == read


# --- what a refusal says ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("request_type", "seconds", "said"),
    [
        ("IntentRequest", -151, "too old (151 s before"),
        ("IntentRequest", -150.2, "too old (151 s before"),
        ("IntentRequest", 400, "in the future (7 min after"),
        ("IntentRequest", -7200, "too old (120 min before"),
        ("IntentRequest", -86400 * 3, "too old (3 days before"),
        ("AlexaSkillEvent.SkillEnabled", -3601, "too old (61 min before"),
    ],
)
def test_a_stale_or_early_timestamp_says_by_how_much(
    request_type: str, seconds: float, said: str
) -> None:
    # "too old" alone left a developer whose clock was off guessing at replays.
    with pytest.raises(TimestampError) as info:
        check_timestamp(request_type, (NOW + timedelta(seconds=seconds)).isoformat(), NOW)
    allowed = "60 min" if request_type.startswith("AlexaSkillEvent.") and seconds < 0 else "150 s"
    assert str(info.value) == f"timestamp: {said} this server's clock; {allowed} allowed)"


@pytest.mark.parametrize("number", ["1e300", "-1e300", "100000000000000000000"])
def test_a_numeric_timestamp_out_of_range_has_one_reason(pki: TestPKI, number: str) -> None:
    # verify() said "timestamp: out of range", verify_envelope() msgspec's "Expected `str`, got
    # `float`", as if a number were never allowed (the developer console sent epoch ms).
    body = BODY.replace(f'"{stamp(NOW)}"'.encode(), number.encode())
    verifier = pki.verifier(now=lambda: NOW)
    reason = "a number, but no date in epoch milliseconds"
    with pytest.raises(TimestampError) as info:
        run(verifier.verify(pki.sign(body), body))
    assert str(info.value) == f"timestamp: {reason}"
    with pytest.raises(RequestError) as envelope_info:
        run(verifier.verify_envelope(pki.sign(body), body))
    assert str(envelope_info.value) == f"malformed request: request.timestamp: {reason}"


@pytest.mark.parametrize("now", [NOW.replace(tzinfo=None), "2017-06-01T12:00:00Z"])
def test_a_timestamp_check_given_a_naive_now_says_what_it_takes(pki: TestPKI, now: Any) -> None:
    # "can't subtract offset-naive and offset-aware datetimes" named neither argument.
    match = r"^the timestamp check's now must be an aware datetime \(datetime\.now\(UTC\)\)"
    with pytest.raises(TypeError, match=match):
        check_timestamp("IntentRequest", stamp(NOW), now)
    with pytest.raises(TypeError, match=match):
        pki.verifier(now=lambda: NOW).check_request_timestamp("IntentRequest", stamp(NOW), now)


@pytest.mark.parametrize("timestamp", [NOW, b"2026-12-02T19:00:00Z", None, 1_700_000_000_000])
def test_a_timestamp_check_given_no_str_says_what_it_takes(pki: TestPKI, timestamp: Any) -> None:
    # A datetime (or bytes, None, a number) was refused as "timestamp: not ISO 8601", as if the
    # request had sent a bad date: it is the caller's mistake (a request's timestamp reaches
    # the check as a str, epoch milliseconds converted), told as such.
    reason = (
        "the timestamp check takes request.timestamp as its ISO 8601 str, not "
        f"{type(timestamp).__name__}"
    )
    with pytest.raises(TypeError) as info:
        check_timestamp("IntentRequest", timestamp, NOW)
    assert str(info.value) == reason
    assert not isinstance(info.value, TimestampError)
    if timestamp is not None:  # (None is "timestamp: missing" there, as "" is)
        with pytest.raises(TypeError, match=re.escape(reason)):
            pki.verifier(now=lambda: NOW).check_request_timestamp("IntentRequest", timestamp, NOW)


@pytest.mark.parametrize("seconds", ["now", "now as float", "1000000000", "9999999999.9"])
def test_a_timestamp_in_epoch_seconds_is_refused_saying_it_looks_like_seconds(
    pki: TestPKI, seconds: str
) -> None:
    # Read as milliseconds (as the developer console sent it), it is January 1970: refused as
    # "20772 days before this server's clock", which did not say what was wrong.
    number = {"now": str(int(NOW.timestamp())), "now as float": repr(NOW.timestamp())}
    body = BODY.replace(f'"{stamp(NOW)}"'.encode(), number.get(seconds, seconds).encode())
    verifier = pki.verifier(now=lambda: NOW)
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(TimestampError) as info:
            run(check(pki.sign(body), body))
        message = str(info.value)
        assert message.startswith("timestamp: too old (")
        assert message.endswith("; 150 s allowed; epoch seconds? a number is read as milliseconds)")


@pytest.mark.parametrize("milliseconds", [999_999_999, 10_000_000_000, 1_500_000_000_000])
def test_a_stale_timestamp_not_like_epoch_seconds_gets_no_such_hint(
    pki: TestPKI, milliseconds: int
) -> None:
    body = BODY.replace(f'"{stamp(NOW)}"'.encode(), str(milliseconds).encode())
    with pytest.raises(TimestampError, match=r"^timestamp: too old \(.* allowed\)$"):
        verify_body(pki, body)


# --- the time a request is judged at, and a check of one's own ----------------------------------


class _RefusingTimestamps(Verifier):
    """A verifier whose own timestamp check refuses everything."""

    def check_request_timestamp(self, request_type: str, timestamp: str, now: datetime) -> None:
        raise TimestampError(f"timestamp: refused by the subclass ({request_type} {timestamp})")


def test_verify_applies_an_overridden_timestamp_check_as_verify_envelope_does(
    pki: TestPKI,
) -> None:
    # verify() checked the timestamp with the module's own function, so a subclass overriding
    # check_request_timestamp was honoured by verify_envelope (the app) but not by verify (a
    # server of one's own): a request it refuses passed.
    verifier = _RefusingTimestamps(
        trusted_roots=[pki.root], fetch_chain=pki.fetch_chain, now=lambda: NOW
    )
    reason = f"timestamp: refused by the subclass (IntentRequest {stamp(NOW)})"
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(TimestampError) as info:
            run(check(pki.sign(BODY), BODY))
        assert str(info.value) == reason
    # A numeric timestamp reaches the override as ISO 8601, as it does from verify_envelope.
    body = BODY.replace(f'"{stamp(NOW)}"'.encode(), str(int(NOW.timestamp() * 1000)).encode())
    for check in (verifier.verify, verifier.verify_envelope):
        with pytest.raises(TimestampError) as info:
            run(check(pki.sign(body), body))
        iso = NOW.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        assert str(info.value) == f"timestamp: refused by the subclass (IntentRequest {iso})"


@pytest.mark.parametrize("method", ["verify", "verify_envelope"])
def test_the_timestamp_is_judged_at_the_end_of_a_slow_download(pki: TestPKI, method: str) -> None:
    # A request 100 s old when it came, whose chain took 100 s (a long download_timeout) to
    # come: 200 s old when judged, past the 150 s. It was judged at the clock read before the
    # download, and accepted.
    moment = [NOW]

    async def slow_fetch(url: str) -> bytes:
        moment[0] += timedelta(seconds=100)
        return pki.chain_pem

    verifier = pki.verifier(fetch_chain=slow_fetch, now=lambda: moment[0])
    body = make_body(stamp(NOW - timedelta(seconds=100)))
    with pytest.raises(TimestampError, match="too old"):
        run(getattr(verifier, method)(pki.sign(body), body))
    # The chain is cached now: a request 100 s old, with no download, passes.
    moment[0] = NOW + timedelta(seconds=300)
    body = make_body(stamp(moment[0] - timedelta(seconds=100)))
    run(getattr(verifier, method)(pki.sign(body), body))


@pytest.mark.parametrize("method", ["verify", "verify_envelope"])
def test_a_subclass_chain_taking_its_time_has_the_timestamp_judged_at_its_end(
    pki: TestPKI, method: str
) -> None:
    # A subclass's chain() (asked on every request) that took 100 s, for a request 100 s old
    # when it came: 200 s old when judged, past the 150 s. The change that judges the timestamp
    # after a download covers this path too; no test held it there.
    moment = [NOW]

    class Slow(Verifier):
        async def chain(self, url: str) -> Any:
            chain = await super().chain(url)
            moment[0] += timedelta(seconds=100)
            return chain

    verifier = Slow([pki.root], fetch_chain=pki.fetch_chain, now=lambda: moment[0])
    body = make_body(stamp(NOW - timedelta(seconds=100)))
    with pytest.raises(TimestampError, match="too old"):
        run(getattr(verifier, method)(pki.sign(body), body))


# --- pinned by the mutation test of timestamp.py -------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        make_body(None),
        b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": null}}',
        b'{"version": "1.0", "request": {"type": "LaunchRequest", "timestamp": ""}}',
    ],
)
def test_a_body_with_no_timestamp_is_refused_as_missing(pki: TestPKI, body: bytes) -> None:
    # Without its own check each was still refused, but as "a number, but no date" or "not ISO
    # 8601": a reason that sends the developer after a timestamp the request never sent.
    with pytest.raises(TimestampError) as info:
        verify_body(pki, body)
    assert str(info.value) == "timestamp: missing"


@pytest.mark.parametrize("tolerance", [-0.5, -1, float("nan")])
def test_check_timestamp_refuses_a_tolerance_below_zero_as_the_verifier_does(
    tolerance: float,
) -> None:
    # Called directly (it is public), a negative tolerance refused every request as "too old".
    with pytest.raises(ValueError, match="timestamp_tolerance must be a number of seconds >= 0"):
        check_timestamp("IntentRequest", stamp(NOW), NOW, tolerance)


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        (299, "299 s"),
        (300, "5 min"),
        (3 * 3600 - 1, "180 min"),
        (3 * 3600, "3 h"),
        (4 * 3600, "4 h"),
        (4 * 3600 + 1, "5 h"),
        (3 * 86400 - 1, "72 h"),
        (3 * 86400, "3 days"),
        (4 * 86400, "4 days"),
        (4 * 86400 + 1, "5 days"),
    ],
)
def test_how_far_off_is_said_in_the_unit_of_its_size_rounded_up(seconds: int, said: str) -> None:
    # Each unit's first and last distance, and a whole number of it and one second more.
    with pytest.raises(TimestampError) as info:
        check_timestamp("IntentRequest", stamp(NOW - timedelta(seconds=seconds)), NOW)
    assert str(info.value).startswith(f"timestamp: too old ({said} before this server's clock;")


@pytest.mark.parametrize("twice", ["timestamp", "request"])
def test_verify_reads_a_timestamp_sent_twice_as_json_reads_it_the_last(
    pki: TestPKI, twice: str
) -> None:
    # A server of one's own calls verify() and then decodes the body itself (json.loads: the
    # last of two equal names counts): the timestamp judged must be the one it will read.
    old, fresh = "1999-01-01T00:00:00Z", stamp(NOW)

    def body(first: str, last: str) -> bytes:
        if twice == "timestamp":
            request = f'{{"type": "LaunchRequest", "timestamp": "{first}", "timestamp": "{last}"}}'
            return f'{{"version": "1.0", "request": {request}}}'.encode()
        one, two = (f'{{"type": "LaunchRequest", "timestamp": "{t}"}}' for t in (first, last))
        return f'{{"version": "1.0", "request": {one}, "request": {two}}}'.encode()

    verify_body(pki, body(old, fresh))
    with pytest.raises(TimestampError, match=r"^timestamp: too old"):
        verify_body(pki, body(fresh, old))


@pytest.mark.parametrize(
    "timestamp", ["2026-339T10:00:00Z", "2026339T100000Z", "2026-339"], ids=["ext", "basic", "date"]
)
def test_an_ordinal_date_is_refused_saying_what_is_read(timestamp: str) -> None:
    # An ordinal date is ISO 8601 (a year's day 339): "not ISO 8601" was untrue, and did not
    # say what to send. The reason names the form refused and one that is read.
    with pytest.raises(TimestampError) as info:
        read_timestamp(timestamp)
    with pytest.raises(TimestampError) as checked:
        check_timestamp("LaunchRequest", timestamp, NOW)
    assert str(checked.value) == str(info.value)
    assert str(info.value) == (
        "timestamp: ordinal date (YYYY-DDD) not read; send a calendar date, as Alexa does "
        "(2026-12-05T10:00:00Z)"
    )
