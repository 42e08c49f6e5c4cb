"""The checks ``alexaskill certify`` runs against a deployed endpoint, and their results.

Amazon's certification of a skill hosted as a web service tests that the endpoint verifies every
request ("Security testing for an Alexa skill", section 2.2:
https://developer.amazon.com/en-US/docs/alexa/custom-skills/security-testing-for-an-alexa-skill.html)
as "Host a custom skill as a web service" lays down
(https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html):
a request without its signature headers, with a ``SignatureCertChainUrl`` that breaks the URL
rules, with a signature that is not base64 or does not match, or with a timestamp more than 150
seconds away (ten minutes, and just past the 150 s) must be refused with HTTP 400 Bad Request;
the endpoint must serve HTTPS on port 443 with a certificate valid for its host name. Each probe
here sends one such request.

Only Amazon's key signs real requests, so without help the signed probes carry a signature that
cannot verify: they show that the endpoint answers 400 (not 401, 403, 500 or nothing), not which
check refused them. Two things make them sharper:

- ``--dev``: against ``alexaskill serve --dev``, probes are signed with the development key the
  server trusts, so each has exactly one defect, and a valid request must be answered (200).
- ``--replay CAPTURE``: a request Alexa really signed, captured by the skill
  (`alexaskill.capture`), sent again byte for byte: it must be refused for its timestamp. Refused
  for its signature, it proves that something between Alexa and the skill changes the body or
  the headers.
"""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import os
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import httpx

    from ..capture import Capture

from .endpoint import (
    Result,
    Target,
    check_endpoint_url,
    connect_check,
    connect_failure,
    endpoint_checks,
    is_loopback,
    tls_context,
)
from .inputs import ALEXA_TIMEOUT, shown_url

__all__ = [
    "ALEXA_TIMEOUT",
    "AMAZON_CERT_URL",
    "INVALID_CERT_URLS",
    "Probe",
    "ProxyAnswered",
    "Result",
    "Target",
    "capture_age_problem",
    "check_endpoint_url",
    "is_loopback",
    "probes",
    "replay_probes",
    "response_time",
    "run_probes",
    "send",
    "tls_context",
]

#: A certificate URL Alexa really signs with: passes the URL rules, and its chain is Amazon's.
AMAZON_CERT_URL: Final = "https://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"
#: Amazon's tolerance for ``request.timestamp``, and the hour skill events may be late.
_TOLERANCE: Final = 150
_SKILL_EVENT_TOLERANCE: Final = 3600
#: How far past the tolerance the "just" timestamp probes are: room for the probes sent before
#: one (each built as it is sent) and for the endpoint's clock, yet an endpoint allowing five
#: minutes accepts them.
_JUST_PAST: Final = 20
#: Amazon's list of invalid SignatureCertChainUrl values ("Verify the signature certificate URL"
#: in "Host a custom skill as a web service"), each named for the rule it breaks.
INVALID_CERT_URLS: Final = (
    ("cert-url-scheme", "http://s3.amazonaws.com/echo.api/echo-api-cert.pem"),
    ("cert-url-host", "https://notamazon.com/echo.api/echo-api-cert.pem"),
    ("cert-url-path-case", "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem"),
    ("cert-url-path", "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem"),
    ("cert-url-port", "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem"),
)
_OTHER_SKILL: Final = "amzn1.ask.skill.ffffffff-ffff-ffff-ffff-ffffffffffff"
# Headers that describe one hop, not the request: never replayed as captured.
_HOP_HEADERS: Final = frozenset(
    ("host", "content-length", "connection", "transfer-encoding", "keep-alive", "te", "upgrade")
)


# --- the requests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One request sent to the endpoint, and what the answer must be."""

    name: str
    #: What the request is, for the report: "a request with no signature headers".
    what: str
    body: bytes
    headers: Mapping[str, str]
    #: 400 for every probe but the valid request (200).
    expect: int = 400
    #: Words one of which the refusal's reason must contain, when the probe asks (replay).
    reason: tuple[str, ...] = ()
    #: The skill id the probe carries, when its defect is another (a refusal for it proves
    #: nothing of the defect), or "".
    skill_id: str = ""


