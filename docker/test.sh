#!/usr/bin/env bash
# Builds and checks the container image end to end, offline, on a private Docker daemon. Not part of the test
# suite (minutes of work, needs root); run it by hand: sudo docker/test.sh
#
# 1. installs docker.io and debootstrap when missing (apt);
# 2. starts its own dockerd (vfs storage, no bridge, no iptables) with socket and data under $WORK;
# 3. makes base images without any registry: `debootstrap --variant=minbase bookworm` + `docker import`, one
#    bare (runtime) and one with the host's JDK 25, Maven and a Maven repository filled on the host (build);
# 4. builds docker/Dockerfile (and Dockerfile.cuda, with the bare base standing in for nvidia/cuda) with
#    --network=none, passing those base images as build args;
# 5. runs the image with the real model mounted: /health, a streaming chat request, the non-root user, the
#    HEALTHCHECK; then `docker stop` must end it with exit code 0 (the SIGTERM drain);
# 6. stops everything it started, by PID.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${MIRRORSD_SHARED:-$ROOT/../shared}"
MODEL="${MODEL:-stories260K.bin}"
JDK="${JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
WORK="${WORK:-/tmp/mirrorsd-docker-test}"
CACHE="${CACHE:-/tmp/mirrorsd-docker-cache}"   # rootfs tarball and Maven repository, kept between runs
PORT="${PORT:-18480}"                          # host-network check, bound to 127.0.0.1 only
IMAGE=mirror-sd:test
DOCKER=/usr/bin/docker                         # the client matching the Debian daemon
DOCKERD_PID=""
CONTAINERS=()

