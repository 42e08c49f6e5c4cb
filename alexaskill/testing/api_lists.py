"""`FakeAlexaApi`'s household lists and in-skill products: the data a test gives, and the
operations that read and change it (Amazon's List Management and Monetization APIs).

Items are stamped (createdTime, updatedTime) at the fake's now, as reminders are
(`AccessCheck._moment`): those added, at the call; those a test gives, at the fake's ``now`` if
given, else at the first call that reads or adds to a list (`_date_given`)."""

from __future__ import annotations

import base64
import datetime as _dt
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final
from urllib.parse import unquote

import msgspec

from ..alexa_api import (
    AlexaList,
    InSkillProduct,
    ListItem,
    ListStatus,
    Scope,
    product_choice_error,
)
from ..shown_names import shown_value
from .api_calls import _Answer, _Asked, _stamp
from .api_given import _given

__all__ = ["ListsAndProducts"]

# Amazon's default lists: names and the suffix of their base64 ids (List Management FAQ).
_DEFAULT_LISTS: Final = (("Alexa shopping list", "SHOPPING_ITEM"), ("Alexa to-do list", "TASK"))

#: Amazon's answer for a list it does not know: 404, its body the List Management API's error
#: model, ``{"type", "message"}`` (no ``code``), typed ``ObjectNotFound``: ask-sdk-model's
#: ``ListManagementServiceClient`` (alexa/alexa-apis-for-python, .../services/list_management/
#: list_management_service_client.py: 404 for get list, create item, update list; "Attempting
#: to read list items from a deleted list return an ObjectNotFound 404 error", at get list item)
#: and its ``error.py`` (``object_type`` sent as ``type``); Jovo's client reads any 404 of the
#: API as LIST_NOT_FOUND (jovotech/jovo-framework, platforms/platform-alexa/src/api/ListApi.ts).
#: `AlexaApi` reads the ``type`` as the error's ``code`` (`alexaskill.alexa_api.error_of`). The
#: fake answered ``{"code": "NOT_FOUND"}``, a code of its own, before.
_LIST_NOT_FOUND: Final = "ObjectNotFound"


def _no_such_list() -> _Answer:
    return 404, {"type": _LIST_NOT_FOUND, "message": "no such list"}


def _bad_request(message: str) -> _Answer:
    """Amazon's 400 for a list item it does not take, in the API's model: ``Error``, ``{"type",
    "message"}`` (ask-sdk-model's ``ListManagementServiceClient``, "Bad Request" at create list
    item), whose ``type`` for a 400 no source names, so only the message is sent. The fake
    answered ``{"code": "INVALID_REQUEST"}``, a code of its own, before."""
    return 400, {"message": message}


def _not_granted(scope: str, *, metadata: bool = False) -> _Answer:
    """Amazon's 403 for a list call the user has not granted ``scope`` for, in the API's error
    models (ask-sdk-model's ``ListManagementServiceClient``): for the lists' metadata (GET
    /v2/householdlists/), ``ForbiddenError``, ``{"Message"}`` with a capital M (its
    ``forbidden_error.py``; a live one in alexa/alexa-skills-kit-sdk-for-nodejs issue 683);
    for the others, ``Error``, ``{"type", "message"}``, whose ``type`` for a 403 no source
    names, so only the message is sent. The fake answered ``{"code": "FORBIDDEN"}`` before."""
    said = f"the user has not granted {scope}"
    return 403, ({"Message": said} if metadata else {"message": said})


