"""The deployment for several servers, run for real: PostgreSQL, two Streamlit replicas, Debian's nginx.

deploy/local_cluster.py starts what compose.yaml describes, as processes on loopback, with the
shipped deploy/nginx.conf (only its addresses rewritten). Through nginx, these tests show what a
département relies on when it runs more than one app server: a session keeps its replica (cookie
affinity, WebSocket upgrade); what one replica writes the other shows at its next rerun; a replica
lost mid-session loses nothing and, restarted, takes sessions again; concurrent imports through
both replicas are serialised, none lost.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from browser_support import assert_no_error, wait_until_idle
from deploy.local_cluster import REPLICAS, Cluster, running_cluster
from indicators.store.postgres import PostgresStore

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

COOKIE = "indicateurs_replica"
REPLICA_HEADER = "X-Indicateurs-Replica"


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with running_cluster() as running:
        yield running


def get(url: str, cookie: str | None = None) -> tuple[int, str | None, str | None]:
    """Status, the replica nginx chose, and the affinity cookie it set, for one request."""
    request = urllib.request.Request(url, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as answer:
        set_cookie = answer.headers.get("Set-Cookie") or ""
        value = set_cookie.split(";")[0].split("=", 1)[1] if set_cookie.startswith(f"{COOKIE}=") else None
        return answer.status, answer.headers.get(REPLICA_HEADER), value


def served_by(cluster: Cluster, cookie: str | None = None) -> str | None:
    _, upstream, _ = get(f"{cluster.url}/_stcore/health", cookie)
    return cluster.replica_of(upstream or "")


def cookie_for(cluster: Cluster, replica: str) -> str:
    """An affinity cookie value nginx routes to `replica` (nginx hashes the value: try a few)."""
    for number in range(200):
        if served_by(cluster, f"essai-{number}") == replica:
            return f"essai-{number}"
    raise AssertionError(f"aucun cookie ne mène à {replica}")


def pinned_page(browser: Browser, cluster: Cluster, replica: str) -> tuple[BrowserContext, Page]:
    """A browser whose sessions nginx sends to `replica` (as its own earlier visit would have)."""
    context = browser.new_context(viewport={"width": 1400, "height": 2000}, locale="fr-FR")
    context.add_cookies([{"name": COOKIE, "value": cookie_for(cluster, replica), "url": cluster.url}])
    return context, context.new_page()


def open_page(page: Page, url: str) -> str:
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    wait_until_idle(page)
    return page.locator("[data-testid='stMain']").inner_text()


def upload(page: Page, cluster: Cluster, path: Path) -> None:
    """Open the import page, choose the file and wait for its preview (nothing written yet)."""
    open_page(page, f"{cluster.url}/importer")
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


def test_a_session_keeps_its_replica_and_new_sessions_use_both(cluster):
    first_visits = [get(f"{cluster.url}/") for _ in range(24)]
    assert all(status == 200 for status, _, _ in first_visits)
    # A first visit is routed on its own request id, which becomes its cookie.
    chosen = {cluster.replica_of(upstream or "") for _, upstream, _ in first_visits}
    assert chosen == set(REPLICAS)
    for _, upstream, cookie in first_visits[:6]:
        assert cookie, "nginx pose le cookie d'affinité"
        again = {cluster.replica_of(get(f"{cluster.url}/", cookie)[1] or "") for _ in range(5)}
        assert again == {cluster.replica_of(upstream or "")}


def test_the_websocket_is_upgraded_through_nginx_to_the_session_s_replica(cluster):
    for replica in REPLICAS:
        cookie = cookie_for(cluster, replica)
        address = cluster.url.replace("http://", "ws://") + "/_stcore/stream"
        with connect(
            address,
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
        before = open_page(page_b, f"{cluster.url}/")
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
    finally:
        context_a.close()
        context_b.close()


def test_a_replica_killed_mid_session_loses_nothing_and_rejoins_when_restarted(cluster, browser):
    cookie_a = cookie_for(cluster, "app1")
    context, page = pinned_page(browser, cluster, "app1")
    try:
        open_page(page, f"{cluster.url}/tendances")
        kept = versions(cluster)
        cluster.stop_replica("app1", kill=True)
        # Its sessions and new ones go to B; the store is whole and readable.
        assert {served_by(cluster, cookie_a) for _ in range(5)} == {"app2"}
        assert {served_by(cluster) for _ in range(10)} == {"app2"}
        assert versions(cluster) == kept
        text = open_page(page, f"{cluster.url}/tendances")
        assert "antony_2026.csv" in text and "Données fictives de démonstration" not in text
        assert_no_error(page, "cluster_apres_perte_de_a")
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
        assert "antony_2026.csv" in open_page(page_a, f"{cluster.url}/tendances")
        latest = max(versions(cluster))
        open_page(page_b, f"{cluster.url}/historique")
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
