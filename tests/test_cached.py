"""views/cached.py: the data's fingerprint is read once per script run."""

from __future__ import annotations

import os
import threading

import pytest

import views.keyed
from indicators.loading import data_fingerprint
from views.keyed import run_fingerprint, start_run


@pytest.fixture(autouse=True)
def run_memo_left_as_found():
    """These tests play script runs in pytest's own thread: its memo is put back afterwards."""
    token = views.keyed._RUN_FINGERPRINT.set(None)
    yield
    views.keyed._RUN_FINGERPRINT.reset(token)


def touch_later(path) -> None:
    """A table rewritten: its modification time moves on, so the fingerprint changes."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_a_run_keeps_the_fingerprint_it_started_with(data_copy, monkeypatch):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    start_run()
    started = run_fingerprint(data_copy)
    assert started == data_fingerprint(data_copy)
    touch_later(data_copy / "key_dates.csv")
    # The rest of this run sees what it started with; the next run sees the change.
    assert run_fingerprint(data_copy) == started != data_fingerprint(data_copy)
    start_run()
    assert run_fingerprint(data_copy) == data_fingerprint(data_copy) != started


def test_another_folder_or_another_thread_reads_the_fingerprint_itself(data_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    start_run()
    touch_later(data_copy / "key_dates.csv")
    seen: list[object] = []
    thread = threading.Thread(target=lambda: seen.append(run_fingerprint(data_copy)))
    thread.start()
    thread.join()
    assert seen == [data_fingerprint(data_copy)]  # a thread outside the run has no memo
    other = tmp_path / "other"
    other.mkdir()
    assert run_fingerprint(other) == data_fingerprint(other)
