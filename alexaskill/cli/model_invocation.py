"""The invocation name ``alexaskill model`` takes, without ``--invocation``, from a model file
already written: the one it is about to replace, else the ASK CLI project's in the current
directory (``skill-package/interactionModels/custom/LOCALE.json``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..shown_names import shown

#: Where the ASK CLI keeps a skill's models, one LOCALE.json each (relative to the project).
PROJECT_MODELS = Path("skill-package", "interactionModels", "custom")


def known_invocations(
    locales: Sequence[str], *, output: str | None, output_dir: str | None
) -> dict[str, tuple[str, Path]]:
    """Each locale's invocation name found in a model file, with that file: ``output`` (a file
    for the first locale), else ``output_dir/LOCALE.json``, else the project's LOCALE.json.
    A file that is missing, unreadable, not JSON or holds no name is passed over: the command
    then asks for ``--invocation`` as it did. So is an ``output`` whose name gives another
    locale (``en-US.json`` for de-DE): its name is that locale's, not this one's."""
    from ..understanding import locale_of_file

    found: dict[str, tuple[str, Path]] = {}
    for index, locale in enumerate(locales):
        candidates: list[Path] = []
        ours = output is not None and locale_of_file(output) in (None, locale)
        if output is not None and output != "-" and index == 0 and ours:
            candidates.append(Path(output))
        if output_dir is not None:
            candidates.append(Path(output_dir) / f"{locale}.json")
        candidates.append(PROJECT_MODELS / f"{locale}.json")
        for path in candidates:
            name = _invocation_in(path)
            if name is not None:
                found[locale] = (name, path)
                break
    return found


def _invocation_in(path: Path) -> str | None:
    """``interactionModel.languageModel.invocationName`` of the model file at ``path``."""
    from .common import UsageError
    from .inputs import file_text, one_json

    label = str(path)
    try:
        if not path.is_file():  # (not a pipe or a device named as the output)
            return None
        text = file_text(label, label=label, what="an interaction model file")
        value: object = one_json(text, label, extra=lambda exc: None)
    except (OSError, UsageError):  # (passed over, as a file with no name in it)
        # A key given twice too (one_json refuses it): which of two invocation names was meant
        # is not guessed, and silence costs nothing, as the command then stops asking for
        # --invocation and writes nothing; the file itself is refused, naming the key, where it
        # is read as a model (--check, --model, load_model).
        return None
    for key in ("interactionModel", "languageModel", "invocationName"):
        value = value.get(key) if isinstance(value, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    return value


def taken_from(locale: str, name: str, path: Path) -> str:
    """The line on stderr that says where the invocation name of ``locale`` was taken from."""
    return (
        f"alexaskill model: {locale}: invocation name {name!r} from {shown(str(path))} "
        "(--invocation to change it)\n"
    )
