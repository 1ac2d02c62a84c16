"""Streamlit's and Plotly's own controls in French: their labels, tooltips and accessible names.

Streamlit has no option for the language of its widgets (the file uploader, the table toolbar and
column menu, the sidebar, the status widget). A short script, set once on every page, rewrites those
texts as they appear: visible text, `title`, `aria-label`, `data-title`, `placeholder` and `alt`, from
the fixed table below, and the file sizes in French units (« 13,1 Ko »); only inside Streamlit's own
controls, found by their `data-testid`, never in what the page shows (tables, markdown, charts, a
chosen option): a cell reading « Open » stays « Open ». Plotly's mode bar speaks French through
Plotly's own locale (`PLOTLY_FR`, set in each chart's config by views/components.py).
tests/test_browser_french.py opens every page and slide and fails on any English interface word.
"""

from __future__ import annotations

import json

import streamlit as st

# Whole texts or attribute values, as Streamlit 1.67 writes them.
INTERFACE_FR: dict[str, str] = {
    # File uploader
    "Upload": "Choisir un fichier",
    "Browse files": "Choisir un fichier",
    "Drag and drop file here": "Déposer le fichier ici",
    "Drag and drop a file here": "Déposer un fichier ici",
    "Drag and drop files here": "Déposer les fichiers ici",
    "file upload": "Fichier à importer",
    "Add files": "Ajouter des fichiers",
    "add icon": "ajouter",
    "Delete": "Supprimer",
    # Tables: toolbar, search, column menu
    "Download as CSV": "Télécharger en CSV",
    "Search": "Rechercher",
    "Close Search": "Fermer la recherche",
    "Previous Result": "Résultat précédent",
    "Next Result": "Résultat suivant",
    "Show/hide columns": "Afficher ou masquer des colonnes",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Exit fullscreen": "Quitter le plein écran",
    "Dataframe column menu": "Menu de la colonne",
    "Sort ascending": "Trier par ordre croissant",
    "Sort descending": "Trier par ordre décroissant",
    "Pin column": "Épingler la colonne",
    "Unpin column": "Détacher la colonne",
    "Hide column": "Masquer la colonne",
    "Autosize": "Ajuster la largeur",
    "Copy column name": "Copier le nom de la colonne",
    "Format": "Format",
    # Choices
    "Choose an option": "Choisir…",
    "Choose options": "Choisir…",
    "No results": "Aucun résultat",
    "Clear value": "Effacer",
    "Clear all": "Tout effacer",
    "Selected values": "Valeurs choisies",
    "Open": "Ouvrir",
    "Close": "Fermer",
    "Press Enter to apply": "Appuyer sur Entrée pour valider",
    "Increment": "Augmenter",
    "Decrement": "Diminuer",
    # Page frame
    "Skip to main content": "Aller au contenu principal",
    "Link to heading": "Lien vers ce titre",
    "Main menu": "Menu principal",
    "App pages": "Pages du tableau de bord",
    "Sidebar": "Barre latérale",
    "Collapse sidebar": "Replier la barre latérale",
    "Expand sidebar": "Déplier la barre latérale",
    "Running...": "Calcul en cours…",
    "Running": "Calcul en cours",
    "Stop": "Arrêter",
    "Stop script": "Arrêter le calcul",
    "Scroll tabs left": "Onglets précédents",
    "Scroll tabs right": "Onglets suivants",
    "Previous page": "Page précédente",
    "Next page": "Page suivante",
    "Pagination": "Pagination",
    "Error:": "Erreur :",
    # The uploader's refusals of a chosen file (the size one is in UPLOADER_FR), and Streamlit's modal for an
    # address that names no page, should it ever show (dashboard.py opens a French page of its own instead).
    "File size is too small.": "Le fichier est vide ou trop petit.",
    "Only one file is allowed.": "Un seul fichier à la fois.",
    "Unexpected error. Please try again.": "Erreur inattendue : réessayer.",
    "Upload failed": "L'envoi du fichier a échoué",
    "Page not found": "Page introuvable",
    "The page that you have requested does not seem to exist. Running the app's main page.": (
        "La page demandée n'existe pas : la page d'accueil du tableau de bord est affichée."
    ),
}
# The uploader's messages that carry a value: a file over the size cap (Streamlit checks it in the
# browser, before the file is sent: the pipeline never sees it) and a type the uploader does not take.
UPLOADER_FR: dict[str, str] = {
    "too_large": "Fichier refusé : il dépasse {size}, la taille maximale d'un import. Rien n'a été envoyé.",
    "not_allowed": "Fichier refusé : le type « {type} » n'est pas accepté ici (CSV ou classeur XLSX).",
    # Before the message, in the uploader's own alert (read by screen readers).
    "Error:": "Erreur :",
}
# Texts that start with a fixed English part followed by a name or a label.
PREFIXES_FR: dict[str, str] = {
    "Fullscreen: ": "Plein écran : ",
    "Remove ": "Retirer ",
    "Upload ": "Importer ",
    "Shortcut ": "Raccourci ",
    # An upload refused on the way (nginx's rate limit: 429), drawn as "Error: " then this text.
    "AxiosError: Request failed with status code ": "envoi refusé par le serveur, code ",
}
UNITS_FR: dict[str, str] = {"B": "o", "KB": "Ko", "MB": "Mo", "GB": "Go"}


