"""The interface words of each language, to find one on a page in the other.

ENGLISH_INTERFACE: Streamlit's and Plotly's own English, all found on screen or in tooltips of the
French app before views/interface_fr.py; extend the list when a new one shows up.

FRENCH_INTERFACE: the interface's own French (titles, labels, buttons, captions). What stays French
on purpose in the English app is left out before the check (`interface_part`): the sources' own
texts (titles, publishers, relays, notes: published figures keep their sources' wording), places'
names (« CA Rambouillet Territoires »), the
importer's column names and the values an analyst types, which English messages quote
(“mars 2024”). Extend the list when a French word shows up on an English page.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from indicators.config import DEFAULT_DATA_DIR
from indicators.ingest.templates import TEMPLATE_COLUMNS

ENGLISH_INTERFACE = [
    "Upload",
    "Browse files",
    "Drag and drop",
    "per file",
    "Download",
    "Search",
    "Show/hide",
    "Fullscreen",
    "Zoom in",
    "Zoom out",
    "Autoscale",
    "Reset axes",
    "Pan",
    "Box Select",
    "Choose an option",
    "Choose options",
    "No results",
    "Clear value",
    "Clear all",
    "Print",
    "Record screen",
    "Made with Streamlit",
    "Main menu",
    "Link to heading",
    "Skip to main content",
    "Open",
    "Close",
    "Sort ascending",
    "Sort descending",
    "Pin column",
    "Hide column",
    "Running",
    "Sidebar",
    "Collapse sidebar",
    "Expand sidebar",
    "file upload",
    "Remove",
    "KB",
    "MB",
]
# Whole words: not inside a longer word ("Panorama"), but a unit right after its number ("13.1KB").
ENGLISH = re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, ENGLISH_INTERFACE)) + r")(?![^\W\d_])")

FRENCH_INTERFACE = [
    "Vue d'ensemble",
    "Tendances",
    "Territoires",
    "Ma commune",
    "Sources et méthode",
    "Importer des données",
    "Historique",
    "Mode présentation",
    "Indicateur",
    "Période",
    "Précaution",
    "Télécharger",
    "Voir les données",
    "Données fictives",
    "Choisir",
    "Rechercher",
    "Fermer",
    "Menu principal",
    "Aucune donnée",
    "Sans donnée",
    "secret statistique",
    "enregistrées",
    "Lecture",
    "Copier le lien",
    "Diapositive",
    "Quitter",
    "Précédente",
    "Suivante",
    "Fiche",
    "Afficher",
    "Réinitialiser",
    "Plein écran",
    "fichier",
    "colonne",
    "ligne",
    "janvier",
    "février",
    "mars",
    "avril",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
FRENCH = re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, FRENCH_INTERFACE)) + r")(?![^\W\d_])", re.I)
# A number as French writes it: thousands split by a (narrow) no-break space, or a space before %.
FRENCH_NUMBER = re.compile(r"\d[\u202f\u00a0]\d{3}(?!\d)|\d[\u202f\u00a0]%")


QUOTED = re.compile(r"“[^”]*”")


@cache
def sources_wording() -> tuple[str, ...]:
    """The sources' own French texts, longest first (a title can contain a publisher's name)."""
    sources = pd.read_csv(DEFAULT_DATA_DIR / "sources.csv", dtype=str)
    published = pd.read_csv(DEFAULT_DATA_DIR / "published_estimates.csv", dtype=str)
    columns = [sources[name] for name in ("publisher", "title", "relay", "licence", "note")] + [published["note_fr"]]
    texts = {text.strip() for column in columns for text in column.dropna() for text in text.split(" ; ")}
    return tuple(sorted((text for text in texts if text), key=len, reverse=True))


@cache
def french_place_names() -> tuple[str, ...]:
    """Names of France's communes, intercommunalités, départements and régions that hold an
    interface word (« CA Rambouillet Territoires », « Chalo-Saint-Mars »), longest first: names stay
    as INSEE writes them."""
    france = pd.read_csv(DEFAULT_DATA_DIR / "france_territories.csv", dtype=str, usecols=["name"])
    found = france["name"].dropna().unique()
    return tuple(sorted((name for name in found if FRENCH.search(name)), key=len, reverse=True))


def interface_part(text: str) -> str:
    """`text` without what stays French on purpose (see the module's docstring)."""
    if text.strip() in TEMPLATE_COLUMNS:
        return ""
    for wording in (*sources_wording(), *french_place_names()):
        if wording in text:
            text = text.replace(wording, "")
    return QUOTED.sub("", text)
