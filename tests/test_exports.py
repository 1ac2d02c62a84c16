import io

import pandas as pd

from indicators.exports import DEMO_COLUMN, to_french_csv


def test_csv_is_french_spreadsheet_format():
    payload = to_french_csv(pd.DataFrame({"commune": ["Antony"], "valeur": [12.5]}))
    assert payload.startswith("\ufeff".encode())
    assert payload.decode("utf-8-sig").splitlines() == ["commune;valeur", "Antony;12,5"]


def test_demo_exports_carry_the_label_on_every_row():
    payload = to_french_csv(pd.DataFrame({"valeur": [1, 2]}), is_demo=True)
    frame = pd.read_csv(io.BytesIO(payload), sep=";", encoding="utf-8-sig")
    assert frame.columns[0] == DEMO_COLUMN
    assert frame[DEMO_COLUMN].eq("données fictives de démonstration").all()


def test_real_data_exports_have_no_demo_column():
    payload = to_french_csv(pd.DataFrame({"valeur": [1]}), is_demo=False)
    assert DEMO_COLUMN not in payload.decode("utf-8-sig")
