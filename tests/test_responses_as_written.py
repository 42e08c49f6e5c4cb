"""A response goes out as written: values JSON would change, and card scopes, are refused."""

from __future__ import annotations

import dataclasses
import decimal
import json
import re
from collections.abc import Callable
from typing import Any

import attrs
import msgspec
import pytest

from alexaskill import Response, speak
from alexaskill.directives import APL as TypedAPL
from alexaskill.directives import AudioPlayer
from alexaskill.exceptions import ResponseError
from alexaskill.responses import (
    Directive,
    Reprompt,
    SimpleCard,
    StandardCard,
    as_written,
    encode_response,
)
from alexaskill.responses import directive as directive_module
from tests.responses_shared import Note, NotJson, Show

pytestmark = pytest.mark.oldest_dependencies


class _Point(msgspec.Struct):
    x: Any
    label: str = "p"


@dataclasses.dataclass
class _Row:
    x: Any
    label: str = "r"


@attrs.define
class _Cell:
    x: Any


_WRAPS = [
    pytest.param(_Point, id="struct"),
    pytest.param(_Row, id="dataclass"),
    pytest.param(_Cell, id="attrs"),
]


@pytest.mark.parametrize("wrap", _WRAPS)
@pytest.mark.parametrize(
    ("value", "said"),
    [
        (float("nan"), r" is nan: JSON has no such number, and Alexa would get null"),
        (float("-inf"), r" is -inf: JSON has no such number"),
        (b"ab", r" is bytes: Alexa would get it as base64 text"),
        ({1, 2}, r" is a set: Alexa would get a list in no set order"),
        ([{3: "k"}], r"\[0\] has the key 3 \(an int\): JSON keys are strings"),
    ],
)
def test_a_value_json_changes_inside_a_struct_or_dataclass_is_refused(
    wrap: Any, value: Any, said: str
) -> None:
    # as_written looked into dicts, lists and tuples only: inside a Struct or a dataclass a NaN
    # went out as null, bytes as base64, a set as a list, all unsaid.
    written = {"data": [wrap(value)]}
    where = r"\['data'\]\[0\]\.x"
    with pytest.raises(ResponseError, match=rf"^directives\[0\] \(Custom\){where}{said}"):
        speak("x", directives=[{"type": "Custom", **written}])
    with pytest.raises(ResponseError, match=rf"^apiResponse{where}{said}"):
        Response(api_response=written)
    with pytest.raises(
        ResponseError,
        match=rf"^Alexa\.Presentation\.APL\.RenderDocument datasources{where}{said}",
    ):
        TypedAPL.RenderDocument(
            document={"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}},
            token="t",
            datasources=written,
        )


@pytest.mark.parametrize("wrap", _WRAPS)
def test_a_struct_or_dataclass_of_plain_values_goes_as_its_fields(wrap: Any) -> None:
    inner = wrap([1, (2.5, "a")])
    response = speak("x", directives=[{"type": "Custom", "v": {"in": inner}}])
    sent = json.loads(encode_response(response))["response"]["directives"][0]
    assert sent["v"]["in"]["x"] == [1, [2.5, "a"]]


def test_an_object_nested_in_an_object_is_looked_into() -> None:
    written = {"type": "Custom", "v": _Point(_Row({"k": (1, _Point(float("nan")))}))}
    with pytest.raises(
        ResponseError, match=r"^directives\[0\] \(Custom\)\['v'\]\.x\.x\['k'\]\[1\]\.x is nan"
    ):
        speak("x", directives=[written])


def test_a_value_inside_a_struct_that_does_not_encode_is_named_there() -> None:
    # The message named the Struct ("is of type _Point"), which encodes: its field does not.
    with pytest.raises(
        ResponseError,
        match=r"^directives\[0\] \(Custom\) is not JSON-encodable: \['v'\]\.x is a NotJson$",
    ):
        speak("x", directives=[{"type": "Custom", "v": _Point(NotJson())}])


def test_a_handler_writing_nan_inside_a_struct_is_its_error() -> None:
    from alexaskill import Skill
    from alexaskill.testing import DEFAULT_SKILL_ID, TestClient

    skill = Skill(skill_id=DEFAULT_SKILL_ID)

    @skill.launch
    def launch() -> Response:
        return speak("Hi", directives=[{"type": "Custom.Thing", "p": _Point(float("nan"))}])

    with TestClient(skill, raise_handler_errors=False) as client:
        result = client.launch()
    assert result.status_code == 200
    assert "['p'].x is nan" in str(result.handler_error)
    assert result.json["response"].get("directives") is None


@pytest.mark.parametrize(
    "value",
    [
        {"v": _Point(1)},
        {"v": [_Row((1, _Point(float("nan"))))]},
        {"v": _Cell(b"x")},
        {"v": (_Point({1: 2}),)},
        {"v": _Row(NotJson())},
    ],
)
def test_the_fast_look_and_the_naming_walk_agree_on_objects(value: Any) -> None:
    from alexaskill.responses import as_written

    found = as_written._first(value, as_written._altered_key, as_written._altered, objects=True)
    assert as_written._unaltered(value) is (found is None)


def test_the_naming_walk_judges_each_value_once_where_it_meets_it() -> None:
    # `_first` goes on to a container's next entry, or back to its parent's once it has none
    # left (each `continue` of its loop). With either step dropped it judged a value twice,
    # and met an empty list again for ever: only the suite's hang limit said so. No empty
    # container here: a value judged twice fails at once, as an assertion.
    judged: list[Any] = []

    def judge(value: Any) -> str | None:
        judged.append(value)
        return "wrong" if value == "last" else None

    value = {"a": [1, {"b": 2}], "c": (3, [4]), "d": "last", "e": 5}
    assert as_written._first(value, lambda key: None, judge) == (["d"], "wrong")
    assert judged == [1, 2, 3, 4, "last"]
    judged.clear()
    assert as_written._first([[1, [2]], {"x": 3}], lambda key: None, judge) is None
    assert judged == [1, 2, 3]


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        (decimal.Decimal("1.50"), "1.50"),
        (decimal.Decimal("NaN"), "NaN"),
        (decimal.Decimal("1E+3"), "1E+3"),
    ],
)
def test_a_decimal_in_a_directive_is_refused_saying_what_to_give(
    value: decimal.Decimal, sent: str
) -> None:
    # A Decimal went out as a JSON string of its digits: an APL data source's price, a number
    # where Alexa reads one, arrived as text. Whether the number or its text is meant is the
    # handler's to say (Amazon Pay takes an amount as a string).
    said = (
        rf"is {re.escape(repr(value))}: Alexa would get the string '{re.escape(sent)}', not a "
        r"number; give float\(\.\.\.\) for a number, str\(\.\.\.\) for its text$"
    )
    with pytest.raises(ResponseError, match=rf"^directives\[0\] \(Custom\)\['v'\]\[1\] {said}"):
        speak("x", directives=[{"type": "Custom", "v": [1, value]}])
    with pytest.raises(ResponseError, match=rf"^apiResponse\['v'\]\[1\] {said}"):
        Response(api_response={"v": [1, value]})
    with pytest.raises(ResponseError, match=rf"datasources\['d'\]\.x {said}"):
        TypedAPL.RenderDocument(
            document={"type": "APL", "version": "2024.3", "mainTemplate": {"items": []}},
            token="t",
            datasources={"d": _Row(value)},
        )