log() { printf '\n== %s\n' "$*"; }
# dockerd leaves its default network namespace bind-mounted under its exec root when it exits.
unmount_under() {
  { grep -o " $1/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount "$m" || umount -l "$m"; done
}
fail() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "needs root (dockerd, debootstrap)"
[ -x "$JDK/bin/java" ] || fail "no JDK 25 at $JDK"
[ -f "$SHARED/models/$MODEL" ] || fail "no model $SHARED/models/$MODEL"

if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null || [ ! -x "$DOCKER" ]; then
  log "installing docker.io and debootstrap"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io debootstrap
fi

cleanup() {
  local rc=$?
  set +e
  if [ -n "$DOCKERD_PID" ]; then
    for c in "${CONTAINERS[@]}"; do "$DOCKER" rm -f "$c" >/dev/null 2>&1; done
    log "stopping dockerd (pid $DOCKERD_PID)"
    kill "$DOCKERD_PID" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
    if kill -0 "$DOCKERD_PID" 2>/dev/null; then echo "dockerd still alive: SIGKILL"; kill -9 "$DOCKERD_PID"; fi
  fi
  unmount_under "$WORK"
  # vfs keeps full copies of every layer: gigabytes.
  rm -rf "$WORK/data" "$WORK/build-rootfs" "$WORK/m2-src"
  exit $rc
}
trap cleanup EXIT

log "starting dockerd on $WORK/docker.sock"
unmount_under "$WORK"
rm -rf "$WORK"
mkdir -p "$WORK" "$CACHE"
dockerd --host "unix://$WORK/docker.sock" --data-root "$WORK/data" --exec-root "$WORK/exec" \
  --pidfile "$WORK/dockerd.pid" --storage-driver=vfs --bridge=none --iptables=false --ip6tables=false \
  --ip-forward=false --ip-masq=false >"$WORK/dockerd.log" 2>&1 &
DOCKERD_PID=$!
export DOCKER_HOST="unix://$WORK/docker.sock" DOCKER_BUILDKIT=0
for i in $(seq 1 60); do
  "$DOCKER" info >/dev/null 2>&1 && break
  kill -0 "$DOCKERD_PID" 2>/dev/null || { tail -20 "$WORK/dockerd.log"; fail "dockerd exited"; }
  [ "$i" = 60 ] && { tail -20 "$WORK/dockerd.log"; fail "dockerd not ready after 60 s"; }
  sleep 1
done
"$DOCKER" version --format 'daemon {{.Server.Version}}, storage {{.Server.Os}}'

log "base images (debootstrap minbase bookworm, no registry)"
if [ ! -f "$CACHE/rootfs.tar" ]; then
  rm -rf "$CACHE/rootfs"
  timeout 1200 debootstrap --variant=minbase bookworm "$CACHE/rootfs" http://deb.debian.org/debian >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log"; fail "debootstrap"; }
  rm -rf "$CACHE/rootfs/var/cache/apt/archives/"*.deb "$CACHE/rootfs/var/lib/apt/lists/"*
  tar -C "$CACHE/rootfs" -cf "$CACHE/rootfs.tar" . && rm -rf "$CACHE/rootfs"
fi
"$DOCKER" import "$CACHE/rootfs.tar" mirrorsd-test/runtime-base:bookworm >/dev/null

# The Maven repository the build needs, filled from Maven Central on the host (the image build is offline). Run
# every time, on a copy of the sources (the working tree's target/ folders are left alone), so the repository
# follows the current poms; only what is missing gets downloaded.
mkdir -p "$WORK/m2-src"
tar -C "$ROOT" --exclude=./.git --exclude='./*/target' -cf - . | tar -C "$WORK/m2-src" -xf -
(cd "$WORK/m2-src" && JAVA_HOME="$JDK" timeout 1200 mvn -B -q -Dmaven.repo.local="$CACHE/m2" -DskipTests \
  -pl bench -am package >"$WORK/m2.log" 2>&1) || { tail -20 "$WORK/m2.log"; fail "filling the Maven repository"; }
rm -rf "$WORK/m2-src"
# The build base: the bookworm rootfs plus the host's JDK 25, Maven and that repository, as one imported layer.
BUILD_ROOT="$WORK/build-rootfs"
mkdir -p "$BUILD_ROOT"
tar -C "$BUILD_ROOT" -xf "$CACHE/rootfs.tar"
mkdir -p "$BUILD_ROOT/root/.m2"
cp -rL "$JDK" "$BUILD_ROOT/opt/jdk"   # -L: the Debian package links cacerts into /etc
cp -rL /usr/share/maven "$BUILD_ROOT/opt/maven"
cp -a "$CACHE/m2" "$BUILD_ROOT/root/.m2/repository"
tar -C "$BUILD_ROOT" -cf - . | "$DOCKER" import \
  --change 'ENV JAVA_HOME=/opt/jdk' \
  --change 'ENV PATH=/opt/jdk/bin:/opt/maven/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - mirrorsd-test/build:25 >/dev/null
rm -rf "$BUILD_ROOT"
"$DOCKER" images

BUILD_ARGS=(--network=none --build-arg BUILD_IMAGE=mirrorsd-test/build:25 --build-arg JDK_IMAGE=mirrorsd-test/build:25
            --build-arg "MAVEN_FLAGS=-B -o")
log "docker build docker/Dockerfile (--network=none)"
t0=$(date +%s)
timeout 1800 "$DOCKER" build "${BUILD_ARGS[@]}" --build-arg RUNTIME_IMAGE=mirrorsd-test/runtime-base:bookworm \
  -f "$ROOT/docker/Dockerfile" -t "$IMAGE" "$ROOT" 2>&1 | tee "$WORK/build.log" | grep -E '^Step|jdeps:|Successfully|error' || true
"$DOCKER" image inspect "$IMAGE" >/dev/null 2>&1 || { tail -30 "$WORK/build.log"; fail "image build"; }
echo "built in $(( $(date +%s) - t0 )) s; image size $(( $("$DOCKER" image inspect --format '{{.Size}}' "$IMAGE") / 1000000 )) MB"

log "docker build docker/Dockerfile.cuda (bookworm standing in for nvidia/cuda)"
timeout 1800 "$DOCKER" build "${BUILD_ARGS[@]}" --build-arg RUNTIME_IMAGE=mirrorsd-test/runtime-base:bookworm \
  -f "$ROOT/docker/Dockerfile.cuda" -t mirror-sd:test-cuda "$ROOT" >"$WORK/build-cuda.log" 2>&1 \
  || { tail -30 "$WORK/build-cuda.log"; fail "cuda image build"; }
echo "Dockerfile.cuda builds"

log "runtime modules (jlink)"
"$DOCKER" run --rm --network=none --entrypoint /opt/java/bin/java "$IMAGE" --list-modules | sed 's/@.*//' | tr '\n' ' '
echo

wait_healthy() {
  local c=$1
  for _ in $(seq 1 90); do
    case "$("$DOCKER" inspect --format '{{.State.Health.Status}}' "$c")" in
      healthy) return 0 ;;
      unhealthy) "$DOCKER" logs "$c" | tail -20; fail "$c unhealthy" ;;
    esac
    [ "$("$DOCKER" inspect --format '{{.State.Running}}' "$c")" = true ] || { "$DOCKER" logs "$c" | tail -20; fail "$c exited"; }
    sleep 1
  done
  fail "$c not healthy after 90 s"
}

