"""Who connects, judged before Streamlit sees a request: the client's address, the Host, the Origin, local or not.

The first part checks the decisions on plain values (connections.py), the second the ASGI guard
around a stand-in app (connection_guard.py), the last the real server started by `server.py` on
loopback, attacked as the hostile probe of issue #24 did: a DNS-rebinding Host with a matching
Origin, and a page on `http://localhost:1234`, both got a WebSocket (101); both must be refused,
on plain HTTP and on the handshake.
"""

from __future__ import annotations

import asyncio
import http.client
import socket
from typing import Any
from urllib.parse import urlsplit

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from indicators.config import allowed_hosts, trusted_proxies
from indicators.connection_guard import ConnectionGuard
from indicators.connections import (
    GUARD_TOKEN,
    ConnectionPolicy,
    TrustedProxies,
    client_address,
    is_same_origin,
    judge,
    session_connection,
)

POLICY = ConnectionPolicy(
    allowed_hosts=frozenset({"localhost", "127.0.0.1", "::1", "tableau.example.fr"}),
    proxies=TrustedProxies.parse(("127.0.0.1", "10.0.8.0/24")),
)


def verdict(peer: str, headers: dict[str, str], websocket: bool = False, path: str = "/", scheme: str = "http"):
    return judge(POLICY, peer=peer, scheme=scheme, path=path, headers=headers, websocket=websocket)


# --- Decisions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "headers", "expected"),
    [
        ("198.51.100.7", {}, "198.51.100.7"),
        # Anyone may write X-Forwarded-For: from an untrusted peer it is ignored.
        ("198.51.100.7", {"x-forwarded-for": "127.0.0.1"}, "198.51.100.7"),
        ("198.51.100.7", {"x-real-ip": "127.0.0.1"}, "198.51.100.7"),
        # From a trusted proxy: the rightmost address that is not a trusted proxy (what a client
        # prepends itself is never reached).
        ("127.0.0.1", {"x-forwarded-for": "203.0.113.9"}, "203.0.113.9"),
        ("127.0.0.1", {"x-forwarded-for": "6.6.6.6, 203.0.113.9, 10.0.8.3"}, "203.0.113.9"),
        ("10.0.8.2", {"x-forwarded-for": "[2001:db8::5]:443"}, "2001:db8::5"),
        ("127.0.0.1", {"x-real-ip": "203.0.113.10"}, "203.0.113.10"),
        ("127.0.0.1", {"x-real-ip": "pas une adresse"}, "127.0.0.1"),
        ("127.0.0.1", {"x-forwarded-for": "203.0.113.9", "x-real-ip": "6.6.6.6"}, "203.0.113.9"),
    ],
)
def test_the_client_address_believes_only_trusted_proxies(peer, headers, expected):
    assert client_address(peer, headers, POLICY.proxies) == expected


def test_the_client_address_is_the_same_whether_or_not_the_server_already_rewrote_it():
    """uvicorn applies X-Forwarded-For from FORWARDED_ALLOW_IPS before the guard: applying it again changes nothing."""
    for chain in ("203.0.113.9", "6.6.6.6, 203.0.113.9, 10.0.8.3", "10.0.8.4, 127.0.0.1"):
        headers = {"x-forwarded-for": chain}
        once = client_address("127.0.0.1", headers, POLICY.proxies)
        assert client_address(once, headers, POLICY.proxies) == once


@pytest.mark.parametrize(
    ("origin", "host", "scheme", "same"),
    [
        ("http://127.0.0.1:8501", "127.0.0.1:8501", "http", True),
        ("https://tableau.example.fr", "tableau.example.fr", "https", True),
        ("https://tableau.example.fr:443", "tableau.example.fr", "https", True),
        ("https://TABLEAU.example.fr.", "tableau.example.fr:443", "https", True),
        ("http://localhost:1234", "localhost:8501", "http", False),
        ("http://localhost:8501", "127.0.0.1:8501", "http", False),
        ("http://tableau.example.fr", "tableau.example.fr", "https", False),
        ("https://tableau.example.fr:8443", "tableau.example.fr", "https", False),
        ("null", "127.0.0.1:8501", "http", False),
        ("http://127.0.0.1:8501", None, "http", False),
    ],
)
def test_same_origin_means_scheme_host_and_port(origin, host, scheme, same):
    assert is_same_origin(origin, host, scheme) is same


