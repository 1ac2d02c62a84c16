import json
import re

import pandas as pd
import pytest

from app_support import dashboard_app
from deck_support import deck_asking, imported
from indicators.config import DEFAULT_DATA_DIR, DEMO_LABEL_FR
from indicators.deck import (
    SlideRequest,
    left_out,
    presentation_style,
    protected_deck,
    read_deck,
    requested_slide,
    slide_notice,
)
from indicators.loading import DataFileError


@pytest.fixture(scope="module")
def slides(tables):
    return protected_deck(tables, read_deck(DEFAULT_DATA_DIR), 5)


def test_default_deck_covers_the_key_figures(slides):
    assert len(slides) == 10
    assert [slide.number for slide in slides] == list(range(1, 11))
    ids = [slide.slide_id for slide in slides]
    assert ids[:4] == ["estimation_nationale", "victimes_proxenetisme", "affaires_police", "profil_age_sexe"]
    assert ids[8:] == ["carte_signalements_taux", "signalements_paris_ouest"]  # the map after the département's series
    assert slides[0].headline.startswith(
        "Mineurs en situation ou en risque de prostitution (estimation) : 7\u202f000 – 10\u202f000"
    )


def test_demo_label_follows_the_data(slides):
    assert [slide.is_demo for slide in slides] == [False] * 4 + [True] * 6
    assert all("Données fictives" in slide.source for slide in slides if slide.is_demo)


def test_field_slide_headline_equals_the_data(slides, tables):
    observations = tables.field_observations
    reports = observations.loc[
        (observations["indicator_id"] == "signalements_risque_prostitutionnel")
        & observations["period"].str.startswith("2025"),
        "value",
    ].sum()
    assert f"{reports} signalements en 2025" in slides[4].headline.replace("\u202f", "")


def test_analysts_reorder_slides_in_the_csv(data_copy, tables):
    deck = pd.read_csv(data_copy / "deck.csv", dtype=str)
    deck["order"] = list(reversed(range(1, len(deck) + 1)))
    deck.to_csv(data_copy / "deck.csv", index=False)
    reordered = protected_deck(tables, read_deck(data_copy), 5)
    assert reordered[0].slide_id == "signalements_paris_ouest" and reordered[-1].slide_id == "estimation_nationale"


def test_a_bad_deck_is_a_french_error(data_copy):
    path = data_copy / "deck.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",shares,", ",camembert,"), encoding="utf-8")
    with pytest.raises(DataFileError, match=re.escape("deck.csv")):
        read_deck(data_copy)


def test_presentation_type_is_large(slides):
    styled = presentation_style(slides[4].figure, 500)
    assert styled.layout.xaxis.tickfont.size >= 18 and styled.layout.yaxis.tickfont.size >= 18
    assert styled.layout.font.color == "#000000"
    assert slides[4].figure.layout.font.size < styled.layout.font.size  # the app's figure is left untouched
    assert DEMO_LABEL_FR


# --- After a real import: any store the importer can produce ------------------------------------

DEMO_WORDS = ("fictive", "démonstration")
PUBLISHED_SLIDES = ["estimation_nationale", "victimes_proxenetisme", "affaires_police", "profil_age_sexe"]


def assert_presentable(slide) -> None:
    """What every slide must be: a stated headline, a named source, figures drawn, no demo wording."""
    for text in (slide.headline, slide.source, slide.caveat, slide.full_source):
        assert not any(word in text for word in ("nan", "None", "NaT")), text
        assert not any(word in text.lower() for word in DEMO_WORDS), text
    assert slide.source.removeprefix("Sources : ").removeprefix("Source : ").strip(), slide.source
    assert not slide.is_demo
    drawn = [
        y for trace in slide.figure.data for y in (trace.x if trace.orientation == "h" else trace.y) if y is not None
    ]
    assert drawn, f"{slide.slide_id} : graphique vide"


