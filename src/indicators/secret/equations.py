"""The attacker's equations over the hidden cells, solved exactly (the audit of `secret.suppression`).

Every relation of the lattice (a parent and the cells that add up to it) is an equation. With the
visible cells moved to the right-hand side, a hidden cell is determined when its unit vector lies in
the row space of the equations on hidden cells: its pivot row of the reduced echelon form holds no
other column.

The system falls apart into connected parts: hidden cells linked through the equations they share
(a commune's months and groups, the communes of one intercommunalité whose total is shown…). No
equation crosses two parts, so each is solved on its own. At France's scale that matters twice:
parts are solved in batches, so memory follows a batch rather than every commune of France; and a
repair round, which hides a few more cells, solves again only the parts those cells belong to.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

# A prime below 2**31: ranks modulo it are those over the rationals for these small-coefficient systems,
# and products of two residues stay exact in Python integers.
MODULUS = 2_147_483_629

# Members (cell, relation) solved in one elimination at most, unless one part alone holds more: the
# dictionaries of an elimination cost about a kilobyte per member.
BATCH_MEMBERS = 200_000

Families = list[tuple[np.ndarray, np.ndarray]]
Equation = dict[int, int]


@dataclass(frozen=True)
class Members:
    """Every (cell, relation) pair of every family, relations numbered across families, with the
    member's sign in its equation (+1 the parent, −1 a child)."""

    row: NDArray[np.int64]
    relation: NDArray[np.int64]
    sign: NDArray[np.int8]

    @classmethod
    def of(cls, families: Families, size: int) -> Members:
        if not families:
            empty = np.array([], dtype=np.int64)
            return cls(empty, empty, empty.astype(np.int8))
        return cls(
            row=np.concatenate([members for members, _ in families]).astype(np.int64),
            relation=np.concatenate(
                [ids.astype(np.int64) + position * size for position, (_members, ids) in enumerate(families)]
            ),
            sign=np.concatenate([np.where(members == ids, 1, -1) for members, ids in families]).astype(np.int8),
        )

    def where(self, keep: NDArray[np.bool_]) -> Members:
        return Members(self.row[keep], self.relation[keep], self.sign[keep])

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({"row": self.row, "relation": self.relation, "sign": self.sign.astype(np.int64)})

    def __len__(self) -> int:
        return len(self.row)


def membership(families: Families, size: int) -> pd.DataFrame:
    """`Members` as a frame: row, relation, sign."""
    return Members.of(families, size).frame()


def connected_parts(members: Members, size: int) -> NDArray[np.int64]:
    """Per cell (0 to `size` − 1), its connected part of the system `members` spans: cells sharing a
    relation are in one part. A cell in no relation is a part of its own."""
    relation_index, relations = pd.factorize(members.relation)
    nodes = size + len(relations)
    graph = scipy.sparse.coo_matrix(
        (np.ones(len(members), dtype=np.int8), (members.row, size + relation_index)), shape=(nodes, nodes)
    )
    _count, labels = connected_components(graph, directed=False)
    return np.asarray(labels[:size], dtype=np.int64)


def determined_cells(
    hidden: NDArray[np.bool_],
    families: Families,
    around: NDArray[np.int64] | None = None,
    members: Members | None = None,
) -> NDArray[np.int64]:
    """Rows of the hidden cells that the visible cells and all the relations together determine.

    With `around` (cells), only the parts holding those cells are solved. `members`
    (`Members.of(families)`) saves building them again. Sparse Gauss–Jordan elimination modulo a
    large prime, part by part: the systems are very sparse (each equation has a few members), so
    this is fast where a dense rank on thousands of cells is not."""
    members = Members.of(families, len(hidden)) if members is None else members
    secret = members.where(hidden[members.row])
    if len(secret) == 0:
        return np.array([], dtype=np.int64)
    parts = connected_parts(secret, len(hidden))
    if around is not None:
        secret = secret.where(marked(parts[around], len(hidden))[parts[secret.row]])
    found: list[int] = []
    for batch in part_batches(secret, parts):
        found.extend(cell for cell, equation in reduced_pivots(equations_of(batch)) if len(equation) == 1)
    return np.array(sorted(found), dtype=np.int64)


def marked(indexes: NDArray[np.int64], size: int) -> NDArray[np.bool_]:
    """A mask of `size` flags, set at `indexes`: a membership test by indexing, not by hashing."""
    mask = np.zeros(size, dtype=bool)
    mask[indexes] = True
    return mask


def part_batches(members: Members, parts: NDArray[np.int64]) -> Iterator[Members]:
    """The members sorted by part, relation and cell, cut into batches of whole parts of about
    BATCH_MEMBERS members."""
    member_parts = parts[members.row]
    order = np.lexsort((members.row, members.relation, member_parts))
    members = Members(members.row[order], members.relation[order], members.sign[order])
    member_parts = member_parts[order]
    starts = np.flatnonzero(np.r_[True, member_parts[1:] != member_parts[:-1]])
    cuts = [0]
    for start in starts[1:]:
        if start - cuts[-1] >= BATCH_MEMBERS:
            cuts.append(int(start))
    cuts.append(len(members))
    for begin, end in itertools.pairwise(cuts):
        yield Members(members.row[begin:end], members.relation[begin:end], members.sign[begin:end])


