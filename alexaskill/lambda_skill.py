"""What the AWS Lambda handler (`alexaskill.aws_lambda`) needs of a `Skill`: `LambdaSkill`, a
Protocol, so that no Lambda module imports the app (tests/test_layers.py), and of its answers."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .dispatch import Registry
    from .exceptions import RequestError
    from .models import Envelope
    from .store import Store

__all__ = ["LambdaAnswer", "LambdaSkill"]


class LambdaAnswer(Protocol):
    """What `LambdaSkill.respond` and its apologies give: the encoded reply, and its outcome."""

    @property
    def body(self) -> bytes: ...

    @property
    def outcome(self) -> str: ...


class LambdaSkill(Protocol):
    """What the Lambda handler needs of a `Skill` (no Lambda module imports the app)."""

    @property
    def registry(self) -> Registry:
        """The skill's handlers."""

    def start(self, name: str = ...) -> None:
        """Freeze the handlers and log what is risky in the set-up, once, naming the skill."""

    @property
    def lambda_log_name(self) -> str:
        """The skill as the log names it on Lambda (by its ids: no path serves it)."""

    @property
    def max_body_size(self) -> int:
        """The most bytes of a request the skill takes (an event's, as JSON, here)."""

    def check_skill_id(self, envelope: Envelope) -> None:
        """Raise `SkillIdError` unless the envelope is for this skill."""

    def _warn_refused(self, exc: RequestError) -> None:
        """Log why a request was refused (the id it named and ours), at most every 10 s."""

    def _say_unsaid(self) -> None:
        """Say the counts its repeated warnings had yet to say (at Lambda's SIGTERM)."""

    @property
    def store(self) -> Store:
        """Where the attribute services load and save."""

    def _store_serves(self, kind: type) -> bool:
        """Whether handlers asking for ``kind`` get it from `store` (no service added over it)."""

    def respond(
        self, envelope: Envelope, *, threadpool: bool = ...
    ) -> Coroutine[Any, Any, LambdaAnswer]:
        """The encoded response envelope for ``envelope``, and its outcome."""

    @property
    def deadline(self) -> float | None:
        """Seconds the skill has to answer (`Skill(deadline=…)`), or None."""

    @property
    def progressive_after(self) -> float | None:
        """Seconds after which a slow answer gets an automatic progressive response, or None."""

    def _apology_for(self, envelope: Envelope, exc: BaseException) -> LambdaAnswer:
        """The apology, logged, for a `BaseException` that left the answering of ``envelope``, or
        a reply's `ResponseError` (one of its data: one line, the reason names the data)."""

    def _answer_cancelled(
        self, envelope: Envelope, body: bytes, because: str = ...
    ) -> LambdaAnswer:
        """The deadline's apology, logged, for a request whose task was cancelled (``because``)."""

    def _respond_by(
        self,
        envelope: Envelope,
        body: bytes | None,
        at: float,
        limit: float,
        *,
        threadpool: bool = ...,
        loop: bool = ...,
        latest: float | None = ...,
    ) -> Coroutine[Any, Any, LambdaAnswer]:
        """`respond`, or the answer to `DeadlineExceeded` if it is not done by ``at``."""
