"""Parts of the import page: the reading report and the preview of what will change."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicators.charts import observation_figure
from indicators.findings import observation_finding
from indicators.formatting import escape_markdown
from indicators.i18n import _, localized, localized_column, ngettext
from indicators.ingest.parsing import RowError, error_summary
from indicators.ingest.pipeline import ImportReport, preview_charts
from indicators.key_dates import key_dates_for
from indicators.labels import OBSERVATION_COLUMNS_FR
from indicators.loading import DataTables
from indicators.observations import is_demo
from indicators.territories import communes, scope_code
from views.components import plotly_config


def observation_columns() -> dict[str, str]:
    """The observation tables' column headers in the viewer's language (with the two the pages add)."""
    return {
        **{column: _(header) for column, header in OBSERVATION_COLUMNS_FR.items()},
        "commune": _("commune"),
        "modification": _("modification"),
    }


def reading_sentence(report: ImportReport) -> str:
    """How the file was read: its kind, encoding and separator, those that apply."""
    return ", ".join(
        part
        for part in (
            report.file_kind,
            _("encodage {encoding}").format(encoding=report.encoding) if report.encoding else "",
            _("séparateur {delimiter}").format(delimiter=report.delimiter) if report.delimiter else "",
        )
        if part
    )


def summary_list(cells: list[RowError]) -> str:
    """The problems as a Markdown list of sentences (`error_summary`), read whole where a table cell cuts them."""
    return "\n".join(f"- {escape_markdown(sentence)}" for sentence in error_summary(cells))


def show_table(rows: list[dict[str, object]], long_column: str) -> None:
    """A table of cells found in the file, its `long_column` (a message, a formula) given the room."""
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, column_config={long_column: st.column_config.TextColumn(width="large")}
    )


def show_errors(errors: list[RowError]) -> None:
    """Every problem at once, by line and column, then the same problems as sentences."""
    # The French text says "(s)" whatever the count; the English one has its two forms.
    st.warning(
        ngettext(
            "{count} problème(s) trouvé(s) : les lignes concernées ne seront pas importées.",
            "{count} problème(s) trouvé(s) : les lignes concernées ne seront pas importées.",
            len(errors),
        ).format(count=len(errors))
    )
    problem = _("Problème")
    show_table(
        [
            {
                _("Ligne"): error.line or "—",
                _("Colonne"): error.column,
                _("Valeur"): error.value,
                problem: error.message,
            }
            for error in errors
        ],
        problem,
    )
    with st.expander(_("Lire les problèmes en entier")):
        st.markdown(summary_list(errors))


def show_neutralised(neutralised: list[RowError]) -> None:
    """Cells whose text was neutralised (spreadsheet formulas, HTML tags), to check before confirming."""
    lines = sorted({cell.line for cell in neutralised if cell.line is not None})
    st.info(
        ngettext(
            "Texte neutralisé dans {count} ligne(s) : formules de tableur ou balises HTML, "
            "jamais exécutées ni interprétées. À vérifier avant de confirmer :",
            "Texte neutralisé dans {count} ligne(s) : formules de tableur ou balises HTML, "
            "jamais exécutées ni interprétées. À vérifier avant de confirmer :",
            len(lines),
        ).format(count=len(lines)),
        icon=":material/shield:",
    )
    st.markdown(summary_list(neutralised))
    neutralisation = _("Neutralisation")
    show_table(
        [
            {_("Ligne"): cell.line, _("Colonne"): cell.column, _("Texte"): cell.value, neutralisation: cell.message}
            for cell in neutralised
        ],
        neutralisation,
    )


def show_report(report: ImportReport) -> None:
    """How the file was read, and every problem at once, by line and column."""
    st.header(_("Lecture du fichier"))
    st.markdown(
        _("**{file_name}** : {reading}.").format(
            file_name=escape_markdown(report.file_name), reading=reading_sentence(report)
        )
    )
    columns = st.columns(3)
    columns[0].metric(_("Lignes lues"), report.rows_read)
    columns[1].metric(_("Lignes valides"), report.rows_valid)
    columns[2].metric(_("Lignes rejetées"), report.rows_rejected)
    for note in report.notes:
        st.caption(escape_markdown(note))
    if report.refusal:
        st.error(escape_markdown(report.refusal))
    if report.errors:
        show_errors(report.errors)
    if report.neutralised:
        show_neutralised(report.neutralised)


def show_formulas(report: ImportReport) -> None:
    """A workbook's formulas in the table read: their saved values are imported, each named to be checked."""
    if not report.formulas:
        return
    st.warning(
        ngettext(
            "{count} cellule(s) du classeur sont calculées par une formule : la valeur importée est celle que "
            "le tableur a enregistrée, jamais recalculée ici. À vérifier avant de confirmer :",
            "{count} cellule(s) du classeur sont calculées par une formule : la valeur importée est celle que "
            "le tableur a enregistrée, jamais recalculée ici. À vérifier avant de confirmer :",
            len(report.formulas),
        ).format(count=len(report.formulas)),
        icon=":material/functions:",
    )
    formula = _("Formule")
    show_table(
        [
            {
                _("Feuille"): cell.sheet,
                _("Ligne"): cell.line,
                _("Colonne"): cell.column,
                _("Cellule"): cell.cell,
                formula: cell.formula,
                _("Valeur importée"): cell.value or _("(vide)"),
            }
            for cell in report.formulas[:500]
        ],
        formula,
    )
    if any(not cell.value for cell in report.formulas):
        st.caption(
            _(
                "Une formule sans valeur enregistrée est lue vide : le classeur n'a jamais été calculé par un "
                "tableur (il a été écrit par un programme). L'ouvrir et l'enregistrer dans un tableur, ou importer "
                "un CSV."
            )
        )


