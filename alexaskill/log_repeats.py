"""Lines said once a kind every few seconds, with how many went unsaid since.

A flood of requests that fail alike (forged ones, or all of them while a store is down) must not
write a line each beside their request lines: the first says why, the next of the same kind
within `Repeats.every` seconds are counted, and the first after says how many there were.
"""

from __future__ import annotations

import time
from typing import Final

__all__ = ["Repeats"]

_monotonic: Final = time.monotonic
#: Kinds remembered at most; past it they are forgotten at once (each then said again once).
_KINDS: Final = 256


class Repeats:
    """When a line of each kind was last said, and how many of that kind went unsaid since."""

    __slots__ = ("_said", "every")

    def __init__(self, every: float) -> None:
        #: Seconds between two lines of one kind.
        self.every = every
        #: Kind to [when its line was said, lines of that kind unsaid since].
        self._said: dict[str, list[float]] = {}

    def unsaid(self, kind: str) -> int | None:
        """None when a line of ``kind`` was said less than `every` seconds ago (this one is
        counted instead); else say it now, after how many went unsaid since the last (0)."""
        now = _monotonic()
        said = self._said.get(kind)
        if said is not None and now - said[0] < self.every:
            said[1] += 1
            return None
        if said is None and len(self._said) >= _KINDS:
            self._said.clear()  # kinds made of messages: a bound, not an exact memory
        self._said[kind] = [now, 0]
        return 0 if said is None else int(said[1])
