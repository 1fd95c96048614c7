#!/usr/bin/env bash
# Screenshots of dashboard pages (the README's): tools/screenshot.sh URL PNG [URL PNG ...]
# Drives Debian's headless Chromium over the DevTools protocol (src/test/java/.../server/Browser.java), waits for the
# page to settle, and captures the whole page. Needs the test classes (built here if missing) and target/lib.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f target/test-classes/org/grokscope/server/Browser.class ] || [ ! -d target/lib ]; then mvn -q -B -ntp package -DskipTests; mvn -q -B -ntp test-compile; fi
exec "${JAVA_HOME:-/usr}/bin/java" -cp "target/test-classes:target/classes:target/lib/*" org.grokscope.server.Browser "$@"