def test_a_yearly_import_of_one_indicator_keeps_only_the_slides_with_data(tables):
    data = imported(
        tables,
        [
            ("signalements_risque_prostitutionnel", "92002", "2023", 12),
            ("signalements_risque_prostitutionnel", "92004", "2023", 9),
            ("signalements_risque_prostitutionnel", "92002", "2024", 15),
            ("signalements_risque_prostitutionnel", "92004", "2024", 7),
        ],
    )
    deck = deck_asking()
    slides = protected_deck(data, deck, 5)
    assert [slide.slide_id for slide in slides] == [*PUBLISHED_SLIDES, "signalements_92", "carte_signalements_taux"]
    assert [slide.number for slide in slides] == [1, 2, 3, 4, 5, 6]  # consecutive, no hole where a slide was left out
    # Antony and Asnières are not in Paris Ouest La Défense: its slide has nothing to draw.
    assert left_out(deck, slides) == ["vaj_92", "formation_92", "prevention_92", "signalements_paris_ouest"]
    for slide in slides:
        assert_presentable(slide)
    field = slides[4]
    # The deck asks for a split by sex the import does not carry: the total is drawn, not a secret gap.
    assert field.data["group"].tolist() == ["ensemble", "ensemble"] and not field.data["suppressed"].any()
    assert field.headline.replace("\u202f", " ") == (
        "Signalements liés à un risque prostitutionnel (Hauts-de-Seine) : 22 signalements en 2024 "
        "(2 communes sur 36 ont transmis), +5 % par rapport à 2023 (dans les marges du hasard)"
    )
    assert field.source.startswith("Source : Département des Hauts-de-Seine (import d'un analyste)")


@pytest.mark.parametrize("asked", ["month", "quarter", "year"])
def test_quarterly_data_are_drawn_per_quarter_or_coarser_never_spread_into_months(tables, asked):
    quarters = [("2024-Q1", 8), ("2024-Q2", 11), ("2024-Q3", 6), ("2024-Q4", 9), ("2025-Q1", 12)]
    data = imported(
        tables,
        [("jeunes_suivis_vaj", commune, period, value) for commune in ("92002", "92004") for period, value in quarters],
    )
    slides = protected_deck(data, deck_asking(asked), 5)
    assert [slide.slide_id for slide in slides] == [*PUBLISHED_SLIDES, "vaj_92"]
    field = slides[-1]
    assert_presentable(field)
    starts = [start.strftime("%Y-%m") for start in field.data["period_start"]]
    if asked == "year":
        assert starts == ["2024-01"]  # one quarter of 2025 is not drawn after a whole 2024 (see below)
        assert field.headline.endswith(" : 68 jeunes en 2024 (2 communes sur 36 ont transmis)")
    else:
        assert starts == ["2024-01", "2024-04", "2024-07", "2024-10", "2025-01"]
        assert "24 jeunes en T1 2025" in field.headline.replace("\u202f", " ")


def test_monthly_and_yearly_figures_are_never_mixed_in_one_series(tables):
    rows = [("professionnels_formes", "92002", "2024", 60)]
    rows += [("professionnels_formes", "92002", f"2025-{month:02d}", 6) for month in range(1, 13)]
    field = protected_deck(imported(tables, rows), deck_asking("month"), 5)[-1]
    assert field.slide_id == "formation_92"
    assert_presentable(field)
    assert [start.strftime("%Y-%m") for start in field.data["period_start"]] == ["2024-01", "2025-01"]
    assert "72 professionnels en 2025" in field.headline


def test_with_no_field_data_only_the_published_slides_remain(tables):
    from dataclasses import replace

    from indicators.store.contract import empty_observations

    data = replace(tables, field_observations=empty_observations())
    deck = deck_asking()
    slides = protected_deck(data, deck, 5)
    assert [slide.slide_id for slide in slides] == PUBLISHED_SLIDES
    assert [slide.number for slide in slides] == [1, 2, 3, 4]
    field_only = deck.loc[deck["kind"] == "field"]
    assert protected_deck(data, field_only, 5) == []
    assert left_out(field_only, []) == list(field_only["slide_id"])


def test_a_series_entirely_under_the_secret_is_left_out(tables):
    data = imported(
        tables, [("participants_prevention", "92002", "2024", 3), ("participants_prevention", "92002", "2025", 2)]
    )
    assert [slide.slide_id for slide in protected_deck(data, deck_asking(), 5)] == PUBLISHED_SLIDES


def test_a_published_slide_without_figures_for_its_territory_is_left_out(tables):
    deck = deck_asking()
    deck.loc[deck["slide_id"] == "affaires_police", "territory_code"] = "92"  # nothing published for the département
    assert "affaires_police" not in [slide.slide_id for slide in protected_deck(tables, deck, 5)]


def key_date_texts(figure) -> list[str]:
    return [annotation.text.replace("<br>", " ") for annotation in figure.layout.annotations]


