"""Indicateurs sur la prostitution des mineurs : chargement, validation et transformations.

Small typed functions on DataFrames, in plain pandas, so the pipelines run and are tested from the
command line (`python -m indicators`) as well as under the pages; nothing here imports Streamlit
(tests/test_layout.py checks it). The two I/O stages are sub-packages: `ingest` (an analyst's file
becomes validated rows or a French refusal) and `store` (versions, history, audit log).
"""

import pandas as pd

__version__ = "0.1.0"

# Text columns kept as Python strings rather than Arrow arrays: the tables here are small (a
# région's communes by month), where each Arrow call's fixed cost outweighs its speed on long
# columns. Measured on the suite's heaviest files: about a quarter less time, same results.
pd.set_option("mode.string_storage", "python")
