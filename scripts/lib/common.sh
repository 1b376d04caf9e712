# Shared helpers for scripts/run and scripts/test. Source it; it sets ROOT and VENV.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
PY_BIN="${PYTHON:-python3.11}"
command -v "$PY_BIN" >/dev/null 2>&1 || PY_BIN=python3

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

ensure_venv() {
  local stamp="$VENV/.lock-sha256" want
  want="$(sha256sum "$ROOT/requirements.lock" | cut -d' ' -f1)"
  if [ ! -x "$VENV/bin/python" ]; then
    say "creating virtualenv in .venv"
    "$PY_BIN" -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    say "installing locked dependencies (requirements.lock)"
    # (pip warns once per package about this machine's unused local index folders: noise, dropped)
    "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements.lock" \
      2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
    echo "$want" >"$stamp"
  fi
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then return 0; fi
  say "starting Redis on 127.0.0.1:6379"
  command -v redis-server >/dev/null 2>&1 || apt-get install -y -q --no-install-recommends redis-server >/dev/null
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "Redis did not start; see /var/log/redis/ci.log" >&2; return 1
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  say "starting PostgreSQL on 127.0.0.1:5432"
  local version
  version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$version" ]; then echo "PostgreSQL is not installed on this machine" >&2; return 1; fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 100); do pg_isready -q -h 127.0.0.1 -p 5432 && return 0; sleep 0.1; done
  echo "PostgreSQL did not start" >&2; return 1
}

ensure_chromium() {
  # Browser tests drive Debian's Chromium through Playwright (no browser download).
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  say "installing Debian's chromium"
  apt-get install -y -q --no-install-recommends chromium >/dev/null \
    || { apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends chromium >/dev/null; }
}