def test_a_rebinding_host_is_refused_with_or_without_a_matching_origin():
    rebound = {"host": "rebind.evil.example:8711", "origin": "http://rebind.evil.example:8711"}
    assert verdict("127.0.0.1", rebound, websocket=True).refusal == "host"
    assert verdict("127.0.0.1", {"host": "rebind.evil.example:8711"}).refusal == "host"
    assert verdict("127.0.0.1", {"host": "127.0.0.1:8711@evil"}).refusal == "host"
    assert verdict("127.0.0.1", {}).refusal == "host"


def test_another_page_on_this_machine_is_another_origin():
    foreign = {"host": "127.0.0.1:8711", "origin": "http://localhost:1234"}
    assert verdict("127.0.0.1", foreign, websocket=True).refusal == "origin"
    assert verdict("127.0.0.1", foreign).refusal == "origin"
    # Browsers always send an Origin on a WebSocket: a handshake without one is not a page of ours.
    assert verdict("127.0.0.1", {"host": "127.0.0.1:8711"}, websocket=True).refusal == "origin"


def test_only_a_direct_connection_from_this_machine_to_its_own_name_is_local():
    own = {"host": "127.0.0.1:8711", "origin": "http://127.0.0.1:8711"}
    assert verdict("127.0.0.1", own, websocket=True).local
    assert verdict("::1", {"host": "[::1]:8711", "origin": "http://[::1]:8711"}, websocket=True).local
    # Through a proxy on this machine: forwarded, so never local, whoever the client is.
    for forwarded in ({"x-forwarded-for": "127.0.0.1"}, {"x-real-ip": "127.0.0.1"}, {"forwarded": "for=1.2.3.4"}):
        assert not verdict("127.0.0.1", {**own, **forwarded}, websocket=True).local
    # Another machine, or this one under its public name: not local (but served).
    public = {"host": "tableau.example.fr", "origin": "http://tableau.example.fr"}
    assert not verdict("198.51.100.7", own, websocket=True).local
    served = verdict("127.0.0.1", public, websocket=True)
    assert served.refusal is None and not served.local


def test_metrics_are_for_a_local_connection_only():
    assert verdict("127.0.0.1", {"host": "127.0.0.1:8711"}, path="/_stcore/metrics").refusal is None
    through_proxy = {"host": "tableau.example.fr", "x-forwarded-for": "203.0.113.9"}
    assert verdict("127.0.0.1", through_proxy, path="/_stcore/metrics").refusal == "local_only"


def test_the_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("INDICATORS_ALLOWED_HOSTS", " Tableau.Example.fr., [2001:db8::1] ,")
    assert allowed_hosts() == {"tableau.example.fr", "2001:db8::1", "localhost", "127.0.0.1", "::1"}
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert trusted_proxies() == ("127.0.0.1", "::1")  # uvicorn's own default
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "172.28.0.10, 10.0.0.0/8")
    proxies = TrustedProxies.parse(trusted_proxies())
    assert proxies.trust("10.1.2.3") and proxies.trust("172.28.0.10") and not proxies.trust("127.0.0.1")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "")
    assert not TrustedProxies.parse(trusted_proxies()).trust("127.0.0.1")


def test_a_page_reads_the_guard_s_verdict_and_nothing_else():
    assert session_connection({}).client_address == "inconnue" and not session_connection({}).local
    verdict = {"x-indicateurs-client-address": "203.0.113.9", "x-indicateurs-local": "oui"}
    told = session_connection({**verdict, "x-indicateurs-guard": GUARD_TOKEN})
    assert told.client_address == "203.0.113.9" and told.local
    # Without the guard in front (dashboard.py served directly), a client's own verdict is ignored.
    for forged in ({}, {"x-indicateurs-guard": "devine"}, {"x-indicateurs-guard": ""}):
        assert session_connection({**verdict, **forged}) == session_connection({})


# --- The ASGI guard ---------------------------------------------------------------------------------


