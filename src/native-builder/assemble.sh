#!/usr/bin/env bash
# Assembles a GraalVM home that can build this project's native image, from parts available on a plain Debian
# machine: Temurin 25 (hard-linked, so the builder's JVM sees this home as its java.home), GraalVM's image
# builder jars from the Maven registry (pinned, SHA-256 checked), and this directory's own driver and C helpers
# compiled with the system gcc. Prints the home's path. Idempotent: a complete home of the same inputs is reused.
#
#   src/native-builder/assemble.sh            # -> ~/.cache/jepa-score/native-builder/graalvm-25.0.2-<jdk>-<hash>
#   JAVA25_HOME=/path/to/jdk-25 NATIVE_BUILDER_HOME=/some/dir src/native-builder/assemble.sh
#   src/native-builder/assemble.sh --link target/native-builder-home   # also points a symlink at it (pom.xml)
#
# Needs: a JDK 25 with the jdk.internal.vm.ci module (Temurin 25), gcc, ar, the C library and zlib headers
# (Debian: apt-get install gcc libc6-dev zlib1g-dev), Maven (the project's ./mvnw) and the registry once.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
graal_version=25.0.2
fail() { echo "native-builder: $*" >&2; exit 2; }
link=""
if [ "${1:-}" = "--link" ]; then link="${2:?--link needs a path}"; fi
done_home() {
  if [ -n "$link" ]; then mkdir -p "$(dirname "$link")"; ln -sfn "$1" "$link"; fi
  echo "$1"
  exit 0
}

# ---- inputs -----------------------------------------------------------------------------------------------
jdk="${JAVA25_HOME:-}"
if [ -z "$jdk" ]; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64; do
    if [ -x "$candidate/bin/java" ]; then jdk="$candidate"; break; fi
  done
fi
[ -n "$jdk" ] && [ -x "$jdk/bin/java" ] \
  || fail "no JDK 25 found (set JAVA25_HOME or install Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64), then run $0"
jdk="$(cd "$jdk" && pwd -P)"
"$jdk/bin/java" --list-modules 2>/dev/null | grep -q '^jdk.internal.vm.ci@25' \
  || fail "$jdk is not a JDK 25 with the jdk.internal.vm.ci module (Temurin 25 has it); set JAVA25_HOME and run $0"
for tool in gcc ar; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool missing: apt-get install gcc libc6-dev zlib1g-dev, then run $0"
done
[ -r /usr/include/zlib.h ] || fail "zlib headers missing (/usr/include/zlib.h): apt-get install zlib1g-dev, then run $0"

jdk_version="$(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$jdk/release")"
inputs_hash="$( (cat "$here/assemble.sh" "$here/SHA256SUMS" "$here/builder-jars.pom.xml" "$here"/driver/*.java "$here"/c/*.c "$here"/c/include/*.h; echo "$jdk $jdk_version") | sha256sum | cut -c1-12)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/jepa-score/native-builder"
home="${NATIVE_BUILDER_HOME:-$cache/graalvm-$graal_version-jdk-$jdk_version-$inputs_hash}"
if [ -f "$home/.assembled" ]; then
  done_home "$home"
fi

# ---- builder jars ----------------------------------------------------------------------------------------
jars="$cache/jars-$graal_version"
mkdir -p "$jars"
if ! (cd "$jars" && sha256sum --quiet -c "$here/SHA256SUMS" >/dev/null 2>&1); then
  mvn_cmd="$root/mvnw"
  [ -x "$mvn_cmd" ] || mvn_cmd=mvn
  echo "native-builder: fetching GraalVM $graal_version builder jars into $jars" >&2
  "$mvn_cmd" -B -q -f "$here/builder-jars.pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$jars" -DincludeScope=runtime >&2 \
    || fail "could not fetch the builder jars (org.graalvm.nativeimage:svm:$graal_version and its dependencies) with $mvn_cmd; run $0 where the Maven registry is reachable"
  (cd "$jars" && sha256sum --quiet -c "$here/SHA256SUMS") \
    || fail "builder jars in $jars do not match $here/SHA256SUMS"
fi

# ---- the home: Temurin 25 hard-linked, builder parts added -------------------------------------------------
work="$home.partial.$$"
rm -rf "$work"
mkdir -p "$(dirname "$home")"
cp -al "$jdk" "$work" 2>/dev/null || cp -a "$jdk" "$work"
trap 'rm -rf "$work"' EXIT

builder="$work/lib/svm/builder"
mkdir -p "$builder/lib" "$work/lib/jvmci"
while read -r _ jar; do
  name="${jar%-$graal_version.jar}"
  if [ "$name" = compiler ]; then
    cp "$jars/$jar" "$work/lib/jvmci/graal.jar"      # upgrades the JDK's jdk.graal.compiler module
  else
    cp "$jars/$jar" "$builder/$name.jar"
  fi
done < "$here/SHA256SUMS"

