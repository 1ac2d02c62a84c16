"""The gate in front of the analysts' pages (import, history): sign-in, throttling per client, audit."""

from __future__ import annotations

import threading
import time
from typing import cast

import streamlit as st

from indicators.access import (
    SUCCEEDED,
    AccessSettings,
    is_analyst,
    sign_in_mode,
)
from indicators.config import data_dir
from indicators.connections import SessionConnection, session_connection
from indicators.i18n import N_, _
from indicators.sign_in import SIGNED_IN_AS, try_password
from indicators.store.audit import record_sign_in

OPENID_METHOD = "OpenID Connect"

# Marked here, translated where shown.
ENABLE_HELP = N_(
    "Pour ouvrir ces pages aux analystes, configurer dans `.streamlit/secrets.toml` soit une connexion "
    "OpenID Connect (section `[auth]`, et la liste `[analysts] emails` ou `groups`), soit un mot de passe "
    "d'analyste (`[analysts] password_hash`, empreinte argon2 produite par `python -m indicators hash-password`). "
    "Sans l'un ni l'autre, ces pages ne s'ouvrent qu'à un navigateur de cette machine, connecté directement "
    "(sans proxy) à un serveur lancé par `streamlit run server.py` qui n'écoute que sur cette machine "
    "(`--server.address localhost`). Voir `.streamlit/secrets.toml.example`."
)


def settings() -> AccessSettings:
    try:
        return AccessSettings.from_secrets(st.secrets.to_dict())
    except FileNotFoundError:
        return AccessSettings()
    except Exception:  # a malformed secrets file must not open the pages
        return AccessSettings()


def connection() -> SessionConnection:
    """Who this session is, as the connection guard judged its WebSocket (server.py)."""
    return session_connection(st.context.headers)


@st.cache_resource(max_entries=10_000)
def _attempts_lock(client_address: str) -> threading.Lock:
    # One attempt at a time per address in this server: its failures are read before its next
    # attempt is checked, while other addresses never queue behind it.
    return threading.Lock()


def password_gate(password_hash: str, client: SessionConnection) -> str:
    if st.session_state.get("analyst_signed_in"):
        return SIGNED_IN_AS
    st.info(_("Page réservée aux analystes : saisir le mot de passe d'analyste."), icon=":material/lock:")
    with st.form("analyst_sign_in"):
        password = st.text_input(_("Mot de passe d'analyste"), type="password")
        submitted = st.form_submit_button(_("Se connecter"))
    if submitted:
        with _attempts_lock(client.client_address):
            outcome = try_password(data_dir(), password_hash, password, client.client_address, time.time())
        if outcome.signed_in:
            st.session_state["analyst_signed_in"] = True
            st.rerun()
        if outcome.wait > 0:
            st.error(
                _("Trop d'essais infructueux depuis cette adresse : réessayer dans {seconds} s.").format(
                    seconds=int(outcome.wait) + 1
                )
            )
        else:
            st.error(_("Mot de passe incorrect."))
    st.stop()


def require_analyst() -> str | None:
    """Who the analyst is, or an explanation on the page (in the viewer's language) and a stop (None: an OpenID account
    without an e-mail, let in by one of its groups)."""
    current = settings()
    client = connection()
    mode = sign_in_mode(current, st.get_option("server.address") or "", client.local)
    if mode == "localhost":
        st.caption(_("Accès analyste ouvert : navigateur de cette machine, connecté directement au serveur."))
        return "analyste local"
    if mode == "disabled":
        st.warning(_("Pages d'analyste désactivées sur ce serveur.") + "\n\n" + _(ENABLE_HELP), icon=":material/lock:")
        st.stop()
    if mode == "password":
        return password_gate(current.password_hash or "", client)
    if not st.user.is_logged_in:
        st.info(_("Page réservée aux analystes."), icon=":material/lock:")
        st.button(_("Se connecter"), on_click=st.login)
        st.stop()
    # OpenID claims as the provider sent them (JSON): Streamlit's type leaves out lists such as groups.
    email = cast("str | None", st.user.get("email"))
    if not is_analyst(current, email, cast("list[str] | None", st.user.get("groups"))):
        refused = "refusée (compte non analyste)"
        record_sign_in(data_dir(), email, refused, client_address=client.client_address, method=OPENID_METHOD)
        st.error(_("Ce compte n'est pas autorisé à importer des données."))
        st.stop()
    if not st.session_state.get("analyst_audited"):
        record_sign_in(data_dir(), email, SUCCEEDED, client_address=client.client_address, method=OPENID_METHOD)
        st.session_state["analyst_audited"] = True
    return email
