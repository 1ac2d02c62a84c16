import pandas as pd

from indicators.findings import observation_finding, published_finding, ranking_finding

NNBSP = "\u202f"


def yearly(values: dict[int, int], complete: dict[int, bool] | None = None) -> pd.DataFrame:
    return pd.DataFrame({
        "period_start": [pd.Timestamp(f"{year}-01-01") for year in values],
        "group": "ensemble",
        "value": list(values.values()),
        "complete": [(complete or {}).get(year, True) for year in values],
    })


def test_finding_states_latest_complete_year_and_change():
    text = observation_finding(yearly({2024: 400, 2025: 500}), "Signalements", "signalements", "year")
    assert text == f"Signalements : 500 signalements en 2025, +25{NNBSP}% par rapport à 2024"


def test_partial_year_is_not_the_finding():
    text = observation_finding(yearly({2024: 400, 2025: 50}, {2025: False}), "Signalements", "signalements", "year")
    assert "en 2024" in text and "50" not in text


def test_finding_sums_groups():
    series = pd.concat([yearly({2025: 10}).assign(group="F"), yearly({2025: 5}).assign(group="M")])
    assert "15 signalements en 2025" in observation_finding(series, "S", "signalements", "year")


def test_published_finding_warns_about_several_sources():
    points = pd.DataFrame({"date": pd.to_datetime(["2020-07-01", "2024-07-01"]), "figure_text": ["400", "435"],
                           "period_text": ["2020", "2024"], "source_id": ["A", "B"]})
    text = published_finding(points, "Victimes")
    assert text.startswith("Victimes : 435 (2024, dernier chiffre publié)")
    assert "2 sources" in text


def test_ranking_finding_names_the_first_two():
    ranked = pd.DataFrame({"name_fr": ["Nanterre", "Antony"], "value": [45, 30]})
    assert ranking_finding(ranked, "S", "signalements", "en 2025") == (
        "Nanterre compte le plus de signalements en 2025 (45), devant Antony (30)")
