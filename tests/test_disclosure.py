"""The secret lattice and its relations, against their plain group-by and merge definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators.choices import RankingChoice, TrendChoice
from indicators.disclosure import (
    ShownComparison,
    protect_series,
    protect_totals,
    protected_comparisons,
    protected_ranking,
    protected_trend,
    scope_code,
    series_tables,
)
from indicators.i18n import in_language
from indicators.observations import (
    aggregate_series,
    index_observations,
    rank_territories,
    select_observations,
)
from indicators.secret.lattice import (
    ALL,
    FULL_CROSSING_ROW,
    RELATION_FAMILIES,
    ROW_DIMENSION,
    SECRET_SYMBOL,
    STORED_ROWS,
    lattice,
    relations,
)
from indicators.secret.releases import protected_cells
from indicators.secret.suppression import suppress_small_counts
from indicators.territories import interco_of

KEYS = ["indicator_id", "territory_code", "level", "period_start", "dimension", "group"]


def hierarchy(frame: pd.DataFrame, interco_count: int) -> dict[str, str]:
    """Communes spread over `interco_count` EPTs in turn (none: every commune adds up to the département only)."""
    communes = sorted(frame["territory_code"].unique())
    return (
        {commune: f"2000579{position % interco_count}" for position, commune in enumerate(communes)}
        if interco_count
        else {}
    )


def lattice_by_definition(observations: pd.DataFrame, interco_of: dict[str, str] | None = None) -> pd.DataFrame:
    """Every cell as one text group-by per (territory level, period level, split): slow, plain."""
    interco_of = interco_of or {}
    annual = observations["period"].str.len() == 4
    frame = observations.assign(
        month=pd.to_datetime(observations["period"].where(~annual, observations["period"] + "-01"), format="%Y-%m")
    )
    pieces = []
    for territory_level in ("commune", "interco", "departement"):
        if territory_level == "commune":
            base = frame
        elif territory_level == "interco":
            base = frame.assign(territory_code=frame["territory_code"].map(interco_of)).dropna(
                subset=["territory_code"]
            )
        else:
            base = frame.assign(territory_code=scope_code())
        for level, code in (("month", "M"), ("quarter", "Q"), ("year", "Y")):
            rows = base if level == "year" else base.loc[~annual]
            timed = rows.assign(period_start=rows["month"].dt.to_period(code).dt.start_time)
            for dimension in ("sex", "age_group", "none"):
                group = timed[dimension] if dimension != "none" else pd.Series(ALL, index=timed.index)
                cells = (
                    timed.assign(group=group)
                    .groupby(["indicator_id", "territory_code", "period_start", "group"], as_index=False)["value"]
                    .sum()
                )
                pieces.append(cells.assign(level=level, dimension=dimension))
    cells = pd.concat(pieces, ignore_index=True)
    return cells.loc[~((cells["dimension"] != "none") & (cells["group"] == ALL))].reset_index(drop=True)


def relations_by_definition(cells: pd.DataFrame, interco_of: dict[str, str]) -> list[set[tuple[int, frozenset[int]]]]:
    """Each family as a set of (parent row, children rows), found by merges on the text keys: at a
    département's scope, communes to their intercommunalité, communes and intercommunalités to the
    département, and no département or région below another territory."""
    index = cells.reset_index().rename(columns={"index": "row"})

    def family(children: pd.DataFrame, parents: pd.DataFrame, keys: list[str]) -> set[tuple[int, frozenset[int]]]:
        joined = children[[*keys, "row"]].merge(parents[[*keys, "row"]], on=keys, suffixes=("", "_parent"))
        return {
            (int(parent), frozenset(int(row) for row in rows)) for parent, rows in joined.groupby("row_parent")["row"]
        }

    totals = index.loc[index["dimension"] == "none"]
    families = [
        family(
            index.loc[index["dimension"] == name], totals, ["indicator_id", "territory_code", "level", "period_start"]
        )
        for name in ("sex", "age_group")
    ]
    for child_level, parent_level, code in (("month", "quarter", "Q"), ("quarter", "year", "Y")):
        children = index.loc[index["level"] == child_level]
        children = children.assign(parent_start=children["period_start"].dt.to_period(code).dt.start_time)
        parents = index.loc[index["level"] == parent_level].rename(columns={"period_start": "parent_start"})
        families.append(
            family(children, parents, ["indicator_id", "territory_code", "dimension", "group", "parent_start"])
        )
    across = ["indicator_id", "level", "period_start", "dimension", "group"]
    communes = index.loc[index["territory_level"] == "commune"]
    intercos = index.loc[index["territory_level"] == "interco"]
    department = index.loc[index["territory_code"] == scope_code()]
    families.append(
        family(
            communes.assign(interco=communes["territory_code"].map(interco_of)),
            intercos.assign(interco=intercos["territory_code"]),
            ["interco", *across],
        )
    )
    families.append(family(communes, department, across))
    families.append(family(intercos, department, across))
    return [*families, set(), set()]


def as_sets(members: np.ndarray, ids: np.ndarray) -> set[tuple[int, frozenset[int]]]:
    """(parent, children) pairs from the (member row, relation id) arrays: the parent is its own id."""
    children: dict[int, set[int]] = {}
    for row, relation in zip(members.tolist(), ids.tolist()):
        if row != relation:
            children.setdefault(relation, set()).add(row)
    return {(parent, frozenset(rows)) for parent, rows in children.items()}


@st.composite
def observations(draw) -> pd.DataFrame:
    """A random département file: split and unsplit indicators, monthly and yearly periods, gaps."""
    rng = np.random.default_rng(draw(st.integers(0, 10_000)))
    communes = [f"920{number:02d}" for number in range(draw(st.integers(1, 4)))]
    months = pd.date_range(
        f"{draw(st.integers(2019, 2024))}-{draw(st.integers(1, 12)):02d}-01",
        periods=draw(st.integers(1, 20)),
        freq="MS",
    ).strftime("%Y-%m")
    rows = []
    for commune in communes:
        for period in months:
            for sex in ("F", "M"):
                for age in ("11-14", "15-17"):
                    rows.append(("split", commune, period, sex, age))
            rows.append(("unsplit", commune, period, ALL, ALL))
            rows.append(("by_sex", commune, period, "F", ALL))
            rows.append(("by_sex", commune, period, "M", ALL))
        rows.append(("yearly", commune, "2023", ALL, ALL))
    frame = pd.DataFrame(rows, columns=["indicator_id", "territory_code", "period", "sex", "age_group"])
    kept = frame.loc[rng.random(len(frame)) < draw(st.floats(0.3, 1.0))]  # holes: months or cells missing
    values = rng.poisson(rng.choice([0.5, 3.0, 12.0], size=len(kept)))
    return kept.assign(value=values.astype("int64"), source_id="S").astype(
        dict.fromkeys(("indicator_id", "territory_code", "period", "sex", "age_group", "source_id"), "str")
    )


@settings(max_examples=40, deadline=None)
@given(observations(), st.integers(0, 3))
def test_lattice_is_the_sum_of_the_observations_at_every_level(frame, interco_count):
    fast = lattice(frame, hierarchy(frame, interco_count))
    fast = fast.loc[~fast["dimension"].isin(STORED_ROWS)]  # stored rows kept as unknowns: never shown
    plain = lattice_by_definition(frame, hierarchy(frame, interco_count))
    # Same cells, same sums, same order (exports and pages read them in this order).
    pd.testing.assert_frame_equal(fast[plain.columns].reset_index(drop=True), plain, check_dtype=False)


def rows_by_definition(frame: pd.DataFrame, cells: pd.DataFrame, intercos: dict[str, str]) -> list[frozenset[int]]:
    """Per cell, the observation rows it adds up, found row by row from the definitions."""
    of_cell: dict[tuple[object, ...], set[int]] = {}
    for position, row in enumerate(frame.itertuples(index=False)):
        annual = len(row.period) == 4
        month = pd.Timestamp(f"{row.period}-01" if annual else row.period)
        territories = [row.territory_code, scope_code()] + (
            [intercos[row.territory_code]] if row.territory_code in intercos else []
        )
        levels = (
            [("year", month.to_period("Y").start_time)]
            if annual
            else [
                ("month", month),
                ("quarter", month.to_period("Q").start_time),
                ("year", month.to_period("Y").start_time),
            ]
        )
        groups = [("none", ALL)] + [
            (name, getattr(row, name)) for name in ("sex", "age_group") if getattr(row, name) != ALL
        ]
        if row.sex != ALL and row.age_group != ALL:
            groups += [(stored, f"{row.sex}·{row.age_group}") for stored in STORED_ROWS]
        for territory in territories:
            for level, start in levels:
                for dimension, group in groups:
                    key = (row.indicator_id, territory, level, start, dimension, group)
                    of_cell.setdefault(key, set()).add(position)
    keys = zip(
        *(cells[column] for column in ("indicator_id", "territory_code", "level", "period_start", "dimension", "group"))
    )
    return [frozenset(of_cell[key]) for key in keys]


@settings(max_examples=25, deadline=None)
@given(observations(), st.integers(0, 3))
def test_relations_tie_each_parent_to_exactly_its_children_where_that_holds(frame, interco_count):
    """The candidate relations found by merges on the text keys, kept where the parent adds up exactly
    its children's rows; and every stored row kept as an unknown tied to its sex's and its age group's cell."""
    intercos = hierarchy(frame, interco_count)
    cells = lattice(frame, intercos)
    rows = rows_by_definition(frame.reset_index(drop=True), cells, intercos)
    published = cells.loc[~cells["dimension"].isin(STORED_ROWS)]
    expected = [
        {
            (parent, children)
            for parent, children in family
            if rows[parent] == frozenset().union(*(rows[c] for c in children))
        }
        for family in relations_by_definition(published, intercos)
    ]
    crossing = cells.reset_index().rename(columns={"index": "row"})
    for position, name in enumerate(("sex", "age_group")):
        stored = crossing.loc[crossing["dimension"].isin(STORED_ROWS)]
        stored = stored.assign(dimension=name, group=stored["group"].str.split("·").str[position])
        joined = stored.merge(
            crossing,
            on=["indicator_id", "territory_code", "level", "period_start", "dimension", "group"],
            suffixes=("", "_parent"),
        )
        expected.append(
            {
                (int(parent), frozenset(int(row) for row in members))
                for parent, members in joined.groupby("row_parent")["row"]
            }
        )
    assert [as_sets(*family) for family in relations(cells)] == expected
    assert all(
        rows[parent] == frozenset().union(*(rows[child] for child in children))
        for family in expected
        for parent, children in family
    )


