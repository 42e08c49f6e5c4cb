"""Amazon's built-in slot types: the one list of their names, and the check of a name against it.

Amazon's "Slot Type Reference" lists them, by locale:
https://developer.amazon.com/en-US/docs/alexa/custom-skills/slot-type-reference.html
A type named ``AMAZON.`` and something close to one of them (``AMAZON.Number``,
``AMAZON.NUMBR``) is a typing mistake: Amazon's build refuses it, and until then the slot's
values would never convert (``servings: int`` always None). `check_slot_type` refuses it at
registration, suggesting the closest name. Other ``AMAZON.`` names pass, as Amazon adds types;
``alexaskill model --check`` reports them as unknown.
"""

from __future__ import annotations

import datetime
import enum
from typing import Any, Final

from .exceptions import ConfigurationError
from .models import Slot
from .slots import MISSING, AlexaDate, AlexaDuration, AlexaTime, converter_for, unwrap_optional
from .typos import NAME_OF_WORDS, meant

__all__ = [
    "BUILTIN_SLOT_TYPES",
    "check_slot_type",
    "contradicting_annotation",
    "converting_annotations",
    "form_missed",
    "meant_slot_type",
]

#: Those that convert what is said into data: numbers, dates, times, durations.
_DATA_TYPES: Final = (
    "AMAZON.AlphaNumeric",
    "AMAZON.DATE",
    "AMAZON.DURATION",
    "AMAZON.FOUR_DIGIT_NUMBER",
    "AMAZON.NUMBER",
    "AMAZON.Ordinal",
    "AMAZON.PhoneNumber",
    "AMAZON.TIME",
)
#: The phrase type, and the free-form type of older models (deprecated, still read).
_PHRASE_TYPES: Final = ("AMAZON.SearchQuery", "AMAZON.LITERAL")
#: The list types (values from a catalogue; some in a few locales only).
_LIST_TYPES: Final = (
    "AMAZON.Actor",
    "AMAZON.AdministrativeArea",
    "AMAZON.AggregateRating",
    "AMAZON.Airline",
    "AMAZON.Airport",
    "AMAZON.Anaphor",
    "AMAZON.Animal",
    "AMAZON.Artist",
    "AMAZON.AT_CITY",
    "AMAZON.AT_REGION",
    "AMAZON.Athlete",
    "AMAZON.Author",
    "AMAZON.Book",
    "AMAZON.BookSeries",
    "AMAZON.BroadcastChannel",
    "AMAZON.City",
    "AMAZON.CivicStructure",
    "AMAZON.Color",
    "AMAZON.Comic",
    "AMAZON.Corporation",
    "AMAZON.Country",
    "AMAZON.CreativeWorkType",
    "AMAZON.DayOfWeek",
    "AMAZON.DE_CITY",
    "AMAZON.DE_FIRST_NAME",
    "AMAZON.DE_REGION",
    "AMAZON.Dessert",
    "AMAZON.DeviceType",
    "AMAZON.Director",
    "AMAZON.Drink",
    "AMAZON.EducationalOrganization",
    "AMAZON.EUROPE_CITY",
    "AMAZON.EventType",
    "AMAZON.Festival",
    "AMAZON.FictionalCharacter",
    "AMAZON.FinancialService",
    "AMAZON.FirstName",
    "AMAZON.Food",
    "AMAZON.FoodEstablishment",
    "AMAZON.Game",
    "AMAZON.GB_CITY",
    "AMAZON.GB_FIRST_NAME",
    "AMAZON.GB_REGION",
    "AMAZON.Genre",
    "AMAZON.Landform",
    "AMAZON.LandmarksOrHistoricalBuildings",
    "AMAZON.Language",
    "AMAZON.LocalBusiness",
    "AMAZON.LocalBusinessType",
    "AMAZON.MedicalOrganization",
    "AMAZON.Month",
    "AMAZON.Movie",
    "AMAZON.MovieSeries",
    "AMAZON.MovieTheater",
    "AMAZON.MusicAlbum",
    "AMAZON.MusicCreativeWorkType",
    "AMAZON.MusicEvent",
    "AMAZON.MusicGroup",
    "AMAZON.Musician",
    "AMAZON.MusicPlaylist",
    "AMAZON.MusicRecording",
    "AMAZON.MusicVenue",
    "AMAZON.MusicVideo",
    "AMAZON.Organization",
    "AMAZON.Person",
    "AMAZON.PostalAddress",
    "AMAZON.Professional",
    "AMAZON.ProfessionalType",
    "AMAZON.RadioChannel",
    "AMAZON.Region",
    "AMAZON.RelativePosition",
    "AMAZON.Residence",
    "AMAZON.Room",
    "AMAZON.ScreeningEvent",
    "AMAZON.Service",
    "AMAZON.SocialMediaPlatform",
    "AMAZON.SoftwareApplication",
    "AMAZON.SoftwareGame",
    "AMAZON.Sport",
    "AMAZON.SportsEvent",
    "AMAZON.SportsTeam",
    "AMAZON.StreetAddress",
    "AMAZON.StreetName",
    "AMAZON.TelevisionChannel",
    "AMAZON.TVEpisode",
    "AMAZON.TVSeason",
    "AMAZON.TVSeries",
    "AMAZON.US_CITY",
    "AMAZON.US_FIRST_NAME",
    "AMAZON.US_STATE",
    "AMAZON.VideoGame",
    "AMAZON.VisualModeTrigger",
    "AMAZON.WeatherCondition",
    "AMAZON.WrittenCreativeWorkType",
)
#: Every built-in slot type this version knows of, in any locale.
BUILTIN_SLOT_TYPES: Final = frozenset((*_DATA_TYPES, *_PHRASE_TYPES, *_LIST_TYPES))

