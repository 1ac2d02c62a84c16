"""Reading the data tables from disk and validating them (the I/O edge of the package).

Only this module knows file names. Every table goes through its pandera schema, then the
tables are checked against each other (every figure points to a known source, indicator and
territory). Problems are reported in French with the file, line and column.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import cast

import pandas as pd
import pandera.pandas as pa

from indicators.config import DEMO_FIELD_FILE, TERRITORY_VARIABLE, data_dir, database_url, default_territory
from indicators.demo_data import demo_communes_at_most, demo_first_month, generate_demo_observations
from indicators.i18n import _, ngettext
from indicators.schemas import TABLE_SCHEMAS, SourceSchema
from indicators.scope import ScopeError, current_scope, france_territories, scope_territories
from indicators.store.contract import ObservationStore, VersionInfo
from indicators.store.parquet import ParquetStore

STORE_FOLDER = "store"

TABLE_FILES: dict[str, str] = {
    "sources": "sources.csv",
    "indicators": "indicators.csv",
    "published_estimates": "published_estimates.csv",
    "territories": "territories.csv",
    "key_dates": "key_dates.csv",
    "field_observations": DEMO_FIELD_FILE,
}

# Text stays text: codes such as "92" or "2016/2020" must not become numbers.
_TEXT_COLUMNS = {"territory_code", "parent_code", "interco_code", "period", "published", "relay_date"}


class DataFileError(ValueError):
    """A data file that does not meet its schema; the message is French and names line and column."""


@dataclass(frozen=True)
class DataTables:
    sources: pd.DataFrame
    indicators: pd.DataFrame
    published_estimates: pd.DataFrame
    territories: pd.DataFrame
    key_dates: pd.DataFrame
    field_observations: pd.DataFrame
    # The store version the field observations are (0: the shipped demo file, or a table built in
    # memory): a stored version's secret is solved against every earlier release (`secret.releases`).
    version: int = 0

    @cached_property
    def catalogue(self) -> pd.DataFrame:
        """The indicators indexed by their id: `catalogue.loc[indicator_id]` is one indicator's entry."""
        return self.indicators.set_index("indicator_id")

    @cached_property
    def field_indicator_ids(self) -> list[str]:
        """The field indicators (observed by the département), in catalogue order."""
        return [str(identifier) for identifier in self.catalogue.index[self.catalogue["domain"] == "field"]]


def read_table(path: Path, table: str) -> pd.DataFrame:
    """Read one CSV table and validate it against its schema."""
    try:
        raw = pd.read_csv(
            path,
            dtype=dict.fromkeys(_TEXT_COLUMNS, str),
            keep_default_na=False,
            na_values=[""],
            encoding="utf-8",
        )
    except FileNotFoundError as error:
        raise DataFileError(_("Fichier introuvable : {file}").format(file=path.name)) from error
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise DataFileError(_("{file} : fichier illisible ({error})").format(file=path.name, error=error)) from error
    return validate_table(raw, table, path.name)


def validate_table(frame: pd.DataFrame, table: str | type[pa.DataFrameModel], name: str) -> pd.DataFrame:
    """The table checked against its schema (a table of data/ by name, or any schema, as the deck's), every
    problem at once; DataFileError with the French summary (file, line, column) when it does not pass."""
    schema = TABLE_SCHEMAS[table] if isinstance(table, str) else table
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        raise DataFileError(describe_schema_errors(name, errors.failure_cases)) from errors


def describe_schema_errors(file_name: str, failure_cases: pd.DataFrame) -> str:
    """French summary of pandera failure cases: one line per problem, with file line numbers."""
    lines = [_("{file} ne respecte pas son schéma :").format(file=file_name)]
    # pandera's "index" column is renamed: a named tuple's `index` is its method.
    for case in failure_cases.rename(columns={"index": "row"}).itertuples(index=False):
        if case.check == "column_in_dataframe":
            # pandera names the schema as the "column" and the missing column as the value.
            lines.append(
                "- "
                + _("colonne « {column} » absente du fichier (elle est obligatoire)").format(column=case.failure_case)
            )
            continue
        # The row's position, or a missing value when the check is on the whole table.
        row_index = cast(int | float | None, case.row)
        # Line 1 is the header, so row 0 sits on line 2.
        where = _("ligne {line}").format(line=int(row_index) + 2) if pd.notna(row_index) else _("fichier entier")
        column = case.column if isinstance(case.column, str) else "—"
        # A check's name is pandera's (« str_matches(…) »), or a schema's own message, marked N_ in
        # indicators.schemas and translated here; a name with no translation is shown as it is.
        check = _(str(case.check))
        lines.append(
            "- "
            + _("{where}, colonne « {column} » : {check} (valeur : {value})").format(
                where=where, column=column, check=check, value=repr(case.failure_case)
            )
        )
    return "\n".join(lines)


