"""`Attributes` and its siblings: the per-user dicts a handler asks for, loaded and saved."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING, Any, TypeVar

from ..articles import type_with_article
from ..exceptions import ConfigurationError, ResponseError
from ..json_scalars import JSON_SCALARS
from ..shown_names import shown_value
from .base import (
    Store,
    _awaitable,
    _common_limits,
    _decoded_by,
    _encode,
    _encode_sized,
    _loaded_refused,
)
from .checked_changes import _check_size_once, _check_value, _Checked, _checked_changes
from .data_faults import (
    _NOT_AN_INCREMENT,
    _NOT_INCREMENTED,
    _names_checked,
    _not_a_name,
    _refused,
)
from .json_keys import _loaded_key_refused, _loaded_name_refused

if TYPE_CHECKING:
    from ..models import Envelope

__all__ = [
    "Attributes",
    "DeviceAttributes",
    "PersonAttributes",
    "check_saves",
]

A = TypeVar("A", bound="_StoredAttributes")

_Pending = tuple[_Checked, list[str], dict[str, int]]


def _user_id(envelope: Envelope) -> str | None:
    context = envelope.context
    system = None if context is None else context.system
    if system is not None and system.user is not None and system.user.user_id:
        return system.user.user_id
    session = envelope.session
    if session is not None and session.user is not None and session.user.user_id:
        return session.user.user_id
    return None


class _StoredAttributes(MutableMapping[str, Any]):
    """The behaviour `Attributes` and `PersonAttributes` share (they differ only in their key).

    They are siblings rather than parent and child so that a handler parameter annotated
    with one is never taken for the other when the app matches service types by subclass.
    """

    __slots__ = (
        *("_checks", "_data", "_increments", "_kept", "_made_for", "_saved", "_sizes", "_store"),
        "key",
    )

    #: What the key names, for messages.
    _keyed_by = "user"

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        key: str | None = None,
        store: Store | None = None,
    ) -> None:
        #: The store key (user id, or user and person ids), or None when the request names no user.
        self.key = key
        self._store = store
        decoded = type(data) is _Decoded  # (by `load`, of a shipped store: not checked again)
        self._data: dict[str, Any] = dict(data) if data else {}
        self._saved: dict[str, str] = {}
        # The bytes of UTF-8 of each text of ``_saved`` (one saved since: counted when needed).
        self._sizes: dict[str, int] = {}
        for name, value in self._data.items():
            self._saved[name], self._sizes[name] = _encode_sized(name, value, decoded=decoded)
        # Each value of ``_saved`` that cannot change in place, the object itself (`JSON_SCALARS`).
        self._kept = {k: v for k, v in self._data.items() if type(v) in JSON_SCALARS}
        self._increments: dict[str, int] = {}
        # What `check_saves` found and checked, for `save` to write (``"pending"``); what
        # `_prechecked` found (``"checked"``: None, nothing to save).
        self._checks: dict[str, _Pending | None] = {}
        #: The exception the code it was made for handles (None: the handler and its hooks).
        self._made_for: BaseException | None = None

    @classmethod
    def key_for(cls, envelope: Envelope) -> str | None:
        """The store key for a request: its user id (None when it names no user)."""
        return _user_id(envelope)

    @classmethod
    async def load(cls: type[A], store: Store, envelope: Envelope) -> A:
        """The attributes of the user ``envelope`` comes from, read from ``store``."""
        key = cls.key_for(envelope)
        load = store.load
        data = await _awaitable(store, "load", load(key)) if key is not None else None
        shipped = _decoded_by(load)
        if data is not None:
            _check_loaded(store, data)
            if shipped:  # each value made anew from its JSON: none held twice
                data = _Decoded(data)
        try:
            attributes = cls(data, key=key, store=store)
        except ResponseError as exc:
            # What a store of one's own loaded that no attribute holds (text no UTF-8, a set:
            # the stores here refuse it as they read it) is the load's fault, said as theirs say
            # it: it failed each request of that user as if the handler had set it ("cannot be
            # saved as JSON"), before the handler ran.
            where = f"{type(store).__name__}.load"
            refused = None if data is None else _loaded_refused(where, data)
            if refused is None:
                raise
            raise refused from exc
        if data and not shipped:  # (a shipped store's values came from JSON: str keys only)
            _loaded_key_refused(f"{type(store).__name__}.load", attributes._saved, attributes._data)
        return attributes

    def __getitem__(self, name: str) -> Any:
        return self._data[name]

    def __setitem__(self, name: str, value: Any) -> None:
        if not isinstance(name, str):
            raise TypeError(f"attribute names are strings, not {type_with_article(name)}")
        self._data[name] = value
        if self._checks:  # (a check before a hook, `_prechecked`, no longer what the save writes)
            self._checks.pop("checked", None)

    def __delitem__(self, name: str) -> None:
        del self._data[name]
        if self._checks:
            self._checks.pop("checked", None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._data!r})"

    def increment(self, name: str, by: int = 1) -> int:
        """Add ``by`` to the integer ``name`` (absent: 0) and return the sum, here and, atomically,
        in the store when the attributes are saved.

        Unlike ``attributes[name] += 1``, two requests for one user that increment at once both
        count: the save adds ``by`` to what the store holds then, not to what was loaded. The
        value returned (and kept here) is the loaded one plus this request's increments. Setting
        or deleting ``name`` afterwards, in the same request, replaces the increment.

        ``by`` is an int; `ResponseError` (a data fault: one ERROR line, the apology) for one
        that is not, for a ``name`` that is no str (as a save refuses one), or for a value of
        ``name`` that is no int. Not a bool, though Python adds one as 1 or 0: JSON keeps it as
        true or false, which no store adds to (a stored bool is not incremented), and every
        store's ``update`` refuses one: a flag given where a count was meant is said at once,
        not counted.
        """
        if not isinstance(name, str):  # (a save's test: `base._encode`)
            raise _not_a_name(name)
        if type(by) is not int:  # (nor a bool: `_NOT_AN_INCREMENT` says why)
            raise _refused(
                _NOT_AN_INCREMENT.format(name=shown_value(name), kind=type_with_article(by))
            )
        current = self._data.get(name, 0)
        if type(current) is not int:
            raise _refused(
                _NOT_INCREMENTED.format(name=shown_value(name), kind=type_with_article(current))
            )
        self[name] = current + by
        self._increments[name] = self._increments.get(name, 0) + by
        return current + by

    def pending(self) -> tuple[dict[str, Any], list[str]]:
        """What a save would write: (changed or new names with their values, deleted names),
        leaving out the names it adds to (`pending_increments`). `ResponseError`, as the save's,
        for a value JSON cannot hold, or would write out past a save's bound (a list or dict held
        in several places: `store.base._check_written_out`)."""
        changes, _, _ = self._changed(self.pending_increments())
        return changes, [name for name in self._saved if name not in self._data]

    def _changed(
        self, increments: Mapping[str, int]
    ) -> tuple[dict[str, Any], dict[str, str], dict[str, int]]:
        """(the values changed, but those in ``increments``; their JSON; its bytes of UTF-8). A
        value is encoded to be compared with the JSON it was loaded (or saved) as, unless it is
        the very object loaded and cannot change in place (`JSON_SCALARS`)."""
        saved, sizes, kept = self._saved, self._sizes, self._kept
        changes: dict[str, Any] = {}
        texts: dict[str, str] = {}
        counted: dict[str, int] = {}
        for name, value in self._data.items():
            if name in increments or (name in kept and kept[name] is value):
                continue
            before = saved.get(name)  # (its bytes: the first buffer the save's check tries)
            if before is not None and name not in sizes:  # saved since its load
                sizes[name] = len(before) if before.isascii() else len(before.encode())
            text, size = _encode_sized(name, value, was=0 if before is None else sizes[name])
            if before != text:
                changes[name] = value
                texts[name] = text
                counted[name] = size
        return changes, texts, counted

    def pending_increments(self) -> dict[str, int]:
        """What a save would add: the names `increment` changed (and nothing else changed since),
        with the amounts."""
        found = {}
        saved, kept = self._saved, self._kept
        for name, by in self._increments.items():
            value = self._data.get(name)
            # The value saved: 0 if none; an int is kept as the object (`_kept`, of every
            # scalar saved), read there rather than decoded from its JSON at each check.
            base = kept.get(name) if name in saved else 0
            if type(value) is int and type(base) is int and value == base + by:
                found[name] = by
        return found

    @property
    def changed(self) -> bool:
        """Whether anything differs from what was loaded (or last saved); `ResponseError` as
        `pending`'s."""
        changes, deleted = self.pending()
        return bool(changes or deleted or self.pending_increments())

    async def save(self) -> bool:
        """Write the changes, if any, in one store update; return whether there were any.

        Attributes made without a store (in a unit test, say) save nothing. `ResponseError` if a
        value is not JSON, or if there are changes but the request named no user to keep them for.
        """
        # As `check_saves` checked it, if it did, or `_prechecked` (before a hook) with nothing
        # changed since: else the values are checked here once more.
        checks = self._checks
        pending = checks.pop("pending", None)
        if pending is None:
            fresh = "checked" in checks and self._as_checked(checks["checked"])
            pending = checks.pop("checked") if fresh else self._check()
        checks.pop("checked", None)
        if pending is None:
            return False
        changes, deleted, increments = pending
        assert self._store is not None and self.key is not None  # _check made sure
        store = self._store
        if increments:
            written = store.update(
                self.key,
                changes,
                deleted,
                increments=increments,  # type: ignore[call-arg]
            )
        else:
            written = store.update(self.key, changes, deleted)
        await _awaitable(store, "update", written)
        # In place: `PersonAttributes` sharing the user's item (`_twin`) share these dicts. Only
        # what was written: the values not changed are as they were loaded.
        saved, kept = self._saved, self._kept
        for name in deleted:
            for held in (saved, kept, self._sizes):
                held.pop(name, None)
        written_now = {**changes, **{name: self._data[name] for name in increments}}
        for name, value in written_now.items():
            saved[name] = changes.texts[name] if name in changes else _encode(name, value)
            self._sizes.pop(name, None)
            if type(value) in JSON_SCALARS:
                kept[name] = value
            else:
                kept.pop(name, None)
        self._increments.clear()
        return True

    def _share(self, twin: _StoredAttributes) -> None:
        """Hold ``twin``'s values, changes and increments, the same dicts: one item, one save
        (the other, finding nothing changed then, writes nothing)."""
        self._data, self._saved, self._increments = twin._data, twin._saved, twin._increments
        self._kept, self._checks, self._sizes = twin._kept, twin._checks, twin._sizes

    def _prechecked(self) -> None:
        """`_check`, before a hook given the attributes runs (`alexaskill.finishing.settable`):
        what it found is the save's if nothing is set or deleted before it (`save`)."""
        self._checks["checked"] = self._check()  # (None too: nothing to save)

    def _as_checked(self, pending: _Pending | None) -> bool:
        """Whether `_prechecked`'s ``pending`` holds still, no value set or deleted since (either
        drops it): each value that can change in place (a list, a dict: no `JSON_SCALARS`)
        encodes as it did then, its dict keys strings still. Only those are encoded again, to
        be compared, and their keys walked: the rest of the check (its increments, its limits, a
        scalar's JSON) is not redone. (A count of sets and deletions would not do:
        ``attributes["visited"].append(x)`` changes none, and its save would then write the
        check's texts, the change lost.)"""
        texts = None if pending is None else pending[0].texts
        saved = self._saved
        for name, value in self._data.items():
            if type(value) in JSON_SCALARS:
                continue
            seen = texts[name] if texts is not None and name in texts else saved.get(name)
            try:
                if seen is None or _encode(name, value) != seen:
                    return False
                # Its keys too: one made an int in place ({"1": …} to {1: …}) writes the same
                # JSON, which the save would write without the refusal (`_check_value`'s).
                _check_value(name, value, seen, limits=False)
            except ResponseError:  # (changed so that the save refuses it: its check says so)
                return False
        return True

    def _check(self) -> _Pending | None:
        """What `save` would write (changes, deletions, increments), or None when nothing; raises
        what the save would raise before writing anything. The values are checked as a shipped
        store's `update` checks them (`_Checked`: it does not again); those for a store of one's
        own, their dict keys and the names alone (no key that is no str, nor ``""``, no name
        ``""``: every store refuses them), not the limits the shipped stores share."""
        increments = self.pending_increments()
        found, texts, sizes = self._changed(increments)
        deleted = [name for name in self._saved if name not in self._data]
        if not found and not deleted and not increments:
            return None
        if self._store is None:
            return None
        for name in increments:  # the names pending() checked not: one no store can hold
            if not name.isascii():  # (a lone surrogate; a str, an int ``by``: `increment`'s)
                _encode(name, 0)
        if self.key is None:  # (a data fault, as the save's other refusals: one ERROR line)
            raise _refused(
                f"{type(self).__name__} changed, but the request names no {self._keyed_by} "
                "to save them for"
            )
        if increments and not _takes_increments(self._store):
            raise ConfigurationError(
                f"{type(self._store).__name__}.update takes no increments: "
                "Attributes.increment needs a store that adds atomically"
            )
        limits = _common_limits(self._store)  # (not a store of one's own: its own)
        if not limits:  # a shipped store's update checks the names; one's own is given none
            # that no store keeps ("": README), whether saved alone or with another kind
            _names_checked(self.key, found, deleted, increments, limits=False)
        return _checked_changes(found, texts, limits, sizes), deleted, increments


