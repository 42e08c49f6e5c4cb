"""A name the user gave, as a message echoes it (alexaskill/shown_names.py): a long one cut to
its head and tail with its length; and why a path named is not there."""

from __future__ import annotations

import array
import dataclasses
import enum
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest

from alexaskill.shown_names import (
    MAX_SHOWN,
    not_there,
    shown,
    shown_as_json,
    shown_count,
    shown_escaped,
    shown_json,
    shown_value,
)


def test_a_name_up_to_the_limit_is_shown_whole() -> None:
    name = "p" * (MAX_SHOWN - 3) + ".py"
    assert (shown(name), shown(name, quoted=True)) == (name, repr(name))
    assert shown("") == "" and shown("it's", quoted=True) == '"it\'s"'


def test_a_longer_name_keeps_its_head_and_tail_and_says_its_length() -> None:
    name = "h" * 70 + "m" * 4900 + "t" * 27 + ".py"
    assert shown(name) == f"{'h' * 70}…{'t' * 27}.py (5,000 characters)"
    # Quoted, the length is outside the quotes: it is no part of the name.
    assert shown(name, quoted=True) == f"'{'h' * 70}…{'t' * 27}.py' (5,000 characters)"
    assert len(shown("x" * (MAX_SHOWN + 1))) <= MAX_SHOWN


def test_why_a_path_is_not_there(tmp_path: Path) -> None:
    assert not_there(str(tmp_path / "missing.json")) == "no such file"
    assert not_there(str(tmp_path / "gone"), "no such file or directory") == (
        "no such file or directory"
    )
    assert not_there(str(tmp_path / ("a" * 300))) == "File name too long"
    assert not_there("a\0b") == "no such file"  # (no file's name: nothing to look up)


def test_a_value_is_quoted_as_a_name_is_and_any_other_repr_cut_between_escapes() -> None:
    # A str is `shown` quoted; another value's repr is cut to its head and tail the same way,
    # each escape whole: a list of control characters cut at a fixed count ended in "\x0".
    name = "h" * 70 + "m" * 4900 + "t" * 30
    assert shown_value(name) == shown(name, quoted=True)
    assert shown_value([1, "a"]) == "[1, 'a']" and shown_value(None) == "None"
    said = shown_value(["ab" + "\x00" * 200 + "c"])  # (a cut at 70 or 30 from the end: mid-escape)
    assert re.fullmatch(r"\['ab(\\x00)+…(\\x00)+c'\]", said), said
    assert len(said) <= MAX_SHOWN + 1
    # (an escaped backslash is one escape: the cut keeps "\\" whole, never half of it)
    said = shown_value(["x" + "\\" * 200 + "y"])
    assert re.fullmatch(r"\['x(\\\\)+…(\\\\)+y'\]", said), said


def test_a_json_value_is_bounded_by_its_parts_each_string_cut_between_escapes() -> None:
    # As reprlib bounds it (a list's first six items, a string's first and last characters),
    # but reprlib cut a string's repr at a fixed count: 'a\x00a\x00a\...x00a\x00a\x00'.
    assert shown_json("x" * 100) == "'xxxxxxxxxxxx...xxxxxxxxxxxxx'"
    assert shown_json([0] * 100) == "[0, 0, 0, 0, 0, 0, ...]"
    assert shown_json({"a": [1, "b"]}) == "{'a': [1, 'b']}"
    assert shown_json("a\x00" * 100) == r"'a\x00a\x00a...a\x00a\x00'"
    assert shown_json(["\\" * 50]) == "['" + "\\\\" * 6 + "..." + "\\\\" * 6 + "']"
    assert shown_json("\x00" * 20) == r"'\x00\x00\x00...\x00\x00\x00'"
    # Any other value (bytes, given where JSON is read) the same way; one whose repr fails, as
    # reprlib says it.
    assert shown_json([b"a\x00" * 100]) == r"[b'a\x00a\x00a...a\x00a\x00']"
    assert shown_json(_Unshown()).startswith("<_Unshown instance at 0x")


def test_a_value_whose_repr_fails_is_quoted_all_the_same() -> None:
    # repr raised out of the message being made, in place of the error it was for: an int past
    # Python's 4,300 digits (ValueError), a skill's object whose __repr__ fails, or either inside
    # a list. shown_value says them as shown_json does; an int so long by its size in bits.
    huge = 10**5000
    assert shown_json(huge) == shown_value(huge) == "<an int of 16,610 bits>"
    # (a negative one with its sign: "<an int of 16,610 bits>" said -10**5000 as 10**5000)
    said = "[1, <a negative int of 16,610 bits>]"
    assert shown_json([1, -huge]) == shown_value([1, -huge]) == said
    assert shown_value(-huge) == "<a negative int of 16,610 bits>"
    assert shown_value(_Unshown()).startswith("<_Unshown instance at 0x")
    assert shown_value({"k": _Unshown()}).startswith("{'k': <_Unshown instance at 0x")
    # (a skill's str whose repr fails is quoted as any str is: by str's repr, not its own)
    assert shown_value(_UnshownStr("x")) == "'x'"
    # (one under the limit is its repr, cut)
    assert shown_value(10**4000) == f"1{'0' * 69}…{'0' * 30}"


