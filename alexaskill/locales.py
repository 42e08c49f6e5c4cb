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

from .exceptions import ConfigurationError

__all__ = ["DEFAULT_LOCALE", "PerLocale", "is_locale", "language_of"]

T = TypeVar("T")

#: The locale of the source text when a skill names none (its `Translations` may).
DEFAULT_LOCALE: Final = "en-US"
_KEY: Final = re.compile(r"[a-z]{2,3}(?:-(?:[A-Z]{2}|[0-9]{3}))?")
_LOCALE: Final = re.compile(r"[a-z]{2,3}-(?:[A-Z]{2}|[0-9]{3})")


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
            return cls(tuple(convert(item) for item in value))
        by_locale: dict[str, tuple[T, ...]] = {}
        for key, items in value.items():
            if not isinstance(key, str) or _KEY.fullmatch(key) is None:
                raise ConfigurationError(
                    f"{where}: {key!r} is not a locale; keys are locales like 'de-DE' (or a "
                    "language, 'de', for all its locales)"
                )
            if isinstance(items, str):
                raise ConfigurationError(f"{where}[{key!r}] must be a list of strings")
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
