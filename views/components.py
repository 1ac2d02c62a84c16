"""Page building blocks shared by every page: the demo banner and the chart block."""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol, cast

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from indicators.config import DEMO_LABEL_FR
from indicators.contour_map import TOPOJSON_URL
from indicators.deck_export import chart_image
from indicators.exports import chart_table, to_csv
from indicators.i18n import LANGUAGES, _, current_language, in_language, localized
from views.errors import safe_download
from views.interface_fr import french_interface, interface_script, plotly_locales
from views.links import copy_link_markup, link_notice, shared_choice


def plotly_config() -> dict[str, object]:
    """Plotly's options: no logo, and its mode bar in the page's language (the bundled Plotly has no
    French: its French words, from views/interface_fr.py, are given to Plotly as a locale)."""
    return {
        "displaylogo": False,
        "locale": current_language(),
        "locales": plotly_locales(),
        # A geo subplot (the contour map) asks for a base map even when it draws none: an empty one
        # served by the app itself, never the CDN's (no network, and the page's content policy).
        "topojsonURL": TOPOJSON_URL,
    }


# Static CSS only (never data): Streamlit's faded captions and badges miss the 4.5:1 contrast of
# RGAA/WCAG AA, and keyboard focus must stay visible on every control.
PAGE_STYLE = """<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] * {
  color: #4a4a4a !important; opacity: 1 !important;
}
.stMarkdownBadge { color: #6b2e0d !important; }
:focus-visible { outline: 3px solid #0072B2 !important; outline-offset: 2px; }
</style>"""


# <html lang> is outside anything Streamlit draws: a short script (constants only, never data) sets
# it in the page itself, with no helper frame to load, focus or read aloud. When the viewer switches
# language, the tab reloads in the new one (Streamlit's own controls, rewritten in French in a French
# tab, are drawn again from scratch), and the new page announces the change in a live region.
LANGUAGE_SCRIPT = """<script>
(() => {
  const language = %(language)s, announcement = %(announcement)s;
  const previous = window.__pageLanguage;
  window.__pageLanguage = language;
  document.documentElement.lang = language;
  if (previous && previous !== language) {
    sessionStorage.setItem("languageChanged", language);
    window.location.reload();
    return;
  }
  if (sessionStorage.getItem("languageChanged") !== language) return;
  sessionStorage.removeItem("languageChanged");
  const region = document.createElement("div");
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.id = "language-announcement";
  region.style.cssText = "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap";
  document.body.appendChild(region);
  // Filled once the region is in the page: a live region is only read when its text changes.
  setTimeout(() => { region.lang = language; region.textContent = announcement; }, 600);
})();
</script>"""


# Streamlit draws the uploader's drop zone as `<section role="presentation" aria-label=…>`: axe-core
# flags a presentational element with a label (presentation-role-conflict). The file input inside
# carries the accessible name, so the zone's copy is removed, now and whenever React puts it back.
UPLOADER_ZONE_SCRIPT = """<script>
(() => {
  if (window.__uploaderZoneFixed) return;
  window.__uploaderZoneFixed = true;
  const zones = "[data-testid='stFileUploaderDropzone'][role='presentation'][aria-label]";
  const fix = () => document.querySelectorAll(zones).forEach((zone) => zone.removeAttribute("aria-label"));
  new MutationObserver(fix).observe(document.body, {subtree: true, childList: true, attributes: true,
                                                    attributeFilter: ["aria-label"]});
  fix();
})();
</script>"""


def language_script() -> str:
    """LANGUAGE_SCRIPT for the current language."""
    return LANGUAGE_SCRIPT % {
        "language": json.dumps(current_language()),
        "announcement": json.dumps(_("Le tableau de bord est maintenant en français.")),
    }


def apply_page_conventions() -> None:
    """Contrast and focus styles, the page's language for screen readers (and its change announced),
    and, in French, Streamlit's and Plotly's own controls in French."""
    st.html(PAGE_STYLE)
    st.html(language_script(), unsafe_allow_javascript=True)
    st.html(UPLOADER_ZONE_SCRIPT, unsafe_allow_javascript=True)
    if current_language() == "fr":
        french_interface()


def page_scripts() -> list[str]:
    """The markup of every script the pages set (st.html with JavaScript), in every language.

    The deployment's Content-Security-Policy allows inline scripts by their hash only
    (deploy/content_policy.py reads this list): a script added to a page but not here is blocked by
    the browser, which the cluster test sees as a violation on the page that sets it.
    """
    markups = [UPLOADER_ZONE_SCRIPT, interface_script()]
    for language in LANGUAGES:
        with in_language(language):
            markups += [language_script(), copy_link_markup()]
    return markups


def demo_banner() -> None:
    st.warning(
        _(
            "**{demo_label}** : les observations de terrain affichées ici sont inventées "
            "pour montrer le fonctionnement du tableau de bord. Elles ne décrivent aucune situation réelle."
        ).format(demo_label=_(DEMO_LABEL_FR)),
        icon=":material/science:",
    )


