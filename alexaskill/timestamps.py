"""``request.timestamp`` read as the verifier reads it: `read_timestamp`.

The one reading, for the verifier's check, `AlexaApi.now` and ``certify --replay``'s age of a
capture. Its own module, out of `alexaskill.verify`: a handler asking ``now`` on AWS Lambda,
where nothing is verified, loads no cryptography.
"""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta
from typing import Final

from .articles import type_with_article
from .exceptions import TimestampError

__all__ = ["read_timestamp"]

#: The seconds of a leap second (``23:59:60``), as ISO 8601 writes it and fromisoformat refuses
#: (after a ``T``, or the ``t`` or the space RFC 3339 allows, as for any other second).
_LEAP_SECOND: Final = re.compile(r"[Tt ]\d\d:\d\d:(60)(?![\d:])", re.A)


#: The time of an ISO 8601 timestamp, extended (``hh:mm:ss.f``) or basic (``hhmmss.f``), each
#: part but the hours optional, the fraction's mark a full stop or a comma.
_TIME: Final = re.compile(r"\d\d(?::\d\d(?::\d\d(?:[.,]\d+)?)?|\d\d(?:\d\d(?:[.,]\d+)?)?)?", re.A)
#: An ordinal date (``2026-339``, ``2026339``), alone or before its time: ISO 8601, but not
#: read (fromisoformat lacks it), and refused saying so rather than "not ISO 8601".
_ORDINAL: Final = re.compile(r"\d{4}-?\d{3}(?:[Tt ]|\Z)", re.A)
_ORDINAL_REFUSED: Final = (
    "timestamp: ordinal date (YYYY-DDD) not read; send a calendar date, as Alexa does "
    "(2026-12-05T10:00:00Z)"
)
#: The refusal of an ISO 8601 timestamp whose instant a datetime cannot hold: in year 0 (ISO
#: 8601's 1 BC), or past 9999-12-31 (its 24:00 in UTC, the end of a leap second then), in UTC
#: when it has an offset.
OUT_OF_RANGE: Final = "timestamp: out of range (years 1 to 9999)"
#: The years whose timestamps may name an instant past a datetime's years, or be written so:
#: each with a year 400 years within, whose calendar is the same (the Gregorian calendar
#: repeats every 400 years, 146,097 days), where such a timestamp is read (`_at_the_edge`).
_STAND_INS: Final = {"0000": ("0400", 1), "0001": ("0401", 1), "9999": ("9599", -1)}
_FOUR_CENTURIES: Final = timedelta(days=146_097)
#: What may follow the hour 24 (the midnight that ends the day): zeros, up to the UTC offset.
_END_OF_DAY: Final = re.compile(r"[0:.,]*(?![^Zz+-])", re.A)
#: The characters that end an ISO 8601 timestamp after its UTC offset's sign (or its ``Z``).
_OFFSET_DIGITS: Final = "0123456789:."


