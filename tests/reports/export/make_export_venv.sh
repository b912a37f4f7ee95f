#!/usr/bin/env bash
# Makes the export tests' venv (argument: its folder, under the build tree): the real readers of what
# `report --export` writes, from PyPI, pinned. Prints one line and exits 1 when it cannot be made (no
# python3 venv module, no network): the tests then skip with that line. Idempotent: a finished venv
# (its .complete mark) is kept.
set -uo pipefail
venv=${1:?usage: make_export_venv.sh VENV_DIR}
# Optuna 5.x: its journal's op codes and payloads (optuna/storages/journal/_storage.py) are what
# reports/export/optuna_journal.cpp writes; TensorBoard reads the event files and serves the HParams data.
requirements=(optuna==5.1.0 tensorboard==2.21.0 optuna-dashboard==0.21.0)
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9  # test cases run in parallel (ctest -j): one makes the venv, the others wait for it
if [ -f "$venv/.complete" ] && [ "$(cat "$venv/.complete")" = "${requirements[*]}" ]; then exit 0; fi
rm -rf "$venv"
if ! python3 -m venv "$venv" >"$venv.log" 2>&1; then
  echo "cannot make the venv $venv with python3 -m venv (see $venv.log; Debian: apt-get install python3-venv)"
  exit 1
fi
if ! "$venv/bin/pip" install --quiet --disable-pip-version-check "${requirements[@]}" >>"$venv.log" 2>&1; then
  echo "cannot install ${requirements[*]} from PyPI into $venv (no network? see $venv.log)"
  exit 1
fi
echo "${requirements[*]}" >"$venv/.complete"
