#!/usr/bin/env bash
# Debian's Chromium for the Playwright tests: Playwright cannot download its own browser
# on these machines. Idempotent.
source "$(dirname "$0")/lib.sh"
if [ -x /usr/lib/chromium/chromium ]; then
  say "chromium present"
  exit 0
fi
apt_install chromium
[ -x /usr/lib/chromium/chromium ] || die "chromium installed, but /usr/lib/chromium/chromium is missing"
