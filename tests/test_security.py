"""Attacks tried against the dashboard, each with the outcome it must meet.

1. Reading a small count (1 to k−1) on a page, in a table, a chart, an export or the deck.
2. Recomputing a hidden count from a total, a subtotal, a period difference or the other cells.
3. Reaching the analysts' pages as a viewer; guessing the analyst password.
4. Injecting a formula into a spreadsheet, markup into a page, script into the offline deck.
5. Exhausting the server with oversized, zip-bomb, binary or malformed files.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from app_support import dashboard_app, open_page
from indicators.access import (
    FAILED,
    SUCCEEDED,
    THROTTLED,
    AccessSettings,
    SignInAttempt,
    hash_password,
    is_loopback,
    password_matches,
    sign_in_mode,
    wait_seconds,
)
from indicators.config import DEFAULT_DATA_DIR
from indicators.deck import is_tile_map, protected_deck, read_deck
from indicators.disclosure import public_cells
from indicators.exports import to_french_csv
from indicators.formatting import escape_markdown
from indicators.ingest.pipeline import safe_label
from indicators.pages import PAGES
from indicators.secret.lattice import lattice, relations
from indicators.secret.releases import protected_cells
from indicators.secret.suppression import suppress_small_counts

K = 5
SMALL = {str(value) for value in range(1, K)}


@pytest.fixture(scope="module")
def protected(tables):
    return protected_cells(tables, K)


def decoded(array) -> list:
    import base64

    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


# 1. Small counts never shown ----------------------------------------------------------------

SMALL_IN_TEXT = re.compile(rf"(?<![\d,\u202f])[1-{K - 1}](?![\d,\u202f])")


def assert_no_small_count_in_charts(app: AppTest, rates: bool = False) -> None:
    """No count from 1 to k − 1 in any chart: bar lengths, points, texts, hovers (with `rates`, bar
    lengths are rates per 10 000 inhabitants, not counts: only texts are read)."""
    for chart in app.get("plotly_chart"):
        traces = json.loads(chart.proto.spec)["data"]
        if any(trace.get("name") == "communes" for trace in traces):
            # The tile map: x and y are tile geometry; its figures are in the tile texts and hovers.
            for trace in traces:
                texts = [str(text) for key in ("text", "hovertext") for text in np.atleast_1d(trace.get(key, []))]
                assert not [text for text in texts if SMALL_IN_TEXT.search(text)], trace.get("name")
            continue
        for trace in traces:
            values = [
                value
                for value in decoded(trace.get("y", [])) + decoded(trace.get("x", []))
                if isinstance(value, int | float)
            ]
            assert rates or not [value for value in values if 1 <= value < K], trace.get("name")
            texts = [
                str(text) for row in trace.get("customdata", []) for text in (row if isinstance(row, list) else [row])
            ]
            texts += [str(text) for text in trace.get("text", []) if text is not None]
            assert not SMALL.intersection(texts)


def test_trends_of_a_small_commune_by_sex_per_month_hide_small_counts():
    app = open_page("views/trends.py")
    app.selectbox(key="territoire").set_value("92047").run()  # Marnes-la-Coquette: tiny counts
    app.button_group(key="regroupement").set_value("month").run()
    app.radio(key="repartition").set_value("sex").run()
    table = app.dataframe[0].value
    assert "s" in set(table.iloc[:, 2]), "le jeu de démonstration doit avoir des effectifs masqués ici"
    assert not SMALL.intersection(table.iloc[:, 2])
    assert_no_small_count_in_charts(app)


def test_territories_hide_small_counts_for_every_public():
    app = open_page("views/territories.py")
    for value in ["none:ensemble", "sex:M", "age_group:11-14"]:
        app.selectbox(key="public").set_value(value).run()
        assert not SMALL.intersection(app.dataframe[0].value.iloc[:, 1])
        assert_no_small_count_in_charts(app)
    for measure in ("rate", "count"):
        app.segmented_control(key="mesure").set_value(measure).run()
        for level in ("commune", "interco"):
            app.segmented_control(key="niveau").set_value(level).run()
            table = app.dataframe[0].value
            assert not SMALL.intersection(table.iloc[:, 1])
            # A secret count has a secret rate: with the population public, the rate would give it back.
            assert (table.loc[table.iloc[:, 1] == "s", "Taux pour 10 000 habitants"] == "s").all()
            assert_no_small_count_in_charts(app, rates=measure == "rate")


def test_overview_cards_show_no_small_count():
    app = open_page("views/overview.py")
    assert not SMALL.intersection(metric.value for metric in app.metric)


def test_downloadable_observations_hide_small_counts(protected):
    table = public_cells(protected, K)
    assert not SMALL.intersection(table["valeur"])
    assert (table["valeur"] == "s").any()
    exported = to_french_csv(table).decode("utf-8-sig")
    assert not any(line.split(";")[6] in SMALL for line in exported.splitlines()[1:])


def test_deck_and_its_exports_hide_small_counts(tables):
    slides = protected_deck(tables, read_deck(DEFAULT_DATA_DIR), K)
    assert any(is_tile_map(slide.figure) for slide in slides), "le jeu de diapositives doit contenir la carte"
    for slide in slides:
        if is_tile_map(slide.figure):
            # A map's x and y are tile geometry: its figures are in the tile texts and hovers.
            for trace in slide.figure.data:
                texts = [
                    str(text) for key in ("text", "hovertext") for text in np.atleast_1d(getattr(trace, key) or [])
                ]
                assert not [text for text in texts if SMALL_IN_TEXT.search(text)], trace.name
        elif slide.is_demo:
            for trace in slide.figure.data:
                assert not [value for value in trace.y if value is not None and 1 <= value < K]


def test_threshold_comes_from_configuration(monkeypatch):
    from indicators.config import small_count_threshold

    monkeypatch.setenv("INDICATORS_SMALL_COUNT_K", "10")
    assert small_count_threshold() == 10
    monkeypatch.setenv("INDICATORS_SMALL_COUNT_K", "0")
    assert small_count_threshold() == 5


# 2. No recomputation -----------------------------------------------------------------------


def random_grid(seed: int, communes: int, months: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    periods = pd.date_range("2024-01-01", periods=months, freq="MS").strftime("%Y-%m")
    rows = [
        ("a", f"920{commune:02d}", period, sex, age, int(rng.poisson(rng.choice([0.5, 3, 12]))), "S")
        for commune in range(communes)
        for period in periods
        for sex in ("F", "M")
        for age in ("11-14", "15-17")
    ]
    return pd.DataFrame(
        rows, columns=["indicator_id", "territory_code", "period", "sex", "age_group", "value", "source_id"]
    )


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), communes=st.integers(1, 4), months=st.integers(1, 15))
def test_no_relation_leaves_a_single_hidden_cell(seed, communes, months):
    cells = suppress_small_counts(lattice(random_grid(seed, communes, months)), K)
    hidden = cells["suppressed"].to_numpy()
    values = cells["value"].to_numpy()
    assert hidden[(values >= 1) & (values < K)].all(), "every small count is hidden"
    for members, ids in relations(cells):
        per_relation = np.bincount(ids, weights=hidden[members], minlength=len(cells))
        assert not (per_relation == 1).any(), "a hidden cell would be a subtraction away"


def test_subtraction_from_the_year_total_finds_nothing(protected):
    """Attack: year total minus the visible months of that year, per commune, sex and indicator."""
    months = protected.loc[(protected["level"] == "month")]
    years = protected.loc[(protected["level"] == "year")].set_index(
        ["indicator_id", "territory_code", "dimension", "group", "period_start"]
    )
    months = months.assign(year=months["period_start"].dt.to_period("Y").dt.start_time)
    for key, group in months.groupby(["indicator_id", "territory_code", "dimension", "group", "year"]):
        if group["suppressed"].sum() == 1:
            assert bool(years.loc[key, "suppressed"]), f"{key} : un seul mois masqué et l'année visible"


# 3. Analyst pages and password -------------------------------------------------------------


def test_viewer_cannot_reach_import_or_history_on_an_open_server(monkeypatch):
    analysts = [entry.script for entry in PAGES if entry.audience == "analyst"]
    assert analysts  # the registry names the analysts' pages (indicators/pages.py)
    for page in analysts:
        app = dashboard_app()
        app.run()
        app.switch_page(page)
        app.run()
        assert not app.exception
        assert any("désactivées" in warning.value for warning in app.warning)
        assert not app.file_uploader and not [button for button in app.button if "Rétablir" in button.label]


def test_wrong_passwords_are_refused_then_throttled(data_copy, monkeypatch):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    app = dashboard_app()
    app.secrets["analysts"] = {"password_hash": hash_password("le bon mot de passe")}
    app.run()
    app.switch_page("views/importer.py")
    app.run()
    assert not app.file_uploader
    messages = []
    for _ in range(5):
        app.text_input[0].set_value("mauvais").run()
        app.button[0].click().run()
        messages.append(" ".join(error.value for error in app.error))
    assert "Mot de passe incorrect." in messages[0]
    assert any("Trop d'essais" in message for message in messages[3:])
    assert not app.file_uploader
    from indicators.store.audit import read_entries

    sign_ins = [entry for entry in read_entries(data_copy) if entry["action"] == "connexion"]
    assert [entry["result"] for entry in sign_ins][:3] == [FAILED] * 3
    assert THROTTLED in [entry["result"] for entry in sign_ins[3:]], "a throttled attempt is audited too"
    # AppTest has no connection guard: the address is unknown, never invented; no password is logged.
    assert {entry["client_address"] for entry in sign_ins} == {"inconnue"}
    assert "mauvais" not in (data_copy / "audit" / "audit.log").read_text(encoding="utf-8")


def test_sign_in_modes():
    password = AccessSettings(password_hash="$argon2id$...")
    assert sign_in_mode(AccessSettings(oidc_configured=True), "0.0.0.0", local_client=True) == "oidc"
    assert sign_in_mode(password, "127.0.0.1", local_client=True) == "password"
    assert sign_in_mode(AccessSettings(), "127.0.0.1", local_client=True) == "localhost"
    # Behind a proxy on this machine, the server listens on loopback but the client is not local.
    assert sign_in_mode(AccessSettings(), "127.0.0.1", local_client=False) == "disabled"
    assert sign_in_mode(AccessSettings(), "", local_client=True) == "disabled"
    assert sign_in_mode(AccessSettings(), "0.0.0.0", local_client=True) == "disabled"
    assert is_loopback("::1") and not is_loopback("192.0.2.10")


def test_password_is_checked_against_an_argon2_hash_only():
    stored = hash_password("secret d'analyste")
    assert stored.startswith("$argon2id$") and "secret" not in stored
    assert password_matches(stored, "secret d'analyste") and not password_matches(stored, "Secret d'analyste")
    assert not password_matches("pas une empreinte", "x")


def test_throttle_grows_after_three_failures_and_ignores_its_own_refusals():
    attempts = [SignInAttempt(second, FAILED) for second in range(3)]
    assert wait_seconds(attempts[:2], 2) == 0
    assert wait_seconds(attempts, 2) == 2
    attempts.append(SignInAttempt(10, FAILED))
    assert wait_seconds(attempts, 10) == 4
    # Attempts refused while waiting are not failures: hammering does not lengthen the wait.
    assert wait_seconds([*attempts, SignInAttempt(11, THROTTLED), SignInAttempt(12, THROTTLED)], 12) == 2
    assert wait_seconds([*attempts, SignInAttempt(11, SUCCEEDED)], 11) == 0
    assert wait_seconds([SignInAttempt(second, FAILED) for second in range(40)], 39) == 300


# 4. Injection -----------------------------------------------------------------------------


@pytest.mark.parametrize("payload", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "＝1+1"])
def test_csv_exports_neutralise_formulas(payload):
    exported = to_french_csv(pd.DataFrame({"texte": [payload], "nombre": [-3]}))
    read_back = pd.read_csv(io.BytesIO(exported), sep=";", encoding="utf-8-sig", keep_default_na=False)
    assert read_back.at[0, "texte"] == "'" + payload
    assert read_back.at[0, "nombre"] == -3  # numbers untouched


@pytest.mark.parametrize(
    "name",
    [
        "<img src=x onerror=alert(1)>.csv",
        "[clic](javascript:alert(1)).csv",
        '=HYPERLINK("x").csv',
        "http://evil.example.csv",
        "WWW.evil.example.csv",
        "moi@evil.example.csv",
    ],
)
def test_uploaded_file_names_cannot_carry_markup_formulas_or_links(name):
    cleaned = safe_label(name)
    assert not set(cleaned) & set('<>[]="@')
    # Quoted in the source line under every chart of imported data, through Markdown: nothing it links by itself.
    assert not re.search(r"(?i)://|www\.", cleaned), cleaned


HOSTILE_HEADERS = [
    "[piège](javascript:alert(1))",
    '=HYPERLINK("http://evil.example";"x")',
    "www.evil.example",
    ":material/home:",
]
# A header that looks like an e-mail refuses the file (personal data): its message quotes it.
EMAIL_HEADER = "moi@evil.example"
# What Streamlit's Markdown links or draws by itself in the text it has read (escapes resolved).
LINKED_BY_MARKDOWN = re.compile(r"(?i)[a-z]://|www\.|\w@|:material/")


def read_markdown(markdown: str) -> str:
    """The text Streamlit's Markdown reads: escapes resolved (word joiners still in place)."""
    return re.sub(r"\\(.)", r"\1", markdown)


