"""Regenerate data/field_observations_demo.csv (fictitious demo data) from its fixed seed.

Usage: python scripts/make_demo_data.py [--seed N]
"""

from __future__ import annotations

import argparse

from indicators.config import DEFAULT_DATA_DIR, DEMO_FIELD_FILE
from indicators.demo_data import DEMO_SEED, generate_demo_observations
from indicators.loading import scope_territory_table
from indicators.territories import communes as communes_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    args = parser.parse_args()
    # The default scope's communes (the Hauts-de-Seine): other scopes generate theirs when they load.
    communes = communes_of(scope_territory_table(DEFAULT_DATA_DIR))["territory_code"].tolist()
    observations = generate_demo_observations(communes, seed=args.seed)
    observations.to_csv(DEFAULT_DATA_DIR / DEMO_FIELD_FILE, index=False)
    print(f"{len(observations)} lignes fictives écrites dans data/{DEMO_FIELD_FILE}")


if __name__ == "__main__":
    main()
