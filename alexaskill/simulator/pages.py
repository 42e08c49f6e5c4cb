"""The pages the simulator talks to: each page's conversation with each skill it chose.

A page talks to one skill at a time (the one chosen now), but the stream in its audio player may
be another skill's: the player's events go to the skill that played it, in that skill's own
conversation, and leave the one the page talks to now untouched.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .session import Simulation, SkillTarget

__all__ = ["NEW", "Pages"]

#: The note on which the page plays what it held for the old session.
NEW: Final = "a new session"


@dataclass
class _Page:
    #: The skill the page talks to now (its index).
    current: int
    #: Its conversation with each skill it chose, or whose stream it played.
    simulations: dict[int, Simulation] = field(default_factory=dict)


class Pages:
    """The simulations of the pages seen lately (at most ``limit`` pages; the one heard from
    least recently is forgotten first); ``make`` starts skill ``index``'s simulation."""

    def __init__(
        self, targets: Sequence[SkillTarget], limit: int, make: Callable[[int], Simulation]
    ) -> None:
        self._targets = targets
        self._limit = limit
        self._make = make
        self._pages: OrderedDict[str, _Page] = OrderedDict()

    def __contains__(self, page_id: object) -> bool:
        return page_id in self._pages

    def device(self, page_id: str) -> tuple[int, Simulation] | None:
        """The skill page ``page_id`` talks to now and its simulation, whose locale and device
        are the ones the page's user last set (None: a page not known)."""
        page = self._pages.get(page_id)
        if page is None or page.current not in page.simulations:
            return None
        return page.current, page.simulations[page.current]

    def simulation(
        self,
        page_id: str,
        index: int,
        notes: list[str],
        *,
        user: bool = True,
        configure: Callable[[Simulation], list[str]] | None = None,
    ) -> Simulation:
        """Page ``page_id``'s simulation with skill ``index``, started if need be, then
        ``configure``d (its notes added): one that raises changes nothing here either.

        For the ``user``'s actions, ``index`` becomes the skill the page talks to: another one
        than before starts a new session with it (noted), and the session with the one left is
        over, as a device holds one skill's session at a time. A device event (not ``user``)
        reaches the skill's conversation and changes nothing else.
        """
        page = self._pages.get(page_id)
        simulation = None if page is None else page.simulations.get(index)
        started = simulation is None
        if simulation is None:
            simulation = self._make(index)  # first: a model that cannot serve changes nothing
        changes = [] if configure is None else configure(simulation)
        if page is None:
            page = self._pages[page_id] = _Page(index)
        page.simulations[index] = simulation
        self._pages.move_to_end(page_id)
        if user and page.current != index:
            left = page.simulations.get(page.current)
            if left is not None:  # its session is over (its stream's events come outside it)
                left.new_session()
            page.current = index
            if not started:  # what it had with that skill is over
                simulation.new_session()
            notes.extend((f"now talking to the skill at {self._targets[index].path}", NEW))
        notes.extend(note for note in changes if note not in notes)
        while len(self._pages) > self._limit:
            self._pages.popitem(last=False)
        return simulation
