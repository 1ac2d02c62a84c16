"""Regenerate data/field_observations_demo.csv (fictitious demo data) from its fixed seed.

Usage: python scripts/make_demo_data.py [--seed N]
"""

from __future__ import annotations

import argparse

import pandas as pd

from indicators.config import DEFAULT_DATA_DIR, DEMO_FIELD_FILE
from indicators.demo_data import DEMO_SEED, generate_demo_observations
from indicators.territories import communes as communes_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    args = parser.parse_args()
    territories = pd.read_csv(DEFAULT_DATA_DIR / "territories.csv", dtype=str)
    # The communes only: the département's EPTs are its children too, but hold no observation of their own.
    communes = communes_of(territories)["territory_code"].tolist()
    observations = generate_demo_observations(communes, seed=args.seed)
    observations.to_csv(DEFAULT_DATA_DIR / DEMO_FIELD_FILE, index=False)
    print(f"{len(observations)} lignes fictives écrites dans data/{DEMO_FIELD_FILE}")


if __name__ == "__main__":
    main()
