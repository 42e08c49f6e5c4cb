"""The ports `tests.processes.free_port` hands to the servers the tests start."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from .processes import free_port


def _ephemeral() -> range:
    low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    return range(int(low), int(high) + 1)


def test_a_free_port_is_never_one_the_kernel_hands_out_itself() -> None:
    # A port from bind(0), closed and given to a server, could meanwhile be taken by another
    # test's connection, whose local port the kernel takes from the same range: the server then
    # failed with "address already in use" (seen in test_cli_serve under load).
    ports = [free_port() for _ in range(50)]
    assert not set(ports) & set(_ephemeral()), ports


def test_free_ports_are_not_handed_out_twice_and_can_be_bound() -> None:
    ports = [free_port() for _ in range(50)]
    assert len(set(ports)) == len(ports), ports
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", ports[-1]))


def test_free_ports_stay_below_the_kernels_range_however_many_are_handed_out() -> None:
    # The count ran on past the worker's block, into the next worker's (after 2,500 ports at
    # the least), then into the kernel's own range, and past 65,535 (bind's OverflowError).
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    ports = [free_port() for _ in range(25_000)]
    assert max(ports) < min(_ephemeral()), max(ports)
    assert max(ports) - min(ports) < 22_000 // workers, (min(ports), max(ports))  # its own block