@settings(max_examples=200, deadline=None, database=None)
@given(text=st.text() | st.sampled_from([*HOSTILE_HEADERS, EMAIL_HEADER]))
def test_escaped_text_reads_as_written_and_links_nothing(text):
    read = read_markdown(escape_markdown(text))
    assert read.replace("\u2060", "") == text.replace("\u2060", "")
    assert not LINKED_BY_MARKDOWN.search(read)


def test_uploaded_headers_are_shown_as_plain_text(data_copy, monkeypatch):
    monkeypatch.setenv("INDICATORS_DATA_DIR", str(data_copy))
    app = dashboard_app()
    app.secrets["analysts"] = {"password_hash": hash_password("x")}
    app.session_state["analyst_signed_in"] = True
    app.run()
    app.switch_page("views/importer.py")
    app.run()
    content = io.StringIO()
    writer = csv.writer(content, delimiter=";", lineterminator="\n")
    writer.writerow(["indicateur", "code_commune", "periode", "valeur", *HOSTILE_HEADERS])
    # A formula in every hostile column: the neutralised cells are listed by column name too.
    writer.writerow(["consultations_sexologie", "92050", "2025-01", "4", *["=1+1"] * len(HOSTILE_HEADERS)])
    app.file_uploader[0].set_value(("www.evil.example.csv", content.getvalue().encode(), "text/csv")).run()
    assert not app.error, [error.value for error in app.error]
    notes = [read_markdown(caption.value) for caption in app.caption if "non reconnue" in caption.value]
    assert [note.replace("\u2060", "") for note in notes] == [
        f"colonne « {header} » non reconnue : ignorée" for header in HOSTILE_HEADERS
    ]
    shown = [element.value for kind in ("markdown", "caption", "info", "warning", "error") for element in app.get(kind)]
    summary = next(text for text in shown if text.startswith("- Ligne 2 ; colonne "))
    assert all(header in read_markdown(summary).replace("\u2060", "") for header in HOSTILE_HEADERS)
    assert [text for text in shown if LINKED_BY_MARKDOWN.search(read_markdown(text))] == []
    app.file_uploader[0].set_value(("f.csv", f"{EMAIL_HEADER};valeur\nx;1\n".encode(), "text/csv")).run()
    refusals = [read_markdown(error.value) for error in app.error]
    # Masked (it is personal data), shown as written, linked nowhere.
    assert any("« m***@***.example »" in refusal.replace("\u2060", "") for refusal in refusals), refusals
    assert not any(LINKED_BY_MARKDOWN.search(refusal) for refusal in refusals)
    assert escape_markdown("<b>") == "\\<b\\>"


