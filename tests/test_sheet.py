"""Territory sheets (indicators.sheet): every figure equals the rows, goes through the secret, and says so."""

from __future__ import annotations

import datetime as dt
from itertools import count

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings

from indicators.cards import NO_DATA
from indicators.disclosure import SECRET_SYMBOL
from indicators.i18n import in_language
from indicators.loading import load_tables
from indicators.observations import compare_with_year_before, index_observations
from indicators.sheet import (
    PARTIAL_EPT,
    build_sheet,
    peer_rank,
    secret_text,
    sheet_basis,
    sheet_territories,
)
from indicators.store.protected import protected_cells
from indicators.territories import DEPARTMENT, members, populations
from store_shapes import observation_tables, write_store

K = 5
_folders = count()


def basis_of(tables, k: int = K):
    return sheet_basis(tables, protected_cells(tables, k), index_observations(tables.field_observations), k)


@pytest.fixture(scope="module")
def demo_basis(tables):
    return basis_of(tables)


def tables_with(tmp_path_factory, observations: pd.DataFrame):
    folder = write_store(tmp_path_factory.getbasetemp() / f"sheet_store_{next(_folders)}", observations)
    return load_tables(folder)


def rows(indicator_id: str, territory_code: str, value: int, periods: list[str], source: str = "IMPORT_000001"):
    return [
        dict(
            indicator_id=indicator_id,
            territory_code=territory_code,
            period=period,
            sex="ensemble",
            age_group="ensemble",
            value=value,
            source_id=source,
        )
        for period in periods
    ]


def check_sheet(basis, sheet, k: int = K) -> None:
    """The invariants every sheet keeps, whatever the data."""
    tables = basis.tables
    population = populations(tables.territories)
    year_cells = pd.concat(basis.totals.values()) if basis.totals else None
    for block in sheet.blocks:
        if not block.has_data:
            assert block.current is None and block.count_rank is None and not block.trend
            continue
        mine = basis.index.rows(block.indicator_id, members(tables.territories, sheet.territory_code))
        comparison = compare_with_year_before(mine, block.indicator_id)
        figures = [block.current, block.previous, block.department]
        for figure in filter(None, figures):
            assert figure.masked == (figure.value is None)
            if figure.masked:
                assert figure.rate is None and figure.text == SECRET_SYMBOL and figure.rate_text == SECRET_SYMBOL
            else:
                assert not 1 <= figure.value < k, (sheet.territory_code, block.indicator_id, figure)
        if not block.current.masked:
            # The sum of the territory's own rows over the latest window, and its exact rate.
            assert block.current.value == comparison.current_total
            people = population.get(sheet.territory_code)
            if pd.notna(people) and people:
                assert block.current.rate == block.current.value * 10_000 / int(people)
        if block.previous is not None and not block.previous.masked:
            assert block.previous.value == comparison.previous_total
        if block.change_percent is not None:
            assert not block.current.masked and not block.previous.masked
        for point in block.trend:
            assert point.value is None or not 1 <= point.value < k
            assert (point.value is None) == (point.rate is None) or pd.isna(population.get(sheet.territory_code))
        if block.count_rank is not None:
            cell = year_cells.loc[
                (year_cells["indicator_id"] == block.indicator_id)
                & (year_cells["territory_code"] == sheet.territory_code)
                & (year_cells["level"] == "year")
                & (year_cells["period_start"] == pd.Timestamp(f"{block.rank_year}-01-01"))
            ]
            if cell.empty:
                assert block.count_rank.position is None and block.count_rank.text.startswith(NO_DATA)
            elif bool(cell["suppressed"].iloc[0]):
                # A masked count has no rank, by count or by rate.
                assert block.count_rank.text == SECRET_SYMBOL and block.rate_rank.text == SECRET_SYMBOL
            else:
                assert block.count_rank.position is not None


def test_every_demo_sheet_keeps_the_invariants(demo_basis):
    for code in [DEPARTMENT, *sheet_territories(demo_basis.tables.territories)]:
        check_sheet(demo_basis, build_sheet(demo_basis, code))


def test_nanterre_sheet_header_and_footer(demo_basis):
    sheet = build_sheet(demo_basis, "92050", produced_on=dt.date(2026, 3, 4))
    assert sheet.title == "Nanterre — fiche territoriale"
    assert sheet.level_text == "Commune de l'EPT Paris Ouest La Défense"
    assert sheet.population == 97_783 and "97" in sheet.population_text
    assert "INSEE" in sheet.population_source and "Populations légales" in sheet.population_source
    assert sheet.is_demo and sheet.produced_on == "04/03/2026"
    assert sheet.secret_text == secret_text(K) and "de 1 à 4" in sheet.secret_text
    assert sheet.partial_note is None
    assert len(sheet.blocks) == 5 and all(block.has_data for block in sheet.blocks)


def test_partial_ept_note_on_boucle_nord_and_the_departement_only(demo_basis):
    assert build_sheet(demo_basis, PARTIAL_EPT).partial_note
    assert build_sheet(demo_basis, DEPARTMENT).partial_note
    assert build_sheet(demo_basis, "92004").partial_note is None  # Asnières, a commune of it: its own figures
    assert build_sheet(demo_basis, "200057982").partial_note is None
    assert "6 communes" in build_sheet(demo_basis, PARTIAL_EPT).level_text