def run_guard(scope: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The messages the guard sends for one request, and the scope the app behind it received (None: refused)."""
    seen: dict[str, Any] = {}

    async def app(scope, receive, send):
        seen.update(scope)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"x-frame-options", b"SAMEORIGIN")]})
        await send({"type": "http.response.body", "body": b"ok"})

    sent: list[dict[str, Any]] = []

    async def receive():
        return {"type": "websocket.connect"}

    async def send(message):
        sent.append(message)

    asyncio.run(ConnectionGuard(app, POLICY)(scope, receive, send))
    return sent, (seen or None)


def scope_of(kind: str, headers: dict[str, str], client: str = "127.0.0.1", path: str = "/") -> dict[str, Any]:
    return {
        "type": kind,
        "scheme": "http" if kind == "http" else "ws",
        "path": path,
        "client": (client, 50123),
        "headers": [(name.encode(), value.encode()) for name, value in headers.items()],
    }


def test_the_guard_refuses_before_the_app_sees_anything():
    sent, seen = run_guard(scope_of("websocket", {"host": "rebind.evil.example:8711", "origin": "http://x"}))
    assert seen is None and sent == [{"type": "websocket.close", "code": 1008}]
    sent, seen = run_guard(scope_of("http", {"host": "rebind.evil.example:8711"}))
    assert seen is None and sent[0]["status"] == 400
    assert "refusée" in sent[1]["body"].decode("utf-8")
    sent, seen = run_guard(scope_of("http", {"host": "127.0.0.1:8711", "origin": "http://localhost:1234"}))
    assert seen is None and sent[0]["status"] == 403


def test_the_guard_passes_its_verdict_and_drops_a_forged_one():
    forged = {
        "host": "tableau.example.fr",
        "origin": "http://tableau.example.fr",
        "x-forwarded-for": "203.0.113.9",
        "x-indicateurs-local": "oui",
        "x-indicateurs-client-address": "127.0.0.1",
    }
    _, seen = run_guard(scope_of("websocket", forged))
    assert seen is not None
    headers = [(name.decode(), value.decode()) for name, value in seen["headers"]]
    assert ("x-indicateurs-local", "non") in headers and ("x-indicateurs-local", "oui") not in headers
    assert [value for name, value in headers if name == "x-indicateurs-client-address"] == ["203.0.113.9"]
    assert seen["client"] == ("203.0.113.9", 50123)
    assert session_connection(dict(headers)).client_address == "203.0.113.9"


def test_every_http_answer_refuses_to_be_framed():
    sent, _ = run_guard(scope_of("http", {"host": "127.0.0.1:8711"}))
    headers = dict(sent[0]["headers"])
    assert headers[b"x-frame-options"] == b"DENY"  # the app's own SAMEORIGIN replaced
    assert headers[b"content-security-policy"] == b"frame-ancestors 'none'"


# --- The served app (server.py), attacked as in issue #24 -------------------------------------------


def http_status(base: str, path: str, headers: dict[str, str]) -> int:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def handshake(base: str, host: str, origin: str | None) -> int:
    """The status of a WebSocket handshake to the server at `base`, naming `host` in its Host header
    (as a browser whose DNS answer was rebound would) and sending `origin` (101: accepted)."""
    parts = urlsplit(base)
    try:
        with (
            socket.create_connection((parts.hostname or "", parts.port or 80), timeout=30) as sock,
            connect(
                f"ws://{host}/_stcore/stream",
                sock=sock,
                subprotocols=[Subprotocol("streamlit")],
                additional_headers={"Origin": origin} if origin else {},
                open_timeout=30,
            ) as stream,
        ):
            assert stream.response is not None
            return stream.response.status_code
    except InvalidStatus as refused:
        return refused.response.status_code


def test_the_served_app_refuses_a_forged_host_or_origin_on_http_and_websocket(server):
    port = urlsplit(server).port
    own, rebound = f"127.0.0.1:{port}", f"rebind.evil.example:{port}"
    assert handshake(server, own, f"http://{own}") == 101
    assert handshake(server, rebound, f"http://{rebound}") == 403
    assert handshake(server, own, "http://localhost:1234") == 403
    assert handshake(server, own, None) == 403
    assert http_status(server, "/", {"Host": own}) == 200
    assert http_status(server, "/", {"Host": rebound}) == 400
    assert http_status(server, "/_stcore/health", {"Host": own, "Origin": "http://localhost:1234"}) == 403
    assert http_status(server, "/_stcore/metrics", {"Host": own}) == 200
    assert http_status(server, "/_stcore/metrics", {"Host": own, "X-Real-IP": "1.2.3.4"}) == 404
