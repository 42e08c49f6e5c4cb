"""Opt-in capture of requests as received, for ``alexaskill certify --replay``.

`Skill(capture_dir=...)` writes each POST the skill's endpoint receives (its body byte for byte,
and headers), refused or not, to its own file in that directory. Replayed later, a request
Alexa really signed is the one proof that whatever sits in front of the skill (a TLS proxy, a
load balancer, an API gateway) passes the body and the signature headers through untouched: once
its timestamp is old, it must be refused for its *timestamp*, not for its signature.

Of the headers, a capture keeps those replay sends and those that show what a proxy did
(`KEPT_HEADERS`): whatever else arrives (a proxy's ``Authorization``, a browser's ``Cookie``, an
API gateway's key, an identity proxy's token) is named in the file's ``omitted_headers``, its value
never written, and said once in the log. The body is kept whole: it is what Alexa signed.

The files hold what Alexa sends about the user: user and device ids, access tokens, consent
tokens, what was said. Each file is readable and writable by its owner only (0600) in a
directory made 0700 (an existing one open to others is said at WARNING). Capture stops once the
directory holds `CAPTURE_LIMIT` captures of requests the skill accepted, so a flood of requests
cannot fill the disk; each is written once the checks have judged it, and only a request that passed
them all (signature, timestamp, skill id) counts toward that quota. Anyone can send a request the
checks refuse (unsigned, with made-up signature headers, a real one of Alexa's sent again past its
timestamp's 150 s, another skill's): those share a small quota of their own,
`REFUSED_CAPTURE_LIMIT`, and their files say why they were refused (a proxy that drops the headers
or changes the body still shows, unless a flood got there first). With verification off
(``Skill(verify=False)``) nothing tells Alexa's requests from others: any that decodes counts as
accepted (with ``skill_id="*"``, any other skill's that Alexa signed). A real request sent again
within its 150 s is accepted (no check remembers requests), and takes a place. Switch capture on to
get a capture, then off again.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import logging
import os
import stat
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

import msgspec

from .exceptions import SkillError, remade_from_parts
from .json_once import loads_once
from .logs import security_logger

__all__ = [
    "CAPTURE_LIMIT",
    "KEPT_HEADERS",
    "REFUSED_CAPTURE_LIMIT",
    "Capture",
    "CaptureFileError",
    "RequestCapture",
    "load_capture",
]

logger = logging.getLogger("alexaskill")

#: At most this many captures of requests the skill accepted in the directory; requests beyond
#: are not captured.
CAPTURE_LIMIT: Final = 100
#: At most this many captures of requests it refused (anyone can send those).
REFUSED_CAPTURE_LIMIT: Final = 10
#: `load_capture` refuses a larger file (a request body is at most ``Skill(max_body_size=...)``,
#: 128 KiB unless raised) rather than read it into memory whole.
MAX_CAPTURE_BYTES = 16 * 1024 * 1024
#: The headers a capture keeps (names in lower case): Alexa's, which replay sends again, and
#: those that show what a proxy in front did. An allow-list, so that a secret under a name not
#: foreseen (``X-Amzn-Oidc-Accesstoken``, a gateway's own key) is left out too.
KEPT_HEADERS: Final = frozenset(
    (
        # What Alexa sends (https://developer.amazon.com/en-US/docs/alexa/custom-skills/
        # host-a-custom-skill-as-a-web-service.html#verify-request-sent-by-alexa).
        "signature",
        "signature-256",
        "signaturecertchainurl",
        "content-type",
        "content-length",
        "content-encoding",
        "transfer-encoding",
        "accept",
        "accept-charset",
        "accept-encoding",
        "user-agent",
        "host",
        "connection",
        # What proxies add about the route, no credentials.
        "via",
        "forwarded",
        "x-forwarded-for",
        "x-forwarded-host",
        "x-forwarded-port",
        "x-forwarded-proto",
        "x-real-ip",
        "x-amzn-trace-id",
        "x-request-id",
    )
)
_SUFFIX: Final = ".capture.json"
_REFUSED_SUFFIX: Final = ".refused.capture.json"
#: Refused captures as alexaskill named them before (requests without signature headers).
_UNSIGNED_SUFFIX: Final = ".unsigned.capture.json"


class Capture(msgspec.Struct, kw_only=True):
    """One request as the skill received it."""

    #: When it arrived (written as its checks finished), ISO 8601 in UTC.
    received_at: str
    #: The request path (without the query string).
    path: str
    #: The headers in `KEPT_HEADERS`, as received and in order (ASGI servers give the names in
    #: lower case); each character stands for the byte of the same number (latin-1).
    headers: list[tuple[str, str]]
    #: The names of the other headers received (in lower case, each once): their values are not
    #: written (credentials: ``Authorization``, ``Cookie``, ...), and replay does not send them.
    omitted_headers: list[str] = msgspec.field(default_factory=list)
    #: The body as text when it is UTF-8 (as Alexa's are), which re-encodes to the same bytes.
    body: str | None = None
    #: Otherwise the body in base64.
    body_base64: str | None = None
    #: Why the skill refused the request (the reason its HTTP 400 gave), or None: accepted.
    refused: str | None = None

    def body_bytes(self) -> bytes:
        """The body, byte for byte as received."""
        if self.body is not None:
            return self.body.encode("utf-8")
        if self.body_base64 is not None:
            return base64.b64decode(self.body_base64)
        return b""


_encode: Final = msgspec.json.Encoder().encode
_decode: Final = msgspec.json.Decoder(Capture).decode


def blocked_by_a_file(directory: str | os.PathLike[str]) -> str | None:
    """The file that stands where ``directory``, or a directory to make above it, would be;
    None when it is (or can be made) a directory, as far as the file system shows now."""
    path = Path(directory).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return None if path.is_dir() else str(path)


class CaptureFileError(SkillError, ValueError):
    """A file `load_capture` read that is no capture file: ``path`` names it, ``reason`` says
    why (``not an alexaskill capture file (…)``), its message both: ``PATH: REASON``."""

    # Below SkillError itself: no branch of the tree means a file read (a RequestError is a
    # request answered HTTP 400, a ConfigurationError a skill registered wrongly); a ValueError
    # still, as it was.

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:
        return remade_from_parts(self, self.path, self.reason)


def load_capture(path: str | os.PathLike[str]) -> Capture:
    """Read a capture file; `CaptureFileError` (a `ValueError`) if it is not one (or larger than
    `MAX_CAPTURE_BYTES`), or if it gives a key twice in one object."""
    limit = MAX_CAPTURE_BYTES
    with open(path, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        size = f"{limit >> 20} MiB" if limit % (1 << 20) == 0 else f"{limit:,} bytes"
        raise CaptureFileError(path, f"not an alexaskill capture file (larger than {size})")
    try:
        capture = _decode(data)
        # msgspec keeps the last of two equal keys silently: a capture edited by hand would be
        # replayed with what it did not seem to hold. The file's own JSON only: its body is a
        # string here, what was received, kept and sent byte for byte whatever it holds. (Bytes
        # not UTF-8 where msgspec skips them, in a field it does not know, pass as before.)
        # (its messages start with the label given: the reason is what follows it)
        label = str(path)
        loads_once(
            data.decode("utf-8", "surrogateescape"),
            label,
            long_number=True,
            error=lambda said: CaptureFileError(path, said.removeprefix(f"{label}: ")),
        )
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise CaptureFileError(path, f"not an alexaskill capture file ({exc})") from None
    except RecursionError:  # (in a field alexaskill does not know: no capture's)
        raise CaptureFileError(path, "not an alexaskill capture file (nested too deeply)") from None
    except CaptureFileError:
        raise
    except ValueError as exc:  # (json's own, re-raised by loads_once: a reason all the same)
        raise CaptureFileError(path, f"not an alexaskill capture file ({exc})") from None
    # What replaying it needs, checked here rather than once the replay is under way.
    try:
        capture.body_bytes()
    except binascii.Error as exc:
        raise CaptureFileError(
            path, f"not an alexaskill capture file (body_base64: {exc})"
        ) from None
    for name, value in capture.headers:
        if any(ord(char) > 0xFF for char in name + value):
            from .shown_names import shown  # (loaded once a message is due)

            raise CaptureFileError(
                path,
                f"not an alexaskill capture file (header {shown(name, quoted=True)}: a character "
                "beyond latin-1, where each character stands for one byte received)",
            )
    return capture


class RequestCapture:
    """Writes received requests to files in ``directory`` (see the module docstring)."""

    def __init__(
        self,
        directory: str | os.PathLike[str],
        limit: int = CAPTURE_LIMIT,
        refused_limit: int = REFUSED_CAPTURE_LIMIT,
    ) -> None:
        self.directory = Path(directory)
        self.limit = limit
        self.refused_limit = refused_limit
        #: The captures in the directory, of requests the skill accepted (True) and refused
        #: (False); None until the first write.
        self._counts: dict[bool, int] | None = None
        self._sequence = itertools.count(1)
        self._omission_said = False

    def write(
        self,
        path: str,
        headers: Iterable[tuple[bytes, bytes]],
        body: bytes,
        *,
        refused: str | None,
    ) -> Path | None:
        """Write one request, once the skill has accepted it (``refused`` None) or refused it
        (why); its file, or None when its kind's limit is reached or writing failed."""
        accepted = refused is None
        try:
            if self._counts is None:
                self._counts = self._open()
            count = self._counts[accepted]
            limit = self.limit if accepted else self.refused_limit
            if count >= limit:
                if count == limit:
                    self._counts[accepted] += 1  # warn once
                    logger.warning(
                        "request capture: %s already holds %d captures of requests the skill "
                        "%s; no more are written",
                        self.directory,
                        limit,
                        "accepted" if accepted else "refused",
                    )
                return None
            file = self._write(path, headers, body, refused)
        except OSError as exc:
            # A capture is a debugging aid: failing to write one never fails the request.
            logger.warning("request capture: cannot write to %s: %s", self.directory, exc)
            return None
        self._counts[accepted] += 1
        return file

    def _open(self) -> dict[bool, int]:
        """Make the directory (0700), or say that an existing one is open to others; the
        captures it holds of each kind."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = stat.S_IMODE(self.directory.stat().st_mode)
        if mode & 0o077 and os.name != "nt":  # (Windows: access is ACLs, not these modes)
            security_logger.warning(
                "request capture: %s is open to group or others (mode %04o): each capture is "
                "private (0600), but others can list, delete or add files there. chmod 700 it.",
                self.directory,
                mode,
            )
        names = [p.name for p in self.directory.iterdir() if p.name.endswith(_SUFFIX)]
        refused = sum(name.endswith((_REFUSED_SUFFIX, _UNSIGNED_SUFFIX)) for name in names)
        return {True: len(names) - refused, False: refused}

    def _write(
        self,
        path: str,
        headers: Iterable[tuple[bytes, bytes]],
        body: bytes,
        refused: str | None,
    ) -> Path:
        now = time.time()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now))
        micros = int(now % 1 * 1_000_000)
        kept: list[tuple[str, str]] = []
        omitted: dict[str, None] = {}  # (ordered, each name once)
        for name, value in headers:
            text = name.decode("latin-1")
            if text.lower() in KEPT_HEADERS:
                kept.append((text, value.decode("latin-1")))
            else:
                omitted[text.lower()] = None
        capture = Capture(
            received_at=f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(now))}.{micros:06d}Z",
            path=path,
            headers=kept,
            omitted_headers=list(omitted),
            refused=refused,
        )
        if omitted and not self._omission_said:
            self._omission_said = True  # once: a flood of made-up names writes one line
            logger.info(
                "request capture: the values of headers a replay does not need are left out "
                "(%s here); each capture names them in omitted_headers",
                ", ".join(repr(name) for name in list(omitted)[:8]),
            )
        try:
            capture.body = body.decode("utf-8")
        except UnicodeDecodeError:
            capture.body_base64 = base64.b64encode(body).decode("ascii")
        data = _encode(capture)
        while True:
            file = self.directory / f"{stamp}.{micros:06d}-{os.getpid()}-{next(self._sequence)}"
            file = file.with_name(file.name + (_SUFFIX if refused is None else _REFUSED_SUFFIX))
            try:
                # O_EXCL: never write through a file (or link) someone else put there first.
                fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(data)
            except BaseException:
                file.unlink(missing_ok=True)  # cut short, no capture: not left to be replayed
                raise
            return file
