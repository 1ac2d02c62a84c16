"""One pandera schema per data table: the contract every file in data/ must meet on load.

Schemas are strict (no unknown column), coercing, and unique on their key. Titles and
descriptions live in the schema so the data documentation (data/README.md) can be checked
against them.
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from indicators.i18n import N_

INDICATOR_KINDS = ("estimate_range", "recorded_count", "share", "age", "change", "activity_count")
DOMAINS = ("published", "field")
QUALIFIERS = ("exact", "lower_bound", "approximate", "derived")
TERRITORY_LEVELS = ("monde", "pays", "region", "departement", "interco", "commune")
SEXES = ("F", "M", "ensemble")
AGE_GROUPS = ("11-14", "15-17", "18-25", "ensemble")

# ISO-like periods: a year, a month, a day, or a change between two years ("2016/2020").
PERIOD_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$|^\d{4}/\d{4}$"
# Field observations keep the granularity they were given in: a month "2025-03", a quarter
# "2025-Q1" or a year "2025" (never spread into invented months).
OBSERVATION_PERIOD_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$"
ID_PATTERN = r"^[a-z0-9_]+$"
# The messages of the table-wide checks, as a failed check names them (translated where shown:
# indicators.loading.describe_schema_errors).
VALUE_OR_RANGE = N_("soit une valeur, soit une fourchette (borne basse et haute), jamais les deux")
RANGE_ORDERED = N_("la borne basse dépasse la borne haute")


class SourceSchema(pa.DataFrameModel):
    """Every source a figure comes from, as it was actually read."""

    source_id: Series[str] = pa.Field(unique=True, str_matches=r"^[A-Z0-9_]+$", title="Identifiant")
    publisher: Series[str] = pa.Field(title="Producteur de la source primaire")
    title: Series[str] = pa.Field(title="Titre")
    published: Series[str] = pa.Field(nullable=True, str_matches=PERIOD_PATTERN, title="Date de publication")
    primary_url: Series[str] = pa.Field(nullable=True, title="Adresse de la source primaire")
    read_at: Series[str] = pa.Field(title="Adresse effectivement lue")
    relay: Series[str] = pa.Field(nullable=True, title="Relais (presse, site partenaire)")
    relay_date: Series[str] = pa.Field(nullable=True, str_matches=PERIOD_PATTERN, title="Date du relais")
    licence: Series[str] = pa.Field(nullable=True, title="Licence / conditions")
    note: Series[str] = pa.Field(nullable=True, title="Remarque")

    class Config:
        strict = True
        coerce = True


class IndicatorSchema(pa.DataFrameModel):
    """The catalogue: one entry per indicator, i.e. per series definition."""

    indicator_id: Series[str] = pa.Field(unique=True, str_matches=ID_PATTERN, title="Identifiant")
    label_fr: Series[str] = pa.Field(title="Libellé")
    label_en: Series[str] = pa.Field(title="Label")
    unit_fr: Series[str] = pa.Field(title="Unité")
    unit_en: Series[str] = pa.Field(title="Unit")
    kind: Series[str] = pa.Field(isin=INDICATOR_KINDS, title="Nature du chiffre")
    domain: Series[str] = pa.Field(isin=DOMAINS, title="Chiffre publié ou observation de terrain")
    definition_fr: Series[str] = pa.Field(title="Définition")
    caveat_fr: Series[str] = pa.Field(title="Précaution de lecture")
    definition_en: Series[str] = pa.Field(nullable=True, title="Definition")
    caveat_en: Series[str] = pa.Field(nullable=True, title="Caveat")

    class Config:
        strict = True
        coerce = True


class PublishedEstimateSchema(pa.DataFrameModel):
    """Published figures, one row per figure, each pointing to its source."""

    figure_id: Series[str] = pa.Field(unique=True, title="Identifiant du chiffre")
    indicator_id: Series[str] = pa.Field(str_matches=ID_PATTERN, title="Indicateur")
    territory_code: Series[str] = pa.Field(title="Territoire")
    period: Series[str] = pa.Field(str_matches=PERIOD_PATTERN, title="Période")
    value: Series[float] = pa.Field(nullable=True, title="Valeur")
    value_low: Series[float] = pa.Field(nullable=True, title="Borne basse")
    value_high: Series[float] = pa.Field(nullable=True, title="Borne haute")
    qualifier: Series[str] = pa.Field(isin=QUALIFIERS, title="Qualificatif")
    restates: Series[str] = pa.Field(nullable=True, title="Reprend le chiffre")
    source_id: Series[str] = pa.Field(title="Source")
    note_fr: Series[str] = pa.Field(nullable=True, title="Remarque")

    @pa.dataframe_check(error=VALUE_OR_RANGE)
    def value_or_range(cls, df: pd.DataFrame) -> pd.Series[bool]:
        has_value = df["value"].notna()
        has_range = df["value_low"].notna() & df["value_high"].notna()
        has_partial = df["value_low"].notna() ^ df["value_high"].notna()
        return (has_value ^ has_range) & ~has_partial

    @pa.dataframe_check(error=RANGE_ORDERED)
    def range_ordered(cls, df: pd.DataFrame) -> pd.Series[bool]:
        return ~(df["value_low"] > df["value_high"])

    class Config:
        strict = True
        coerce = True


class TerritorySchema(pa.DataFrameModel):
    """Territories referred to by the data (INSEE codes; WLD for the world)."""

    territory_code: Series[str] = pa.Field(unique=True, title="Code")
    name_fr: Series[str] = pa.Field(title="Nom")
    name_en: Series[str] = pa.Field(title="Name")
    level: Series[str] = pa.Field(isin=TERRITORY_LEVELS, title="Niveau")
    parent_code: Series[str] = pa.Field(nullable=True, title="Territoire parent")
    source_id: Series[str] = pa.Field(title="Source")
    # A commune's facts, each with its source: municipal population, its EPT, a representative point.
    # Six communes of the Meuse, destroyed in 1916, keep their name and have no inhabitant: 0, no rate.
    population: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, title="Population municipale")
    population_source_id: Series[str] = pa.Field(nullable=True, title="Source de la population")
    interco_code: Series[str] = pa.Field(nullable=True, title="EPT")
    longitude: Series[float] = pa.Field(nullable=True, ge=-180, le=180, title="Longitude")
    latitude: Series[float] = pa.Field(nullable=True, ge=-90, le=90, title="Latitude")
    point_source_id: Series[str] = pa.Field(nullable=True, title="Source du point")
    # An intercommunalité's form (EPT, CA, CC…) and the communes it holds outside the scope.
    kind: Series[str] = pa.Field(nullable=True, title="Forme")
    outside_count: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, title="Communes hors du territoire")
    outside_names: Series[str] = pa.Field(nullable=True, title="Communes hors du territoire (noms)")

    class Config:
        strict = True
        coerce = True


class KeyDateSchema(pa.DataFrameModel):
    """Dates annotated on time series (national plan, prevention week)."""

    date: Series[pd.Timestamp] = pa.Field(title="Date")
    end_date: Series[pd.Timestamp] = pa.Field(nullable=True, title="Date de fin")
    label_fr: Series[str] = pa.Field(title="Libellé")
    label_en: Series[str] = pa.Field(title="Label")
    # Where the date applies: FR for a national one, 92 for the département's (never drawn on a national series).
    territory_code: Series[str] = pa.Field(title="Territoire concerné")
    source_id: Series[str] = pa.Field(title="Source")

    class Config:
        strict = True
        coerce = True


class FieldObservationSchema(pa.DataFrameModel):
    """Monthly field observations of the département, aggregated by commune, sex and age group."""

    indicator_id: Series[str] = pa.Field(str_matches=ID_PATTERN, title="Indicateur")
    territory_code: Series[str] = pa.Field(str_matches=r"^(\d{2}|2[AB])\d{3}$", title="Code commune (COG)")
    period: Series[str] = pa.Field(
        str_matches=OBSERVATION_PERIOD_PATTERN, title="Mois (AAAA-MM), trimestre (AAAA-Qn) ou année (AAAA)"
    )
    sex: Series[str] = pa.Field(isin=SEXES, title="Sexe")
    age_group: Series[str] = pa.Field(isin=AGE_GROUPS, title="Tranche d'âge")
    value: Series[int] = pa.Field(ge=0, title="Effectif")
    source_id: Series[str] = pa.Field(title="Source")

    class Config:
        strict = True
        coerce = True
        unique: ClassVar[list[str]] = ["indicator_id", "territory_code", "period", "sex", "age_group"]


TABLE_SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "sources": SourceSchema,
    "indicators": IndicatorSchema,
    "published_estimates": PublishedEstimateSchema,
    "territories": TerritorySchema,
    "key_dates": KeyDateSchema,
    "field_observations": FieldObservationSchema,
}
