"""The scenarios of issue 25 (« Fair comparisons ») as two files an analyst would import, one after the
other. Fictitious figures, made for the tests:

- Signalements: 4 communes for the twelve months of 2025, then all 36 for January–March 2026. A change
  is only stated on the 4 communes' January–March, « à champ constant ».
- Jeunes suivis: 8 in 2024, then 10 in 2025, in one commune: chance explains it (p ≈ 0,8), no arrow.
- Consultations: 20 in 2024, then 60 in 2025, in one commune: beyond chance, « hausse nette ».
- Participants, 2025, every commune: Marnes-la-Coquette (about 1 750 inhabitants) has the highest raw
  rate with 6, which chance explains at its size; Boulogne-Billancourt's moderately high rate on
  119 000 inhabitants does not come from chance.

`unequal_store` lays the same scenarios out as one data folder, as the probe left it.
"""

from __future__ import annotations

from itertools import count
from pathlib import Path

import pandas as pd
import pytest

from indicators.config import DEFAULT_DATA_DIR
from indicators.loading import scope_territory_table
from store_shapes import COMMUNES, write_store

HEADER = "Indicateur;Code commune;Période;Sexe;Tranche d'âge;Nombre"
FOUR = ["92050", "92012", "92025", "92026"]
SMALL, LARGE = "92047", "92012"
SMALL_NAME, LARGE_NAME = "Marnes-la-Coquette", "Boulogne-Billancourt"
_unequal_stores = count()


def communes() -> pd.DataFrame:
    territories = scope_territory_table(DEFAULT_DATA_DIR)
    return territories.loc[territories["level"] == "commune", ["territory_code", "population"]]


def line(indicator: str, code: str, period: str, value: int) -> str:
    return f"{indicator};{code};{period};ensemble;ensemble;{value}"


def participants() -> list[str]:
    """About 10 per 10 000 inhabitants everywhere, 14 in Boulogne-Billancourt, 6 in Marnes-la-Coquette (34)."""
    lines = []
    for code, population in zip(*communes().T.to_numpy()):
        value = round(int(population) * 10 / 10_000)
        if code == LARGE:
            value = round(int(population) * 14 / 10_000)
        if code == SMALL:
            value = 6
        lines.append(line("participants_prevention", code, "2025", value))
    return lines


def first_file(folder: Path) -> Path:
    lines = [HEADER]
    lines += [
        line("signalements_risque_prostitutionnel", code, f"2025-{month:02d}", 12 + month % 3)
        for code in FOUR
        for month in range(1, 13)
    ]
    lines += [line("jeunes_suivis_vaj", "92050", "2024", 8), line("consultations_sexologie", LARGE, "2024", 20)]
    lines += participants()
    path = folder / "premier_envoi.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def second_file(folder: Path) -> Path:
    lines = [HEADER]
    lines += [
        line("signalements_risque_prostitutionnel", code, f"2026-{month:02d}", 13 + month % 2)
        for code in communes()["territory_code"]
        for month in range(1, 4)
    ]
    lines += [line("jeunes_suivis_vaj", "92050", "2025", 10), line("consultations_sexologie", LARGE, "2025", 60)]
    path = folder / "second_envoi.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def unequal_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The probe's files, rebuilt: 2025 from 4 communes then January–March 2026 from 36; one
    indicator going from 8 to 10 (chance) and one from 20 to 60 (not); prevention reported by 10
    communes of 36, and by Marnes-la-Coquette with a count the secret masks."""
    rows = []

    def add(indicator_id: str, code: str, value: int, periods: list[str]) -> None:
        rows.extend(
            dict(
                indicator_id=indicator_id,
                territory_code=code,
                period=period,
                sex="ensemble",
                age_group="ensemble",
                value=value,
                source_id="IMPORT_000001",
            )
            for period in periods
        )

    months_2025 = [f"2025-{month:02d}" for month in range(1, 13)]
    first_quarter = ["2026-01", "2026-02", "2026-03"]
    for position, code in enumerate(COMMUNES):
        if position < 4:
            add("signalements_risque_prostitutionnel", code, 6, months_2025)
        add("signalements_risque_prostitutionnel", code, 7, first_quarter)
    add("jeunes_suivis_vaj", "92050", 8, ["2024"])
    add("jeunes_suivis_vaj", "92050", 10, ["2025"])
    add("consultations_sexologie", "92050", 20, ["2024"])
    add("consultations_sexologie", "92050", 60, ["2025"])
    for code in COMMUNES[:10]:
        add("participants_prevention", code, 300, ["2024", "2025"])
    add("participants_prevention", "92047", 2, ["2024", "2025"])
    folder = write_store(tmp_path_factory.getbasetemp() / f"sheet_unequal_{next(_unequal_stores)}", pd.DataFrame(rows))
    return str(folder)
