"""What ``alexaskill serve`` refuses before it starts, or warns of: option values that are empty
or unknown, hosts, workers past the machine, capture directories and TLS files it cannot use,
certificates Alexa refuses."""

from __future__ import annotations

import inspect
import logging
import os
import re
from pathlib import Path

import pytest
import uvicorn

from alexaskill.cli import parser
from alexaskill.cli.serve_uvicorn import _options
from benchmarks.serving import self_signed

from .cli_run import run
from .cli_serve_shared import options
from .cli_shared import WEATHER

pytestmark = pytest.mark.oldest_dependencies


def _certificate(
    directory: Path, *, days: tuple[int, int], names: list[str] | None
) -> tuple[str, str]:
    """A self-signed certificate valid from ``days[0]`` to ``days[1]`` days from now, for the
    DNS ``names`` (no subjectAltName if None), and its key: their PEM files."""
    cert, key = self_signed(directory, common_name="skill.example.com", days=days, dns=names or ())
    return str(cert), str(key)


@pytest.mark.parametrize(
    ("days", "names", "said"),
    [
        ((-60, -1), ["skill.example.com"], "expired on "),
        ((10, 100), ["skill.example.com"], "is not valid before "),
        ((-1, 30), None, "names no DNS name in its subjectAltName"),
        ((-1, 30), ["skill.example.com"], None),
    ],
    ids=["expired", "not-yet-valid", "no-dns-name", "good"],
)
def test_serve_warns_of_a_certificate_alexa_refuses(
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    days: tuple[int, int],
    names: list[str] | None,
    said: str | None,
) -> None:
    # uvicorn served an expired certificate without a word: Alexa's requests then never came,
    # and nothing in the server's log said why.
    from alexaskill.cli.serve_uvicorn import _say_at_start

    cert, key = _certificate(tmp_path, days=days, names=names)
    argv = ("--ssl-certfile", cert, "--ssl-keyfile", key)
    assert options(*argv)["ssl_certfile"] == cert  # served all the same
    with caplog.at_level(logging.WARNING, "alexaskill"):
        _say_at_start(parser().parse_args(["serve", WEATHER, *argv]))  # once logging is set up
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    if said is None:
        assert warnings == []
    else:
        [warning] = warnings
        assert warning.startswith(f"--ssl-certfile {cert}: the certificate "), warning
        assert said in warning and "Alexa" in warning, warning


@pytest.mark.parametrize("host", ["", " "])
def test_serve_refuses_an_empty_host(capsys: pytest.CaptureFixture[str], host: str) -> None:
    # uvicorn binds an empty host on every interface: `--host "$HOST"` with HOST unset served
    # the skill (the simulator too, with --dev) to the whole network.
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", WEATHER, "--host", host])
    assert "every interface" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        # uvicorn's ImportFromStringError traceback, exit 1, once the server was starting.
        (("--http", ""), "--http '': uvicorn's auto, h11 or httptools, or a class"),
        (("--http", "nosuch"), "--http 'nosuch': uvicorn's auto, h11 or httptools, or a class"),
        # `--capture "$DIR"`, the variable unset: served with no capture, silently.
        (("--capture", ""), "--capture is empty"),
        (("--capture", " "), "--capture is empty"),
    ],
)
def test_serve_refuses_an_empty_or_unknown_option_value(argv: tuple[str, ...], error: str) -> None:
    from alexaskill.cli.common import UsageError

    with pytest.raises(UsageError, match=re.escape(error)):
        options(*argv)


def test_serve_refuses_a_capture_dir_under_a_file(tmp_path: Path) -> None:
    # Only DIR itself was checked: served, each request's capture failing with a warning.
    from alexaskill.cli.common import UsageError

    file = tmp_path / "captures"
    file.write_text("", encoding="utf-8")
    with pytest.raises(UsageError, match="not a directory"):
        options("--capture", str(file / "today"))
    options("--capture", str(tmp_path / "new" / "today"))  # control: directories to make


