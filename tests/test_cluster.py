"""The deployment for several servers, run for real: PostgreSQL, two Streamlit replicas, Debian's nginx.

deploy/local_cluster.py starts what compose.yaml describes, as processes on loopback, with the
shipped deploy/nginx.conf (only its addresses and certificate rewritten). Through nginx, these
tests show what a département relies on when it runs more than one app server:

- the proxy holds (issue #24): HTTPS only, the security headers on every answer, a
  Content-Security-Policy no page or slide violates in Chromium, metrics closed, a forged Host or
  Origin refused, rate limits where nginx can see requests;
- analysts sign in behind the proxy, and 20 wrong passwords from one client do not keep another
  one out (the attempts audited with each client's address, both replicas throttling alike);
- a session keeps its replica (cookie affinity, WebSocket upgrade); what one replica writes the
  other shows at its next rerun; a replica lost mid-session loses nothing and, restarted, takes
  sessions again; concurrent imports through both replicas are serialised, none lost.

Clients at other addresses than 127.0.0.1 reach nginx through a small TCP relay bound to
127.0.0.2, 127.0.0.3… (every 127.x address is this machine), so nginx sees distinct clients.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from browser_support import assert_no_error, wait_until_idle
from deploy.content_policy import STREAMLIT_PAGE, policy
from deploy.local_cluster import REPLICAS, Cluster, running_cluster
from indicators.config import REPO_ROOT
from indicators.pages import addresses as page_addresses
from indicators.store.postgres import PostgresStore, read_audit

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

COOKIE = "indicateurs_replica"
REPLICA_HEADER = "X-Indicateurs-Replica"
# Every violation of the page's Content-Security-Policy, as the browser reports it to the page.
LISTEN_FOR_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => window.__violations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sample || ""}`));
"""


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with running_cluster() as running:
        yield running


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: str


def request(
    cluster: Cluster, path: str, headers: dict[str, str] | None = None, method: str = "GET", source: str = "127.0.0.1"
) -> Answer:
    """One HTTPS request to nginx from `source` (any 127.x address)."""
    connection = http.client.HTTPSConnection(
        "127.0.0.1", cluster.proxy_port, timeout=30, context=cluster.tls_context(), source_address=(source, 0)
    )
    try:
        connection.request(method, path, headers=headers or {})
        answer = connection.getresponse()
        return Answer(answer.status, answer.headers, answer.read().decode("utf-8", "replace"))
    finally:
        connection.close()


def replica_cookie(answer: Answer) -> str | None:
    for value in answer.headers.get_all("Set-Cookie") or []:
        if value.startswith(f"{COOKIE}="):
            return value.split(";")[0].split("=", 1)[1]
    return None


