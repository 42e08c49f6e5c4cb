"""The dialog model, declared beside the handler, and its part of the interaction model's JSON.

A slot the dialog model handles is declared with `DialogSlot` in ``slots=``; the intent's own
confirmation and its delegation with ``confirm=`` and ``auto_delegate=``::

    @skill.intent(
        "PlanTrip",
        utterances=["plan a trip", "plan a trip to {city}"],
        slots={
            "city": DialogSlot(
                "AMAZON.City",
                elicit="Where would you like to go?",
                samples=["to {city}", "{city}"],
            ),
            "date": DialogSlot(
                "AMAZON.DATE",
                elicit="When would you like to leave?",
                confirm="Leaving {date}, is that right?",
                validations=[Validate.in_duration("P0D", "P1Y", "Please pick a day this year.")],
            ),
            "travellers": "AMAZON.NUMBER",
        },
        confirm="Shall I book a trip to {city}, leaving {date}?",
        auto_delegate=False,
    )

``elicit`` makes a slot required: Alexa asks with that prompt until the slot has a value.
``confirm`` on a slot (or on the intent) makes Alexa ask for a yes or no. A prompt is a string
or a list of variations (Alexa picks one); ``{slot}`` in it says the slot's value; a prompt that
starts with ``<speak>`` is SSML. ``auto_delegate=True`` (Amazon's default) lets Alexa run the
whole dialog and send the intent once, complete; ``False`` sends every turn to the handler,
which answers ``delegate()`` or takes a step itself. The JSON follows Amazon's "Interaction Model
Schema" (``dialog`` and ``prompts``) and "Validate Slot Values" (the validation rules).
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from .exceptions import ConfigurationError
from .locales import PerLocale
from .slots import MISSING, AlexaDuration
from .slots.values import _parse_any_duration
from .xml_text import _speak_root

__all__ = [
    "DialogSlot",
    "IntentDialog",
    "SlotValidation",
    "Validate",
    "dialog_json",
    "dialog_problems",
    "is_list_type",
    "validation_problems",
    "window_bound",
]

_SLOT_REFERENCE: Final = re.compile(r"\{([^{}]*)\}")
_BUILTIN_TYPE: Final = re.compile(r"AMAZON\.[A-Za-z][A-Za-z_]*")
# Amazon's "Slot Type Reference": the types that convert words into numbers, dates and times,
# and the phrase types, take no values of a skill's own; only the list types can be extended.
_UNLISTED_TYPES: Final = frozenset(
    (
        "AMAZON.AlphaNumeric",
        "AMAZON.DATE",
        "AMAZON.DURATION",
        "AMAZON.FOUR_DIGIT_NUMBER",
        "AMAZON.LITERAL",
        "AMAZON.NUMBER",
        "AMAZON.Ordinal",
        "AMAZON.PhoneNumber",
        "AMAZON.SearchQuery",
        "AMAZON.TIME",
    )
)
# Which slot types each rule applies to (Amazon's "Validate Slot Values": numbers compare,
# dates and times fall within a duration, entity resolution needs a custom type); None: any type.
_RULE_TYPES: Final[Mapping[str, tuple[str, ...] | None]] = {
    "isInSet": None,
    "isNotInSet": None,
    "isLessThan": ("AMAZON.NUMBER",),
    "isGreaterThan": ("AMAZON.NUMBER",),
    "isLessThanOrEqualTo": ("AMAZON.NUMBER",),
    "isGreaterThanOrEqualTo": ("AMAZON.NUMBER",),
    "isInDuration": ("AMAZON.DATE", "AMAZON.TIME"),
    "isNotInDuration": ("AMAZON.DATE", "AMAZON.TIME"),
    "hasEntityResolutionMatch": (),
}
_DAY_BOUND: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CLOCK_BOUND: Final = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
#: What the bounds of a date or a time window may be (Amazon's SMAPI ``IsInDuration``).
_BOUNDS_TAKEN: Final = {
    "AMAZON.DATE": "takes years, months or days, or a YYYY-MM-DD day",
    "AMAZON.TIME": "takes hours or minutes, or an hh:mm time",
}


def window_bound(raw: object) -> datetime.date | datetime.time | AlexaDuration | None:
    """A bound of an ``isInDuration`` window: a day (``"2026-12-01"``), a clock time
    (``"09:00"``), a duration from the user's now (``"P1Y"``, ``"PT2H"``), or None if it is none
    of these."""
    if not isinstance(raw, str):
        return None
    if _DAY_BOUND.fullmatch(raw):
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            return None
    clock = _CLOCK_BOUND.fullmatch(raw)
    if clock is not None:
        return datetime.time(int(clock[1]), int(clock[2]))
    # Of any length, not only what a slot takes: a bound past the ends of the calendar is
    # placed at that end (`alexaskill.understanding.validation`).
    duration = _parse_any_duration(raw)
    return None if duration is MISSING else duration


def _fits(bound: datetime.date | datetime.time | AlexaDuration, slot_type: str) -> bool:
    if isinstance(bound, datetime.date):
        return slot_type == "AMAZON.DATE"
    if isinstance(bound, datetime.time):
        return slot_type == "AMAZON.TIME"
    of_day = bound.hours or bound.minutes
    of_calendar = bound.years or bound.months or bound.days
    return not (of_day if slot_type == "AMAZON.DATE" else of_calendar)


def _window_bound_problem(
    kind: str, which: str, raw: object, slot_type: str | None = None
) -> str | None:
    """What is wrong with ``raw`` as the ``which`` ("start" or "end") bound of an ``isInDuration``
    or ``isNotInDuration`` rule (of a slot of ``slot_type``, when given), or None.

    Amazon's SMAPI ``IsInDuration``: for AMAZON.DATE a duration in years, months or days, or a
    YYYY-MM-DD day; for AMAZON.TIME a duration in hours or minutes, or an hh:mm time.
    """
    bound = window_bound(raw)
    if bound is None:
        return (
            f"{kind}: {which} {raw!r} is not an ISO 8601 duration ('P1D', 'PT2H'), a day "
            "(YYYY-MM-DD) or a clock time (hh:mm)"
        )
    if isinstance(bound, AlexaDuration) and ("W" in bound.raw or "S" in bound.raw):
        # SMAPI's IsInDuration lists Y, M and D (a date) and H and M (a time), no W or S.
        return (
            f"{kind}: {which} {raw!r} counts {'weeks' if 'W' in bound.raw else 'seconds'}, "
            "which Amazon's rule does not take (a date window takes years, months or days; a "
            "time window hours or minutes)"
        )
    if slot_type in _BOUNDS_TAKEN and not _fits(bound, slot_type):
        return (
            f"{kind}: {which} {raw!r} is no bound for {slot_type}, which {_BOUNDS_TAKEN[slot_type]}"
        )
    return None


def _window_problems(
    kind: str, start: object, end: object, slot_type: str | None = None
) -> list[str]:
    if kind in ("isInDuration", "isNotInDuration") and start is None and end is None:
        return [f"{kind} needs a start, an end, or both"]
    bounds = (("start", start), ("end", end))
    found = [
        _window_bound_problem(kind, which, raw, slot_type)
        for which, raw in bounds
        if raw is not None
    ]
    return [problem for problem in found if problem is not None]


def validation_problems(
    kind: str, start: object, end: object, slot_type: str, custom: bool
) -> list[str]:
    """What Amazon's build refuses in a validation rule ``kind`` of a slot of ``slot_type``
    (``custom``: a custom type, or a built-in list type the model gives values of its own):
    a rule for other types, a window without bounds or with a bound that does not fit."""
    problems = []
    allowed = _RULE_TYPES.get(kind)
    if allowed is not None and slot_type not in allowed and not (custom and not allowed):
        needed = "a custom slot type" if not allowed else " or ".join(allowed)
        problems.append(f"validation {kind} needs {needed}, not {slot_type}")
    return problems + [
        f"validation {problem}" for problem in _window_problems(kind, start, end, slot_type)
    ]


def is_list_type(type_name: str) -> bool:
    """Whether ``type_name`` names a built-in list slot type, which a skill may extend with values
    ("AMAZON.City", not "AMAZON.NUMBER")."""
    return bool(_BUILTIN_TYPE.fullmatch(type_name)) and type_name not in _UNLISTED_TYPES


def _variations(value: str | Sequence[str] | None, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = (value,)
    variations = tuple(value)
    if not all(isinstance(text, str) and text.strip() for text in variations):
        raise ConfigurationError(f"{where}: a prompt is a non-empty string or a list of them")
    return variations


@dataclass(frozen=True, slots=True)
class SlotValidation:
    """One validation rule of a slot; build it with `Validate`."""

    type: str
    prompt: tuple[str, ...]
    values: tuple[str, ...] = ()
    value: str | None = None
    start: str | None = None
    end: str | None = None

    def json(self, prompt_id: str) -> dict[str, Any]:
        """The rule as the interaction model writes it."""
        entry: dict[str, Any] = {"type": self.type, "prompt": prompt_id}
        if self.values:
            entry["values"] = list(self.values)
        if self.value is not None:
            entry["value"] = self.value
        if self.start is not None:
            entry["start"] = self.start
        if self.end is not None:
            entry["end"] = self.end
        return entry


class Validate:
    """Slot validation rules: what a value must be, and the prompt when it is not."""

    @staticmethod
    def in_set(values: Sequence[str], prompt: str | Sequence[str]) -> SlotValidation:
        """The value must be one of ``values``."""
        return SlotValidation("isInSet", _variations(prompt, "isInSet"), _set(values, "isInSet"))

    @staticmethod
    def not_in_set(values: Sequence[str], prompt: str | Sequence[str]) -> SlotValidation:
        """The value must not be one of ``values``."""
        kind = "isNotInSet"
        return SlotValidation(kind, _variations(prompt, kind), _set(values, kind))

    @staticmethod
    def less_than(limit: float, prompt: str | Sequence[str]) -> SlotValidation:
        """An AMAZON.NUMBER value must be below ``limit``."""
        return SlotValidation("isLessThan", _variations(prompt, "isLessThan"), value=_n(limit))

    @staticmethod
    def greater_than(limit: float, prompt: str | Sequence[str]) -> SlotValidation:
        """An AMAZON.NUMBER value must be above ``limit``."""
        return SlotValidation(
            "isGreaterThan", _variations(prompt, "isGreaterThan"), value=_n(limit)
        )

    @staticmethod
    def at_most(limit: float, prompt: str | Sequence[str]) -> SlotValidation:
        """An AMAZON.NUMBER value must be ``limit`` or less."""
        kind = "isLessThanOrEqualTo"
        return SlotValidation(kind, _variations(prompt, kind), value=_n(limit))

    @staticmethod
    def at_least(limit: float, prompt: str | Sequence[str]) -> SlotValidation:
        """An AMAZON.NUMBER value must be ``limit`` or more."""
        kind = "isGreaterThanOrEqualTo"
        return SlotValidation(kind, _variations(prompt, kind), value=_n(limit))

    @staticmethod
    def in_duration(
        start: str | None, end: str | None, prompt: str | Sequence[str]
    ) -> SlotValidation:
        """An AMAZON.DATE or AMAZON.TIME value must fall between ``start`` and ``end``.

        For a date each bound is a duration in years, months or days from the user's today
        ("P0D", "P1Y") or a day ("2026-12-01"); for a time, a duration in hours or minutes from
        the user's now ("PT0H", "PT2H") or a clock time ("09:00"). Amazon's rule takes no weeks
        ("P7D" is a week) or seconds. None leaves that side of the window open: for a time, it
        reaches the edge of the other bound's day (``in_duration("PT0H", None, ...)``: the rest
        of today).
        """
        kind = "isInDuration"
        _durations(kind, start, end)
        return SlotValidation(kind, _variations(prompt, kind), start=start, end=end)

    @staticmethod
    def not_in_duration(
        start: str | None, end: str | None, prompt: str | Sequence[str]
    ) -> SlotValidation:
        """An AMAZON.DATE or AMAZON.TIME value must not fall between ``start`` and ``end``
        (bounds as for `in_duration`)."""
        kind = "isNotInDuration"
        _durations(kind, start, end)
        return SlotValidation(kind, _variations(prompt, kind), start=start, end=end)

    @staticmethod
    def entity_match(prompt: str | Sequence[str]) -> SlotValidation:
        """The value must be one of the custom slot type's values or synonyms."""
        kind = "hasEntityResolutionMatch"
        return SlotValidation(kind, _variations(prompt, kind))


