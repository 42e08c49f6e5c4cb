"""DynamoDB's typed values made of the values a save writes (alexaskill/dynamodb/values.py)."""

from __future__ import annotations

import collections
import enum
import json
import random
import re
import sys
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from alexaskill.dynamodb import values
from alexaskill.dynamodb.values import _to_dynamodb_checked
from alexaskill.exceptions import ResponseError, StoreError
from alexaskill.store.checked_changes import _encode_checked

pytestmark = pytest.mark.oldest_dependencies


def _exact(value: Any) -> Any:
    """``value`` with the type of each part beside it: a str subclass is not a str here."""
    if isinstance(value, dict):
        return ("dict", type(value), [(_exact(k), _exact(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", type(value), [_exact(item) for item in value])
    return (type(value), repr(value))


class Colour(enum.IntEnum):
    RED = 1
    BIG = 10**40


class Tag(str):
    def __str__(self) -> str:
        return "not what JSON writes"


class Shadow(str):
    """A str that is not equal to the str of its text: JSON writes it as that str."""

    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


class Count(int):
    def __repr__(self) -> str:
        return "Count(…)"

    def __bool__(self) -> bool:
        return True


class Ratio(float):
    def __repr__(self) -> str:
        return "Ratio(…)"

    def __float__(self) -> float:
        return 0.5


class Reversed(list[Any]):
    def __iter__(self) -> Any:
        return reversed(list(super().__iter__()))


class Pair(tuple[Any, ...]):
    pass


class Point(NamedTuple):
    x: Any
    y: Any


class Items(dict[Any, Any]):
    def items(self) -> Any:
        return [("from_items", 1), *super().items()]


def _nested(levels: int) -> Any:
    """A list ``levels`` deep."""
    value: Any = 0
    for _ in range(levels):
        value = [value]
    return value


def _typed_nested(levels: int) -> dict[str, Any]:
    """What `_nested` (``levels`` lists around 0) is in DynamoDB's JSON."""
    typed: dict[str, Any] = {"N": "0"}
    for _ in range(levels):
        typed = {"L": [typed]}
    return typed


# Written by hand from DynamoDB's attribute-value format (AttributeValue in the DynamoDB API
# reference: "NULL", "BOOL", "S", "N" as a string of at most 38 significant digits, "L", "M"),
# not from the code under test. A value is written as its JSON is: a tuple as a list, a subclass
# of str, int or float as the JSON of its own value (not its __str__ or __repr__), a list or dict
# subclass as it iterates; a whole number past 38 digits in exponent form, its trailing zeros the
# exponent's.
WRITTEN: list[tuple[Any, dict[str, Any]]] = [
    (None, {"NULL": True}),
    (True, {"BOOL": True}),
    (False, {"BOOL": False}),
    ("", {"S": ""}),
    ("é\u2028\x00\U0001f600", {"S": "é\u2028\x00\U0001f600"}),
    (0, {"N": "0"}),
    (-0.0, {"N": "0"}),
    (0.0, {"N": "0"}),
    (1e16, {"N": "1e+16"}),
    (1e-130, {"N": "1e-130"}),
    (-1e-130, {"N": "-1e-130"}),
    (2.5, {"N": "2.5"}),
    (10**38 - 1, {"N": "9" * 38}),
    (10**38, {"N": "1E+38"}),
    (-(10**38), {"N": "-1E+38"}),
    (2 * 10**38 + 10**30, {"N": "2.00000001E+38"}),
    (-(10**39), {"N": "-1E+39"}),
    (10**125, {"N": "1E+125"}),
    (12345678901234567890123456789012345678, {"N": "12345678901234567890123456789012345678"}),
    (
        (1, (2, (3, [4, ("x",)])), ()),
        {
            "L": [
                {"N": "1"},
                {"L": [{"N": "2"}, {"L": [{"N": "3"}, {"L": [{"N": "4"}, {"L": [{"S": "x"}]}]}]}]},
                {"L": []},
            ]
        },
    ),
    ([(), [], {}], {"L": [{"L": []}, {"L": []}, {"M": {}}]}),
    (
        ["a", "b", "c", "d", "e", "f"],
        {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}, {"S": "d"}, {"S": "e"}, {"S": "f"}]},
    ),
    (
        {"t": (1.5, None, {"u": (True,)})},
        {"M": {"t": {"L": [{"N": "1.5"}, {"NULL": True}, {"M": {"u": {"L": [{"BOOL": True}]}}}]}}},
    ),
    (Colour.RED, {"N": "1"}),
    ([Colour.RED, {"c": Colour.BIG}], {"L": [{"N": "1"}, {"M": {"c": {"N": "1E+40"}}}]}),
    (Tag("t"), {"S": "t"}),
    ({Tag("k"): Tag("v")}, {"M": {"k": {"S": "v"}}}),
    # Two keys JSON writes alike: the object then holds the last one's value.
    ({"a": 1, Shadow("a"): 2, "b": 3}, {"M": {"a": {"N": "2"}, "b": {"N": "3"}}}),
    (Count(0), {"N": "0"}),
    (Count(10**39), {"N": "1E+39"}),
    (Ratio(0.1), {"N": "0.1"}),
    (Ratio(-0.0), {"N": "0"}),
    (Reversed([1, 2, (3, 4)]), {"L": [{"L": [{"N": "3"}, {"N": "4"}]}, {"N": "2"}, {"N": "1"}]}),
    (Pair((1, Pair((2,)))), {"L": [{"N": "1"}, {"L": [{"N": "2"}]}]}),
    (Point(1, Point("a", None)), {"L": [{"N": "1"}, {"L": [{"S": "a"}, {"NULL": True}]}]}),
    (
        collections.OrderedDict([("z", 1), ("a", (2,))]),
        {"M": {"z": {"N": "1"}, "a": {"L": [{"N": "2"}]}}},
    ),
    (collections.defaultdict(list, {"k": [1]}), {"M": {"k": {"L": [{"N": "1"}]}}}),
    (Items({"k": (1,)}), {"M": {"from_items": {"N": "1"}, "k": {"L": [{"N": "1"}]}}}),
    (Items(), {"M": {}}),  # JSON writes an empty dict as {} without asking its items
    (Reversed(), {"L": []}),
    (_nested(30), _typed_nested(30)),  # 30 levels: DynamoDB's most
]


@pytest.mark.parametrize(("value", "typed"), WRITTEN, ids=range(len(WRITTEN)))
def test_a_value_is_written_as_dynamodb_types_its_json(value: Any, typed: dict[str, Any]) -> None:
    # Each part's type compared too: {"BOOL": 1} or {"N": Tag("1")} would be equal as dicts.
    assert _exact(_to_dynamodb_checked("v", value)) == _exact(typed)
    checked = _encode_checked("v", value)  # as `Attributes` hands it, checked already
    assert _exact(_to_dynamodb_checked("v", value, checked)) == _exact(typed)


#: What no store takes, refused by the checks every store makes first, in their words.
REFUSED: list[tuple[Any, str]] = [
    (_nested(31), ": v nests deeper than 30 levels"),
    (9.999999999999999e125, ": v is 1e+126, outside the numbers every store keeps"),  # a double
    (
        10**126,
        f": v is 1{'0' * 69}…{'0' * 30} (127 characters), outside the numbers every store keeps",
    ),
    (1e-131, ": v is 1e-131, outside the numbers every store keeps"),
    (float("nan"), " as JSON: v is nan, which JSON cannot hold (store a str, a number"),
    (Decimal("1.5"), " as JSON: v is a Decimal, which JSON cannot hold (store a str, a number"),
    ({1: "a"}, " as JSON: v has the key 1 (an int), and JSON keys are strings"),
    ({"": 1}, ": v has the key '' (empty), and no store keeps an empty name"),
    ({"k": {1, 2}}, " as JSON: v['k'] is a set, which JSON cannot hold (store a str, a number"),
    ("\ud800", " as JSON: 'utf-8' codec can't encode character '\\ud800'"),
]


@pytest.mark.parametrize(("value", "words"), REFUSED, ids=range(len(REFUSED)))
def test_a_value_no_store_keeps_is_refused_naming_the_attribute(value: Any, words: str) -> None:
    with pytest.raises(
        ResponseError, match="^" + re.escape("attribute 'v' cannot be saved" + words)
    ):
        _to_dynamodb_checked("v", value)


#: Stored values as botocore gives them (binary as bytes; DynamoDB's JSON holds it in base64)
#: and what a handler reads: numbers whole as ints however written, others as floats; a set as a
#: list; binary as its base64 text.
LOADED: list[tuple[dict[str, Any], Any]] = [
    ({"NULL": True}, None),
    ({"BOOL": False}, False),
    ({"S": "é"}, "é"),
    ({"N": "1.5"}, 1.5),
    ({"N": "0.1"}, 0.1),
    ({"N": "-0"}, 0),
    ({"N": "2.0"}, 2),
    ({"N": "1E+38"}, 10**38),
    ({"N": "-2.00000001E+38"}, -(2 * 10**38 + 10**30)),
    ({"N": "1e-130"}, 1e-130),
    ({"M": {"a": {"L": [{"N": "1"}, {"S": "x"}, {"M": {}}]}}}, {"a": [1, "x", {}]}),
    ({"L": []}, []),
    ({"SS": ["a", "b"]}, ["a", "b"]),
    ({"NS": ["1", "2.5"]}, [1, 2.5]),
    ({"B": b"\x00\xff"}, "AP8="),
    ({"BS": [b"hi", b""]}, ["aGk=", ""]),
]


@pytest.mark.parametrize(("stored", "value"), LOADED, ids=range(len(LOADED)))
def test_a_stored_value_loads_as_the_json_value_it_stands_for(
    stored: dict[str, Any], value: Any
) -> None:
    assert _exact(values._from_stored("v", stored, "here")) == _exact(value)


@pytest.mark.parametrize(
    ("stored", "words"),
    [
        ({"X": 1}, "DynamoDB returned a value of unknown type 'X'"),
        ({"N": "one"}, "DynamoDB returned a number that is not one: 'one'"),
    ],
)
def test_a_stored_value_of_no_known_kind_is_a_store_error_naming_the_attribute(
    stored: dict[str, Any], words: str
) -> None:
    # The message named no attribute: which of the user's to delete was for the reader to find.
    with pytest.raises(StoreError) as raised:
        values._from_stored("v", {"M": {"a": {"L": [stored]}}}, "here")
    said = str(raised.value)
    assert said.startswith("here: the stored value of attribute 'v' is not JSON Alexa attrib")
    assert words in said
    assert said.endswith("correct it, or delete the attribute")


def _plain_value(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value every store keeps, nested up to 6 levels, numbers of every size."""
    kind = rng.randrange(8 if depth < 6 else 5)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x10000, 0x10FFFF)]))
            for _ in range(rng.randrange(6))
        )
    if kind == 2:  # up to 125 digits: past 38, whole numbers with trailing zeros only
        digits = rng.randrange(1, 39)
        number = rng.randrange(10 ** (digits - 1), 10**digits) * 10 ** rng.randrange(126 - digits)
        return rng.choice([1, -1]) * number if rng.random() < 0.3 else rng.randrange(-999, 999)
    if kind == 3:
        return rng.choice([1, -1]) * rng.random() * 10.0 ** rng.randrange(-120, 120)
    if kind == 4:
        return rng.choice([0, -0.0, 10**38, 10**38 - 1, 1e-130, 1e16, 0.1, 2.0])
    items = [_plain_value(rng, depth + 1) for _ in range(rng.randrange(9 if depth < 2 else 4))]
    if kind == 5:
        return items
    return {rng.choice(["a", "b", "é", f"k{rng.randrange(9)}"]): item for item in items}


def _disguised(value: Any) -> Any:
    """``value`` in the shapes JSON writes as it: tuples, subclasses of str, int, float, dict."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str):
        return Tag(value)
    if isinstance(value, int):
        return Count(value)
    if isinstance(value, float):
        return Ratio(value)
    if isinstance(value, list):
        return Pair(_disguised(item) for item in value)
    return collections.OrderedDict((Tag(key), _disguised(item)) for key, item in value.items())


def _kinds(value: Any) -> Any:
    """``value`` with each part's JSON kind beside it; numbers by value (1 is 1.0, -0.0 is 0)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return type(value), value
    if isinstance(value, int | float):
        return "number", Decimal(repr(value))
    if isinstance(value, list):
        return [_kinds(item) for item in value]
    return {key: _kinds(item) for key, item in value.items()}


_NUMBER_TEXT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def _numbers_fit(typed: Any) -> None:
    """Every "N" in ``typed`` a number DynamoDB reads: at most 38 significant digits."""
    (kind, data), *others = typed.items()
    assert not others, typed
    if kind == "N":
        assert _NUMBER_TEXT.fullmatch(data), data
        assert len(Decimal(data).normalize().as_tuple().digits) <= 38, data
    elif kind == "L":
        for item in data:
            _numbers_fit(item)
    elif kind == "M":
        for item in data.values():
            _numbers_fit(item)
    else:
        assert kind in ("NULL", "BOOL", "S"), typed


def test_random_values_load_again_as_they_were_saved() -> None:
    rng = random.Random(20261205)
    for _ in range(3000):
        value = _plain_value(rng)
        typed = _to_dynamodb_checked("v", value)
        _numbers_fit(typed)
        assert _kinds(values._from_stored("v", typed, "here")) == _kinds(value), value


def test_random_values_are_written_alike_in_any_shape_json_writes_alike() -> None:
    rng = random.Random(20261206)
    for _ in range(3000):
        value = _plain_value(rng)
        typed = _to_dynamodb_checked("v", value)
        assert _exact(_to_dynamodb_checked("v", _disguised(value))) == _exact(typed), value


def test_a_save_writes_the_value_as_checked_not_as_changed_since() -> None:
    # Attributes checks every kind of attributes, then saves each (an await apiece): a task a
    # handler left running may change a value in between. What is written is what was checked
    # (its JSON), never a value no check saw: a set, or NaN, which DynamoDB refuses. (A walk of
    # the live value, tried in this session, wrote such a change unchecked: a bare TypeError.)
    value: dict[str, Any] = {"game": (1, [2.5])}
    checked = _encode_checked("v", value)
    value["game"] = {1, 2}
    value["score"] = float("nan")
    assert _to_dynamodb_checked("v", value, checked) == {
        "M": {"game": {"L": [{"N": "1"}, {"L": [{"N": "2.5"}]}]}}
    }


def _nested_lists(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"L": []}
    for _ in range(depth - 1):
        value = {"L": [value]}
    return value


@pytest.mark.parametrize(
    ("stored", "why"),
    [
        (_nested_lists(31), "nests deeper than 30 levels"),
        ({"M": {"a": _nested_lists(30)}}, "nests deeper than 30 levels"),
        (_nested_lists(3000), "nests deeper than 30 levels"),
    ],
)
def test_a_stored_value_no_attribute_holds_is_refused_at_load_naming_it(
    stored: dict[str, Any], why: str
) -> None:
    # As the other stores' (tests/test_store_foreign_values.py): a value nested 3000 levels
    # failed with RecursionError, one nested 31 loaded (DynamoDB keeps neither; a stand-in
    # may). (1e400 is whole: an int, as the JSON of its digits loads, no infinity.)
    said = r"here: the stored value of attribute 'bad' is not JSON Alexa attributes can hold \("
    with pytest.raises(StoreError, match=said + ".*" + why):
        values._from_stored("bad", stored, "here")


def test_a_stored_value_nested_30_levels_loads() -> None:
    assert values._from_stored("ok", _nested_lists(30), "here") == json.loads("[" * 30 + "]" * 30)
    assert values._from_stored("ok", {"N": "1e400"}, "here") == 10**400


@pytest.mark.parametrize("text", ["1E+4300", "-1e5000", "1E+100000000"])
def test_a_stored_whole_number_past_pythons_digits_is_refused_at_load_naming_it(text: str) -> None:
    # A stand-in's (DynamoDB keeps 126 digits at most): it was made an int of as many digits
    # (1E+100000000: a hundred million, minutes of work), whose JSON then failed the request's
    # attributes with "Exceeds the limit (4300 digits) for integer string conversion", as the
    # other stores' read of one did: refused now in the words they say it in.
    said = (
        "here: the stored value of attribute 'big' is not JSON Alexa attributes can hold (it "
        "holds an integer of more than 4,300 digits, outside the numbers every store keeps"
    )
    with pytest.raises(StoreError) as raised:
        values._from_stored("big", {"L": [{"N": text}]}, "here")
    assert str(raised.value).startswith(said)
    assert values._from_stored("ok", {"N": "1E+4299"}, "here") == 10**4299


@pytest.mark.parametrize("text", ["0", "7", "-12", "1E+5000"])
def test_a_whole_number_loads_where_python_reads_ints_of_any_length(text: str) -> None:
    # sys.set_int_max_str_digits(0) (or PYTHONINTMAXSTRDIGITS=0) lifts Python's limit: its
    # "limit" is then 0, and every whole number was refused as "more than 0 digits".
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        assert values._from_stored("n", {"N": text}, "here") == int(Decimal(text))
    finally:
        sys.set_int_max_str_digits(before)


def test_a_stored_zero_written_with_a_large_exponent_loads_as_zero() -> None:
    # A stand-in may keep the zero it was sent as written ("0E+5000"): a zero, no long integer.
    assert values._from_stored("n", {"N": "0E+5000"}, "here") == 0
