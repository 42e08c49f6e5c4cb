"""`benchmarks.servers.weather_def`'s skill as a module attribute, for ``alexaskill serve APP``,
which names an app, not a factory: the load benchmark's ``def-serve`` row.

Like the README's skill, it sets up no logging of its own (``alexaskill serve`` does, from the
environment), and it trusts the benchmark's PKI (``ALEXASKILL_BENCH_PKI``).
"""

from __future__ import annotations

from benchmarks.servers.weather_def import create_app

skill = create_app()
