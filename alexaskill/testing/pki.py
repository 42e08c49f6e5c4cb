"""A throwaway signing PKI: root → intermediate → leaf, signing request bodies as Alexa does."""

from __future__ import annotations

import base64
import functools
import os
import re
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..shown_names import shown_value
from ..verify import ECHO_API_HOST, Verifier
from .pki_dates import _check_bounds, _check_options, check_valid_at
from .pki_files import (
    FileIdentity,
    identity_if,
    private_directory,
    read_private,
    write_private,
)

# check_valid_at lives in pki_dates, re-exported: alexaskill.testing.options imports it from here.
__all__ = ["DEFAULT_CERT_URL", "TestPKI", "check_valid_at"]

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
    Whoever can put a key there is trusted by that server: a PKI file or directory of another
    user's, or that others may write (the file: read either), is refused (`PermissionError`).
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
        _check_options(not_before=not_before, not_after=not_after, valid_at=valid_at)
        _check_bounds(not_before=not_before, not_after=not_after)
        if not isinstance(cert_url, str):
            raise TypeError(
                f"TestPKI(cert_url=...) is a URL, a str such as {DEFAULT_CERT_URL!r}, not "
                f"{shown_value(cert_url)}"
            )
        if not isinstance(include_root, bool):
            raise TypeError(
                f"TestPKI(include_root=...) is True or False, not {shown_value(include_root)}"
            )
        if not isinstance(key_set, int) or isinstance(key_set, bool) or key_set < 0:
            raise TypeError(
                f"TestPKI(key_set=...) is a whole number, 0 or more, not {shown_value(key_set)}"
            )
        if keys is not None and (
            not isinstance(keys, tuple)
            or len(keys) != 3
            or not all(isinstance(key, rsa.RSAPrivateKey) for key in keys)
        ):
            raise TypeError(
                "TestPKI(keys=...) is three RSA private keys (root, intermediate, leaf), not "
                f"{shown_value(keys)}"
            )
        if valid_at is None:
            valid_at = datetime.now(UTC)
        elif None in (not_before, not_after):
            check_valid_at(valid_at, "TestPKI(valid_at=...)")
        self.not_before = not_before if not_before is not None else valid_at - timedelta(days=1)
        self.not_after = not_after if not_after is not None else valid_at + timedelta(days=365)
        if self.not_after < self.not_before:  # (cryptography's words would name no option)
            raise ValueError(
                f"TestPKI(...): its leaf would end (not_after {self.not_after.isoformat()}) "
                f"before it begins (not_before {self.not_before.isoformat()}; a bound not given "
                "is a day before valid_at, or a year after it, valid_at being now if not given)"
            )
        self.cert_url = cert_url
        self.include_root = include_root
        if keys is None:
            keys = (_rsa_key(3 * key_set), _rsa_key(3 * key_set + 1), _rsa_key(3 * key_set + 2))
        self.root_key, self.intermediate_key = keys[0], keys[1]
        self._saved_keys: tuple[bytes, bytes] = (b"", b"")  # (`from_pem`'s)
        self._saved_in: str | None = None
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
        """The base64 signature of ``body``: SHA-256, or SHA-1 for the legacy header. A view is
        signed as the bytes it shows."""
        algorithm: hashes.HashAlgorithm = hashes.SHA1() if sha1 else hashes.SHA256()  # noqa: S303
        # Plain bytes: cryptography reads a view's buffer, so a view with a step was signed as
        # the bytes under its start (at cryptography 45.0.1), or a BufferError (later).
        data = body if type(body) is bytes else memoryview(body).tobytes()
        raw = self.leaf_key.sign(data, padding.PKCS1v15(), algorithm)
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
        """The PKI `to_pem` wrote; `ValueError` if ``data`` is anything else.

        Of the three keys only the leaf's, which signs requests, is read now: cryptography checks
        each RSA key it reads (tens of milliseconds), and the CA keys are needed only to issue
        certificates (`root_key`, `intermediate_key`: read, and checked, when first used).
        """
        blocks = [(match[1], match[0]) for match in _PEM_BLOCK.finditer(data)]
        kinds = [kind for kind, _ in blocks]
        if kinds != [b"PRIVATE KEY"] * 3 + [b"CERTIFICATE"] * 3:
            raise ValueError("not a saved alexaskill PKI (three keys, then three certificates)")
        root, intermediate, leaf = (x509.load_pem_x509_certificate(b) for _, b in blocks[3:])
        pki = cls.__new__(cls)
        pki.leaf_key = _key_for(leaf, blocks[2][1])
        pki._saved_keys = (blocks[0][1], blocks[1][1])
        pki._saved_in = None
        pki.root, pki.intermediate, pki.leaf = root, intermediate, leaf
        pki.not_before = leaf.not_valid_before_utc
        pki.not_after = leaf.not_valid_after_utc
        pki.cert_url = cert_url
        pki.include_root = False
        return pki

    @functools.cached_property
    def root_key(self) -> rsa.RSAPrivateKey:
        """The root CA's key (of a PKI read from PEM: read when first used, see `from_pem`)."""
        return self._saved_key(0, self.root)

    @functools.cached_property
    def intermediate_key(self) -> rsa.RSAPrivateKey:
        """The intermediate CA's key (of a PKI read from PEM: read when first used)."""
        return self._saved_key(1, self.intermediate)

    def _saved_key(self, index: int, certificate: x509.Certificate) -> rsa.RSAPrivateKey:
        try:
            return _key_for(certificate, self._saved_keys[index])
        except ValueError as exc:
            if self._saved_in is None:
                raise
            raise ValueError(f"{self._saved_in}: {exc}; delete the file to make a new PKI") from exc

    def save(self, directory: str | os.PathLike[str]) -> Path:
        """Write `to_pem` to ``directory`` (made 0700 if missing) as a 0600 file; its path."""
        path = Path(directory) / self.FILE_NAME
        write_private(path, self.to_pem(), replace=True)
        return path

    @classmethod
    def load(
        cls, directory: str | os.PathLike[str], *, cert_url: str = DEFAULT_CERT_URL
    ) -> TestPKI:
        """The PKI `save` wrote in ``directory``: `FileNotFoundError` or `ValueError` if none,
        `PermissionError` if it or its directory is not private (see the class docstring)."""
        return cls._load(Path(directory) / cls.FILE_NAME, cert_url)[0]

    @classmethod
    def _load(cls, path: Path, cert_url: str) -> tuple[TestPKI, FileIdentity]:
        """`load` of the file ``path``, and what that file was as it was read."""
        data, found = read_private(path)
        try:
            pki = cls.from_pem(data, cert_url=cert_url)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}; delete the file to make a new PKI") from exc
        pki._saved_in = str(path)
        return pki, found

    @classmethod
    def load_or_create(
        cls, directory: str | os.PathLike[str], *, cert_url: str = DEFAULT_CERT_URL
    ) -> TestPKI:
        """The PKI kept in ``directory``, made there with fresh keys on first use.

        A missing directory is made 0700; an existing one is used as it is, and refused
        (`PermissionError`) if it is another user's or others can write it.

        Certificates that are no longer valid (a year after they were made) are issued again
        for the same keys. Two processes creating it at once end up with the same PKI: the file
        appears whole or not at all, and the first one written wins.
        """
        return cls._load_or_create(Path(directory) / cls.FILE_NAME, cert_url)[0]

    @classmethod
    def _load_or_create(cls, path: Path, cert_url: str) -> tuple[TestPKI, FileIdentity | None]:
        """`load_or_create` of the file ``path``; what the file was as it was read or written
        (None if another process replaced it meanwhile)."""
        try:
            pki, found = cls._load(path, cert_url)
        except FileNotFoundError:
            private_directory(path.parent)
            fresh = cls(keys=(_new_rsa_key(), _new_rsa_key(), _new_rsa_key()), cert_url=cert_url)
            written = write_private(path, fresh.to_pem(), replace=False)
            if written is None:
                return cls._load(path, cert_url)
            return fresh, identity_if(path, written)
        if _renewal_due(pki):
            pki = cls(keys=(pki.root_key, pki.intermediate_key, pki.leaf_key), cert_url=cert_url)
            written = write_private(path, pki.to_pem(), replace=True)
            return pki, identity_if(path, written)
        return pki, found

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


def _key_for(certificate: x509.Certificate, block: bytes) -> rsa.RSAPrivateKey:
    """The private key of ``certificate`` in the PEM ``block`` (checked by cryptography as it is
    read: never ``unsafe_skip_rsa_key_validation``, whoever wrote the file); else `ValueError`."""
    key = serialization.load_pem_private_key(block, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("a saved alexaskill PKI key is not an RSA key")
    if certificate.public_key() != key.public_key():
        raise ValueError("a saved alexaskill PKI certificate does not match its key")
    return key


def _renewal_due(pki: TestPKI) -> bool:
    """Whether ``pki``'s certificates are to be issued again: not yet valid, or valid a day more
    at most."""
    return not pki.not_before <= datetime.now(UTC) <= pki.not_after - timedelta(days=1)


def _serve(pem: bytes) -> Callable[[str], Awaitable[bytes]]:
    async def fetch_chain(url: str) -> bytes:
        return pem

    return fetch_chain
