#!/usr/bin/env bash
# Prints the path of Schemathesis' `st` command: installed once from PyPI into its own
# virtualenv in the per-user cache (like connector virtualenvs), reused by later runs.
source "$(dirname "$0")/lib.sh"
SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
venv="$TRIBUTARY_CACHE_DIR/tools/schemathesis-$SCHEMATHESIS_VERSION"
if [ ! -f "$venv/.installed" ]; then
  mkdir -p "$(dirname "$venv")"
  # test files may ask at the same time: one install, the others wait for it
  exec 9>"$venv.lock"
  flock 9
  if [ ! -f "$venv/.installed" ]; then
    python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
    log "installing schemathesis $SCHEMATHESIS_VERSION into $venv (once)"
    rm -rf "$venv" && python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check --no-input "schemathesis==$SCHEMATHESIS_VERSION" >&2
    touch "$venv/.installed"
  fi
fi
echo "$venv/bin/st"