def test_the_departements_week_shows_on_local_slides_never_on_national_ones(slides):
    week = "Semaine départementale de prévention"
    for slide in slides:
        national = slide.data["territory_code"].eq("FR").all() if "territory_code" in slide.data else False
        if national:
            assert not any(week in text for text in key_date_texts(slide.figure)), slide.slide_id
    series = [slide for slide in slides[4:] if slide.slide_id != "carte_signalements_taux"]  # a map has no time axis
    assert all(any(week in text for text in key_date_texts(slide.figure)) for slide in series)
    assert any("Plan national" in text for text in key_date_texts(slides[0].figure))
    assert not any(week in text for slide in slides[:4] for text in key_date_texts(slide.figure))


def test_key_date_labels_are_wrapped_and_stacked_with_room_above_the_plot(slides):
    from indicators.deck import KEY_DATE_LINE_CHARS, KEY_DATE_LINE_PX, is_key_date_label

    styled = presentation_style(slides[4].figure, 600)
    labels = [annotation for annotation in styled.layout.annotations if is_key_date_label(annotation)]
    assert len(labels) == 2
    for annotation in labels:
        assert all(len(line) <= KEY_DATE_LINE_CHARS for line in annotation.text.split("<br>")), annotation.text
    lines = sum(annotation.text.count("<br>") + 1 for annotation in labels)
    top = max(annotation.yshift + KEY_DATE_LINE_PX * (annotation.text.count("<br>") + 1) for annotation in labels)
    assert lines >= 3 and styled.layout.margin.t >= top  # no label above the figure's top edge
    assert [annotation.yshift for annotation in labels] == sorted(annotation.yshift for annotation in labels)
    assert len({annotation.yshift for annotation in labels}) == 2  # stacked, never on top of each other


# --- The pages when slides are left out, or none is left ---------------------------------------------


def without_field_data(folder):
    demo = folder / "field_observations_demo.csv"
    demo.write_text(demo.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")


def run_app(folder, monkeypatch, page=None, **query):

    monkeypatch.setenv("INDICATORS_DATA_DIR", str(folder))
    app = dashboard_app()
    for name, value in query.items():
        app.query_params[name] = value
    app.run()
    if page:
        app.switch_page(page)
        app.run()
    assert not app.exception, [exception.message for exception in app.exception]
    return app


def test_presenter_mode_without_any_slide_says_so_in_french(data_copy, monkeypatch):
    deck = pd.read_csv(data_copy / "deck.csv", dtype=str, keep_default_na=False)
    deck.loc[deck["kind"] == "field"].to_csv(data_copy / "deck.csv", index=False)
    without_field_data(data_copy)
    app = run_app(data_copy, monkeypatch, mode="presentation", slide="3")
    assert app.title[0].value == "Aucune diapositive à présenter"
    assert "Aucun indicateur de la présentation n'a de données" in app.info[0].value
    assert not app.button and not app.header  # no navigation, no « 1 / 0 »
    page = run_app(data_copy, monkeypatch, page="views/deck_page.py")
    assert any(warning.value.startswith("Aucune diapositive à présenter") for warning in page.warning)
    assert not page.get("download_button")


def test_presentation_page_names_the_slides_left_out(data_copy, monkeypatch):
    without_field_data(data_copy)
    app = run_app(data_copy, monkeypatch, page="views/deck_page.py")
    assert "Jeunes entrés en suivi à la Veille active jeunes" in app.info[0].value
    shown = [markdown.value for markdown in app.markdown if markdown.value.startswith("**")]
    assert [line.split(".")[0] for line in shown] == ["**1", "**2", "**3", "**4"]
    assert not any("fictives" in caption.value for caption in app.caption)


def test_a_partial_last_year_is_not_drawn_after_whole_ones(tables):
    rows = [
        ("jeunes_suivis_vaj", "92002", f"{year}-Q{quarter}", 9) for year in (2023, 2024) for quarter in (1, 2, 3, 4)
    ]
    rows += [("jeunes_suivis_vaj", "92002", "2025-Q1", 9), ("jeunes_suivis_vaj", "92002", "2025-Q2", 9)]
    field = protected_deck(imported(tables, rows), deck_asking("year"), 5)[-1]
    assert_presentable(field)
    # Two quarters of 2025 (18) drawn after a whole 2024 (36) would read as a fall by half.
    assert [start.year for start in field.data["period_start"]] == [2023, 2024] and field.data["complete"].all()
    assert "36 jeunes en 2024" in field.headline


def test_data_shorter_than_a_year_are_drawn_at_their_own_granularity(tables):
    # One quarter on a yearly slide was a lone hollow point « 2025 (période incomplète) ».
    field = protected_deck(
        imported(tables, [("jeunes_suivis_vaj", "92002", "2025-Q1", 9), ("jeunes_suivis_vaj", "92002", "2025-Q2", 12)]),
        deck_asking("year"),
        5,
    )[-1]
    assert_presentable(field)
    assert len(field.data) == 2 and field.data["complete"].all()
    assert "12 jeunes en T2 2025" in field.headline


# --- Three levels: the communes' map and an EPT's series ---------------------------------------------

MAP_INDICATOR = "signalements_risque_prostitutionnel"
PARIS_OUEST = "200057982"
SECRET_K = 600


def map_deck(measure: str | None = "rate") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "order": 1,
                "slide_id": "carte",
                "kind": "map",
                "indicators": MAP_INDICATOR,
                "territory_code": None,
                "frequency": None,
                "breakdown": None,
                "measure": measure,
            }
        ]
    )


