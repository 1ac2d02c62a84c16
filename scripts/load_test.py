"""A room full of viewers: N concurrent sessions in headless Chromium against one served app.

    .venv/bin/python scripts/load_test.py [--sessions 20] [--rows 1000000] [--ramp S] [--think S]
                                          [--shared-cache | --protocol] [--pages PATH ...] [--json]

Serves the dashboard (`streamlit run`, loopback only, a free port) on a temporary copy of
data/ whose store holds `--rows` generated field observations (`--rows 0`: the shipped demo
data), warms it up with one session, then opens `--sessions` browser contexts at once (or over
`--ramp` seconds; `--shared-cache`: tabs of one context); each visits every page through the
sidebar, as a viewer would (`--think` seconds on each page), in one Streamlit session. Reported:
time to a rendered chart (`.js-plotly-plot .main-svg` visible) and to a finished page, p50 and
p95, and the server's resident memory (VmRSS) before and after, per session. Any exception box
or error message on any page fails the run (exit 1). Nothing is written under data/. Targets: docs/PERFORMANCE.md.

`--protocol` leaves the browser out: each session speaks Streamlit's websocket protocol itself
(a rerun request per page, as the frontend sends it) and is timed until the chart's figure and
the page's last message have arrived. That is the server's share alone, the part a real room's
viewers do not run on the server's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, TypedDict

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO_ROOT / "src"), str(REPO_ROOT)]  # the package, and benchmarks/

# Imported once the path above holds the package and benchmarks/ (the script runs from a checkout).
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize  # noqa: E402
from playwright.async_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from benchmarks.bench import fresh_data_folder, import_file, write_bench_csv  # noqa: E402
from indicators.chromium import QUIET_FLAGS  # noqa: E402
from indicators.config import chromium_path  # noqa: E402
from indicators.pages import addresses  # noqa: E402

CHROMIUM = chromium_path()
CHROMIUM_ARGS = list(QUIET_FLAGS)
# A traceback box, or an error message (the pages' error boundary says what went wrong in French: a
# page that shows one under load has failed as surely as one with a traceback).
EXCEPTION = "[data-testid='stException'], [data-testid='stAlertContentError']"
CHART = ".js-plotly-plot .main-svg"
# The page has its new title, the script run is over and no element of the previous page is left.
PAGE_DONE = """(previous) => {
    const title = document.querySelector('h1');
    return title !== null && title.innerText.trim() !== '' && title.innerText !== previous
        && document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]');
}"""
# What the page looks like when it does not finish, for the error message.
PAGE_STATE = """() => ({
    path: location.pathname, title: document.querySelector('h1')?.innerText ?? null,
    script: document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') ?? null,
    stale: document.querySelectorAll('[data-stale="true"]').length,
})"""
CLICK_ATTEMPTS = 3
CLICK_WAIT_MS = 20_000
TARGET_P95_S = 5.0
TARGET_GROWTH_MB = 30.0


class Visit(TypedDict):
    """One page seen by one session: its title, when its chart and the page were done, its errors."""

    path: str
    title: str | None
    chart_s: float | None
    ready_s: float | None
    errors: list[str]


def page_paths() -> list[str]:
    """URL path of every registered page ("" for the default page): indicators/pages.py."""
    return addresses()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def rss_mb(pids: list[int]) -> float:
    """Resident memory of the server processes together (one, or every replica behind a proxy)."""
    total = 0.0
    for pid in pids:
        lines = [line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:")]
        if not lines:
            raise RuntimeError(f"VmRSS introuvable pour le processus {pid}")
        total += int(lines[0].split()[1]) / 1024
    return total


def cpu_seconds(pid: int, children: bool = False) -> float:
    """User + system CPU time of a process so far (/proc/PID/stat, in clock ticks); with
    `children`, also that of its children that have exited and been waited for."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def browser_cpu_seconds() -> float:
    """CPU time of every Chromium process alive now, their exited renderers included (a closed
    tab's renderer is waited for by its parent, and counted there): the browsers' share."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if "chrom" in stat.read_text().split("(", 1)[1].split(")", 1)[0]:
                total += cpu_seconds(int(stat.parent.name), children=True)
        except (OSError, IndexError, ValueError):
            continue  # a process that ended while being read
    return total


def prepare_data(workdir: Path, rows: int) -> Path:
    """A data folder whose store holds `rows` generated observations; one left in a kept `--workdir`
    by an earlier run is used again (its protected lattice included: the run then starts warm)."""
    folder = workdir / f"data_{rows}"
    if (folder / "territories.csv").exists():
        return folder
    folder = fresh_data_folder(folder, rows)
    if rows:
        import_file(write_bench_csv(workdir / f"observations_{rows}.csv", rows), folder)
    return folder


def serve(folder: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO_ROOT / "server.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    environment = {
        **os.environ,
        "INDICATORS_DATA_DIR": str(folder),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(REPO_ROOT / "src"), str(REPO_ROOT), os.environ.get("PYTHONPATH")])
        ),
    }
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"le serveur s'est arrêté (voir {log})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise RuntimeError(f"le serveur n'a pas répondu en 90 s (voir {log})")


async def new_context(browser: Browser) -> BrowserContext:
    """A viewer's browser; a certificate error is taken as is (nginx of scripts/cluster.sh is self-signed)."""
    return await browser.new_context(viewport=VIEWPORT, locale="fr-FR", ignore_https_errors=True)


