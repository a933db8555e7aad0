"""Benchmarks (not tests): each measures on this machine against a baseline in the same run
and `python -m bench` writes BENCHMARKS.md."""
