# Sourced by bin/grokscope and bin/jmh: sets JAVA to the newest JDK >= 17 found (JAVA_HOME, then the JDKs
# installed on this machine, then `java` on PATH; on a tie the earlier one wins), or exits.
major() { # major version of a java binary, 0 if it does not run
  local v
  v=$("$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}') || true
  [ -n "$v" ] || { echo 0; return; }
  v=${v#1.}
  echo "${v%%[.+-]*}"
}

candidates=()
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && candidates+=("$JAVA_HOME/bin/java")
for d in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
         /Library/Java/JavaVirtualMachines/*/Contents/Home; do
  [ -x "$d/bin/java" ] && candidates+=("$d/bin/java")
done
command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")

JAVA=""; best=0
for j in "${candidates[@]+"${candidates[@]}"}"; do
  v=$(major "$j")
  if [ "$v" -gt "$best" ] 2>/dev/null; then JAVA="$j"; best="$v"; fi
done
if [ -z "$JAVA" ] || [ "$best" -lt 17 ]; then
  echo "grokscope: needs a JDK 17 or newer (found: ${best:-none}); set JAVA_HOME or install one" >&2
  exit 1
fi