def tile_texts(slide) -> dict[str, str]:
    """Commune code → the text drawn on its tile (name<br><b>value</b>)."""
    return {
        code: text
        for trace in slide.figure.data
        if trace.mode == "text"
        for code, text in zip(trace.customdata, trace.text)
    }


def number_tokens(figure) -> set[str]:
    """Every number written anywhere in the figure's JSON (coordinates, colours, texts)."""
    import re

    return set(re.findall(r"\d+(?:[.,]\d+)?", figure.to_json()))


@pytest.fixture(scope="module")
def secret_store(tables):
    """Every commune counts 1 000 to 1 455 reports in 2024, except Antony (92002) with 577: under
    k = SECRET_K, Antony is secret, and so is another commune that would give it back from its EPT's
    total. Counts this large never meet a number the figure holds anyway (colours, ranks, sizes)."""
    from indicators.tilemap import commune_rows

    codes = commune_rows(tables.territories)["territory_code"].tolist()
    counts = {code: (577 if code == "92002" else 1000 + 13 * position) for position, code in enumerate(codes)}
    return imported(tables, [(MAP_INDICATOR, code, "2024", value) for code, value in counts.items()]), counts


def test_the_map_slide_holds_the_36_communes(slides, tables):
    from indicators.tilemap import commune_rows

    slide = next(slide for slide in slides if slide.slide_id == "carte_signalements_taux")
    communes = set(commune_rows(tables.territories)["territory_code"])
    assert len(communes) == 36 and set(tile_texts(slide)) == communes
    assert set(slide.figure.data[-1].customdata) == communes
    assert slide.is_demo and "Données fictives" in slide.source
    assert "INSEE" in slide.source and "IGN" in slide.source and "Populations légales" in slide.full_source
    assert slide.caveat.startswith("Un taux pour 10 000 habitants")
    # The communes beyond chance, by name: never the raw highest rate (a small commune's, by chance).
    assert slide.headline.startswith("Signalements liés à un risque prostitutionnel en 2025 : ")
    assert "au-dessus du taux du département" in slide.headline and "au-delà du hasard" in slide.headline
    assert "le plus élevé" not in slide.headline
    assert slide.description.startswith("Carte des 36 communes : couleurs selon le taux comparé")


@pytest.mark.parametrize("measure", ["count", "rate"])
def test_a_secret_commune_shows_s_and_its_figures_appear_nowhere(secret_store, tables, measure):
    from indicators.formatting import format_number
    from indicators.territories import populations

    data, counts = secret_store
    slide = protected_deck(data, map_deck(measure), SECRET_K)[0]
    texts = tile_texts(slide)
    secret = set(slide.data.loc[slide.data["suppressed"], "territory_code"])
    assert "92002" in secret and len(secret) >= 2  # a lone secret would be the département minus the others
    people = populations(tables.territories)
    tokens = number_tokens(slide.figure)
    written = json.dumps(slide.figure.to_plotly_json(), ensure_ascii=False, default=str)  # French numbers as drawn
    for code in secret:
        assert texts[code].endswith("<b>s</b>")
        rate = counts[code] * 10_000 / people[code]
        hidden = {str(counts[code]), format_number(rate, 1), f"{rate:.1f}", repr(rate)}
        assert not hidden & tokens, (code, hidden & tokens)
        assert format_number(counts[code]) not in written and format_number(rate, 1) not in written
        assert slide.data.loc[slide.data["territory_code"] == code, ["value", "count", "rate"]].isna().all(axis=None)
    assert str(counts["92002"]) not in slide.headline and str(counts["92002"]) not in slide.description


