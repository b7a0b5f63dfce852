#!/usr/bin/env bash
# Rebuild the fmnist-lejepa model package: train -> export (+ checks) -> calibrate -> fixtures
# -> evaluate. About 15-25 minutes on 2 CPU cores (training is most of it).
#   models/build.sh               full rebuild, training with the committed recipe
#   models/build.sh --skip-train  keep models/fmnist-lejepa/encoder.pt, redo everything after it
# Needs Debian packages: python3-torch python3-onnx python3-numpy python3-pil python3-matplotlib
# python3-skimage dataset-fashion-mnist fonts-dejavu-core fonts-freefont-ttf fonts-liberation.
set -euo pipefail
PY="${PYTHON:-/usr/bin/python3}"
cd "$(dirname "$0")/.."
if [ ! -x "$PY" ]; then
  echo "error: $PY not found: apt-get install python3 python3-torch python3-onnx" >&2
  exit 2
fi
if [ "${1:-}" != "--skip-train" ]; then
  # the committed recipe (see models/README.md, "Recipe")
  "$PY" models/train.py --epochs 10 --k 64 --seed 0
fi
"$PY" models/export.py
# the exact scorer graph: encoder.onnx differentiated by the Java packager (docs/byo-encoder.md)
if [ -f target/quarkus-app/quarkus-run.jar ]; then
  java -jar target/quarkus-app/quarkus-run.jar package-model --scorer-only --out models/fmnist-lejepa
else
  echo "note: build the application (./mvnw package) and run package-model --scorer-only --out models/fmnist-lejepa" >&2
fi
"$PY" models/calibrate.py
"$PY" models/fixtures.py
"$PY" models/evaluate.py
echo "model package rebuilt in models/fmnist-lejepa"
