"""A file analysed as the import page analyses it, against a data folder's tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indicators.ingest.pipeline import ImportReport, analyse_upload
from indicators.loading import DataTables, load_tables
from indicators.observations import is_demo


def analyse(data: Path | DataTables, content: bytes, name: str = "export.csv", **options: Any) -> ImportReport:
    """The preview of `content` uploaded as `name`, against the data folder `data` (read now) or
    tables already read from one; `options` are analyse_upload's (sheet, default_indicator)."""
    tables = data if isinstance(data, DataTables) else load_tables(data)
    communes = tables.territories.loc[tables.territories["level"] == "commune"]
    current = tables.field_observations
    return analyse_upload(content, name, tables.indicators, communes, current, is_demo(current), **options)
