"""French labels for the codes used in the tables (sex, age group, aggregation, breakdown).

The tables hold the French words, marked for the catalogue; `translated` gives a table in the
viewer's language where it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from indicators.i18n import N_, _

SEX_FR = {
    "F": N_("Filles et jeunes femmes"),
    "M": N_("Garçons et jeunes hommes"),
    "ensemble": N_("Ensemble"),
}
AGE_GROUP_FR = {
    "11-14": N_("11 à 14 ans"),
    "15-17": N_("15 à 17 ans"),
    "18-25": N_("18 à 25 ans"),
    "ensemble": N_("Tous âges"),
}
FREQUENCY_FR = {"month": N_("Mois"), "quarter": N_("Trimestre"), "year": N_("Année")}
GRANULARITY_FR = {"month": N_("mensuelle"), "quarter": N_("trimestrielle"), "year": N_("annuelle")}
BREAKDOWN_FR = {"none": N_("Aucune"), "sex": N_("Par sexe"), "age_group": N_("Par tranche d'âge")}
KIND_FR = {
    "estimate_range": N_("Estimation (fourchette)"),
    "recorded_count": N_("Effectif enregistré"),
    "share": N_("Part"),
    "age": N_("Âge"),
    "change": N_("Évolution"),
    "activity_count": N_("Activité du département"),
}
QUALIFIER_FR = {
    "exact": "",
    "lower_bound": N_("borne basse (« plus de »)"),
    "approximate": N_("approximatif"),
    "derived": N_("calculé"),
}


def translated(labels: Mapping[str, str]) -> dict[str, str]:
    """A table of labels marked N_ above, in the current language (an empty label stays empty)."""
    return {code: _(label) if label else label for code, label in labels.items()}


def group_labels(breakdown: str) -> dict[str, str]:
    """Legend labels of the groups produced by a breakdown, in the current language."""
    return translated({"sex": SEX_FR, "age_group": AGE_GROUP_FR}.get(breakdown, {"ensemble": SEX_FR["ensemble"]}))


OBSERVATION_COLUMNS_FR = {
    "indicator_id": N_("Indicateur"),
    "territory_code": N_("Code commune"),
    "period": N_("Période"),
    "sex": N_("Sexe"),
    "age_group": N_("Tranche d'âge"),
    "value": N_("Valeur"),
    "source_id": N_("Source"),
    "value_old": N_("Ancienne valeur"),
    "value_new": N_("Nouvelle valeur"),
    "source_id_old": N_("Ancienne source"),
    "source_id_new": N_("Nouvelle source"),
}


def observation_columns() -> dict[str, str]:
    """Headers of the observation tables shown on screen (import, history), in the current language."""
    return translated(OBSERVATION_COLUMNS_FR)


def public_choices(rows: pd.DataFrame) -> dict[str, str]:
    """ "dimension:group" → label: everyone, then each sex, then each age group the rows carry."""
    choices = {"none:ensemble": _("Tout le public")}
    for dimension, labels in (("sex", SEX_FR), ("age_group", AGE_GROUP_FR)):
        for code in sorted(set(rows[dimension]) - {"ensemble"}):
            choices[f"{dimension}:{code}"] = _(labels[code]) if code in labels else code
    return choices
