#!/usr/bin/env bash
# Installs Debian's Chromium for the dashboard's browser test, only when it is missing.
# Playwright's own browser download cannot work offline; playwright-core drives this one instead.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