class _Decoded(dict[str, Any]):
    """The values a shipped store's ``load`` returned (`store.base._decoding`), for `Attributes`
    made of them to encode without looking in them for a list or dict held in several places:
    none is (a save's check: `store.base._check_written_out`). Values given to
    ``Attributes(...)``, or by a store of one's own, are looked through."""

    __slots__ = ()


def _check_loaded(store: Store, data: object) -> None:
    """`ConfigurationError` naming the store's ``load`` if it returned no dict (a store of one's
    own); `StoreError` for a name in it that is no str: the user's data it found, which failed
    as if the handler had set it."""
    if type(data) is dict:  # what the stores here return: each name checked, no more
        for name in data:
            if type(name) is not str:
                break
        else:
            return
    where = f"{type(store).__name__}.load"
    if not isinstance(data, Mapping):
        raise ConfigurationError(
            f"{where} returned {type_with_article(data)}, not a dict of the attributes stored"
        )
    for name in data:
        if not isinstance(name, str):
            raise _loaded_name_refused(where, name)


def check_saves(
    services: Mapping[type, object], checking: Callable[[type], object] | None = None
) -> None:
    """Check what each kind of attributes among ``services`` (by type) would save, before any is
    saved; ``checking``, if given, is called with each kind before it is checked (a refusal is
    that kind's save's: the caller names it).

    For an answer that made two or more (`Attributes` and `DeviceAttributes`, say): each is
    saved by its own store update, so without this a value the second cannot save (not JSON,
    beyond its store's limits, by the store's ``check_update``) failed the answer after the
    first was written, and the user's retry did that twice. A store failing between the two
    writes still leaves the first written.
    """
    made = [(k, s) for k, s in services.items() if isinstance(s, _StoredAttributes)]
    if len(made) < 2:
        return  # one save is atomic by itself: nothing more to check, nothing more to pay
    for kind, attributes in made:
        if "pending" in attributes._checks:
            continue  # its twin's, one item (`_share`): checked
        if checking is not None:
            checking(kind)
        pending = attributes._check()  # the values, as every store checks them
        if pending is None:
            continue
        limits = _common_limits(attributes._store)  # (not a store of one's own: its own)
        changes, deleted, increments = pending
        # The names (_check: a key); counted below without those to delete that no store holds.
        gone = _names_checked(attributes.key or "", changes, deleted, increments, limits=limits)
        if limits:  # DynamoDB's 400 KB an item, which memory and SQLite keep without check_update
            _check_size_once(changes, changes.texts, gone, increments)
        check = getattr(attributes._store, "check_update", None)
        if check is not None:
            # ``gone``: the names to delete as checked (the same as ``deleted``: only one holding
            # half a surrogate pair is left out, and no load hands one out, `_loaded_refused`).
            check(changes, gone, increments)  # (a shipped store's checks not the values again)
        attributes._checks["pending"] = pending  # for its save


