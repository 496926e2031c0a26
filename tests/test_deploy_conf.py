"""The deployment recipe's nginx configuration (deploy/nginx_conf.py): rendered in both shapes and
checked by the real nginx (`nginx -t`); the precompressed static copy equals Streamlit's files."""
from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "deploy"))
import nginx_conf  # noqa: E402


def nginx_path() -> str:
    path = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(path).exists():
        if os.environ.get("MRL_REQUIRE_BROWSER") == "1":
            pytest.fail("nginx not found (apt-get install nginx)")
        pytest.skip("nginx not found (apt-get install nginx)")
    return path


@pytest.fixture(scope="module")
def small_static(tmp_path_factory):
    """A stand-in for Streamlit's static tree: one big JS file (real bytes from Streamlit's own
    bundle), one CSS file, one font that is already compressed."""
    src, _ = nginx_conf.streamlit_static()
    tree = tmp_path_factory.mktemp("st-static")
    (tree / "js").mkdir()
    (tree / "css").mkdir()
    (tree / "media").mkdir()
    js = sorted((src / "js").glob("index.*.js"), key=lambda p: p.stat().st_size)[-1]
    shutil.copy(js, tree / "js" / js.name)
    (tree / "css" / "a.css").write_text("body{margin:0}\n" * 200)
    (tree / "media" / "f.woff2").write_bytes(os.urandom(4000))
    return tree, js.name


def test_static_copy_has_gzip_twins_that_decompress_to_the_original(small_static, tmp_path):
    tree, js_name = small_static
    out = nginx_conf.prepare_static(tmp_path, source=tree, version="9.9.9")
    assert out == tmp_path / "streamlit-9.9.9" and (out / ".complete").is_file()
    original = (tree / "js" / js_name).read_bytes()
    packed = (out / "js" / f"{js_name}.gz").read_bytes()
    assert gzip.decompress(packed) == original
    assert len(packed) < 0.4 * len(original)          # JavaScript compresses to well under half
    assert (out / "css" / "a.css.gz").is_file()
    import brotli  # pinned in requirements.txt: the .br twins are made too
    assert brotli.decompress((out / "js" / f"{js_name}.br").read_bytes()) == original
    assert (out / "js" / f"{js_name}.br").stat().st_size < len(packed)   # brotli beats gzip -9 on JS
    assert not (out / "media" / "f.woff2.gz").exists()  # woff2 is compressed already: no twin
    # a second call reuses the finished copy
    (out / "marker").write_text("x")
    assert nginx_conf.prepare_static(tmp_path, source=tree, version="9.9.9") == out and (out / "marker").exists()


def test_whole_config_passes_nginx_t(small_static, tmp_path):
    nginx = nginx_path()
    tree, _ = small_static
    static = nginx_conf.prepare_static(tmp_path / "cache", source=tree, version="1.0")
    (tmp_path / "tmp").mkdir()
    conf = nginx_conf.render(replicas=["127.0.0.1:8601", "127.0.0.1:8602"], listen="127.0.0.1:18080",
                             static_dir=static, prefix=tmp_path)
    assert conf.count("server 127.0.0.1:860") == 2
    assert "hash $mrl_affinity consistent;" in conf and "ip_hash" not in conf.replace("# (ip_hash", "")
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "gzip_static on;" in conf
    assert f"alias {static}/;" in conf and "@" not in conf.replace("@api_down", "")
    (tmp_path / "nginx.conf").write_text(conf)
    r = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                        "-e", str(tmp_path / "error.log")], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr


def test_site_part_fits_into_debians_http_block(small_static, tmp_path):
    """--site output goes into /etc/nginx/conf.d/ of the Debian package, whose http block already
    says `gzip on;` and sets sendfile: no directive may clash with that."""
    nginx = nginx_path()
    tree, _ = small_static
    static = nginx_conf.prepare_static(tmp_path / "cache", source=tree, version="1.0")
    site = nginx_conf.render(replicas=["127.0.0.1:8601"], listen="127.0.0.1:18081", static_dir=static,
                             site=True, access_log=str(tmp_path / "access.log"))
    assert "worker_processes" not in site and "pid " not in site and "events" not in site
    (tmp_path / "tmp").mkdir()
    (tmp_path / "mrl.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(f"""pid {tmp_path}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    sendfile on; tcp_nopush on; gzip on;   # as Debian's /etc/nginx/nginx.conf
    include /etc/nginx/mime.types;
    client_body_temp_path {tmp_path}/tmp/b; proxy_temp_path {tmp_path}/tmp/p; fastcgi_temp_path {tmp_path}/tmp/f;
    uwsgi_temp_path {tmp_path}/tmp/u; scgi_temp_path {tmp_path}/tmp/s;
    include {tmp_path}/mrl.conf;
}}
""")
    conf_text = (tmp_path / "nginx.conf").read_text()
    if "brotli on;" in site:  # Debian loads the modules from modules-enabled; do the same here
        conf_text = "".join(f"load_module {m};\n" for m in (nginx_conf.BROTLI_MODULE, nginx_conf.BROTLI_STATIC_MODULE)
                            if m.is_file()) + conf_text
        (tmp_path / "nginx.conf").write_text(conf_text)
    r = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                        "-e", str(tmp_path / "error.log")], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("bad", [dict(replicas=[]), dict(replicas=["127.0.0.1:8601; evil"]),
                                 dict(replicas=["127.0.0.1:8601"], api="x y:1"),
                                 dict(replicas=["127.0.0.1:8601"], listen="80 default_server; }")])
def test_bad_addresses_are_refused(bad, tmp_path):
    with pytest.raises(ValueError):
        nginx_conf.render(static_dir=tmp_path, prefix=tmp_path, **bad)


def test_cli_says_one_line_and_exits_2_on_a_bad_replica(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "deploy" / "nginx_conf.py"), "--prefix", str(tmp_path),
                        "--static-cache", str(tmp_path / "c"), "--replica", "nonsense"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.strip().count("\n") == 0 and "nonsense" in r.stderr
