"""The seeded mutator of the fuzz tests of whole requests (tests/test_fuzz.py, and
tests/test_fuzz_direct.py, which sends its bodies to both protocols): `mutate` breaks a copy of an
envelope structurally, `encode` writes it as JSON with the placeholders it left (duplicate keys,
lone surrogates in escapes, deep nesting)."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from typing import Any, Final

from .typed_skill import value_paths

#: Placeholders replaced in the JSON text: what json.dumps cannot write itself.
_SURROGATES: Final = ("\\ud800", "\\udfff", "\\udc00x", "\\ud83d", "\\ud800\\ud800", "\\u0000")

_SLOT_VALUES: Final = (
    "?",
    "",
    " ",
    "5 ",
    "٣",
    "1e5",
    "-0",
    "0x10",
    "inf",
    "nan",
    "NaN",
    "1_000",
    "+5",
    "\u0663.\u0665",
    "99999999999999999999999999",
    "9" * 5000,
    "0." + "9" * 400,
    "-" + "9" * 400 + ".5",
    "2015-02-30",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "9999-WI",
    "9999-W53",
    "9999-W52-WE",
    "0001-W01",
    "10000-01-01",
    "2026-1-1",
    "PRESENT_REF",
    "201X",
    "999X",
    "000X",
    "2026-XX",
    "2026-XX-XX",
    "2026-11-XX",
    "2026-00",
    "2026-13",
    "24:00",
    "23:59:60",
    "9:00",
    "14:30:00",
    "14:30:61",
    "MO",
    "NI",
    "mo",
    "P",
    "PT",
    "P1Y",
    "PT1.5H",
    "P1.0e3D",
    "P9999999999999999D",
    "P" + "9" * 400 + "D",
    "PT" + "9" * 30 + "S",
    "P1W",
    "P0D",
    "RED",
    "red",
    "\uff32\uff45\uff44",
    "ß",
    "SS",
    "ﬁ",
    "İ",
    "\u200b",
    "\ufeff",
    "💥",
    "a\x00b",
    "\x7f",
)

_ODD_TIMESTAMPS: Final[tuple[Any, ...]] = (
    "",
    "now",
    "2026-13-01T00:00:00Z",
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "2026-11-26T12:00:10",
    "2026-11-26T12:00:10.123456789Z",
    "+002026-11-26T12:00:10Z",
    "2026-11-26 12:00:10Z",
    "2026-11-26T12:00:10+25:00",
    "2026-W48-4T12:00:10Z",
    "20261126T120010Z",
    "2026-11-26T12:00:10z",
    "2026-11-26T12:00:10Z\n",
    1795694410000,
    1e300,
    -1e300,
    0,
    -1,
    2**64,
    10**30,
    1.5,
    True,
    None,
    [],
    {},
)


#: Strings that fit any string field (a locale, an id, an intent's name, a dialog state, ...).
_ODD_STRINGS: Final = (
    "",
    " ",
    "x" * 10_000,
    "en-US\x00",
    "EN-us",
    "en_US",
    "en",
    "xx-XX",
    "zz",
    "de-DE-x-private",
    "ja-JP",
    "ar-SA",
    "../../etc/passwd",
    "%s%s%n",
    "{0}{slot}{}",
    "$(echo)",
    "<speak>x</speak>",
    "]]><x/>&amp;&",
    "\u202eevil",
    "\r\nSet-Cookie: a=b",
    "a\tb",
    "İı",
    "\ud7ff\ue000",
    "amzn1.ask.skill.",
    "AMAZON.",
    "AMAZON.StopIntent",
    "IntentRequest",
    "LaunchRequest",
    "null",
    "NONE",
    "CONFIRMED",
    "DENIED",
    "STARTED",
    "IN_PROGRESS",
    "COMPLETED",
)


def _strings(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The paths of the string values in ``node``."""
    if isinstance(node, str):
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, (*path, index))


def _huge_int(rng: random.Random) -> int:
    return rng.choice((2**31, 2**63, 2**64, -(2**63) - 1, 10**30, 10**400))


