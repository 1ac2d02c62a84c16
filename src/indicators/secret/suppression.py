"""Which cells of the lattice are hidden, in one release and across every release so far.

1. Primary suppression: a count from 1 to k − 1 is hidden.
2. Pair rule: no relation (a parent and the cells that add up to it) keeps exactly one hidden
   member, which would be a subtraction away.
3. Exact audit: every relation solved at once, as an attacker who knows every visible cell would;
   while a hidden cell is determined, one more cell of one of its relations is hidden.

Across releases (docs/SECRET.md). Every version ever shown is a release, and a viewer may have
saved each one. A cell that adds up the same rows in two releases is one unknown shared by both
(`cell_identities`): its value did not change, and an attacker can tell. So a new release is solved
with the earlier ones as known constraints: their visible cells are public, their relations hold,
a cell they kept hidden stays hidden while its rows are unchanged, and complementary cells are
added until no hidden cell of any release is determined by all of them together. Hiding a cell
whose value an earlier release made public protects nothing: such cells are never chosen.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from indicators.keys import mix64, row_digests
from indicators.loading import DataTables
from indicators.secret.equations import (
    Families,
    Members,
    certificate_partners,
    determined_cells,
    marked,
    membership,
)
from indicators.secret.lattice import (
    DIGEST_COLUMNS,
    FULL_CROSSING_ROW,
    RELATION_FAMILIES,
    STORED_ROWS,
    lattice,
    relations,
)
from indicators.territories import ancestors

# Raised whenever the rules change what is hidden: lattices kept under an older number are solved
# again (`secret.releases`). 2: earlier releases taken into account.
SECRET_RULES_VERSION = 2

CELL_KEY = ["indicator_id", "territory_code", "level", "period_start", "dimension", "group"]

logger = logging.getLogger(__name__)


class SecretNotSolvedError(RuntimeError):
    """No suppression was found that keeps every hidden cell undetermined (never expected: hiding
    every new cell of a block always does). Nothing is shown rather than a figure at risk."""


def cell_keys(cells: pd.DataFrame) -> np.ndarray:
    """A stable digest of each cell's key (indicator, territory, level, period, split, group)."""
    return row_digests([cells[column] for column in CELL_KEY])


def cell_identities(cells: pd.DataFrame) -> np.ndarray:
    """One int64 per cell, equal in two releases exactly when the cell has the same key and adds up
    the same rows with the same values (`secret.lattice.lattice`'s digest sums): then its value is the
    same. Different cells differ, but with probability about 2⁻⁶²."""
    low, high = (cells[column].to_numpy(dtype=np.int64).view(np.uint64) for column in DIGEST_COLUMNS)
    inputs = mix64(low * np.uint64(0x9E3779B97F4A7C15) + mix64(high))
    return mix64(cell_keys(cells) * np.uint64(0x9E3779B97F4A7C15) + inputs).view(np.int64)


def cell_blocks(cells: pd.DataFrame) -> np.ndarray:
    """The (indicator, calendar year) of each cell as a digest: no relation crosses two of them, so
    each is solved on its own."""
    return row_digests([cells["indicator_id"], cells["period_start"].dt.year.to_numpy(dtype=np.int64)])


@dataclass(frozen=True)
class EarlierReleases:
    """Every earlier release's cells in the blocks being solved, end to end: identity, key, block,
    whether shown, and their relations (rows of this concatenation, one list per family)."""

    identity: NDArray[Any]
    key: NDArray[Any]
    block: NDArray[Any]
    shown: NDArray[Any]
    is_row: NDArray[Any]
    families: Families

    @classmethod
    def of(cls, releases: Sequence[pd.DataFrame], blocks: np.ndarray, tied: np.ndarray) -> EarlierReleases:
        """From protected lattices (digest and `suppressed` columns), restricted to `blocks`; the
        rows of complete crossings tied to their cells in the units `tied` only (`tie_rows`)."""
        kept = [release.loc[np.isin(cell_blocks(release), blocks)].reset_index(drop=True) for release in releases]
        families: Families = []
        offset = 0
        for release in kept:
            for position, (members, ids) in enumerate(tie_rows(relations(release), release, tied)):
                if position == len(families):
                    families.append((members + offset, ids + offset))
                else:
                    families[position] = (
                        np.concatenate([families[position][0], members + offset]),
                        np.concatenate([families[position][1], ids + offset]),
                    )
            offset += len(release)
        both = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame()
        if both.empty:
            empty = np.array([], dtype=np.int64)
            nothing = empty.astype(bool)
            return cls(empty, empty.view(np.uint64), empty.view(np.uint64), nothing, nothing, families)
        return cls(
            identity=cell_identities(both),
            key=cell_keys(both),
            block=cell_blocks(both),
            shown=~both["suppressed"].to_numpy(dtype=bool),
            is_row=both["dimension"].isin(STORED_ROWS).to_numpy(),
            families=families,
        )