def test_rates_are_counts_times_10000_over_the_population(secret_store, tables):
    from indicators.formatting import format_number
    from indicators.territories import populations

    data, counts = secret_store
    slide = protected_deck(data, map_deck("rate"), SECRET_K)[0]
    shown = slide.data.loc[~slide.data["suppressed"]].set_index("territory_code")
    people = populations(tables.territories)
    expected = pd.Series({code: counts[code] * 10_000 / people[code] for code in shown.index})
    assert shown["value"].to_numpy() == pytest.approx(expected[shown.index].to_numpy())
    assert shown["count"].to_dict() == {code: counts[code] for code in shown.index}
    texts = tile_texts(slide)
    marks = slide.data.set_index("territory_code")["standing"].map({"above": " ▲", "below": " ▼"}).fillna("")
    assert all(texts[code].endswith(f"<b>{format_number(rate, 1)}{marks[code]}</b>") for code, rate in expected.items())
    assert "en 2024" in slide.headline and "INSEE" in slide.source


def test_a_count_map_is_the_default_and_is_coloured_by_standing(secret_store):
    from indicators.charts import STANDING_COLOURS
    from indicators.formatting import format_number

    data, counts = secret_store
    slide = protected_deck(data, map_deck(None), SECRET_K)[0]
    # The tiles write counts; their colours compare rates with the département's, hence INSEE's populations.
    assert "Un taux" not in slide.caveat and "INSEE" in slide.source
    texts = tile_texts(slide)
    shown = slide.data.loc[~slide.data["suppressed"]]
    assert all(f"<b>{format_number(counts[code])}" in texts[code] for code in shown["territory_code"])
    fills = {trace.customdata[0]: trace.fillcolor for trace in slide.figure.data if trace.fill == "toself"}
    assert {fills[code] for code in shown["territory_code"]} <= set(STANDING_COLOURS.values())
    assert slide.headline.startswith("Signalements liés à un risque prostitutionnel en 2024 : ")
    assert "en tête" not in slide.headline


def test_the_map_is_left_out_without_rows_or_with_every_commune_secret(tables):
    other = imported(tables, [("jeunes_suivis_vaj", "92002", "2024", 40)])
    deck = map_deck()
    assert protected_deck(other, deck, 5) == [] and left_out(deck, []) == ["carte"]
    tiny = imported(tables, [(MAP_INDICATOR, "92002", "2024", 3), (MAP_INDICATOR, "92004", "2024", 2)])
    assert protected_deck(tiny, deck, 5) == []


def test_the_map_shows_the_latest_complete_year_or_says_the_year_is_partial(tables):
    whole = [(MAP_INDICATOR, code, f"2024-{month:02d}", 3) for code in ("92002", "92004") for month in range(1, 13)]
    partial = [(MAP_INDICATOR, code, f"2025-{month:02d}", 4) for code in ("92002", "92004") for month in range(1, 4)]
    slide = protected_deck(imported(tables, whole + partial), map_deck("count"), 5)[0]
    # Two communes of 36 sent figures: the headline says so, and compares them with their own rate.
    assert "en 2024" in slide.headline and slide.headline.endswith("(2 communes sur 36 ont transmis)")
    assert "aucune commune ne s'écarte du taux du département" in slide.headline
    only_partial = protected_deck(imported(tables, partial), map_deck("count"), 5)[0]
    assert "année incomplète : 3 mois sur 12" in only_partial.headline


def test_a_deck_written_before_maps_still_reads(data_copy):
    deck = pd.read_csv(data_copy / "deck.csv", dtype=str, keep_default_na=False)
    deck.drop(columns="measure").loc[lambda frame: frame["kind"] != "map"].to_csv(data_copy / "deck.csv", index=False)
    assert read_deck(data_copy)["measure"].isna().all()


