#!/usr/bin/env bash
# Regenerates the golden fixtures: grokscope writes the inputs (initial weights, data), PyTorch the
# expected outputs. Needs Debian's python3-torch (apt-get install python3-torch libopenblas0-pthread).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
java --add-modules jdk.incubator.vector -cp "target/classes:target/test-classes:$(cat target/cp.txt)" \
  org.grokscope.golden.GoldenCases src/test/resources/golden
OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/reference.py src/test/resources/golden
java --add-modules jdk.incubator.vector -cp "target/classes:target/test-classes:$(cat target/cp.txt)" \
  org.grokscope.golden.GoldenNumerics src/test/resources/golden
OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/numerics.py src/test/resources/golden
java --add-modules jdk.incubator.vector -cp "target/classes:target/test-classes:$(cat target/cp.txt)" \
  org.grokscope.golden.GoldenExport src/test/resources/golden
# safetensors is not packaged by Debian: a venv over the system's torch with the safetensors wheel
# (python3 -m venv --system-site-packages V && V/bin/pip install safetensors)
"${SAFETENSORS_PYTHON:-/usr/bin/python3}" tools/reference/export.py src/test/resources/golden
OMP_NUM_THREADS=1 /usr/bin/python3 tools/reference/init_stats.py src/test/resources/golden