class ListsAndProducts:
    """The lists and products part of `FakeAlexaApi` (a base class of it)."""

    lists: Mapping[str, Sequence[str]] | None
    in_skill_products: list[InSkillProduct]  # (given as mappings too: `_KeptList`)
    permissions: Iterable[str] | None
    _items: dict[str, list[ListItem]]
    _list_meta: dict[str, AlexaList]
    _lock: threading.Lock
    #: Where each page a ``nextToken`` the fake gave starts (`_page_asked`): one at most per
    #: product, as a token names only that.
    _pages_given: set[int]
    _moment: Callable[[Mapping[str, str]], _dt.datetime]  # (`AccessCheck`'s)
    now: Callable[[], _dt.datetime] | None
    _undated: bool

    def granted(self, scope: str) -> bool:
        """Whether the simulated user granted ``scope``."""
        return self.permissions is None or scope in set(self.permissions)

    def list_values(self, name: str, status: str = "active") -> list[str]:
        """The values of the items with ``status`` on the list called ``name``."""
        with self._lock:  # (the lists and their items read together: `_load_lists`)
            for list_id, meta in self._list_meta.items():
                if meta.name == name:
                    return [i.value or "" for i in self._items[list_id] if i.status == status]
        raise KeyError(name)

    def _load_lists(self) -> None:
        """The lists as ``lists`` gives them (checked by `_given` when assigned): at creation,
        and again at each assignment, the items the skill added to the lists before dropped
        with them, as `reminders` assigned drops those it created."""
        lists = self.lists
        if lists is None:
            lists = {name: () for name, _ in _DEFAULT_LISTS}
        suffixes = dict(_DEFAULT_LISTS)
        metas: dict[str, AlexaList] = {}
        items: dict[str, list[ListItem]] = {}
        for index, (name, values) in enumerate(lists.items()):
            raw = f"amzn1.account.FAKE-{suffixes.get(name, f'CUSTOM{index}')}"
            list_id = base64.b64encode(raw.encode()).decode()
            metas[list_id] = AlexaList(
                list_id=list_id,
                name=name,
                state="active",
                version=1,
                status_map=tuple(
                    ListStatus(status=status, href=f"/v2/householdlists/{list_id}/{status}")
                    for status in ("active", "completed")
                ),
            )
            # (No request made them: the fake's own now, else this machine's clock until a
            # call gives a now: `_date_given`.)
            moment = self._moment({})
            items[list_id] = [self._new_item(list_id, value, "active", moment) for value in values]
        with self._lock:  # (a call being answered reads the old lists or the new, whole)
            self._undated = self.now is None
            self._items, self._list_meta = items, metas

    def _date_given(self, headers: Mapping[str, str]) -> None:
        """The items given with the fake, without its ``now`` stamped by this machine's clock,
        stamped again at the now of this call (the first that reads or adds to a list): a
        test whose client has a fixed clock reads that clock's time, not the day it ran."""
        if not self._undated:
            return
        stamp = _stamp(self._moment(headers))  # (before the lock, which `_moment` takes)
        with self._lock:
            if self._undated:
                self._undated = False
                for items in self._items.values():
                    items[:] = [
                        msgspec.structs.replace(item, created_time=stamp, updated_time=stamp)
                        for item in items
                    ]

    @staticmethod
    def _new_item(list_id: str, value: str, status: str, moment: _dt.datetime) -> ListItem:
        item_id = str(uuid.uuid4())
        now = _stamp(moment)
        return ListItem(
            id=item_id,
            value=value,
            status=status,
            version=1,
            created_time=now,
            updated_time=now,
            href=f"/v2/householdlists/{list_id}/items/{item_id}",
        )

    def _lists(self, asked: _Asked) -> _Answer:
        if not self.granted(Scope.LISTS_READ):
            return _not_granted(Scope.LISTS_READ, metadata=True)
        return 200, {"lists": [msgspec.to_builtins(meta) for meta in self._list_meta.values()]}

    def _list_items(self, asked: _Asked) -> _Answer:
        if not self.granted(Scope.LISTS_READ):
            return _not_granted(Scope.LISTS_READ)
        list_id, status = unquote(asked.match["list"]), asked.match["status"]
        if list_id in self._list_meta:  # (the given items dated by a call that reads a list)
            self._date_given(asked.headers)
        # The list and its items read together: `lists` assigned meanwhile (a test, while a
        # threaded server answers) gives the old lists or the new, whole (`_load_lists`).
        with self._lock:
            meta = self._list_meta.get(list_id)
            found = [i for i in self._items[list_id] if i.status == status] if meta else []
        if meta is None:
            return _no_such_list()
        items = [msgspec.to_builtins(i) for i in found]
        # "links" null, as Amazon answers it (alexa/alexa-skills-kit-sdk-for-nodejs issue 700:
        # "the 'links' object is null"): its get list takes no token to page by (ask-sdk-model's
        # ListManagementServiceClient.get_list), and the fake answers every item at once. That
        # issue reports the first 100 items alone answered, and no way to the rest; no Amazon
        # page gives a page size or a paging rule (its model's `Links` has a ``next``, never
        # said to be filled: docs search, 7 December 2026), so the fake cuts no list short.
        return 200, {**msgspec.to_builtins(meta), "items": items, "links": None}

    def _add_list_item(self, asked: _Asked) -> _Answer:
        if not self.granted(Scope.LISTS_WRITE):
            return _not_granted(Scope.LISTS_WRITE)
        list_id = unquote(asked.match["list"])
        body = asked.body
        if list_id not in self._list_meta:
            return _no_such_list()
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("value"), str)
            or body.get("status") not in ("active", "completed")
        ):
            return _bad_request('expected {"value": str, "status": ...}')
        if not body["value"].strip():  # Alexa's Lists API takes no item without words (the
            # status and message are the fake's, as for the other bad list input above)
            return _bad_request("an item's value is empty: give its words")
        # A value of any length is taken: no Amazon page (its List Management reference, its
        # SDKs' CreateListItemRequest) gives a longest one (docs search, 7 December 2026), and a
        # limit of the fake's own would refuse what Amazon may take.
        self._date_given(asked.headers)
        item = self._new_item(list_id, body["value"], body["status"], self._moment(asked.headers))
        with self._lock:  # (the lists assigned since this call's look-up: see `_list_items`)
            items = self._items.get(list_id)
            if items is None:
                return _no_such_list()
            items.append(item)
        return 201, msgspec.to_builtins(item)

    def _products(self) -> list[InSkillProduct]:
        """The products, checked as at an assignment (`_given`): one added in place since
        (``api.in_skill_products.append(...)``) is a `ValueError` naming it, not served as is."""
        products: list[InSkillProduct] = _given("in_skill_products", self.in_skill_products)
        return products

    def _in_skill_products(self, asked: _Asked) -> _Answer:
        if not asked.headers.get("accept-language"):
            return _refused(400, "Accept-Language is required")
        wanted = {k: asked.query[k] for k in ("entitled", "purchasable") if k in asked.query}
        kind = asked.query.get("productType")
        # (What Amazon answers to a type it does not define is not documented: the fake's 400.)
        for name, field, value in (
            ("productType", "type", kind),
            *((name, name, value) for name, value in wanted.items()),
        ):
            problem = None if value is None else product_choice_error(name, field, value)
            if problem is not None:
                return _refused(400, problem)
        with self._lock:
            paged = _page_asked(asked.query, self._pages_given)
        if isinstance(paged, str):
            return _refused(400, paged)
        start, size = paged
        products = [
            msgspec.to_builtins(p)
            for p in self._products()
            if all(getattr(p, k) == v for k, v in wanted.items()) and kind in (None, p.type)
        ]
        end = start + size
        truncated = end < len(products)
        next_token = f"{_NEXT_PAGE}{end}" if truncated else None
        if truncated:
            with self._lock:
                self._pages_given.add(end)
        page = products[start:end]
        return 200, {"inSkillProducts": page, "isTruncated": truncated, "nextToken": next_token}

    def _in_skill_product(self, asked: _Asked) -> _Answer:
        if not asked.headers.get("accept-language"):
            return _refused(400, "Accept-Language is required")
        product_id = unquote(asked.match["product"])
        for product in self._products():
            if product.product_id == product_id:
                return 200, msgspec.to_builtins(product)
        return _refused(404, "no such product")


