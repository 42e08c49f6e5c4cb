"""Errors that name the type of a value given in another's place say it after its article
(alexaskill/articles.py, `type_with_article`): "not an int", "not a str", "not None", where
"not int", "not str" and "not NoneType" were said by these."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from alexaskill import Skill, speak
from alexaskill.cli import UsageError
from alexaskill.cli.common import load_app, load_skill
from alexaskill.directives import APL, Connections, Dialog, updated_intent
from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import ConfigurationError, ResponseError
from alexaskill.mounting import SkillMount
from alexaskill.responses import encode_response
from alexaskill.store import RedisStore, SQLiteStore, open_store
from alexaskill.testing import TestClient
from alexaskill.timestamps import read_timestamp
from alexaskill.verify import Verifier

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


_DOCUMENT: dict[str, Any] = {"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}}


def _raw_intent(slot: object) -> Any:
    return {"name": "PlanTrip", "slots": {"city": slot}}


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (
            lambda: DynamoDBStore("skill", region=5),  # type: ignore[arg-type]
            "DynamoDBStore: region must be a str or None, not an int",
        ),
        (
            lambda: DynamoDBStore("skill", create_table="yes"),  # type: ignore[arg-type]
            "DynamoDBStore: create_table must be True or False, not a str",
        ),
        (
            lambda: DynamoDBStore("skill", timeout="3"),  # type: ignore[arg-type]
            "DynamoDBStore: timeout is a number of seconds, not a str",
        ),
        (
            lambda: SkillMount("/weather", Skill(SKILL_ID), name=5),  # type: ignore[arg-type]
            "a mounted skill's name is a str (for url_path_for) or None, not an int",
        ),
        (
            lambda: SQLiteStore(5),  # type: ignore[arg-type]
            "SQLiteStore: the path is a str or a pathlib.Path, not an int",
        ),
        (
            lambda: SQLiteStore("attributes.db", timeout=None),  # type: ignore[arg-type]
            "SQLiteStore: timeout is a number of seconds, not None",
        ),
        (lambda: RedisStore(None), "RedisStore: the URL is a string, not None"),  # type: ignore[arg-type]
        (
            lambda: RedisStore("redis://127.0.0.1:1/0", prefix=3),  # type: ignore[arg-type]
            "RedisStore: prefix must be a string (the default: 'alexaskill:attributes:'), "
            "not an int",
        ),
        (
            lambda: Skill(SKILL_ID, capture_dir=5),  # type: ignore[arg-type]
            "capture_dir is a directory's path or None, not an int",
        ),
        (
            lambda: Skill(SKILL_ID, translations=5),  # type: ignore[arg-type]
            "translations is a Translations, a catalogs directory's path or None, not an int",
        ),
        (
            lambda: Skill(5),  # type: ignore[arg-type]
            "skill_id must be an application id or a list of them, not an int",
        ),
        (  # (a WindowsPath on Windows: the platform's class, "PosixPath" failed there)
            lambda: open_store(Path("skill.db")),  # type: ignore[arg-type]
            f"a store URL is a string, not a {type(Path('skill.db')).__name__}: use",
        ),
    ],
)
def test_a_setting_of_another_type_is_named_after_its_article(
    make: Callable[[], object], said: str
) -> None:
    # (the word ends where said does: "not None" is not "not NoneType")
    with pytest.raises(ConfigurationError, match=rf"^{re.escape(said)}\b"):
        make()


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda: updated_intent(5), "updated_intent needs an Intent or a name, not an int"),  # type: ignore[arg-type]
        (
            lambda: Dialog.Delegate(updated_intent=_raw_intent("Paris")),
            "updatedIntent.slots.city must be a mapping (name, value, confirmationStatus), "
            "not a str",
        ),
        (
            lambda: Connections.StartConnection("connection://AMAZON.PrintPDF/1", input=[1]),  # type: ignore[arg-type]
            "Connections.StartConnection input must be a mapping (JSON object), not a list",
        ),
        (
            lambda: APL.RenderDocument(_DOCUMENT, sources=[1]),  # type: ignore[arg-type]
            "Alexa.Presentation.APL.RenderDocument sources must be a mapping (JSON object), "
            "not a list",
        ),
    ],
)
def test_a_directive_part_of_another_type_is_named_after_its_article(
    make: Callable[[], object], said: str
) -> None:
    with pytest.raises(ResponseError, match=rf"^{re.escape(said)}\b"):
        make()


def test_an_envelope_sent_as_text_is_named_after_its_article() -> None:
    with TestClient(Skill(SKILL_ID)) as client, pytest.raises(TypeError) as raised:
        client.send_envelope('{"version": "1.0"}')  # type: ignore[arg-type]
    assert str(raised.value).endswith("sends bytes unsigned), not a str")


def test_a_body_posted_as_a_number_is_named_after_its_article() -> None:
    with TestClient(Skill(SKILL_ID)) as client, pytest.raises(TypeError) as raised:
        client.post(5)  # type: ignore[arg-type]
    assert str(raised.value).startswith("post() takes the body as bytes (")
    assert "), not an int: send_envelope(envelope) signs" in str(raised.value)


def test_a_timestamp_of_another_type_is_named_after_its_article() -> None:
    with pytest.raises(TypeError, match=r"as its ISO 8601 str, not an int$"):
        read_timestamp(5)  # type: ignore[arg-type]


def test_an_apl_version_of_none_is_said_once() -> None:
    # The type before the value ("not a float 1.1") said None twice: "not None None".
    document: dict[str, Any] = {"type": "APL", "version": None, "mainTemplate": {"items": []}}
    with pytest.raises(
        ResponseError, match=r'"version" must be a string such as "2024\.3", not None$'
    ):
        APL.RenderDocument(document)


def test_a_trusted_root_of_none_is_said_once() -> None:
    # "not None (None)" was said: the type, then the value, each None.
    with pytest.raises(ConfigurationError) as raised:
        Verifier([None])  # type: ignore[list-item]
    assert str(raised.value) == "trusted_roots takes x509.Certificate objects, not None"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        # A type JSON takes, this value not: "is a int that does not encode" was said.
        pytest.param(10**5000, "['payload']['n'] is an int that does not encode: ", id="int"),
        # A type JSON does not take: "is of type object", a bare name as a label.
        pytest.param(object(), "['payload']['n'] is an object", id="object"),
    ],
)
def test_a_value_that_does_not_encode_is_named_after_its_article(value: object, said: str) -> None:
    with pytest.raises(ResponseError) as raised:
        speak("x", directives=[{"type": "Custom.Show", "payload": {"n": value}}])
    assert str(raised.value).startswith(
        f"directives[0] (Custom.Show) is not JSON-encodable: {said}"
    ), raised.value


def test_a_session_attribute_json_would_change_is_named_after_its_article() -> None:
    with pytest.raises(ResponseError) as raised:
        encode_response(speak("x"), {"when": datetime.date(2026, 12, 6)})
    said = "sessionAttributes['when'] is a date, which JSON cannot hold as it is: "
    assert str(raised.value).startswith(said), raised.value


def test_a_slot_default_of_another_type_is_named_after_its_article() -> None:
    # "its default 'two' is of type str, …; give a value of type int, or None" was said.
    def pay(amount: int = "two") -> None: ...  # type: ignore[assignment]

    with pytest.raises(ConfigurationError) as raised:
        Skill(SKILL_ID).intent("Pay")(pay)
    said = str(raised.value)
    assert "but its default 'two' is a str, which the handler would get as it is" in said, said
    assert said.endswith("when the slot is missing; give an int, or None"), said


@pytest.mark.parametrize(
    ("load", "spec", "said"),
    [
        (load_skill, "json:dumps", "json:dumps is not an alexaskill Skill (it is a function): "),
        (load_skill, "json:decoder", "json:decoder is not an alexaskill Skill (it is a module): "),
        (load_app, "math:pi", "math:pi is not an ASGI app (it is a float): name a Skill"),
    ],
)
def test_a_cli_app_of_another_type_is_named_after_its_article(
    load: Callable[[str], object], spec: str, said: str
) -> None:
    # "(it is of type function)" was said, a bare name as a label.
    with pytest.raises(UsageError) as raised:
        load(spec)
    assert str(raised.value).startswith(said), raised.value
