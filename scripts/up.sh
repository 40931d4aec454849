#!/usr/bin/env bash
# `npm run up`: sets up and runs Berth on this machine. Safe to run again; keeps all data.
source "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/.."
source scripts/env.sh

bash scripts/ensure-node-deps.sh
bash scripts/ensure-docker.sh
bash scripts/ensure-images.sh

say "applying database migrations to ${DATABASE_URL#file:}"
npx prisma migrate deploy >/dev/null
npx tsx --conditions=react-server scripts/bootstrap.ts

say "building the production bundle"
npx next build >/tmp/berth-build.log 2>&1 || { tail -40 /tmp/berth-build.log; die "next build failed (full log: /tmp/berth-build.log)"; }

PORT="${PORT:-3000}"
# Control N5: the portal listens on loopback; only the ingress faces the network. Point
# BERTH_LISTEN_ADDRESS at another address only for an ingress that cannot reach loopback, and
# name that ingress in BERTH_TRUSTED_PROXIES so client addresses come from its X-Forwarded-For.
LISTEN="${BERTH_LISTEN_ADDRESS:-127.0.0.1}"
say "Berth is starting on http://$LISTEN:$PORT (Ctrl-C stops it)"
if [ "${BERTH_EDGE:-on}" != off ]; then
  https_port="${BERTH_HTTPS_PORT:-443}"
  default_url="https://portal.localhost$([ "$https_port" = 443 ] || echo ":$https_port")"
  say "through its edge at ${BERTH_PORTAL_URL:-$default_url} (apps under ${BERTH_APPS_DOMAIN:-apps.localhost});"
  say "with the internal CA, trust ${BERTH_EDGE_DIR:-data/edge}/data/caddy/pki/authorities/local/root.crt in your browser (also at /api/v1/ingress/ca.crt)"
fi
# portal-server.cjs serves the production build in place of `next start`: on $LISTEN:$PORT and,
# for the edge, on a unix socket in the edge folder; it stamps each request with its peer
# (x-berth-peer) before Next.js sees it: the only client address the portal can trust
# (lib/auth/client-info.ts).
PORT="$PORT" BERTH_LISTEN_ADDRESS="$LISTEN" exec node scripts/portal-server.cjs
