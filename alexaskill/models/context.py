"""The device and conversation state a request comes with: ``context`` and ``session``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any, Final

import msgspec

__all__ = [
    "SCREEN_INTERFACES",
    "Advertising",
    "AlexaPresentation",
    "Application",
    "AudioPlayerState",
    "Context",
    "Device",
    "ExperimentAssignment",
    "Experimentation",
    "Extensions",
    "Permissions",
    "Person",
    "Scope",
    "Session",
    "System",
    "Unit",
    "User",
]


class _Model(msgspec.Struct, rename="camel", kw_only=True):
    """Base of the decoded values: camelCase on the wire, snake_case in Python."""


# Integers are bounded by Amazon's types (its SDKs' models): JSON allows any number of digits,
# and a handler should never see a position of 10**30 ms (nor resume a stream at it).
#: ``offsetInMilliseconds``: a position in a stream, a ``long`` of 0 or more.
_Milliseconds = Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]
#: APL's list indexes and counts: an ``int`` (32 bits; an index may be negative).
_Int32 = Annotated[int, msgspec.Meta(ge=-(2**31), le=2**31 - 1)]


def _masked(
    model: _Model,
    secrets: frozenset[str],
    ids: Mapping[str, str] | None = None,
    json_fields: frozenset[str] = frozenset(),
) -> str:
    """``repr(model)`` with the fields in ``secrets`` shown as ``'***'``, those in ``ids`` as
    the request line's 12-digit hash, and in the JSON of those in ``json_fields`` (an event's
    body) the values of `_SECRET_KEYS` as ``'***'``: a request quoted in an exception, or
    printed while debugging, ends up in logs, which must never hold a token or a whole user id."""
    parts = []
    for name in model.__struct_fields__:
        value = getattr(model, name)
        if value is not None and name in secrets:
            shown = "'***'"
        elif name in json_fields:
            shown = repr(_json_masked(value))
        elif value and ids is not None and name in ids:
            from ..logs import user_hash  # (at call time: alexaskill.logs builds on the models)

            shown = f"<{ids[name]} {user_hash(value)}>"
        else:
            shown = repr(value)
        parts.append(f"{name}={shown}")
    return f"{type(model).__name__}({', '.join(parts)})"


#: The keys of an event's JSON whose values are credentials: the linked account's token
#: (``AlexaSkillEvent.SkillAccountLinked``), an OAuth grant's code (``Alexa.Authorization.Grant``),
#: and the like in a request alexaskill does not model (compared in lower case).
_SECRET_KEYS: Final = frozenset(
    ("accesstoken", "refreshtoken", "apiaccesstoken", "consenttoken", "code", "password")
)


#: Levels of a JSON value `_json_masked` shows; deeper ones are ``'…'``. A body may be nested
#: ~1000 deep (the decoder's limit), and the walk takes two Python frames a level: a repr of it
#: would raise RecursionError (in a handler that prints its request, say).
_SHOWN_DEPTH: Final = 64


def _json_masked(value: Any, depth: int = 0) -> Any:
    """``value`` (JSON: dicts, lists, scalars) with the values of `_SECRET_KEYS` as ``'***'``."""
    if isinstance(value, dict | list) and depth >= _SHOWN_DEPTH:
        return "…"
    if isinstance(value, dict):
        return {
            key: "***"
            if isinstance(key, str) and key.lower() in _SECRET_KEYS and item is not None
            else _json_masked(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_json_masked(item, depth + 1) for item in value]
    return value


# --- context and session ---------------------------------------------------------------------


class Application(_Model, kw_only=True):
    """The skill a request is for."""

    application_id: str = ""


class Scope(_Model, kw_only=True):
    """The state of one permission scope: ``status`` is ``GRANTED`` or ``DENIED``."""

    status: str | None = None


class Permissions(_Model, kw_only=True):
    """What the user granted: ``scopes`` by name, and the (deprecated) consent token."""

    consent_token: str | None = None
    #: Scope name to its state, e.g. ``{"alexa::devices:all:geolocation:read": Scope("GRANTED")}``.
    scopes: dict[str, Scope] | None = None

    def granted(self, scope: str) -> bool:
        """Whether ``scope`` (``"alexa::devices:all:geolocation:read"``, …) has status GRANTED."""
        state = None if self.scopes is None else self.scopes.get(scope)
        return state is not None and state.status == "GRANTED"

    def __repr__(self) -> str:
        return _masked(self, frozenset(("consent_token",)))


class User(_Model, kw_only=True):
    """The Amazon account that uses the skill."""

    user_id: str = ""
    access_token: str | None = None
    permissions: Permissions | None = None

    def granted(self, scope: str) -> bool:
        """Whether the user granted ``scope``: False too when the request carries no
        permissions (the user never saw a consent card, say)."""
        return self.permissions is not None and self.permissions.granted(scope)

    def __repr__(self) -> str:
        return _masked(self, frozenset(("access_token",)), {"user_id": "user"})


class Person(_Model, kw_only=True):
    """A recognised speaker, when voice profiles are on."""

    person_id: str = ""
    access_token: str | None = None

    def __repr__(self) -> str:
        return _masked(self, frozenset(("access_token",)), {"person_id": "person"})


class Unit(_Model, kw_only=True):
    """A unit (a room in a hotel, say) of an organisation's devices."""

    unit_id: str | None = None
    persistent_unit_id: str | None = None

    def __repr__(self) -> str:  # its ids as hashes: a unit may be one guest's hotel room
        return _masked(self, frozenset(), {"unit_id": "unit", "persistent_unit_id": "unit"})


