"""A save's refusals of what the handler gave, each a data fault (`_refused`: one ERROR line
and the apology, no traceback): an empty key or name, a name both set and incremented, an
increment that is no int or past the bounds every store adds within."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from ..articles import type_with_article
from ..shown_names import MAX_SHOWN, shown_value

if TYPE_CHECKING:
    from ..exceptions import ResponseError

#: The largest increment in size: Redis adds in 64 bits (HINCRBY), so it takes one up to this
#: to stored values up to `_MAX_COUNTED` in size, and so does every store (DynamoDB but for the
#: stored value, which its condition cannot bound).
_MAX_STEP: Final = 10**18
_MAX_COUNTED: Final = 2**63 - 1 - _MAX_STEP

#: Said by every store but DynamoDB (`redis_script`'s own words too). Each template's ``name``
#: is the attribute's as `shown_value` quotes it (cut: a name of a user's words may be long).
_TOO_LARGE_TO_INCREMENT: Final = (
    "attribute {name} is too large to increment (64 bits, as Redis adds): set it instead"
)


def _refused(message: str) -> ResponseError:
    """The `ResponseError` of a save refused for what the handler gave (a value JSON cannot
    hold or no store keeps, an empty key, a name no str, an increment no int, of a value no int
    or past Redis's bounds, a name both set and incremented, a save past DynamoDB's sizes,
    attributes changed for a request naming no user or device; ``message`` names the attribute
    and why): a data fault, said in one ERROR line without a traceback, which would show the
    store's code, not the handler's (`Apologising._said_data_fault`), as a session attribute
    JSON cannot hold is said. A failure of the store's own (unreachable, no answer in time) is
    a `StoreError`, said in a line of its own."""
    from ..responses.as_written import _DataRefused

    return _DataRefused(message)


def _not_a_name(name: object) -> ResponseError:
    """The refusal of a name no str, by a save (`base._encode`) and by `Attributes.increment`,
    in one wording: its type after its article, then its value; None once, being both."""
    shown = "" if name is None else f": {shown_value(name)}"
    return _refused(f"attribute names are strings, not {type_with_article(name)}{shown}")


def _names_checked(
    key: object,
    changes: Mapping[str, Any],
    deleted: Iterable[str],
    increments: Mapping[str, int] | None,
    *,
    limits: bool = True,
    checking: bool = False,
    kept: Callable[[str], bool] | None = None,
) -> list[str]:
    """``deleted`` as a list; `ResponseError` first for an empty ``key`` or attribute name in an
    update (DynamoDB keeps neither, so no store takes one: a skill moved from one store to
    another finds the same names refused, with the same words), or a name both in ``changes``
    and in ``increments`` (`Attributes` never sends one: a set value replaces its increment), or
    an increment that is no int (a float was stored as the value, a str failed with TypeError),
    or, with ``limits``, past Redis's bound (`_common_limits`); first a key, or a name to delete
    or add to, that is no str (`_key_checked`; a name to set: `base._encode`), which the stores
    took as they could (memory and SQLite a key 5, Redis a name 5 as "5", DynamoDB neither).
    ``checking``: a ``check_update``, which has no key to check. A name to delete holding half a
    surrogate pair is left out, as none the store holds (`_held`; ``kept``: whether the store
    holds it, where it may). ``deleted`` a str: TypeError,
    a caller's bug (it is an iterable of names, "abc" of "a", "b" and "c": not the one meant)."""
    if isinstance(deleted, str):
        shown = shown_value(deleted)
        advice = (  # (a str cut short is no name to give back)
            f"give [{shown}] to delete that one name"
            if len(deleted) <= MAX_SHOWN
            else "give a list of the names to delete"
        )
        raise TypeError(
            f"deleted is a collection of attribute names, not a str ({shown}): {advice}"
        )
    gone = list(deleted)
    if not checking:
        _key_checked(key)
        if not key:
            raise _refused("attributes cannot be saved under an empty key: keys are not empty")
    for name in (*gone, *(increments or ())):
        if not isinstance(name, str):
            raise _not_a_name(name)
    for name in increments or ():
        if not name.isascii():  # half a surrogate pair: as a name to set is (`base._encode`)
            try:
                name.encode()
            except UnicodeEncodeError as exc:
                raise _refused(
                    f"attribute {shown_value(name)} cannot be saved as JSON: {exc}"
                ) from exc
    if not all(name.isascii() for name in gone):
        gone = [name for name in gone if _held(name, kept)]
    if "" in changes or "" in gone or (increments and "" in increments):
        raise _refused(_EMPTY_NAME)
    if limits:  # not the names deleted: a deletion makes none, and one saved before (or by
        # another program) past the limit would be there for good, failing each save of it
        _check_name_sizes((*changes, *(increments or ())))
    _check_increments(increments, limits=limits)
    both = [name for name in increments or () if name in changes]
    if both:  # the stores did not agree: the value set won in Redis, the increment elsewhere
        raise _refused(
            f"attribute {shown_value(both[0])} is both set and incremented in one update"
        )
    return gone


