#!/usr/bin/env bash
# Cold-start benchmark (docs/performance.md, "Cold start"): builds the native image and the Lambda app (each in a copy of the
# sources, so target/ keeps the default build) and the default app with its JDK 25 AOT cache, then launches every
# variant RUNS times (default 5) and prints the table, the default configuration (both bundled models) first.
# NATIVE=0 leaves the native rows out (the native build takes 5-25 minutes on 2 cores; docs/native.md). Needs Temurin 25 at JDK25. Not a test: it prints figures. About 8 minutes on 2 cores, most
# of it the two builds; SKIP_BUILD=1 reuses them. BEFORE=<git ref> (e.g. main) also builds that commit's -Paot app in
# a copy and launches it in the same run ("before: ..." rows), for a before/after on the same machine state.
# BYO_PACKAGES=<folder>[,<folder>] (packages written by package-model) adds rows serving them beside the bundled models;
# ONLY=<text> launches only the variants whose name contains it.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=${COLDSTART_DIR:-${TMPDIR:-/tmp}/jepa-coldstart}

if [ "${SKIP_BUILD:-}" != 1 ]; then
  rm -rf "$OUT" && mkdir -p "$OUT/src"
  cp -r pom.xml mvnw .mvn src models "$OUT/src/"
  (cd "$OUT/src" && ./mvnw -B -ntp -q package -Plambda -DskipTests)
  if [ "${NATIVE:-1}" != 0 ]; then
    rm -rf "$OUT/native" && mkdir -p "$OUT/native"
    cp -r pom.xml mvnw .mvn src models "$OUT/native/"
    (cd "$OUT/native" && ./mvnw -B -ntp -q package -Pnative -DskipTests)
  fi
  # The AOT cache is only valid for the class path it was trained with: used in place.
  JAVA_HOME=$JDK25 ./mvnw -B -ntp -q clean verify -Paot
  if [ -n "${BEFORE:-}" ]; then
    mkdir -p "$OUT/before"
    git archive "$BEFORE" | tar -x -C "$OUT/before"
    (cd "$OUT/before" && JAVA_HOME=$JDK25 ./mvnw -B -ntp -q clean verify -Paot)
  fi
fi
LAMBDA_JAR=$(ls "$OUT"/src/target/*-runner.jar)
if [ "${NATIVE:-1}" != 0 ]; then
  NATIVE_BINARY=$(ls "$OUT"/native/target/*-runner)
  export NATIVE_BINARY
fi
BEFORE_APP=()
if [ -n "${BEFORE:-}" ]; then
  BEFORE_APP=("$OUT/before/target/quarkus-app")
fi
"$JDK25/bin/java" src/test/java/dev/jepascore/bench/ColdStartBenchmark.java target/quarkus-app "$LAMBDA_JAR" "$RUNS" \
  "${BEFORE_APP[@]}"
