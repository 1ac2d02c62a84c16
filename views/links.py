"""Views that can be shared: every choice of a page lives in its address, and a button copies it.

A choice widget bound with Streamlit's own `bind="query-params"` writes its choice in the URL under
its `key`, as the *formatted* option (format_func's text): `?indicateur=Mineurs+repérés&territoire=Nanterre`.
Two rules follow for every page:

- keys are plain, stable French words (`indicateur`, `territoire`, `periode`…), never suffixed by
  an indicator: a link names what a reader sees;
- a label must not change with the data (no « (aucune donnée) » suffix): a link made today must
  still name the same option after an import.

Streamlit drops a linked value that the widget does not offer, silently. `shared_choice` (or
`link_notice` before any bound widget) reads the same parameter first and says so in the viewer's language. It
speaks only for a value that comes from the address (a shared link, a bookmark, a typed URL): once
the widget lives in the session, a value no longer offered follows the viewer's own change (another
indicator, other years) and the widget returns to its default quietly.

The address's other parameters are read and written here only, their names declared once: the
language (`?lang=en`, views/language.py), the presenter mode and its slide
(`?mode=presentation&slide=N`), the commune a link opens Ma commune on (`?territoire=…`).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from string import Template
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from indicators.formatting import escape_markdown
from indicators.i18n import DEFAULT_LANGUAGE, LANGUAGES, Language, _, as_language, current_language, in_language
from indicators.pages import page_at

BIND = "query-params"
# A typed or damaged address can be long: the notice quotes its beginning only.
QUOTED_LENGTH = 60

# The address's parameters that no widget is bound to.
LANGUAGE_PARAMETER = "lang"
MODE_PARAMETER = "mode"
PRESENTER_MODE = "presentation"
SLIDE_PARAMETER = "slide"
# Ma commune's territory choice (its widget's key): a tile of the map opens the sheet on it.
SHEET_TERRITORY_PARAMETER = "territoire"


def address_language() -> Language:
    """The language the address asks for: English with `?lang=en`, French otherwise."""
    return as_language(st.query_params.get(LANGUAGE_PARAMETER))


def write_language(language: Language) -> None:
    """The address names `language` (French, the default, goes unnamed), so that a copied link keeps it."""
    if language == DEFAULT_LANGUAGE:
        if LANGUAGE_PARAMETER in st.query_params:
            del st.query_params[LANGUAGE_PARAMETER]
    elif st.query_params.get(LANGUAGE_PARAMETER) != language:
        st.query_params[LANGUAGE_PARAMETER] = language


def language_parameters() -> list[tuple[str, str]]:
    """The viewer's language as a link carries it: `[("lang", "en")]`, nothing in French."""
    language = current_language()
    return [] if language == DEFAULT_LANGUAGE else [(LANGUAGE_PARAMETER, language)]


def presenter_mode() -> bool:
    """Whether the address asks for the presenter mode (`?mode=presentation`)."""
    return st.query_params.get(MODE_PARAMETER) == PRESENTER_MODE


def slide_asked() -> str | None:
    """The slide the address asks for (`?slide=N`), as typed: the deck checks it."""
    return st.query_params.get(SLIDE_PARAMETER)


def write_slide(number: int) -> None:
    """The address names the slide shown, for a bookmark or a copied link."""
    st.query_params[SLIDE_PARAMETER] = str(number)


def address_of(path: str, parameters: Sequence[tuple[str, str]] = ()) -> str:
    """A link to `path` with `parameters` and the viewer's language: it opens a new session, which
    reads them from the address (`?` only when there are parameters)."""
    pairs = [*parameters, *language_parameters()]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def presenter_address(slide: int) -> str:
    """The presenter mode at `slide`, from any page (relative: it also works under a base URL path)."""
    return address_of("./", [(MODE_PARAMETER, PRESENTER_MODE), (SLIDE_PARAMETER, str(slide))])


def open_sheet(territory_label: str) -> None:
    """Ma commune, on the territory its choice names `territory_label`, with that sheet's address."""
    st.switch_page(page_at("fiche").script, query_params={SHEET_TERRITORY_PARAMETER: territory_label})


def requested(key: str) -> list[str]:
    """The values the address gives for `key` (several for a range: `?periode=2019&periode=2025`)."""
    return [value for value in st.query_params.get_all(key) if value != ""]


def unoffered(values: Sequence[str], options: Iterable[Any], format_func: Callable[[Any], Any] = str) -> bool:
    """Whether any requested label is not one of the widget's formatted options."""
    labels = {str(format_func(option)) for option in options}
    return any(value not in labels for value in values)


