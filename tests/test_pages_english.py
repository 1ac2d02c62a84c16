"""The main pages opened with `?lang=en`: no error, the page's own texts in English, the data's
English labels (`label_en`), and a bound choice whose address names its option in English."""

from collections.abc import Iterator

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_support import open_page
from indicators.config import REPO_ROOT
from indicators.i18n import in_language


@pytest.fixture(autouse=True)
def english_in_the_test_thread() -> Iterator[None]:
    """AppTest formats a widget's value with the page's format_func in the test's own thread, where
    the page's language is not set: English there too, as on the page."""
    with in_language("en"):
        yield


def open_in_english(page: str, query: dict[str, str] | None = None) -> AppTest:
    """A viewer opening `page` from an English link (`?lang=en`, and `query`): the language is the
    session's from the first run, and the page opens in it."""
    return open_page(page, query={"lang": "en", **(query or {})})


def page_text(app: AppTest) -> str:
    return " ".join(
        str(element.value)
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning")
        for element in app.get(kind)
    )


def english_labels(domain: str) -> list[str]:
    catalogue = pd.read_csv(REPO_ROOT / "data" / "indicators.csv")
    return catalogue.loc[catalogue["domain"] == domain, "label_en"].tolist()


def test_overview_in_english():
    app = open_in_english("views/overview.py")
    assert app.title[0].value == "Prostitution of minors: overview"
    headers = [header.value for header in app.header]
    assert headers[:2] == ["Published figures", "Field observations: Hauts-de-Seine"]
    assert any(info.value.startswith("A count recorded by the police") for info in app.info)
    # The field cards are named by the catalogue's English labels.
    labels = {metric.label for metric in app.metric}
    assert set(english_labels("field")) <= labels
    assert not any(word in page_text(app) for word in ("Précaution :", "Chiffres publiés", "vue d'ensemble"))


def test_trends_in_english_and_an_english_link_names_the_family():
    app = open_in_english("views/trends.py")
    assert app.title[0].value == "Trends"
    family = app.button_group(key="donnees")
    assert [getattr(option, "content", option) for option in family.options] == [
        "Field observations",
        "Published figures",
    ]
    assert any(caption.value.startswith("**Definition**: ") for caption in app.caption)
    assert set(app.selectbox(key="indicateur").options) <= set(english_labels("field"))
    # An English link names its option in English: it opens the published figures.
    app = open_in_english("views/trends.py", {"donnees": "Published figures"})
    assert app.button_group(key="donnees").value == "Chiffres publiés"  # the page's own value
    assert set(app.selectbox(key="indicateur").options) <= set(english_labels("published"))
    assert any("never joined" in caption.value for caption in app.caption)
    assert not any(info.value.startswith("Le lien demandait") for info in app.info)


def test_a_french_link_opened_in_english_keeps_its_choices():
    """The address as it stood in French (a shared link, or the tab reloaded after the language switch)."""
    app = open_in_english(
        "views/trends.py",
        {"donnees": "Chiffres publiés", "indicateur": "Mineurs victimes de proxénétisme enregistrés"},
    )
    assert app.button_group(key="donnees").value == "Chiffres publiés"
    assert app.selectbox(key="indicateur").value == "victimes_mineurs_proxenetisme"
    assert not any(info.value.startswith("The link asked for") for info in app.info)


def test_territories_in_english():
    app = open_in_english("views/territories.py")
    assert app.title[0].value == "Areas: comparing municipalities and EPTs"
    levels = app.segmented_control(key="niveau")
    assert [getattr(option, "content", option) for option in levels.options] == ["Municipalities", "EPTs"]
    assert levels.label == "Level" and app.segmented_control(key="mesure").label == "Measure"
    assert app.selectbox(key="public").label == "Group"


def test_sources_in_english():
    app = open_in_english("views/sources.py")
    assert app.title[0].value == "Sources and method"
    headers = [header.value for header in app.header]
    assert {"Statistical confidentiality", "Indicator definitions", "Download the tables"} <= set(headers)
    assert [subheader.value for subheader in app.subheader] == [
        "Published figures",
        "Field observations of the département",
    ]
    assert [expander.label for expander in app.expander] == english_labels("published") + english_labels("field")
    text = page_text(app)
    assert "**every hidden figure is written “s”**" in text and "Read these figures with care" in text
    assert not any(word in text for word in ("Secret statistique", "Lire ces chiffres", "**Définition**"))
