"""A `DynamoDBStore` user's first save after a load that found no map: the calls it sends.

A save writes into the item's map; without one it makes the map whole. Into the map first,
a new user's first save was two UpdateItems carrying the same values, the first refused (on
DynamoDB a refused conditional write still consumes write capacity). Where the store's load
found no map, the map is now made whole first (``hint``); ``no hint`` clears the store's note
of that load before the save, as before. For values of 1 KB to 350 KB of JSON, on moto's
server (started here on 127.0.0.1: moto is a test dependency), each row gives the UpdateItems
a first save sent, the bytes of their parameters as JSON (what botocore sends, near enough)
and the best time of ``--repeat`` saves, each of a new user. moto's times are no DynamoDB's:
the calls and bytes are the result.

    python benchmarks/bench_dynamodb_first_save.py
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
import uuid
from typing import Any

import anyio

from alexaskill.dynamodb import DynamoDBStore

SIZES = {"1 KB": 1_000, "64 KB": 64_000, "350 KB": 350_000}


async def _first_save(store: DynamoDBStore, value: str, hint: bool) -> tuple[int, int, float]:
    """(UpdateItems, bytes of their parameters, seconds) of a new user's load and first save."""
    sent: list[int] = []
    call = store._call

    async def counting(operation: str, adds: bool = False, **params: Any) -> dict[str, Any]:
        if operation == "update_item":
            sent.append(len(json.dumps(params)))
        return await call(operation, adds, **params)

    store._call = counting  # type: ignore[method-assign]
    try:
        user = f"amzn1.ask.account.{uuid.uuid4().hex}"
        await store.load(user)
        if not hint:
            store._no_map.clear()  # as before: into the map first
        began = time.perf_counter()
        await store.update(user, {"log": value}, ())
        return len(sent), sum(sent), time.perf_counter() - began
    finally:
        del store._call


async def _run(endpoint: str, repeat: int) -> None:
    store = DynamoDBStore(
        f"bench-{uuid.uuid4().hex}", endpoint_url=endpoint, create_table=True, timeout=120
    )
    await store.ensure_table()
    print(f"{'value':>7} {'':>8} {'UpdateItems':>11} {'bytes sent':>11} {'best ms':>8}")
    try:
        for label, size in SIZES.items():
            value = "x" * size
            for hint in (True, False):
                runs = [await _first_save(store, value, hint) for _ in range(repeat)]
                calls, sent, _ = runs[0]
                best = min(took for _, _, took in runs)
                name = "hint" if hint else "no hint"
                print(f"{label:>7} {name:>8} {calls:>11} {sent:>11,} {best * 1000:8.1f}")
    finally:
        await store.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # (a line a request otherwise)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        anyio.run(_run, f"http://{host}:{port}", args.repeat)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
