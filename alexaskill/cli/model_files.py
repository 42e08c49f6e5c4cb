"""The model files ``alexaskill model`` writes: ``--output`` checked (a directory's name is
refused), every file written whole or none, and a path that cannot be written said in one
line (a directory, a path under a file)."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from ..shown_names import shown
from .common import UsageError

__all__ = ["check_output", "write_all"]


def check_output(output: str | None, locale: str) -> None:
    """A usage error for an ``--output`` that names a directory: one that exists, or a name
    ending in a slash (``models/``), which `Path` would drop, writing a file of the directory's
    name or replacing the file ``taken.json/`` names."""
    if output is not None and output != "-" and os.path.isdir(output):
        raise UsageError(
            f"cannot write {shown(output)}: it is a directory (--output-dir {output} writes "
            f"{locale}.json in it)"
        )
    if output is None or not output.endswith(("/", os.sep)):
        return
    folder = output.rstrip("/" + os.sep) or output
    if os.path.lexists(folder) and not os.path.isdir(folder):  # (no folder to name: a file)
        raise UsageError(
            f"--output {shown(output)}: a directory's name (it ends in a slash), but "
            f"{shown(folder)} is a file: give a file's name without the slash"
        )
    raise UsageError(
        f"--output {shown(output)}: a directory's name (it ends in a slash): give the file, "
        f"{os.path.join(folder, locale + '.json')}, or --output-dir {folder}"
    )


def write_all(texts: dict[Path, str]) -> None:
    """Write each file of ``texts``, or none (`UsageError` naming the one that failed).

    Each goes to a temporary file beside it first; once all are written, each is renamed over
    its target (`os.replace`). A file is so never seen half-written, by a reader (the ASK CLI
    deploying) or after a crash or a full disk, and a file that cannot be written (a folder in
    its place) leaves the others as they were. (A rename failing after others were made, the
    only way to be left with some files new, needs the directory to change meanwhile.)

    An output that is no regular file (``/dev/stdout``, ``/dev/null``, a pipe) is written to
    once every temporary file is ready: a file renamed over it would replace the device or pipe
    itself (``/dev/null`` with a file, for root). So is a file the user may write in a folder
    they may not (no temporary file can be made beside it).
    """
    temps: dict[Path, str] = {}
    streams: dict[Path, str] = {}
    try:
        for output, text in texts.items():
            try:
                if not stat.S_ISREG(os.stat(output).st_mode) and not output.is_dir():
                    streams[output] = text
                    continue
            except OSError as exc:
                if exc.errno == errno.ELOOP and os.path.islink(output):
                    # realpath gives a loop's own path back: the link would be replaced.
                    raise UsageError(
                        f"cannot write {shown(str(output))}: a symbolic link that loops "
                        f"({exc.strerror})"
                    ) from None
            target = Path(os.path.realpath(output))  # a symlink's file, as writing in place did
            try:
                target.parent.mkdir(parents=True, exist_ok=True)  # skill-package/…/custom
                if target.is_dir():
                    raise IsADirectoryError(f"{output} is a directory")
                mode = target.stat().st_mode & 0o777 if target.exists() else _new_file_mode()
                try:
                    fd, temps[target] = tempfile.mkstemp(
                        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
                    )
                except PermissionError:
                    if not (target.is_file() and os.access(target, os.W_OK)):
                        raise
                    streams[target] = text  # a folder we may not write in: the file in place
                    continue
                with os.fdopen(fd, "w", encoding="utf-8") as file:
                    file.write(text)
                    file.flush()
                    os.fsync(file.fileno())
                os.chmod(temps[target], mode)  # mkstemp's is 0o600
            except (FileExistsError, NotADirectoryError):  # a parent that is no folder
                raise UsageError(
                    f"cannot write {shown(str(output))}: {_blocking(output)}"
                ) from None
            except IsADirectoryError:
                raise UsageError(f"cannot write {shown(str(output))}: it is a directory") from None
            except OSError as exc:
                raise UsageError(
                    f"cannot write {shown(str(output))}: {exc.strerror or exc}"
                ) from None
        for output, text in streams.items():
            try:
                with open(output, "w", encoding="utf-8") as stream:
                    stream.write(text)
            except OSError as exc:
                raise UsageError(
                    f"cannot write {shown(str(output))}: {exc.strerror or exc}"
                ) from None
        for target, temp in list(temps.items()):
            try:
                os.replace(temp, target)
            except OSError as exc:
                raise UsageError(
                    f"cannot write {shown(str(target))}: {exc.strerror or exc}"
                ) from None
            del temps[target]
    finally:
        for temp in temps.values():
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _new_file_mode() -> int:
    """The permissions a new file gets: 0o666 less the umask (``open`` gives the same)."""
    import os

    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _blocking(output: Path) -> str:
    """Why the folder of ``output`` cannot be made: the first of its parents that is a file (or
    is no folder), or cannot be looked at (a symbolic link to itself)."""
    for parent in reversed(output.parents):
        try:
            mode = os.stat(parent).st_mode
        except FileNotFoundError:
            break
        except OSError as exc:  # (ELOOP: a link to itself)
            return f"{shown(str(parent))}: {exc.strerror or exc}"
        if not stat.S_ISDIR(mode):
            return f"{shown(str(parent))} is a file, not a directory"
    return "its folder cannot be made"
