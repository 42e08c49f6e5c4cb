"""Reference (d), optional: the weather skill on Amazon's ASK SDK for Python, under Flask.

The launch and GetWeather handlers answer what `examples.weather.app` answers (the load mix has
no other requests), with the SDK's own request handlers, `can_handle` chain and serializer.

Runs only in a separate environment holding ``ask-sdk-core``, ``flask-ask-sdk`` and ``gunicorn``
(see benchmarks/README.md): ``gunicorn -w 1 'benchmarks.servers.ask_sdk:create_app()'``.

Verification stays the SDK's own (`RequestVerifier`: URL rules, chain validation with
``certvalidator`` against the system trust store, SAN, one RSA verify; `TimestampVerifier`).
Two things point it at the benchmark's PKI, with no change to the SDK's code: the adapter's
``verifiers=`` list (its hook for custom verifiers) gets a subclass of the SDK's verifier whose
``_load_cert_chain`` reads the chain file instead of downloading it, and the harness sets
``SSL_CERT_FILE`` to the test root, which the trust store (``oscrypto``) reads in place of the
system bundle.
"""

from __future__ import annotations

import datetime
import os
import zlib
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model.ui import SimpleCard
from ask_sdk_webservice_support.verifier import RequestVerifier
from flask import Flask
from flask_ask_sdk.skill_adapter import VERIFY_SIGNATURE_APP_CONFIG, SkillAdapter

from benchmarks.servers import load_chain, pki_directory

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
CONDITIONS = ("sunny", "cloudy", "rainy", "windy", "snowy", "foggy")
MORE = "Another day or city?"
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ChainFromDisk(RequestVerifier):  # type: ignore[misc]
    """The SDK's verifier, with the chain read from the benchmark's file, not downloaded."""

    def __init__(self, chain: bytes) -> None:
        super().__init__()
        self._chain = chain

    def _load_cert_chain(self, cert_url: str) -> bytes:
        return self._chain


class Launch(AbstractRequestHandler):  # type: ignore[misc]
    def can_handle(self, handler_input: Any) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: Any) -> Any:
        builder = handler_input.response_builder
        return (
            builder.speak("Welcome to Weather. Which city?")
            .ask("Which city would you like?")
            .response
        )


class GetWeather(AbstractRequestHandler):  # type: ignore[misc]
    def can_handle(self, handler_input: Any) -> bool:
        return bool(is_intent_name("GetWeather")(handler_input))

    def handle(self, handler_input: Any) -> Any:
        slots = handler_input.request_envelope.request.intent.slots or {}
        attributes = handler_input.attributes_manager.session_attributes
        city = getattr(slots.get("city"), "value", None) or attributes.get("last_city")
        if not city:
            return handler_input.response_builder.speak("Which city?").ask("Which city?").response
        attributes["last_city"] = city
        date = getattr(slots.get("date"), "value", None)
        day = datetime.date.fromisoformat(date) if date else datetime.date.today()
        when = "today" if date is None else DAY_NAMES[day.weekday()]
        seed = zlib.crc32(city.lower().encode(), day.toordinal())
        weather = CONDITIONS[seed % len(CONDITIONS)]
        return (
            handler_input.response_builder.speak(f"It will be {weather} in {city} {when}. {MORE}")
            .ask(MORE)
            .set_card(SimpleCard("Weather", f"{city}, {day.isoformat()}: {weather}"))
            .response
        )


def create_app(directory: str | os.PathLike[str] | None = None) -> Flask:
    """The Flask app (``gunicorn 'benchmarks.servers.ask_sdk:create_app()'``)."""
    builder = SkillBuilder()
    builder.skill_id = SKILL_ID
    builder.add_request_handler(Launch())
    builder.add_request_handler(GetWeather())
    app = Flask(__name__)
    # The default verifier downloads the chain: replaced by the same checks on the file.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    verifier = ChainFromDisk(load_chain(pki_directory(directory)))
    adapter = SkillAdapter(builder.create(), SKILL_ID, verifiers=[verifier], app=app)
    adapter.register(app, "/")
    return app
