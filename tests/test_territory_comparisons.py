"""Territoires compared with the whole: rates over the communes counted, their exact intervals, the
standing of each territory against the département, and the headlines that follow from them.

Frames are built here, on the shipped territories (36 communes, populations from 1 752 to 119 019):
the département's rate is about 10 per 10 000 when every commune counts one report per 1 000
inhabitants. Marnes-la-Coquette (1 752 inhabitants) with 5 reports has by far the highest rate
(28,5): chance alone gives 5 or more where 1,75 are expected in 3 % of cases. Boulogne-Billancourt
(119 019) with 165 reports has a moderately high rate (13,9): chance gives that in 0,004 % of cases.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.charts import funnel_figure
from indicators.comparisons import months_covered
from indicators.config import DEFAULT_DATA_DIR
from indicators.disclosure import masked_ranking, with_rates
from indicators.findings import ranking_finding
from indicators.i18n import in_language
from indicators.loading import scope_territory_table
from indicators.observations import rank_territories, with_month
from indicators.secret.lattice import SECRET_SYMBOL
from indicators.territories import (
    Benchmark,
    benchmark_of,
    by_measure,
    chance_note,
    commune_months,
    counted_exposure,
    masked_bound,
    with_standing,
)

INDICATOR = "signalements_risque_prostitutionnel"
MARNES, BOULOGNE, ANTONY, SEVRES = "92047", "92012", "92002", "92072"


@pytest.fixture(scope="module")
def territories() -> pd.DataFrame:
    return scope_territory_table(DEFAULT_DATA_DIR)


@pytest.fixture(scope="module")
def populations(territories) -> dict[str, int]:
    communes = territories.loc[territories["level"] == "commune"]
    return dict(zip(communes["territory_code"], communes["population"].astype(int)))


def dated_rows(counts: dict[str, int], periods: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """One indicator's rows: each commune's count in 2025 (or spread over its own `periods`)."""
    records = []
    for code, count in counts.items():
        spans = (periods or {}).get(code, ["2025"])
        shares = [count // len(spans) + (1 if position < count % len(spans) else 0) for position in range(len(spans))]
        records += [(code, period, share) for period, share in zip(spans, shares)]
    frame = pd.DataFrame(records, columns=["territory_code", "period", "value"]).assign(
        indicator_id=INDICATOR, sex="ensemble", age_group="ensemble", source_id="TEST"
    )
    return with_month(frame)


def one_per_thousand(populations: dict[str, int], **changed: int) -> dict[str, int]:
    return {code: changed.get(code, round(people / 1000)) for code, people in populations.items()}


def compared(
    rows: pd.DataFrame, territories: pd.DataFrame, secret: set[str] = frozenset(), level: str = "commune", shown=True
) -> tuple[pd.DataFrame, Benchmark]:
    """What `disclosure.protected_ranking` builds, with the secret flags given: the ranking with
    rates, intervals and standings, and the benchmark."""
    ranked = rank_territories(rows, territories, level)
    ranked = ranked.assign(suppressed=ranked["territory_code"].isin(secret))
    benchmark = benchmark_of(rows, territories, shown, 12)
    return with_standing(with_rates(ranked, counted_exposure(rows, territories, level)), benchmark), benchmark


def standings(ranked: pd.DataFrame) -> dict[str, str | None]:
    return dict(zip(ranked["territory_code"], ranked["standing"]))


# --- Only the territory beyond chance is named ----------------------------------------------------------


def test_a_small_communes_high_rate_is_chance_a_large_communes_moderate_one_is_not(territories, populations):
    rows = dated_rows(one_per_thousand(populations, **{MARNES: 5, BOULOGNE: 165}))
    ranked, _benchmark = compared(rows, territories)
    rates = by_measure(ranked, "rate")
    assert rates.iloc[0]["territory_code"] == MARNES  # the raw highest rate…
    assert standings(ranked)[MARNES] == "similar"  # …is within chance
    assert standings(ranked)[BOULOGNE] == "above"
    assert set(ranked["standing"]) == {"similar", "above"}
    finding = ranking_finding(
        rates, "Signalements", "signalements pour 10 000 habitants", "en 2025", 1, "commune", "10,1 pour 10 000"
    )
    assert finding == (
        "Signalements en 2025 : 1 commune au-dessus du taux du département (Boulogne-Billancourt), au-delà du hasard"
    )
    assert "Marnes" not in finding and "le plus élevé" not in finding
    # By count, the same headline: the comparison is of rates, whatever the measure drawn.
    assert ranking_finding(by_measure(ranked, "count"), "Signalements", "signalements", "en 2025") == finding


def test_the_classes_follow_the_funnel_limits_at_99_8_percent(territories, populations):
    # 7 reports where 1,75 are expected: beyond the 95 % limit (p ≈ 0,004), within the 99,8 % one.
    rows = dated_rows(one_per_thousand(populations, **{MARNES: 7}))
    ranked, benchmark = compared(rows, territories)
    assert standings(ranked)[MARNES] == "similar"
    from indicators.comparisons import funnel_limits

    people = np.array([populations[MARNES]], dtype=float)
    _low_95, high_95 = funnel_limits(people, benchmark.rate, 0.95)
    _low_998, high_998 = funnel_limits(people, benchmark.rate, 0.998)
    rate = ranked.set_index("territory_code").at[MARNES, "rate"]
    assert high_95[0] < rate <= high_998[0]


def test_none_beyond_chance_says_so_with_the_departements_rate(territories, populations):
    ranked, _benchmark = compared(dated_rows(one_per_thousand(populations)), territories)
    assert set(ranked["standing"]) == {"similar"}
    finding = ranking_finding(
        by_measure(ranked, "rate"), "S", "s pour 10 000 habitants", "en 2025", 1, "commune", "10,0 pour 10 000"
    )
    assert finding == (
        "S en 2025 : aucune commune ne s'écarte du taux du département (10,0 pour 10 000) au-delà du hasard"
    )


def test_many_territories_of_a_class_are_named_three_then_counted(territories, populations):
    bigger = {code: 3 * round(people / 1000) for code, people in populations.items() if people > 60_000}
    ranked, _benchmark = compared(dated_rows(one_per_thousand(populations, **bigger)), territories)
    above = int((ranked["standing"] == "above").sum())
    assert above > 3
    finding = ranking_finding(by_measure(ranked, "rate"), "S", "u", "en 2025", 1, "commune", "r")
    assert f"{above} communes au-dessus du taux du département (" in finding
    assert f" et {above - 3} autres)" in finding and ", au-delà du hasard" in finding


# --- The secret comes first -------------------------------------------------------------------------


def test_a_masked_commune_gets_no_rate_no_interval_no_class_and_is_never_named(territories, populations):
    # Antony's 300 would be far above the département: masked, nothing may say so.
    rows = dated_rows(one_per_thousand(populations, **{ANTONY: 300, SEVRES: 2}))
    ranked, benchmark = compared(rows, territories, secret={ANTONY, SEVRES})
    masked = ranked.set_index("territory_code").loc[[ANTONY, SEVRES]]
    assert masked[["rate", "rate_low", "rate_high"]].isna().all(axis=None)
    assert masked["standing"].isna().all()
    table = masked_ranking(by_measure(ranked, "rate"), 5, 1, french=True).set_index("territory_code")
    assert (table.loc[[ANTONY, SEVRES], ["count", "rate", "rate_low", "rate_high", "standing"]] == SECRET_SYMBOL).all(
        axis=None
    )
    finding = ranking_finding(by_measure(ranked, "rate"), "S", "u", "en 2025", 1, "commune", "r")
    assert "Antony" not in finding and "Sèvres" not in finding
    # The département's total is public and holds Antony: the others are compared with it.
    assert benchmark.count == sum(one_per_thousand(populations, **{ANTONY: 300, SEVRES: 2}).values())


def test_no_benchmark_while_the_departements_total_is_secret(territories, populations):
    rows = dated_rows(one_per_thousand(populations, **{BOULOGNE: 400}))
    ranked, benchmark = compared(rows, territories, secret={ANTONY, SEVRES}, shown=False)
    assert benchmark.rate is None and not benchmark.comparable
    assert ranked["standing"].isna().all()
    # By rate, no class and no raw maximum: nobody is named.
    finding = ranking_finding(by_measure(ranked, "rate"), "S", "u", "en 2025", 1, "commune")
    assert finding == "S en 2025 : taux des communes sans comparaison possible avec le département"
    # By count, the first shown is named only « parmi les communes affichées »: nothing bounds the masked ones.
    counted = ranking_finding(by_measure(ranked, "count"), "S", "signalements", "en 2025", 0, "commune", "", None)
    assert counted.startswith("Boulogne-Billancourt compte le plus de signalements parmi les communes affichées")
    assert counted.endswith("; 2 communes masquées par le secret statistique")


def test_never_the_highest_count_while_a_masked_one_could_be_higher(territories):
    ranked = pd.DataFrame(
        {
            "name_fr": ["Nanterre", "Colombes", "Sèvres", "Antony", "Bagneux"],
            "value": [30, 20, 5, 3, 4],
            "suppressed": [False, False, False, True, True],
        }
    )
    # The masked two add up to 7 at most (the public total minus the visible): Nanterre is the highest.
    bounded = ranking_finding(ranked, "S", "signalements", "en 2025", masked_at_most=7)
    assert bounded == (
        "Nanterre compte le plus de signalements en 2025 (30), devant Colombes (20) ; "
        "2 communes masquées par le secret statistique"
    )
    # Up to 40: one of them could count more.
    unbounded = ranking_finding(ranked, "S", "signalements", "en 2025", masked_at_most=40)
    assert "parmi les communes affichées" in unbounded and "plus faible" not in unbounded
    benchmark = Benchmark(62, 1e6, None, False, True)  # type: ignore[arg-type]
    assert masked_bound(ranked.assign(count=ranked["value"]), benchmark) == 62 - 55


def test_tied_first_territories_are_counted_not_one_named_first():
    ranked = pd.DataFrame({"name_fr": ["Antony", "Bagneux", "Clamart"], "value": [36, 36, 10]})
    assert ranking_finding(ranked, "S", "signalements", "en 2024") == (
        "2 territoires à égalité en tête en 2024 (36 signalements)"
    )


# --- Coverage: the whole is the communes counted ------------------------------------------------------


def test_the_benchmark_divides_by_the_population_of_the_communes_counted(territories, populations):
    counted = {ANTONY: 80, BOULOGNE: 120, SEVRES: 20}
    benchmark = benchmark_of(dated_rows(counted), territories, True, 12)
    people = sum(populations[code] for code in counted)
    assert benchmark.exposure == people and benchmark.count == 220
    assert benchmark.rate == pytest.approx(220 * 10_000 / people)  # not 220 over the 36 communes' people
    assert benchmark.coverage.describe() == "3 communes sur 36 ont transmis"


def test_an_interco_rate_divides_by_its_counted_communes_and_says_how_many(territories, populations):
    # Two communes of Vallée Sud-Grand Paris (11 communes) and every commune of the others.
    south = territories.loc[territories["interco_code"] == "200057966", "territory_code"].tolist()
    counts = {code: 10 for code in populations if code not in south or code in (ANTONY, "92007")}
    ranked, _benchmark = compared(dated_rows(counts), territories, level="interco")
    vallee = ranked.set_index("territory_code").loc["200057966"]
    assert vallee["communes"] == 2 and vallee["communes_expected"] == 11
    assert vallee["population"] == populations[ANTONY] + populations["92007"]
    assert vallee["rate"] == pytest.approx(20 * 10_000 / vallee["population"])
    table = masked_ranking(by_measure(ranked, "rate"), 5, 1).set_index("territory_code")
    assert table.at["200057966", "communes"] == 2 and table.at["200057966", "communes_expected"] == 11


def test_rates_over_different_numbers_of_months_are_annualised(territories, populations):
    # Antony sent twelve months, Boulogne three: each rate is put on one year.
    months = {ANTONY: [f"2025-{month:02d}" for month in range(1, 13)], BOULOGNE: ["2025-01", "2025-02", "2025-03"]}
    rows = dated_rows({ANTONY: 60, BOULOGNE: 30}, months)
    exposure = counted_exposure(rows, territories).set_index("territory_code")
    assert exposure["annualised"].all()
    assert exposure.at[BOULOGNE, "exposure"] == pytest.approx(populations[BOULOGNE] * 3 / 12)
    ranked, benchmark = compared(rows, territories)
    rate = ranked.set_index("territory_code").at[BOULOGNE, "rate"]
    assert rate == pytest.approx(30 * 10_000 * 4 / populations[BOULOGNE])
    assert benchmark.annualised and benchmark.coverage.describe() == "2 communes sur 36 ont transmis"
    same = counted_exposure(dated_rows({ANTONY: 60, BOULOGNE: 30}), territories)
    assert not same["annualised"].any() and (same["exposure"] == same["population"]).all()


# --- Words on the page ------------------------------------------------------------------------------


def test_the_chance_note_gives_the_level_and_what_chance_alone_does():
    assert chance_note(36, "commune").endswith(
        "Parmi 36 communes semblables au département, le hasard seul en écarterait 0,07 en moyenne à cette "
        "limite (1,8 à 95\u202f%)."
    )
    assert "limite à 99,8\u202f% de l'entonnoir" in chance_note(36, "commune")
    with in_language("en"):
        english = chance_note(4, "EPT")
    assert "99.8%" in english and "4 EPTs" in english
    # Outside the Grand Paris, intercommunalités are named as such.
    assert "Parmi 7 intercommunalités semblables au département" in chance_note(7, "interco")


def test_the_funnel_draws_both_limits_the_whole_and_only_the_shown_territories(territories, populations):
    rows = dated_rows(one_per_thousand(populations, **{MARNES: 5, BOULOGNE: 165}))
    ranked, benchmark = compared(rows, territories, secret={ANTONY, SEVRES})
    points = ranked.loc[ranked["standing"].notna()].assign(count=lambda frame: frame["value"])
    figure = funnel_figure(points, benchmark.rate, "pour 10 000 habitants", "signalements", "Population", 1)
    names = [trace.name for trace in figure.data if trace.showlegend is not False]
    assert "Limites à 95\u202f%" in names and "Limites à 99,8\u202f%" in names
    assert any(name.startswith("Taux du département : 10,") for name in names)
    placed = {code for trace in figure.data if trace.mode == "markers" for code in trace.customdata}
    assert placed == set(points["territory_code"]) and not placed & {ANTONY, SEVRES}
    assert figure.layout.xaxis.type == "log"
    above = next(trace for trace in figure.data if trace.name == "Au-dessus")
    assert list(above.customdata) == [BOULOGNE] and "IC 95\u202f% : " in above.hovertext[0]


@given(
    spans=st.lists(
        st.tuples(
            st.sampled_from(["92002", "92004", "92007", "92009"]), st.integers(0, 47), st.sampled_from([1, 3, 12])
        ),
        min_size=1,
        max_size=60,
    )
)
@settings(max_examples=60, deadline=None)
def test_commune_months_counts_each_communes_distinct_months_as_months_covered_does(spans):
    """The months of every commune at once (one pass over France's 35 000) are those counted commune by
    commune: overlapping quarters and years count each month once."""
    rows = pd.DataFrame(
        {
            "territory_code": [code for code, _start, _spanned in spans],
            "month": [pd.Timestamp("2022-01-01") + pd.DateOffset(months=start) for _code, start, _spanned in spans],
            "months_spanned": [spanned for _code, _start, spanned in spans],
        }
    )
    expected = {code: months_covered(group) for code, group in rows.groupby("territory_code")}
    assert commune_months(rows).to_dict() == expected
