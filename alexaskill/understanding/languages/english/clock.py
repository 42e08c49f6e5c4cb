"""English times of day, resolved to the strings Alexa sends for AMAZON.TIME.

Amazon's slot type reference ("AMAZON.TIME"): "14:30"; the parts of the day "MO", "AF", "EV",
"NI". A time said without "a m"/"p m" or a part of the day is taken as said ("three thirty" is
"03:30"); "noon" is "12:00", "midnight" "00:00" (and "midnight at night"); an hour 24 typed
or said ("24:30", "twenty four hundred") is no time, nor a year with a part of the day ("2026
at night", "twenty twenty six at night": no 20:26), nor is a time out of the part of the day
it is said in: twelve in the evening (noon is in the afternoon, midnight at night), "noon at
night", "ten to one in the evening" (12:50), "one in the evening" (the evening starts at
five), "13:00 at night", "11 in the afternoon" (the afternoon ends at seven), nor minutes to
twelve said with "am", "pm" or "in the afternoon"
("ten to twelve pm" is 11:50 or 23:50 alike). A time said with "am" or "pm" and a part of the
day is that time if it is in it ("9 am in the morning" is 09:00, "9 pm in the morning" no
time), and a part of the day said first is read as said after ("tonight at 7" is 19:00, as
"7 tonight" is), with "from" or "until" as with "at" ("tonight from 7", "until 7 tonight").
British "half five" is half past five (05:30), American "quarter of seven" a quarter to
seven (06:45), "oh nine oh five" on the twenty-four-hour clock 09:05 ("zero nine" 09:00,
"nineteen thirty hours" 19:30). A time typed with a dot, "7.30", is 7:30.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from typing import Final

from .numbers import UNITS, _below_hundred, cardinal
from .phrases import BOUNDS

__all__ = ["MERIDIEM", "PARTS_OF_DAY", "time"]

#: A time typed "7:30", or "7.30" as British English writes it.
_CLOCK: Final = re.compile(r"([0-9]{1,2})[:.]([0-9]{2})")
#: The hours named, that a time can be said to or past: "ten to midnight", "quarter past noon".
_NAMED_HOURS: Final = {"noon": 12, "midday": 12, "midnight": 24}
#: The times said by name, and their hours.
_NAMED_TIMES: Final = {
    **dict.fromkeys(("noon", "midday", "twelve noon", "noontime", "lunchtime", "12 noon"), 12),
    **dict.fromkeys(("midnight", "twelve midnight", "12 midnight"), 0),
}


PARTS_OF_DAY: Final = {
    "morning": "MO",
    "afternoon": "AF",
    "evening": "EV",
    "night": "NI",
    "tonight": "NI",
    "overnight": "NI",
}
MERIDIEM: Final = {
    ("a", "m"): "am",
    ("am",): "am",
    ("p", "m"): "pm",
    ("pm",): "pm",
    ("in", "the", "morning"): "morning",
    ("this", "morning"): "morning",
    ("in", "the", "afternoon"): "afternoon",
    ("this", "afternoon"): "afternoon",
    ("in", "the", "evening"): "evening",
    ("this", "evening"): "evening",
    ("at", "night"): "night",
    ("tonight",): "night",
}


def _part_of_day(words: Sequence[str]) -> str | None:
    if len(words) >= 2 and words[0] in ("in", "this", "at", "the", "during"):
        words = words[1:]
        if len(words) >= 2 and words[0] == "the":
            words = words[1:]
    if len(words) == 1:
        return PARTS_OF_DAY.get(words[0])
    return None


def _minutes(words: Sequence[str]) -> int | None:
    if not words:
        return 0
    if words in (["o'clock"], ["hundred"], ["hundred", "hours"]):
        return 0
    if len(words) == 2 and words[0] in ("oh", "o") and words[1] in UNITS:
        return UNITS[words[1]]
    value = cardinal(words)
    if value is None or not 0 <= value <= 59 or len(words) > 2:
        return None
    if value < 10 and len(words) == 1 and not words[0].isdigit():
        return None  # "three five" is no time
    return value


def _hour(words: Sequence[str]) -> int | None:
    found = _below_hundred(words, 0)
    if found is None or found[1] != len(words):
        return None
    # No hour 24: "24:30" is no time (not 00:30), and AMAZON.TIME documents none, "24:00"
    # neither; midnight said by name ("ten to midnight") is the one hour after 23.
    return found[0] if 0 <= found[0] <= 23 else None


#: The hours of the parts of the day a time is said in. Amazon's slot type reference
#: ("AMAZON.TIME") gives the parts' codes, MO, AF, EV and NI, and no hours, nor what "at 5 in
#: the evening" is, so these are chosen: the morning before noon; the afternoon from noon to
#: seven (where Duckling's English afternoon ends: "11 in the afternoon" is no 23:00); the
#: evening and the night from five in the evening, an hour before Duckling's (its "part of
#: days" rule starts both at 18:00, and its "<time> <part-of-day>" rule intersects the hour
#: with that, so "at 5 in the evening" and "5 at night" would be no time, where English says
#: them for 17:00; "one in the evening" stays no 13:00); the evening to midnight (which is in
#: no evening, "12 at night"); the night to five in the morning ("4 at night" 04:00, where
#: Duckling's night ends at midnight). From five to seven the afternoon and the evening read
#: an hour alike ("six in the afternoon" and "six in the evening" are 18:00). companions.py's
#: `in_part` holds the same hours, for a time said with a date naming a part of the day.
_PART_HOURS: Final = {
    "morning": range(12),
    "afternoon": range(12, 19),
    "evening": range(17, 24),
    "night": (*range(17, 24), *range(5)),
}


#: The meridiems that say the twelve-hour clock, which is written with a leading 0 too.
_HALVES: Final = ("am", "pm")


def _apply(hour: int, minute: int, meridiem: str | None) -> str | None:
    if meridiem in ("am", "pm") and not 1 <= hour <= 12:
        return None
    if not 0 <= minute <= 59:
        return None  # typed "12:60", "1275 pm": no time
    later = meridiem in ("pm", "afternoon", "evening") or (meridiem == "night" and hour >= 5)
    if later and hour < 12:
        hour += 12
    elif meridiem in ("am", "morning", "night") and hour == 12:
        hour = 0
    if not 0 <= hour <= 23 or hour not in _PART_HOURS.get(meridiem or "", range(24)):
        return None  # "13:00 at night"; "ten to one in the evening", 12:50, is in no evening
    return f"{hour:02d}:{minute:02d}"


#: The words that link minutes to an hour ("ten *to* six"): after phrases.py's `BOUNDS`
#: ("from", "until"), which the clock reads with a time said with a part of the day ("tonight
#: from 8" is 20:00, as "tonight at 8" is), one opens a range ("from 5 to 6 tonight" is no
#: 17:55). With no part of the day, a bound is left out of the time ("from 8 to 9").
_LINKS: Final = frozenset({"past", "after", "to", "before", "til", "till", "of"})


def time(words: Sequence[str], now: datetime.datetime | None = None) -> str | None:
    """AMAZON.TIME for the words of one slot."""
    for said, kind in MERIDIEM.items():
        if kind in _PART_HOURS and len(words) > len(said) and tuple(words[: len(said)]) == said:
            # "tonight at 7" is "7 tonight": Duckling intersects a part of the day with the time
            # said after it (its "intersect" rule) as with one said before it.
            read = _time([*words[len(said) :], *said], now)
            return read if read is not None and read[:1].isdigit() else None
    return _time(words, now)


def _bound_in_part(words: Sequence[str]) -> bool:
    """Whether ``words`` are "from" or "until", a time and a part of the day it is said in
    ("from 8 tonight"), the time no range ("from 5 to 6 tonight")."""
    if len(words) < 3 or words[0] not in BOUNDS or _LINKS & set(words[1:]):
        return False
    return any(
        kind in _PART_HOURS and len(words) > len(said) + 1 and tuple(words[-len(said) :]) == said
        for said, kind in MERIDIEM.items()
    )


def _time(words: Sequence[str], now: datetime.datetime | None) -> str | None:
    words = list(words)
    if (len(words) > 1 and words[0] in ("at", "around", "about", "by")) or _bound_in_part(words):
        words = words[1:]
    if not words:
        return None
    named = _NAMED_TIMES.get(" ".join(words))
    if named is not None:
        return f"{named:02d}:00"
    part = _part_of_day(words)
    if part is not None:
        return part
    meridiem = None
    for suffix, kind in MERIDIEM.items():
        if len(words) > len(suffix) and tuple(words[-len(suffix) :]) == suffix:
            meridiem, words = kind, words[: -len(suffix)]
            break
    if meridiem in _PART_HOURS and any(
        kind in ("am", "pm") and len(words) > len(said) and tuple(words[-len(said) :]) == said
        for said, kind in MERIDIEM.items()
    ):
        # "9 am in the morning": one time, said with its half of the day and its part
        # (Duckling's "<time> <part-of-day>" rule intersects the two), if it is in that part.
        read = _time(words, now)
        return read if read is not None and int(read[:2]) in _PART_HOURS[meridiem] else None
    named = _NAMED_TIMES.get(" ".join(words))
    if named is not None:
        # "midnight at night" is 00:00, as "12 at night" is; "noon at night" no time. Noon and
        # midnight take no "am" or "pm" ("midnight pm").
        in_part = named in _PART_HOURS.get(meridiem or "", ())
        return f"{named:02d}:00" if in_part else None
    if words[-2:] == ["o", "clock"] or words[-1:] == ["oclock"]:  # typed "o clock", "oclock"
        words = [*words[: -2 if words[-1] == "clock" else -1], "o'clock"]
    if words and words[-1] == "o'clock":
        words = words[:-1]
        if not words:
            return None
    # "nineteen thirty hours", as "1930 hours" typed: the hour and its minutes said, read
    # below as without "hours" ("twenty one hours", no minutes, is a duration).
    in_hours = len(words) > 2 and words[-1] == "hours" and words[-2] != "hundred"
    if in_hours and meridiem is None and not words[-2].isdigit():
        words = words[:-1]
    else:
        in_hours = False
    # The twenty-four-hour clock says an hour below ten with its zero: "oh nine oh five",
    # "zero seven hundred hours", read as "09:05", "07:00" typed are: a part of the day does
    # not move its hour ("oh seven thirty tonight" is no 19:30), "am" or "pm" may.
    # "zero nine" alone is the hour, as "09" typed is (an "oh" alone is left out as a filler).
    zero_hour = len(words) == 2 and words[0] == "zero" and UNITS.get(words[1], 0) > 0
    zero_hour = zero_hour and not in_hours
    if (len(words) >= 3 or zero_hour) and words[0] in ("oh", "o", "zero") and words[1] in UNITS:
        minute = _minutes(words[2:])
        read = None if minute is None else _apply(UNITS[words[1]], minute, meridiem)
        if read is not None and int(read[:2]) != UNITS[words[1]] and meridiem not in _HALVES:
            return None
        return read
    if len(words) == 2 and words[1] == "hours" and meridiem is None:  # "1700 hours"
        if len(words[0]) == 4 and words[0].isdigit():
            words = [f"{words[0][:2]}:{words[0][2:]}"]
        elif _CLOCK.fullmatch(words[0]):
            words = words[:1]
    if len(words) == 1:
        match = _CLOCK.fullmatch(words[0])
        if match:
            read = _apply(int(match[1]), int(match[2]), meridiem)
            # A leading 0 writes the 24-hour clock, whose hour a part of the day does not move:
            # "07:00 tonight" is no 19:00 ("7:00 tonight" may be; "pm" is left as it was).
            moved = read is not None and read[:2] != f"{int(match[1]):02d}"
            if moved and match[1][:1] == "0" and meridiem not in ("am", "pm"):
                return None
            return read
        if words[0].isdigit() and len(words[0]) in (3, 4) and meridiem is not None:
            if meridiem in _PART_HOURS and int(words[0][:-2]) > 12:
                return None  # "2026 at night": a year (see the loop's end below)
            read = _apply(int(words[0][:-2]), int(words[0][-2:]), meridiem)
            if read is not None and words[0][0] == "0" and read[:2] != words[0][:2]:
                return None  # "0730 tonight", as "07:30 tonight": the 24-hour clock's 07:30
            return read
    # "half past three", "quarter to four", "ten past six", "twenty minutes to five"
    # "quarter of seven", "ten of six": American English for "to".
    links = (
        ("past", 1),
        ("after", 1),
        ("to", -1),
        ("before", -1),
        ("til", -1),
        ("till", -1),
        ("of", -1),
    )
    for link, sign in links:
        if link in words and not in_hours:
            at = words.index(link)
            before, hour_words = words[:at], words[at + 1 :]
            counted = bool(before) and before[-1] in ("minutes", "minute")
            if counted:
                before = before[:-1]
            if before in (["half"], ["a", "half"]):
                offset = 30
            elif before in (["quarter"], ["a", "quarter"]):
                offset = 15
            elif counted and before == ["a"]:
                offset = 1  # "a minute to midnight"
            else:
                offset_value = cardinal(before) if before else None
                if offset_value is None or not 1 <= offset_value <= 59:
                    return None
                offset = offset_value
            if sign < 0 and (offset == 30 or (offset % 5 and not counted)):
                # "six to seven" is a range, or two numbers: six minutes to seven is said with
                # its "minutes" (five, ten, twenty-five to, in steps of five, need none).
                return None
            hour = _NAMED_HOURS.get(" ".join(hour_words)) if meridiem is None else None
            if hour is None:
                hour = _hour(hour_words)
            twelve_hour = meridiem in ("am", "pm")
            if hour is None or (twelve_hour and not 1 <= hour <= 12):
                return None  # "ten to thirteen pm", as "13 pm", is no time
            if sign < 0 and hour == 12 and meridiem in ("am", "pm", "afternoon"):
                # Twelve pm (or in the afternoon) is noon, twelve am midnight: "ten to twelve
                # pm" says 11:50 as much as 23:50, and in the afternoon it is neither.
                return None
            total = (hour * 60 + sign * offset) % (24 * 60)
            # On the 12-hour clock the hour before one is twelve: "ten to one pm" is 12:50.
            hours = total // 60 or (12 if twelve_hour else 0)
            return _apply(hours, total % 60, meridiem)
    if len(words) > 1 and words[0] == "half" and not in_hours:  # British "half five"
        hour = _hour(words[1:])  # said on a twelve-hour clock: "half twenty" is no time
        return None if hour is None or not 1 <= hour <= 12 else _apply(hour, 30, meridiem)
    for split in range(1, min(len(words), 2) + 1):
        hour = _hour(words[:split])
        if hour is None:
            continue
        minute = _minutes(words[split:])
        if minute is None or (in_hours and split == len(words)):
            continue
        if meridiem in _PART_HOURS and hour > 12 and words[split:]:
            # "twenty twenty six at night", "nineteen hundred tonight" (and "2026 at night"
            # typed) is no 20:26 (19:00): so a year is said, and transcribed; Duckling's
            # English reads 1000 to 2100 as a year, and the 24-hour clock without a colon only
            # with "am" or "pm" (hours to 12), and that clock needs no part of the day. Amazon's
            # slot type reference ("AMAZON.TIME") documents neither. "20:26 at night" is 20:26.
            return None
        return _apply(hour, minute, meridiem)
    return None
