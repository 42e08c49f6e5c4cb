"""``alexaskill certify``: send Amazon's certification probes to a deployed endpoint."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any, TextIO

from ..shown_names import shown
from .chat_show import terminal_safe, terminal_safe_json
from .common import UsageError, check_proxies, help_text, no_file
from .dev import DEV_PKI_ENV, dev_pki
from .inputs import ALEXA_TIMEOUT, CAPTURE_FILE, PEM_FILE, given_skill_id, shown_url

if TYPE_CHECKING:
    from ..capture import Capture
    from .probes import Result, Target

_MARK = {True: "PASS", False: "FAIL", None: "SKIP"}
_MAX_TIMEOUT = 86400


class _Seconds(float):
    """``--timeout``'s value, which keeps the text given (``0``, not ``0.0``) for messages."""

    given: str


def _seconds(text: str) -> float:
    try:
        value = _Seconds(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{shown(text, quoted=True)} is not a number of seconds"
        ) from None
    value.given = text
    return value


def _load(path: str) -> Capture:
    import os

    from ..capture import CaptureFileError, load_capture
    from .probes import capture_age_problem

    said = f"--replay {shown(path)}"
    if os.path.isfile(path) and os.path.getsize(path) == 0:  # (not "Input data was truncated")
        raise UsageError(f"{said}: empty, no captured request in it (serve --capture writes them)")
    if not os.path.exists(path):  # (a name too long said so, not as "[Errno 36] …: 'aaa…'")
        raise no_file(path, "--replay")
    try:
        capture = load_capture(path)
    except IsADirectoryError:
        raise UsageError(f"{said}: is a directory; name one capture file in it") from None
    except OSError as exc:  # (unreadable: "Permission denied", as `read_input` says it)
        raise UsageError(f"{said}: {exc.strerror or exc}") from None
    except CaptureFileError as exc:
        raise UsageError(f"{said}: {exc.reason}") from None
    problem = capture_age_problem(capture)
    if problem is not None:
        raise UsageError(f"{said}: {problem}")
    return capture


def _check_cafile(path: str) -> None:
    # Read once before any check runs: the TLS check reads it only after a handshake succeeds.
    import ssl

    from .probes import tls_context

    said = f"--cafile {shown(path)}"
    try:
        tls_context(path)
    except FileNotFoundError:
        raise UsageError(f"{said}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{said}: is a directory; name a PEM file in it") from None
    except ssl.SSLError:
        raise UsageError(
            f"{said}: not a PEM file of CA certificates (-----BEGIN CERTIFICATE-----)"
        ) from None
    except OSError as exc:
        raise UsageError(f"{said}: {exc.strerror or exc}") from None


def _notes(target: Target, capture: Capture | None) -> list[str]:
    notes = []
    if target.allow_local:
        notes.append(
            "--allow-local: http:// and any port are allowed for a loopback address; Alexa "
            "calls only https:// on port 443"
        )
    if target.signer is None:
        notes.append(
            "the probes are not signed with a key the endpoint trusts, so they show that it "
            "answers 400, not which check refused them, and no valid request is sent: use --dev "
            "against `alexaskill serve --dev`, or --replay with a captured request"
        )
    if capture is None:
        notes.append(
            "no --replay: nothing shows that a proxy in front of the skill passes Alexa's body "
            "and headers intact"
        )
    else:
        notes.extend(_capture_notes(capture))
    return notes


