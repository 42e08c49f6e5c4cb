"""The names `alexaskill.testing` and `alexaskill.verify` give, imported from their modules when
first asked for (`alexaskill._lazy`): each package is checked in a Python of its own, where
nothing has imported them yet."""

from __future__ import annotations

from typing import Any

import pytest

from .fresh_python import run_fresh

#: What a fresh Python reports of ``{package}``: what importing it loaded, what ``dir`` lists
#: before any name is asked for, what asking for ``{name}`` loaded, and an unknown name's error.
_ASKED = """
import importlib, json, sys
package = importlib.import_module({package!r})
loaded = lambda: sorted(m for m in sys.modules if m.startswith({package!r} + "."))
before = loaded()
listed = dir(package)
value = getattr(package, {name!r})
try:
    package.Nope
except AttributeError as exc:
    error = str(exc)
print(json.dumps({{
    "before": before,
    "listed": sorted(set(package.__all__) - set(listed)),
    "after": loaded(),
    "kept": package.__dict__.get({name!r}) is value,
    "defined_in": getattr(value, "__module__", None),
    "error": error,
}}))
"""


def _asked(package: str, name: str) -> dict[str, Any]:
    return run_fresh(_ASKED.format(package=package, name=name))


@pytest.mark.parametrize(
    ("package", "name", "module"),
    [
        ("alexaskill.testing", "RequestFactory", "requests"),
        ("alexaskill.verify", "check_timestamp", "timestamp"),
    ],
)
def test_a_name_is_imported_from_its_module_when_first_asked_for(
    package: str, name: str, module: str
) -> None:
    said = _asked(package, name)
    # `alexaskill request` imports the request builders without the test client, and a
    # timestamp's check without the chain, the signature and the Verifier.
    assert f"{package}.client" not in said["after"] and f"{package}.verifier" not in said["after"]
    assert f"{package}.{module}" not in said["before"]
    assert f"{package}.{module}" in said["after"]
    assert said["defined_in"] == f"{package}.{module}"
    assert said["kept"] is True  # (looked up once: the package's own name from then on)
    assert said["listed"] == []  # dir() lists every public name before any is imported
    assert said["error"] == f"module {package!r} has no attribute 'Nope'"


def test_a_private_name_the_tests_import_from_verify_is_given_too() -> None:
    import alexaskill.verify
    from alexaskill.verify import _certifi_roots
    from alexaskill.verify.chain import _certifi_roots as defined

    assert _certifi_roots is defined
    assert "_certifi_roots" not in alexaskill.verify.__all__


def test_the_helper_imports_nothing_of_its_own() -> None:
    # Each package that gives its names through it is imported for a part of them: the helper
    # must not bring what the lazy names were kept from (AWS Lambda's cold start, `request`).
    code = (
        "import json, sys, alexaskill; before = set(sys.modules); import alexaskill._lazy; "
        "print(json.dumps({'loaded': sorted(set(sys.modules) - before)}))"
    )
    said = run_fresh(code)
    # (importlib, frozen in the interpreter: what the packages imported themselves before)
    loaded = [m for m in said["loaded"] if m.split(".")[0] != "importlib"]
    assert loaded == ["alexaskill._lazy"], said
