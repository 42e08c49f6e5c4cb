"""The timestamp (alexaskill/verify/timestamp.py): 150 seconds either way, an hour for skill
events, what a refusal says, and the time a request is judged at. The forms ISO 8601 takes, and
what is read as one: tests/test_verify_timestamp_iso.py."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from alexaskill.exceptions import RequestError, TimestampError
from alexaskill.testing import TestPKI
from alexaskill.verify import Verifier, check_timestamp

from .fresh_python import run_fresh
from .verify_shared import BODY, NOW, UNUSABLE_TIMESTAMP_BODIES, make_body, run, stamp, verify_body

pytestmark = pytest.mark.oldest_dependencies


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
        # Skill events too, delivered as the five are: they were refused past 150 s.
        "AlexaSkillEvent.ProactiveSubscriptionChanged",
        "AlexaSkillEvent.NotificationSubscriptionChanged",
    ],
)
def test_skill_events_may_be_an_hour_old(request_type: str) -> None:
    check_timestamp(request_type, stamp(NOW - timedelta(seconds=3600)), NOW)
    with pytest.raises(TimestampError, match="too old"):
        check_timestamp(request_type, stamp(NOW - timedelta(seconds=3601)), NOW)
    with pytest.raises(TimestampError, match="in the future"):
        check_timestamp(request_type, stamp(NOW + timedelta(seconds=151)), NOW)


def test_every_skill_event_known_is_typed_sampled_outside_a_session_and_an_hour_taken() -> None:
    # AlexaSkillEvent.NotificationSubscriptionChanged was taken an hour old and sampled, but
    # decoded as a GenericRequest (its body in `raw`), where ProactiveSubscriptionChanged, whose
    # ask-sdk-model class has the same one field, a body of subscriptions, is a typed
    # AlexaSkillEventRequest (`body`).
    from alexaskill.models import AlexaSkillEventRequest, decode_envelope
    from alexaskill.request_types import SENT
    from alexaskill.testing import RequestFactory
    from alexaskill.verify.timestamp import _SKILL_EVENTS

    known = {name for name in SENT if name.startswith("AlexaSkillEvent.")}
    assert len(known) == 7 and known == _SKILL_EVENTS
    assert set(AlexaSkillEventRequest.types) == known
    factory = RequestFactory()
    for name in sorted(known):
        sample = factory.envelope(name)
        assert "session" not in sample, name  # (delivered outside any session)
        request = decode_envelope(json.dumps(sample)).request
        assert type(request) is AlexaSkillEventRequest, name
        if name.endswith("SubscriptionChanged"):
            assert request.body is not None and request.body["subscriptions"], name


def test_the_hour_goes_to_the_skill_events_the_model_types() -> None:
    # The list was kept by hand beside AlexaSkillEventRequest.types: a skill event typed there
    # and not added here was refused past 150 s. A Python of its own, where the model gets a
    # skill event more before the timestamp check is imported.
    said = run_fresh(
        """
import json
from datetime import UTC, datetime, timedelta
from alexaskill.models import AlexaSkillEventRequest
AlexaSkillEventRequest.types = (*AlexaSkillEventRequest.types, "AlexaSkillEvent.Later")
from alexaskill.verify import check_timestamp
now = datetime.now(UTC)
check_timestamp("AlexaSkillEvent.Later", (now - timedelta(minutes=30)).isoformat(), now)
print(json.dumps({"taken": True}))
"""
    )
    assert said == {"taken": True}


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


def test_a_tolerance_past_a_floats_range_is_capped_too_and_said_cut(
    pki: TestPKI, caplog: pytest.LogCaptureFixture
) -> None:
    # float() of it raised OverflowError, and the warning's %s of it logging's own error.
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        verifier = pki.verifier(now=lambda: NOW, timestamp_tolerance=10**5_000)
    assert verifier.timestamp_tolerance == 150
    capped = caplog.records[0].getMessage()
    assert "exceeds Amazon's limit: capped at 150 seconds" in capped
    assert len(capped) < 300, capped[:300]


def test_tolerance_is_capped_at_150_seconds(pki: TestPKI, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="alexaskill"):
        verifier = pki.verifier(now=lambda: NOW, timestamp_tolerance=3600)
    assert verifier.timestamp_tolerance == 150
    # The cap, and (a line of its own) the test PKI's root and clock this verifier trusts.
    assert [r.levelno for r in caplog.records] == [logging.WARNING] * 2
    capped, trust = (r.getMessage() for r in caplog.records)
    # (the cap, a float, was said "150.0 seconds")
    assert capped == "timestamp_tolerance=3600 exceeds Amazon's limit: capped at 150 seconds"
    assert trust.startswith("Verifier(trusted_roots=...)")
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


@pytest.mark.parametrize(
    ("timestamp", "kind"),
    [
        (NOW, "a datetime"),
        (b"2026-12-02T19:00:00Z", "bytes"),
        (None, "None"),
        (1_700_000_000_000, "an int"),
    ],
)
def test_a_timestamp_check_given_no_str_says_what_it_takes(
    pki: TestPKI, timestamp: Any, kind: str
) -> None:
    # A datetime (or bytes, None, a number) was refused as "timestamp: not ISO 8601", as if the
    # request had sent a bad date: it is the caller's mistake (a request's timestamp reaches
    # the check as a str, epoch milliseconds converted), told as such.
    reason = (
        "the timestamp check takes request.timestamp as its ISO 8601 str, not "
        f"{kind}"  # (the type after its article: "not datetime" was said)
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
        (20_000 * 86400, "20,000 days"),  # (a clock decades off: "20000 days" was said)
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
    ("timestamp", "now", "said"),
    [
        ("0001-01-01T00:00:00+23:59", datetime.max.replace(tzinfo=UTC), "too old"),
        (
            "9999-12-31T23:59:59.999999-23:59",
            datetime.min.replace(tzinfo=UTC),
            "in the future",
        ),
        ("9999-12-31T23:59:59.999999Z", datetime.min.replace(tzinfo=timezone.max), "in the future"),
        ("0001-01-01T00:00:00Z", datetime.max.replace(tzinfo=timezone.min), "too old"),
    ],
)
def test_the_farthest_timestamp_from_the_farthest_now_is_told_by_its_age(
    timestamp: str, now: datetime, said: str
) -> None:
    # The age of any timestamp read (years 1 to 9999, in UTC too) at any now is a timedelta: two
    # aware datetimes' difference, under 10,000 years, never overflows (the check had a branch
    # for an OverflowError there, which nothing could reach).
    with pytest.raises(TimestampError, match=rf"^timestamp: {said} \(3,652,\d{{3}} days "):
        check_timestamp("LaunchRequest", timestamp, now)
