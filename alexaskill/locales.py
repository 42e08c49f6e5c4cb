"""Declarations per locale: ``utterances={"en-US": [...], "de-DE": [...]}`` and the like.

What users say differs by language, so sample utterances, slot samples and custom slot type
values may be given per locale. A key is a locale (``"de-DE"``) or a language (``"de"``, for
every locale of it); a plain list, without keys, is written in the skill's source language and
serves every locale of that language (every locale at all, for a skill that declares none).
Looking up a locale tries the locale, then its language, then the plain list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, Generic, TypeVar

from .articles import type_with_article
from .exceptions import ConfigurationError
from .shown_names import shown_value

__all__ = [
    "ALEXA_LOCALES",
    "DEFAULT_LOCALE",
    "PerLocale",
    "check_locale",
    "is_locale",
    "language_of",
    "locale_problem",
    "nearest_locale",
]

T = TypeVar("T")

#: The locale of the source text when a skill names none (its `Translations` may).
DEFAULT_LOCALE: Final = "en-US"
#: The locales a custom skill can have, from Amazon's "Develop Skills in Multiple Languages":
#: https://developer.amazon.com/en-US/docs/alexa/custom-skills/develop-skills-in-multiple-languages.html
#: (Austria and New Zealand, say, are served by de-DE and en-AU: requests never carry theirs.)
ALEXA_LOCALES: Final = frozenset(
    (
        "ar-SA",
        "de-DE",
        "en-AU",
        "en-CA",
        "en-GB",
        "en-IN",
        "en-US",
        "es-ES",
        "es-MX",
        "es-US",
        "fr-CA",
        "fr-FR",
        "hi-IN",
        "it-IT",
        "ja-JP",
        "nl-NL",
        "pt-BR",
    )
)
_LANGUAGES: Final = frozenset(locale.partition("-")[0] for locale in ALEXA_LOCALES)
#: What a locale's parts are mistaken for: a language's English name, the UK's usual code.
_LANGUAGE_NAMES: Final = {
    "arabic": "ar",
    "dutch": "nl",
    "english": "en",
    "french": "fr",
    "german": "de",
    "hindi": "hi",
    "italian": "it",
    "japanese": "ja",
    "portuguese": "pt",
    "spanish": "es",
}
_COUNTRIES: Final = {"UK": "GB"}
_LOCALE: Final = re.compile(r"[a-z]{2,3}-(?:[A-Z]{2}|[0-9]{3})")


def locale_problem(name: object, *, language: bool = False) -> str | None:
    """Why ``name`` is no locale of Alexa's (with ``language``: nor one of its languages, "de"),
    with the nearest one; None when it is one."""
    said = f"{shown_value(name)} is not a locale Alexa supports"
    if not isinstance(name, str):  # (a list or dict given is no key to look up)
        return said
    if name in ALEXA_LOCALES or (language and name in _LANGUAGES):
        return None
    meant = nearest_locale(name, language=language)
    if meant is not None and "-" in meant:
        return f"{said}; did you mean {meant}?"
    if meant is not None:
        return f"{said}; did you mean {meant!r}, for every locale of that language?"
    code = _language_code(name)
    if code in _LANGUAGES:
        same = sorted(locale for locale in ALEXA_LOCALES if language_of(locale) == code)
        return f"{said}; its locales of that language: {', '.join(same)}"
    return f"{said}; they are {', '.join(sorted(ALEXA_LOCALES))}"


def _language_code(name: str) -> str:
    head = name.strip().replace("_", "-").partition("-")[0]
    return _LANGUAGE_NAMES.get(head.casefold(), head.casefold())


def nearest_locale(name: str, *, language: bool = False) -> str | None:
    """The locale of Alexa's (with ``language``: or the language) ``name`` was most likely
    meant to be, written otherwise: "en-GB" for "en_UK" or "en-gb", "de" for "German"; None
    when ``name`` is one already, or is none of them (``de-AT``: only a country Alexa serves
    with another locale)."""
    if name in ALEXA_LOCALES or (language and name in _LANGUAGES):
        return None
    code = _language_code(name)
    country = name.strip().replace("_", "-").partition("-")[2].upper()
    meant = f"{code}-{_COUNTRIES.get(country, country)}"
    if meant in ALEXA_LOCALES:
        return meant
    if language and not country and code in _LANGUAGES:
        return code
    return None


def check_locale(name: object, where: str, *, language: bool = False) -> None:
    """Raise `ConfigurationError` (``where``: the problem) if `locale_problem` finds one."""
    problem = locale_problem(name, language=language)
    if problem is not None:
        raise ConfigurationError(f"{where}: {problem}")


def is_locale(name: str) -> bool:
    """Whether ``name`` is a whole locale ("de-DE"), not a language alone ("de")."""
    return _LOCALE.fullmatch(name) is not None


def language_of(locale: str) -> str:
    """The language of ``locale``: "de" for "de-DE"."""
    return locale.partition("-")[0]


@dataclass(frozen=True, slots=True)
class PerLocale(Generic[T]):
    """Items for every locale (``common``, the plain list) and per locale or language."""

    common: tuple[T, ...] = ()
    by_locale: Mapping[str, tuple[T, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        value: Iterable[object] | Mapping[str, Iterable[object]],
        convert: Callable[[object], T],
        where: str,
    ) -> PerLocale[T]:
        """A plain list, or a mapping from locale (or language) to a list; each item converted."""
        if isinstance(value, str):
            raise ConfigurationError(f"{where} must be a list of strings, not a string")
        if not isinstance(value, Mapping):
            if not isinstance(value, Iterable):
                raise ConfigurationError(
                    f"{where} must be a list of strings (or a dict by locale), not "
                    f"{type_with_article(value)}"
                )
            _ordered(value, where)
            return cls(tuple(convert(item) for item in value))
        by_locale: dict[str, tuple[T, ...]] = {}
        for key, items in value.items():
            check_locale(
                key, f"{where} (keys are locales like 'de-DE', or a language: 'de')", language=True
            )
            if isinstance(items, str) or not isinstance(items, Iterable):
                raise ConfigurationError(
                    f"{where}[{key!r}] must be a list of strings, not {type_with_article(items)}"
                )
            _ordered(items, f"{where}[{key!r}]")
            by_locale[key] = tuple(convert(item) for item in items)
        return cls((), by_locale)

    def __bool__(self) -> bool:
        return bool(self.common or self.by_locale)

    def everything(self) -> tuple[T, ...]:
        """Every item, whatever its locale (for checks that hold in any language)."""
        return self.common + tuple(item for items in self.by_locale.values() for item in items)

    def own(self, locale: str) -> tuple[T, ...] | None:
        """The items declared for ``locale`` or its language, None when neither has any."""
        found = self.by_locale.get(locale)
        if found is None:
            found = self.by_locale.get(language_of(locale))
        return found

    def get(self, locale: str) -> tuple[T, ...] | None:
        """The items for ``locale``: its own, else the plain list, else None."""
        found = self.own(locale)
        if found is None and self.common:
            found = self.common
        return found

    @property
    def keys(self) -> tuple[str, ...]:
        """The locales and languages given items of their own."""
        return tuple(self.by_locale)


def _ordered(items: Iterable[object], where: str) -> None:
    """Refuse a set: its order changes from run to run, and so would the model written."""
    if isinstance(items, set | frozenset):
        raise ConfigurationError(
            f"{where} are a set, whose order changes from run to run (and so the model written "
            "from them): give a list, e.g. sorted(...)"
        )
