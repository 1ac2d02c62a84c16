#!/usr/bin/env bash
# The deployment for several servers (compose.yaml) on this machine, from Debian packages:
#   bash scripts/cluster.sh up [FOLDER]      PostgreSQL, two Streamlit replicas, nginx (deploy/nginx.conf, HTTPS)
#   bash scripts/cluster.sh status [FOLDER]
#   bash scripts/cluster.sh down [FOLDER]    stops everything and deletes FOLDER
# Everything listens on 127.0.0.1; see docs/DEPLOY.md. Not for production (no fsync, data in FOLDER).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_environment.sh
if [ "${1:-}" = "up" ]; then
  ensure_venv
  .venv/bin/python -m pip install --quiet -r requirements.txt
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    apt_install nginx
    as_root service nginx stop >/dev/null 2>&1 || true  # only the binary is wanted
  fi
  if ! command -v openssl >/dev/null; then
    apt_install openssl  # the self-signed certificate of nginx
  fi
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_install postgresql
    as_root service postgresql stop >/dev/null 2>&1 || true
  fi
fi
exec .venv/bin/python -m deploy.local_cluster "$@"