class _Unshown:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


class _UnshownStr(str):
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


def test_a_str_subclass_is_quoted_as_a_plain_str_short_or_cut() -> None:
    # A StrEnum member was its own repr, "<Kind.SHORT: 'short'>", short, and a plain str's cut.
    import enum

    class Kind(enum.StrEnum):
        SHORT = "short"
        LONG = "l" * (MAX_SHOWN + 1)

    assert shown(Kind.SHORT, quoted=True) == "'short'" == shown_value(Kind.SHORT)
    assert shown(Kind.LONG, quoted=True).startswith("'lll")


@pytest.mark.parametrize(
    "value",
    [
        "x",
        [1, 2],
        {"a": [True, None, 1.5]},
        "\\" * 200,  # (backslash runs: the cut between their escapes, as in the whole text)
        ["a\x00" * 100, {"k\n" * 50: "\u200d" * 300}, "END"],
        [[[["deep"] * 40] * 3] * 3, "é" * 500 + "\\"],
        {str(n): '\\"' * n for n in range(60)},
    ],
)
def test_shown_as_json_says_what_shown_escaped_says_of_the_whole_json_text(value: object) -> None:
    assert shown_as_json(value) == shown_escaped(msgspec.json.encode(value).decode())


class _Quoted(enum.Enum):
    KEY = '"a"'


@pytest.mark.parametrize(
    "value",
    [
        {1e999: "x" * 200, float("-inf"): 1},
        {_Quoted.KEY: "x" * 200},
        {n: "\\" * n for n in range(-20, 20)},
        {"k" * 100 + str(n): "v" * n for n in range(10)},
    ],
    ids=["inf-keys", "enum-key", "int-keys", "long-keys-from-the-end"],
)
def test_shown_as_json_writes_a_key_that_is_no_str_as_msgspec_writes_it(value: object) -> None:
    # Its value's JSON cut of its quotes: "null" for inf, "\\\"a\\" for the Enum.
    assert shown_as_json(value) == shown_escaped(msgspec.json.encode(value).decode())


@pytest.mark.parametrize(
    "value",
    ["\ud800", "\ud83d\ude00" * 100, ["a", {"k\udc00" * 40: "é\ud800" * 90}, "END"]],
    ids=["one", "a-pair-apart", "in-a-key-and-a-value"],
)
def test_shown_as_json_writes_a_lone_surrogate_as_json_writes_it(value: object) -> None:
    # (json.loads reads "\ud800" from a server's answer; msgspec refused to encode it whole)
    whole = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    whole = re.sub("[\ud800-\udfff]", lambda lone: f"\\u{ord(lone[0]):04x}", whole)
    assert shown_as_json(value) == shown_escaped(whole)
    assert shown_as_json(value).encode("utf-8")  # (a line a terminal can take)


@pytest.mark.parametrize(
    ("number", "said"),
    [
        (0, "0"),
        (-5, "-5"),
        (2**31, "2,147,483,648"),
        (10**5000, "<an int of 16,610 bits>"),
        (-(10**5000), "<a negative int of 16,610 bits>"),
    ],
    ids=["zero", "negative", "past-32-bits", "past-4300-digits", "negative-past-4300-digits"],
)
def test_a_count_is_said_with_thousands_separators_whatever_its_size(
    number: int, said: str
) -> None:
    # Past Python's 4,300 digits, f"{n:,}" and repr raise ValueError: said by its size instead.
    assert shown_count(number) == said


def test_a_name_shown_within_a_smaller_bound_keeps_a_head_and_tail_in_proportion() -> None:
    assert shown("k" * 40, quoted=True, most=40) == repr("k" * 40)
    name = "a" * 30 + "b" * 30
    assert shown(name, most=40) == f"{'a' * 23}…{'b' * 10} (60 characters)"
    assert shown(name, quoted=True, most=1) == "'…b' (60 characters)"