def test_a_decimal_made_a_float_or_a_str_goes_as_the_handler_chose() -> None:
    price = decimal.Decimal("1.50")
    response = speak("x", directives=[{"type": "Custom", "n": float(price), "s": str(price)}])
    sent = json.loads(encode_response(response))["response"]["directives"][0]
    assert sent == {"type": "Custom", "n": 1.5, "s": "1.50"}


@pytest.mark.parametrize(
    "scope",
    ["alexa::profile:email:read\u200b", "\ufeffalexa::profile:name:read", "alexa::\x00x"],
)
def test_a_permission_scope_with_an_invisible_character_is_refused(scope: str) -> None:
    # A zero-width space or a byte-order mark copied from a web page along with the scope went
    # out in the card: Alexa knows no such scope.
    from alexaskill.responses import AskForPermissionsConsentCard

    with pytest.raises(
        ResponseError, match=r"^card\.permissions\[1\] must be a scope, .*invisible"
    ):
        AskForPermissionsConsentCard(["alexa::profile:name:read", scope])


@pytest.mark.parametrize(
    "scope",
    ["alexa::profile:name:read", "read::alexa:device:all:address", "payments:autopay_consent"],
)
def test_permission_scopes_of_every_form_are_kept(scope: str) -> None:
    from alexaskill.responses import AskForPermissionsConsentCard

    assert AskForPermissionsConsentCard([scope]).permissions == (scope,)