def test_serve_refuses_more_workers_than_the_machine_can_use(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Taken: --workers 100000 had uvicorn start a hundred thousand processes, each importing
    # the app, until the machine ran out of memory or process slots.
    from alexaskill.cli.serve_parser import max_workers

    most = max_workers()
    assert most >= 8
    args = parser().parse_args(["serve", WEATHER, "--workers", str(most)])
    assert args.workers == most
    for bad in (str(most + 1), "100000"):
        with pytest.raises(SystemExit):
            parser().parse_args(["serve", WEATHER, "--workers", bad])
        err = capsys.readouterr().err
        assert f"{bad}: at most {most} here" in err, err


def test_serve_refuses_a_host_that_does_not_resolve(monkeypatch: pytest.MonkeyPatch) -> None:
    # uvicorn started the app, then said only "[Errno -2] Name or service not known" (which
    # name?) and exited 3. (No DNS: the lookup is made to fail here.)
    import socket

    def no_such_name(host: object, *args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    from alexaskill.cli.common import UsageError

    args = parser().parse_args(["serve", WEATHER, "--host", "skill-hots.example"])
    with pytest.raises(UsageError, match=r"^--host skill-hots\.example: Name or service not"):
        _options(args)


@pytest.mark.parametrize("seconds", ["86401", "1" + "0" * 400])
def test_serve_refuses_a_graceful_shutdown_longer_than_a_day(
    capsys: pytest.CaptureFixture[str], seconds: str
) -> None:
    # Taken: uvicorn's wait_for at shutdown then raised OverflowError (a traceback, the requests
    # under way never cancelled) for a number past a float, and a day is more than any stop.
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", WEATHER, "--timeout-graceful-shutdown", seconds])
    assert "at most 86,400 (a day)" in capsys.readouterr().err
    assert options("--timeout-graceful-shutdown", "86400")["timeout_graceful_shutdown"] == 86400


@pytest.mark.parametrize(("cpus", "most"), [(1, 8), (2, 8), (3, 12), (16, 64)])
def test_the_workers_bound_follows_the_cpus_this_process_may_use(
    monkeypatch: pytest.MonkeyPatch, cpus: int, most: int
) -> None:
    # A container given one CPU (sched_getaffinity) still takes 8 workers; above two CPUs, 4
    # each. (The test above checks the machine's own bound, 8 on a two-core CI either way.)
    import os

    from alexaskill.cli.serve_parser import max_workers

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 1000)  # not asked where the affinity answers
    assert max_workers() == most
    assert parser().parse_args(["serve", WEATHER, "--workers", str(most)]).workers == most
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # macOS, Windows: no affinity
    monkeypatch.setattr(os, "cpu_count", lambda: cpus)
    assert max_workers() == most
    monkeypatch.setattr(os, "cpu_count", lambda: None)  # "undetermined"
    assert max_workers() == 8


def test_the_workers_bound_is_said_with_thousands_separators(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # As the other messages write sizes: "at most 1024 here" was said on a machine of 256 CPUs.
    import os

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(256)), raising=False)
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", WEATHER, "--workers", "2000"])
    assert "2000: at most 1,024 here" in capsys.readouterr().err


@pytest.mark.parametrize("http", ["h11", "httptools", "alexaskill.server:HttpProtocol"])
def test_serve_runs_each_request_in_a_fresh_context_whatever_the_protocol(http: str) -> None:
    # uvicorn's own protocols (--http h11, httptools) from 0.45 give a request a fresh context
    # only with reset_contextvars, off by default: serve turns it on where uvicorn has it (and
    # passes no option uvicorn 0.42, the floor, would refuse; it gave every request one).
    served = options("--http", http)
    if "reset_contextvars" in inspect.signature(uvicorn.Config).parameters:
        assert served["reset_contextvars"] is True
        uvicorn.Config(WEATHER, **served)  # type: ignore[arg-type]  # (taken)
    else:
        assert "reset_contextvars" not in served


