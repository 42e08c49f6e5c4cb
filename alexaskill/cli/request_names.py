"""The names ``alexaskill request`` takes: a request type Alexa sends (TYPE), a field such a
request carries (``--field``) and an interface a device declares (``--interface``); any other
is a usage error naming those it takes, with the one likely meant."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from .. import typos
from ..request_types import SENT, UNMODELLED, meant_member, meant_request_type
from ..shown_names import shown
from ..typos import TYPO
from .common import UsageError

__all__ = [
    "check_field",
    "check_interface",
    "check_type",
    "meant",
    "meant_type",
    "request_types",
    "types_listed",
]

#: The fields of one type where alexaskill's class models a family of types: each event of the
#: family carries only its own (Amazon's AudioPlayer, APL and Custom Interface references).
_ONLY: Final[dict[str, tuple[str, ...]]] = {
    **{
        f"AudioPlayer.{event}": ("token", "offsetInMilliseconds")  # (PlaybackFailed: all)
        for event in (
            "PlaybackStarted",
            "PlaybackFinished",
            "PlaybackStopped",
            "PlaybackNearlyFinished",
        )
    },
    "Alexa.Presentation.APL.UserEvent": ("token", "arguments", "source", "components"),
    "Alexa.Presentation.APLT.UserEvent": ("token", "arguments", "source", "components"),
    "Alexa.Presentation.APL.RuntimeError": ("token", "errors"),
    "Alexa.Presentation.APL.LoadIndexListData": (
        *("token", "correlationToken", "listId", "startIndex", "count"),
    ),
    "Alexa.Presentation.APL.LoadTokenListData": (
        "token",
        "correlationToken",
        "listId",
        "pageToken",
    ),
    "CustomInterfaceController.EventsReceived": ("token", "events"),
    "CustomInterfaceController.Expired": ("token", "expirationPayload"),
    # Their body alone, no event times (ask-sdk-model's ProactiveSubscriptionChangedRequest and
    # NotificationSubscriptionChangedRequest), as `alexaskill request` writes them.
    "AlexaSkillEvent.ProactiveSubscriptionChanged": ("body",),
    "AlexaSkillEvent.NotificationSubscriptionChanged": ("body",),
}

#: Fields Amazon's request samples show that alexaskill's classes do not read.
_ALSO: Final[dict[str, tuple[str, ...]]] = {"LaunchRequest": ("shouldLinkResultBeReturned",)}


def request_types() -> list[str]:
    """Every request type the command writes, sorted: those Alexa sends, as far as alexaskill
    knows (`alexaskill.request_types.SENT`: those it models and those it does not)."""
    return sorted(SENT)


def meant(
    given: str, known: Iterable[str], *, cutoff: float = TYPO, real: Iterable[str] = ()
) -> str | None:
    """The name of ``known`` that ``given`` is likely a slip for: the same last part
    (``PlaybackStarted``, ``APL``; every name ending so, joined by "or": two types end in
    ``UserEvent``), else the one `alexaskill.typos.meant` takes (another case, a ``Request``
    left off, a letter or two off); else None."""
    names = sorted(known)
    return _same_last(given, names) or typos.meant(given, names, cutoff=cutoff, real=real)


def _same_last(given: str, names: list[str]) -> str | None:
    """Every name of ``names`` whose last part ``given`` is (case aside), joined by "or"."""
    folded = given.casefold()
    same_last = [
        name for name in names if "." in name and name.rpartition(".")[2].casefold() == folded
    ]
    if same_last and folded not in (name.casefold() for name in names):
        return " or ".join(same_last)
    return None


def meant_type(given: str) -> str | None:
    """The request type Alexa sends that ``given`` is likely a slip for, or None, as
    registration names it: one it is the last part of (`meant`), else `meant_request_type`'s,
    else, written without a namespace, the member it is a slip for (`meant_member`:
    PlaybackStartd, AudioPlayer.PlaybackStarted)."""
    found = _same_last(given, request_types()) or meant_request_type(given)
    if found is None and "." not in given:
        found = meant_member(given)
    return found


def _hint(found: str | None) -> str:
    return f" (did you mean {found}?)" if found else ""


def check_type(request_type: str) -> None:
    """A usage error for a TYPE that is no request type Alexa sends: it names the types of the
    namespace given (``AudioPlayer.Bogus``), else the core ones and the namespaces."""
    known = request_types()
    if request_type in known:
        return
    namespace = request_type.rpartition(".")[0]
    siblings = [name for name in known if name.rpartition(".")[0] == namespace and namespace]
    if siblings:
        takes = f"{namespace} requests are {', '.join(siblings)}"
    else:  # (every namespace made this line some 460 characters: --help lists them)
        core = ", ".join(name for name in known if "." not in name)
        takes = (
            f"one of {core}, or a namespaced type such as AudioPlayer.PlaybackStarted; "
            "`alexaskill request --help` lists them"
        )
    raise UsageError(
        f"TYPE {shown(request_type, quoted=True)}: not a request type Alexa sends"
        f"{_hint(meant_type(request_type))}; {takes}"
    )


def types_listed(width: int = 78) -> str:
    """Every request type the command writes, for ``request --help``: the core types on the
    first lines, then a namespace's types a line (wrapped to ``width``)."""
    import textwrap

    groups: dict[str, list[str]] = {}
    for name in request_types():
        groups.setdefault(name.rpartition(".")[0], []).append(name)
    return "".join(
        textwrap.fill(", ".join(names), width, initial_indent="  ", subsequent_indent="    ") + "\n"
        for _, names in sorted(groups.items())
    )


def request_fields(request_type: str) -> tuple[str, ...]:
    """The fields of a ``request_type`` request that ``--field`` sets, as Alexa names them: all
    but those the command's own arguments set (TYPE, ``--locale``, ``--intent``,
    ``--dialog-state``)."""
    import msgspec

    from ..models import request_class

    if request_type in UNMODELLED:
        own = UNMODELLED[request_type]
    else:
        fields = msgspec.structs.fields(request_class(request_type))
        own = _ONLY.get(request_type) or tuple(
            field.encode_name
            for field in fields
            if field.encode_name not in ("type", "requestId", "timestamp", "locale")
        )
    own = tuple(name for name in own if name not in ("intent", "dialogState"))
    return ("requestId", "timestamp", *own, *_ALSO.get(request_type, ()))


def check_field(name: str, request_type: str) -> None:
    """A usage error for ``--field NAME`` that a ``request_type`` request does not carry."""
    fields = request_fields(request_type)
    if name in fields:
        return
    raise UsageError(
        f"--field {shown(name)}: {request_type} requests carry no {shown(name)}"
        f"{_hint(meant(name, fields))}; "
        f"their fields: {', '.join(fields)}"
    )


def check_interface(name: str) -> None:
    """A usage error for an ``--interface`` that is none a device declares to a custom skill."""
    from ..testing.requests import KNOWN_INTERFACES

    if name in KNOWN_INTERFACES:
        return
    raise UsageError(
        f"--interface {shown(name, quoted=True)}: not an interface a device declares"
        f"{_hint(meant(name, KNOWN_INTERFACES))}; one of "
        f"{', '.join(KNOWN_INTERFACES)}"
    )
