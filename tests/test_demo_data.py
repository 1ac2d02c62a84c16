import pandas as pd

from indicators.config import DEFAULT_DATA_DIR, DEMO_FIELD_FILE, DEMO_SOURCE_ID
from indicators.demo_data import FIRST_MONTH, PROFILES, demo_first_month, generate_demo_observations
from indicators.schemas import FieldObservationSchema
from indicators.territories import communes as communes_of


def communes(tables) -> list[str]:
    return communes_of(tables.territories)["territory_code"].tolist()


def test_demo_covers_the_36_communes_monthly_from_2019_to_2025(tables):
    demo = tables.field_observations
    assert len(communes(tables)) == 36
    assert set(demo["territory_code"]) == set(communes(tables))
    months = sorted(demo["period"].unique())
    assert months[0] == "2019-01" and months[-1] == "2025-12" and len(months) == 84


def test_demo_uses_the_catalogue_ids_of_the_departement_plan(tables):
    # One demo profile for each field indicator of the catalogue (data/indicators.csv), no other.
    assert tables.field_indicator_ids and set(PROFILES) == set(tables.field_indicator_ids)


def test_every_demo_row_is_labelled_fictitious(tables):
    assert tables.field_observations["source_id"].eq(DEMO_SOURCE_ID).all()


def test_generator_is_seeded_and_matches_the_shipped_file(tables):
    generated = generate_demo_observations(communes(tables))
    shipped = pd.read_csv(DEFAULT_DATA_DIR / DEMO_FIELD_FILE, dtype={"territory_code": str})
    pd.testing.assert_frame_equal(generated, shipped, check_dtype=False)


def test_another_seed_gives_other_counts_that_still_meet_the_schema(tables):
    other = generate_demo_observations(communes(tables), seed=1)
    FieldObservationSchema.validate(other)
    assert not other["value"].equals(tables.field_observations["value"])


def test_split_by_sex_and_age_only_where_it_makes_sense(tables):
    demo = tables.field_observations
    trained = demo.loc[demo["indicator_id"] == "professionnels_formes"]
    assert set(trained["sex"]) == {"ensemble"} and set(trained["age_group"]) == {"ensemble"}
    reports = demo.loc[demo["indicator_id"] == "signalements_risque_prostitutionnel"]
    assert set(reports["sex"]) == {"F", "M"} and set(reports["age_group"]) == {"11-14", "15-17"}


def test_a_territory_of_many_communes_gets_fewer_demo_months_never_under_two_years():
    """The Hauts-de-Seine's 36 communes keep every month; the Aisne's 797 keep the last 24, so that
    its first page solves a few hundred thousand rows' secret, not 1,2 million."""
    assert demo_first_month(36) == FIRST_MONTH
    assert demo_first_month(797) == "2024-01"
    few = generate_demo_observations(["01001", "01002"], populations=[100.0, 900.0], first="2025-07")
    assert few["period"].min() == "2025-07" and few["period"].max() == "2025-12"
    # The months kept are those of the whole generation: the same seed, the same counts.
    whole = generate_demo_observations(["01001", "01002"], populations=[100.0, 900.0])
    kept = whole.loc[whole["period"] >= "2025-07"].reset_index(drop=True)
    pd.testing.assert_frame_equal(few.reset_index(drop=True), kept)
