"""What a `TestPKI` takes checked: its dates (``valid_at``, ``not_before``, ``not_after``) aware
datetimes it can certify, refused with the option named, never with cryptography's words or an
OverflowError; and the moment a `TestClient` signs at (``now``) one a test PKI can be valid at.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final

from ..shown_names import shown_value

__all__: list[str] = []  # checks for alexaskill.testing.pki, which gives check_valid_at

#: The moments a TestPKI can be valid at, from the first (included) to the second (left out):
#: its CAs' certificates begin 366 days before and end 730 days after, X.509's times (in
#: cryptography) in 1950, Python's datetimes with the year 9999 (tried: any moment of 9997 works,
#: 9998-01-01 overflows).
_VALID_AT: Final = (datetime(1951, 1, 2, tzinfo=UTC), datetime(9998, 1, 1, tzinfo=UTC))


def check_valid_at(moment: datetime, option: str) -> None:
    """`ValueError` naming ``option`` for a ``moment`` (aware) no test PKI can be valid at."""
    if not _VALID_AT[0] <= moment < _VALID_AT[1]:
        first, last = (limit.date().isoformat() for limit in _VALID_AT)
        raise ValueError(
            f"{option}: {moment.isoformat()} is no moment a test PKI can certify (its CAs' "
            f"certificates span a year before it and two after, from 1950, as X.509's dates "
            f"begin): give one from {first} and before {last}"
        )


#: The dates a TestPKI's leaf can begin and end at when given (``not_before``, ``not_after``):
#: its CAs' certificates begin 365 days before the one and end 365 days after the other.
_BOUNDS: Final = (
    datetime(1951, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, tzinfo=UTC) - timedelta(days=366),
)


def _check_bounds(**bounds: datetime | None) -> None:
    """`ValueError` naming the option for a bound given (aware) no test PKI can certify, as
    `check_valid_at` says it of ``valid_at``: not cryptography's words, nor an OverflowError."""
    for option, moment in bounds.items():
        if moment is not None and not _BOUNDS[0] <= moment <= _BOUNDS[1]:
            first, last = (limit.date().isoformat() for limit in _BOUNDS)
            raise ValueError(
                f"TestPKI({option}=...): {moment.isoformat()} is no date a test PKI can certify "
                f"(its CAs' certificates begin a year before its leaf's and end a year after, "
                f"from 1950, as X.509's dates begin): give one from {first} to {last}"
            )


def _check_options(**moments: object) -> None:
    """`TypeError` for a ``moments`` value that is no aware datetime (None: the default): a
    naive one was taken, and a client's clock then failed to compare with it."""
    for option, moment in moments.items():
        if moment is not None and (not isinstance(moment, datetime) or moment.utcoffset() is None):
            raise TypeError(
                f"TestPKI({option}=...) is an aware datetime (datetime(2026, 12, 5, "
                f"tzinfo=datetime.UTC)), not {shown_value(moment)}"
            )