def get(cluster: Cluster, path: str, cookie: str | None = None) -> tuple[int, str | None, str | None]:
    """Status, the replica nginx chose, and the affinity cookie it set, for one request."""
    answer = request(cluster, path, {"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    return answer.status, answer.headers.get(REPLICA_HEADER), replica_cookie(answer)


def served_by(cluster: Cluster, cookie: str | None = None) -> str | None:
    _, upstream, _ = get(cluster, "/_stcore/health", cookie)
    return cluster.replica_of(upstream or "")


def cookie_for(cluster: Cluster, replica: str) -> str:
    """An affinity cookie value nginx routes to `replica` (nginx hashes the value: try a few)."""
    for number in range(200):
        if served_by(cluster, f"essai-{number}") == replica:
            return f"essai-{number}"
    raise AssertionError(f"aucun cookie ne mène à {replica}")


def new_context(browser: Browser, cluster: Cluster, replica: str | None = None) -> BrowserContext:
    """A browser (its certificate check off: the cluster's is self-signed) listening for policy
    violations; with `replica`, one nginx sends to that replica (as its own earlier visit would have)."""
    context = browser.new_context(viewport={"width": 1400, "height": 2000}, locale="fr-FR", ignore_https_errors=True)
    context.add_init_script(LISTEN_FOR_VIOLATIONS)
    if replica is not None:
        context.add_cookies([{"name": COOKIE, "value": cookie_for(cluster, replica), "url": cluster.url}])
    return context


def pinned_page(browser: Browser, cluster: Cluster, replica: str) -> tuple[BrowserContext, Page]:
    context = new_context(browser, cluster, replica)
    return context, context.new_page()


def violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__violations || []"))


def main_text_at(page: Page, url: str) -> str:
    """Open `url` and wait for its script run to end: the text of the page's main area."""
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    wait_until_idle(page)
    return page.locator("[data-testid='stMain']").inner_text()


def sign_in(page: Page, password: str) -> str:
    """Submit the analyst password on the page's sign-in form; the page's error, or "" once signed in."""
    page.locator("input[type='password']").fill(password)
    page.locator("[data-testid='stFormSubmitButton'] button").click()
    page.wait_for_function(
        """() => document.querySelector("[data-testid='stAlertContentError']")
                 || !document.querySelector("input[type='password']")""",
        timeout=60_000,
    )
    wait_until_idle(page)
    errors = page.locator("[data-testid='stAlertContentError']").all_inner_texts()
    return " ".join(errors)


def open_analyst_page(page: Page, cluster: Cluster, path: str) -> str:
    """An analyst page through nginx: its sign-in form first (a new session each time), then the page."""
    main_text_at(page, f"{cluster.url}/{path}")
    assert page.locator("input[type='password']").count() == 1, "derrière nginx, jamais sans connexion"
    assert sign_in(page, cluster.analyst_password) == ""
    return page.locator("[data-testid='stMain']").inner_text()


def upload(page: Page, cluster: Cluster, path: Path) -> None:
    """Open the import page, sign in, choose the file and wait for its preview (nothing written yet)."""
    open_analyst_page(page, cluster, "importer")
    with page.expect_file_chooser() as chooser:
        page.locator("[data-testid='stFileUploaderDropzone'] button").click()
    chooser.value.set_files(str(path))
    page.get_by_role("button", name="Confirmer l'import").wait_for(timeout=60_000)
    wait_until_idle(page)


def field_file(folder: Path, name: str, commune: str, value: int) -> Path:
    """Twelve monthly counts of one commune in 2026, as an analyst's spreadsheet saves them."""
    lines = ["Indicateur;Code commune;Période;Valeur"]
    lines += [f"consultations_sexologie;{commune};2026-{month:02d};{value}" for month in range(1, 13)]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def versions(cluster: Cluster) -> list[int]:
    return [info.version for info in PostgresStore(cluster.database_url).versions()]


@contextmanager
def relay_from(source: str, cluster: Cluster) -> Iterator[str]:
    """An address (https://127.0.0.1:<port>) whose connections reach nginx from `source`, another
    loopback address: to nginx, a distinct client. A plain TCP relay: TLS goes through untouched."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def pump(reader: socket.socket, writer: socket.socket) -> None:
        try:
            while data := reader.recv(65536):
                writer.sendall(data)
        except OSError:
            pass
        finally:
            for end in (reader, writer):
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def accept() -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", cluster.proxy_port), source_address=(source, 0))
            for ends in ((client, upstream), (upstream, client)):
                threading.Thread(target=pump, args=ends, daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        listener.close()


# --- The proxy holds (issue #24) ---------------------------------------------------------------------


# The script Streamlit's page loads (a static file, served by the replica).
STREAMLIT_SCRIPT = "/" + re.search(r'src="\./(static/js/index\.[^"]+\.js)"', STREAMLIT_PAGE.read_text()).group(1)
SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=63072000",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def test_plain_http_only_redirects_to_https(cluster):
    connection = http.client.HTTPConnection("127.0.0.1", cluster.http_port, timeout=30)
    try:
        connection.request("GET", "/tendances?indicateur=x")
        answer = connection.getresponse()
    finally:
        connection.close()
    assert answer.status == 301
    assert answer.headers["Location"] == f"{cluster.url}/tendances?indicateur=x"
    assert not answer.headers.get_all("Set-Cookie"), "rien n'est servi en clair"


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/", {}, 200),
        ("/importer", {}, 200),
        ("/_stcore/health", {}, 200),
        ("/_stcore/host-config", {}, 200),
        (STREAMLIT_SCRIPT, {}, 200),
        ("/media/absent.png", {}, 404),
        ("/_stcore/metrics", {}, 404),
        ("/_stcore/agent/openapi.json", {}, 404),
        ("/", {"Host": "rebind.evil.example"}, 400),
        ("/_stcore/health", {"Origin": "https://evil.example"}, 403),
    ],
)
def test_every_answer_through_nginx_carries_the_security_headers(cluster, path, headers, status):
    answer = request(cluster, path, headers)
    assert answer.status == status
    for name, value in SECURITY_HEADERS.items():
        assert answer.headers.get_all(name) == [value], name
    # One policy, nginx's: the app's own anti-framing header (connection_guard.py) is hidden.
    assert answer.headers.get_all("Content-Security-Policy") == [policy()]
    assert "frame-ancestors 'none'" in policy() and "'unsafe-inline'" not in policy().split("; ")[1]
    permissions = answer.headers["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions
    cookies = answer.headers.get_all("Set-Cookie") or []
    assert [cookie for cookie in cookies if cookie.startswith(f"{COOKIE}=")], "le cookie d'affinité est posé"
    for cookie in cookies:
        flags = {flag.strip().lower() for flag in cookie.split(";")[1:]}
        assert "secure" in flags, cookie
        if cookie.startswith(f"{COOKIE}="):
            assert "httponly" in flags
    if status in (404, 400, 403):
        # A refusal says so in French, whoever answers it (the app, or nginx for a closed path).
        assert any(word in answer.body for word in ("introuvable", "refusée")), answer.body
    if path == "/_stcore/health" and status == 200:
        # Streamlit's XSRF cookie, which its page must read (never HttpOnly), is Secure behind nginx.
        assert any(cookie.startswith("_streamlit_xsrf=") for cookie in cookies)


def test_metrics_are_closed_outside_but_answer_on_the_replica_s_own_machine(cluster):
    assert request(cluster, "/_stcore/metrics").status == 404
    with urllib.request.urlopen(f"{cluster.replica_url('app1')}/_stcore/metrics", timeout=30) as answer:
        assert answer.status == 200


def handshake(cluster: Cluster, origin: str, source: str = "127.0.0.1", host: str | None = None) -> int:
    """A WebSocket handshake through nginx (wss), from `source`, with this Origin: its status (101 accepted).

    A handshake left unanswered for 30 s is tried once more: on a loaded two-core machine, the whole
    suite running beside the cluster, one went unanswered in each of two of three runs (not
    understood yet: noted on issue 26); a second silence fails the test."""
    try:
        return handshake_once(cluster, origin, source, host)
    except TimeoutError:
        return handshake_once(cluster, origin, source, host)


def handshake_once(cluster: Cluster, origin: str, source: str, host: str | None) -> int:
    address = f"wss://{host or f'127.0.0.1:{cluster.proxy_port}'}/_stcore/stream"
    try:
        with (
            socket.create_connection(("127.0.0.1", cluster.proxy_port), source_address=(source, 0)) as sock,
            connect(
                address,
                sock=sock,
                ssl=cluster.tls_context(),
                server_hostname="127.0.0.1",
                subprotocols=[Subprotocol("streamlit")],
                additional_headers={"Origin": origin},
                open_timeout=30,
            ) as stream,
        ):
            assert stream.response is not None
            return stream.response.status_code
    except InvalidStatus as refused:
        return refused.response.status_code


def test_a_forged_host_or_a_foreign_origin_gets_no_websocket_through_nginx(cluster):
    assert handshake(cluster, cluster.url) == 101
    assert handshake(cluster, "https://evil.example") == 403
    assert handshake(cluster, f"http://127.0.0.1:{cluster.proxy_port}") == 403  # the wrong scheme
    rebound = f"rebind.evil.example:{cluster.proxy_port}"
    assert handshake(cluster, f"https://{rebound}", host=rebound) == 403


def test_no_analyst_page_without_signing_in_behind_nginx(cluster, browser):
    """Even from this very machine: through the proxy, a client is never the local analyst."""
    context = new_context(browser, cluster)
    page = context.new_page()
    try:
        for path in page_addresses("analyst"):
            text = main_text_at(page, f"{cluster.url}/{path}")
            assert "Page réservée aux analystes" in text and "Accès analyste ouvert" not in text
            assert not page.locator("[data-testid='stFileUploaderDropzone']").count()
            assert not page.get_by_role("button", name="Rétablir cette version").count()
            assert sign_in(page, "pas le bon") == "Mot de passe incorrect."
            assert "Page réservée aux analystes" in page.locator("[data-testid='stMain']").inner_text()
        text = open_analyst_page(page, cluster, "importer")
        assert page.locator("[data-testid='stFileUploaderDropzone']").count() == 1, text
        assert_no_error(page, "cluster_importer_apres_connexion")
        assert violations(page) == []
    finally:
        context.close()


def test_every_page_and_slide_runs_under_the_policy_without_a_violation(cluster, browser):
    """Every page (the analyst's ones signed in) in French and in English, and every slide of the
    presenter mode: no securitypolicyviolation event, no console message about the policy."""
    context = new_context(browser, cluster)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda message: messages.append(message.text))
    # Every answer the browser gets from nginx (documents, scripts, styles, fonts, images, health
    # checks), and the security headers it lacks.
    unguarded: dict[str, list[str]] = {}
    answers = []
    expected = {name.lower(): value for name, value in SECURITY_HEADERS.items()}
    expected["content-security-policy"] = policy()

    def check(response: Response) -> None:
        answers.append(response.url)
        headers = response.all_headers()
        missing = [name for name, value in expected.items() if headers.get(name) != value]
        if missing:
            unguarded[response.url] = missing

    page.on("response", check)
    seen: dict[str, list[str]] = {}
    try:
        addresses = [f"{path}?lang={language}" for language in ("fr", "en") for path in page_addresses()]
        first_slide = main_text_at(page, f"{cluster.url}/?mode=presentation&slide=1")
        slides = int(re.search(r"1 / (\d+)", first_slide).group(1))
        addresses += [f"?mode=presentation&slide={number}" for number in range(1, slides + 1)]
        addresses += ["?mode=presentation&slide=1&lang=en"]
        for address in addresses:
            messages.clear()
            path = address.split("?")[0]
            if path in page_addresses("analyst"):
                open_analyst_page(page, cluster, address)
            else:
                main_text_at(page, f"{cluster.url}/{address}")
            # What appears on demand: an expander's table, a chart's hover and mode bar.
            for expander in page.locator("[data-testid='stExpander'] summary").all()[:1]:
                expander.click()
            for chart in page.locator("[data-testid='stPlotlyChart']").all()[:1]:
                chart.hover()
            wait_until_idle(page)
            seen[address] = violations(page) + [text for text in messages if "Content Security Policy" in text]
        page.screenshot(path=str(REPO_ROOT / "artifacts" / "screenshots" / "cluster_csp_derniere.png"))
    finally:
        context.close()
    assert slides >= 5 and len(seen) == 2 * len(page_addresses()) + slides + 1
    assert {address: found for address, found in seen.items() if found} == {}
    assert len(answers) > 100 and unguarded == {}


def test_a_session_keeps_its_replica_and_new_sessions_use_both(cluster):
    first_visits = [get(cluster, "/") for _ in range(24)]
    assert all(status == 200 for status, _, _ in first_visits)
    # A first visit is routed on its own request id, which becomes its cookie.
    chosen = {cluster.replica_of(upstream or "") for _, upstream, _ in first_visits}
    assert chosen == set(REPLICAS)
    for _, upstream, cookie in first_visits[:6]:
        assert cookie, "nginx pose le cookie d'affinité"
        again = {cluster.replica_of(get(cluster, "/", cookie)[1] or "") for _ in range(5)}
        assert again == {cluster.replica_of(upstream or "")}


def test_the_websocket_is_upgraded_through_nginx_to_the_session_s_replica(cluster):
    for replica in REPLICAS:
        cookie = cookie_for(cluster, replica)
        address = cluster.url.replace("https://", "wss://") + "/_stcore/stream"
        with connect(
            address,
            ssl=cluster.tls_context(),
            subprotocols=[Subprotocol("streamlit")],
            additional_headers={"Origin": cluster.url, "Cookie": f"{COOKIE}={cookie}"},
            open_timeout=30,
        ) as stream:
            assert stream.response is not None and stream.response.status_code == 101
            assert cluster.replica_of(stream.response.headers.get(REPLICA_HEADER, "")) == replica


def test_what_one_replica_imports_the_other_shows_at_its_next_rerun(cluster, browser, tmp_path):
    context_a, page_a = pinned_page(browser, cluster, "app1")
    context_b, page_b = pinned_page(browser, cluster, "app2")
    try:
        before = main_text_at(page_b, f"{cluster.url}/")
        assert "Données fictives de démonstration" in before
        upload(page_a, cluster, field_file(tmp_path, "antony_2026.csv", "92002", 7))
        page_a.get_by_role("button", name="Confirmer l'import").click()
        page_a.get_by_text("Import enregistré : version 1").wait_for(timeout=60_000)
        assert versions(cluster) == [1]
        # B's session, open since before the import, reruns (a page of the navigation) without restart.
        page_b.get_by_role("link", name="Tendances").click()
        page_b.get_by_text("antony_2026.csv").first.wait_for(timeout=60_000)
        wait_until_idle(page_b)
        after = page_b.locator("[data-testid='stMain']").inner_text()
        assert "Données fictives de démonstration" not in after
        assert "antony_2026.csv" in after  # the source line names the file imported through A
        assert_no_error(page_b, "cluster_b_apres_import_sur_a")
        assert violations(page_a) == [] and violations(page_b) == []
    finally:
        context_a.close()
        context_b.close()


def test_a_replica_killed_mid_session_loses_nothing_and_rejoins_when_restarted(cluster, browser):
    cookie_a = cookie_for(cluster, "app1")
    context, page = pinned_page(browser, cluster, "app1")
    try:
        main_text_at(page, f"{cluster.url}/tendances")
        kept = versions(cluster)
        cluster.stop_replica("app1", kill=True)
        # Its sessions and new ones go to B; the store is whole and readable.
        assert {served_by(cluster, cookie_a) for _ in range(5)} == {"app2"}
        assert {served_by(cluster) for _ in range(10)} == {"app2"}
        assert versions(cluster) == kept
        text = main_text_at(page, f"{cluster.url}/tendances")
        assert "antony_2026.csv" in text and "Données fictives de démonstration" not in text
        assert_no_error(page, "cluster_apres_perte_de_a")
        assert violations(page) == []
    finally:
        context.close()
    cluster.start_replica("app1")
    # nginx tries A again once its fail_timeout (10 s) is over: A's cookie leads to A again.
    for _ in range(60):
        if served_by(cluster, cookie_a) == "app1":
            break
        time.sleep(0.5)
    assert served_by(cluster, cookie_a) == "app1"
    assert versions(cluster) == kept


def test_a_rollback_on_one_replica_is_seen_by_the_other(cluster, browser):
    context_a, page_a = pinned_page(browser, cluster, "app1")
    context_b, page_b = pinned_page(browser, cluster, "app2")
    try:
        assert "antony_2026.csv" in main_text_at(page_a, f"{cluster.url}/tendances")
        latest = max(versions(cluster))
        open_analyst_page(page_b, cluster, "historique")
        page_b.get_by_label("Version à rétablir").click()
        page_b.get_by_role("option", name="version 0 (données fictives de démonstration)").click()
        wait_until_idle(page_b)
        page_b.get_by_text(f"Je confirme : créer la version {latest + 1}, identique à la version 0").click()
        wait_until_idle(page_b)
        page_b.get_by_role("button", name="Rétablir cette version").click()
        page_b.get_by_text(f"Version {latest + 1} créée : contenu de la version 0.").wait_for(timeout=60_000)
        assert max(versions(cluster)) == latest + 1
        # A's session, open on the imported data, reruns on another page: the demo data are back.
        page_a.get_by_role("link", name="Vue d'ensemble").click()
        page_a.get_by_text("Données fictives de démonstration").first.wait_for(timeout=60_000)
        wait_until_idle(page_a)
        assert_no_error(page_a, "cluster_a_apres_retour_sur_b")
        assert violations(page_a) == [] and violations(page_b) == []
    finally:
        context_a.close()
        context_b.close()


def test_imports_confirmed_at_once_through_both_replicas_are_both_kept(cluster, browser, tmp_path):
    context_a, page_a = pinned_page(browser, cluster, "app1")
    context_b, page_b = pinned_page(browser, cluster, "app2")
    try:
        before = max(versions(cluster))
        upload(page_a, cluster, field_file(tmp_path, "clamart_2026.csv", "92023", 11))
        upload(page_b, cluster, field_file(tmp_path, "sceaux_2026.csv", "92071", 13))
        # Both clicks before either answer: the two commits race on the shared database.
        page_a.get_by_role("button", name="Confirmer l'import").click(no_wait_after=True)
        page_b.get_by_role("button", name="Confirmer l'import").click(no_wait_after=True)
        page_a.get_by_text("Import enregistré").wait_for(timeout=60_000)
        page_b.get_by_text("Import enregistré").wait_for(timeout=60_000)
        assert versions(cluster)[-2:] == [before + 1, before + 2]
        latest = PostgresStore(cluster.database_url).read()
        assert latest is not None
        kept = latest.loc[latest["indicator_id"] == "consultations_sexologie"].groupby("territory_code")["value"].sum()
        # The second commit was re-merged on the first: both communes' twelve months are there.
        assert kept["92023"] == 12 * 11 and kept["92071"] == 12 * 13
    finally:
        context_a.close()
        context_b.close()


# --- The sign-in throttle, per client, shared by the replicas (issue #24) -----------------------------


def test_twenty_wrong_passwords_from_one_client_do_not_lock_out_another(cluster, browser):
    """Client A (127.0.0.2) tries 20 wrong passwords, alternately on each replica; client B
    (127.0.0.3) then signs in at once. A's own replica-by-replica counts would stay under the free
    attempts for a while: a throttle message on a replica that has seen fewer than three of A's
    failures shows the replicas share A's record (the audit log in PostgreSQL)."""
    attacker, analyst = "127.0.0.2", "127.0.0.3"
    with relay_from(attacker, cluster) as via_a, relay_from(analyst, cluster) as via_b:
        pages: list[Page] = []
        contexts = [new_context(browser, cluster, replica) for replica in REPLICAS]
        try:
            for context in contexts:
                page = context.new_page()
                main_text_at(page, f"{via_a}/importer")
                pages.append(page)
            failures = dict.fromkeys(REPLICAS, 0)
            learnt_from_the_other_replica = False
            outcomes = []
            for attempt in range(20):
                replica = REPLICAS[attempt % 2]
                message = sign_in(pages[attempt % 2], f"mauvais {attempt}")
                outcomes.append(message)
                if message == "Mot de passe incorrect.":
                    failures[replica] += 1
                else:
                    assert "Trop d'essais infructueux depuis cette adresse" in message
                    learnt_from_the_other_replica |= failures[replica] < 3
            assert sum("Trop d'essais" in outcome for outcome in outcomes) >= 10, outcomes
            assert learnt_from_the_other_replica, outcomes
            for page in pages:
                assert violations(page) == []
        finally:
            for context in contexts:
                context.close()

        context = new_context(browser, cluster)
        page = context.new_page()
        try:
            main_text_at(page, f"{via_b}/importer")
            assert sign_in(page, cluster.analyst_password) == "", "B entre aussitôt, malgré les essais de A"
            assert page.locator("[data-testid='stFileUploaderDropzone']").count() == 1
            assert_no_error(page, "cluster_b_connecte_apres_les_essais_de_a")
        finally:
            context.close()

    sign_ins = [entry for entry in read_audit(cluster.database_url) if entry["action"] == "connexion"]
    from_a = [entry for entry in sign_ins if entry["client_address"] == attacker]
    from_b = [entry for entry in sign_ins if entry["client_address"] == analyst]
    assert len(from_a) == 20, "every attempt is audited with its client's address, throttled ones included"
    assert {entry["result"] for entry in from_a} == {"échec", "refusée (trop d'essais)"}
    assert [entry["result"] for entry in from_b] == ["réussie"]
    assert all(entry["method"] == "mot de passe" for entry in from_a + from_b)
    assert not [entry for entry in sign_ins if "mauvais" in str(entry) or cluster.analyst_password in str(entry)]


def test_nginx_limits_what_it_can_see_per_client_address(cluster):
    """New WebSockets and uploads beyond their rate get 429 from nginx, before any replica; a
    client at another address is not affected. (Password attempts travel inside the WebSocket:
    the app throttles those, above.)"""
    flood = "127.0.0.5"
    # A foreign Origin: each handshake nginx lets through is refused by the app at once (no session).
    statuses = [handshake(cluster, "https://evil.example", source=flood) for _ in range(75)]
    assert set(statuses) == {403, 429} and statuses[:60] == [403] * 60
    uploads = [request(cluster, "/_stcore/upload_file/s/f", method="PUT", source=flood) for _ in range(15)]
    assert 429 in [answer.status for answer in uploads] and uploads[0].status != 429
    assert "Trop de requêtes" in uploads[-1].body
    assert handshake(cluster, cluster.url, source="127.0.0.6") == 101