def equations_of(members: Members) -> list[Equation]:
    """One equation ({cell: coefficient modulo MODULUS}) per relation, from members sorted by relation."""
    bounds = np.flatnonzero(np.diff(members.relation)) + 1
    return [
        {int(cell): int(coefficient) % MODULUS for cell, coefficient in zip(rows, signs)}
        for rows, signs in zip(np.split(members.row, bounds), np.split(members.sign, bounds))
    ]


def reduced_pivots(equations: list[Equation]) -> list[tuple[int, Equation]]:
    """Gauss–Jordan elimination modulo MODULUS on sparse rows ({column: coefficient}), the sparsest
    rows first and, in each, the column found in fewest rows, to keep fill-in low. Returns (pivot
    column, its reduced row) pairs.

    Negative columns are tags: carried through every row operation but never pivots, so a row that
    starts with the tag of its own equation ends up telling which equations it combines."""
    rows = [equation for equation in equations if equation]
    rows_with: dict[int, set[int]] = {}
    for index, equation in enumerate(rows):
        for column in equation:
            if column >= 0:
                rows_with.setdefault(column, set()).add(index)
    pivots: dict[int, int] = {}
    for index in sorted(range(len(rows)), key=lambda position: len(rows[position])):
        equation = rows[index]
        candidates = [column for column in equation if column >= 0]
        if not candidates:
            continue
        column = min(candidates, key=lambda candidate: len(rows_with[candidate]))
        if equation[column] != 1:  # most coefficients stay ±1: no inverse to compute for 1
            inverse = MODULUS - 1 if equation[column] == MODULUS - 1 else pow(equation[column], MODULUS - 2, MODULUS)
            for key in equation:
                equation[key] = equation[key] * inverse % MODULUS
        pivots[index] = column
        for other in list(rows_with[column]):
            if other != index:
                _eliminate(rows[other], other, equation, column, rows_with)
    return [(column, rows[index]) for index, column in pivots.items()]


def _eliminate(target: Equation, index: int, pivot: Equation, column: int, rows_with: dict[int, set[int]]) -> None:
    """target −= target[column] × pivot, in place, keeping `rows_with` (rows holding each column) right."""
    factor = target[column]
    for key, coefficient in pivot.items():
        updated = (target.get(key, 0) - factor * coefficient) % MODULUS
        if updated:
            if key not in target and key >= 0:
                rows_with[key].add(index)
            target[key] = updated
        elif key in target:
            del target[key]
            if key >= 0:
                rows_with[key].discard(index)


def certificate_partners(
    exposed: NDArray[np.int64],
    hidden: NDArray[np.bool_],
    families: Families,
    choosable: NDArray[np.bool_],
    values: NDArray[np.int64],
    members: Members | None = None,
    partners: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """For each determined hidden cell (`exposed`), one choosable visible cell that its determination
    uses (or as many as `partners` says for that cell, the smallest first): the equations of its part
    are eliminated again with a tag each, so that the reduced row of a determined cell says which
    relations combine into it, and so which visible cells the attacker's sum adds or subtracts (a
    non-zero net coefficient). Hiding one of them breaks that sum; the audit then looks for another.
    Returns the chosen cells (none for a cell whose sums only use cells that cannot be hidden)."""
    members = Members.of(families, len(hidden)) if members is None else members
    secret = members.where(hidden[members.row])
    parts = connected_parts(secret, len(hidden))
    relations = secret.relation[marked(parts[exposed], len(hidden))[parts[secret.row]]]
    members = members.where(marked(relations, int(members.relation.max()) + 1)[members.relation])
    order = np.lexsort((members.row, members.relation))
    members = Members(members.row[order], members.relation[order], members.sign[order])
    bounds = np.flatnonzero(np.diff(members.relation)) + 1
    equations: list[Equation] = []
    visible_terms: list[list[tuple[int, int]]] = []
    for rows, signs in zip(np.split(members.row, bounds), np.split(members.sign, bounds)):
        tag = -(len(equations) + 1)
        equation = {int(cell): int(coefficient) % MODULUS for cell, coefficient in zip(rows, signs) if hidden[cell]}
        equations.append({**equation, tag: 1})
        visible_terms.append(
            [(int(cell), int(coefficient)) for cell, coefficient in zip(rows, signs) if not hidden[cell]]
        )
    wanted = dict(zip(exposed.tolist(), np.ones(len(exposed), dtype=np.int64) if partners is None else partners))
    chosen: list[int] = []
    for column, equation in reduced_pivots(equations):
        if column not in wanted or any(key >= 0 and key != column for key in equation):
            continue
        net: dict[int, int] = {}
        for key, factor in equation.items():
            if key < 0:
                for cell, coefficient in visible_terms[-key - 1]:
                    net[cell] = (net.get(cell, 0) + factor * coefficient) % MODULUS
        used = [cell for cell, coefficient in net.items() if coefficient and choosable[cell]]
        chosen.extend(sorted(used, key=lambda cell: (values[cell] == 0, values[cell]))[: int(wanted[column])])
    return np.array(sorted(set(chosen)), dtype=np.int64)
