"""`SkillSwap`: what a `TestClient` puts on its skill for its lifetime, and gives back."""

from __future__ import annotations

import itertools
import weakref
from typing import TYPE_CHECKING, Any

from ..logs import security_logger

if TYPE_CHECKING:
    from ..app import Skill
    from ..verify import Verifier

__all__ = ["SkillSwap"]

#: The swaps not undone yet, each on its skill until `SkillSwap.restore`.
_in_place: weakref.WeakSet[SkillSwap] = weakref.WeakSet()
_made = itertools.count()
#: The skills a swap was made on: one that has started otherwise is being served.
_tested_skills: weakref.WeakSet[Skill] = weakref.WeakSet()

# The skill's attributes swapped, in the order they are given back.
_NAMES = ("verifier", "api_client", "on_handler_error")


class SkillSwap:
    """Put ``verifier`` (unless None: the skill's stays), ``api_client`` and ``listener``
    (``on_handler_error``) on ``skill`` now, saving what was there; `restore` gives it back.

    Swaps on one skill nest: each saves what the one before it put there. One restored before
    a swap made after it hands what it saved to that swap, which gives it back in turn; what
    the test set on the skill itself meanwhile stays (said at WARNING).
    """

    def __init__(
        self, skill: Skill, verifier: Verifier | None, api_client: Any, listener: Any
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
        self._saved = {name: getattr(skill, name) for name in _NAMES}
        for name, value in self._installed.items():
            setattr(skill, name, value)
        self._order = next(_made)
        self._restored = False
        _in_place.add(self)

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
            min(later, key=lambda swap: swap._order)._saved = self._saved
            return
        for name in _NAMES:
            if getattr(skill, name) is self._installed[name]:
                setattr(skill, name, self._saved[name])
            else:
                security_logger.warning(
                    "TestClient.close: skill.%s was replaced while the client was open: left as "
                    "it is, not given back %r",
                    name,
                    self._saved[name],
                )
