"""The gate in front of the analysts' pages (import, history): sign-in, throttling, audit."""

from __future__ import annotations

import threading
import time
from typing import cast

import streamlit as st

from indicators.access import (
    AccessSettings,
    Throttle,
    is_analyst,
    password_matches,
    sign_in_mode,
)
from indicators.config import data_dir
from indicators.i18n import N_, _
from indicators.store.audit import record_sign_in

# Marked here, translated where shown.
ENABLE_HELP = N_(
    "Pour ouvrir ces pages aux analystes, configurer dans `.streamlit/secrets.toml` soit une connexion "
    "OpenID Connect (section `[auth]`, et la liste `[analysts] emails` ou `groups`), soit un mot de passe "
    "d'analyste (`[analysts] password_hash`, empreinte argon2 produite par `python -m indicators hash-password`). "
    "Sans l'un ni l'autre, ces pages ne sont ouvertes que si le serveur écoute seulement sur cette machine "
    "(`--server.address localhost`). Voir `.streamlit/secrets.toml.example`."
)


def settings() -> AccessSettings:
    try:
        return AccessSettings.from_secrets(st.secrets.to_dict())
    except FileNotFoundError:
        return AccessSettings()
    except Exception:  # a malformed secrets file must not open the pages
        return AccessSettings()


@st.cache_resource
def _throttle() -> tuple[Throttle, threading.Lock]:
    # One throttle for the shared analyst password, whatever the session trying it.
    return Throttle(), threading.Lock()


def password_gate(password_hash: str) -> str:
    if st.session_state.get("analyst_signed_in"):
        return "analyste (mot de passe)"
    st.info(_("Page réservée aux analystes : saisir le mot de passe d'analyste."), icon=":material/lock:")
    with st.form("analyst_sign_in"):
        password = st.text_input(_("Mot de passe d'analyste"), type="password")
        submitted = st.form_submit_button(_("Se connecter"))
    if submitted:
        throttle, lock = _throttle()
        with lock:
            wait = throttle.wait_seconds(time.time())
            if wait > 0:
                st.error(_("Trop d'essais infructueux : réessayer dans {seconds} s.").format(seconds=int(wait) + 1))
                st.stop()
            if password_matches(password_hash, password):
                throttle.record_success()
                st.session_state["analyst_signed_in"] = True
                record_sign_in(data_dir(), "analyste (mot de passe)", result="réussie")
                st.rerun()
            throttle.record_failure(time.time())
        record_sign_in(data_dir(), "inconnu", result="échec")
        st.error(_("Mot de passe incorrect."))
    st.stop()


def require_analyst() -> str | None:
    """Who the analyst is, or an explanation on the page (in the viewer's language) and a stop (None: an OpenID account
    without an e-mail, let in by one of its groups)."""
    current = settings()
    mode = sign_in_mode(current, st.get_option("server.address") or "")
    if mode == "localhost":
        st.caption(_("Accès analyste ouvert : le serveur n'écoute que sur cette machine."))
        return "analyste local"
    if mode == "disabled":
        st.warning(_("Pages d'analyste désactivées sur ce serveur.") + "\n\n" + _(ENABLE_HELP), icon=":material/lock:")
        st.stop()
    if mode == "password":
        return password_gate(current.password_hash or "")
    if not st.user.is_logged_in:
        st.info(_("Page réservée aux analystes."), icon=":material/lock:")
        st.button(_("Se connecter"), on_click=st.login)
        st.stop()
    # OpenID claims as the provider sent them (JSON): Streamlit's type leaves out lists such as groups.
    email = cast("str | None", st.user.get("email"))
    if not is_analyst(current, email, cast("list[str] | None", st.user.get("groups"))):
        record_sign_in(data_dir(), email, result="refusée (compte non analyste)")
        st.error(_("Ce compte n'est pas autorisé à importer des données."))
        st.stop()
    if not st.session_state.get("analyst_audited"):
        record_sign_in(data_dir(), email, result="réussie")
        st.session_state["analyst_audited"] = True
    return email
