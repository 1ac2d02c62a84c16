"""The statistical secret, in one place (docs/SECRET.md).

- `lattice`: every figure a viewer may see as a cell, and the additive relations between cells;
- `suppression`: which cells are hidden, in one release and across every release so far;
- `equations`: the attacker's equations over the hidden cells, solved exactly (the audit);
- `releases`: each data version's protected lattice, solved once and kept (in the store, or in
  the data folder for anything else): what every output reads through `protected_cells`;
- `rules`: what an output may state beyond a cell (a window's total, a like-for-like total).

Outputs (`disclosure`, pages, exports, slides, sheets) read protected cells from here; nothing
here imports an output.
"""