stop_cleanly() {
  local c=$1
  "$DOCKER" stop -t 30 "$c" >/dev/null
  local code; code=$("$DOCKER" inspect --format '{{.State.ExitCode}}' "$c")
  "$DOCKER" logs "$c" 2>&1 | tail -3
  [ "$code" = 0 ] || fail "$c exited with $code after docker stop"
  echo "docker stop: exit code $code"
}

CHAT='{"messages":[{"role":"user","content":"Tell me a story."}],"max_tokens":24,"stream":true}'

log "run with --network=none, checks through docker exec (bash /dev/tcp)"
C1=mirrorsd-test-none
CONTAINERS+=("$C1")
"$DOCKER" run -d --name "$C1" --network=none -v "$SHARED/models:/models:ro" \
  -e "MIRRORSD_MODEL_PATH=/models/$MODEL" "$IMAGE" >/dev/null
wait_healthy "$C1"
echo "HEALTHCHECK: healthy"
[ "$("$DOCKER" exec "$C1" id -u)" = 10001 ] || fail "not running as uid 10001"
echo "user: $("$DOCKER" exec "$C1" id)"
health=$("$DOCKER" exec "$C1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080; printf "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" >&3; timeout 10 cat <&3')
grep -q '"status":"ok"' <<<"$health" || fail "/health: $health"
echo "/health: $(tail -1 <<<"$health")"
stream=$("$DOCKER" exec -e "BODY=$CHAT" "$C1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080
printf "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" "${#BODY}" "$BODY" >&3
timeout 30 cat <&3')
grep -q 'text/event-stream' <<<"$stream" || fail "not an event stream: $stream"
grep -q '"delta":{"content"' <<<"$stream" || fail "no content delta: $stream"
grep -q 'data: \[DONE\]' <<<"$stream" || fail "no [DONE]: $stream"
echo "streaming chat: $(grep -c '^data: ' <<<"$stream") events, ends with [DONE]"
stop_cleanly "$C1"

log "run with --network=host (server on 127.0.0.1:$PORT only), checks with curl from the host"
C2=mirrorsd-test-host
CONTAINERS+=("$C2")
if "$DOCKER" run -d --name "$C2" --network=host -v "$SHARED/models:/models:ro" -e "MIRRORSD_MODEL_PATH=/models/$MODEL" \
     -e MIRRORSD_SERVER_HOST=127.0.0.1 -e "MIRRORSD_SERVER_PORT=$PORT" "$IMAGE" >"$WORK/host-run.log" 2>&1; then
  wait_healthy "$C2"
  curl -sf --max-time 10 "http://127.0.0.1:$PORT/health" && echo
  out=$(curl -sN --max-time 30 -H 'Content-Type: application/json' -d "$CHAT" "http://127.0.0.1:$PORT/v1/chat/completions")
  grep -q 'data: \[DONE\]' <<<"$out" || fail "host network stream: $out"
  echo "streaming chat over the host network: $(grep -c '^data: ' <<<"$out") events"
  stop_cleanly "$C2"
else
  echo "--network=host not available with this daemon: $(cat "$WORK/host-run.log")"
fi

log "PASS"
