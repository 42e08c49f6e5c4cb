"""A skill's catalogs checked as `alexaskill.i18n.Translations` reads them: each directory's
name (a locale or a language of Alexa's), each compiled catalog's ``Plural-Forms`` rule, and what
to say when a language's catalogs serve other regions alone."""

from __future__ import annotations

import gettext
import logging
import re
from importlib.resources.abc import Traversable
from typing import Final

from .exceptions import ConfigurationError
from .locales import locale_problem, nearest_locale

__all__ = ["LOCALE_NAME", "alexa_name", "check_catalog_name", "check_plural", "unreached"]

logger = logging.getLogger("alexaskill")

#: The shape of an Alexa locale ("de-DE") or a language alone ("de"); gettext also writes "_".
LOCALE_NAME: Final = re.compile(r"([a-z]{2,3})(?:[-_]([A-Z]{2}|[0-9]{3}))?")


def alexa_name(name: str) -> str:
    """A catalog's locale (gettext's "de_DE") written as Alexa's ("de-DE")."""
    return name.replace("_", "-")


def check_catalog_name(entry: Traversable) -> bool:
    """Whether to read the catalog in ``entry``, a directory named after a locale or language.

    A name that is one of Alexa's written otherwise (``en_UK``, ``en-us``, ``German``: a typo,
    the catalog would never be used) is a `ConfigurationError`. Any other name no request looks
    for is a warning: one shaped as a locale (``de_AT``, ``pl``) is still read, one that is not
    (``zh_Hans``, ``de_DE@formal``, ``pt_BR.UTF-8``, names gettext and CLDR use) is skipped."""
    name = alexa_name(entry.name)
    problem = locale_problem(name, language=True)
    if problem is None:
        return True
    if nearest_locale(name, language=True) is not None:
        raise ConfigurationError(
            f"translations: catalog directory {entry}: {problem}; no request would ever be "
            "answered from it (name the directory after a locale, de_DE, or a language, de)"
        )
    if LOCALE_NAME.fullmatch(entry.name) is None:
        logger.warning(
            "translations: %s: %s; it is not read (a request looks for a catalog named after "
            "its locale, de_DE, or its language, de)",
            entry,
            problem,
        )
        return False
    logger.warning("translations: %s: %s; no request will ever be answered from it", entry, problem)
    return True


def unreached(locale: str, language: str, locales: tuple[str, ...]) -> str:
    """What to do, for a message, when catalogs of ``locale``'s language are for other regions
    alone (``fr-FR`` for ``fr-CA``, which looks in ``fr_CA`` and ``fr``); else nothing."""
    others = [name for name in locales if name.partition("-")[0] == language]
    if not others:
        return ""
    what = f"the {others[0]} catalog serves {others[0]} requests alone: name its"
    if len(others) > 1:
        what = f"the {', '.join(others)} catalogs serve their own locales alone: name one's"
    own = locale.replace("-", "_")
    return f"; {what} directory {language} to serve every locale of that language, or add {own}"


def check_plural(catalog: gettext.GNUTranslations, compiled: Traversable) -> None:
    """Raise `ConfigurationError` if the catalog's ``Plural-Forms`` rule fails for a count (the
    request would get the apology) or picks a form past ``nplurals`` (the source text, unsaid)."""
    header = catalog.info().get("plural-forms", "")
    forms = re.search(r"nplurals\s*=\s*(\d+)", header)
    for n in (*range(1001), 10**6, 10**9):
        try:
            form = catalog.plural(n)  # type: ignore[attr-defined]
        except ArithmeticError as exc:
            problem = f"fails for n={n} ({exc})"
        else:
            if forms is None or 0 <= form < int(forms.group(1)):
                continue
            problem = f"picks form {form} for n={n}, outside {forms.group(0)}"
        raise ConfigurationError(
            f"translations: {compiled}: its Plural-Forms rule {problem}; fix the header in its "
            ".po and compile it again"
        )
