"""A long chain of exceptions, each raised ``from`` the one before: a traceback of many lines,
which tests/test_log_format.py and tests/test_log_lambda_text.py hold a record to 4,096 bytes
with."""

from __future__ import annotations

#: How many exceptions the chain holds: with a message of ~150 characters each, a traceback of
#: several times 4,096 bytes, whichever formatter writes it.
STEPS = 40


def chained_value_errors(filler: str, steps: int = STEPS) -> ValueError:
    """The last of ``steps`` ValueErrors, each raised from the one before, their tracebacks
    kept; their messages ``step N `` then ``filler`` (the last one's ``step {steps - 1} …``)."""
    exc: ValueError | None = None
    for step in range(steps):
        try:
            raise ValueError(f"step {step} {filler}") from exc
        except ValueError as caught:
            exc = caught
    assert exc is not None  # (steps >= 1)
    return exc
