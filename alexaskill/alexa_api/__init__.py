"""Alexa's service APIs on the wire: the typed values they answer with, the bodies they take, and
the permission scopes they need.

`alexaskill.services.AlexaApi` decodes Amazon's answers into these; `alexaskill.testing`'s fake
API encodes them back. Field names are Amazon's, in snake_case (``addressLine1`` is
``address_line1``); fields Amazon leaves out or sends as ``null`` take their default (``None``;
``""`` for an id, ``()`` for a list); fields it adds later are ignored. Amazon's pages:

- Device Settings (address): https://developer.amazon.com/en-US/docs/alexa/custom-skills/device-settings-api-reference.html
- Customer Profile: https://developer.amazon.com/en-US/docs/alexa/custom-skills/customer-profile-api-reference.html
- Reminders: https://developer.amazon.com/en-US/docs/alexa/smapi/alexa-reminders-api-reference.html
- List Management: https://developer.amazon.com/en-US/docs/alexa/list-skills/list-management-api-reference.html
- In-skill products: https://developer.amazon.com/en-US/docs/alexa/in-skill-purchase/in-skill-product-service.html

Its modules:

- `alexaskill.alexa_api.values`: the typed answers and `Scope`;
- `alexaskill.alexa_api.wire`: one call (`send`), the endpoint rule
  (`check_endpoint`: Alexa's hosts, or loopback for tests);
- `alexaskill.alexa_api.answers`: what an answer means (`read_answer`: the value, or the typed
  error its status and Amazon's error code say), with the codes' sources;
- `alexaskill.alexa_api.reminders`: the reminder body sent (`reminder_body`);
- `alexaskill.alexa_api.recurrence`: its recurrence rules read by RFC 5545's grammar
  (`rule_fault`), as the fake API reads them.
"""

from __future__ import annotations

from .answers import error_of, read_answer, retry_seconds
from .reminders import reminder_body
from .values import (
    Address,
    AlertInfo,
    AlexaList,
    CountryAndPostalCode,
    InSkillProduct,
    ListItem,
    ListStatus,
    PhoneNumber,
    PushNotification,
    Reminder,
    ReminderRecurrence,
    ReminderTrigger,
    Scope,
    SpokenInfo,
    SpokenText,
    decode_answer,
)

# The envelopes of answers `alexaskill.services.AlexaApi` decodes.
from .values import _ListItems as _ListItems
from .values import _Lists as _Lists
from .values import _Products as _Products
from .values import _Reminders as _Reminders

# What `AlexaApi` and the fake API take as a product's type, purchasable or entitled value.
from .values import product_choice_error as product_choice_error
from .wire import (
    MAX_ANSWER_BYTES,
    ApiTransport,
    Masked,
    check_endpoint,
    is_amazon_host,
    is_loopback,
    send,
    tls_context,
)

__all__ = [
    "MAX_ANSWER_BYTES",
    "Address",
    "AlertInfo",
    "AlexaList",
    "ApiTransport",
    "CountryAndPostalCode",
    "InSkillProduct",
    "ListItem",
    "ListStatus",
    "Masked",
    "PhoneNumber",
    "PushNotification",
    "Reminder",
    "ReminderRecurrence",
    "ReminderTrigger",
    "Scope",
    "SpokenInfo",
    "SpokenText",
    "check_endpoint",
    "decode_answer",
    "error_of",
    "is_amazon_host",
    "is_loopback",
    "read_answer",
    "reminder_body",
    "retry_seconds",
    "send",
    "tls_context",
]
