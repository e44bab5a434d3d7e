"""Benchmarks: each prints details, then its figures as one JSON object on the last line."""
