"""A skill's lifespan started and stopped directly, as an ASGI server would: what it answers."""

from __future__ import annotations

import asyncio

from starlette.types import Message

from alexaskill import Skill
from alexaskill.exceptions import ConfigurationError


def lifespan_start(skill: Skill) -> Message:
    """What ``skill``'s lifespan answers its startup (then its shutdown, if it started),
    failed or not. A failed start must be said (``lifespan.startup.failed``, a
    `ConfigurationError` by its message alone, a bug with its traceback) and then raised, as
    Starlette's lifespan does: said and not raised, or raised and not said, fails here. The
    error raised is caught, once checked: the answer said is returned."""
    sent: list[Message] = []

    async def lifespan() -> None:
        messages: list[Message] = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

        async def receive() -> Message:
            if not messages:
                await asyncio.Event().wait()
            return messages.pop(0)

        async def send(message: Message) -> None:
            sent.append(message)

        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        try:
            await skill(scope, receive, send)
        except Exception as exc:
            assert [m["type"] for m in sent] == ["lifespan.startup.failed"], exc
            message = sent[0]["message"]
            if isinstance(exc, ConfigurationError):
                assert message == str(exc)
            else:  # a bug's traceback, for the server to say (the app says nothing of it)
                assert message.startswith("Traceback (most recent call last):\n"), message
                assert message.endswith(f"\n{type(exc).__name__}: {exc}"), message
        else:
            failed = [m for m in sent if m["type"] == "lifespan.startup.failed"]
            assert not failed, f"the start said failed, not raised: {sent}"

    asyncio.run(lifespan())
    return sent[0]
