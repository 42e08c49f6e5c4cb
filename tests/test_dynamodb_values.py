"""DynamoDB's typed values made of the values a save writes (alexaskill/dynamodb/values.py)."""

from __future__ import annotations

import collections
import enum
import json
import random
from decimal import Decimal
from typing import Any, NamedTuple

import pytest

from alexaskill.dynamodb import values
from alexaskill.dynamodb.values import _number, _to_dynamodb_checked
from alexaskill.exceptions import ResponseError, StoreError
from alexaskill.store.base import _encode_checked


def _old_to_dynamodb_checked(name: str, value: Any, text: str | None = None) -> dict[str, Any]:
    """`_to_dynamodb_checked`'s way, copied: the value's checked JSON decoded again, then
    walked (the oracle of the tests below: a faster way must type every value so)."""
    if text is None:
        text = _encode_checked(name, value)
    return _old_to_dynamodb(json.loads(text))


def _old_to_dynamodb(value: Any) -> dict[str, Any]:
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | float):
        return {"N": _number(value)}
    if isinstance(value, list):
        return {"L": [_old_to_dynamodb(item) for item in value]}
    return {"M": {key: _old_to_dynamodb(item) for key, item in value.items()}}


def _exact(value: Any) -> Any:
    """``value`` with the type of each part beside it: a str subclass is not a str here."""
    if isinstance(value, dict):
        return ("dict", type(value), [(_exact(k), _exact(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", type(value), [_exact(item) for item in value])
    return (type(value), repr(value))


def _outcome(convert: Any, name: str, value: Any, text: str | None) -> Any:
    """What ``convert`` made of ``value``, each part's type with it, or the refusal's words."""
    try:
        return _exact(convert(name, value, text))
    except ResponseError as exc:
        return "refused", str(exc)


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


#: Values written as JSON otherwise than they are held: a tuple as a list, a subclass of str, int
#: or float as the JSON of its own value (not its __str__ or __repr__), a list or dict subclass as
#: it iterates; numbers at DynamoDB's edges (`_number`, its 38 digits and exponents); what no
#: store takes (refused in the same words).
TRICKY: list[Any] = [
    None,
    True,
    False,
    "",
    "é\u2028\x00\U0001f600",
    0,
    -0.0,
    0.0,
    1e16,
    1e-130,
    -1e-130,
    9.999999999999999e125,
    2.5,
    10**38 - 1,
    10**38,
    -(10**38),
    2 * 10**38 + 10**30,
    -(10**39),
    10**125,
    12345678901234567890123456789012345678,
    (1, (2, (3, [4, ("x",)])), ()),
    [(), [], {}],
    {"t": (1.5, None, {"u": (True,)})},
    Colour.RED,
    [Colour.RED, {"c": Colour.BIG}],
    Tag("t"),
    {Tag("k"): Tag("v")},
    {"a": 1, Shadow("a"): 2, "b": 3},
    Count(0),
    Count(10**39),
    Ratio(0.1),
    Ratio(-0.0),
    Reversed([1, 2, (3, 4)]),
    Pair((1, Pair((2,)))),
    Point(1, Point("a", None)),
    collections.OrderedDict([("z", 1), ("a", (2,))]),
    collections.defaultdict(list, {"k": [1]}),
    Items({"k": (1,)}),
    Items(),
    Reversed(),
    _nested(30),  # 30 levels: DynamoDB's most
    # Refused, by every store first: the words are the same.
    _nested(31),
    10**126,
    1e-131,
    float("nan"),
    Decimal("1.5"),
    {1: "a"},
    {"": 1},
    {"k": {1, 2}},
    "\ud800",
]


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    """A value of the kinds `TRICKY` holds, nested up to 6 levels, numbers of every size."""
    kind = rng.randrange(14 if depth < 6 else 8)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x10FFFF)]))
            for _ in range(rng.randrange(6))
        )
    if kind == 2:
        return rng.randrange(-(10 ** rng.randrange(1, 45)), 10 ** rng.randrange(1, 45))
    if kind == 3:  # any double, by its bits (NaN and the infinities: refused)
        return rng.choice([1, -1]) * rng.random() * 10.0 ** rng.randrange(-140, 140)
    if kind == 4:
        return rng.choice([Colour.RED, Count(rng.randrange(-99, 99)), Ratio(rng.random())])
    if kind == 5:
        return rng.choice([0, -0.0, 10**38, 10**38 - 1, -(10**38) * 7, 1e-130, 1e16, 5e-324])
    if kind == 6:
        return Tag(rng.choice(["", "k", "é"]))
    if kind == 7:
        return rng.choice(["x", "\u2028", '"\\'])
    items = [_random_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    if kind == 8:
        return items
    if kind == 9:
        return tuple(items)
    if kind == 10:
        return rng.choice([Reversed, Pair])(items)
    keys = [rng.choice(["a", "b", "é", f"k{rng.randrange(9)}", Tag("a")]) for _ in items]
    if kind == 11:
        return dict(zip(keys, items, strict=True))
    if kind == 12:
        return collections.OrderedDict(zip(keys, items, strict=True))
    return Items(zip(keys, items, strict=True))


@pytest.mark.parametrize("value", TRICKY, ids=range(len(TRICKY)))
def test_a_value_is_typed_as_its_json_decoded_again_was(value: Any) -> None:
    for text in (None, _json_or_none("v", value)):
        assert _outcome(_to_dynamodb_checked, "v", value, text) == _outcome(
            _old_to_dynamodb_checked, "v", value, text
        )


def test_random_values_are_typed_as_their_json_decoded_again_was() -> None:
    rng = random.Random(20261205)
    for _ in range(4000):
        value = _random_value(rng)
        for text in (None, _json_or_none("v", value)):
            expected = _outcome(_old_to_dynamodb_checked, "v", value, text)
            assert _outcome(_to_dynamodb_checked, "v", value, text) == expected, value


def _json_or_none(name: str, value: Any) -> str | None:
    """The text `Attributes` hands a save with a value it checked (None: it refuses it)."""
    try:
        return _encode_checked(name, value)
    except ResponseError:
        return None


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
        "holds an integer of more than 4300 digits, outside the numbers every store keeps"
    )
    with pytest.raises(StoreError) as raised:
        values._from_stored("big", {"L": [{"N": text}]}, "here")
    assert str(raised.value).startswith(said)
    assert values._from_stored("ok", {"N": "1E+4299"}, "here") == 10**4299
