"""alexaskill.exceptions: the tree its docstring draws, and the built-in kinds it says each error
derives from, are the classes'; the tree names every error below `SkillError` the package
exports, those defined in other modules too (`ModelFileError`, …), and the docstring names the
exception classes it exports outside the tree."""

from __future__ import annotations

import re

import pytest

from alexaskill import exceptions

from .exceptions_shared import exported_exceptions


def _tree_classes() -> dict[str, type[BaseException]]:
    """The classes the tree draws: every one below SkillError a module exports (it drew those of
    exceptions.py alone: ModelFileError, CaptureFileError and InteractionModelError were left
    out)."""
    return {
        name: cls
        for name, (_, cls) in exported_exceptions().items()
        if issubclass(cls, exceptions.SkillError)
    }


def test_the_docstring_draws_each_error_under_its_parent() -> None:
    classes = _tree_classes()
    drawn_elsewhere = {"ModelFileError", "InteractionModelError", "PathTaken", "NoSkillFound"}
    assert {"SlotError", *drawn_elsewhere} <= classes.keys()
    assert set(exceptions.__all__) <= classes.keys()
    drawn: dict[str, str | None] = {}
    above: list[str] = []  # the names drawn last at each depth
    for line in (exceptions.__doc__ or "").splitlines():
        found = re.match(r"^ {4}((?:[│ ] {3})*)(?:[├└]── )?(\w+)", line)
        if found is None or found.group(2) not in classes:
            continue
        depth = len(found.group(1)) // 4 + (1 if "──" in line else 0)
        del above[depth:]
        drawn[found.group(2)] = above[-1] if above else None
        above.append(found.group(2))
    parents = {
        name: next((base.__name__ for base in cls.__bases__ if base.__name__ in classes), None)
        for name, cls in classes.items()
    }
    assert drawn == parents


def test_the_docstring_names_every_exception_class_exported_outside_the_tree() -> None:
    # (UsageError, BadRequest, …: none is a SkillError; each named by the module exporting it)
    outside = {
        f"{module}.{name}"
        for name, (module, cls) in exported_exceptions().items()
        if not issubclass(cls, exceptions.SkillError)
    }
    assert "alexaskill.cli.UsageError" in outside
    doc = exceptions.__doc__ or ""
    assert sorted(name for name in outside if f"`{name}`" not in doc) == []


def test_the_docstring_names_the_one_built_in_kind_each_error_derives_from() -> None:
    # It said "`ResponseError` and `ConfigurationError` also derive from `ValueError` and
    # `TypeError`": each derives from one of them only (a ConfigurationError is no ValueError).
    classes = _tree_classes()
    text = " ".join((exceptions.__doc__ or "").split())
    said = set(re.findall(r"`(\w+)`(?: also derives)? from `(\w+)`", text))
    derived = {
        (name, base.__name__)
        for name, cls in classes.items()
        for base in cls.__bases__
        if base.__module__ == "builtins" and base is not Exception
    }
    assert ("ConfigurationError", "TypeError") in derived
    assert ("ModelFileError", "ValueError") in derived
    assert said == derived


def test_a_configuration_error_is_a_type_error_for_a_wrong_value_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Decided, and said in its docstring: one class for a skill set up wrongly, of the wrong
    # kind or a wrong value, the TypeError it began as (a skill's `except TypeError` keeps
    # catching it); a ValueError besides only where one was raised before (Verifier's options).
    from alexaskill import Skill
    from alexaskill.interaction import InteractionModelError
    from alexaskill.simulator import SkillTarget
    from alexaskill.verify import Verifier

    assert not issubclass(exceptions.ConfigurationError, ValueError)
    assert issubclass(InteractionModelError, exceptions.ConfigurationError)
    monkeypatch.setenv("ALEXASKILL_SKILL_ID", " , ")
    with pytest.raises(exceptions.ConfigurationError, match="names no skill id") as caught:
        SkillTarget("/", Skill("*")).skill_id  # noqa: B018
    assert isinstance(caught.value, TypeError) and not isinstance(caught.value, ValueError)
    with pytest.raises(exceptions.ConfigurationError) as caught:
        Verifier(cache_size=0)
    assert isinstance(caught.value, ValueError)
    assert "ValueError" in (exceptions.ConfigurationError.__doc__ or "")
