"""How `load.py` serves its rows: each row's command and environment, a server started on
127.0.0.1 (pinned where it has one worker, with ``--tls`` on a self-signed certificate), waited
for until it answers, and stopped.

`count_stack.py`, `count_instructions.py`, `bench_request_line.py` and `bench_response_writes.py`
start or find their servers with these too.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import itertools
import os
import random
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final

import certifi

from benchmarks.rows import BEFORE, IMAGE_LOOP, row
from benchmarks.servers import PKI_ENV
from benchmarks.wrk import BenchmarkError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

ROOT: Final = Path(__file__).resolve().parent.parent


# Ports handed out by `free_port`: 10,000 to 31,999, below Linux's ephemeral range (32,768 on),
# split in one block for each pytest-xdist worker. A port from bind(0) is one the kernel may also
# give the next connection's local end, so between its check and the server's bind another
# test's client (or wrk's) could hold it ("address already in use"); here only `free_port` hands
# ports out, the workers never share one, and a worker takes its block's again only after all
# the others. The tests take theirs from here too (tests/processes.py): one helper for both.
_FIRST, _END = 10_000, 32_000
_WORKERS = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")) % _WORKERS
_SIZE = (_END - _FIRST) // _WORKERS
_block = range(_FIRST + _WORKER * _SIZE, _FIRST + (_WORKER + 1) * _SIZE)
_start = random.randrange(len(_block))  # (another test run on the machine starts elsewhere)
_ports: Iterator[int] = itertools.cycle([*_block[_start:], *_block[:_start]])


def free_port() -> int:
    """A port nothing listens on now, on 127.0.0.1, outside the kernel's ephemeral range, in
    this worker's block, and handed out again only after the rest of that block."""
    for port in itertools.islice(_ports, len(_block)):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue  # another program's (or a concurrent test run's) port
            return port
    raise BenchmarkError(f"no free port in {_block.start} to {_block.stop - 1}")


