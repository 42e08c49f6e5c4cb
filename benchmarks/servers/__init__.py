"""The servers `benchmarks.load` starts, and the files through which they learn the signing PKI.

Each module is an app factory for ``uvicorn --factory`` (``create_app``) reading the directory
named by ``ALEXASKILL_BENCH_PKI``, where the harness wrote the public half of a `TestPKI`:
``root.pem`` (the trusted root) and ``chain.pem`` (leaf first, shaped like the file Alexa's
``SignatureCertChainUrl`` serves: see `save_pki`). The servers never see a private key, as in
production.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from cryptography import x509
from cryptography.hazmat.primitives import serialization

if TYPE_CHECKING:  # not imported at run time: the ASK SDK's environment has no alexaskill
    from alexaskill.testing import TestPKI

#: The environment variable naming the PKI directory.
PKI_ENV: Final = "ALEXASKILL_BENCH_PKI"

#: What the reference servers answer: the envelope alexaskill sends for the weather launch.
ANSWER: Final = (
    b'{"version":"1.0","sessionAttributes":{},"response":{"outputSpeech":{"type":"PlainText",'
    b'"text":"Welcome to Weather. Which city?"},"reprompt":{"outputSpeech":{"type":"PlainText",'
    b'"text":"Which city would you like?"}},"shouldEndSession":false}}'
)


def save_pki(pki: TestPKI, directory: str | os.PathLike[str], *, amazon_shape: bool = True) -> Path:
    """Write ``root.pem`` and ``chain.pem`` of ``pki`` to ``directory``; return it.

    With ``amazon_shape`` (the default) the chain has the shape of the file Amazon serves
    (``echo-api-cert-12.pem``: four certificates): the leaf, the intermediate, then ``pki``'s root
    cross-signed by a second CA, and that CA cross-signed by a third, the only one in
    ``root.pem`` (Amazon's: Amazon RSA 2048 M01, Amazon Root CA 1 and Starfield Services Root
    CA G2, under Starfield Class 2). A server that validates the chain once does not feel the
    difference; one that validates it on every request (the ASK SDK) does, as in production.
    Without it: leaf and intermediate, under ``pki``'s root.
    """
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    if amazon_shape:
        top, chain = _amazon_shaped(pki)
    else:
        top, chain = pki.root, pki.chain_pem
    (path / "root.pem").write_bytes(top.public_bytes(serialization.Encoding.PEM))
    (path / "chain.pem").write_bytes(chain)
    return path


def _amazon_shaped(pki: TestPKI) -> tuple[x509.Certificate, bytes]:
    from cryptography.hazmat.primitives.asymmetric import rsa

    def name(common_name: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, common_name)])

    not_before, not_after = pki.root.not_valid_before_utc, pki.root.not_valid_after_utc
    top_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    services_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def ca(
        subject: x509.Name, key: rsa.RSAPrivateKey, issuer: tuple[x509.Certificate, Any] | None
    ) -> x509.Certificate:
        return pki.issue(
            subject, key, issuer=issuer, not_before=not_before, not_after=not_after, ca=True
        )

    top = ca(name("alexaskill bench class 2 root"), top_key, None)
    services = ca(name("alexaskill bench services root"), services_key, (top, top_key))
    root = ca(pki.root.subject, pki.root_key, (services, services_key))
    return top, pki.pem(pki.leaf, pki.intermediate, root, services)


def pki_directory(directory: str | os.PathLike[str] | None = None) -> Path:
    """``directory``, or the one ``ALEXASKILL_BENCH_PKI`` names."""
    if directory is None:
        directory = os.environ.get(PKI_ENV)
        if not directory:
            raise RuntimeError(f"set {PKI_ENV} to the directory the harness wrote the PKI to")
    return Path(directory)


def load_root(directory: Path) -> x509.Certificate:
    """The trusted root certificate saved in ``directory``."""
    return x509.load_pem_x509_certificate((directory / "root.pem").read_bytes())


def load_chain(directory: Path) -> bytes:
    """The certificate chain file saved in ``directory`` (leaf first)."""
    return (directory / "chain.pem").read_bytes()