async def visit(
    page: Page, base: str, path: str, previous: str | None, first: bool, timeout_ms: int, chart_wait_ms: int
) -> Visit:
    """Open one page (the first by its address, the next ones through the sidebar) and time it.

    Plotly is loaded lazily after the script run: a page whose charts are known (`chart_wait_ms`
    is then the full timeout) is timed until its first chart is drawn; any other page is given
    `chart_wait_ms` for a chart to show up (the warm-up finds which pages draw one).
    """
    start = time.monotonic()
    if first:
        await page.goto(f"{base}/{path}", timeout=timeout_ms)
    else:
        link = page.locator(
            f"[data-testid='stSidebarNavLink'][href$='/{path}']" if path else "[data-testid='stSidebarNavLink']"
        ).first
        for attempt in range(CLICK_ATTEMPTS):  # a click while the app is busy can go unheard
            await link.click(timeout=timeout_ms)
            try:
                await page.wait_for_url(re.compile(rf"/{re.escape(path)}(\?.*)?$"), timeout=CLICK_WAIT_MS)
                break
            except PlaywrightTimeout:
                if attempt == CLICK_ATTEMPTS - 1:
                    raise
    try:
        await page.wait_for_function(PAGE_DONE, arg=previous, timeout=timeout_ms, polling=50)
    except PlaywrightTimeout as error:
        state = await page.evaluate(PAGE_STATE)
        raise PlaywrightTimeout(f"page inachevée après {timeout_ms / 1000:.0f} s : {state}") from error
    ready_s = time.monotonic() - start
    chart_s = None
    if chart_wait_ms:
        try:
            await page.locator(CHART).first.wait_for(state="visible", timeout=chart_wait_ms)
            chart_s = time.monotonic() - start
        except PlaywrightTimeout:
            if chart_wait_ms == timeout_ms:
                raise
    errors = await page.locator(EXCEPTION).all_inner_texts()
    title = await page.locator("h1").first.inner_text()
    return {"path": path, "title": title, "chart_s": chart_s, "ready_s": ready_s, "errors": errors}


VIEWPORT: ViewportSize = {"width": 1400, "height": 1600}


async def session(
    browser: Browser,
    base: str,
    paths: list[str],
    timeout_ms: int,
    delay_s: float,
    chart_pages: set[str] | None,
    shared_context: BrowserContext | None = None,
    think_s: float = 0.0,
) -> list[Visit]:
    """One viewer, every page in turn, in its own Streamlit session (its own websocket): in its
    own browser context, or as a tab of `shared_context` (the tabs then share the HTTP and code
    caches, as one machine's browser would, but never a Streamlit session)."""
    await asyncio.sleep(delay_s)
    context = shared_context or await new_context(browser)
    page = await context.new_page()
    try:
        visits: list[Visit] = []
        previous: str | None = None
        for position, path in enumerate(paths):
            try:
                chart_wait_ms = 5_000 if chart_pages is None else timeout_ms if path in chart_pages else 0
                result = await visit(page, base, path, previous, position == 0, timeout_ms, chart_wait_ms)
            except Exception as error:
                result = {
                    "path": path,
                    "title": None,
                    "chart_s": None,
                    "ready_s": None,
                    "errors": [f"{type(error).__name__}: {str(error).splitlines()[0]}"],
                }
            visits.append(result)
            previous = result["title"]
            if think_s and position < len(paths) - 1:
                await asyncio.sleep(think_s)  # the viewer reads the page before the next click
        return visits
    finally:
        await (page.close() if shared_context else context.close())


