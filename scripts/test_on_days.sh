#!/usr/bin/env bash
# The unit tests on other days (`make dates`): time is an input, so they must pass whatever day
# the machine thinks it is. Debian's faketime with a relative offset (+seconds) moves every
# process to the same day (an absolute @date would restart the clock in each child);
# FAKETIME_DONT_FAKE_MONOTONIC keeps timeouts real.
#
# libfaketime bends timers, sockets, child processes and Jupyter kernels even at +0: tests that
# depend on those alone are marked `realtime` and left out (make test runs them). It also makes
# a plain time.sleep() fail now and then with EINVAL, whatever the test. So the tests that fail
# run once more under the same day: a date bug fails both times, libfaketime's stray EINVAL
# does not. `timeout` stops a run that hangs all the same.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
DAYS=${DAYS:-"2026-06-19 2028-02-26 2027-12-31"}
MARKS="not browser and not slow and not realtime"
for day in $DAYS; do
    echo "== the unit tests on $day =="
    cache=$(mktemp -d)
    offset=$(( $(date -d "$day 10:00" +%s) - $(date +%s) ))
    on_day() {
        FAKETIME_DONT_FAKE_MONOTONIC=1 timeout 900 faketime -f "+$offset" \
            "$PYTHON" -m pytest tests -m "$MARKS" -q -o cache_dir="$cache" "$@"
    }
    if ! on_day -n auto; then
        echo "== once more, the tests that failed on $day =="
        on_day --last-failed --last-failed-no-failures none
    fi
    rm -rf "$cache"
done
