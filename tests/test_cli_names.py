"""The names the ``alexaskill`` command's modules define: one meaning each."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict

import pytest

import alexaskill.cli as cli
from alexaskill.cli.common import UsageError

#: What every command's module defines (`alexaskill.cli._COMMANDS`): one name, one role.
_COMMAND_INTERFACE = {"add_parser", "run"}


def test_no_two_modules_of_the_command_define_a_public_name_for_different_things() -> None:
    # replay_url.check_url(url) (a URL httpx can send to, returned) and endpoint.check_url(url,
    # *, allow_local) (Alexa's https endpoint, or http to this machine) shared a name: an
    # import of the one meant the other's check.
    defined: defaultdict[str, list[str]] = defaultdict(list)
    for found in pkgutil.iter_modules(cli.__path__):
        module = importlib.import_module(f"{cli.__name__}.{found.name}")
        for name, value in vars(module).items():
            own = getattr(value, "__module__", None) == module.__name__
            if own and (inspect.isfunction(value) or inspect.isclass(value)):
                defined[name].append(found.name)
    twice = {
        name: modules
        for name, modules in defined.items()
        if len(modules) > 1 and not name.startswith("_") and name not in _COMMAND_INTERFACE
    }
    assert twice == {}


@pytest.mark.parametrize(
    ("url", "allow_local", "said"),
    [
        ("http://127.0.0.1:8000/", False, "Alexa only calls https:// endpoints"),
        ("http://example.com/", True, "only to a loopback address"),
    ],
    ids=["http", "http-not-local"],
)
def test_the_endpoint_url_check_is_alexas_rules(url: str, allow_local: bool, said: str) -> None:
    from alexaskill.cli.endpoint import check_endpoint_url

    with pytest.raises(UsageError, match=said):
        check_endpoint_url(url, allow_local=allow_local)
    check_endpoint_url("https://example.com/alexa", allow_local=False)
    check_endpoint_url("http://[::1]:8000/", allow_local=True)
