#!/usr/bin/env bash
# Debian's Chromium for the Playwright tests: Playwright cannot download its own browser
# on these machines. Idempotent.
source "$(dirname "$0")/lib.sh"
# certutil (libnss3-tools): the ingress e2e test adds Berth's internal CA to a browser
# profile's NSS database, so Chromium trusts the edge's certificates (no errors ignored).
if [ -x /usr/lib/chromium/chromium ] && command -v certutil >/dev/null; then
  say "chromium present"
  exit 0
fi
[ -x /usr/lib/chromium/chromium ] || apt_install chromium
command -v certutil >/dev/null || apt_install libnss3-tools
[ -x /usr/lib/chromium/chromium ] || die "chromium installed, but /usr/lib/chromium/chromium is missing"
