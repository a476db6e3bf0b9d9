#!/usr/bin/env bash
# Make sure Debian's Chromium is present for the browser test (tests/browser/).
# Installs the `chromium` package when missing and we are root; otherwise says what to install.
# Never downloads a browser of its own: Playwright drives /usr/bin/chromium.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
# The emoji font makes the screenshots show what a learner sees (the demo phone's icon).
EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
if [ -x "$CHROMIUM" ] && { [ -f "$EMOJI_FONT" ] || [ "$(id -u)" != "0" ]; }; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser test..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium fonts-noto-color-emoji >/dev/null
    exit 0
fi
echo "WARNING: $CHROMIUM is missing and cannot be installed from here." >&2
echo "         Install it with:  sudo apt-get install chromium" >&2
echo "         (the browser test will fail until it is installed)" >&2