@pytest.mark.parametrize(
    ("host", "hint"),
    [
        ("[::1]", "an IPv6 address goes without brackets: --host ::1"),
        ("[::]:8080", "an IPv6 address goes without brackets: --host :: --port 8080"),
        ("127.0.0.1:8000", "the port goes in --port: --host 127.0.0.1 --port 8000"),
        (
            "http://0.0.0.0:8080",
            "give an address, not a URL (the port has --port, TLS --ssl-certfile)",
        ),
    ],
)
def test_serve_says_what_to_give_for_a_host_written_as_in_a_url(
    monkeypatch: pytest.MonkeyPatch, host: str, hint: str
) -> None:
    # An address as a URL writes it ([::1], host:port, http://…) does not resolve: the error
    # said "give an address of this machine (…) or a name it resolves", as for a misspelt name.
    import socket

    def no_such_name(host: object, *args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    from alexaskill.cli.common import UsageError

    args = parser().parse_args(["serve", WEATHER, "--host", host])
    with pytest.raises(UsageError) as raised:
        _options(args)
    assert str(raised.value) == f"--host {host}: Name or service not known: {hint}"


def test_serve_refuses_a_capture_dir_it_cannot_make_or_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only a file in the way was checked: served, every request's capture failing with a
    # WARNING ("request capture: cannot write to …"), the capture asked for never made.
    from alexaskill.cli.common import UsageError

    too_long = tmp_path / ("x" * 300) / "today"  # a name no file system takes
    with pytest.raises(UsageError, match=r"^--capture .*: cannot make it \(File name too long\)"):
        options("--capture", str(too_long))
    made = tmp_path / "new" / "today"
    options("--capture", str(made))
    assert made.is_dir()  # made at start, as the capture would make it
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)  # (root may write anywhere)
    with pytest.raises(UsageError, match=r"^--capture .*: this user cannot write to it$"):
        options("--capture", str(made))


@pytest.mark.parametrize(
    "argv",
    [
        ("--ssl-certfile", "", "--ssl-keyfile", "key.pem"),
        ("--ssl-certfile", "cert.pem", "--ssl-keyfile", ""),
        ("--ssl-certfile", "", "--ssl-keyfile", ""),
        ("--ssl-keyfile", ""),
    ],
)
def test_serve_names_the_tls_option_given_an_empty_path(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    # `--ssl-certfile "$CERT"`, the variable unset: said "--ssl-certfile and --ssl-keyfile go
    # together" (both were given), or "--ssl-certfile : no such file".
    empty = argv[argv.index("") - 1]
    with pytest.raises(SystemExit) as stopped:
        parser().parse_args(["serve", WEATHER, *argv])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {empty}: empty path: name " in err, err
    assert "go together" not in err


@pytest.mark.parametrize(
    ("option", "environment", "said"),
    [
        (("--forwarded-allow-ips", ""), None, "--forwarded-allow-ips ''"),
        (("--forwarded-allow-ips", " , "), "10.0.0.5", "--forwarded-allow-ips ' , '"),
        ((), "", "FORWARDED_ALLOW_IPS=''"),
        # (a list of commas alone, said cut: it was said whole, 100,000 characters of them)
        ((), "," * 100_000, f"FORWARDED_ALLOW_IPS='{',' * 70}…{',' * 30}' (100,000 characters)"),
    ],
)
def test_serve_says_an_empty_proxy_list_trusts_no_proxy(
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    option: tuple[str, ...],
    environment: str | None,
    said: str,
) -> None:
    # uvicorn reads an empty list as no proxy at all, not its default (the loopback addresses):
    # `--forwarded-allow-ips "$IPS"` with IPS unset ignored a local proxy's X-Forwarded-For,
    # without a word.
    from alexaskill.cli.serve_uvicorn import _say_at_start

    if environment is None:
        monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    else:
        monkeypatch.setenv("FORWARDED_ALLOW_IPS", environment)
    with caplog.at_level(logging.WARNING, "alexaskill"):
        _say_at_start(parser().parse_args(["serve", WEATHER, *option]))
    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.startswith(f"{said} trusts no proxy, not even on the loopback addresses"), (
        warning
    )
    caplog.clear()
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.5")
    with caplog.at_level(logging.WARNING, "alexaskill"):
        _say_at_start(parser().parse_args(["serve", WEATHER]))
    assert caplog.records == []


@pytest.mark.parametrize("option", ["--ssl-certfile", "--ssl-keyfile"])
def test_serve_says_a_tls_file_that_is_no_file_is_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, option: str
) -> None:
    # A directory (or /dev/null) named was "no such file", of a path that is there.
    from alexaskill.cli import serve

    cert, key = _certificate(tmp_path, days=(-1, 30), names=["skill.example.com"])
    files = {"--ssl-certfile": cert, "--ssl-keyfile": key, option: str(tmp_path)}
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    argv = [arg for pair in files.items() for arg in pair]
    code, out, err = run("serve", WEATHER, *argv)
    assert (code, out) == (2, "")
    assert err == (
        f"alexaskill serve: error: {option} {tmp_path}: not a file (a directory, a device or a "
        "pipe)\n"
    )


