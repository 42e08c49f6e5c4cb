"""A port on 127.0.0.1 whose server hands each connection to a function, one after another, in
a thread of the test's process, until the test is done: the loop of tests/blackhole.py's
`closing_port` and tests/canned_answer.py's `canned_answer_port`."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator


@contextlib.contextmanager
def serving_port(handle: Callable[[socket.socket], None]) -> Iterator[int]:
    """A port whose server calls ``handle`` with each connection it accepts, then closes the
    connection (an `OSError` of ``handle``'s is the client's doing: the next is served)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)  # so that the thread sees the stop
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with connection, contextlib.suppress(OSError):
                handle(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(5)
        server.close()
