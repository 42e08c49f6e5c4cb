"""Values the testing helpers', the slot values', the `Skill`'s and the stores' messages quoted
whole, now cut as alexaskill/shown_names.py cuts them: a value of megabytes made a message as
long. Each test gives a huge value and asserts the message is bounded and holds its head."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from alexaskill.testing import RequestFactory, timestamp
from alexaskill.testing.request_fields import dialog_state_for, session_ended_fields
from alexaskill.testing.requests import device_time

from .conftest import SKILL_ID

#: A value's length, far past any message's: its head must be in the message, not all of it.
HUGE = 100_000
#: The most characters a message quoting one such value may have.
BOUND = 1_000


def _bounded(message: str, head: str) -> None:
    assert len(message) < BOUND, message[:300]
    assert head in message, message[:300]


class _LongNamedZone(datetime.tzinfo):
    """A time zone whose repr is huge, and which says no offset (a naive moment's)."""

    def utcoffset(self, moment: datetime.datetime | None) -> datetime.timedelta | None:
        return None

    def dst(self, moment: datetime.datetime | None) -> datetime.timedelta | None:
        return None

    def tzname(self, moment: datetime.datetime | None) -> str | None:
        return None

    def __repr__(self) -> str:
        return "Zone" + "z" * HUGE


class _FarZone(_LongNamedZone):
    """One whose offset puts datetime.max past datetime's range in UTC."""

    def utcoffset(self, moment: datetime.datetime | None) -> datetime.timedelta | None:
        return datetime.timedelta(hours=-23)


@pytest.mark.parametrize("zone", [_LongNamedZone(), _FarZone()], ids=["naive", "out-of-range"])
def test_a_moment_given_as_now_is_quoted_cut(zone: datetime.tzinfo) -> None:
    moment = datetime.datetime.max.replace(tzinfo=zone)
    with pytest.raises(ValueError) as info:
        timestamp(moment)
    _bounded(str(info.value), "datetime.datetime(9999, 12, 31")


def test_a_time_zone_refused_is_quoted_cut() -> None:
    with pytest.raises(ValueError) as info:
        device_time(None, "Europe/" + "x" * HUGE)
    _bounded(str(info.value), "'Europe/xxx")


@pytest.mark.parametrize(
    ("interfaces", "head"),
    [
        ("Display" + "y" * HUGE, "'Displayyy"),
        (["Display", " " * HUGE], "'    "),
        (["Display", ("Display",) * HUGE], "('Display', 'Display'"),
    ],
    ids=["one-string", "blank", "no-str"],
)
def test_interfaces_refused_are_quoted_cut(interfaces: Any, head: str) -> None:
    factory = RequestFactory()
    with pytest.raises(ValueError) as info:
        factory.interfaces = interfaces
    _bounded(str(info.value), head)


@pytest.mark.parametrize(
    ("keywords", "head"),
    [
        ({"confirmation_status": "NO" * HUGE}, "confirmation_status 'NONO"),
        ({"dialog_state": "ST" * HUGE}, "dialog_state 'STST"),
        ({"slots": {"city" + "c" * HUGE: True}}, "slot 'citycc"),
    ],
    ids=["confirmation", "dialog-state", "slot-name"],
)
def test_an_intent_s_field_refused_is_quoted_cut(keywords: dict[str, Any], head: str) -> None:
    with pytest.raises(ValueError) as info:
        RequestFactory().intent("GetWeather", **keywords)
    _bounded(str(info.value), head)


def test_slots_that_are_no_mapping_are_quoted_cut() -> None:
    with pytest.raises(TypeError) as info:
        RequestFactory().intent("GetWeather", slots=["city"] * HUGE)  # type: ignore[arg-type]
    _bounded(str(info.value), "['city', 'city'")


def test_a_slot_name_that_is_no_str_is_quoted_cut() -> None:
    with pytest.raises(TypeError) as info:
        RequestFactory().intent("GetWeather", slots={("c",) * HUGE: "x"})  # type: ignore[dict-item]
    _bounded(str(info.value), "('c', 'c'")


def test_a_dialog_state_and_intent_refused_are_quoted_cut() -> None:
    intent = "Plan" + "p" * HUGE
    with pytest.raises(ValueError) as info:
        dialog_state_for(intent, "ST" * HUGE, None)
    _bounded(str(info.value), "dialog_state 'STST")
    with pytest.raises(ValueError) as info:
        dialog_state_for(intent, "STARTED", None)
    _bounded(str(info.value), "intent Planpp")


def test_a_session_end_reason_refused_is_quoted_cut() -> None:
    with pytest.raises(ValueError) as info:
        session_ended_fields("ERR" * HUGE, {})
    _bounded(str(info.value), "reason 'ERRERR")


def _skill_refusal(**options: Any) -> str:
    from alexaskill import Skill
    from alexaskill.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError) as info:
        Skill(SKILL_ID, **options)
    return str(info.value)


