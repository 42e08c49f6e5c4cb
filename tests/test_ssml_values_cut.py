"""An SSML builder's value (a prosody rate, a voice's name, a locale, a break's time, an
attribute's choice) as its refusal quotes it: cut as alexaskill/shown_names.py cuts a long
value. A handler may build its SSML from what the user said or a store holds, at request time:
a value of 100,000 characters made a message (and the log line saying it) as long."""

from __future__ import annotations

import enum
from collections.abc import Callable

import pytest

from alexaskill import ssml
from alexaskill.exceptions import ResponseError

#: A value far past any message's length, its head unlike its end.
LONG = "x" * 100_000 + "END"
#: The most characters a message quoting one such value may have.
BOUND = 1_000


@pytest.mark.parametrize(
    "call",
    [
        lambda: ssml.prosody("hi", rate=LONG),
        lambda: ssml.prosody("hi", rate="0" * 100_000 + "1%"),  # below 20%
        lambda: ssml.prosody("hi", pitch=LONG),
        lambda: ssml.prosody("hi", pitch="+" + "9" * 100_000 + "%"),  # outside the range
        lambda: ssml.prosody("hi", volume=LONG),
        lambda: ssml.prosody("hi", volume="+" + "9" * 100_000 + "dB"),  # above the maximum
        lambda: ssml.lang("hi", LONG),
        lambda: ssml.voice("hi", LONG + "1"),
        lambda: ssml.amazon_domain("hi", LONG),
        lambda: ssml.amazon_emotion("hi", "excited", LONG),
        lambda: ssml.w("hi", LONG),
        lambda: ssml.emphasis("hi", LONG),
        lambda: ssml.break_([LONG]),  # type: ignore[arg-type]
        lambda: ssml.say_as("hi", LONG, format="mdy"),
    ],
    ids=[
        "rate",
        "rate-minimum",
        "pitch",
        "pitch-range",
        "volume",
        "volume-maximum",
        "lang",
        "voice",
        "domain",
        "intensity",
        "word-role",
        "emphasis",
        "break-time-type",
        "say-as-format",
    ],
)
def test_a_long_ssml_value_is_quoted_cut(call: Callable[[], object]) -> None:
    with pytest.raises(ResponseError) as raised:
        call()
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert (
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" in message
        or "999999999999" in message
        or ("000000000000" in message)
    ), message[:300]


class _Long(enum.Enum):
    """An Enum member whose value is long (str() says "_Long.TEXT", no words)."""

    TEXT = LONG


@pytest.mark.parametrize(
    "text",
    [[LONG], LONG.encode(), {LONG: LONG}, _Long.TEXT, [LONG] * 100_000],
    ids=["list", "bytes", "dict", "enum", "many-items"],
)
def test_a_long_value_given_for_ssml_text_is_quoted_cut(text: object) -> None:
    # SSML text of a value whose str() is no words (a container, bytes, an Enum member) was
    # refused quoting its repr whole.
    with pytest.raises(ResponseError) as raised:
        ssml.escape(text)  # type: ignore[arg-type]
    message = str(raised.value)
    assert len(message) < BOUND, message[:300]
    assert "xxxxxxxxxx" in message, message[:300]