def notice_text(values: Sequence[str], label: str) -> str:
    """The notice for a linked value the page cannot show (quoted as plain text), in the viewer's language."""
    asked = " – ".join(values)
    asked = asked if len(asked) <= QUOTED_LENGTH else asked[: QUOTED_LENGTH - 1] + "…"
    return _(
        "Le lien demandait « {asked} » pour « {label} », qui n'est pas disponible ici : "
        "la valeur par défaut est affichée."
    ).format(asked=escape_markdown(asked), label=label)


def link_notice(
    key: str, label: str, options: Iterable[Any], format_func: Callable[[Any], Any] = str, place: Any = None
) -> bool:
    """Before a bound widget is drawn: a notice when the address asks for a value it does not offer.

    Only for a value from the address: when the widget already lives in this session, its value
    was the viewer's own choice (True when the notice was shown)."""
    values = requested(key)
    if not values or key in st.session_state or not unoffered(values, options, format_func):
        return False
    (place or st).info(notice_text(values, label), icon=":material/link_off:")
    return True


def from_other_language(key: str, options: Sequence[Any], format_func: Callable[[Any], Any] = str) -> None:
    """A linked value written in another language becomes the same option in this one.

    Labels are in the viewer's language, so is the address: a link copied in French and opened in
    English (or the address as it stood when the viewer switched language, which reloads the tab)
    names its options in French. The widget cannot read such a value from the address; the option
    it names is given to it through session state instead, before it is drawn (and no notice)."""
    values = requested(key)
    if len(values) != 1 or key in st.session_state or not unoffered(values, options, format_func):
        return
    for language in LANGUAGES:
        if language == current_language():
            continue
        with in_language(language):
            named = [option for option in options if str(format_func(option)) == values[0]]
        if named:
            st.session_state[key] = named[0]
            return


def offered(value: Any, options: Sequence[Any]) -> bool:
    """Whether a widget's current value (None, an option, or a range of two) is among `options`."""
    if value is None:
        return True
    values = value if isinstance(value, (tuple, list)) else [value]
    return all(item in options for item in values)


def default_of(options: Sequence[Any], arguments: dict[str, Any]) -> Any:
    """The default a choice widget would open on: `value` (slider), `default` (segmented control) or `index`."""
    if "value" in arguments:
        return arguments["value"]
    if "default" in arguments:
        return arguments["default"]
    index = arguments.get("index", 0)
    return None if index is None or not options else options[index]


def reset_unoffered(key: str, options: Sequence[Any], default: Any) -> None:
    """The viewer's own earlier choice that the widget no longer offers (another indicator has other
    years, communes, groupings) goes back to the default through session state: Streamlit then
    also drops it from the address. Left to the widget, the default would be shown while the address
    kept the old value, and a copied link would carry it."""
    if key in st.session_state and not offered(st.session_state[key], options):
        st.session_state[key] = default


def shared_choice(
    widget: Callable[..., Any],
    label: str,
    options: Sequence[Any],
    *,
    key: str,
    format_func: Callable[[Any], Any] = str,
    notice_place: Any = None,
    **kwargs: Any,
) -> Any:
    """A choice widget (selectbox, radio, segmented_control, select_slider) bound to the address under
    `key`, after the notice for a linked value it does not offer. `widget` is the bound method
    (`st.selectbox`, `column.radio`…); other arguments go to it unchanged."""
    options = list(options)
    from_other_language(key, options, format_func)
    link_notice(key, label, options, format_func, notice_place)
    reset_unoffered(key, options, default_of(options, kwargs))
    return widget(label, options, key=key, format_func=format_func, bind=BIND, **kwargs)


def shared_segment(
    place: Any, label: str, options: Sequence[str], *, default: str, key: str, format_func: Callable[[Any], Any] = str
) -> str:
    """A segmented control in `place` (`st`, a column) bound to the address under `key`, never
    empty: a click on the chosen segment unselects it, and the page then keeps `default`."""
    chosen = shared_choice(place.segmented_control, label, options, key=key, format_func=format_func, default=default)
    return str(chosen or default)


