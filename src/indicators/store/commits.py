"""Publishing on any store: build on the latest version, retry when another writer lands first.

Two analysts (or two app servers) may import at once: each builds its new table on the version it
read, and `commit` refuses it with `StaleParentError` when another version was published meanwhile;
the table is then rebuilt on the newer version, so neither import is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pandas as pd

from indicators.store.contract import ObservationStore, StaleParentError, VersionInfo
from indicators.store.diff import same_rows

MAX_COMMIT_ATTEMPTS: Final[int] = 20


def commit_with_retry(
    store: ObservationStore,
    build: Callable[[pd.DataFrame | None, int], pd.DataFrame],
    *,
    max_attempts: int = MAX_COMMIT_ATTEMPTS,
    **metadata: Any,
) -> VersionInfo:
    """Build the new table on the latest version and commit it, re-building if another lands first.

    `build(latest_table_or_None, latest_version)` returns the complete new table; it may be
    called several times, so it must not have side effects. `metadata` goes to `commit`.
    """
    info = _commit_on_latest(store, build, None, max_attempts, metadata)
    assert info is not None  # without a no-change test, every attempt that returns has committed
    return info


def commit_if_changed(
    store: ObservationStore,
    build: Callable[[pd.DataFrame | None, int], pd.DataFrame],
    *,
    unchanged_at_zero: bool,
    max_attempts: int = MAX_COMMIT_ATTEMPTS,
    **metadata: Any,
) -> VersionInfo | None:
    """commit_with_retry, except that a new table with the latest version's rows publishes nothing (None).

    Before any version exists the latest table is the shipped demo file, which the store does not
    hold: `unchanged_at_zero` says whether the new table equals it.
    """

    def unchanged(latest: pd.DataFrame | None, table: pd.DataFrame) -> bool:
        return unchanged_at_zero if latest is None else same_rows(latest, table)

    return _commit_on_latest(store, build, unchanged, max_attempts, metadata)


def _commit_on_latest(
    store: ObservationStore,
    build: Callable[[pd.DataFrame | None, int], pd.DataFrame],
    unchanged: Callable[[pd.DataFrame | None, pd.DataFrame], bool] | None,
    max_attempts: int,
    metadata: dict[str, Any],
) -> VersionInfo | None:
    if max_attempts < 1:
        raise ValueError("max_attempts doit valoir au moins 1")
    stale: StaleParentError | None = None
    for _ in range(max_attempts):
        parent = store.latest_version()
        current = store.read(parent) if parent else None
        table = build(current, parent)
        if unchanged is not None and unchanged(current, table):
            # Nothing to write if `parent` is still the latest: the store then holds these rows.
            latest = store.latest_version()
            if latest == parent:
                return None
            stale = StaleParentError(expected=parent, actual=latest)
            continue
        try:
            return store.commit(table, parent=parent, **metadata)
        except StaleParentError as error:
            stale = error
    assert stale is not None  # max_attempts >= 1 and every attempt that did not return was stale
    raise stale


def rollback(store: ObservationStore, version: int, *, baseline: pd.DataFrame, user: str | None = None) -> VersionInfo:
    """Publish a new version whose content equals `version` (the demo `baseline` for version 0)."""
    target = baseline if version == 0 else store.read(version)
    if target is None:
        raise LookupError(f"Version {version} introuvable")
    return commit_with_retry(
        store,
        lambda _current, _parent: target,
        action="rollback",
        restored_from=version,
        user=user,
        baseline=baseline,
    )
