"""A throwaway signing PKI: root → intermediate → leaf, signing request bodies as Alexa does."""

from __future__ import annotations

import base64
import contextlib
import functools
import os
import re
import stat
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, Final

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..verify import ECHO_API_HOST, Verifier

__all__ = ["DEFAULT_CERT_URL", "TestPKI"]

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
        """The PKI `save` wrote in ``directory``: `FileNotFoundError` or `ValueError` if none,
        `PermissionError` if it or its directory is not private (see the class docstring)."""
        path = Path(directory) / cls.FILE_NAME
        _check_private(path)
        try:
            return cls.from_pem(path.read_bytes(), cert_url=cert_url)
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}; delete the file to make a new PKI") from exc

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
        path = Path(directory) / cls.FILE_NAME
        try:
            pki = cls.load(directory, cert_url=cert_url)
        except FileNotFoundError:
            _private_directory(path.parent)
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


def _check_private(path: Path) -> None:
    """`PermissionError` unless the PKI file ``path`` and its directory are this user's, the
    directory writable by no one else and the file readable by no one else either.

    The file is looked at first: with no key there is nothing to distrust yet, and a missing one
    is `FileNotFoundError`, whatever its directory (`_private_directory` judges that).
    """
    _check_owner_and_mode(
        path, 0o077, "readable or writable", f"chmod 600 {path}, or delete it for a new PKI"
    )
    _check_owner_and_mode(path.parent, 0o022, "writable", f"chmod go-w {path.parent}")


def _private_directory(directory: Path) -> None:
    """Make ``directory`` for a new PKI key (0700), or check an existing one as `_check_private`
    does: a key made in a directory others can write could be replaced by theirs.

    An existing directory is never chmodded: it may be the project or the home directory
    (``ALEXASKILL_DEV_PKI_DIR=.``), whose mode is its owner's business.
    """
    try:
        directory.mkdir(mode=0o700, parents=True)
    except FileExistsError:
        _check_owner_and_mode(directory, 0o022, "writable", f"chmod go-w {directory}")


def _check_owner_and_mode(target: Path, others: int, what: str, fix: str) -> None:
    """`PermissionError` if ``target`` is another user's or has any of the ``others`` mode
    bits; `FileNotFoundError` if it is missing."""
    if not hasattr(os, "getuid"):  # Windows: access is ACLs, not these modes
        return
    found = target.stat()
    if found.st_uid != os.getuid():
        raise PermissionError(
            f"{target} belongs to another user (uid {found.st_uid}): a key someone else "
            "can replace is not used; use a directory of your own"
        )
    mode = stat.S_IMODE(found.st_mode)
    if mode & others:
        raise PermissionError(
            f"{target} is {what} by group or others (mode {mode:04o}): whoever can put a "
            f"key there would be trusted; {fix}"
        )


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
