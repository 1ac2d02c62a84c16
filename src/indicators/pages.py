"""Every page of the app, declared once.

`dashboard.py` builds its navigation from `PAGES`; the page tours of the tests (AppTest, Chromium in
both languages, the accessibility audit), the load test and the start-up warm-up read the same list.
A new page is its script under `views/`, one entry here, its package function and test, and its
catalogue strings: every tour then visits it.

Titles are French message ids, shown through `_()` in the viewer's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from indicators.i18n import N_

Audience = Literal["public", "analyst"]


@dataclass(frozen=True)
class Page:
    """One page: its script, its address (`""` for the home page), its title (a French message id),
    its Material icon and who may open it (the analysts' pages are behind the sign-in gate)."""

    script: str
    address: str
    title: str
    icon: str
    audience: Audience = "public"

    @property
    def default(self) -> bool:
        return self.address == ""


PAGES: tuple[Page, ...] = (
    Page("views/overview.py", "", N_("Vue d'ensemble"), ":material/dashboard:"),
    Page("views/trends.py", "tendances", N_("Tendances"), ":material/show_chart:"),
    Page("views/territories.py", "territoires", N_("Territoires"), ":material/map:"),
    Page("views/sheet.py", "fiche", N_("Ma commune"), ":material/location_city:"),
    Page("views/sources.py", "sources", N_("Sources et méthode"), ":material/menu_book:"),
    Page("views/importer.py", "importer", N_("Importer des données"), ":material/upload_file:", "analyst"),
    Page("views/history.py", "historique", N_("Historique"), ":material/history:", "analyst"),
    Page("views/deck_page.py", "presentation", N_("Présentation"), ":material/slideshow:"),
)

# The presenter mode: the only page while `?mode=presentation` is in the address, with no navigation.
PRESENTATION = Page("views/presentation.py", "", N_("Mode présentation"), ":material/slideshow:")
PRESENTATION_QUERY = "mode=presentation"


def page_at(address: str) -> Page:
    """The registered page at `address` (KeyError for any other)."""
    for page in PAGES:
        if page.address == address:
            return page
    raise KeyError(address)


def addresses(audience: Audience | None = None) -> list[str]:
    """Every page's address, in navigation order; only `audience`'s when given."""
    return [page.address for page in PAGES if audience is None or page.audience == audience]