#: Interfaces only a device with a screen declares (Amazon's "Alexa.Presentation.APL Interface"
#: and "Display Interface" references).
SCREEN_INTERFACES: Final = frozenset({"Alexa.Presentation.APL", "Display"})


class Device(_Model, kw_only=True):
    """The device the request came from and the interfaces it supports."""

    device_id: str = ""
    #: The endpoint's id across skills (``amzn1.alexa.endpoint.did.…``): stays when the skill is
    #: disabled and enabled again, unlike ``device_id``.
    persistent_endpoint_id: str | None = None
    supported_interfaces: dict[str, Any] | None = None

    def supports(self, interface: str) -> bool:
        """Whether the device declares ``interface`` (``"AudioPlayer"``, ``"VideoApp"``, …)."""
        interfaces = self.supported_interfaces
        return interfaces is not None and interface in interfaces

    @property
    def has_screen(self) -> bool:
        """Whether the device declares a screen's interface (APL or Display)."""
        interfaces = self.supported_interfaces
        return interfaces is not None and not SCREEN_INTERFACES.isdisjoint(interfaces)

    def __repr__(self) -> str:  # its ids as hashes, as a user's: they name a household's device
        ids = {"device_id": "device", "persistent_endpoint_id": "endpoint"}
        return _masked(self, frozenset(), ids)


class System(_Model, kw_only=True):
    """``context.System``: application, user, device and the service API endpoint."""

    application: Application | None = None
    user: User | None = None
    device: Device | None = None
    person: Person | None = None
    unit: Unit | None = None
    api_endpoint: str | None = None
    api_access_token: str | None = None

    def __repr__(self) -> str:
        return _masked(self, frozenset(("api_access_token",)))


class AudioPlayerState(_Model, kw_only=True):
    """``context.AudioPlayer``: what the device's audio player is doing."""

    token: str | None = None
    offset_in_milliseconds: _Milliseconds | None = None
    player_activity: str | None = None


class Extensions(_Model, kw_only=True):
    """``context.Extensions``: the APL extensions the device offers, by URI."""

    available: dict[str, Any] | None = None


class ExperimentAssignment(_Model, kw_only=True):
    """One A/B test the user is in: its ``id`` and ``treatment_id`` (``"C"`` or ``"T1"``)."""

    id: str | None = None
    treatment_id: str | None = None


class Experimentation(_Model, kw_only=True):
    """``context.Experimentation``: the skill's experiments active for this user."""

    active_experiments: list[ExperimentAssignment] | None = None


class Advertising(_Model, kw_only=True):
    """``context.Advertising``: the Alexa advertising id, for skills that declare advertising.

    Check ``limit_ad_tracking`` before any use of ``advertising_id`` (Amazon's Advertising ID
    policy): True means the user opted out of interest-based ads.
    """

    advertising_id: str | None = None
    limit_ad_tracking: bool | None = None

    def __repr__(self) -> str:  # its id as a hash: it follows one person across ad networks
        return _masked(self, frozenset(), {"advertising_id": "advertising"})


class AlexaPresentation(_Model, kw_only=True):
    """``context["Alexa.Presentation"]``: the visual context of the skill's widgets in view."""

    contexts: list[dict[str, Any]] | None = None


class Context(_Model, kw_only=True):
    """The device's state as Alexa saw it when the request was made."""

    system: System | None = msgspec.field(default=None, name="System")
    audio_player: AudioPlayerState | None = msgspec.field(default=None, name="AudioPlayer")
    viewport: dict[str, Any] | None = msgspec.field(default=None, name="Viewport")
    viewports: list[dict[str, Any]] | None = msgspec.field(default=None, name="Viewports")
    display: dict[str, Any] | None = msgspec.field(default=None, name="Display")
    geolocation: dict[str, Any] | None = msgspec.field(default=None, name="Geolocation")
    presentation_apl: dict[str, Any] | None = msgspec.field(
        default=None, name="Alexa.Presentation.APL"
    )
    alexa_presentation: AlexaPresentation | None = msgspec.field(
        default=None, name="Alexa.Presentation"
    )
    extensions: Extensions | None = msgspec.field(default=None, name="Extensions")
    experimentation: Experimentation | None = msgspec.field(default=None, name="Experimentation")
    advertising: Advertising | None = msgspec.field(default=None, name="Advertising")

    @property
    def has_screen(self) -> bool:
        """Whether the request comes from a device with a screen: it has a ``Viewport`` (or
        ``Viewports``), or its device declares a screen's interface (`Device.has_screen`)."""
        if self.viewport is not None or self.viewports:
            return True
        device = None if self.system is None else self.system.device
        return device is not None and device.has_screen


class Session(_Model, kw_only=True):
    """The conversation: ``attributes`` is read and written by handlers and sent back."""

    new: bool = False
    session_id: str = ""
    application: Application | None = None
    if TYPE_CHECKING:
        attributes: dict[str, Any] = msgspec.field(default_factory=dict)
    else:
        # Alexa may send ``"attributes": null``; decode that, then hand handlers a dict.
        attributes: dict[str, Any] | None = None
    user: User | None = None

    def __post_init__(self) -> None:
        if self.attributes is None:
            self.attributes = {}
