"""What the tests of alexaskill's exception classes share (tests/test_exceptions*.py): every
module of the package imported (`import_every_module`), to see every class it defines or
exports."""

from __future__ import annotations

import importlib
import pkgutil
import sys

import alexaskill


def import_every_module() -> set[str]:
    """Import every module of alexaskill that imports here; the modules left out: those needing
    a package that is not installed (an optional extra's)."""
    left_out: set[str] = set()
    for module in pkgutil.walk_packages(alexaskill.__path__, "alexaskill."):
        try:
            importlib.import_module(module.name)
        except ModuleNotFoundError as missing:
            if (missing.name or "alexaskill").partition(".")[0] == "alexaskill":
                raise
            left_out.add(module.name)
    return left_out


def exported_exceptions() -> dict[str, tuple[str, type[BaseException]]]:
    """Each exception class a module of alexaskill exports (names in its ``__all__``), by its
    name: the module exporting it (of several, the one with the shortest name: the package's
    ``alexaskill.simulator``, not its ``model_source``), and the class."""
    import_every_module()
    found: dict[str, tuple[str, type[BaseException]]] = {}
    for name, module in sorted(sys.modules.items(), key=lambda item: (len(item[0]), item[0])):
        if name != "alexaskill" and not name.startswith("alexaskill."):
            continue
        for exported in getattr(module, "__all__", ()):
            value = getattr(module, exported, None)
            if isinstance(value, type) and issubclass(value, BaseException):
                found.setdefault(exported, (name, value))
    return found
