"""Vue d'ensemble: headline published figures, then the latest field observations."""

import streamlit as st

from indicators.cards import NO_DATA, NO_DATA_NOTE, field_card
from indicators.i18n import _, localized
from indicators.provenance import short_source, source_line
from indicators.scope import current_scope
from indicators.territories import scope_name
from views.cached import headlines, latest_comparisons, tables
from views.components import demo_banner, row_of

data = tables()
catalogue = data.catalogue

st.title(_("Prostitution des mineurs : vue d'ensemble"))
st.markdown(
    _(
        "Les chiffres publiés sur la France, puis l'activité de terrain {of_scope}. "
        "Chaque chiffre indique sa source, sa date et sa définition (survoler le point d'interrogation)."
    ).format(of_scope=current_scope().of_name)
)

st.header(_("Chiffres publiés"))
sources = data.sources.set_index("source_id", drop=False)
cards = headlines()
columns = [*st.columns([1.3, 1, 1]), *st.columns(2)]
for column, card in zip(columns, cards):
    with column.container(border=True, height="stretch"):
        st.markdown(
            f"**{card.label}**",
            help=_("{definition}\n\nPrécaution : {caveat}").format(definition=card.definition, caveat=card.caveat),
        )
        st.metric(card.label, card.text, label_visibility="collapsed")
        st.caption(
            _("France, {period}. {source}").format(
                period=card.period, source=short_source(row_of(sources, card.source_id))
            )
        )
st.info(
    _(
        "Un effectif enregistré par la police, la justice ou les associations n'est pas le nombre de victimes : "
        "il ne compte que les situations repérées. Les estimations sont des fourchettes, sans valeur centrale."
    ),
    icon=":material/info:",
)

st.header(_("Observations de terrain : {territory}").format(territory=scope_name()))
comparisons, observation_sources, demo = latest_comparisons()
if demo:
    demo_banner()
field = catalogue.loc[data.field_indicator_ids]
for column, indicator_id in zip([*st.columns(3), *st.columns(3)], field.index):
    entry, shown = row_of(field, indicator_id), comparisons.get(indicator_id)
    label = localized(entry, "label")
    figure = field_card(shown, localized(entry, "unit")) if shown is not None else None
    with column.container(border=True, height="stretch"):
        explained = _("{definition}\n\nPrécaution : {caveat}").format(
            definition=localized(entry, "definition"), caveat=localized(entry, "caveat")
        )
        # The test behind the change is there for whoever asks, not forced on officials.
        tested = f"\n\n{figure.test_note}" if figure is not None and figure.test_note else ""
        st.markdown(f"**{label}**", help=explained + tested)
        if figure is None:
            # Nothing imported is not zero: say so instead of drawing a figure.
            st.metric(label, _(NO_DATA), label_visibility="collapsed")
            st.caption(_(NO_DATA_NOTE))
            continue
        st.metric(
            label,
            figure.value,
            delta=figure.delta,
            delta_color=figure.delta_colour,
            delta_arrow=figure.delta_arrow,
            label_visibility="collapsed",
        )
        st.caption(figure.period)
if observation_sources:
    st.caption(source_line(observation_sources, data.sources))
