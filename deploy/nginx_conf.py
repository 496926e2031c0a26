"""Render deploy/nginx.conf.in for N Streamlit replicas, and precompress Streamlit's static files.

    python deploy/nginx_conf.py --prefix DIR --replica 127.0.0.1:8601 --replica 127.0.0.1:8602 \
        [--listen 127.0.0.1:8080] [--api 127.0.0.1:8502] [--static-cache data/deploy] > DIR/nginx.conf
    python deploy/nginx_conf.py --site --replica ... > /etc/nginx/conf.d/mrl.conf   # into Debian's nginx

Two shapes of the same configuration:
* ``--prefix DIR`` (default): a whole nginx.conf whose pid, logs and temporary files all live in DIR,
  so ``nginx -p DIR -c DIR/nginx.conf -g 'daemon off;'`` runs as any user with no system config
  (what deploy/local.sh does).
* ``--site``: only the http-level part (log format, maps, upstream, server), for
  ``/etc/nginx/conf.d/`` of the Debian package, whose nginx.conf provides the rest.

Streamlit's hashed JS/CSS/fonts are served by nginx itself from a copy with a ``.gz`` next to each
text file (``gzip_static``): compressed once at deploy time instead of once per visitor. The copy is
keyed by Streamlit's version, so an upgrade gets a fresh one. If Debian's brotli filter module
(``libnginx-mod-http-brotli-filter``) is installed, other text responses are also offered as br.
Standard library only (runs before the venv exists, too).
"""
from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "nginx.conf.in"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
BROTLI_STATIC_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
BROTLI_QUALITY = 9   # 11 is 8 % smaller again but ~10x slower (minutes for Streamlit's 23 MB of JS)
MIME_TYPES = Path("/etc/nginx/mime.types")
COMPRESSIBLE = (".js", ".css", ".json", ".svg", ".ttf", ".txt", ".html", ".map")
_ADDR = re.compile(r"^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")

BROTLI_BLOCK = """        brotli on;
        brotli_comp_level 4;
        brotli_min_length 1024;
        brotli_types text/plain text/css text/csv application/javascript text/javascript application/json
                     application/geo+json application/manifest+json image/svg+xml font/ttf;
"""


def streamlit_static() -> tuple[Path, str]:
    """(Streamlit's hashed-asset directory, Streamlit's version) of the running interpreter."""
    import streamlit

    return Path(streamlit.__file__).parent / "static" / "static", streamlit.__version__


def prepare_static(cache_root: Path, source: Path | None = None, version: str | None = None) -> Path:
    """A copy of Streamlit's ``static/static`` tree under ``cache_root/streamlit-<version>/`` with a
    gzip (level 9) and, when the ``brotli`` package is there (it is pinned in requirements.txt),
    a brotli (quality 9) file next to every text asset; built once, atomically (a half-built copy is never
    used). Returns the directory nginx serves at /static/."""
    if source is None or version is None:
        source, version = streamlit_static()
    if not re.fullmatch(r"[0-9A-Za-z.+\-]+", version):
        raise ValueError(f"odd Streamlit version {version!r}")
    try:
        import brotli
    except ImportError:  # the .br twins are optional (nginx falls back to .gz)
        brotli = None
    formats = "gz br" if brotli else "gz"
    dest = Path(cache_root) / f"streamlit-{version}"
    done = dest / ".complete"
    if done.is_file() and done.read_text().split()[1:] == formats.split():
        return dest
    tmp = Path(cache_root) / f".streamlit-{version}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(source, tmp)
    for path in tmp.rglob("*"):
        if path.is_file() and path.suffix in COMPRESSIBLE:
            data = path.read_bytes()
            packed = gzip.compress(data, compresslevel=9, mtime=0)
            if len(packed) < len(data):
                path.with_name(path.name + ".gz").write_bytes(packed)
            if brotli is not None:
                packed = brotli.compress(data, quality=BROTLI_QUALITY)
                if len(packed) < len(data):
                    path.with_name(path.name + ".br").write_bytes(packed)
    (tmp / ".complete").write_text(f"{version} {formats}\n")
    for d in [tmp, *[p for p in tmp.rglob("*") if p.is_dir()]]:
        d.chmod(0o755)  # nginx workers (another user when nginx starts as root) read it
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest


def check_addresses(replicas: list[str], api: str, listen: str) -> None:
    """Every address is a plain host:port (nothing that could end an nginx directive)."""
    if not replicas:
        raise ValueError("at least one --replica HOST:PORT")
    for a in [*replicas, api, listen]:
        if not _ADDR.match(a):
            raise ValueError(f"not a host:port address: {a!r}")