# (Values made by the test that takes them, not at import: a set of 500,000 items and the like
# cost every process collecting the suite a third of a second, for tests one of them runs.)
@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: set(range(500_000)), id="set"),
        pytest.param(lambda: frozenset(f"item {n}" for n in range(500_000)), id="frozenset"),
        pytest.param(lambda: bytes(range(256)) * 40_000, id="bytes"),
        pytest.param(lambda: bytearray(b"\xff\x00x" * 300_001), id="bytearray"),
        pytest.param(lambda: [b"ab", {1, 2}, b"\x00" * 1_000, frozenset({"\n"})], id="nested"),
        pytest.param(lambda: set(), id="empty-set"),
        pytest.param(lambda: b"", id="empty-bytes"),
        pytest.param(lambda: b"abcd", id="short"),
        pytest.param(lambda: memoryview(bytes(range(256)) * 40_000), id="memoryview"),
        pytest.param(lambda: memoryview(array.array("i", range(300_000))), id="memoryview-of-ints"),
        pytest.param(lambda: [memoryview(b"\x00" * 1_000)], id="memoryview-nested"),
    ],
)
def test_shown_as_json_encodes_a_set_or_bytes_in_pieces_not_whole(
    make: Callable[[], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A set (a JSON array) or bytes (base64) was encoded whole: a set of 500,000 items made
    # ~3 MB of JSON to show 120 characters of it. Said as the whole text's cut says it.
    from types import SimpleNamespace

    from alexaskill import shown_names

    value = make()
    whole = shown_escaped(msgspec.json.encode(value).decode())
    encoded: list[int] = []

    def counting(part: object) -> bytes:
        text = msgspec.json.encode(part)
        encoded.append(len(text))
        return text

    monkeypatch.setattr(
        shown_names, "msgspec", SimpleNamespace(json=SimpleNamespace(encode=counting))
    )
    assert shown_as_json(value) == whole
    assert sum(encoded) < 2_000, f"{sum(encoded):,} characters encoded in {len(encoded):,} calls"


class _Tagged(msgspec.Struct, tag="big", rename="camel", omit_defaults=True):
    many_items: list[int]
    name: str = "x"
    kept: tuple[int, ...] = (1, 2)
    empty: list[int] = msgspec.field(default_factory=list)


class _Row(msgspec.Struct, array_like=True, frozen=True):
    label: str
    inner: _Tagged


@dataclasses.dataclass(frozen=True)
class _Record:
    blob: bytes
    rows: list[_Row]
    count: int = 0


def _many() -> list[int]:
    """300,000 items: made by each test that takes them, not at import (as above)."""
    return list(range(300_000))


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda: memoryview(bytes(range(256)) * 4_000), id="memoryview"),
        pytest.param(lambda: memoryview(array.array("i", range(200_000))), id="memoryview-of-ints"),
        pytest.param(lambda: _Tagged(_many()), id="struct"),
        pytest.param(
            lambda: _Tagged(_many(), name="n" * 500_000, kept=(3,), empty=[1]),
            id="struct-all-set",
        ),
        pytest.param(
            lambda: [_Row("r" * 300_000, _Tagged(_many())), _Row("s", _Tagged([]))],
            id="array-like",
        ),
        pytest.param(
            lambda: _Record(b"\x00" * 600_000, [_Row("a", _Tagged(_many()))] * 3), id="dataclass"
        ),
        pytest.param(lambda: {"k": _Record(b"", []), "m": memoryview(b"abc")}, id="small"),
        pytest.param(lambda: _Tagged([1]), id="short-struct"),
    ],
)
def test_shown_as_json_encodes_a_memoryview_struct_or_dataclass_in_pieces_not_whole(
    make: Callable[[], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Anything but a str, bytes, list, set or dict went to msgspec whole: a Struct holding a
    # list of 300,000 items made ~2 MB of JSON to show 120 characters of it. Said as the whole
    # text's cut says it (msgspec's tag, renames, array_like and omitted defaults kept).
    from types import SimpleNamespace

    from alexaskill import shown_names

    value = make()
    whole = shown_escaped(msgspec.json.encode(value).decode())
    encoded: list[int] = []

    def counting(part: object, **options: Any) -> bytes:
        text = msgspec.json.encode(part, **options)
        encoded.append(len(text))
        return text

    monkeypatch.setattr(
        shown_names, "msgspec", SimpleNamespace(json=SimpleNamespace(encode=counting))
    )
    assert shown_as_json(value) == whole
    assert sum(encoded) < 2_000, f"{sum(encoded):,} characters encoded in {len(encoded):,} calls"


def test_shown_as_json_refuses_a_memoryview_msgspec_refuses() -> None:
    # A view that is not contiguous has no bytes msgspec writes (BufferError): refused alike.
    view = memoryview(b"ab" * 100)[::2]
    with pytest.raises(BufferError):
        msgspec.json.encode(view)
    with pytest.raises(BufferError):
        shown_as_json(view)


def test_a_long_count_is_cut_to_its_head_and_tail_with_its_digits() -> None:
    # Under Python's 4,300 digits an int was said whole: 10**4000 made a message of 5,334
    # characters (an offsetInSeconds given in Python, the fake's refusal of it).
    said = f"{10**4000:,}"
    assert shown_count(10**4000) == f"{said[:70]}…{said[-30:]} (4,001 digits)"
    assert shown_count(-(10**200)).startswith("-100,000,") and "(201 digits)" in shown_count(
        -(10**200)
    )
    whole = int("9" * 90)  # (90 digits, 29 separators: 119 characters)
    assert shown_count(whole) == f"{whole:,}" and len(shown_count(whole)) == 119
