#!/usr/bin/env bash
# Makes a copy of a JDK 25 that has jmods/ (Temurin 25 ships without them, JEP 493), which Fray's
# prepare-fray needs to jlink its instrumented JDK: extracts every module from the runtime image,
# packs each as a .jmod (java.base with the native libraries, launchers and config), drops the
# classes jlink generates itself, and records the module hashes again.
# Usage: rebuild-jmods.sh JDK_HOME OUT_DIR; then JDK25_HOME=OUT_DIR mvn test (see docs/simulation.md).
set -euo pipefail
jdk="$1"; out="$2"; work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$jdk/bin/jimage" extract --dir "$work/classes" "$jdk/lib/modules"
cp -a "$jdk/lib" "$work/libs"
rm -f "$work/libs/modules" "$work/libs/ct.sym" "$work/libs/src.zip" "$work/libs/jrt-fs.jar"
find "$work/classes/java.base/java/lang/invoke" -name 'BoundMethodHandle$Species_*' ! -name 'BoundMethodHandle$Species_L.class' -delete
rm -rf "$out"; cp -a "$jdk" "$out"; mkdir -p "$out/jmods"
for m in $(ls "$work/classes"); do
  [ "$m" = java.base ] || "$jdk/bin/jmod" create --class-path "$work/classes/$m" "$out/jmods/$m.jmod"
done
"$jdk/bin/jmod" create --class-path "$work/classes/java.base" --libs "$work/libs" --cmds "$jdk/bin" \
  --config "$jdk/conf" --module-version 25 --module-path "$out/jmods" --hash-modules '.*' "$out/jmods/java.base.jmod"
echo "rebuild-jmods: $out has $(ls "$out/jmods" | wc -l) jmods"
