"""Handler annotations that cannot be evaluated (a missing attribute, one that raises, a quoted
name inside one) and the mistakes of an app file named otherwise than a module: each a
`ConfigurationError` at registration that names the handler, the parameter and, where it can, the
name meant. (Split from tests/test_handler_signature.py.)"""

from __future__ import annotations

import datetime
import enum
from pathlib import Path
from typing import Any, Optional

import pytest

from alexaskill import ConfigurationError, Response, Skill, speak
from alexaskill.testing import TestClient

from .cli_run import run
from .conftest import SKILL_ID
from .skill_modules import skill_module


def test_an_annotation_naming_a_missing_attribute_names_the_parameter() -> None:
    # `datetime.dat` for `datetime.date`: registration raised the AttributeError itself ("module
    # 'datetime' has no attribute 'dat'"), naming neither the handler nor the parameter.
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:

        @skill.intent("Book")
        def book(when: datetime.dat) -> Response:  # type: ignore[name-defined]
            return speak(str(when))

    message = str(caught.value)
    assert "book: parameter 'when' is annotated datetime.dat" in message
    assert "module 'datetime' has no attribute 'dat'" in message
    assert "did you mean date?" in message
    assert not skill.registry.handlers


def test_an_annotation_that_raises_when_evaluated_names_the_parameter() -> None:
    skill = Skill(SKILL_ID)
    with pytest.raises(ConfigurationError) as caught:

        @skill.intent("Book")
        def book(count: 1 / 0) -> Response:  # type: ignore[valid-type]
            return speak(str(count))

    message = str(caught.value)
    assert "book: parameter 'count' is annotated 1 / 0, which cannot be evaluated" in message
    assert "division by zero" in message


def test_quoted_names_inside_annotations_are_evaluated_as_the_annotation_is() -> None:
    # `Optional["Size"]`, `list["Size"]`, `"Size"` (a name quoted, as forward references are
    # written): the quoted part stayed a string or a ForwardRef, and registration said the
    # type "cannot be filled from a slot; supported: ... an Enum with str values", which it is.
    skill = Skill(SKILL_ID)
    got: list[Any] = []

    @skill.intent("Order")
    def order(
        size: Optional["_QuotedSize"] = None,  # noqa: UP037, UP045
        sizes: list["_QuotedSize"] | None = None,  # noqa: UP037
        first: "_QuotedSize | None" = None,  # noqa: UP037
    ) -> Response:
        got.append((size, sizes, first))
        return speak("Ordered.")

    with TestClient(skill) as client:
        client.intent("Order", size="large", sizes=["small", "large"], first="small")
    assert got == [(_QuotedSize.LARGE, [_QuotedSize.SMALL, _QuotedSize.LARGE], _QuotedSize.SMALL)]

    with pytest.raises(ConfigurationError) as caught:

        @Skill(SKILL_ID).intent("Pick")
        def pick(size: Optional["_QuotedSise"] = None) -> Response:  # type: ignore[name-defined]  # noqa: F821, UP037, UP045
            return speak("Picked.")

    message = str(caught.value)
    assert "pick: parameter 'size' is annotated" in message
    assert "did you mean _QuotedSize?" in message


class _QuotedSize(enum.Enum):
    SMALL = "small"
    LARGE = "large"


def test_a_quoted_name_inside_an_annotation_that_raises_names_the_parameter() -> None:
    # The quoted part is evaluated on its own (Optional["datetime.dat"]): what it raises is
    # said as for an annotation evaluated whole, with the handler, the parameter and a guess.
    with pytest.raises(ConfigurationError) as caught:

        @Skill(SKILL_ID).intent("Book")
        def book(when: Optional["datetime.dat"] = None) -> Response:  # type: ignore[name-defined]  # noqa: UP037, UP045
            return speak(str(when))

    message = str(caught.value)
    assert "book: parameter 'when' is annotated" in message
    assert "which cannot be evaluated: module 'datetime' has no attribute 'dat'" in message
    assert "did you mean date?" in message


def test_a_mistake_in_an_app_file_named_otherwise_than_a_module_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `alexaskill model my-skill.py:skill` imports the file as module `_alexaskill_app` (its
    # name is no identifier): the error named "_alexaskill_app.order", a name the author never
    # wrote, and pointed at alexaskill's own line (".../alexaskill/slots/converters.py:278")
    # rather than theirs.
    source = (
        "from alexaskill import Skill, speak\n"
        "\n"
        f'skill = Skill("{SKILL_ID}")\n'
        "\n"
        '@skill.intent("Order")\n'
        'def order(count: int = "two"):\n'
        '    return speak("ok")\n'
    )
    for _directory in skill_module(tmp_path, monkeypatch, "my-skill", source):
        status, _, message = run("model", "my-skill.py:skill")
    assert status == 2
    assert "ConfigurationError: my-skill.py:order: parameter 'count'" in message, message
    assert "_alexaskill_app" not in message, message
    assert message.rstrip().endswith(f"({tmp_path / 'my-skill.py'}:5)"), message


def test_an_enum_of_an_app_file_named_otherwise_than_a_module_is_named_by_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The handler was named by the file ("my-skill.py:order"), its Enum not: "annotated
    # _alexaskill_app.Size", the module name the command line made up.
    source = (
        "import enum\n"
        "from alexaskill import Skill, speak\n"
        "\n"
        "class Size(enum.Enum):\n"
        '    LARGE = "large"\n'
        "\n"
        f'skill = Skill("{SKILL_ID}")\n'
        "\n"
        '@skill.intent("Order")\n'
        'def order(size: Size | None = "large"):\n'
        '    return speak("ok")\n'
    )
    for _directory in skill_module(tmp_path, monkeypatch, "my-skill", source):
        status, _, message = run("model", "my-skill.py:skill")
    assert status == 2
    assert "parameter 'size' is annotated my-skill.py:Size" in message, message
    assert "_alexaskill_app" not in message, message
