#!/usr/bin/env bash
# Run on a machine with an NVIDIA GPU, CUDA 12 and cuDNN 9: builds the CUDA build, then scores the bundled model's
# fixtures on CPU and on CUDA and prints scores and timings side by side (exit 1 if CUDA is not used or scores
# differ beyond the stated tolerance). Also works inside deploy/docker/Dockerfile.cuda's image.
set -euo pipefail
cd "$(dirname "$0")/.."
REPEATS=${1:-5}
./mvnw -B -ntp -q clean package -Pcuda -DskipTests
java src/test/java/dev/jepascore/bench/CudaCheck.java target/quarkus-app "$REPEATS"
