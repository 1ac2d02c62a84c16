"""Sources et méthode: every source and definition, why series differ, every table to download."""

from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from indicators.cell_coverage import cell_coverage
from indicators.config import small_count_threshold
from indicators.disclosure import public_cells
from indicators.exports import to_csv
from indicators.formatting import format_number
from indicators.i18n import _, localized
from indicators.labels import KIND_FR
from views.cached import field_index, protected_cells, sources_page, tables
from views.errors import safe_download


def table_csv(frame: pd.DataFrame | Callable[[], pd.DataFrame], demo: bool) -> bytes:
    # The current language's spreadsheet convention (French: `;`, decimal comma), the page's language
    # (safe_download runs the deferred download in it).
    return to_csv(frame() if callable(frame) else frame, is_demo=demo)


data = tables()

st.title(_("Sources et méthode"))
st.markdown(
    _(
        """
**Lire ces chiffres avec prudence.**

- **Un effectif enregistré n'est pas le nombre de victimes.** Les services de police et de gendarmerie,
  la justice et les associations ne comptent que les situations qu'ils ont repérées ; la plupart des
  mineurs concernés ne sont jamais signalés.
- **Les estimations nationales sont des fourchettes** (par exemple 7 000 à 10 000 mineurs). Elles viennent
  d'associations de terrain, leurs auteurs les disent très approximatives ; aucune valeur centrale n'est
  calculée ici.
- **Les séries ne se relient pas entre elles.** Selon la publication, on compte des victimes, des affaires
  ou des procédures ; le proxénétisme seul, ou aussi le recours à la prostitution d'un mineur ; avec des
  périmètres d'enregistrement qui ont changé. Chaque définition forme donc une série distincte, et chaque
  point garde sa propre source.
- **Un même chiffre repris par plusieurs textes** (le plan national, un département) n'est pas une nouvelle
  mesure : il n'est dessiné qu'une fois, ses reprises sont listées ci-dessous.
- **Les observations de terrain mesurent l'activité du département** (signalements reçus, jeunes suivis,
  consultations, formations, participants) et non l'ampleur du phénomène.
"""
    )
    # The demo's wording only while the demo is what the pages show (issue 12, item 4).
    + ("  " + _("Celles affichées ici sont fictives et marquées comme telles.") + "\n" if field_index().is_demo else "")
)

st.header(_("Comparer avec justesse"))
# Three plain sentences for officials; the tests, intervals and references are in docs/METHODS.md.
st.markdown(
    _(
        """
- **Une évolution ne compare que ce qui est comparable** : les mêmes communes et les mêmes mois d'une année sur
  l'autre (« à champ constant »), et chaque total dit combien de communes et de mois il additionne.
- **Une hausse ou une baisse n'est dite « nette » que si le hasard l'explique mal** (test exact, au seuil de 5 %) ;
  sinon elle est dite « dans les marges du hasard », sans flèche ni couleur.
- **Un taux vient avec sa fourchette d'incertitude**, et une commune n'est dite au-dessus ou en dessous du
  département que si l'écart dépasse ce que le hasard produit à sa taille : sur une petite commune, quelques
  signalements de plus suffisent à faire un taux très élevé.
"""
    )
)