def test_a_partial_crossing_keeps_its_rows_and_ties_girls_to_the_11_14_year_olds():
    """Girls of 11–14 and boys of 15–17 only: the girls' count is the 11–14 count, a fact only the rows tell."""
    frame = pd.DataFrame(
        {
            "indicator_id": "a",
            "territory_code": "92001",
            "period": "2024-01",
            "sex": ["F", "M"],
            "age_group": ["11-14", "15-17"],
            "value": [3, 8],
            "source_id": "S",
        }
    )
    cells = lattice(frame)
    stored = cells.loc[cells["dimension"] == ROW_DIMENSION]
    assert sorted(stored["group"]) == ["F·11-14", "M·15-17"] and set(stored["territory_code"]) == {"92001"}
    full = pd.concat([frame, frame.assign(sex=["M", "F"], value=[0, 0])], ignore_index=True)
    complete = lattice(full)
    assert not (complete["dimension"] == ROW_DIMENSION).any(), "a complete crossing needs no row of its own"
    assert (complete["dimension"] == FULL_CROSSING_ROW).sum() == 4, "but keeps them for later releases"
    named = {
        (row.dimension, row.group): index
        for index, row in cells.loc[(cells["territory_code"] == "92001") & (cells["level"] == "month")].iterrows()
    }
    by_sex = as_sets(*relations(cells)[RELATION_FAMILIES.index("rows → sex")])
    by_age = as_sets(*relations(cells)[RELATION_FAMILIES.index("rows → age group")])
    girls_row = named[(ROW_DIMENSION, "F·11-14")]
    assert (named[("sex", "F")], frozenset({girls_row})) in by_sex
    assert (named[("age_group", "11-14")], frozenset({girls_row})) in by_age


