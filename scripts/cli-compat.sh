#!/usr/bin/env bash
# The handler must run on Python 3.10 to 3.14 with nothing but the standard library. Render every
# sample event with each such interpreter found on this machine (at least one must be found).
set -euo pipefail
cd "$(dirname "$0")/.."
found=0
for version in 3.10 3.11 3.12 3.13 3.14; do
  interpreter=""
  # pyenv installs every version side by side; its shims only run the selected one.
  for candidate in "$(command -v "python$version" || true)" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$version".*/bin/python"$version"; do
    if [ -x "$candidate" ] && "$candidate" -c 'import sys' 2>/dev/null; then interpreter=$candidate; break; fi
  done
  [ -n "$interpreter" ] || continue
  found=$((found + 1))
  for event in examples/events/*.json; do
    status=0
    PYTHONPATH=lambda "$interpreter" -I -c 'import sys; sys.path.insert(0, "lambda"); from root_activity_notifier.cli import main; sys.exit(main())' \
      render "$event" --language ja --time-zone Asia/Tokyo >/dev/null 2>&1 || status=$?
    if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then
      echo "python$version: render $event exited $status" >&2
      exit 1
    fi
  done
  echo "python$version: every sample renders"
done
[ "$found" -gt 0 ] || { echo "no python3.10 to python3.14 found" >&2; exit 1; }
