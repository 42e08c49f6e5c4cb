"""When a line said at most once every 10 s is said, for the tests of each place that says one
so (tests/test_loops.py, test_log_repeats.py, test_deadline_parts.py, test_server_limits.py,
test_threads_given_up.py)."""

from __future__ import annotations

#: When a line said at most once every 10 s is asked for (`loop.time`, a fake clock), and
#: whether it is said then: at once, not again within 10 s, then again past them.
SAID_RARELY = [
    (100.0, True),
    (100.5, False),
    (109.9, False),
    (110.1, True),
    (120.0, False),
    (120.2, True),
    (500.0, True),
]
