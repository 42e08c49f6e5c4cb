"""Speed of utterance understanding on a model of the size the issue names.

The model is made up, deterministically: 50 custom intents of 30 sample utterances each (3 to 8
words from a 400-word vocabulary, 0 to 2 slots), 5 custom slot types of 100 values each (one or
two words, some with synonyms), and AMAZON.NUMBER, DATE and City slots, plus the built-in intents.
The utterances are the samples said with slot values (what most users say: exact readings), the
same with a word dropped or added (loose readings), one word of an intent's samples among made-up
ones (near: no sample is close enough), and unrelated sentences (fallback).

It runs twice: on the model with AMAZON.FallbackIntent, where words no sample is close to go to
it, and on the same model without it, where they take the closest-intent path (the samples
sharing a meaningful word with them aligned, the closest chosen; "out of domain" if none does).

Printed, measured in one run on one core (CPU time of the thread, so that other processes on a
shared machine do not count): the time to build the matcher (reading the model's JSON and
compiling every sample), the median and 90th percentile time to understand one utterance,
overall and per kind, and the ratio to the issue's budgets (2 ms median per utterance, 200 ms
to build). Of an even number of builds or utterances the median is the higher middle one: a
time one of them took, and the unfavourable one against its budget.

Run from the repository root: ``python benchmarks/bench_understanding.py`` (``--builds 1
--per-kind 2``: a smoke run, whose times mean nothing).
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import time
from collections.abc import Sequence
from typing import Any, Final

from alexaskill.understanding import InteractionModel, Understander

INTENTS: Final = 50
SAMPLES: Final = 30
TYPES: Final = 5
VALUES: Final = 100
BUDGET_UTTERANCE: Final = 0.002
BUDGET_BUILD: Final = 0.200
NOW: Final = datetime.datetime(2026, 11, 29, 12, 0)

_SYLLABLES: Final = (
    "ka", "lo", "mi", "ra", "te", "su", "no", "vi", "pa", "de", "ro", "li", "ma", "ne", "to",
    "ba", "si", "fu", "ge", "ha", "ju", "ko", "lu", "mo", "ni", "pe", "qu", "re", "sa", "ti",
    "vo", "we", "xa", "yo", "zu", "an", "el", "in", "on", "ur",
)  # fmt: skip
_BUILT_IN: Final = (("AMAZON.NUMBER", "twenty five"), ("AMAZON.DATE", "next friday"))
_CITY: Final = ("AMAZON.City", "new york")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))


def make_model(seed: int = 15, *, fallback: bool = True) -> dict[str, Any]:
    """The interaction model's JSON: 50 intents x 30 samples, 5 types x 100 values; without
    AMAZON.FallbackIntent if not ``fallback``."""
    rng = random.Random(seed)
    vocabulary = sorted({_word(rng) for _ in range(600)})[:400]
    types = []
    for number in range(TYPES):
        values = []
        for index in range(VALUES):
            name = " ".join(_word(rng) for _ in range(rng.randint(1, 2)))
            entry: dict[str, Any] = {"id": f"T{number}V{index}", "name": {"value": name}}
            if index % 4 == 0:
                entry["name"]["synonyms"] = [_word(rng)]
            values.append(entry)
        types.append({"name": f"Type{number}", "values": values})
    intents = []
    for number in range(INTENTS):
        slot_types = [
            f"Type{number % TYPES}",
            *(kind for kind, _ in _BUILT_IN),
            _CITY[0],
        ]
        slots = [{"name": f"slot{index}", "type": kind} for index, kind in enumerate(slot_types)]
        own_words = rng.sample(vocabulary, 12)
        samples: set[str] = set()
        while len(samples) < SAMPLES:
            words = [rng.choice(own_words) for _ in range(rng.randint(3, 6))]
            for index in rng.sample(range(len(slots)), rng.randint(0, 2)):
                words.insert(rng.randint(0, len(words)), f"{{slot{index}}}")
            samples.add(" ".join(words))
        intents.append({"name": f"Intent{number:02d}", "slots": slots, "samples": sorted(samples)})
    for name in (
        "AMAZON.CancelIntent",
        "AMAZON.HelpIntent",
        "AMAZON.StopIntent",
        "AMAZON.NavigateHomeIntent",
        *(("AMAZON.FallbackIntent",) if fallback else ()),
    ):
        intents.append({"name": name, "samples": []})
    return {
        "interactionModel": {
            "languageModel": {"invocationName": "speed test", "intents": intents, "types": types}
        }
    }


def utterances(model: dict[str, Any], seed: int = 15) -> dict[str, list[str]]:
    """What users say, by kind: exact, loose (a word dropped or added), near (one word of an
    intent's samples among made-up ones) and unrelated."""
    rng = random.Random(seed + 1)
    # The near utterances' own generator: the other kinds are those of the figures published.
    near_rng = random.Random(seed + 2)
    language = model["interactionModel"]["languageModel"]
    types = {entry["name"]: entry["values"] for entry in language["types"]}
    said: dict[str, list[str]] = {"exact": [], "loose": [], "near": [], "unrelated": []}
    for intent in language["intents"]:
        kinds = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent["samples"][:10]:
            words = []
            for word in sample.split():
                if word.startswith("{"):
                    kind = kinds[word[1:-1]]
                    if kind in types:
                        word = rng.choice(types[kind])["name"]["value"]
                    else:
                        word = dict((*_BUILT_IN, _CITY))[kind]
                words.append(word)
            said["exact"].append(" ".join(words))
            loose = list(words)
            if rng.random() < 0.5 and len(loose) > 3:
                del loose[rng.randrange(len(loose))]
            else:
                loose.insert(rng.randrange(len(loose) + 1), "please")
            said["loose"].append(" ".join(loose))
        if intent["samples"]:
            own = near_rng.choice(intent["samples"][0].replace("{", " {").split())
            near = [_word(near_rng) for _ in range(near_rng.randint(3, 5))]
            if not own.startswith("{"):
                near.insert(near_rng.randrange(len(near) + 1), own)
            said["near"].append(" ".join(near))
    for _ in range(50):
        said["unrelated"].append(" ".join(_word(rng) for _ in range(rng.randint(3, 7))))
    return said


def build(data: dict[str, Any]) -> Understander:
    """Read the model's JSON and compile it, as a tool does at start-up."""
    understander = Understander(InteractionModel.from_json(data))
    # Compiled on first use (Understander.matcher): without this the build timed is the
    # reading alone, and the compiling falls in the untimed warm-up.
    understander.matcher  # noqa: B018
    return understander


def timed(run: Any, *args: Any) -> float:
    """CPU seconds of this thread for ``run(*args)``: what one core spends, whatever else the
    machine runs meanwhile (wall time on a shared machine measures the others too)."""
    started = time.thread_time()
    run(*args)
    return time.thread_time() - started


def run(data: dict[str, Any], *, builds: int = 7, per_kind: int | None = None) -> None:
    """Print the build time and the time per utterance of one model, with the ratios to the
    budgets (``per_kind``: at most that many utterances of each kind)."""
    language = data["interactionModel"]["languageModel"]
    samples = sum(len(intent["samples"]) for intent in language["intents"])
    values = sum(len(entry["values"]) for entry in language["types"])
    print(
        f"model: {len(language['intents'])} intents ({INTENTS} custom), {samples} samples, "
        f"{len(language['types'])} custom types, {values} values"
    )
    # The warm-up (imports, the language's tables) builds the understander the utterances are
    # timed on: a build more after the timed ones made the same understander again.
    understander = build(data)
    times_built = [timed(build, data) for _ in range(builds)]
    said = {kind: texts[:per_kind] for kind, texts in utterances(data).items()}
    for text in said["exact"][:50]:
        understander.understand(text, now=NOW)  # warm-up
    per_kind_times: dict[str, list[float]] = {}
    for kind, texts in said.items():
        per_kind_times[kind] = [timed(understander.understand, text) for text in texts]
    every = [seconds for times in per_kind_times.values() for seconds in times]
    # A time is a cost against its budget: of an even number the higher middle, one a build or
    # an utterance took and the unfavourable one, never the mean of the two (benchmarks/README.md,
    # Method); 1,100 utterances are an even number.
    build_median = statistics.median_high(times_built)
    print(
        f"build: median {build_median * 1000:.1f} ms of {builds} "
        f"(budget {BUDGET_BUILD * 1000:.0f} ms: {build_median / BUDGET_BUILD:.2f} of it)"
    )
    for kind, times in (*per_kind_times.items(), ("all", every)):
        ordered = sorted(times)
        median = statistics.median_high(ordered)
        p90 = ordered[max(int(len(ordered) * 0.9) - 1, 0)]
        print(
            f"understand {kind:<9} {len(times):>5} utterances: median {median * 1000:.3f} ms, "
            f"p90 {p90 * 1000:.3f} ms"
        )
    median = statistics.median_high(every)
    print(
        f"per utterance: median {median * 1000:.3f} ms "
        f"(budget {BUDGET_UTTERANCE * 1000:.0f} ms: {median / BUDGET_UTTERANCE:.2f} of it)"
    )
    understood = sum(
        understander.understand(text, now=NOW).intent not in (None, "AMAZON.FallbackIntent")
        for text in said["exact"]
    )
    print(f"exact readings found: {understood} of {len(said['exact'])}")
    near = [understander.understand(text, now=NOW) for text in said["near"]]
    closest = sum(
        u.fallback and u.request is not None and u.intent != "AMAZON.FallbackIntent" for u in near
    )
    print(f"near utterances sent to the closest intent: {closest} of {len(near)}")


def main(argv: Sequence[str] | None = None) -> None:
    """Time both models: with AMAZON.FallbackIntent, then without it (the closest intent)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builds", type=int, default=7, help="builds timed (default 7)")
    parser.add_argument(
        "--per-kind", type=int, default=None, help="utterances of each kind (default: all)"
    )
    args = parser.parse_args(argv)
    for fallback, title in (
        (True, "with AMAZON.FallbackIntent"),
        (False, "without AMAZON.FallbackIntent (the closest intent)"),
    ):
        print(f"== {title}")
        run(make_model(fallback=fallback), builds=args.builds, per_kind=args.per_kind)


if __name__ == "__main__":
    main()
