"""What `DynamoDBStore` does to botocore clients: no attempt once given up on, no connection
pool shared with a forked child."""

from __future__ import annotations

import os
import threading
from types import ModuleType
from typing import Any

from ..articles import with_article
from ..exceptions import ConfigurationError
from .errors import _THROTTLED, _throttling_reason

__all__: list[str] = []


class _GivenUp(Exception):
    """Raised in botocore's thread before an attempt that nobody waits for any more."""


class _NotSentAgain(Exception):
    """Raised in botocore's thread before a retry of a write that adds (increments) through a
    client given, which retries by itself: the attempt before may have been applied."""


#: ``botocore.exceptions``, imported at the first call that needs it (`_errors`).
_botocore_errors: ModuleType | None = None


def _errors() -> ModuleType:
    """``botocore.exceptions``, imported once, in the first call's worker thread (an import
    statement at each call cost ~2 us). The module is kept, not its classes: read from it at
    each use, as a class set there later (a test's) is."""
    global _botocore_errors
    if _botocore_errors is None:
        import botocore.exceptions

        _botocore_errors = botocore.exceptions
    return _botocore_errors


class _Call(threading.Event):
    """What `DynamoDBStore._run` shares with the worker thread making its call: set when the
    coroutine gives up on it; ``throttled``, the error code of its last attempt and the reason
    DynamoDB gave, while that was throttling and no attempt is out since (`_note_answer`,
    `_refuse_if_given_up`): a call given up on then, in the pause before a retry, had its
    attempt refused, nothing applied, and is said so, not as one that got no answer (a write
    that "may have been made")."""

    throttled: tuple[str, str | None] | None = None


# The call a worker thread is making for a coroutine: ``given_up``, set when the coroutine gave
# up on it; ``adding``, whether it adds (`DynamoDBStore._call`); ``last``, what its last attempt
# got, an error's parsed answer or botocore's exception (`_note_answer`); ``attempts``, how many
# of its attempts were sent (`_refuse_if_given_up`).
_waited_for = threading.local()


def _refuse_if_given_up(request: Any = None, **_: Any) -> None:
    """botocore's ``before-send`` handler: no attempt (a retry) once `_run` has given up.

    Else a save the user heard the apology for could be applied seconds later, over what the
    user's next request saved meanwhile. Nor a retry of a write that adds, but after throttling
    (DynamoDB then applied nothing): the attempt before may have been applied, and an increment
    sent again counts twice. (The store's own client for those makes one attempt; a client
    given retries as it was made to.)
    """
    given_up: threading.Event | None = getattr(_waited_for, "given_up", None)
    if isinstance(given_up, _Call):
        # An attempt out: unanswered at the deadline, it may be made. Forgotten before the
        # check below, not after: `_run` sets the call, then reads it, and given up between
        # that check and this, the attempt went out, said as throttled (nothing applied).
        given_up.throttled = None
    if given_up is not None and given_up.is_set():
        raise _GivenUp
    if getattr(_waited_for, "adding", False):
        # Attempts counted here, not read from the request's context: botocore gives this
        # handler that context only from 1.43.68, and before it every attempt read as the first.
        _waited_for.attempts = attempt = getattr(_waited_for, "attempts", 0) + 1
        last = getattr(_waited_for, "last", None)
        code = last.get("Error", {}).get("Code") if isinstance(last, dict) else None
        # Not kept in this frame: the refusal below holds it in its traceback, and is the
        # context of `last` when that is an exception `_in_thread` raises: a cycle.
        del last
        if attempt > 1 and code not in _THROTTLED:
            raise _NotSentAgain


def _note_answer(parsed_response: Any = None, exception: Any = None, **_: Any) -> None:
    """botocore's ``response-received`` handler: what each attempt of a write that adds got,
    for the one above, and whether each of the store's attempts was throttled (`_Call`);
    nothing kept of other calls, a client owner's among them."""
    if getattr(_waited_for, "adding", False) and not isinstance(exception, _NotSentAgain):
        _waited_for.last = exception if exception is not None else parsed_response
    call = getattr(_waited_for, "given_up", None)
    if isinstance(call, _Call):
        answer = parsed_response if exception is None and isinstance(parsed_response, dict) else {}
        error = answer.get("Error")
        code = error.get("Code") if isinstance(error, dict) else None
        # Only what its words need (`errors._throttled_until`), not botocore's whole parse
        # (headers, metadata, message), kept for as long as the call lasts.
        if isinstance(code, str) and code in _THROTTLED:
            call.throttled = (code, _throttling_reason(answer))
        else:
            call.throttled = None


