"""The servers `benchmarks.load` starts, and the files through which they learn the signing PKI.

Each module is an app factory for ``uvicorn --factory`` (``create_app``) reading the directory
named by ``ALEXASKILL_BENCH_PKI``, where the harness wrote the public half of a `TestPKI`:
``root.pem`` (the trusted root) and ``chain.pem`` (leaf then intermediate, the file Alexa's
``SignatureCertChainUrl`` would serve). The servers never see a private key, as in production.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

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


def save_pki(pki: TestPKI, directory: str | os.PathLike[str]) -> Path:
    """Write ``root.pem`` and ``chain.pem`` of ``pki`` to ``directory``; return it."""
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    (path / "root.pem").write_bytes(pki.root.public_bytes(serialization.Encoding.PEM))
    (path / "chain.pem").write_bytes(pki.chain_pem)
    return path


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
