#!/usr/bin/env bash
# Install what the tests need (.venv, Debian's chromium, postgresql, nginx, openssl) and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_environment.sh
ensure_venv
.venv/bin/python -m pip install --quiet -r requirements-dev.txt
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  apt_install chromium
fi
# The PostgreSQL store tests start their own throwaway cluster from Debian's server binaries.
if [ -z "${DATABASE_URL_TEST:-}" ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt_install postgresql
  as_root service postgresql stop >/dev/null 2>&1 || true
fi
# The cluster test (tests/test_cluster.py) runs deploy/nginx.conf in Debian's nginx.
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  apt_install nginx
  as_root service nginx stop >/dev/null 2>&1 || true  # only the binary is wanted
fi
# The cluster test's self-signed certificate is made by Debian's openssl (not on every minimal system).
if ! command -v openssl >/dev/null; then
  apt_install openssl
fi
# One worker per core, at most four (each may start a server, Chromium or PostgreSQL); whole files per
# worker, so a file's server and browser are started once. PYTEST_WORKERS=0 runs in this one process.
workers=${PYTEST_WORKERS:-$(nproc)}
[ "$workers" -gt 4 ] && workers=4
exec .venv/bin/python -m pytest -n "$workers" --dist loadfile "$@"
