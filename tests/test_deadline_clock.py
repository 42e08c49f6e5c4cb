"""Where the deadline is counted from, and in what units: checked against `time.perf_counter`
readings taken around the request, never against how long anything took (a loaded CI machine
stalls threads for seconds, and these bounds hold whatever the stall)."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import pytest

from alexaskill import DeadlineExceeded, Response, Skill, ask, speak
from alexaskill.aws_lambda import handler
from alexaskill.deadline import DEADLINE_GRACE, LAMBDA_MARGIN, watch
from alexaskill.deadline_answering import DeadlineAnswering
from alexaskill.models import Envelope
from alexaskill.testing import DEFAULT_SKILL_ID, RequestFactory, TestClient
from alexaskill.verify import Verifier

from .lambda_runtime import LambdaContext


def test_the_deadline_counts_from_the_arrival_in_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    # The in-time tests pass with any deadline far enough away: one counted from after the
    # signature check (which can take a certificate download) instead of from the arrival,
    # or in the wrong units, went unseen. Here the watched time must lie between the readings
    # taken before the request was sent and when its signature check began.
    skill = Skill(DEFAULT_SKILL_ID, deadline=6.0, progressive_after=2.0)
    watched: list[float] = []
    progressive: list[float] = []
    checks: list[float] = []  # when each signature check began
    progressive_later = DeadlineAnswering._progressive_later
    verify = Verifier.verify_envelope

    def watching(watchdog: Any, at: float) -> Any:
        watched.append(at)
        return watch(watchdog, at)

    def progressive_at(self: DeadlineAnswering, call: Any, at: float) -> Any:
        progressive.append(at)
        return progressive_later(self, call, at)

    async def timed(self: Verifier, headers: Mapping[str, str], body: bytes) -> Envelope:
        began = time.perf_counter()
        try:
            return await verify(self, headers, body)
        finally:
            # Ended after it began, on the clock too (its resolution): a deadline counted from
            # the check's end is then past ``began + deadline``.
            while time.perf_counter() <= began:
                pass
            checks.append(began)

    monkeypatch.setattr("alexaskill.deadline_answering.watch", watching)
    monkeypatch.setattr(DeadlineAnswering, "_progressive_later", progressive_at)
    monkeypatch.setattr(Verifier, "verify_envelope", timed)

    @skill.intent("Quick")
    def quick() -> Response:
        return speak("quick")

    with TestClient(skill) as client:
        sent = time.perf_counter()
        assert client.intent("Quick").speech == "quick"
    [began] = checks
    assert len(watched) == 1 and len(progressive) == 1
    assert sent + 6.0 <= watched[0] <= began + 6.0
    assert sent + 2.0 <= progressive[0] <= began + 2.0


@pytest.mark.parametrize("handled", [False, True], ids=["default reply", "exception handler"])
def test_on_lambda_the_deadline_is_the_remaining_time_less_the_margins(
    monkeypatch: pytest.MonkeyPatch, handled: bool
) -> None:
    # The remaining time comes in milliseconds: the deadline is in seconds, counted from the
    # invocation's start, the margin (and the exception handler's grace) kept back.
    skill = Skill(DEFAULT_SKILL_ID, deadline=6.0)
    given: list[tuple[float, float, float | None]] = []
    respond_by = DeadlineAnswering._respond_by

    def recording(
        self: DeadlineAnswering,
        envelope: Envelope,
        body: bytes | None,
        at: float,
        limit: float,
        **options: Any,
    ) -> Any:
        given.append((at, limit, options.get("latest")))
        return respond_by(self, envelope, body, at, limit, **options)

    monkeypatch.setattr(DeadlineAnswering, "_respond_by", recording)

    @skill.intent("Quick")
    async def quick() -> Response:
        return speak("quick")

    if handled:

        @skill.exception(DeadlineExceeded)
        def too_slow(exc: DeadlineExceeded) -> Response:
            return ask("Again?")

    event = RequestFactory().intent("Quick")
    run = handler(skill)
    before = time.perf_counter()
    answer = run(event, LambdaContext(4000))
    after = time.perf_counter()
    assert answer["response"]["outputSpeech"]["text"] == "quick"
    [(at, limit, latest)] = given
    expected = 4.0 - LAMBDA_MARGIN - (DEADLINE_GRACE if handled else 0.0)
    assert limit == pytest.approx(expected)
    assert before + expected <= at <= after + expected
    assert latest is not None
    assert before + 4.0 - LAMBDA_MARGIN <= latest <= after + 4.0 - LAMBDA_MARGIN
