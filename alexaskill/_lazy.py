"""`lazy_names`: a package's ``__getattr__`` and ``__dir__`` (PEP 562) that import each of its
names from the module defining it when first asked for.

Imports nothing but `importlib`: a package whose names it gives costs only what is asked of it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    namespace: dict[str, Any], modules: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of the package whose ``globals()`` is ``namespace``:
    a name of ``modules`` is imported from the submodule it maps to, and set in ``namespace`` (so
    asked once); any other name is an `AttributeError`. ``dir`` lists the names the package has
    and its ``__all__``, imported or not.

    The package still imports its names under ``TYPE_CHECKING`` for mypy and readers.
    """
    package: str = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value  # (asked once)
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *namespace["__all__"]})

    return __getattr__, __dir__
