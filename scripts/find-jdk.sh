# shellcheck shell=bash
# Sourced by ./hourmeter and .ci/run. Defines hourmeter_find_jdk, which sets and exports JAVA_HOME to a JDK
# whose major version is >= HOURMETER_MIN_JAVA (21): $JAVA_HOME if it qualifies, else the `java` on PATH,
# else the newest JDK under /usr/lib/jvm (or HOURMETER_JVM_DIRS, space-separated). It also sets
# HOURMETER_JAVA_MAJOR. Returns 1 with a message on stderr when there is none.

HOURMETER_MIN_JAVA="${HOURMETER_MIN_JAVA:-21}"

# Major version of the JDK at $1 (a JAVA_HOME), or nothing.
hourmeter_java_major() {
  local home="$1" version=""
  [[ -x "$home/bin/java" ]] || return 0
  if [[ -f "$home/release" ]]; then
    version="$(sed -n 's/^JAVA_VERSION="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$home/release" | head -n 1)"
  fi
  if [[ -z "$version" ]]; then
    version="$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)"
  fi
  [[ -n "$version" ]] || return 0
  if [[ "$version" == 1.* ]]; then
    version="${version#1.}"
  fi
  echo "${version%%[.+-]*}"
}

# Whether the JDK at $1 has bin/javac too (Maven needs a JDK, not a JRE).
hourmeter_is_jdk() {
  [[ -x "$1/bin/java" && -x "$1/bin/javac" ]]
}

hourmeter_find_jdk() {
  local candidate major best="" best_major=0 java_on_path dir
  if [[ -n "${JAVA_HOME:-}" ]] && hourmeter_is_jdk "$JAVA_HOME"; then
    major="$(hourmeter_java_major "$JAVA_HOME")"
    if [[ -n "$major" && "$major" -ge "$HOURMETER_MIN_JAVA" ]]; then
      HOURMETER_JAVA_MAJOR="$major"
      export JAVA_HOME
      return 0
    fi
  fi
  if java_on_path="$(command -v java 2>/dev/null)"; then
    candidate="$(dirname "$(dirname "$(readlink -f "$java_on_path")")")"
    if hourmeter_is_jdk "$candidate"; then
      major="$(hourmeter_java_major "$candidate")"
      if [[ -n "$major" && "$major" -ge "$HOURMETER_MIN_JAVA" ]]; then
        JAVA_HOME="$candidate"
        HOURMETER_JAVA_MAJOR="$major"
        export JAVA_HOME
        return 0
      fi
    fi
  fi
  for dir in ${HOURMETER_JVM_DIRS:-/usr/lib/jvm}; do
    [[ -d "$dir" ]] || continue
    for candidate in "$dir"/*; do
      [[ -d "$candidate" ]] || continue
      hourmeter_is_jdk "$candidate" || continue
      major="$(hourmeter_java_major "$candidate")"
      if [[ -n "$major" && "$major" -ge "$HOURMETER_MIN_JAVA" && "$major" -gt "$best_major" ]]; then
        best="$candidate"
        best_major="$major"
      fi
    done
  done
  if [[ -n "$best" ]]; then
    JAVA_HOME="$best"
    HOURMETER_JAVA_MAJOR="$best_major"
    export JAVA_HOME
    return 0
  fi
  echo "hourmeter needs a JDK ${HOURMETER_MIN_JAVA} or newer: JAVA_HOME (${JAVA_HOME:-unset}), the java on PATH" \
    "(${java_on_path:-none}) and ${HOURMETER_JVM_DIRS:-/usr/lib/jvm} have none. Install one (e.g. Temurin 21)" \
    "and set JAVA_HOME to it." >&2
  return 1
}