def _deep(rng: random.Random, depth: int) -> str:
    """JSON text nested ``depth`` levels deep (written by `encode`: json.dumps would recurse)."""
    opening = "".join(rng.choice(("[", '{"a": ')) for _ in range(depth))
    closing = "".join("]" if char == "[" else "}" for char in reversed(opening) if char in "[{")
    return opening + '"x"' + closing


def odd_value(rng: random.Random) -> Any:
    """A JSON value of any type, often an unusual one."""
    kind = rng.randrange(16)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice((True, False))
    if kind == 2:
        return rng.choice((0, -1, 1, 7))
    if kind == 3:
        return _huge_int(rng)
    if kind == 4:
        return rng.choice((1e308, -1e308, 5e-324, -0.0, 0.1, 1.5))
    if kind == 5:
        return rng.choice(("", " ", "null", "true", "0", "{}"))
    if kind == 6:
        return "x" * rng.choice((1000, 70_000))
    if kind == 7:
        return "__SURROGATE__"
    if kind == 8:
        return rng.choice(([], {}, [None], {"": None}, [[]]))
    if kind == 9:
        return f"__DEEP{rng.choice((50, 500, 5000))}__"
    if kind == 10:
        return rng.choice(_SLOT_VALUES)
    if kind == 11:
        return rng.choice(_ODD_TIMESTAMPS)
    if kind == 12:
        return {"type": rng.choice(("Simple", "List", "Other", None, 5)), "values": [None, {}]}
    if kind == 13:
        return [odd_value(rng) for _ in range(rng.randrange(4))]
    if kind == 14:
        return {f"k{i}": odd_value(rng) for i in range(rng.randrange(4))}
    return "".join(chr(rng.choice((0x41, 0xE9, 0x3000, 0x1F600, 0xFFFD, 0x202E))) for _ in "abc")


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


def _slots_of(envelope: dict[str, Any]) -> list[dict[str, Any]]:
    request = envelope.get("request")
    intent = request.get("intent") if isinstance(request, dict) else None
    slots = intent.get("slots") if isinstance(intent, dict) else None
    if not isinstance(slots, dict):
        return []
    return [slot for slot in slots.values() if isinstance(slot, dict)]


def _odd_resolutions(rng: random.Random) -> Any:
    return rng.choice(
        (
            None,
            {},
            {"resolutionsPerAuthority": None},
            {"resolutionsPerAuthority": {}},
            {"resolutionsPerAuthority": [None]},
            {"resolutionsPerAuthority": [{"status": None, "values": None}]},
            {"resolutionsPerAuthority": [{"status": {"code": "ER_SUCCESS_MATCH"}}]},
            {"resolutionsPerAuthority": [{"status": {"code": "ER_SUCCESS_MATCH"}, "values": []}]},
            {
                "resolutionsPerAuthority": [
                    {"status": {"code": "ER_SUCCESS_MATCH"}, "values": [{}, {"value": None}]}
                ]
            },
            {
                "resolutionsPerAuthority": [
                    {
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [{"value": {"name": rng.choice(_SLOT_VALUES), "id": None}}],
                    }
                ]
            },
            {
                "resolutionsPerAuthority": [
                    {
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [{"value": {"name": 5, "id": ["RED"]}}],
                    }
                ]
            },
        )
    )


