"""Fictitious demo field observations for the Hauts-de-Seine, generated from a fixed seed.

Nothing here is a real figure: the commune weights, rates, trends and splits are made up to
give the pages something realistic to draw. Every row carries the DEMO_FICTIVE source, and
everything built from it is labelled as demo data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from indicators.config import DEMO_SOURCE_ID

DEMO_SEED = 20211119  # the first day of the 2021 prevention week, for the record
FIRST_MONTH = "2019-01"
LAST_MONTH = "2025-12"
PLAN_START = pd.Timestamp("2021-11-01")  # département plan: consultations and training start


@dataclass(frozen=True)
class DemoProfile:
    """How one fictitious indicator behaves across the whole département."""

    monthly_base: float  # département total per month in January 2019
    yearly_growth: float
    sex_shares: dict[str, float]
    age_shares: dict[str, float]
    starts_with_plan: bool = False
    november_boost: float = 1.0


PROFILES: dict[str, DemoProfile] = {
    "signalements_risque_prostitutionnel": DemoProfile(
        24, 0.12, {"F": 0.85, "M": 0.15}, {"11-14": 0.35, "15-17": 0.65}
    ),
    "jeunes_suivis_vaj": DemoProfile(55, 0.14, {"F": 0.7, "M": 0.3}, {"11-14": 0.2, "15-17": 0.5, "18-25": 0.3}),
    "consultations_sexologie": DemoProfile(
        30,
        0.10,
        {"F": 0.75, "M": 0.25},
        {"11-14": 0.25, "15-17": 0.45, "18-25": 0.3},
        starts_with_plan=True,
    ),
    "professionnels_formes": DemoProfile(
        20, 0.05, {"ensemble": 1.0}, {"ensemble": 1.0}, starts_with_plan=True, november_boost=4.0
    ),
    "participants_prevention": DemoProfile(15, 0.08, {"ensemble": 1.0}, {"ensemble": 1.0}, november_boost=25.0),
}


def demo_months(first: str = FIRST_MONTH, last: str = LAST_MONTH) -> pd.DatetimeIndex:
    return pd.date_range(first, last, freq="MS")


def monthly_rate(profile: DemoProfile, months: pd.DatetimeIndex) -> NDArray[np.float64]:
    """Expected département total per month: growth, a 2020 lockdown dip, November events."""
    years = (months - months[0]).days / 365.25
    trend = profile.monthly_base * (1 + profile.yearly_growth) ** years
    lockdown = (months >= pd.Timestamp("2020-03-01")) & (months <= pd.Timestamp("2020-05-01"))
    rate = np.where(lockdown, trend * 0.55, trend)
    rate = np.where(months.month == 11, rate * profile.november_boost, rate)
    if profile.starts_with_plan:
        rate = np.where(months < PLAN_START, 0.0, rate)
    return np.asarray(rate, dtype=float)


# A territory of many communes gets fewer demo months, so that its first page (which solves the secret
# of every cell, once) opens in seconds, not minutes: at most about this many rows, and two years at least.
DEMO_ROWS_AT_MOST = 300_000
DEMO_MONTHS_AT_LEAST = 24


def demo_communes_at_most() -> int:
    """How many communes the demo covers at most: those whose DEMO_MONTHS_AT_LEAST months fit
    DEMO_ROWS_AT_MOST rows (about 700; a région's or France's demo covers its most populous ones)."""
    keys = sum(len(profile.sex_shares) * len(profile.age_shares) for profile in PROFILES.values())
    return DEMO_ROWS_AT_MOST // (keys * DEMO_MONTHS_AT_LEAST)


def demo_first_month(communes: int) -> str:
    """The first demo month for a territory of `communes` communes: FIRST_MONTH when its rows fit
    DEMO_ROWS_AT_MOST (the Hauts-de-Seine's 36 communes: 54 432 rows), else later, down to the
    last DEMO_MONTHS_AT_LEAST months."""
    keys = sum(len(profile.sex_shares) * len(profile.age_shares) for profile in PROFILES.values())
    months = demo_months()
    fitting = max(DEMO_ROWS_AT_MOST // max(communes * keys, 1), DEMO_MONTHS_AT_LEAST)
    return months[-min(fitting, len(months))].strftime("%Y-%m")


def generate_demo_observations(
    communes: list[str],
    seed: int = DEMO_SEED,
    populations: list[float] | None = None,
    scale: float = 1.0,
    first: str = FIRST_MONTH,
) -> pd.DataFrame:
    """Tidy monthly observations: indicator × commune × month × sex × age group.

    The Hauts-de-Seine's shipped file gives each commune a random share. Another territory passes
    its communes' `populations`, so that a village does not count as much as a town (shares then
    follow population, with the same random spread), and `scale`, its population over the
    Hauts-de-Seine's, so that its totals are those of a territory of its size; months before `first`
    are left out (`demo_first_month`)."""
    rng = np.random.default_rng(seed)
    months = demo_months()
    weights = rng.gamma(shape=3.0, scale=1.0, size=len(communes))
    if populations is not None:
        weights = weights * np.nan_to_num(np.asarray(populations, dtype=float))
    weights = weights / weights.sum() * scale
    frames = []
    for indicator_id, profile in PROFILES.items():
        rate = monthly_rate(profile, months)
        for sex, sex_share in profile.sex_shares.items():
            for age_group, age_share in profile.age_shares.items():
                expected = np.outer(weights, rate) * sex_share * age_share
                counts = rng.poisson(expected)
                frames.append(
                    pd.DataFrame(
                        {
                            "indicator_id": indicator_id,
                            "territory_code": np.repeat(communes, len(months)),
                            "period": np.tile(months.strftime("%Y-%m"), len(communes)),
                            "sex": sex,
                            "age_group": age_group,
                            "value": counts.ravel(),
                            "source_id": DEMO_SOURCE_ID,
                        }
                    )
                )
    generated = pd.concat(frames, ignore_index=True)
    return (
        generated.loc[generated["period"] >= first]
        .sort_values(["indicator_id", "territory_code", "period", "sex", "age_group"])
        .reset_index(drop=True)
    )
