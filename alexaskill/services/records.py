"""What Alexa keeps for the user that a skill reads and writes: reminders, lists, products."""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final, cast

from .. import ssml
from ..alexa_api import (
    AlexaList,
    InSkillProduct,
    ListItem,
    Reminder,
    Scope,
    _ListItems,
    _Lists,
    _Products,
    _Reminders,
    is_loopback,
    product_choice_error,
    reminder_body,
)
from ..articles import type_with_article
from ..exceptions import AlexaApiError, AlexaApiTimeout
from ..lists_deprecated import warn_lists_deprecated
from ..shown_names import shown_json, shown_value
from .base import _NOT_ASKED, RequestApi, _said, _segment
from .user import _request_time

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

__all__ = ["RecordsApi"]

logger = logging.getLogger("alexaskill")

# The List Management API has a single host, whatever the request's apiEndpoint ("The endpoint of
# the List Management API is https://api.amazonalexa.com", Amazon's List Management reference).
_LISTS_ENDPOINT: Final = "https://api.amazonalexa.com"
# The statuses of a list item, and the item lists of a list, in Amazon's List Management API.
_ITEM_STATUSES: Final = ("active", "completed")
# Why a reminder's create may be refused (403) though the user granted the scope, said only for
# a request outside a session: Amazon's Reminders reference ("you can only create and update a
# reminder from your skill"; an out-of-session LWA token may edit or delete one) and an Amazon
# forum article ("reminders can only be created while using skill"). Not for an update: Amazon's
# tutorial "Update a Reminder from Outside of an Alexa Skill Session" makes one in the skill's
# Messaging.MessageReceived handler. No source reads a 403 of no code as a permission not granted.
_CREATED_OUTSIDE_A_SESSION: Final = (
    "Amazon creates a reminder only while the user uses the skill; this request is outside "
    "a session"
)
# Pages of in-skill products followed at most (Amazon answers up to 100 products a page).
_MAX_PAGES: Final = 10