def render(*, replicas: list[str], listen: str = "127.0.0.1:8080", api: str = "127.0.0.1:8502",
           static_dir: Path, prefix: Path | None = None, site: bool = False, workers: str = "1",
           server_name: str = "_", brotli: bool | None = None, access_log: str | None = None) -> str:
    """The nginx configuration as text. ``brotli=None``: on when Debian's module is installed."""
    check_addresses(replicas, api, listen)
    if not site and prefix is None:
        raise ValueError("a whole nginx.conf needs --prefix (where its pid, logs and temp files go)")
    if brotli is None:
        brotli = BROTLI_MODULE.is_file()
    text = TEMPLATE.read_text(encoding="utf-8")
    main = re.search(r"@MAIN_BEGIN@\n(.*?)@MAIN_END@\n", text, flags=re.S)
    if site:
        text = text.replace(main.group(0), "").replace("@HTTP_END@\n", "")
    else:
        text = text.replace("@MAIN_BEGIN@\n", "").replace("@MAIN_END@\n", "").replace("@HTTP_END@", "}")
    user = "user nobody nogroup;  # nginx was started as root: workers drop to nobody" if (
        not site and hasattr(os, "geteuid") and os.geteuid() == 0) else "# (runs as the user who starts it)"
    values = {
        "USER": user,
        "WORKERS": workers,
        "PREFIX": str(prefix) if prefix else "",
        "LOAD_MODULES": "" if (site or not brotli) else "\n".join(
            f"load_module {m};" for m in (BROTLI_MODULE, BROTLI_STATIC_MODULE) if m.is_file()),
        "BROTLI_STATIC": "brotli_static on;" if (brotli and BROTLI_STATIC_MODULE.is_file()) else
                         "# brotli_static: install libnginx-mod-http-brotli-static to serve the .br twins",
        "MIME_TYPES": str(MIME_TYPES),
        "BROTLI": BROTLI_BLOCK if brotli else "        # brotli: install libnginx-mod-http-brotli-filter to offer br as well\n",
        "UPSTREAM_SERVERS": "\n".join(f"        server {r} max_fails=3 fail_timeout=10s;" for r in replicas),
        "LISTEN": listen,
        "SERVER_NAME": server_name,
        "ACCESS_LOG": access_log or (f"{prefix}/access.log" if prefix else "/var/log/nginx/mrl-access.log"),
        "STREAMLIT_STATIC": str(Path(static_dir).resolve()),
        "API_ADDR": api,
    }
    out = re.sub(r"@([A-Z_]+)@", lambda m: values[m.group(1)], text)
    leftover = re.findall(r"@[A-Z_]+@", out)
    if leftover:
        raise ValueError(f"unfilled placeholders: {leftover}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--replica", action="append", default=[], metavar="HOST:PORT",
                    help="a Streamlit replica (repeat for each)")
    ap.add_argument("--listen", default="127.0.0.1:8080", help="where nginx listens (default 127.0.0.1:8080)")
    ap.add_argument("--api", default=os.environ.get("MRL_API_ADDR", "127.0.0.1:8502"),
                    help="the optional data API (default 127.0.0.1:8502); /api/ answers 503 while it is down")
    ap.add_argument("--prefix", type=Path, help="directory for pid, logs and temp files (whole nginx.conf)")
    ap.add_argument("--site", action="store_true", help="only the http-level part, for /etc/nginx/conf.d/")
    ap.add_argument("--static-cache", type=Path, default=Path("data/deploy"),
                    help="where the precompressed copy of Streamlit's static files is kept (default data/deploy)")
    ap.add_argument("--workers", default="1", help="nginx worker processes (1 is plenty for a seminar; 'auto')")
    ap.add_argument("--server-name", default="_")
    ap.add_argument("--brotli", choices=["auto", "on", "off"], default="auto")
    args = ap.parse_args(argv)
    try:
        check_addresses(args.replica, args.api, args.listen)
        static_dir = prepare_static(args.static_cache)
        conf = render(replicas=args.replica, listen=args.listen, api=args.api, static_dir=static_dir,
                      prefix=args.prefix.resolve() if args.prefix else None, site=args.site,
                      workers=args.workers, server_name=args.server_name,
                      brotli={"auto": None, "on": True, "off": False}[args.brotli])
    except (ValueError, OSError, ImportError) as exc:
        print(f"nginx_conf: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(conf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
