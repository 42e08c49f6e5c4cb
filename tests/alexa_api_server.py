"""A stand-in for Alexa's service APIs on 127.0.0.1, written from Amazon's API references.

Run by tests/test_alexa_api_wire.py as its own process: ``python alexa_api_server.py LOGFILE``.
It prints ``PORT <n>`` once listening, answers the paths, methods and JSON that Amazon documents
(the example answers of its reference pages), refuses with 400 anything that does not match the
documented request (wrong path, method, header or body), and appends every request it gets to
LOGFILE as a JSON line. The bearer token picks how it answers:

    ok          the documented example answers
    not-set     what Amazon answers when the user set nothing (204, empty collections, 404)
    no-consent  a missing permission: 403 (401 for reading, updating or deleting reminders)
    slow        the answer after 3 seconds
    throttled   429
    broken      500
    paged       in-skill products over two pages

Amazon's pages:
https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-settings-api-reference.html
https://developer.amazon.com/en-US/docs/alexa/custom-skills/device-settings-api-reference.html
https://developer.amazon.com/en-US/docs/alexa/custom-skills/customer-profile-api-reference.html
https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-reminders-api-reference.html
https://developer.amazon.com/en-US/docs/alexa/list-skills/list-management-api-reference.html
https://developer.amazon.com/en-US/docs/alexa/in-skill-purchase/in-skill-product-service.html
https://developer.amazon.com/en-US/docs/alexa/custom-skills/send-the-user-a-progressive-response.html
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEVICE_ID = "amzn1.ask.device.WIRE"
LIST_ID = "YW16bjEuYWNjb3VudC5BRVhBTVBMRS1TSE9QUElOR19JVEVN"

ADDRESS = {
    "stateOrRegion": "WA",
    "city": "Seattle",
    "countryCode": "US",
    "postalCode": "98109",
    "addressLine1": "410 Terry Ave North",
    "addressLine2": "",
    "addressLine3": "aeiou",
    "districtOrCounty": "",
}
REMINDER = {
    "alertToken": "a1b2c3d4-reminder",
    "createdTime": "2019-09-22T19:04:00.672Z",
    "updatedTime": "2019-09-22T19:04:00.672Z",
    "trigger": {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": "2019-09-22T19:00:00.000",
        "timeZoneId": "America/Los_Angeles",
    },
    "status": "ON",
    "alertInfo": {
        "spokenInfo": {
            "content": [
                {"locale": "en-US", "text": "walk the dog", "ssml": "<speak>walk the dog</speak>"}
            ]
        }
    },
    "pushNotification": {"status": "ENABLED"},
    "version": "1",
}
#: The Reminders API's answer to a call the user has not granted, every operation's (401, a
#: create's 403): the message alone, no code, as Jovo's v3 Alexa client reads it
#: (jovotech/jovo-framework, jovo-platforms/jovo-platform-alexa/src/services/AlexaReminder.ts)
#: and as FakeAlexaApi answers it (alexaskill/testing/api_reminders.py, ``_NOT_GRANTED``).
NOT_GRANTED = {"message": "Request Unauthorized."}
LIST = {
    "listId": LIST_ID,
    "name": "Alexa shopping list",
    "state": "active",
    "version": 1,
    "statusMap": [
        {"href": f"/v2/householdlists/{LIST_ID}/active", "status": "active"},
        {"href": f"/v2/householdlists/{LIST_ID}/completed", "status": "completed"},
    ],
}
ITEM = {
    "id": "item-1",
    "version": 1,
    "value": "milk",
    "status": "active",
    "createdTime": "Wed Jul 19 23:24:10 UTC 2017",
    "updatedTime": "Wed Jul 19 23:24:10 UTC 2017",
    "href": f"/v2/householdlists/{LIST_ID}/items/item-1",
}
PRODUCT = {
    "productId": "amzn1.adg.product.unique-id-4",
    "referenceName": "Hint pack",
    "type": "CONSUMABLE",
    "name": "Hint pack",
    "summary": "Five hints for the trickiest puzzles.",
    "entitled": "NOT_ENTITLED",
    "entitlementReason": "NOT_PURCHASED",
    "purchasable": "PURCHASABLE",
    "activeEntitlementCount": 0,
    "purchaseMode": "TEST",
}
PRODUCT_2 = {**PRODUCT, "productId": "amzn1.adg.product.unique-id-5", "name": "Premium"}

_LOCK = threading.Lock()


class Refused(Exception):
    """The request is not the one Amazon documents: answered 400 with the reason."""


def expect(condition: bool, reason: str) -> None:
    if not condition:
        raise Refused(reason)


class Handler(BaseHTTPRequestHandler):
    log_path = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the log file is the record
        pass

    def do_GET(self) -> None:
        self.handle_any()

    def do_POST(self) -> None:
        self.handle_any()

    def do_DELETE(self) -> None:
        self.handle_any()

    def do_PUT(self) -> None:
        self.handle_any()

    def handle_any(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        record = {
            "method": self.command,
            "path": parts.path,
            "query": {k: v[0] for k, v in parse_qs(parts.query).items()},
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "body": json.loads(raw) if raw else None,
        }
        with _LOCK, open(self.log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
        authorization = self.headers.get("Authorization", "")
        token = authorization[len("Bearer ") :] if authorization.startswith("Bearer ") else ""
        try:
            expect(bool(token), "no Authorization: Bearer <apiAccessToken> header")
            if token == "slow":
                time.sleep(3)
            status, answer = route(self.command, parts.path, record, token)
        except Refused as exc:
            status, answer = 400, {"code": "TEST_SERVER_REFUSED", "message": str(exc)}
        self.reply(status, answer)

    def reply(self, status: int, answer: Any) -> None:
        body = b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        if answer is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def route(method: str, path: str, record: dict[str, Any], token: str) -> tuple[int, Any]:
    if token == "throttled":
        return 429, {"code": "TOO_MANY_REQUESTS", "message": "Request is throttled."}
    if token == "broken":
        return 500, {"code": "UNKNOWN_ERROR", "message": "Internal error."}
    for pattern, handler in ROUTES:
        match = re.fullmatch(pattern, f"{method} {path}")
        if match is not None:
            return handler(record, token, **match.groupdict())
    raise Refused(f"Alexa has no {method} {path}")


def progressive(record: dict[str, Any], token: str) -> tuple[int, Any]:
    body = record["body"]
    expect(record["headers"].get("content-type") == "application/json", "Content-Type")
    expect(isinstance(body, dict) and set(body) == {"header", "directive"}, "body keys")
    expect(isinstance(body["header"].get("requestId"), str), "header.requestId")
    directive = body["directive"]
    expect(directive.get("type") == "VoicePlayer.Speak", "directive.type")
    expect(str(directive.get("speech", "")).startswith("<speak>"), "directive.speech is SSML")
    return 204, None


def setting(value: str) -> Callable[..., tuple[int, Any]]:
    def answer(record: dict[str, Any], token: str, device: str) -> tuple[int, Any]:
        expect(device == DEVICE_ID, f"deviceId {device!r} in the path")
        return (204, None) if token == "not-set" else (200, value)

    return answer


def address(record: dict[str, Any], token: str, device: str, short: str | None) -> tuple[int, Any]:
    expect(device == DEVICE_ID, f"deviceId {device!r} in the path")
    if token == "no-consent":
        return 403, {"type": "FORBIDDEN", "message": "The authentication token is not valid."}
    if token == "not-set":
        return 204, None
    if short:
        return 200, {"countryCode": ADDRESS["countryCode"], "postalCode": ADDRESS["postalCode"]}
    return 200, ADDRESS


def profile(value: Any) -> Callable[..., tuple[int, Any]]:
    def answer(record: dict[str, Any], token: str) -> tuple[int, Any]:
        if token == "no-consent":
            return 403, {"code": "ACCESS_DENIED", "message": "Access denied with reason: ..."}
        return (204, None) if token == "not-set" else (200, value)

    return answer


def create_reminder(record: dict[str, Any], token: str) -> tuple[int, Any]:
    if token == "no-consent":
        return 403, NOT_GRANTED
    body = record["body"]
    expect(record["headers"].get("content-type") == "application/json", "Content-Type")
    expect(isinstance(body, dict), "a JSON object")
    # (as Amazon's Reminders API reference writes it, "2019-09-22T19:04:00.672": the form
    # create_reminder writes, the request's moment in UTC)
    expect(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}", str(body.get("requestTime")))
        is not None,
        "requestTime: ISO 8601 to the millisecond, as Amazon writes it",
    )
    trigger = body.get("trigger") or {}
    if trigger.get("type") == "SCHEDULED_RELATIVE":
        expect(isinstance(trigger.get("offsetInSeconds"), int), "trigger.offsetInSeconds")
    else:
        expect(trigger.get("type") == "SCHEDULED_ABSOLUTE", "trigger.type")
        expect(
            re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?", trigger["scheduledTime"])
            is not None,
            "trigger.scheduledTime: local ISO 8601, no offset",
        )
    content = body["alertInfo"]["spokenInfo"]["content"]
    expect(all(c.get("locale") and c.get("text") for c in content), "alertInfo content")
    expect(body["pushNotification"]["status"] in ("ENABLED", "DISABLED"), "pushNotification")
    return 200, {
        "alertToken": REMINDER["alertToken"],
        "createdTime": REMINDER["createdTime"],
        "updatedTime": REMINDER["updatedTime"],
        "status": "ON",
        "version": "1",
        "href": f"/v1/alerts/reminders/{REMINDER['alertToken']}",
    }


def update_reminder(record: dict[str, Any], token: str, alert: str) -> tuple[int, Any]:
    # (Amazon's model of the API: 401 and 404 as for a get; the body is a create's)
    if token == "no-consent":
        return 401, NOT_GRANTED
    if token == "not-set" or alert != REMINDER["alertToken"]:
        # (no code is in Amazon's pages stored: the one Jovo's client reads, as FakeAlexaApi's)
        return 404, {"code": "ALERT_NOT_FOUND", "message": "Reminder not found."}
    status, answer = create_reminder(record, token)
    return status, {**answer, "version": "2"}


def get_reminder(record: dict[str, Any], token: str, alert: str) -> tuple[int, Any]:
    if token == "no-consent":
        return 401, NOT_GRANTED
    if token == "not-set" or alert != REMINDER["alertToken"]:
        return 404, {"code": "ALERT_NOT_FOUND", "message": "Reminder not found."}
    return 200, REMINDER


def get_reminders(record: dict[str, Any], token: str) -> tuple[int, Any]:
    if token == "no-consent":
        return 401, NOT_GRANTED
    alerts = [] if token == "not-set" else [REMINDER]
    return 200, {"totalCount": str(len(alerts)), "alerts": alerts, "links": {"next": None}}


def delete_reminder(record: dict[str, Any], token: str, alert: str) -> tuple[int, Any]:
    if token == "no-consent":
        return 401, NOT_GRANTED
    if token == "not-set" or alert != REMINDER["alertToken"]:
        return 404, {"code": "ALERT_NOT_FOUND", "message": "Reminder not found."}
    return 200, None


def lists(record: dict[str, Any], token: str) -> tuple[int, Any]:
    if token == "no-consent":
        return 403, {"type": "FORBIDDEN", "message": "Forbidden"}
    return 200, {"lists": [] if token == "not-set" else [LIST]}


def list_items(record: dict[str, Any], token: str, list_id: str, status: str) -> tuple[int, Any]:
    if token == "no-consent":
        return 403, {"type": "FORBIDDEN", "message": "Forbidden"}
    expect(list_id == LIST_ID, "listId")
    items = [] if token == "not-set" or status != "active" else [ITEM]
    return 200, {**{k: LIST[k] for k in ("listId", "name", "state", "version")}, "items": items}


def add_item(record: dict[str, Any], token: str, list_id: str) -> tuple[int, Any]:
    if token == "no-consent":
        return 403, {"type": "FORBIDDEN", "message": "Forbidden"}
    expect(list_id == LIST_ID, "listId")
    body = record["body"]
    expect(isinstance(body, dict) and set(body) == {"value", "status"}, "body keys")
    expect(body["status"] in ("active", "completed"), "status")
    return 201, {**ITEM, "id": "item-2", "value": body["value"], "status": body["status"]}


def products(record: dict[str, Any], token: str) -> tuple[int, Any]:
    expect(record["headers"].get("accept-language") == "en-US", "Accept-Language: the locale")
    query = record["query"]
    expect(set(query) <= {"entitled", "purchasable", "productType", "nextToken"}, "query")
    if token == "not-set":
        return 200, {"inSkillProducts": [], "isTruncated": False, "nextToken": None}
    if token == "paged" and query.get("nextToken") != "page-2":
        return 200, {"inSkillProducts": [PRODUCT], "isTruncated": True, "nextToken": "page-2"}
    found = [PRODUCT_2] if token == "paged" else [PRODUCT]
    if query.get("entitled") == "ENTITLED":
        found = []
    return 200, {"inSkillProducts": found, "isTruncated": False, "nextToken": None}


def product(record: dict[str, Any], token: str, product: str) -> tuple[int, Any]:
    expect(record["headers"].get("accept-language") == "en-US", "Accept-Language: the locale")
    if token == "not-set" or product != PRODUCT["productId"]:
        return 404, {"message": "Requested resource not found."}
    return 200, PRODUCT


DEVICE = r"/v2/devices/(?P<device>[^/]+)/settings"
ACCOUNT = "/v2/accounts/~current/settings"
ISP = "/v1/users/~current/skills/~current/inSkillProducts"
ROUTES: list[tuple[str, Callable[..., tuple[int, Any]]]] = [
    (r"POST /v1/directives", progressive),
    (rf"GET {DEVICE}/System\.timeZone", setting("Africa/Abidjan")),
    (rf"GET {DEVICE}/System\.distanceUnits", setting("METRIC")),
    (rf"GET {DEVICE}/System\.temperatureUnit", setting("CELSIUS")),
    (
        r"GET /v1/devices/(?P<device>[^/]+)/settings/address(?P<short>/countryAndPostalCode)?",
        address,
    ),
    (rf"GET {ACCOUNT}/Profile\.name", profile("John Smith")),
    (rf"GET {ACCOUNT}/Profile\.givenName", profile("John")),
    (rf"GET {ACCOUNT}/Profile\.email", profile("johnsmith@example.com")),
    (
        rf"GET {ACCOUNT}/Profile\.mobileNumber",
        profile({"countryCode": "+1", "phoneNumber": "999-999-9999"}),
    ),
    (r"POST /v1/alerts/reminders", create_reminder),
    (r"GET /v1/alerts/reminders", get_reminders),
    (r"GET /v1/alerts/reminders/(?P<alert>[^/]+)", get_reminder),
    (r"PUT /v1/alerts/reminders/(?P<alert>[^/]+)", update_reminder),
    (r"DELETE /v1/alerts/reminders/(?P<alert>[^/]+)", delete_reminder),
    (r"GET /v2/householdlists/", lists),
    (r"POST /v2/householdlists/(?P<list_id>[^/]+)/items", add_item),
    (r"GET /v2/householdlists/(?P<list_id>[^/]+)/(?P<status>active|completed)", list_items),
    (rf"GET {ISP}", products),
    (rf"GET {ISP}/(?P<product>[^/]+)", product),
]


def main() -> None:
    Handler.log_path = sys.argv[1]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
