"""Test a skill as Alexa would talk to it, with verification on.

- `TestPKI`: a throwaway root → intermediate → leaf chain (SAN ``echo-api.amazon.com``) that
  signs request bodies with both signature headers, and makes `Verifier` objects trusting it.
- `RequestFactory`: realistic, fresh request envelopes for one simulated user and device.
- `TestClient`: runs the skill in-process (Starlette's test client), signs every request with the
  PKI, carries session attributes from answer to request like Alexa, and returns `SkillResponse`
  values with the parts a test looks at.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as _dt
import functools
import json
import os
import re
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .ssml import strip_tags
from .verify import ECHO_API_HOST, Verifier

if TYPE_CHECKING:
    from .app import Skill

__all__ = [
    "DEFAULT_CERT_URL",
    "DEFAULT_SKILL_ID",
    "SCREEN",
    "RequestFactory",
    "SkillResponse",
    "TestClient",
    "TestPKI",
    "intent_fields",
    "load_request",
    "refresh",
    "slot_json",
    "timestamp",
]

# --- signing PKI --------------------------------------------------------------------------------

#: Where `TestPKI` says its chain lives; `TestPKI.verifier` serves it from memory.
DEFAULT_CERT_URL: Final = "https://s3.amazonaws.com/echo.api/alexaskill-test.pem"


@functools.cache
def _rsa_key(slot: int) -> rsa.RSAPrivateKey:
    # RSA key generation costs ~50 ms: each key is made once per process and shared.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "alexaskill test PKI"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


_CA_USAGE: Final = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)
_SERVER_USAGE: Final = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=True,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)
_SERVER_EKU: Final = x509.ExtendedKeyUsage(
    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
)


class TestPKI:
    """A throwaway root → intermediate → leaf PKI that signs request bodies as Alexa does.

    The leaf is an RSA-2048 server certificate for ``echo-api.amazon.com`` (in its SAN) valid from
    ``not_before`` to ``not_after`` (default: a day before ``valid_at``, or now, to a year after);
    the CAs are valid a year longer either way. Keys come from a per-process pool, so building
    another PKI costs only certificate signatures; ``key_set`` picks unrelated keys, and ``keys``
    (root, intermediate, leaf) gives keys of your own.

    `save`, `load` and `load_or_create` keep a PKI in a directory, so that two processes (a
    development server and the command that talks to it) share one: see ``alexaskill serve --dev``.
    """

    __test__ = False  # not a pytest test class, whatever its name says

    _default: ClassVar[TestPKI | None] = None

    def __init__(
        self,
        *,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        valid_at: datetime | None = None,
        cert_url: str = DEFAULT_CERT_URL,
        include_root: bool = False,
        key_set: int = 0,
        keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey, rsa.RSAPrivateKey] | None = None,
    ) -> None:
        if valid_at is None:
            valid_at = datetime.now(UTC)
        self.not_before = not_before if not_before is not None else valid_at - timedelta(days=1)
        self.not_after = not_after if not_after is not None else valid_at + timedelta(days=365)
        self.cert_url = cert_url
        self.include_root = include_root
        if keys is None:
            keys = (_rsa_key(3 * key_set), _rsa_key(3 * key_set + 1), _rsa_key(3 * key_set + 2))
        self.root_key, self.intermediate_key = keys[0], keys[1]
        #: The key requests are signed with.
        self.leaf_key = keys[2]
        ca_not_before = self.not_before - timedelta(days=365)
        ca_not_after = self.not_after + timedelta(days=365)
        self.root = self.issue(
            _name("alexaskill test root CA"),
            self.root_key,
            not_before=ca_not_before,
            not_after=ca_not_after,
            ca=True,
        )
        self.intermediate = self.issue(
            _name("alexaskill test intermediate CA"),
            self.intermediate_key,
            issuer=(self.root, self.root_key),
            not_before=ca_not_before,
            not_after=ca_not_after,
            ca=True,
        )
        self.leaf = self.issue_leaf()

    @classmethod
    def default(cls) -> TestPKI:
        """The PKI shared by a whole test process, valid from yesterday for a year."""
        if cls._default is None:
            cls._default = cls()
        return cls._default

    @property
    def chain_pem(self) -> bytes:
        """The chain file Alexa's URL would serve: leaf, intermediate (and root if asked)."""
        certificates = [self.leaf, self.intermediate]
        if self.include_root:
            certificates.append(self.root)
        return self.pem(*certificates)

    @staticmethod
    def pem(*certificates: x509.Certificate) -> bytes:
        """Certificates as one PEM file, in the order given."""
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)

    def issue(
        self,
        subject: x509.Name,
        key: rsa.RSAPrivateKey,
        *,
        issuer: tuple[x509.Certificate, rsa.RSAPrivateKey] | None = None,
        not_before: datetime,
        not_after: datetime,
        ca: bool = False,
        dns_names: Iterable[str] = (),
    ) -> x509.Certificate:
        """A certificate for ``key`` signed by ``issuer`` (certificate, key), or self-signed,
        with the extensions cryptography's web-PKI verifier expects of a CA or a TLS server.
        """
        issuer_name, signer = (issuer[0].subject, issuer[1]) if issuer else (subject, key)
        public_key = key.public_key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer_name)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(_CA_USAGE if ca else _SERVER_USAGE, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()),
                critical=False,
            )
        )
        if not ca:
            builder = builder.add_extension(_SERVER_EKU, critical=False)
        names = [x509.DNSName(name) for name in dns_names]
        if names:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        return builder.sign(signer, hashes.SHA256())

    def issue_leaf(
        self,
        *,
        dns_names: Iterable[str] = (ECHO_API_HOST,),
        common_name: str = ECHO_API_HOST,
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        self_signed: bool = False,
    ) -> x509.Certificate:
        """Another signing certificate for `leaf_key`: by the intermediate, or self-signed.

        Dates default to this PKI's leaf dates.
        """
        return self.issue(
            _name(common_name),
            self.leaf_key,
            issuer=None if self_signed else (self.intermediate, self.intermediate_key),
            not_before=not_before if not_before is not None else self.not_before,
            not_after=not_after if not_after is not None else self.not_after,
            dns_names=dns_names,
        )

    def signature(self, body: bytes, *, sha1: bool = False) -> str:
        """The base64 signature of ``body``: SHA-256, or SHA-1 for the legacy header."""
        algorithm: hashes.HashAlgorithm = hashes.SHA1() if sha1 else hashes.SHA256()  # noqa: S303
        raw = self.leaf_key.sign(body, padding.PKCS1v15(), algorithm)
        return base64.b64encode(raw).decode("ascii")

    def sign(
        self, body: bytes, sha1: bool = True, *, sha256: bool = True, cert_url: str | None = None
    ) -> dict[str, str]:
        """The headers Alexa sends with ``body``: ``SignatureCertChainUrl``, ``Signature-256``
        and (if ``sha1``) the legacy ``Signature``.
        """
        headers = {"SignatureCertChainUrl": cert_url if cert_url is not None else self.cert_url}
        if sha256:
            headers["Signature-256"] = self.signature(body)
        if sha1:
            headers["Signature"] = self.signature(body, sha1=True)
        return headers

    # --- kept on disk ---

    #: The file `save` writes in its directory: three private keys, then three certificates.
    FILE_NAME: ClassVar[str] = "alexaskill-pki.pem"

    def to_pem(self) -> bytes:
        """Keys (root, intermediate, leaf; unencrypted PKCS#8) then certificates, as one PEM."""
        keys = b"".join(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            for key in (self.root_key, self.intermediate_key, self.leaf_key)
        )
        return keys + self.pem(self.root, self.intermediate, self.leaf)

    @classmethod
    def from_pem(cls, data: bytes, *, cert_url: str = DEFAULT_CERT_URL) -> TestPKI:
        """The PKI `to_pem` wrote; `ValueError` if ``data`` is anything else."""
        blocks = [(match[1], match[0]) for match in _PEM_BLOCK.finditer(data)]
        kinds = [kind for kind, _ in blocks]
        if kinds != [b"PRIVATE KEY"] * 3 + [b"CERTIFICATE"] * 3:
            raise ValueError("not a saved alexaskill PKI (three keys, then three certificates)")
        keys: list[rsa.RSAPrivateKey] = []
        for _, block in blocks[:3]:
            key = serialization.load_pem_private_key(block, password=None)
            if not isinstance(key, rsa.RSAPrivateKey):
                raise ValueError("a saved alexaskill PKI key is not an RSA key")
            keys.append(key)
        root, intermediate, leaf = (x509.load_pem_x509_certificate(b) for _, b in blocks[3:])
        pairs = zip((root, intermediate, leaf), keys, strict=True)
        if any(cert.public_key() != key.public_key() for cert, key in pairs):
            raise ValueError("a saved alexaskill PKI certificate does not match its key")
        pki = cls.__new__(cls)
        pki.root_key, pki.intermediate_key, pki.leaf_key = keys
        pki.root, pki.intermediate, pki.leaf = root, intermediate, leaf
        pki.not_before = leaf.not_valid_before_utc
        pki.not_after = leaf.not_valid_after_utc
        pki.cert_url = cert_url
        pki.include_root = False
        return pki

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write `to_pem` to ``directory`` (made 0700 if missing) as a 0600 file; its path."""
        path = Path(directory) / self.FILE_NAME
        _write_private(path, self.to_pem(), replace=True)
        return path

    @classmethod
    def load(
        cls, directory: str | os.PathLike[str], *, cert_url: str = DEFAULT_CERT_URL
    ) -> TestPKI:
        """The PKI `save` wrote in ``directory``: `FileNotFoundError` or `ValueError` if none."""
        path = Path(directory) / cls.FILE_NAME
        try:
            return cls.from_pem(path.read_bytes(), cert_url=cert_url)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}; delete the file to make a new PKI") from exc

    @classmethod
    def load_or_create(
        cls, directory: str | os.PathLike[str], *, cert_url: str = DEFAULT_CERT_URL
    ) -> TestPKI:
        """The PKI kept in ``directory``, made there with fresh keys on first use.

        Certificates that are no longer valid (a year after they were made) are issued again
        for the same keys. Two processes creating it at once end up with the same PKI: the file
        appears whole or not at all, and the first one written wins.
        """
        path = Path(directory) / cls.FILE_NAME
        try:
            pki = cls.load(directory, cert_url=cert_url)
        except FileNotFoundError:
            fresh = cls(keys=(_new_rsa_key(), _new_rsa_key(), _new_rsa_key()), cert_url=cert_url)
            if _write_private(path, fresh.to_pem(), replace=False):
                return fresh
            return cls.load(directory, cert_url=cert_url)
        now = datetime.now(UTC)
        if not pki.not_before <= now <= pki.not_after - timedelta(days=1):
            pki = cls(keys=(pki.root_key, pki.intermediate_key, pki.leaf_key), cert_url=cert_url)
            pki.save(directory)
        return pki

    async def fetch_chain(self, url: str) -> bytes:
        """Serve `chain_pem` for any URL (a `Verifier` only fetches URLs it has checked)."""
        return self.chain_pem

    def verifier(self, *, chain: bytes | None = None, **kwargs: Any) -> Verifier:
        """A `Verifier` trusting this PKI's root and serving its chain (or ``chain``) from memory.

        Other keyword arguments (``now``, ``allow_sha1``, ``trusted_roots``, ...) go to `Verifier`.
        """
        kwargs.setdefault("trusted_roots", [self.root])
        if "fetch_chain" not in kwargs:
            if chain is None:
                kwargs["fetch_chain"] = self.fetch_chain
            else:
                kwargs["fetch_chain"] = _serve(chain)
        return Verifier(**kwargs)


_PEM_BLOCK: Final = re.compile(rb"-----BEGIN ([A-Z ]+)-----\r?\n.+?-----END \1-----", re.S)


def _new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _write_private(path: Path, data: bytes, *, replace: bool) -> bool:
    """Write ``data`` to ``path`` readable by its owner only, all at once; False if ``path``
    exists and ``replace`` is false (then nothing is written).
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pem")
    try:
        with os.fdopen(fd, "wb") as file:  # mkstemp makes it 0600
            file.write(data)
        if replace:
            os.replace(temporary, path)
            return True
        try:
            # A hard link fails if the name exists: create-if-absent without a partial file.
            os.link(temporary, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if path.exists():
                return False
            os.replace(temporary, path)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _serve(pem: bytes) -> Callable[[str], Awaitable[bytes]]:
    async def fetch_chain(url: str) -> bytes:
        return pem

    return fetch_chain


# --- requests and the test client ------------------------------------------------------------

#: The skill id the request builders use when neither the client nor the skill names one.
DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"

#: Request types that arrive inside a session; the others come with no ``session``.
SESSION_TYPES = frozenset(
    {
        "LaunchRequest",
        "IntentRequest",
        "SessionEndedRequest",
        "CanFulfillIntentRequest",
        "SessionResumedRequest",
        "Display.ElementSelected",
        "Alexa.Presentation.APL.UserEvent",
        "Alexa.Presentation.APL.RuntimeError",
        "Alexa.Presentation.APL.LoadIndexListData",
        "Alexa.Presentation.APL.LoadTokenListData",
        "Connections.Response",
        "GameEngine.InputHandlerEvent",
        "CustomInterfaceController.EventsReceived",
        "CustomInterfaceController.Expired",
    }
)

#: The interfaces a device with a screen declares (an Echo Show): pass as ``interfaces=``.
SCREEN: Final = ("AudioPlayer", "Display", "Alexa.Presentation.APL")

_INTERFACES: dict[str, dict[str, Any]] = {
    "AudioPlayer": {},
    "Display": {"templateVersion": "1.0", "markupVersion": "1.0"},
    "VideoApp": {},
    "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.3"}},
}


