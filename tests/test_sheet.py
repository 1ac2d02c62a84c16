"""Territory sheets (indicators.sheet): every figure equals the rows, goes through the secret, and says
what it adds up; rates divide by the people counted; changes are like for like and tested.

The invariants are checked against an independent reading of the rows (`expected_*` below: months
counted one by one, populations summed by hand), never against the package's own helpers.
"""

from __future__ import annotations

import datetime as dt
from itertools import count

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from scipy import stats

from indicators.i18n import in_language
from indicators.loading import load_tables
from indicators.observations import index_observations, with_month
from indicators.secret.lattice import SECRET_SYMBOL
from indicators.secret.releases import protected_cells
from indicators.sheet import (
    IndicatorBlock,
    build_sheet,
    secret_text,
    sheet_basis,
    sheet_territories,
)
from indicators.territories import communes, members, populations, scope_code
from store_shapes import COMMUNES, observation_tables, stores_drawn, write_store

K = 5
_folders = count()
REPORTS = "signalements_risque_prostitutionnel"
PREVENTION = "participants_prevention"
LAST_TWELVE = ("12 derniers mois", "Derniers 12 mois", "last 12 months", "Last 12 months")

# Boucle Nord de Seine: an EPT that also holds Argenteuil (Val-d'Oise).
PARTIAL_EPT = "200057990"


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


def months_of(year: int, first: int = 1, last: int = 12) -> list[str]:
    return [f"{year}-{month:02d}" for month in range(first, last + 1)]


def block_of(sheet, indicator_id: str) -> IndicatorBlock:
    return next(block for block in sheet.blocks if block.indicator_id == indicator_id)


# --- An independent reading of the rows ------------------------------------------------------------


SPANS = {"month": 1, "quarter": 3, "year": 12}


def expected_rows(dated: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, granularity: str) -> pd.DataFrame:
    """Rows a window's total adds up: inside it, no coarser than the calendar year or quarter it is,
    or than its figures' granularity for any other window (a quarter is never cut into months)."""
    length = (end.year - start.year) * 12 + end.month - start.month + 1
    calendar = (length == 12 and start.month == 1) or (length == 3 and start.month % 3 == 1)
    coarsest = length if calendar else SPANS[granularity]
    return dated.loc[dated["month"].between(start, end) & (dated["months_spanned"] <= coarsest)]


def expected_months(dated: pd.DataFrame) -> dict[str, int]:
    """Months each commune's rows cover, counted one by one."""
    covered: dict[str, set[int]] = {}  # months numbered from year 0, so that a span is a range
    for code, first, span in zip(dated["territory_code"], dated["month"], dated["months_spanned"]):
        start = first.year * 12 + first.month - 1
        covered.setdefault(code, set()).update(range(start, start + int(span)))
    return {code: len(months) for code, months in covered.items()}


def expected_person_years(dated: pd.DataFrame, population: pd.Series) -> float | None:
    months = expected_months(dated)
    if not months or any(pd.isna(population.get(code)) for code in months):
        return None
    return sum(int(population[code]) * covered / 12 for code, covered in months.items())


_SUMMED: dict[int, tuple[object, pd.DataFrame]] = {}


def summed_rows(tables) -> pd.DataFrame:
    """The stored rows, their groups (sexes, ages) summed per commune and period, dated: once per store."""
    # Keyed by id() but holding the tables too: once an object is collected, its id can be given to
    # the next store's tables, which would then read the previous store's rows.
    cached = _SUMMED.get(id(tables))
    if cached is None or cached[0] is not tables:
        keys = ["indicator_id", "territory_code", "period"]
        summed = tables.field_observations.groupby(keys, as_index=False, observed=True)["value"].sum()
        cached = _SUMMED[id(tables)] = (tables, with_month(summed))
    return cached[1]


