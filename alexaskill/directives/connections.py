"""Skill connections: in-skill purchasing (``Connections.SendRequest``) and tasks handed to
Alexa or another skill (``Connections.StartConnection``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final, Literal

from msgspec.structs import force_setattr

from ..exceptions import ResponseError
from ..responses import Directive
from ..responses.directive import _PURCHASES
from ..shown_names import shown_value
from .checks import _mapping, _one_of, _text

__all__ = [
    "Connections",
]


# Amazon's "Use Skill Connections to Request Tasks" (and ask-sdk-model's OnCompletion).
_ON_COMPLETION: Final = ("RESUME_SESSION", "SEND_ERRORS_ONLY")
_CONNECTION_URI: Final = "connection://"


class Connections:
    """Skill connections: hand the user to Amazon's purchase flow, or a task to a provider."""

    __slots__ = ()

    class StartConnection(Directive, tag="Connections.StartConnection", frozen=True):
        """Hand the task ``uri`` (``connection://AMAZON.PrintPDF/1``) to its provider.

        ``input`` is the task's own JSON; ``token`` comes back with the result. With
        ``on_completion`` ``RESUME_SESSION`` (Alexa's default) the skill gets the result in a
        ``SessionResumedRequest``; with ``SEND_ERRORS_ONLY``, only a failure.
        """

        uri: str
        input: Mapping[str, Any] | None = None
        token: str | None = None
        on_completion: Literal["RESUME_SESSION", "SEND_ERRORS_ONLY"] | None = None

        def __post_init__(self) -> None:
            where = "Connections.StartConnection"
            uri = _text(f"{where} uri", self.uri)
            if not uri.startswith(_CONNECTION_URI) or uri == _CONNECTION_URI:
                raise ResponseError(
                    f"{where} uri must be a connection:// URI naming the task "
                    f"(connection://AMAZON.PrintPDF/1), not {shown_value(uri)}"
                )
            if self.input is not None:
                force_setattr(self, "input", _mapping(f"{where} input", self.input))
            # Amazon's token is an optional string; nothing says an empty one is refused.
            if self.token is not None and not isinstance(self.token, str):
                raise ResponseError(f"{where} token must be a str, not {shown_value(self.token)}")
            if self.on_completion is not None:
                _one_of(f"{where} onCompletion", self.on_completion, _ON_COMPLETION)

    class SendRequest(Directive, tag="Connections.SendRequest", frozen=True):
        """Start Amazon's ``Buy``, ``Upsell`` or ``Cancel`` flow for the product ``product_id``.

        ``Upsell`` needs the ``upsell_message`` Alexa reads before offering the product; the
        others refuse one. ``token`` comes back in the ``Connections.Response`` request.
        """

        _nested: ClassVar[bool] = True
        name: Literal["Buy", "Upsell", "Cancel"]
        product_id: str
        upsell_message: str | None = None
        token: str | None = None

        def __post_init__(self) -> None:
            where = "Connections.SendRequest"
            _one_of(f"{where} name", self.name, _PURCHASES)
            _text(f"{where} payload.InSkillProduct.productId", self.product_id)
            if self.name == "Upsell":
                _text(f"{where} payload.upsellMessage", self.upsell_message)
            elif self.upsell_message is not None:
                raise ResponseError(f"{where} payload.upsellMessage is only for Upsell")
            if self.token is not None:
                _text(f"{where} token", self.token)

        def _wire(self) -> dict[str, Any]:
            payload: dict[str, Any] = {"InSkillProduct": {"productId": self.product_id}}
            if self.upsell_message is not None:
                payload["upsellMessage"] = self.upsell_message
            wire: dict[str, Any] = {
                "type": "Connections.SendRequest",
                "name": self.name,
                "payload": payload,
            }
            if self.token is not None:
                wire["token"] = self.token
            return wire