def check_references(tables: DataTables) -> list[str]:
    """Every figure must point to a known indicator, territory and source (French messages)."""
    known_sources = set(tables.sources["source_id"])
    known_indicators = set(tables.indicators["indicator_id"])
    known_territories = set(tables.territories["territory_code"])
    problems: list[str] = []
    checks = [
        ("published_estimates", "source_id", known_sources),
        ("published_estimates", "indicator_id", known_indicators),
        ("published_estimates", "territory_code", known_territories),
        ("field_observations", "source_id", known_sources),
        ("field_observations", "indicator_id", known_indicators),
        ("field_observations", "territory_code", known_territories),
        ("territories", "source_id", known_sources),
        ("territories", "population_source_id", known_sources),
        ("territories", "point_source_id", known_sources),
        ("territories", "interco_code", known_territories),
        ("key_dates", "source_id", known_sources),
        ("key_dates", "territory_code", known_territories),
    ]
    for table, column, known in checks:
        frame = getattr(tables, table)
        # An empty optional reference (a département has no EPT) refers to nothing.
        unknown = frame.loc[frame[column].notna() & ~frame[column].isin(known), column]
        for row_index, value in unknown.items():
            problems.append(
                _("{file}, ligne {line}, colonne « {column} » : « {value} » est inconnu").format(
                    file=TABLE_FILES[table], line=int(row_index) + 2, column=column, value=value
                )
            )
    return problems


def observation_store(folder: Path | None = None, cached_versions: int = 0) -> ObservationStore:
    """The versioned store of field observations: PostgreSQL when DATABASE_URL is set (several
    servers share it), else Parquet under <data dir>/store (see ParquetStore for the cache)."""
    url = database_url()
    if url:
        from indicators.store.postgres import (
            PostgresStore,  # SQLAlchemy and co. only when used
        )

        return PostgresStore(url, cached_versions=cached_versions)
    return ParquetStore((folder or data_dir()) / STORE_FOLDER, cached_versions=cached_versions)


def demo_observations(folder: Path | None = None) -> pd.DataFrame:
    """The fictitious observations shown before any import (version 0): the shipped file for the
    Hauts-de-Seine, generated from the same seed for the communes of any other scope (shares by
    population, totals for its size: `demo_data.generate_demo_observations`)."""
    folder = folder or data_dir()
    if current_scope(folder).code == default_territory():
        return read_table(folder / DEMO_FIELD_FILE, "field_observations")
    communes = scope_territory_table(folder).query("level == 'commune'")
    # A région's or France's communes are too many for a demo of two years: its most populous ones.
    communes = communes.sort_values("population", ascending=False).head(demo_communes_at_most())
    communes = communes.sort_values("territory_code")
    france = france_territories(folder)
    shipped = france.loc[(france["level"] == "commune") & (france["departement_code"] == default_territory())]
    people = communes["population"].astype("Float64").fillna(0).to_numpy(dtype=float)
    scale = float(people.sum() / shipped["population"].sum())
    codes = communes["territory_code"].tolist()
    observations = generate_demo_observations(
        codes, populations=list(people), scale=scale, first=demo_first_month(len(codes))
    )
    return validate_table(observations, "field_observations", DEMO_FIELD_FILE)


# How many codes of communes outside the scope a refusal lists before « … ».
OUTSIDE_CODES_SHOWN = 5

IMPORT_SOURCE_PREFIX = "IMPORT_"


def import_sources(versions: list[VersionInfo]) -> pd.DataFrame:
    """One source row per import, so imported figures name their file, date and checksum. These are
    the dashboard's own words about an analyst's file, not a publication's: they are written in the
    current language (`with_import_sources`)."""
    rows = [
        {
            "source_id": f"{IMPORT_SOURCE_PREFIX}{info.version:06d}",
            "publisher": _("Département {of_scope} (import d'un analyste)").format(of_scope=current_scope().of_name),
            "title": _("Fichier « {file} »").format(file=info.file_name),
            "published": info.created_at[:10],
            "primary_url": None,
            "read_at": _("import n° {version} (sha256 {checksum}…)").format(
                version=info.version, checksum=(info.sha256 or "")[:12]
            ),
            "relay": None,
            "relay_date": None,
            "licence": None,
            "note": info.note,
        }
        for info in versions
        if info.action == "import"
    ]
    return pd.DataFrame(rows, columns=list(SourceSchema.to_schema().columns))


def with_import_sources(data: DataTables, versions: list[VersionInfo]) -> DataTables:
    """`data` whose sources name the imports of `versions` in the current language (the published
    sources as they are); every other table is shared, not copied."""
    published = data.sources.loc[~data.sources["source_id"].str.startswith(IMPORT_SOURCE_PREFIX)]
    return replace(data, sources=pd.concat([published, import_sources(versions)], ignore_index=True))


