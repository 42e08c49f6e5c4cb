"""`check_as_written` of this checkout against another's: what a raw directive's check costs.

Each case is what `_snapshot` does to a directive written as a dict (encode, decode, compare):
a 23 KB APL document with tuples (a valid value that never equals its decoding), the same with
lists, and a small Dialog.Delegate. Interleaved runs, best of 7, in one process; ratios only.

    mkdir /tmp/before && git archive <commit> alexaskill | tar -x -C /tmp/before
    python benchmarks/bench_as_written.py --compare-with /tmp/before
"""

from __future__ import annotations

import argparse
import importlib.util
import timeit
from pathlib import Path
from typing import Any

import msgspec

from alexaskill.responses import as_written
from alexaskill.responses.snapshots import _encode


def _apl(sequence: type) -> dict[str, Any]:
    items = [
        {
            "type": "Container",
            "direction": "row",
            "items": sequence(
                [
                    {"type": "Text", "text": f"Item {n}", "fontSize": "28dp", "spacing": 12.5},
                    {
                        "type": "Image",
                        "source": f"https://example.com/{n}.png",
                        "scale": "best-fit",
                    },
                ]
            ),
            "padding": sequence([16, 8, 16, 8]),
        }
        for n in range(108)
    ]
    document = {"type": "APL", "version": "2023.3", "mainTemplate": {"items": sequence(items)}}
    return {"type": "Alexa.Presentation.APL.RenderDocument", "token": "t", "document": document}


def _cases() -> dict[str, dict[str, Any]]:
    delegate = {
        "type": "Dialog.Delegate",
        "updatedIntent": {"name": "Book", "confirmationStatus": "NONE", "slots": {}},
    }
    return {"apl-tuples": _apl(tuple), "apl-lists": _apl(list), "delegate": delegate}


def _load(root: Path) -> Any:
    path = root / "alexaskill" / "responses" / "as_written.py"
    spec = importlib.util.spec_from_file_location("alexaskill.responses._before", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare-with", type=Path, required=True, help="another checkout")
    parser.add_argument("--number", type=int, default=2000)
    args = parser.parse_args()
    sides = {
        "before": _load(args.compare_with).check_as_written,
        "after": as_written.check_as_written,
    }
    for name, written in _cases().items():
        size = len(_encode(written))
        best = {side: float("inf") for side in sides}
        for _ in range(7):
            for side, check in sides.items():

                def run(check: Any = check, written: Any = written) -> None:
                    check("d", written, msgspec.json.decode(_encode(written)))

                took = timeit.timeit(run, number=args.number) / args.number
                best[side] = min(best[side], took)
        ratio = best["after"] / best["before"]
        print(
            f"{name:11} {size:6,} B  before {best['before'] * 1e6:7.1f} us  "
            f"after {best['after'] * 1e6:7.1f} us  after/before {ratio:.2f}"
        )


if __name__ == "__main__":
    main()