def test_serve_says_why_a_tls_file_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A key file the server's user may not read (mode 600, another owner) was "not a PEM
    # certificate" or the like; it is said as the system says it. (Root reads any file: the
    # refusal is made here, where serve opens the file.)
    from alexaskill.cli import serve, serve_uvicorn

    cert, key = _certificate(tmp_path, days=(-1, 30), names=["skill.example.com"])

    def refused(path: str, *args: object, **kwargs: object) -> object:
        if path == key:
            raise PermissionError(13, "Permission denied", path)
        return open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(serve_uvicorn, "open", refused, raising=False)
    monkeypatch.setattr(serve, "_run_uvicorn", lambda app, **options: pytest.fail("served"))
    code, out, err = run("serve", WEATHER, "--ssl-certfile", cert, "--ssl-keyfile", key)
    assert (code, out) == (2, "")
    assert err == f"alexaskill serve: error: --ssl-keyfile {key}: Permission denied\n"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("::ffff:127.0.0.1", True),
        ("[::ffff:127.0.0.1]", True),
        ("::ffff:10.0.0.1", False),
        ("::1", True),
        ("0.0.0.0", False),
    ],
)
def test_an_ipv4_mapped_loopback_host_is_loopback(host: str, loopback: bool) -> None:
    # ::ffff:127.0.0.1 is 127.0.0.1 written in IPv6 (Python 3.11's is_loopback says no): --dev
    # there warned of another machine.
    from alexaskill.cli.serve import _loopback

    assert _loopback(host) is loopback


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--workers", "x" * 5_000, "'xxx"),
        ("--workers", "9" * 4_000, "9…" + "9" * 30 + " (4,000 characters): at most"),
        ("--timeout-graceful-shutdown", "x" * 5_000, "'xxx"),
        (
            "--timeout-graceful-shutdown",
            "9" * 4_000,
            "9…" + "9" * 30 + " (4,000 characters): at most",
        ),
        ("--timeout-graceful-shutdown", "-" + "9" * 4_000, "(4,001 characters): at least"),
        ("--limit-concurrency", "x" * 5_000, "'xxx"),
        ("--limit-concurrency", "-" + "9" * 4_000, "(4,001 characters): at least 2"),
    ],
    ids=[
        "workers",
        "workers-many",
        "seconds",
        "seconds-many",
        "seconds-less",
        "limit",
        "limit-less",
    ],
)
def test_a_long_number_option_value_refused_is_shown_cut(
    capsys: pytest.CaptureFixture[str], option: str, value: str, said: str
) -> None:
    # The value given was said whole (its repr, or the int read of it): a line of 5,000
    # characters for a variable gone wrong in a unit file.
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", WEATHER, option, value])
    err = capsys.readouterr().err
    assert said in err and "…" in err and len(err) < 1_000, err[-300:]


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--timeout-graceful-shutdown", "9" * 5_000, "(5,000 characters): at most 86,400 (a day)"),
        ("--timeout-worker-healthcheck", "9" * 5_000, "(5,000 characters): at most 86,400"),
        ("--timeout-graceful-shutdown", "-" + "9" * 5_000, "(5,001 characters): at least 1"),
        ("--workers", "9" * 5_000, "(5,000 characters): at most "),
        ("--limit-concurrency", "9" * 5_000, "(5,000 characters): at most 1,048,576"),
    ],
    ids=["seconds", "healthcheck", "seconds-less", "workers", "limit"],
)
def test_a_whole_number_past_pythons_digits_is_said_too_large_not_no_number(
    capsys: pytest.CaptureFixture[str], option: str, value: str, said: str
) -> None:
    # int() refuses a number past 4,300 digits (ValueError), which was said as "is not a whole
    # number of seconds" (or "not a number"): untrue of one, which is too large.
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", WEATHER, option, value])
    err = capsys.readouterr().err
    assert said in err and "not a" not in err and len(err) < 1_000, err[-300:]
    assert value[:40] in err


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("9" * 4_000, "(4,000 characters): out of range (a port is 0 to 65535)"),
        ("9" * 5_000, "(5,000 characters): out of range (a port is 0 to 65535)"),
        ("-" + "9" * 5_000, "(5,001 characters): out of range"),
        ("70000", "70000: out of range (a port is 0 to 65535)"),
        ("x" * 5_000, "(5,000 characters) is not a port number"),
    ],
    ids=["long", "past-pythons-digits", "negative", "short", "no-number"],
)
def test_a_port_out_of_range_is_said_so_quoted_cut(
    capsys: pytest.CaptureFixture[str], value: str, said: str
) -> None:
    # A port of 5,000 digits was "not a port number", quoted whole; one of 4,000, read, was
    # written whole as "is not a port number (0 to 65535)".
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", WEATHER, "--port", value])
    err = capsys.readouterr().err
    assert said in err and len(err) < 1_000, err[-300:]
    assert value[:40] in err


