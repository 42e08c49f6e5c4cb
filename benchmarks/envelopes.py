"""Realistic request bodies for the benchmarks: about 2.8 KB, shaped like what an Echo Show sends.

`RequestFactory` makes small envelopes (short ids, a placeholder token). Real ones carry an
``apiAccessToken`` the size of a JWT, account and device ids of about 200 characters, the
device's viewport and extensions, and entity resolutions on the slot; bodies start with a space,
hold raw UTF-8 and end with a newline. `Workload` makes a fixed mix of them (20% LaunchRequest, 80%
IntentRequest "GetWeather" with a ``city`` slot, half of them with a ``date`` too) and signs
them with a `TestPKI` right before a run, since a timestamp is only good for 150 seconds.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import random
import uuid
from dataclasses import dataclass
from typing import Any, Final

from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestPKI, timestamp
from alexaskill.testing.requests import _ECHO_SHOW_VIEWPORT

#: Share of LaunchRequests in the mix; the rest are GetWeather intents.
LAUNCH_SHARE: Final = 0.2

CITIES: Final = (
    "Paris", "Zürich", "São Paulo", "Kraków", "New York", "Berlin", "Tokyo", "Lyon",
    "Montréal", "Seattle", "Reykjavík", "Málaga", "Bern", "Oslo", "Dublin", "Austin",
)  # fmt: skip

#: Headers Alexa sends besides the signature ones (and Host, Content-Length).
ALEXA_HEADERS: Final = {
    "Content-Type": "application/json; charset=utf-8",
    "Accept": "application/json",
    "Accept-Charset": "utf-8",
    "User-Agent": "Apache-HttpClient/UNAVAILABLE (Java/1.8.0_412)",
}


def _id(rng: random.Random, prefix: str, length: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    return prefix + "".join(rng.choice(alphabet) for _ in range(length))


def _jwt(rng: random.Random) -> str:
    """A token of the size and shape of a real ``apiAccessToken`` (header.payload.signature)."""
    header = base64.urlsafe_b64encode(b'{"typ":"JWT","alg":"RS256","kid":"1"}').rstrip(b"=")
    payload = base64.urlsafe_b64encode(rng.randbytes(270)).rstrip(b"=")
    signature = base64.urlsafe_b64encode(rng.randbytes(256)).rstrip(b"=")
    return b".".join((header, payload, signature)).decode()


def _viewport() -> dict[str, Any]:
    """The test tools' Echo Show viewport, without its ``experiences`` (the envelopes measured
    since the first runs had none: their size stays what it was)."""
    return {key: copy.deepcopy(v) for key, v in _ECHO_SHOW_VIEWPORT.items() if key != "experiences"}


def _resolved_slot(name: str, value: str) -> dict[str, Any]:
    authority = "amzn1.er-authority.echo-sdk.amzn1.ask.skill.00000000-0000-0000-0000.AMAZON.City"
    resolutions = {
        "resolutionsPerAuthority": [
            {
                "authority": authority,
                "status": {"code": "ER_SUCCESS_MATCH"},
                "values": [{"value": {"name": value, "id": uuid.uuid4().hex}}],
            }
        ]
    }
    return {
        "name": name,
        "value": value,
        "resolutions": resolutions,
        "confirmationStatus": "NONE",
        "source": "USER",
        "slotValue": {"type": "Simple", "value": value},
    }


def envelope(rng: random.Random, kind: str, *, skill_id: str = DEFAULT_SKILL_ID) -> dict[str, Any]:
    """One realistic envelope: ``kind`` is ``"launch"`` or ``"intent"`` (GetWeather)."""
    factory = RequestFactory(
        skill_id=skill_id,
        locale="en-US",
        user_id=_id(rng, "amzn1.ask.account.", 160),
        device_id=_id(rng, "amzn1.ask.device.", 160),
        interfaces=("AudioPlayer", "Alexa.Presentation.APL"),
    )
    if kind == "launch":
        result = factory.envelope("LaunchRequest", shouldLinkResultBeReturned=False)
    elif kind == "intent":
        slots: dict[str, Any] = {"city": _resolved_slot("city", rng.choice(CITIES))}
        when = {"name": "date", "confirmationStatus": "NONE"}
        if rng.random() < 0.5:
            day = dt.date.today() + dt.timedelta(days=rng.randrange(1, 6))
            when.update(value=day.isoformat(), source="USER")
        slots["date"] = when
        result = factory.intent("GetWeather")
        result["request"]["intent"]["slots"] = slots
        result["session"]["new"] = False
        result["session"]["attributes"] = {"last_city": rng.choice(CITIES)}
    else:
        raise ValueError(f"unknown kind {kind!r}")
    context = result["context"]
    system = context["System"]
    system["apiAccessToken"] = _jwt(rng)
    system["apiEndpoint"] = "https://api.eu.amazonalexa.com"
    context["Viewport"] = _viewport()
    context["Extensions"] = {"available": {"aplext:backstack:10": {}}}
    return result


def encode(envelope: dict[str, Any]) -> bytes:
    """The body as Alexa sends it: a leading space, raw UTF-8, a final newline."""
    return (" " + json.dumps(envelope, ensure_ascii=False) + "\n").encode()


@dataclass(frozen=True)
class SignedRequest:
    """A body with the headers Alexa would send with it."""

    kind: str
    body: bytes
    headers: dict[str, str]


class Workload:
    """A fixed pool of envelopes (same seed, same mix), re-stamped and re-signed for each run."""

    def __init__(self, size: int = 512, *, seed: int = 7, skill_id: str = DEFAULT_SKILL_ID):
        rng = random.Random(seed)
        launches = round(size * LAUNCH_SHARE)
        kinds = ["launch"] * launches + ["intent"] * (size - launches)
        rng.shuffle(kinds)
        self.envelopes = [envelope(rng, kind, skill_id=skill_id) for kind in kinds]
        self.kinds = kinds

    def signed(self, pki: TestPKI, now: dt.datetime | None = None) -> list[SignedRequest]:
        """Every envelope with a fresh timestamp and requestId, signed by ``pki`` now."""
        stamp = timestamp(now)
        requests = []
        for kind, template in zip(self.kinds, self.envelopes, strict=True):
            item = copy.deepcopy(template)
            item["request"]["timestamp"] = stamp
            item["request"]["requestId"] = f"amzn1.echo-api.request.{uuid.uuid4()}"
            body = encode(item)
            requests.append(SignedRequest(kind, body, {**ALEXA_HEADERS, **pki.sign(body)}))
        return requests


def tamper(body: bytes) -> bytes:
    """``body`` with one character of its request id changed: the signature no longer matches."""
    marker = b'"requestId": "amzn1.echo-api.request.'
    at = body.index(marker) + len(marker)
    flipped = b"0" if body[at : at + 1] != b"0" else b"1"
    return body[:at] + flipped + body[at + 1 :]
