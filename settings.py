"""Settings from environment variables (optionally a settings file), declared as data.

Every setting is listed in ``SETTINGS`` with its default and help text; the README documents
each of them (a test checks that). Values are read when ``get_settings()`` is called, never at
import time, so tests can set the environment first.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("MRL_DATA_MIRROR", "../shared/data",
            "Directory with the read-only mirror of public source files (relative paths are "
            "resolved against the project root)."),
    Setting("MRL_DATABASE_URL", "",
            "SQLAlchemy URL of the store. Empty = the embedded SQLite file data/mrl.sqlite. "
            "Example: postgresql+psycopg://user@127.0.0.1:5432/mrl"),
    Setting("MRL_DB_SCHEMA", "mrl",
            "PostgreSQL schema holding the store (ingest builds <schema>_new and swaps it in)."),
    Setting("MRL_STATIC_DIR", "static",
            "Directory served by Streamlit at /app/static (map geometry files are written here)."),
    Setting("MRL_PUBLIC_MODE", "0",
            "1 = read-only citizen deployment: data management, uploads and API refresh are "
            "unreachable."),
    Setting("MRL_BDL_API_URL", "https://bdl.stat.gov.pl/api/v1",
            "Base URL of the GUS BDL REST API (tests point it at a local replay server)."),
    Setting("MRL_BDL_CLIENT_ID", "",
            "Optional BDL API key sent as X-ClientId (raises the rate limits). Never commit it."),
    Setting("MRL_CACHE_DIR", "data/cache",
            "On-disk cache for API responses (relative paths are resolved against the project root)."),
    Setting("MRL_SETTINGS_FILE", "mrl.toml",
            "Optional TOML file with any of these settings as keys; the environment wins."),
    # -- data API (issue 16) --
    Setting("MRL_API_HOST", "127.0.0.1",
            "Address the read-only data API (./run.sh api) listens on; 0.0.0.0 only behind a proxy."),
    Setting("MRL_API_PORT", "8502", "Port of the read-only data API (./run.sh api)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _raw(name: str, file_values: dict[str, str]) -> str:
    if name in os.environ:
        return os.environ[name]
    if name in file_values:
        return str(file_values[name])
    return _BY_NAME[name].default


def _resolve(path: str) -> Path:
    p = Path(path).expanduser()
    return p if p.is_absolute() else (PROJECT_ROOT / p).resolve()


@dataclass(frozen=True)
class Settings:
    data_mirror: Path
    database_url: str
    db_schema: str
    static_dir: Path
    public_mode: bool
    bdl_api_url: str
    bdl_client_id: str
    cache_dir: Path
    api_host: str = "127.0.0.1"
    api_port: int = 8502

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        return Path(self.database_url.split("///", 1)[1])


def default_sqlite_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'data' / 'mrl.sqlite'}"


def get_settings() -> Settings:
    """Read settings from the environment and the optional settings file."""
    file_values: dict[str, str] = {}
    settings_file = _resolve(os.environ.get("MRL_SETTINGS_FILE", "mrl.toml"))
    if settings_file.is_file():
        with settings_file.open("rb") as fh:
            file_values = {k: v for k, v in tomllib.load(fh).items() if k in _BY_NAME}
    url = _raw("MRL_DATABASE_URL", file_values).strip() or default_sqlite_url()
    return Settings(
        data_mirror=_resolve(_raw("MRL_DATA_MIRROR", file_values)),
        database_url=url,
        db_schema=_raw("MRL_DB_SCHEMA", file_values).strip() or "mrl",
        static_dir=_resolve(_raw("MRL_STATIC_DIR", file_values)),
        public_mode=_raw("MRL_PUBLIC_MODE", file_values).strip().lower() in {"1", "true", "yes", "on"},
        bdl_api_url=_raw("MRL_BDL_API_URL", file_values).rstrip("/"),
        bdl_client_id=_raw("MRL_BDL_CLIENT_ID", file_values).strip(),
        cache_dir=_resolve(_raw("MRL_CACHE_DIR", file_values)),
        api_host=_raw("MRL_API_HOST", file_values).strip() or "127.0.0.1",
        api_port=_port(_raw("MRL_API_PORT", file_values)),
    )


def _port(text: str) -> int:
    try:
        port = int(str(text).strip())
    except ValueError:
        raise ValueError(f"MRL_API_PORT must be a port number, got {text!r}") from None
    if not 1 <= port <= 65535:
        raise ValueError(f"MRL_API_PORT must be between 1 and 65535, got {port}")
    return port
