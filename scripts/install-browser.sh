#!/bin/sh
# Installs a Chromium for Playwright: its own build first (what users get where downloads work),
# else the distribution's package, which robots/_browser.py finds on PATH.
set -u
PY=${PY:-.venv/bin/python}
if "$PY" -m playwright install chromium >/dev/null 2>&1; then
    echo "browser: Playwright's Chromium"
    exit 0
fi
echo "browser: Playwright's Chromium could not be downloaded; using the distribution's Chromium" >&2
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then echo "browser: $(command -v "$b")"; exit 0; fi
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
elif command -v dnf >/dev/null 2>&1; then
    $SUDO dnf install -y chromium
elif command -v apk >/dev/null 2>&1; then
    $SUDO apk add chromium
fi
for b in chromium chromium-browser; do
    if command -v "$b" >/dev/null 2>&1; then echo "browser: $(command -v "$b")"; exit 0; fi
done
echo "browser: no Chromium found; install one and set CFAKEY_BROWSER_PATH" >&2
exit 1