async def run_sessions(
    base: str,
    paths: list[str],
    sessions: int,
    timeout_ms: int,
    ramp_s: float,
    server_pids: list[int],
    chart_pages: set[str] | None,
    shared_cache: bool = False,
    think_s: float = 0.0,
) -> tuple[list[list[Visit]], float, float]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            shared = await new_context(browser) if shared_cache else None
            if shared is not None:
                # Fill the shared cache as a viewer's browser would have it: a chart page opened once before.
                warm = await shared.new_page()
                chart_path = next((path for path in paths if chart_pages and path in chart_pages), None)
                await warm.goto(f"{base}/{chart_path or ''}", timeout=timeout_ms)
                await warm.wait_for_selector(CHART if chart_path is not None else "h1", timeout=timeout_ms)
                await warm.close()
            delays = [ramp_s * index / max(sessions - 1, 1) for index in range(sessions)]
            results = await asyncio.gather(
                *(session(browser, base, paths, timeout_ms, delay, chart_pages, shared, think_s) for delay in delays)
            )
            # Measured while every session is still known to the server (sockets close a moment later).
            return list(results), rss_mb(server_pids), browser_cpu_seconds()
        finally:
            await browser.close()


async def protocol_session(
    base: str, paths: list[str], timeout_s: float, delay_s: float, think_s: float = 0.0
) -> list[Visit]:
    """One viewer without a browser: Streamlit's own websocket protocol, as the frontend speaks it
    (a rerun request per page, then the page's messages until the script run is over).

    Times what the server alone owes a viewer: until the first chart's figure has arrived, and
    until the page's last message. The browser's share (loading Streamlit's and Plotly's
    JavaScript, drawing) is what the Chromium runs add on top.
    """
    await asyncio.sleep(delay_s)
    visits: list[Visit] = []
    try:
        await _protocol_visits(base, paths, timeout_s, think_s, visits)
    except Exception as error:
        visits.append(
            {
                "path": paths[len(visits)] if len(visits) < len(paths) else paths[-1],
                "title": None,
                "chart_s": None,
                "ready_s": None,
                "errors": [f"{type(error).__name__}: {error}"],
            }
        )
    return visits


async def _protocol_visits(base: str, paths: list[str], timeout_s: float, think_s: float, visits: list[Visit]) -> None:
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect
    from websockets.typing import Subprotocol

    address = base.replace("https://", "wss://").replace("http://", "ws://") + "/_stcore/stream"
    # A measuring tool: nginx of scripts/cluster.sh presents a self-signed certificate, taken as is.
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
    async with connect(
        address,
        ssl=unverified if address.startswith("wss://") else None,
        subprotocols=[Subprotocol("streamlit")],
        additional_headers={"Origin": base},
        max_size=None,
        open_timeout=timeout_s,
    ) as stream:
        hashes: dict[str, str] = {}  # url path -> page script hash, from the navigation message
        for position, path in enumerate(paths):
            request = BackMsg()
            # A shared link's choices ride in its query string ("tendances?territoire=92").
            page_path, _, query = path.partition("?")
            request.rerun_script.query_string = query
            request.rerun_script.page_name = page_path
            request.rerun_script.page_script_hash = hashes.get(page_path, "")
            start = time.monotonic()
            await stream.send(request.SerializeToString())
            result: Visit = {"path": path, "title": None, "chart_s": None, "ready_s": None, "errors": []}
            try:
                async with asyncio.timeout(timeout_s):
                    while True:
                        message = ForwardMsg()
                        message.ParseFromString(await stream.recv())
                        kind = message.WhichOneof("type")
                        if kind == "navigation":
                            hashes.update(
                                {page.url_pathname: page.page_script_hash for page in message.navigation.app_pages}
                            )
                        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                            element = message.delta.new_element
                            if element.WhichOneof("type") == "plotly_chart" and result["chart_s"] is None:
                                result["chart_s"] = time.monotonic() - start
                            elif element.WhichOneof("type") == "exception":
                                result["errors"].append(f"{element.exception.type}: {element.exception.message}")
                            elif element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR:
                                result["errors"].append(f"message d'erreur : {element.alert.body}")
                            elif element.WhichOneof("type") == "heading" and result["title"] is None:
                                result["title"] = element.heading.body
                        elif (
                            kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
                        ):
                            result["ready_s"] = time.monotonic() - start
                            break
            except TimeoutError:
                result["errors"].append(f"page inachevée après {timeout_s:.0f} s")
            visits.append(result)
            if result["errors"] and result["ready_s"] is None:
                return  # what is still on its way belongs to the unfinished page
            if think_s and position < len(paths) - 1:
                await asyncio.sleep(think_s)