_PREFIX: Final = "AMAZON."
#: The built-in types whose values each annotation converts (`alexaskill.slots`); any other
#: built-in type's values never convert to it. (A custom type's values may be anything.)
_CONVERTS: Final[dict[Any, frozenset[str]]] = {
    int: frozenset(("AMAZON.NUMBER", "AMAZON.FOUR_DIGIT_NUMBER", "AMAZON.Ordinal")),
    datetime.date: frozenset(("AMAZON.DATE",)),
    AlexaDate: frozenset(("AMAZON.DATE",)),
    datetime.time: frozenset(("AMAZON.TIME",)),
    AlexaTime: frozenset(("AMAZON.TIME",)),
    datetime.timedelta: frozenset(("AMAZON.DURATION",)),
    AlexaDuration: frozenset(("AMAZON.DURATION",)),
}
_CONVERTS[float] = _CONVERTS[int]
#: Digits said one by one, or letters and digits: they may convert to a number, or not.
_MAYBE_NUMBERS: Final = frozenset(("AMAZON.PhoneNumber", "AMAZON.AlphaNumeric"))


def meant_slot_type(name: str) -> str | None:
    """The built-in slot type ``name`` misspells, if any (`alexaskill.typos.meant`): the same
    but for case or underscores, or a slip within a word.

    No looser: Amazon adds types, and a new one may look like a known one ("StreetNumber"), or
    differ from one in its country alone (AT_CITY, DE_CITY: another word, no slip).
    """
    if name in BUILTIN_SLOT_TYPES or name[: len(_PREFIX)].upper() != _PREFIX:
        return None
    # Compared without the AMAZON. they all share: with it, a short name is alike enough to
    # any (AMAZON.Rating 0.86 of AMAZON.DURATION, Device of Service), and a new type of
    # Amazon's would be refused at registration for a typo.
    types = {known[len(_PREFIX) :]: known for known in BUILTIN_SLOT_TYPES}
    rest = name[len(_PREFIX) :]
    found = rest if rest in types else meant(rest, types, cutoff=NAME_OF_WORDS)  # (amazon.City)
    said, theirs = (each.casefold().replace("_", "") for each in (rest, found or ""))
    if found is None or (len(theirs) > len(said) + 1 and said in theirs):
        # Not a word left out: a name whole in a longer type's is a more general type, which
        # Amazon names so (Movie, MovieSeries): AMAZON.Series may come, as TVSeries did.
        return None
    country, _, kind = rest.casefold().partition("_")
    other = found[:2].casefold()
    if len(country) == 2 and country != other and found.casefold() == f"{other}_{kind}":
        return None  # another country's type of the same kind (BG_CITY, no GB_CITY swapped)
    return types[found]