def check_figure(figure, dated: pd.DataFrame, population: pd.Series, k: int) -> None:
    """A window figure: masked, or the rows' sum with its rate over the person-time of the communes counted."""
    assert figure.masked == (figure.value is None)
    if figure.masked:
        # Nothing computed from a masked count: no rate, no interval, no class.
        assert figure.rate is None and figure.low is None and figure.high is None
        assert figure.text == SECRET_SYMBOL and figure.rate_text == SECRET_SYMBOL and figure.interval_text == ""
        return
    assert not 1 <= figure.value < k
    assert figure.value == int(dated["value"].sum())
    people = expected_person_years(dated, population)
    if people:
        assert figure.rate == pytest.approx(figure.value * 10_000 / people, rel=1e-9)
        assert figure.low <= figure.rate <= figure.high
        assert figure.interval_text.startswith("IC 95 % : ") or figure.interval_text.startswith("95% CI: ")
    months = expected_months(dated)
    assert figure.annualised == any(covered != 12 for covered in months.values())


def check_sheet(basis, sheet, k: int = K) -> None:
    """The invariants every sheet keeps, whatever the data."""
    tables = basis.tables
    population = populations(tables.territories)
    dated = summed_rows(tables)
    for block in sheet.blocks:
        texts = [text for card in block.cards for text in (card.label, card.value, card.note)]
        texts += [*block.notes, block.window_text if block.has_data else ""]
        assert not any(phrase in text for phrase in LAST_TWELVE for text in texts), texts
        if not block.has_data:
            assert block.current is None and block.change is None and block.standing is None and not block.trend
            continue
        mine = dated.loc[dated["indicator_id"] == block.indicator_id]
        inside = members(tables.territories, sheet.territory_code)
        own = mine if inside is None else mine.loc[mine["territory_code"].isin(inside)]
        start, end, granularity = block.window.start, block.window.end, block.window.granularity
        length = (end.year - start.year) * 12 + end.month - start.month + 1
        # Named as summed: the card says how many months, and « (12 mois) » only over twelve.
        current_card = block.cards[0]
        assert current_card.label.endswith((f"({length} mois)", f"({length} months)", f"({length} month)"))
        check_figure(block.current, expected_rows(own, start, end, granularity), population, k)
        year = pd.DateOffset(years=1)
        before = expected_rows(own, start - year, end - year, granularity)
        assert (block.previous is None) == before.empty
        if block.previous is not None:
            check_figure(block.previous, before, population, k)
        if block.department is not None:
            # The département beside: the count of the communes counted over their own population.
            check_figure(block.department, expected_rows(mine, start, end, granularity), population, k)
        check_change(block)
        if block.standing is not None:
            assert not block.current.masked and not block.department.masked
        for point in block.trend:
            assert point.value is None or not 1 <= point.value < k
            if point.value is None:
                assert point.rate is None and point.low is None and point.high is None
            elif point.rate is not None:
                assert point.low <= point.rate <= point.high


def check_change(block: IndicatorBlock) -> None:
    """An arrow only beyond chance; a tested change only on visible totals."""
    change = block.change
    if change is None:
        return
    if change.p_value is None:
        assert change.arrow == "off" and change.percent is None
        return
    if change.p_value >= 0.05:
        assert change.direction == "flat" and change.arrow == "off"
        assert change.text.endswith(("dans les marges du hasard", "within the margins of chance"))
        assert "%" not in change.text
    else:
        assert change.arrow in ("up", "down") and ("nette" in change.text or "clear" in change.text)
    if not change.field:  # the whole windows compared: both shown
        assert not block.current.masked and not block.previous.masked


def test_every_demo_sheet_keeps_the_invariants(demo_basis):
    for code in [scope_code(), *sheet_territories(demo_basis.tables.territories)]:
        check_sheet(demo_basis, build_sheet(demo_basis, code))


