"""`bench_response_writes.py`'s own failures: its write() count under strace and its wrk runs
end in one line (`BenchmarkError`), never a traceback, and never leave a tool running; and its
servers print nothing amid its figures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks import bench_response_writes as bench
from benchmarks import strace_counts, wrk
from benchmarks.serving import free_port
from tests.processes import stand_in

#: strace's table as ``-c`` writes it: 1,000 writes and 500 sendmsg counted.
TABLE = """\
% time     seconds  usecs/call     calls    errors syscall
------ ----------- ----------- --------- --------- ----------------
 60.00    0.000600           1      1000           write
 40.00    0.000400           1       500           sendmsg
------ ----------- ----------- --------- --------- ----------------
100.00    0.001000           1      1500           total
"""

#: A stand-in's arguments: its ``-o`` file in $out and its ``-p`` pid in $pid, wherever they are.
ARGUMENTS = """\
while [ $# -gt 0 ]; do case "$1" in -o) out=$2;; -p) pid=$2;; esac; shift; done
echo $$ > "$(dirname "$out")/strace.pid"
"""


def on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, script: str) -> None:
    """``script`` (sh) first on PATH as ``name``."""
    tools = stand_in(tmp_path, name, script)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")


def test_the_write_count_starts_once_strace_says_it_attached(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # strace's stand-in takes 2 s to attach (longer than a fixed wait of 1 s); on SIGINT before
    # then it ends without a table, as strace does that counted nothing; after, with its table.
    script = ARGUMENTS + "trap 'kill $!; exit 0' INT\nsleep 2 & wait\n"
    script += f"cat > \"$out\" <<'EOF'\n{TABLE}EOF\n"
    script += 'echo "strace: Process $pid attached" >&2\nsleep 60 & wait\n'
    on_path(monkeypatch, tmp_path, "strace", script)
    bench.write_files(tmp_path)
    assert bench.count_writes(tmp_path, "alexaskill") == 1500


def test_a_strace_that_does_not_stop_is_killed_and_said_in_one_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # strace's stand-in attaches and ignores SIGINT: stopped once its time is up, not left
    # running after the benchmark, and said in one error, not a TimeoutExpired traceback.
    script = ARGUMENTS + "trap '' INT\n"
    script += 'echo "strace: Process $pid attached" >&2\nexec sleep 60\n'
    on_path(monkeypatch, tmp_path, "strace", script)
    monkeypatch.setattr(strace_counts, "STRACE_STOP_SECONDS", 0.5)
    bench.write_files(tmp_path)
    with pytest.raises(wrk.BenchmarkError, match=r"^strace did not stop within 0\.5 s of SIGINT"):
        bench.count_writes(tmp_path, "alexaskill")
    with pytest.raises(ProcessLookupError):
        os.kill(int((tmp_path / "strace.pid").read_text(encoding="utf-8")), 0)


def test_a_wrk_that_does_not_end_is_said_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # wrk's stand-in never ends: the run's failure in one line from main, not a TimeoutExpired.
    on_path(monkeypatch, tmp_path, "wrk", f"echo $$ > {tmp_path / 'wrk.pid'}\nexec sleep 60\n")
    monkeypatch.setattr(bench, "WRK_GRACE_SECONDS", 0.5)
    monkeypatch.setattr(bench, "cpus_for_pinning", lambda: (None, None))
    assert bench.main(["--rounds", "1", "--duration", "0"]) == 1
    errors = capsys.readouterr().err.splitlines()
    assert errors == ["FAILED: wrk had not ended 0.5 s after its run of 1 s: stopped"]
    with pytest.raises(ProcessLookupError):
        os.kill(int((tmp_path / "wrk.pid").read_text(encoding="utf-8")), 0)


def test_alexaskills_tls_server_says_nothing_of_its_handshakes(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # On uvicorn's own uvloop, alexaskill's protocol warned at its first connection (the script's
    # check that the server answers) that a TLS handshake waits 60 s: a log line amid the
    # figures. The TLS runs serve on alexaskill.loops' uvloop, whose handshakes are bounded.
    pytest.importorskip("uvloop")
    bench.write_files(tmp_path)
    port = free_port()
    command = bench.server_command(tmp_path, "alexaskill", "https", port)
    with bench.serving(command, port, "https", None):
        assert bench.answers(port, "https")
    assert capfd.readouterr().err == ""