def event_loop_and_parser() -> tuple[str, str]:
    """What uvicorn's ``auto`` picks here (uvloop and httptools when installed), made explicit."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    parser = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return loop, parser


@dataclass
class ServerSpec:
    """How to start one server."""

    name: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    verifies: bool = True
    #: Pinned to the server CPU (one worker); several workers run on every CPU.
    pinned: bool = True


def server_specs(
    names: Sequence[str],
    pki_dir: Path,
    loop: str,
    parser: str,
    ask_sdk: Path | None,
    *,
    minimal_pki: bool = False,
    before: Path | None = None,
    work_dir: Path | None = None,
    tls: Path | None = None,
) -> list[ServerSpec]:
    """The commands (without port and pinning) for the servers named.

    ``before``: a checkout of another commit; a row named ``<row>@before`` is served like
    ``<row>``, by this checkout's server module and example, with that checkout's alexaskill
    (a link to it under ``work_dir`` comes first on ``PYTHONPATH``): the difference between the
    two rows is the framework's.
    """
    tls_options: list[str] = []
    if tls is not None:  # uvicorn terminates TLS itself (README: serving on port 443)
        tls_options = [f"--ssl-keyfile={tls / 'key.pem'}", f"--ssl-certfile={tls / 'cert.pem'}"]
    specs = []
    for name in names:
        spec = row(name)
        app_dir = ROOT
        if name.endswith(BEFORE):
            app_dir = before_path(before, work_dir)
        env = {PKI_ENV: str(pki_dir), "PYTHONPATH": str(app_dir), **spec.env}
        if spec.module is None:
            if ask_sdk is None:
                raise BenchmarkError("the ask-sdk row needs --ask-sdk VENV (see README)")
            if tls is not None:
                raise BenchmarkError("--tls serves the uvicorn rows only, not ask-sdk")
            command = [
                str(ask_sdk / "bin" / "gunicorn"),
                "--workers=1",
                "--worker-class=sync",
                "--log-level=warning",
                "--chdir",
                str(ROOT),
                "benchmarks.servers.ask_sdk:create_app()",
            ]
            # The SDK's trust store (oscrypto) reads this file instead of the system bundle: by
            # default a bundle of the size it has in production (certifi's roots) plus the test
            # root; with minimal_pki the test root alone. The SDK's certvalidator indexes every
            # root of the store on every request, so the size of the store shows.
            trust = pki_dir / "ask-sdk-trust.pem"
            roots = (pki_dir / "root.pem").read_bytes()
            if not minimal_pki:
                roots = Path(certifi.where()).read_bytes() + roots
            trust.write_bytes(roots)
            env["SSL_CERT_FILE"] = str(trust)
            env["PYTHONWARNINGS"] = "ignore"
        elif spec.serve:
            # -P: the working directory (this checkout) does not come first on the path, so
            # that an @before row imports the other checkout's alexaskill from PYTHONPATH; this
            # checkout on it too keeps serve from putting the working directory first.
            env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys((str(app_dir), str(ROOT))))
            app = f"benchmarks.servers.serve_{spec.module}:skill"
            command = [sys.executable, "-P", "-m", "alexaskill", "serve", app, *tls_options]
        else:
            command = [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                f"benchmarks.servers.{spec.module}:create_app",
                "--app-dir",
                str(app_dir),
                "--no-access-log",
                "--log-level=warning",
                f"--loop={loop}",
                f"--http={parser}",
            ]
            if spec.workers > 1:
                command.append(f"--workers={spec.workers}")
            options = [
                option
                for option in spec.options
                if option != IMAGE_LOOP or (app_dir / "alexaskill" / "loops.py").exists()
            ]
            replaced = {option.split("=")[0] for option in options}
            command = [arg for arg in command if arg.split("=")[0] not in replaced]
            command += [*options, *tls_options]
        specs.append(
            ServerSpec(name, command, env, verifies=spec.verifies, pinned=spec.workers == 1)
        )
    return specs


def before_path(before: Path | None, work_dir: Path | None) -> Path:
    """A directory of links: ``before``'s alexaskill and examples, this checkout's benchmarks.

    It goes first on the server's path (``--app-dir``, which uvicorn puts before everything
    else) so that the other checkout's alexaskill is the one imported, with the example of its
    time (whose helpers the server modules take; their handlers are this checkout's).
    """
    if before is None or work_dir is None:
        raise BenchmarkError("the @before rows need --compare-with DIR")
    package = before.resolve() / "alexaskill"
    if not (package / "__init__.py").is_file():
        raise BenchmarkError(f"{before} is not a checkout of alexaskill")
    shim = work_dir / "before-path"
    shim.mkdir(exist_ok=True)
    for name, target in (
        ("alexaskill", package),
        ("benchmarks", ROOT / "benchmarks"),
        ("examples", before.resolve() / "examples"),
    ):
        link = shim / name
        if not link.exists():
            link.symlink_to(target, target_is_directory=True)
    return shim


@contextlib.contextmanager
def running(
    spec: ServerSpec, port: int, cpu: int | None, log: Path, *, tls: bool = False
) -> Iterator[int]:
    """Start ``spec`` on ``port`` (pinned to ``cpu``), wait until it answers; yield its pid.

    The server is stopped (SIGTERM, then SIGKILL after 5 s) however the block ends.
    """
    if spec.command[:1] and spec.command[0].endswith("gunicorn"):
        command = [*spec.command[:1], f"--bind=127.0.0.1:{port}", *spec.command[1:]]
    else:
        command = [*spec.command, "--host=127.0.0.1", f"--port={port}"]
    if cpu is not None and spec.pinned:
        command = ["taskset", "-c", str(cpu), *command]
    # The request log's settings come from the row alone, never from the calling shell.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("ALEXASKILL_")}
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**inherited, **spec.env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_listening(process, port, log, tls=tls)
        yield process.pid
    finally:
        stop(process)


def wait_until_listening(
    process: subprocess.Popen[bytes], port: int, log: Path, *, tls: bool = False
) -> None:
    """Return once 127.0.0.1:``port`` answers HTTP (over TLS with ``tls``); `BenchmarkError` if
    the server died first."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkError(f"server exited ({process.returncode}):\n{log_tail(log)}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1) as raw,
            unchecked_tls().wrap_socket(raw) if tls else contextlib.nullcontext(raw) as sock,
        ):
            sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            if sock.recv(16).startswith(b"HTTP/1."):
                return
        time.sleep(0.1)
    raise BenchmarkError(f"server did not answer within 30 s:\n{log_tail(log)}")