def test_nanterre_sheet_header_and_footer(demo_basis):
    sheet = build_sheet(demo_basis, "92050", produced_on=dt.date(2026, 3, 4))
    assert sheet.title == "Nanterre — fiche territoriale"
    assert sheet.level_text == "Commune de l'EPT Paris Ouest La Défense"
    assert sheet.population == 97_783 and "97" in sheet.population_text
    assert "INSEE" in sheet.population_source and "Populations légales" in sheet.population_source
    assert sheet.is_demo and sheet.produced_on == "04/03/2026"
    assert sheet.secret_text == secret_text(K) and "de 1 à 4" in sheet.secret_text
    assert "Garwood" in sheet.method_text and "champ constant" in sheet.method_text
    assert sheet.partial_note is None
    assert len(sheet.blocks) == 5 and all(block.has_data for block in sheet.blocks)
    # The demo's latest window is the calendar year 2025: named so, twelve months of every commune.
    reports = block_of(sheet, REPORTS)
    assert [card.label for card in reports.cards] == [
        "2025 (12 mois)",
        "2024",
        "Taux sur 12 mois / 10 000 hab.",
        "Hauts-de-Seine, mêmes mois",
    ]
    assert not any("rang" in text for block in sheet.blocks for text in block.notes)


def test_partial_interco_note_on_boucle_nord_and_the_departement_only(demo_basis):
    assert build_sheet(demo_basis, PARTIAL_EPT).partial_note
    assert build_sheet(demo_basis, scope_code()).partial_note
    assert build_sheet(demo_basis, "92004").partial_note is None  # Asnières, a commune of it: its own figures
    assert build_sheet(demo_basis, "200057982").partial_note is None
    assert "6 communes" in build_sheet(demo_basis, PARTIAL_EPT).level_text


def test_small_counts_masked_with_their_rate_interval_change_and_class(tmp_path_factory):
    table = pd.DataFrame(
        rows("jeunes_suivis_vaj", "92050", 0, months_of(2024) + months_of(2025))
        + rows("jeunes_suivis_vaj", "92012", 9, months_of(2024) + months_of(2025))
        + rows("jeunes_suivis_vaj", "92002", 7, months_of(2024) + months_of(2025))
    )
    table.loc[(table["territory_code"] == "92050") & (table["period"] == "2025-03"), "value"] = 2
    basis = basis_of(tables_with(tmp_path_factory, table))
    nanterre = build_sheet(basis, "92050")
    block = block_of(nanterre, "jeunes_suivis_vaj")
    assert block.current.masked and block.current.rate is None and block.current.text == SECRET_SYMBOL
    assert block.current.low is None and block.current.interval_text == ""
    assert block.standing is None  # no class of a masked count
    assert block.change.p_value is None and block.change.arrow == "off"
    assert block.change.text == "évolution non publiable (secret statistique)"
    assert block.previous.value == 0
    assert not nanterre.is_demo
    check_sheet(basis, nanterre)
    bagneux = build_sheet(basis, "92007")  # no row at all: said, never a zero
    assert not any(block.has_data for block in bagneux.blocks)
    boulogne = block_of(build_sheet(basis, "92012"), "jeunes_suivis_vaj")
    assert boulogne.current.value == 108
    assert boulogne.current.rate == pytest.approx(108 * 10_000 / populations(basis.tables.territories)["92012"])


def test_quarterly_and_yearly_only_stores(tmp_path_factory):
    quarters = [f"{year}-Q{quarter}" for year in (2023, 2024, 2025) for quarter in range(1, 5)]
    table = pd.DataFrame(
        rows("consultations_sexologie", "92050", 40, quarters)
        + rows(PREVENTION, "92050", 300, ["2022", "2023", "2024"])
    )
    basis = basis_of(tables_with(tmp_path_factory, table))
    sheet = build_sheet(basis, "92050")
    quarterly, yearly = (block_of(sheet, indicator) for indicator in ("consultations_sexologie", PREVENTION))
    assert quarterly.current.value == 160 and quarterly.current.period == "2025"
    assert yearly.current.value == 300 and yearly.current.period == "2024"
    assert yearly.change.text == "dans les marges du hasard" and yearly.change.arrow == "off"
    assert [point.label for point in yearly.trend] == ["2022", "2023", "2024"]
    check_sheet(basis, sheet)
    check_sheet(basis, build_sheet(basis, "200057982"))