async def run_protocol_sessions(
    paths: list[str],
    base: str,
    sessions: int,
    timeout_s: float,
    ramp_s: float,
    server_pids: list[int],
    think_s: float = 0.0,
) -> tuple[list[list[Visit]], float]:
    delays = [ramp_s * index / max(sessions - 1, 1) for index in range(sessions)]
    results = await asyncio.gather(*(protocol_session(base, paths, timeout_s, delay, think_s) for delay in delays))
    return list(results), rss_mb(server_pids)


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 2)


def summarise(results: list[list[Visit]], sessions: int, rss: dict[str, float]) -> dict[str, Any]:
    """The run's figures, as printed or written as JSON."""
    visits = [visit for session_visits in results for visit in session_visits]
    charts = [visit["chart_s"] for visit in visits if visit["chart_s"] is not None]
    ready = [visit["ready_s"] for visit in visits if visit["ready_s"] is not None]
    by_page: dict[str, float | None] = {}
    charts_by_page: dict[str, float] = {}
    for path in dict.fromkeys(visit["path"] for visit in visits):
        times = [visit["ready_s"] for visit in visits if visit["path"] == path and visit["ready_s"] is not None]
        by_page[path or "/"] = round(statistics.median(times), 2) if times else None
        drawn = [visit["chart_s"] for visit in visits if visit["path"] == path and visit["chart_s"] is not None]
        if drawn:
            charts_by_page[path or "/"] = round(statistics.median(drawn), 2)
    errors = [
        f"session {index + 1}, /{visit['path']} : {error}"
        for index, session_visits in enumerate(results)
        for visit in session_visits
        for error in visit["errors"]
    ]
    growth = (rss["after"] - rss["before"]) / sessions
    summary: dict[str, Any] = {
        "sessions": sessions,
        "charts_drawn": len(charts),
        "chart_p50_s": rounded(percentile(charts, 0.5)),
        "chart_p95_s": rounded(percentile(charts, 0.95)),
        "page_p50_s": rounded(percentile(ready, 0.5)),
        "page_p95_s": rounded(percentile(ready, 0.95)),
        "page_median_s": by_page,
        "chart_median_s": charts_by_page,
        "rss_before_mb": round(rss["before"]),
        "rss_after_mb": round(rss["after"]),
        "rss_closed_mb": round(rss["closed"]),
        "growth_per_session_mb": round(growth, 1),
        "errors": errors,
    }
    summary["targets_met"] = bool(charts) and summary["chart_p95_s"] < TARGET_P95_S and growth < TARGET_GROWTH_MB
    return summary


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    command.add_argument("--sessions", type=int, default=20)
    command.add_argument(
        "--rows", type=int, default=1_000_000, help="observations stockées (0 : données de démonstration)"
    )
    command.add_argument(
        "--ramp", type=float, default=0.0, help="secondes pour ouvrir toutes les sessions (0 : d'un coup)"
    )
    command.add_argument("--timeout", type=float, default=120.0, help="attente maximale par page, en secondes")
    command.add_argument(
        "--pages", nargs="+", help="chemins des pages à visiter (par défaut toutes ; « / » pour l'accueil)"
    )
    command.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="secondes de lecture sur chaque page avant la suivante (0 : enchaîne sans pause)",
    )
    viewers = command.add_mutually_exclusive_group()
    viewers.add_argument(
        "--shared-cache",
        action="store_true",
        help="les sessions sont des onglets d'un même navigateur (caches HTTP et JavaScript partagés)",
    )
    viewers.add_argument(
        "--protocol",
        action="store_true",
        help="sans navigateur : le protocole de Streamlit seul, ce que le serveur doit à chaque session",
    )
    command.add_argument("--json", action="store_true")
    command.add_argument(
        "--url", help="un serveur déjà lancé (par exemple nginx devant deux répliques) : rien n'est servi ni préparé"
    )
    command.add_argument(
        "--pids",
        type=int,
        nargs="+",
        default=[],
        help="avec --url : les processus serveurs dont mesurer CPU et mémoire",
    )
    command.add_argument(
        "--workdir",
        type=Path,
        help="dossier de travail conservé et réutilisé (par défaut un dossier temporaire effacé)",
    )
    return command


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    if args.sessions < 1 or args.rows < 0:
        print("--sessions doit valoir au moins 1 et --rows au moins 0", file=sys.stderr)
        return 2
    if bool(args.url) != bool(args.pids):
        print("--url et --pids vont ensemble (l'adresse du serveur et ses processus)", file=sys.stderr)
        return 2
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="indicators-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    server: subprocess.Popen[bytes] | None = None
    try:
        if args.url:
            # A server already running (a cluster behind nginx): its processes are measured, nothing is served.
            base, pids = args.url.rstrip("/"), args.pids
        else:
            folder = prepare_data(workdir, args.rows)
            port = free_port()
            server = serve(folder, port, workdir / "streamlit.log")
            base, pids = f"http://127.0.0.1:{port}", [server.pid]
        paths = [path.strip("/") for path in args.pages] if args.pages else page_paths()
        timeout_ms = int(args.timeout * 1000)
        # One viewer first: the data are loaded and validated once, then shared by every session.
        if args.protocol:
            warm_up, _ = asyncio.run(run_protocol_sessions(paths, base, 1, args.timeout, 0, pids))
        else:
            warm_up, _, _ = asyncio.run(run_sessions(base, paths, 1, timeout_ms, 0, pids, None))
        chart_pages = {visit["path"] for visit in warm_up[0] if visit["chart_s"] is not None}
        time.sleep(2)
        rss = {"before": rss_mb(pids)}
        cpu_before, wall_before = sum(cpu_seconds(pid) for pid in pids), time.monotonic()
        if args.protocol:
            results, rss["after"] = asyncio.run(
                run_protocol_sessions(paths, base, args.sessions, args.timeout, args.ramp, pids, args.think)
            )
            browser_cpu = 0.0
        else:
            results, rss["after"], browser_cpu = asyncio.run(
                run_sessions(
                    base,
                    paths,
                    args.sessions,
                    timeout_ms,
                    args.ramp,
                    pids,
                    chart_pages,
                    args.shared_cache,
                    args.think,
                )
            )
        load = {
            "wall_s": round(time.monotonic() - wall_before, 1),
            "server_cpu_s": round(sum(cpu_seconds(pid) for pid in pids) - cpu_before, 1),
            "server_cpu_per_tour_s": round((sum(cpu_seconds(pid) for pid in pids) - cpu_before) / args.sessions, 3),
            "browser_cpu_s": round(browser_cpu, 1),
            "protocol": args.protocol,
        }
        time.sleep(5)  # closed sessions are let go by the server
        rss["closed"] = rss_mb(pids)
        summary = (
            summarise(results, args.sessions, rss)
            | load
            | {
                "rows": args.rows,
                "shared_cache": args.shared_cache,
                "ramp_s": args.ramp,
                "think_s": args.think,
                "warm_up_s": {visit["path"] or "/": round(visit["ready_s"] or -1, 2) for visit in warm_up[0]},
                "warm_up_errors": [error for visit in warm_up[0] for error in visit["errors"]],
            }
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(
            f"{summary['sessions']} sessions, {summary['rows']} lignes : graphique p50 {summary['chart_p50_s']} s, "
            f"p95 {summary['chart_p95_s']} s ; page p50 {summary['page_p50_s']} s, p95 {summary['page_p95_s']} s"
        )
        print(
            f"durée {summary['wall_s']} s ; calcul du serveur {summary['server_cpu_s']} s, "
            f"des navigateurs {summary['browser_cpu_s']} s (sur les mêmes {os.cpu_count()} cœurs)"
        )
        print(
            f"mémoire du serveur : {summary['rss_before_mb']} → {summary['rss_after_mb']} Mo "
            f"({summary['growth_per_session_mb']} Mo par session), {summary['rss_closed_mb']} Mo après fermeture"
        )
        print(
            "médiane par page : "
            + ", ".join(f"{path} {seconds} s" for path, seconds in summary["page_median_s"].items())
        )
        print(
            "médiane jusqu'au graphique : "
            + ", ".join(f"{path} {seconds} s" for path, seconds in summary["chart_median_s"].items())
        )
        for error in summary["warm_up_errors"] + summary["errors"]:
            print(f"ERREUR : {error}")
    return 1 if summary["errors"] or summary["warm_up_errors"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