def stop(process: subprocess.Popen[bytes], grace: float = 5.0, first: int = signal.SIGTERM) -> bool:
    """Stop a process this harness started: ``first`` (SIGTERM), and SIGKILL if it lingers
    ``grace`` s; False if it had to be killed. A Ctrl-C in the grace kills it, and goes on up."""
    if process.poll() is None:
        process.send_signal(first)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return False
        except KeyboardInterrupt:
            # What the grace was for (valgrind's totals, up to 120 s in count_stack.py; strace's
            # table) will not be read now: the process is killed, not left running as the
            # script ends.
            process.kill()
            process.wait()
            raise
    return True


def log_tail(log: Path, lines: int = 20) -> str:
    """The last ``lines`` lines of a server's ``log`` (empty if it cannot be read)."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def unchecked_tls() -> ssl.SSLContext:
    """A TLS client context that leaves the certificate unchecked (`self_signed`'s)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@functools.cache
def _tls_key() -> rsa.RSAPrivateKey:
    """`self_signed`'s key, one a process: making an RSA key costs ~0.1 s of CPU, and the tests
    serve TLS on many certificates, none told from another by its key (each is its own
    certificate, of its own name: only one of the same name and key could pass for another).
    RSA, the tests' (a benchmark's TLS handshakes, one a connection kept open, are too few for
    the key's kind to show in its figures)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def self_signed(
    directory: Path,
    *,
    common_name: str,
    days: tuple[int, int] = (-1, 30),
    dns: Sequence[str] = (),
    ips: Sequence[str] = (),
    ca: bool = False,
) -> tuple[Path, Path]:
    """``cert.pem`` and ``key.pem`` in ``directory`` (made if need be): a self-signed
    certificate valid from ``days[0]`` to ``days[1]`` days from now, for the DNS names ``dns``
    and the addresses ``ips`` (no subjectAltName if neither), a CA's if ``ca`` (a client then
    trusts it as its root). `load.py`'s ``--tls`` serves one, and so do the tests that serve
    HTTPS or look at the certificate served (benchmarks import nothing of tests: it is here)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    key = _tls_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + timedelta(days=days[0]))
        .not_valid_after(now + timedelta(days=days[1]))
    )
    if ca:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=None), critical=True
        )
    names: list[x509.GeneralName] = [x509.DNSName(host) for host in dns]
    names += [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    certificate = builder.sign(key, hashes.SHA256())
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def localhost_tls(directory: Path) -> Path:
    """``directory``, with a certificate for 127.0.0.1 and its key written in it (`self_signed`):
    what ``--tls`` serves."""
    self_signed(directory, common_name="127.0.0.1", ips=["127.0.0.1"])
    return directory


def unlike_the_rest(spec: ServerSpec, loop: str, parser: str) -> str | None:
    """How ``spec``'s server starts where it differs from the common way (uvicorn ``--factory``,
    one worker, pinned, ``--no-access-log --log-level=warning`` and ``loop`` and ``parser``), or
    None. Read from its command, so that what `load.py` prints cannot drift from what it runs."""
    if spec.command[:1] and spec.command[0].endswith("gunicorn"):
        options = [arg for arg in spec.command[1:] if arg.startswith("--") and arg != "--chdir"]
        return " ".join(["gunicorn", *options])
    if "--factory" not in spec.command:
        return "alexaskill serve, its defaults" if "serve" in spec.command else None
    common = {"--factory", "--app-dir", "--no-access-log", "--log-level=warning"}
    common |= {f"--loop={loop}", f"--http={parser}"}
    # --tls's --ssl-* options are every uvicorn row's alike.
    options = [
        arg
        for arg in spec.command
        if arg.startswith("--") and arg not in common and not arg.startswith("--ssl-")
    ]
    if not options and spec.pinned:
        return None
    return " ".join(options) + ("" if spec.pinned else ", not pinned")


def how_started(specs: Sequence[ServerSpec], loop: str, parser: str, pinning: str) -> list[str]:
    """`load.py`'s header lines of how its servers start: the common way, then each row that
    starts otherwise (`unlike_the_rest`), by name."""
    common = f"--loop={loop} --http={parser} --no-access-log --log-level=warning"
    others = [(spec.name, unlike_the_rest(spec, loop, parser)) for spec in specs]
    lines = [f"  {name}: {how}" for name, how in others if how is not None]
    but = "; but:" if lines else ""
    return [f"uvicorn --factory, {common}, one worker; {pinning}{but}", *lines]