# --- The probe's scenarios, on frames built here -------------------------------------------------------


def test_a_commune_with_only_january_to_march_names_three_months_and_annualises(tmp_path_factory):
    """« Derniers 12 mois 27 » over January–March: now « janvier – mars 2026 (3 mois) », an annualised
    rate beside an annualised département over the same three months."""
    table = pd.DataFrame(
        rows(REPORTS, "92050", 9, months_of(2026, 1, 3))
        + [row for code in COMMUNES[:12] for row in rows(REPORTS, code, 8, months_of(2026, 1, 3))]
    )
    basis = basis_of(tables_with(tmp_path_factory, table))
    sheet = build_sheet(basis, "92050")
    block = block_of(sheet, REPORTS)
    assert block.current.period == "janvier – mars 2026" and block.current.value == 27
    labels = [card.label for card in block.cards]
    assert labels[0] == "janvier – mars 2026 (3 mois)" and labels[2] == "Taux annualisé / 10 000 hab."
    nanterre = populations(basis.tables.territories)["92050"]
    assert block.current.annualised and block.current.rate == pytest.approx(27 * 10_000 / (nanterre * 3 / 12))
    assert block.previous is None and block.change is None
    assert block.window_text == "janvier – mars 2026 (pas de chiffre un an plus tôt)"
    # The département over the same three months, annualised too, over the 13 communes counted only.
    counted = populations(basis.tables.territories)[[*COMMUNES[:12], "92050"]].sum()
    assert block.department.value == 27 + 12 * 24 and block.department.annualised
    assert block.department.rate == pytest.approx(block.department.value * 10_000 / (counted * 3 / 12))
    assert block.cards[3].note.startswith("taux annualisé : ")
    assert "Hauts-de-Seine : 13 communes sur 36 ont transmis." in block.notes
    # The trend, by month: each bar's rate annualised and said so.
    assert [point.label for point in block.trend] == ["janvier 2026", "février 2026", "mars 2026"]
    assert all(point.annualised for point in block.trend)
    check_sheet(basis, sheet)


def test_a_departement_where_ten_communes_of_thirty_six_reported(tmp_path_factory):
    """« taux : 79,2 » was the count of 10 communes over the population of 36."""
    reporting = COMMUNES[:10]
    table = pd.DataFrame([row for code in reporting for row in rows(PREVENTION, code, 300, ["2024", "2025"])])
    basis = basis_of(tables_with(tmp_path_factory, table))
    population = populations(basis.tables.territories)
    counted = int(population[reporting].sum())
    commune = block_of(build_sheet(basis, reporting[0]), PREVENTION)
    assert commune.department.value == 3_000
    assert commune.department.rate == pytest.approx(3_000 * 10_000 / counted)
    assert commune.department.rate > 3_000 * 10_000 / int(population[scope_code()])
    assert "Hauts-de-Seine : 10 communes sur 36 ont transmis." in commune.notes
    assert commune.department.coverage == "10 communes sur 36 ont transmis"
    department = block_of(build_sheet(basis, scope_code()), PREVENTION)
    assert department.current.rate == pytest.approx(3_000 * 10_000 / counted)
    assert department.current.coverage == "10 communes sur 36 ont transmis"
    assert "2024 : 10 communes sur 36 ont transmis." in department.notes
    with in_language("en"):
        english = block_of(build_sheet(basis, scope_code()), PREVENTION)
    assert "Hauts-de-Seine: 10 municipalities out of 36 reported." in english.notes