def show_misencoded(report: ImportReport) -> None:
    """Cells read in another encoding than the rest of the file: to be checked before confirming."""
    st.warning(
        ngettext(
            "{count} ligne(s) contiennent des octets non valides dans l'encodage du fichier "
            "(texte collé depuis un autre logiciel) : vérifier les valeurs lues avant de confirmer.",
            "{count} ligne(s) contiennent des octets non valides dans l'encodage du fichier "
            "(texte collé depuis un autre logiciel) : vérifier les valeurs lues avant de confirmer.",
            len(report.misencoded),
        ).format(count=len(report.misencoded)),
        icon=":material/translate:",
    )
    st.dataframe(
        pd.DataFrame(
            [
                {_("Ligne"): cell.line, _("Colonne"): cell.column or "—", _("Valeur lue"): cell.value}
                for cell in report.misencoded
            ]
        ),
        hide_index=True,
    )


def show_added_and_changed(report: ImportReport, names: pd.Series, columns: dict[str, str]) -> None:
    """Two tabs: the rows the file adds, and the stored values it changes (old → new)."""
    added, changed = st.tabs(
        [
            _("Lignes ajoutées ({count})").format(count=len(report.added)),
            _("Valeurs modifiées ({count})").format(count=len(report.changed)),
        ]
    )
    added.dataframe(
        report.added.assign(commune=report.added["territory_code"].map(names)).head(500).rename(columns=columns),
        hide_index=True,
    )
    if report.changed.empty:
        changed.caption(_("Aucune valeur existante n'est modifiée."))
        return
    changed.dataframe(
        report.changed.assign(
            commune=report.changed["territory_code"].map(names),
            modification=report.changed["value_old"].astype(str) + " → " + report.changed["value_new"].astype(str),
        )
        .drop(columns=[column for column in ("source_id_old", "source_id_new") if column in report.changed])
        .head(500)
        .rename(columns=columns),
        hide_index=True,
    )


def show_removed(report: ImportReport, names: pd.Series, columns: dict[str, str]) -> None:
    """Stored rows the file's detail or total replaces (keeping both would count twice)."""
    st.warning(
        ngettext(
            "{count} ligne(s) enregistrée(s) seront remplacées par le détail ou le total que "
            "le fichier apporte pour la même commune et la même période (garder les deux compterait deux fois) :",
            "{count} ligne(s) enregistrée(s) seront remplacées par le détail ou le total que "
            "le fichier apporte pour la même commune et la même période (garder les deux compterait deux fois) :",
            len(report.removed),
        ).format(count=len(report.removed)),
        icon=":material/swap_horiz:",
    )
    st.dataframe(
        report.removed.assign(commune=report.removed["territory_code"].map(names))
        .head(500)
        .drop(columns=["source_id"], errors="ignore")
        .rename(columns=columns),
        hide_index=True,
    )


def show_charts_after_import(report: ImportReport, data: DataTables, current: pd.DataFrame) -> None:
    """Each indicator the file touches, charted as it will look once imported, with its finding."""
    catalogue = data.catalogue
    key_dates = key_dates_for(data.key_dates, scope_code(), data.territories)
    for chart in preview_charts(report, current, is_demo(current), len(communes(data.territories))):
        entry = catalogue.loc[chart.indicator_id]
        unit = localized(entry, "unit")
        label = localized(entry, "label")
        finding = observation_finding(
            chart.series, label, unit, chart.frequency, changes=chart.changes, coverage=chart.covered
        )
        st.markdown(_("**Après import — {finding}**").format(finding=finding))
        st.plotly_chart(
            observation_figure(chart.series, unit, chart.frequency, key_dates),
            key=f"preview_{chart.indicator_id}",
            config=plotly_config(),
        )


def show_preview(report: ImportReport, data: DataTables, current: pd.DataFrame) -> None:
    """Rows added, values changed (old → new), and the charts as they will look."""
    st.header(_("Aperçu avant import"))
    if report.misencoded:
        show_misencoded(report)
    if report.unchanged:
        st.info(report.unchanged_message, icon=":material/check:")
        return
    if report.replaces_demo and is_demo(current):
        st.info(
            _(
                "Les données fictives de démonstration seront retirées : "
                "le tableau de bord ne montrera plus que les données importées."
            )
        )
    names = localized_column(data.territories, "name").set_axis(data.territories["territory_code"])
    columns = observation_columns()
    show_added_and_changed(report, names, columns)
    if not report.removed.empty:
        show_removed(report, names, columns)
    show_charts_after_import(report, data, current)
