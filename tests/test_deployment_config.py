"""The deployment's files agree with the app and with their documentation, without starting anything.

- deploy/nginx.conf sends the Content-Security-Policy computed from the app's inline scripts
  (deploy/content_policy.py): a script changed on a page fails here before it is blocked in a browser;
- the cluster rewrites nginx.conf's addresses and certificate, and nothing else;
- docs/DEPLOY.md's table of `.streamlit/config.toml` says what the file says;
- every setting read from the environment by src/indicators/config.py is documented in the README
  and in docs/DEPLOY.md.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from deploy.content_policy import configured_policy, inline_scripts, policy, script_hash
from deploy.local_cluster import NGINX_TEMPLATE, nginx_config
from indicators.config import REPO_ROOT
from indicators.i18n import LANGUAGES

DEPLOY_DOC = REPO_ROOT / "docs" / "DEPLOY.md"


def test_nginx_sends_the_policy_computed_from_the_app():
    assert configured_policy(NGINX_TEMPLATE.read_text(encoding="utf-8")) == policy(), (
        "deploy/nginx.conf est périmé : .venv/bin/python -m deploy.content_policy --write"
    )


def test_the_policy_allows_inline_scripts_by_hash_only():
    directives = dict(directive.split(" ", 1) for directive in policy().split("; "))
    scripts = directives["script-src"].split()
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    # Streamlit's own page script, and the pages' scripts in each language (their texts differ).
    bodies = inline_scripts()
    assert any("prerenderReady" in body for body in bodies)
    assert sum("document.documentElement.lang" in body for body in bodies) == len(LANGUAGES)
    assert {script_hash(body) for body in bodies} == {source for source in scripts if source.startswith("'sha256-")}


def test_the_cluster_rewrites_addresses_and_certificate_only(tmp_path: Path):
    template = NGINX_TEMPLATE.read_text(encoding="utf-8")
    certificate = (tmp_path / "certificate.pem", tmp_path / "private-key.pem")
    replicas = {"app1": 9001, "app2": 9002}
    rewritten = nginx_config(template, {"http": 8080, "https": 8443}, replicas, tmp_path, certificate)
    assert "listen 127.0.0.1:8443 ssl;" in rewritten and "listen 127.0.0.1:8080;" in rewritten
    assert "return 301 https://$host:8443$request_uri;" in rewritten
    assert f"ssl_certificate {certificate[0]};" in rewritten and f"ssl_certificate_key {certificate[1]};" in rewritten
    assert "server 127.0.0.1:9001 " in rewritten and "server 127.0.0.1:9002 " in rewritten
    # Headers, limits and locations are the shipped ones, line for line.
    for line in template.splitlines():
        if re.match(r"\s*(add_header|limit_req|limit_conn|location|proxy_set_header|proxy_cookie_flags)\b", line):
            assert line in rewritten.splitlines(), line


def documented_config_table() -> dict[str, str]:
    """The `| setting | value | why |` rows of docs/DEPLOY.md, as setting → value."""
    rows = re.findall(r"^\| `([a-z]+\.[A-Za-z]+)` \| `([^`]+)` \|", DEPLOY_DOC.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def test_deploy_doc_and_config_toml_say_the_same_thing():
    config = tomllib.loads((REPO_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    documented = documented_config_table()
    assert documented, "docs/DEPLOY.md a perdu son tableau de .streamlit/config.toml"
    for setting, value in documented.items():
        section, name = setting.split(".")
        assert name in config.get(section, {}), f"{setting} documenté mais absent de config.toml"
        actual = config[section][name]
        assert value.strip('"') == (str(actual).lower() if isinstance(actual, bool) else str(actual)), setting
    assert documented["client.toolbarMode"] == '"minimal"'


def environment_variables() -> set[str]:
    """The names src/indicators/config.py reads from the environment (its *_VARIABLE constants and literals)."""
    tree = ast.parse((REPO_ROOT / "src" / "indicators" / "config.py").read_text(encoding="utf-8"))
    names = {
        node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and any(isinstance(target, ast.Name) and target.id.endswith("_VARIABLE") for target in node.targets)
        and isinstance(node.value, ast.Constant)
    }
    names |= {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }
    return names


def test_every_setting_is_documented_in_the_readme_and_the_deployment_guide():
    names = environment_variables()
    assert {"INDICATORS_ALLOWED_HOSTS", "FORWARDED_ALLOW_IPS", "DATABASE_URL", "INDICATORS_DATA_DIR"} <= names
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    deploy = DEPLOY_DOC.read_text(encoding="utf-8")
    assert not [name for name in sorted(names) if f"`{name}" not in readme], "absent du README"
    assert not [name for name in sorted(names) if f"`{name}" not in deploy], "absent de docs/DEPLOY.md"
