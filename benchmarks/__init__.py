"""Benchmarks: the load harness (`benchmarks.load`), micro-benchmarks and the servers they drive."""
