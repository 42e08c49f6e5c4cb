"""alexaskill.exceptions: the tree its docstring draws, and the built-in kinds it says each error
derives from, are the classes'."""

from __future__ import annotations

import re

from alexaskill import exceptions

_CLASSES: dict[str, type[BaseException]] = {
    name: getattr(exceptions, name) for name in exceptions.__all__
}


def test_the_docstring_draws_each_error_under_its_parent() -> None:
    drawn: dict[str, str | None] = {}
    above: list[str] = []  # the names drawn last at each depth
    for line in (exceptions.__doc__ or "").splitlines():
        found = re.match(r"^ {4}((?:[│ ] {3})*)(?:[├└]── )?(\w+)", line)
        if found is None or found.group(2) not in _CLASSES:
            continue
        depth = len(found.group(1)) // 4 + (1 if "──" in line else 0)
        del above[depth:]
        drawn[found.group(2)] = above[-1] if above else None
        above.append(found.group(2))
    parents = {
        name: next((base.__name__ for base in cls.__bases__ if base.__name__ in _CLASSES), None)
        for name, cls in _CLASSES.items()
    }
    assert drawn == parents


def test_the_docstring_names_the_one_built_in_kind_each_error_derives_from() -> None:
    # It said "`ResponseError` and `ConfigurationError` also derive from `ValueError` and
    # `TypeError`": each derives from one of them only (a ConfigurationError is no ValueError).
    text = " ".join((exceptions.__doc__ or "").split())
    said = set(re.findall(r"`(\w+)`(?: also derives)? from `(\w+)`", text))
    derived = {
        (name, base.__name__)
        for name, cls in _CLASSES.items()
        for base in cls.__bases__
        if base.__module__ == "builtins" and base is not Exception
    }
    assert derived == {("ResponseError", "ValueError"), ("ConfigurationError", "TypeError")}
    assert said == derived
