"""botocore's parameter validation of a `DynamoDBStore` save's UpdateItem: what it costs.

A botocore DynamoDB client with validation (botocore's default) and one without
(``Config(parameter_validation=False)``, the store's own client's), each sending the UpdateItem
a save into the map makes of one attribute (`update._plan`): a dict whose JSON is 8 KB or 64 KB
(few values), or 350 KB of small lists (~100,000 values, `bench_store_check._lists`). Nothing
leaves the process: each request is answered at botocore's ``before-send`` event, so what is
timed is the client's work (validation, serialization, signing). Best of ``--repeat``, in one
process; the saving is what the validation took.

    python benchmarks/bench_dynamodb_validation.py
"""

from __future__ import annotations

import argparse
import timeit
from collections.abc import Iterator
from typing import Any

from benchmarks.bench_store_check import _lists, _value

#: The values saved, as bench_store_check.py's.
SIZES = {"8 KB": 8_000, "64 KB": 64_000, "350 KB []": 350_000}


class _Body:
    """An answer's body: DynamoDB's empty JSON object."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield b"{}"

    def read(self) -> bytes:
        return b"{}"


def _answered(**_: Any) -> Any:
    from botocore.awsrequest import AWSResponse

    return AWSResponse("http://127.0.0.1:9", 200, {}, _Body())


def _client(validation: bool) -> Any:
    """A DynamoDB client whose requests are answered before they are sent."""
    import botocore.session
    from botocore.config import Config

    client = botocore.session.get_session().create_client(
        "dynamodb",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",  # (made up: nothing is sent)
        config=Config(parameter_validation=validation),
    )
    client.meta.events.register("before-send.dynamodb", _answered)
    return client


def main() -> None:
    from alexaskill.dynamodb.update import _plan

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    clients = {"validated": _client(True), "not validated": _client(False)}
    print(f"{'value':>10} {'validated ms':>13} {'not ms':>8} {'saved ms':>9} saved")
    for label, size in SIZES.items():
        value = _lists(size) if label.endswith("[]") else _value(size)
        plan = _plan("attributes", {"game": value}, [], None)
        assert plan is not None
        params = {"TableName": "table", "Key": {"id": {"S": "user"}}, **plan.into_map}
        params["ExpressionAttributeValues"] = params["ExpressionAttributeValues"] | {
            ":t": {"N": "1"}
        }
        loops = max(3, 200_000 // size)
        took = {}
        for name, client in clients.items():

            def send(client: Any = client, params: dict[str, Any] = params) -> None:
                client.update_item(**params)

            took[name] = min(timeit.repeat(send, number=loops, repeat=args.repeat)) / loops
        on, off = took["validated"], took["not validated"]
        saved = f"{(on - off) * 1e3:9.2f} {1 - off / on:5.0%}"
        print(f"{label:>10} {on * 1e3:13.2f} {off * 1e3:8.2f} {saved}")


if __name__ == "__main__":
    main()
