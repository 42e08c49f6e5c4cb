"""Accuracy of utterance understanding on sets of real-looking utterances.

Each set (``benchmarks/understanding/*.json``) names a model (an APP such as
``examples.weather.app:skill``, or an ASK CLI model file, relative to the set's folder), its
invocation name, locale and the user's "now", and lists utterances with what Alexa should send:

    {"utterance": "will it rain in Portland on Saturday", "intent": "GetWeather",
     "slots": {"city": "Portland", "date": "2026-12-05"}}

``intent`` is an intent name, or ``LaunchRequest`` / ``SessionEndedRequest``, or ``out of domain``
(a model without AMAZON.FallbackIntent, words no sample comes near: Alexa sends one of the
model's intents, which one the samples cannot tell, so the emulation sends nothing). An entry with
``"expecting": "city"`` is an answer to Alexa asking for that slot of ``intent`` in a dialog.
An utterance counts as understood when the intent is right; as exact when, besides, every slot
holds the expected value and no other slot is filled.

Run from the repository root: ``python benchmarks/eval_understanding.py [SET.json ...]``
(default: every set); ``--misses`` lists what was not understood, with explanations.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted((Path(__file__).parent / "understanding").glob("*.json"))


@dataclass
class Outcome:
    """How one utterance was understood."""

    utterance: str
    expected_intent: str
    got_intent: str
    expected_slots: Mapping[str, str]
    got_slots: Mapping[str, str]
    explanation: str

    @property
    def intent_ok(self) -> bool:
        """The intent (or request type) is the expected one."""
        return self.expected_intent == self.got_intent

    @property
    def exact(self) -> bool:
        """The intent and every slot value are the expected ones."""
        return self.intent_ok and dict(self.expected_slots) == dict(self.got_slots)


def _filled(request: Mapping[str, Any] | None) -> tuple[str, dict[str, str]]:
    if request is None:
        return "nothing", {}
    if request.get("type") != "IntentRequest":
        return str(request.get("type")), {}
    intent = request["intent"]
    slots: dict[str, str] = {}
    for name, slot in (intent.get("slots") or {}).items():
        if "value" in slot:
            slots[name] = str(slot["value"])
        elif isinstance(slot.get("slotValue"), dict) and slot["slotValue"].get("values"):
            slots[name] = ", ".join(str(v.get("value")) for v in slot["slotValue"]["values"])
    return str(intent["name"]), slots


def evaluate(path: Path) -> list[Outcome]:
    """Understand every utterance of the set at ``path``."""
    from alexaskill.cli.common import load_understanding_model
    from alexaskill.understanding import Understander

    data = json.loads(path.read_text(encoding="utf-8"))
    spec = str(data["model"])
    if spec.endswith(".json"):
        spec = str((path.parent / spec).resolve()) if not Path(spec).is_absolute() else spec
    model, locale, _ = load_understanding_model(
        spec, locale=data.get("locale"), invocation=data.get("invocation")
    )
    understander = Understander(model, locale=locale)
    now = datetime.datetime.fromisoformat(data["now"])
    outcomes = []
    for entry in data["utterances"]:
        expecting = entry.get("expecting")
        if expecting is not None:
            understood = understander.answer(
                entry["utterance"], intent=entry["intent"], slot=expecting, now=now
            )
        else:
            understood = understander.understand(entry["utterance"], now=now)
        slots: dict[str, str]
        if understood is None:
            got, slots, explanation = "nothing", {}, "not an answer for that slot"
        else:
            got, slots = _filled(understood.request)
            if understood.kind == "out of domain":  # (told apart from other requests not sent)
                got = "out of domain"
            explanation = understood.explain()
        outcomes.append(
            Outcome(
                entry["utterance"],
                entry["intent"],
                got,
                entry.get("slots", {}),
                slots,
                explanation,
            )
        )
    return outcomes


def report(results: Mapping[str, Sequence[Outcome]], *, misses: bool, out: Any) -> float:
    """Print the accuracy per set and in all; the share of exact readings overall."""
    total = right = exact = 0
    out.write(f"{'set':<10}{'utterances':>12}{'intent':>10}{'exact':>10}\n")
    for name, outcomes in results.items():
        count = len(outcomes)
        intents = sum(outcome.intent_ok for outcome in outcomes)
        exacts = sum(outcome.exact for outcome in outcomes)
        total, right, exact = total + count, right + intents, exact + exacts
        out.write(f"{name:<10}{count:>12}{intents / count:>10.1%}{exacts / count:>10.1%}\n")
    out.write(f"{'all':<10}{total:>12}{right / total:>10.1%}{exact / total:>10.1%}\n")
    if misses:
        for name, outcomes in results.items():
            for outcome in outcomes:
                if outcome.exact:
                    continue
                out.write(
                    f"\n[{name}] {outcome.utterance!r}\n  expected {outcome.expected_intent} "
                    f"{dict(outcome.expected_slots)}\n  got      {outcome.got_intent} "
                    f"{dict(outcome.got_slots)}\n"
                )
                out.write("".join(f"  | {line}\n" for line in outcome.explanation.splitlines()))
    return exact / total


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate the sets named (default: all) and print the accuracy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, help="evaluation sets (JSON)")
    parser.add_argument("--misses", action="store_true", help="list what was not understood")
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    results = {path.stem: evaluate(path) for path in (args.sets or SETS)}
    report(results, misses=args.misses, out=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