# 5. Hostile files -------------------------------------------------------------------------


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<row>" + b"0" * (300 * 1024 * 1024) + b"</row>")
    return buffer.getvalue()


HOSTILE = {
    "zip_bomb.xlsx": zip_bomb,
    "oversized.csv": lambda: b"a;b\n" + b"1;2\n" * (14 * 1024 * 1024),
    "binary.csv": lambda: bytes(range(256)) * 4000,
    "unbalanced_quotes.csv": lambda: b'indicateur;valeur\n"consultations;3\n' * 20000,
    "ten_thousand_columns.csv": lambda: (";".join(f"c{n}" for n in range(10_000)) + "\n").encode() * 50,
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_files_are_refused_within_bounded_time_and_memory(name, data_copy, tmp_path):
    path = tmp_path / name
    path.write_bytes(HOSTILE[name]())
    # The child process gets 1.5 GB of address space and 60 s: exceeding either fails the test.
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20)); "
    code = limit + "import sys; from indicators.__main__ import main; sys.exit(main(sys.argv[1:]))"
    result = subprocess.run(
        [sys.executable, "-c", code, "ingest", str(path), "--json"],
        capture_output=True,
        timeout=60,
        env={**os.environ, "INDICATORS_DATA_DIR": str(data_copy)},
    )
    assert result.returncode == 1, result.stderr.decode()[-500:]
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["version"] is None
    assert report["refusal"] or report["errors"]
    assert not (data_copy / "store").exists()