def chart_block(
    *,
    finding: str,
    figure: go.Figure,
    data: pd.DataFrame,
    display_data: pd.DataFrame,
    source: str,
    caveat: str,
    file_name: str,
    is_demo: bool,
    key: str,
) -> None:
    """Finding as title, chart, source line and caveat, then the data behind it and its CSV.

    Downloads never rerun the page (on_click="ignore"): a rerun gives every deferred button a new
    file id and drops the old ones, so a second button clicked before the page redrew asked for a
    dropped id ("Deferred file … not found") and its download never came.
    """
    st.header(finding, anchor=False)
    if is_demo:
        st.caption(f":orange-badge[{_(DEMO_LABEL_FR)}]")
    # The finding doubles as the chart's text alternative; the table below gives every value.
    st.plotly_chart(figure, config=plotly_config(), key=f"chart_{key}", alt=finding)
    st.caption(source)
    st.caption(_("Précaution : {caveat}").format(caveat=caveat))
    with st.expander(_("Voir les données du graphique")):
        st.dataframe(display_data, hide_index=True)
        csv_column, png_column, svg_column = st.columns(3)
        csv_column.download_button(
            _("Télécharger ces données (CSV)"),
            # Written when asked for, like the images: most viewers never download.
            data=safe_download(lambda: to_csv(chart_table(data), is_demo=is_demo), "csv", file_name),
            file_name=file_name,
            mime="text/csv",
            key=f"download_{key}",
            icon=":material/download:",
            on_click="ignore",
        )
        # Images are drawn only when asked for (a browser renders them): titles, source and caveat included.
        for column, image_format, label in (
            (png_column, "png", _("Image PNG 1920×1080")),
            (svg_column, "svg", _("Image SVG")),
        ):
            column.download_button(
                label,
                data=safe_download(
                    partial(chart_image, figure, finding, source, caveat, is_demo, image_format),
                    image_format,
                    file_name,
                ),
                file_name=file_name.removesuffix(".csv") + f".{image_format}",
                mime="image/png" if image_format == "png" else "image/svg+xml",
                key=f"{image_format}_{key}",
                icon=":material/image:",
                on_click="ignore",
            )


class ChoicePlace(Protocol):
    """Where a choice is drawn: a column, or `st` itself (the page's body), whose functions are
    the main DeltaGenerator's methods."""

    @property
    def selectbox(self) -> Callable[..., Any]: ...

    @property
    def caption(self) -> Callable[..., DeltaGenerator]: ...


def row_of(table: pd.DataFrame, label: str) -> pd.Series:
    """The row under `label` of a table indexed by a unique id (the catalogue, the sources): one row,
    so a Series, though pandas' stubs cannot tell it from `table.loc[label]` alone."""
    return cast("pd.Series", table.loc[label])


def indicator_select(
    container: ChoicePlace, catalogue: pd.DataFrame, choices: list[str], with_data: list[str], key: str
) -> str:
    """The indicator choice, bound to the address under `key`: the first one that has data opens by
    default (an import rarely brings them all). Labels are the catalogue's alone, the same whatever
    the data, so that a shared link still names its indicator after an import; those without data
    are named under the list instead."""
    chosen: str = shared_choice(
        container.selectbox,
        _("Indicateur"),
        choices,
        index=next((position for position, choice in enumerate(choices) if choice in with_data), 0),
        format_func=lambda choice: localized(catalogue.loc[choice], "label"),
        key=key,
    )
    without = [localized(catalogue.loc[choice], "label") for choice in choices if choice not in with_data]
    if without:
        container.caption(_("Sans donnée pour l'instant : {indicators}.").format(indicators=", ".join(without)))
    return chosen


def year_span_select(
    container: DeltaGenerator, years: list[str], default: tuple[str, str], key: str
) -> tuple[str, str]:
    """The span of years to show, bound to the address under `key`: a slider over the years the data
    cover, or the one year said plainly (a link asking for other years then gets its notice)."""
    if len(years) > 1:
        span: tuple[str, str] = shared_choice(container.select_slider, _("Période"), years, value=default, key=key)
        return span
    link_notice(key, _("Période"), years)
    container.markdown(_("**Période**\n\n{year} (seule année couverte)").format(year=years[0]))
    return years[0], years[0]


def svg_figure(place: Any, svg: str, name: str, description: str) -> None:
    """A drawn SVG with its text alternative: the image is named (`alt`), and its values are read
    in the caption under it, for everyone (`st.image` writes no `alt`: axe's « image-alt »)."""
    source = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    place.html(
        f'<figure style="margin: 0"><img src="{source}" alt="{html.escape(name, quote=True)}" '
        'style="max-width: 100%; width: 100%">'
        f'<figcaption style="font-size: 0.875rem; color: #4a4a4a">{html.escape(description)}</figcaption></figure>'
    )