class _Tagged(msgspec.Struct, omit_defaults=True):
    name: str
    tags: frozenset[str] = frozenset()
    seen: set[str] = set()
    limit: float = float("inf")


@attrs.define
class _Private:
    x: int
    _raw: Any = b"\x00"


@dataclasses.dataclass
class _Late:
    x: int
    later: Any = dataclasses.field(init=False)


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        (_Tagged("a"), {"name": "a"}),
        (_Private(1), {"x": 1}),
        (_Late(1), {"x": 1}),
    ],
    ids=["omit-defaults-struct", "attrs-private-field", "dataclass-field-never-set"],
)
def test_what_msgspec_leaves_out_of_an_object_is_not_looked_into(value: Any, sent: Any) -> None:
    # msgspec sends no omit_defaults Struct field at its default, no attrs field whose name
    # starts with "_", no field never set: a set, bytes or an infinity there goes nowhere.
    # Those were refused (or, a field never set, an AttributeError) though sent as written.
    response = speak("x", directives=[{"type": "Custom", "v": [value]}])
    assert json.loads(encode_response(response))["response"]["directives"][0]["v"] == [sent]
    assert Response(api_response={"v": value}).api_response == {"v": value}


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (_Tagged("a", tags=frozenset({"x"})), r"\.tags is a frozenset"),
        (_Tagged("a", seen={"x"}), r"\.seen is a set"),
        (_Tagged("a", limit=float("-inf")), r"\.limit is -inf"),
    ],
)
def test_an_omit_defaults_struct_field_away_from_its_default_is_still_looked_into(
    value: Any, said: str
) -> None:
    with pytest.raises(ResponseError, match=rf"^directives\[0\] \(Custom\)\['v'\]{said}"):
        speak("x", directives=[{"type": "Custom", "v": value}])


@attrs.define
class _Node:
    name: str
    _parent: Any = None


def test_an_object_pointing_back_through_a_field_msgspec_leaves_out_is_sent() -> None:
    # A tree's back-reference in a private attrs field: msgspec sends {"name": "a"}, but the
    # check walked into _parent and back without end (a thread spinning for good). Run in a
    # thread so that a walk without end fails the test instead of hanging the run.
    import threading

    child = _Node("a")
    child._parent = _Node("root", child)
    built: list[Any] = []
    walk = threading.Thread(
        target=lambda: built.append(speak("x", directives=[{"type": "Custom", "n": [child]}])),
        daemon=True,
    )
    walk.start()
    walk.join(timeout=60)
    assert not walk.is_alive(), "the check walked the cycle without end"
    [response] = built
    assert json.loads(encode_response(response))["response"]["directives"][0]["n"] == [
        {"name": "a"}
    ]


