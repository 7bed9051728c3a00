#!/usr/bin/env bash
# Runs our decode and prefill on each GGUF file given with C2's inlining log on, and lists the calls from our
# code that C2 left out of line because the caller had passed its node-count cutoff. Inside a kernel such a
# call spills every vector register around it: Q6_K decode once ran at half speed because one scale read in
# its inner loop was a call to Blocks.s8. Exit code 1 when any is found, 2 on bad usage.
#
#   bench/scripts/check-inlining.sh FILE.gguf [FILE.gguf ...]
#
# It reads the JIT's diagnostics, which depend on the JDK and the CPU: a tool for kernel work, not a test.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 FILE.gguf [FILE.gguf ...]" >&2
    exit 2
fi
root="$(cd "$(dirname "$0")/../.." && pwd)"
found=0
for model in "$@"; do
    if [ ! -r "$model" ]; then
        echo "check-inlining: cannot read $model" >&2
        exit 2
    fi
    log="$(mktemp)"
    MIRRORSD_JAVA_OPTS="${MIRRORSD_JAVA_OPTS:-} -XX:+UnlockDiagnosticVMOptions -XX:+PrintInlining" \
        "$root/mirror-sd" bench peer --model "$model" --threads 1 --rounds 1 --no-peer --prompts 128 --decode 32 --ttft-prompt 0 \
        > "$log" 2>&1 || { echo "check-inlining: the run on $model failed, log in $log" >&2; exit 2; }
    calls="$(grep -E 'org\.mirrorsd\.[^ ]+ .*failed to inline: NodeCountInliningCutoff' "$log" \
        | sed -E 's/^ *//; s/ +/ /g' | sort | uniq -c || true)"
    if [ -n "$calls" ]; then
        found=1
        echo "$model: calls C2 left out of line past its node-count cutoff (count, bytecode index, callee):"
        echo "$calls"
    else
        echo "$model: none"
    fi
    rm -f "$log"
done
exit "$found"
