"""Benchmarks: `python -m benchmarks --help`. Figures go to docs/benchmarks.md."""
