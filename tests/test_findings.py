import pandas as pd
import pytest

from indicators.findings import (
    covered_text,
    named_places,
    observation_finding,
    published_finding,
    ranking_finding,
)
from indicators.i18n import in_language
from indicators.observations import with_month
from indicators.secret.rules import period_changes

NNBSP = "\u202f"


def yearly(values: dict[int, int], complete: dict[int, bool] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period_start": [pd.Timestamp(f"{year}-01-01") for year in values],
            "group": "ensemble",
            "value": list(values.values()),
            "complete": [(complete or {}).get(year, True) for year in values],
        }
    )


def yearly_changes(values: dict[int, int]) -> dict:
    """Each year's change like for like, for one commune's yearly figures (not yet published: no secret)."""
    rows = with_month(
        pd.DataFrame({"indicator_id": "a", "territory_code": "92002", "period": [str(year) for year in values]}).assign(
            value=list(values.values())
        )
    )
    return period_changes(rows, [pd.Timestamp(f"{year}-01-01") for year in values], "year", 1, None)


def test_finding_states_latest_complete_year_and_change():
    text = observation_finding(
        yearly({2024: 400, 2025: 500}),
        "Signalements",
        "signalements",
        "year",
        changes=yearly_changes({2024: 400, 2025: 500}),
    )
    assert text == f"Signalements : 500 signalements en 2025, +25{NNBSP}% par rapport à 2024 (hausse nette)"


def test_partial_year_is_not_the_finding():
    text = observation_finding(yearly({2024: 400, 2025: 50}, {2025: False}), "Signalements", "signalements", "year")
    assert "en 2024" in text and "50" not in text


def test_finding_sums_groups():
    series = pd.concat([yearly({2025: 10}).assign(group="F"), yearly({2025: 5}).assign(group="M")])
    assert "15 signalements en 2025" in observation_finding(series, "S", "signalements", "year")


def test_published_finding_warns_about_several_sources():
    points = pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-07-01", "2024-07-01"]),
            "figure_text": ["400", "435"],
            "period_text": ["2020", "2024"],
            "source_id": ["A", "B"],
        }
    )
    text = published_finding(points, "Victimes")
    assert text.startswith("Victimes : 435 (2024, dernier chiffre publié)")
    assert "2 sources" in text


def test_ranking_finding_names_the_first_two():
    ranked = pd.DataFrame({"name_fr": ["Nanterre", "Antony"], "value": [45, 30]})
    assert ranking_finding(ranked, "S", "signalements", "en 2025") == (
        "Nanterre compte le plus de signalements en 2025 (45), devant Antony (30)"
    )


def test_no_complete_period_names_the_partial_one():
    # Three months of 2026 by year: the finding says what they are, not "aucune période complète".
    series = yearly({2026: 45}, {2026: False}).assign(months_covered=3)
    text = observation_finding(series, "Signalements", "signalements", "year")
    assert text == "Signalements : 45 signalements en 2026 (période incomplète : 3 mois sur 12)"


def test_secret_finding_shows_the_symbol_not_a_bound():
    # "moins de 5" was said of cells hidden only to protect another one (worth 22).
    series = yearly({2025: 22}).assign(suppressed=True)
    text = observation_finding(series, "Signalements", "signalements", "year")
    assert "s (valeur masquée par le secret statistique)" in text and "moins de" not in text and "22" not in text


def test_finding_is_singular_for_one():
    assert "1 jeune en 2025" in observation_finding(yearly({2025: 1}), "Jeunes suivis", "jeunes", "year")


@pytest.mark.parametrize(
    ("periods", "expected"),
    [
        (["2026-01", "2026-02", "2026-03"], "en janvier – mars 2026"),
        (["2025-01", "2025-12"], "en 2025"),
        (["2024", "2025"], "de 2024 à 2025"),
        (["2025-Q2", "2026-Q1"], "de T2 2025 à T1 2026"),
        (["2025-Q1", "2025-Q3"], "en T1 – T3 2025"),
    ],
)
def test_covered_text_never_says_a_whole_year_for_part_of_it(periods, expected):
    # Territoires said "en 2026" for three months of 2026.
    rows = pd.DataFrame({"period": periods, "value": 1})
    assert covered_text(rows) == expected


def test_ranking_of_one_commune_says_so():
    ranked = pd.DataFrame({"name_fr": ["Antony"], "value": [12], "suppressed": [False]})
    assert ranking_finding(ranked, "Signalements", "signalements", "en 2025") == (
        "Signalements : 12 signalements à Antony en 2025 (seule commune avec des données)"
    )


def test_findings_in_english():
    with in_language("en"):
        finding = observation_finding(
            yearly({2024: 400, 2025: 500}), "Reports", "reports", "year", changes=yearly_changes({2024: 400, 2025: 500})
        )
        partial = observation_finding(
            yearly({2026: 45}, {2026: False}).assign(months_covered=3), "R", "reports", "year"
        )
        secret = observation_finding(yearly({2025: 22}).assign(suppressed=True), "Reports", "reports", "year")
        ranked = ranking_finding(
            pd.DataFrame({"name_fr": ["Nanterre", "Antony"], "value": [45, 30]}), "R", "reports", "in 2025"
        )
        covered = covered_text(pd.DataFrame({"period": ["2024", "2025"], "value": 1}))
    assert finding.startswith("Reports: 500 reports in 2025, ") and finding.endswith(
        " compared with 2024 (a clear rise)"
    )
    assert partial.endswith(" in 2026 (incomplete period: 3 of 12 months)")
    assert secret == "Reports in 2025: s (value withheld for statistical confidentiality)"
    assert ranked == "Nanterre has the most reports in 2025 (45), ahead of Antony (30)"
    assert covered == "from 2024 to 2025"


def test_published_finding_in_english():
    points = pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-07-01", "2024-07-01"]),
            "figure_text": ["400", "435"],
            "period_text": ["2020", "2024"],
            "source_id": ["A", "B"],
        }
    )
    with in_language("en"):
        text = published_finding(points, "Victims")
    assert text == "Victims: 435 (2024, latest published figure); 2 sources with different methods, points not joined"


def test_a_long_list_of_places_is_cut_and_its_rest_counted_in_the_viewers_language():
    names = [f"Commune {number}" for number in range(1, 1_043)]
    assert named_places(names[:3], 3) == "Commune 1, Commune 2, Commune 3"
    with in_language("fr"):
        assert named_places(names, 2) == "Commune 1, Commune 2 et 1\u202f040 autres"
    with in_language("en"):
        assert named_places(names, 2).endswith("and 1,040 others")