def test_an_empty_file_has_no_cell_and_nothing_to_hide():
    empty = pd.DataFrame(
        {
            column: pd.Series(dtype="str")
            for column in ("indicator_id", "territory_code", "period", "sex", "age_group", "source_id")
        }
    ).assign(value=pd.Series(dtype="int64"))
    cells = suppress_small_counts(lattice(empty), 5)
    assert cells.empty and set(KEYS) <= set(cells.columns)


def test_a_single_small_month_hides_a_second_month_and_not_the_year():
    periods = [f"2024-{month:02d}" for month in range(1, 4)]
    frame = pd.DataFrame(
        {
            "indicator_id": "unsplit",
            "territory_code": "92002",
            "period": periods,
            "sex": ALL,
            "age_group": ALL,
            "value": [3, 20, 40],
            "source_id": "S",
        }
    )
    cells = suppress_small_counts(lattice(frame), 5)
    months = cells.loc[(cells["level"] == "month") & (cells["territory_code"] == "92002")].set_index("period_start")
    # 3 is secret; the quarter (63) stays, so the smallest other month (20) must hide too.
    assert months["suppressed"].tolist() == [True, True, False]
    quarter = cells.loc[(cells["level"] == "quarter") & (cells["territory_code"] == "92002")]
    assert quarter["value"].tolist() == [63] and not quarter["suppressed"].any()