def scope_territory_table(folder: Path | None = None) -> pd.DataFrame:
    """The territories of the configured scope (`scope.scope_territories`): the shipped territories.csv
    (the world, France, the départements published figures are about) with the scope's communes and
    intercommunalités from the France table, validated."""
    folder = folder or data_dir()
    shipped = read_table(folder / TABLE_FILES["territories"], "territories")
    try:
        scope = current_scope(folder)
    except ScopeError as error:
        raise DataFileError(str(error)) from error
    table = scope_territories(france_territories(folder), scope, shipped)
    return validate_table(table, "territories", TABLE_FILES["territories"])


def refuse_rows_outside_scope(observations: pd.DataFrame, territories: pd.DataFrame, version: int) -> None:
    """DataFileError when a stored version holds communes outside the configured territory (the
    setting changed after imports): a clear French message, and nothing read or written."""
    inside = set(territories.loc[territories["level"] == "commune", "territory_code"])
    outside = sorted(set(observations["territory_code"].astype(str)) - inside)
    if not outside:
        return
    shown = ", ".join(outside[:OUTSIDE_CODES_SHOWN]) + (" …" if len(outside) > OUTSIDE_CODES_SHOWN else "")
    raise DataFileError(
        ngettext(
            "La version {version} enregistrée porte sur {count} commune hors du territoire configuré ({scope}) : "
            "{codes}. Rien n'a été changé. Remettre {variable} sur le territoire de ces observations, ou servir "
            "ce territoire depuis un autre dossier de données (INDICATORS_DATA_DIR).",
            "La version {version} enregistrée porte sur {count} communes hors du territoire configuré ({scope}) : "
            "{codes}. Rien n'a été changé. Remettre {variable} sur le territoire de ces observations, ou servir "
            "ce territoire depuis un autre dossier de données (INDICATORS_DATA_DIR).",
            len(outside),
        ).format(
            version=version,
            count=len(outside),
            scope=current_scope().described(),
            codes=shown,
            variable=TERRITORY_VARIABLE,
        )
    )


def load_tables(folder: Path | None = None) -> DataTables:
    """Load and validate every table of the data folder; raise DataFileError on any problem.

    Field observations come from the latest stored version, or from the demo file before any import
    (which is then neither read nor validated here: `demo_observations` reads it for rollbacks).
    """
    folder = folder or data_dir()
    store = observation_store(folder)
    version = store.latest_version()
    latest = store.read(version)
    names = [name for name in TABLE_FILES if name not in ("field_observations", "territories")]
    tables = {name: read_table(folder / TABLE_FILES[name], name) for name in names}
    tables["territories"] = scope_territory_table(folder)
    if latest is None:
        tables["field_observations"] = demo_observations(folder)
    if latest is not None:
        refuse_rows_outside_scope(latest, tables["territories"], version)
        tables["field_observations"] = validate_table(
            latest, "field_observations", _("store version {version}").format(version=version)
        )
    data = DataTables(**tables, version=version)
    if latest is not None:
        data = with_import_sources(data, store.versions())
    problems = check_references(data)
    if problems:
        raise DataFileError(_("Références incohérentes entre les tables :") + "\n- " + "\n- ".join(problems))
    return data


# (file name, modification time in ns, size) per table, then ("store", the store's fingerprint).
FingerprintEntry = tuple[str, int, int] | tuple[str, str]


def published_digest(folder: Path | None = None, extra: tuple[str, ...] = ("deck.csv",)) -> str:
    """SHA-256 of the published tables' contents (every table but the field observations, and
    `extra` files): the same figures give the same digest in any folder, so what is drawn from
    them alone can be shared."""
    folder = folder or data_dir()
    digest = hashlib.sha256()
    for file in sorted({*TABLE_FILES.values(), *extra} - {TABLE_FILES["field_observations"]}):
        path = folder / file
        digest.update(file.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
    return digest.hexdigest()


def data_fingerprint(folder: Path | None = None) -> tuple[FingerprintEntry, ...]:
    """Name, modification time and size of each table and of the deck's plan, and the store's
    latest version: a cache key that changes whenever the data do."""
    folder = folder or data_dir()
    entries: list[FingerprintEntry] = []
    for file in sorted([*TABLE_FILES.values(), "deck.csv"]):
        path = folder / file
        stat = path.stat() if path.exists() else None
        entries.append((file, stat.st_mtime_ns if stat else 0, stat.st_size if stat else 0))
    entries.append(("store", observation_store(folder).fingerprint()))
    return tuple(entries)