def _held(name: str, kept: Callable[[str], bool] | None) -> bool:
    """Whether a store may hold ``name``, one to delete: not if it holds half a surrogate pair
    (no UTF-8), unless ``kept(name)`` (`RedisStore` through a client decoding with
    ``encoding_errors="surrogateescape"``, which reads so another program's name that is not
    UTF-8: its load refuses it, as every store's does, `redis_text._as_read`). Its deletion was
    refused, and the save with it: a name so read could never go.

    No other store holds one (tests/test_store_agreement.py): memory and SQLite refuse to write
    one (Python's sqlite3 cannot bind it); SQLite refuses to load one another program stored,
    in UTF-16 too (a `StoreError`: `sqlite_rows._select`); Redis
    through a client decoding strictly (the store's own) fails the load (a `StoreError`); and
    DynamoDB's names are "encoded using UTF-8" ("Supported data types and naming rules in
    Amazon DynamoDB"): moto answers the store's GetItem of such an item with an HTTP 500."""
    try:
        name.encode()
    except UnicodeEncodeError:
        return kept is not None and kept(name)
    return True


#: The longest attribute name, in bytes of UTF-8: DynamoDB's are "less than 64 KB"
#: ("Supported data types and naming rules in Amazon DynamoDB"; its 255 characters are for an
#: index's key names, which alexaskill's tables have none of), kept by every store.
_MAX_NAME_BYTES: Final = 64 * 1024 - 1


def _check_name_sizes(names: Iterable[object]) -> None:
    """`ResponseError` for a name of ``names`` past `_MAX_NAME_BYTES`, to set or add to (one
    to delete is let through), by every store (`_names_checked`, with the shipped stores'
    limits), in one wording: memory, SQLite, Redis (and moto) kept one, so a skill making one
    passed its tests and was left to DynamoDB's refusal. A name of a quarter of it in
    characters or fewer is not encoded to tell (4 bytes a character at most); one no str is
    refused elsewhere."""
    for name in names:
        if not isinstance(name, str) or len(name) <= _MAX_NAME_BYTES // 4:
            continue
        size = len(name) if name.isascii() else len(name.encode("utf-8", "surrogatepass"))
        if size > _MAX_NAME_BYTES:
            raise _refused(
                f"attribute {shown_value(name)} cannot be saved: an attribute name is under "
                f"DynamoDB's 64 KB (at most {_MAX_NAME_BYTES:,} bytes of UTF-8), which every "
                f"store keeps, not {size:,} bytes"
            )


def _key_checked(key: object) -> None:
    """`ResponseError` for a key that is no str, holds half a surrogate pair (no UTF-8), or is
    past DynamoDB's `_MAX_KEY_BYTES`, by every store's ``load`` and ``update``, in one wording
    (the key itself, a user id, is not said): a skill whose own code makes such keys finds them
    refused under memory and SQLite too, not only once served from DynamoDB."""
    if not isinstance(key, str):
        raise _refused(f"attributes are kept under a str key, not {type_with_article(key)}")
    if not key.isascii():
        try:
            size = len(key.encode())
        except UnicodeEncodeError as exc:
            raise _refused(
                "attributes are kept under a key of text, not one holding half a surrogate pair "
                f"(at {exc.start})"
            ) from exc
    else:
        size = len(key)
    if size > _MAX_KEY_BYTES:
        raise _refused(
            f"attributes are kept under a key of at most {_MAX_KEY_BYTES:,} bytes (UTF-8), "
            f"DynamoDB's limit for a partition key, which every store keeps: not one of {size:,} "
            "bytes (the keys Alexa's ids make are far shorter: a key of the skill's own?)"
        )


#: The longest key, in bytes of UTF-8: DynamoDB's for a partition key ("Service, account, and
#: table quotas in Amazon DynamoDB"), kept by every store (`_key_checked`).
_MAX_KEY_BYTES: Final = 2048


_EMPTY_NAME: Final = "attribute '' cannot be saved: attribute names are not empty"
#: (Each ``kind`` below is the type after its article, `type_with_article`'s: "an int", "None";
#: each ``name`` quoted cut, `shown_value`: a name of 5,000 characters was quoted whole.)
#: An increment no int, nor a bool (`Attributes.increment` says why), refused in one wording.
_NOT_AN_INCREMENT: Final = "attribute {name}: an increment is an int, not {kind}"
#: A value no int, to add to: by `Attributes.increment` (the value loaded) and at a save, by the
#: stores (`base._incremented`, DynamoDB's `saving`; Redis's script in Lua, its own words too).
_NOT_INCREMENTED: Final = "attribute {name} holds {kind}: not incremented"


def _check_increments(increments: Mapping[str, int] | None, *, limits: bool = True) -> None:
    """`ResponseError` for an increment that is no int (a float was stored as the value, a str
    failed with TypeError), or, with ``limits``, one past Redis's bound: in `update` (through
    `_names_checked`) and in the ``check_update`` of the stores that have one, in one wording."""
    for name, by in (increments or {}).items():
        if type(by) is not int:  # a store's own API, called directly: `increment` checks too
            kind = type_with_article(by)
            raise _refused(_NOT_AN_INCREMENT.format(name=shown_value(name), kind=kind))
        if limits and not -_MAX_STEP <= by <= _MAX_STEP:  # Redis's bound, in every store
            raise _refused(
                f"attribute {shown_value(name)}: increment {shown_value(by)} is out of range "
                "(at most 10**18 in size: Redis adds in 64 bits)"
            )
