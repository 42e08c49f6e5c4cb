"""DynamoDBStore's calls after the first run no import statement of anyio's or botocore's, and
read what they need of them from the modules (a test's monkeypatch of anyio's deadline, of
botocore's errors, is seen).
"""

from __future__ import annotations

from typing import Any, ClassVar

import anyio
import pytest

from alexaskill.dynamodb import DynamoDBStore
from alexaskill.exceptions import StoreError

from .dynamodb_shared import (
    USER,
)
from .fake_dynamodb import RecordingClient

pytestmark = pytest.mark.oldest_dependencies


@pytest.mark.anyio
async def test_a_call_runs_no_import_statement_of_anyio_after_the_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each load and save ran `import anyio` and `import anyio.to_thread` (microseconds each,
    # on the event loop's thread); they are looked up at the first call, as the SQLite store's.
    import builtins

    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    await store.load(USER)  # the first: imports what it needs
    imported: list[str] = []
    real_import = builtins.__import__

    def spy(name: str, globals: Any = None, *args: Any, **kwargs: Any) -> Any:
        if (globals or {}).get("__name__") == "alexaskill.dynamodb.store":
            imported.append(name)
        return real_import(name, globals, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", spy)
    await store.load(USER)
    await store.update(USER, {"n": 1}, ())
    monkeypatch.undo()
    assert [name for name in imported if name.startswith("anyio")] == []
    assert len(client.calls) == 3  # (each call was made)


@pytest.mark.anyio
async def test_a_call_after_the_first_reads_anyios_deadline_from_anyio(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # anyio's functions were kept from the first call: an `anyio.move_on_after` set later (as
    # tests/test_dynamodb_late.py sets one, to give up on a held call) was never called, and
    # that file failed whenever a call of another test in its process had come first.
    import anyio

    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    await store.load(USER)  # the first call
    deadlines: list[float | None] = []
    real = anyio.move_on_after

    def recording(delay: float | None, shield: bool = False) -> anyio.CancelScope:
        deadlines.append(delay)
        return real(delay, shield)

    monkeypatch.setattr(anyio, "move_on_after", recording)
    await store.load(USER)
    assert deadlines == [store.timeout]


@pytest.mark.anyio
async def test_a_call_runs_no_import_statement_of_botocore_after_the_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Each call ran `from botocore.exceptions import BotoCoreError, ClientError` in its worker
    # thread (and a write that adds, `from botocore.exceptions import ClientError` once more):
    # import statements at each call, for classes looked up once.
    import builtins

    client = RecordingClient()
    store = DynamoDBStore("table", client=client)
    await store.load(USER)  # the first: imports what it needs
    await store.update(USER, {}, (), increments={"n": 1})
    imported: list[str] = []
    real_import = builtins.__import__

    def spy(name: str, globals: Any = None, *args: Any, **kwargs: Any) -> Any:
        if (globals or {}).get("__name__", "").startswith("alexaskill.dynamodb"):
            imported.append(name)
        return real_import(name, globals, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", spy)
    await store.load(USER)
    await store.update(USER, {"n": 1}, ())
    await store.update(USER, {}, (), increments={"n": 1})
    monkeypatch.undo()
    assert [name for name in imported if name.startswith("botocore")] == []
    assert len(client.calls) == 5  # (each call was made)


@pytest.mark.anyio
async def test_a_call_after_the_first_reads_botocores_errors_from_botocore(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # botocore.exceptions is kept, not its classes: a ClientError set there after the first
    # call (as a test may set one) is the one a call's failure is taken for.
    import botocore.exceptions

    class Refused(Exception):
        operation_name = "GetItem"
        response: ClassVar = {"Error": {"Code": "AccessDeniedException", "Message": "not yours"}}

    class Refusing(RecordingClient):
        def get_item(self, **params: Any) -> dict[str, Any]:
            raise Refused("refused")

    store = DynamoDBStore("table", client=Refusing())
    await store.update(USER, {"n": 1}, ())  # the first call
    monkeypatch.setattr(botocore.exceptions, "ClientError", Refused)
    with pytest.raises(StoreError, match="AccessDenied"):
        await store.load(USER)
