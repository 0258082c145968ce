#!/usr/bin/env bash
# Makes the Python environment of this repository: .venv/ (git-ignored; CLIPLAB_VENV picks another
# folder) with exactly the packages of python/requirements.lock, plus every package under python/
# (the probe) installed editable. Used by the probe's tests, the reference checks against
# transformers / TRL / verl / Ray, and the scripts that write fixtures with the real tools.
#
# Idempotent: a stamp of the lock and of the packages' pyproject.toml files skips the install when
# nothing changed. Needs Python 3.11 and the PyPI registry; exits non-zero with a message otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${CLIPLAB_VENV:-$PWD/.venv}
lock=python/requirements.lock
say() { echo "setup-python: $*"; }

python=${CLIPLAB_PYTHON_BASE:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python=$candidate
      break
    fi
  done
fi
[ -n "$python" ] || { say "Python 3.11 not found (set CLIPLAB_PYTHON_BASE to its interpreter)"; exit 1; }

packages=()
for project in python/*/pyproject.toml; do
  [ -f "$project" ] && packages+=("$(dirname "$project")")
done

stamp_of() { cat "$lock" "${packages[@]/%//pyproject.toml}" 2>/dev/null | sha256sum | cut -c1-64; }
want=$(stamp_of)
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.cliplab-stamp" 2>/dev/null)" = "$want" ]; then
  say "$venv is up to date"
  exit 0
fi

started=$(date +%s)
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
rm -f "$venv/.cliplab-stamp"
# --no-deps: the lock is the whole environment, so pip's resolver (minutes on this set) never runs.
"$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$lock"
for package in "${packages[@]}"; do
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e "$package"
done
"$venv/bin/pip" check >/dev/null || { "$venv/bin/pip" check; say "the environment is inconsistent"; exit 1; }
echo "$want" > "$venv/.cliplab-stamp"
say "$venv ready in $(($(date +%s) - started)) s ($(du -sh "$venv" | cut -f1))"