def probes(target: Target) -> Iterator[Probe]:
    """The certification probes, each with one defect (see the module docstring)."""
    from ..testing import RequestFactory

    signer = target.signer
    cert_url = signer.cert_url if signer is not None else AMAZON_CERT_URL

    def body(*, now: dt.datetime | None = None, skill_id: str = target.skill_id) -> bytes:
        envelope = RequestFactory(skill_id=skill_id).envelope("LaunchRequest", now=now)
        return json.dumps(envelope).encode()

    def signed(data: bytes, *, url: str = cert_url) -> dict[str, str]:
        # Signed with the key the endpoint trusts when there is one, so that each probe has
        # exactly the one defect it is named for.
        signature = signer.signature(data) if signer is not None else _garbage_signature()
        return {
            "Content-Type": "application/json",
            "SignatureCertChainUrl": url,
            "Signature-256": signature,
        }

    def probe(name: str, what: str, data: bytes, headers: Mapping[str, str]) -> Probe:
        # A defect other than the skill id, in a request for target.skill_id.
        return Probe(name, what, data, headers, skill_id=target.skill_id)

    launch = body()
    yield probe(
        "no-signature-headers",
        "a request with no signature headers",
        launch,
        {"Content-Type": "application/json"},
    )
    yield probe(
        "empty-cert-url",
        "a request with an empty SignatureCertChainUrl",
        launch,
        signed(launch, url=""),
    )
    for name, url in INVALID_CERT_URLS:
        yield probe(name, f"the certificate URL {url}", launch, signed(launch, url=url))
    yield probe(
        "invalid-signature",
        "a signature that does not match the body",
        launch,
        {**signed(launch), "Signature-256": _garbage_signature()},
    )
    yield probe(
        "signature-not-base64",
        "a signature that is not base64",
        launch,
        # (the length of a real one, with characters no base64 text has)
        {**signed(launch), "Signature-256": _garbage_signature()[:-4].replace("A", "*") + "!!!="},
    )
    just = _TOLERANCE + _JUST_PAST
    for name, seconds, when in (
        ("timestamp-old", -600, "ten minutes old"),
        ("timestamp-future", 600, "ten minutes in the future"),
        ("timestamp-just-old", -just, f"{just} s old (Amazon allows {_TOLERANCE} s)"),
        ("timestamp-just-future", just, f"{just} s in the future (Amazon allows {_TOLERANCE} s)"),
    ):
        # (dated as it is made: `run_probes` makes each just before sending it)
        data = body(now=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds))
        yield probe(name, f"a request {when}", data, signed(data))
    changed = launch.replace(b'"en-US"', b'"en-GB"', 1)
    yield probe("body-changed", "a body changed after signing", changed, signed(launch))
    not_json = b"this is not JSON"
    yield Probe("not-json", "a body that is not JSON", not_json, signed(not_json))
    other = body(skill_id=_OTHER_SKILL)
    yield Probe("another-skill", "a request for another skill id", other, signed(other))
    if signer is not None:
        # Amazon's rule: the legacy SHA-1 Signature never stands in for a Signature-256 that
        # fails. (Without a trusted key, one more signature that cannot verify: not sent.)
        yield probe(
            "sha1-fallback",
            "a valid SHA-1 Signature beside a Signature-256 that does not match",
            launch,
            {
                **signed(launch),
                "Signature-256": _garbage_signature(),
                "Signature": signer.signature(launch, sha1=True),
            },
        )
        yield Probe("valid-request", "a valid LaunchRequest", launch, signed(launch), expect=200)


def replay_probes(capture: Capture) -> Iterator[Probe]:
    """The captured request again, then with its body changed by one byte of whitespace."""
    headers = {name: value for name, value in capture.headers if name.lower() not in _HOP_HEADERS}
    body = capture.body_bytes()
    yield Probe(
        "replay",
        "the captured request, replayed",
        body,
        headers,
        reason=("timestamp",),
    )
    # What a proxy that re-encodes JSON does: the same document, other bytes.
    changed = body + b"\n" if not body.endswith(b"\n") else body[:-1]
    yield Probe(
        "replay-body-changed", "the captured request with its body re-encoded", changed, headers
    )


def capture_age_problem(capture: Capture, now: dt.datetime | None = None) -> str | None:
    """Why replaying ``capture`` now would prove nothing (it is still fresh), or None."""
    from ..exceptions import TimestampError
    from ..models import AlexaSkillEventRequest, epoch_ms_timestamp
    from ..timestamps import read_timestamp  # the endpoint's reading: z, leap seconds

    try:
        request = json.loads(capture.body_bytes())["request"]
        stamp = request["timestamp"]
        # Epoch milliseconds, as the endpoint takes them (the developer console's, 2017).
        sent = read_timestamp(stamp if isinstance(stamp, str) else epoch_ms_timestamp(stamp) or "")
        request_type = str(request.get("type", ""))
    except (ValueError, KeyError, TypeError, TimestampError):
        return None  # not a request the endpoint could accept anyway
    if sent.tzinfo is None:
        return None
    hour_old = request_type in AlexaSkillEventRequest.types  # (the skill events: an hour old)
    tolerance = _SKILL_EVENT_TOLERANCE if hour_old else _TOLERANCE
    age = ((now or dt.datetime.now(dt.UTC)) - sent).total_seconds()
    # Out of the tolerance either way, it is refused for its timestamp: a proof as good. (A
    # skill event may be an hour late, never early: 150 s ahead at most, as any request.)
    if -(_TOLERANCE + 5) <= age <= tolerance + 5:
        wait = int(tolerance + 6 - age)
        said = (
            f"the captured request's timestamp is {int(-age)} s in the future"
            if age < 0
            else f"the captured request is {int(age)} s old"
        )
        return (
            f"{said}: the endpoint may still accept it. Replay it in {wait} s, once it is too "
            "old to be accepted"
        )
    return None