def test_ranks_count_only_publishable_peers(demo_basis):
    ranked = pd.DataFrame(
        {
            "territory_code": ["a", "b", "c", "d"],
            "name_fr": list("ABCD"),
            "value": [30, 20, 20, 3],
            "suppressed": [False, False, False, True],
            "rate": [1.0, 4.0, 2.0, float("nan")],
        }
    )
    assert peer_rank(ranked, "c", "value", "commune", 2025).text == "rang 2 sur 3 communes avec une valeur publiable"
    assert peer_rank(ranked, "c", "rate", "commune", 2025).position == 2
    assert peer_rank(ranked, "b", "rate", "ept", 2025).text == "rang 1 sur 3 EPT avec une valeur publiable"
    assert peer_rank(ranked, "d", "value", "commune", 2025).text == SECRET_SYMBOL
    assert peer_rank(ranked, "z", "value", "commune", 2025).text == f"{NO_DATA} en 2025"


def test_small_counts_masked_with_their_rate_and_rank(tmp_path_factory):
    months = [f"2024-{month:02d}" for month in range(1, 13)] + [f"2025-{month:02d}" for month in range(1, 13)]
    table = pd.DataFrame(
        rows("jeunes_suivis_vaj", "92050", 0, months)
        + rows("jeunes_suivis_vaj", "92012", 9, months)
        + rows("jeunes_suivis_vaj", "92002", 7, months)
    )
    table.loc[(table["territory_code"] == "92050") & (table["period"] == "2025-03"), "value"] = 2
    basis = basis_of(tables_with(tmp_path_factory, table))
    nanterre = build_sheet(basis, "92050")
    block = next(block for block in nanterre.blocks if block.indicator_id == "jeunes_suivis_vaj")
    assert block.current.masked and block.current.rate is None and block.current.text == SECRET_SYMBOL
    assert block.count_rank.text == SECRET_SYMBOL and block.rate_rank.text == SECRET_SYMBOL
    assert block.change_percent is None and block.previous.value == 0
    assert not nanterre.is_demo
    check_sheet(basis, nanterre)
    bagneux = build_sheet(basis, "92007")  # no row at all: said, never a zero
    assert not any(block.has_data for block in bagneux.blocks)
    boulogne = next(block for block in build_sheet(basis, "92012").blocks if block.indicator_id == "jeunes_suivis_vaj")
    assert (
        boulogne.current.value == 108
        and boulogne.current.rate == 108 * 10_000 / populations(basis.tables.territories)["92012"]
    )


def test_quarterly_and_yearly_only_stores(tmp_path_factory):
    quarters = [f"{year}-Q{quarter}" for year in (2023, 2024, 2025) for quarter in range(1, 5)]
    table = pd.DataFrame(
        rows("consultations_sexologie", "92050", 40, quarters)
        + rows("participants_prevention", "92050", 300, ["2022", "2023", "2024"])
    )
    basis = basis_of(tables_with(tmp_path_factory, table))
    sheet = build_sheet(basis, "92050")
    quarterly, yearly = (
        next(block for block in sheet.blocks if block.indicator_id == indicator)
        for indicator in ("consultations_sexologie", "participants_prevention")
    )
    assert quarterly.current.value == 160 and quarterly.current.period == "T1 – T4 2025"
    assert yearly.current.value == 300 and yearly.current.period == "2024" and yearly.change_percent == 0
    assert [point.label for point in yearly.trend] == ["2022", "2023", "2024"]
    check_sheet(basis, sheet)
    check_sheet(basis, build_sheet(basis, "200057982"))


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(observations=observation_tables())
def test_any_store_keeps_the_invariants(observations, tmp_path_factory):
    basis = basis_of(tables_with(tmp_path_factory, observations))
    touched = sorted(set(observations["territory_code"]))
    for code in [DEPARTMENT, "200057990", "200057982", touched[0], touched[-1], "92007"]:
        check_sheet(basis, build_sheet(basis, code))


def test_a_sheet_in_english(demo_basis):
    with in_language("en"):
        sheet = build_sheet(demo_basis, "92050", produced_on=dt.date(2026, 3, 4))
        ept = build_sheet(demo_basis, PARTIAL_EPT)
    catalogue = demo_basis.tables.catalogue
    assert sheet.title == "Nanterre — fact sheet"
    assert sheet.level_text == "Municipality in the EPT Paris Ouest La Défense"
    assert sheet.population_text.startswith("Municipal population: ") and sheet.population_text.endswith(" inhabitants")
    assert sheet.secret_text.startswith("s: count from 1 to 4, ")
    assert sheet.rate_caveat.startswith("Rate per 10,000 inhabitants: A rate per 10,000 inhabitants ")
    assert [block.label for block in sheet.blocks] == [
        catalogue.at[block.indicator_id, "label_en"] for block in sheet.blocks
    ]
    assert [block.unit for block in sheet.blocks] == [
        catalogue.at[block.indicator_id, "unit_en"] for block in sheet.blocks
    ]
    ranks = [block.count_rank.text for block in sheet.blocks if block.count_rank and block.count_rank.position]
    assert ranks and all(
        text.startswith("rank ") and " municipalities with a publishable value" in text for text in ranks
    )
    assert ept.partial_note and ept.partial_note.startswith("Boucle Nord de Seine also includes Argenteuil")
    assert ept.level_text.startswith("Public territorial establishment (EPT) of 6 municipalities")
