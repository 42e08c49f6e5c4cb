"""`SkillSwap`: what a `TestClient` puts on its skill for its lifetime, and gives back."""

from __future__ import annotations

import itertools
import weakref
from typing import TYPE_CHECKING, Any

from ..logs import security_logger
from ..shown_names import shown_value

if TYPE_CHECKING:
    from ..app import Skill, _StoreBinding
    from ..verify import Verifier

__all__ = ["SkillSwap"]

#: The swaps not undone yet, each on its skill until `SkillSwap.restore`.
_in_place: weakref.WeakSet[SkillSwap] = weakref.WeakSet()
_made = itertools.count()
#: The skills a swap was made on: one that has started otherwise is being served.
_tested_skills: weakref.WeakSet[Skill] = weakref.WeakSet()

# The skill's attributes swapped, in the order they are given back; a swap given a store
# binding swaps ``_store_binding`` too, said as ``store`` (the attribute the test would set).
_NAMES = ("verifier", "api_client", "on_handler_error")
_SAID_AS = {"_store_binding": "store"}


class SkillSwap:
    """Put ``verifier`` (unless None: the skill's stays), ``api_client`` and ``listener``
    (``on_handler_error``) on ``skill`` now, and ``store_binding`` (a store with its attribute
    services) if given, saving what was there; `restore` gives it back.

    Swaps on one skill nest: each saves what the one before it put there. One restored before
    a swap made after it hands what it saved to that swap, which gives it back in turn; what
    the test set on the skill itself meanwhile stays (said at WARNING).
    """

    def __init__(
        self,
        skill: Skill,
        verifier: Verifier | None,
        api_client: Any,
        listener: Any,
        store_binding: _StoreBinding | None = None,
    ) -> None:
        if skill.started and skill not in _tested_skills:
            # A skill served (or answering requests elsewhere) would answer with the test's
            # verifier and fake APIs too, for as long as the swap lasts.
            security_logger.warning(
                "TestClient: the skill %s has started already (served, or answering requests), "
                "and until the client is closed it %s. Open TestClient on a skill no server "
                "serves.",
                ", ".join(sorted(skill.skill_ids or ["*"])),
                "sends its Alexa API calls to a fake"
                if verifier is None
                else "trusts the test PKI alone and sends its Alexa API calls to a fake",
            )
        _tested_skills.add(skill)
        self.skill = skill
        installed = (skill.verifier if verifier is None else verifier, api_client, listener)
        self._installed = dict(zip(_NAMES, installed, strict=True))
        if store_binding is not None:
            self._installed["_store_binding"] = store_binding
        self._saved = {name: getattr(skill, name) for name in self._installed}
        for name, value in self._installed.items():
            setattr(skill, name, value)
        self._order = next(_made)
        self._restored = False
        #: Whether the skill's lifespan ran (a client within ``with``): its shutdown closes the
        #: stores; else `end` does.
        self.served = False
        _in_place.add(self)

    def end(self, async_backend: Any) -> None:
        """`restore`, after closing what the skill's requests opened (`Skill.aclose`: its stores'
        connections, an SQLite file's, DynamoDB's pool) if no lifespan's shutdown closed them (a
        client used without ``with``), on an event loop of ``async_backend`` (Starlette's
        ``TestClient.async_backend``) for the time. Restored even if the closing fails."""
        try:
            if not self.served and not self._restored:
                import anyio.from_thread

                with anyio.from_thread.start_blocking_portal(**async_backend) as portal:
                    portal.call(self.skill._close_at_shutdown)  # as the lifespan's shutdown
        finally:
            self.restore()

    def check_open(self) -> None:
        """`RuntimeError` once restored: the client that made the swap is closed."""
        if self._restored:
            raise RuntimeError(
                "this TestClient is closed (its with block is over, close() was called, or the "
                "test whose skill_client made it ended): the skill verifies requests as in "
                "production again, and would refuse the client's test signature after fetching "
                "a certificate chain from Amazon. Send the requests inside the with block (or "
                "the test), or open another TestClient"
            )

    def restore(self) -> None:
        """Give the skill back what was there before (once; later calls do nothing)."""
        if self._restored:
            return
        self._restored = True
        _in_place.discard(self)
        skill = self.skill
        later = [s for s in _in_place if s.skill is skill and s._order > self._order]
        if later:
            # Restored before a swap made after it: that one gives back what this one found.
            # Both swapped the verifier, ...: what this one found, first, wins. A store swapped
            # by one of them only is given back by the next, if the skill still has it.
            next_swap = min(later, key=lambda swap: swap._order)
            next_swap._saved = {**next_swap._saved, **self._saved}
            next_swap._installed = {**self._installed, **next_swap._installed}
            return
        for name, installed in self._installed.items():
            if getattr(skill, name) is installed:
                setattr(skill, name, self._saved[name])
            else:
                security_logger.warning(
                    "TestClient.close: skill.%s was replaced while the client was open: left as "
                    "it is, not given back %s",
                    _SAID_AS.get(name, name),
                    shown_value(self._saved[name]),  # (a skill's object: its repr may be long)
                )
