"""French labels for the codes used in the tables (sex, age group, aggregation, breakdown)."""

from __future__ import annotations

import pandas as pd

SEX_FR = {"F": "Filles et jeunes femmes", "M": "Garçons et jeunes hommes", "ensemble": "Ensemble"}
AGE_GROUP_FR = {"11-14": "11 à 14 ans", "15-17": "15 à 17 ans", "18-25": "18 à 25 ans", "ensemble": "Tous âges"}
FREQUENCY_FR = {"month": "Mois", "quarter": "Trimestre", "year": "Année"}
GRANULARITY_FR = {"month": "mensuelle", "quarter": "trimestrielle", "year": "annuelle"}
BREAKDOWN_FR = {"none": "Aucune", "sex": "Par sexe", "age_group": "Par tranche d'âge"}
KIND_FR = {
    "estimate_range": "Estimation (fourchette)",
    "recorded_count": "Effectif enregistré",
    "share": "Part",
    "age": "Âge",
    "change": "Évolution",
    "activity_count": "Activité du département",
}
QUALIFIER_FR = {
    "exact": "",
    "lower_bound": "borne basse (« plus de »)",
    "approximate": "approximatif",
    "derived": "calculé",
}


def group_labels(breakdown: str) -> dict[str, str]:
    """Legend labels of the groups produced by a breakdown."""
    return {"sex": SEX_FR, "age_group": AGE_GROUP_FR}.get(breakdown, {"ensemble": "Ensemble"})


OBSERVATION_COLUMNS_FR = {
    "indicator_id": "Indicateur",
    "territory_code": "Code commune",
    "period": "Période",
    "sex": "Sexe",
    "age_group": "Tranche d'âge",
    "value": "Valeur",
    "source_id": "Source",
    "value_old": "Ancienne valeur",
    "value_new": "Nouvelle valeur",
    "source_id_old": "Ancienne source",
    "source_id_new": "Nouvelle source",
}


def public_choices(rows: pd.DataFrame) -> dict[str, str]:
    """ "dimension:group" → label: everyone, then each sex, then each age group the rows carry."""
    choices = {"none:ensemble": "Tout le public"}
    for dimension, labels in (("sex", SEX_FR), ("age_group", AGE_GROUP_FR)):
        for code in sorted(set(rows[dimension]) - {"ensemble"}):
            choices[f"{dimension}:{code}"] = labels.get(code, code)
    return choices