#: `_takes_increments`'s answers, by the function a store's ``update`` calls: reading its
#: signature costs ~11 µs, each save with an increment. Keyed by that function, not the store's
#: class, so an ``update`` put in its place (on the class or the store) is read anew; weakly, so
#: a function gone (a class of a test) takes its answer with it.
_TAKES_INCREMENTS: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def _takes_increments(store: Store) -> bool:
    update = store.update
    function = getattr(update, "__func__", update)  # a method's function: one for every store
    try:
        return _TAKES_INCREMENTS[function]
    except KeyError:
        takes = _TAKES_INCREMENTS[function] = _reads_increments(update)
        return takes
    except TypeError:  # one no weak reference can name: read each time
        return _reads_increments(update)


def _reads_increments(update: Callable[..., object]) -> bool:
    """Whether ``update`` takes ``increments=`` (by name, or any keyword)."""
    import inspect

    try:
        parameters = inspect.signature(update).parameters
    except (TypeError, ValueError):
        return False
    return "increments" in parameters or any(
        parameter.kind is inspect.Parameter.VAR_KEYWORD for parameter in parameters.values()
    )


class Attributes(_StoredAttributes):
    """A dict kept per Amazon account across sessions; a handler asks for it by annotation.

    Keyed by ``context.System.user.userId`` (or ``session.user.userId``). Amazon gives a user a
    new id when they disable and re-enable the skill: the attributes start empty again.
    ``Attributes({"count": 1})`` makes a detached one, for calling a handler in a unit test.
    """

    __slots__ = ()


