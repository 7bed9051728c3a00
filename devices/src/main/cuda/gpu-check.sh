#!/usr/bin/env bash
# gpu-check.sh: checks the CUDA executor on a machine with an NVIDIA GPU, from a self-contained pack.
#
# The GPU machine has the driver but maybe no JDK, Maven, network or ../shared, so the work is split in two:
#
#   1. On the build machine (JDK 25, Maven, ../shared beside the project):
#        devices/src/main/cuda/gpu-check.sh pack [PACK_DIR]
#      builds the application and test classes, and writes PACK_DIR (default out/gpu-pack, git-ignored):
#        runtime/   a jlink'ed JDK with only the modules the jars need (jdeps) plus jdk.incubator.vector
#        app/       the application jars, native libraries for linux-x64 only (other platforms stripped)
#        test/      test classes, the JUnit console launcher, the models and fixtures the tests read
#        run.sh     this script (the GPU side)
#      and prints its size (it must stay under 64 MiB to travel with a device run).
#      `gpu-check.sh dry-run` packs, then runs the pack's GPU side on this machine with the GPU steps skipped
#      (checks that the runtime starts, the class path resolves and the CUDA tests report "skipped").
#
#   2. On the GPU machine, from the repository root (the pack carried along, e.g. run tool carry: out/gpu-pack):
#        out/gpu-pack/run.sh [OUT_DIR]
#      runs, writing logs and JUnit XML to OUT_DIR (default $OUT, else out/gpu-results):
#        - nvidia-smi, when present;
#        - the CUDA test classes (org.mirrorsd.devices.cuda.*) with the JUnit console launcher: parity with the CPU
#          on the fixtures, batched rows, early exit, forks, every weight format, Mirror-SD losslessness;
#        - `mirror-sd scale` of stories260K to a bigger Q8_0 GGUF (shape: GPU_CHECK_SHAPE="dim layers hidden
#          heads", default "2048 8 5632 256", head size 8 as the real model), then
#          `mirror-sd bench decode --model <scaled.gguf> --target-device cuda` (ar and mirror), which prints the
#          target's GEMV bandwidth as a fraction of the card's nominal bandwidth.
#      Budget: about 2-4 minutes on an H100 (most of it the model scaling on the CPU).
#      Environment: GPU_CHECK_SKIP_BENCH=1 runs the tests only; GPU_CHECK_DRY=1 skips every GPU step.
set -euo pipefail

SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
MODE="${1:-run}"

