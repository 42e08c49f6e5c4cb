"""The load benchmark's parts work: envelopes, servers, correctness checks, pool file, one run.

No timing is asserted: the numbers belong in benchmarks/README.md, not in a test.
"""

from __future__ import annotations

import shutil
import statistics
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509 import verification
from starlette.testclient import TestClient

from alexaskill.testing import TestPKI
from alexaskill.verify import load_chain, validate_chain
from benchmarks import load, wrk
from benchmarks.envelopes import SignedRequest, Workload, tamper
from benchmarks.servers import bare, floor, save_pki, weather


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI()


@pytest.fixture(scope="module")
def requests(pki: TestPKI) -> list[SignedRequest]:
    return Workload(20).signed(pki)


@pytest.fixture
def pki_dir(pki: TestPKI, tmp_path: Path) -> Path:
    return save_pki(pki, tmp_path / "pki")


@pytest.fixture
def weather_app(pki_dir: Path) -> Iterator[Any]:
    skill = weather.create_app(pki_dir)
    saved = skill.verifier
    yield skill
    skill.verifier = saved  # the example's skill object is shared with other tests


def client_post(app: Any) -> load.Post:
    client = TestClient(app)

    def post(body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        response = client.post("/", content=body, headers=dict(headers))
        return response.status_code, response.content

    return post


def test_workload_is_the_mix_and_size_the_issue_asks_for(requests: list[SignedRequest]) -> None:
    kinds = [r.kind for r in requests]
    assert kinds.count("launch") == 4 and kinds.count("intent") == 16
    assert 2_600 <= statistics.mean(len(r.body) for r in requests) <= 3_100
    for request in requests:
        assert request.body.startswith(b" {")
        assert {"SignatureCertChainUrl", "Signature-256", "Signature"} <= request.headers.keys()
    assert any(not r.body.isascii() for r in requests)  # raw UTF-8, as Alexa sends it


def test_tamper_changes_one_byte(requests: list[SignedRequest]) -> None:
    body = requests[0].body
    changed = tamper(body)
    assert len(changed) == len(body)
    assert sum(a != b for a, b in zip(body, changed, strict=True)) == 1


@pytest.mark.parametrize("name", ["floor", "alexaskill"])
def test_verifying_servers_pass_the_correctness_check(
    name: str, pki_dir: Path, weather_app: Any, requests: list[SignedRequest]
) -> None:
    app = floor.create_app(pki_dir) if name == "floor" else weather_app
    done = load.check_correctness(client_post(app), requests, verifies=True)
    assert done[-1] == "tampered body: 400"
    assert len(done) == 3


def test_alexaskill_server_answers_the_weather(
    weather_app: Any, requests: list[SignedRequest]
) -> None:
    post = client_post(weather_app)
    intent = next(r for r in requests if r.kind == "intent")
    status, payload = post(intent.body, intent.headers)
    assert status == 200
    assert (load.speech_of(payload) or "").startswith("It will be ")


def test_the_check_catches_a_server_that_does_not_verify(requests: list[SignedRequest]) -> None:
    post = client_post(bare.create_app())
    assert len(load.check_correctness(post, requests, verifies=False)) == 2
    with pytest.raises(load.BenchmarkError, match="tampered body: HTTP 200"):
        load.check_correctness(post, requests, verifies=True)


def test_the_check_catches_a_server_without_speech(requests: list[SignedRequest]) -> None:
    def silent(body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        return 200, b'{"version": "1.0", "response": {}}'

    with pytest.raises(load.BenchmarkError, match="expected speech"):
        load.check_correctness(silent, requests, verifies=False)


def test_pool_file_holds_whole_requests(tmp_path: Path, requests: list[SignedRequest]) -> None:
    path = wrk.write_pool(tmp_path / "pool", requests, 8123)
    records = wrk.read_pool(path)
    assert len(records) == len(requests)
    for raw, request in zip(records, requests, strict=True):
        head, _, body = raw.partition(b"\r\n\r\n")
        assert body == request.body
        lines = head.decode("latin-1").split("\r\n")
        assert lines[0] == "POST / HTTP/1.1"
        assert "Host: 127.0.0.1:8123" in lines
        assert f"Content-Length: {len(body)}" in lines
        assert f"Signature-256: {request.headers['Signature-256']}" in lines


def result(rps: float) -> wrk.LoadResult:
    """A made-up 10 s run at ``rps`` requests/s."""
    return wrk.LoadResult(int(rps * 10), 10.0, 1.0, 2.0, 0, 0, 1.0, 0.2, 0.0, 1e6 / rps)


def test_table_gives_the_ratios() -> None:
    results = {"bare": result(1000), "floor": result(500), "alexaskill": result(450)}
    text = load.table(results)
    assert "| 0.500 |" in text and "| 0.450 |" in text
    assert "alexaskill / floor: 0.900 (target >= 0.90) OK" in text
    assert "alexaskill / floor: 0.800 (target >= 0.90) BELOW" in load.table(results, 0.8)


def test_rounds_are_paired_and_the_median_run_is_kept() -> None:
    runs = {"floor": [result(100), result(200), result(400)], "alexaskill": [result(90)] * 3}
    assert load.paired_ratios(runs, "alexaskill", "floor") == [0.9, 0.45, 0.225]
    assert load.median_run(runs["floor"]).rps == 200
    assert load.median_run(runs["floor"][:2]).rps == 100


def test_ask_sdk_ratio_is_printed_against_its_target() -> None:
    results = {"floor": result(500), "alexaskill": result(450), "ask-sdk": result(10)}
    assert "alexaskill / ASK SDK: 45.0x (target > 35x) OK" in load.table(results)
    results["ask-sdk"] = result(15)
    assert "alexaskill / ASK SDK: 30.0x (target > 35x) BELOW" in load.table(results)


@pytest.mark.parametrize("amazon_shape", [True, False])
def test_saved_pki_verifies_with_alexaskill(
    pki: TestPKI, tmp_path: Path, amazon_shape: bool
) -> None:
    directory = save_pki(pki, tmp_path / "pki", amazon_shape=amazon_shape)
    chain = load_chain((directory / "chain.pem").read_bytes())
    assert chain[0] == pki.leaf and chain[1] == pki.intermediate
    root = x509.load_pem_x509_certificate((directory / "root.pem").read_bytes())
    if amazon_shape:
        # Amazon's file: leaf, intermediate, the root cross-signed, the cross-signer cross-signed.
        assert len(chain) == 4
        assert chain[2].subject == pki.root.subject and chain[2].issuer == chain[3].subject
        assert chain[3].issuer == root.subject != pki.root.subject
    else:
        assert len(chain) == 2 and root == pki.root
    validate_chain(chain, verification.Store([root]), datetime.now(UTC))


def test_ask_sdk_trust_store_is_production_sized_unless_minimal(tmp_path: Path) -> None:
    directory = save_pki(TestPKI(), tmp_path / "pki")
    sdk = Path("/nonexistent-venv")
    for minimal, lowest in ((False, 100), (True, 1)):
        spec = load.server_specs(["ask-sdk"], directory, "auto", "auto", sdk, minimal_pki=minimal)
        trust = Path(spec[0].env["SSL_CERT_FILE"]).read_bytes()
        count = trust.count(b"-----BEGIN CERTIFICATE-----")
        assert count >= lowest and (count == 1) is minimal
        assert trust.endswith((directory / "root.pem").read_bytes())


def test_compare_with_serves_another_checkout(tmp_path: Path) -> None:
    args = load.parse_args(["--compare-with", str(load.ROOT)])
    assert args.servers == ["bare", "floor", "alexaskill", "before"]
    ours, before = load.server_specs(
        ["alexaskill", "before"], tmp_path, "auto", "auto", None, before=load.ROOT
    )
    assert before.command == ours.command and before.env == ours.env  # here: the same checkout
    with pytest.raises(wrk.BenchmarkError, match="needs --compare-with"):
        load.server_specs(["before"], tmp_path, "auto", "auto", None)
    with pytest.raises(wrk.BenchmarkError, match="not a checkout"):
        load.server_specs(["before"], tmp_path, "auto", "auto", None, before=tmp_path)


def test_duration_is_bounded() -> None:
    with pytest.raises(SystemExit):
        load.parse_args(["--duration", "60"])


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_one_short_run_of_the_alexaskill_server(
    pki: TestPKI, pki_dir: Path, tmp_path: Path
) -> None:
    loop, parser = load.event_loop_and_parser()
    spec = load.server_specs(["alexaskill"], pki_dir, loop, parser, None)[0]
    said: list[str] = []
    say: Callable[[str], None] = said.append
    result = load.benchmark_server(
        spec,
        pki,
        Workload(10),
        tmp_path,
        seconds=1,
        warmup=0,
        connections=4,
        threads=1,
        server_cpu=None,
        load_cpu=None,
        say=say,
    )
    assert result.requests > 0
    assert result.errors == 0 and result.status_errors == 0
    assert said[-1].strip() == "tampered body: 400"
