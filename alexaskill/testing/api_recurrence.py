"""The recurrences `FakeAlexaApi`'s reminders take: Amazon's Reminders API reference's
``trigger.recurrence``, its ``recurrenceRules`` read by RFC 5545's grammar of a rule
(`alexaskill.alexa_api.recurrence`, which `AlexaApi.create_reminder` reads them by too), which
the reference names for them; and a COUNT of 0 refused: the grammar allows it, but such a rule
never rings (the fake's rule, as for a one-time reminder gone by).
"""

from __future__ import annotations

from ..alexa_api.recurrence import NO_FREQ, rule_fault, rule_parts

__all__: list[str] = []


def _rule_fault(rule: str) -> str | None:
    """Why RFC 5545's grammar (`rule_fault`), or the fake for a COUNT of 0, refuses ``rule``,
    else None; said after the rule, as `rule_fault` says it."""
    fault = rule_fault(rule)
    if fault is not None:
        return fault
    parts = rule_parts(rule)
    count = parts.get("COUNT") if isinstance(parts, dict) else None
    if count is not None and count.strip("0") == "":  # (all zeros: no time at all)
        return (
            "its COUNT is a positive whole number, the fake's rule: 'FREQ=DAILY;COUNT=10', ten "
            f"times (COUNT={count}: the reminder would never ring)"
        )
    return None


def _recurrence_problem(kind: object, recurrence: object) -> str | None:
    """Why a trigger of the type ``kind`` has a ``recurrence`` Amazon's Reminders API does not
    take, as its "Reminder object" reads one, else None: none at all (None) is taken; else only
    for a ``SCHEDULED_ABSOLUTE`` trigger, an object whose ``recurrenceRules`` are RFC 5545 rules
    (`_rule_fault`), and whose ``startDateTime`` and ``endDateTime``, if given, are local times
    (a str, as ``scheduledTime``), its ``interval`` a positive integer (Amazon's model of it,
    ask-sdk-model's ``Recurrence``, as RFC 5545's INTERVAL). The older ``freq`` (with
    ``byDay``), which Amazon still takes without rules, is read as a rule. Said from
    ``recurrence`` on."""
    if recurrence is None:
        return None
    if kind == "SCHEDULED_RELATIVE":  # (as `AlexaApi.create_reminder` refuses after= with one)
        return "recurrence is only for a SCHEDULED_ABSOLUTE trigger"
    example = "['FREQ=WEEKLY;BYDAY=MO']"
    if not isinstance(recurrence, dict):
        return f"recurrence is {recurrence!r}: an object of recurrenceRules ({example})"
    for key in ("startDateTime", "endDateTime"):
        value = recurrence.get(key)
        if value is not None and not isinstance(value, str):
            return f"recurrence.{key} is {value!r}: a local time ('2031-03-15T07:30:00.000')"
    interval = recurrence.get("interval")  # (another kind than int: msgspec's to refuse)
    if isinstance(interval, int) and not isinstance(interval, bool) and interval < 1:
        return f"recurrence.interval is {interval!r}: a positive whole number (2: every other)"
    rules = recurrence.get("recurrenceRules")
    if rules is None:
        if isinstance(recurrence.get("freq"), str) and recurrence["freq"].strip():
            return None
        return f"recurrence.recurrenceRules is required: a list of RFC 5545 rules ({example})"
    if not isinstance(rules, list) or not rules:
        return f"recurrence.recurrenceRules is {rules!r}: a list of RFC 5545 rules ({example})"
    for index, rule in enumerate(rules):
        fault = _rule_fault(rule) if isinstance(rule, str) else NO_FREQ
        if fault is not None:
            return f"recurrence.recurrenceRules[{index}] is {rule!r}: {fault}"
    return None
