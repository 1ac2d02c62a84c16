"""The Content-Security-Policy that deploy/nginx.conf sends, computed from what the app runs.

    .venv/bin/python -m deploy.content_policy           # prints the policy
    .venv/bin/python -m deploy.content_policy --write   # writes it into deploy/nginx.conf
    .venv/bin/python -m deploy.content_policy --check   # exit 1 when nginx.conf's policy is stale

The app's own scripts are files served by Streamlit ('self'), plus a few inline ones: Streamlit's
page (`index.html`) and the scripts the pages set (views/components.py, `page_scripts`). Each inline
script is allowed by its SHA-256, never by 'unsafe-inline': a script injected into a page (a name in
an uploaded file, say) would not run. A change to one of them changes its hash: tests/test_content_policy.py
fails until the policy is written again, and tests/test_cluster.py checks in Chromium that no page or
slide meets a violation.

Why each source beyond 'self':
- script-src 'wasm-unsafe-eval': Streamlit compiles WebAssembly (its table component); no JavaScript eval;
- style-src 'unsafe-inline': Streamlit (emotion) and Plotly set styles at run time, which hashes cannot list;
- img-src data: blob:, the presenter's map (an SVG as data) and chart images built in the page;
- font-src data:, a font Streamlit inlines in its styles.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import sys
from pathlib import Path

import streamlit

REPO_ROOT = Path(__file__).resolve().parents[1]
NGINX_CONF = REPO_ROOT / "deploy" / "nginx.conf"
STREAMLIT_PAGE = Path(streamlit.__file__).parent / "static" / "index.html"
# An inline script element (no src attribute) and its text, as the browser hashes it.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)
POLICY_LINE = re.compile(r'^(\s*add_header Content-Security-Policy ")([^"]*)(" always;)$', re.M)

DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'wasm-unsafe-eval'"],  # + the inline scripts' hashes
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "worker-src": ["'self'", "blob:"],
    "frame-src": ["'none'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def inline_scripts() -> list[str]:
    """The text of every inline script the browser runs: Streamlit's page's, then the pages' own."""
    from views.components import page_scripts

    markups = [STREAMLIT_PAGE.read_text(encoding="utf-8"), *page_scripts()]
    return [body for markup in markups for body in INLINE_SCRIPT.findall(markup)]


def script_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii") + "'"


def policy() -> str:
    """The whole header value, hashes sorted (a stable text to compare and to review in a diff)."""
    hashes = sorted({script_hash(body) for body in inline_scripts()})
    directives = {**DIRECTIVES, "script-src": [*DIRECTIVES["script-src"], *hashes]}
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def configured_policy(config: str) -> str:
    """The policy nginx.conf sends (its one add_header Content-Security-Policy line)."""
    found = POLICY_LINE.findall(config)
    if len(found) != 1:
        raise ValueError(f"deploy/nginx.conf : {len(found)} lignes Content-Security-Policy au lieu d'une")
    return str(found[0][1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.content_policy", description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="écrire la politique dans deploy/nginx.conf")
    action.add_argument("--check", action="store_true", help="code 1 si deploy/nginx.conf n'est pas à jour")
    args = parser.parse_args(argv)
    expected = policy()
    config = NGINX_CONF.read_text(encoding="utf-8")
    if args.check:
        if configured_policy(config) != expected:
            print("deploy/nginx.conf : politique périmée (python -m deploy.content_policy --write)", file=sys.stderr)
            return 1
        return 0
    if args.write:
        configured_policy(config)  # exactly one line to replace
        NGINX_CONF.write_text(POLICY_LINE.sub(lambda line: line[1] + expected + line[3], config), encoding="utf-8")
        print(f"Politique écrite dans {NGINX_CONF.relative_to(REPO_ROOT)}")
        return 0
    print(expected)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
