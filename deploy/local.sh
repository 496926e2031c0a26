#!/usr/bin/env bash
# Start the whole deployment recipe on this machine, on loopback, in the foreground:
#   PostgreSQL (a private cluster in data/deploy/pg, unless MRL_DATABASE_URL is set),
#   N Streamlit replicas on 127.0.0.1:8601.. and nginx in front on http://127.0.0.1:8080.
# Ctrl-C (or SIGTERM) stops everything it started, in reverse order.
#
#   ./run.sh deploy                                  # = deploy/local.sh with the project's .venv
#   MRL_REPLICAS=4 PORT=8080 deploy/local.sh
#   MRL_DATABASE_URL=postgresql+psycopg://mrl@db.example:5432/mrl deploy/local.sh   # a shared server
#   MRL_PUBLIC_MODE=1 deploy/local.sh                # the citizens' (read-only) deployment
#
# Settings (environment): MRL_REPLICAS (default: number of cores), PORT (nginx, default 8080),
# MRL_REPLICA_PORT (first replica port, default 8601), MRL_DEPLOY_DIR (default data/deploy: the
# PostgreSQL cluster, the precompressed static files), MRL_DEPLOY_PG_PORT (default 54334),
# MRL_API_ADDR (the data API it starts, default 127.0.0.1:8502; MRL_DEPLOY_API=0 leaves it out), PYTHON_BIN (default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON_BIN:-$ROOT/.venv/bin/python}
NGINX=${MRL_NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
REPLICAS=${MRL_REPLICAS:-$(nproc)}
PORT=${PORT:-8080}
FIRST=${MRL_REPLICA_PORT:-8601}
DEPLOY_DIR=${MRL_DEPLOY_DIR:-$ROOT/data/deploy}
PGPORT=${MRL_DEPLOY_PG_PORT:-54334}
API_ADDR=${MRL_API_ADDR:-127.0.0.1:8502}

die() { echo "deploy: $*" >&2; exit 2; }
[ -x "$PY" ] || die "no Python at $PY (run ./run.sh once, or set PYTHON_BIN)"
[ -x "$NGINX" ] || die "nginx not found: apt-get install nginx (Debian package)"
[[ "$REPLICAS" =~ ^[1-9][0-9]?$ ]] || die "MRL_REPLICAS must be 1..99, not '$REPLICAS'"
mkdir -p "$DEPLOY_DIR"
RUN=$(mktemp -d "${TMPDIR:-/tmp}/mrl-deploy.XXXXXX")
chmod 755 "$RUN"
mkdir -p "$RUN/tmp"

PIDS=()
PG_STARTED=""
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
PGDATA="$DEPLOY_DIR/pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  trap - INT TERM EXIT
  echo "deploy: stopping..." >&2
  for ((i=${#PIDS[@]}-1; i>=0; i--)); do kill -TERM "${PIDS[i]}" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -n "$PG_STARTED" ]; then as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the store: the given URL, or a private PostgreSQL cluster kept in data/deploy/pg ---------------
if [ -z "${MRL_DATABASE_URL:-}" ]; then
  [ -n "$PGBIN" ] || die "MRL_DATABASE_URL is not set and PostgreSQL is not installed (apt-get install postgresql)"
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    echo "deploy: creating a PostgreSQL cluster in $PGDATA (port $PGPORT)" >&2
    mkdir -p "$PGDATA"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA"
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
    -o "-p $PGPORT -c listen_addresses=127.0.0.1 -k $PGDATA" start >/dev/null
  PG_STARTED=1
  as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='mrl'" \
    | grep -q 1 || as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres mrl
  export MRL_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PGPORT/mrl"
fi
if ! "$PY" cli.py status >/dev/null 2>&1; then
  echo "deploy: the store is empty: ingesting the data mirror (${MRL_DATA_MIRROR:-../shared/data}) once..." >&2
  "$PY" cli.py ingest >"$RUN/ingest.log" 2>&1 || { tail -5 "$RUN/ingest.log" >&2; die "ingest failed"; }
fi

# --- N replicas on loopback ports, one cookie secret for all ------------------------------------------
export STREAMLIT_SERVER_COOKIE_SECRET=${STREAMLIT_SERVER_COOKIE_SECRET:-$("$PY" -c 'import secrets; print(secrets.token_hex(32))')}
UPSTREAMS=(); ADDRS=()
for ((i=0; i<REPLICAS; i++)); do
  p=$((FIRST + i))
  "$PY" -m streamlit run app.py --server.port "$p" --server.address 127.0.0.1 --server.headless true \
    --browser.gatherUsageStats false --server.enableWebsocketCompression true >"$RUN/replica-$p.log" 2>&1 &
  PIDS+=($!)
  UPSTREAMS+=(--replica "127.0.0.1:$p"); ADDRS+=("127.0.0.1:$p")
done
for ((i=0; i<REPLICAS; i++)); do
  p=$((FIRST + i)); ok=""
  for _ in $(seq 300); do
    if [ "$("$PY" -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:$p/_stcore/health', timeout=2).read().decode())" 2>/dev/null)" = ok ]; then
      ok=1; break
    fi
    kill -0 "${PIDS[i]}" 2>/dev/null || { tail -20 "$RUN/replica-$p.log" >&2; die "replica on port $p exited"; }
    sleep 0.3
  done
  [ -n "$ok" ] || die "replica on port $p did not become healthy (log: $RUN/replica-$p.log)"
done

# the read-only data API on the same store, behind nginx's /api/ (MRL_DEPLOY_API=0 leaves it out)
if [ "${MRL_DEPLOY_API:-1}" = 1 ]; then
  "$PY" -m api --host "${API_ADDR%:*}" --port "${API_ADDR##*:}" >"$RUN/api.log" 2>&1 &
  PIDS+=($!)
fi

# a first session on each replica fills its caches and writes the map geometry (deploy/warm.py)
"$PY" deploy/warm.py "${ADDRS[@]}" || echo "deploy: warming reported errors (see above); continuing" >&2

# --- nginx in front, as this user, everything under $RUN ----------------------------------------------
"$PY" deploy/nginx_conf.py --prefix "$RUN" --listen "127.0.0.1:$PORT" --api "$API_ADDR" \
  --static-cache "$DEPLOY_DIR" "${UPSTREAMS[@]}" >"$RUN/nginx.conf"
"$NGINX" -t -q -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/error.log" || die "nginx rejected $RUN/nginx.conf"
"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/error.log" -g "daemon off;" &
PIDS+=($!)
for _ in $(seq 50); do
  "$PY" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/healthz', timeout=2)" 2>/dev/null && break
  sleep 0.2
done
echo "deploy: http://127.0.0.1:$PORT  ($REPLICAS replicas on 127.0.0.1:$FIRST..$((FIRST + REPLICAS - 1)), store ${MRL_DATABASE_URL%%:*}, public mode ${MRL_PUBLIC_MODE:-0}; logs in $RUN; Ctrl-C stops)" >&2
echo "READY http://127.0.0.1:$PORT $RUN"
# wait until any child ends (a crashed replica or nginx stops the whole test deployment) or Ctrl-C
wait -n "${PIDS[@]}" || true
echo "deploy: a process ended; stopping the rest" >&2
