#!/usr/bin/env bash
# Install the dashboard in .venv and serve it on http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_environment.sh
ensure_venv
.venv/bin/python -m pip install --quiet -r requirements.txt
# Chart images and the PDF handout are drawn by Debian's chromium.
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  apt_install chromium
fi
exec .venv/bin/python -m streamlit run server.py --server.port 8501 --server.address localhost "$@"
