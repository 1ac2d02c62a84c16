"""The guard in front of every request the server answers: ASGI middleware for `server.py`.

Streamlit's own checks trust too much for this app: its WebSocket accepts any Origin on localhost
(`http://localhost:1234` drove a session) and, without `server.allowedHosts`, any Host (a
DNS-rebinding page got its 101); plain HTTP requests are not checked at all. This middleware, set
by `server.py` around Streamlit's server, judges each request with `connections.judge` before
Streamlit sees it:

- refused: 400 for a Host that is not an allowed name, 403 for another origin (and for a WebSocket
  without an Origin or from another one: no 101), 404 for a local-only path from elsewhere;
- served: with the guard's verdict as request headers the page scripts read
  (`x-indicateurs-client-address`, `x-indicateurs-local`, and the guard's token that proves them),
  any copy sent by the client dropped, and
  the client's address as the ASGI client; every HTTP answer refuses to be framed (the local
  analyst's rollback must not be clickable through another site's frame).

No Streamlit import: a plain ASGI callable, tested without a server.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from indicators.connections import (
    CLIENT_ADDRESS_HEADER,
    GUARD_HEADER,
    GUARD_TOKEN,
    LOCAL_HEADER,
    VERDICT_HEADERS,
    ConnectionPolicy,
    Refusal,
    Verdict,
    judge,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOGGER = logging.getLogger("indicators.connections")

# The server's refusals are not pages: short French sentences, no detail an attacker could use.
REFUSALS: dict[Refusal, tuple[int, str]] = {
    "host": (400, "Requête refusée : ce serveur ne répond pas à cette adresse."),
    "origin": (403, "Requête refusée : elle vient d'une autre page que ce tableau de bord."),
    "local_only": (404, "Page introuvable."),
}
# On every HTTP answer: no page of this server inside another site's frame.
FRAME_HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
]
FRAMED = {name for name, _ in FRAME_HEADERS}


def request_headers(scope: Scope) -> dict[str, str]:
    """The request's headers by lower-case name (latin-1, as HTTP has them), repeated ones joined by ", "."""
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers


def with_verdict(scope: Scope, verdict: Verdict) -> Scope:
    """The scope Streamlit sees: the verdict headers set by the guard alone, the client's address as client."""
    dropped = {name.encode() for name in VERDICT_HEADERS}
    headers = [(name, value) for name, value in scope.get("headers", []) if name.lower() not in dropped]
    headers += [
        (CLIENT_ADDRESS_HEADER.encode(), verdict.client_address.encode("latin-1", "replace")),
        (LOCAL_HEADER.encode(), b"oui" if verdict.local else b"non"),
        (GUARD_HEADER.encode(), GUARD_TOKEN.encode()),
    ]
    client = scope.get("client")
    port = client[1] if client else 0
    return {**scope, "headers": headers, "client": (verdict.client_address, port)}


async def refuse(scope: Scope, send: Send, refusal: Refusal) -> None:
    if scope["type"] == "websocket":
        # Closed before it is accepted: the server answers the handshake with 403, never 101.
        await send({"type": "websocket.close", "code": 1008})
        return
    status, text = REFUSALS[refusal]
    body = (text + "\n").encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *FRAME_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class ConnectionGuard:
    """ASGI middleware: judge, then refuse or pass on with the verdict (see the module docstring)."""

    def __init__(self, app: ASGIApp, policy: ConnectionPolicy | None = None) -> None:
        self.app = app
        # Read once, when the server starts: the environment does not change under a running server.
        self.policy = policy or ConnectionPolicy.from_environment()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = request_headers(scope)
        client = scope.get("client")
        verdict = judge(
            self.policy,
            peer=client[0] if client else None,
            scheme=str(scope.get("scheme", "http")),
            path=str(scope.get("path", "")),
            headers=headers,
            websocket=scope["type"] == "websocket",
        )
        if verdict.refusal is not None:
            LOGGER.warning(
                "Requête refusée (%s) : client %s, Host %r, Origin %r, chemin %s",
                verdict.refusal,
                verdict.client_address,
                headers.get("host"),
                headers.get("origin"),
                scope.get("path"),
            )
            await refuse(scope, send, verdict.refusal)
            return
        if scope["type"] == "websocket":
            await self.app(with_verdict(scope, verdict), receive, send)
            return

        async def send_unframed(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(name, value) for name, value in message.get("headers", []) if name.lower() not in FRAMED]
                message = {**message, "headers": [*kept, *FRAME_HEADERS]}
            await send(message)

        await self.app(with_verdict(scope, verdict), receive, send_unframed)