def by_test_id(*test_ids: str) -> tuple[str, ...]:
    return tuple(f"[data-testid='{test_id}']" for test_id in test_ids)


# Where Streamlit writes its own words, as CSS selectors. The nearest of all the elements below around
# a text or an attribute decides whether it is rewritten: Streamlit's control (text and accessible
# names), a control that also shows a viewer's choice as text (its accessible names only), or the
# page's own content (never), so that a table's toolbar inside the table, or a label inside the
# uploader, is told apart.
STREAMLIT_CONTROLS: tuple[str, ...] = (
    *by_test_id(
        "stFileUploader",  # its button, instructions, chosen files and refusals
        "stElementToolbar",  # a table's toolbar: download, search, columns, full screen
        "stTooltipContent",  # the toolbar buttons' tooltips (drawn in a portal)
        "stDataFrameColumnMenu",  # a column's menu (portal)
        "stDataFrameColumnFormattingMenu",
        "stSelectboxVirtualDropdown",  # a list of choices (portal): « No results »
        "stMultiSelectDropdown",
        "stSidebarHeader",
        "stSidebarNav",
        "stExpandSidebarButton",
        "stStatusWidget",
        "stToolbar",
        "stMainMenu",
        "stMainMenuPopover",
        "stSkipToContent",
        "stHeaderActionElements",  # a heading's link
        "stTabsScrollLeft",
        "stTabsScrollRight",
        "stPagination",
        "stNumberInput",
        "stTextInput",
        "stDialog",
        "stToast",
    ),
    ".modebar",  # Plotly's mode bar, where Streamlit adds its full-screen button (Plotly's own: PLOTLY_FR)
    ".gdg-search-bar",  # a table's search bar (glide-data-grid's, inside stDataFrame)
)
STREAMLIT_NAMED: tuple[str, ...] = by_test_id("stSidebar", "stSelectbox", "stMultiSelect")
PAGE_CONTENT: tuple[str, ...] = (
    *by_test_id(
        "stMarkdown",
        "stTable",
        "stDataFrame",  # its cells (a canvas, and a hidden table for screen readers)
        "stPlotlyChart",
        "stWidgetLabel",
        "stFileChipName",
        "stSidebarUserContent",
        "stToastText",
    ),
    "[role='option'][data-key]",  # a choice offered in a list (its empty state, « No results », has no key)
)

# Plotly's mode bar in French, through Plotly's own locale (`config.locales`, views/components.py):
# the words of its buttons and of the download they start, as Plotly 3 writes them.
PLOTLY_FR: dict[str, str] = {
    "Download plot as a PNG": "Télécharger le graphique (PNG)",
    "Download plot": "Télécharger le graphique",
    "Zoom": "Zoom sur une zone",
    "Pan": "Déplacer",
    "Box Select": "Sélection rectangulaire",
    "Lasso Select": "Sélection au lasso",
    "Zoom in": "Agrandir",
    "Zoom out": "Réduire",
    "Autoscale": "Échelle automatique",
    "Reset axes": "Réinitialiser les axes",
    "Reset view": "Réinitialiser la vue",
    "Toggle Spike Lines": "Lignes de repère",
    "Show closest data on hover": "Au survol : la donnée la plus proche",
    "Compare data on hover": "Au survol : comparer les données",
    "Produced with Plotly.js": "Réalisé avec Plotly.js",
    "Preparing image - this may take a few seconds": "Préparation de l'image : quelques secondes",
    "Image download succeeded": "Image téléchargée",
    "Sorry, there was a problem downloading your image!": "L'image n'a pas pu être téléchargée.",
    "Double-click to zoom back out": "Double-cliquer pour revenir à l'échelle d'origine",
}