def send(client: httpx.Client, url: str, probe: Probe) -> Result:
    """Send one probe and judge the answer."""
    import httpx

    started = time.perf_counter()
    try:
        # As bytes: httpx encodes str headers as ASCII, and a captured header may hold any byte
        # (the capture keeps each as the latin-1 character of the same number).
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in probe.headers.items()]
        request = client.build_request("POST", url, content=probe.body, headers=headers)
        response = client.send(request, stream=True)  # (read below: its headers kept)
        try:
            response.read()
        except httpx.DecodingError:
            # Answered, with a body its Content-Encoding does not decode (gzip that is none).
            ms = (time.perf_counter() - started) * 1000
            encoding = response.headers.get("content-encoding", "")
            said = f"{probe.what} with HTTP {response.status_code} and a body that does not decode"
            detail = f"answered {said} (Content-Encoding: {encoding})"
            return Result(probe.name, False, detail, response.status_code, ms)
        finally:
            response.close()
    except httpx.ConnectTimeout:
        raise  # the endpoint was not reached: not a probe it failed to answer (run_probes)
    except httpx.TimeoutException as exc:
        from .url_answers import proxy_failure

        if proxy_failure(url, exc, timeout=client.timeout.read or 0) is not None:
            # (a proxy that left its CONNECT unanswered, a ReadTimeout: the endpoint not reached)
            raise
        ms = (time.perf_counter() - started) * 1000
        return Result(
            probe.name, False, f"no answer within {client.timeout.read} s to {probe.what}", ms=ms
        )
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.CloseError):
        # Reached, and the connection closed (or reset) without an answer: a worker that
        # crashed on the probe, say. A failure of the probe, not of the connection.
        return Result(
            probe.name, False, f"no HTTP answer to {probe.what}: the server closed the connection"
        )
    ms = (time.perf_counter() - started) * 1000
    status = response.status_code
    from .url_answers import proxy_answer

    told = proxy_answer(url, response)  # (an http:// URL through HTTP_PROXY: its own answer)
    if told is not None and told[1]:
        raise ProxyAnswered(told[0])  # (its 407: no probe gets past it, run_probes)
    if told is not None:
        said = f"answered {probe.what} with HTTP {status}: {told[0]}"
        return Result(probe.name, False, said, status, ms)
    reason = _reason(response)
    said = f": {reason}" if reason else ""
    if status != probe.expect:
        return Result(probe.name, False, _mismatch(probe, status, reason), status, ms)
    if probe.expect == 200:
        try:
            answer = response.json()
        except (ValueError, RecursionError):  # (nested too deeply: no JSON either)
            answer = None
        if not isinstance(answer, dict) or "response" not in answer:
            return Result(probe.name, False, "answered 200 without a response envelope", status, ms)
        return Result(probe.name, True, f"answered {probe.what}", status, ms)
    if probe.reason and not any(word in reason.lower() for word in probe.reason):
        return Result(probe.name, False, _wrong_reason(probe, reason), status, ms)
    if probe.skill_id and _SKILL_ID_REFUSAL in reason.lower():
        return Result(probe.name, False, _skill_id_refusal(probe, reason), status, ms)
    return Result(probe.name, True, f"refused {probe.what}{said}", status, ms)


class ProxyAnswered(Exception):
    """The proxy a probe was sent to forward answered it itself, so that none gets past it
    (its 407, credentials wanted): its message says so (`url_answers.proxy_answer`)."""


def _mismatch(probe: Probe, status: int, reason: str) -> str:
    said = f" ({reason})" if reason else ""
    if probe.expect == 200 and status >= 500:  # the skill failed, it did not refuse
        return (
            f"answered {probe.what} with HTTP {status}{said}: a server error, where Alexa needs "
            "HTTP 200 with a response"
        )
    if probe.expect == 200:
        hint = ""
        if "signature" in reason.lower():
            hint = ": is something between here and the skill changing the body?"
        elif "skill" in reason.lower():
            hint = ": pass the skill's id with --skill-id"
        return f"{probe.what} was refused with HTTP {status}{said}{hint}"
    if 200 <= status < 300:
        return f"accepted {probe.what} (HTTP {status}): Amazon expects 400 Bad Request"
    return f"answered {probe.what} with HTTP {status}{said}: Amazon expects 400 Bad Request"


