"""Opt-in capture of requests exactly as received, for ``alexaskill certify --replay``.

`Skill(capture_dir=...)` writes each POST the skill's endpoint receives (body and headers, before
any check) to its own file in that directory. Replayed later, a request Alexa really signed is
the one proof that whatever sits in front of the skill (a TLS proxy, a load balancer, an API
gateway) passes the body and the signature headers through untouched: once its timestamp is old,
it must be refused for its *timestamp*, not for its signature.

The files hold what Alexa sends about the user: user and device ids, access tokens, consent
tokens, what was said. Each file is readable and writable by its owner only (0600) in a
directory made 0700; capture stops after `CAPTURE_LIMIT` files in the directory, so a flood of
requests cannot fill the disk. Switch it on to get a capture, then off again.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import logging
import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Final

import msgspec

__all__ = ["CAPTURE_LIMIT", "Capture", "RequestCapture", "load_capture"]

logger = logging.getLogger("alexaskill")

#: At most this many capture files in the directory; requests beyond are not captured.
CAPTURE_LIMIT: Final = 100
_SUFFIX: Final = ".capture.json"


class Capture(msgspec.Struct, kw_only=True):
    """One request as the skill received it."""

    #: When it arrived, ISO 8601 in UTC.
    received_at: str
    #: The request path (without the query string).
    path: str
    #: Every header as received, in order (ASGI servers give the names in lower case).
    headers: list[tuple[str, str]]
    #: The body as text when it is UTF-8 (as Alexa's are), which re-encodes to the same bytes.
    body: str | None = None
    #: Otherwise the body in base64.
    body_base64: str | None = None

    def body_bytes(self) -> bytes:
        """The body, byte for byte as received."""
        if self.body is not None:
            return self.body.encode("utf-8")
        if self.body_base64 is not None:
            return base64.b64decode(self.body_base64)
        return b""


_encode: Final = msgspec.json.Encoder().encode
_decode: Final = msgspec.json.Decoder(Capture).decode


def load_capture(path: str | os.PathLike[str]) -> Capture:
    """Read a capture file; `ValueError` if it is not one."""
    data = Path(path).read_bytes()
    try:
        capture = _decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise ValueError(f"{path}: not an alexaskill capture file ({exc})") from None
    # What replaying it needs, checked here rather than once the replay is under way.
    try:
        capture.body_bytes()
    except binascii.Error as exc:
        raise ValueError(f"{path}: not an alexaskill capture file (body_base64: {exc})") from None
    for name, value in capture.headers:
        if any(ord(char) > 0xFF for char in name + value):
            raise ValueError(
                f"{path}: not an alexaskill capture file (header {name!r}: a character beyond "
                "latin-1, where each character stands for one byte received)"
            )
    return capture


class RequestCapture:
    """Writes received requests to files in ``directory`` (see the module docstring)."""

    def __init__(self, directory: str | os.PathLike[str], limit: int = CAPTURE_LIMIT) -> None:
        self.directory = Path(directory)
        self.limit = limit
        self._count: int | None = None
        self._sequence = itertools.count(1)

    def write(self, path: str, headers: Iterable[tuple[bytes, bytes]], body: bytes) -> Path | None:
        """Write one request; its file, or None when the limit is reached or writing failed."""
        try:
            if self._count is None:
                self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
                self._count = sum(1 for p in self.directory.iterdir() if p.name.endswith(_SUFFIX))
            if self._count >= self.limit:
                if self._count == self.limit:
                    self._count += 1  # warn once
                    logger.warning(
                        "request capture: %s already holds %d captures; no more are written",
                        self.directory,
                        self.limit,
                    )
                return None
            file = self._write(path, headers, body)
        except OSError as exc:
            # A capture is a debugging aid: failing to write one never fails the request.
            logger.warning("request capture: cannot write to %s: %s", self.directory, exc)
            return None
        self._count += 1
        return file

    def _write(self, path: str, headers: Iterable[tuple[bytes, bytes]], body: bytes) -> Path:
        now = time.time()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now))
        micros = int(now % 1 * 1_000_000)
        capture = Capture(
            received_at=f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(now))}.{micros:06d}Z",
            path=path,
            headers=[(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers],
        )
        try:
            capture.body = body.decode("utf-8")
        except UnicodeDecodeError:
            capture.body_base64 = base64.b64encode(body).decode("ascii")
        data = _encode(capture)
        while True:
            file = self.directory / f"{stamp}.{micros:06d}-{os.getpid()}-{next(self._sequence)}"
            file = file.with_name(file.name + _SUFFIX)
            try:
                # O_EXCL: never write through a file (or link) someone else put there first.
                fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            return file
