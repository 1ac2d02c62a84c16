"""The Sources page: demo wording only with the demo, the secret symbol explained."""

from types import SimpleNamespace

from app_support import dashboard_app


def sources_text(monkeypatch, demo: bool) -> str:
    import views.cached

    # The page reads only the demo flag from the field index.
    monkeypatch.setattr(views.cached, "field_index", lambda: SimpleNamespace(is_demo=demo))
    app = dashboard_app(120)
    app.run()
    app.switch_page("views/sources.py")
    app.run()
    assert not app.exception and not app.error
    return " ".join(markdown.value for markdown in app.markdown)


def test_demo_wording_only_when_the_demo_is_shown(monkeypatch):
    assert "sont fictives" in sources_text(monkeypatch, demo=True)
    assert "fictive" not in sources_text(monkeypatch, demo=False)


def test_the_secret_symbol_is_explained_and_no_false_bound(monkeypatch):
    text = sources_text(monkeypatch, demo=True)
    assert "tout chiffre masqué s'écrit « s »" in text
    assert "« < " not in text


def test_published_figures_name_their_territory(monkeypatch):
    app = dashboard_app(120)
    app.run()
    app.switch_page("views/sources.py")
    app.run()
    published = next(frame.value for frame in app.dataframe if "Chiffre" in frame.value.columns)
    assert {"France", "Monde"} <= set(published["Territoire"]) and "WLD" not in set(published["Territoire"])