def plotly_locales() -> dict[str, object]:
    """Plotly's `config.locales`: the French words of its mode bar (numbers and dates keep their format)."""
    return {"fr": {"dictionary": PLOTLY_FR}}


SCRIPT = """<script>
(() => {
  if (window.__interfaceFr) return;
  window.__interfaceFr = true;
  const exact = %(exact)s, prefixes = %(prefixes)s, units = %(units)s, uploaderFr = %(uploader)s;
  const controls = %(controls)s, named = %(named)s, content = %(content)s;
  const anyScope = [controls, named, content].join(", ");
  const attributes = ["title", "aria-label", "data-title", "placeholder", "alt"];
  const size = "(\\\\d+(?:\\\\.\\\\d+)?)\\\\s?(B|KB|MB|GB)";
  const sizeOnly = new RegExp("^" + size + "$"), perFile = new RegExp("^" + size + " per file(.*)$");
  const french = (number, unit) => number.replace(".", ",") + "\\u202f" + units[unit];
  const anySize = new RegExp(size + "\\\\b", "g");
  const tooLarge = new RegExp("^File must be " + size + " or smaller\\\\.$");
  const notAllowed = /^(.+) files are not allowed\\.$/;
  const inUploader = (node) => node && node.closest && node.closest("[data-testid='stFileUploader']");
  // "text" inside Streamlit's control, "names" inside one showing a choice, "" in the page's content.
  function scopeOf(element) {
    const nearest = element && element.closest && element.closest(anyScope);
    if (!nearest || nearest.matches(content)) return "";
    return nearest.matches(controls) ? "text" : "names";
  }
  function translate(text, uploader) {
    const value = text.trim();
    if (!value) return "";
    if (Object.prototype.hasOwnProperty.call(exact, value)) return text.replace(value, exact[value]);
    let found = value.match(tooLarge);
    if (found) return text.replace(value, uploaderFr.too_large.replace("{size}", french(found[1], found[2])));
    found = value.match(notAllowed);
    if (found) return text.replace(value, uploaderFr.not_allowed.replace("{type}", found[1]));
    if (uploader && value === "Error:") return text.replace(value, uploaderFr["Error:"]);
    found = value.match(perFile);
    if (found) return text.replace(value, "Jusqu'à " + french(found[1], found[2]) + " par fichier" + found[3]);
    found = value.match(sizeOnly);
    if (found) return text.replace(value, french(found[1], found[2]));
    for (const [english, translated] of Object.entries(prefixes)) {
      if (value.startsWith(english)) return text.replace(english, translated);
    }
    // "obs.csv, 12.0KB": a chosen file's name and size, in the uploader only (never in data).
    if (uploader) return text.replace(anySize, (_, number, unit) => french(number, unit));
    return "";  // nothing to translate
  }
  function fixElement(element) {
    for (const name of attributes) {
      const value = element.getAttribute && element.getAttribute(name);
      const translated = value && translate(value, inUploader(element));
      if (translated && translated !== value && scopeOf(element)) element.setAttribute(name, translated);
    }
  }
  function fixText(node) {
    const parent = node.parentElement;
    if (!parent || parent.closest("script, style, [data-testid='stIconMaterial']")) return;
    const translated = translate(node.data, inUploader(parent));
    if (translated && translated !== node.data && scopeOf(parent) === "text") node.data = translated;
  }
  function fix(root) {
    if (root.nodeType === Node.TEXT_NODE) return fixText(root);
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    fixElement(root);
    root.querySelectorAll("*").forEach(fixElement);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) fixText(walker.currentNode);
  }
  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") fixElement(record.target);
      else if (record.type === "characterData") fixText(record.target);
      else record.addedNodes.forEach(fix);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: attributes});
  fix(document.body);
})();
</script>"""


def interface_script() -> str:
    """The page script, with the tables and selectors above (constants only, never data)."""
    return SCRIPT % {
        "exact": json.dumps(INTERFACE_FR, ensure_ascii=False),
        "prefixes": json.dumps(PREFIXES_FR, ensure_ascii=False),
        "units": json.dumps(UNITS_FR),
        "uploader": json.dumps(UPLOADER_FR, ensure_ascii=False),
        "controls": json.dumps(", ".join(STREAMLIT_CONTROLS)),
        "named": json.dumps(", ".join(STREAMLIT_NAMED)),
        "content": json.dumps(", ".join(PAGE_CONTENT)),
    }


def french_interface() -> None:
    """Set the script on the page (it installs itself once per browser tab)."""
    st.html(interface_script(), unsafe_allow_javascript=True)
