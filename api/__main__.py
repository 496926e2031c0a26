"""``python -m api [--host H] [--port P]``: serve the read-only data API with uvicorn.

Defaults come from the settings ``MRL_API_HOST`` (127.0.0.1) and ``MRL_API_PORT`` (8502); the store is
the one of ``MRL_DATABASE_URL`` (as the dashboard and the command line). OpenAPI page: /api/v1/docs.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    from settings import get_settings

    try:
        s = get_settings()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    ap = argparse.ArgumentParser(prog="python -m api", description="Read-only data API of Monitor Rozwoju Lokalnego")
    ap.add_argument("--host", default=s.api_host, help=f"address to listen on (default {s.api_host})")
    ap.add_argument("--port", type=int, default=s.api_port, help=f"port (default {s.api_port})")
    ap.add_argument("--workers", type=int, default=1, help="worker processes (default 1; one per core at most)")
    args = ap.parse_args(argv)
    if not 1 <= args.port <= 65535:
        print(f"error: --port must be between 1 and 65535, got {args.port}", file=sys.stderr)
        return 2
    print(f"data API: http://{args.host}:{args.port}/api/v1  (docs: /api/v1/docs; store: {s.database_url})",
          file=sys.stderr)
    uvicorn.run("api.app:create_app", factory=True, host=args.host, port=args.port, workers=args.workers,
                log_level="warning", access_log=False, proxy_headers=False, server_header=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
