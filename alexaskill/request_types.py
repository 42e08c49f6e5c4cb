"""The request types Alexa sends, those alexaskill models (`REQUEST_TYPES`) and those it does not
(`UNMODELLED`), and the one of them a name given is likely a slip for (`meant_request_type`):
the one rule of registration (`alexaskill.handler_names`) and of ``alexaskill request``."""

from __future__ import annotations

from typing import Final

from .models import REQUEST_TYPES
from .typos import NAME_OF_WORDS, close_matches, edits, meant, slip, vocabulary

__all__ = ["SENT", "UNMODELLED", "meant_member", "meant_request_type", "namespace_members"]

#: Request types Alexa sends that alexaskill does not model (they reach a skill's fallback),
#: with the fields each carries besides ``type``, ``requestId``, ``timestamp`` and ``locale``.
#: The types are those of ask-sdk-model's ``Request`` discriminator map (alexa-apis-for-python,
#: ``ask_sdk_model/request.py``); the fields are those of the ASK SDK's model class of each.
UNMODELLED: Final[dict[str, tuple[str, ...]]] = {
    # A web app's message, and its failure to load (Amazon's Alexa.Presentation.HTML
    # interface reference; ask-sdk-model's MessageRequest and RuntimeErrorRequest).
    "Alexa.Presentation.HTML.Message": ("message",),
    "Alexa.Presentation.HTML.RuntimeError": ("error",),
    # An APL for audio document that failed (ask-sdk-model's apla RuntimeErrorEvent).
    "Alexa.Presentation.APLA.RuntimeError": ("token", "errors"),
    # Alexa Conversations calling one of the skill's APIs (APIInvocationRequest).
    "Dialog.API.Invoked": ("apiRequest",),
    # Widgets' DataStore: a widget installed, removed or updated, one that could not be, a
    # push that failed (ask-sdk-model's UsagesInstalled, UsagesRemoved, UpdateRequest,
    # InstallationError, DataStoreError).
    "Alexa.DataStore.PackageManager.UsagesInstalled": ("payload",),
    "Alexa.DataStore.PackageManager.UsagesRemoved": ("payload",),
    "Alexa.DataStore.PackageManager.UpdateRequest": ("packageId", "fromVersion", "toVersion"),
    "Alexa.DataStore.PackageManager.InstallationError": ("packageId", "version", "error"),
    "Alexa.DataStore.Error": ("error",),
    # An ad the skill's Alexa.Advertisement.InjectAds directive asked for: played to its end,
    # not played (its reason: a type and a message), or playing, the skill free to enqueue its
    # own audio after it, the ad's token as expectedPreviousToken (ask-sdk-model's AdCompleted,
    # AdNotRendered, ReadyToEnqueueAudio).
    "Alexa.Advertisement.AdCompleted": ("token",),
    "Alexa.Advertisement.AdNotRendered": ("reason",),
    "Alexa.Advertisement.ReadyToEnqueueAudio": ("token", "previousToken"),
    # Structured input for Alexa Conversations, an input's name and its slots (InputRequest).
    "Dialog.InputRequest": ("input",),
}

#: Every request type Alexa sends, as far as alexaskill knows.
SENT: Final = frozenset({*REQUEST_TYPES, *UNMODELLED})

_BY_FOLDED: Final = {name.casefold(): name for name in sorted(SENT)}


def _members_by_namespace() -> dict[str, tuple[str, list[str]]]:
    members: dict[str, tuple[str, list[str]]] = {}
    for name in sorted(SENT):
        namespace, _, member = name.rpartition(".")
        if namespace:
            members.setdefault(namespace.casefold(), (namespace, []))[1].append(member)
    return members


#: The members of each namespace (Alexa.Presentation.APL: RuntimeError, UserEvent, …), by the
#: namespace case aside.
_MEMBERS: Final = _members_by_namespace()

#: The namespaces' words: "Message" is none (a word of Alexa.Presentation.HTML.Message's member),
#: so Message.MessageReceived is a slip of Messaging.MessageReceived.
_NAMESPACES: Final = frozenset(namespace for namespace, _ in _MEMBERS.values())


def namespace_members(namespace: str) -> tuple[str, list[str]] | None:
    """The namespace known as ``namespace`` is, case aside, and the members known of it."""
    return _MEMBERS.get(namespace.casefold())


def meant_request_type(name: str) -> str | None:
    """The request type of `SENT` that ``name`` (none of them) is likely a slip for, or None:
    the same in another case; in a namespace known, a member a slip or two off one of its own
    (`alexaskill.typos.slip`), not further, as Amazon adds types to its interfaces; in one not
    known, a namespace mistyped (Message.MessageReceived), not one of another acronym
    (Alexa.Presentation.APLX, as APLA and APLT are Amazon's interfaces); without a namespace, as
    `alexaskill.typos.meant` guesses a name of words (those are refused whatever they are); with a
    dot too many, as the name without it."""
    given = name.strip()
    same = _BY_FOLDED.get(given.casefold())
    if same is not None:
        return same if same != name else None
    parts = given.split(".")
    if len(parts) > 1 and "" in parts:
        # A dot too many (AudioPlayer.PlaybackStarted.): no type of Amazon's has a part empty,
        # so the one meant is that of the name without it, if that keeps a namespace.
        tidy = ".".join(part for part in parts if part)
        return (
            (_BY_FOLDED.get(tidy.casefold()) or meant_request_type(tidy)) if "." in tidy else None
        )
    namespace, _, member = given.rpartition(".")
    if not namespace:
        return meant(given, SENT, cutoff=NAME_OF_WORDS, real=SENT)
    words = vocabulary(SENT)
    known = namespace_members(namespace)
    if known is not None:
        slips = [each for each in known[1] if slip(member, each, words)]
        closest = min(slips, key=lambda each: edits(member, each), default=None)
        return None if closest is None else f"{known[0]}.{closest}"
    # The namespace's slip is judged by the words of namespaces alone, the member's by edits:
    # the same member, or one a slip off.
    alike = [
        each
        for each in sorted(SENT)
        if (last := each.rpartition(".")[2]) != each and _member_meant(member, last, words)
    ]
    found = close_matches(given, alike, cutoff=NAME_OF_WORDS, real=_NAMESPACES)
    return found[0] if found else None


def meant_member(name: str) -> str | None:
    """The request type of a namespace that ``name``, written without one, likely means: the one
    whose member ``name`` is, case aside (PlaybackStarted: AudioPlayer.PlaybackStarted), else
    the closest it is a slip or two off, as a member is judged in its namespace
    (`meant_request_type`); the type written without its dots too (RemindersReminderUpdated).
    Types equally close are all named, joined by "or"."""
    words = vocabulary(SENT)
    meant_by: dict[str, int] = {}
    for each in sorted(SENT):
        forms = (each.rpartition(".")[2], each.replace(".", "")) if "." in each else ()
        off = [edits(name, form) for form in forms if _member_meant(name, form, words)]
        if off:
            meant_by[each] = min(off)
    # Every type as close, joined by "or", as a member written whole names them: UserEvnt is
    # Alexa.Presentation.APL's UserEvent as much as APLT's.
    closest = min(meant_by.values(), default=None)
    return " or ".join(each for each, off in meant_by.items() if off == closest) or None


def _member_meant(given: str, member: str, words: frozenset[str]) -> bool:
    """Whether ``given`` means the request types' ``member``: it is, case aside, or a slip or two
    off (`alexaskill.typos.slip`), not further, as Amazon adds types to its interfaces."""
    return given.casefold() == member.casefold() or slip(given, member, words)