@pytest.mark.parametrize(
    ("options", "head"),
    [
        ({"progressive_speech": " " * HUGE}, "progressive_speech must be a non-empty str, not '  "),
        ({"progressive_speech": ["Wait"] * HUGE}, "not ['Wait', 'Wait'"),
        ({"progressive_speech": "Wait" * HUGE}, "progressive_speech: "),
        ({"path": "alexa" * HUGE}, "path must start with '/' ('/alexa'), not 'alexaalexa"),
        ({"path": "/alexa?" + "q" * HUGE}, "path '/alexa?qqq"),
        ({"path": "/a" + "a" * HUGE, "health_path": "/a" + "a" * HUGE}, "both '/aaa"),
        ({"capture_dir": " " * HUGE}, "capture_dir is empty ('   "),
        ({"verify": "no" * HUGE}, "verify must be True or False, not 'nonono"),
        ({"max_body_size": "1" * HUGE}, "max_body_size must be an int of bytes, not '111"),
        ({"deadline": "8" * HUGE}, "deadline must be a number of seconds, not '888"),
        ({"def_handlers": "threads" * HUGE}, "def_handlers='threadsthreads"),
    ],
    ids=[
        "progressive-blank",
        "progressive-no-str",
        "progressive-long",
        "path",
        "path-query",
        "health-path",
        "capture-dir-blank",
        "verify",
        "max-body-size",
        "deadline",
        "def-handlers",
    ],
)
def test_a_skill_s_option_refused_is_quoted_cut(options: dict[str, Any], head: str) -> None:
    _bounded(_skill_refusal(**options), head)


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("deadline", -(10**5000), "<a negative int of 16,610 bits>"),
        ("body_timeout", 10**5000, "<an int of 16,610 bits>"),
        ("body_timeout", -(10**5000), "<a negative int of 16,610 bits>"),
    ],
    ids=["deadline", "body-timeout", "body-timeout-negative"],
)
def test_a_skill_s_seconds_past_pythons_digits_are_refused_saying_their_size(
    name: str, value: int, said: str
) -> None:
    # repr raised ValueError ("Exceeds the limit (4300 digits)") in place of the refusal.
    _bounded(_skill_refusal(**{name: value}), said)


