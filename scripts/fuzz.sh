#!/usr/bin/env bash
# Builds the libFuzzer harnesses (the `fuzz` preset, clang) and runs each one for a while on a
# scratch copy of its seed corpus (fuzz/corpus/<harness>/ is never written). docs/fuzzing.md.
#   scripts/fuzz.sh [--seconds N] [--jobs J] [--long] [harness ...]
#     --seconds N  time per harness (default 60)
#     --jobs J     harnesses run at once (default 2)
#     --long       600 s per harness (the recorded long run)
#     --out DIR    where the scratch corpora, logs and findings go (default build/fuzz/runs)
#     harness      names as in fuzz/<name>_fuzz.cpp (default: all)
# Prints one line per harness (runs, coverage, corpus, result); on a crash, the input's path and
# the command that reproduces it. Exit status 1 if any harness found a crash, leak or timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

seconds=60 jobs=2 out="" harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift ;;
    --jobs) jobs="$2"; shift ;;
    --long) seconds=600 ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) harnesses+=("$1") ;;
  esac
  shift
done
if [ ${#harnesses[@]} -eq 0 ]; then
  for f in fuzz/*_fuzz.cpp; do harnesses+=("$(basename "$f" _fuzz.cpp)"); done
fi
for h in "${harnesses[@]}"; do
  [ -f "fuzz/${h}_fuzz.cpp" ] || { echo "fuzz.sh: no harness fuzz/${h}_fuzz.cpp" >&2; exit 2; }
done

bin="$root/build/fuzz/fuzz"
runs="${out:-$root/build/fuzz/runs}"
mkdir -p "$runs"
runs="$(cd "$runs" && pwd)"

# The proxy harness compiles slowest (Beast coroutines under ASan): it runs last, and it is built
# with one job while the others already run, instead of before them.
last="${harnesses[${#harnesses[@]}-1]}"
for i in "${!harnesses[@]}"; do
  if [ "${harnesses[$i]}" = proxy_session ] && [ "$last" != proxy_session ]; then
    harnesses=("${harnesses[@]:0:$i}" "${harnesses[@]:$((i + 1))}" proxy_session)
    last=proxy_session
    break
  fi
done
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1
echo "fuzz: building the harnesses (build/fuzz)"
cmake --preset fuzz >/dev/null
first_targets=()
for h in "${harnesses[@]}"; do [ "$h" != "$last" ] && first_targets+=("${h}_fuzz"); done
if [ ${#first_targets[@]} -gt 0 ]; then
  cmake --build build/fuzz -j "${jobs}" --target "${first_targets[@]}"
  # A grandchild, so the `wait -n` below only ever sees harness runs; it reports through a file.
  rm -f "$runs/.last-build"
  ( (cmake --build build/fuzz -j 1 --target "${last}_fuzz" >"$runs/last-build.log" 2>&1
     echo $? >"$runs/.last-build") & )
else
  cmake --build build/fuzz -j "${jobs}" --target "${last}_fuzz"
  echo 0 >"$runs/.last-build"
fi
# The JSON-based formats share one dictionary; the others have their own or none.
dict_for() {
  case "$1" in
    proxy_session|schedule|tzif) echo "$root/fuzz/dict/$1.dict" ;;
    env_file) echo "" ;;
    *) echo "$root/fuzz/dict/json.dict" ;;
  esac
}

# One harness, in its own scratch directory; prints its summary line, returns 1 on a finding.
run_one() {
  local h="$1" dir="$runs/$1"
  rm -rf "$dir"
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp -R "fuzz/corpus/$h/." "$dir/corpus/"
  local dict args=()
  dict="$(dict_for "$h")"
  [ -n "$dict" ] && args+=("-dict=$dict")
  local status=0
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$bin/${h}_fuzz" "$dir/corpus" "${args[@]}" -max_total_time="$seconds" -timeout=25 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    >"$dir/log" 2>&1 || status=$?
  local execs cov corpus
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)"
  cov="$(grep -o 'cov: [0-9]*' "$dir/log" | tail -n 1 | cut -d' ' -f2)"
  corpus="$(find "$dir/corpus" -type f | wc -l)"
  if [ "$status" = 0 ]; then
    printf 'fuzz: %-18s ok     runs %-10s cov %-6s corpus %s\n' "$h" "${execs:-?}" "${cov:-?}" "$corpus"
    return 0
  fi
  local input
  input="$(find "$dir/artifacts" -type f | head -n 1)"
  printf 'fuzz: %-18s FAILED runs %-10s cov %-6s corpus %s (exit %s)\n' "$h" "${execs:-?}" \
    "${cov:-?}" "$corpus" "$status"
  echo "  log:       $dir/log"
  grep -m 3 -E 'ERROR: |runtime error|invariant failed|threw' "$dir/log" | sed 's/^/  /' || true
  if [ -n "$input" ]; then
    echo "  input:     $input"
    echo "  reproduce: $bin/${h}_fuzz $input"
  fi
  return 1
}

mkdir -p "$runs"
echo "fuzz: ${#harnesses[@]} harnesses, ${seconds} s each, ${jobs} at a time"
failed=0 running=0
for h in "${harnesses[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
  if [ "$h" = "$last" ]; then
    until [ -f "$runs/.last-build" ]; do sleep 1; done
    if [ "$(cat "$runs/.last-build")" != 0 ]; then
      cat "$runs/last-build.log" >&2
      echo "fuzz: building ${last}_fuzz failed" >&2
      failed=1
      continue
    fi
  fi
  run_one "$h" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
if [ "$failed" = 1 ]; then
  echo "fuzz: a harness found a problem (see above)" >&2
  exit 1
fi
echo "fuzz: all harnesses ran clean"
