"""An ``http.server`` on 127.0.0.1 in a thread of the test's process: the stand-ins tests put
between alexaskill and a server they start (a proxy that holds a request, a fake service)."""

from __future__ import annotations

import http.server
import threading


class ThreadedHTTPServer:
    """Serves ``handler`` on a free port of 127.0.0.1 until `stop`; ``url`` is its address."""

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler]) -> None:
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        # serve_forever looks for `stop`'s request every poll_interval (0.5 s by default), which
        # each stop waited for: a twentieth of that.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.025}, daemon=True
        )
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
