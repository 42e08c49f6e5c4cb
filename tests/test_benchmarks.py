"""The load benchmark's parts work: envelopes, servers, correctness checks, pool file, one run.

No timing is asserted: the numbers belong in benchmarks/README.md, not in a test.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509 import verification
from starlette.testclient import TestClient

from alexaskill.testing import TestPKI
from alexaskill.verify import load_chain, validate_chain
from benchmarks import load, report, rows, serving, wrk
from benchmarks.envelopes import SignedRequest, Workload, tamper
from benchmarks.servers import bare, floor, save_pki, weather, weather_def
from tests.logger_state import alexaskill_logger_kept
from tests.missing import imported_or_skip
from tests.processes import installed_or_skip


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI()


@pytest.fixture(scope="module")
def requests(pki: TestPKI) -> list[SignedRequest]:
    return Workload(20).signed(pki)


@pytest.fixture(scope="module")
def pki_dir(pki: TestPKI, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # The module's: saving it in Amazon's shape makes two RSA keys (its cross-signing CAs),
    # and the servers and apps of its tests only read it (never a key of its).
    return save_pki(pki, tmp_path_factory.mktemp("bench") / "pki")


@pytest.fixture
def weather_app(pki_dir: Path) -> Any:
    return weather.create_app(pki_dir)  # a skill of its own (weather_def.build), shared by none


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


@pytest.mark.parametrize("name", ["floor", "async", "def"])
def test_verifying_servers_pass_the_correctness_check(
    name: str, pki_dir: Path, weather_app: Any, requests: list[SignedRequest]
) -> None:
    apps = {"floor": floor.create_app, "def": weather_def.create_app}
    app = apps[name](pki_dir) if name in apps else weather_app
    done = load.check_correctness(client_post(app), requests, verifies=True)
    assert done[-1] == "tampered body: 400"
    assert len(done) == 3


def test_async_and_def_servers_answer_alike(
    weather_app: Any, pki_dir: Path, requests: list[SignedRequest]
) -> None:
    async_post = client_post(weather_app)
    def_skill = weather_def.create_app(pki_dir)
    def_post = client_post(def_skill)
    assert all(not handler.is_async for handler in def_skill.registry.handlers.values())
    assert all(handler.is_async for handler in weather_app.registry.handlers.values())
    for request in requests:
        async_status, async_payload = async_post(request.body, request.headers)
        def_status, def_payload = def_post(request.body, request.headers)
        assert async_status == def_status == 200
        assert async_payload == def_payload
    intent = next(r for r in requests if r.kind == "intent")
    assert (load.speech_of(def_post(intent.body, intent.headers)[1]) or "").startswith(
        "It will be "
    )


def test_the_check_catches_a_server_that_does_not_verify(requests: list[SignedRequest]) -> None:
    post = client_post(bare.create_app())
    assert len(load.check_correctness(post, requests, verifies=False)) == 2
    with pytest.raises(wrk.BenchmarkError, match="tampered body: HTTP 200"):
        load.check_correctness(post, requests, verifies=True)


def test_the_check_catches_a_server_without_speech(requests: list[SignedRequest]) -> None:
    def silent(body: bytes, headers: Mapping[str, str]) -> tuple[int, bytes]:
        return 200, b'{"version": "1.0", "response": {}}'

    with pytest.raises(wrk.BenchmarkError, match="expected speech"):
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


def test_table_gives_each_row_its_ratio_to_the_floor_and_its_target() -> None:
    results = {
        "bare": result(1000),
        "floor": result(500),
        "async": result(650),
        "def": result(500),
        "def-info": result(470),
        "def-json": result(480),
    }
    text = report.table(results)
    assert "| 0.500 |" in text and "| 0.650 |" in text
    assert "async / floor: 1.300 (target >= 1.25) OK" in text
    assert "def / floor: 1.000 (target >= 1.00) OK" in text
    assert "def-info / floor: 0.940 (target >= 0.95) BELOW TARGET" in text
    assert "def-json / floor: 0.960 (target >= 0.95) OK" in text
    assert "async / floor: 1.200 (target >= 1.25) BELOW" in report.table(
        results, {("async", "floor"): 1.2}
    )


def test_two_workers_are_compared_by_cpu_per_request() -> None:
    results = {"floor": result(500), "def-info": result(500), "def-info-2w": result(480)}
    assert "def-info-2w / def-info, server CPU per request: 1.042 (target <= 1.10) OK" in (
        report.table(results)
    )
    results["def-info-2w"] = result(400)
    assert "1.250 (target <= 1.10) ABOVE TARGET" in report.table(results)
    [spec] = load.server_specs(["def-info-2w"], Path("/pki"), "auto", "auto", None)
    assert "--workers=2" in spec.command and not spec.pinned
    assert spec.env["ALEXASKILL_LOG_LEVEL"] == "INFO"


def test_rounds_are_paired_and_the_median_run_is_kept() -> None:
    runs = {"floor": [result(100), result(200), result(400)], "async": [result(90)] * 3}
    assert report.paired_ratios(runs, "async", "floor") == [0.9, 0.45, 0.225]
    assert report.median_run(runs["floor"]).rps == 200
    assert report.median_run(runs["floor"][:2]).rps == 100


def test_ask_sdk_ratio_is_printed_against_its_target() -> None:
    results = {"floor": result(500), "async": result(450), "ask-sdk": result(10)}
    assert "async / ASK SDK: 45.0x (target > 35x) OK" in report.table(results)
    results["ask-sdk"] = result(15)
    assert "async / ASK SDK: 30.0x (target > 35x) BELOW" in report.table(results)


def test_log_rows_set_the_log_and_the_others_switch_it_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app writes the request line at INFO when nothing set up logging: the rows without
    # it must say so, or they measure the line too.
    specs = load.server_specs(["def", "def-info", "def-json"], tmp_path, "auto", "auto", None)
    assert [spec.env.get("ALEXASKILL_LOG_LEVEL") for spec in specs] == ["WARNING", "INFO", "INFO"]
    assert [spec.env.get("ALEXASKILL_LOG_JSON") for spec in specs] == [None, None, "1"]
    assert all("weather_def:create_app" in " ".join(spec.command) for spec in specs)


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


def test_ask_sdk_trust_store_is_production_sized_unless_minimal(
    pki_dir: Path, tmp_path: Path
) -> None:
    # A copy of the module's PKI directory: the ask-sdk row writes its trust store into it.
    directory = Path(shutil.copytree(pki_dir, tmp_path / "pki"))
    sdk = Path("/nonexistent-venv")
    for minimal, lowest in ((False, 100), (True, 1)):
        spec = load.server_specs(["ask-sdk"], directory, "auto", "auto", sdk, minimal_pki=minimal)
        trust = Path(spec[0].env["SSL_CERT_FILE"]).read_bytes()
        count = trust.count(b"-----BEGIN CERTIFICATE-----")
        assert count >= lowest and (count == 1) is minimal
        assert trust.endswith((directory / "root.pem").read_bytes())


def test_compare_with_serves_each_row_with_another_checkouts_alexaskill(tmp_path: Path) -> None:
    args = load.parse_args(["--compare-with", str(serving.ROOT), "--servers", "floor", "def"])
    assert args.servers == ["floor", "def", "def@before"]
    args = load.parse_args(["--compare-with", str(serving.ROOT)])
    assert args.servers == [
        *rows.DEFAULT_ROWS,
        *(f"{name}@before" for name in ("async", "def", "def-info", "def-json")),
    ]
    ours, before = load.server_specs(
        ["def-info", "def-info@before"],
        tmp_path,
        "auto",
        "auto",
        None,
        before=serving.ROOT,
        work_dir=tmp_path,
    )
    # The same server module and example, under another --app-dir (first on the path), where
    # alexaskill is the other checkout's.
    shim = Path(before.command[before.command.index("--app-dir") + 1])
    assert ours.command[ours.command.index("--app-dir") + 1] == str(serving.ROOT)
    assert [a for a in before.command if a != str(shim)] == [
        a for a in ours.command if a != str(serving.ROOT)
    ]
    assert (shim / "alexaskill").resolve() == serving.ROOT / "alexaskill"  # here: this checkout
    assert (shim / "benchmarks").resolve() == serving.ROOT / "benchmarks"
    assert before.env["PYTHONPATH"] == str(shim)
    assert {k: v for k, v in before.env.items() if k != "PYTHONPATH"} == {
        k: v for k, v in ours.env.items() if k != "PYTHONPATH"
    }
    assert rows.row("def-info@before").target is None
    with pytest.raises(wrk.BenchmarkError, match="need --compare-with"):
        load.server_specs(["def@before"], tmp_path, "auto", "auto", None)
    with pytest.raises(wrk.BenchmarkError, match="not a checkout"):
        load.server_specs(
            ["def@before"], tmp_path, "auto", "auto", None, before=tmp_path, work_dir=tmp_path
        )
    results = {"def": result(500), "def@before": result(400)}
    assert "def / def@before: 1.250; by server CPU per request 1.250" in report.table(results)


def test_duration_is_bounded() -> None:
    with pytest.raises(SystemExit):
        load.parse_args(["--duration", "60"])


@pytest.mark.parametrize(
    ("name", "tls"),
    [("def-info", False), ("def-info", True), ("def-serve", False)],
    ids=["http", "tls", "serve"],
)
def test_one_short_run_of_the_alexaskill_server(
    pki: TestPKI, pki_dir: Path, tmp_path: Path, name: str, tls: bool
) -> None:
    installed_or_skip("wrk", "the load-harness test")
    loop, parser = load.event_loop_and_parser()
    certificate = serving.localhost_tls(tmp_path / "tls") if tls else None
    spec = load.server_specs([name], pki_dir, loop, parser, None, tls=certificate)[0]
    assert ("--ssl-certfile" in " ".join(spec.command)) is tls
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
        tls=tls,
    )
    assert result.requests > 0
    assert result.errors == 0 and result.status_errors == 0
    assert said[-1].strip() == "tampered body: 400"
    assert result.rss_mb > 10
    # The row's INFO request line went to the server's log: one line per request.
    lines = (tmp_path / f"{name}.log").read_text(encoding="utf-8").splitlines()
    assert sum("alexaskill.request" in line for line in lines) >= result.requests


def test_before_after_runs_both_checkouts_in_one_process(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks import before_after

    # This checkout against itself: both sides load, answer every row, and print a ratio each.
    quick = ["--repeat", "1", "--rounds", "1", "--calls", "64"]
    # The other checkout's alexaskill.logs, imported as the rows run, puts its own escape_args
    # on the loggers (their names are shared): taken off again at the test's end.
    with alexaskill_logger_kept():
        before_after.main(["--compare-with", str(before_after.ROOT), *quick])
    printed = capsys.readouterr().out.splitlines()
    rows = {line.split("  ")[0].strip(): line for line in printed if line[:1].isalpha()}
    for row in before_after.ROWS:
        assert row in rows, printed
        ratio = float(rows[row].split()[-4])
        assert ratio > 0


def test_before_after_of_two_repetitions_reports_a_repetitions_own_figure() -> None:
    from benchmarks import before_after

    # Times and after / before are costs: of two repetitions the higher (3.00, 4.00 µs and 2.000),
    # not the mean of the two (2.00, 3.00 and 1.667).
    costs = {"before": {"Skill.answer": [1e-6, 3e-6]}, "after": {"Skill.answer": [2e-6, 4e-6]}}
    lines = before_after.summary(costs, {"Skill.answer": [2.0, 4 / 3]})
    assert lines[-1].split() == ["Skill.answer", "3.00", "4.00", "2.000", "(1.333", "to", "2.000)"]


def test_a_package_loaded_under_another_name_takes_its_own_directives_as_its_own() -> None:
    # before_after loads a checkout as "alexaskill_before": its responses took their own
    # directives (by module name, "alexaskill") for a skill's, checked and copied each one,
    # and an unchanged tree measured ~0.86 after/before. Its own class is held as it is.
    from benchmarks import before_after

    before_after.load_package(before_after.ROOT, "alexaskill_own_classes")
    directive = importlib.import_module("alexaskill_own_classes.responses.directive")
    directives = importlib.import_module("alexaskill_own_classes.directives")
    stop = directives.AudioPlayer.Stop()
    assert type(stop).__module__.startswith("alexaskill_own_classes.")
    assert directive._checked_object("directives[0]", stop) is stop


def test_a_package_loaded_under_another_name_knows_its_own_frames_and_types() -> None:
    # As its directives (above): stalls._ours and injection._may_be_service named the package
    # "alexaskill", so a copy loaded under another name took its own frames for a handler's
    # and its own types (Request) for a service the skill had not added.
    import types

    from benchmarks import before_after

    before_after.load_package(before_after.ROOT, "alexaskill_own_names")
    stalls = importlib.import_module("alexaskill_own_names.stalls")
    injection = importlib.import_module("alexaskill_own_names.injection")
    models = importlib.import_module("alexaskill_own_names.models")
    frame: Any = types.SimpleNamespace(f_globals={"__name__": "alexaskill_own_names.app"})
    assert stalls._ours(frame)
    frame.f_globals["__name__"] = "my_skill"
    assert not stalls._ours(frame)
    assert not injection._may_be_service(models.Request)


def test_cold_import_dynamodb_side_counts_a_visit_through_the_stand_in() -> None:
    # The program bench_cold_import.py times, once, against its stand-in for DynamoDB: the
    # returning user's 41 visits are read, and the 42nd written (no ASK SDK needed here).
    imported_or_skip("botocore", "the cold start's DynamoDB side")
    from benchmarks import bench_cold_import as cold

    body = json.dumps(cold.event())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    # No deadline for the child's skill: on a loaded machine (a whole-suite run) the cold import
    # of botocore, in the store's first load, took past the 7 s default, and the child answered
    # "Sorry, that is taking longer than expected". What is checked here is what it does, not
    # how fast (the benchmark, which times it, keeps the default).
    given = 'Skill(SKILL_ID, store="dynamodb://bench-attributes")'
    assert given in cold.ALEXASKILL_DYNAMODB
    program = cold.ALEXASKILL_DYNAMODB.replace(given, given[:-1] + ", deadline=None)")
    calls: list[str] = []
    with cold.fake_dynamodb(calls) as endpoint:
        # run_once fails unless the answer says "Hello, Ada! Visit 42."
        times = cold.run_once(sys.executable, program, body, cold.aws_env(env, endpoint))
    assert set(times) == {"import", "first_call", "process"}
    assert calls == ["GetItem", "UpdateItem"]


def test_the_mangum_lifespan_bench_answers_through_mangum_in_both_modes() -> None:
    # One short round of bench_mangum_lifespan.py, in a process of its own (it sets Lambda's
    # variables and turns logging off): each mode's invocations are answered HTTP 200 (it exits
    # naming the status otherwise), and each prints its line. Mangum is the test extra's, for
    # this test alone (no dependency of alexaskill's): under CI a missing one fails it.
    mangum = imported_or_skip("mangum", "the Mangum lifespan benchmark's test")
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AWS_LAMBDA_"))}
    # The Mangum this process imported, wherever it was found (a site directory of its own).
    assert mangum.__file__ is not None  # (a package, not a namespace)
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(Path(mangum.__file__).parent.parent)])
    script = root / "benchmarks" / "bench_mangum_lifespan.py"
    done = subprocess.run(
        [sys.executable, str(script), "--calls", "2", "--rounds", "1"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["lifespan='auto'", "lifespan='off'"], lines
    assert all("µs an invocation" in line for line in lines), lines
    assert lines[1].endswith("1.00x"), lines  # (each mode's figure against "off")


def test_instruction_counts_are_read_per_row(tmp_path: Path) -> None:
    from benchmarks import count_instructions

    assert set(count_instructions.ROWS) <= set(rows.ROWS)
    assert set(count_instructions.OURS) <= set(rows.ALEXASKILL_ROWS)
    dump = tmp_path / "callgrind.out.2"
    dump.write_text("version: 1\nevents: Ir\nfn=(1) main\n5 10\ntotals: 123456\n", encoding="utf-8")
    assert count_instructions._total(dump) == 123456


def test_the_request_line_bench_counts_batched_writes() -> None:
    # A short run of the def-info app, 16 requests in flight: every request answered, and the
    # request lines of requests in flight go out together (far fewer write() calls than lines).
    from benchmarks import bench_request_line

    assert set(bench_request_line.ROWS) <= set(rows.ALEXASKILL_ROWS)
    result = bench_request_line.run_child("def-info", 160, 16, str(serving.ROOT))
    assert result["cpu_us"] > 0
    if Path("/proc/self/io").is_file():
        assert result["writes"] < 0.5


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_the_response_writes_bench_serves_its_app_under_both_protocols(
    tmp_path: Path, scheme: str
) -> None:
    # What bench_response_writes.py compares, short of wrk: each protocol serves the tiny app,
    # over TLS too with the certificate the script makes.
    from benchmarks import bench_response_writes as bench

    bench.write_files(tmp_path)
    for protocol in bench.PROTOCOLS:
        port = serving.free_port()
        command = bench.server_command(tmp_path, protocol, scheme, port)
        with bench.serving(command, port, scheme, None):
            assert bench.answers(port, scheme)


def test_the_tests_and_the_tls_benchmarks_make_their_certificate_in_one_place(
    tmp_path: Path,
) -> None:
    # serving.self_signed (benchmarks import nothing of tests); load.py re-exports it no more.
    cert, key = serving.self_signed(
        tmp_path / "tls", common_name="127.0.0.1", ips=["127.0.0.1"], ca=True
    )
    assert (cert, key) == (tmp_path / "tls" / "cert.pem", tmp_path / "tls" / "key.pem")
    certificate = x509.load_pem_x509_certificate(cert.read_bytes())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert [str(ip) for ip in names.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert not hasattr(load, "self_signed")
    assert not (serving.ROOT / "tests" / "self_signed.py").exists()
