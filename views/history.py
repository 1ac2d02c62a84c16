"""Historique: every stored version, what it changed, and a rollback to any of them."""

import streamlit as st

from indicators.config import data_dir
from indicators.labels import OBSERVATION_COLUMNS_FR
from indicators.store.history import restore_version, version_table
from views.access import require_analyst
from views.cached import changes_of, prepare_new_version, store_and_baseline
from views.links import shared_choice

st.title("Historique des données")
analyst = require_analyst()
store, baseline = store_and_baseline()
versions = store.versions()

st.markdown(
    "Chaque import crée une version ; revenir à une version en crée une nouvelle, identique à celle-ci. "
    "Rien n'est jamais effacé."
)
for level, message in st.session_state.pop("history_outcome", []):
    getattr(st, level)(message)
st.dataframe(version_table(versions, len(baseline)), hide_index=True)
if not versions:
    st.info(
        "Aucun import pour l'instant : le tableau de bord montre les données fictives de démonstration (version 0)."
    )
    st.stop()

latest = store.latest_version()
# Shared in the address (?version=3); the rollback target below is not: a link never prepares a rollback.
chosen = shared_choice(st.selectbox, "Version à examiner", [info.version for info in reversed(versions)], key="version")
changes = changes_of(chosen)
added, changed, removed = st.tabs(
    [f"Ajoutées ({len(changes.added)})", f"Modifiées ({len(changes.changed)})", f"Retirées ({len(changes.removed)})"]
)
added.dataframe(changes.added.head(500).rename(columns=OBSERVATION_COLUMNS_FR), hide_index=True)
changed.dataframe(
    changes.changed.assign(
        modification=changes.changed["value_old"].astype(str) + " → " + changes.changed["value_new"].astype(str)
    )
    .head(500)
    .rename(columns=OBSERVATION_COLUMNS_FR),
    hide_index=True,
)
removed.dataframe(changes.removed.head(500).rename(columns=OBSERVATION_COLUMNS_FR), hide_index=True)

st.header("Revenir à une version")
target = st.selectbox(
    "Version à rétablir",
    [info.version for info in reversed(versions)] + [0],
    format_func=lambda version: f"version {version}" + (" (données fictives de démonstration)" if version == 0 else ""),
    key="history_target",
)
confirmed = st.checkbox(
    f"Je confirme : créer la version {latest + 1}, identique à la version {target}", key="history_confirm"
)
if st.button("Rétablir cette version", disabled=not confirmed or target == latest, icon=":material/restore:"):
    info = restore_version(data_dir(), store, target, baseline, analyst)
    prepare_new_version()
    st.session_state["history_outcome"] = [
        ("success", f"Version {info.version} créée : contenu de la version {target}.")
    ]
    st.rerun()