def _wrong_reason(probe: Probe, reason: str) -> str:
    if not reason:
        return f"refused {probe.what} without saying why: cannot tell which check refused it"
    lowered = reason.lower()
    if "signature" in lowered or "certificate" in lowered:
        return (
            f"refused {probe.what} for its signature ({reason}), not its timestamp: something "
            "between Alexa and the skill changes the body or the signature headers"
        )
    return f"refused {probe.what} ({reason}), not for its timestamp"


#: How alexaskill says that a request is for another skill than the endpoint's.
_SKILL_ID_REFUSAL: Final = "another skill"


def _skill_id_refusal(probe: Probe, reason: str) -> str:
    # A verifying endpoint checks the skill id last (signature, timestamp, then the id, as
    # Amazon's SDKs do): a probe refused for its id got past the check it is named for, or was
    # never put to it. Only a probe for the skill's own id shows which.
    return (
        f"refused {probe.what} only for its skill id ({reason}), so nothing checked its defect: "
        f"the probes are for {probe.skill_id}; pass the skill's id with --skill-id"
    )


#: The most of an endpoint's reason a line of the report shows: alexaskill's own refusals whole.
_REASON_SHOWN: Final = 200


def _reason(response: httpx.Response) -> str:
    try:
        payload = response.json()
    except (ValueError, RecursionError):  # (nested too deeply: no JSON either)
        return _clipped(response.text.strip())
    if isinstance(payload, dict) and isinstance(payload.get("error"), str):
        return _clipped(str(payload["error"]))
    return _clipped(json.dumps(payload))


def _clipped(reason: str) -> str:
    """``reason``, or its start up to a word's end and "…" if longer than a line shows."""
    if len(reason) <= _REASON_SHOWN:
        return reason
    start = reason[:_REASON_SHOWN]
    cut = start.rfind(" ")
    return f"{start[:cut] if cut > 0 else start}…"


def _garbage_signature() -> str:
    # The length of a real RSA-2048 signature, so that only its value is wrong.
    return base64.b64encode(os.urandom(256)).decode("ascii")


def response_time(results: list[Result], timeout: float) -> Result:
    """How fast the endpoint answered the probes."""
    timed = [r for r in results if r.ms is not None and r.status is not None]
    if not timed:
        return Result("response-time", None, "no probe was answered")
    slowest = max(timed, key=lambda r: r.ms or 0.0)
    median = statistics.median(r.ms or 0.0 for r in timed)
    detail = f"median {median:.0f} ms, slowest {slowest.ms:.0f} ms ({slowest.name})"
    late = [r for r in results if r.status is None and r.ms is not None]
    if late:
        return Result(
            "response-time", False, f"{len(late)} probe(s) unanswered in {timeout} s; {detail}"
        )
    return Result("response-time", True, f"{detail}; Alexa waits about {ALEXA_TIMEOUT:.0f} s")


def run_probes(
    target: Target, capture: Capture | None = None, *, on_result: Callable[[Result], None]
) -> list[Result]:
    """Every check against ``target``, each reported to ``on_result`` as it completes."""
    import httpx

    from ..outgoing_connections import bound_socks_handshake

    results: list[Result] = []

    def report(result: Result) -> None:
        results.append(result)
        on_result(result)

    connected = connect_check(target)  # once, first: each check below would fail for it
    if connected is not None:
        report(connected)  # (failed, or passed through a proxy, named)
        if not connected.passed:
            return results
    checks, verify = endpoint_checks(target)
    for result in checks:
        report(result)
    sent: list[Result] = []
    # Each probe made as it is sent: a timestamp just past the tolerance stays past it however
    # long the probes before it took.
    replayed = replay_probes(capture) if capture is not None else iter(())
    selected = itertools.chain(probes(target), replayed)
    with httpx.Client(
        timeout=httpx.Timeout(target.timeout),
        verify=verify,
        follow_redirects=False,
        # (a SOCKS proxy's handshake within the timeout: httpcore gives it none)
        event_hooks={"request": [bound_socks_handshake]},
    ) as client:
        for probe in selected:
            try:
                result = send(client, target.url, probe)
            except (httpx.TransportError, ProxyAnswered) as exc:  # nothing got to the endpoint
                said = (
                    f"cannot reach {shown_url(target.url)}: {exc}"
                    if isinstance(exc, ProxyAnswered)
                    else connect_failure(target, exc)
                )
                report(Result("connect", False, f"{said}; {len(sent)} probes answered before"))
                return results
            sent.append(result)
            report(result)
    report(response_time(sent, target.timeout))
    return results