pack() {
  local root pack jdk
  root="$(cd "$(dirname "$SELF")/../../../.." && pwd)"
  pack="${1:-$root/out/gpu-pack}"
  jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
  local shared="${MIRRORSD_SHARED:-$root/../shared}"
  [ -x "$jdk/bin/jlink" ] || { echo "gpu-check: JAVA_HOME must be a JDK 25 with jlink" >&2; exit 2; }
  [ -d "$shared/models" ] || { echo "gpu-check: no shared models at $shared (set MIRRORSD_SHARED)" >&2; exit 2; }
  export JAVA_HOME="$jdk"

  echo "gpu-check: building (package, test classes)..." >&2
  (cd "$root" && mvn -B -q -DskipTests package) >&2   # -DskipTests still compiles the test classes

  rm -rf "$pack"
  mkdir -p "$pack/app" "$pack/test/shared/models" "$pack/test/shared/fixtures"
  cp "$root"/bench/target/mirror-sd-bench-*.jar "$pack/app/"
  local jar
  for jar in "$root"/bench/target/lib/*.jar; do
    case "$(basename "$jar")" in
      jcublas*) continue ;;   # cuBLAS is not used
    esac
    cp "$jar" "$pack/app/"
  done
  # JCuda: only the driver binding is used (the PTX compiler, NVRTC bindings are 25 MB).
  # ONNX Runtime: the classes stay (the devices module links against them), its 28 MB native library goes: the
  # GPU checks never open an ONNX session.
  for jar in "$pack"/app/onnxruntime-*.jar; do
    zip -q -d "$jar" 'ai/onnxruntime/native/*' >/dev/null 2>&1 || true
  done
  for jar in "$pack"/app/jcuda-natives-*.jar; do
    zip -q -d "$jar" 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' >/dev/null 2>&1 || true
  done
  # Natives of other platforms out (onnxruntime ships five of them, 200 MB).
  for jar in "$pack"/app/*.jar; do
    if unzip -Z1 "$jar" | grep -Eq '(^|/)(osx|darwin|win|windows|linux-aarch64|linux-arm|linux-ppc|linux-s390|android)[^/]*/'; then
      zip -q -d "$jar" '*/osx-*' '*/darwin*' '*/win-*' '*/windows*' '*/linux-aarch64/*' '*/linux-arm*' \
          '*/linux-ppc*' '*/linux-s390*' '*/android*' >/dev/null 2>&1 || true
    fi
  done

  # Test side: the compiled tests, their resources, the console launcher, the shared files the CUDA tests read.
  cp -r "$root/src-test/target/test-classes" "$pack/test/classes"
  local junit_version
  junit_version="$(sed -n 's:.*<junit.version>5\.\([0-9.]*\)</junit.version>.*:1.\1:p' "$root/pom.xml")"
  (cd "$root" && mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_version" \
      -DoutputDirectory="$pack/test" -Dmdep.stripVersion=true) >&2
  local f
  for f in stories260K.bin llama2xs-280K.bin tok512.bin stories260K.gguf stories260K-q8_0-gs8.bin; do
    cp "$shared/models/$f" "$pack/test/shared/models/"
  done
  cp "$shared/fixtures/llama2c-greedy.jsonl" "$pack/test/shared/fixtures/"
  # The llama.cpp fixtures of the architectures the CUDA executor runs (CudaArchitectureParityTest); 7 MB.
  mkdir -p "$pack/test/shared/fixtures/llamacpp"
  for f in llama-F16 phi3-F16; do
    cp "$shared/fixtures/llamacpp/$f.gguf" "$shared/fixtures/llamacpp/$f.jsonl" "$pack/test/shared/fixtures/llamacpp/"
  done

  # A runtime with only the modules the jars use.
  local modules
  modules="$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps \
      "$pack"/app/*.jar "$pack/test/junit-platform-console-standalone.jar" 2>/dev/null \
      | grep -E '^[a-z][a-z0-9.]*(,[a-z][a-z0-9.]*)*$' | tail -1 || true)"
  modules="${modules:-java.base,java.logging,java.naming,java.sql,java.xml,jdk.unsupported}"
  # java.desktop (java.beans, for Jackson/SnakeYAML bean introspection) and jdk.jfr (Netty's optional events) are
  # only touched by the server and config files, never by the tests or `bench decode`: 15 MB saved. The
  # dry run below exercises both paths with the linked runtime.
  modules="$(echo "$modules" | tr ',' '\n' | grep -vx -e java.desktop -e jdk.jfr | paste -sd, -)"
  modules="$modules,jdk.incubator.vector,jdk.unsupported,jdk.zipfs"
  echo "gpu-check: jlink modules: $modules" >&2
  # Java debug attributes out; native symbols too when objcopy is there (--strip-debug would conflict with it).
  local strip=(--strip-debug)
  if command -v objcopy >/dev/null 2>&1; then
    strip=(--strip-java-debug-attributes --strip-native-debug-symbols "objcopy=$(command -v objcopy)")
  fi
  "$jdk/bin/jlink" --add-modules "$modules" "${strip[@]}" --no-header-files --no-man-pages \
      --compress=zip-9 --output "$pack/runtime"

  # The runtime travels as a tarball (a 49 MB directory, 20-odd MB compressed); run.sh unpacks it to /tmp.
  tar -C "$pack" -czf "$pack/runtime.tar.gz" runtime
  rm -rf "$pack/runtime"

  cp "$SELF" "$pack/run.sh"
  chmod +x "$pack/run.sh"
  local bytes
  bytes="$(du -sb "$pack" | cut -f1)"
  echo "gpu-check: pack $pack: $((bytes / 1024 / 1024)) MiB (runtime.tar.gz $(du -sm "$pack/runtime.tar.gz" | cut -f1) MiB, app $(du -sm "$pack/app" | cut -f1) MiB, test $(du -sm "$pack/test" | cut -f1) MiB)"
  if [ "$bytes" -ge $((64 * 1024 * 1024)) ]; then
    echo "gpu-check: WARNING: the pack is over 64 MiB and cannot be carried to a device run" >&2
    return 1
  fi
}

run_pack() {
  local pack out java cp flags status=0
  pack="$(dirname "$SELF")"
  out="${1:-${OUT:-out/gpu-results}}"
  mkdir -p "$out"
  local rt="$pack/runtime"
  if [ ! -x "$rt/bin/java" ] && [ -f "$pack/runtime.tar.gz" ]; then
    rt="${TMPDIR:-/tmp}/mirror-sd-gpu-runtime"
    rm -rf "$rt" && mkdir -p "$rt"
    tar -C "$rt" -xzf "$pack/runtime.tar.gz" --strip-components=1
  fi
  java="$rt/bin/java"
  [ -x "$java" ] || { echo "gpu-check: no runtime in $pack: run 'gpu-check.sh pack' first" >&2; exit 2; }
  # Spelled out: the console launcher's --class-path does not expand "dir/*" as the java launcher does.
  cp="$pack/test/classes"
  local jar
  for jar in "$pack"/app/*.jar; do cp="$cp:$jar"; done
  flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m
         -Dmirrorsd.shared="$pack/test/shared")

  { command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi; } 2>&1 | tee "$out/nvidia-smi.txt" || true
  "$java" -version 2>&1 | tee "$out/java-version.txt"

  echo "== CUDA tests" | tee "$out/tests.txt"
  "$java" "${flags[@]}" -jar "$pack/test/junit-platform-console-standalone.jar" execute \
      --class-path "$cp" --select-package org.mirrorsd.devices.cuda --details=tree --disable-banner --disable-ansi-colors \
      --reports-dir "$out/junit" 2>&1 | tee -a "$out/tests.txt" || status=1

  if [ -n "${GPU_CHECK_DRY:-}" ]; then
    # No GPU: the same command on the real small model (the cuda target falls back to the CPU with a warning),
    # which proves the linked runtime and class path carry the benchmark.
    echo "== dry run: bench decode --target-device cuda on stories260K (falls back to cpu)" | tee "$out/bench.txt"
    "$java" "${flags[@]}" -cp "$pack/app/*" org.mirrorsd.cli.Main bench decode \
        --model "$pack/test/shared/models/stories260K.bin" --tokenizer "$pack/test/shared/models/tok512.bin" \
        --draft "$pack/test/shared/models/llama2xs-280K.bin" --methods ar,mirror --target-device cuda \
        --max-tokens 16 --rounds 1 --prompts "Once upon a time" 2>&1 | tee -a "$out/bench.txt" || status=1
    return "$status"
  fi
  if [ -n "${GPU_CHECK_SKIP_BENCH:-}" ]; then
    echo "gpu-check: benchmark skipped (GPU_CHECK_SKIP_BENCH)"
    return "$status"
  fi

  local shape scaled
  read -r -a shape <<< "${GPU_CHECK_SHAPE:-2048 8 5632 256}"
  scaled="${TMPDIR:-/tmp}/mirror-sd-scaled-${shape[0]}x${shape[1]}.gguf"
  echo "== scale ${shape[*]} -> $scaled" | tee "$out/bench.txt"
  "$java" "${flags[@]}" -cp "$pack/app/*" org.mirrorsd.cli.Main scale \
      --model "$pack/test/shared/models/stories260K.bin" --out "$scaled" --dim "${shape[0]}" --layers "${shape[1]}" \
      --hidden "${shape[2]}" --heads "${shape[3]}" --type q8_0 2>&1 | tee -a "$out/bench.txt"
  echo "== bench decode --target-device cuda" | tee -a "$out/bench.txt"
  "$java" "${flags[@]}" -XX:+UseParallelGC -cp "$pack/app/*" org.mirrorsd.cli.Main bench decode \
      --model "$scaled" --tokenizer "$pack/test/shared/models/tok512.bin" \
      --draft "$pack/test/shared/models/llama2xs-280K.bin" --methods ar,mirror --target-device cuda \
      --max-tokens 64 --rounds 1 2>&1 | tee -a "$out/bench.txt" || status=1
  grep -E "GEMV over|target on|host<->device" "$out/bench.txt" || true
  rm -f "$scaled"
  return "$status"
}

case "$MODE" in
  pack) shift; pack "$@" ;;
  dry-run)
    shift
    pack "$@"
    GPU_CHECK_DRY=1 "${1:-$(cd "$(dirname "$SELF")/../../../.." && pwd)/out/gpu-pack}/run.sh" run \
        "$(cd "$(dirname "$SELF")/../../../.." && pwd)/out/gpu-dry-results"
    ;;
  run) shift || true; run_pack "$@" ;;
  -h|--help) sed -n '2,33p' "$SELF"; exit 0 ;;
  *) run_pack "$@" ;;   # run.sh OUT_DIR
esac
