"""`FakeAlexaApi`: Alexa's service APIs answered in-process from data a test gives; calls recorded.

    api = FakeAlexaApi(time_zone="Europe/Paris", given_name="Ada", permissions=[])
    client = TestClient(skill, api=api)      # or TestClient(skill, time_zone=…, given_name=…)
    result = client.launch()
    result.api_calls                          # what the handler asked, with the answers
    result.card                               # the consent card: given_name was not granted

It speaks Amazon's paths, methods, status codes and JSON (the pages cited in
`alexaskill.alexa_api`), behind an ``httpx.MockTransport``: nothing leaves the process. Data not
given answers as Amazon does when the user set none (204 No Content). ``permissions`` lists the
scopes the user granted; ``None`` (the default) grants them all. ``faults`` makes an operation fail
as production may: ``{"given_name": 503, "time_zone": "timeout", "email": "not-json"}``.

Progressive responses are taken only while the skill answers the request they name, as Alexa
takes them ("Send the User a Progressive Response": none once the skill has returned its
response). The test client and chat mark each request they send (`FakeAlexaApi.answering`);
one that names a request answered already, or one never sent, gets a 403 (Alexa's
"Unrecognized requestId"), and the late ones are kept in ``late_progressive``.
Once they sent one, a call with a token no request carried gets a 401, and one about a device
that sent none a 403, as from Alexa (`AccessCheck.issued`, in ``api_access``).

Reminders are judged (the codes of its 400s are its own: `alexaskill.testing.api_reminders`;
a one-time one gone by: 400; a local time without ``timeZoneId`` read in
the zone the request's own ``time_zone`` call got, else in ``time_zone``, and not judged when
that call failed, as the skill's `AlexaApi` cannot read it then: a fault hits the calls of the
operation it names, and no other), and they and list items stamped, at the fake's now:
``now``, a clock, if the test gave one; else the timestamp of the request that made the call
(of those that carried its ``apiAccessToken``, the one being answered, else the only one: a
call with a token several carried, none of them being answered, is refused, 401: `api_access`);
else, with no such request or none usable in that one's timestamp, this machine's clock
(`api_lists` for the items given), as the skill's `AlexaApi` reads such a request.

A fake may serve for days (the simulator's, in ``alexaskill serve --dev``): ``calls`` and
``late_progressive`` keep the most recent ``keep_calls`` (1000 by default), the oldest
forgotten first. ``call_count`` and ``late_count`` count every one; a tool that reads what one
request made notes a count before it and reads `calls_since` (`late_since`) after it.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qsl, unquote, urlsplit

import msgspec

from ..alexa_api import Address, InSkillProduct, PhoneNumber, Reminder, Scope
from .api_access import lowered_headers
from .api_calls import (
    ApiCall,
    _Answer,
    _Asked,
    _error,
    _Headed,
    _headers,
    _keep,
    _newest,
    _sent,
)
from .api_faults import _check_faults, _fault_answer
from .api_given import _given, _KeptList
from .api_lists import ListsAndProducts
from .api_progressive import Progressive
from .api_reminders import Reminders
from .api_settings import SettingsAndProfile, _profile, _setting

if TYPE_CHECKING:
    import datetime as _dt

    import httpx

__all__ = ["ApiCall", "FakeAlexaApi"]

_Handler = Callable[["FakeAlexaApi", _Asked], _Answer]

#: How many of its most recent calls (and late progressive responses) a fake keeps by default.
KEPT_CALLS: Final = 1000


@dataclass
class FakeAlexaApi(SettingsAndProfile, ListsAndProducts, Reminders, Progressive):
    """Alexa's service APIs for one simulated user and device, answered from the data given.

    Change a field between requests (``api.time_zone = "Asia/Tokyo"``, ``api.lists = {…}``):
    the next call reads it, and a wrong value fails where it is assigned. Reminders the skill
    creates are kept in ``reminders``, items it adds to a list are read back with `list_values`.
    """

    time_zone: str | None = None
    #: ``METRIC`` or ``IMPERIAL``.
    distance_units: str | None = None
    #: ``CELSIUS`` or ``FAHRENHEIT``.
    temperature_unit: str | None = None
    address: Address | Mapping[str, str] | None = None
    full_name: str | None = None
    given_name: str | None = None
    email: str | None = None
    mobile_number: PhoneNumber | Mapping[str, str] | None = None
    #: The scopes the user granted (`Scope` names them); None: every scope.
    permissions: Iterable[str] | None = None
    #: List name to the values of its active items; None: Amazon's two empty default lists.
    #: Kept for the tests of older skills: Amazon deprecated its lists for skills (from July 1,
    #: 2024; `alexaskill.lists_deprecated`), so the real API may refuse what the fake answers.
    lists: Mapping[str, Sequence[str]] | None = None
    #: The skill's products, `InSkillProduct` or Amazon's JSON of one (None: none).
    #: Read back, the list of `InSkillProduct` the fake keeps.
    in_skill_products: _KeptList[InSkillProduct] = _KeptList()  # noqa: RUF009 (as reminders)
    #: The user's reminders, `Reminder` or Amazon's JSON of one (None: none); the skill's added.
    #: Read back, the list of `Reminder` the fake keeps.
    reminders: _KeptList[Reminder] = _KeptList()  # noqa: RUF009 (a descriptor: its default ())
    #: Whether the device holds reminders; False: a create is refused as Amazon refuses one for a
    #: device without them (403 ``DEVICE_NOT_SUPPORTED``: `DeviceNotSupported` in the skill).
    reminders_supported: bool = True
    #: A clock, as `TestClient`'s ``now=``: the fake's now (reminders, list items' times).
    #: None: the timestamp of the request that made the call, else this machine's clock.
    now: Callable[[], _dt.datetime] | None = None
    #: Operation name (an `AlexaApi` method) to an HTTP error status (400 to 599), a 429 or 5xx
    #: and its ``Retry-After`` (``(429, 2)``: 2 s; a string is sent as it is), a mapping of a
    #: status and the error body's ``code`` and ``message`` (``{"status": 400, "code":
    #: "MAX_REMINDERS_EXCEEDED"}``; ``retry_after`` too, for a 429 or 5xx; left out, the code is
    #: ``FAULT``), ``"timeout"`` (no answer), ``"not-json"`` (a 200 with an HTML page) or
    #: ``"oversized"`` (a 200 past `MAX_ANSWER_BYTES`). Anything else is a `ValueError`, as is
    #: an operation the fake does not serve: when given, and at the next call if the mapping
    #: changed meanwhile. A fault hits the calls of the operation it names, no other (a
    #: reminder is judged by what its request's own ``time_zone`` call got, not by ``faults``).
    faults: Mapping[str, int | str | Sequence[int | str] | Mapping[str, Any]] = field(
        default_factory=dict
    )
    #: How many calls ``calls`` and ``late_progressive`` keep (the most recent).
    keep_calls: int = KEPT_CALLS
    #: The calls, oldest first: the most recent ``keep_calls`` (`call_count` counts them all).
    calls: list[ApiCall] = field(default_factory=list, init=False)
    #: The progressive responses refused because the skill had answered their request: the
    #: most recent ``keep_calls`` (`late_count` counts them all).
    late_progressive: list[ApiCall] = field(default_factory=list, init=False)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "faults":  # a typo ignored would let a test of a failure pass on success
            _check_faults(value, _OPERATIONS)
        else:  # permissions read once; an address or a number given as a mapping, checked
            value = _given(name, value)
        super().__setattr__(name, value)
        if name == "lists" and "_lock" in self.__dict__:  # (at creation, `__post_init__`)
            self._load_lists()

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._call_count = 0
        self._late_count = 0
        #: The requests being answered, and those answered (`answering`).
        self._answering: dict[str, int] = {}  # (with their progressive responses taken)
        self._answered: dict[str, None] = {}  # oldest first, `_ANSWERED_KEPT` at most
        # (the names of the requests `late_progressive`'s calls named: `_late_named_read`)
        self._late_named: list[tuple[ApiCall, str]] = []
        self._pages_given: set[int] = set()  # (`ListsAndProducts`: the products' nextTokens)
        self._load_lists()

    # --- what the skill called ---

    @property
    def call_count(self) -> int:
        """How many calls the fake has answered, the forgotten ones included."""
        return self._call_count

    @property
    def late_count(self) -> int:
        """How many late progressive responses the fake has refused, the forgotten included."""
        return self._late_count

    def calls_since(self, count: int) -> list[ApiCall]:
        """The calls answered after the first ``count`` (a `call_count` noted before), oldest
        first: those the fake still keeps."""
        with self._lock:
            return _newest(self.calls, self._call_count - count)

    def late_since(self, count: int) -> list[ApiCall]:
        """The late progressive responses refused after the first ``count`` (a `late_count`
        noted before), oldest first: those the fake still keeps."""
        return self._late_read(count)[0]

    def _late_read(self, count: int) -> tuple[list[ApiCall], int]:
        """`late_since` ``count``, and the `late_count` to read from next time (read together:
        one refused meanwhile is neither lost nor read twice)."""
        with self._lock:
            return _newest(self.late_progressive, self._late_count - count), self._late_count

    def _late_named_read(self, count: int) -> tuple[list[tuple[ApiCall, str]], int]:
        """`_late_read`'s calls, each with the fake's name of the request it named (`issued`'s:
        of one with no id, its own, which the call's token told): a client tells its own
        requests' from others' by it, as it cannot by the id "" they may share."""
        with self._lock:
            late = _newest(self.late_progressive, self._late_count - count)
            # The calls `late_progressive` holds, which a test may clear (a list of the names'
            # own read alone, its calls were still noted): each call's name found by its
            # identity, which no other call has while both lists hold it.
            names = {id(call): name for call, name in self._late_named}
            named = [(call, names[id(call)]) for call in late if id(call) in names]
            return named, self._late_count

    # --- as a transport ---

    def client(self) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` answered by this fake: nothing leaves the process."""
        import httpx

        return httpx.AsyncClient(transport=httpx.MockTransport(self.handle), trust_env=False)

    def serve(
        self, host: str = "127.0.0.1", port: int = 0
    ) -> contextlib.AbstractContextManager[str]:
        """Serve this fake over HTTP on a loopback address; the context's value is its URL.

        For a skill in another process (``alexaskill serve --dev``): give the URL as the
        requests' ``apiEndpoint``. ``with api.serve() as url: …``; the server stops as the block
        ends. ``host`` is ``"127.0.0.1"`` or ``"::1"`` (no host name), ``port`` 0 a free one.
        """
        from .api_server import serve_fake_api

        return serve_fake_api(self, host, port)

    async def alexa_api_call(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        json: object,
        params: Mapping[str, str] | None,
    ) -> tuple[int, bytes, str | None]:
        """Answer one call of `AlexaApi` directly (the fake as an `ApiTransport`: no HTTP): the
        status, the body and the ``Retry-After`` header (None without one)."""
        parts = urlsplit(url)
        # Read as `handle` reads it (httpx's parse_qsl, blanks kept): the last value of one sent
        # twice, as for headers (`lowered_headers`). A blank was dropped here, kept there, and
        # `handle` read the first: one call's page differed by the transport.
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        query.update(params or {})
        # The body as it would arrive: JSON, decoded again.
        body = None if json is None else msgspec.json.decode(msgspec.json.encode(json))
        lowered, doubled = lowered_headers(headers.items())
        sent = self._record(method, unquote(parts.path), query, lowered, body, doubled)
        status, content, _, sent_headers = sent
        if status == 0:
            raise TimeoutError("the fake Alexa API was told not to answer")
        return status, b"" if method == "HEAD" else content, sent_headers.get("retry-after")

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one HTTP request as Alexa's service APIs would (for ``httpx.MockTransport``)."""
        import httpx

        query = dict(request.url.params.multi_items())  # (the last of one sent twice)
        try:
            body = json.loads(request.content) if request.content else None
        except ValueError:
            body = request.content.decode("utf-8", "replace")
        lowered, doubled = lowered_headers(request.headers.multi_items())
        path = request.url.path
        sent = self._record(request.method, path, query, lowered, body, doubled)
        status, content, content_type, headers = sent
        if status == 0:  # the "timeout" fault
            raise httpx.ReadTimeout("the fake Alexa API was told not to answer", request=request)
        if content_type:
            headers = {"content-type": content_type, **headers}
        if request.method == "HEAD":  # the GET's headers, its length among them, and no body
            headers = {**headers, "content-length": str(len(content))}
            content = b""
        return httpx.Response(status, content=content, headers=headers)

    def _record(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: Any,
        doubled: frozenset[str],
    ) -> tuple[int, bytes, str | None, dict[str, str]]:
        """Answer a call and record it: the status, the body, its content type and the other
        headers sent (`_headers`: ``Retry-After``, ``Allow``)."""
        operation, status, answer = self._answer(method, path, query, headers, body, doubled)
        if operation == "time_zone" and method == "GET":  # (what the skill knows of its zone:
            self._zone_call_answered(headers, status, answer)  # a HEAD's answer tells none)
        content, content_type, shown = _sent(answer)  # (encoded once: sent, and recorded)
        shown = None if method == "HEAD" else shown  # (recorded as sent: no body)
        call = ApiCall(operation, method, path, query, body, status, shown)
        with self._lock:
            self._call_count += 1
            _keep(self.calls, call, self.keep_calls)
            late = self._late_name(body, headers) if operation == "progressive" else None
            if status == 403 and late is not None:
                self._late_count += 1
                _keep(self.late_progressive, call, self.keep_calls)
                _keep(self._late_named, (call, late), self.keep_calls)
        return status, content, content_type, _headers(answer)

    def _answer(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        body: Any,
        doubled: frozenset[str],
    ) -> tuple[str | None, int, Any]:
        # A HEAD is answered as the GET of its path, its body left out where it is sent (`handle`,
        # the served fake): RFC 9110 asks it of every server that answers a GET (9.1, 9.3.2).
        # No Amazon page says what its APIs answer to one, and no SDK of Amazon's sends one; a
        # 405 naming GET alone told a client probing a path (a health check, curl -I) that the
        # resource it could GET was not there for it.
        routed = "GET" if method == "HEAD" else method
        for route_method, pattern, operation, handler in _ROUTES:
            match = pattern.fullmatch(path)
            if match is None or route_method != routed:
                continue
            # (the route tells: the directive API's path is written in `_ROUTES` alone)
            progressive = operation == "progressive"
            refused = self._access_refused(path, headers, doubled, names_its_request=progressive)
            fault = None
            if refused is None:
                _check_faults(self.faults, _OPERATIONS)  # (changed in place, maybe)
                fault = self.faults.get(operation)
                if fault is None:
                    return operation, *handler(self, _Asked(match, query, headers, body))
            if progressive:  # (reached Amazon: counted, as the client counts it)
                self._count_progressive(body, headers)
            if refused is not None:  # not the token or device of a request (api_access)
                return operation, *refused
            return operation, *_fault_answer(operation, fault)
        # A path served for other methods is a 405 naming them (RFC 9110, 15.5.6), as an HTTP
        # server answers, not a 404 that sent the skill's author looking for another path.
        taken = {taken for taken, pattern, _, _ in _ROUTES if pattern.fullmatch(path)}
        allowed = sorted(taken | ({"HEAD"} if "GET" in taken else set()))  # (HEAD: as a GET)
        if allowed:
            allow = ", ".join(allowed)
            _, said = _error(
                405, "METHOD_NOT_ALLOWED", f"{method} is not allowed at {path}: {allow}"
            )
            return None, 405, _Headed(said, {"allow": allow})
        return None, *_error(404, "NOT_FOUND", f"no Alexa API at {method} {path}")


_DEVICE = r"/v2/devices/[^/]+/settings"
_ADDRESS = r"/v1/devices/[^/]+/settings/address"
_PROFILE = "/v2/accounts/~current/settings"
_PRODUCTS = "/v1/users/~current/skills/~current/inSkillProducts"
_REMINDER = r"/v1/alerts/reminders/(?P<token>[^/]+)/?"
_ROUTES: Final[tuple[tuple[str, re.Pattern[str], str, _Handler], ...]] = tuple(
    (method, re.compile(pattern), operation, handler)
    for method, pattern, operation, handler in (
        ("POST", r"/v1/directives", "progressive", FakeAlexaApi._progressive),
        ("GET", _DEVICE + r"/System\.timeZone", "time_zone", _setting("time_zone")),
        ("GET", _DEVICE + r"/System\.distanceUnits", "distance_units", _setting("distance_units")),
        (
            "GET",
            _DEVICE + r"/System\.temperatureUnit",
            "temperature_unit",
            _setting("temperature_unit"),
        ),
        ("GET", _ADDRESS, "full_address", _profile("address", Scope.FULL_ADDRESS, Address)),
        (
            "GET",
            _ADDRESS + "/countryAndPostalCode",
            "country_and_postal_code",
            FakeAlexaApi._country_and_postal_code,
        ),
        ("GET", _PROFILE + r"/Profile\.name", "full_name", _profile("full_name", Scope.NAME)),
        (
            "GET",
            _PROFILE + r"/Profile\.givenName",
            "given_name",
            _profile("given_name", Scope.GIVEN_NAME),
        ),
        ("GET", _PROFILE + r"/Profile\.email", "email", _profile("email", Scope.EMAIL)),
        (
            "GET",
            _PROFILE + r"/Profile\.mobileNumber",
            "mobile_number",
            _profile("mobile_number", Scope.MOBILE_NUMBER, PhoneNumber),
        ),
        ("POST", r"/v1/alerts/reminders/?", "create_reminder", FakeAlexaApi._create_reminder),
        ("GET", r"/v1/alerts/reminders/?", "get_reminders", FakeAlexaApi._get_reminders),
        ("GET", _REMINDER, "get_reminder", FakeAlexaApi._get_reminder),
        ("PUT", _REMINDER, "update_reminder", FakeAlexaApi._update_reminder),
        ("DELETE", _REMINDER, "delete_reminder", FakeAlexaApi._delete_reminder),
        ("GET", r"/v2/householdlists/?", "lists", FakeAlexaApi._lists),
        (
            "POST",
            r"/v2/householdlists/(?P<list>[^/]+)/items/?",
            "add_list_item",
            FakeAlexaApi._add_list_item,
        ),
        (
            "GET",
            r"/v2/householdlists/(?P<list>[^/]+)/(?P<status>active|completed)/?",
            "list_items",
            FakeAlexaApi._list_items,
        ),
        ("GET", _PRODUCTS, "in_skill_products", FakeAlexaApi._in_skill_products),
        (
            "GET",
            _PRODUCTS + r"/(?P<product>[^/]+)",
            "in_skill_product",
            FakeAlexaApi._in_skill_product,
        ),
    )
)
#: The operations the fake serves: what ``faults`` may name.
_OPERATIONS: Final = frozenset(operation for _, _, operation, _ in _ROUTES)