def timestamp(now: _dt.datetime | None = None) -> str:
    """An Alexa request timestamp (``2026-11-27T09:30:00Z``) for ``now`` (default: the clock)."""
    moment = now or _dt.datetime.now(_dt.UTC)
    return moment.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _new_id(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4()}"


def slot_json(name: str, value: Any) -> dict[str, Any]:
    """The JSON of slot ``name`` holding ``value``: a str, number, list (multi-value) or dict."""
    if isinstance(value, Mapping):
        return {"name": name, "confirmationStatus": "NONE", **value}
    if value is None:
        return {"name": name, "confirmationStatus": "NONE"}
    if isinstance(value, list | tuple):
        values = [str(v) for v in value]
        return {
            "name": name,
            "confirmationStatus": "NONE",
            "slotValue": {
                "type": "List",
                "values": [{"type": "Simple", "value": v} for v in values],
            },
        }
    text = str(value)
    return {
        "name": name,
        "value": text,
        "confirmationStatus": "NONE",
        "source": "USER",
        "slotValue": {"type": "Simple", "value": text},
    }


@dataclass
class RequestFactory:
    """Builds realistic, fresh request envelopes for one simulated user and device."""

    skill_id: str = DEFAULT_SKILL_ID
    locale: str = "en-US"
    user_id: str = field(default_factory=lambda: _new_id("amzn1.ask.account"))
    device_id: str = field(default_factory=lambda: _new_id("amzn1.ask.device"))
    #: Interfaces the device declares: AudioPlayer, Display, VideoApp, Alexa.Presentation.APL.
    interfaces: tuple[str, ...] = ("AudioPlayer",)
    api_endpoint: str = "https://api.amazonalexa.com"
    #: Extra fields merged into ``context.System.user`` (an ``accessToken``, say).
    user: dict[str, Any] = field(default_factory=dict)

    def context(self) -> dict[str, Any]:
        """The ``context`` object of a request from this device."""
        context: dict[str, Any] = {
            "System": {
                "application": {"applicationId": self.skill_id},
                "user": {"userId": self.user_id, **self.user},
                "device": {
                    "deviceId": self.device_id,
                    "supportedInterfaces": {
                        name: _INTERFACES.get(name, {}) for name in self.interfaces
                    },
                },
                "apiEndpoint": self.api_endpoint,
                "apiAccessToken": "test-api-access-token",
            },
        }
        if "AudioPlayer" in self.interfaces:
            context["AudioPlayer"] = {"playerActivity": "IDLE"}
        if "Alexa.Presentation.APL" in self.interfaces or "Display" in self.interfaces:
            context["Viewport"] = {
                "shape": "RECTANGLE",
                "pixelWidth": 1280,
                "pixelHeight": 800,
                "dpi": 160,
            }
        return context

    def session(
        self,
        session_id: str | None = None,
        *,
        new: bool = True,
        attributes: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The ``session`` object of a request in a session."""
        return {
            "new": new,
            "sessionId": session_id or _new_id("amzn1.echo-api.session"),
            "application": {"applicationId": self.skill_id},
            "attributes": dict(attributes or {}),
            "user": {"userId": self.user_id, **self.user},
        }

    def envelope(
        self,
        request_type: str,
        *,
        session: Mapping[str, Any] | None = None,
        now: _dt.datetime | None = None,
        **fields: Any,
    ) -> dict[str, Any]:
        """A request envelope of ``request_type`` with ``fields`` in its ``request`` object.

        A session is made up for request types that come in one, unless ``session`` is given.
        """
        request = {
            "type": request_type,
            "requestId": _new_id("amzn1.echo-api.request"),
            "timestamp": timestamp(now),
            "locale": self.locale,
            **fields,
        }
        envelope: dict[str, Any] = {"version": "1.0"}
        if session is not None:
            envelope["session"] = dict(session)
        elif request_type in SESSION_TYPES:
            envelope["session"] = self.session()
        envelope["context"] = self.context()
        envelope["request"] = request
        return envelope

    def intent(
        self,
        name: str,
        *,
        session: Mapping[str, Any] | None = None,
        dialog_state: str | None = None,
        confirmation_status: str = "NONE",
        **slots: Any,
    ) -> dict[str, Any]:
        """An IntentRequest for intent ``name`` with ``slots`` given by name."""
        fields = intent_fields(name, dialog_state, confirmation_status, slots)
        return self.envelope("IntentRequest", session=session, **fields)


def intent_fields(
    name: str, dialog_state: str | None, confirmation_status: str, slots: Mapping[str, Any]
) -> dict[str, Any]:
    """The ``request`` fields of an IntentRequest: the intent, its slots, the dialog state."""
    fields: dict[str, Any] = {
        "intent": {
            "name": name,
            "confirmationStatus": confirmation_status,
            "slots": {slot: slot_json(slot, value) for slot, value in slots.items()},
        }
    }
    if dialog_state is not None:
        fields["dialogState"] = dialog_state
    return fields


@dataclass(frozen=True)
class SkillResponse:
    """What the skill answered, with the parts a test looks at most."""

    status_code: int
    json: Any

    @property
    def _body(self) -> dict[str, Any]:
        if isinstance(self.json, dict):
            response = self.json.get("response")
            if isinstance(response, dict):
                return response
        return {}

    @staticmethod
    def _speech_markup(output: Any) -> str | None:
        if not isinstance(output, dict):
            return None
        if output.get("type") == "SSML":
            return str(output.get("ssml", ""))
        if "text" in output:
            return str(output["text"])
        return None

    @property
    def ssml(self) -> str | None:
        """The output speech as sent: SSML markup, or the plain text."""
        return self._speech_markup(self._body.get("outputSpeech"))

    @property
    def speech(self) -> str | None:
        """The output speech as words, SSML tags removed."""
        markup = self.ssml
        return None if markup is None else strip_tags(markup)

    @property
    def reprompt(self) -> str | None:
        """The reprompt as words, SSML tags removed."""
        reprompt = self._body.get("reprompt")
        markup = self._speech_markup(reprompt.get("outputSpeech") if reprompt else None)
        return None if markup is None else strip_tags(markup)

    @property
    def card(self) -> dict[str, Any] | None:
        """The card, as JSON."""
        card = self._body.get("card")
        return card if isinstance(card, dict) else None

    @property
    def directives(self) -> list[dict[str, Any]]:
        """The directives, as JSON."""
        directives = self._body.get("directives")
        return directives if isinstance(directives, list) else []

    @property
    def should_end_session(self) -> bool | None:
        """``shouldEndSession``: True, False, or None when the response leaves it out."""
        value = self._body.get("shouldEndSession")
        return value if isinstance(value, bool) else None

    @property
    def session_attributes(self) -> dict[str, Any]:
        """The ``sessionAttributes`` sent back ({} when there are none)."""
        attributes = self.json.get("sessionAttributes") if isinstance(self.json, dict) else None
        return attributes if isinstance(attributes, dict) else {}

    @property
    def error(self) -> str | None:
        """The reason of a refused request (``{"error": …}``), else None."""
        return self.json.get("error") if isinstance(self.json, dict) else None


class TestClient:
    """Talks to a skill in-process as Alexa would: signed requests, sessions carried over.

    For the client's lifetime (until `close`, or the end of the ``with`` block) the skill trusts a
    throwaway signing PKI and nothing else: verification stays on, with certificates made for the
    test. Use it as a context manager to run the skill's lifespan. Unless a call passes its own
    ``session``, requests in a session carry the attributes of the previous answer (and
    ``new: false``) until an answer ends the session.

    ``skill_id`` (default: the skill's own), ``locale``, ``interfaces`` (the device's
    ``supportedInterfaces``: ``"AudioPlayer"``, ``"Display"``, ``"Alexa.Presentation.APL"``,
    ``"VideoApp"``; `SCREEN` names a screen device's), ``user_id`` and ``device_id`` describe the
    simulated user and device; each can also be changed between requests.
    """

    __test__ = False

    def __init__(
        self,
        skill: Skill,
        *,
        pki: TestPKI | None = None,
        skill_id: str | None = None,
        locale: str = "en-US",
        interfaces: Iterable[str] = ("AudioPlayer",),
        user_id: str | None = None,
        device_id: str | None = None,
        path: str | None = None,
        now: Callable[[], _dt.datetime] | None = None,
    ) -> None:
        from starlette.testclient import TestClient as StarletteClient

        self.skill = skill
        self.pki = pki or TestPKI.default()
        if skill_id is None:
            skill_id = min(skill.skill_ids) if skill.skill_ids else DEFAULT_SKILL_ID
        self.factory = RequestFactory(
            skill_id=skill_id, locale=locale, interfaces=tuple(interfaces)
        )
        if user_id is not None:
            self.factory.user_id = user_id
        if device_id is not None:
            self.factory.device_id = device_id
        self.path = path if path is not None else skill.path
        self._now = now
        if skill.verify and skill.verifier is None:
            # The verifier the app would make on first use. Made now, so that what is restored
            # at close is a verifier: restoring None to a skill whose app is already built would
            # leave it checking nothing.
            from .verify import Verifier

            skill.verifier = Verifier()
        self._saved_verifier = skill.verifier
        self._closed = False
        if skill.verify:
            skill.verifier = self.pki.verifier(now=now)
        self.http = StarletteClient(skill, raise_server_exceptions=True)
        self._session: dict[str, Any] | None = None
        self.last: SkillResponse | None = None

    # --- lifetime ---

    def __enter__(self) -> TestClient:
        self.http.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.http.__exit__(*exc_info)
        finally:
            self.close()

    def close(self) -> None:
        """Stop trusting the test PKI: the skill gets back its own verifier."""
        if not self._closed:
            self._closed = True
            self.skill.verifier = self._saved_verifier

    # --- the simulated user and device ---

    @property
    def skill_id(self) -> str:
        """The application id the client's requests carry."""
        return self.factory.skill_id

    @skill_id.setter
    def skill_id(self, value: str) -> None:
        self.factory.skill_id = value
        self._session = None

    @property
    def locale(self) -> str:
        """The locale of the client's requests (``"en-US"``)."""
        return self.factory.locale

    @locale.setter
    def locale(self, value: str) -> None:
        self.factory.locale = value

    @property
    def interfaces(self) -> tuple[str, ...]:
        """The interfaces the simulated device declares."""
        return self.factory.interfaces

    @interfaces.setter
    def interfaces(self, value: Iterable[str]) -> None:
        self.factory.interfaces = tuple(value)

    @property
    def user_id(self) -> str:
        """The simulated user's id; changing it starts a new session."""
        return self.factory.user_id

    @user_id.setter
    def user_id(self, value: str) -> None:
        self.factory.user_id = value
        self._session = None

    # --- conversations ---

    def new_session(self) -> None:
        """Forget the current session: the next request starts a new one."""
        self._session = None

    def _session_for(self, request_type: str) -> dict[str, Any] | None:
        if request_type not in SESSION_TYPES:
            return None
        if self._session is None:
            self._session = self.factory.session()
        return self._session

    def _follow(self, request_type: str, result: SkillResponse) -> None:
        if self._session is None or request_type not in SESSION_TYPES:
            return
        ended = request_type == "SessionEndedRequest" or result.should_end_session is True
        if result.status_code != 200 or ended:
            self._session = None
            return
        self._session = {
            **self._session,
            "new": False,
            "attributes": result.session_attributes,
        }

    # --- sending ---

    def post(self, body: bytes, headers: Mapping[str, str] | None = None) -> SkillResponse:
        """POST raw ``body`` with exactly ``headers`` (nothing signed): for testing refusals."""
        response = self.http.post(
            self.path,
            content=body,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            payload = response.json()
        except ValueError:
            payload = None
        result = SkillResponse(response.status_code, payload)
        self.last = result
        return result

    def send_envelope(self, envelope: Mapping[str, Any]) -> SkillResponse:
        """Sign ``envelope`` as Alexa would and send it."""
        body = json.dumps(envelope, ensure_ascii=False).encode()
        return self.post(body, self.pki.sign(body))

    def send(
        self, request_type: str, *, session: Mapping[str, Any] | None = None, **fields: Any
    ) -> SkillResponse:
        """Send a request of any type, with ``fields`` in its ``request`` object."""
        own_session = session is None
        envelope = self.factory.envelope(
            request_type,
            session=session if session is not None else self._session_for(request_type),
            now=self._clock(),
            **fields,
        )
        result = self.send_envelope(envelope)
        if own_session:
            self._follow(request_type, result)
        return result

    def _clock(self) -> _dt.datetime | None:
        return None if self._now is None else self._now()

    def launch(self) -> SkillResponse:
        """Send a LaunchRequest ("Alexa, open …")."""
        return self.send("LaunchRequest")

    def intent(
        self,
        name: str,
        *,
        dialog_state: str | None = None,
        confirmation_status: str = "NONE",
        **slots: Any,
    ) -> SkillResponse:
        """Send an IntentRequest; each keyword is a slot (a str, number, list or slot dict)."""
        fields = intent_fields(name, dialog_state, confirmation_status, slots)
        return self.send("IntentRequest", **fields)

    def session_ended(self, reason: str = "USER_INITIATED", **fields: Any) -> SkillResponse:
        """Send a SessionEndedRequest."""
        return self.send("SessionEndedRequest", reason=reason, **fields)

    def replay(
        self,
        source: str | os.PathLike[str] | Mapping[str, Any],
        *,
        keep_skill_id: bool = False,
        skill_id: str | None = None,
        locale: str | None = None,
    ) -> SkillResponse:
        """Send a sample request (a file path or a parsed envelope) as Alexa would, freshly signed.

        The timestamp is made fresh and, unless ``keep_skill_id``, the application ids are set
        to ``skill_id`` (default: the client's), so sample requests from anywhere reach the
        skill. ``locale`` replaces the request's locale. The request keeps its own session: a
        replay neither joins nor changes the client's conversation.
        """
        envelope = load_request(source)
        if not keep_skill_id and skill_id is None:
            skill_id = self.skill_id
        refresh(
            envelope,
            now=self._clock(),
            skill_id=None if keep_skill_id else skill_id,
            locale=locale,
        )
        return self.send_envelope(envelope)


def load_request(source: str | os.PathLike[str] | Mapping[str, Any]) -> dict[str, Any]:
    """A request envelope from a JSON file, or a deep copy of a parsed one."""
    if isinstance(source, Mapping):
        loaded: Any = json.loads(json.dumps(source))
    else:
        with open(source, encoding="utf-8") as file:
            loaded = json.load(file)
    if not isinstance(loaded, dict) or not isinstance(loaded.get("request"), dict):
        raise ValueError(f"{source}: not an Alexa request envelope (no 'request' object)")
    return loaded


def refresh(
    envelope: dict[str, Any],
    *,
    now: _dt.datetime | None = None,
    skill_id: str | None = None,
    locale: str | None = None,
) -> dict[str, Any]:
    """Give ``envelope`` a fresh timestamp and, if given, that application id and locale."""
    envelope["request"]["timestamp"] = timestamp(now)
    if locale is not None:
        envelope["request"]["locale"] = locale
    if skill_id is not None:
        system = (envelope.get("context") or {}).get("System") or {}
        if isinstance(system.get("application"), dict):
            system["application"]["applicationId"] = skill_id
        session = envelope.get("session")
        if isinstance(session, dict) and isinstance(session.get("application"), dict):
            session["application"]["applicationId"] = skill_id
    return envelope
