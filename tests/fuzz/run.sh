#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, in FUZZ_DIR) and runs each for
# FUZZ_SECONDS from the seeds in tests/fuzz/corpus/NAME; what the fuzzer learns stays in
# FUZZ_DIR/corpus/NAME. Fails on any crash, leak, timeout (10 s for one input) or memory
# blow-up (2 GB), leaving the input in FUZZ_DIR/artifacts/NAME/.
set -euo pipefail
cd "$(dirname "$0")/../.."
FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
TARGETS=${FUZZ_TARGETS:-manifest kubeconfig watch url json_fast}

cmake -S . -B "$FUZZ_DIR" -G Ninja -DKAPP_FUZZ=ON -DKAPP_TESTS=OFF \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=None \
  "-DCMAKE_CXX_FLAGS=-O1 -gline-tables-only" >/dev/null
cmake --build "$FUZZ_DIR" --target fuzzers

failed=()
for name in $TARGETS; do
  corpus=$FUZZ_DIR/corpus/$name
  artifacts=$FUZZ_DIR/artifacts/$name/
  log=$FUZZ_DIR/$name.log
  mkdir -p "$corpus" "$artifacts"
  echo "fuzz: $name for ${FUZZ_SECONDS}s"
  if "$FUZZ_DIR/tests/fuzz/${name}_fuzz" "$corpus" "tests/fuzz/corpus/$name" \
      -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$log" | sed "s/^/fuzz: $name: /"
  else
    tail -n 60 "$log"
    echo "fuzz: $name FAILED; the input is in $artifacts (replay: $FUZZ_DIR/tests/fuzz/${name}_fuzz FILE)"
    failed+=("$name")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: failures in ${failed[*]}"
  exit 1
fi
echo "fuzz: every target ran ${FUZZ_SECONDS}s with no crash, leak or timeout"