def test_an_interco_slide_is_the_sum_of_its_communes_protected_series(slides, tables):
    from indicators.disclosure import protect_series
    from indicators.observations import aggregate_series, select_observations
    from indicators.secret.releases import protected_cells
    from indicators.territories import members

    slide = next(slide for slide in slides if slide.slide_id == "signalements_paris_ouest")
    assert "(Paris Ouest La Défense)" in slide.headline
    assert any("Semaine départementale" in text for text in key_date_texts(slide.figure))  # an EPT is in the 92
    cells = protected_cells(tables, 5)
    parts = [
        protect_series(
            aggregate_series(select_observations(tables.field_observations, MAP_INDICATOR, [code]), "year", "sex"),
            cells,
            MAP_INDICATOR,
            code,
            "year",
            "sex",
        )
        for code in members(tables.territories, PARIS_OUEST)
    ]
    assert len(parts) == 11
    summed = pd.concat(parts).groupby(["period_start", "group"], as_index=False)["value"].sum()
    drawn = slide.data[["period_start", "group", "value"]].merge(
        summed, on=["period_start", "group"], suffixes=("", "_communes")
    )
    assert len(drawn) == len(slide.data) and (drawn["value"] == drawn["value_communes"]).all()
    assert not slide.data["suppressed"].any()


def test_a_map_keeps_its_own_drawing_in_the_presenter_mode(slides):
    from indicators.deck import is_tile_map

    slide = next(slide for slide in slides if slide.slide_id == "carte_signalements_taux")
    styled = presentation_style(slide.figure, None)
    assert is_tile_map(styled) and not is_tile_map(slides[4].figure)
    assert styled.data[-1].marker.size == slide.figure.data[-1].marker.size  # hover targets stay tile-sized
    assert [trace.line.width for trace in styled.data] == [trace.line.width for trace in slide.figure.data]
    assert styled.layout.legend.font.size >= 18 and styled.data[-1].marker.colorbar.tickfont.size >= 18


def test_slides_in_english(secret_store, tables):
    from indicators.deck import published_slides
    from indicators.i18n import in_language

    data, _counts = secret_store
    with in_language("en"):
        published = published_slides(tables, read_deck(DEFAULT_DATA_DIR))
        slide = protected_deck(data, map_deck("rate"), SECRET_K)[0]
    national = published["estimation_nationale"]
    assert national is not None and national.headline.startswith("Minors in prostitution or at risk of it (estimate): ")
    assert national.source.startswith("Source") and " : " not in national.source
    label = str(tables.catalogue.at[MAP_INDICATOR, "label_en"])
    assert slide.headline.startswith(f"{label} in 2024: ") and " above the département's rate (" in slide.headline
    assert "beyond chance" in slide.headline and "highest" not in slide.headline
    assert slide.caveat.startswith("A rate per 10,000 inhabitants") and "fictitious" not in slide.caveat
    assert slide.description.startswith("Map of the 36 municipalities: ")
    assert "s: statistical confidentiality" in {trace.name for trace in slide.figure.data}


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        (None, SlideRequest(1, corrected=False)),
        ("", SlideRequest(1, corrected=False)),
        ("3", SlideRequest(3, corrected=False)),
        ("0003", SlideRequest(3, corrected=False)),
        ("10", SlideRequest(10, corrected=False)),
        ("0", SlideRequest(1, corrected=True)),
        ("11", SlideRequest(10, corrected=True)),
        ("9" * 5000, SlideRequest(10, corrected=True)),  # int() would refuse it (over 4 300 digits)
        ("0" * 5000 + "4", SlideRequest(4, corrected=False)),
        ("²", SlideRequest(1, corrected=True)),  # str.isdigit() says yes, int() says no
        ("٣", SlideRequest(1, corrected=True)),  # an Arabic-Indic three: a digit, not ASCII
        ("３", SlideRequest(1, corrected=True)),  # a full-width three
        ("-2", SlideRequest(1, corrected=True)),
        ("+3", SlideRequest(1, corrected=True)),
        (" 3", SlideRequest(1, corrected=True)),
        ("3\n", SlideRequest(1, corrected=True)),
        ("3.0", SlideRequest(1, corrected=True)),
        ("abc", SlideRequest(1, corrected=True)),
    ],
)
def test_a_slide_number_is_read_strictly_and_never_raises(asked, expected):
    assert requested_slide(asked, 10) == expected


def test_the_slide_notice_quotes_the_request_briefly():
    notice = slide_notice("9" * 5000, 10, 10)
    assert notice.startswith("Le lien demandait la diapositive « 9999999999999999999… »")
    assert notice.endswith("(la présentation en compte 10) : diapositive 10 affichée.")
