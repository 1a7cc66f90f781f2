# shellcheck shell=sh
# Finding a JDK >= 25 for Weft. POSIX sh: sourced by ./weft and .ci/run (bash).
#
# Maven itself may run on any JDK >= 8; maven-toolchains-plugin (select-jdk-toolchain, version [25,))
# then picks the JDK that compiles and tests. That plugin looks at the JDK running Maven, every
# JAVA*_HOME variable, ~/.jdks, ~/.m2/jdks, ~/.sdkman/candidates/java, ~/.gradle/jdks,
# ~/.jenv/versions, ~/.jbang/cache/jdks, ~/.asdf/installs/java, ~/.jabba/jdk, /usr/jdk, /usr/java,
# /opt/java and /usr/lib/jvm. weft_find_jdk looks in the same places, so that when it finds nothing
# ./weft and .ci/run stop with one line instead of the plugin's "Define the required toolchains in
# your ~/.m2/toolchains.xml" error. (./mvnw stays exactly as maven-wrapper-plugin generates it.)

WEFT_JDK_MIN=25
WEFT_JDK_MESSAGE="Weft needs a JDK 25 or newer: install one (e.g. apt-get install temurin-25-jdk) or set JAVA_HOME to it"

# Prints the feature version (25, 26, ...) of the JDK at $1, or nothing when $1 is no JDK with javac.
weft_jdk_major() {
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  _wv=
  if [ -f "$1/release" ]; then
    _wv=$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$1/release" 2>/dev/null | head -n 1)
  fi
  if [ -z "$_wv" ]; then
    _wv=$("$1/bin/java" -version 2>&1 | sed -n 's/^[^"]* version "\([^"]*\)".*$/\1/p' | head -n 1)
  fi
  case "$_wv" in
    1.*) _wv=${_wv#1.} ;;
  esac
  _wv=$(printf '%s\n' "$_wv" | sed 's/[^0-9].*$//')
  [ -n "$_wv" ] || return 1
  printf '%s\n' "$_wv"
}

# weft_jdk_ok DIR: true when DIR is a JDK >= 25.
weft_jdk_ok() {
  _wm=$(weft_jdk_major "$1") || return 1
  [ "$_wm" -ge "$WEFT_JDK_MIN" ] 2>/dev/null
}

# Prints the home of a JDK >= 25: $JAVA_HOME if it is one; else the newest one in the usual
# install folders (and JAVA*_HOME variables); else the one that `java` on PATH belongs to.
# Prints nothing and returns 1 when there is none.
weft_find_jdk() {
  if [ -n "${JAVA_HOME-}" ] && weft_jdk_ok "$JAVA_HOME"; then
    printf '%s\n' "$JAVA_HOME"
    return 0
  fi
  _wbest= _wbestv=0
  _wpwhome=$(getent passwd "$(id -u)" 2>/dev/null | cut -d: -f6)
  _wflags=$-
  set +f
  for _wd in /usr/lib/jvm/* /usr/jdk/* /usr/java/* /opt/java/* \
      "${HOME-}"/.jdks/* "${HOME-}"/.m2/jdks/* "${HOME-}"/.sdkman/candidates/java/* \
      "${HOME-}"/.gradle/jdks/* "${HOME-}"/.jenv/versions/* "${HOME-}"/.jbang/cache/jdks/* \
      "${HOME-}"/.asdf/installs/java/* "${HOME-}"/.jabba/jdk/* \
      "$_wpwhome"/.jdks/* "$_wpwhome"/.m2/jdks/* "$_wpwhome"/.sdkman/candidates/java/* \
      $(env | sed -n 's/^JAVA[A-Za-z0-9_]*_HOME=\(.*\)$/\1/p'); do
    [ -d "$_wd" ] || continue
    _wm=$(weft_jdk_major "$_wd") || continue
    if [ "$_wm" -ge "$WEFT_JDK_MIN" ] 2>/dev/null && [ "$_wm" -gt "$_wbestv" ]; then
      _wbest=$_wd _wbestv=$_wm
    fi
  done
  case $_wflags in *f*) set -f ;; esac
  if [ -n "$_wbest" ]; then
    printf '%s\n' "$_wbest"
    return 0
  fi
  _wjava=$(command -v java 2>/dev/null) || return 1
  _wjava=$(readlink -f "$_wjava" 2>/dev/null || printf '%s\n' "$_wjava")
  _wd=${_wjava%/bin/java}
  if [ "$_wd" != "$_wjava" ] && weft_jdk_ok "$_wd"; then
    printf '%s\n' "$_wd"
    return 0
  fi
  return 1
}

# For .ci/run and ./weft: find the JDK >= 25 and export it as JAVA_HOME, so that Maven itself runs
# on it (the jar tool that maven-jar-plugin calls in Maven's JVM must read the Java 25
# module-info.class of weft-fibers and weft-locks); print the one-line message to stderr and fail
# when there is none.
# WEFT_SKIP_JDK_CHECK=1 skips the check (the toolchains plugin still needs a JDK >= 25).
weft_require_jdk() {
  [ "${WEFT_SKIP_JDK_CHECK-}" = 1 ] && return 0
  if _wjdk=$(weft_find_jdk); then
    JAVA_HOME=$_wjdk
    export JAVA_HOME
    return 0
  fi
  printf '%s\n' "$WEFT_JDK_MESSAGE" >&2
  return 1
}
