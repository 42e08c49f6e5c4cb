"""The development PKI that ``serve --dev`` trusts and ``replay --url`` signs with, whose keys
``replay`` and ``chat`` of a local APP sign with too."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from ..app import Skill
    from ..testing import TestPKI

from ..shown_names import shown
from .common import UsageError, logger

#: The environment variable naming the development PKI's directory (tests point it elsewhere).
DEV_PKI_ENV: Final = "ALEXASKILL_DEV_PKI_DIR"
#: The certificate URL requests signed with the development PKI carry. It passes Amazon's URL
#: rules, but a ``--dev`` server serves its chain from disk and never downloads it; any other
#: refuses it undownloaded. (`alexaskill.verify.urls.DEV_CERT_URL`, which a test holds equal:
#: not imported from there, as every command imports this module and most verify nothing.)
DEV_CERT_URL: Final = "https://s3.amazonaws.com/echo.api/alexaskill-dev.pem"


def dev_pki_directory() -> Path:
    """Where the development PKI lives: ``$ALEXASKILL_DEV_PKI_DIR``, else the per-user data
    directory (``$XDG_DATA_HOME/alexaskill/dev-pki``, ``~/.local/share/alexaskill/dev-pki``).
    `UsageError` where a home directory is needed and none can be found.
    """
    configured = os.environ.get(DEV_PKI_ENV)
    try:
        if configured:
            return Path(configured).expanduser()
        if os.name == "nt":
            local = os.environ.get("LOCALAPPDATA")
            base = Path(local) if local else Path.home() / "AppData" / "Local"
        else:
            data = os.environ.get("XDG_DATA_HOME")
            base = Path(data) if data and os.path.isabs(data) else Path.home() / ".local" / "share"
    except RuntimeError as exc:  # (Path.home(): HOME unset, the user in no password database)
        raise UsageError(
            f"development PKI: no home directory to keep it in ({exc}); set {DEV_PKI_ENV} to "
            "a directory of yours"
        ) from None
    return base / "alexaskill" / "dev-pki"


def dev_pki() -> TestPKI:
    """The development PKI, made on first use; `UsageError` if its directory is unusable.

    Its keys are read once per process: the same PKI is given again while its file stays the
    same (`alexaskill.testing.pki_kept.kept_pki`), so `trust_dev_pki`, the simulator and the
    commands that sign share it.
    """
    from ..testing.pki_kept import kept_pki

    directory = dev_pki_directory()
    try:
        return kept_pki(directory, cert_url=DEV_CERT_URL)
    except (OSError, ValueError) as exc:
        # (an OSError's own words name the file again, whole: its reason alone)
        why = exc.strerror or exc if isinstance(exc, OSError) else exc
        raise UsageError(
            f"development PKI in {shown(str(directory))}: {why} (set {DEV_PKI_ENV} to use "
            "another directory)"
        ) from None


def local_pki(clock: Callable[[], datetime] | None) -> TestPKI | None:
    """The PKI the in-process client of ``replay`` and ``chat`` signs with: the development PKI's
    keys, if it is there (`dev_pki`), certified anew at the client's ``clock`` (else now) under
    `TestPKI`'s own certificate URL, as the client's own PKI is: three RSA keys made at each
    start were most of it (24-140 ms a key). None, for the client's own fresh keys as before,
    where there is none, or it is unusable (a read-only home): said at DEBUG alone. A clock
    at a moment no test PKI can certify is a `UsageError` naming ``--now``.

    Not made here: an offline command writes no keys into the user's data directory (``serve
    --dev``, ``replay --url`` and ``chat --url`` make it)."""
    from ..testing import TestPKI

    moment = clock() if clock is not None else None
    if moment is not None:
        from ..testing.pki import check_valid_at

        try:
            check_valid_at(moment, "--now")
        except ValueError as exc:  # (the client's own, which escaped as a traceback)
            raise UsageError(str(exc)) from None
    try:
        if not (dev_pki_directory() / TestPKI.FILE_NAME).is_file():
            return None
        kept = dev_pki()
        keys = (kept.root_key, kept.intermediate_key, kept.leaf_key)  # (CA keys: read now)
    except (UsageError, OSError, ValueError) as exc:
        logger.debug("the local client signs with fresh keys: %s", exc)
        return None
    return TestPKI(keys=keys, valid_at=moment)


def trust_dev_pki(skill: Skill, pki: TestPKI | None = None) -> TestPKI | None:
    """Make ``skill`` trust the development PKI (or ``pki``) as well as Amazon, loudly; the PKI.

    Trusting the same key again changes nothing.
    """
    return _trust(skill, pki, local=pki is None)


def trust_local_dev_pki(
    skill: Skill, loaded: TestPKI | None = None, *, say: bool = True
) -> TestPKI | None:
    """`trust_dev_pki` of the development PKI, given as ``loaded`` if this process loaded it
    already (parsing its keys is most of ``serve --dev``'s start); the PKI, None if the skill
    does not verify. ``say=False``: the warning was given for another skill of the app."""
    return _trust(skill, loaded, local=True, say=say)


def _trust(skill: Skill, pki: TestPKI | None, *, local: bool, say: bool = True) -> TestPKI | None:
    """`trust_dev_pki`: ``pki`` (loaded if None), said to be the local one's if ``local``."""
    if not skill.verify:
        logger.warning("this skill does not verify requests (Skill(verify=False)): --dev is moot")
        return None
    from .dev_verifier import DevVerifier  # here: it loads the certificate machinery

    if pki is None:
        pki = dev_pki()
    where = f"the local development key in {dev_pki_directory()}" if local else "a development key"
    verifier = skill.verifier
    if (
        isinstance(verifier, DevVerifier)
        and verifier.dev_url == pki.cert_url
        and verifier.leaf == pki.leaf
    ):
        # Trusted already: by `with_simulator`'s own call, silent (the local key was said); or
        # by serve's check of the app, which leaves the warning to the server, and with
        # --workers 1 the server is that same process and skill: the local key said then.
        if not (local and say):
            return pki
    else:
        skill.verifier = DevVerifier(pki, skill.verifier)
    if not say:
        return pki
    from ..logs import security_logger  # (here: the parser of every command imports this module)

    security_logger.warning(
        "--dev: request verification trusts %s as well as Amazon. Never use --dev in production.",
        where,
    )
    return pki
