"""The development PKI kept once per process (`kept_pki`): `TestPKI.load_or_create` read again
only when its file changed or its certificates need renewal: the one `trust_dev_pki`, the
simulator and the commands that sign share (`alexaskill.cli.dev.dev_pki`).
"""

from __future__ import annotations

import os
from pathlib import Path

from .pki import TestPKI, _renewal_due
from .pki_files import FileIdentity, read_identity

__all__ = ["kept_pki"]

#: What `kept_pki` gave last: the file, the certificate URL, what the file was; the PKI.
_kept: tuple[tuple[Path, str, FileIdentity], TestPKI] | None = None


def kept_pki(directory: str | os.PathLike[str], *, cert_url: str) -> TestPKI:
    """`TestPKI.load_or_create`, once per process: the same PKI again while its file stays the
    one read or written (the same inode, size, modification and change times) and its
    certificates need no renewal. The file and its directory are checked at each call, as
    `TestPKI.load` checks them.

    One PKI is kept, the last one asked for: another directory's (a test's temporary one) is
    read from its own file, and takes its place.
    """
    global _kept
    path = Path(directory).absolute() / TestPKI.FILE_NAME
    held = _kept
    if held is not None and held[0][:2] == (path, cert_url) and not _renewal_due(held[1]):
        try:
            found = read_identity(path)
        except FileNotFoundError:
            found = None
        if found == held[0][2]:
            return held[1]
    _kept = None
    pki, found = TestPKI._load_or_create(path, cert_url)
    if found is not None:
        _kept = ((path, cert_url, found), pki)
    return pki