@pytest.mark.parametrize(
    ("value", "taken"), [("1048576", True), ("1048577", False), ("9" * 4_000, False)]
)
def test_limit_concurrency_has_an_upper_bound(
    capsys: pytest.CaptureFixture[str], value: str, taken: bool
) -> None:
    # No bound: uvicorn compares it with its connections and tasks, so one of 4,000 digits was
    # taken as no limit at all, while a connection takes a file descriptor, of which Linux
    # gives a process at most 1,048,576 by default (fs.nr_open).
    if taken:
        assert options("--limit-concurrency", value)["limit_concurrency"] == int(value)
        return
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", WEATHER, "--limit-concurrency", value])
    err = capsys.readouterr().err
    assert ": at most 1,048,576" in err and len(err) < 1_000, err[-300:]


@pytest.mark.parametrize(
    ("option", "value", "read"),
    [
        ("--timeout-graceful-shutdown", "0" * 5_000 + "5", 5),
        ("--timeout-graceful-shutdown", "+" + "0" * 5_000 + "1_0", 10),
        ("--workers", "\u0660" * 5_000 + "\u0662", 2),  # (Arabic-Indic digits: int() reads them)
        ("--limit-concurrency", "0" * 5_000 + "100", 100),
    ],
    ids=["seconds", "signed-underscored", "workers-unicode", "limit"],
)
def test_a_small_number_written_past_pythons_digits_with_leading_zeros_is_read(
    option: str, value: str, read: int
) -> None:
    # int() refuses 4,300 characters of digits, leading zeros counted: "000…05" was read as
    # past every bound, "at most 86,400 (a day)", where it is 5.
    args = parser().parse_args(["serve", WEATHER, option, value])
    assert getattr(args, option.removeprefix("--").replace("-", "_")) == read


def test_zero_written_past_pythons_digits_is_said_below_the_least(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", WEATHER, "--timeout-graceful-shutdown", "0" * 5_000])
    err = capsys.readouterr().err
    assert "0: at least 1 second" in err and "at most" not in err, err[-300:]


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("h" * 5_000, "(5,000 characters): uvicorn's auto, h11 or httptools, or a class"),
        ("nosuch" * 1_000 + ":P", "(6,002 characters): cannot import it"),
        ("alexaskill.server:" + "P" * 5_000, "(5,018 characters): cannot import it"),
        ("nosuch:" + "P" * 5_000, "(5,007 characters): cannot import it"),
    ],
    ids=["no-such-protocol", "no-such-module", "no-such-class", "no-such-module-long-class"],
)
def test_a_long_http_is_quoted_cut(value: str, said: str) -> None:
    # --http was quoted whole (a 5,000-character line), and so was the import's own error.
    from alexaskill.cli.common import UsageError

    with pytest.raises(UsageError) as refused:
        options("--http", value)
    message = str(refused.value)
    assert said in message and len(message) < 1_000, message[-300:]
    assert message.startswith(f"--http {value[:30]}" if value[0] != "h" else "--http 'hhh")
