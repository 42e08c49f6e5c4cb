"""Skill connections for in-skill purchasing: ``Connections.SendRequest``."""

from __future__ import annotations

from typing import Any, ClassVar, Final, Literal

from ..exceptions import ResponseError
from ..responses import Directive
from .checks import _one_of, _text

__all__ = [
    "Connections",
]


_PURCHASE_TASKS: Final = ("Buy", "Upsell", "Cancel")


class Connections:
    """Skill connections for in-skill purchasing: hand the user to Amazon's purchase flow."""

    __slots__ = ()

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
            _one_of(f"{where} name", self.name, _PURCHASE_TASKS)
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
