"""The ratios the benchmarks print: `load.py`'s rounds paired row by row, and
`count_instructions.py`'s counts beside their ratios (no benchmark is run, no time asserted)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import (
    bench_cold_import,
    bench_response_writes,
    count_instructions,
    load,
    report,
    serving,
    wrk,
)
from tests.benchmarks_shared import fake_main, run


def test_every_row_gets_its_rounds_paired_with_the_floors_rows_without_a_target_too() -> None:
    # The floor's median round is its second, def-docker's its first: median over median would
    # read 1000 / 900 = 1.111, where the rounds' own ratios read 0.8, 1.1, 1.2 (median 1.1).
    runs = {
        "floor": [run(1000, 250), run(900, 280), run(800, 300)],
        "def-docker": [run(800, 300), run(990, 270), run(960, 260)],
        "def-info": [run(700), run(810), run(720)],
    }
    lines, ratios, by_cpu = report.round_by_round(runs)
    assert "def-docker / floor, round by round: 0.800, 1.100, 1.200; median 1.100" in lines
    assert any(line.startswith("def-info / floor, round by round: 0.700, 0.900") for line in lines)
    assert not any(line.startswith(("floor /", "bare /")) for line in lines)
    assert ratios["def-docker", "floor"] == pytest.approx(1.1)
    # By server CPU a request, paired too: floor / row, round by round (250/300, 280/270, 300/260).
    assert by_cpu["def-docker", "floor"] == pytest.approx(280 / 270)
    results = {name: report.median_run(found) for name, found in runs.items()}
    text = report.table(results, ratios, by_cpu)
    assert "def-docker / floor: 1.100; by server CPU per request 1.037" in text
    assert "def-info / floor: 0.900 (target >= 0.95) BELOW TARGET" in text


def test_one_pairing_gives_the_rounds_by_requests_and_by_server_cpu() -> None:
    runs = {"floor": [run(1000, 300), run(800, 330)], "def": [run(900, 360), run(880, 300)]}
    assert report.paired_ratios(runs, "def", "floor") == pytest.approx([0.9, 1.1])
    by_cpu = report.paired_ratios(runs, "def", "floor", report.by_server_cpu)
    assert by_cpu == pytest.approx([300 / 360, 330 / 300])
    assert not hasattr(report, "paired_cpu_ratios")  # the pairing is written once


def test_of_an_even_number_of_rounds_the_ratio_is_the_lower_middle_as_the_run_is() -> None:
    # The table's run of four is the lower middle one (def's 880); its ratios are the lower
    # middle of the rounds' own too (0.9 of 0.8, 0.9, 1.1, 1.2; by CPU 0.9 of 0.8, 0.9, 1, 1.2),
    # not the mean of the two middle ones (1.0 and 0.95), which no round measured.
    runs = {
        "floor": [run(1000, 300), run(1000, 300), run(800, 300), run(800, 300)],
        "def": [run(800, 375), run(900, 333.3), run(880, 300), run(960, 250)],
    }
    assert report.median_run(runs["def"]).rps == 880
    lines, ratios, by_cpu = report.round_by_round(runs)
    assert "def / floor, round by round: 0.800, 0.900, 1.100, 1.200; median 0.900" in lines
    assert ratios["def", "floor"] == pytest.approx(0.9)
    assert by_cpu["def", "floor"] == pytest.approx(0.9, abs=1e-3)


def test_a_made_up_log_of_three_rounds_reads_as_its_rounds_paired_by_hand(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # No server runs: each row's runs come from this log, in the order main asks for them (the
    # second round in reverse). By hand, def-docker's rounds over the floor's read 950/1000,
    # 880/800, 810/900 (median 0.950) and by server CPU 300/310, 330/300, 310/350 (median 0.968);
    # its median round over the floor's (880 / 900, 310 / 300) would read 0.978 and 1.033.
    log = {
        "floor": [run(1000, 300), run(800, 330), run(900, 310)],
        "def-docker": [run(950, 310), run(880, 300), run(810, 350)],
        "def-info": [run(700, 400), run(720, 380), run(810, 360)],
    }
    order: list[str] = []

    def benchmark_server(spec: serving.ServerSpec, *args: Any, **kwargs: Any) -> wrk.LoadResult:
        order.append(spec.name)
        return log[spec.name][order.count(spec.name) - 1]

    fake_main(monkeypatch, benchmark_server)
    servers = ["--servers", "floor", "def-docker", "def-info"]
    assert load.main([*servers, "--rounds", "3", "--pool", "8"]) == 0
    out = capsys.readouterr().out
    assert order == [*log, *reversed(log), *log]
    assert "def-docker / floor, round by round: 0.950, 1.100, 0.900; median 0.950" in out
    assert "def-info / floor, round by round: 0.700, 0.900, 0.900; median 0.900" in out
    assert "def-docker / floor: 0.950; by server CPU per request 0.968" in out
    assert (
        "def-info / floor: 0.900 (target >= 0.95) BELOW TARGET; by server CPU per request 0.861"
        in out
    )


def test_ctrl_c_during_a_run_ends_main_at_once_with_a_line_that_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The second run is interrupted (py-spy's stop noted on it, as `sampling` does): main says
    # so in one line, names what finished, and ends (130, as a shell's Ctrl-C), no traceback.
    def benchmark_server(spec: serving.ServerSpec, *args: Any, **kwargs: Any) -> wrk.LoadResult:
        if spec.name == "floor":
            return run(1000, 300)
        interrupt = KeyboardInterrupt()
        interrupt.add_note("py-spy stopped at the interrupt")
        raise interrupt

    fake_main(monkeypatch, benchmark_server)
    assert load.main(["--servers", "floor", "def-info", "--rounds", "2", "--pool", "8"]) == 130
    out, err = capsys.readouterr()
    assert "1,000 requests/s" in out  # the floor's run, printed as it ended
    assert err.splitlines() == [
        "  INTERRUPTED in def-info's run (round 1 of 2): the figures above are the 1 run that "
        "finished; no table (py-spy stopped at the interrupt)"
    ]


def test_a_row_and_its_before_twin_are_paired_round_by_round() -> None:
    runs = {
        "floor": [run(1000), run(1000)],
        "def-docker": [run(900, 100), run(800, 100)],
        "def-docker@before": [run(600, 150), run(900, 200)],
    }
    lines, ratios, by_cpu = report.round_by_round(runs)
    # Of two rounds, the lower one (as the table's run of each row is its lower one).
    assert "def-docker / def-docker@before, round by round: 1.500, 0.889; median 0.889" in lines
    assert by_cpu["def-docker", "def-docker@before"] == pytest.approx(1.5)
    text = report.table({name: found[0] for name, found in runs.items()}, ratios, by_cpu)
    assert "def-docker / def-docker@before: 0.889; by server CPU per request 1.500" in text


def test_each_row_is_paired_only_with_what_it_is_measured_against() -> None:
    # A twin with its row, not the floor; the unpinned two-worker row by server CPU a request
    # with its one-worker row (requests/s cannot show scaling); the SDK as async's reference.
    runs = {
        "floor": [run(1000, 300), run(800, 330), run(900, 310)],
        "async": [run(900, 200), run(880, 210), run(870, 220)],
        "def-info": [run(700, 400), run(720, 380), run(810, 360)],
        "def-info-2w": [run(1300, 420), run(1000, 400), run(1200, 450)],
        "ask-sdk": [run(20, 9000), run(30, 8000), run(25, 7000)],
        "async@before": [run(800, 250), run(900, 230), run(860, 240)],
        "def-info-2w@before": [run(1300, 420), run(1000, 400), run(1200, 450)],
    }
    lines, ratios, by_cpu = report.round_by_round(runs)
    assert not [line for line in lines if line.startswith(("def-info-2w / floor", "ask-sdk /"))]
    assert not [line for line in lines if line.startswith(("async@", "def-info-2w@"))]
    assert "async / async@before, round by round: 1.125, 0.978, 1.012; median 1.012" in lines
    assert (
        "def-info-2w / def-info, server CPU per request, round by round: 1.050, 1.053, 1.250; "
        "median 1.053" in lines
    )
    assert "async / ask-sdk, round by round: 45.000, 29.333, 34.800; median 34.800" in lines
    results = {name: report.median_run(found) for name, found in runs.items()}
    text = report.table(results, ratios, by_cpu)
    twins = ("async@", "def-info-2w@")
    assert not [line for line in text.splitlines() if line.startswith(("ask-sdk /", *twins))]
    assert "def-info-2w / floor" not in text
    assert "def-info-2w / def-info, server CPU per request: 1.053 (target <= 1.10) OK" in text
    # Paired, not async's median round over the SDK's (880 / 25 = 35.2, OK), which the table
    # reads without rounds; likewise the two-worker row (450 / 380 = 1.184, above its target).
    assert "async / ASK SDK: 34.8x (target > 35x) BELOW TARGET" in text
    assert "async / ASK SDK: 35.2x (target > 35x) OK" in report.table(results)
    assert "server CPU per request: 1.184 (target <= 1.10) ABOVE" in report.table(results)


def test_the_instruction_counts_print_the_before_counts_beside_the_ratios(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # valgrind is not run: the counting is a stand-in, one call for now, one for @before.
    made = iter(
        [
            {"floor": 680_000.0, "async": 640_000.0, "def": 650_000.0},
            {"async": 660_000.0, "def": 650_000.0},
        ]
    )

    def count(*args: Any) -> dict[str, float]:
        return next(made)

    monkeypatch.setattr(count_instructions, "count", count)
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    (tmp_path / "alexaskill").mkdir()
    (tmp_path / "alexaskill" / "__init__.py").write_text("", encoding="utf-8")
    code = count_instructions.main(
        ["--rows", "floor", "async", "def", "--compare-with", str(tmp_path)]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert "| row | instructions/request | floor / row | @before | before / row |" in out
    assert "| async | 640,000 | 1.062 | 660,000 | 1.031 |" in out
    assert "| def | 650,000 | 1.046 | 650,000 | 1.000 |" in out
    assert "| floor | 680,000 | 1.000 | | |" in out


def test_the_share_of_bare_is_paired_round_by_round_too() -> None:
    # bare's median round is its third (1200/s), the floor's its first (800/s): median over median
    # reads 0.667, where the rounds' own shares read 0.8, 0.55 and 0.5 (median 0.55).
    runs = {"bare": [run(1000), run(2000), run(1200)], "floor": [run(800), run(1100), run(600)]}
    _, ratios, by_cpu = report.round_by_round(runs)
    results = {name: report.median_run(found) for name, found in runs.items()}
    rows = report.table(results, ratios, by_cpu).splitlines()
    assert rows[2].split(" | ")[4] == "1.000" and rows[3].split(" | ")[4] == "0.550"


def test_of_an_even_number_of_rounds_the_workers_cost_is_the_unfavourable_middle() -> None:
    # def-info-2w over def-info by server CPU a request is a cost (lower is better): of two
    # rounds (1.05 and 1.20) it is the higher, as a requests/s ratio is the lower (0.9 of 0.9
    # and 1.0), never the round that flatters the row.
    runs = {
        "floor": [run(1000, 300), run(1000, 300)],
        "def-info": [run(900, 400), run(1000, 380)],
        "def-info-2w": [run(1300, 420), run(1200, 456)],
    }
    lines, ratios, by_cpu = report.round_by_round(runs)
    assert ratios["def-info", "floor"] == pytest.approx(0.9)
    assert by_cpu["def-info", "def-info-2w"] == pytest.approx(1.2)
    assert "server CPU per request, round by round: 1.050, 1.200; median 1.200" in "\n".join(lines)
    results = {name: report.median_run(found) for name, found in runs.items()}
    text = report.table(results, ratios, by_cpu)
    assert "def-info-2w / def-info, server CPU per request: 1.200 (target <= 1.10) ABOVE" in text


def test_the_response_writes_ratios_of_an_even_number_of_rounds_are_a_rounds_own_lower_middle(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # No server and no wrk: each (protocol, scheme) run's figures come from this log, round by
    # round. alexaskill / uvicorn reads 1.0 and 1.2 by requests/s, 1.0 and 1.25 by server CPU
    # (uvicorn's over alexaskill's): the lower of each (above 1 alexaskill is the better), a
    # round's own, not the mean of the two (1.100, 1.125), which no round measured.
    log = {
        ("uvicorn", "http"): [(1000.0, 100.0), (1000.0, 100.0)],
        ("alexaskill", "http"): [(1000.0, 100.0), (1200.0, 80.0)],
        ("uvicorn", "https"): [(800.0, 125.0), (800.0, 125.0)],
        ("alexaskill", "https"): [(960.0, 100.0), (800.0, 125.0)],
    }
    done: list[tuple[str, str]] = []

    @contextlib.contextmanager
    def serving(command: list[str], port: int, scheme: str, cpu: int | None) -> Iterator[Any]:
        yield (
            "alexaskill" if bench_response_writes.PROTOCOLS["alexaskill"] in command else "uvicorn"
        )

    def load(port: int, scheme: str, directory: Path, seconds: int, cpu: Any, pid: Any) -> Any:
        done.append((pid, scheme))
        return log[pid, scheme][done.count((pid, scheme)) - 1]

    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(bench_response_writes, "serving", serving)
    monkeypatch.setattr(bench_response_writes, "load", load)
    assert bench_response_writes.main(["--rounds", "2", "--duration", "1"]) == 0
    out = capsys.readouterr().out
    assert sorted(done) == sorted([*log, *log])
    assert (
        "http: alexaskill / uvicorn requests/s, round by round: 1.00, 1.20; median 1.000; by "
        "server CPU a request 1.000" in out
    )
    assert (
        "https: alexaskill / uvicorn requests/s, round by round: 1.20, 1.00; median 1.000; "
        "by server CPU a request 1.000" in out
    )


def test_the_cold_start_reads_each_side_and_its_ratios_as_a_rounds_own_unfavourable_middle(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # No process of a side runs: each one's times (s) come from this log, the warm-up first, then
    # two rounds. A time is a cost: of two, the higher (alexaskill's import 20 ms, not 15); the
    # SDK over alexaskill is paired round by round (30/10, 30/20) and the lower taken (1.50, not
    # the ratio of the means, 30/15 = 2.00); what the DynamoDB store adds, round by round too
    # (19 - 11, 34 - 21 ms: 13.0, not 26.5 - 16 = 10.5).
    def times(imports: list[float], call: float, process: list[float]) -> list[dict[str, float]]:
        return [
            {"import": i, "first_call": call, "process": p}
            for i, p in zip([0.5, *imports], [0.5, *process], strict=True)
        ]

    log = {
        bench_cold_import.ALEXASKILL: times([0.010, 0.020], 0.001, [0.050, 0.060]),
        bench_cold_import.ASK_SDK: times([0.030, 0.030], 0.002, [0.100, 0.090]),
        bench_cold_import.ALEXASKILL_DYNAMODB: times([0.015, 0.030], 0.004, [0.070, 0.080]),
        bench_cold_import.ASK_SDK_DYNAMODB: times([0.050, 0.050], 0.010, [0.200, 0.200]),
    }

    order: list[str] = []

    def run_once(python: str, program: str, body: str, env: dict[str, str]) -> dict[str, float]:
        order.append(program)
        return log[program].pop(0)

    monkeypatch.setattr(bench_cold_import, "run_once", run_once)
    monkeypatch.setattr(bench_cold_import, "ask_sdk_python", lambda given: ("sdk", "the SDK"))
    bench_cold_import.measure(2, None, "http://127.0.0.1:1")
    out = capsys.readouterr().out
    assert "alexaskill         20.0ms       1.0ms       21.0ms     60.0ms" in out
    assert "import: ask-sdk-core / alexaskill = 1.50" in out
    assert "import + first call: ask-sdk-core / alexaskill = 1.52" in out  # 32/11, 32/21
    assert "whole process: ask-sdk-core / alexaskill = 1.50" in out  # 100/50, 90/60
    if "DynamoDB sides left out" not in out:  # (botocore installed)
        assert "DynamoDB store adds to alexaskill's import + first call: 13.0 ms" in out
    # The warm-up, then the rounds, the second in reverse: no side always runs first.
    sides = order[: len(set(order))]
    assert order == [*sides, *sides, *reversed(sides)]
    assert "every other round in reverse order" in out
