"""Who is connecting: the client's address, and whether a request is really made to this server.

Pure decisions on what a connection shows (its peer address, scheme and headers); the ASGI guard
that applies them to every request is `connection_guard.py`, and the analysts' gate reads its
verdict (`views/access.py`). Four questions:

- **the client's address**: the address that connected, or, when that is a trusted proxy, the
  address it forwarded (X-Forwarded-For, read from the right as uvicorn reads it, else X-Real-IP).
  A forwarded address from anyone else is ignored: any client can write the header;
- **the Host**: one of the allowed names. A DNS-rebinding page reaches the server under its own
  name (`rebind.evil.example`), which is not one of them;
- **the Origin**: exactly the scheme, host and port the request was made to. A page elsewhere,
  even `http://localhost:1234`, is another origin and may not drive a session;
- **local**: a direct connection from this machine, to one of this machine's names, from one of
  its own pages, through no proxy. Only such a connection may open the analyst pages without a
  sign-in: behind a proxy every request comes from the proxy's address, whoever sent it.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from indicators.config import LOOPBACK_HOSTS, allowed_hosts, trusted_proxies

# Headers only a proxy writes: a request that carries one came through something that forwards.
FORWARDING_HEADERS = ("x-forwarded-for", "x-real-ip", "forwarded", "x-forwarded-host", "x-forwarded-proto")
# What the guard tells the page scripts (st.context.headers); any copy sent by a client is dropped.
CLIENT_ADDRESS_HEADER = "x-indicateurs-client-address"
LOCAL_HEADER = "x-indicateurs-local"
# Proof that the verdict was written by the guard of this very process: a value drawn at start that
# never leaves it. Without the guard (dashboard.py served directly, behind a proxy that passes
# every header on), a client could send a verdict of its own; it would lack this value.
GUARD_HEADER = "x-indicateurs-guard"
GUARD_TOKEN = secrets.token_hex(16)
VERDICT_HEADERS = (CLIENT_ADDRESS_HEADER, LOCAL_HEADER, GUARD_HEADER)
UNKNOWN_ADDRESS = "inconnue"
DEFAULT_PORTS = {"http": 80, "https": 443}
# Served only to a local connection: session counts and cache names (the sign-in throttle's among them).
LOCAL_ONLY_PATHS = ("/_stcore/metrics",)

Refusal = Literal["host", "origin", "local_only"]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class TrustedProxies:
    """The proxies whose forwarded addresses are believed (uvicorn's FORWARDED_ALLOW_IPS, same reading)."""

    networks: tuple[Network, ...] = ()
    everyone: bool = False

    @classmethod
    def parse(cls, entries: tuple[str, ...]) -> TrustedProxies:
        if "*" in entries:
            return cls(everyone=True)
        networks = []
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                continue  # uvicorn keeps such entries as literals that no IP address matches
        return cls(networks=tuple(networks))

    def trust(self, address: str | None) -> bool:
        if self.everyone:
            return True
        ip = as_ip(address)
        return ip is not None and any(ip in network for network in self.networks)


@dataclass(frozen=True)
class ConnectionPolicy:
    """The settings every request is judged by (`src/indicators/config.py`)."""

    allowed_hosts: frozenset[str]
    proxies: TrustedProxies

    @classmethod
    def from_environment(cls) -> ConnectionPolicy:
        return cls(allowed_hosts=allowed_hosts(), proxies=TrustedProxies.parse(trusted_proxies()))


@dataclass(frozen=True)
class Verdict:
    """What the guard decided about one request: served or refused (and why), from whom, local or not."""

    client_address: str
    local: bool
    refusal: Refusal | None = None


def as_ip(address: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((address or "").strip().strip("[]"))
    except ValueError:
        return None


def without_port(entry: str) -> str:
    """ "203.0.113.7:5123" → "203.0.113.7", "[2001:db8::1]:443" → "2001:db8::1" (as uvicorn reads them)."""
    entry = entry.strip()
    if entry.startswith("["):
        return entry[1 : entry.find("]")] if "]" in entry else entry
    return entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry


def client_address(peer: str | None, headers: Mapping[str, str], proxies: TrustedProxies) -> str:
    """The client's address: the peer, or what a trusted peer forwarded.

    X-Forwarded-For is read from the right, skipping trusted proxies, exactly as uvicorn's proxy
    middleware does: applied twice (by uvicorn, then here) it gives the same answer, so the result
    does not depend on whether the server already rewrote the peer. X-Real-IP counts only without
    X-Forwarded-For.
    """
    if not peer:
        return UNKNOWN_ADDRESS
    if not proxies.trust(peer):
        return peer
    forwarded_for = headers.get("x-forwarded-for", "").strip()
    if forwarded_for:
        hops = [without_port(hop) for hop in forwarded_for.split(",")]
        if proxies.everyone:
            return hops[0] or peer
        untrusted = [hop for hop in reversed(hops) if not proxies.trust(hop)]
        return (untrusted[0] if untrusted else hops[0]) or peer
    real_ip = headers.get("x-real-ip", "").strip()
    return real_ip if as_ip(real_ip) is not None else peer


def host_name(host: str | None) -> tuple[str, int | None] | None:
    """A Host header's name and port ("Example.fr.:8443" → ("example.fr", 8443)); None when malformed."""
    if not host:
        return None
    try:
        parts = urlsplit(f"//{host}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.username or parts.password or parts.path or parts.query or parts.fragment:
        return None
    return parts.hostname.lower().rstrip("."), port


def request_scheme(scope_scheme: str, peer: str | None, headers: Mapping[str, str], proxies: TrustedProxies) -> str:
    """ "http" or "https": as the client made the request (a trusted proxy's X-Forwarded-Proto, else the scope's)."""
    scheme = scope_scheme
    forwarded = headers.get("x-forwarded-proto", "").strip().lower()
    if proxies.trust(peer) and forwarded in ("http", "https", "ws", "wss"):
        scheme = forwarded
    return "https" if scheme in ("https", "wss") else "http"


def is_same_origin(origin: str, host: str | None, scheme: str) -> bool:
    """The Origin names exactly the scheme, host and port of the request (default ports made explicit)."""
    try:
        parts = urlsplit(origin)
        origin_port = parts.port
    except ValueError:
        return False
    requested = host_name(host)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or requested is None:
        return False
    name, port = requested
    return (
        parts.scheme == scheme
        and parts.hostname.lower().rstrip(".") == name
        and (origin_port or DEFAULT_PORTS[parts.scheme]) == (port or DEFAULT_PORTS[scheme])
    )


def judge(
    policy: ConnectionPolicy,
    *,
    peer: str | None,
    scheme: str,
    path: str,
    headers: Mapping[str, str],
    websocket: bool,
) -> Verdict:
    """Serve or refuse one request (`headers`: lower-case names, repeated ones joined by ", ").

    Refused: a Host that is not an allowed name; an Origin other than the request's own (and, on the
    WebSocket, none at all: browsers always send one); a local-only path from anywhere else.
    """
    address = client_address(peer, headers, policy.proxies)
    host = headers.get("host")
    parsed_host = host_name(host)
    origin = headers.get("origin")
    same_origin = origin is not None and is_same_origin(
        origin, host, request_scheme(scheme, peer, headers, policy.proxies)
    )
    forwarded = any(name in headers for name in FORWARDING_HEADERS)
    peer_ip = as_ip(peer)
    local = (
        not forwarded
        and peer_ip is not None
        and peer_ip.is_loopback
        and parsed_host is not None
        and parsed_host[0] in LOOPBACK_HOSTS
        and (same_origin or (origin is None and not websocket))
    )
    refusal: Refusal | None = None
    if parsed_host is None or parsed_host[0] not in policy.allowed_hosts:
        refusal = "host"
    elif (origin is not None or websocket) and not same_origin:
        refusal = "origin"
    elif path in LOCAL_ONLY_PATHS and not local:
        refusal = "local_only"
    return Verdict(client_address=address, local=local, refusal=refusal)


@dataclass(frozen=True)
class SessionConnection:
    """What a page script knows of its session's connection (the guard's verdict on its WebSocket)."""

    client_address: str
    local: bool


def session_connection(headers: Mapping[str, str]) -> SessionConnection:
    """The guard's verdict, read from the WebSocket handshake's headers (st.context.headers).

    Without the guard (a server started on dashboard.py rather than server.py, or AppTest), there is
    no verdict, or only one a client wrote without the guard's token: the session is then neither
    local nor from a known address.
    """
    if not hmac.compare_digest((headers.get(GUARD_HEADER) or "").encode(), GUARD_TOKEN.encode()):
        return SessionConnection(client_address=UNKNOWN_ADDRESS, local=False)
    address = (headers.get(CLIENT_ADDRESS_HEADER) or "").strip()
    return SessionConnection(
        client_address=address or UNKNOWN_ADDRESS,
        local=(headers.get(LOCAL_HEADER) or "").strip() == "oui",
    )