def _slot_sample(item: object) -> str:
    if not isinstance(item, str):
        raise ConfigurationError(f"DialogSlot: a slot sample is a string, not {item!r}")
    return item


def _set(values: Sequence[str], kind: str) -> tuple[str, ...]:
    if isinstance(values, str):  # (a sequence too: of its letters)
        raise ConfigurationError(f"{kind} takes a list of values, not the string {values!r}")
    if not values:
        raise ConfigurationError(f"{kind} needs at least one value")
    if not all(isinstance(value, str) and value for value in values):
        raise ConfigurationError(f"{kind}: each value is a non-empty string: {values!r}")
    return tuple(values)


def _durations(kind: str, start: str | None, end: str | None) -> None:
    for problem in _window_problems(kind, start, end):
        raise ConfigurationError(problem)


def _n(limit: float) -> str:
    try:  # (a bool is an int to Python: True was the limit 1; nan and inf are no number)
        number = math.nan if isinstance(limit, bool) else float(limit)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise ConfigurationError(f"a number rule's limit is a finite number, not {limit!r}")
    return str(int(number)) if number.is_integer() else str(limit)


@dataclass(frozen=True, slots=True, init=False)
class DialogSlot:
    """A slot the dialog model handles: its type, and how Alexa asks for, confirms and checks it.

    ``elicit`` (a prompt, or a list of variations) makes the slot required; ``confirm`` makes
    Alexa ask the user to confirm the value; ``samples`` are what users say when asked ("to
    {city}"), a list or by locale (``{"en-US": [...], "de-DE": [...]}``); ``validations`` are
    `Validate` rules, checked in order. Prompts are written in the skill's source language and
    translated, for another locale's model, by the skill's catalogs (`alexaskill.i18n`).
    """

    type: str
    elicit: tuple[str, ...]
    confirm: tuple[str, ...]
    #: Every slot sample, whatever its locale (``samples_by_locale`` has them per locale).
    samples: tuple[str, ...]
    validations: tuple[SlotValidation, ...]
    samples_by_locale: PerLocale[str]

    def __init__(
        self,
        type: str,
        *,
        elicit: str | Sequence[str] | None = None,
        confirm: str | Sequence[str] | None = None,
        samples: Sequence[str] | Mapping[str, Sequence[str]] = (),
        validations: Sequence[SlotValidation] = (),
    ) -> None:
        if not isinstance(type, str) or not type.strip():
            raise ConfigurationError("DialogSlot needs the slot's type, e.g. 'AMAZON.City'")
        by_locale = PerLocale.build(samples, _slot_sample, "DialogSlot: samples")
        for rule in validations:
            if not isinstance(rule, SlotValidation):
                raise ConfigurationError(
                    f"DialogSlot: {rule!r} is not a validation; build one with Validate"
                )
        object.__setattr__(self, "type", type)
        object.__setattr__(self, "elicit", _variations(elicit, "DialogSlot elicit"))
        object.__setattr__(self, "confirm", _variations(confirm, "DialogSlot confirm"))
        object.__setattr__(self, "samples", by_locale.everything())
        object.__setattr__(self, "validations", tuple(validations))
        object.__setattr__(self, "samples_by_locale", by_locale)


