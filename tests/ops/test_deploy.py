"""What an operator installs (deploy/) is valid: ``nginx -t`` accepts the site, ``systemd-analyze
verify`` the units, the upload limit is the app's, and the example environment file lists
every setting the app reads."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.services import need

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SITE = (DEPLOY / "nginx" / "scsp.conf").read_text()


def self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=reviews.scsp.example", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def nginx_conf(tmp: Path, site: str, **listen) -> Path:
    """A whole nginx.conf around the site, with every path in ``tmp``."""
    cert, key = self_signed(tmp)
    site = (site.replace("/etc/ssl/scsp/fullchain.pem", str(cert))
            .replace("/etc/ssl/scsp/privkey.pem", str(key))
            .replace("/srv/scsp/staticfiles/", str(ROOT / "static") + "/"))
    for old, new in listen.items():
        site = site.replace(old.replace("_", " "), new)
    (tmp / "site.conf").write_text(site)
    conf = tmp / "nginx.conf"
    conf.write_text(f"""
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
""")
    return conf


def test_nginx_accepts_the_site(tmp_path):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    need("nginx", Path(nginx).exists(), "apt-get install nginx")
    conf = nginx_conf(tmp_path, SITE)
    result = subprocess.run([nginx, "-t", "-c", str(conf), "-p", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_the_site_sets_what_the_app_trusts():
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in SITE  # not the client's header
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in SITE
    assert re.search(r'Strict-Transport-Security "max-age=31536000; includeSubDomains', SITE)
    size = re.search(r"client_max_body_size (\d+)m;", SITE).group(1)
    assert int(size) * 1024 * 1024 == settings.UPLOAD_MAX_REQUEST_BYTES
    env = (DEPLOY / "scsp.env.example").read_text()
    assert re.search(r"^TRUSTED_PROXY_COUNT=1$", env, re.M)


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    need("systemd-analyze", analyze is not None, "apt-get install systemd")
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = (unit.read_text().replace("/srv/scsp/.venv/bin/python", sys.executable)
                .replace("/srv/scsp/.venv/bin/", str(Path(sys.executable).parent) + "/"))
        (tmp_path / unit.name).write_text(text)
        units.append(str(tmp_path / unit.name))
    result = subprocess.run([analyze, "verify", *units], capture_output=True, text=True)
    problems = [line for line in (result.stdout + result.stderr).splitlines()
                if "scsp" in line and "Failed to open" not in line or "error" in line.lower()]
    assert result.returncode == 0 and problems == [], result.stdout + result.stderr
    beat = [u for u in units if "beat" in u]
    assert len(beat) == 1 and "EXACTLY ONE" in Path(beat[0]).read_text()


def test_the_environment_file_lists_every_setting():
    read = set(re.findall(r'env(?:_int|_bool|_float)?\(\s*"([A-Z0-9_]+)"',
                          (ROOT / "scsp" / "settings.py").read_text()
                          + (ROOT / "scsp" / "service_settings.py").read_text()))
    listed = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (DEPLOY / "scsp.env.example").read_text(),
                            re.M))
    assert read - listed == set()
    assert listed - read - {"SCSP_ENV", "PROMETHEUS_MULTIPROC_DIR"} == set()  # read by libraries


@pytest.mark.parametrize("name", ["scsp-web.service", "scsp-worker.service", "scsp-beat.service"])
def test_each_process_reads_the_environment_file(name):
    assert "EnvironmentFile=/etc/scsp/scsp.env" in (DEPLOY / "systemd" / name).read_text()
