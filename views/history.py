"""Historique: every stored version, what it changed, and a rollback to any of them."""

import streamlit as st

from indicators.config import data_dir
from indicators.i18n import _
from indicators.store.history import restore_version, version_table
from views.access import require_analyst
from views.cached import changes_of, store_and_baseline
from views.import_sections import observation_columns
from views.links import shared_choice
from views.process import prepare_new_version

st.title(_("Historique des données"))
analyst = require_analyst()
store, baseline = store_and_baseline()
versions = store.versions()

st.markdown(
    _(
        "Chaque import crée une version ; revenir à une version en crée une nouvelle, identique à celle-ci. "
        "Rien n'est jamais effacé."
    )
)
for level, message in st.session_state.pop("history_outcome", []):
    getattr(st, level)(message)
st.dataframe(version_table(versions, len(baseline)), hide_index=True)
if not versions:
    st.info(
        _("Aucun import pour l'instant : le tableau de bord montre les données fictives de démonstration (version 0).")
    )
    st.stop()

latest = store.latest_version()
# Shared in the address (?version=3); the rollback target below is not: a link never prepares a rollback.
chosen = shared_choice(
    st.selectbox, _("Version à examiner"), [info.version for info in reversed(versions)], key="version"
)
changes = changes_of(chosen)
added, changed, removed = st.tabs(
    [
        _("Ajoutées ({count})").format(count=len(changes.added)),
        _("Modifiées ({count})").format(count=len(changes.changed)),
        _("Retirées ({count})").format(count=len(changes.removed)),
    ]
)
columns = observation_columns()
added.dataframe(changes.added.head(500).rename(columns=columns), hide_index=True)
changed.dataframe(
    changes.changed.assign(
        modification=changes.changed["value_old"].astype(str) + " → " + changes.changed["value_new"].astype(str)
    )
    .head(500)
    .rename(columns=columns),
    hide_index=True,
)
removed.dataframe(changes.removed.head(500).rename(columns=columns), hide_index=True)

st.header(_("Revenir à une version"))
target = st.selectbox(
    _("Version à rétablir"),
    [info.version for info in reversed(versions)] + [0],
    format_func=lambda version: (
        _("version {version} (données fictives de démonstration)") if version == 0 else _("version {version}")
    ).format(version=version),
    key="history_target",
)
confirmed = st.checkbox(
    _("Je confirme : créer la version {new_version}, identique à la version {version}").format(
        new_version=latest + 1, version=target
    ),
    key="history_confirm",
)
if st.button(_("Rétablir cette version"), disabled=not confirmed or target == latest, icon=":material/restore:"):
    info = restore_version(data_dir(), store, target, baseline, analyst)
    prepare_new_version()
    st.session_state["history_outcome"] = [
        (
            "success",
            _("Version {new_version} créée : contenu de la version {version}.").format(
                new_version=info.version, version=target
            ),
        )
    ]
    st.rerun()
