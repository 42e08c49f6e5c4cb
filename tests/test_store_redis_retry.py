"""`RedisStore` saves tried again after a lost answer: applied once, whatever the retries; the
save's token kept a day. (Saves given up or cancelled: test_store_redis_cancel.py.)"""

from __future__ import annotations

import uuid

import pytest

from alexaskill.exceptions import ResponseError
from alexaskill.store import RedisStore

from .redis_proxies import (
    _TIMEOUTS,
    _AnswerLosingProxy,
    _held_answers_given_up_at_once,
    _HoldingProxy,
    _port,
    _token_ttls,
)
from .redis_server import PATIENT

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.parametrize("increments", [None, {"visits": 1}])
@pytest.mark.anyio
async def test_a_redis_save_whose_answer_was_lost_is_not_made_again(
    redis_url: str, increments: dict[str, int] | None
) -> None:
    # Redis applied the save, its answer was lost, and the store (and redis-py, which retries
    # a transaction whose connection failed) sent the MULTI/EXEC again: the save was applied
    # twice, the second time over what another request had saved in between ("draft" deleted
    # again, "n" set back to 1).
    import redis

    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    key = f"{prefix}user"
    direct = redis.Redis(port=port)
    direct.hset(key, mapping={"n": "0", "draft": '"old"', "visits": "0"})

    def meanwhile() -> None:  # another request's save, applied after this one
        direct.hset(key, mapping={"n": "2", "draft": '"theirs"'})

    proxy = _AnswerLosingProxy(port, key.encode(), meanwhile)
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{PATIENT}", prefix=prefix)
    try:
        await store.update("warm-up", {"a": 1}, (), increments=increments)
        proxy.armed = True
        await store.update("user", {"n": 1}, ["draft"], increments=increments)
        assert proxy.lost == 1
        assert await store.load("user") == {
            "n": 2,
            "draft": "theirs",
            "visits": 1 if increments else 0,
        }
    finally:
        await store.aclose()
        proxy.close()
        direct.close()


@pytest.mark.anyio
async def test_a_redis_save_whose_answer_was_lost_is_not_checked_again(redis_url: str) -> None:
    # The script checked the values to add to before it looked for the save's token: sent
    # again after its answer was lost, it checked them as the first run had left them, and
    # refused an increment that had been applied, once ("too large to increment"): the user
    # heard the apology for a save that was made.
    import redis

    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    key = f"{prefix}user"
    near = 8_223_372_036_854_775_800  # within the script's limit, not once 10 is added
    direct = redis.Redis(port=port)
    direct.hset(key, mapping={"visits": str(near)})
    proxy = _AnswerLosingProxy(port, key.encode(), lambda: None)
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{PATIENT}", prefix=prefix)
    try:
        await store.update("warm-up", {"a": 1}, ())  # the script loaded: no NOSCRIPT lost
        proxy.armed = True
        await store.update("user", {"n": 1}, (), increments={"visits": 10})
        assert proxy.lost == 1
        assert await store.load("user") == {"n": 1, "visits": near + 10}
    finally:
        await store.aclose()
        proxy.close()
        direct.close()


@pytest.mark.anyio
async def test_a_refused_redis_save_whose_answer_was_lost_is_refused_again(
    redis_url: str,
) -> None:
    # The token is set only once the values have been checked: set first, a refused save would
    # leave it behind, and the save sent again would do nothing and report success.
    import redis

    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    key = f"{prefix}user"
    direct = redis.Redis(port=port)
    direct.hset(key, mapping={"visits": '"many"'})
    proxy = _AnswerLosingProxy(port, key.encode(), lambda: None)
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{PATIENT}", prefix=prefix)
    try:
        await store.update("warm-up", {"a": 1}, ())  # the script loaded: no NOSCRIPT lost
        proxy.armed = True
        with pytest.raises(ResponseError, match="'visits' holds a str: not incremented"):
            await store.update("user", {"n": 1}, (), increments={"visits": 1})
        assert proxy.lost == 1
        assert await store.load("user") == {"visits": "many"}
        # The first try, unanswered, could still reach Redis (the value mended meanwhile): the
        # second's refusal cancels it, as when Redis refused the save with an error.
        tokens = [direct.get(token) for token in direct.scan_iter(f"{prefix}saves:{{{key}}}:*")]
        assert tokens == [b"cancelled"]
    finally:
        await store.aclose()
        proxy.close()
        direct.close()


@pytest.mark.anyio
async def test_a_redis_save_applied_though_both_answers_were_lost_succeeds(
    redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Both tries' answers lost: the store reported a failure (the user heard the apology) for
    # a save Redis had applied. Cancelling it finds its token set by the script: it was made.
    import redis

    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    key = f"{prefix}user"
    direct = redis.Redis(port=port)
    losses = []

    def lose_the_next_answer_too() -> None:
        losses.append(1)
        proxy.armed = len(losses) == 1

    proxy = _AnswerLosingProxy(port, key.encode(), lose_the_next_answer_too)
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{PATIENT}", prefix=prefix)
    try:
        await store.update("warm-up", {"a": 1}, ())  # the script loaded: no NOSCRIPT lost
        proxy.armed = True
        await store.update("user", {"n": 1}, (), increments={"visits": 1})
        assert proxy.lost == 2
        assert await store.load("user") == {"n": 1, "visits": 1}
        assert "Redis had applied it" in caplog.text
    finally:
        await store.aclose()
        proxy.close()
        direct.close()


@pytest.mark.anyio
async def test_a_redis_save_tried_twice_keeps_its_token_a_day(redis_url: str) -> None:
    # The second try set the save's token for a minute: the first try, held up longer in a
    # partition (TCP retransmits for minutes), reached Redis once the token was gone and wrote
    # over later saves. The second try keeps the token a day.
    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    proxy = _HoldingProxy(port, b"EVALSHA")
    proxy.once = True  # the first try only
    options = _TIMEOUTS
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{options}", prefix=prefix)
    try:
        await store.update("warm-up", {"n": 1}, ())  # the script loaded: no NOSCRIPT held
        proxy.holding = True
        async with _held_answers_given_up_at_once(store, proxy):
            await store.update("user", {"n": 2}, ())  # the second try applied
        assert proxy.held
        assert len(await _token_ttls(port, prefix)) == 1
        assert min(await _token_ttls(port, prefix)) > 3600
    finally:
        proxy.release()
        await store.aclose()
        proxy.close()


@pytest.mark.anyio
async def test_a_redis_save_found_made_keeps_its_token_a_day(redis_url: str) -> None:
    # The first try applied (its token kept a minute), its answer lost; the second found the
    # token, and left it to expire in a minute, though a copy of the save may still be on its
    # way (redis-py's own retry, a delayed segment). Finding its token, the script keeps it a
    # day.
    port = _port(redis_url)
    prefix = f"test:{uuid.uuid4().hex}:"
    proxy = _AnswerLosingProxy(port, f"{prefix}user".encode(), lambda: None)
    store = RedisStore(f"redis://127.0.0.1:{proxy.port}/0?{PATIENT}", prefix=prefix)
    try:
        await store.update("warm-up", {"a": 1}, ())  # the script loaded: no NOSCRIPT lost
        proxy.armed = True
        await store.update("user", {"n": 1}, ())
        assert proxy.lost == 1
        ttls = await _token_ttls(port, prefix)
        assert len(ttls) == 1 and ttls[0] > 3600, ttls
    finally:
        await store.aclose()
        proxy.close()
