"""`FakeAlexaApi`'s time zones: the IANA names it takes for ``time_zone`` and a reminder's
``timeZoneId``, as Alexa answers and Amazon reads them, and `UnknownZone`, a name on purpose
unknown to this machine's tz data; any other name refused, naming the zone meant."""

from __future__ import annotations

import functools
from typing import Final

from ..shown_names import shown_json

__all__ = ["UnknownZone"]


class UnknownZone(str):
    """A time zone name for `FakeAlexaApi` to answer although no tz database here has it
    (``UnknownZone("Mars/Olympus_Mons")``): a zone newer than the machine's tz data, as Amazon
    may answer one, for a test of the skill's error path. Any other unknown name is refused, as
    is one `zoneinfo` reads here (``"posix/Europe/Paris"``: the skill's ``ZoneInfo`` reads it)."""

    __slots__ = ()


def _zone(value: str) -> str:
    """``time_zone``, an IANA name of the tz data here (`_zone_known`), else an `UnknownZone`:
    `ValueError` for another name ("Paris", "europe/paris", "posix/Europe/Paris"), with the zone
    meant when one is close, and for an `UnknownZone` that is known, or that `zoneinfo` reads,
    after all."""
    known = _zone_known(value)
    if isinstance(value, UnknownZone):
        if known:
            raise ValueError(
                f"time_zone is UnknownZone({str(value)!r}): a zone the tz data here has; give "
                "it as a str (UnknownZone is for a name it lacks)"
            )
        if _zone_reads(value):  # ("posix/Europe/Paris": no IANA name, but no unknown zone)
            raise ValueError(
                _zone_unknown("time_zone", str(value), "as Alexa answers one")
                + " (UnknownZone is for a name the tz data here lacks: zoneinfo reads this one)"
            )
        return str(value)
    if known:
        return value
    raise ValueError(
        _zone_unknown("time_zone", value, "as Alexa answers one")
        + " (a zone newer than its tz data, on purpose: UnknownZone(name))"
    )


#: Names of files `zoneinfo` reads that are no IANA zone, and Alexa's settings API never answers:
#: the database again under ``posix/`` and ``right/`` (the latter counting leap seconds), the
#: rules a POSIX TZ string borrows (``posixrules``) and the machine's own zone (``localtime``).
_NOT_IANA_PREFIXES: Final = ("posix/", "right/")
_NOT_IANA_NAMES: Final = frozenset({"posixrules", "localtime"})


@functools.cache
def _iana_zones() -> frozenset[str]:
    """The IANA zone names the tz data here has (``"Europe/Paris"``), as Alexa answers one."""
    import zoneinfo

    # Read once: available_timezones walks the whole tz database (60 ms here), and a zone is
    # checked at each assignment and each reminder. Filtered although CPython's walk already
    # skips posix/, right/ and posixrules: it keeps localtime, and another tz source may not.
    return frozenset(
        name
        for name in zoneinfo.available_timezones()
        if not name.startswith(_NOT_IANA_PREFIXES) and name not in _NOT_IANA_NAMES
    )


def _zone_known(name: str) -> bool:
    """Whether ``name`` is an IANA zone of the tz data here (`_iana_zones`): ``ZoneInfo`` reads
    ``posix/Europe/Paris`` and ``posixrules`` too, names Alexa never answers."""
    return name in _iana_zones()


def _zone_reads(name: str) -> bool:
    """Whether `zoneinfo` reads ``name`` (``"posix/Europe/Paris"``, ``"localtime"``): asked of
    an `UnknownZone` only, whose point is a skill's ``ZoneInfo(name)`` failing. Read, not matched
    against `_NOT_IANA_PREFIXES`: what a skill's test would read is what this machine's tz data
    holds (no ``posix/`` in the tzdata package), and any other file it reads counts as well."""
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False  # (a file path ZoneInfo refuses, or no such file)
    return True


def _zone_unknown(field: str, name: str, taken: str) -> str:
    """What to say of ``field``, ``name``, a zone `_zone_known` refuses: no IANA zone, what
    ``taken`` (``"as Alexa answers one"``), and the zone meant when one is close."""
    meant = _zone_meant(name)
    return (
        # (quoted bounded, as `api_given._quoted` quotes: a name read from a file may be long)
        f"{field} is {shown_json(name)}: no IANA time zone this machine knows, {taken} "
        "('Europe/Paris')" + (f"; did you mean {meant!r}?" if meant else "")
    )


def _zone_meant(said: str) -> str | None:
    """The IANA zone ``said`` most likely means: the one of that name in another case, else
    the one whose city it names ("Paris": "Europe/Paris"), else None."""
    wanted = said.strip().replace(" ", "_").lower()
    for prefix in _NOT_IANA_PREFIXES:  # ("posix/Europe/Paris": the IANA name it copies)
        wanted = wanted.removeprefix(prefix)
    zones = sorted(_iana_zones())
    for zone in zones:
        if zone.lower() == wanted:
            return zone
    cities = [zone for zone in zones if zone.rsplit("/", 1)[-1].lower() == wanted]
    return cities[0] if len(cities) == 1 else None