@dataclass(frozen=True, slots=True)
class IntentDialog:
    """An intent's dialog declarations: its dialog slots, confirmation and delegation."""

    slots: Mapping[str, DialogSlot] = field(default_factory=dict)
    confirm: tuple[str, ...] = ()
    #: True (Alexa runs the dialog), False (the handler gets every turn), None (the default).
    auto_delegate: bool | None = None

    @classmethod
    def build(
        cls,
        intent: str,
        slots: Mapping[str, DialogSlot],
        confirm: str | Sequence[str] | None,
        auto_delegate: bool | None,
    ) -> IntentDialog | None:
        """The declarations of ``intent``, or None when it declares no dialog at all."""
        variations = _variations(confirm, f"intent {intent}: confirm")
        if auto_delegate is not None and not isinstance(auto_delegate, bool):
            raise ConfigurationError(f"intent {intent}: auto_delegate is True or False")
        if not slots and not variations:
            if auto_delegate is not None:
                raise ConfigurationError(
                    f"intent {intent}: auto_delegate needs a dialog: a DialogSlot in slots= or "
                    "confirm="
                )
            return None
        return cls(dict(slots), variations, auto_delegate)

    @property
    def delegation(self) -> str:
        """The delegation strategy: ALWAYS (auto delegation, Amazon's default) or SKILL_RESPONSE."""
        return "SKILL_RESPONSE" if self.auto_delegate is False else "ALWAYS"


