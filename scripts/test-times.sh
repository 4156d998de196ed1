#!/usr/bin/env bash
# What `make test` took: each part's seconds and result, and the whole run's, from build/times.
set -euo pipefail
times=$1
shift
started=$(cat "$times/.started")
printf '\n%-18s %8s  %s\n' "part" "seconds" "result"
for part in "$@"; do
  if [[ -f "$times/$part" ]]; then
    read -r seconds status < "$times/$part"
    printf '%-18s %8s  %s\n' "$part" "$seconds" "$([[ $status == 0 ]] && echo passed || echo "FAILED ($status)")"
  else
    printf '%-18s %8s  %s\n' "$part" "-" "not run"
  fi
done
printf '%-18s %8s  %s\n' "make test" "$(( $(date +%s) - started ))" "(wall clock, installs included)"
