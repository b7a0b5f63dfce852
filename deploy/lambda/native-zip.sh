#!/usr/bin/env bash
# The provided.al2023 function.zip of the native Lambda build (docs/native.md): run after
#   ./mvnw package -Plambda -Pnative -DskipTests
# which leaves target/function.zip holding `bootstrap` (the binary). This adds the shared libraries the build put
# beside the binary (*.so: the JDK's, AWT's and the stand-in libjvm.so; found through the binary's rpath, $ORIGIN,
# which is /var/task on Lambda) and writes target/native/function.zip for deploy/lambda/template-native.yaml.
# ONNX Runtime's libraries come from the template's layer (JEPA_MODEL_NATIVE_PATH=/opt), as for the JVM build.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -s target/function.zip ] && unzip -l target/function.zip | grep -q ' bootstrap$' \
  || { echo "native-zip: no native target/function.zip (with bootstrap); run ./mvnw package -Plambda -Pnative -DskipTests" >&2; exit 2; }
rm -rf target/native && mkdir -p target/native/stage
(cd target/native/stage && unzip -q ../../function.zip)
cp target/*.so target/native/stage/
(cd target/native/stage && zip -q -r -9 ../function.zip .)
rm -rf target/native/stage
ls -l target/native/function.zip