st.header(_("Secret statistique"))
k = small_count_threshold()
st.markdown(
    _(
        """
Les observations de terrain portent sur des enfants : un petit effectif, sur une petite commune, peut désigner
un enfant. Elles suivent donc la règle du secret statistique, appliquée partout (graphiques, tableaux, infobulles,
fichiers téléchargés, images, présentation et document PDF) :

- **un effectif de 1 à {largest_hidden} n'est jamais affiché** ; un zéro peut l'être ;
- **un effectif qui permettrait de le retrouver est masqué lui aussi** : si un seul chiffre manquait dans un
  total (filles + garçons, mois d'une année, communes d'un EPT ou du département, EPT du département), il
  suffirait d'une soustraction pour le retrouver ; un deuxième chiffre, le plus petit possible, est donc masqué ;
  et comme plusieurs totaux se croisent (communes × mois × sexe), tous les totaux publiés sont ensuite
  résolus ensemble : tant qu'une combinaison de chiffres visibles, même longue, donnerait un chiffre masqué,
  un autre chiffre est masqué ;
- **un taux pour 10 000 habitants est masqué là où son effectif l'est** : la population étant publique, le
  taux redonnerait l'effectif ;
- **tout chiffre masqué s'écrit « s »** (secret statistique, comme à l'INSEE), quelle que soit la raison du
  masquage : un chiffre masqué pour en protéger un autre peut être grand, et deux symboles diraient lesquels
  sont les petits ;
- les répartitions se lisent par sexe **ou** par âge, jamais les deux croisés ;
- **d'une version à l'autre, rien ne se recoupe** : chaque version publiée a pu être enregistrée par quelqu'un ;
  une nouvelle version (import, correction, retour à une version antérieure) est donc masquée en tenant compte
  de toutes celles déjà publiées, et comparer deux versions ne redonne aucun chiffre masqué. Un chiffre masqué
  le reste tant que ses données ne changent pas.

Le seuil ({threshold}) se règle par la variable d'environnement `INDICATORS_SMALL_COUNT_K`. Les analystes habilités
voient les chiffres complets sur les pages d'import et d'historique.
"""
    ).format(largest_hidden=k - 1, threshold=k)
)

st.header(_("Sources"))
shown = sources_page()
st.dataframe(shown.sources, hide_index=True)

st.header(_("Définitions des indicateurs"))
for domain, heading in (
    ("published", _("Chiffres publiés")),
    ("field", _("Observations de terrain du département")),
):
    st.subheader(heading)
    for entry in data.indicators.loc[data.indicators["domain"] == domain].to_dict("records"):
        with st.expander(localized(entry, "label")):
            st.markdown(
                _(
                    "**Définition** : {definition}\n\n**Précaution** : {caveat}\n\n"
                    "**Nature** : {kind} · **Unité** : {unit} · "
                    "**Identifiant** : `{indicator_id}`"
                ).format(
                    definition=localized(entry, "definition"),
                    caveat=localized(entry, "caveat"),
                    kind=_(KIND_FR[str(entry["kind"])]),
                    unit=localized(entry, "unit"),
                    indicator_id=entry["indicator_id"],
                )
            )

st.header(_("Tous les chiffres publiés"))
st.caption(
    _("Une ligne par chiffre, y compris ceux qui ne font que reprendre un chiffre antérieur (colonne « Reprend »).")
)
st.dataframe(shown.published, hide_index=True)

st.header(_("Télécharger les tables"))
st.caption(
    _(
        "Fichiers CSV au format des tableurs français (séparateur « ; », virgule décimale, UTF-8). "
        "Les observations de terrain sont publiées par commune ou pour le département, par mois, trimestre ou "
        "année, et par sexe ou par âge, jamais les deux croisés ; les effectifs de 1 à {largest_hidden} "
        "sont masqués, ainsi que ceux qui permettraient de les retrouver par différence (symbole « s »). "
        "Périodes : « 2025-03 » pour un mois, « T1 2025 » pour un trimestre, « 2025 » pour une année."
    ).format(largest_hidden=small_count_threshold() - 1)
)
downloads: dict[str, tuple[str, pd.DataFrame | Callable[[], pd.DataFrame], bool]] = {
    **{label: (file_name, frame, False) for label, (file_name, frame) in shown.downloads.items()},
    # Built only when asked for: the protected cells of a large store make a large file.
    _("Observations de terrain (agrégats protégés)"): (
        "observations_terrain.csv",
        lambda: public_cells(
            protected_cells(),
            small_count_threshold(),
            cell_coverage(tables().field_observations, tables().territories),
        ),
        field_index().is_demo,
    ),
}
for column, (label, (file_name, frame, demo)) in zip(st.columns(2) * 3, downloads.items()):
    if callable(frame):
        shown_label = _("{label} (données fictives)").format(label=label) if demo else label
    elif demo:
        shown_label = _("{label} ({count} lignes, fictives)").format(label=label, count=format_number(len(frame)))
    else:
        shown_label = _("{label} ({count} lignes)").format(label=label, count=format_number(len(frame)))
    column.download_button(
        shown_label,
        data=safe_download(partial(table_csv, frame, demo), "csv", file_name),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=f"table_{file_name}",
        # No rerun on a download: a rerun drops the other buttons' deferred files (see chart_block).
        on_click="ignore",
    )
