"""Benchmark harnesses (slow, lossy links between our own network namespaces)."""