def test_a_capture_dir_under_a_file_is_quoted_cut(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    directory = tmp_path.joinpath("file", *["d" * 200] * 15)  # (3,015 characters more)
    _bounded(_skill_refusal(capture_dir=directory), f"capture_dir '{str(tmp_path)[:40]}")


@pytest.mark.parametrize("long", ["x" * 300, "d/" * 3_000], ids=["part", "whole"])
def test_a_capture_dir_past_the_system_s_names_is_refused_saying_so(
    tmp_path: Path, long: str
) -> None:
    # pathlib's exists() raised OSError, ENAMETOOLONG: a traceback where a refusal was due.
    said = _skill_refusal(capture_dir=tmp_path / long)
    _bounded(said, "File name too long")


def test_a_capture_dir_holding_a_nul_is_refused() -> None:
    # pathlib's exists() says False for it (os.stat's ValueError): taken, and a capture's first
    # write would make the directory, raising ValueError, where it catches only OSError.
    said = _skill_refusal(capture_dir="captures\x00" + "x" * HUGE)
    _bounded(said, "capture_dir 'captures\\x00xxx")
    assert "NUL" in said, said


@pytest.mark.parametrize(
    ("parse", "raw", "head"),
    [
        ("AlexaDate", "2026-" + "1" * HUGE, "not an AMAZON.DATE value: '2026-111"),
        ("AlexaDate", "2026-02-30" + " " * HUGE, "not an AMAZON.DATE value: '2026-02-30 "),
        ("AlexaTime", "14:" + "3" * HUGE, "not an AMAZON.TIME value: '14:333"),
        ("AlexaDuration", "PT" + "5" * HUGE, "not an AMAZON.DURATION value: 'PT555"),
        ("AlexaDuration", "P" + "9" * HUGE + "D", "longer than a timedelta holds"),
    ],
    ids=["date", "date-spaces", "time", "duration", "duration-long"],
)
def test_a_slot_value_refused_is_quoted_cut(parse: str, raw: str, head: str) -> None:
    # A request's raw value, parsed by a handler (AlexaDate.parse(value)): its ValueError, in
    # the handler's failure logged, quoted the value whole, as long as the request allowed.
    import alexaskill.slots

    with pytest.raises(ValueError) as info:
        getattr(alexaskill.slots, parse).parse(raw)
    _bounded(str(info.value), head)
    assert raw[:40] in str(info.value)


@pytest.mark.parametrize(
    ("fields", "head"),
    [({"years": 1}, "'P1Y111"), ({"weeks": 10**12}, "'P1Y111")],
    ids=["years", "too-long"],
)
def test_a_duration_refused_as_a_timedelta_is_quoted_cut(fields: dict[str, Any], head: str) -> None:
    from alexaskill.slots import AlexaDuration

    duration = AlexaDuration(**fields, raw="P1Y" + "1" * HUGE)
    with pytest.raises(ValueError) as info:
        duration.to_timedelta()
    _bounded(str(info.value), head)


@pytest.mark.parametrize(
    "value",
    [{1, 2}, [1.5, float("nan")], {"a": [[[1j]]]}],
    ids=["set", "nan", "complex-deep"],
)
def test_an_attribute_s_name_in_a_save_refused_is_quoted_cut(value: Any) -> None:
    # A handler's attribute named by a value of its own (a user's words as a key): the save's
    # ResponseError, logged, named it whole, twice (its quote and where in it the fault is).
    from alexaskill.exceptions import ResponseError
    from alexaskill.store import base

    with pytest.raises(ResponseError) as info:
        base._encode_sized("name" + "n" * HUGE, value)
    _bounded(str(info.value), "attribute 'namenn")


@pytest.mark.parametrize(
    "stored",
    ["not json", "[" * 100 + "]" * 100],
    ids=["not-json", "too-deep"],
)
def test_an_attribute_s_name_in_a_load_refused_is_quoted_cut(stored: str) -> None:
    from alexaskill.exceptions import StoreError
    from alexaskill.store import base

    with pytest.raises(StoreError) as info:
        base._decode("name" + "n" * HUGE, stored, "SQLiteStore.load")
    _bounded(str(info.value), "attribute 'namenn")


def _refused_by(call: Any) -> str:
    from alexaskill.exceptions import ResponseError

    with pytest.raises(ResponseError) as info:
        call()
    return str(info.value)


def test_an_attribute_s_name_in_an_increment_refused_is_quoted_cut() -> None:
    # The increments' and names' refusals (store/data_faults.py), said by every store and by
    # Attributes.increment, quoted the name whole: a handler's name of a user's words, logged.
    from alexaskill.store import base, data_faults
    from alexaskill.store.attributes import Attributes

    name = "name" + "n" * HUGE
    refusals = [
        lambda: data_faults._check_increments({name: 1.5}),  # type: ignore[dict-item]
        lambda: data_faults._check_increments({name: 10**19}),
        lambda: data_faults._names_checked("k", {name: 1}, [], {name: 1}, limits=False),
        lambda: data_faults._names_checked("k", {}, [], {name + "\ud800": 1}),
        lambda: base._incremented(name, '"text"', 1, "SQLiteStore.update"),
        lambda: base._incremented(name, str(2**63 - 1), 1, "SQLiteStore.update"),
        lambda: Attributes({name: "text"}).increment(name),
        lambda: Attributes({}).increment(name, 1.5),  # type: ignore[arg-type]
    ]
    for refusal in refusals:
        _bounded(_refused_by(refusal), "attribute 'namenn")


def test_a_name_no_str_and_an_increment_past_pythons_digits_are_said_bounded() -> None:
    # A name no str was quoted with its repr, whole; an increment past Redis's bound was said
    # whole, and one past 4,300 digits raised str()'s ValueError in place of the refusal.
    from alexaskill.store import data_faults
    from alexaskill.store.attributes import Attributes

    _bounded(_refused_by(lambda: data_faults._names_checked("k", {}, [b"n" * HUGE], None)), "b'nn")  # type: ignore[list-item]
    _bounded(_refused_by(lambda: Attributes({}).increment(b"n" * HUGE)), "b'nn")  # type: ignore[arg-type]
    said = _refused_by(lambda: data_faults._check_increments({"n": 10**4_000}))
    _bounded(said, "increment 10000000")
    said = _refused_by(lambda: data_faults._check_increments({"n": -(10**5_000)}))
    _bounded(said, "increment <a negative int of 16,610 bits>")


def test_a_deadline_past_alexa_s_wait_and_a_float_s_range_is_said_cut(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # "deadline=%g" made a float of an int past a float's range: OverflowError as the line
    # was formatted, which logging printed as "--- Logging error ---", the warning lost.
    from alexaskill import Skill

    with caplog.at_level("WARNING", "alexaskill"):
        Skill(skill_id=SKILL_ID, deadline=10**400)
        Skill(skill_id=SKILL_ID, deadline=30.0)
    first, second = (record.getMessage() for record in caplog.records)
    _bounded(first, "deadline=1000000")
    assert first.startswith("deadline=1000") and "is past the 8 s Alexa waits" in first, first
    assert second.startswith("deadline=30 is past"), second