@dataclass(frozen=True)
class JointSystem:
    """The unknowns of all releases together (a cell of the new release and a cell of an earlier one
    are one unknown when their identities are equal) and every relation on them, once."""

    current: NDArray[Any]  # unknown of each cell of the new release
    earlier: NDArray[Any]  # unknown of each earlier cell
    key: NDArray[Any]  # cell key digest per unknown
    block: NDArray[Any]  # block digest per unknown
    is_row: NDArray[Any]  # per unknown: a stored row, never shown (`disclosure.STORED_ROWS`)
    families: Families  # relations on unknowns, duplicates across releases removed
    earlier_families: Families  # the earlier releases' relations alone

    @classmethod
    def of(cls, cells: pd.DataFrame, families: Families, past: EarlierReleases) -> JointSystem:
        identity = cell_identities(cells)
        codes, _distinct = pd.factorize(np.concatenate([past.identity, identity]))
        earlier, current = codes[: len(past.identity)], codes[len(past.identity) :]
        size = int(codes.max()) + 1 if len(codes) else 0
        key = np.zeros(size, dtype=np.uint64)
        block = np.zeros(size, dtype=np.uint64)
        key[earlier], block[earlier] = past.key, past.block
        key[current], block[current] = cell_keys(cells), cell_blocks(cells)
        is_row = np.zeros(size, dtype=bool)
        is_row[earlier] = past.is_row
        is_row[current] = cells["dimension"].isin(STORED_ROWS).to_numpy()
        earlier_families = [_unique_pairs(earlier[members], earlier[ids]) for members, ids in past.families]
        joint = [
            _unique_pairs(
                np.concatenate([earlier_members, current[members]]), np.concatenate([earlier_ids, current[ids]])
            )
            for (earlier_members, earlier_ids), (members, ids) in zip(
                earlier_families or [(np.array([], dtype=np.int64),) * 2] * len(families), families
            )
        ]
        return cls(current, earlier, key, block, is_row, joint, earlier_families)

    @property
    def size(self) -> int:
        return len(self.key)