#: The most products one answer of Amazon's holds, and what a ``nextToken`` of the fake's begins
#: with (Amazon's is opaque; the fake's names where the next page starts).
_PAGE_MOST: Final = 100
_NEXT_PAGE: Final = "fake-products-from-"


def _page_asked(query: Mapping[str, str], given: set[int]) -> tuple[int, int] | str:
    """Where the page of products a get with ``query`` asks for starts and how many it holds at
    most, or why Amazon would refuse it (its 400, "Invalid request"). Amazon's model of the
    call (ask-sdk-model's ``MonetizationServiceClient``, get_in_skill_products): an answer holds
    100 products at most, fewer if ``maxResults`` asks ("maxResults should not exceed the upper
    limit"; the response "will never contain more"), and one that left some out says
    ``isTruncated`` and gives a ``nextToken`` for the next page. A ``maxResults`` past 100 gets
    100: what Amazon answers to one is not documented, and a page of 100 is one it may give.
    A ``nextToken`` the fake did not give (Amazon's are opaque, and expire) is refused: one
    naming a start not in ``given``, where the pages of the tokens it gave start."""
    size, token = query.get("maxResults", str(_PAGE_MOST)), query.get("nextToken")
    most = _whole(size)
    if not most:
        return f"maxResults is {shown_value(size)}: a whole number from 1 to {_PAGE_MOST}"
    start: int | None = 0
    if token is not None:
        start = _whole(token.removeprefix(_NEXT_PAGE)) if token.startswith(_NEXT_PAGE) else None
        if start not in given:  # (of the fake's form, "…-from-0", yet never given, too)
            return f"nextToken is {shown_value(token)}: no page of the products this fake gave"
    return start or 0, min(most, _PAGE_MOST)


def _whole(text: str) -> int | None:
    """``text`` as the whole number its ASCII digits write, else None; past 10**12 read as
    10**12 (``int`` refuses a text of over 4300 digits: a ValueError, the fake's 500)."""
    if not (text.isascii() and text.isdigit()):
        return None
    digits = text.lstrip("0") or "0"
    return 10**12 if len(digits) > 12 else int(digits)


def _refused(status: int, message: str) -> _Answer:
    """An error of the Monetization API (in-skill products): its ``Error`` model is
    ``{"message"}`` alone, for its 400, 401, 404 and 500 (ask-sdk-model's
    services/monetization/error.py and ``MonetizationServiceClient``). The fake answered
    ``{"code": "INVALID_REQUEST"}`` and ``{"code": "NOT_FOUND"}``, codes of its own, before."""
    return status, {"message": message}
