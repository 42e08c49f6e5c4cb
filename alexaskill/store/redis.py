"""`RedisStore`: attributes in Redis, for skills served from several machines."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ..articles import type_with_article
from ..exceptions import ConfigurationError, StoreError
from ..loop_end import closed_at_loop_end
from .base import _decode, _decoding, _name_not_utf8
from .checked_changes import _encode_written
from .data_faults import _key_checked, _names_checked
from .redis_cancel import _Cancels
from .redis_client import (
    REDIS_CLIENT_OPTIONS,
    _checked_client,
    _client_from_url,
    _like,
    _try_limit,
)
from .redis_errors import _failure, _not_added, _not_utf8, _pool_full
from .redis_script import _KEPT_A_DAY, _UPDATE_SCRIPT, _token, _too_large
from .redis_text import _as_read, _text
from .url import _is_password_option

if TYPE_CHECKING:
    from redis.asyncio import Redis, RedisCluster
    from redis.commands.core import AsyncScript

__all__ = ["REDIS_CLIENT_OPTIONS", "RedisStore"]

T = TypeVar("T")

logger = logging.getLogger("alexaskill")


_NO_REDIS_PY = "RedisStore needs the redis package: pip install 'alexaskill[redis]'"


def _lambda_packaging() -> str:
    """On AWS Lambda, where no pip install mends the function, how its package gets redis-py."""
    from ..log_lambda import on_lambda

    if not on_lambda():
        return ""
    return (
        "; on AWS Lambda, package the extra with the function: name the wheel "
        "'\"$(echo dist/alexaskill-*.whl)[redis]\"' in step 1 of the README's AWS Lambda "
        "section, and upload the new package"
    )


class RedisStore(_Cancels):
    """Attributes in Redis, for several machines: one hash per key, one JSON value per field.

    An update is one Lua script (``HSET``, ``HDEL``, ``HINCRBY``), applied once however often it is
    sent: it does nothing if the token of its own (``prefix`` + ``saves:`` + a random id) is there,
    and sets it, for a minute (a day if sent again, or found), as it writes. ``url`` is any URL the
    ``redis`` package takes (``redis://host:6379/0``, ``rediss://`` for TLS); keys are ``prefix`` +
    the user (or person) key. The client connects on first use, in the event loop that uses it, with
    `REDIS_CLIENT_OPTIONS`; used from another event loop (a test client without ``with`` runs each
    request in one of its own), the store makes itself a new client, its connections being of no use
    there. Each command through a ``client`` given is given up after its connect and read timeouts
    (`REDIS_CLIENT_OPTIONS`' if it has none), its own retries included: else a stuck Redis held a
    save, and its request, for minutes (redis-py 8 retries a command 10 times by default) or for
    ever (no timeout, before redis-py 8). A ``client`` given is used as it is in the first event
    loop that uses the store, and in another a client of the same connection options (its own pool,
    closed with that loop); a ``redis.asyncio.RedisCluster``, for Redis Cluster (a save's token
    shares its user's hash slot, `_token`), only in the first: redis-py has no way to copy one,
    and in another loop each load and save raises `StoreError` saying so.

    After Redis restarts (or the network drops), every pooled connection is dead, and each would
    fail one request: so a load or an update that fails for the connection (``ConnectionError``,
    ``TimeoutError``) closes the idle pooled connections and is tried once more, on a fresh one.
    So does an update refused with ``READONLY``: after a failover, connections made before it
    still reach the old primary, now a replica. All are safe to repeat: a read, the update
    script (it writes once per token, so not again over a later save of another request), and
    what a replica refused was not written.

    A save given up on (sent, and no answer after the retry: a congested network, a stuck
    Redis) is cancelled: a script of the store's sets its token to ``cancelled`` (``SET NX``,
    for a day), so that the update script, reaching Redis late, after the user's next request
    read and saved, does nothing. If the update script was first, the token holds its ``1``
    (the cancel reads it): the save was made, and `update` returns. Only
    if Redis cannot be reached for that either does the `StoreError` say the save may still be
    applied. The cancel is sent once: a save Redis does not answer fails after three
    ``socket_timeout`` (6 s with the defaults: two tries and the cancel), more where connecting
    is slow too (up to ``socket_connect_timeout`` for each new connection); through a ``client``
    given, each of the three may take its connect and read timeouts. No cancel is sent after
    Redis refused the save (it answered: nothing was written), nor when no try got as far as a
    connection (refused, unreachable: nothing was sent). A save its caller cancels (a server
    shutting down, a timeout of the caller's own) while its script may be on its way is
    cancelled in Redis the same way before the cancellation goes on (that waited for, up to its
    timeouts, unless the caller cancels again: then it goes on by itself).

    Every failure of Redis's (unreachable, no answer in time, a refused password, a read-only
    replica, out of memory, a value over its size limit: `_too_large`) raises `StoreError`, its
    message saying what failed and what to do, never the password.
    """

    _common_limits = True  # (`base._common_limits`)

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "alexaskill:attributes:",
        client: Redis | RedisCluster | None = None,
    ) -> None:
        try:
            import redis.asyncio  # noqa: F401 (here, for the message: _client_from_url uses it)
            from redis.exceptions import ConnectionError, ReadOnlyError, RedisError, TimeoutError
        except ImportError as exc:
            raise ConfigurationError(_NO_REDIS_PY + _lambda_packaging()) from exc
        if not isinstance(prefix, str):
            raise ConfigurationError(
                f"RedisStore: prefix must be a string (the default: 'alexaskill:attributes:'), "
                f"not {type_with_article(prefix)}"
            )
        own = client is None
        client = _client_from_url(url, first=True) if client is None else _checked_client(client)
        self.prefix = prefix
        # Typed as a Redis: a RedisCluster takes the same commands (and has no connection pool,
        # which the code that uses one looks for with getattr).
        self._client = cast("Redis", client)
        # The URL to make a client from when the event loop changes (None: the client given).
        self._url = url if own else None
        #: The client given (None: made from the URL), never closed but by `aclose`.
        self._given = None if own else self._client
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closer: AsyncGenerator[None, None] | None = None
        # ReadOnlyError: after a failover the connections made before it still reach the old
        # primary, now a replica, while a new one reaches the new primary (DNS, a proxy).
        self._connection_errors = (ConnectionError, TimeoutError, ReadOnlyError)
        # A save that failed so may have reached Redis, and be applied later (`_cancel`).
        self._unanswered = (ConnectionError, TimeoutError)
        self._redis_error = RedisError
        self._script: AsyncScript | None = None

    @_decoding
    async def load(self, key: str) -> dict[str, Any]:
        """All the values stored under ``key``."""
        _key_checked(key)
        name = self.prefix + key
        try:
            fields = await self._retrying("load", lambda client: client.hgetall(name))
        except UnicodeDecodeError as exc:  # written by another program
            raise _not_utf8(self._where(), exc) from exc  # (redis-py's, decode_responses=True)
        try:
            names = [_text(field, self) for field in fields]
        except UnicodeDecodeError as exc:  # (the store's own decoding: no client's to blame)
            raise _name_not_utf8(self._where(), exc) from exc
        where = self._where()
        return {
            name: _decode(name, value if isinstance(value, bytes) else _as_read(value, self), where)
            for name, value in zip(names, fields.values(), strict=True)
        }

    async def update(
        self,
        key: str,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        """Set ``changes``, add ``increments`` and remove ``deleted`` under ``key``, in one
        transaction."""
        gone = _names_checked(key, changes, deleted, increments, kept=self._encodes)
        encoded = _encode_written(changes, gone, increments)
        if encoded or gone or increments:
            await self._update_script(self.prefix + key, encoded, gone, increments or {})

    def check_update(
        self,
        changes: Mapping[str, Any],
        deleted: Iterable[str],
        increments: Mapping[str, int] | None = None,
    ) -> None:
        """Raise the `ResponseError` `update` would raise before writing, in its words: a value
        no store keeps (no JSON, past DynamoDB's numbers or nesting), an empty name, an increment
        beyond what Redis adds in 64 bits. (Not what Redis alone can tell: a stored value too
        large to add to, a save past its ``proto-max-bulk-len``.)"""
        gone = _names_checked(None, changes, deleted, increments, checking=True, kept=self._encodes)
        _encode_written(changes, gone, increments)

    async def aclose(self) -> None:
        """Close the client and its connection pool."""
        client = self._client
        if asyncio.get_running_loop() is not self._loop:
            client = await self._for_loop()  # the connections are another loop's
        await client.aclose()

    def _encodes(self, name: str) -> bool:
        """Whether the client writes ``name``, one holding half a surrogate pair: one given,
        decoding with ``encoding_errors="surrogateescape"``, loads such (`data_faults._held`)."""
        client: Any = self._client  # (redis-py's get_encoder is untyped; a cluster's has it too)
        try:
            client.get_encoder().encode(name)
        except UnicodeEncodeError:
            return False
        return True

    async def _update_script(
        self, name: str, encoded: dict[str, str], gone: list[str], increments: Mapping[str, int]
    ) -> None:
        # One Lua script writes once per token, after checking the stored values to add to: a
        # save sent again after its answer was lost (a retry here, or redis-py's own) does
        # nothing, where a MULTI/EXEC, even of plain HSET and HDEL, would be applied again, over
        # what another request saved in between. (MULTI/EXEC cannot check a value either.)
        import uuid

        token = _token(self.prefix, name, uuid.uuid4().hex)
        args: list[str | int] = [len(increments)]
        for field, by in increments.items():
            args += [field, by]
        args.append(len(encoded))
        for field, text in encoded.items():
            args += [field, text]
        args += gone
        script = self._script
        if script is None:
            script = self._script = self._client.register_script(_UPDATE_SCRIPT)
        tries: list[BaseException] = []  # what each try failed with

        async def save(client: Redis) -> Any:
            # The token is kept a minute, or a day from the second try on: the first may
            # still be on its way (a partition: TCP retransmits for many minutes).
            kept = _KEPT_A_DAY if tries else 60
            try:
                return await script(keys=[name, token], args=[kept, *args], client=client)
            except BaseException as exc:  # CancelledError too: _bounded gave up on it
                tries.append(exc)
                raise

        refused: Any = None  # (what the script returned: set unless a cancel found it applied)
        not_utf8: UnicodeDecodeError | None = None
        try:
            refused = await self._retrying("save", save)
        except StoreError as failure:
            # No cancel where every try was refused by Redis (an answer: nothing written) or
            # failed to connect (refused, unreachable: nothing sent), so none can land late.
            # Where one may, a refusal of the other says nothing of it: it is cancelled. (But
            # for a save refused as too large, "Protocol error": the other, the same, was too.)
            too_large = _too_large(self._where(), encoded, failure.__cause__, refused=True)
            if too_large is not None:
                raise StoreError(too_large) from failure.__cause__
            if not any(self._may_land_late(exc) for exc in tries):
                raise
            await self._cancel(token, failure, encoded, tries)  # returns if applied after all
        except asyncio.CancelledError:
            # Cancelled by the caller (a shutdown, a timeout of its own) with the script maybe
            # on its way: cancelled in Redis too, or it could land over a later save.
            if any(self._may_land_late(exc) for exc in tries):
                await self._cancel_for_caller(token)
            raise
        except UnicodeDecodeError as exc:
            # The value the script returned, not added to, decoded by redis-py in a client
            # given with decode_responses=True: refused in the words of a load of it.
            not_utf8 = exc
        # A value it does not add to: its name and the value (or one redis-py cannot decode).
        if isinstance(refused, list) or not_utf8 is not None:
            if any(self._may_land_late(exc) for exc in tries) and await self._late_applied(token):
                return
            if not_utf8 is not None:
                raise _not_utf8(self._where(), not_utf8) from not_utf8
            name, stored = refused
            # (Text holding half a surrogate pair, as a load reads it: the bytes it stands for.)
            stored = stored if isinstance(stored, bytes) else _as_read(stored, self)
            raise _not_added(name, stored, self._where())

    async def _retrying(self, doing: str, operation: Callable[[Redis], Awaitable[T]]) -> T:
        client = self._client
        if asyncio.get_running_loop() is not self._loop:
            client = await self._for_loop()
        try:
            try:
                return await self._bounded(operation(client))
            except self._connection_errors as exc:
                if _pool_full(exc):  # waited for one already: no dead connection to replace
                    raise
                # The other idle connections are most likely dead too (Redis restarted), or lead
                # to the old primary: close them, so that the second try, and the requests after
                # it, connect afresh.
                pool = getattr(client, "connection_pool", None)
                if pool is not None:
                    await pool.disconnect(inuse_connections=False)
                return await self._bounded(operation(client))
        except self._redis_error as exc:
            if "Protocol error" in str(exc):
                # Redis closed the connection it said that on, which redis-py pooled again as
                # it was: the next command sent on it failed. (The other idle ones go too.)
                pool = getattr(client, "connection_pool", None)
                if pool is not None:  # (its own failure, a close timed out, is not the save's)
                    with contextlib.suppress(self._redis_error):
                        await pool.disconnect(inuse_connections=False)
            raise _failure(self, doing, exc) from exc

    async def _bounded(self, command: Awaitable[T]) -> T:
        """``command``, given up (redis-py's ``TimeoutError``) after its client's connect and
        read timeouts (`REDIS_CLIENT_OPTIONS`' where it has none) if the client was given: it
        may have no timeout (redis-py before 8) or retry each command 10 times (redis-py 8's
        default), and a save, which the deadline does not cut short, held its request for
        minutes, or for ever. (A client made from the URL does not retry, and has timeouts.)"""
        if self._url is not None:
            return await command
        from redis.exceptions import TimeoutError as RedisTimeoutError

        limit = _try_limit(self._options())
        try:
            async with asyncio.timeout(limit):  # redis-py disconnects a cancelled command's
                return await command
        except TimeoutError:
            raise RedisTimeoutError(f"no answer within {limit:g} s") from None

    async def _for_loop(self) -> Redis:
        """The client for the running event loop, the first or not the one of the last call."""
        old, old_loop = self._client, self._loop
        if old_loop is None and self._given is not None:
            self._loop = asyncio.get_running_loop()
            return old  # a client given, in the first loop: used as it is
        if old_loop is not None:
            # A client given has the first loop's connections too: one like it, of this loop's.
            new = _client_from_url(self._url) if self._url else _like(self._given)
            if new is None:  # a RedisCluster given: redis-py has no way to copy one
                raise StoreError(
                    f"{self._where()}: the RedisCluster client given (client=) was first used "
                    "in another event loop, and its connections are that loop's: use the "
                    "store in one event loop (a TestClient within `with`), or give the store "
                    "of each event loop a cluster client of its own"
                )
            self._client = new
            if old is not self._given and not old_loop.is_closed():  # running, in a thread
                asyncio.run_coroutine_threadsafe(old.aclose(), old_loop)
        self._loop = asyncio.get_running_loop()
        # A connection can be closed only in its event loop: the loop's are closed as it ends.
        self._closer = await closed_at_loop_end(self._client)
        return self._client

    def _options(self) -> dict[str, Any]:
        pool = getattr(self._client, "connection_pool", None)
        if pool is None:  # a RedisCluster given: its nodes' connections take the same options
            return getattr(self._client, "connection_kwargs", None) or {}
        return getattr(pool, "connection_kwargs", {})

    def _where(self) -> str:
        """``Redis at host:port`` (or ``unix://path``), for messages: never the password."""
        nodes = getattr(self._client, "startup_nodes", None)
        if nodes:  # a RedisCluster given
            return f"Redis Cluster at {nodes[0].host}:{nodes[0].port}"
        options = self._options()
        if "path" in options:
            return f"Redis at unix://{options['path']}"
        # redis-py leaves out of its options the host and port a URL does not name.
        return f"Redis at {options.get('host', 'localhost')}:{options.get('port', 6379)}"

    def _scrubbed(self, text: str) -> str:
        """``text`` without the passwords (as ``***``): the value of every connection option
        `url_without_password` hides in a URL (``password``, ``ssl_password``, …)."""
        secrets = {
            str(value)
            for name, value in self._options().items()
            if value and _is_password_option(name)
        }
        for secret in sorted(secrets, key=len, reverse=True):  # one inside another: the longer
            text = text.replace(secret, "***")
        return text
