"""Messages in the request's language: gettext catalogs, chosen per request by its locale.

A skill writes its sentences in its source language and marks them; Babel's ``pybabel`` finds
them and keeps the catalogs (``.po``, compiled to ``.mo``); the standard library's `gettext`
reads the compiled catalogs at run time::

    from alexaskill.i18n import _, ngettext

    @skill.intent("GetWeather")
    def weather(city: str) -> Response:
        return speak(_("It will be sunny in {city}.", city=city))

    skill = Skill(..., translations=Translations(Path(__file__).parent / "locales"))

- **Which catalog.** While a handler or a hook runs, `_` and its kin translate into the
  request's locale with the fallback chain Amazon's locales call for: ``en-GB`` looks in
  ``en_GB``, then ``en``, then the skill's default locale (``en_US``, ``en``), then keeps the
  source text. Outside a request they return the source text.
- **Placeholders** are ``str.format`` fields filled from keywords, after translation, so a
  translator may move them: ``_("{n} days in {city}", n=3, city="Rome")``. ``ngettext`` also
  offers ``{n}``, the count that chose the plural form (by the catalog's ``Plural-Forms``); a
  keyword ``n`` beside the count is a `TypeError`.
  A translation whose placeholders do not match is logged (at start too, as the catalogs are
  read) and the source text is used.
- **Numbers** among the values (`int`, `float`, `Decimal`), and those a field reaches in them
  (``{weather.temp}``), are written as the language of the spoken text writes them: ``3,5`` in
  German, French, Spanish (Spain), Italian, Dutch and Portuguese, as Alexa's voice reads them
  there, and ``{n:,}`` groups ``12.500`` (in French with CLDR's narrow no-break space, U+202F,
  between the groups); ``3.5`` elsewhere. A
  sentence spoken in the source text keeps the default locale's way.
- **SSML** stays correct: a translation is plain text, spoken as written (``speak`` escapes it).
  When a placeholder's value is `Ssml` (``emphasis("sunny")``), the result is `Ssml` in which
  the translated text and the plain values are escaped and the `Ssml` values kept: markup comes
  from code, never from a catalog.
- `N_` marks a sentence for extraction where it is defined (a module constant, a dialog prompt)
  without translating it; ``_(HELP)`` translates it where it is spoken.

The catalog layout is Babel's: ``locales/<locale>/LC_MESSAGES/messages.mo`` with gettext's
locale names (``de_DE``, ``de``; an Alexa-style ``de-DE`` directory works too).
"""

from __future__ import annotations

import gettext as _gettext
import io
import logging
import os
import struct
from collections.abc import Callable, Mapping
from contextvars import ContextVar, Token
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Final

from .exceptions import ConfigurationError
from .i18n_catalogs import LOCALE_NAME, alexa_name, check_catalog_name, check_plural, unreached
from .i18n_forms import warn_empty_forms
from .i18n_numbers import has_numbers, localised, number_marks
from .i18n_placeholders import check_count, describe, differences, fields, fill, misfits
from .locales import ALEXA_LOCALES, check_locale
from .log_repeats import Repeats
from .shown_names import shown_escaped, shown_value

__all__ = [
    "N_",
    "Translations",
    "Translator",
    "_",
    "gettext",
    "locale_chain",
    "ngettext",
    "npgettext",
    "pgettext",
]

logger = logging.getLogger("alexaskill")

#: What to do about a translation that does not fit its placeholders, for the log.
_MEND: Final = "; correct it in the .po and compile it again (pybabel compile)"
#: Seconds between two WARNINGs of one translation that does not fit, as it is spoken (the
#: catalogs' reading said it too): a sentence of every request is not said beside each.
MISFIT_EVERY: Final = 60.0
#: Translators made per locale at most; more distinct locales than this are not cached.
_CACHE_SIZE: Final = 64


def locale_chain(locale: str | None, default: str | None = None) -> tuple[str, ...]:
    """The catalogs to look in for ``locale``, by gettext's names: ``en-GB`` → ``en_GB``,
    ``en``, then the same for ``default``; each once, ill-formed locales left out."""
    chain: list[str] = []
    for name in (locale, default):
        match = LOCALE_NAME.fullmatch(name) if name else None
        if match is None:
            continue
        language, region = match.groups()
        for candidate in (f"{language}_{region}" if region else None, language):
            if candidate is not None and candidate not in chain:
                chain.append(candidate)
    return tuple(chain)


