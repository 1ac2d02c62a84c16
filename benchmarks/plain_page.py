"""The bench's yardstick: a plain Streamlit page (a title, a paragraph, a choice and a small table).

Pages are timed beside it in the same run, so a slow or loaded machine shows as a ratio that does
not move, and a regression of the app's own code as one that does."""

import pandas as pd
import streamlit as st

st.title("Page témoin")
st.markdown("Une page Streamlit sans données du tableau de bord : ce que coûte Streamlit seul.")
choice = st.selectbox("Choix", ["un", "deux"], key="choix")
st.dataframe(pd.DataFrame({"choix": [choice] * 3, "valeur": [1, 2, 3]}), hide_index=True)