@pytest.mark.parametrize(
    ("before", "after", "words", "arrow"),
    [
        (8, 10, "dans les marges du hasard", "off"),
        (20, 60, "+200\u202f%, hausse nette", "up"),
        (60, 20, "\u221267\u202f%, baisse nette", "down"),
    ],
)
def test_a_change_is_called_a_change_only_beyond_chance(tmp_path_factory, before, after, words, arrow):
    """8 then 10 (p ≈ 0.8) is chance: no arrow, no figure; 20 then 60 is not."""
    table = pd.DataFrame(rows(PREVENTION, "92050", before, ["2024"]) + rows(PREVENTION, "92050", after, ["2025"]))
    basis = basis_of(tables_with(tmp_path_factory, table))
    block = block_of(build_sheet(basis, "92050"), PREVENTION)
    change = block.change
    assert change.text == words and change.arrow == arrow
    assert block.cards[0].note == words and block.cards[0].arrow == arrow
    # Independently: the exact conditional test is the binomial test of `after` among the two, at one half.
    p_value = stats.binomtest(after, before + after, 0.5).pvalue
    assert change.p_value == pytest.approx(p_value, rel=1e-9)
    assert (p_value < 0.05) == (arrow != "off")


def test_four_communes_then_thirty_six_compare_on_the_four(tmp_path_factory):
    """2025 from 4 communes, then January–March 2026 from all 36: the change is stated on the four
    communes' January–March only, and says so."""
    first = COMMUNES[:4]
    table = pd.DataFrame(
        [row for code in first for row in rows(REPORTS, code, 6, months_of(2025))]
        + [row for code in COMMUNES for row in rows(REPORTS, code, 9 if code in first else 7, months_of(2026, 1, 3))]
    )
    basis = basis_of(tables_with(tmp_path_factory, table))
    department = block_of(build_sheet(basis, scope_code()), REPORTS)
    change = department.change
    assert (change.current_common, change.previous_common) == (4 * 3 * 9, 4 * 3 * 6)
    assert change.field == "à champ constant : 4 communes, 3 mois"
    assert change.text.startswith("à champ constant, ")
    assert "Évolution calculée à champ constant : 4 communes, 3 mois (108 contre 72)." in department.notes
    assert department.current.coverage == "de 3 à 12 mois sur 12 selon les communes"
    assert department.current.annualised
    check_sheet(basis, build_sheet(basis, scope_code()))
    check_sheet(basis, build_sheet(basis, first[0]))


def test_a_like_for_like_total_with_a_masked_cell_is_not_stated(tmp_path_factory):
    """The common field of two communes is a sum no lattice cell gives: one masked month in it, and
    the change is not published; all visible, and it is."""

    def table(february: int) -> pd.DataFrame:
        frame = pd.DataFrame(
            rows(REPORTS, "92050", 10, months_of(2025, 1, 3) + months_of(2026, 1, 3))
            + rows(REPORTS, "92012", 12, months_of(2025, 1, 3) + months_of(2026, 1, 3))
            + rows(REPORTS, "92002", 9, months_of(2026, 1, 3))
        )
        frame.loc[(frame["territory_code"] == "92050") & (frame["period"] == "2026-02"), "value"] = february
        return frame

    masked = basis_of(tables_with(tmp_path_factory, table(2)))
    block = block_of(build_sheet(masked, scope_code()), REPORTS)
    assert not block.current.masked  # the département's own total shows…
    assert block.change.text == "évolution non publiable (secret statistique)" and block.change.p_value is None
    assert not any("contre" in note for note in block.notes)  # …the sum over the two communes does not
    shown = basis_of(tables_with(tmp_path_factory, table(11)))
    block = block_of(build_sheet(shown, scope_code()), REPORTS)
    assert block.change.p_value is not None and block.change.field == "à champ constant : 2 communes, 3 mois"
    assert (block.change.current_common, block.change.previous_common) == (2 * 10 + 11 + 3 * 12, 3 * 10 + 3 * 12)