def _capture_notes(capture: Capture) -> list[str]:
    """What the replay cannot show of ``capture``: the headers it left out, its first refusal."""
    notes = []
    reason = capture.refused
    if reason is not None:
        said = f"the capture is of a request the skill refused when it arrived: {reason}"
        if reason.startswith("timestamp"):
            # The signature is checked first: it was good then, so the replay still proves
            # that the body and headers come through intact.
            notes.append(f"{said} (its signature was good: the replay still shows the proxy)")
        else:
            notes.append(
                f"{said}. It reached the skill so: a replay refused for the same reason shows "
                "what happened before the capture, not that the proxy passes Alexa's requests "
                "intact; replay a capture of a request the skill accepted (a .capture.json file "
                "without .refused)"
            )
    if capture.omitted_headers:
        notes.append(
            f"the capture left out {', '.join(capture.omitted_headers)} (values never written, "
            "credentials perhaps): not sent by the replay, so an endpoint or a gateway in "
            "front that requires one refuses the replay before the skill sees it"
        )
    return notes


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    # Imported here: the TLS and HTTP checks (ssl, sockets) are no other command's.
    from .probes import Target, check_endpoint_url, run_probes

    check_endpoint_url(args.url, allow_local=args.allow_local)
    check_proxies()  # (the probes' client's)
    # Capped where every platform's socket timeout can hold it (inf overflows them all).
    if not 0 < args.timeout <= _MAX_TIMEOUT:
        given = getattr(args.timeout, "given", args.timeout)
        raise UsageError(
            f"--timeout {given}: must be a positive number of seconds, at most "
            f"{_MAX_TIMEOUT:,} (a day)"
        )
    if args.cafile is not None:
        _check_cafile(args.cafile)
    from .request_origin import skill_id_for

    skill_id = skill_id_for(args.skill_id)  # (ALEXASKILL_SKILL_ID's mistake: before any probe)
    if args.dev and args.skill_id is None:
        # A `serve --dev` server names its skill's id (as `chat --url` and `replay --url` ask
        # it): probes of another id were refused for it alone, the valid request too.
        from .chat_http import served_skill_id
        from .endpoint import tls_context

        # (asked with the probes' trust: a server only --cafile vouches for is asked too)
        tls = tls_context(args.cafile) if args.cafile is not None else None
        skill_id = served_skill_id(args.url, tls) or skill_id
    capture = _load(args.replay) if args.replay is not None else None
    target = Target(
        args.url,
        allow_local=args.allow_local,
        cafile=args.cafile,
        timeout=args.timeout,
        signer=dev_pki() if args.dev else None,
        skill_id=skill_id,
    )
    notes = _notes(target, capture)

    def show(result: Result) -> None:
        if not args.json:
            timing = f" [{result.status} in {result.ms:.0f} ms]" if result.status else ""
            # What the endpoint answered is in it: written out, one line, never acted on.
            detail = terminal_safe(result.detail).replace("\n", "\\n")
            out.write(f"{_MARK[result.passed]}  {result.name:<22}{detail}{timing}\n")
            out.flush()

    if not args.json:
        out.write(f"certifying {shown_url(args.url)}\n")
    results = run_probes(target, capture, on_result=show)
    failed = [r.name for r in results if r.passed is False]
    if args.json:
        report: dict[str, Any] = {
            "url": shown_url(args.url),
            "passed": not failed,
            "failed": failed,
            "checks": [r.to_json() for r in results],
            "notes": notes,
        }
        if capture is not None:
            report["capture"] = {
                "file": args.replay,
                "refused": capture.refused,
                "omitted_headers": list(capture.omitted_headers),
            }
        out.write(terminal_safe_json(json.dumps(report, ensure_ascii=False)) + "\n")
    else:
        for note in notes:
            out.write(f"note: {terminal_safe(note)}\n")  # (a capture's refusal is in one)
        checked = sum(r.passed is not None for r in results)
        verdict = f"{len(failed)} failed: {', '.join(failed)}" if failed else "all passed"
        out.write(f"{checked} check{'' if checked == 1 else 's'}: {verdict}\n")
    return 1 if failed else 0


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the command to the ``alexaskill`` parser."""
    command = commands.add_parser(
        "certify",
        help="send Amazon's certification probes to a deployed endpoint",
        description=help_text(
            "Send the requests Amazon's certification sends to a skill's web service and check "
            "each answer: every request that is not provably from Alexa (no signature headers, "
            "an invalid SignatureCertChainUrl, a wrong signature, a timestamp out of tolerance, "
            "a body changed after signing, a body that is not JSON, another skill's id) must be "
            "refused with HTTP 400, not 401, 403, 500 or silence. Also checks https on port "
            "443, TLS 1.2 or later, a certificate valid for the host, and how fast the endpoint "
            "answers. One line per check; exit status 1 if any failed.",
            "--dev signs the probes with the development key `alexaskill serve --dev` trusts, so "
            "each probe has exactly one defect, a valid SHA-1 signature beside a wrong SHA-256 one "
            "is sent (and must be refused), and a valid request must be answered. --replay "
            "sends a request Alexa really signed (captured with Skill(capture_dir=...) or "
            "`alexaskill serve --capture DIR`) byte for byte: it must be refused for its "
            "timestamp, not its signature, which proves that the proxy in front of the skill "
            "passes body and headers intact.",
        ),
        epilog=help_text(
            "examples:\n"
            "  alexaskill certify https://skill.example.com/\n"
            "  alexaskill certify https://skill.example.com/ --replay captures/x.capture.json\n"
            "  alexaskill certify http://127.0.0.1:8000/ --allow-local --dev --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("url", metavar="URL", help="the skill's endpoint, as in the console")
    command.add_argument("--json", action="store_true", help="print one JSON report (for CI)")
    command.add_argument(
        "--replay",
        type=CAPTURE_FILE,
        metavar="CAPTURE",
        help="also re-send this captured request exactly as received; it must be refused for "
        "its timestamp",
    )
    command.add_argument(
        "--dev",
        action="store_true",
        help=f"sign with the development key of `serve --dev` (${DEV_PKI_ENV})",
    )
    command.add_argument(
        "--skill-id",
        type=given_skill_id,
        help="the skill's id, which every probe carries (default: with --dev, the one the "
        "server's simulator names; else the first of ALEXASKILL_SKILL_ID, else a test id); a "
        "probe refused "
        "only for its skill id fails, as it shows nothing of its own defect",
    )
    command.add_argument(
        "--allow-local",
        action="store_true",
        help="allow http:// and any port on a loopback address (tests); never for a deployment",
    )
    command.add_argument(
        "--cafile",
        type=PEM_FILE,
        metavar="PEM",
        help="trust these CA certificates instead of certifi's",
    )
    command.add_argument(
        "--timeout",
        type=_seconds,
        default=ALEXA_TIMEOUT,
        help=f"seconds to wait for each answer ({ALEXA_TIMEOUT:g}, about Alexa's limit)",
    )
