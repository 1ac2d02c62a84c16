"""The one way the app caches: `@keyed`, a function of the data version and a hashable choice.

A `Version` is the data folder, its fingerprint (the tables' files and the store's latest version),
k and, for what holds words, the viewer's language. A page calls a keyed function with its choice
only (a frozen dataclass such as `choices.TrendChoice`, or plain strings); the version is the one
read at the top of the script run (`start_run`). A new file or store version changes the
fingerprint, so the next rerun builds anew. The caches themselves are in views/cached.py.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Concatenate, Generic, ParamSpec, TypeVar

import streamlit as st

from indicators.config import data_dir, small_count_threshold
from indicators.i18n import as_language, current_language, in_language
from indicators.loading import data_fingerprint

# `loading.data_fingerprint`: file names, times, sizes and the store's version.
Fingerprint = tuple[object, ...]
P = ParamSpec("P")
R = TypeVar("R")

# The fingerprint read at the top of this script run: every cache of the run uses it instead of
# reading the files and the store again (on PostgreSQL, a query each). Each run has its own thread.
_RUN_FINGERPRINT: ContextVar[tuple[Path, Fingerprint] | None] = ContextVar("run_fingerprint", default=None)


def start_run() -> None:
    """Called first in every script run (dashboard.py). A version published during the run is seen
    at the next one (an import ends with a rerun)."""
    folder = data_dir()
    _RUN_FINGERPRINT.set((folder, data_fingerprint(folder)))


def run_fingerprint(folder: Path) -> Fingerprint:
    """The fingerprint of `folder` as read at the top of this run, or read now outside a run."""
    memo = _RUN_FINGERPRINT.get()
    return memo[1] if memo is not None and memo[0] == folder else data_fingerprint(folder)


@dataclass(frozen=True)
class Version:
    """What every cache is keyed on. `language` is "" for what holds no words."""

    folder: Path
    fingerprint: Fingerprint
    k: int
    language: str = ""


def current_version() -> Version:
    folder = data_dir()
    return Version(folder, run_fingerprint(folder), small_count_threshold(), current_language())


class Keyed(Generic[P, R]):
    """A cached function of (version, *choice): `f(*choice)` in a page, `f.at(version, *choice)`
    from another cache. With `words`, it runs in the version's language."""

    def __init__(self, build: Callable[Concatenate[Version, P], R], entries: int, words: bool) -> None:
        self._cached = st.cache_resource(show_spinner=False, max_entries=entries)(build)
        self._words = words
        functools.update_wrapper(self, build)

    def at(self, version: Version, *args: P.args, **kwargs: P.kwargs) -> R:
        if not self._words:
            return self._cached(dataclasses.replace(version, language=""), *args, **kwargs)
        with in_language(as_language(version.language)):
            return self._cached(version, *args, **kwargs)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        return self.at(current_version(), *args, **kwargs)


def keyed(entries: int, words: bool = True) -> Callable[[Callable[Concatenate[Version, P], R]], Keyed[P, R]]:
    """Declares a cache: `entries` versions × choices kept; `words=False` shares it across languages."""
    return lambda build: Keyed(build, entries, words)