def check_slot_type(name: str, where: str) -> None:
    """Raise `ConfigurationError` if ``name`` misspells a built-in slot type."""
    meant = meant_slot_type(name)
    if meant is not None:
        raise ConfigurationError(
            f"{where}: {name!r} is not one of Amazon's built-in slot types, so Amazon's build "
            f"refuses it; did you mean {meant}?"
        )


def contradicting_annotation(slot_type: str, annotation: Any) -> str | None:
    """The name of ``annotation`` if values of the built-in ``slot_type`` never convert to it
    (``int`` for AMAZON.DATE), else None."""
    if slot_type not in BUILTIN_SLOT_TYPES:
        return None
    target, _ = unwrap_optional(annotation)
    args = getattr(target, "__args__", None)
    if getattr(target, "__origin__", None) is list and args:
        target = args[0]  # a multiple-value slot: each value converts alike
    if isinstance(target, type) and issubclass(target, enum.Enum):
        return None if _enum_matches(slot_type, target) else target.__name__
    converts = _CONVERTS.get(target)
    if converts is None or slot_type in converts:
        return None
    if target in (int, float) and slot_type in _MAYBE_NUMBERS:
        return None
    return str(getattr(target, "__name__", target))


def converting_annotations(slot_type: str) -> str:
    """The annotations values of the built-in ``slot_type`` convert to, as its handler would
    write them (``datetime.date or AlexaDate``, ``int or float``); "" for a type of words."""
    return " or ".join(
        f"datetime.{target.__name__}" if target.__module__ == "datetime" else target.__name__
        for target, types in _CONVERTS.items()
        if slot_type in types
    )


#: The built-in types whose values are data of one form, by what reads them: an Enum there
#: matches a value only by a member named or valued like one ("MO" for AMAZON.TIME).
_VALUES_AS: Final[dict[str, type]] = {
    "AMAZON.DATE": AlexaDate,
    "AMAZON.TIME": AlexaTime,
    "AMAZON.DURATION": AlexaDuration,
    "AMAZON.NUMBER": float,
    "AMAZON.FOUR_DIGIT_NUMBER": int,
    "AMAZON.Ordinal": int,
}


def _enum_matches(slot_type: str, cls: type[enum.Enum]) -> bool:
    """Whether a value of the built-in ``slot_type`` may match a member of ``cls`` (its name or
    value, ignoring case, as `alexaskill.slots` matches them); True for a type of words."""
    form = _VALUES_AS.get(slot_type)
    if form is None:
        return True
    read = converter_for("contradicting_annotation", "value", form)
    keys = {str(key) for name, member in cls.__members__.items() for key in (name, member.value)}
    return any(
        read(Slot(name="value", value=said)) is not MISSING
        for key in keys
        for said in (key, key.upper())
    )


#: How Alexa writes a value of each type of `_VALUES_AS` (Amazon's "Slot Type Reference").
_SENT_AS: Final = {
    "AMAZON.DATE": 'as a date in ISO 8601 or Amazon\'s forms ("2015-11-25", "2015-W48", '
    '"2015-W48-WE", "2015-11", "2015-WI", "2015", "201X", "PRESENT_REF")',
    "AMAZON.TIME": 'as a clock time or a part of the day ("14:30", "MO", "AF", "EV", "NI")',
    "AMAZON.DURATION": 'as an ISO 8601 duration ("PT10M", "P2Y", "P1DT2H")',
    "AMAZON.NUMBER": 'in digits ("5", "-3", "2.5"; "?" for a number it did not understand)',
    "AMAZON.FOUR_DIGIT_NUMBER": 'in digits ("1234")',
    "AMAZON.Ordinal": 'in digits ("3" for "third")',
}


def form_missed(slot_type: str, value: str) -> str | None:
    """How Alexa writes a value of ``slot_type`` (a built-in type of data: a number, a date, a
    time, a duration) when ``value`` is not written so ("five" for AMAZON.NUMBER, which Alexa
    sends as "5"); None when it is, or when the type takes words."""
    form = _VALUES_AS.get(slot_type)
    if form is None or (slot_type == "AMAZON.NUMBER" and value == "?"):
        return None
    read = converter_for("form_missed", "value", form)
    if read(Slot(name="value", value=value)) is not MISSING:
        return None
    return _SENT_AS[slot_type]
