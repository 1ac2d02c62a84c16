"""Indicateurs sur la prostitution des mineurs : chargement, validation et transformations.

Small typed functions on DataFrames, in plain pandas, so the pipelines run and are tested from the
command line (`python -m indicators`) as well as under the pages; nothing here imports Streamlit
(tests/test_layout.py checks it). The two I/O stages are sub-packages: `ingest` (an analyst's file
becomes validated rows or a French refusal) and `store` (versions, history, audit log).
"""

__version__ = "0.1.0"
