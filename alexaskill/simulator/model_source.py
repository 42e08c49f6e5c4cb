"""The interaction models the simulator understands the page with: the locales it offers (every
one understood here, or those of a model file or directory), a model file's version (read again
when it changes) and what the page is told of a model that failed."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ..exceptions import SkillError, remade_from_parts
from ..shown_names import not_there, shown

if TYPE_CHECKING:
    from .session import SkillTarget

__all__ = ["DEFAULT_LOCALE", "ModelFileError", "model_problem", "model_version", "offered_locales"]

#: The locale the page starts in, when offered.
DEFAULT_LOCALE: Final = "en-US"


class ModelFileError(SkillError, ValueError):
    """A ``model`` the simulator cannot serve (`with_simulator`, `Simulator`): ``path`` names it
    as given, ``reason`` says why, its message both: ``PATH: REASON`` (the path cut by `shown`),
    or ``said``'s words for the path (``with_simulator(model='')``)."""

    # Below SkillError itself, as CaptureFileError (a file read that is no capture): no
    # ConfigurationError, which is a TypeError, the error with_simulator keeps for an option of
    # the wrong kind; a path it cannot serve is a value, of the right kind. A ValueError still.

    def __init__(self, path: str, reason: str, *, said: str | None = None) -> None:
        super().__init__(f"{shown(path) if said is None else said}: {reason}")
        self.path = path
        self.reason = reason
        self._said = said

    def __reduce__(self) -> tuple[Any, ...]:
        return remade_from_parts(self, self.path, self.reason, said=self._said)


def offered_locales(
    model: Path | None, targets: Sequence[SkillTarget]
) -> tuple[tuple[str, ...], str]:
    """The locales the page offers, and the first: every locale understood here, or those of
    ``model`` (a model file or directory, one skill's: `ModelFileError` if it cannot serve)."""
    from ..understanding import locale_of_file, supported_locales

    understood = supported_locales()
    path = model
    if path is None:
        return understood, DEFAULT_LOCALE
    if len(targets) != 1:
        paths = ", ".join(target.path for target in targets)
        raise ModelFileError(
            str(path), f"a model file is one skill's, and this app serves {len(targets)} ({paths})"
        )
    # os.path's, not pathlib's (Python 3.11), which raise OSError for a name too long for a file
    # (said as the commands say it: `not_there`, the name cut by `shown`)
    if os.path.isdir(path):
        found = sorted(p.stem for p in path.glob("*.json") if locale_of_file(p) is not None)
        if not found:
            raise ModelFileError(str(path), "no <locale>.json model files")
    elif os.path.isfile(path):
        named = locale_of_file(path)
        if named is None:  # not named after a locale: the page chooses
            return understood, DEFAULT_LOCALE
        found = [named]
    else:
        raise ModelFileError(str(path), not_there(str(path), "no such file or directory"))
    locales = tuple(locale for locale in found if locale in understood)
    if not locales:
        raise ModelFileError(
            str(path),
            f"a model for {', '.join(found)}, not a locale understood here "
            f"({', '.join(understood)})",
        )
    return locales, DEFAULT_LOCALE if DEFAULT_LOCALE in locales else locales[0]


def model_version(model: Path, locale: str) -> object:
    """The modification time and size of ``locale``'s model file (None: it cannot be read)."""
    try:
        found = (model / f"{locale}.json" if model.is_dir() else model).stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def model_problem(exc: Exception, locale: str) -> str:
    """What the page is told of a skill's interaction model that failed for ``locale``."""
    problems = getattr(exc, "problems", None)
    text = "; ".join(problems) if problems else str(exc)
    return f"the skill's interaction model for {locale}: {text}"
