"""What the invocation name tests share (tests/test_invocation.py and
test_invocation_japanese.py): the warnings of a name that builds, and the warning of a launch
phrase that only certification refuses."""

from __future__ import annotations

from alexaskill.interaction.invocation import invocation_name_warnings, invocation_problems


def _warnings_only(name: str, locale: str) -> list[str]:
    """The warnings of the invocation name ``name`` in ``locale``, which builds (no problem)."""
    assert invocation_problems(name, locale) == []
    return invocation_name_warnings(name, locale)


def _launch_phrase_warning(name: str, phrase: str) -> str:
    """The warning of a launch phrase in ``name`` that only certification refuses."""
    return (
        f"invocation name {name!r}: must not contain the launch phrase {phrase!r} (Amazon's "
        "invocation name requirements: the model builds, but certification refuses it)"
    )
