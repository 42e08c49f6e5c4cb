"""`attributes_service`: the service that makes each request's attributes (`Attributes` and
`PersonAttributes` of one key sharing one item), and the stores it opened, for the app to close."""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from ..exceptions import ConfigurationError
from .attributes import Attributes, DeviceAttributes, PersonAttributes, _StoredAttributes
from .base import Store
from .given import _store_getter

if TYPE_CHECKING:
    from ..dispatch import Call

__all__ = ["attributes_service"]


def attributes_service(
    store: Store | str | Callable[[], Store],
    *,
    per_person: bool = False,
    per_device: bool = False,
) -> tuple[
    Callable[[Call], Awaitable[_StoredAttributes]], Callable[[_StoredAttributes], Awaitable[None]]
]:
    """``(create, finish)`` for ``skill.add_service(Attributes, *attributes_service(store))``.

    ``store`` is a `Store`, a store URL for `open_store`, or a function returning a store, called
    on the first request that needs it. ``per_person=True`` makes `PersonAttributes` instead
    (register them with ``skill.add_service(PersonAttributes, …)``), ``per_device=True``
    `DeviceAttributes`.
    """
    if per_person and per_device:
        raise ConfigurationError("attributes_service: per_person or per_device, not both")
    cls: type[_StoredAttributes] = (
        PersonAttributes if per_person else DeviceAttributes if per_device else Attributes
    )
    get_store, opened = _store_getter(store)

    async def create(call: Call) -> _StoredAttributes:
        store = get_store()
        twin = _twin(call, cls, store)
        if twin is not None:
            attributes = cls(key=twin.key, store=store)
            attributes._share(twin)
        else:
            attributes = await cls.load(store, call.envelope)
        attributes._made_for = call.exception
        return attributes

    async def finish(attributes: _StoredAttributes) -> None:
        await attributes.save()

    _OPENED_BY[create] = opened
    return create, finish


#: The store of each ``create`` that `attributes_service` made, None while its factory has not
#: been called: what `services_stores` finds for the app to close at shutdown.
_OPENED_BY: weakref.WeakKeyDictionary[Callable[..., Any], Callable[[], Store | None]] = (
    weakref.WeakKeyDictionary()
)


def services_stores(
    makers: Iterable[tuple[Callable[..., Any], Any]], besides: Store
) -> list[Store]:
    """The stores opened for the services ``makers`` (``(create, finish)`` pairs) by
    `attributes_service`, each once, ``besides`` not (the skill's, closed already): a URL's
    store, a store given, one a factory made (a factory not called yet made none)."""
    found: list[Store] = []
    for create, _ in makers:
        opened = _OPENED_BY.get(create)
        store = None if opened is None else opened()
        if store is not None and all(store is not other for other in (besides, *found)):
            found.append(store)
    return found


def _twin(call: Call, cls: type[_StoredAttributes], store: Store) -> _StoredAttributes | None:
    """The `Attributes` made for ``call``'s code running now (not the failed code an exception
    handler answers for) when ``cls`` is `PersonAttributes` of the same store and key (no
    speaker recognised), or the other way round: else each loaded and saved a copy of one item,
    and an increment of each counted twice, a value set in one was lost by the other's save."""
    if cls is not Attributes and cls is not PersonAttributes:
        return None
    other = call.services.get(PersonAttributes if cls is Attributes else Attributes)
    if (
        isinstance(other, _StoredAttributes)
        and other._store is not None
        and _one_database(other._store, store)
        and other._made_for is call.exception
        and other.key is not None
        and other.key == cls.key_for(call.envelope)
    ):
        return other
    return None


def _one_database(one: Store, other: Store) -> bool:
    """Whether two stores keep their items in one place: one store, or two of one kind over one
    database (``attributes_service(url)`` opens a store of its own: the same URL as the
    skill's is a second store over the skill's file or table)."""
    if one is other:
        return True
    place = _place(one)
    return place is not None and type(one) is type(other) and place == _place(other)


def _place(store: Store) -> tuple[Any, ...] | None:
    """What names the database of one of the stores here (None: another kind, or a
    `MemoryStore`, whose items are its own)."""
    import sys

    sqlite = sys.modules.get("alexaskill.store.sqlite")
    if sqlite is not None and isinstance(store, sqlite.SQLiteStore):
        return (store.path,)
    redis = sys.modules.get("alexaskill.store.redis")
    if redis is not None and isinstance(store, redis.RedisStore):
        # A client given: its own database, as far as anyone can tell without asking it.
        return (store._url or id(store._given), store.prefix)
    dynamodb = sys.modules.get("alexaskill.dynamodb.store")
    if dynamodb is not None and isinstance(store, dynamodb.DynamoDBStore):
        client = None if store._own_client else id(store._client)  # made: alike; given: its own
        where = (store.table, store.region, store.endpoint_url, client)
        return (*where, store.partition_key_name, store.attribute_name)
    return None