# Constant markup and script (never data; the interface's own texts, escaped, fill the $ fields): the
# address is read in the browser when the button is pressed, so it carries every bound choice as it
# stands. One listener on the document serves every redraw of the button, in any language: it reads
# its messages from the block it was pressed in. Clipboard API first; where it is missing or refused
# (plain http on a local network is not a secure context), the address is shown selected in a
# read-only field.
COPY_LINK_HTML = Template("""
<div class="copy-link" data-copied="$copied" data-refused="$refused">
  <button type="button" class="copy-link-button">
    $button
  </button>
  <p class="copy-link-status" role="status" aria-live="polite"></p>
  <label class="copy-link-fallback" hidden>$fallback
    <input type="text" readonly class="copy-link-field">
  </label>
</div>
<style>
.copy-link-button { display: inline-flex; align-items: center; gap: 0.4rem; min-height: 2.5rem;
    padding: 0.25rem 0.75rem;
    border: 1px solid rgba(49, 51, 63, 0.3); border-radius: 0.5rem; background: #ffffff; color: #31333f;
    font: inherit; cursor: pointer; }
.copy-link-button:hover { border-color: #0072B2; color: #0b57a4; }
.copy-link-button:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
.copy-link-status { margin: 0.3rem 0 0; font-size: 0.875rem; color: #31333f; min-height: 1.2em; }
.copy-link-fallback { display: block; font-size: 0.875rem; }
.copy-link-fallback[hidden] { display: none; }
.copy-link-field { width: 100%; margin-top: 0.2rem; padding: 0.3rem; font: inherit; border: 1px solid #6b6b6b;
    border-radius: 0.3rem; }
</style>
<script>
(function () {
  if (window.__copyLinkInstalled) { return; }
  window.__copyLinkInstalled = true;
  function fallback(block, status) {
    var label = block.querySelector(".copy-link-fallback");
    var field = block.querySelector(".copy-link-field");
    field.value = window.location.href;
    label.hidden = false;
    field.focus();
    field.select();
    status.textContent = block.dataset.refused;
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".copy-link-button");
    if (!button) { return; }
    var block = button.closest(".copy-link");
    var status = block.querySelector(".copy-link-status");
    status.textContent = "";
    if (!navigator.clipboard || !window.isSecureContext) { fallback(block, status); return; }
    navigator.clipboard.writeText(window.location.href).then(function () {
      block.querySelector(".copy-link-fallback").hidden = true;
      status.textContent = block.dataset.copied;
    }, function () { fallback(block, status); });
  });
})();
</script>
""")


def copy_link_button(place: Any = None) -> None:
    """« Copier le lien de cette vue »: a real button (keyboard, screen readers), its confirmation
    announced politely, and the address shown as selectable text where the clipboard is refused."""
    (place or st).html(copy_link_markup(), unsafe_allow_javascript=True)


def copy_link_markup() -> str:
    """The button's markup and script, in the current language."""
    texts = {
        "button": _("Copier le lien de cette vue"),
        "fallback": _("Lien de cette vue, à copier (Ctrl+C) :"),
        "copied": _("Lien copié : il rouvre cette page avec les mêmes choix."),
        "refused": _(
            "Copie automatique impossible ici : le lien est sélectionné dans le champ ci-dessous, "
            "copiez-le avec Ctrl+C."
        ),
    }
    return COPY_LINK_HTML.substitute({name: html.escape(text, quote=True) for name, text in texts.items()})


def view_address(choices: Mapping[str, str | Sequence[str]]) -> str:
    """The address of another view of the same page: each choice under its key, written as its widget
    writes it (the formatted option; a range as the key repeated), and the viewer's language.
    Relative (« ?… »): it also works under a base URL path. Built from the page's own choices, not
    read from `st.query_params`, which the server does not refresh on a rerun of the same page."""
    pairs = [
        (key, value)
        for key, values in choices.items()
        for value in ([values] if isinstance(values, str) else list(values))
    ]
    return "?" + urlencode([*pairs, *language_parameters()])


# A plain link styled as the app's buttons; it opens the view in this tab (a new session reads the
# choices from the address, as a shared link does).
VIEW_LINK_HTML = Template("""<a class="view-link" href="$href" target="_self">$label</a>
<style>
a.view-link { display: inline-flex; align-items: center; min-height: 2.5rem; padding: 0.25rem 0.9rem;
    border-radius: 0.5rem; border: 1px solid rgba(49, 51, 63, 0.3); color: inherit; text-decoration: none;
    background: #ffffff; }
a.view-link:hover { border-color: #0072B2; color: #0b57a4; }
a.view-link:focus-visible { outline: 3px solid #0072B2; outline-offset: 2px; }
</style>""")


def view_link(label: str, choices: Mapping[str, str | Sequence[str]], place: Any = None) -> None:
    """A link to the same page with other choices (`view_address`), in this tab."""
    (place or st).html(
        VIEW_LINK_HTML.substitute(
            href=html.escape(view_address(choices), quote=True), label=html.escape(label, quote=True)
        )
    )
