"""Benchmarks of the import and the pages (`python -m indicators bench`, docs/PERFORMANCE.md)."""
