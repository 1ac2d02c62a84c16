"""What the server runs: `streamlit run server.py` serves dashboard.py behind the connection guard.

Streamlit (1.67) serves through Starlette and uvicorn; `st.App` is its documented way to add ASGI
middleware, and `streamlit run` recognises this file's `app` and serves it. The guard
(`indicators.connection_guard`) refuses a foreign Host or Origin on every request and on the
WebSocket handshake, and tells the pages who connects and whether that is a local analyst. Started
on dashboard.py instead, the app works but nobody is local: the analyst pages then ask for a sign-in.
"""

import streamlit as st
from starlette.middleware import Middleware

from indicators.connection_guard import ConnectionGuard

app = st.App("dashboard.py", middleware=[Middleware(ConnectionGuard)])
