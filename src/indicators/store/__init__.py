"""The storage stage: versioned observation tables and the audit log.

- `contract`: what a store is (columns, versions, methods); `commits`: publishing on any store;
- `diff`: rows added, removed and changed between two tables;
- `parquet`: one folder per version; `postgres` (+ `migrations`): several app servers on one database;
- `history`: the versions as officials and analysts read them, and rollbacks;
- `protected`: each data version's protected lattice (the statistical secret), solved once and kept;
- `audit`: the append-only log of every write, sign-in and export of raw counts.
"""
