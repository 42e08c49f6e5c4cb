"""``alexaskill serve``'s TLS files: checked as uvicorn will load them (`_check_tls`), and a
certificate Alexa would refuse warned of (`_warn_if_alexa_refuses`)."""

from __future__ import annotations

from ..shown_names import shown
from .common import UsageError, logger


def _check_tls(certfile: str, keyfile: str) -> None:
    """`UsageError` unless the files load as uvicorn will load them (each worker would fail)."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        # No password: serve takes none, and a key that needs one would be asked for on the
        # terminal by every worker.
        context.load_cert_chain(certfile, keyfile, password=lambda: b"")
    except (ssl.SSLError, OSError) as exc:
        raise UsageError(
            f"--ssl-certfile {shown(certfile)} and --ssl-keyfile {shown(keyfile)}: not a PEM "
            f"certificate and key that match, or the key is encrypted ({exc.strerror or exc})"
        ) from None


def _warn_if_alexa_refuses(certfile: str) -> None:
    """Warn of a served certificate that Alexa refuses: out of its dates, or with no DNS name in
    its subjectAltName (where Alexa looks for the endpoint's host). uvicorn serves it all the
    same, and Alexa's requests then never arrive: nothing else in the log would say why."""
    import datetime as dt

    from cryptography import x509

    try:
        with open(certfile, "rb") as file:
            served = x509.load_pem_x509_certificates(file.read())[0]  # the server's, first
    except (OSError, ValueError):  # (uvicorn reads it next, and says what is wrong)
        return
    now = dt.datetime.now(dt.UTC)
    problem = None
    if served.not_valid_after_utc < now:
        problem = f"expired on {served.not_valid_after_utc:%Y-%m-%d %H:%M} UTC"
    elif served.not_valid_before_utc > now:
        problem = f"is not valid before {served.not_valid_before_utc:%Y-%m-%d %H:%M} UTC"
    else:
        try:
            names = served.extensions.get_extension_for_class(x509.SubjectAlternativeName)
            dns = names.value.get_values_for_type(x509.DNSName)
        except x509.ExtensionNotFound:
            dns = []
        if not dns:
            problem = "names no DNS name in its subjectAltName"
    if problem is not None:
        logger.warning(
            "--ssl-certfile %s: the certificate %s: Alexa refuses to connect to an endpoint "
            'that serves it (README, "HTTPS")',
            certfile,
            problem,
        )