def test_a_small_communes_rate_stands_against_the_departement(tmp_path_factory):
    """Marnes-la-Coquette (1 752 inhabitants) with 55 reports beside large communes: above, beyond
    chance; Nanterre's rate close to the whole: comparable. No rank anywhere."""
    table = pd.DataFrame(
        rows(PREVENTION, "92047", 55, ["2025"])
        + rows(PREVENTION, "92050", 60, ["2025"])
        + [
            row
            for code in COMMUNES[:20]
            if code not in ("92047", "92050")
            for row in rows(PREVENTION, code, 40, ["2025"])
        ]
    )
    basis = basis_of(tables_with(tmp_path_factory, table))
    marnes, nanterre = (block_of(build_sheet(basis, code), PREVENTION) for code in ("92047", "92050"))
    assert marnes.standing == "above"
    assert "Taux au-dessus de celui des Hauts-de-Seine (mêmes mois), au-delà du hasard." in marnes.notes
    assert nanterre.standing in ("similar", "below")
    check_sheet(basis, build_sheet(basis, "92047"))


@settings(
    max_examples=stores_drawn(0.6, at_least=6),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(observations=observation_tables())
def test_any_store_keeps_the_invariants(observations, tmp_path_factory):
    basis = basis_of(tables_with(tmp_path_factory, observations))
    touched = sorted(set(observations["territory_code"]))
    for code in [scope_code(), "200057990", "200057982", touched[0], touched[-1], "92007"]:
        check_sheet(basis, build_sheet(basis, code))


def test_a_sheet_in_english(demo_basis):
    with in_language("en"):
        sheet = build_sheet(demo_basis, "92050", produced_on=dt.date(2026, 3, 4))
        ept = build_sheet(demo_basis, PARTIAL_EPT)
        cards = [card for block in sheet.blocks for card in block.cards]
        notes = [note for block in sheet.blocks for note in block.notes]
    catalogue = demo_basis.tables.catalogue
    assert sheet.title == "Nanterre — fact sheet"
    assert sheet.level_text == "Municipality in the EPT Paris Ouest La Défense"
    assert sheet.population_text.startswith("Municipal population: ") and sheet.population_text.endswith(" inhabitants")
    assert sheet.secret_text.startswith("s: count from 1 to 4, ")
    assert sheet.rate_caveat.startswith("Rate per 10,000 inhabitants: A rate per 10,000 inhabitants ")
    assert "Garwood" in sheet.method_text and "like for like" in sheet.method_text
    assert [block.label for block in sheet.blocks] == [
        catalogue.at[block.indicator_id, "label_en"] for block in sheet.blocks
    ]
    assert [block.unit for block in sheet.blocks] == [
        catalogue.at[block.indicator_id, "unit_en"] for block in sheet.blocks
    ]
    assert cards[0].label == "2025 (12 months)" and cards[2].label == "12-month rate / 10,000 inhab."
    assert cards[2].note.startswith("95% CI: ")
    assert any(note.startswith("Rate ") and "Hauts-de-Seine" in note for note in notes)
    french = ("mois", "taux", "hausse", "baisse", "hasard", "communes sur", "IC 95")
    assert not [text for card in cards for text in (card.label, card.note) if any(word in text for word in french)]
    assert ept.partial_note and ept.partial_note.startswith("Boucle Nord de Seine also includes Argenteuil")
    assert ept.level_text.startswith("Public territorial establishment (EPT) of 6 municipalities")


def test_the_departement_has_no_department_beside_it_nor_a_class(demo_basis):
    sheet = build_sheet(demo_basis, scope_code())
    assert all(block.department is None and block.standing is None for block in sheet.blocks)
    assert all(len(block.cards) == 3 for block in sheet.blocks)
    assert len(communes(demo_basis.tables.territories)) == 36