def dialog_json(
    intents: Sequence[tuple[str, Mapping[str, str], IntentDialog]],
    translate: Callable[[str], str] | None = None,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ``dialog`` and ``prompts`` of the interaction model, for (intent, slot types, dialog).

    ``translate`` gives each prompt in the model's language (the skill's catalogs).
    """
    entries = []
    prompts: list[dict[str, Any]] = []

    def _prompt(prompt_id: str, variations: tuple[str, ...]) -> dict[str, Any]:
        texts = [translate(text) for text in variations] if translate else variations
        return {"id": prompt_id, "variations": [_variation(text) for text in texts]}

    for name, slot_types, dialog in intents:
        slots = []
        for slot, slot_type in slot_types.items():
            declared = dialog.slots.get(slot)
            entry: dict[str, Any] = {
                "name": slot,
                "type": slot_type,
                "confirmationRequired": bool(declared and declared.confirm),
                "elicitationRequired": bool(declared and declared.elicit),
                "prompts": {},
            }
            if declared is not None:
                if declared.elicit:
                    prompt_id = f"Elicit.Slot.{name}.{slot}"
                    entry["prompts"]["elicitation"] = prompt_id
                    prompts.append(_prompt(prompt_id, declared.elicit))
                if declared.confirm:
                    prompt_id = f"Confirm.Slot.{name}.{slot}"
                    entry["prompts"]["confirmation"] = prompt_id
                    prompts.append(_prompt(prompt_id, declared.confirm))
                if declared.validations:
                    rules = []
                    for number, rule in enumerate(declared.validations, 1):
                        prompt_id = f"Slot.Validation.{name}.{slot}.{number}"
                        rules.append(rule.json(prompt_id))
                        prompts.append(_prompt(prompt_id, rule.prompt))
                    entry["validations"] = rules
            slots.append(entry)
        intent: dict[str, Any] = {
            "name": name,
            "delegationStrategy": dialog.delegation,
            "confirmationRequired": bool(dialog.confirm),
            "prompts": {},
            "slots": slots,
        }
        if dialog.confirm:
            prompt_id = f"Confirm.Intent.{name}"
            intent["prompts"]["confirmation"] = prompt_id
            prompts.append(_prompt(prompt_id, dialog.confirm))
        entries.append(intent)
    return {"delegationStrategy": "ALWAYS", "intents": entries}, prompts


def dialog_problems(
    intent: str,
    slot_types: Mapping[str, str],
    dialog: IntentDialog,
    extended: Collection[str] = (),
) -> list[str]:
    """What Amazon's build would refuse in an intent's dialog declarations; ``extended`` names
    the built-in list types the model gives values of its own, which count as custom types."""
    problems = []
    texts: list[tuple[str, str]] = [("the intent confirmation", text) for text in dialog.confirm]
    for slot, declared in dialog.slots.items():
        where = f"intent {intent}, slot {slot}"
        for sample in declared.samples:
            named = _SLOT_REFERENCE.findall(sample)
            if slot not in named:
                problems.append(f"{where}: slot sample {sample!r} must contain {{{slot}}}")
            for other in named:
                if other not in slot_types:
                    problems.append(f"{where}: slot sample {sample!r} names unknown slot {other}")
        if declared.samples and not declared.elicit:
            problems.append(f"{where}: samples are what users answer when asked; add elicit=")
        slot_type = slot_types.get(slot, declared.type)
        custom = slot_type in extended or not slot_type.startswith("AMAZON.")
        for rule in declared.validations:
            found = validation_problems(rule.type, rule.start, rule.end, slot_type, custom)
            problems += [f"{where}: {problem}" for problem in found]
        texts += [
            (f"slot {slot}'s prompts", text) for text in (*declared.elicit, *declared.confirm)
        ]
        texts += [
            (f"slot {slot}'s validation prompt", t) for r in declared.validations for t in r.prompt
        ]
    for what, text in texts:
        for other in _SLOT_REFERENCE.findall(text):
            if other not in slot_types:
                problems.append(f"intent {intent}: {what} name unknown slot {{{other}}}: {text!r}")
    return problems


def _variation(text: str) -> dict[str, str]:
    """A prompt's variation: SSML if it is a ``<speak>`` document (whatever its root's attributes
    or prolog; sent from its root, as speech is), else plain text."""
    root = _speak_root(text)
    if root < 0:
        return {"type": "PlainText", "value": text}
    return {"type": "SSML", "value": text[root:]}
