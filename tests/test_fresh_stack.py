"""`in_fresh_stack`: JSON the caller's frames leave no room for, decoded from a new thread."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest

from alexaskill.fresh_stack import in_fresh_stack
from alexaskill.testing.response import answer_json

DEEP = b"[" * 990 + b"]" * 990


def _nested_calls(depth: int, func: Any, *args: Any) -> Any:
    """``func(*args)`` called ``depth`` frames below this one (a handler deep in a server)."""
    return func(*args) if depth == 0 else _nested_calls(depth - 1, func, *args)


@pytest.mark.parametrize("decode", [msgspec.json.decode, json.loads])
def test_json_too_deep_for_the_callers_frames_decodes_in_a_fresh_stack(decode: Any) -> None:
    with pytest.raises(RecursionError):
        _nested_calls(50, decode, DEEP)
    value = _nested_calls(50, in_fresh_stack, decode, DEEP)
    depth = 0
    while isinstance(value, list):
        depth, value = depth + 1, value[0] if value else None
    assert depth == 990


def test_the_calls_result_or_its_own_exception_comes_back() -> None:
    assert in_fresh_stack(divmod, 7, 2) == (3, 1)
    failure = ValueError("no")

    def fail() -> None:
        raise failure

    with pytest.raises(ValueError) as raised:
        in_fresh_stack(fail)
    assert raised.value is failure


def test_the_test_client_reads_any_reply_the_skill_could_encode() -> None:
    """A reply encoded from a fresh stack (session attributes nested ~997 deep) came back to
    the test client, whose json.loads, three frames deeper than msgspec there, raised
    RecursionError out of ``client.send``; read now as msgspec, which encoded it, reads it."""
    deepest = b"[" * 998 + b"]" * 998  # (the deepest msgspec encodes from a fresh stack)
    value = _nested_calls(50, answer_json, deepest)
    depth = 0
    while isinstance(value, list):
        depth, value = depth + 1, value[0] if value else None
    assert depth == 998
    assert _nested_calls(50, answer_json, b"[" * 5000 + b"]" * 5000) is None  # (past any reading)
