"""How ``alexaskill serve --reload`` or ``--workers`` hands its options to the server processes
uvicorn starts for it: through private environment variables, sealed with the process's
``multiprocessing`` authkey so that an environment alone turns nothing on."""

from __future__ import annotations

import os
from typing import Final

# Private names, sealed by the `alexaskill serve` process that set them (`_seal`), so that an
# environment alone (`_ALEXASKILL_SERVE_DEV=1 uvicorn --factory ...`) turns nothing on.
_SERVE_APP_ENV: Final = "_ALEXASKILL_SERVE_APP"
_SERVE_DEV_ENV: Final = "_ALEXASKILL_SERVE_DEV"
_SERVE_CAPTURE_ENV: Final = "_ALEXASKILL_SERVE_CAPTURE"
_SERVE_MODEL_ENV: Final = "_ALEXASKILL_SERVE_MODEL"
_SERVE_HOST_ENV: Final = "_ALEXASKILL_SERVE_HOST"
_SERVE_PORT_ENV: Final = "_ALEXASKILL_SERVE_PORT"
_SERVE_SEAL_ENV: Final = "_ALEXASKILL_SERVE_SEAL"
#: The options handed over, in the order they are sealed.
_HANDED: Final = (
    _SERVE_APP_ENV,
    _SERVE_DEV_ENV,
    _SERVE_CAPTURE_ENV,
    _SERVE_MODEL_ENV,
    _SERVE_HOST_ENV,
    _SERVE_PORT_ENV,
)


def _seal(options: dict[str, str]) -> str:
    """What proves that ``options`` were handed over by this `alexaskill serve` process, or by
    the one that started this process through `multiprocessing`: an HMAC of them keyed with the
    process's ``multiprocessing`` authkey.

    uvicorn starts its workers, and the server process of its reloader, with `multiprocessing`
    (spawn), which hands each the parent's authkey through a pipe, never the environment (see
    `multiprocessing.Process.authkey`); any other process draws 32 random bytes of its own at
    start. So no environment, written beforehand, can carry a seal that holds: not even in a
    container where uvicorn runs as PID 1, whose pid (the binding before) anyone could name.
    """
    import hashlib
    import hmac
    import json
    import multiprocessing

    message = json.dumps([[name, options.get(name, "")] for name in _HANDED]).encode()
    key = bytes(multiprocessing.current_process().authkey)
    return hmac.new(key, b"alexaskill serve hand-over\0" + message, hashlib.sha256).hexdigest()


def _hand_over(
    app: str, dev: bool, capture: str | None, model: str | None, host: str, port: int
) -> dict[str, str]:
    """The environment by which this process hands its options to the server processes
    uvicorn starts for it, sealed (`_seal`)."""
    options = {
        _SERVE_APP_ENV: app,
        _SERVE_DEV_ENV: "1" if dev else "0",
        _SERVE_CAPTURE_ENV: capture or "",
        _SERVE_MODEL_ENV: model or "",
        _SERVE_HOST_ENV: host,
        _SERVE_PORT_ENV: str(port),
    }
    return {**options, _SERVE_SEAL_ENV: _seal(options)}


def _handed_over() -> bool:
    """Whether the environment holds options this process was handed by `alexaskill serve`."""
    import hmac

    seal = os.environ.get(_SERVE_SEAL_ENV, "")
    options = {name: os.environ.get(name, "") for name in _HANDED}
    expected = _seal(options).encode()
    return hmac.compare_digest(seal.encode("utf-8", "surrogateescape"), expected)