class RecordsApi(RequestApi):
    """`AlexaApi`'s calls for reminders, household lists and in-skill products."""

    __slots__ = ()

    # --- reminders -----------------------------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-reminders-api-reference.html
    # Amazon's model of the API (ask-sdk-model's ReminderManagementServiceClient) words a user
    # who has not granted the permission at the 401 ("UserAuthenticationException … If customer
    # does not have permission to create a reminder"), and names a create's 403 "Forbidden" with
    # no meaning: a 403 is the consent card only while the request does not say the scope is
    # granted; granted, an AlexaApiError (naming a create's likely cause outside a session:
    # `_CREATED_OUTSIDE_A_SESSION`).
    # A 401 or 403 with the code INVALID_TOKEN blames the token, not the permission
    # (`read_answer`: `AccessTokenError`; no source names another code for it). A 404 is "no such
    # reminder" whatever its code: ALERT_NOT_FOUND (Jovo's client reads it, and FakeAlexaApi
    # answers it: `alexaskill.testing.api_reminders`), NOT_FOUND (the fake's before) or none.
    # A refusal coded DEVICE_NOT_SUPPORTED, a device without reminders, is `DeviceNotSupported`
    # (`read_answer`; its sources at the class).

    async def create_reminder(
        self,
        text: str,
        *,
        at: _dt.datetime | None = None,
        after: _dt.timedelta | None = None,
        recurrence: Sequence[str] = (),
        speech: str | ssml.Ssml | None = None,
        push_notification: bool = True,
    ) -> Reminder:
        """Have Alexa say ``text`` ``at`` a moment or ``after`` a delay; the created `Reminder`.

        ``at`` without a time zone is the device's local time; with a ``ZoneInfo`` it rings at
        that time there. A one-time ``at`` gone by when the user spoke (the request's
        timestamp) is a `ValueError`, unsent (it would never ring: alexaskill's rule, not one
        Amazon documents). A local one is read in the device's time zone, which is asked for
        it if the handler has not (`time_zone`: one call a request); it is sent unjudged, for
        Amazon to judge, when the device set no zone or that call fails (a missed check of
        alexaskill's is no reason to fail a reminder that may well be to come, and
        `FakeAlexaApi`, its ``time_zone`` call failing, does not judge it either).
        ``recurrence`` takes RFC 5545 rules (``"FREQ=WEEKLY;BYDAY=MO"``) for an ``at``
        reminder; one out of RFC 5545's grammar (``BYHOUR=25``, a part given twice), or one
        that never rings (``COUNT=0``, an UNTIL before ``at``), or an UNTIL of another kind
        than ``at`` (RFC 5545: a local one for ``at`` without a time zone, a UTC one, ``...Z``,
        for ``at`` in a time zone) is a `ValueError` naming it, unsent; so is a recurring
        ``at`` that is the second of a local time the clocks go back through (``fold=1``, the
        second 02:30: its local start would name the first; one without tzinfo is judged in
        the device's zone, asked for it). A one-time ``at`` that is such a second time is sent
        as its moment in UTC, as one at a fixed offset is (and read back in UTC:
        `ReminderTrigger`). One without tzinfo whose
        ``fold=1`` cannot be read, the device's zone unknown, is refused, unsent, one-time or
        recurring (sent as a local time it would ring at the first): a `ValueError` when the
        device set no zone or the request names no device, an `AlexaApiError` chained from
        the ``time_zone`` call's when that call failed. A one-time ``at`` that is a local time
        its zone's clocks skip (02:30 in New York on 14 March 2027) is a `ValueError` naming
        the gap, unsent; a recurring one is sent as written (RFC 5545, 3.3.5: its first time at
        the offset before the gap, the later ones on the zone's clock). ``speech`` is
        SSML to say instead of ``text``, plain text or `Ssml` as an answer's (a fragment
        wrapped in ``<speak>`` as written, never composed). Its ``requestTime`` is the
        request's timestamp too. Amazon lets a skill create reminders only while the user
        talks to it. Needs `Scope.REMINDERS`.
        """
        given = (text, at, after, recurrence, speech, push_notification)
        body = await self._reminder_request("create_reminder", *given)
        return (
            await self._call(
                "create_reminder",
                "POST",
                "/v1/alerts/reminders",
                Reminder,
                scope=Scope.REMINDERS,
                json=body,
                unauthorized_means_consent=True,
                changes=True,
                refused_note=_CREATED_OUTSIDE_A_SESSION if self._envelope.session is None else "",
            )
            or Reminder()
        )

    async def update_reminder(
        self,
        alert_token: str,
        text: str,
        *,
        at: _dt.datetime | None = None,
        after: _dt.timedelta | None = None,
        recurrence: Sequence[str] = (),
        speech: str | ssml.Ssml | None = None,
        push_notification: bool = True,
    ) -> Reminder | None:
        """Make the reminder ``alert_token`` say ``text`` ``at`` a moment or ``after`` a delay:
        Amazon's update replaces the whole reminder, so everything is given again, as to
        `create_reminder`, whose checks it passes (a time gone by, a rule out of RFC 5545's
        grammar, … are refused unsent). The updated `Reminder` as Amazon answers it (its
        token, status, times and version); None when Amazon knows no such reminder (404).
        Amazon lets a skill update reminders outside a session too (from its
        ``Messaging.MessageReceived`` handler). Needs `Scope.REMINDERS`."""
        path = _reminder_path("update_reminder", alert_token)
        given = (text, at, after, recurrence, speech, push_notification)
        body = await self._reminder_request("update_reminder", *given)
        try:
            updated: Reminder | None = await self._call(
                "update_reminder",
                "PUT",
                path,
                Reminder,
                scope=Scope.REMINDERS,
                json=body,
                unauthorized_means_consent=True,
                changes=True,
            )
        except AlexaApiError as exc:
            if exc.status == 404:
                return None
            raise
        return updated or Reminder(alert_token=alert_token)

    async def _reminder_request(
        self,
        operation: str,
        text: str,
        at: _dt.datetime | None,
        after: _dt.timedelta | None,
        recurrence: Sequence[str],
        speech: str | ssml.Ssml | None,
        push_notification: bool,
    ) -> dict[str, Any]:
        """The body of a create or an update (`reminder_body`; ``operation`` names which), the
        device's zone asked if it is needed to judge ``at``."""
        if recurrence is not None and not isinstance(recurrence, str | list | tuple):
            # Read once, here: whether there are rules decides if the zone is asked (an empty
            # iterator is true), and `reminder_body` checks the same ones.
            recurrence = list(recurrence)
        # One mistake, one error: a local at= gone by was a ValueError once the handler had
        # asked the zone, else an AlexaApiError (the fake's 400).
        zone, zone_unasked = await self._reminder_zone(at, after, recurrence)
        # Sent as asked when the user spoke, as the past is judged: a test's fixed clock holds.
        asked_at = _request_time(self._envelope)
        return reminder_body(
            text,
            at,
            after,
            recurrence,
            speech,
            push_notification,
            self.locale,
            asked_at,
            asked_at=asked_at,
            zone=zone,
            zone_unasked=zone_unasked,
            operation=operation,
        )

    async def _reminder_zone(
        self, at: object, after: object, recurrence: object
    ) -> tuple[_dt.tzinfo | None, AlexaApiError | None]:
        """The device's zone, to judge a one-time ``at`` without tzinfo (a recurring one's
        UNTIL is local then, on the same clock): the one the handler asked, else asked now; None
        where it is not needed, not set, or not to be asked (the request names no device), with
        the error of its call if that failed (the reminder is then sent unjudged, but for one
        at ``fold=1``, which `reminder_body` refuses without the zone: a `ValueError`, or the
        call's failure, an `AlexaApiError`, if it failed)."""
        if self._time_zone is not _NOT_ASKED:
            return self._time_zone, None
        local = isinstance(at, _dt.datetime) and at.tzinfo is None and after is None
        # (a recurring reminder's first time is not judged; nor needs its UNTIL the zone; but
        # the second of a repeated local time, fold=1, is refused in it: `reminder_body`)
        if not local or (recurrence and not getattr(at, "fold", 0)):
            return None, None
        try:
            self._device_id()
        except AlexaApiError:  # (no device: no zone to ask, as for one that set none)
            return None, None
        try:
            return await self.time_zone(), None
        except AlexaApiError as failed:
            return None, failed

    if TYPE_CHECKING:  # (`UserApi`'s, beside this class in `AlexaApi`)

        async def time_zone(self) -> ZoneInfo | None: ...

    async def get_reminders(self) -> list[Reminder]:
        """The reminders this skill created for the user, as Amazon keeps them: one sent in
        UTC reads so (`ReminderTrigger`: reading it back in a zone). Needs
        `Scope.REMINDERS`."""
        answer = await self._call(
            "get_reminders",
            "GET",
            "/v1/alerts/reminders",
            _Reminders,
            scope=Scope.REMINDERS,
            unauthorized_means_consent=True,
        )
        return [] if answer is None else list(answer.alerts)

    async def get_reminder(self, alert_token: str) -> Reminder | None:
        """The reminder ``alert_token`` this skill created, as Amazon keeps it; None when
        Amazon knows no such reminder (404). Needs `Scope.REMINDERS`."""
        path = _reminder_path("get_reminder", alert_token)
        try:
            reminder: Reminder | None = await self._call(
                "get_reminder",
                "GET",
                path,
                Reminder,
                scope=Scope.REMINDERS,
                unauthorized_means_consent=True,
            )
        except AlexaApiError as exc:
            if exc.status == 404:
                return None
            raise
        return reminder

    async def delete_reminder(self, alert_token: str) -> bool:
        """Delete a reminder; False when Amazon knows no such reminder (404)."""
        path = _reminder_path("delete_reminder", alert_token)
        try:
            await self._call(
                "delete_reminder",
                "DELETE",
                path,
                None,
                scope=Scope.REMINDERS,
                unauthorized_means_consent=True,
                changes=True,
            )
        except AlexaApiError as exc:
            if exc.status == 404:
                return False
            raise
        return True

    # --- lists ---------------------------------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/list-skills/list-management-api-reference.html
    # Amazon moved this reference to its Deprecated Features page in June 2024 and stopped the
    # API for skills from July 1, 2024 (`alexaskill.lists_deprecated`): the calls stay, for an
    # account still answered, and say so once.

    async def lists(self) -> list[AlexaList]:
        """The household's lists (shopping, to-do, the user's own). Needs `Scope.LISTS_READ`.
        Deprecated by Amazon from July 1, 2024, as are `list_items` and `add_list_item`: see
        `alexaskill.lists_deprecated`."""
        answer = await self._list_call(
            "lists", "GET", "/v2/householdlists/", _Lists, Scope.LISTS_READ
        )
        return [] if answer is None else list(answer.lists)

    async def list_items(self, list_id: str, status: str = "active") -> list[ListItem]:
        """The items of a list with ``status`` (``active`` or ``completed``)."""
        _check_status("list_items", status)
        path = f"/v2/householdlists/{_segment(list_id, 'list_id')}/{_segment(status, 'status')}"
        answer = await self._list_call("list_items", "GET", path, _ListItems, Scope.LISTS_READ)
        return [] if answer is None else list(answer.items)

    async def add_list_item(self, list_id: str, value: str, status: str = "active") -> ListItem:
        """Add ``value`` to a list, its ``status`` ``active`` or ``completed``; the created
        item. A value of no words (``""``, ``"  "``) is a `ValueError`, unsent. Needs
        `Scope.LISTS_WRITE`."""
        if value is not None and not isinstance(value, str):
            kind = type_with_article(value)
            raise TypeError(f"add_list_item takes the item's value, a str, not {kind}")
        if value is None or not value.strip():
            # Alexa's List API refuses such an item (400): the round trip would be spent on an
            # error that names no value, where the slot that gave it is the handler's to check.
            raise ValueError(
                f"add_list_item: the item's value is {shown_value(value)}: no words, which Alexa's "
                "List API refuses (give the item's words, e.g. 'milk')"
            )
        _check_status("add_list_item", status)
        path = f"/v2/householdlists/{_segment(list_id, 'list_id')}/items"
        item = await self._list_call(
            "add_list_item",
            "POST",
            path,
            ListItem,
            Scope.LISTS_WRITE,
            json={"value": value, "status": status},
            changes=True,
        )
        return item or ListItem(value=value, status=status)

    async def _list_call(
        self,
        operation: str,
        method: str,
        path: str,
        into: type[Any],
        scope: str,
        *,
        json: object = None,
        changes: bool = False,
    ) -> Any:
        """A List API call: to its one host, with the reason a granted scope may be refused."""
        warn_lists_deprecated(operation)
        return await self._call(
            operation,
            method,
            path,
            into,
            scope=scope,
            json=json,
            base=self._lists_base(),
            changes=changes,
            refused_note="Amazon deprecated its List API (July 1, 2024): it may refuse this skill",
        )

    def _lists_base(self) -> str | None:
        # Loopback endpoints (tests, development tools) stand in for every Alexa host.
        from urllib.parse import urlsplit

        try:
            host = urlsplit(self.endpoint or "").hostname
        except ValueError:  # no URL ("http://[::1"): the endpoint's check refuses it, unsent
            return None
        return None if is_loopback(host) else _LISTS_ENDPOINT

    # --- in-skill products ---------------------------------------------------------------------
    # https://developer.amazon.com/en-US/docs/alexa/in-skill-purchase/in-skill-product-service.html

    async def in_skill_products(
        self,
        *,
        entitled: bool | None = None,
        purchasable: bool | None = None,
        product_type: str | None = None,
    ) -> list[InSkillProduct]:
        """The skill's products as this user sees them, filtered if asked; every page (10 at
        most: the products past them are left out, with a WARNING), all within `timeout`."""
        for name, flag in (("entitled", entitled), ("purchasable", purchasable)):
            if flag is not None and not isinstance(flag, bool):
                raise TypeError(
                    f"in_skill_products: {name}= is True or False (or None: either), not "
                    f"{shown_json(flag)}: {type_with_article(flag)} would be read as one of them"
                )
        params: dict[str, str] = {}
        if entitled is not None:
            params["entitled"] = "ENTITLED" if entitled else "NOT_ENTITLED"
        if purchasable is not None:
            params["purchasable"] = "PURCHASABLE" if purchasable else "NOT_PURCHASABLE"
        if product_type is not None:
            if not isinstance(product_type, str):
                raise TypeError(
                    "in_skill_products: product_type= is a str ('CONSUMABLE') or None, not "
                    f"{type_with_article(product_type)}"
                )
            problem = product_choice_error("in_skill_products: product_type", "type", product_type)
            if problem is not None:
                raise ValueError(problem)
            params["productType"] = product_type
        products: list[InSkillProduct] = []
        followed: set[str] = set()
        # One timeout for all the pages: each its own would be ten times the call's.
        give_up = time.monotonic() + self.timeout
        for _ in range(_MAX_PAGES):
            page = await self._products_page(params, give_up, len(followed) + 1)
            if page is None:
                return products
            products.extend(page.in_skill_products)
            if not (page.is_truncated and page.next_token):
                return products
            if page.next_token in followed:  # that page again, and again: a broken answer
                raise AlexaApiError(
                    "in_skill_products: Alexa's answer names a nextToken already followed: "
                    "its pages would repeat",
                    operation="in_skill_products",
                )
            followed.add(page.next_token)
            params = {**params, "nextToken": page.next_token}
        logger.warning(
            "in_skill_products: Alexa has more products than the %d pages followed (%d "
            "products): the rest are left out",
            _MAX_PAGES,
            len(products),
        )
        return products

    async def _products_page(
        self, params: dict[str, str], give_up: float, number: int
    ) -> _Products | None:
        """One page of `in_skill_products`, within the time left of the call's `timeout`; none
        left (the pages before took it all), it times out unsent."""
        left = give_up - time.monotonic()
        if left > 0:
            try:
                page: _Products | None = await self._call(
                    "in_skill_products",
                    "GET",
                    "/v1/users/~current/skills/~current/inSkillProducts",
                    _Products,
                    params=params,
                    headers={"Accept-Language": self.locale},
                    timeout=left,
                )
            except AlexaApiTimeout:
                pass
            else:
                return page
        # Raised here: the page's own (its time left, in its message) is no context of it.
        raise AlexaApiTimeout(
            f"in_skill_products: no answer from Alexa's API within {self.timeout:g} s "
            f"(page {number} of the products)",
            operation="in_skill_products",
        )

    async def in_skill_product(self, product_id: str) -> InSkillProduct | None:
        """One product as this user sees it; None when the skill has no such product (404)."""
        path = "/v1/users/~current/skills/~current/inSkillProducts/" + _segment(
            product_id, "product_id"
        )
        try:
            product: InSkillProduct | None = await self._call(
                "in_skill_product",
                "GET",
                path,
                InSkillProduct,
                headers={"Accept-Language": self.locale},
            )
        except AlexaApiError as exc:
            if exc.status == 404:
                return None
            raise
        return product


def _reminder_path(operation: str, alert_token: object) -> str:
    """The path of the reminder ``alert_token`` (its ``id`` in Amazon's Reminders API
    reference); `TypeError` for a token that is no str, `ValueError` for a blank one, unsent."""
    if alert_token is not None and not isinstance(alert_token, str):
        raise TypeError(
            f"{operation} takes the reminder's alert_token, a str, not "
            f"{type_with_article(alert_token)}"
        )
    return f"/v1/alerts/reminders/{_segment(cast(str, alert_token), 'alert_token')}"


def _check_status(operation: str, status: object) -> None:
    """`ValueError` unless ``status`` is a list item status of Amazon's List API."""
    if status not in _ITEM_STATUSES:
        raise ValueError(
            f"{operation}: a list item's status is 'active' or 'completed', not {_said(status)} "
            "(Amazon's List Management API has no other)"
        )
