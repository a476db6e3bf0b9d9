#!/usr/bin/env bash
# Make sure the Debian packages the tests use are present: Chromium for the browser test
# (tests/browser/, with the emoji font so screenshots show what a learner sees) and faketime
# for `make dates` (the unit tests on other days). Installs what is missing when we are root;
# otherwise says what to install. Never downloads a browser of its own: Playwright drives
# /usr/bin/chromium.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
[ -f "$EMOJI_FONT" ] || missing+=(fonts-noto-color-emoji)
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's ${missing[*]} for the tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
    exit 0
fi
echo "WARNING: missing Debian packages: ${missing[*]}; they cannot be installed from here." >&2
echo "         Install them with:  sudo apt-get install ${missing[*]}" >&2
echo "         (the browser test and make dates fail until they are installed)" >&2
