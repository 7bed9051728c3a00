#!/usr/bin/env bash
# Builds libmirrorsd_cpu.so (the AVX2 and AVX-512 quantised kernels NativeKernels calls) into OUT_DIR/linux-x86_64/.
#   build-native.sh OUT_DIR [CC]
# Runs from Maven's process-classes phase when gcc is installed (profile cpu-native in devices/pom.xml), so the
# library lands in target/classes and the jar; anything but x86-64 Linux skips it, and the engine uses its Java
# kernels, which give the same bits.
set -euo pipefail
out="${1:?usage: build-native.sh OUT_DIR [CC]}"
cc="${2:-gcc}"
src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [[ "$(uname -s)" != Linux || "$(uname -m)" != x86_64 ]]; then
  echo "native CPU kernels: skipped on $(uname -s) $(uname -m) (x86-64 Linux only); the Java kernels run"
  exit 0
fi
mkdir -p "$out/linux-x86_64" "$out/tmp"
# -ffp-contract=off: the float part must round as Java's does (no fused multiply-adds Java does not make).
common=(-O3 -fPIC -ffp-contract=off -fno-fast-math -Wall -Wextra -Werror -std=c11)
"$cc" "${common[@]}" -c "$src/cpu_check.c" -o "$out/tmp/cpu_check.o"
"$cc" "${common[@]}" -mavx2 -mfma -mf16c -c "$src/cpu_kernels.c" -o "$out/tmp/cpu_kernels.o"
# Only called where mirrorsd_cpu_avx512 (mirrorsd_cpu_avx512_vnni) says the CPU has it.
"$cc" "${common[@]}" -mavx512f -mavx512bw -mavx2 -mfma -mf16c -c "$src/cpu_kernels_avx512.c" -o "$out/tmp/cpu_kernels_avx512.o"
"$cc" "${common[@]}" -mavx512f -mavx512bw -mavx512vnni -mavx2 -mfma -mf16c -c "$src/cpu_kernels_vnni.c" -o "$out/tmp/cpu_kernels_vnni.o"
"$cc" -shared -o "$out/linux-x86_64/libmirrorsd_cpu.so" "$out/tmp/cpu_check.o" "$out/tmp/cpu_kernels.o" "$out/tmp/cpu_kernels_avx512.o" \
  "$out/tmp/cpu_kernels_vnni.o"
rm -rf "$out/tmp"
echo "native CPU kernels: $out/linux-x86_64/libmirrorsd_cpu.so"