def test_latest_twelve_months_hide_when_a_month_inside_is_secret_unless_they_are_a_visible_year():
    def comparison_until(last: str) -> ShownComparison:
        periods = pd.date_range("2023-01-01", last, freq="MS").strftime("%Y-%m")
        values = [40] * len(periods)
        values[20] = 2  # September 2024: a secret month
        frame = pd.DataFrame(
            {
                "indicator_id": "unsplit",
                "territory_code": "92002",
                "period": periods,
                "sex": ALL,
                "age_group": ALL,
                "value": values,
                "source_id": "S",
            }
        )
        return protected_comparisons(frame, suppress_small_counts(lattice(frame), 5), ["unsplit"])["unsplit"]

    # November 2023 – October 2024 is a sum of months, one of them secret: it would give September away.
    rolling = comparison_until("2024-10-01")
    assert rolling.comparison.current_total == 40 * 11 + 2
    assert not rolling.current_shown and not rolling.change_shown
    # 2024 is a lattice cell: September and a second month of its quarter are hidden, the year stays.
    calendar = comparison_until("2024-12-01")
    assert (calendar.comparison.current_total, calendar.comparison.previous_total) == (40 * 11 + 2, 480)
    assert calendar.current_shown and calendar.previous_shown and calendar.change_shown


# --- What the Tendances and Territoires pages draw ----------------------------------------------------


def test_a_protected_trend_is_the_series_of_the_selected_rows_with_its_secret(tables):
    observations, cells = tables.field_observations, protected_cells(tables, 5)
    index = index_observations(observations)
    commune = observations["territory_code"].iloc[0]
    interco = interco_of(tables.territories)[commune]
    in_interco = sorted(code for code, parent in interco_of(tables.territories).items() if parent == interco)
    for territory, codes in ((scope_code(), None), (commune, [commune]), (interco, in_interco)):
        series, sources, demo = protected_trend(
            index,
            tables.territories,
            cells,
            TrendChoice(
                "signalements_risque_prostitutionnel",
                "2020",
                "2022",
                territory=territory,
                frequency="quarter",
                breakdown="sex",
            ),
        )
        rows = select_observations(
            observations,
            "signalements_risque_prostitutionnel",
            codes,
            pd.Timestamp("2020-01-01"),
            pd.Timestamp("2022-12-01"),
        )
        expected = protect_series(
            aggregate_series(rows, "quarter", "sex"),
            cells,
            "signalements_risque_prostitutionnel",
            territory,
            "quarter",
            "sex",
        )
        pd.testing.assert_frame_equal(series, expected)
        assert series["period_start"].min() >= pd.Timestamp("2020-01-01")
        assert series["period_start"].max() <= pd.Timestamp("2022-12-01")
        assert sources == list(rows["source_id"].unique()) and demo is True  # the shipped data are the demo's