# C helpers the image links against (lib/svm/clibraries) and the reporter's JNI helper
clib="$work/lib/svm/clibraries/linux-amd64"
mkdir -p "$clib/include" "$work/tmp-obj"
cp "$here"/c/include/*.h "$clib/include/"
cflags=(-O2 -fPIC -Wall -Wno-unused-parameter -I"$here/c/include" -I"$jdk/include" -I"$jdk/include/linux")
gcc "${cflags[@]}" -c "$here/c/chelper.c" -o "$work/tmp-obj/chelper.o"
ar rcs "$clib/liblibchelper.a" "$work/tmp-obj/chelper.o"
gcc "${cflags[@]}" -c "$here/c/jvm.c" -o "$work/tmp-obj/jvm.o"
ar rcs "$clib/libjvm.a" "$work/tmp-obj/jvm.o"
gcc "${cflags[@]}" -shared "$here/c/reporterchelper.c" -o "$builder/lib/libreporterchelper.so"

# The JDK's native libraries: no static ones exist here, so each lib<name>.a the builder links is a linker script
# naming Temurin's shared lib<name>.so (found beside the binary at run time through the rpath the driver sets)
# and an object with the JNI_OnLoad_<name> that marks a library as built in (JNI 1.8 and later).
static="$work/lib/static/linux-amd64/glibc"
shim="$work/lib/svm/jdk-shim"
mkdir -p "$static" "$shim"
# A stand-in libjvm.so: the JDK libraries name libjvm.so as NEEDED; the image itself exports the JVM_* functions
# it implements (libjvm.a above), which take precedence; JVM_Halt exits; every other function here stops the process,
# naming itself.
{
  echo '#include <stdio.h>'
  echo '#include <stdlib.h>'
  echo 'static void jvm_stub(const char *name) { fprintf(stderr, "native image: %s is not available in a native image\n", name); abort(); }'
  nm -D --defined-only "$jdk/lib/server/libjvm.so" | awk '$2 == "T" {print $3}' | sed 's/@.*//' | sort -u > "$work/tmp-obj/jvm-symbols"
  for so in "$jdk"/lib/*.so; do nm -D --undefined-only "$so" | awk '{print $2}' | sed 's/@.*//'; done | sort -u > "$work/tmp-obj/jdk-undefined"
  # JVM_Halt ends the process (System.exit's last step, reached through libjava's Shutdown.halt0 when the image does
  # not link its own): the shutdown hooks have run by then, so it only flushes and exits with the status asked for
  echo 'void JVM_Halt(int code) { fflush(NULL); exit(code); }'
  comm -12 "$work/tmp-obj/jvm-symbols" "$work/tmp-obj/jdk-undefined" | grep -vx 'JVM_Halt' | while read -r sym; do
    echo "void $sym(void) { jvm_stub(\"$sym\"); }"
  done
} > "$work/tmp-obj/jvmstub.c"
{
  echo 'SUNWprivate_1.1 { global:'
  comm -12 "$work/tmp-obj/jvm-symbols" "$work/tmp-obj/jdk-undefined" | sed 's/$/;/'
  echo 'local: *; };'
} > "$work/tmp-obj/jvmstub.map"
gcc -O2 -fPIC -shared -Wl,-soname,libjvm.so -Wl,--version-script="$work/tmp-obj/jvmstub.map" \
  "$work/tmp-obj/jvmstub.c" -o "$shim/libjvm.so"
for so in "$jdk"/lib/lib*.so; do
  base="$(basename "$so" .so)"
  name="${base#lib}"
  case "$name" in jli|jsig|attach|saproc|jdwp|dt_socket|instrument|jsound|splashscreen|awt_xawt|jawt) continue ;; esac
  printf '#include <jni.h>\nJNIEXPORT jint JNICALL JNI_OnLoad_%s(JavaVM *vm, void *reserved) { return JNI_VERSION_1_8; }\n' "$name" \
    > "$work/tmp-obj/onload_$name.c"
  gcc "${cflags[@]}" -c "$work/tmp-obj/onload_$name.c" -o "$static/onload_$name.o"
  printf '/* Temurin'"'"'s shared %s.so in place of a static library (see src/native-builder/assemble.sh) */\nINPUT(%s %s %s)\n' \
    "$base" "$home/lib/$base.so" "$home/lib/static/linux-amd64/glibc/onload_$name.o" "$home/lib/svm/jdk-shim/libjvm.so" \
    > "$static/$base.a"
done

# The driver, its version answer for Quarkus, and the --add-exports its builder JVM needs
mkdir -p "$work/lib/svm/driver"
"$work/bin/javac" -d "$work/lib/svm/driver" "$here/driver/NativeImageDriver.java"
cat > "$work/bin/native-image" <<'EOF'
#!/usr/bin/env bash
# native-image of a home assembled by src/native-builder/assemble.sh (see NativeImageDriver.java)
home="$(cd "$(dirname "$0")/.." && pwd -P)"
exec "$home/bin/java" -Xshare:auto -XX:TieredStopAtLevel=1 -Dnative-image.root="$home" -cp "$home/lib/svm/driver" NativeImageDriver "$@"
EOF
chmod +x "$work/bin/native-image"
"$work/bin/java" -Dnative-image.root="$work" -cp "$work/lib/svm/driver" NativeImageDriver \
  --write-builder-exports "$work/lib/svm/builder-exports.args"

rm -rf "$work/tmp-obj"
trap - EXIT
rm -rf "$home"
mv "$work" "$home"
date -u +%FT%TZ > "$home/.assembled"
done_home "$home"