def mutate(rng: random.Random, envelope: dict[str, Any]) -> dict[str, Any]:
    """Apply one to three mutations to (a copy of) ``envelope``; duplicates and surrogates are
    placeholders that `encode` writes."""
    envelope = copy.deepcopy(envelope)
    for _ in range(rng.randint(1, 3)):
        paths = list(value_paths(envelope))[1:]
        slots = _slots_of(envelope)
        kind = rng.randrange(12)
        if kind <= 1 and paths:  # a value replaced by one of another type
            path = rng.choice(paths)
            _at(envelope, path[:-1])[path[-1]] = odd_value(rng)
        elif kind == 2 and paths:  # a field left out
            path = rng.choice(paths)
            parent = _at(envelope, path[:-1])
            if isinstance(parent, dict):
                del parent[path[-1]]
        elif kind == 3:  # a field added
            containers = [p for p in [(), *paths] if isinstance(_at(envelope, p), dict)]
            target = _at(envelope, rng.choice(containers))
            name = rng.choice(("extra", "type", "value", "raw", "body", "__DUP__"))
            target[name if name != "__DUP__" else f"__DUP__{rng.randrange(9)}"] = odd_value(rng)
        elif kind == 4 and slots:  # a slot with an odd value of some builtin type
            slot = rng.choice(slots)
            value = rng.choice(_SLOT_VALUES)
            where = rng.randrange(3)
            if where == 0:
                slot["value"] = value
            elif where == 1:
                slot["slotValue"] = {"type": "Simple", "value": value}
            else:
                slot.pop("value", None)
                slot["slotValue"] = {
                    "type": "List",
                    "values": [
                        {"type": "Simple", "value": rng.choice(_SLOT_VALUES)}
                        for _ in range(rng.randrange(4))
                    ],
                }
        elif kind == 5 and slots:  # odd entity resolution
            slot = rng.choice(slots)
            slot["resolutions"] = _odd_resolutions(rng)
            if rng.random() < 0.5:
                slot["slotValue"] = {
                    "type": rng.choice(("Simple", "List")),
                    "value": slot.get("value"),
                    "values": [{"value": "red", "resolutions": _odd_resolutions(rng)}, None],
                    "resolutions": _odd_resolutions(rng),
                }
        elif kind == 6 and isinstance(envelope.get("request"), dict):  # an odd timestamp
            envelope["request"]["timestamp"] = rng.choice(_ODD_TIMESTAMPS)
        elif kind == 7 and paths:  # a duplicate key, the second one odd
            containers = [p for p in paths if isinstance(_at(envelope, p), dict)]
            if containers:
                target = _at(envelope, rng.choice(containers))
                if target:
                    key = rng.choice(list(target))
                    target[f"__DUP__{key}"] = odd_value(rng)
        elif kind == 8 and paths:  # a string with a lone surrogate or NUL in its escapes
            path = rng.choice(paths)
            _at(envelope, path[:-1])[path[-1]] = "__SURROGATE__"
        elif kind == 9:  # a number past its type's range, where the request has one
            numbers = [path for path in paths if type(_at(envelope, path)) is int]
            numeric_slots = [slot for slot in slots if slot.get("name") in ("number", "numbers")]
            if numbers and (not numeric_slots or rng.random() < 0.5):
                path = rng.choice(numbers)
                _at(envelope, path[:-1])[path[-1]] = _huge_int(rng)
            elif numeric_slots:
                slot = rng.choice(numeric_slots)
                slot.pop("slotValue", None)
                slot["value"] = str(rng.choice((1, -1)) * _huge_int(rng))
        elif kind >= 10:  # a string field with another string: schema-legal, often odd
            strings = [path for path in _strings(envelope) if path]
            if strings:
                path = rng.choice(strings)
                value = rng.choice((*_ODD_STRINGS, *_SLOT_VALUES))
                _at(envelope, path[:-1])[path[-1]] = value
    return envelope


def encode(rng: random.Random, envelope: Any) -> bytes:
    """``envelope`` as JSON, the placeholders written: duplicate keys, surrogate escapes."""
    text = json.dumps(envelope, ensure_ascii=rng.random() < 0.3)
    text = text.replace('"__DUP__', '"')
    for depth in (50, 500, 5000):
        while f'"__DEEP{depth}__"' in text:
            text = text.replace(f'"__DEEP{depth}__"', _deep(rng, depth), 1)
    while "__SURROGATE__" in text:
        text = text.replace("__SURROGATE__", "a" + rng.choice(_SURROGATES) + "b", 1)
    return text.encode("utf-8")