def _unique_pairs(members: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(member, relation) pairs once each: a relation two releases share is one equation."""
    if len(members) == 0:
        return members.astype(np.int64), ids.astype(np.int64)
    pairs = np.unique(np.column_stack([members, ids]).astype(np.int64), axis=0)
    return pairs[:, 0], pairs[:, 1]


def suppress_small_counts(
    cells: pd.DataFrame, k: int = 5, earlier: Sequence[pd.DataFrame] = (), max_rounds: int = 50
) -> pd.DataFrame:
    """The cells with a `suppressed` flag: primary suppression (1 ≤ value < k), the pair rule on
    every relation, then the exact audit over this release and the `earlier` ones (their protected
    lattices, oldest first): while the releases together determine a hidden cell, one more cell of
    this release is hidden (and the pair rule applied again)."""
    protection = Protection.start(cells, k, earlier, max_rounds)
    for _attempt in range(max_rounds):
        exposed = protection.repair()
        if exposed.size == 0:
            return cells.assign(suppressed=protection.shown_where_public())
        protection.settle(exposed)
    raise SecretNotSolvedError("Le secret statistique n'a pas pu être établi pour cette version.")


@dataclass
class Protection:
    """The suppression of one release being solved: its cells, the joint system with the earlier
    releases, what is public already, and what is hidden so far (updated in place)."""

    cells: pd.DataFrame
    values: NDArray[Any]
    blocks: NDArray[Any]
    families: Families
    system: JointSystem
    public: NDArray[Any]  # per unknown: its value is known whatever this release hides
    primary: NDArray[Any]  # per cell of this release: a count from 1 to k − 1
    hidden: NDArray[Any]  # per cell of this release
    candidate_blocks: NDArray[Any]
    max_rounds: int

    @classmethod
    def start(cls, cells: pd.DataFrame, k: int, earlier: Sequence[pd.DataFrame], max_rounds: int) -> Protection:
        values = cells["value"].to_numpy()
        blocks = cell_blocks(cells)
        identity = cell_identities(cells)
        earlier_identity = np.concatenate([cell_identities(release) for release in earlier] or [identity[:0]])
        earlier_shown = np.concatenate(
            [~release["suppressed"].to_numpy(dtype=bool) for release in earlier] or [np.array([], dtype=bool)]
        )
        shown_before = np.isin(identity, earlier_identity[earlier_shown])
        # A cell an earlier release kept hidden stays hidden while its rows are unchanged.
        kept_secret = np.isin(identity, earlier_identity[~earlier_shown]) & ~shown_before
        # A cell whose rows changed keeps the pattern of the latest release that held its key: the
        # same pattern on the same relations adds no equation an attacker could use, while showing
        # the new value would give the old one back through any ancestor shown in both releases.
        carried = _hidden_last_time(cells, earlier) & ~shown_before
        primary = (values >= 1) & (values < k)
        # Stored rows are never shown; they are unknowns of the system, not cells to protect.
        hidden = primary | kept_secret | carried | cells["dimension"].isin(STORED_ROWS).to_numpy()
        # Only blocks where this release holds a cell no earlier release held can tell anything new.
        new = ~np.isin(identity, earlier_identity)
        candidate_blocks = np.unique(blocks[new])
        tied = mixed_units(cells, new)
        past = EarlierReleases.of(earlier, candidate_blocks, tied)
        families = tie_rows(relations(cells), cells, tied)
        system = JointSystem.of(cells, families, past)
        public = np.zeros(system.size, dtype=bool)
        public[system.earlier[past.shown]] = True
        public[system.current[shown_before]] = True
        protection = cls(cells, values, blocks, families, system, public, primary, hidden, candidate_blocks, max_rounds)
        apply_pair_rule(hidden, values, families, max_rounds, protection.settled)
        return protection

    @property
    def public_now(self) -> NDArray[np.bool_]:
        """Per cell of this release: whether its value is known whatever this release hides."""
        return np.asarray(self.public[self.system.current], dtype=bool)

    @property
    def settled(self) -> np.ndarray:
        """Per cell of this release: public, or a stored row (never shown, never protected): neither
        counts as a secret member of a relation, nor is ever chosen to protect one."""
        return np.asarray(self.public_now | self.system.is_row[self.system.current], dtype=bool)

    def shown_where_public(self) -> np.ndarray:
        """The final flags: a cell whose value is known anyway (shown by an earlier release, or
        given by what they showed and this release's structure) is shown, unless it is a small count."""
        return np.asarray(self.hidden & ~(self.public_now & ~self.primary), dtype=bool)

    @cached_property
    def members(self) -> Members:
        """The joint system's relations as member arrays, built once: only what is hidden changes."""
        return Members.of(self.system.families, self.system.size)

    @cached_property
    def in_candidate_blocks(self) -> NDArray[np.bool_]:
        """Per unknown: whether it lies in a block where this release holds a new cell."""
        return np.asarray(np.isin(self.system.block, self.candidate_blocks), dtype=bool)

    def determined(self, hidden: np.ndarray, blocks: np.ndarray, around: np.ndarray | None = None) -> np.ndarray:
        """Unknowns neither shown by any release nor public, that all releases together determine (in
        the connected parts of the unknowns `around` only, when given)."""
        shown = self.public.copy()
        shown[self.system.current[~hidden]] = True
        in_blocks = self.in_candidate_blocks if blocks is self.candidate_blocks else np.isin(self.system.block, blocks)
        determined = determined_cells(~shown & in_blocks, self.system.families, around=around, members=self.members)
        return np.asarray(determined[~self.system.is_row[determined]], dtype=np.int64)

    def repair(self) -> np.ndarray:
        """Rounds of audit and repair; returns the unknowns still determined when nothing is left to
        hide for them (none when the release is safe). A cell still determined after a round in its
        own relations gets a partner from its determination itself (`certified_partners`)."""
        around: np.ndarray | None = None
        # Per unknown: in how many rounds in a row it has been found determined.
        persistence = np.zeros(self.system.size, dtype=np.int64)
        for _round in range(self.max_rounds):
            exposed = self.determined(self.hidden, self.candidate_blocks, around)
            if exposed.size == 0:
                return exposed
            before = self.hidden.copy()
            rounds_exposed = persistence[exposed] + 1
            persistence[:] = 0
            persistence[exposed] = rounds_exposed
            stubborn = exposed[rounds_exposed > 1]
            fresh = exposed[rounds_exposed == 1]
            _hide_partners(fresh, self.system, self.hidden, self.values, self.families, self.settled)
            if stubborn.size or not (self.hidden & ~before).any():
                # A cell still determined after its partners were hidden gets partners from its
                # determination itself, twice as many each round it stays so: a long chain of sums
                # is then broken in a few rounds rather than one link per round.
                cells = stubborn if stubborn.size else exposed
                partners = 2 ** np.maximum(persistence[cells] - 2, 0)
                self.hidden[self.certified_partners(cells, partners)] = True
            apply_pair_rule(self.hidden, self.values, self.families, self.max_rounds, self.settled)
            logger.debug(
                "audit : tour %d, %d déterminée(s), %d masquée(s) de plus",
                _round,
                exposed.size,
                (self.hidden & ~before).sum(),
            )
            if not (self.hidden & ~before).any():
                return exposed
            # The parts of the cells just hidden, and those of the cells still to protect: no other changed.
            around = np.union1d(self.system.current[self.hidden & ~before], exposed)
        return self.determined(self.hidden, self.candidate_blocks)

    def certified_partners(self, exposed: np.ndarray, partners: np.ndarray | None = None) -> np.ndarray:
        """Cells of this release to hide, from the determinations of `exposed` (`certificate_partners`),
        `partners` of them for each (one by default)."""
        system = self.system
        shown = self.public.copy()
        shown[system.current[~self.hidden]] = True
        choosable = np.zeros(system.size, dtype=bool)
        choosable[system.current[~self.hidden & ~self.settled]] = True
        values = np.zeros(system.size, dtype=np.int64)
        values[system.current] = self.values
        chosen = certificate_partners(exposed, ~shown, system.families, choosable, values, self.members, partners)
        return np.flatnonzero(marked(chosen, system.size)[system.current])

    def settle(self, exposed: np.ndarray) -> None:
        """Unknowns no partner protects: with every cell of their blocks hidden (but those already
        public), either they are still determined, by what earlier releases showed and the bare
        structure of this one (which cells exist), and nothing can hide them: they are public; or
        that wide hiding protects them, and it is kept."""
        blocks = np.unique(self.system.block[exposed])
        wide = self.hidden | (np.isin(self.blocks, blocks) & ~self.public_now)
        inherent = self.determined(wide, blocks)
        if inherent.size:
            earlier_secrets = np.setdiff1d(inherent, self.system.current)
            if earlier_secrets.size:
                logger.warning(
                    "secret statistique : %d cellule(s) d'anciennes versions déterminée(s)", earlier_secrets.size
                )
            self.public[inherent] = True
            return
        logger.warning(
            "secret statistique : %d cellule(s) masquée(s) par bloc entier", int((wide & ~self.hidden).sum())
        )
        self.hidden |= wide


def crossing_units(cells: pd.DataFrame) -> NDArray[np.uint64]:
    """Per cell, a digest of its commune, period and indicator (the unit its stored rows belong to)."""
    return row_digests([cells[column] for column in ("indicator_id", "territory_code", "level", "period_start")])


def mixed_units(cells: pd.DataFrame, new: NDArray[np.bool_]) -> NDArray[np.uint64]:
    """Units of a complete crossing where some stored rows are new in this release and others are
    not: an attacker who knows the unchanged rows links the two releases through them."""
    full = (cells["dimension"] == FULL_CROSSING_ROW).to_numpy()
    units = crossing_units(cells)
    return np.intersect1d(units[full & new], units[full & ~new])


def tie_rows(families: Families, cells: pd.DataFrame, tied: NDArray[np.uint64]) -> Families:
    """The relations, without those of complete crossings' rows outside the units `tied`: there they
    say nothing the sexes' and age groups' relations do not, and would only slow the solve."""
    full = (cells["dimension"] == FULL_CROSSING_ROW).to_numpy()
    if not full.any():
        return families
    untied = full & ~np.isin(crossing_units(cells), tied)
    kept: Families = []
    for name, (members, ids) in zip(RELATION_FAMILIES, families):
        if name in ("rows → sex", "rows → age group"):
            dropped = np.zeros(len(cells), dtype=bool)
            dropped[ids[untied[members]]] = True  # a relation goes whole, its parent with its rows
            members, ids = members[~dropped[ids]], ids[~dropped[ids]]
        kept.append((members, ids))
    return kept


def _hidden_last_time(cells: pd.DataFrame, earlier: Sequence[pd.DataFrame]) -> np.ndarray:
    """Per cell: whether the latest earlier release holding a cell of the same key hid it."""
    if not earlier:
        return np.zeros(len(cells), dtype=bool)
    last = (
        pd.DataFrame(
            {
                "key": np.concatenate([cell_keys(release) for release in earlier]),
                "hidden": np.concatenate([release["suppressed"].to_numpy(dtype=bool) for release in earlier]),
            }
        )
        .drop_duplicates("key", keep="last")
        .set_index("key")["hidden"]
    )
    return pd.Series(cell_keys(cells)).map(last).fillna(False).to_numpy(dtype=bool)


def _hide_partners(
    exposed: np.ndarray,
    system: JointSystem,
    hidden: np.ndarray,
    values: np.ndarray,
    families: Families,
    settled: np.ndarray,
) -> None:
    """For each determined unknown, in place: where it is a cell of this release, hide a partner in
    one of its relations; where it is only an earlier cell (its rows changed), hide this release's
    cell of the same key, or a partner of it when it is hidden already; where this release has no
    cell of that key (its rows were withdrawn), hide a cell of this release that stands where one of
    its earlier relations' members stood."""
    open_cells = ~hidden & ~settled
    rows = np.flatnonzero(marked(exposed, system.size)[system.current])
    current_keys = system.key[system.current]
    # pandas' isin hashes the few keys looked for; numpy's would hash every cell's.
    same_key = np.flatnonzero(pd.Series(current_keys).isin(system.key[exposed]).to_numpy())
    successors = np.setdiff1d(same_key, rows)
    hidden[successors[open_cells[successors]]] = True
    to_pair = np.union1d(rows, successors[~open_cells[successors]])
    exposed_twins = _twins(to_pair, families, system.is_row[system.current], open_cells, values)
    hidden[exposed_twins["twin"].to_numpy()] = True
    to_pair = np.setdiff1d(to_pair, exposed_twins["cell"].to_numpy())
    if to_pair.size:
        hidden[partners_to_hide(to_pair, hidden, values, families, ~settled)] = True
    orphans = exposed[~np.isin(system.key[exposed], current_keys[same_key])]
    if orphans.size:
        hidden[_stand_ins(orphans, system, open_cells, values)] = True


def _twins(
    cells: np.ndarray, families: Families, is_row: np.ndarray, open_cells: np.ndarray, values: np.ndarray
) -> pd.DataFrame:
    """Per cell made of stored rows crossing sex and age (girls, say), the smallest visible cell made of
    one of the same rows the other way (the 11–14 year olds): where a crossing is partial, the one
    gives the other, and hiding a partner in the cell's own relations would not stop that."""
    crossing = [families[RELATION_FAMILIES.index(name)] for name in ("rows → sex", "rows → age group")]
    members = Members.of(crossing, len(values))
    relations = len(crossing) * len(values)

    def pairs_where(keep: NDArray[np.bool_], row: str = "row") -> pd.DataFrame:
        return pd.DataFrame({row: members.row[keep], "relation": members.relation[keep]})

    # Each join below is made on the few members it can match, not on every stored row of the release.
    theirs = pairs_where(marked(cells, len(values))[members.row], "cell")
    through = theirs.merge(
        pairs_where(marked(theirs["relation"].to_numpy(), relations)[members.relation]), on="relation"
    )
    through = through.loc[is_row[through["row"].to_numpy()], ["cell", "row"]]
    of_rows = pairs_where(marked(through["row"].to_numpy(), len(values))[members.row])
    beside = pairs_where(marked(of_rows["relation"].to_numpy(), relations)[members.relation], "twin")
    twins = through.merge(of_rows, on="row").merge(beside, on="relation")
    twins = twins.loc[(twins["twin"] != twins["cell"]) & ~is_row[twins["twin"].to_numpy()]]
    twins = twins.loc[open_cells[twins["twin"].to_numpy()], ["cell", "twin"]]
    twins = twins.assign(value=values[twins["twin"].to_numpy()])
    twins = twins.assign(zero=twins["value"] == 0).sort_values(["cell", "zero", "value"])
    return pd.DataFrame(twins.drop_duplicates("cell"))


def _stand_ins(orphans: np.ndarray, system: JointSystem, open_cells: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Per earlier cell with no cell of its key in this release: the smallest non-zero (then any)
    visible, choosable cell of this release whose key is a member's of one of its earlier relations."""
    pairs = membership(system.earlier_families, system.size)[["row", "relation"]]
    theirs = pairs.loc[pairs["row"].isin(orphans)].rename(columns={"row": "orphan"})
    neighbours = theirs.merge(pairs, on="relation")
    neighbours = neighbours.assign(key=system.key[neighbours["row"].to_numpy()])
    current = pd.DataFrame({"cell": np.arange(len(system.current)), "key": system.key[system.current]})
    current = current.loc[open_cells].assign(value=values[open_cells])
    candidates = neighbours[["orphan", "key"]].drop_duplicates().merge(current, on="key")
    candidates = candidates.assign(zero=candidates["value"] == 0).sort_values(["orphan", "zero", "value"])
    return candidates.drop_duplicates("orphan")["cell"].to_numpy()


def apply_pair_rule(
    hidden: np.ndarray,
    values: np.ndarray,
    families: Families,
    max_rounds: int,
    public: np.ndarray | None = None,
) -> None:
    """Complementary suppression, in place: no relation may keep exactly one secret member (it would be
    the parent minus the others). A `public` cell (its value given by an earlier release) counts as
    shown, hidden or not, and is never chosen."""
    public = np.zeros(len(values), dtype=bool) if public is None else public
    for _round in range(max_rounds):
        added = False
        for family, ids in families:
            secret = hidden & ~public
            member_secret = secret[family]
            secret_per_relation = np.bincount(ids, weights=member_secret, minlength=len(values))
            exposed = np.flatnonzero(secret_per_relation == 1)
            if exposed.size == 0:
                continue
            # In each exposed relation, hide the smallest visible member (zeros carry no secret but
            # hiding one would not protect anything: prefer non-zero members, then anything).
            candidates = pd.DataFrame(
                {"row": family, "relation": ids, "open": ~hidden[family] & ~public[family], "value": values[family]}
            )
            candidates = candidates.loc[candidates["relation"].isin(exposed) & candidates["open"]]
            candidates = candidates.assign(zero=candidates["value"] == 0).sort_values(["relation", "zero", "value"])
            chosen = candidates.drop_duplicates("relation")["row"].to_numpy()
            if chosen.size:
                hidden[chosen] = True
                added = True
        if not added:
            break


def partners_to_hide(
    exposed: np.ndarray,
    hidden: np.ndarray,
    values: np.ndarray,
    families: Families,
    choosable: np.ndarray | None = None,
) -> np.ndarray:
    """For each determined hidden cell, one visible cell to hide with it: in one of its relations that
    still has a visible (and `choosable`) member, the smallest non-zero one (then zeros)."""
    choosable = np.ones(len(hidden), dtype=bool) if choosable is None else choosable
    members = Members.of(families, len(hidden))
    relations = len(families) * len(hidden)
    open_member = ~hidden[members.row] & choosable[members.row]
    theirs = (
        marked(exposed, len(hidden))[members.row] & marked(members.relation[open_member], relations)[members.relation]
    )
    # Each cell's first relation with an open member, in the families' order.
    _cells, first = np.unique(members.row[theirs], return_index=True)
    chosen = open_member & marked(members.relation[theirs][first], relations)[members.relation]
    candidates = pd.DataFrame(
        {"row": members.row[chosen], "relation": members.relation[chosen], "value": values[members.row[chosen]]}
    )
    candidates = candidates.assign(zero=candidates["value"] == 0).sort_values(["relation", "zero", "value"])
    return candidates.drop_duplicates("relation")["row"].to_numpy()


def solve_protected_cells(tables: DataTables, k: int, earlier: Sequence[pd.DataFrame] = ()) -> pd.DataFrame:
    """The protected lattice of the field observations, every level of the scope included: the one suppression every
    page, export, image, slide and sheet reads its figures from, given the `earlier` releases'
    protected lattices (oldest first).

    The exact audit costs seconds at scale: callers go through `secret.releases.protected_cells`,
    which solves each release once and keeps it."""
    return suppress_small_counts(lattice(tables.field_observations, ancestors(tables.territories)), k, earlier)
