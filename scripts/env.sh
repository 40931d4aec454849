# Sourced by up.sh and test.sh: the environment Berth runs with.
# DATABASE_URL defaults to data/berth.db; AUTH_SECRET is generated once and kept in data/.
BERTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$BERTH_ROOT/data"
export DATABASE_URL="${DATABASE_URL:-file:$BERTH_ROOT/data/berth.db}"
if [ -z "${AUTH_SECRET:-}" ]; then
  secret_file="$BERTH_ROOT/data/auth-secret"
  if [ ! -s "$secret_file" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n' > "$secret_file")
  fi
  AUTH_SECRET="$(cat "$secret_file")"
  export AUTH_SECRET
fi
export NEXT_TELEMETRY_DISABLED=1