def read_timestamp(timestamp: str) -> datetime:
    """``request.timestamp`` (ISO 8601) read as the verifier reads it, the one reading of it for
    every module: RFC 3339's lower-case ``z`` and a leap second taken (`_unusual`); naive if it
    has no UTC offset (which the verifier refuses); `TimestampError` if it is not ISO 8601,
    junk fromisoformat passes over (`_junk`) included."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except (TypeError, ValueError):
        moment = _unusual(timestamp)
    if _junk(timestamp):
        raise TimestampError("timestamp: not ISO 8601")
    return moment


def _junk(timestamp: str) -> bool:
    """Whether ``timestamp`` holds what Python 3.11's fromisoformat passes over and no ISO 8601
    timestamp holds: a control or non-ASCII character (it stops reading the time at a NUL:
    ``…19Z\\x00junk``), any one character between the time and its UTC offset (``…:19xZ``,
    ``…:19 +02:00``), or between the date and the time but a ``T``, a ``t`` or a space
    (`_separator`), a digit too many in its time, or seconds, or minutes past 59, in its UTC
    offset. Read from the end, not by a regex searched from each character: ~0.6 µs for
    Alexa's ``…:34Z`` (~0.7 with a ``+01:00``), where the regex it replaced took ~0.8 µs
    checking neither the separator nor the offset's seconds, and fromisoformat ~0.1 µs
    (perf_counter, best of 800 runs of 2,000 calls, Python 3.11, a loaded machine). The check
    of the time's digits adds a few tenths of a µs (timeit, too noisy here to say better); the
    verifier reads each distinct timestamp once (`alexaskill.verify.timestamp`'s last parse)."""
    if not (timestamp.isascii() and timestamp.isprintable()):
        return True
    at = _separator(timestamp)
    if timestamp[at : at + 1] not in "Tt ":  # ("" too: a date alone)
        return True
    # Hour 24 only as 24:00:00 (a fraction of zeros too): fromisoformat drops a fraction's digits
    # past the microsecond, so that 3.14's reading of it would take ``24:00:00.0000001``.
    if timestamp[at + 1 : at + 3] == "24" and _END_OF_DAY.match(timestamp, at + 3) is None:
        return True
    head = timestamp.rstrip(_OFFSET_DIGITS)  # up to the offset's sign, or the Z
    if len(head) > 1 and head[-1] in "+-Zz" and not head[-2].isdigit():
        return True
    # Hours, minutes and seconds of two digits each: fromisoformat passes over a digit too many
    # (``…T12:00:049Z`` read as 12:00:04, ``…T1200009Z`` as 12:00:00) or reads digits after
    # basic-format seconds as a fraction (``…T120000123Z`` as 12:00:00.123). Alexa's
    # ``hh:mm:ss``, which fromisoformat read, needs no regex.
    end = len(head) - 1 if head[-1:] in ("+", "-", "Z", "z") else len(timestamp)
    if (
        (end - at != 9 or timestamp[at + 3 : at + 7 : 3] != "::")
        and at < end
        and _TIME.fullmatch(timestamp, at + 1, end) is None
    ):
        return True
    # An offset is hh:mm, hhmm or hh, its minutes 00 to 59: fromisoformat also takes seconds
    # and a fraction of them (``+00:00:00.5``), and carries minutes past 59 into the hours
    # (``+00:99`` read as +01:39). (After a date alone, "-" is the date's: no offset follows.)
    offset = timestamp[len(head) :]
    if head[-1:] not in ("+", "-"):
        return False
    minutes = offset[-2:] if len(offset) > 2 else ""
    return len(offset) > 5 or "." in offset or (minutes.isdigit() and minutes >= "60")


def _separator(timestamp: str) -> int:
    """Where fromisoformat read the character between the date and the time (past the end after
    a date alone): any character at all in Python 3.11 (``2026-12-05x03:10:00Z``, a digit even),
    where ISO 8601 writes a ``T`` and RFC 3339 a ``T``, a ``t`` or a space. Found after each form
    of the date it reads: ``YYYY-MM-DD``, ``YYYYMMDD``, ``YYYY-Www-D``, ``YYYY-Www``,
    ``YYYYWwwD``, ``YYYYWww``."""
    if timestamp[4:5] == "-":
        if timestamp[5:6] != "W" or timestamp[8:9] == "-":
            return 10
        return 8
    if timestamp[4:5] == "W":
        return 8 if timestamp[7:8].isdigit() else 7
    return 8


def _unusual(timestamp: object) -> datetime:
    """A timestamp fromisoformat refused that RFC 3339 allows: one ending in a lower-case ``z``
    (RFC 3339, section 5.6: "T" and "Z" may be lower case; fromisoformat takes a ``t`` only),
    one in a leap second (``2016-12-31T23:59:60Z``, only ever 23:59:60 UTC on a month's last
    day), read as the instant it ends, or both; or one ISO 8601 allows, ``24:00:00`` (the end
    of the day), read as the next day's midnight; `TimestampError` for anything else (a
    ``TypeError`` for no str: the caller's mistake)."""
    if not isinstance(timestamp, str):  # (a request's, from the verifier, is always a str)
        raise TypeError(
            "the timestamp check takes request.timestamp as its ISO 8601 str, not "
            f"{type_with_article(timestamp)}"
        )
    if timestamp.endswith("z") and timestamp[-2:-1].isdigit():
        timestamp = timestamp[:-1] + "Z"
        with contextlib.suppress(ValueError):
            return datetime.fromisoformat(timestamp)
    if (match := _LEAP_SECOND.search(timestamp)) is not None:
        # (OverflowError: in UTC before year 1 or after 9999, read 400 years in: `_at_the_edge`)
        with contextlib.suppress(ValueError, OverflowError):
            second = timestamp[: match.start(1)] + "59" + timestamp[match.end(1) :]
            moment = datetime.fromisoformat(second)
            # A leap second is only ever 23:59:60 UTC (the local time that is, with an offset:
            # 05:29:60+05:30) on a month's last day (IERS inserts them at the end of a UTC
            # month, in practice 30 June or 31 December): a :60 at any other minute, or on any
            # other day, is no time at all. It ends at the next month's first midnight UTC.
            utc = moment.astimezone(UTC) if moment.tzinfo is not None else moment
            if (utc.hour, utc.minute) == (23, 59) and (utc + timedelta(seconds=1)).day == 1:
                return moment + timedelta(seconds=1)
    at = _separator(timestamp)
    if timestamp[at : at + 3] in ("T24", "t24", " 24"):
        # 24:00:00, the midnight that ends the day (ISO 8601 of 2004, and again since its 2022
        # amendment): read by fromisoformat from Python 3.14 on (gh-102450), refused by 3.11 to
        # 3.13, so read here as 00:00:00 of the next day on every Python. Any other time of hour
        # 24 is no time at all (`_junk`, which holds Python 3.14's reading to that too).
        with contextlib.suppress(ValueError, OverflowError):  # (overflow: `_at_the_edge`)
            midnight = datetime.fromisoformat(timestamp[: at + 1] + "00" + timestamp[at + 3 :])
            return midnight + timedelta(days=1)
    if _ORDINAL.match(timestamp) is not None:
        raise TimestampError(_ORDINAL_REFUSED)
    if timestamp[:4] in _STAND_INS:
        return _at_the_edge(timestamp)
    raise TimestampError("timestamp: not ISO 8601")


def _at_the_edge(timestamp: str) -> datetime:
    """A timestamp of year 0, 1 or 9999 that no datetime could read as written (year 0, ISO
    8601's 1 BC; 24:00 of 9999-12-31; an offset or a leap second taking it past year 1 or 9999
    in UTC), read 400 years within (`_STAND_INS`) and moved back: the instant it names, in UTC
    if it cannot be written with its own offset, `OUT_OF_RANGE` if it is outside years 1 to
    9999 (in UTC, with an offset), or the stand-in's refusal ("not ISO 8601") if it is none."""
    stand_in, years_in = _STAND_INS[timestamp[:4]]
    moment = read_timestamp(stand_in + timestamp[4:])
    instant = moment.astimezone(UTC) if moment.tzinfo is not None else moment
    try:
        instant -= years_in * _FOUR_CENTURIES
    except OverflowError:
        raise TimestampError(OUT_OF_RANGE) from None
    with contextlib.suppress(OverflowError):  # (its own offset's 10000-01-01: in UTC, then)
        return instant.astimezone(moment.tzinfo) if moment.tzinfo is not None else instant
    return instant
