"""scripts/load_test.py at a small size, so it cannot rot: real server, real browser, two sessions.

No timing is asserted (the figures and targets are in docs/PERFORMANCE.md).
"""

from __future__ import annotations

import importlib.util
import json

import pytest

from indicators.config import REPO_ROOT


@pytest.fixture(scope="module")
def load_test():
    spec = importlib.util.spec_from_file_location("load_test", REPO_ROOT / "scripts" / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_page_paths_follow_the_navigation(load_test):
    paths = load_test.page_paths()
    assert paths[0] == "" and "tendances" in paths and "territoires" in paths and len(paths) == len(set(paths))


@pytest.mark.browser  # two Chromium sessions (the load test's own launch, not the suite's fixture)
@pytest.mark.parametrize("shared_cache", [False, True], ids=["contextes", "onglets"])
def test_two_sessions_visit_pages_and_report_every_figure(load_test, capsys, shared_cache):
    pages = ["/", "tendances", "territoires"]
    options = ["--shared-cache"] if shared_cache else []
    assert (
        load_test.main(["--sessions", "2", "--rows", "0", "--pages", *pages, "--timeout", "90", *options, "--json"])
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["sessions"] == 2 and summary["shared_cache"] is shared_cache
    assert summary["errors"] == [] and summary["warm_up_errors"] == []
    # Both sessions drew the charts of both chart pages (the overview has none).
    assert summary["charts_drawn"] == 4 and set(summary["chart_median_s"]) == {"tendances", "territoires"}
    assert set(summary["page_median_s"]) == {"/", "tendances", "territoires"}
    assert 0 < summary["chart_p50_s"] <= summary["chart_p95_s"]
    assert summary["rss_before_mb"] > 50 and summary["server_cpu_s"] > 0 and summary["browser_cpu_s"] > 0


def test_protocol_sessions_time_the_server_alone(load_test, capsys):
    pages = ["/", "tendances", "territoires", "sources"]
    assert (
        load_test.main(["--sessions", "2", "--rows", "0", "--pages", *pages, "--timeout", "90", "--protocol", "--json"])
        == 0
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["protocol"] is True and summary["browser_cpu_s"] == 0
    assert summary["errors"] == [] and summary["warm_up_errors"] == []
    # Each session received both charts' figures and every page's end, in its own Streamlit session.
    assert summary["charts_drawn"] == 4 and set(summary["chart_median_s"]) == {"tendances", "territoires"}
    assert set(summary["page_median_s"]) == set(pages)
    assert 0 < summary["chart_p50_s"] <= summary["chart_p95_s"] and summary["server_cpu_s"] > 0


def test_a_protocol_session_reports_a_server_it_cannot_reach(load_test):
    import asyncio

    port = load_test.free_port()  # nothing listens there
    visits = asyncio.run(load_test.protocol_session(f"http://127.0.0.1:{port}", ["", "tendances"], 5, 0))
    assert len(visits) == 1 and visits[0]["ready_s"] is None and visits[0]["path"] == ""
    assert len(visits[0]["errors"]) == 1 and visits[0]["errors"][0].startswith("ConnectionRefusedError")


def test_a_running_server_is_measured_by_its_address_and_an_error_message_fails_the_run(
    load_test, capsys, data_copy, tmp_path
):
    """`--url` and `--pids` measure a server already running (a cluster behind nginx); a page that
    shows an error message instead of its figures fails the run as a traceback would."""
    port = load_test.free_port()
    server = load_test.serve(data_copy, port, tmp_path / "streamlit.log")
    try:
        base = f"http://127.0.0.1:{port}"
        options = ["--url", base, "--pids", str(server.pid), "--sessions", "2", "--protocol", "--json"]
        assert load_test.main([*options, "--pages", "/", "tendances?regroupement=Année"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["errors"] == [] and summary["charts_drawn"] == 2
        assert summary["server_cpu_per_tour_s"] == pytest.approx(summary["server_cpu_s"] / 2, abs=0.06)
        (data_copy / "sources.csv").write_text("not;a;sources;table\n", encoding="utf-8")
        assert load_test.main([*options, "--pages", "/"]) == 1
        summary = json.loads(capsys.readouterr().out)
        assert summary["warm_up_errors"] and "message d'erreur" in summary["warm_up_errors"][0]
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_url_and_pids_go_together(load_test, capsys):
    assert load_test.main(["--url", "http://127.0.0.1:9", "--protocol"]) == 2
    assert "--pids" in capsys.readouterr().err