def _last_attempt(doing: str) -> BaseException:
    """What the last attempt of a write that adds got (`_note_answer`), as the exception to
    raise for it. Made here, not in `DynamoDBStore._in_thread`, whose frame its traceback holds:
    kept there in a local, it made a cycle."""
    last: BaseException | dict[str, Any] = _waited_for.last
    return _errors().ClientError(last, doing) if isinstance(last, dict) else last


def _check_client(client: Any, create_table: bool) -> None:
    """`ConfigurationError` unless ``client`` has the methods the store calls (a botocore
    DynamoDB client, or a test's stand-in that has them): a boto3 resource or ``Table`` given
    by mistake failed on every call, with an AttributeError, instead of at start. The message
    names the type given, never the value (a client holds its credentials)."""
    kind = type(client).__name__
    if getattr(getattr(client, "meta", None), "client", None) is not None:
        raise ConfigurationError(
            f"DynamoDBStore: client= is a boto3 resource ({kind}), not a DynamoDB client: give "
            "its .meta.client (or boto3.client('dynamodb'))"
        )
    needed = ["get_item", "update_item"]
    if create_table:
        needed += ["describe_table", "create_table"]
    missing = [name for name in needed if not callable(getattr(client, name, None))]
    if missing:
        raise ConfigurationError(
            f"DynamoDBStore: client= must be a botocore DynamoDB client "
            f"(boto3.client('dynamodb')); {with_article(kind)} has no {', '.join(missing)}"
        )


#: Held over `_hook`'s additions, whichever store makes them: botocore's ``register`` checks a
#: unique id, then adds its handler, unguarded, and two stores made on one client at the same
#: moment in two threads each added the handlers (each attempt of a save with increments then
#: counted twice, its first refused). A registration of the client owner's is not ours to hold.
_HOOKING = threading.Lock()


def _new_hooking_lock() -> None:
    """In a forked child, `_HOOKING` its own: a thread of the parent may have held it."""
    global _HOOKING
    _HOOKING = threading.Lock()


if hasattr(os, "register_at_fork"):  # not on Windows, which never forks
    os.register_at_fork(after_in_child=_new_hooking_lock)


def _hook(client: Any) -> Any:
    """``client``, with `_refuse_if_given_up` before each attempt of each of its calls (if it
    is botocore's: a stand-in given in a test has no events). Added once: botocore's unique ids
    make a second store's addition, on a client given it or that another store made, nothing
    (under `_HOOKING`, made at the same moment in another thread too).

    Never taken off, a client given's neither (inert for calls not the store's: they act only
    on what `DynamoDBStore._in_thread` marks in its own thread, for its call). botocore keeps
    the handlers it looked up for an event, unguarded: taken off and put back, a lookup of the
    owner's in another thread meanwhile kept the list without them, and the store's calls ran
    unguarded (a retry of a save given up on sent, an increment counted twice). No lock of ours
    closes that.
    """
    events = getattr(getattr(client, "meta", None), "events", None)
    if events is not None:
        with _HOOKING:
            events.register(
                "before-send.dynamodb", _refuse_if_given_up, unique_id="alexaskill-given-up"
            )
            events.register(
                "response-received.dynamodb", _note_answer, unique_id="alexaskill-answer"
            )
    return client


def _drop_pools(client: Any) -> None:
    """Give a botocore ``client``, in a forked child, connection pools of its own, taking no
    lock: the parent's pools are left behind (their sockets, this process's copies, closed as
    they are collected; the parent's stay open). Not ``client.close()``: it takes urllib3's
    lock of the pools, which a thread of the parent may have held at the fork (a call under
    way), and the child would wait for it for ever. A client that is not botocore's usual
    (a stand-in, another layout) is left as it is."""
    session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    managers: list[Any] = [getattr(session, "_manager", None)]
    managers += getattr(session, "_proxy_managers", {}).values()
    for manager in managers:
        pools = getattr(manager, "pools", None)
        if pools is not None:
            # urllib3's RecentlyUsedContainer(maxsize), as PoolManager makes it.
            manager.pools = type(pools)(getattr(pools, "_maxsize", 10))


def _new_refresh_locks(client: Any) -> None:
    """Give the refreshable credentials (and token) of a botocore ``client``, in a forked child,
    a lock of their own: a thread of the parent refreshing them at the fork held the lock (over
    a call to the instance metadata, ECS or STS), and the child's copy stays held for ever, so
    that the child's first call within their last ten minutes waited for it for ever. Static
    credentials, and clients that are not botocore's usual, have none to replace."""
    signer = getattr(client, "_request_signer", None)
    for held in (getattr(signer, "_credentials", None), getattr(signer, "_auth_token", None)):
        if held is not None and hasattr(held, "_refresh_lock"):
            held._refresh_lock = threading.Lock()
