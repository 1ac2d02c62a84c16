#!/usr/bin/env bash
# The English catalogue follows the code: every string marked _("…"), N_("…") or ngettext(…)
# is extracted into messages.pot, and messages.po gains the new ones (empty until translated)
# and loses the ones gone. Translate the empty entries, then run the suite: tests/test_i18n.py
# fails on any untranslated or fuzzy entry. The app compiles messages.po in memory (i18n.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
LOCALE_DIR=src/indicators/locale
"$PYBABEL" extract --mapping-file babel.cfg --keywords N_ --no-location --sort-output \
  --project "Tableau de bord prostitution des mineurs" --copyright-holder "" \
  --output-file "$LOCALE_DIR/messages.pot" dashboard.py views src/indicators
if [[ -f "$LOCALE_DIR/en/LC_MESSAGES/messages.po" ]]; then
  "$PYBABEL" update --input-file "$LOCALE_DIR/messages.pot" --output-dir "$LOCALE_DIR" --locale en \
    --no-fuzzy-matching --ignore-obsolete --no-wrap
else
  "$PYBABEL" init --input-file "$LOCALE_DIR/messages.pot" --output-dir "$LOCALE_DIR" --locale en --no-wrap
fi
