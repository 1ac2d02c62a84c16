import pandas as pd

from indicators.i18n import in_language
from indicators.provenance import (
    describe_source,
    short_source,
    source_descriptions,
    source_line,
)


def source(**fields) -> pd.Series:
    base = {
        "source_id": "X",
        "publisher": "SSMSI",
        "title": "Interstats Analyse n°36",
        "published": "2021-10-22",
        "primary_url": None,
        "read_at": "20minutes.fr",
        "relay": "20 Minutes",
        "relay_date": None,
        "licence": None,
        "note": None,
    }
    return pd.Series({**base, **fields})


def test_relay_and_address_are_named():
    assert describe_source(source()) == "SSMSI, Interstats Analyse n°36 (22/10/2021), lu dans 20 Minutes (20minutes.fr)"


def test_primary_read_directly():
    text = describe_source(source(relay=None, read_at="https://www.insee.fr/x", published=None))
    assert text == "SSMSI, Interstats Analyse n°36, lu sur https://www.insee.fr/x"


def test_seed_texts_are_described_in_plain_words():
    assert "copie du texte conservée" in describe_source(source(relay=None, read_at="seed:000.txt"))


def test_demo_source_says_fictitious():
    assert describe_source(source(source_id="DEMO_FICTIVE", read_at="scripts/make_demo_data.py")).startswith(
        "Données fictives de démonstration"
    )
    assert short_source(source(source_id="DEMO_FICTIVE")) == "Données fictives de démonstration"


def test_source_line_lists_each_source_once(tables):
    line = source_line(["CHAMPRENAULT_2021", "CHAMPRENAULT_2021", "UNICEF_2001"], tables.sources)
    assert line.startswith("Sources : ")
    assert line.count("UNICEF") == 1 and line.count("Champrenault") == 1


def test_every_source_has_a_description(tables):
    descriptions = source_descriptions(tables.sources)
    assert set(descriptions) == set(tables.sources["source_id"])
    assert all(len(text) > 20 for text in descriptions.values())


def test_source_lines_in_english_keep_titles_and_publishers():
    with in_language("en"):
        described = describe_source(source(relay=None, read_at="https://www.insee.fr/x", published=None))
        copied = describe_source(source(relay=None, read_at="seed:000.txt"))
        demo = short_source(source(source_id="DEMO_FICTIVE"))
        short = short_source(source())
    assert described == "SSMSI, Interstats Analyse n°36, read at https://www.insee.fr/x"
    assert copied.endswith(", from the copy of the text kept by the project")
    assert demo == "Fictitious demonstration data"
    assert short.startswith("Source: SSMSI, ") and short.endswith(" (read in 20 Minutes)")


def test_a_source_line_in_english():
    sources = pd.DataFrame([source(source_id="A"), source(source_id="B", relay=None, publisher="INSEE")])
    with in_language("en"):
        line = source_line(["A", "B", "A"], sources)
        single = source_line(["B"], sources)
    # Each source once, in the order given; titles and publishers as published, the words around in English.
    assert line.startswith("Sources: SSMSI, Interstats Analyse n°36 (")
    assert ", read in 20 Minutes (20minutes.fr); INSEE, Interstats Analyse n°36 (" in line
    assert line.endswith(", read at 20minutes.fr") and line.count("Interstats") == 2
    assert single.startswith("Source: INSEE, ")
