# Sourced by up.sh and test.sh: the environment Berth runs with.
# DATABASE_URL defaults to data/berth.db; AUTH_SECRET and BERTH_AUDIT_KEY are generated once
# and kept in data/ unless the environment sets them. The audit key signs checkpoints of the
# activity log: keep a copy elsewhere (or set it from a secret store), since whoever can
# rewrite data/ can also read a key kept next to the database.
BERTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$BERTH_ROOT/data"
export DATABASE_URL="${DATABASE_URL:-file:$BERTH_ROOT/data/berth.db}"

secret_from_file() { # VARIABLE FILE: the variable's value, else the file's, made once
  local name=$1 file=$2
  if [ -z "${!name:-}" ]; then
    if [ ! -s "$file" ]; then
      (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n' > "$file")
    fi
    export "$name=$(cat "$file")"
  fi
}
secret_from_file AUTH_SECRET "$BERTH_ROOT/data/auth-secret"
secret_from_file BERTH_AUDIT_KEY "$BERTH_ROOT/data/audit-key"
export NEXT_TELEMETRY_DISABLED=1
