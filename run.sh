#!/usr/bin/env bash
# One command to set up and start the dashboard, or to run the tests.
#   ./run.sh          create .venv, install pinned requirements, ingest the data mirror if the store
#                     is empty, start the dashboard on http://127.0.0.1:8501
#   ./run.sh test     the same set-up plus test requirements, then the whole test suite
#   ./run.sh ingest   (re)build the store from the mirror
#   ./run.sh api      the read-only data API on http://127.0.0.1:8502/api/v1 (MRL_API_HOST, MRL_API_PORT;
#                     extra arguments go to `python -m api`, e.g. --port 9000)
#   ./run.sh deploy   the deployment recipe on this machine: PostgreSQL, one replica per core and
#                     nginx in front on http://127.0.0.1:8080 (deploy/local.sh; Ctrl-C stops all)
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
VENV=${MRL_VENV:-.venv}

setup() {
  local reqs=(-r requirements.txt)
  [ "${1:-}" = dev ] && reqs+=(-r requirements-dev.txt)
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.mrl-installed-$(cat requirements.txt ${1:+requirements-dev.txt} | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${reqs[@]}"
    touch "$stamp"
  fi
}

case "${1:-run}" in
  run)
    setup
    if ! "$VENV/bin/python" cli.py status >/dev/null 2>&1; then
      echo "The store is empty: building it from the data mirror (${MRL_DATA_MIRROR:-../shared/data})..."
      "$VENV/bin/python" cli.py ingest || echo "No data could be ingested; the dashboard starts empty and says how to get data."
    fi
    exec "$VENV/bin/python" -m streamlit run app.py --server.port "${PORT:-8501}"
    ;;
  test)
    setup dev
    shift
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  ingest)
    setup
    exec "$VENV/bin/python" cli.py ingest
    ;;
  api)
    setup
    shift
    exec "$VENV/bin/python" -m api "$@"
    ;;
  deploy)
    setup
    PYTHON_BIN="$(cd "$(dirname "$VENV/bin/python")" && pwd)/python" exec deploy/local.sh
    ;;
  *)
    echo "usage: ./run.sh [run|test|ingest|api|deploy]" >&2
    exit 2
    ;;
esac
