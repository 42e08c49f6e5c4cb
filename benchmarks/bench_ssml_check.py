"""The app's check of hand-written SSML (`SsmlSpeech`) against an XML parse of it: each's cost.

Two answers written as `Ssml`: a plain short one (``<speak>`` and a sentence, the usual answer,
which the check takes without scanning its tags) and one of 200 tags (40 sentences, each with a
``<break>``, an ``<emphasis>`` and an ``&amp;``: every part of the check at work, the tag scan,
each tag's attributes and the references). For each, the whole check as a handler's answer pays
it (`SsmlSpeech`), its two scans alone (`_check_elements`: the tags; `_reference_error`: each
``&``), and the reference: `ssml_error`, which the test tools run on every answer (an expat
parse, then the same attribute checks). Interleaved rounds, each the fastest of 25, CPU time of
this thread, in one process; ratios only count on a shared machine.

    python benchmarks/bench_ssml_check.py
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from alexaskill.responses import SsmlSpeech
from alexaskill.responses.ssml_elements import _check_elements
from alexaskill.ssml import Ssml, ssml_error
from alexaskill.xml_references import _reference_error
from benchmarks.timing import per_call

PLAIN = Ssml("<speak>Sunny in Paris today, and warm.</speak>")
TAGGED = Ssml(
    "<speak>"
    + "".join(
        f'<s>Item {n}: salt &amp; pepper <break time="300ms"/>'
        f'<emphasis level="moderate">now</emphasis></s>'
        for n in range(40)
    )
    + "</speak>"
)


def _rows(markup: Ssml) -> dict[str, Callable[[], object]]:
    text = str.__str__(markup)
    return {
        "SsmlSpeech": lambda: SsmlSpeech(markup),
        "_check_elements": lambda: _check_elements("outputSpeech.ssml", text),
        "_reference_error": lambda: _reference_error(text),
        "ssml_error (expat)": lambda: ssml_error(text),
    }


def _repeated(work: Callable[[], object], calls: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(calls):
            work()

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls a round")
    parser.add_argument("--rounds", type=int, default=25)
    args = parser.parse_args()
    plain_speech: float | None = None
    print("| answer | row | µs | / the answer's SsmlSpeech | / its ssml_error |")
    print("|---|---|---:|---:|---:|")
    for name, markup in (("plain", PLAIN), (f"{TAGGED.count('<')} tags", TAGGED)):
        rows = _rows(markup)
        best = per_call(
            {row: _repeated(work, args.calls) for row, work in rows.items()},
            args.calls,
            args.rounds,
            clock=time.thread_time,
        )
        speech, expat = best["SsmlSpeech"], best["ssml_error (expat)"]
        for row, seconds in best.items():
            print(
                f"| {name} ({len(markup)} characters) | `{row}` | {seconds * 1e6:.2f} "
                f"| {seconds / speech:.2f} | {seconds / expat:.2f} |"
            )
        if plain_speech is None:
            plain_speech = speech
        else:
            print(f"\n200-tag SsmlSpeech / plain SsmlSpeech: {speech / plain_speech:.1f}x")


if __name__ == "__main__":
    main()