class Translator:
    """The messages of one locale: its catalogs' translations, else the source text.

    Numbers among the values (`int`, `float`, `Decimal`) are written as the language of the
    text spoken writes them: the locale's when a catalog of its language translated the text,
    else ``source_locale``'s (the text is then the source's, or the default locale's catalog's;
    ``own`` is the catalogs of the locale's language alone, to tell which).
    """

    __slots__ = (
        "_catalog",
        "_localises",
        "_marks",
        "_misfits",
        "_own",
        "_source_marks",
        "catalogs",
        "locale",
    )

    def __init__(
        self,
        locale: str,
        catalog: _gettext.NullTranslations,
        catalogs: tuple[str, ...] = (),
        *,
        source_locale: str | None = None,
        own: _gettext.NullTranslations | None = None,
        misfits: Repeats | None = None,
    ) -> None:
        #: The locale asked for ("de-DE"); "" for the source text.
        self.locale = locale
        #: The catalogs looked in, in order (gettext's names: "de_DE", "de").
        self.catalogs = catalogs
        self._catalog = catalog
        #: The WARNINGs of translations that do not fit, each said once a `MISFIT_EVERY` s
        #: (``misfits``: its `Translations`' one, shared by all its translators).
        self._misfits = Repeats(MISFIT_EVERY) if misfits is None else misfits
        self._source_marks = number_marks(source_locale)
        language = alexa_name(locale).partition("-")[0]
        speaks = any(alexa_name(name).partition("-")[0] == language for name in catalogs)
        self._marks = number_marks(locale) if speaks else self._source_marks
        self._own = own if self._marks != self._source_marks else None
        # Whether any number can be written otherwise than Python writes it: not in English, so
        # an English skill's every `_()` skips looking at its values for numbers.
        self._localises = self._marks is not None or self._source_marks is not None

    def __repr__(self) -> str:
        return f"Translator({self.locale!r}, catalogs={self.catalogs!r})"

    def gettext(self, message: str, /, **params: Any) -> str:
        """``message`` translated, its placeholders filled from ``params``."""
        translated = self._catalog.gettext(message)
        return self._fill(translated, message, params, lambda own: own.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        """The form for ``n`` (by the catalog's plural rule), placeholders and ``{n}`` filled."""
        check_count("ngettext", n, params)
        translated = self._catalog.ngettext(singular, plural, n)
        source = singular if n == 1 else plural
        return self._fill(
            translated,
            source,
            {"n": n, **params},
            lambda own: own.ngettext(singular, plural, n),
            always=True,
        )

    def pgettext(self, context: str, message: str, /, **params: Any) -> str:
        """``message`` translated in ``context`` (one word, two meanings), then filled."""
        translated = self._catalog.pgettext(context, message)
        return self._fill(translated, message, params, lambda own: own.pgettext(context, message))

    def npgettext(self, context: str, singular: str, plural: str, n: int, /, **params: Any) -> str:
        """`ngettext` in ``context``."""
        check_count("npgettext", n, params)
        translated = self._catalog.npgettext(context, singular, plural, n)
        source = singular if n == 1 else plural
        return self._fill(
            translated,
            source,
            {"n": n, **params},
            lambda own: own.npgettext(context, singular, plural, n),
            always=True,
        )

    def lookup(self, message: str) -> str | None:
        """The catalogs' translation of ``message``, or None when none has one."""
        translated = self._catalog.gettext(message)
        # gettext hands back the very object it was given when no catalog has the message.
        return None if translated is message else translated

    def _fill(
        self,
        template: str,
        source: str,
        params: Mapping[str, Any],
        own: Callable[[_gettext.NullTranslations], str],
        *,
        always: bool = False,
    ) -> str:
        if template is not source and template != source:
            # A translation names the placeholders of its source ({n} aside in a plural form,
            # `always`: it may leave it out, "ein Tag"). Checked with or without values: an
            # added one would be spoken as "{name}", a dropped one loses what the user asked for.
            added, dropped = differences(fields(template), fields(source), plural=always)
            if added or dropped:
                self._misfits.warn(
                    logger,
                    f"the {self.locale} translation of {shown_value(source)} does not fit its "
                    "placeholders "
                    f"({describe(added, dropped)}); the source text is spoken instead{_MEND}",
                )
                template = source
        if not params and not always:
            return template
        try:
            if self._localises and has_numbers(params):
                marks = self._source_marks if template is source else self._marks
                if self._own is not None and template is not source and own(self._own) is source:
                    marks = self._source_marks  # a catalog of another language translated it
                return fill(template, localised(params, marks))
            return fill(template, params)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
            if template == source:
                raise  # the source text's own mistake: the handler's bug, reported as one
            params = localised(params, self._source_marks) if has_numbers(params) else params
            spoken = fill(source, params)  # (a value the source cannot take: the handler's bug)
            self._misfits.warn(
                logger,
                f"the {self.locale} translation of {shown_value(source)} does not fit its "
                # (the error's text cut: ValueError quotes a format spec whole, a catalog's)
                f"placeholders ({type(exc).__name__}: {shown_escaped(str(exc))}); the source text "
                f"is spoken instead{_MEND}",
            )
            return spoken


#: The translator outside a request, or of a skill without catalogs: the source text.
SOURCE: Final = Translator("", _gettext.NullTranslations())
_current: ContextVar[Translator] = ContextVar("alexaskill_translator", default=SOURCE)


class Translations:
    """A skill's message catalogs: ``directory/<locale>/LC_MESSAGES/<domain>.mo``.

    ``default_locale`` is the locale the source text is written for: requests in a locale
    without a catalog of its own get its catalog (if it has one), else the source text. Every
    catalog is read now; a directory without any, or a ``.po`` not compiled to ``.mo``, is a
    `ConfigurationError` naming the ``pybabel`` command that makes them, as are a directory
    named after a locale or language of Alexa's written otherwise (``en_UK``, ``en-us``,
    ``German``) and a ``default_locale`` that is no locale of Alexa's. A directory named after
    a locale Alexa does not serve (``de_AT``) is read with a warning; one named as no locale
    is written (``zh_Hans``, ``de_DE@formal``) is skipped with a warning.

    ``directory`` is a path, or package data that may be in a zip, as
    ``importlib.resources.files(__package__) / "locales"`` gives it.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | Traversable,
        *,
        domain: str = "messages",
        default_locale: str = "en-US",
    ) -> None:
        self.directory: Path | Traversable = (
            Path(directory) if isinstance(directory, str | os.PathLike) else directory
        )
        self.domain = domain
        # A locale requests carry: the default's model is built and its catalog looked in.
        check_locale(default_locale, "default_locale (a locale is written like 'en-US')")
        self.default_locale = default_locale
        if not self.directory.is_dir():
            raise ConfigurationError(
                f"translations: {self.directory} is not a directory (make the catalogs with "
                f"pybabel init -i messages.pot -d {self.directory} -l de_DE)"
            )
        self._compiled: dict[str, bytes] = {}
        uncompiled: list[str] = []
        seen: dict[str, Traversable] = {}
        for entry in sorted(self.directory.iterdir(), key=lambda entry: entry.name):
            compiled = entry / "LC_MESSAGES" / f"{domain}.mo"
            source = entry / "LC_MESSAGES" / f"{domain}.po"
            if not (compiled.is_file() or source.is_file()):
                continue  # not a catalog's directory (templates, __pycache__)
            if not check_catalog_name(entry):
                continue
            name = entry.name.replace("-", "_")
            if name in seen:
                raise ConfigurationError(
                    f"translations: {seen[name]} and {entry} are one locale's catalogs: only "
                    "one would be read; keep one directory"
                )
            seen[name] = entry
            if compiled.is_file():
                data = compiled.read_bytes()
                try:
                    parsed = _gettext.GNUTranslations(io.BytesIO(data))
                    check_plural(parsed, compiled)
                # (struct.error: a header or table cut short, or pointing past the file)
                except (OSError, ValueError, UnicodeDecodeError, LookupError, struct.error) as exc:
                    raise ConfigurationError(
                        f"translations: {compiled} is not a compiled catalog ({exc}); make it "
                        f"again with pybabel compile -d {self.directory} -D {domain}"
                    ) from exc
                for message, how in misfits(parsed, data):
                    logger.warning(
                        "translations: %s: the translation of %s does not fit its placeholders "
                        "(%s); the source text is spoken instead%s",
                        compiled,
                        shown_value(message),  # (a source text of any length: cut)
                        how,
                        _MEND,
                    )
                self._compiled[name] = data
            elif source.is_file():
                uncompiled.append(str(source))
        if uncompiled:
            raise ConfigurationError(
                f"translations: {', '.join(uncompiled)} not compiled; run pybabel compile -d "
                f"{self.directory} -D {domain}"
            )
        if not self._compiled:
            raise ConfigurationError(
                f"translations: no catalog in {self.directory} (expected "
                f"{self.directory}/<locale>/LC_MESSAGES/{domain}.mo, made by pybabel compile)"
            )
        warn_empty_forms(self._compiled, seen, domain, default_locale)  # (from their .po files)
        self._cache: dict[str | None, Translator] = {}
        # One for all the translators, not one each: past `_CACHE_SIZE` locales a translator
        # is made per request, and one of its own logged each misfit and never counted it.
        # (Each line names its locale: the kinds of two locales never mix.)
        self._misfits = Repeats(MISFIT_EVERY)
        self._single: dict[str, _gettext.GNUTranslations] = {}
        #: The locales whose fallback to the default locale's sentences has been logged.
        self._warned: set[str] = set()

    def __repr__(self) -> str:
        return f"Translations({str(self.directory)!r}, locales={self.locales!r})"

    @property
    def locales(self) -> tuple[str, ...]:
        """The locales and languages with a catalog, Alexa-style: ``("de", "de-DE", "fr-FR")``."""
        return tuple(sorted(alexa_name(name) for name in self._compiled))

    def speaks(self, locale: str) -> bool:
        """Whether a catalog of ``locale``'s own language exists (not only the default's)."""
        return any(name in self._compiled for name in locale_chain(locale))

    def translator(self, locale: str | None) -> Translator:
        """The `Translator` for requests in ``locale`` (None: the default locale's)."""
        cached = self._cache.get(locale)
        if cached is not None:
            return cached
        names = tuple(
            name for name in locale_chain(locale, self.default_locale) if name in self._compiled
        )
        catalog: _gettext.NullTranslations = _gettext.NullTranslations()
        # Each chain reads its own copies: gettext's fallback is a property of the object.
        for name in reversed(names):
            above = _gettext.GNUTranslations(io.BytesIO(self._compiled[name]))
            above.add_fallback(catalog)
            catalog = above
        language = alexa_name(locale or self.default_locale).partition("-")[0]
        own_names = [name for name in names if alexa_name(name).partition("-")[0] == language]
        if (
            locale in ALEXA_LOCALES
            and locale not in self._warned
            and not own_names
            and language != self.default_locale.partition("-")[0]
        ):
            # The documented fallback, said once per locale of Alexa's: a set of its own, as
            # the cache may be full, and bounded (a forged request's locale is never logged).
            self._warned.add(locale)
            logger.warning(
                "translations: no catalog of %s for %s requests (catalogs: %s): their "
                "sentences are the default locale's, %s%s",
                language,
                locale,
                ", ".join(self.locales),
                self.default_locale,
                unreached(locale, language, self.locales),
            )
        own: _gettext.NullTranslations | None = None
        if own_names and len(own_names) < len(names):
            # A translation may come from the default locale's catalogs, in their language.
            own = _gettext.NullTranslations()
            for name in reversed(own_names):
                above = _gettext.GNUTranslations(io.BytesIO(self._compiled[name]))
                above.add_fallback(own)
                own = above
        translator = Translator(
            locale or self.default_locale,
            catalog,
            names,
            source_locale=self.default_locale,
            own=own,
            misfits=self._misfits,
        )
        if len(self._cache) < _CACHE_SIZE:
            self._cache[locale] = translator
        return translator

    def say_unsaid(self) -> None:
        """Say the counts of translations that did not fit still unsaid, those of all its
        translators (at shutdown: their timer ends with the event loop). `Skill.aclose` calls
        it."""
        self._misfits.say_unsaid()

    def lookup(self, message: str, locale: str | None) -> str | None:
        """The translation of ``message`` in a catalog of ``locale``'s own language (not the
        default locale's), or None."""
        for name in locale_chain(locale):
            data = self._compiled.get(name)
            if data is None:
                continue
            catalog = self._single.get(name)
            if catalog is None:
                catalog = self._single[name] = _gettext.GNUTranslations(io.BytesIO(data))
            translated = catalog.gettext(message)
            if translated is not message:
                return translated
        return None

    def activate(self, locale: str | None) -> Token[Translator]:
        """Make `_` and its kin translate into ``locale`` (until `deactivate`)."""
        return _current.set(self.translator(locale))

    @staticmethod
    def deactivate(token: Token[Translator]) -> None:
        """Undo the `activate` that returned ``token``."""
        _current.reset(token)


def gettext(message: str, /, **params: Any) -> str:
    """``message`` in the request's language, its ``{placeholders}`` filled from ``params``."""
    return _current.get().gettext(message, **params)


#: `gettext`, under the name ``pybabel extract`` and translators know.
_ = gettext


def ngettext(singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The singular or a plural form for ``n`` in the request's language, with ``{n}``."""
    return _current.get().ngettext(singular, plural, n, **params)


def pgettext(context: str, message: str, /, **params: Any) -> str:
    """`gettext` with a context, for a source text with two meanings."""
    return _current.get().pgettext(context, message, **params)


def npgettext(context: str, singular: str, plural: str, n: int, /, **params: Any) -> str:
    """`ngettext` with a context."""
    return _current.get().npgettext(context, singular, plural, n, **params)


def N_(message: str, /) -> str:
    """Mark ``message`` for ``pybabel extract`` and return it untranslated."""
    return message
