"""Importer des données: a file, its preview, and a write only on explicit confirmation."""

from contextlib import suppress

import streamlit as st

from indicators.config import data_dir
from indicators.formatting import escape_markdown
from indicators.i18n import N_, _, localized
from indicators.ingest.pipeline import Mode, analyse_upload, commit_import, refuse_import
from indicators.ingest.reading import UnreadableFileError, xlsx_sheet_names
from indicators.ingest.templates import (
    column_guide,
    layout_notes,
    template_csv,
    template_xlsx,
)
from indicators.labels import translated
from indicators.observations import is_demo
from views.access import require_analyst
from views.cached import store_and_baseline, tables
from views.errors import in_viewer_language
from views.import_sections import show_formulas, show_preview, show_report
from views.process import prepare_new_version

data = tables()
catalogue = data.catalogue
field_ids = data.field_indicator_ids
communes = data.territories.loc[data.territories["level"] == "commune"]

st.title(_("Importer des données"))
analyst = require_analyst()
st.markdown(
    _(
        "Déposer un fichier d'observations (CSV ou XLSX). Rien n'est écrit avant votre confirmation ; "
        "chaque import crée une nouvelle version, et l'historique permet de revenir à n'importe laquelle."
    )
)
with st.expander(_("Colonnes attendues et modèles")):
    st.table(column_guide().set_index(_("Colonne")))
    for note in layout_notes():
        st.markdown(f"- {note}")
    left, right = st.columns(2)
    # The workbook is built when asked for (openpyxl is a large import for a page view), in the
    # page's language (a deferred download runs outside this script run).
    left.download_button(
        _("Modèle CSV"),
        template_csv,
        "modele_observations.csv",
        "text/csv",
        icon=":material/download:",
    )
    right.download_button(
        _("Modèle XLSX"),
        in_viewer_language(template_xlsx),
        "modele_observations.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )

for level, message in st.session_state.pop("import_outcome", []):
    getattr(st, level)(message)

generation = st.session_state.setdefault("upload_generation", 0)
uploaded = st.file_uploader(_("Fichier d'observations"), type=["csv", "txt", "xlsx"], key=f"upload_{generation}")
if uploaded is None:
    st.stop()

content = uploaded.getvalue()
left, right = st.columns(2)
sheet = None
if content.startswith(b"PK"):
    # Not a workbook after all: analyse_upload refuses it, and the refusal is recorded below.
    with suppress(UnreadableFileError):
        sheet = left.selectbox(_("Feuille du classeur"), xlsx_sheet_names(content))
default_indicator = right.selectbox(
    _("Indicateur de tout le fichier (seulement s'il n'a pas de colonne indicateur)"),
    [None, *field_ids],
    format_func=lambda choice: (
        _("— lu dans le fichier —") if choice is None else localized(catalogue.loc[choice], "label")
    ),
)
current = data.field_observations
report = analyse_upload(
    content, uploaded.name, data.indicators, communes, current, is_demo(current), sheet, default_indicator
)

if report.personal_data:
    # Refused whole: drop the file from the session at once, keep only the (masked) explanation.
    refuse_import(report, "all_or_nothing", user=analyst, audit_folder=data_dir())
    assert report.refusal is not None  # a file with personal data is always refused
    st.session_state["import_outcome"] = [("error", escape_markdown(report.refusal))] + [
        ("error", escape_markdown(finding.message)) for finding in report.personal_data
    ]
    st.session_state["upload_generation"] = generation + 1
    st.rerun()

show_report(report)
show_formulas(report)
if report.refusal or report.rows_valid == 0:
    # Recorded once per file and session: every widget change reruns this page with the same file.
    refused = st.session_state.setdefault("refusals_recorded", set())
    if report.sha256 not in refused:
        refuse_import(report, "all_or_nothing", user=analyst, audit_folder=data_dir())
        refused.add(report.sha256)
    st.stop()
show_preview(report, data, current)

modes: list[Mode] = ["all_or_nothing", "valid_rows"]
mode = st.radio(
    _("S'il y a des lignes rejetées"),
    modes,
    horizontal=True,
    format_func=translated(
        {
            "all_or_nothing": N_("refuser tout le fichier"),
            "valid_rows": N_("importer seulement les lignes valides"),
        }
    ).get,
)
if st.button(
    _("Confirmer l'import"),
    type="primary",
    disabled=not report.acceptable(mode) or report.unchanged,
    icon=":material/check:",
):
    store = store_and_baseline()[0]
    info = commit_import(report, store, mode, user=analyst, audit_folder=data_dir())
    if info:
        prepare_new_version()
    # None: the store already held these rows (another analyst imported them meanwhile): nothing written.
    st.session_state["import_outcome"] = [
        (
            "success",
            _("Import enregistré : version {version} ({added} lignes ajoutées, {changed} modifiées).").format(
                version=info.version, added=len(report.added), changed=len(report.changed)
            ),
        )
        if info
        else ("info", report.unchanged_message)
    ]
    st.session_state["upload_generation"] = generation + 1
    st.rerun()
elif not report.acceptable(mode):
    st.caption(_("Des lignes sont rejetées : corriger le fichier, ou choisir d'importer seulement les lignes valides."))
