"""The analyst password's throttle: per client address, kept in the audit log, never a lockout of the analyst.

Issue #24 found one counter for everyone: after 20 wrong tries from outside, the analyst's right
password was refused for minutes. Here the wrong tries slow their own address only, every attempt
(throttled ones too) is in the audit log with its address and never the password, and another
process reading the same log (a second replica, a restarted server) throttles the same way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest

from indicators.access import FAILED, SUCCEEDED, THROTTLED, hash_password
from indicators.sign_in import PASSWORD_METHOD, try_password
from indicators.store.audit import read_entries

RIGHT = "le bon mot de passe"
ATTACKER, ANALYST = "203.0.113.66", "198.51.100.20"


@pytest.fixture(scope="module")
def password_hash() -> str:
    return hash_password(RIGHT)


def test_twenty_wrong_passwords_from_one_address_do_not_keep_the_analyst_out(tmp_path, password_hash):
    now = time.time()
    results = [try_password(tmp_path, password_hash, f"essai {n}", ATTACKER, now + n / 100).result for n in range(20)]
    assert results[:3] == [FAILED] * 3
    assert set(results[3:]) == {THROTTLED}, "dès la quatrième tentative, l'adresse attend"
    # Even the right password waits at the attacker's address…
    assert try_password(tmp_path, password_hash, RIGHT, ATTACKER, now + 2.0).result == THROTTLED
    # …but the analyst, elsewhere, gets in at once.
    assert try_password(tmp_path, password_hash, RIGHT, ANALYST, now + 2.1).signed_in

    entries = [entry for entry in read_entries(tmp_path) if entry["action"] == "connexion"]
    assert len(entries) == 22, "every attempt is audited, throttled ones included"
    assert [entry["client_address"] for entry in entries] == [ATTACKER] * 21 + [ANALYST]
    assert {entry["method"] for entry in entries} == {PASSWORD_METHOD}
    assert entries[-1]["result"] == SUCCEEDED and entries[-1]["who"] == "analyste (mot de passe)"
    assert {entry["who"] for entry in entries[:-1]} == {"inconnu"}
    log = (tmp_path / "audit" / "audit.log").read_text(encoding="utf-8")
    assert RIGHT not in log and "essai 7" not in log


def test_the_wait_runs_out_and_a_success_clears_the_address(tmp_path, password_hash):
    now = time.time() - 100
    for n in range(3):
        try_password(tmp_path, password_hash, "faux", ATTACKER, now + n)
    assert try_password(tmp_path, password_hash, RIGHT, ATTACKER, now + 2.5).result == THROTTLED
    # Two seconds after the third failure (timestamps are kept to the second: one more for safety).
    assert try_password(tmp_path, password_hash, RIGHT, ATTACKER, now + 6).signed_in
    assert try_password(tmp_path, password_hash, "faux", ATTACKER, now + 7).result == FAILED


def test_another_process_reading_the_same_log_throttles_the_same_address(tmp_path, password_hash):
    """What a second replica (or a restarted server) knows of an address is what the audit log says."""
    now = time.time()
    for n in range(4):
        try_password(tmp_path, password_hash, "faux", ATTACKER, now + n / 10)
    code = (
        "import json, sys, time; from pathlib import Path; from indicators.sign_in import try_password; "
        "folder, hashed, address = sys.argv[1:4]; "
        "print(json.dumps([try_password(Path(folder), hashed, 'le bon mot de passe', a, time.time()).result "
        "for a in (address, '198.51.100.20')]))"
    )
    child = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), password_hash, ATTACKER],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "INDICATORS_DATA_DIR": str(tmp_path)},
        check=True,
    )
    assert json.loads(child.stdout) == [THROTTLED, SUCCEEDED]
