#!/usr/bin/env bash
# PyNET's forward pass against a second implementation: the C++ module's weights, input and seven outputs
# (test_training's hidden case "[.pynet_port]") run through bench/pynet_port.py, PyTorch eager at our
# libtorch's version: the benchmarks' venv when it holds that torch ($BOKEH_BENCH_VENV, else
# .deps/bench-venv, which bench/ makes), else a venv under the build folder; every output must agree
# within 1e-5. That venv holds PyPI's torch (about 3 GB), so the test makes it only when
# BOKEH_MAKE_TORCH_VENV=1 is set (not in CI's default run); without a venv, or when it cannot be made, it
# is skipped (77) with one line.
#   tests/training/pynet_port_check.sh SOURCE_DIR BUILD_DIR TEST_TRAINING
set -uo pipefail
source_dir=$1 build_dir=$2 test_training=$3
version=$(head -n1 "$source_dir/scripts/libtorch-version")
check="import torch; assert torch.__version__.split('+')[0] == '$version'"
venv=${BOKEH_BENCH_VENV:-$source_dir/.deps/bench-venv}
"$venv/bin/python" -c "$check" 2>/dev/null || venv=$build_dir/tests/torch-venv
if ! "$venv/bin/python" -c "$check" 2>/dev/null; then
  if [ "${BOKEH_MAKE_TORCH_VENV:-0}" != 1 ]; then
    echo "skipped: no $venv with torch $version; BOKEH_MAKE_TORCH_VENV=1 ctest -R pynet-forward makes it (about 3 GB from PyPI)"
    exit 77
  fi
  echo "making $venv with torch $version from PyPI (about 3 GB the first time)"
  if ! { python3 -m venv "$venv" && "$venv/bin/python" -m pip install --quiet "torch==$version" numpy; }; then
    echo "skipped: could not make $venv with torch $version from PyPI"
    exit 77
  fi
fi
work=$(mktemp -d /tmp/bokeh-pynet-port-XXXXXX)
trap 'rm -rf "$work"' EXIT
BOKEH_PYNET_PORT_FILE=$work/pynet.pt "$test_training" "[.pynet_port]" || exit 1
"$venv/bin/python" "$source_dir/bench/pynet_port.py" compare "$work/pynet.pt" --tolerance 1e-5