def test_the_fast_look_asks_once_a_type_whether_its_values_have_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Asking whether a value is a Struct, a dataclass or an attrs instance costs ~1-2 us (an
    # Enum class answers hasattr slowly): asked of each date, UUID or Enum member, it made the
    # check of a document of them ~3x slower. A type is asked once.
    import enum

    from alexaskill.responses import as_written, json_fields

    class Size(enum.StrEnum):  # a type no test asked about yet
        BIG = "big"

    asked: list[type] = []
    fields = json_fields._fields

    def counted(value: object) -> dict[str, Any] | None:
        asked.append(type(value))
        return fields(value)

    monkeypatch.setattr(as_written, "_fields", counted)
    document = {"items": [{"size": Size.BIG, "at": (n, _Point(n))} for n in range(50)]}
    assert as_written._unaltered(document) is True
    assert asked.count(Size) == 1
    assert asked.count(_Point) == 50  # each object is looked into
    sent = speak("x", directives=[{"type": "Custom", **document}])
    assert json.loads(encode_response(sent))["response"]["directives"][0]["items"][0] == {
        "size": "big",
        "at": [0, {"x": 0, "label": "p"}],
    }


class _Apla(Directive, tag="Alexa.Presentation.APLA.RenderDocument", frozen=True):
    """A reprompt's directive of the skill's own class (its document is checked as its type
    asks: `tests/test_responses_directive_types.py`)."""

    payload: Any = None
    document: Any = msgspec.field(
        default_factory=lambda: {"type": "APLA", "version": "0.91", "mainTemplate": {}}
    )


_CHANGED = [
    pytest.param(float("nan"), id="NaN"),
    pytest.param(float("inf"), id="inf"),
    pytest.param(float("-inf"), id="-inf"),
    pytest.param({"b", "a"}, id="set"),
    pytest.param(frozenset({"a"}), id="frozenset"),
    pytest.param({1: "one"}, id="int key"),
    pytest.param({1.5: "x"}, id="float key"),
    pytest.param(b"ab", id="bytes"),
    pytest.param(bytearray(b"ab"), id="bytearray"),
    pytest.param(decimal.Decimal("1.5"), id="Decimal"),
]


def _said_of_a_mapping(value: Any) -> str:
    """What a directive written as a mapping is refused for, holding ``value`` at ['v']."""
    with pytest.raises(ResponseError) as raised:
        speak("x", directives=[{"type": "Custom.Show", "payload": {"v": value}}])
    said = str(raised.value)
    prefix = "directives[0] (Custom.Show)['payload']['v'] "
    assert said.startswith(prefix), said
    return said.removeprefix(prefix)


@pytest.mark.parametrize("value", _CHANGED)
def test_a_directive_of_the_skills_own_class_is_refused_as_a_mapping_is(value: Any) -> None:
    # msgspec wrote NaN as null, a set as a list, {1: "one"} as {"1": "one"}, bytes as base64:
    # the directive went out changed, without a word, where the same written as a mapping is
    # refused, naming the value.
    what = _said_of_a_mapping(value)
    with pytest.raises(ResponseError) as raised:
        speak("x", directives=[Show(payload={"v": value})])
    assert str(raised.value) == f"directives[0] (Custom.Show).payload['v'] {what}"
    with pytest.raises(ResponseError) as raised:  # (a reprompt's directives too)
        Reprompt(directives=[_Apla(payload=[value])])
    said = str(raised.value)
    assert said.startswith("reprompt.directives[0] (Alexa.Presentation.APLA.RenderDocument)")
    assert said.endswith(f".payload[0] {what}"), said


@pytest.mark.parametrize("value", _CHANGED)
def test_a_card_of_the_skills_own_class_is_refused_as_a_mapping_is(value: Any) -> None:
    what = _said_of_a_mapping(value)
    with pytest.raises(ResponseError) as raised:
        speak("x", card=Note(text={"v": value}))
    assert str(raised.value) == f"card.text['v'] {what}"


def test_a_directive_or_card_of_the_skills_own_class_is_copied_when_the_response_is_built() -> None:
    # It was checked where the response was built, then encoded as it was when the reply
    # went: a change the skill made in between (a template reused for the next user, a value
    # made NaN) went out unchecked. A directive written as a mapping is copied there (its
    # bytes), as alexaskill's own directives copy what they are given: so is one of the
    # skill's own class now, of its own class still (its kind, interface and fields read).
    payload: dict[str, Any] = {"items": [1, 2], "token": "jana"}
    text = ["Paris"]
    apla = {"document": {"type": "APLA"}}
    response = Response(
        directives=[Show(payload=payload)],
        card=Note(text=text),
        reprompt=Reprompt(directives=[_Apla(payload=apla)]),
        should_end_session=False,
    )
    payload["items"].append(float("nan"))
    payload["token"] = "tom"
    text[0] = "Oslo"
    apla["document"]["type"] = "APL"
    sent = json.loads(encode_response(response))
    assert sent["response"]["directives"] == [
        {"type": "Custom.Show", "payload": {"items": [1, 2], "token": "jana"}}
    ]
    assert sent["response"]["card"] == {"type": "Custom.Note", "text": ["Paris"]}
    assert sent["response"]["reprompt"]["directives"] == [
        {
            "type": "Alexa.Presentation.APLA.RenderDocument",
            "payload": {"document": {"type": "APLA"}},
            "document": {"type": "APLA", "version": "0.91", "mainTemplate": {}},
        }
    ]
    (held,) = response.directives
    assert type(held) is Show and held == Show(payload={"items": [1, 2], "token": "jana"})
    assert type(response.card) is Note and response.card.text == ["Paris"]


def test_in_an_object_of_the_skills_own_class_a_tuple_goes_as_a_list() -> None:
    # As in a mapping: JSON has no other spelling for it.
    response = speak("x", directives=[Show(payload=(1, 2))], card=Note(text=(3,)))
    sent = json.loads(encode_response(response))["response"]
    assert sent["directives"] == [{"type": "Custom.Show", "payload": [1, 2]}]
    assert sent["card"] == {"type": "Custom.Note", "text": [3]}


@pytest.mark.parametrize(
    ("value", "named"),
    [
        pytest.param({True: "x"}, "has the key True (a bool), where JSON takes a str", id="b"),
        pytest.param({(1, 2): "x"}, "has the key (1, 2) (a tuple), where JSON takes a str", id="t"),
    ],
)
def test_a_key_json_cannot_hold_in_an_object_of_the_skills_own_is_refused(
    value: Any, named: str
) -> None:
    # A mapping is refused for it where it is made; the object where the reply is encoded, as
    # any value of it that does not encode, naming the same path (a handler's failure either
    # way: the apology, and a log line naming it).
    with pytest.raises(ResponseError, match=re.escape(f"['payload']['v'] {named}")):
        speak("x", directives=[{"type": "Custom.Show", "payload": {"v": value}}])
    response = speak("x", directives=[Show(payload={"v": value})])
    with pytest.raises(ResponseError) as raised:
        encode_response(response)
    said = str(raised.value)
    assert said == f"response is not JSON-encodable: response.directives[0].payload['v'] {named}"


def test_an_object_of_the_skills_own_class_is_looked_into(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Inside it, a Struct's fields are looked into as a mapping's values are: and only a
    # directive or card of a class that is not alexaskill's own is looked at, once a class
    # is known to be alexaskill's, by a lookup in a set (a reply made of its own types costs
    # what it cost).
    with pytest.raises(ResponseError, match=re.escape(".payload['p'].x is nan")):
        speak("x", directives=[Show(payload={"p": _Point(float("nan"))})])
    looked_at: list[str] = []
    real = as_written.check_object_as_written

    def spy(field: str, written: Any, encode: Callable[[Any], bytes]) -> None:
        looked_at.append(field)
        real(field, written, encode)

    monkeypatch.setattr(directive_module, "check_object_as_written", spy)
    for _ in range(2):
        speak("x", card=SimpleCard("a", "b"), directives=[AudioPlayer.ClearQueue("CLEAR_ALL")])
        speak("x", card=StandardCard("a", "b"), directives=[AudioPlayer.Stop()])
    speak("x", card=Note(text="b"), directives=[Show(payload=[1])])
    assert looked_at == ["card", "directives[0] (Custom.Show)"]