def test_a_protected_ranking_keeps_one_public_and_the_secret_of_its_years(tables):
    observations, cells = tables.field_observations, protected_cells(tables, 5)
    ranked, sources, demo = protected_ranking(
        index_observations(observations),
        tables.territories,
        cells,
        RankingChoice("signalements_risque_prostitutionnel", "2021", "2022", "sex:F"),
    )
    rows = select_observations(
        observations,
        "signalements_risque_prostitutionnel",
        None,
        pd.Timestamp("2021-01-01"),
        pd.Timestamp("2022-12-01"),
    )
    girls = rows.loc[rows["sex"] == "F"]
    totals = protect_totals(
        rank_territories(girls, tables.territories),
        cells,
        "signalements_risque_prostitutionnel",
        "sex",
        "F",
        [2021, 2022],
    )
    assert sorted(ranked["territory_code"]) == sorted(totals["territory_code"])
    assert (
        ranked.set_index("territory_code")["value"].to_dict() == totals.set_index("territory_code")["value"].to_dict()
    )
    # Secret totals go last, never among the ranked ones.
    assert not ranked["suppressed"].iloc[: (~ranked["suppressed"]).sum()].any()
    assert sources == list(girls["source_id"].unique()) and demo is True


def test_an_interco_ranking_adds_up_its_communes_with_rates_and_the_secret_of_its_cells(tables):
    observations, cells = tables.field_observations, protected_cells(tables, 5)
    index = index_observations(observations)
    communes, _, _ = protected_ranking(
        index,
        tables.territories,
        cells,
        RankingChoice("signalements_risque_prostitutionnel", "2023", "2023", "none:ensemble", level="commune"),
    )
    intercos, _, _ = protected_ranking(
        index,
        tables.territories,
        cells,
        RankingChoice("signalements_risque_prostitutionnel", "2023", "2023", "none:ensemble", level="interco"),
    )
    assert len(intercos) == 4 and intercos["value"].sum() == communes["value"].sum()
    by_interco = (
        communes.assign(interco=communes["territory_code"].map(interco_of(tables.territories)))
        .groupby("interco")["value"]
        .sum()
    )
    assert intercos.set_index("territory_code")["value"].to_dict() == by_interco.to_dict()
    year_cells = cells.loc[
        (cells["indicator_id"] == "signalements_risque_prostitutionnel")
        & (cells["level"] == "year")
        & (cells["dimension"] == "none")
        & (cells["period_start"] == pd.Timestamp("2023-01-01"))
    ]
    hidden = set(year_cells.loc[year_cells["suppressed"], "territory_code"])
    for ranked in (communes, intercos):
        assert set(ranked.loc[ranked["suppressed"], "territory_code"]) == hidden & set(ranked["territory_code"])
        shown = ranked.loc[~ranked["suppressed"]]
        # A rate is the count per 10 000 inhabitants exactly; a secret count has no rate.
        assert (shown["rate"].to_numpy() == shown["value"].to_numpy() * 10_000 / shown["population"].to_numpy()).all()
        assert ranked.loc[ranked["suppressed"], "rate"].isna().all()


def test_series_tables_in_english():
    series = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2024-01-01", "2025-01-01"]),
            "group": "ensemble",
            "value": [12, 3],
            "complete": [True, False],
            "suppressed": [False, True],
        }
    )
    with in_language("en"):
        download, shown = series_tables(
            series, indicator="Reports", territory="Antony", unit="reports", frequency="year", group_names={}, k=5
        )
    assert list(download.columns) == ["indicator", "area", "period", "group", "value", "complete_period"]
    assert list(shown.columns) == ["Period", "Group", "Reports", "Complete period"]
    assert download["complete_period"].tolist() == ["yes", "no (partial)"]
    assert download["value"].tolist() == ["12", SECRET_SYMBOL]
