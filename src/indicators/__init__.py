"""Indicateurs sur la prostitution des mineurs : chargement, validation et transformations.

Everything here is plain pandas and never imports streamlit, so pipelines can be
tested and run from the command line (`python -m indicators`).
"""

__version__ = "0.1.0"