class PersonAttributes(_StoredAttributes):
    """A dict kept per recognised speaker (voice profile) across sessions.

    Keyed by ``userId/personId`` when Alexa recognises the speaker, else by the account's user id,
    so without voice profiles it holds the same values as `Attributes`: made for the same request
    from the same store, the two are then one item, a change to either seen in both and saved
    once (two increments of ``"visits"``, one in each, add 2, the second returning the sum).
    """

    __slots__ = ()

    @classmethod
    def key_for(cls, envelope: Envelope) -> str | None:
        """``userId/personId`` for a recognised speaker, else the user id."""
        user_id = _user_id(envelope)
        context = envelope.context
        system = None if context is None else context.system
        person = None if system is None else system.person
        if user_id is None or person is None or not person.person_id:
            return user_id
        return f"{user_id}/{person.person_id}"


class DeviceAttributes(_StoredAttributes):
    """A dict kept per Echo device (``context.System.device.deviceId``) across sessions.

    For what belongs to a device rather than to whoever speaks to it (the room it stands in,
    say), and the key the ASK SDK's device-id partition key scheme uses, so a skill that kept its
    persistent attributes per device reads them here. Requests without a device id (skill events)
    have none to save.
    """

    __slots__ = ()
    _keyed_by = "device"

    @classmethod
    def key_for(cls, envelope: Envelope) -> str | None:
        """The device id, or None when the request names no device."""
        context = envelope.context
        system = None if context is None else context.system
        device = None if system is None else system.device
        return device.device_id if device is not None and device.device_id else None
