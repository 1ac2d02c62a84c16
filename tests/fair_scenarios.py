"""The scenarios of issue 25 (« Fair comparisons ») as two files an analyst would import, one after the
other. Fictitious figures, made for the tests:

- Signalements: 4 communes for the twelve months of 2025, then all 36 for January–March 2026. A change
  is only stated on the 4 communes' January–March, « à champ constant ».
- Jeunes suivis: 8 in 2024, then 10 in 2025, in one commune: chance explains it (p ≈ 0,8), no arrow.
- Consultations: 20 in 2024, then 60 in 2025, in one commune: beyond chance, « hausse nette ».
- Participants, 2025, every commune: Marnes-la-Coquette (about 1 750 inhabitants) has the highest raw
  rate with 6, which chance explains at its size; Boulogne-Billancourt's moderately high rate on
  119 000 inhabitants does not come from chance.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicators.config import DEFAULT_DATA_DIR

HEADER = "Indicateur;Code commune;Période;Sexe;Tranche d'âge;Nombre"
FOUR = ["92050", "92012", "92025", "92026"]
SMALL, LARGE = "92047", "92012"
SMALL_NAME, LARGE_NAME = "Marnes-la-Coquette", "Boulogne-Billancourt"


def communes() -> pd.DataFrame:
    territories = pd.read_csv(
        DEFAULT_DATA_DIR / "territories.csv", dtype={"territory_code": str, "population": "Int64"}
    )
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
