#!/usr/bin/env bash
# Installs the headless browser the portal's page tests drive (Debian's chromium, never a download
# of Playwright's own build). Idempotent: does nothing when /usr/bin/chromium is already there.
# Fails loudly when the browser is missing and cannot be installed: those tests must fail, not skip.
set -euo pipefail

BROWSER=/usr/bin/chromium
if [ -x "$BROWSER" ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-browser: $BROWSER is missing and apt-get is not available; install Chromium by hand" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo -n"
fi
echo "install-browser: installing Debian's chromium (for the portal page tests)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
test -x "$BROWSER"
